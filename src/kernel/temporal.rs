//! The temporal engine's device state as the GPU holds it (`shaders/temporal/state.wgsl`), and
//! one CPU twin per WGSL kernel, same name, loop shape and arithmetic. Connections decay
//! lazily as in the CPU engine: a slot keeps its strength as of its last exchange and the
//! exchange at which the prune rule removes it.
//!
//! Threads race for new slots (one atomic counter) and for pushes onto the free-slot stack;
//! the twins take thread order, and [`State::diff`] compares the slot records as a set (the
//! set of slots in use must be the same).

use super::TemporalKernel;
use super::windowed::{close_mismatch, first_mismatch, free_stacks_differ};
use crate::model::params::{Common, TemporalParams};
use crate::model::real::Real;

/// A freed slot (`DEAD` in the WGSL).
pub const DEAD: u32 = u32::MAX;
/// Nothing there (`NONE` in the WGSL).
pub const NONE: u32 = u32::MAX;
/// Words of the counters buffer.
pub const N_COUNTERS: usize = 4;

counters! {
    /// Indices into the counters buffer (the `const`s of state.wgsl).
    Counter {
        /// Slots ever used.
        Hw = 0 "HW";
        /// Entries on the free-slot stack.
        FreeTop = 1 "FREE_TOP";
        /// Slots taken by the last exchange, committed by the next `begin`.
        New = 2 "NEW";
    }
}

device_state! {
    /// Every buffer of the device state, as the GPU holds it.
    State,
    /// The storage buffers of state.wgsl, in binding order (binding 0 is the uniform `Params`;
    /// group 1 holds the exchange record).
    Binding {
        /// Counters (atomics), indexed by [`Counter`].
        1 Counters counters: u32, rw;
        /// Each exchange's distinct ids, occurrence offsets and positions.
        2 Input input: u32, ro;
        /// `(1 − decay)^k`, ending with 0.
        3 PowTable pow_table: R, ro;
        /// `e^(−lag/τ)` per lag.
        4 LagWeight lag_weight: R, ro;
        /// Per neuron: its index among the exchange's distinct ids, or NONE.
        5 Dpos dpos: u32, rw;
        /// (from, to) per slot; `from` DEAD when free.
        6 SlotEnds slot_ends: [u32; 2], rw;
        /// (strength at the last touch, mass) per slot.
        7 SlotVal slot_val: [R; 2], rw;
        /// (exchange, first visit) per slot: creation order.
        8 SlotStamp slot_stamp: [u32; 2], rw;
        /// Free slots.
        9 FreeStack free_stack: u32, rw;
        /// The exchange's d × d key → slot table.
        10 KeySlot key_slot: u32, rw;
        /// (decay count at the last touch, death) per slot.
        11 SlotLife slot_life: [u32; 2], rw;
    }
}

/// The uniform `Params` of state.wgsl, in the run's precision.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params<R> {
    /// Entries of the power table (it ends with 0).
    pub pow_len: u32,
    /// Slot-array capacity.
    pub slots_cap: u32,
    /// 1.0, the activity of every temporal pair, as a runtime value.
    pub one: R,
    /// η.
    pub eta: R,
    /// Prune threshold.
    pub prune: R,
    /// m* at activity 1.
    pub mass_target: R,
    /// Mass model: M_max, rate, h, LTD threshold.
    pub m_max: R,
    /// See `m_max`.
    pub rate: R,
    /// See `m_max`.
    pub homeostatic: R,
    /// See `m_max`.
    pub ltd: R,
}

impl<R: Real> Params<R> {
    /// The parameters of an engine with a power table of `pow_len` entries and `slots_cap`
    /// slots.
    pub fn new(common: &Common, p: &TemporalParams, pow_len: usize, slots_cap: u64) -> Self {
        let c = R::from_f64;
        let m = &common.mass;
        Self {
            pow_len: pow_len as u32,
            slots_cap: slots_cap.min(u64::from(u32::MAX)) as u32,
            one: R::ONE,
            eta: c(common.eta),
            prune: c(p.prune_threshold),
            mass_target: m.target_in(R::ONE),
            m_max: c(m.m_max),
            rate: c(m.rate),
            homeostatic: c(m.homeostatic),
            ltd: c(m.ltd_threshold),
        }
    }
}

