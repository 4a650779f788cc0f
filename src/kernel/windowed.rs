//! The windowed engine's device state as the GPU holds it (`shaders/windowed/state.wgsl`), and
//! one CPU twin per WGSL kernel: same name, same loop shape (a loop over the kernel's threads,
//! or its phases where a workgroup cooperates), same arithmetic (fixed-point sums in the
//! shader's words, the shader's operation order). The per-kernel conformance test runs each
//! twin and its shader on the same state and compares them.
//!
//! Where threads race (the order of pushes onto the free-slot stack, of survivors appended to
//! the next explicit list), the twin takes thread order; [`State::diff`] compares those as
//! sets.

use super::WindowedKernel;
use super::pair_rng;
use crate::model::params::{Common, WindowedParams};
use crate::model::real::Real;

/// A freed slot or evicted neuron (`DEAD` in the WGSL).
pub const DEAD: u32 = u32::MAX;
/// Nothing there (`NONE` in the WGSL).
pub const NONE: u32 = u32::MAX;
/// Flag of a step record: the turn's first step, which resolves the speaker.
pub const SPEAKER_FIRST: u32 = 1;
/// Threads of the eviction kernel's workgroup (`RW` in eviction.wgsl).
pub const EVICTION_THREADS: u32 = 64;
/// Words of the counters buffer (per replicate).
pub const N_COUNTERS: usize = 16;
/// Bit of `nstate`: the neuron is on the explicit list.
pub const EXPLICIT: u32 = 0x8000_0000;
/// Bits of `nstate`: its live connections.
pub const DEGREE: u32 = !EXPLICIT;

/// Words of a level-`k` block of the quiet tree (`quiet_block` in state.wgsl).
const fn quiet_block(k: u32) -> u32 {
    ((1 << (5 * (k + 1))) - 1) / 31
}

/// The word of level `level` on id `i`'s path in the quiet tree (`quiet_at` in state.wgsl): a
/// level-k block (k ≥ 1) is a summary word (bit c: child c not empty) and its 32 children,
/// depth first; level 0 is one word of 32 ids; the root is level 5. A row for fewer ids is a
/// prefix of the layout for more, so growing keeps it.
pub const fn quiet_at(i: u32, level: u32) -> usize {
    let mut p = 0;
    let mut k = 5;
    while k > level {
        p += 1 + ((i >> (5 * k)) & 31) * quiet_block(k - 1);
        k -= 1;
    }
    p as usize
}

/// Insert id `i` into quiet tree `tree` (`quiet_insert` in state.wgsl).
pub fn quiet_insert(tree: &mut [u32], i: u32) {
    for k in 0..=5 {
        tree[quiet_at(i, k)] |= 1 << ((i >> (5 * k)) & 31);
    }
}

/// Words of a quiet tree for `ids` neuron ids (`quiet_words` in state.wgsl).
pub const fn quiet_words(ids: u64) -> u64 {
    let last = if ids == 0 { 0 } else { ids - 1 };
    quiet_at(last as u32, 0) as u64 + 1
}

counters! {
    /// Indices into the counters buffer (the `const`s of state.wgsl).
    Counter {
        /// Next step record to resolve.
        Cur = 0 "CUR";
        /// Window index of the step in flight (0: no window).
        Win = 1 "WIN";
        /// Neuron ids issued (ids are never reused).
        NextId = 2 "NEXT_ID";
        /// Live neurons.
        NLive = 3 "N_LIVE";
        /// Slots ever used (high-water mark).
        Hw = 4 "HW";
        /// Entries on the free-slot stack.
        FreeTop = 5 "FREE_TOP";
        /// The current turn's speaker neuron.
        TurnSpeaker = 6 "TURN_SPEAKER";
        /// Neurons evicted.
        Evictions = 7 "EVICTIONS";
        /// New connections refused (out-degree cap or draw).
        Refused = 8 "REFUSED";
        /// 1: ids capacity exceeded, 2: slot capacity exceeded (a host planning bug).
        Overflow = 9 "OVERFLOW";
        /// Entries of the current explicit list.
        ExplN = 10 "EXPL_N";
        /// Entries of the next explicit list (the activation kernel's survivors).
        ExplNext = 11 "EXPL_NEXT";
        /// Which half of `explicit_list` is current (0: first, 1: second).
        ExplPar = 12 "EXPL_PAR";
        /// 1: the next eviction kernel makes the next list current.
        ExplSwap = 13 "EXPL_SWAP";
        /// Windows whose pair update ran to its end (the host checks it against the windows).
        Done = 14 "DONE";
    }
}

