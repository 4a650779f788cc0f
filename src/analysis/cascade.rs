//! Activation cascade (HUEY_REFERENCE.md §3.9, the golden variant): activation injected into
//! chosen concepts spreads along inertial mass with delays, decays, and each neuron fires once.
//! State is local to one call (the original kept firing state between runs: a bug).

use crate::model::network::{Network, NeuronId};

/// One step of a cascade.
#[derive(Clone, Debug, PartialEq)]
pub struct CascadeStep {
    /// The active neurons and their activations, by id (activations below 10⁻⁶ are zero, so a
    /// step stores what spread, not the whole network: a hundred steps over ten million
    /// neurons would otherwise be 8 GB).
    pub active: Vec<(NeuronId, f64)>,
    /// Neurons that crossed the threshold for the first time at this step.
    pub newly: Vec<NeuronId>,
    /// Σ activation.
    pub energy: f64,
}

impl CascadeStep {
    fn of(x: &[f64], newly: Vec<NeuronId>) -> Self {
        let active: Vec<(NeuronId, f64)> =
            x.iter().enumerate().filter(|(_, v)| **v != 0.0).map(|(k, v)| (k as NeuronId, *v)).collect();
        Self { active, newly, energy: x.iter().sum() }
    }

    /// Activation of neuron `id` at this step.
    pub fn activation(&self, id: NeuronId) -> f64 {
        self.active.binary_search_by_key(&id, |a| a.0).map_or(0.0, |k| self.active[k].1)
    }

    /// Largest activation at this step (0 when none is active).
    pub fn peak(&self) -> f64 {
        self.active.iter().map(|a| a.1).fold(0.0, f64::max)
    }
}

/// A whole cascade.
#[derive(Clone, Debug, PartialEq)]
pub struct Cascade {
    /// Step 0 (the inputs) and every later step until it settles (at most 100).
    pub steps: Vec<CascadeStep>,
    /// Firing threshold θ (0.005 above 200 live neurons, 0.008 above 100, else 0.01).
    pub threshold: f64,
    /// Effective spectral radius `exp((ln E_last − ln E_0)/(steps − 1))` (more than 5 steps).
    pub rho_eff: Option<f64>,
}

