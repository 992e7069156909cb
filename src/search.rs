//! Search: a static index over explainers, topics and actors, split into small shards so that a
//! query downloads only the few it needs.
//!
//! Layout under `search/index/`:
//! - `meta.json`: the number of documents, how many documents each document shard holds, the
//!   first key of every term shard (for a binary search), the stop words.
//! - `t/<n>.json`: a term shard, `{"t": {stem: [docΔ, score, docΔ, score…]}, "w": {word: stem}}`.
//!   Keys are stems (with postings, doc ids delta-coded, scores 1–255) and surface words whose
//!   stem differs (pointing to it), so the browser needs no stemmer: the Snowball stemming happens
//!   here. Each stem keeps its [`MAX_POSTINGS`] best documents.
//! - `d/<n>.json`: a document shard: title, link, kind, date and summary of [`DOCS_PER_SHARD`]
//!   documents.

use crate::assemble::Site;
use crate::markdown::ParsedBody;
use crate::render::Sink;
use crate::words::words;
use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// The best documents kept per stem: enough for a results page, small enough for any shard.
pub const MAX_POSTINGS: usize = 400;
/// Documents per document shard: the top results of a query touch few, small files.
pub const DOCS_PER_SHARD: usize = 10;
/// A term shard is closed once its JSON reaches about this many bytes.
pub const SHARD_BYTES: usize = 12 * 1024;
/// How much each part of a document counts.
const WEIGHT_TITLE: f32 = 5.0;
const WEIGHT_ENTITIES: f32 = 3.0;
const WEIGHT_SUMMARY: f32 = 2.0;
const WEIGHT_BODY: f32 = 1.0;
/// BM25 parameters.
const K1: f32 = 1.2;
const B: f32 = 0.75;

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
    fn words(&self, mut each: impl FnMut(&str, f32)) {
        match self {
            Field::Text(text) => words(text, |word| each(word, 1.0)),
            Field::Body(body) => body.words.iter().for_each(|(word, count)| each(word, count as f32)),
        }
    }
}

/// One searchable page.
struct Document<'a> {
    kind: &'static str,
    title: String,
    href: String,
    date: String,
    summary: String,
    fields: Vec<(Field<'a>, f32)>,
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
            fields,
        });
    }
    docs
}

/// The terms of one document: (stem id of its analyzer, weighted frequency), and its weighted length.
struct Terms {
    weights: Vec<(u32, f32)>,
    length: f32,
}

/// Stems words into ids, remembering each word (most words repeat across documents). One per
/// rayon job: ids are local to it until [`write_index`] merges the vocabularies.
#[derive(Default)]
struct Vocabulary {
    /// Word → stem id, or [`STOP`] for a stop word.
    words: FxHashMap<String, u32>,
    stems: Vec<String>,
    stem_ids: FxHashMap<String, u32>,
    /// Scratch: weight by stem id for the document being analyzed, and the ids it touched.
    weights: Vec<f32>,
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
            self.weights.push(0.0);
        }
        self.words.insert(word.to_string(), id);
        id
    }

    fn terms(&mut self, doc: &Document<'_>, stemmer: Option<&Stemmer>, stop_words: &[&str]) -> Terms {
        let mut length = 0.0;
        for (field, weight) in &doc.fields {
            field.words(|word, count| {
                let id = self.stem_id(word, stemmer, stop_words);
                if id == STOP {
                    return;
                }
                if self.weights[id as usize] == 0.0 {
                    self.touched.push(id);
                }
                // weights are whole numbers: adding one per occurrence gives the same sums
                self.weights[id as usize] += weight * count;
                length += weight * count;
            });
        }
        let weights = self.touched.drain(..).map(|id| (id, std::mem::take(&mut self.weights[id as usize]))).collect();
        Terms { weights, length }
    }
}

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    docs: usize,
    per_shard: usize,
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
}

#[derive(Serialize, Default)]
struct TermShard {
    t: BTreeMap<String, Vec<u32>>,
    w: BTreeMap<String, String>,
}

