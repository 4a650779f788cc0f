//! The golden "temporal" engine (HUEY_REFERENCE.md §3.3): one update per exchange, every ordered
//! pair of the exchange's tokens strengthened with weight `e^(−lag/τ)`, all other connections
//! decayed, weak ones pruned.
//!
//! Same results as the reference's loop, less work: the reference multiplies every stored
//! connection by `1 − decay` on every exchange, which is O(connections) per exchange. Here each
//! connection stores its strength as of the last exchange that touched it plus that exchange's
//! decay count, and its value is materialised on demand as `s_ref·(1−decay)^k` (a table of
//! powers built by the same repeated multiplication, so values agree to ~k ulp). Since a
//! decayed value is only pruned once it falls below the prune threshold, each touch schedules
//! the connection's death in a min-heap, and each exchange pops only the due entries.
//! Parameter validation guarantees that the reference's floor/removal rule never fires on a
//! surviving connection, which is what makes the lazy form exact.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::engine::{EngineError, LearningEngine, StatsKind as _};
use crate::kernel::{KernelTimes, TemporalKernel};
use crate::model::engine_stats::{EngineStats, TemporalStats};
use crate::model::network::{Connection, Network, NeuronId};
use crate::model::params::{Common, EngineParams, ParamError, Specific, TemporalParams};
use crate::model::real::Real;
use crate::model::tokens::TokenStream;
use crate::model::vocabulary::Vocabulary;

#[derive(Clone, Copy, Debug)]
struct Slot<R> {
    /// Strength right after the exchange with decay count `d_ref` was processed.
    s_ref: R,
    /// Decay count at which `s_ref` was current; doubles as the version of heap entries.
    d_ref: u64,
    mass: R,
    /// Creation order (the reference's dict insertion order).
    stamp: u64,
}

/// The temporal engine in precision `R` (f64: the reference mode; f32: the GPU's).
#[derive(Clone, Debug)]
pub struct TemporalEngine<R: Real = f64> {
    common: Common,
    params: TemporalParams,
    vocab: Vocabulary,
    slots: FxHashMap<u64, Slot<R>>,
    deaths: BinaryHeap<Reverse<(u64, u64, u64)>>,
    decay_pow: Vec<R>,
    lag_weight: Vec<R>,
    mass_target: R,
    next_stamp: u64,
    sequence: Vec<NeuronId>,
    touched: Vec<u64>,
    stats: TemporalStats,
    times: KernelTimes,
}

const fn key(i: NeuronId, j: NeuronId) -> u64 {
    ((i as u64) << 32) | j as u64
}

const fn unkey(k: u64) -> (NeuronId, NeuronId) {
    ((k >> 32) as NeuronId, k as NeuronId)
}

impl<R: Real> TemporalEngine<R> {
    /// A fresh engine; parameters are validated first.
    pub fn new(common: Common, params: TemporalParams) -> Result<Self, ParamError> {
        EngineParams { common: common.clone(), specific: Specific::Temporal(params.clone()) }.validate()?;
        Ok(Self {
            vocab: Vocabulary::with_capacity(common.max_neurons),
            mass_target: common.mass.target_in(R::ONE),
            decay_pow: vec![R::ONE],
            lag_weight: vec![R::ONE],
            common,
            params,
            slots: FxHashMap::default(),
            deaths: BinaryHeap::new(),
            next_stamp: 0,
            sequence: Vec::new(),
            touched: Vec::new(),
            stats: TemporalStats::default(),
            times: KernelTimes::default(),
        })
    }

    fn pow(&mut self, k: u64) -> R {
        let k = usize::try_from(k).unwrap_or(usize::MAX);
        let factor = R::ONE - R::from_f64(self.params.connection_decay);
        while self.decay_pow.len() <= k {
            let last = self.decay_pow[self.decay_pow.len() - 1];
            if last == R::ZERO {
                return R::ZERO;
            }
            self.decay_pow.push(last * factor);
        }
        self.decay_pow[k]
    }

    fn lag_weight(&mut self, lag: usize) -> R {
        while self.lag_weight.len() <= lag {
            let l = self.lag_weight.len() as f64;
            self.lag_weight.push(R::from_f64(1.0 * (-l / self.params.tau).exp()));
        }
        self.lag_weight[lag]
    }

