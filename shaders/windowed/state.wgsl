// windowed/state.wgsl: the windowed engine's device state, prepended to every windowed kernel by
// src/engine/gpu/shaders.rs. The whole network lives in these buffers for the whole run; the
// host uploads steps and tokens and reads state back only for snapshots.
//
// Replicates side by side: every array holds one part per replicate (a replicate's counters,
// neurons, slots, word table, input and scratch), and every dispatch covers all of them, the
// replicate being the workgroup's z. An entry point calls `enter` first; after that `rc`, `ri`,
// … are where the invocation's replicate starts in each array, so the kernels index their own
// replicate as if it were alone. Replicate r draws with the seed + r (kernel::pair_rng).
//
// Neurons are ids issued by NEXT_ID and never reused (the CPU engine's rule); a slot is a
// directed connection (from < to is not implied), free when its `from` is DEAD.
//
// The sparse rule (engine::cpu::windowed explains why it gives the same numbers): a live
// neuron is *explicit* (connected, or touched since the last activation kernel: listed in
// `explicit`, flagged in `nstate`) or *quiet* (no connection, activation ½: a bit in `quiet`).
// Decay and activation run over the explicit list; an eviction weighs the explicit neurons
// and the lowest-id quiet one, which stands for all quiet neurons (they tie). So no kernel
// passes over every neuron: a window costs O(W² + slots + explicit neurons).
// `real`, SUM_WORDS, exp_real, fixed_add and take_sum come from precision/f32.wgsl or f64.wgsl:
// sums are fixed point in u32 atomics, so they do not depend on the order threads add in.
// The host mirrors Params, the bindings and the counters (kernel::windowed,
// engine::gpu::layout); tests/it/shaders.rs checks each against this file.

struct Params {
    window: u32,          // W: tokens per window (ids per window: W + 1)
    max_neurons: u32,
    max_conn: u32,        // out-degree cap for new connections
    threshold: u32,       // 24-bit draw threshold of connection_prob
    seed_lo: u32,
    seed_hi: u32,
    dense_min_ids: u32,   // ids issued before the low→high kernel
    ids_cap: u32,
    slots_cap: u32,
    tokens_offset: u32,   // where tokens start in a replicate's input (steps first, 4 words each)
    input_stride: u32,    // words of input per replicate (0: all replicates read the same input)
    words_cap: u32,       // word-table rows per replicate
    eta: real,
    act_decay: real,
    act_floor: real,
    conn_decay: real,
    decay_floor: real,
    removal: real,
    prune: real,
    m_max: real,
    a0: real,
    k: real,
    homeostatic: real,
    ltd: real,
    rate: real,
    _pad2: real,
    _pad3: real,
    _pad4: real,
}

const DEAD: u32 = 0xffffffffu;
const NONE: u32 = 0xffffffffu;
const WG: u32 = 64u;
const N_COUNTERS: u32 = 16u;   // counter words per replicate

// A step record in `input` (steps first, STEP_WORDS each; kernel::windowed::StepRecord).
const STEP_WORDS: u32 = 4u;
const STEP_TOKENS: u32 = 0u;   // where the turn's tokens start (after params.tokens_offset)
const STEP_SPEAKER: u32 = 1u;  // the speaker's word index
const STEP_WINDOW: u32 = 2u;   // window index, 0 for a turn shorter than a window
const STEP_FLAGS: u32 = 3u;    // SPEAKER_FIRST on a turn's first step

// counters[] (N_COUNTERS words per replicate)
const CUR: u32 = 0u;           // next step record to resolve
const WIN: u32 = 1u;           // window index of the step in flight (0: no window)
const NEXT_ID: u32 = 2u;
const N_LIVE: u32 = 3u;
const HW: u32 = 4u;            // slots ever used (high water)
const FREE_TOP: u32 = 5u;
const TURN_SPEAKER: u32 = 6u;
const EVICTIONS: u32 = 7u;
const REFUSED: u32 = 8u;
const EXPL_N: u32 = 10u;       // entries of the current explicit list
const EXPL_NEXT: u32 = 11u;    // entries of the next one (the activation kernel's survivors)
const EXPL_PAR: u32 = 12u;     // which half of `explicit_list` is current (0: .x, 1: .y)
const EXPL_SWAP: u32 = 13u;    // 1: the next eviction kernel makes the next list current
const DONE: u32 = 14u;         // windows whose pair update ran to its end