/// One learning exchange, as bound (group 1) for each of its dispatches: the WGSL `Exchange`
/// byte for byte (`#[repr(C)]`, checked against the shader by `tests/it/shaders.rs`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Exchange {
    /// Distinct ids, in order of first occurrence, at `input[d_offset..]`.
    pub d_offset: u32,
    /// d + 1 offsets into the positions list, at `input[occ_start..]`.
    pub occ_start: u32,
    /// Positions grouped by distinct id, ascending, at `input[occ_pos..]`.
    pub occ_pos: u32,
    /// Distinct ids.
    pub d: u32,
    /// Tokens.
    pub len: u32,
    /// Decay count before this exchange.
    pub now: u32,
    _pad: [u32; 2],
}

const _: () = assert!(std::mem::size_of::<Exchange>() == 32);

impl Exchange {
    /// An exchange record.
    pub fn new(d_offset: u32, occ_start: u32, occ_pos: u32, d: u32, len: u32, now: u32) -> Self {
        Self { d_offset, occ_start, occ_pos, d, len, now, _pad: [0; 2] }
    }
}

impl<R: Real> State<R> {
    fn counter(&self, c: Counter) -> u32 {
        self.counters[c as usize]
    }

    fn counter_mut(&mut self, c: Counter) -> &mut u32 {
        &mut self.counters[c as usize]
    }

    /// The first difference from `other` beyond `tol` (relative, on reals), or `None`.
    /// Live slots are compared as a set of records (which slot a new key takes, and the order
    /// of pushes onto the free stack, are the threads'); everything else exactly.
    pub fn diff(&self, other: &Self, tol: f64) -> Option<String> {
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
        exact!(input, dpos, key_slot);
        if first_mismatch(&self.pow_table, &other.pow_table).is_some()
            || first_mismatch(&self.lag_weight, &other.lag_weight).is_some()
        {
            return Some("the read-only tables changed".to_owned());
        }
        let in_use =
            |s: &Self| -> Vec<usize> { (0..s.slot_ends.len()).filter(|&k| s.slot_ends[k][0] != DEAD).collect() };
        let (mine, theirs) = (in_use(self), in_use(other));
        if mine != theirs {
            return Some(format!("slots in use differ: {} vs {}", mine.len(), theirs.len()));
        }
        let records = |s: &Self| {
            let mut r: Vec<SlotRecord<R>> =
                mine.iter().map(|&k| (s.slot_ends[k], s.slot_life[k], s.slot_stamp[k], s.slot_val[k])).collect();
            r.sort_by_key(|x| x.0);
            r
        };
        let (a, b) = (records(self), records(other));
        for (x, y) in a.iter().zip(&b) {
            if (x.0, x.1, x.2) != (y.0, y.1, y.2) || close_mismatch(&x.3, &y.3, tol).is_some() {
                return Some(format!("slot record {x:?} vs {y:?}"));
            }
        }
        free_stacks_differ(&self.free_stack, &other.free_stack, self.counter(Counter::FreeTop) as usize)
    }
}

/// A slot as [`State::diff`] compares it: (ends, life, stamp, values).
type SlotRecord<R> = ([u32; 2], [u32; 2], [u32; 2], [R; 2]);

/// Run the twin of `kernel` on `s` for exchange `ex`.
pub fn run<R: Real>(kernel: TemporalKernel, s: &mut State<R>, p: &Params<R>, ex: &Exchange) {
    match kernel {
        TemporalKernel::Begin => begin(s, ex),
        TemporalKernel::PairUpdate => pair_update(s, p, ex),
        TemporalKernel::Prune => prune(s, ex),
    }
}

/// `begin.wgsl`: thread 0 commits the slots the previous exchange took; thread `a` enters the
/// exchange's distinct id `a` in `dpos`.
pub fn begin<R: Real>(s: &mut State<R>, ex: &Exchange) {
    let taken = std::mem::take(s.counter_mut(Counter::New));
    let free = s.counter(Counter::FreeTop);
    let reused = taken.min(free);
    *s.counter_mut(Counter::FreeTop) = free - reused;
    *s.counter_mut(Counter::Hw) += taken - reused;
    for a in 0..ex.d {
        let id = s.input[(ex.d_offset + a) as usize];
        s.dpos[id as usize] = a;
    }
}