    /// Process one exchange's tokens (already tokenized and kill-filtered).
    pub fn step<'a>(&mut self, tokens: impl IntoIterator<Item = &'a str>) {
        self.stats.exchanges += 1;
        self.sequence.clear();
        for token in tokens {
            self.stats.tokens += 1;
            match self.vocab.intern(token) {
                Some(id) => self.sequence.push(id),
                None => self.stats.tokens_skipped += 1,
            }
        }
        let len = self.sequence.len();
        if len <= 1 {
            return;
        }
        self.stats.learning_steps += 1;
        self.stats.pairs += (len * (len - 1) / 2) as u64;
        let now = self.stats.learning_steps - 1; // decay count before this exchange
        let after = now + 1;
        let mut times = self.times;
        times.time(TemporalKernel::PairUpdate, || self.pair_update(now, after));
        times.time(TemporalKernel::Prune, || self.prune(after));
        self.times = times;
    }

    /// Hebbian update of every ordered pair `p < q` of the current sequence.
    fn pair_update(&mut self, now: u64, after: u64) {
        let len = self.sequence.len();
        let eta = R::from_f64(self.common.eta);
        let mass = self.common.mass;
        let target = self.mass_target;
        self.touched.clear();
        for p in 0..len {
            for q in p + 1..len {
                let k = key(self.sequence[p], self.sequence[q]);
                let w = self.lag_weight(q - p);
                let (slot, first_touch) = match self.slots.get(&k) {
                    Some(slot) => (*slot, slot.d_ref != after),
                    None => {
                        self.next_stamp += 1;
                        (Slot { s_ref: R::ZERO, d_ref: after, mass: R::ZERO, stamp: self.next_stamp }, true)
                    }
                };
                let current = if slot.d_ref == after { slot.s_ref } else { slot.s_ref * self.pow(now - slot.d_ref) };
                if first_touch {
                    self.touched.push(k);
                }
                let resistance = R::ONE / (R::ONE + slot.mass * R::from_f64(0.1));
                let delta = eta * R::ONE * R::ONE * resistance * w;
                let new_mass = mass.update_in(slot.mass, R::ONE, target);
                self.slots.insert(k, Slot { s_ref: current + delta, d_ref: after, mass: new_mass, stamp: slot.stamp });
            }
        }
    }

    /// Schedule the death of every touched connection and remove those now due.
    fn prune(&mut self, after: u64) {
        let touched = std::mem::take(&mut self.touched);
        for &k in &touched {
            let s_ref = self.slots[&k].s_ref;
            match self.steps_until_pruned(s_ref) {
                // Due now: removed here rather than pushed and popped below. A long exchange
                // creates many pairs too weak to survive it, and that heap traffic was most of
                // prune time on dense exchanges.
                Some(0) => {
                    self.slots.remove(&k);
                }
                Some(steps) => self.deaths.push(Reverse((after + steps, k, after))),
                None => {}
            }
        }
        self.touched = touched;
        while let Some(&Reverse((death, k, version))) = self.deaths.peek() {
            if death > after {
                break;
            }
            self.deaths.pop();
            if self.slots.get(&k).is_some_and(|s| s.d_ref == version) {
                self.slots.remove(&k);
            }
        }
    }

    /// Smallest `j ≥ 0` with `s·(1−decay)^j < prune_threshold`, or `None` when that lies
    /// beyond [`HORIZON`] steps: the connection outlives any run (no decay, a decay too slow
    /// to matter, or a factor that rounds to 1 in this precision) and is never scheduled, so
    /// no power table grows towards a step that cannot come.
    fn steps_until_pruned(&mut self, s: R) -> Option<u64> {
        let threshold = R::from_f64(self.params.prune_threshold);
        let s = s.abs();
        if s < threshold {
            return Some(0);
        }
        // The factor as this precision holds it: in f32 a tiny decay rounds it to exactly 1.
        let factor = (R::ONE - R::from_f64(self.params.connection_decay)).to_f64();
        if factor == 0.0 {
            return Some(1);
        }
        if factor >= 1.0 {
            return None;
        }
        // `dead(j)` (s·(1−decay)^j below the threshold) is monotone in j. The log estimate is
        // close, but the power table is built by repeated multiplication, as the reference
        // decays, and its rounding can move the answer (far, in f32 after many steps): gallop
        // from the estimate to a bracket, then bisect, so the answer is exact for the table.
        let estimate = (self.params.prune_threshold / s.to_f64()).ln() / factor.ln();
        if !(estimate.is_finite() && estimate < HORIZON as f64) {
            return None;
        }
        let guess = estimate.floor().max(0.0) as u64;
        let mut dead = |j: u64| s * self.pow(j) < threshold;
        // Invariant once bracketed: dead(hi) and not dead(lo).
        let (mut lo, mut hi);
        if dead(guess) {
            hi = guess;
            let mut step = 1;
            loop {
                if hi == 0 {
                    return Some(0);
                }
                let c = hi.saturating_sub(step);
                if dead(c) {
                    hi = c;
                    step *= 2;
                } else {
                    lo = c;
                    break;
                }
            }
        } else {
            lo = guess;
            let mut step = 1;
            loop {
                let c = (lo + step).min(HORIZON);
                if dead(c) {
                    hi = c;
                    break;
                }
                if c == HORIZON {
                    return None;
                }
                lo = c;
                step *= 2;
            }
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if dead(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Some(hi)
    }
}

/// More learning steps than any run can take (one per exchange, at most
/// [`MAX_EXCHANGES`](crate::model::options::MAX_EXCHANGES)): a death scheduled later never comes.
const HORIZON: u64 = crate::model::options::MAX_EXCHANGES as u64 + 2;

impl<R: Real + std::fmt::Debug + Send> LearningEngine for TemporalEngine<R> {
    fn run(&mut self, stream: &TokenStream, _speakers: &[String], exchanges: Range<usize>) -> Result<(), EngineError> {
        for k in exchanges {
            self.step(stream.exchange(k));
        }
        Ok(())
    }

    /// The network with every connection's strength materialised (connections in creation
    /// order).
    fn snapshot(&self) -> Result<Network, EngineError> {
        let now = self.stats.learning_steps;
        let factor = 1.0 - self.params.connection_decay;
        let mut slots: Vec<(&u64, &Slot<R>)> = self.slots.iter().collect();
        slots.sort_unstable_by_key(|(_, s)| s.stamp);
        let connections = slots
            .into_iter()
            .map(|(&k, s)| {
                let (from, to) = unkey(k);
                let age = now - s.d_ref;
                let strength = match self.decay_pow.get(usize::try_from(age).unwrap_or(usize::MAX)) {
                    Some(&d) => (s.s_ref * d).to_f64(),
                    None => s.s_ref.to_f64() * factor.powf(age as f64),
                };
                Connection { from, to, strength, mass: s.mass.to_f64() }
            })
            .collect();
        Ok(Network { words: self.vocab.words().to_vec(), activations: vec![1.0; self.vocab.len()], connections })
    }

    fn stats(&self) -> EngineStats {
        EngineStats::Temporal(self.stats)
    }

    /// Wall time per kernel. Connection decay is implicit (lazy) and happens inside
    /// `pair_update` (materialising) and `prune` (scheduled deaths).
    fn kernel_times(&self) -> KernelTimes {
        self.times
    }

    fn device(&self) -> String {
        super::cpu_device::<R>()
    }

    /// Bytes held by the engine's state (capacities, not just lengths).
    fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        let words: usize = self.vocab.words().iter().map(|w| 2 * (w.capacity() + size_of::<String>()) + 5).sum();
        self.slots.capacity() * (size_of::<u64>() + size_of::<Slot<R>>() + 1)
            + self.deaths.capacity() * size_of::<(u64, u64, u64)>()
            + self.decay_pow.capacity() * size_of::<R>()
            + words
    }

    fn size(&self) -> (usize, usize) {
        (self.vocab.len(), self.slots.len())
    }

    /// Intern `words` (up to capacity) without learning, as a warm start for benchmarks.
    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), EngineError> {
        self.vocab.intern_until_full(words);
        Ok(())
    }

    /// Continue from `network` and counters `stats` (a snapshot of either backend): every
    /// connection's strength becomes its reference value now, its death is rescheduled.
    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), EngineError> {
        let stats = stats.temporal()?;
        network.validate(&self.common.network_limits(None))?;
        let mut fresh = Self::new(self.common.clone(), self.params.clone())?;
        for w in &network.words {
            fresh.vocab.intern(w);
        }
        let now = stats.learning_steps;
        for c in &network.connections {
            fresh.next_stamp += 1;
            let s_ref = R::from_f64(c.strength);
            let slot = Slot { s_ref, d_ref: now, mass: R::from_f64(c.mass), stamp: fresh.next_stamp };
            let k = key(c.from, c.to);
            fresh.slots.insert(k, slot);
            if let Some(steps) = fresh.steps_until_pruned(s_ref) {
                fresh.deaths.push(Reverse((now + steps, k, now)));
            }
        }
        fresh.stats = stats;
        fresh.times = self.times;
        *self = fresh;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
