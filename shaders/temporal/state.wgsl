// temporal/state.wgsl: the temporal engine's device state, prepended to every temporal kernel
// by src/engine/gpu/shaders.rs after precision/f32.wgsl or f64.wgsl (which define `real`).
// The host mirrors Params, Exchange, the bindings and the counters (kernel::temporal,
// engine::gpu::layout); tests/it/shaders.rs checks each against this file.
// Connections decay lazily as on the CPU: a slot keeps its
// strength as of its last exchange (s_ref, d_ref) and the exchange at which the prune rule
// removes it (death); the power table (1 − decay)^k is the CPU's, computed on the host.

struct Params {
    pow_len: u32,        // entries of `pow` (it ends with 0)
    slots_cap: u32,
    _pad0: u32,
    _pad1: u32,
    one: real,           // 1.0: the activity of every temporal pair, as a runtime value
    eta: real,
    prune: real,         // prune threshold
    mass_target: real,   // m* at activity 1
    m_max: real,
    rate: real,
    homeostatic: real,
    ltd: real,
}

// One learning exchange (bound with a dynamic offset per dispatch).
struct Exchange {
    d_offset: u32,       // distinct ids, in order of first occurrence, at input[d_offset..]
    occ_start: u32,      // d + 1 offsets into the positions list, at input[occ_start..]
    occ_pos: u32,        // positions grouped by distinct id, ascending, at input[occ_pos..]
    d: u32,              // distinct ids
    len: u32,            // tokens
    now: u32,            // decay count before this exchange
    _pad0: u32,
    _pad1: u32,
}

const DEAD: u32 = 0xffffffffu;
const NONE: u32 = 0xffffffffu;
const WG: u32 = 64u;

// counters[]
const HW: u32 = 0u;          // slots ever used
const FREE_TOP: u32 = 1u;
const NEW: u32 = 2u;         // slots taken by the last exchange, committed by the next `begin`

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> counters: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read> input: array<u32>;
@group(0) @binding(3) var<storage, read> pow_table: array<real>;
@group(0) @binding(4) var<storage, read> lag_weight: array<real>;
@group(0) @binding(5) var<storage, read_write> dpos: array<u32>;           // per neuron: index in D or NONE
@group(0) @binding(6) var<storage, read_write> slot_ends: array<vec2<u32>>; // (from, to); from DEAD = free
@group(0) @binding(7) var<storage, read_write> slot_val: array<vec2<real>>;   // (s_ref, mass)
@group(0) @binding(11) var<storage, read_write> slot_life: array<vec2<u32>>; // (d_ref, death)
@group(0) @binding(8) var<storage, read_write> slot_stamp: array<vec2<u32>>; // (exchange, first visit)
@group(0) @binding(9) var<storage, read_write> free_stack: array<u32>;
@group(0) @binding(10) var<storage, read_write> key_slot: array<u32>;     // d × d, NONE when absent
@group(1) @binding(0) var<uniform> ex: Exchange;

fn thread_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.y * groups.x * WG + gid.x;
}

fn decay_pow(k: u32) -> real {
    if (k >= params.pow_len) {
        return 0.0;
    }
    return pow_table[k];
}
