//! Search: a static index over explainers, topics and actors, split into small shards so that a
//! query downloads only the few it needs.
//!
//! Layout under `search/index/`:
//! - `meta.json`: the number of documents (and how many of them are explainers, then topics; the
//!   actors come last), their average weighted length, how many documents each document shard
//!   holds, postings per block, the first key of every term shard (for a binary search), the stop
//!   words.
//! - `t/<n>.json`: a term shard, `{"t": {stem: postings}, "w": {word: stem}}`.
//!   Keys are stems with every document holding them (no cap: recall does not depend on one), and
//!   the surface words whose stem differs, pointing to it, so the browser needs no stemmer: the
//!   Snowball stemming happens here. A stem's postings ([`postings`]: about 4 bytes a posting,
//!   where JSON numbers took 12) say, per document holding the stem, its weighted frequency of the
//!   stem and, when the title holds the stem, the number of words of the title (1–31), and the
//!   document's weighted length. The browser computes BM25 from these, `docs` and `avgdl`, so a
//!   score never depends on another document's terms, and scores do not tie on a coarse scale; it
//!   ranks a title that holds the query, the shortest first, above the rest.
//! - `b/<n>.json`: a block of [`BLOCK`] postings of a long list (see [`postings`]): a query reads
//!   the few blocks that can change its first results.
//! - `d/<n>.json`: a document shard: title, link, kind, date, summary and the start of the text
//!   (for snippets around a match) of [`DOCS_PER_SHARD`] documents.

mod postings;

pub use postings::{BLOCK, DIGITS, decode_postings};
use postings::{List, Posting, TITLE_WORDS_MAX};

use crate::assemble::Site;
use crate::markdown::ParsedBody;
use crate::render::Sink;
use crate::words::words;
use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// Documents per document shard: the top results of a query touch few, small files.
pub const DOCS_PER_SHARD: usize = 3;
/// How much of a document's text its document shard keeps for snippets, in characters.
pub const PASSAGE_CHARS: usize = 400;
/// A term shard is closed once its JSON reaches about this many bytes.
pub const SHARD_BYTES: usize = 4 * 1024;
/// How much each part of a document counts.
const WEIGHT_TITLE: u32 = 5;
const WEIGHT_ENTITIES: u32 = 3;
const WEIGHT_SUMMARY: u32 = 2;
const WEIGHT_BODY: u32 = 1;

const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "he", "her",
    "his", "if", "in", "into", "is", "it", "its", "of", "on", "or", "she", "so", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "to", "was", "were", "which", "who", "will", "with",
];

/// The Snowball algorithm for a site language (`en`, `fr-CA`…); `None` leaves words unstemmed.
fn algorithm(language: &str) -> Option<Algorithm> {
    let code = language.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    Some(match code.as_str() {
        "en" => Algorithm::English,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "es" => Algorithm::Spanish,
        "it" => Algorithm::Italian,
        "pt" => Algorithm::Portuguese,
        "nl" => Algorithm::Dutch,
        "sv" => Algorithm::Swedish,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "da" => Algorithm::Danish,
        "fi" => Algorithm::Finnish,
        "ru" => Algorithm::Russian,
        "ro" => Algorithm::Romanian,
        "hu" => Algorithm::Hungarian,
        "tr" => Algorithm::Turkish,
        "ar" => Algorithm::Arabic,
        "el" => Algorithm::Greek,
        "ta" => Algorithm::Tamil,
        _ => return None,
    })
}

/// Text to index: a string, or a Markdown body read straight from its events.
enum Field<'a> {
    Text(String),
    Body(&'a ParsedBody<'a>),
}

impl Field<'_> {
    /// Each word with how often it occurs (a body's words were counted when it was parsed).
    fn words(&self, mut each: impl FnMut(&str, u32)) {
        match self {
            Field::Text(text) => words(text, |word| each(word, 1)),
            Field::Body(body) => body.words.iter().for_each(|(word, count)| each(word, count)),
        }
    }
}

/// One searchable page. Its first field is its title.
struct Document<'a> {
    kind: &'static str,
    title: String,
    href: String,
    date: String,
    summary: String,
    /// The start of its text, where the browser looks for a passage around the query's words.
    passage: String,
    fields: Vec<(Field<'a>, u32)>,
}