/// One step as the host uploads it, four words at `input[4·s..]` (steps come before the
/// tokens); the WGSL reads its fields at the `STEP_*` offsets of state.wgsl, which
/// `tests/it/shaders.rs` checks against this struct.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct StepRecord {
    /// Where the turn's tokens start, relative to the tokens' offset.
    pub token_offset: u32,
    /// Word index of the turn's speaker.
    pub speaker_word: u32,
    /// Window index (1-based; 0: a turn shorter than a window, which resolves only its speaker).
    pub window: u32,
    /// [`SPEAKER_FIRST`] on the turn's first step.
    pub flags: u32,
}

/// Words of a [`StepRecord`].
pub const STEP_WORDS: usize = std::mem::size_of::<StepRecord>() / 4;

impl StepRecord {
    /// Step `s` of `input`.
    pub fn read(input: &[u32], s: usize) -> Self {
        bytemuck::pod_read_unaligned(bytemuck::cast_slice(&input[STEP_WORDS * s..STEP_WORDS * (s + 1)]))
    }

    /// (field, word offset) for the layout test.
    pub fn fields() -> [(&'static str, usize); 4] {
        use std::mem::offset_of;
        [
            ("STEP_TOKENS", offset_of!(Self, token_offset) / 4),
            ("STEP_SPEAKER", offset_of!(Self, speaker_word) / 4),
            ("STEP_WINDOW", offset_of!(Self, window) / 4),
            ("STEP_FLAGS", offset_of!(Self, flags) / 4),
        ]
    }
}

device_state! {
    /// Every buffer of the device state, as the GPU holds it.
    State,
    /// The storage buffers of state.wgsl, in binding order (binding 0 is the uniform `Params`).
    Binding {
        /// Counters (atomics), indexed by [`Counter`].
        1 Counters counters: u32, rw;
        /// Step records (token offset, speaker word, window index, flags), then tokens.
        2 Input input: u32, ro;
        /// Per word index: (neuron or DEAD, 1 if the word starts with `speaker_`).
        3 WordNeuron word_neuron: [u32; 2], rw;
        /// Activation per neuron id.
        4 Act act: R, rw;
        /// Word index per neuron id (DEAD once evicted).
        5 NeuronWord neuron_word: u32, rw;
        /// Out-degree per neuron id (atomics).
        6 OutDegree out_degree: u32, rw;
        /// First and last position of a neuron in the current window.
        7 Pos pos: [u32; 2], rw;
        /// Fixed-point sum per neuron id: `SUM_WORDS` words (atomics) each.
        8 Sums sums: u32 [per R::SUM_WORDS], rw;
        /// (from, to) per slot; `from` DEAD when free.
        9 SlotEnds slot_ends: [u32; 2], rw;
        /// (strength, mass) per slot.
        10 SlotVal slot_val: [R; 2], rw;
        /// (window last in, stamp window, stamp pair index, 0) per slot.
        11 SlotMeta slot_meta: [u32; 4], rw;
        /// Free slots.
        12 FreeStack free_stack: u32, rw;
        /// The window's ids, then its (W + 1)² pair → slot table.
        13 Scratch scratch: u32, rw;
        /// Per neuron id: live connections either way, [`EXPLICIT`] when listed.
        14 NState nstate: u32, rw;
        /// The explicit lists, two halves side by side; `ExplPar` says which is current.
        15 Explicit explicit_list: [u32; 2], rw;
        /// The quiet neurons as a 32-way bit tree ([`quiet_at`]).
        16 Quiet quiet: u32, rw;
    }
}

/// The uniform `Params` of state.wgsl, in the run's precision.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params<R> {
    /// W: tokens per window (ids per window: W + 1).
    pub window: u32,
    /// Neuron capacity (eviction beyond).
    pub max_neurons: u32,
    /// Out-degree cap for new connections.
    pub max_conn: u32,
    /// 24-bit draw threshold of the connection probability.
    pub threshold: u32,
    /// Low word of the seed.
    pub seed_lo: u32,
    /// High word of the seed.
    pub seed_hi: u32,
    /// Ids issued before the low → high kernel.
    pub dense_min_ids: u32,
    /// Neuron-array capacity.
    pub ids_cap: u32,
    /// Slot-array capacity.
    pub slots_cap: u32,
    /// Where tokens start in a replicate's input (step records come first, 4 words each).
    pub tokens_offset: u32,
    /// Words of input per replicate (0: every replicate reads the same input).
    pub input_stride: u32,
    /// Word-table rows per replicate.
    pub words_cap: u32,
    /// η.
    pub eta: R,
    /// Activation decay.
    pub act_decay: R,
    /// Activation floor.
    pub act_floor: R,
    /// Connection decay.
    pub conn_decay: R,
    /// Floor of a decayed strength.
    pub decay_floor: R,
    /// Removal threshold of decay.
    pub removal: R,
    /// Prune threshold.
    pub prune: R,
    /// Mass model: M_max, A₀, k, h, LTD threshold, rate.
    pub m_max: R,
    /// See `m_max`.
    pub a0: R,
    /// See `m_max`.
    pub k: R,
    /// See `m_max`.
    pub homeostatic: R,
    /// See `m_max`.
    pub ltd: R,
    /// See `m_max`.
    pub rate: R,
}

