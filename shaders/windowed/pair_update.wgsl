// windowed/pair_update.wgsl — one invocation: the Hebbian update of the window's pairs p < q in
// order (a repeated word revisits the same connection, so the loop is sequential), with
// inertial mass; a new connection needs room under the out-degree cap and a counter-based draw
// (both waived for speaker_ words). Then the window's positions are cleared.
// CPU twin: kernel::windowed::pair_update.

fn mass_target(x: real) -> real {
    return params.m_max / (1.0 + exp_real(-(params.k * (x - params.a0))));
}

fn new_slot() -> u32 {
    let top = atomicLoad(&counters[FREE_TOP]);
    if (top > 0u) {
        atomicStore(&counters[FREE_TOP], top - 1u);
        return free_stack[top - 1u];
    }
    let hw = atomicLoad(&counters[HW]);
    if (hw >= params.slots_cap) {
        atomicOr(&counters[OVERFLOW], 2u);
        return NONE;
    }
    atomicStore(&counters[HW], hw + 1u);
    return hw;
}

@compute @workgroup_size(1)
fn main() {
    let win = atomicLoad(&counters[WIN]);
    if (win == 0u) {
        return;
    }
    let n = window_len();
    for (var p = 0u; p < n; p++) {
        for (var q = p + 1u; q < n; q++) {
            let i = scratch[p];
            let j = scratch[q];
            let key = key_index(p, q);
            if (i == j) {
                continue;
            }
            var k = scratch[key];
            scratch[key] = NONE;
            if (k == NONE) {
                let waived = word_neuron[neuron_word[i]].y != 0u || word_neuron[neuron_word[j]].y != 0u;
                if (!waived && (atomicLoad(&out_degree[i]) >= params.max_conn || !allows(win, i, j))) {
                    atomicAdd(&counters[REFUSED], 1u);
                    continue;
                }
            }
            let ai = act[i];
            let aj = act[j];
            var sm = vec2<real>(0.0, 0.0);
            if (k != NONE) {
                sm = slot_val[k];
            }
            let resistance = 1.0 / (1.0 + sm.y * 0.1);
            let delta = params.eta * ai * aj * resistance;
            let x = ai * aj;
            let mass = mass_update(sm.y, x, mass_target(x));
            if (k != NONE) {
                slot_val[k] = vec2<real>(sm.x + delta, mass);
                slot_meta[k].x = win;
                continue;
            }
            k = new_slot();
            if (k == NONE) {
                continue;
            }
            slot_ends[k] = vec2<u32>(i, j);
            slot_val[k] = vec2<real>(delta, mass);
            slot_meta[k] = vec4<u32>(win, win, p * n + q, 0u);
            atomicAdd(&out_degree[i], 1u);
            // Later visits of the same pair (repeated words) find the new connection.
            for (var p2 = p; p2 < n; p2++) {
                if (scratch[p2] == i) {
                    for (var q2 = select(p2 + 1u, q + 1u, p2 == p); q2 < n; q2++) {
                        if (scratch[q2] == j) {
                            scratch[key_index(p2, q2)] = k;
                        }
                    }
                }
            }
        }
    }
    for (var p = 0u; p < n; p++) {
        pos[scratch[p]] = vec2<u32>(NONE, NONE);
    }
}
