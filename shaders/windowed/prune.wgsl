// windowed/prune.wgsl — per slot: remove connections with |s| below the prune threshold.
// CPU twin: kernel::windowed::prune.
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let k = thread_index(gid, groups);
    if (!slot_in_use(k)) {
        return;
    }
    if (abs(slot_val[k].x) < params.prune) {
        remove_slot(k);
    }
}