impl<R: Real> Params<R> {
    /// The parameters of an engine with the given capacities and token offset.
    pub fn new(common: &Common, p: &WindowedParams, ids_cap: u64, slots_cap: u64, tokens_offset: u32) -> Self {
        let c = R::from_f64;
        let m = &common.mass;
        Self {
            window: p.window as u32,
            max_neurons: common.max_neurons as u32,
            max_conn: p.max_connections_per_neuron.min(u32::MAX as usize) as u32,
            threshold: pair_rng::threshold(p.connection_prob),
            seed_lo: p.seed as u32,
            seed_hi: (p.seed >> 32) as u32,
            dense_min_ids: p.dense_kernel_min_ids,
            ids_cap: ids_cap.min(u64::from(u32::MAX)) as u32,
            slots_cap: slots_cap.min(u64::from(u32::MAX)) as u32,
            tokens_offset,
            input_stride: 0,
            words_cap: 0,
            eta: c(common.eta),
            act_decay: c(p.activation_decay),
            act_floor: c(p.activation_floor),
            conn_decay: c(p.connection_decay),
            decay_floor: c(p.decay_floor),
            removal: c(p.removal_threshold),
            prune: c(p.prune_threshold),
            m_max: c(m.m_max),
            a0: c(m.a0),
            k: c(m.k),
            homeostatic: c(m.homeostatic),
            ltd: c(m.ltd_threshold),
            rate: c(m.rate),
        }
    }

    fn window_len(&self) -> u32 {
        self.window + 1
    }

    fn key_index(&self, p: u32, q: u32) -> usize {
        (self.window_len() + p * self.window_len() + q) as usize
    }

    /// The seed of replicate 0 (replicate r of a batch draws with this + r; the twins run one).
    fn seed(&self) -> u64 {
        (u64::from(self.seed_hi) << 32) | u64::from(self.seed_lo)
    }
}

impl<R: Real> State<R> {
    fn counter(&self, c: Counter) -> u32 {
        self.counters[c as usize]
    }

    fn counter_mut(&mut self, c: Counter) -> &mut u32 {
        &mut self.counters[c as usize]
    }

    fn slot_in_use(&self, k: usize) -> bool {
        k < self.counter(Counter::Hw) as usize && self.slot_ends[k][0] != DEAD
    }

    fn remove_slot(&mut self, k: usize) {
        let [from, to] = self.slot_ends[k];
        let src = from as usize;
        self.slot_ends[k] = [DEAD, DEAD];
        self.out_degree[src] = self.out_degree[src].wrapping_sub(1);
        self.nstate[from as usize] = self.nstate[from as usize].wrapping_sub(1);
        self.nstate[to as usize] = self.nstate[to as usize].wrapping_sub(1);
        let top = self.counter(Counter::FreeTop);
        *self.counter_mut(Counter::FreeTop) = top + 1;
        self.free_stack[top as usize] = k as u32;
    }