// nstate[]: live connections either way in the low bits, EXPLICIT when listed.
const EXPLICIT: u32 = 0x80000000u;
const DEGREE: u32 = 0x7fffffffu;
const OVERFLOW: u32 = 9u;      // 1: ids capacity, 2: slot capacity

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> counters: array<atomic<u32>>;
// step records (token offset, speaker word, window index, flags), then tokens (word indices)
@group(0) @binding(2) var<storage, read> input: array<u32>;
// per word index: (neuron id or DEAD, 1 if the word starts with "speaker_")
@group(0) @binding(3) var<storage, read_write> word_neuron: array<vec2<u32>>;
@group(0) @binding(4) var<storage, read_write> act: array<real>;
@group(0) @binding(5) var<storage, read_write> neuron_word: array<u32>;     // DEAD once evicted
@group(0) @binding(6) var<storage, read_write> out_degree: array<atomic<u32>>;
// first and last position in the current window, NONE outside it
@group(0) @binding(7) var<storage, read_write> pos: array<vec2<u32>>;
@group(0) @binding(8) var<storage, read_write> sums: array<atomic<u32>>;     // SUM_WORDS per neuron, low word first
@group(0) @binding(9) var<storage, read_write> slot_ends: array<vec2<u32>>;  // (from, to)
@group(0) @binding(10) var<storage, read_write> slot_val: array<vec2<real>>;  // (strength, mass)
// (window last in, stamp window, stamp pair index, 0): stamps order snapshots by creation
@group(0) @binding(11) var<storage, read_write> slot_meta: array<vec4<u32>>;
@group(0) @binding(12) var<storage, read_write> free_stack: array<u32>;
// ids of the current window (W + 1), then its pair → slot table ((W + 1)², NONE when absent)
@group(0) @binding(13) var<storage, read_write> scratch: array<u32>;
@group(0) @binding(14) var<storage, read_write> nstate: array<atomic<u32>>;  // per id: degree | EXPLICIT
// the explicit lists, two halves side by side (.x and .y), EXPL_PAR says which is current
@group(0) @binding(15) var<storage, read_write> explicit_list: array<vec2<u32>>;
// quiet neurons as a 32-way bit tree (see quiet_at), quiet_words(ids_cap) words per replicate
@group(0) @binding(16) var<storage, read_write> quiet: array<atomic<u32>>;

// Where the invocation's replicate starts: counters, per-id arrays (ids; sums take ids too),
// per-slot arrays, word table, input, scratch.
var<private> rep: u32;
var<private> rc: u32;
var<private> ri: u32;
var<private> rs: u32;
var<private> rw: u32;
var<private> rn: u32;
var<private> rx: u32;
var<private> rq: u32;

fn enter(r: u32) {
    rep = r;
    rc = r * N_COUNTERS;
    ri = r * params.ids_cap;
    rs = r * params.slots_cap;
    rw = r * params.words_cap;
    rn = r * params.input_stride;
    rx = r * (window_len() + window_len() * window_len());
    rq = r * quiet_words(params.ids_cap);
}

// Whether the replicate's step in flight is a window (the per-window kernels do nothing on a
// step that only resolves a short turn's speaker, or pads a replicate with fewer steps).
fn in_window() -> bool {
    return atomicLoad(&counters[rc + WIN]) != 0u;
}

fn thread_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.y * groups.x * WG + gid.x;
}

// Whether thread k stands on a slot in use (below the high-water mark, not freed).
fn slot_in_use(k: u32) -> bool {
    return k < atomicLoad(&counters[rc + HW]) && slot_ends[rs + k].x != DEAD;
}

fn window_len() -> u32 {
    return params.window + 1u;
}

fn key_index(p: u32, q: u32) -> u32 {
    return window_len() + p * window_len() + q;
}

