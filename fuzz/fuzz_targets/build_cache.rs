//! The build cache's reader: any bytes, as the file `.dossier-cache/build.bin`, through `decode`;
//! and the same bytes as the contents of a file with a valid header (its length and hash right),
//! so that the fuzzer gets past the hash to the decoder of the contents. Neither panics, and a
//! cache it accepts reads back the same once written again.
#![no_main]

use dossier::build_cache;
use libfuzzer_sys::fuzz_target;

/// The version the fuzzed files claim to be written by.
const VERSION: &str = "dossier fuzz";

fn check(bytes: &[u8]) {
    if let Ok(stored) = build_cache::decode_as(bytes, VERSION) {
        let again = build_cache::decode_as(&build_cache::encode(&stored), VERSION).expect("a cache written is read");
        assert_eq!(again, stored, "a cache read back is the cache written");
    }
}

fuzz_target!(|data: &[u8]| {
    check(data);
    check(&build_cache::with_header(VERSION, data));
});