    fn degree(&self, id: u32) -> u32 {
        self.nstate[id as usize] & DEGREE
    }

    /// Entry `k` of half `half` of the explicit lists.
    fn listed(&self, half: u32, k: u32) -> u32 {
        self.explicit_list[k as usize][half as usize]
    }

    fn set_listed(&mut self, half: u32, k: u32, id: u32) {
        self.explicit_list[k as usize][half as usize] = id;
    }

    /// `quiet_remove` of state.wgsl: a word left empty clears its bit in the level above.
    fn quiet_remove(&mut self, i: u32) {
        for k in 0..=5 {
            let bit = 1u32 << ((i >> (5 * k)) & 31);
            let at = quiet_at(i, k);
            let old = self.quiet[at];
            self.quiet[at] = old & !bit;
            if old & !bit != 0 {
                return;
            }
        }
    }

    /// `quiet_min` of state.wgsl: the lowest quiet id.
    fn quiet_min(&self) -> Option<u32> {
        let (mut p, mut id) = (0usize, 0u32);
        for k in (1..=5).rev() {
            let w = self.quiet[p];
            if w == 0 {
                return None;
            }
            let c = w.trailing_zeros();
            id |= c << (5 * k);
            p += 1 + (c * quiet_block(k - 1)) as usize;
        }
        let w = self.quiet[p];
        (w != 0).then(|| id | w.trailing_zeros())
    }

    /// `make_explicit` of eviction.wgsl.
    fn make_explicit(&mut self, id: u32, was_quiet: bool) {
        let old = self.nstate[id as usize];
        self.nstate[id as usize] = old | EXPLICIT;
        if old & EXPLICIT != 0 {
            return;
        }
        if was_quiet {
            self.quiet_remove(id);
        }
        let n = self.counter(Counter::ExplN);
        *self.counter_mut(Counter::ExplN) = n + 1;
        let half = self.counter(Counter::ExplPar);
        self.set_listed(half, n, id);
    }

    fn sum_words(&mut self, i: u32) -> &mut [u32] {
        let w = R::SUM_WORDS;
        &mut self.sums[w * i as usize..w * (i as usize + 1)]
    }

    /// The first difference from `other` beyond `tol` (relative, on reals), or `None`.
    /// Integer buffers must be equal, except the entries pushed onto the free-slot stack,
    /// whose order is the threads' and is compared as a set.
    pub fn diff(&self, other: &Self, tol: f64) -> Option<String> {
        let top = self.counter(Counter::FreeTop) as usize;
        if self.counters != other.counters {
            return Some(format!("counters {:?} vs {:?}", self.counters, other.counters));
        }
        macro_rules! exact {
            ($($field:ident),+) => {$(
                if let Some(at) = first_mismatch(&self.$field, &other.$field) {
                    return Some(format!("{}[{at}]: {:?} vs {:?}", stringify!($field), self.$field.get(at), other.$field.get(at)));
                }
            )+};
        }
        exact!(input, word_neuron, neuron_word, out_degree, pos, sums, slot_ends, slot_meta, scratch, nstate, quiet);
        // Each half of the explicit lists as a multiset (the activation kernel appends its
        // survivors in thread order; entries past a list's end are stale on both sides alike).
        for half in 0..2 {
            let column = |s: &Self| {
                let mut c: Vec<u32> = s.explicit_list.iter().map(|e| e[half]).collect();
                c.sort_unstable();
                c
            };
            if column(self) != column(other) {
                return Some(format!("explicit half {half} as a multiset"));
            }
        }
        if let Some(at) = close_mismatch(&self.act, &other.act, tol) {
            return Some(format!("act[{at}]: {:?} vs {:?}", self.act.get(at), other.act.get(at)));
        }
        let flat = |v: &[[R; 2]]| v.iter().flatten().copied().collect::<Vec<R>>();
        if let Some(at) = close_mismatch(&flat(&self.slot_val), &flat(&other.slot_val), tol) {
            return Some(format!(
                "slot_val[{}]: {:?} vs {:?}",
                at / 2,
                self.slot_val.get(at / 2),
                other.slot_val.get(at / 2)
            ));
        }
        free_stacks_differ(&self.free_stack, &other.free_stack, top)
    }
}

