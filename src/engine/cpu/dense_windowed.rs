//! The windowed engine as first written: every window passes over every neuron (activation
//! decay, the activation kernel, each eviction's scan), so its cost per window grows with the
//! vocabulary. Kept as the oracle of the differential test (`tests/it/windowed_sparse.rs`):
//! [`super::windowed::WindowedEngine`] must produce the same network, bit for bit, at a cost
//! per window that does not depend on the number of neurons. The rules are documented there.

use rustc_hash::FxHashMap;

use std::ops::Range;

use crate::engine::{EngineError, LearningEngine, StatsKind as _};
use crate::kernel::{KernelTimes, WindowedKernel, pair_rng};
use crate::model::engine_stats::{EngineStats, WindowedStats};
use crate::model::network::{Connection, Network, NeuronId};
use crate::model::params::{Common, EngineParams, ParamError, Specific, WindowedParams};
use crate::model::real::Real;
use crate::model::tokens::TokenStream;

#[derive(Clone, Copy, Debug)]
struct Slot<R> {
    from: NeuronId,
    to: NeuronId,
    strength: R,
    mass: R,
    stamp: u64,
    /// Window in which the pair was last part of the window (not decayed then).
    in_window: u64,
    live: bool,
}

/// The dense windowed engine on the CPU, in precision `R` (the differential test's oracle).
#[derive(Clone, Debug)]
pub struct DenseWindowedEngine<R: Real = f64> {
    common: Common,
    params: WindowedParams,
    threshold: u32,
    ids: FxHashMap<String, NeuronId>,
    words: Vec<String>,
    live: Vec<bool>,
    n_live: usize,
    activations: Vec<R>,
    out_degree: Vec<u32>,
    slots: Vec<Slot<R>>,
    free: Vec<u32>,
    index: FxHashMap<u64, u32>,
    next_stamp: u64,
    stats: WindowedStats,
    times: KernelTimes,
    // Buffers reused between windows.
    window_ids: Vec<NeuronId>,
    sums: Vec<R::Sum>,
}

const fn key(i: NeuronId, j: NeuronId) -> u64 {
    ((i as u64) << 32) | j as u64
}

impl<R: Real> DenseWindowedEngine<R> {
    /// A fresh engine; parameters are validated first.
    pub fn new(common: Common, params: WindowedParams) -> Result<Self, ParamError> {
        EngineParams { common: common.clone(), specific: Specific::Windowed(params.clone()) }.validate()?;
        Ok(Self {
            threshold: pair_rng::threshold(params.connection_prob),
            common,
            params,
            ids: FxHashMap::default(),
            words: Vec::new(),
            live: Vec::new(),
            n_live: 0,
            activations: Vec::new(),
            out_degree: Vec::new(),
            slots: Vec::new(),
            free: Vec::new(),
            index: FxHashMap::default(),
            next_stamp: 0,
            stats: WindowedStats::default(),
            times: KernelTimes::default(),
            window_ids: Vec::new(),
            sums: Vec::new(),
        })
    }

