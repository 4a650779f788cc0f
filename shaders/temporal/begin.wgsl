// temporal/begin.wgsl — kernel `begin`: commit the slots the previous exchange took (thread 0),
// and enter the exchange's distinct ids in `dpos` (one thread each).
// CPU twin: kernel::temporal::begin.
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let a = thread_index(gid, groups);
    if (a == 0u) {
        let taken = atomicExchange(&counters[NEW], 0u);
        let free = atomicLoad(&counters[FREE_TOP]);
        let reused = min(taken, free);
        atomicStore(&counters[FREE_TOP], free - reused);
        atomicAdd(&counters[HW], taken - reused);
    }
    if (a < ex.d) {
        dpos[input[ex.d_offset + a]] = a;
    }
}
