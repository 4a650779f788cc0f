// windowed/activation_spread.wgsl — a ← σ(W a), W symmetric from the live connections (low →
// high only once dense_min_ids ids exist: the reference's vectorised kernel). Two entry points,
// dispatched in order:
//   accumulate (per slot): sums[to] += s·a[from], sums[from] += s·a[to], in fixed point;
//   activate (per id): a = σ(sum), 1/2 exactly for a zero sum; the sums return to 0.
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
    let i = thread_index(gid, groups);
    if (!in_window() || i >= atomicLoad(&counters[rc + NEXT_ID])) {
        return;
    }
    let sum = take_sum(ri + i);
    act[ri + i] = select(1.0 / (1.0 + exp_real(-sum.x)), 0.5, sum.y != 0.0);
}