/// The first index where two arrays differ (a length difference counts).
pub(super) fn first_mismatch<T: PartialEq>(a: &[T], b: &[T]) -> Option<usize> {
    a.iter().zip(b).position(|(x, y)| x != y).or_else(|| (a.len() != b.len()).then(|| a.len().min(b.len())))
}

/// The first index where two real arrays differ by more than `tol` relative (absolute near 0).
pub(super) fn close_mismatch<R: Real>(a: &[R], b: &[R], tol: f64) -> Option<usize> {
    let far = |x: R, y: R| {
        let (x, y) = (x.to_f64(), y.to_f64());
        !((x - y).abs() <= tol * x.abs().max(y.abs()).max(1e-30) || x == y)
    };
    a.iter().zip(b).position(|(&x, &y)| far(x, y)).or_else(|| (a.len() != b.len()).then(|| a.len().min(b.len())))
}

/// Free-slot stacks: the first `top` entries as sets, the rest exactly.
pub(super) fn free_stacks_differ(a: &[u32], b: &[u32], top: usize) -> Option<String> {
    if a.len() != b.len() || top > a.len() {
        return Some(format!("free_stack lengths {} vs {} (top {top})", a.len(), b.len()));
    }
    let (mut x, mut y) = (a[..top].to_vec(), b[..top].to_vec());
    x.sort_unstable();
    y.sort_unstable();
    if x != y {
        return Some(format!("free_stack[..{top}] as sets: {x:?} vs {y:?}"));
    }
    first_mismatch(&a[top..], &b[top..])
        .map(|at| format!("free_stack[{}]: {} vs {}", top + at, a[top + at], b[top + at]))
}

/// Run the twin of `kernel` on `s`.
pub fn run<R: Real>(kernel: WindowedKernel, s: &mut State<R>, p: &Params<R>) {
    match kernel {
        WindowedKernel::Eviction => eviction(s, p),
        WindowedKernel::ActivationDecay => activation_decay(s, p),
        WindowedKernel::ConnectionDecay => connection_decay(s, p),
        WindowedKernel::PairUpdate => pair_update(s, p),
        WindowedKernel::Prune => prune(s, p),
        WindowedKernel::ActivationSpread => activation_spread(s, p),
    }
}

/// `eviction.wgsl`: make the last activation kernel's explicit list current, then resolve the
/// step's words to neurons (§1.4), listing each one touched and evicting the least important
/// unprotected neuron when the network is full; the workgroup's phases run in order.
pub fn eviction<R: Real>(s: &mut State<R>, p: &Params<R>) {
    if s.counter(Counter::ExplSwap) != 0 {
        *s.counter_mut(Counter::ExplPar) = 1 - s.counter(Counter::ExplPar);
        *s.counter_mut(Counter::ExplN) = s.counter(Counter::ExplNext);
        *s.counter_mut(Counter::ExplNext) = 0;
        *s.counter_mut(Counter::ExplSwap) = 0;
    }
    let step = StepRecord::read(&s.input, s.counter(Counter::Cur) as usize);
    *s.counter_mut(Counter::Cur) += 1;
    *s.counter_mut(Counter::Win) = step.window;
    let has_speaker = u32::from(step.flags & SPEAKER_FIRST != 0);
    let items = has_speaker + if step.window != 0 { p.window } else { 0 };
    for t in 0..items {
        if let Some((word, pos)) = begin_item(s, p, &step, has_speaker, t) {
            evict(s, p, word, pos);
        }
    }
}

