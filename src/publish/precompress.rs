//! Precompressed copies (`x.html.gz`, `x.html.br`) of the text files of the output.
//!
//! Static hosts and CDNs send them as they are (`gzip_static`, Netlify, Cloudflare, S3 with
//! `Content-Encoding`), instead of compressing every response again. The bytes depend only on the
//! file's bytes: gzip headers carry no time or name, and both encoders are deterministic. A copy
//! is made again only when its file changed: the output's manifest records each copy with a
//! hash of the bytes it was made from ([`stamp_hash`]).

use crate::config::Compression;
use std::io::{self, Write};

/// Files at most this long are not compressed: a response that small fits a packet or two
/// either way, and a host would gain nothing.
pub const MIN_LEN: usize = 1024;

/// gzip level: 9 gives files about 1% smaller than 6 at twice the time (measured on explainer
/// pages); a host sends them for years, but every cold build pays the time.
const GZIP_LEVEL: u32 = 6;
/// Brotli quality: 5 gives files smaller than gzip 9 at a fraction of quality 11's time (11 is
/// over 50 times slower; a 10,000-explainer site would take minutes).
const BROTLI_QUALITY: u32 = 5;
/// The Brotli window (log2 of its bytes): 4 MiB, more than any page.
const BROTLI_WINDOW: u32 = 22;

/// Whether a file at `path` of `len` bytes gets compressed copies: HTML, CSS, JavaScript, XML
/// (feeds, sitemaps), JSON (the search index) and SVG, over [`MIN_LEN`].
pub fn worth(path: &str, len: usize) -> bool {
    const TEXT: &[&str] = &[".html", ".css", ".js", ".xml", ".json", ".svg"];
    len > MIN_LEN && TEXT.iter().any(|ext| path.ends_with(ext))
}

/// The suffix the copy's name gets.
pub fn suffix(kind: Compression) -> &'static str {
    match kind {
        Compression::Gzip => ".gz",
        Compression::Brotli => ".br",
    }
}

/// The hash a copy's manifest entry records: the hash of the bytes it was made from, changed by
/// the kind and its settings, so that a copy is made again when they change.
pub fn stamp_hash(source_hash: u128, kind: Compression) -> u128 {
    let settings: u128 = match kind {
        Compression::Gzip => 0x677a_0000 | u128::from(GZIP_LEVEL),
        Compression::Brotli => 0x6272_0000 | u128::from(BROTLI_QUALITY << 8 | BROTLI_WINDOW),
    };
    source_hash ^ (settings << 64) ^ settings
}

/// The compressed bytes of `bytes`.
pub fn compress(bytes: &[u8], kind: Compression) -> io::Result<Vec<u8>> {
    match kind {
        Compression::Gzip => {
            // no file name and a zero time in the header: the same bytes give the same file
            let mut encoder = flate2::GzBuilder::new()
                .mtime(0)
                .write(Vec::with_capacity(bytes.len() / 3), flate2::Compression::new(GZIP_LEVEL));
            encoder.write_all(bytes)?;
            encoder.finish()
        }
        Compression::Brotli => {
            let mut out = Vec::with_capacity(bytes.len() / 4);
            let params = brotli::enc::BrotliEncoderParams {
                quality: BROTLI_QUALITY as i32,
                lgwin: BROTLI_WINDOW as i32,
                size_hint: bytes.len(),
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn copies_decompress_to_the_file_and_are_the_same_every_time() {
        let page = "<p>The Lima meeting of Biden and Xi.</p>\n".repeat(200);
        for kind in [Compression::Gzip, Compression::Brotli] {
            let once = compress(page.as_bytes(), kind).unwrap();
            assert_eq!(once, compress(page.as_bytes(), kind).unwrap(), "{kind:?} is deterministic");
            assert!(once.len() < page.len() / 10);
            let mut back = Vec::new();
            match kind {
                Compression::Gzip => flate2::read::GzDecoder::new(&once[..]).read_to_end(&mut back).unwrap(),
                Compression::Brotli => brotli::Decompressor::new(&once[..], 4096).read_to_end(&mut back).unwrap(),
            };
            assert_eq!(back, page.as_bytes());
        }
        assert_ne!(stamp_hash(7, Compression::Gzip), stamp_hash(7, Compression::Brotli));
    }

    #[test]
    fn only_text_files_over_a_kilobyte_are_compressed() {
        assert!(worth("articles/x/index.html", 1025));
        assert!(!worth("articles/x/index.html", 1024));
        assert!(worth("search/index/terms-0.json", 5000) && worth("map.svg", 5000) && worth("atom.xml", 5000));
        assert!(!worth("map.png", 50_000) && !worth("robots.txt", 5000) && !worth("_redirects", 5000));
    }
}
