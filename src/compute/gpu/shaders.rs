//! WGSL sources, loaded in one place: `common.wgsl` prepended to each kernel file.

/// `activation_decay.wgsl` with the common header.
pub const ACTIVATION_DECAY: &str = concat!(
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/common.wgsl")),
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/activation_decay.wgsl"))
);

/// `activation_spread.wgsl` with the common header (entry points `accumulate`, `activate`).
pub const ACTIVATION_SPREAD: &str = concat!(
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/common.wgsl")),
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/shaders/activation_spread.wgsl"))
);

/// Every shader with its file stem, for validation.
pub const ALL: [(&str, &str); 2] = [("activation_decay", ACTIVATION_DECAY), ("activation_spread", ACTIVATION_SPREAD)];
