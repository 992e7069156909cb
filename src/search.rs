//! Search: a static index over explainers, topics and actors, split into small shards so that a
//! query downloads only the few it needs.
//!
//! Layout under `search/index/`:
//! - `meta.json`: the number of documents (and how many of them are explainers, then topics; the
//!   actors come last), their average weighted length, how many documents each document shard
//!   holds, postings per block, where every term shard starts (the shortest start of its first
//!   key, for a binary search), the same for the words by reversed spelling, the stop words.
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
//! - `h/<n>.json`: the head of a long list, named by its first block: the [`postings::HEAD`]
//!   postings that rank first for a query of the stem alone, with their documents' entries, and
//!   the best rank of the others. A one-word query of a common word reads its term shard and
//!   this file, and shows its first results: the page fetches both while the reader types.
//! - `n/<n>.json`: the titled postings of a long list, named by its first block: the postings of
//!   every document whose title holds the stem, when there are at most [`postings::TITLED_MAX`]
//!   (the term shard's entry then says how many, as a fourth element). A query of several common
//!   words reads them for each word: it then knows every document whose title holds all the
//!   words, and that no block it has not read holds one, so ten such titles settle its first page.
//! - `r/<n>.json`: the keys of the term shards by reversed spelling, each with how many documents
//!   hold its stem (see [`reversed`]): a typo in a word's first letters sorts next to the word
//!   there. meta.json has the first key of each, reversed.
//! - `d/<n>.json`: a document shard: title, link, kind, date, summary and the start of the text
//!   (for snippets around a match) of [`DOCS_PER_SHARD`] documents.

mod index;
mod kept;
mod postings;
mod reversed;

pub use index::file_hash;
use index::{Change, Index, Parts};
pub use kept::SearchCache;
use kept::{Analysis, Entry, Vocab};

pub use postings::{BLOCK, DIGITS, decode_postings};
use postings::{List, TITLE_WORDS_MAX};

use crate::assemble::Site;
use crate::markdown::ParsedBody;
use crate::render::Sink;
use crate::words::words;
use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::sync::Arc;

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
    /// The text of its body, where the browser looks for a passage around the query's words
    /// ([`passage`], computed once it is needed).
    body: Option<&'a ParsedBody<'a>>,
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
                date: site.config.i18n.date(e.meta.date.day()),
                summary: e.summary.clone(),
                body: Some(&e.body),
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
            body: t.profile.as_ref().map(|p| &*p.body),
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
            body: a.profile.as_ref().map(|p| &*p.body),
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
/// rayon job: ids are local to it until [`analyze`] merges the vocabularies.
#[derive(Default)]
struct Vocabulary {
    /// Word → stem id, or [`STOP`] for a stop word; and the job's number for the word when its
    /// stem is another string ([`SAME`] when it is not).
    words: FxHashMap<String, (u32, u32)>,
    /// How many words have a number.
    differing: usize,
    /// Whether to list each document's numbered words in `doc_words` (for `serve`'s cache).
    keep_words: bool,
    doc_words: Vec<u32>,
    stems: Vec<String>,
    stem_ids: FxHashMap<String, u32>,
    /// Scratch: twice the weight plus the title flag, by stem id, for the document being
    /// analyzed, and the ids it touched.
    weights: Vec<u32>,
    touched: Vec<u32>,
}

/// The id of stop words in a vocabulary.
const STOP: u32 = u32::MAX;
/// The number of a word that is its own stem.
const SAME: u32 = u32::MAX;

impl Vocabulary {
    /// The id of a word's stem; [`STOP`] for stop words. Only a word seen for the first time is
    /// compared with the stop words and stemmed.
    fn stem_id(&mut self, word: &str, stemmer: Option<&Stemmer>, stop_words: &[&str]) -> u32 {
        if let Some(&(id, n)) = self.words.get(word) {
            if self.keep_words && n != SAME {
                self.doc_words.push(n);
            }
            return id;
        }
        if stop_words.contains(&word) {
            self.words.insert(word.to_string(), (STOP, SAME));
            return STOP;
        }
        let stem = match stemmer {
            Some(stemmer) => stemmer.stem(word).into_owned(),
            None => word.to_string(),
        };
        let next = self.stems.len() as u32;
        let id = *self.stem_ids.entry(stem.clone()).or_insert(next);
        let n = if stem == word {
            SAME
        } else {
            self.differing += 1;
            self.differing as u32 - 1
        };
        if id == next {
            self.stems.push(stem);
            self.weights.push(0);
        }
        if self.keep_words && n != SAME {
            self.doc_words.push(n);
        }
        self.words.insert(word.to_string(), (id, n));
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
    /// The first key of each file of words by reversed spelling, reversed, in order.
    reversed: Vec<String>,
    stop_words: &'a [&'a str],
}

