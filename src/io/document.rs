//! Read a conversation file into text: UTF-8 (with or without BOM), UTF-16 with BOM, lossy
//! otherwise (with a warning); Markdown as text; PDF through `pdf-extract`.
//!
//! Memory bound: at most `max_bytes` (default 64 MiB) of a file are read; a larger file is cut
//! there with a warning. Decoding holds the bytes and the text (≤ 3× `max_bytes` for UTF-16),
//! and speaker detection adds at most two more copies of the text, so ingestion stays under
//! roughly 6× `max_bytes` (≈ 400 MiB at the default) whatever the file's size. A PDF is read
//! whole up to `max_bytes`, its streams may decode to at most `io::pdf::MAX_DECODED_BYTES`,
//! and its text is cut at `max_bytes`. Only regular files are read (`io::file`).

use std::path::{Path, PathBuf};

use super::file::{FileError, read_prefix};
use super::pdf::PdfError;

/// Default cap on the bytes read from one file.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// A document's text and what the reader had to say about it.
#[derive(Clone, Debug)]
pub struct Document {
    /// The decoded text.
    pub text: String,
    /// Size of the file on disk.
    pub file_bytes: u64,
    /// Non-fatal problems: lossy decoding, truncation.
    pub warnings: Vec<LoadWarning>,
}

/// Something about a file the user should know; the text was still read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadWarning {
    /// Invalid UTF-8, decoded with replacement characters.
    #[error(
        "the file is not valid UTF-8 (first bad byte at offset {offset}); decoded lossily, {replaced} character(s) replaced with U+FFFD"
    )]
    NotUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
        /// Replacement characters inserted.
        replaced: usize,
    },
    /// Larger than the read limit: only its beginning was read.
    #[error("the file has {file_mib} MiB; only the first {read_mib} MiB were read")]
    Truncated {
        /// The file's size in MiB.
        file_mib: u64,
        /// The limit in MiB.
        read_mib: u64,
    },
    /// No byte-order mark, but the NUL pattern of UTF-16: decoded as UTF-16.
    #[error("the file has no byte-order mark but reads as UTF-16{}; decoded as such", if *little_endian { "LE" } else { "BE" })]
    Utf16WithoutBom {
        /// Little-endian (else big-endian).
        little_endian: bool,
    },
    /// The text extracted from a PDF was longer than the read limit and was cut.
    #[error("the PDF's text is longer than {read_mib} MiB; only the first {read_mib} MiB are used")]
    PdfTextCut {
        /// The limit in MiB.
        read_mib: u64,
    },
}

/// Reading failed; nothing was analysed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be opened or read, or is not a regular file.
    #[error(transparent)]
    File(#[from] FileError),
    /// The read limit is below one byte.
    #[error("the read limit must be at least 1 MiB (--max-input-mib)")]
    NoLimit,
    /// Zero bytes, or only whitespace.
    #[error("the file is empty: {}", .0.display())]
    Empty(PathBuf),
    /// NUL bytes in a file without a UTF-16 BOM.
    #[error("the file looks binary (NUL bytes), not text; convert it to .txt first: {}", .0.display())]
    Binary(PathBuf),
    /// No text could be taken from the PDF.
    #[error("cannot extract text from the PDF {}: {reason}", path.display())]
    Pdf {
        /// Why.
        reason: PdfError,
        /// The file.
        path: PathBuf,
    },
    /// A PDF larger than the read limit (it cannot be cut like text).
    #[error("the PDF {} has {file_mib} MiB, over the read limit of {read_mib} MiB (--max-input-mib)", path.display())]
    PdfTooLarge {
        /// Its size in MiB.
        file_mib: u64,
        /// The limit in MiB.
        read_mib: u64,
        /// The file.
        path: PathBuf,
    },
}

/// Read a document from disk with the default size cap.
pub fn read(path: &Path) -> Result<Document, LoadError> {
    read_with_limit(path, DEFAULT_MAX_BYTES)
}

