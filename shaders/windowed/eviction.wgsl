// windowed/eviction.wgsl — kernel `eviction` (one workgroup per replicate): resolve the step's
// words to neuron ids (§1.4: a known word's activation becomes 1; a new word gets the next id,
// first evicting the least important neuron when the network is full). Dispatched once per step.
// CPU twin: kernel::windowed::eviction.
//
// Thread 0 first makes the last activation kernel's explicit list current, then walks the words
// in order, listing each one it touches (a touched neuron is explicit until the next kernel).
// An eviction is done by the whole workgroup: importance needs every slot's strength and every
// explicit neuron's activation; the lowest quiet id stands for the quiet ones (they tie at
// 0.4 + 0.2·½, and the lowest id wins ties). No neuron of the window is quiet: each was
// touched, the speaker when it opened the window.

const RW: u32 = 64u;
const SPEAKER_FIRST: u32 = 1u;

var<workgroup> w_items: u32;
var<workgroup> w_need: u32;
var<workgroup> w_word: u32;
var<workgroup> w_pos: u32;
var<workgroup> w_victim: u32;
var<workgroup> w_imp: array<real, 64>;
var<workgroup> w_id: array<u32, 64>;

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

// List `id` as explicit unless it is; `was_quiet`: it leaves the quiet set.
fn make_explicit(id: u32, was_quiet: bool) {
    let old = atomicOr(&nstate[ri + id], EXPLICIT);
    if ((old & EXPLICIT) != 0u) {
        return;
    }
    if (was_quiet) {
        quiet_remove(id);
    }
    let n = atomicAdd(&counters[rc + EXPL_N], 1u);
    set_listed(atomicLoad(&counters[rc + EXPL_PAR]), n, id);
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
    atomicStore(&nstate[ri + id], 0u);
    make_explicit(id, false);
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
            // The turn's speaker opens every window, protected from eviction (resolved once
            // per turn, it may have gone quiet since).
            let speaker = atomicLoad(&counters[rc + TURN_SPEAKER]);
            place(speaker, 0u);
            make_explicit(speaker, true);
        }
    }
    let id = word_neuron[rw + word].x;
    if (id != DEAD) {
        act[ri + id] = 1.0;
        make_explicit(id, true);
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

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
    enter(wid.z);
    if (lid == 0u) {
        if (atomicLoad(&counters[rc + EXPL_SWAP]) != 0u) {
            atomicStore(&counters[rc + EXPL_PAR], 1u - atomicLoad(&counters[rc + EXPL_PAR]));
            atomicStore(&counters[rc + EXPL_N], atomicLoad(&counters[rc + EXPL_NEXT]));
            atomicStore(&counters[rc + EXPL_NEXT], 0u);
            atomicStore(&counters[rc + EXPL_SWAP], 0u);
        }
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

// The whole workgroup: importance 0.4 + 0.4·Σs + 0.2·a over live, unprotected neurons (the
// explicit ones and the lowest quiet one); the lowest id wins ties; the victim's connections
// go; then thread 0 creates the pending word.
fn evict(lid: u32) {
    // HW does not change in this kernel; the list's counters do (thread 0 swapped and listed),
    // so they are read after the storage barrier that makes thread 0's writes visible.
    let hw = atomicLoad(&counters[rc + HW]);
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
    let n_listed = atomicLoad(&counters[rc + EXPL_N]);
    let half = atomicLoad(&counters[rc + EXPL_PAR]);
    var best_imp: real = 0.0;
    var best_id = NONE;
    for (var k = lid; k < n_listed; k += RW) {
        let id = listed(half, k);
        let strength = take_sum(ri + id).x;
        if (neuron_word[ri + id] != DEAD && pos[ri + id].x == NONE) {
            let imp = 0.4 * 1.0 + 0.4 * strength + 0.2 * act[ri + id];
            if (best_id == NONE || imp < best_imp || (imp == best_imp && id < best_id)) {
                best_imp = imp;
                best_id = id;
            }
        }
    }
    if (lid == 0u) {
        let q = quiet_min();
        if (q != NONE) {
            let strength: real = 0.0;
            let imp = 0.4 * 1.0 + 0.4 * strength + 0.2 * act[ri + q];
            if (best_id == NONE || imp < best_imp || (imp == best_imp && q < best_id)) {
                best_imp = imp;
                best_id = q;
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
            if ((atomicLoad(&nstate[ri + v]) & EXPLICIT) == 0u) {
                quiet_remove(v);
            }
            word_neuron[rw + neuron_word[ri + v]].x = DEAD;
            neuron_word[ri + v] = DEAD;
            act[ri + v] = 0.0;
            atomicSub(&counters[rc + N_LIVE], 1u);
            atomicAdd(&counters[rc + EVICTIONS], 1u);
        }
        w_victim = v;
    }
    let victim = workgroupUniformLoad(&w_victim);
    if (victim != NONE && degree(victim) > 0u) {
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