/// About [`PASSAGE_CHARS`] characters of a body's text (outside headings and code), its runs
/// joined and its white space collapsed, after `summary` when the text starts with it (the
/// document shard holds the summary already). Byte by byte over a bounded start of the text: it
/// runs for every document of every build.
fn passage(body: &ParsedBody<'_>, summary: &str) -> String {
    let budget = summary.len() + PASSAGE_CHARS * 2;
    let mut text = String::with_capacity(budget + PASSAGE_CHARS);
    for run in body.text_runs.iter().filter(|r| !r.removed && !r.in_image) {
        if text.len() >= budget {
            break;
        }
        push_collapsed(&mut text, &run.text);
    }
    let mut short = String::with_capacity(summary.len());
    push_collapsed(&mut short, summary);
    let rest = match text.strip_prefix(short.trim_end()) {
        Some(rest) if !short.trim_end().is_empty() => rest.trim_start(),
        _ => text.trim_start(),
    };
    if rest.len() <= PASSAGE_CHARS {
        return rest.trim_end().to_string();
    }
    // cut at the last space before the limit (at a character boundary)
    let mut end = PASSAGE_CHARS;
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    let end = rest[..end].rfind(' ').unwrap_or(end);
    rest[..end].to_string()
}

/// Appends a run of text with its white space collapsed, after a space unless `out` is empty or
/// the run starts with punctuation that follows a word (runs end where markup starts or ends:
/// "*Reuters*." is two runs).
fn push_collapsed(out: &mut String, text: &str) {
    let mut words = text.split_ascii_whitespace();
    let Some(first) = words.next() else { return };
    let glued = !text.starts_with(|c: char| c.is_ascii_whitespace())
        && first.starts_with([',', '.', ';', ':', '!', '?', ')', '\u{2019}', '\u{201d}']);
    if !out.is_empty() && !glued {
        out.push(' ');
    }
    out.push_str(first);
    for word in words {
        out.push(' ');
        out.push_str(word);
    }
}

