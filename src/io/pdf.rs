//! PDF text through `pdf-extract`, bounded: before extraction, every stream the extractor may
//! decompress (content streams, fonts, object streams; not images, which it never decodes) is
//! decoded once into a counting sink, and a file whose streams decode to more than
//! [`MAX_DECODED_BYTES`] is refused — a small "zip bomb" PDF cannot take gigabytes. The text
//! extracted is then cut at the caller's bound. Panics of the extractor are contained.

use std::io::Write as _;

/// Most bytes the streams of one PDF may decode to (the extractor's peak memory is about
/// 2.5× what it decompresses; 128 MiB is a 300-page book's text many times over).
pub const MAX_DECODED_BYTES: u64 = 128 << 20;

/// Why a PDF gave no text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// Its streams decode to more than the bound.
    #[error("its streams decode to more than {} MiB (a compression bomb, or a huge document)", MAX_DECODED_BYTES >> 20)]
    TooMuchData,
    /// The extractor failed or panicked.
    #[error("{0}")]
    Extractor(String),
    /// It holds no text (e.g. a scanned document: images only).
    #[error("it contains no extractable text (scanned pages are images; run OCR first)")]
    NoText,
}

/// A sink that takes at most `room` bytes and then fails.
struct Budget {
    room: u64,
    taken: u64,
}