#[derive(Serialize)]
pub(super) struct DocEntry<'a> {
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
    let (stemmer, stop_words) = analyzer(&site.config.language);
    let mut vocab = Vocab::default();
    let all: Vec<&Document<'_>> = docs.iter().collect();
    let analyzed = analyze(&all, stemmer.as_ref(), stop_words, &mut vocab, false);
    let passages: Vec<String> = docs.par_iter().map(passage_of).collect();
    let entries: Vec<DocEntry<'_>> = docs.iter().zip(&passages).map(|(d, x)| doc_entry(d, x)).collect();
    let doc_terms: Vec<&Terms> = analyzed.iter().map(|(t, _)| t).collect();
    let parts = Parts { explainers: site.explainers.len(), topics: site.topics.len(), stop_words };
    // every word of a vocabulary made of these documents is in one of them
    let word_docs = vec![1; vocab.words.len()];
    Index::build(&vocab, &doc_terms, word_docs, &parts, |i| json(&entries[i])).into_files().write(sink, false)
}

/// Builds the index as [`write_index`] does, analysing again only the documents whose inputs
/// changed since the build `cache` kept (`serve`, after an edit), and encoding again only the
/// files those documents touch. The files are the same; the sink is asked to keep each file it
/// has ([`Sink::keep`], by the hash of its bytes) and given the others.
pub fn write_index_kept(site: &Site<'_>, sink: &dyn Sink, cache: &mut SearchCache) -> std::io::Result<usize> {
    let docs = documents(site);
    let (stemmer, stop_words) = analyzer(&site.config.language);
    cache.prepare(&site.config.language);
    let mut passages: Vec<String> = docs.par_iter().map(passage_of).collect();
    let keys: Vec<u128> = docs.par_iter().zip(&passages).map(|(d, x)| document_key(d, x)).collect();
    let mut missed: Vec<usize> = (0..docs.len()).filter(|&i| !cache.analyses.contains_key(&keys[i])).collect();
    missed.dedup_by_key(|&mut i| keys[i]);
    let missed_docs: Vec<&Document<'_>> = missed.iter().map(|&i| &docs[i]).collect();
    let fresh = analyze(&missed_docs, stemmer.as_ref(), stop_words, &mut cache.vocab, true);
    cache.analysed = missed.len();
    for (&i, (terms, mut words)) in missed.iter().zip(fresh) {
        let passage = std::mem::take(&mut passages[i]);
        let d = &docs[i];
        let entry = Entry {
            title: d.title.clone(),
            href: d.href.clone(),
            kind: d.kind,
            date: d.date.clone(),
            summary: d.summary.clone(),
            passage,
        };
        // each word once: the index counts the documents holding a word
        words.sort_unstable();
        words.dedup();
        cache.analyses.insert(keys[i], Arc::new(Analysis { entry, terms, words }));
    }
    // the analyses of this build, in document order
    let kept: Vec<Arc<Analysis>> = keys.iter().map(|k| Arc::clone(&cache.analyses[k])).collect();
    let parts = Parts { explainers: site.explainers.len(), topics: site.topics.len(), stop_words };
    let entry = |i: usize| json(&kept[i].entry.doc_entry());
    let previous = std::mem::take(&mut cache.docs);
    let before = cache.index.as_ref().map(Index::files);
    match cache.index.as_mut() {
        // the same documents, some of them changed: their parts of the index
        Some(index) if previous.len() == kept.len() && index.docs() == kept.len() && index.counts(&parts) => {
            let changed: Vec<usize> = (0..kept.len()).filter(|&i| !Arc::ptr_eq(&previous[i], &kept[i])).collect();
            let changes: Vec<Change<'_>> = changed
                .iter()
                .map(|&i| Change {
                    doc: i as u32,
                    old: (&previous[i].terms, &previous[i].words),
                    new: (&kept[i].terms, &kept[i].words),
                })
                .collect();
            let total = kept.iter().map(|a| u64::from(a.terms.length)).sum();
            index.update(&cache.vocab, &changes, total, &parts, entry);
        }
        // other documents, or another order: every part again
        _ => {
            let mut word_docs = vec![0u32; cache.vocab.words.len()];
            kept.iter().flat_map(|a| &a.words).for_each(|&w| word_docs[w as usize] += 1);
            let doc_terms: Vec<&Terms> = kept.iter().map(|a| &a.terms).collect();
            cache.index = Some(Index::build(&cache.vocab, &doc_terms, word_docs, &parts, entry));
        }
    }
    drop(previous);
    cache.docs = kept;
    // the analyses of other documents are dropped
    cache.analyses.retain(|_, a| Arc::strong_count(a) > 1);
    let Some(index) = cache.index.as_ref() else { return Ok(0) };
    let files = index.files();
    cache.encoded = before.map_or(files.len(), |before| files.fresh(&before));
    let written = files.write(sink, true);
    let used = index.keys();
    cache.trim(used);
    written
}