    /// Process one speaker turn (tokens already tokenized and kill-filtered).
    pub fn step_turn<'a>(&mut self, speaker: &str, tokens: impl IntoIterator<Item = &'a str>) {
        self.stats.turns += 1;
        let tokens: Vec<&str> = tokens.into_iter().collect();
        self.stats.tokens += tokens.len() as u64;
        // The reference creates the speaker's neuron once per turn, before any window.
        let speaker_id = self.get_or_create(&speaker.to_lowercase(), &[]);
        let w = self.params.window;
        if tokens.len() < w {
            return;
        }
        for start in 0..=tokens.len() - w {
            let mut ids = std::mem::take(&mut self.window_ids);
            ids.clear();
            ids.push(speaker_id);
            for token in &tokens[start..start + w] {
                let id = self.get_or_create(token, &ids);
                ids.push(id);
            }
            self.window(&ids);
            self.window_ids = ids;
        }
    }

    /// §1.4: existing word → activation 1; new word → evict at capacity, then a new id.
    fn get_or_create(&mut self, word: &str, protected: &[NeuronId]) -> NeuronId {
        if let Some(&id) = self.ids.get(word) {
            self.activations[id as usize] = R::ONE;
            return id;
        }
        if self.n_live >= self.common.max_neurons {
            let mut times = self.times;
            times.time(WindowedKernel::Eviction, || self.evict_least_important(protected));
            self.times = times;
        }
        let id = self.words.len() as NeuronId;
        self.ids.insert(word.to_owned(), id);
        self.words.push(word.to_owned());
        self.live.push(true);
        self.activations.push(R::ONE);
        self.out_degree.push(0);
        self.n_live += 1;
        id
    }

    /// Importance `0.4·recency + 0.4·Σ s + 0.2·a` (recency is 1 for all: the reference's clock
    /// never advances); the lowest id wins ties; neurons of the current window are protected.
    fn evict_least_important(&mut self, protected: &[NeuronId]) {
        let mut strength = vec![R::Sum::default(); self.words.len()];
        for s in self.slots.iter().filter(|s| s.live) {
            strength[s.from as usize] = R::sum_add(strength[s.from as usize], s.strength);
            strength[s.to as usize] = R::sum_add(strength[s.to as usize], s.strength);
        }
        let c = R::from_f64;
        let victim = (0..self.words.len())
            .filter(|&k| self.live[k] && !protected.contains(&(k as NeuronId)))
            .map(|k| (k, c(0.4) * R::ONE + c(0.4) * R::sum_value(strength[k]) + c(0.2) * self.activations[k]))
            .fold(None, |best: Option<(usize, R)>, (k, imp)| match best {
                Some((_, b)) if b <= imp => best,
                _ => Some((k, imp)),
            });
        let Some((victim, _)) = victim else { return };
        self.stats.evictions += 1;
        self.live[victim] = false;
        self.n_live -= 1;
        self.activations[victim] = R::ZERO;
        let word = std::mem::take(&mut self.words[victim]);
        self.ids.remove(&word);
        for k in 0..self.slots.len() {
            let s = self.slots[k];
            if s.live && (s.from as usize == victim || s.to as usize == victim) {
                self.remove_slot(k as u32);
            }
        }
    }

    fn remove_slot(&mut self, k: u32) {
        let s = &mut self.slots[k as usize];
        s.live = false;
        self.out_degree[s.from as usize] -= 1;
        self.index.remove(&key(s.from, s.to));
        self.free.push(k);
    }

    /// One window: activation decay, Hebbian (decay, update, prune), activation kernel.
    fn window(&mut self, ids: &[NeuronId]) {
        self.stats.windows += 1;
        let step = self.stats.windows;
        let n_ids = ids.len();
        self.stats.pairs += (n_ids * (n_ids - 1) / 2) as u64;
        let mut times = self.times;
        times.time(WindowedKernel::ActivationDecay, || self.activation_decay());
        times.time(WindowedKernel::ConnectionDecay, || self.connection_decay(ids, step));
        times.time(WindowedKernel::PairUpdate, || {
            for p in 0..n_ids {
                for q in p + 1..n_ids {
                    self.hebbian_pair(ids[p], ids[q], step);
                }
            }
        });
        times.time(WindowedKernel::Prune, || self.prune());
        times.time(WindowedKernel::ActivationSpread, || self.activation_kernel());
        self.times = times;
    }

    /// Activation decay, branch-free over all ids: an evicted id's activation is never read (eviction and the
    /// kernel skip dead ids, snapshots report 0), so the loop can vectorise.
    fn activation_decay(&mut self) {
        let c = R::from_f64;
        let factor = R::ONE - c(self.params.activation_decay);
        let floor = c(self.params.activation_floor);
        for a in &mut self.activations {
            *a = (*a * factor).max(floor);
        }
    }

    /// Decay every connection except the window's pairs (p < q); remove those at the threshold.
    fn connection_decay(&mut self, ids: &[NeuronId], step: u64) {
        for p in 0..ids.len() {
            for q in p + 1..ids.len() {
                if let Some(&k) = self.index.get(&key(ids[p], ids[q])) {
                    self.slots[k as usize].in_window = step;
                }
            }
        }
        let c = R::from_f64;
        let (cdecay, cfloor, removal) =
            (R::ONE - c(self.params.connection_decay), c(self.params.decay_floor), c(self.params.removal_threshold));
        for k in 0..self.slots.len() {
            let s = &mut self.slots[k];
            if s.live && s.in_window != step {
                s.strength = (s.strength * cdecay).max(cfloor);
                if s.strength <= removal {
                    self.remove_slot(k as u32);
                }
            }
        }
    }

    /// Remove connections with `|s|` below the prune threshold.
    fn prune(&mut self) {
        let prune = R::from_f64(self.params.prune_threshold);
        for k in 0..self.slots.len() {
            if self.slots[k].live && self.slots[k].strength.abs() < prune {
                self.remove_slot(k as u32);
            }
        }
    }

    fn hebbian_pair(&mut self, i: NeuronId, j: NeuronId, step: u64) {
        if i == j {
            return;
        }
        let existing = self.index.get(&key(i, j)).copied();
        if existing.is_none() {
            let waived =
                self.words[i as usize].starts_with("speaker_") || self.words[j as usize].starts_with("speaker_");
            if !waived
                && (self.out_degree[i as usize] as usize >= self.params.max_connections_per_neuron
                    || !pair_rng::allows(self.params.seed, step, i, j, self.threshold))
            {
                self.stats.refused += 1;
                return;
            }
        }
        let (ai, aj) = (self.activations[i as usize], self.activations[j as usize]);
        let (strength, mass) =
            existing.map_or((R::ZERO, R::ZERO), |k| (self.slots[k as usize].strength, self.slots[k as usize].mass));
        let c = R::from_f64;
        let resistance = R::ONE / (R::ONE + mass * c(0.1));
        let delta = c(self.common.eta) * ai * aj * resistance;
        let x = ai * aj;
        let model = self.common.mass;
        let new_mass = model.update_in(mass, x, model.target_in(x));
        match existing {
            Some(k) => {
                let s = &mut self.slots[k as usize];
                s.strength = strength + delta;
                s.mass = new_mass;
                s.in_window = step;
            }
            None => {
                self.next_stamp += 1;
                let slot = Slot {
                    from: i,
                    to: j,
                    strength: delta,
                    mass: new_mass,
                    stamp: self.next_stamp,
                    in_window: step,
                    live: true,
                };
                let k = match self.free.pop() {
                    Some(k) => {
                        self.slots[k as usize] = slot;
                        k
                    }
                    None => {
                        self.slots.push(slot);
                        (self.slots.len() - 1) as u32
                    }
                };
                self.index.insert(key(i, j), k);
                self.out_degree[i as usize] += 1;
            }
        }
    }

    /// `a ← σ(W a)` over live neurons; `W` from low→high connections once enough ids exist
    /// (the reference's vectorised kernel), from both directions before (its small-network
    /// path). `W` is symmetric: each edge adds to both ends.
    fn activation_kernel(&mut self) {
        let low_high_only = self.words.len() as u32 >= self.params.dense_kernel_min_ids;
        let sums = &mut self.sums;
        sums.clear();
        sums.resize(self.activations.len(), R::Sum::default());
        for s in self.slots.iter().filter(|s| s.live) {
            if low_high_only && s.from > s.to {
                continue;
            }
            let (f, t) = (s.from as usize, s.to as usize);
            sums[t] = R::sum_add(sums[t], s.strength * self.activations[f]);
            sums[f] = R::sum_add(sums[f], s.strength * self.activations[t]);
        }
        for (a, &sum) in self.activations.iter_mut().zip(sums.iter()) {
            // σ(0) = 1/(1+e⁰) = 0.5 exactly; most neurons of a large network are isolated.
            *a = if sum == R::Sum::default() { R::HALF } else { R::ONE / (R::ONE + (-R::sum_value(sum)).exp()) };
        }
    }
}

