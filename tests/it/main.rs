//! The one integration-test binary: parity with the reference, bad input, the CLI, the GPU
//! engines against the CPU engines, and the desktop app.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod architecture;
mod bad_input;
mod batch;
mod cli;
mod corpus;
mod ensemble;
mod exports;
mod gpu;
mod history;
mod kernels;
mod parity;
mod packaging;
mod properties;
mod sessions;
mod shaders;
mod timeline;
mod ui;
mod windowed_sparse;

use std::path::PathBuf;

/// `../shared` beside the checkout, if present (the third-party texts are never copied here).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    dir.is_dir().then_some(dir)
}

/// A fixture in tests/data.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}