fn documents<'a>(site: &'a Site<'a>) -> Vec<Document<'a>> {
    let mut docs: Vec<Document> = site
        .explainers
        .par_iter()
        .map(|e| {
            let entities: Vec<&str> = e
                .topics
                .iter()
                .map(|&t| site.topics[t].title.as_str())
                .chain(e.actors.iter().map(|&a| site.actors[a].name.as_str()))
                .collect();
            Document {
                kind: "explainer",
                title: e.meta.title.clone(),
                href: site.urls.href(&e.path),
                date: e.meta.date.human(),
                summary: e.summary.clone(),
                passage: passage(&e.body, &e.summary),
                fields: vec![
                    (Field::Text(e.meta.title.clone()), WEIGHT_TITLE),
                    (Field::Text(entities.join(" ")), WEIGHT_ENTITIES),
                    (Field::Text(e.summary.clone()), WEIGHT_SUMMARY),
                    (Field::Body(&e.body), WEIGHT_BODY),
                ],
            }
        })
        .collect();
    for t in &site.topics {
        let mut fields =
            vec![(Field::Text(t.title.clone()), WEIGHT_TITLE), (Field::Text(t.aliases.join(" ")), WEIGHT_ENTITIES)];
        fields.extend(t.summary.clone().map(|s| (Field::Text(s), WEIGHT_SUMMARY)));
        fields.extend(t.profile.as_ref().map(|p| (Field::Body(&p.body), WEIGHT_BODY)));
        docs.push(Document {
            kind: "topic",
            title: t.title.clone(),
            href: site.urls.href(&t.path),
            date: String::new(),
            summary: t.summary.clone().unwrap_or_default(),
            passage: t.profile.as_ref().map(|p| passage(&p.body, "")).unwrap_or_default(),
            fields,
        });
    }
    for a in &site.actors {
        let note = [a.role.as_deref(), a.country.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
        let mut fields = vec![
            (Field::Text(a.name.clone()), WEIGHT_TITLE),
            (Field::Text(a.aliases.join(" ")), WEIGHT_ENTITIES),
            (Field::Text(note.clone()), WEIGHT_SUMMARY),
        ];
        fields.extend(a.profile.as_ref().map(|p| (Field::Body(&p.body), WEIGHT_BODY)));
        docs.push(Document {
            kind: "actor",
            title: a.name.clone(),
            href: site.urls.href(&a.path),
            date: String::new(),
            summary: note,
            passage: a.profile.as_ref().map(|p| passage(&p.body, "")).unwrap_or_default(),
            fields,
        });
    }
    docs
}

/// The terms of one document: (stem id of its analyzer, 32 times the weighted frequency plus the
/// number of words of the title when the title holds the stem), and its weighted length.
/// Weights and counts are whole numbers.
struct Terms {
    weights: Vec<(u32, u32)>,
    length: u32,
}

/// Stems words into ids, remembering each word (most words repeat across documents). One per
/// rayon job: ids are local to it until [`write_index`] merges the vocabularies.
#[derive(Default)]
struct Vocabulary {
    /// Word → stem id, or [`STOP`] for a stop word.
    words: FxHashMap<String, u32>,
    stems: Vec<String>,
    stem_ids: FxHashMap<String, u32>,
    /// Scratch: twice the weight plus the title flag, by stem id, for the document being
    /// analyzed, and the ids it touched.
    weights: Vec<u32>,
    touched: Vec<u32>,
}

/// The id of stop words in a vocabulary.
const STOP: u32 = u32::MAX;

impl Vocabulary {
    /// The id of a word's stem; [`STOP`] for stop words. Only a word seen for the first time is
    /// compared with the stop words and stemmed.
    fn stem_id(&mut self, word: &str, stemmer: Option<&Stemmer>, stop_words: &[&str]) -> u32 {
        if let Some(&id) = self.words.get(word) {
            return id;
        }
        if stop_words.contains(&word) {
            self.words.insert(word.to_string(), STOP);
            return STOP;
        }
        let stem = match stemmer {
            Some(stemmer) => stemmer.stem(word).into_owned(),
            None => word.to_string(),
        };
        let next = self.stems.len() as u32;
        let id = *self.stem_ids.entry(stem.clone()).or_insert(next);
        if id == next {
            self.stems.push(stem);
            self.weights.push(0);
        }
        self.words.insert(word.to_string(), id);
        id
    }

    fn terms(&mut self, doc: &Document<'_>, stemmer: Option<&Stemmer>, stop_words: &[&str]) -> Terms {
        let mut length: u32 = 0;
        let mut title_words: u32 = 0;
        for (i, (field, weight)) in doc.fields.iter().enumerate() {
            let in_title = u32::from(i == 0);
            field.words(|word, count| {
                let id = self.stem_id(word, stemmer, stop_words);
                if id == STOP {
                    return;
                }
                let slot = &mut self.weights[id as usize];
                if *slot == 0 {
                    self.touched.push(id);
                }
                // weights and counts are whole numbers; bit 0 says the title holds the stem
                let add = weight.saturating_mul(count);
                *slot = slot.saturating_add(add.saturating_mul(2)) | in_title;
                length = length.saturating_add(add);
                title_words += in_title * count;
            });
        }
        let title = title_words.clamp(1, TITLE_WORDS_MAX);
        let weights = self
            .touched
            .drain(..)
            .map(|id| {
                let slot = std::mem::take(&mut self.weights[id as usize]);
                (id, (slot >> 1).saturating_mul(TITLE_WORDS_MAX + 1) + if slot & 1 == 1 { title } else { 0 })
            })
            .collect();
        Terms { weights, length }
    }
}

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    docs: usize,
    /// Documents `0..explainers` are explainers, the next `topics` topics, the rest actors.
    explainers: usize,
    topics: usize,
    /// The average weighted length of a document, for BM25.
    avgdl: f64,
    per_shard: usize,
    /// Postings per block of a long list.
    block: usize,
    /// The first key of each term shard, in order.
    shards: Vec<String>,
    stop_words: &'a [&'a str],
}

#[derive(Serialize)]
struct DocEntry<'a> {
    t: &'a str,
    u: &'a str,
    k: &'a str,
    d: &'a str,
    s: String,
    /// The start of the text, for a snippet around the match.
    x: &'a str,
}

