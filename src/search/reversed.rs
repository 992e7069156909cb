//! The words of the search index by reversed spelling (`r/<n>.json`), for typos in a word's first
//! letters: sorted forwards, "hovernment" sits among the words in "h", far from "government";
//! sorted by its spelling read backwards, it sits next to it. Each file holds the keys of the term
//! shards (stems and words, but no numbers) whose reversed spelling falls in its range, each with how many
//! documents hold its stem, so the browser picks the likeliest correction from this one file and
//! then reads only that word's term shard: at most two small files more than the right spelling.

use super::SHARD_BYTES;

/// Where the files start, as (first entry, entries), for the entries `(word, documents)` in
/// reversed-spelling order: a file is closed once its JSON would pass about `SHARD_BYTES`.
pub(super) fn cut<'a>(entries: impl Iterator<Item = (&'a str, usize)>) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    // the bytes of the open file, 0 when none is open
    let mut size = 0;
    for (i, (word, df)) in entries.enumerate() {
        if size > 0 && size + word.len() + 12 > SHARD_BYTES {
            size = 0;
        }
        if size == 0 {
            ranges.push((i, 0));
            size = 1;
        } else {
            size += 1;
        }
        size += json_len(word) + 1 + digits(df);
        if let Some(range) = ranges.last_mut() {
            range.1 += 1;
        }
    }
    ranges
}

/// One file, `{word: documents}` in the entries' order, markup escaped.
pub(super) fn encode<'a>(entries: impl Iterator<Item = (&'a str, usize)>) -> Vec<u8> {
    let mut out: Vec<u8> = vec![b'{'];
    for (word, df) in entries {
        if out.len() > 1 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, word).expect("a string serializes");
        out.push(b':');
        out.extend_from_slice(df.to_string().as_bytes());
    }
    out.push(b'}');
    let text = String::from_utf8(out).expect("JSON of strings is UTF-8");
    crate::render::jsonld::markup_safe(text).into_bytes()
}

/// The length of a string as serde_json writes it: quoted, with `"`, `\\` and control characters
/// escaped.
fn json_len(text: &str) -> usize {
    2 + text
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\x08' | b'\x0c' | b'\n' | b'\r' | b'\t' => 2,
            0..0x20 => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// The decimal digits of `n`.
fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_those_serde_json_writes() {
        for text in ["tariff", "a\"b\\c", "tab\there\u{1}", "état", ""] {
            assert_eq!(json_len(text), serde_json::to_string(text).unwrap().len(), "{text:?}");
        }
        for n in [0, 9, 10, 99, 100, 12_345] {
            assert_eq!(digits(n), n.to_string().len());
        }
    }

    #[test]
    fn files_are_cut_where_their_json_grows_past_a_shard() {
        let words: Vec<String> = (0..2_000).map(|i| format!("word{i}")).collect();
        let entries = || words.iter().map(|w| (w.as_str(), 7));
        let ranges = cut(entries());
        assert!(ranges.len() > 1);
        let mut next = 0;
        for &(start, len) in &ranges {
            assert_eq!(start, next);
            next += len;
            let bytes = encode(entries().skip(start).take(len));
            assert!(bytes.len() <= SHARD_BYTES, "{}", bytes.len());
        }
        assert_eq!(next, words.len());
    }
}
