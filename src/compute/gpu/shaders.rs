//! WGSL sources, loaded in one place: each engine's state header prepended to each of its
//! kernel files (one file per kernel, as `Kernel` names them).

macro_rules! windowed {
    ($file:literal) => {
        concat!(
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/windowed/state.wgsl")),
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/windowed/", $file))
        )
    };
}

macro_rules! temporal {
    ($file:literal) => {
        concat!(
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/temporal/state.wgsl")),
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/temporal/", $file))
        )
    };
}

/// Temporal engine: commit new slots, enter the exchange's ids.
pub const T_BEGIN: &str = temporal!("begin.wgsl");
/// Temporal engine: free dead connections, find the exchange's existing ones.
pub const T_PRUNE: &str = temporal!("prune.wgsl");
/// Temporal engine: the Hebbian update of every key of the exchange.
pub const T_PAIR_UPDATE: &str = temporal!("pair_update.wgsl");

/// Windowed engine: word → neuron resolution with eviction (one workgroup).
pub const W_RESOLVE: &str = windowed!("resolve.wgsl");
/// Windowed engine: activation decay.
pub const W_ACTIVATION_DECAY: &str = windowed!("activation_decay.wgsl");
/// Windowed engine: window marking and connection decay.
pub const W_CONNECTION_DECAY: &str = windowed!("connection_decay.wgsl");
/// Windowed engine: Hebbian pair update (one invocation).
pub const W_PAIR_UPDATE: &str = windowed!("pair_update.wgsl");
/// Windowed engine: prune.
pub const W_PRUNE: &str = windowed!("prune.wgsl");
/// Windowed engine: activation spread (`accumulate`, `activate`).
pub const W_ACTIVATION_SPREAD: &str = windowed!("activation_spread.wgsl");

/// Every shader with its name, for validation.
pub const ALL: [(&str, &str); 9] = [
    ("temporal/begin", T_BEGIN),
    ("temporal/prune", T_PRUNE),
    ("temporal/pair_update", T_PAIR_UPDATE),
    ("windowed/resolve", W_RESOLVE),
    ("windowed/activation_decay", W_ACTIVATION_DECAY),
    ("windowed/connection_decay", W_CONNECTION_DECAY),
    ("windowed/pair_update", W_PAIR_UPDATE),
    ("windowed/prune", W_PRUNE),
    ("windowed/activation_spread", W_ACTIVATION_SPREAD),
];
