// windowed/eviction.wgsl — kernel `eviction` (one workgroup): resolve the step's words to neuron
// ids (§1.4: a known word's activation becomes 1; a new word gets the next id, first evicting
// the least important neuron when the network is full). Dispatched once per step.
// CPU twin: kernel::windowed::eviction.
//
// Thread 0 walks the words in order; an eviction is done by the whole workgroup (importance
// needs every slot's strength and every neuron's activation), then thread 0 goes on.

const RW: u32 = 256u;
const SPEAKER_FIRST: u32 = 1u;

var<workgroup> w_items: u32;
var<workgroup> w_need: u32;
var<workgroup> w_word: u32;
var<workgroup> w_pos: u32;
var<workgroup> w_victim: u32;
var<workgroup> w_imp: array<real, 256>;
var<workgroup> w_id: array<u32, 256>;

// Record the resolved id: the turn's speaker (pos NONE) or window position `p`.
fn place(id: u32, p: u32) {
    if (p == NONE) {
        atomicStore(&counters[rc + TURN_SPEAKER], id);
        return;
    }
    scratch[rx + p] = id;
    var fl = pos[ri + id];
    if (fl.x == NONE) {
        fl.x = p;
    }
    fl.y = p;
    pos[ri + id] = fl;
}

fn create(word: u32, p: u32) {
    let id = atomicLoad(&counters[rc + NEXT_ID]);
    if (id >= params.ids_cap) {
        atomicOr(&counters[rc + OVERFLOW], 1u);
        return;
    }
    atomicStore(&counters[rc + NEXT_ID], id + 1u);
    atomicAdd(&counters[rc + N_LIVE], 1u);
    neuron_word[ri + id] = word;
    word_neuron[rw + word].x = id;
    act[ri + id] = 1.0;
    atomicStore(&out_degree[ri + id], 0u);
    pos[ri + id] = vec2<u32>(NONE, NONE);
    place(id, p);
}

// Thread 0: resolve item `t`; returns 1 when an eviction must come first.
fn begin_item(t: u32) -> u32 {
    let s = atomicLoad(&counters[rc + CUR]) - 1u;
    let at = STEP_WORDS * s;
    let has_speaker = select(0u, 1u, (input[rn + at + STEP_FLAGS] & SPEAKER_FIRST) != 0u);
    var word: u32;
    var p: u32;
    if (t < has_speaker) {
        word = input[rn + at + STEP_SPEAKER];
        p = NONE;
    } else {
        let j = t - has_speaker;
        word = input[rn + params.tokens_offset + input[rn + at + STEP_TOKENS] + j];
        p = j + 1u;
        if (j == 0u) {
            // The turn's speaker opens every window, protected from eviction.
            place(atomicLoad(&counters[rc + TURN_SPEAKER]), 0u);
        }
    }
    let id = word_neuron[rw + word].x;
    if (id != DEAD) {
        act[ri + id] = 1.0;
        place(id, p);
        return 0u;
    }
    if (atomicLoad(&counters[rc + N_LIVE]) >= params.max_neurons) {
        w_word = word;
        w_pos = p;
        return 1u;
    }
    create(word, p);
    return 0u;
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
    enter(wid.z);
    if (lid == 0u) {
        let s = atomicAdd(&counters[rc + CUR], 1u);
        let window = input[rn + STEP_WORDS * s + STEP_WINDOW];
        let flags = input[rn + STEP_WORDS * s + STEP_FLAGS];
        atomicStore(&counters[rc + WIN], window);
        w_items = select(0u, 1u, (flags & SPEAKER_FIRST) != 0u) + select(0u, params.window, window != 0u);
    }
    let items = workgroupUniformLoad(&w_items);
    for (var t = 0u; t < items; t++) {
        if (lid == 0u) {
            w_need = begin_item(t);
        }
        if (workgroupUniformLoad(&w_need) != 0u) {
            evict(lid);
        }
    }
}

// The whole workgroup: importance 0.4 + 0.4·Σs + 0.2·a over live, unprotected neurons; the
// lowest id wins ties; the victim's connections go; then thread 0 creates the pending word.
fn evict(lid: u32) {
    let hw = atomicLoad(&counters[rc + HW]);
    let n_ids = atomicLoad(&counters[rc + NEXT_ID]);
    for (var k = lid; k < hw; k += RW) {
        let e = slot_ends[rs + k];
        if (e.x != DEAD) {
            let s = slot_val[rs + k].x;
            fixed_add(ri + e.x, s);
            fixed_add(ri + e.y, s);
        }
    }
    storageBarrier();
    workgroupBarrier();
    var best_imp: real = 0.0;
    var best_id = NONE;
    for (var k = lid; k < n_ids; k += RW) {
        let strength = take_sum(ri + k).x;
        if (neuron_word[ri + k] != DEAD && pos[ri + k].x == NONE) {
            let imp = 0.4 * 1.0 + 0.4 * strength + 0.2 * act[ri + k];
            if (best_id == NONE || imp < best_imp) {
                best_imp = imp;
                best_id = k;
            }
        }
    }
    w_imp[lid] = best_imp;
    w_id[lid] = best_id;
    workgroupBarrier();
    for (var half = RW / 2u; half > 0u; half = half / 2u) {
        if (lid < half) {
            let other = w_id[lid + half];
            let mine = w_id[lid];
            let take = other != NONE && (mine == NONE || w_imp[lid + half] < w_imp[lid]
                || (w_imp[lid + half] == w_imp[lid] && other < mine));
            if (take) {
                w_imp[lid] = w_imp[lid + half];
                w_id[lid] = other;
            }
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        let v = w_id[0];
        if (v != NONE) {
            word_neuron[rw + neuron_word[ri + v]].x = DEAD;
            neuron_word[ri + v] = DEAD;
            act[ri + v] = 0.0;
            atomicSub(&counters[rc + N_LIVE], 1u);
            atomicAdd(&counters[rc + EVICTIONS], 1u);
        }
        w_victim = v;
    }
    let victim = workgroupUniformLoad(&w_victim);
    if (victim != NONE) {
        for (var k = lid; k < hw; k += RW) {
            let e = slot_ends[rs + k];
            if (e.x != DEAD && (e.x == victim || e.y == victim)) {
                remove_slot(k);
            }
        }
    }
    storageBarrier();
    workgroupBarrier();
    if (lid == 0u) {
        create(w_word, w_pos);
    }
    storageBarrier();
    workgroupBarrier();
}
