// windowed/activation_decay.wgsl — a ← max(a·(1 − decay), floor) for every id issued.
// CPU twin: kernel::windowed::activation_decay.
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    enter(gid.z);
    let i = thread_index(gid, groups);
    if (!in_window() || i >= atomicLoad(&counters[rc + NEXT_ID])) {
        return;
    }
    act[ri + i] = max(act[ri + i] * (1.0 - params.act_decay), params.act_floor);
}
