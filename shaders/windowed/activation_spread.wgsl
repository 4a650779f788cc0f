// windowed/activation_spread.wgsl — a ← σ(W a), W symmetric from the live connections (low →
// high only once dense_min_ids ids exist: the reference's vectorised kernel). Two entry points,
// dispatched in order:
//   accumulate (per slot): sums[to] += s·a[from], sums[from] += s·a[to], in fixed point;
//   activate (per explicit neuron): a = σ(sum), 1/2 exactly for a zero sum; the sums return to
//   0; the neuron stays listed (in the next list) unless it is dead, or at ½ with no
//   connection, when it goes quiet. Only explicit neurons can have a non-zero sum.
// CPU twin: kernel::windowed::activation_spread.
@compute @workgroup_size(64)
fn accumulate(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    enter(gid.z);
    let k = thread_index(gid, groups);
    if (!in_window() || !slot_in_use(k)) {
        return;
    }
    let e = slot_ends[rs + k];
    if (atomicLoad(&counters[rc + NEXT_ID]) >= params.dense_min_ids && e.x > e.y) {
        return;
    }
    let s = slot_val[rs + k].x;
    fixed_add(ri + e.y, s * act[ri + e.x]);
    fixed_add(ri + e.x, s * act[ri + e.y]);
}

@compute @workgroup_size(64)
fn activate(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    enter(gid.z);
    let k = thread_index(gid, groups);
    if (!in_window() || k >= atomicLoad(&counters[rc + EXPL_N])) {
        return;
    }
    let half = atomicLoad(&counters[rc + EXPL_PAR]);
    if (k == 0u) {
        atomicStore(&counters[rc + EXPL_SWAP], 1u);
    }
    let i = listed(half, k);
    if (neuron_word[ri + i] == DEAD) {
        atomicAnd(&nstate[ri + i], DEGREE);
        return;
    }
    let sum = take_sum(ri + i);
    let zero = sum.y != 0.0;
    act[ri + i] = select(1.0 / (1.0 + exp_real(-sum.x)), 0.5, zero);
    if (!zero || degree(i) > 0u) {
        set_listed(1u - half, atomicAdd(&counters[rc + EXPL_NEXT], 1u), i);
    } else {
        atomicAnd(&nstate[ri + i], DEGREE);
        quiet_insert(i);
    }
}