impl<R: Real + std::fmt::Debug + Send> LearningEngine for DenseWindowedEngine<R> {
    fn run(&mut self, stream: &TokenStream, speakers: &[String], exchanges: Range<usize>) -> Result<(), EngineError> {
        for k in exchanges {
            self.step_turn(&speakers[k], stream.exchange(k));
        }
        Ok(())
    }

    /// The network (connections in creation order; evicted neurons keep an empty word and
    /// activation 0).
    fn snapshot(&self) -> Result<Network, EngineError> {
        let mut live: Vec<&Slot<R>> = self.slots.iter().filter(|s| s.live).collect();
        live.sort_unstable_by_key(|s| s.stamp);
        Ok(Network {
            words: self.words.clone(),
            activations: self
                .activations
                .iter()
                .zip(&self.live)
                .map(|(&a, &live)| if live { a.to_f64() } else { 0.0 })
                .collect(),
            connections: live
                .into_iter()
                .map(|s| Connection { from: s.from, to: s.to, strength: s.strength.to_f64(), mass: s.mass.to_f64() })
                .collect(),
        })
    }

    fn stats(&self) -> EngineStats {
        EngineStats::Windowed(self.stats)
    }

    fn kernel_times(&self) -> KernelTimes {
        self.times
    }

    fn device(&self) -> String {
        super::cpu_device::<R>()
    }