/// Read a document, reading at most `max_bytes` of it.
pub fn read_with_limit(path: &Path, max_bytes: u64) -> Result<Document, LoadError> {
    if max_bytes == 0 {
        return Err(LoadError::NoLimit);
    }
    let (bytes, file_bytes) = read_prefix(path, max_bytes)?;
    let mut warnings = Vec::new();
    let is_pdf = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) || bytes.starts_with(b"%PDF-");
    let text = if is_pdf {
        if file_bytes > max_bytes {
            return Err(LoadError::PdfTooLarge {
                file_mib: file_bytes >> 20,
                read_mib: max_bytes >> 20,
                path: path.to_owned(),
            });
        }
        let mut text = super::pdf::text(&bytes).map_err(|reason| LoadError::Pdf { reason, path: path.to_owned() })?;
        if text.len() as u64 > max_bytes {
            let mut cut = usize::try_from(max_bytes).unwrap_or(usize::MAX);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            warnings.push(LoadWarning::PdfTextCut { read_mib: max_bytes >> 20 });
        }
        text
    } else {
        if file_bytes > max_bytes {
            warnings.push(LoadWarning::Truncated { file_mib: file_bytes >> 20, read_mib: max_bytes >> 20 });
        }
        decode_text(&bytes, path, &mut warnings)?
    };
    if text.trim().is_empty() {
        return Err(LoadError::Empty(path.to_owned()));
    }
    Ok(Document { text, file_bytes, warnings })
}

/// Whether NUL bytes fall on one side of the byte pairs as in UTF-16 text (mostly ASCII-range
/// characters): `Some(true)` for little-endian, `Some(false)` for big-endian.
fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(64 * 1024) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even_zero, mut odd_zero) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    let mostly = |n: usize| n * 10 >= pairs * 7;
    let rarely = |n: usize| n * 20 <= pairs;
    if mostly(odd_zero) && rarely(even_zero) {
        Some(true)
    } else if mostly(even_zero) && rarely(odd_zero) {
        Some(false)
    } else {
        None
    }
}

/// Decode bytes as the reference would like them: UTF-8 (BOM stripped), UTF-16 by BOM, else lossy.
pub fn decode_text(bytes: &[u8], path: &Path, warnings: &mut Vec<LoadWarning>) -> Result<String, LoadError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok(utf8_or_lossy(rest, warnings));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Ok(utf16(rest, true));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Ok(utf16(rest, false));
    }
    if bytes.iter().take(64 * 1024).any(|&b| b == 0) {
        return match utf16_without_bom(bytes) {
            Some(le) => {
                warnings.push(LoadWarning::Utf16WithoutBom { little_endian: le });
                Ok(utf16(&bytes[..bytes.len() & !1], le))
            }
            None => Err(LoadError::Binary(path.to_owned())),
        };
    }
    Ok(utf8_or_lossy(bytes, warnings))
}

/// UTF-16 in either byte order, unpaired surrogates replaced.
fn utf16(bytes: &[u8], le: bool) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) });
    char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

fn utf8_or_lossy(bytes: &[u8], warnings: &mut Vec<LoadWarning>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(e) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let bad = text.chars().filter(|&c| c == char::REPLACEMENT_CHARACTER).count();
            warnings.push(LoadWarning::NotUtf8 { offset: e.valid_up_to(), replaced: bad });
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (Result<String, LoadError>, Vec<LoadWarning>) {
        let mut w = Vec::new();
        (decode_text(bytes, Path::new("x.txt"), &mut w), w)
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let (text, w) = decode(b"\xEF\xBB\xBFAlice: hi");
        assert_eq!(text.unwrap(), "Alice: hi");
        assert!(w.is_empty());
    }

    #[test]
    fn utf16_both_endians() {
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("Hé".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("Hé".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode(&le).0.unwrap(), "Hé");
        assert_eq!(decode(&be).0.unwrap(), "Hé");
    }

    #[test]
    fn latin1_is_decoded_lossily_with_warning() {
        let (text, w) = decode(b"caf\xE9 ok");
        assert_eq!(text.unwrap(), "caf\u{FFFD} ok");
        assert_eq!(w, [LoadWarning::NotUtf8 { offset: 3, replaced: 1 }]);
    }

    #[test]
    fn nul_bytes_mean_binary_unless_they_pattern_utf16() {
        assert!(matches!(decode(b"ab\0cd").0, Err(LoadError::Binary(_))));
        let le: Vec<u8> = "Ana: hi there\nBen: hello".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let (text, w) = decode(&le);
        assert_eq!(text.unwrap(), "Ana: hi there\nBen: hello");
        assert_eq!(w, [LoadWarning::Utf16WithoutBom { little_endian: true }]);
        let be: Vec<u8> = "Ana: hi there".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be).0.unwrap(), "Ana: hi there");
        let bin: Vec<u8> = (0..4096u32).map(|k| (k * 7 % 256) as u8).collect();
        assert!(matches!(decode(&bin).0, Err(LoadError::Binary(_))));
    }
}
