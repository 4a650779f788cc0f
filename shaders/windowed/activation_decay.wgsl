// windowed/activation_decay.wgsl — a ← max(a·(1 − decay), floor) for every explicit neuron (a
// quiet one's decayed value is never read: the activation kernel sets it back to ½).
// CPU twin: kernel::windowed::activation_decay.
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    enter(gid.z);
    let i = thread_index(gid, groups);
    if (!in_window() || i >= atomicLoad(&counters[rc + EXPL_N])) {
        return;
    }
    let id = listed(atomicLoad(&counters[rc + EXPL_PAR]), i);
    act[ri + id] = max(act[ri + id] * (1.0 - params.act_decay), params.act_floor);
}
