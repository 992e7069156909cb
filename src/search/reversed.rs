//! The words of the search index by reversed spelling (`r/<n>.json`), for typos in a word's first
//! letters: sorted forwards, "hovernment" sits among the words in "h", far from "government";
//! sorted by its spelling read backwards, it sits next to it. Each file holds the keys of the term
//! shards (stems and words, but no numbers) whose reversed spelling falls in its range, each with how many
//! documents hold its stem, so the browser picks the likeliest correction from this one file and
//! then reads only that word's term shard: at most two small files more than the right spelling.

use super::{Key, SHARD_BYTES, TermShard};

/// A key of the term shards with how many documents hold its stem.
struct Entry<'a> {
    reversed: String,
    word: &'a str,
    df: usize,
}

/// The reversed-spelling files, each `{word: df}` in reversed-spelling order, and the first key of
/// each, reversed (for a binary search), from the keys of the term shards in key order.
pub(super) fn shards(term_shards: &[TermShard<'_>], stems: &[(&str, usize)]) -> (Vec<Vec<u8>>, Vec<String>) {
    let df_of = |stem: &str| stems.binary_search_by(|(s, _)| (*s).cmp(stem)).map_or(0, |i| stems[i].1);
    let mut entries: Vec<Entry<'_>> = Vec::with_capacity(term_shards.iter().map(Vec::len).sum());
    let mut previous = None;
    for (key, value) in term_shards.iter().flatten() {
        // a key that is both a stem and a word is listed once, with its own stem's count (the
        // stem comes first)
        if previous.replace(*key) == Some(*key) {
            continue;
        }
        // a number is no word to correct: a typo in one is another number (and a large site
        // has many, which would cost every query more of meta.json)
        if key.chars().any(char::is_numeric) {
            continue;
        }
        let df = match value {
            Key::Stem(_) => df_of(key),
            Key::Word(stem) => df_of(stem),
        };
        entries.push(Entry { reversed: key.chars().rev().collect(), word: key, df });
    }
    entries.sort_unstable_by(|a, b| a.reversed.cmp(&b.reversed));
    let mut files: Vec<Vec<u8>> = Vec::new();
    let mut firsts: Vec<String> = Vec::new();
    let mut out: Vec<u8> = Vec::new();
    let mut previous = String::new();
    for entry in entries {
        if out.len() + entry.word.len() + 12 > SHARD_BYTES && !out.is_empty() {
            out.push(b'}');
            files.push(std::mem::take(&mut out));
        }
        if out.is_empty() {
            out.push(b'{');
            firsts.push(super::separator(&previous, &entry.reversed).to_string());
        } else {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, entry.word).expect("a string serializes");
        out.push(b':');
        out.extend_from_slice(entry.df.to_string().as_bytes());
        previous = entry.reversed;
    }
    if !out.is_empty() {
        out.push(b'}');
        files.push(out);
    }
    let files = files
        .into_iter()
        .map(|f| {
            let text = String::from_utf8(f).expect("JSON of strings is UTF-8");
            crate::render::jsonld::markup_safe(text).into_bytes()
        })
        .collect();
    (files, firsts)
}
