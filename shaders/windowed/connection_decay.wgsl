// windowed/connection_decay.wgsl — per slot: a connection between two positions p < q of the
// window is marked (and entered in the window's pair → slot table for pair_update); every other
// connection decays, max(s·(1 − decay), floor), and goes at or below the removal threshold.
// CPU twin: kernel::windowed::connection_decay.
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    enter(gid.z);
    let k = thread_index(gid, groups);
    if (!in_window() || !slot_in_use(k)) {
        return;
    }
    let e = slot_ends[rs + k];
    let first = pos[ri + e.x].x;
    let last = pos[ri + e.y].y;
    if (first != NONE && last != NONE && first < last) {
        slot_meta[rs + k].x = atomicLoad(&counters[rc + WIN]);
        let n = window_len();
        for (var p = first; p < n; p++) {
            if (scratch[rx + p] == e.x) {
                for (var q = p + 1u; q < n; q++) {
                    if (scratch[rx + q] == e.y) {
                        scratch[rx + key_index(p, q)] = k;
                    }
                }
            }
        }
        return;
    }
    let s = max(slot_val[rs + k].x * (1.0 - params.conn_decay), params.decay_floor);
    slot_val[rs + k].x = s;
    if (s <= params.removal) {
        remove_slot(k);
    }
}
