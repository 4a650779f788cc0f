#!/usr/bin/env bash
# Build the Debian package target/debian/huey_<version>_<arch>.deb: the release binary, the
# man pages (huey(1) and one per subcommand) and bash/zsh/fish completions generated from the
# clap definitions, the desktop entry, AppStream metadata, MIME type and icons
# (packaging/linux/, packaging/icons/), by cargo-deb from Cargo.toml's [package.metadata.deb].
# cargo-deb comes from crates.io into target/tools when it is not on PATH; it needs dpkg-dev
# (dpkg-shlibdeps works out the library dependencies).
#
# Usage: scripts/package-deb.sh        (BUILD=0: package the release binary already built)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BUILD:-1}" = 1 ]; then
  cargo build --release --locked
fi
bin=target/release/huey
out=target/packaging
rm -rf "$out"
mkdir -p "$out/man" "$out/completions"
# gzip -n: no name or time stamp in the header, so the same input gives the same package.
"$bin" manpage | gzip -9n > "$out/man/huey.1.gz"
for page in $("$bin" manpage --list); do
  "$bin" manpage "$page" | gzip -9n > "$out/man/huey-$page.1.gz"
done
"$bin" completions bash > "$out/completions/huey"
"$bin" completions zsh > "$out/completions/_huey"
"$bin" completions fish > "$out/completions/huey.fish"
if ! command -v cargo-deb >/dev/null 2>&1; then
  if [ ! -x target/tools/bin/cargo-deb ]; then
    cargo install --locked cargo-deb --version 3.8.0 --root target/tools
  fi
  export PATH="$PWD/target/tools/bin:$PATH"
fi
# --strip: the release profile keeps line tables for perf (debug = 1); the package does not.
# A fresh target/debian, so the package built is the only one there.
rm -rf target/debian
cargo deb --no-build --locked --strip --output target/debian/
ls target/debian/*.deb