/// Thread 0 of eviction.wgsl on item `t`: `Some((word, position))` when an eviction must
/// come first.
fn begin_item<R: Real>(
    s: &mut State<R>,
    p: &Params<R>,
    step: &StepRecord,
    has_speaker: u32,
    t: u32,
) -> Option<(u32, u32)> {
    let offset = step.token_offset;
    let (word, pos) = if t < has_speaker {
        (step.speaker_word, NONE)
    } else {
        let j = t - has_speaker;
        if j == 0 {
            // The turn's speaker opens every window, protected from eviction (resolved once
            // per turn, it may have gone quiet since).
            let speaker = s.counter(Counter::TurnSpeaker);
            place(s, speaker, 0);
            s.make_explicit(speaker, true);
        }
        (s.input[(p.tokens_offset + offset + j) as usize], j + 1)
    };
    let id = s.word_neuron[word as usize][0];
    if id != DEAD {
        s.act[id as usize] = R::ONE;
        s.make_explicit(id, true);
        place(s, id, pos);
        return None;
    }
    if s.counter(Counter::NLive) >= p.max_neurons {
        return Some((word, pos));
    }
    create(s, p, word, pos);
    None
}

/// Record a resolved id: the turn's speaker (`pos` NONE) or window position `pos`.
fn place<R: Real>(s: &mut State<R>, id: u32, pos: u32) {
    if pos == NONE {
        *s.counter_mut(Counter::TurnSpeaker) = id;
        return;
    }
    s.scratch[pos as usize] = id;
    let fl = &mut s.pos[id as usize];
    if fl[0] == NONE {
        fl[0] = pos;
    }
    fl[1] = pos;
}

fn create<R: Real>(s: &mut State<R>, p: &Params<R>, word: u32, pos: u32) {
    let id = s.counter(Counter::NextId);
    if id >= p.ids_cap {
        *s.counter_mut(Counter::Overflow) |= 1;
        return;
    }
    *s.counter_mut(Counter::NextId) = id + 1;
    *s.counter_mut(Counter::NLive) += 1;
    s.neuron_word[id as usize] = word;
    s.word_neuron[word as usize][0] = id;
    s.act[id as usize] = R::ONE;
    s.out_degree[id as usize] = 0;
    s.nstate[id as usize] = 0;
    s.make_explicit(id, false);
    s.pos[id as usize] = [NONE, NONE];
    place(s, id, pos);
}

/// The workgroup's eviction: importance `0.4 + 0.4·Σs + 0.2·a` over live neurons outside the
/// window — the explicit ones and the lowest quiet one — (lowest id on ties), the victim and
/// its connections removed, then the new neuron.
fn evict<R: Real>(s: &mut State<R>, p: &Params<R>, word: u32, pos: u32) {
    let hw = s.counter(Counter::Hw) as usize;
    let (n_listed, half) = (s.counter(Counter::ExplN), s.counter(Counter::ExplPar));
    for k in 0..hw {
        let [from, to] = s.slot_ends[k];
        if from != DEAD {
            let strength = s.slot_val[k][0];
            R::fixed_add(s.sum_words(from), strength);
            R::fixed_add(s.sum_words(to), strength);
        }
    }
    let c = R::from_f64;
    let mut best: Option<(u32, R)> = None;
    let mut consider = |id: u32, importance: R| {
        if best.is_none_or(|(b_id, b)| importance < b || (importance == b && id < b_id)) {
            best = Some((id, importance));
        }
    };
    for k in 0..n_listed {
        let id = s.listed(half, k);
        let (strength, _) = R::take_sum(s.sum_words(id));
        if s.neuron_word[id as usize] != DEAD && s.pos[id as usize][0] == NONE {
            consider(id, c(0.4) * R::ONE + c(0.4) * strength + c(0.2) * s.act[id as usize]);
        }
    }
    if let Some(q) = s.quiet_min() {
        consider(q, c(0.4) * R::ONE + c(0.4) * R::ZERO + c(0.2) * s.act[q as usize]);
    }
    if let Some((victim, _)) = best {
        if s.nstate[victim as usize] & EXPLICIT == 0 {
            s.quiet_remove(victim);
        }
        let victim_word = s.neuron_word[victim as usize];
        s.word_neuron[victim_word as usize][0] = DEAD;
        s.neuron_word[victim as usize] = DEAD;
        s.act[victim as usize] = R::ZERO;
        *s.counter_mut(Counter::NLive) -= 1;
        *s.counter_mut(Counter::Evictions) += 1;
        let connected = s.degree(victim) > 0;
        for k in (0..hw).filter(|_| connected) {
            let [from, to] = s.slot_ends[k];
            if from != DEAD && (from == victim || to == victim) {
                s.remove_slot(k);
            }
        }
    }
    create(s, p, word, pos);
}