/// `prune.wgsl`, per slot: a connection whose death has come is freed; a live one between
/// two ids of the exchange is entered in the key table for `pair_update`.
pub fn prune<R: Real>(s: &mut State<R>, ex: &Exchange) {
    for k in 0..s.counter(Counter::Hw) as usize {
        let [from, to] = s.slot_ends[k];
        if from == DEAD {
            continue;
        }
        if s.slot_life[k][1] <= ex.now {
            s.slot_ends[k] = [DEAD, DEAD];
            let top = s.counter(Counter::FreeTop);
            *s.counter_mut(Counter::FreeTop) = top + 1;
            s.free_stack[top as usize] = k as u32;
            continue;
        }
        let (a, b) = (s.dpos[from as usize], s.dpos[to as usize]);
        if a != NONE && b != NONE {
            s.key_slot[(a * ex.d + b) as usize] = k as u32;
        }
    }
}

/// Smallest j ≥ 0 with `|s|·pow[j] < prune` (the table decreases and ends with 0): the
/// shader's binary search.
fn steps_until_pruned<R: Real>(s: &State<R>, p: &Params<R>, strength: R) -> u32 {
    let v = strength.abs();
    if v < p.prune {
        return 0;
    }
    let (mut lo, mut hi) = (0u32, p.pow_len - 1);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if v * s.pow_table[mid as usize] < p.prune {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// `pair_update.wgsl`, per key (i, j) of distinct ids: its visits p < q in the CPU engine's
/// order strengthen it by `η·w(q − p)/(1 + 0.1·m)` and update its mass; then its death is
/// scheduled. A new key takes a slot from the free stack or the high-water mark.
pub fn pair_update<R: Real>(s: &mut State<R>, p: &Params<R>, ex: &Exchange) {
    let d = ex.d;
    let input = |s: &State<R>, at: u32| s.input[at as usize];
    for t in 0..d * d {
        let (a, b) = (t / d, t % d);
        if b == 0 {
            let id = input(s, ex.d_offset + a);
            s.dpos[id as usize] = NONE; // prune, the only reader, has run
        }
        let mut k = std::mem::replace(&mut s.key_slot[t as usize], NONE);
        let (ia, na) = (input(s, ex.occ_start + a), input(s, ex.occ_start + a + 1));
        let (ib, nb) = (input(s, ex.occ_start + b), input(s, ex.occ_start + b + 1));
        let (first_p, last_q) = (input(s, ex.occ_pos + ia), input(s, ex.occ_pos + nb - 1));
        if first_p >= last_q {
            continue; // no visit: i never precedes j in this exchange
        }
        let after = ex.now + 1;
        let (mut strength, mut mass) = (R::ZERO, R::ZERO);
        if k != NONE {
            let [v, m] = s.slot_val[k as usize];
            mass = m;
            let age = ex.now - s.slot_life[k as usize][0];
            let factor = if age >= p.pow_len { R::ZERO } else { s.pow_table[age as usize] };
            strength = v * factor;
        }
        let mut first_visit = NONE;
        for x in ia..na {
            let pp = input(s, ex.occ_pos + x);
            for y in ib..nb {
                let q = input(s, ex.occ_pos + y);
                if q <= pp {
                    continue;
                }
                if first_visit == NONE {
                    first_visit = pp * ex.len + q;
                }
                let resistance = R::ONE / (R::ONE + mass * R::from_f64(0.1));
                let delta = p.eta * resistance * s.lag_weight[(q - pp) as usize];
                mass = crate::model::mass::update(p.rate, p.homeostatic, p.ltd, p.m_max, mass, p.one, p.mass_target);
                strength = strength + delta;
            }
        }
        if k == NONE {
            let n = s.counter(Counter::New);
            *s.counter_mut(Counter::New) = n + 1;
            let free = s.counter(Counter::FreeTop);
            k = if n < free { s.free_stack[(free - 1 - n) as usize] } else { s.counter(Counter::Hw) + (n - free) };
            if k >= p.slots_cap {
                continue; // the host sized the slots for this exchange; never reached
            }
            s.slot_ends[k as usize] = [input(s, ex.d_offset + a), input(s, ex.d_offset + b)];
            s.slot_stamp[k as usize] = [ex.now, first_visit];
        }
        s.slot_val[k as usize] = [strength, mass];
        let death = after + steps_until_pruned(s, p, strength);
        s.slot_life[k as usize] = [after, death];
    }
}
