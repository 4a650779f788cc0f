// windowed/pair_update.wgsl — one invocation: the Hebbian update of the window's pairs p < q in
// order (a repeated word revisits the same connection, so the loop is sequential), with
// inertial mass; a new connection needs room under the out-degree cap and a counter-based draw
// (both waived for speaker_ words). Then the window's positions are cleared.
// CPU twin: kernel::windowed::pair_update.

fn mass_target(x: real) -> real {
    return params.m_max / (1.0 + exp_real(-(params.k * (x - params.a0))));
}

fn new_slot() -> u32 {
    let top = atomicLoad(&counters[rc + FREE_TOP]);
    if (top > 0u) {
        atomicStore(&counters[rc + FREE_TOP], top - 1u);
        return free_stack[rs + top - 1u];
    }
    let hw = atomicLoad(&counters[rc + HW]);
    if (hw >= params.slots_cap) {
        atomicOr(&counters[rc + OVERFLOW], 2u);
        return NONE;
    }
    atomicStore(&counters[rc + HW], hw + 1u);
    return hw;
}

@compute @workgroup_size(1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    enter(gid.z);
    let win = atomicLoad(&counters[rc + WIN]);
    if (win == 0u) {
        return;
    }
    let n = window_len();
    // Pairs and positions walked, counted: a driver that breaks out of long loops (lavapipe
    // stops an invocation's loops after ~65,535 iterations) leaves them short.
    var walked = 0u;
    for (var p = 0u; p < n; p++) {
        for (var q = p + 1u; q < n; q++) {
            walked += 1u;
            let i = scratch[rx + p];
            let j = scratch[rx + q];
            let key = key_index(p, q);
            if (i == j) {
                continue;
            }
            var k = scratch[rx + key];
            scratch[rx + key] = NONE;
            if (k == NONE) {
                let waived = word_neuron[rw + neuron_word[ri + i]].y != 0u || word_neuron[rw + neuron_word[ri + j]].y != 0u;
                if (!waived && (atomicLoad(&out_degree[ri + i]) >= params.max_conn || !allows(win, i, j))) {
                    atomicAdd(&counters[rc + REFUSED], 1u);
                    continue;
                }
            }
            let ai = act[ri + i];
            let aj = act[ri + j];
            var sm = vec2<real>(0.0, 0.0);
            if (k != NONE) {
                sm = slot_val[rs + k];
            }
            let resistance = 1.0 / (1.0 + sm.y * 0.1);
            let delta = params.eta * ai * aj * resistance;
            let x = ai * aj;
            let mass = mass_update(sm.y, x, mass_target(x));
            if (k != NONE) {
                slot_val[rs + k] = vec2<real>(sm.x + delta, mass);
                slot_meta[rs + k].x = win;
                continue;
            }
            k = new_slot();
            if (k == NONE) {
                continue;
            }
            slot_ends[rs + k] = vec2<u32>(i, j);
            slot_val[rs + k] = vec2<real>(delta, mass);
            slot_meta[rs + k] = vec4<u32>(win, win, p * n + q, 0u);
            atomicAdd(&out_degree[ri + i], 1u);
            atomicAdd(&nstate[ri + i], 1u);
            atomicAdd(&nstate[ri + j], 1u);
            // Later visits of the same pair (repeated words) find the new connection. Only a
            // word that recurs later in the window can revisit (most windows have none: the
            // walk stays O(W²), which also keeps lavapipe under its per-invocation loop limit).
            let recurs = pos[ri + i].y > p || pos[ri + j].y > q;
            for (var p2 = p; recurs && p2 < n; p2++) {
                if (scratch[rx + p2] == i) {
                    for (var q2 = select(p2 + 1u, q + 1u, p2 == p); q2 < n; q2++) {
                        if (scratch[rx + q2] == j) {
                            scratch[rx + key_index(p2, q2)] = k;
                        }
                    }
                }
            }
        }
    }
    for (var p = 0u; p < n; p++) {
        pos[ri + scratch[rx + p]] = vec2<u32>(NONE, NONE);
        walked += 1u;
    }
    // The host checks that every window walked all of it: a cut walk is an error, not a
    // wrong network.
    if (walked == n * (n - 1u) / 2u + n) {
        atomicAdd(&counters[rc + DONE], 1u);
    }
}