fn remove_slot(k: u32) {
    let e = slot_ends[rs + k];
    let src = e.x;
    slot_ends[rs + k] = vec2<u32>(DEAD, DEAD);
    atomicSub(&out_degree[ri + src], 1u);
    atomicSub(&nstate[ri + e.x], 1u);
    atomicSub(&nstate[ri + e.y], 1u);
    let top = atomicAdd(&counters[rc + FREE_TOP], 1u);
    free_stack[rs + top] = k;
}

fn degree(id: u32) -> u32 {
    return atomicLoad(&nstate[ri + id]) & DEGREE;
}

// Entry k of half `half` of the explicit lists.
fn listed(half: u32, k: u32) -> u32 {
    // One component only: the other half may be being written by another thread.
    if (half == 0u) {
        return explicit_list[ri + k].x;
    }
    return explicit_list[ri + k].y;
}

fn set_listed(half: u32, k: u32, id: u32) {
    if (half == 0u) {
        explicit_list[ri + k].x = id;
    } else {
        explicit_list[ri + k].y = id;
    }
}

// The quiet set is a tree of 32-bit words, laid out depth first: a level-k block (k ≥ 1,
// covering 32^(k+1) ids) is one summary word (bit c: child c is not empty) followed by its 32
// level-(k−1) blocks; a level-0 block is one word of 32 ids. The root is level 5 (2^30 ids).
// A row for fewer ids is a prefix of that layout, so it grows by copying (kernel::windowed
// mirrors it: quiet_at, quiet_words).
fn quiet_block(k: u32) -> u32 {
    return ((1u << (5u * (k + 1u))) - 1u) / 31u;   // words of a level-k block
}

// The word of level `level` on id i's path.
fn quiet_at(i: u32, level: u32) -> u32 {
    var p = 0u;
    for (var k = 5u; k > level; k--) {
        p += 1u + ((i >> (5u * k)) & 31u) * quiet_block(k - 1u);
    }
    return p;
}

fn quiet_words(ids: u32) -> u32 {
    return quiet_at(max(ids, 1u) - 1u, 0u) + 1u;
}

// Insert id i (any number of threads at once: every write is an OR).
fn quiet_insert(i: u32) {
    for (var k = 0u; k <= 5u; k++) {
        atomicOr(&quiet[rq + quiet_at(i, k)], 1u << ((i >> (5u * k)) & 31u));
    }
}

// Remove quiet id i (one thread, no insert at the same time): a word left empty clears its
// bit in the level above.
fn quiet_remove(i: u32) {
    for (var k = 0u; k <= 5u; k++) {
        let bit = 1u << ((i >> (5u * k)) & 31u);
        let old = atomicAnd(&quiet[rq + quiet_at(i, k)], ~bit);
        if ((old & ~bit) != 0u) {
            return;
        }
    }
}

// The lowest quiet id, NONE when there is none.
fn quiet_min() -> u32 {
    var p = 0u;
    var id = 0u;
    for (var k = 5u; k > 0u; k--) {
        let w = atomicLoad(&quiet[rq + p]);
        if (w == 0u) {
            return NONE;
        }
        let c = firstTrailingBit(w);
        id |= c << (5u * k);
        p += 1u + c * quiet_block(k - 1u);
    }
    let w = atomicLoad(&quiet[rq + p]);
    if (w == 0u) {
        return NONE;
    }
    return id | firstTrailingBit(w);
}

// kernel::pair_rng, word for word.
fn pcg_hash(x: u32) -> u32 {
    let state = x * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

fn allows(step: u32, src: u32, dst: u32) -> bool {
    // The replicate's seed, seed + rep in 64 bits.
    let lo = params.seed_lo + rep;
    let hi = params.seed_hi + select(0u, 1u, lo < params.seed_lo);
    var h = pcg_hash(lo ^ pcg_hash(hi));
    h = pcg_hash(h ^ step);
    h = pcg_hash(h ^ 0u);
    h = pcg_hash(h ^ src);
    h = pcg_hash(h ^ dst);
    return (h >> 8u) < params.threshold;
}
