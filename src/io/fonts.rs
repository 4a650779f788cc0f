//! System fonts the app adds for scripts egui's own fonts do not cover (CJK): the first
//! readable file of a list of well-known locations, read with a bound.

use std::path::{Path, PathBuf};

use super::file::read_bounded;

/// Largest font file read (Noto Sans CJK collections are ~20–60 MiB).
pub const MAX_FONT_BYTES: u64 = 96 << 20;

/// Fonts with CJK glyphs where Linux distributions, macOS and Windows install them, the
/// smaller first (a Droid fallback is ~4 MiB, a Noto CJK collection ~20 MiB or more).
pub const CJK_FONTS: [&str; 10] = [
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "C:\\Windows\\Fonts\\msyh.ttc",
    "C:\\Windows\\Fonts\\simsun.ttc",
];

/// The first of `candidates` that reads as a regular file within [`MAX_FONT_BYTES`], with its
/// bytes; `None` when none does (the app then draws boxes for those glyphs).
pub fn first_readable<P: AsRef<Path>>(candidates: &[P]) -> Option<(PathBuf, Vec<u8>)> {
    candidates.iter().find_map(|p| {
        let path = p.as_ref();
        read_bounded(path, MAX_FONT_BYTES, "font").ok().filter(|b| !b.is_empty()).map(|b| (path.to_owned(), b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_readable_candidate_wins() {
        let dir = tempfile::tempdir().unwrap();
        let (empty, font) = (dir.path().join("empty.ttf"), dir.path().join("font.ttf"));
        std::fs::write(&empty, b"").unwrap();
        std::fs::write(&font, b"font bytes").unwrap();
        let missing = dir.path().join("missing.ttf");
        let got = first_readable(&[missing.clone(), dir.path().to_owned(), empty, font.clone()]);
        assert_eq!(got, Some((font, b"font bytes".to_vec())));
        assert_eq!(first_readable(&[missing]), None);
    }
}