/// Whether the step in flight is a window (`in_window` in state.wgsl): the per-window kernels
/// do nothing on a step that only resolves a short turn's speaker or pads a batch.
fn in_window<R: Real>(s: &State<R>) -> bool {
    s.counter(Counter::Win) != 0
}

/// `activation_decay.wgsl`: `a ← max(a·(1 − decay), floor)` for every explicit neuron.
pub fn activation_decay<R: Real>(s: &mut State<R>, p: &Params<R>) {
    if !in_window(s) {
        return;
    }
    let half = s.counter(Counter::ExplPar);
    for k in 0..s.counter(Counter::ExplN) {
        let i = s.listed(half, k) as usize;
        s.act[i] = (s.act[i] * (R::ONE - p.act_decay)).max(p.act_floor);
    }
}

/// `connection_decay.wgsl`, per slot: a connection between positions p < q of the window is
/// marked and entered in the pair → slot table; every other one decays and may be removed.
pub fn connection_decay<R: Real>(s: &mut State<R>, p: &Params<R>) {
    if !in_window(s) {
        return;
    }
    for k in 0..s.counter(Counter::Hw) as usize {
        if !s.slot_in_use(k) {
            continue;
        }
        let [from, to] = s.slot_ends[k];
        let (first, last) = (s.pos[from as usize][0], s.pos[to as usize][1]);
        if first != NONE && last != NONE && first < last {
            s.slot_meta[k][0] = s.counter(Counter::Win);
            let n = p.window_len();
            for a in first..n {
                if s.scratch[a as usize] == from {
                    for b in a + 1..n {
                        if s.scratch[b as usize] == to {
                            s.scratch[p.key_index(a, b)] = k as u32;
                        }
                    }
                }
            }
            continue;
        }
        let strength = (s.slot_val[k][0] * (R::ONE - p.conn_decay)).max(p.decay_floor);
        s.slot_val[k][0] = strength;
        if strength <= p.removal {
            s.remove_slot(k);
        }
    }
}

fn new_slot<R: Real>(s: &mut State<R>, p: &Params<R>) -> u32 {
    let top = s.counter(Counter::FreeTop);
    if top > 0 {
        *s.counter_mut(Counter::FreeTop) = top - 1;
        return s.free_stack[top as usize - 1];
    }
    let hw = s.counter(Counter::Hw);
    if hw >= p.slots_cap {
        *s.counter_mut(Counter::Overflow) |= 2;
        return NONE;
    }
    *s.counter_mut(Counter::Hw) = hw + 1;
    hw
}