/// Builds the index and writes its files through `sink`. Returns how many files it wrote.
pub fn write_index(site: &Site<'_>, sink: &dyn Sink) -> std::io::Result<usize> {
    let docs = documents(site);
    let stemmer = algorithm(&site.config.language).map(Stemmer::create);
    let stop_words: &[&str] = if site.config.language.starts_with("en") { ENGLISH_STOP_WORDS } else { &[] };
    let analyzed = analyze(&docs, stemmer.as_ref(), stop_words);
    let total: u64 = analyzed.doc_terms.iter().map(|t| u64::from(t.length)).sum();
    // two decimals: enough for BM25, and the same digits on every machine
    let avgdl = (total as f64 / docs.len().max(1) as f64 * 100.0).round() / 100.0;
    let (names, postings) = sorted_postings(&analyzed);
    let lists = postings::lists(postings, avgdl, site.explainers.len() as u32);
    let stems: Vec<(&str, &List)> = names.into_iter().zip(&lists).collect();
    let (shards, firsts) = term_shards(&stems, &analyzed.word_stems);

    let mut files = 0;
    let meta = Meta {
        version: 3,
        docs: docs.len(),
        explainers: site.explainers.len(),
        topics: site.topics.len(),
        avgdl,
        per_shard: DOCS_PER_SHARD,
        block: BLOCK,
        shards: firsts,
        stop_words,
    };
    sink.write("search/index/meta.json", json(&meta))?;
    files += 1;
    let shard_files: Vec<(String, Vec<u8>)> =
        shards.par_iter().enumerate().map(|(i, s)| (format!("search/index/t/{i}.json"), shard_json(s))).collect();
    for (path, bytes) in shard_files {
        sink.write(&path, bytes)?;
        files += 1;
    }
    // the blocks of long lists, numbered in key order; each a JSON string of digits
    let blocks = lists.iter().flat_map(|l| match l {
        List::Blocked { blocks, .. } => blocks.as_slice(),
        List::Inline(_) => &[],
    });
    for (i, block) in blocks.enumerate() {
        let mut bytes = Vec::with_capacity(block.len() + 2);
        bytes.push(b'"');
        bytes.extend_from_slice(block);
        bytes.push(b'"');
        sink.write(&format!("search/index/b/{i}.json"), bytes)?;
        files += 1;
    }
    for (i, chunk) in docs.chunks(DOCS_PER_SHARD).enumerate() {
        let entries: Vec<DocEntry<'_>> = chunk
            .iter()
            .map(|d| DocEntry {
                t: &d.title,
                u: &d.href,
                k: d.kind,
                d: &d.date,
                s: shorten(&d.summary, 240),
                x: &d.passage,
            })
            .collect();
        sink.write(&format!("search/index/d/{i}.json"), json(&entries))?;
        files += 1;
    }
    Ok(files)
}

/// The documents' terms over one vocabulary.
struct Analyzed {
    /// Per document, in document order, with stems as ids into `stem_names`.
    doc_terms: Vec<Terms>,
    stem_names: Vec<String>,
    /// Words whose stem is another string: the browser looks a query word up here.
    word_stems: BTreeMap<String, String>,
}

