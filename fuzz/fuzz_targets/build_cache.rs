//! The build cache's readers: any bytes, as the files `.dossier-cache/build.bin` and
//! `.dossier-cache/parse.bin`, through their decoders; and the same bytes as the contents of a
//! file with a valid header (its length and hash right), so that the fuzzer gets past the hash to
//! the decoders of the contents; and as one entry of the parse cache, read back against a file.
//! None panics, and a page cache it accepts reads back the same once written again.
#![no_main]

use dossier::build_cache::{self, parses};
use dossier::load::ContentFile;
use libfuzzer_sys::fuzz_target;

/// The version the fuzzed files claim to be written by.
const VERSION: &str = "dossier fuzz";

fn check(bytes: &[u8]) {
    if let Ok(stored) = build_cache::decode_as(bytes, VERSION) {
        let again = build_cache::decode_as(&build_cache::encode(&stored), VERSION).expect("a cache written is read");
        assert_eq!(again, stored, "a cache read back is the cache written");
    }
    if let Ok(previous) = parses::decode_as(bytes.to_vec(), VERSION) {
        let entries: Vec<(&str, u64, Vec<u8>)> = previous.entries().into_iter().map(|(p, v, b)| (p, v, b.to_vec())).collect();
        let again = parses::decode_as(parses::encode_as(VERSION, previous.key(), &entries), VERSION)
            .expect("a parse cache written is read");
        assert_eq!(again.entries(), previous.entries(), "a parse cache read back is the one written");
    }
}

fuzz_target!(|data: &[u8]| {
    check(data);
    check(&build_cache::with_header(VERSION, data));
    // the contents of a parse cache with one entry of these bytes, and the entry itself, read
    // against a file whose text the entry may borrow from
    let file = ContentFile {
        path: "content/articles/x.md".into(),
        rel: "articles/x.md".into(),
        text: "---\ntitle: X\ndate: 2025-01-01\n---\n\nSome [text](y.md).\n".into(),
        control_character: None,
    };
    check(&parses::encode_as(VERSION, 1, &[("articles/x.md", 1, data.to_vec())]));
    if let Ok((Some(parsed), _)) = parses::decode_file(&file, data) {
        // what rendering takes for granted holds of whatever was accepted
        let _ = format!("{parsed:?}");
    }
});
