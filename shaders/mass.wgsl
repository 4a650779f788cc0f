// mass.wgsl: the inertial-mass update shared by both engines' pair_update kernels (assembled
// after the engine's state.wgsl, whose Params has m_max, rate, homeostatic and ltd).
// CPU twin: model::mass::update, same operation order; x must be a runtime value so that
// `x - 0.8` rounds in `real` as the CPU does, not as a constant folded in higher precision.
fn mass_update(m: real, x: real, goal: real) -> real {
    var dm = params.rate * (goal - m);
    if (x > 0.8) {
        dm = dm - params.homeostatic * (x - 0.8) * m;
    }
    if (x < params.ltd) {
        dm = dm - 0.1 * (params.ltd - x) * m;
    }
    let next = m + dm;
    if (next < 0.0) {
        return 0.0;
    }
    if (next > params.m_max) {
        return params.m_max;
    }
    return next;
}
