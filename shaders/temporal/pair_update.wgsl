// temporal/pair_update.wgsl — kernel `pair_update`, one thread per key (i, j) of distinct ids:
// its visits, every position pair p < q with seq[p] = i and seq[q] = j in the CPU's order,
// strengthen it by η·w(q − p)/(1 + 0.1·m) and update its mass; then its death is scheduled.
// Different keys never share a slot, so threads need no atomics but for new slots.
// CPU twin: kernel::temporal::pair_update; the CPU engine's rule: engine::cpu::temporal.

// Smallest j ≥ 0 with |s|·pow[j] < prune (the table decreases and ends with 0).
fn steps_until_pruned(s: real) -> u32 {
    let v = abs(s);
    if (v < params.prune) {
        return 0u;
    }
    var lo = 0u;
    var hi = params.pow_len - 1u;
    while (lo < hi) {
        let mid = (lo + hi) / 2u;
        if (v * pow_table[mid] < params.prune) {
            hi = mid;
        } else {
            lo = mid + 1u;
        }
    }
    return lo;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let t = thread_index(gid, groups);
    let d = ex.d;
    if (t >= d * d) {
        return;
    }
    let a = t / d;
    let b = t % d;
    if (b == 0u) {
        dpos[input[ex.d_offset + a]] = NONE; // prune, the only reader, has run
    }
    var k = key_slot[t];
    key_slot[t] = NONE;
    let ia = input[ex.occ_start + a];
    let na = input[ex.occ_start + a + 1u];
    let ib = input[ex.occ_start + b];
    let nb = input[ex.occ_start + b + 1u];
    let first_p = input[ex.occ_pos + ia];
    let last_q = input[ex.occ_pos + nb - 1u];
    if (first_p >= last_q) {
        return; // no visit: i never precedes j in this exchange
    }
    let after = ex.now + 1u;
    var s: real = 0.0;
    var m: real = 0.0;
    if (k != NONE) {
        let v = slot_val[k];
        m = v.y;
        s = v.x * decay_pow(ex.now - slot_life[k].x);
    }
    var first_visit = NONE;
    for (var x = ia; x < na; x++) {
        let p = input[ex.occ_pos + x];
        for (var y = ib; y < nb; y++) {
            let q = input[ex.occ_pos + y];
            if (q <= p) {
                continue;
            }
            if (first_visit == NONE) {
                first_visit = p * ex.len + q;
            }
            let resistance = 1.0 / (1.0 + m * 0.1);
            let delta = params.eta * resistance * lag_weight[q - p];
            m = mass_update(m, params.one, params.mass_target);
            s = s + delta;
        }
    }
    if (k == NONE) {
        let n = atomicAdd(&counters[NEW], 1u);
        let free = atomicLoad(&counters[FREE_TOP]);
        if (n < free) {
            k = free_stack[free - 1u - n];
        } else {
            k = atomicLoad(&counters[HW]) + (n - free);
            if (k >= params.slots_cap) {
                return; // the host sized the slots for this exchange; never reached
            }
        }
        slot_ends[k] = vec2<u32>(input[ex.d_offset + a], input[ex.d_offset + b]);
        slot_stamp[k] = vec2<u32>(ex.now, first_visit);
    }
    slot_val[k] = vec2<real>(s, m);
    slot_life[k] = vec2<u32>(after, after + steps_until_pruned(s));
}
