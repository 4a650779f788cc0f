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
mod gpu_batch;
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
/// Tests that read it skip with a printed reason without it, unless `REQUIRE_CORPUS=1` (set by
/// .ci/run, where it is always beside the clone): then its absence fails them.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if !dir.is_dir() && std::env::var("REQUIRE_CORPUS").is_ok_and(|v| v == "1") {
        panic!("REQUIRE_CORPUS=1 but {} is not a folder", dir.display());
    }
    dir.is_dir().then_some(dir)
}

/// A fixture in tests/data.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}
