// windowed/prune.wgsl — per slot: remove connections with |s| below the prune threshold.
// CPU twin: kernel::windowed::prune.
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    enter(gid.z);
    let k = thread_index(gid, groups);
    if (!in_window() || !slot_in_use(k)) {
        return;
    }
    if (abs(slot_val[rs + k].x) < params.prune) {
        remove_slot(k);
    }
}