impl std::io::Write for Budget {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.taken += buf.len() as u64;
        if self.taken > self.room {
            return Err(std::io::Error::other("over budget"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How many bytes the streams of `pdf` decode to, stopping (with `TooMuchData`) past `limit`.
pub fn decoded_size(pdf: &[u8], limit: u64) -> Result<u64, PdfError> {
    let mut total = 0u64;
    let finder = memchr::memmem::Finder::new(b"endstream");
    for at in memchr::memmem::find_iter(pdf, b"stream") {
        // `stream` right after a dictionary's `>>`, not the tail of `endstream`.
        if at >= 3 && &pdf[at - 3..at] == b"end" {
            continue;
        }
        let before = pdf[..at].trim_ascii_end();
        if !before.ends_with(b">>") {
            continue;
        }
        let mut start = at + b"stream".len();
        if pdf.get(start) == Some(&b'\r') {
            start += 1;
        }
        if pdf.get(start) != Some(&b'\n') {
            continue;
        }
        start += 1;
        let end = finder.find(&pdf[start..]).map_or(pdf.len(), |e| start + e);
        // The stream's dictionary: back to the object header (at most 64 KiB before).
        let from = at.saturating_sub(64 << 10);
        let header = memchr::memmem::rfind(&pdf[from..at], b" obj").map_or(from, |k| from + k);
        let dict = &pdf[header..at];
        if contains(dict, b"/Image") {
            continue; // images are never decoded by the extractor
        }
        let mut sink = Budget { room: limit - total, taken: 0 };
        let data = &pdf[start..end];
        let decoded = decode(dict, data, &mut sink);
        total += sink.taken.min(sink.room);
        if decoded.is_err() && sink.taken > sink.room {
            return Err(PdfError::TooMuchData);
        }
    }
    Ok(total)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Decode `data` through the filters named in `dict`, in their order, counting the result in
/// `sink`; a filter this check does not model passes its input through (its size counts).
/// Intermediate stages are bounded by the sink's room too.
fn decode(dict: &[u8], data: &[u8], sink: &mut Budget) -> std::io::Result<()> {
    let mut filters: Vec<(usize, Filter)> = [
        (&b"/FlateDecode"[..], Filter::Flate),
        (b"/Fl ", Filter::Flate),
        (b"/LZWDecode", Filter::Lzw),
        (b"/ASCIIHexDecode", Filter::Hex),
        (b"/AHx", Filter::Hex),
    ]
    .iter()
    .filter_map(|&(name, kind)| memchr::memmem::find(dict, name).map(|p| (p, kind)))
    .collect();
    filters.sort_unstable_by_key(|f| f.0);
    if filters.is_empty() {
        return sink.write_all(data);
    }
    let mut bytes = std::borrow::Cow::Borrowed(data);
    for (k, &(_, filter)) in filters.iter().enumerate() {
        let keep = k + 1 < filters.len();
        let mut stage = Budget { room: sink.room.saturating_sub(sink.taken), taken: 0 };
        let mut out = Vec::new();
        let result = {
            let mut tee = Tee { budget: &mut stage, out: &mut out, keep };
            match filter {
                Filter::Flate => inflate(&bytes, &mut tee),
                Filter::Lzw => lzw(&bytes, &mut tee),
                Filter::Hex => tee.write_all(&ascii_hex(&bytes)),
            }
        };
        if !keep {
            sink.taken += stage.taken;
            return result;
        }
        result?;
        bytes = std::borrow::Cow::Owned(out);
    }
    Ok(())
}

/// The filters the check decodes (others pass their input through).
#[derive(Clone, Copy, Debug)]
enum Filter {
    Flate,
    Lzw,
    Hex,
}

/// Writes into a budget, keeping the bytes only when `keep` (an intermediate stage).
struct Tee<'a> {
    budget: &'a mut Budget,
    out: &'a mut Vec<u8>,
    keep: bool,
}

impl std::io::Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.budget.write_all(buf)?;
        if self.keep {
            self.out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn inflate(data: &[u8], out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut decoder = flate2::write::ZlibDecoder::new(out);
    match decoder.write_all(data).and_then(|()| decoder.try_finish()) {
        Err(e) if e.to_string() == "over budget" => Err(e),
        // A corrupt stream decodes as far as it can, as the extractor's own decoder does.
        _ => Ok(()),
    }
}

fn lzw(data: &[u8], out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut decoder = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
    let mut buf = vec![0u8; 1 << 16];
    let mut input = data;
    loop {
        let r = decoder.decode_bytes(input, &mut buf);
        out.write_all(&buf[..r.consumed_out])?;
        input = &input[r.consumed_in..];
        match r.status {
            Ok(weezl::LzwStatus::Ok) if r.consumed_in > 0 || r.consumed_out > 0 => {}
            _ => return Ok(()),
        }
    }
}

fn ascii_hex(data: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> =
        data.iter().take_while(|&&b| b != b'>').filter_map(|&b| (b as char).to_digit(16).map(|d| d as u8)).collect();
    digits.chunks(2).map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0)).collect()
}

/// The text of `pdf`, its streams checked against the bound first.
pub fn text(pdf: &[u8]) -> Result<String, PdfError> {
    decoded_size(pdf, MAX_DECODED_BYTES)?;
    // pdf-extract can panic on malformed files; contain it so bad input never aborts the program.
    let text = match std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(pdf)) {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => return Err(PdfError::Extractor(e.to_string())),
        Err(_) => return Err(PdfError::Extractor("the PDF parser failed on this file".to_owned())),
    };
    if text.trim().is_empty() {
        return Err(PdfError::NoText);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut out = format!("4 0 obj\n<< /Length {} {dict} >>\nstream\n", data.len()).into_bytes();
        out.extend_from_slice(data);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        out
    }

    #[test]
    fn streams_are_counted_decoded_and_a_bomb_is_refused() {
        let small = stream("/Filter /FlateDecode", &zlib(&[b' '; 10_000]));
        assert_eq!(decoded_size(&small, 1 << 20), Ok(10_000));
        let bomb = stream("/Filter /FlateDecode", &zlib(&vec![b' '; 50 << 20]));
        assert!(bomb.len() < 200_000, "{}", bomb.len());
        assert_eq!(decoded_size(&bomb, 16 << 20), Err(PdfError::TooMuchData));
        // Images are not decoded by the extractor and not counted.
        let image = stream("/Subtype /Image /Filter /FlateDecode", &zlib(&vec![0; 50 << 20]));
        assert_eq!(decoded_size(&image, 16 << 20), Ok(0));
        // A chain through ASCIIHex, and a raw stream.
        let hex: String = zlib(b"hello world").iter().map(|b| format!("{b:02x}")).collect::<String>() + ">";
        assert_eq!(decoded_size(&stream("/Filter [/ASCIIHexDecode /FlateDecode]", hex.as_bytes()), 1 << 20), Ok(11));
        // A raw stream counts as it is (with the end-of-line before `endstream`).
        assert_eq!(decoded_size(&stream("", b"BT (x) Tj ET"), 1 << 20), Ok(13));
    }
}