/// Run a cascade from `inputs` at `input_strength` for at most `max_steps` steps.
pub fn cascade(net: &Network, inputs: &[NeuronId], input_strength: f64, max_steps: usize) -> Cascade {
    let n = net.words.len();
    let live = net.n_neurons();
    let threshold = if live > 200 {
        0.005
    } else if live > 100 {
        0.008
    } else {
        0.01
    };
    // C[j, i] = mass(i → j), scaled so that max C = 2; kept as out-lists per source.
    let max = net.connections.iter().map(|c| c.mass).fold(0.0, f64::max);
    let mut out: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    if max > 0.0 {
        for c in net.connections.iter().filter(|c| c.mass > 0.0) {
            out[c.from as usize].push((c.to as usize, c.mass * 2.0 / max));
        }
    }
    let mut x = vec![0.0; n];
    for &i in inputs {
        if (i as usize) < n {
            x[i as usize] = input_strength;
        }
    }
    let mut fired = vec![false; n];
    let mut pending: Vec<Vec<(usize, f64)>> = Vec::new(); // signals by arrival step
    let mut steps = vec![CascadeStep::of(&x, inputs.to_vec())];
    for t in 1..=max_steps {
        let mut next: Vec<f64> = x.iter().map(|v| 0.8 * v).collect();
        for src in 0..n {
            if x[src] >= threshold && !fired[src] {
                fired[src] = true;
                for &(j, c) in &out[src] {
                    let delay = ((2.0 / c) as usize).max(1);
                    let at = t.saturating_add(delay);
                    if at > max_steps {
                        continue; // arrives after the last step: it could change nothing
                    }
                    if pending.len() <= at {
                        pending.resize(at + 1, Vec::new());
                    }
                    pending[at].push((j, c * x[src] * 0.1));
                }
            }
        }
        let mut z = vec![0.0; n];
        if let Some(arrivals) = pending.get(t) {
            for &(j, s) in arrivals {
                z[j] += s;
            }
        }
        for (v, zj) in next.iter_mut().zip(&z) {
            *v = (*v + zj.max(0.0)).max(0.0);
        }
        if t < 3 {
            let hold = input_strength * 0.9f64.powi(t as i32);
            for &i in inputs {
                if (i as usize) < n {
                    next[i as usize] = next[i as usize].max(hold);
                }
            }
        }
        for v in &mut next {
            if v.abs() < 1e-6 {
                *v = 0.0;
            }
        }
        let newly: Vec<NeuronId> =
            (0..n).filter(|&k| next[k] >= threshold && x[k] < threshold && !fired[k]).map(|k| k as NeuronId).collect();
        let change = next.iter().zip(&x).map(|(a, b)| (a - b).abs()).sum::<f64>() / n.max(1) as f64;
        let energy: f64 = next.iter().sum();
        let peak = next.iter().copied().fold(0.0, f64::max);
        x = next;
        steps.push(CascadeStep::of(&x, newly));
        if (energy < 0.001 && peak < 0.001) || change < 1e-4 {
            break;
        }
    }
    let rho_eff = (steps.len() > 5 && steps[0].energy > 0.0 && steps[steps.len() - 1].energy > 0.0).then(|| {
        let (e0, e1) = (steps[0].energy, steps[steps.len() - 1].energy);
        ((e1.ln() - e0.ln()) / (steps.len() - 1) as f64).exp()
    });
    Cascade { steps, threshold, rho_eff }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::network::Connection;

    #[test]
    fn a_chain_by_hand() {
        // a → b → c with equal mass: C = 2 on both links, delay max(1, ⌊2/2⌋) = 1.
        let c = |from, to| Connection { from, to, strength: 0.5, mass: 3.0 };
        let net = Network {
            words: ["a", "b", "c"].map(str::to_owned).to_vec(),
            activations: vec![1.0; 3],
            connections: vec![c(0, 1), c(1, 2)],
        };
        let run = cascade(&net, &[0], 1.0, 100);
        let x = |t: usize| (0..3).map(|k| run.steps[t].activation(k)).collect::<Vec<f64>>();
        let close = |a: Vec<f64>, b: [f64; 3]| a.iter().zip(b).all(|(p, q)| (p - q).abs() < 1e-12);
        assert!(close(x(0), [1.0, 0.0, 0.0]));
        assert!(close(x(1), [0.9, 0.0, 0.0]), "{:?}", x(1)); // 0.8 decayed, held at 0.9
        assert!(close(x(2), [0.81, 0.2, 0.0]), "{:?}", x(2)); // a's signal 2·1·0.1 arrives
        assert!(close(x(3), [0.648, 0.16, 0.0]), "{:?}", x(3)); // b fires with 0.2
        assert!(close(x(4), [0.5184, 0.128, 0.04]), "{:?}", x(4)); // 2·0.2·0.1 reaches c
        assert_eq!(run.steps[2].newly, [1]);
        assert_eq!(run.steps[4].newly, [2]);
        assert_eq!(run.threshold, 0.01);
        assert!(run.steps.len() > 5 && run.rho_eff.is_some_and(|r| r < 1.0), "decays: {:?}", run.rho_eff);
        assert!((run.steps[4].peak() - 0.5184).abs() < 1e-12);
    }

    /// A link a hundred million times lighter than the heaviest has a delay of 10⁸ steps: its
    /// signal would arrive long after the cascade ends, and is not queued (it once allocated
    /// one queue per step up to that arrival, gigabytes).
    #[test]
    fn a_signal_arriving_after_the_last_step_is_not_queued() {
        let c = |from, to, mass| Connection { from, to, strength: 0.5, mass };
        let net = Network {
            words: ["a", "b", "c"].map(str::to_owned).to_vec(),
            activations: vec![1.0; 3],
            connections: vec![c(0, 1, 3.0), c(0, 2, 3e-8)],
        };
        let run = cascade(&net, &[0], 1.0, 100);
        assert!(run.steps.iter().all(|s| s.activation(2) == 0.0));
        assert!(run.steps[2].activation(1) > 0.0);
    }
}
