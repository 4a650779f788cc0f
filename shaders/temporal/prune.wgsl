// temporal/prune.wgsl — kernel `prune`, per slot: a connection whose death has come (the prune
// rule removed it on the CPU) is freed; a live one between two ids of the exchange is entered
// in the exchange's key table for pair_update.
// CPU twin: kernel::temporal::prune; the CPU engine's rule: its death heap and index lookup.
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let k = thread_index(gid, groups);
    if (k >= atomicLoad(&counters[HW])) {
        return;
    }
    let e = slot_ends[k];
    if (e.x == DEAD) {
        return;
    }
    if (slot_life[k].y <= ex.now) {
        slot_ends[k] = vec2<u32>(DEAD, DEAD);
        let top = atomicAdd(&counters[FREE_TOP], 1u);
        free_stack[top] = k;
        return;
    }
    let a = dpos[e.x];
    let b = dpos[e.y];
    if (a != NONE && b != NONE) {
        key_slot[a * ex.d + b] = k;
    }
}