/// `pair_update.wgsl`, one invocation: the Hebbian update of the window's pairs p < q in
/// order, with inertial mass; a new connection needs room under the out-degree cap and the
/// counter-based draw (both waived for `speaker_` words). Then the positions are cleared.
pub fn pair_update<R: Real>(s: &mut State<R>, p: &Params<R>) {
    let win = s.counter(Counter::Win);
    if win == 0 {
        return;
    }
    let n = p.window_len();
    for a in 0..n {
        for b in a + 1..n {
            let (i, j) = (s.scratch[a as usize], s.scratch[b as usize]);
            let key = p.key_index(a, b);
            if i == j {
                continue;
            }
            let mut k = s.scratch[key];
            s.scratch[key] = NONE;
            if k == NONE {
                let speaker = |id: u32| s.word_neuron[s.neuron_word[id as usize] as usize][1] != 0;
                let waived = speaker(i) || speaker(j);
                if !waived
                    && (s.out_degree[i as usize] >= p.max_conn
                        || !pair_rng::allows(p.seed(), u64::from(win), i, j, p.threshold))
                {
                    *s.counter_mut(Counter::Refused) += 1;
                    continue;
                }
            }
            let (ai, aj) = (s.act[i as usize], s.act[j as usize]);
            let [strength, mass] = if k == NONE { [R::ZERO; 2] } else { s.slot_val[k as usize] };
            let resistance = R::ONE / (R::ONE + mass * R::from_f64(0.1));
            let delta = p.eta * ai * aj * resistance;
            let x = ai * aj;
            let target = p.m_max / (R::ONE + (-(p.k * (x - p.a0))).exp());
            let new_mass = crate::model::mass::update(p.rate, p.homeostatic, p.ltd, p.m_max, mass, x, target);
            if k != NONE {
                s.slot_val[k as usize] = [strength + delta, new_mass];
                s.slot_meta[k as usize][0] = win;
                continue;
            }
            k = new_slot(s, p);
            if k == NONE {
                continue;
            }
            s.slot_ends[k as usize] = [i, j];
            s.slot_val[k as usize] = [delta, new_mass];
            s.slot_meta[k as usize] = [win, win, a * n + b, 0];
            s.out_degree[i as usize] += 1;
            s.nstate[i as usize] += 1;
            s.nstate[j as usize] += 1;
            // Later visits of the same pair (repeated words) find the new connection; only a
            // word that recurs later in the window can revisit.
            let recurs = s.pos[i as usize][1] > a || s.pos[j as usize][1] > b;
            for a2 in (a..n).filter(|_| recurs) {
                if s.scratch[a2 as usize] == i {
                    let from = if a2 == a { b + 1 } else { a2 + 1 };
                    for b2 in from..n {
                        if s.scratch[b2 as usize] == j {
                            s.scratch[p.key_index(a2, b2)] = k;
                        }
                    }
                }
            }
        }
    }
    for a in 0..n as usize {
        let id = s.scratch[a] as usize;
        s.pos[id] = [NONE, NONE];
    }
    *s.counter_mut(Counter::Done) += 1;
}

/// `prune.wgsl`, per slot: remove connections with `|s|` below the prune threshold.
pub fn prune<R: Real>(s: &mut State<R>, p: &Params<R>) {
    if !in_window(s) {
        return;
    }
    for k in 0..s.counter(Counter::Hw) as usize {
        if s.slot_in_use(k) && s.slot_val[k][0].abs() < p.prune {
            s.remove_slot(k);
        }
    }
}

/// `activation_spread.wgsl`: `accumulate` per slot (`s·a` into both ends' fixed-point sums,
/// low → high only once `dense_min_ids` ids exist), then `activate` per explicit neuron (σ, ½
/// exactly for a zero sum; listed again unless dead or at ½ with no connection, when it goes
/// quiet).
pub fn activation_spread<R: Real>(s: &mut State<R>, p: &Params<R>) {
    if !in_window(s) {
        return;
    }
    let low_high_only = s.counter(Counter::NextId) >= p.dense_min_ids;
    for k in 0..s.counter(Counter::Hw) as usize {
        if !s.slot_in_use(k) {
            continue;
        }
        let [from, to] = s.slot_ends[k];
        if low_high_only && from > to {
            continue;
        }
        let strength = s.slot_val[k][0];
        let (a_from, a_to) = (s.act[from as usize], s.act[to as usize]);
        R::fixed_add(s.sum_words(to), strength * a_from);
        R::fixed_add(s.sum_words(from), strength * a_to);
    }
    let (half, n) = (s.counter(Counter::ExplPar), s.counter(Counter::ExplN));
    if n > 0 {
        *s.counter_mut(Counter::ExplSwap) = 1;
    }
    for k in 0..n {
        let i = s.listed(half, k);
        if s.neuron_word[i as usize] == DEAD {
            s.nstate[i as usize] &= DEGREE;
            continue;
        }
        let (sum, zero) = R::take_sum(s.sum_words(i));
        s.act[i as usize] = if zero { R::HALF } else { R::ONE / (R::ONE + (-sum).exp()) };
        if !zero || s.degree(i) > 0 {
            let m = s.counter(Counter::ExplNext);
            *s.counter_mut(Counter::ExplNext) = m + 1;
            s.set_listed(1 - half, m, i);
        } else {
            s.nstate[i as usize] &= DEGREE;
            quiet_insert(&mut s.quiet, i);
        }
    }
}
