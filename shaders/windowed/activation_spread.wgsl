// windowed/activation_spread.wgsl — a ← σ(W a), W symmetric from the live connections (low →
// high only once dense_min_ids ids exist: the reference's vectorised kernel). Two entry points,
// dispatched in order:
//   accumulate (per slot): sums[to] += s·a[from], sums[from] += s·a[to], in fixed point;
//   activate (per id): a = σ(sum), 1/2 exactly for a zero sum; the sums return to 0.
// CPU twin: kernel::windowed::activation_spread.
@compute @workgroup_size(64)
fn accumulate(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let k = thread_index(gid, groups);
    if (!slot_in_use(k)) {
        return;
    }
    let e = slot_ends[k];
    if (atomicLoad(&counters[NEXT_ID]) >= params.dense_min_ids && e.x > e.y) {
        return;
    }
    let s = slot_val[k].x;
    fixed_add(e.y, s * act[e.x]);
    fixed_add(e.x, s * act[e.y]);
}

@compute @workgroup_size(64)
fn activate(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = thread_index(gid, groups);
    if (i >= atomicLoad(&counters[NEXT_ID])) {
        return;
    }
    let sum = take_sum(i);
    act[i] = select(1.0 / (1.0 + exp_real(-sum.x)), 0.5, sum.y != 0.0);
}