/// Builds the index and writes its files through `sink`. Returns how many files it wrote.
pub fn write_index(site: &Site<'_>, sink: &dyn Sink) -> std::io::Result<usize> {
    let docs = documents(site);
    let stemmer = algorithm(&site.config.language).map(Stemmer::create);
    let stop_words: &[&str] = if site.config.language.starts_with("en") { ENGLISH_STOP_WORDS } else { &[] };
    let analyzed = analyze(&docs, stemmer.as_ref(), stop_words);
    let stems = encoded_postings(&analyzed);
    let (shards, firsts) = term_shards(&stems, &analyzed.word_stems);

    let mut files = 0;
    let meta = Meta { version: 1, docs: docs.len(), per_shard: DOCS_PER_SHARD, shards: firsts, stop_words };
    sink.write("search/index/meta.json", json(&meta))?;
    files += 1;
    let shard_files: Vec<(String, Vec<u8>)> =
        shards.par_iter().enumerate().map(|(i, s)| (format!("search/index/t/{i}.json"), json(s))).collect();
    for (path, bytes) in shard_files {
        sink.write(&path, bytes)?;
        files += 1;
    }
    for (i, chunk) in docs.chunks(DOCS_PER_SHARD).enumerate() {
        let entries: Vec<DocEntry<'_>> = chunk
            .iter()
            .map(|d| DocEntry { t: &d.title, u: &d.href, k: d.kind, d: &d.date, s: shorten(&d.summary, 240) })
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

/// Each stem's postings, sorted by stem: its best documents (BM25, scaled to 1–255 against the
/// best score of the index), as pairs of the gap from the previous document and the score.
fn encoded_postings(analyzed: &Analyzed) -> Vec<(&str, Vec<u32>)> {
    let doc_terms = &analyzed.doc_terms;
    let n = doc_terms.len().max(1) as f32;
    let average = (doc_terms.iter().map(|t| t.length).sum::<f32>() / n).max(1.0);
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); analyzed.stem_names.len()];
    for (id, t) in doc_terms.iter().enumerate() {
        for &(stem, tf) in &t.weights {
            let norm = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * t.length / average));
            postings[stem as usize].push((id as u32, norm));
        }
    }
    let idf = |documents: usize| (1.0 + (n - documents as f32 + 0.5) / (documents as f32 + 0.5)).ln();
    let max_score = postings
        .iter()
        .map(|p| {
            let idf = idf(p.len());
            p.iter().map(|x| x.1 * idf).fold(0.0, f32::max)
        })
        .fold(0.0, f32::max)
        .max(f32::MIN_POSITIVE);
    let mut stems: Vec<(&str, Vec<u32>)> = postings
        .into_par_iter()
        .zip(analyzed.stem_names.par_iter())
        .map(|(mut list, stem)| {
            let idf = idf(list.len());
            keep_best(&mut list, MAX_POSTINGS);
            let mut encoded = Vec::with_capacity(list.len() * 2);
            let mut previous = 0;
            for (doc, score) in list {
                encoded.push(doc - previous);
                encoded.push(((score * idf / max_score) * 255.0).round().clamp(1.0, 255.0) as u32);
                previous = doc;
            }
            (stem.as_str(), encoded)
        })
        .collect();
    stems.sort_by(|a, b| a.0.cmp(b.0));
    stems
}

/// The term shards: stems and words in key order, cut at about `SHARD_BYTES`, and the first key
/// of each shard (a key is never split across two shards).
fn term_shards(stems: &[(&str, Vec<u32>)], word_stems: &BTreeMap<String, String>) -> (Vec<TermShard>, Vec<String>) {
    enum Key<'a> {
        Stem(&'a [u32]),
        Word(&'a str),
    }
    let mut keys: Vec<(&str, Key<'_>)> = stems.iter().map(|(s, p)| (*s, Key::Stem(p))).collect();
    keys.extend(word_stems.iter().map(|(w, s)| (w.as_str(), Key::Word(s.as_str()))));
    keys.sort_by(|a, b| a.0.cmp(b.0));
    let mut shards: Vec<TermShard> = Vec::new();
    let mut firsts: Vec<String> = Vec::new();
    let mut size = usize::MAX;
    for (key, value) in keys {
        let cost = key.len()
            + 8
            + match &value {
                Key::Stem(p) => p.len() * 4,
                Key::Word(s) => s.len() + 4,
            };
        if size.saturating_add(cost) > SHARD_BYTES && firsts.last().is_none_or(|f| f != key) {
            shards.push(TermShard::default());
            firsts.push(key.to_string());
            size = 0;
        }
        size += cost;
        let shard = shards.last_mut().expect("a shard is open");
        match value {
            Key::Stem(p) => {
                shard.t.insert(key.to_string(), p.to_vec());
            }
            Key::Word(s) => {
                shard.w.insert(key.to_string(), s.to_string());
            }
        }
    }
    (shards, firsts)
}

/// Keeps the `max` best postings of a stem (highest score; of equal scores, the earlier
/// document), in document order. `postings` come in document order.
fn keep_best(postings: &mut Vec<(u32, f32)>, max: usize) {
    if postings.len() <= max {
        return;
    }
    if let Some(last_kept) = max.checked_sub(1) {
        postings.select_nth_unstable_by(last_kept, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    postings.truncate(max);
    postings.sort_unstable_by_key(|p| p.0);
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

    /// The best postings against sorting them all by score and taking the first: many ties
    /// (scores from a few values), every length around the limit.
    #[test]
    fn keeps_the_best_postings_in_document_order() {
        let mut seed = 11u64;
        for len in 0..60 {
            for max in [0, 1, 5, 20, 59] {
                let postings: Vec<(u32, f32)> = (0..len)
                    .map(|doc| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                        (doc * 3, ((seed >> 60) % 4) as f32 * 0.5)
                    })
                    .collect();
                let mut expected = postings.clone();
                expected.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                expected.truncate(max);
                expected.sort_by_key(|p| p.0);
                let mut kept = postings;
                keep_best(&mut kept, max);
                assert_eq!(kept, expected, "{len} postings, {max} kept");
            }
        }
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