/// The stemmer and stop words of a site language.
fn analyzer(language: &str) -> (Option<Stemmer>, &'static [&'static str]) {
    let stop_words: &[&str] = if language.starts_with("en") { ENGLISH_STOP_WORDS } else { &[] };
    (algorithm(language).map(Stemmer::create), stop_words)
}

/// The passage of a document's entry: an explainer's leaves out its summary.
fn passage_of(doc: &Document<'_>) -> String {
    let summary = if doc.kind == "explainer" { doc.summary.as_str() } else { "" };
    doc.body.map(|body| passage(body, summary)).unwrap_or_default()
}

fn doc_entry<'a>(d: &'a Document<'_>, passage: &'a str) -> DocEntry<'a> {
    DocEntry { t: &d.title, u: &d.href, k: d.kind, d: &d.date, s: shorten(&d.summary, 240), x: passage }
}

/// A hash of everything a document's analysis and entry read: its texts, its body's words (with
/// their counts) and its `passage`. Each body in a few large writes: `serve` hashes every
/// document after each edit.
fn document_key(doc: &Document<'_>, passage: &str) -> u128 {
    use std::hash::Hasher;
    /// A string with its length, so that two fields never read as one.
    fn text(h: &mut xxhash_rust::xxh3::Xxh3Default, s: &str) {
        h.write_usize(s.len());
        h.write(s.as_bytes());
    }
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    for s in [doc.kind, &doc.title, &doc.href, &doc.date, &doc.summary, passage] {
        text(&mut h, s);
    }
    for (field, weight) in &doc.fields {
        h.write_u32(*weight);
        match field {
            Field::Text(s) => text(&mut h, s),
            Field::Body(body) => {
                let (words, entries) = body.words.raw();
                text(&mut h, words);
                h.write_usize(entries.len());
                // the ends and counts, 64 at a time
                let mut chunk = [0u8; 512];
                for part in entries.chunks(64) {
                    for (slot, &(end, count)) in chunk.chunks_exact_mut(8).zip(part) {
                        slot[..4].copy_from_slice(&end.to_le_bytes());
                        slot[4..].copy_from_slice(&count.to_le_bytes());
                    }
                    h.write(&chunk[..part.len() * 8]);
                }
            }
        }
    }
    h.digest128()
}

