//! Read a conversation file into text: UTF-8 (with or without BOM), UTF-16 with BOM, lossy
//! otherwise (with a warning); Markdown as text; PDF through `pdf-extract`.
//!
//! Memory bound: at most `max_bytes` (default 64 MiB) of a file are read; a larger file is cut
//! there with a warning. Decoding holds the bytes and the text (≤ 3× `max_bytes` for UTF-16),
//! and speaker detection adds at most two more copies of the text, so ingestion stays under
//! roughly 6× `max_bytes` (≈ 400 MiB at the default) whatever the file's size.

use std::io::Read as _;
use std::path::{Path, PathBuf};

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
}

/// Reading failed; nothing was analysed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be opened or read.
    #[error("cannot read file: {source}: {}", path.display())]
    Io {
        /// The underlying error.
        source: std::io::Error,
        /// The file.
        path: PathBuf,
    },
    /// Zero bytes, or only whitespace.
    #[error("the file is empty: {}", .0.display())]
    Empty(PathBuf),
    /// NUL bytes in a file without a UTF-16 BOM.
    #[error("the file looks binary (NUL bytes), not text; convert it to .txt first: {}", .0.display())]
    Binary(PathBuf),
    /// The PDF could not be parsed.
    #[error("cannot extract text from PDF ({reason}): {}", path.display())]
    Pdf {
        /// What the extractor said.
        reason: String,
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
    let io_err = |source| LoadError::Io { source, path: path.to_owned() };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let file_bytes = file.metadata().map_err(io_err)?.len();
    let mut bytes = Vec::with_capacity(usize::try_from(file_bytes.min(max_bytes)).unwrap_or(0));
    file.take(max_bytes).read_to_end(&mut bytes).map_err(io_err)?;
    let mut warnings = Vec::new();
    if file_bytes > max_bytes {
        warnings.push(LoadWarning::Truncated { file_mib: file_bytes >> 20, read_mib: max_bytes >> 20 });
    }
    let is_pdf = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) || bytes.starts_with(b"%PDF-");
    let text = if is_pdf {
        if file_bytes > max_bytes {
            return Err(LoadError::Pdf { reason: "file larger than the read limit".into(), path: path.to_owned() });
        }
        pdf_text(&bytes, path)?
    } else {
        decode_text(&bytes, path, &mut warnings)?
    };
    if text.trim().is_empty() {
        return Err(LoadError::Empty(path.to_owned()));
    }
    Ok(Document { text, file_bytes, warnings })
}

/// Decode bytes as the reference would like them: UTF-8 (BOM stripped), UTF-16 by BOM, else lossy.
pub fn decode_text(bytes: &[u8], path: &Path, warnings: &mut Vec<LoadWarning>) -> Result<String, LoadError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok(utf8_or_lossy(rest, warnings));
    }
    let utf16 = |rest: &[u8], le: bool| {
        let units = rest
            .chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) });
        let text: String = char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
        text
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Ok(utf16(rest, true));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Ok(utf16(rest, false));
    }
    if bytes.iter().take(64 * 1024).any(|&b| b == 0) {
        return Err(LoadError::Binary(path.to_owned()));
    }
    Ok(utf8_or_lossy(bytes, warnings))
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

fn pdf_text(bytes: &[u8], path: &Path) -> Result<String, LoadError> {
    // pdf-extract can panic on malformed files; contain it so bad input never aborts the program.
    let result = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    match result {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(e)) => Err(LoadError::Pdf { reason: e.to_string(), path: path.to_owned() }),
        Err(_) => Err(LoadError::Pdf { reason: "the PDF parser failed on this file".into(), path: path.to_owned() }),
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
    fn nul_bytes_mean_binary() {
        assert!(matches!(decode(b"ab\0cd").0, Err(LoadError::Binary(_))));
    }
}