    /// Bytes held by the engine's state (capacities, not just lengths).
    fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        let words: usize = self.words.iter().map(|w| w.capacity() + size_of::<String>()).sum();
        self.slots.capacity() * size_of::<Slot<R>>()
            + self.index.capacity() * (size_of::<u64>() + size_of::<u32>() + 1)
            + self.ids.capacity() * (size_of::<String>() + size_of::<NeuronId>() + 1)
            + words
            + self.words.len() * (2 * size_of::<R>() + size_of::<u32>() + 1)
            + self.free.capacity() * size_of::<u32>()
    }

    fn size(&self) -> (usize, usize) {
        (self.n_live, self.index.len())
    }

    /// Bytes one window reads and writes, by the kernels' access patterns (an estimate used to
    /// report effective bandwidth): neuron arrays ~3 passes, connection slots ~3 passes.
    fn bytes_per_step(&self) -> Option<usize> {
        Some(
            self.words.len() * (3 * std::mem::size_of::<R>() + 2)
                + self.slots.len() * 3 * std::mem::size_of::<Slot<R>>(),
        )
    }

    /// Create neurons for `words` (up to capacity) without learning, as a warm start for
    /// steady-state benchmarks.
    fn prefill(&mut self, words: &mut dyn Iterator<Item = &str>) -> Result<(), EngineError> {
        for w in words {
            if self.n_live >= self.common.max_neurons {
                break;
            }
            self.get_or_create(w, &[]);
        }
        Ok(())
    }

    /// Continue from `network` and counters `stats` (a snapshot of either backend; the window
    /// count keys the random draws, so the run goes on exactly).
    fn load(&mut self, network: &Network, stats: EngineStats) -> Result<(), EngineError> {
        let stats = stats.windowed()?;
        network.validate(&self.common.network_limits(Some(&self.params)))?;
        let mut fresh = Self::new(self.common.clone(), self.params.clone())?;
        for (id, w) in network.words.iter().enumerate() {
            let live = !w.is_empty();
            if live {
                fresh.ids.insert(w.clone(), id as NeuronId);
                fresh.n_live += 1;
            }
            fresh.words.push(w.clone());
            fresh.live.push(live);
            fresh.activations.push(R::from_f64(network.activations.get(id).copied().unwrap_or(0.0)));
            fresh.out_degree.push(0);
        }
        for c in &network.connections {
            fresh.next_stamp += 1;
            fresh.index.insert(key(c.from, c.to), fresh.slots.len() as u32);
            fresh.out_degree[c.from as usize] += 1;
            fresh.slots.push(Slot {
                from: c.from,
                to: c.to,
                strength: R::from_f64(c.strength),
                mass: R::from_f64(c.mass),
                stamp: fresh.next_stamp,
                in_window: 0,
                live: true,
            });
        }
        fresh.stats = stats;
        fresh.times = self.times;
        *self = fresh;
        Ok(())
    }
}