/// Each document's terms, in parallel, with stem ids of `vocab` (which gets the stems and words
/// it did not have), and, when `keep_words`, the ids of its words whose stem is another string.
/// Each rayon job keeps its own vocabulary, merged into `vocab` at the end.
fn analyze(
    docs: &[&Document<'_>],
    stemmer: Option<&Stemmer>,
    stop_words: &[&str],
    vocab: &mut Vocab,
    keep_words: bool,
) -> Vec<(Terms, Vec<u32>)> {
    type Job = (Vec<(usize, Terms, Vec<u32>)>, Vocabulary);
    let jobs: Vec<Job> = docs
        .par_iter()
        .enumerate()
        .fold(
            || (Vec::new(), Vocabulary { keep_words, ..Vocabulary::default() }),
            |(mut out, mut vocabulary): Job, (i, doc)| {
                let terms = vocabulary.terms(doc, stemmer, stop_words);
                out.push((i, terms, std::mem::take(&mut vocabulary.doc_words)));
                (out, vocabulary)
            },
        )
        .collect();

    let mut slots: Vec<Option<(Terms, Vec<u32>)>> = (0..docs.len()).map(|_| None).collect();
    for (out, vocabulary) in jobs {
        let global: Vec<u32> = vocabulary.stems.iter().map(|stem| vocab.stem(stem)).collect();
        // the job's words whose stem is another string, by the job's number for them
        let mut words: Vec<u32> = vec![0; vocabulary.differing];
        for (word, (id, n)) in vocabulary.words {
            if id == STOP || n == SAME {
                continue;
            }
            words[n as usize] = vocab.word(&word, global[id as usize]);
        }
        for (i, mut terms, mut doc_words) in out {
            terms.weights.iter_mut().for_each(|(id, _)| *id = global[*id as usize]);
            doc_words.iter_mut().for_each(|n| *n = words[*n as usize]);
            slots[i] = Some((terms, doc_words));
        }
    }
    slots.into_iter().map(|t| t.expect("every document analyzed")).collect()
}

/// A key of a term shard: a stem with its postings, or a word with its stem.
enum Key<'a> {
    Stem(&'a List),
    Word(&'a str),
}

/// The shortest start of `key` (at least one character) that sorts after `previous`: where a
/// shard starts, in meta.json, which every query reads. Every key before it sorts before it, and
/// a shard's keys that start with a prefix longer than it make it start with that prefix too.
fn separator<'k>(previous: &str, key: &'k str) -> &'k str {
    let mut ends = key.char_indices().map(|(i, c)| i + c.len_utf8());
    ends.find(|&end| &key[..end] > previous).map_or(key, |end| &key[..end])
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
                List::Blocked { df, first, directory, titled, .. } => {
                    out.push(b'[');
                    out.extend_from_slice(format!("{df},{first},\"").as_bytes());
                    out.extend_from_slice(directory);
                    out.push(b'"');
                    // how many titles hold the stem, when its titled file holds them all
                    if let Some(titled) = titled {
                        out.extend_from_slice(format!(",{}", titled.count).as_bytes());
                    }
                    out.push(b']');
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
        List::Blocked { directory, .. } => directory.len() + 26,
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
    use std::collections::BTreeMap;

    #[test]
    fn term_shards_are_the_json_serde_writes() {
        // written by hand for speed: the same bytes as serde's maps, markup escaped
        let postings = [
            List::Inline(b"!#$".to_vec()),
            List::Blocked {
                df: 300,
                first: 7,
                directory: b"~!".to_vec(),
                ends: vec![2],
                blocks: Vec::new(),
                head: postings::Head { postings: Vec::new(), cap: postings::Posting { doc: 0, f: 0, length: 0 } },
                titled: None,
            },
            List::Blocked {
                df: 900,
                first: 9,
                directory: b"~#".to_vec(),
                ends: vec![2],
                blocks: Vec::new(),
                head: postings::Head { postings: Vec::new(), cap: postings::Posting { doc: 0, f: 0, length: 0 } },
                titled: Some(postings::Titled { count: 12, file: None }),
            },
            List::Inline(Vec::new()),
        ];
        let keys = vec![
            ("a<b", Key::Stem(&postings[0])),
            ("a<b", Key::Word("a")),
            ("zeta", Key::Stem(&postings[1])),
            ("zetas", Key::Stem(&postings[2])),
            ("\"q\"", Key::Stem(&postings[3])),
            ("éa&", Key::Word("é")),
        ];
        let mut t = BTreeMap::new();
        let mut w = BTreeMap::new();
        for (k, v) in &keys {
            match v {
                Key::Stem(List::Inline(p)) => {
                    t.insert(k.to_string(), serde_json::json!(std::str::from_utf8(p).unwrap()))
                }
                Key::Stem(List::Blocked { df, first, directory, titled, .. }) => {
                    let directory = std::str::from_utf8(directory).unwrap();
                    t.insert(
                        k.to_string(),
                        match titled {
                            Some(titled) => serde_json::json!([df, first, directory, titled.count]),
                            None => serde_json::json!([df, first, directory]),
                        },
                    )
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
    fn shards_start_at_the_shortest_start_of_their_first_key() {
        assert_eq!(separator("governance", "government"), "governm");
        assert_eq!(separator("apple", "banana"), "b");
        // a key that starts with the one before needs all of it and a character more
        assert_eq!(separator("govern", "governs"), "governs");
        assert_eq!(separator("", "éa"), "é");
        assert_eq!(separator("a", "a"), "a");
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