/// Each document's terms, in parallel: each rayon job keeps its own vocabulary, and the
/// vocabularies are then merged into one, with stems renumbered globally.
fn analyze(docs: &[Document<'_>], stemmer: Option<&Stemmer>, stop_words: &[&str]) -> Analyzed {
    type Job = (Vec<(usize, Terms)>, Vocabulary);
    let jobs: Vec<Job> = docs
        .par_iter()
        .enumerate()
        .fold(
            || (Vec::new(), Vocabulary::default()),
            |(mut out, mut vocabulary): Job, (i, doc)| {
                out.push((i, vocabulary.terms(doc, stemmer, stop_words)));
                (out, vocabulary)
            },
        )
        .collect();

    let mut stem_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut stem_names: Vec<String> = Vec::new();
    let mut word_stems: BTreeMap<String, String> = BTreeMap::new();
    let mut slots: Vec<Option<Terms>> = (0..docs.len()).map(|_| None).collect();
    for (out, vocabulary) in jobs {
        let global: Vec<u32> = vocabulary
            .stems
            .iter()
            .map(|stem| {
                let next = stem_names.len() as u32;
                let id = *stem_ids.entry(stem.clone()).or_insert(next);
                if id == next {
                    stem_names.push(stem.clone());
                }
                id
            })
            .collect();
        for (word, id) in vocabulary.words {
            if id == STOP {
                continue;
            }
            let stem = &vocabulary.stems[id as usize];
            if &word != stem {
                word_stems.insert(word, stem.clone());
            }
        }
        for (i, mut terms) in out {
            terms.weights.iter_mut().for_each(|(id, _)| *id = global[*id as usize]);
            slots[i] = Some(terms);
        }
    }
    let doc_terms = slots.into_iter().map(|t| t.expect("every document analyzed")).collect();
    Analyzed { doc_terms, stem_names, word_stems }
}

/// Each stem's postings, in document order, the stems sorted.
fn sorted_postings(analyzed: &Analyzed) -> (Vec<&str>, Vec<Vec<Posting>>) {
    let mut postings: Vec<Vec<Posting>> = vec![Vec::new(); analyzed.stem_names.len()];
    for (doc, t) in analyzed.doc_terms.iter().enumerate() {
        for &(stem, f) in &t.weights {
            postings[stem as usize].push(Posting { doc: doc as u32, f, length: t.length });
        }
    }
    let mut stems: Vec<(&str, Vec<Posting>)> = analyzed.stem_names.iter().map(String::as_str).zip(postings).collect();
    stems.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    stems.into_iter().unzip()
}

/// A key of a term shard: a stem with its postings, or a word with its stem.
enum Key<'a> {
    Stem(&'a List),
    Word(&'a str),
}

/// A term shard: its keys in order.
type TermShard<'a> = Vec<(&'a str, Key<'a>)>;

/// The term shards: stems and words in key order, cut at about `SHARD_BYTES`, and the first key
/// of each shard (a key is never split across two shards). Shards borrow their postings.
fn term_shards<'a>(
    stems: &'a [(&'a str, &'a List)],
    word_stems: &'a BTreeMap<String, String>,
) -> (Vec<TermShard<'a>>, Vec<String>) {
    let mut keys: Vec<(&str, Key<'_>)> = stems.iter().map(|&(s, p)| (s, Key::Stem(p))).collect();
    keys.extend(word_stems.iter().map(|(w, s)| (w.as_str(), Key::Word(s.as_str()))));
    // stable: a key that is both a stem and a word keeps its stem first
    keys.sort_by(|a, b| a.0.cmp(b.0));
    let mut shards: Vec<TermShard<'_>> = Vec::new();
    let mut firsts: Vec<String> = Vec::new();
    let mut size = usize::MAX;
    for (key, value) in keys {
        let cost = key.len()
            + 8
            + match &value {
                Key::Stem(p) => list_size(p),
                Key::Word(s) => s.len() + 4,
            };
        if size.saturating_add(cost) > SHARD_BYTES && firsts.last().is_none_or(|f| f != key) {
            shards.push(Vec::new());
            firsts.push(key.to_string());
            size = 0;
        }
        size += cost;
        shards.last_mut().expect("a shard is open").push((key, value));
    }
    (shards, firsts)
}

/// The JSON of a term shard, `{"t":{stem:[…]},"w":{word:stem}}`, keys in order, written
/// directly: the postings are most of the index's bytes.
fn shard_json(keys: &[(&str, Key<'_>)]) -> Vec<u8> {
    let size: usize = keys
        .iter()
        .map(|(k, v)| {
            k.len()
                + 6
                + match v {
                    Key::Stem(p) => list_size(p),
                    Key::Word(s) => s.len() + 3,
                }
        })
        .sum();
    let mut out: Vec<u8> = Vec::with_capacity(size + 16);
    out.extend_from_slice(b"{\"t\":{");
    let mut first = true;
    for (key, value) in keys {
        if let Key::Stem(postings) = value {
            key_json(&mut out, key, &mut first);
            // the digits need no escape in JSON (nor in markup)
            match postings {
                List::Inline(list) => {
                    out.push(b'"');
                    out.extend_from_slice(list);
                    out.push(b'"');
                }
                List::Blocked { df, first, directory, .. } => {
                    out.push(b'[');
                    out.extend_from_slice(format!("{df},{first},\"").as_bytes());
                    out.extend_from_slice(directory);
                    out.extend_from_slice(b"\"]");
                }
            }
        }
    }
    out.extend_from_slice(b"},\"w\":{");
    first = true;
    for (key, value) in keys {
        if let Key::Word(stem) = value {
            key_json(&mut out, key, &mut first);
            serde_json::to_writer(&mut out, stem).expect("a string serializes");
        }
    }
    out.extend_from_slice(b"}}");
    let out = String::from_utf8(out).expect("JSON of strings is UTF-8");
    crate::render::jsonld::markup_safe(out).into_bytes()
}

/// About the bytes of a stem's list in its term shard.
fn list_size(list: &List) -> usize {
    match list {
        List::Inline(l) => l.len() + 3,
        List::Blocked { directory, .. } => directory.len() + 20,
    }
}

/// `"key":`, after a comma unless it is the first.
fn key_json(out: &mut Vec<u8>, key: &str, first: &mut bool) {
    if !std::mem::take(first) {
        out.push(b',');
    }
    serde_json::to_writer(&mut *out, key).expect("a string serializes");
    out.push(b':');
}

/// JSON with `<`, `>` and `&` escaped, so that no index file can be mistaken for markup.
fn json<T: Serialize>(value: &T) -> Vec<u8> {
    crate::render::jsonld::markup_safe(serde_json::to_string(value).expect("index parts serialize")).into_bytes()
}

/// At most `max` characters, cut at a word, with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_shards_are_the_json_serde_writes() {
        // written by hand for speed: the same bytes as serde's maps, markup escaped
        let postings = [
            List::Inline(b"!#$".to_vec()),
            List::Blocked { df: 300, first: 7, directory: b"~!".to_vec(), blocks: Vec::new() },
            List::Inline(Vec::new()),
        ];
        let keys = vec![
            ("a<b", Key::Stem(&postings[0])),
            ("a<b", Key::Word("a")),
            ("zeta", Key::Stem(&postings[1])),
            ("\"q\"", Key::Stem(&postings[2])),
            ("éa&", Key::Word("é")),
        ];
        let mut t = BTreeMap::new();
        let mut w = BTreeMap::new();
        for (k, v) in &keys {
            match v {
                Key::Stem(List::Inline(p)) => {
                    t.insert(k.to_string(), serde_json::json!(std::str::from_utf8(p).unwrap()))
                }
                Key::Stem(List::Blocked { df, first, directory, .. }) => {
                    t.insert(k.to_string(), serde_json::json!([df, first, std::str::from_utf8(directory).unwrap()]))
                }
                Key::Word(s) => w.insert(k.to_string(), serde_json::json!(s)),
            };
        }
        let mut sorted = keys;
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let expected = json(&serde_json::json!({ "t": t, "w": w }));
        assert_eq!(String::from_utf8(shard_json(&sorted)).unwrap(), String::from_utf8(expected).unwrap());
    }

    #[test]
    fn collapses_white_space_between_and_within_runs() {
        let mut out = String::new();
        for run in ["The  talks ", "ended", "\n early.", "", " Then\t", "more", ". See ", "Reuters", "."] {
            push_collapsed(&mut out, run);
        }
        assert_eq!(out, "The talks ended early. Then more. See Reuters.");
    }

    #[test]
    fn shortens_at_words() {
        assert_eq!(shorten("one two three", 9), "one two…");
        assert_eq!(shorten("short", 9), "short");
    }

    #[test]
    fn languages_map_to_stemmers() {
        assert!(algorithm("en").is_some() && algorithm("pt-BR").is_some());
        assert!(algorithm("zh").is_none());
        let stemmer = Stemmer::create(Algorithm::English);
        assert_eq!(stemmer.stem("tariffs"), "tariff");
        assert_eq!(stemmer.stem("sanctioned"), "sanction");
    }
}
