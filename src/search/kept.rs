//! What `serve` keeps of one build of the search index for the next: each document's analysis
//! (its words stemmed and weighed, its document shard entry), by a hash of everything the
//! analysis reads, over a vocabulary whose ids stay the same between builds, and the parts of the
//! index they made ([`Index`]). After an edit only the edited documents are analysed again, and
//! only the parts of the index they touch are made again; the files are those a build from
//! nothing writes.

use super::index::Index;
use super::{DocEntry, Terms, shorten};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Stems and words by id, ids given in the order they are first seen. Kept between builds, so
/// that a kept analysis's ids mean the same stems; it may hold stems and words no document uses
/// any more (they are left out of the index).
#[derive(Default)]
pub(super) struct Vocab {
    pub stem_ids: FxHashMap<String, u32>,
    pub stems: Vec<String>,
    /// Words whose stem is another string, with the id of their stem.
    pub word_ids: FxHashMap<String, u32>,
    pub words: Vec<(String, u32)>,
}

impl Vocab {
    /// The id of a stem, given one when new.
    pub fn stem(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.stem_ids.get(stem) {
            return id;
        }
        let id = self.stems.len() as u32;
        self.stem_ids.insert(stem.to_string(), id);
        self.stems.push(stem.to_string());
        id
    }

    /// The id of a word whose stem is another string, given one when new.
    pub fn word(&mut self, word: &str, stem: u32) -> u32 {
        if let Some(&id) = self.word_ids.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.word_ids.insert(word.to_string(), id);
        self.words.push((word.to_string(), stem));
        id
    }
}

/// A document's entry in its document shard.
pub(super) struct Entry {
    pub title: String,
    pub href: String,
    pub kind: &'static str,
    pub date: String,
    pub summary: String,
    pub passage: String,
}

impl Entry {
    /// The entry as its document shard writes it.
    pub fn doc_entry(&self) -> DocEntry<'_> {
        DocEntry {
            t: &self.title,
            u: &self.href,
            k: self.kind,
            d: &self.date,
            s: shorten(&self.summary, 240),
            x: &self.passage,
        }
    }
}

/// One document analysed: its entry, its terms (stem ids of the kept [`Vocab`]), and the ids of
/// its words whose stem is another string, each once, in order.
pub(super) struct Analysis {
    pub entry: Entry,
    pub terms: Terms,
    pub words: Vec<u32>,
}

/// The analyses of the documents of the last build, by the hash of their inputs, and the
/// vocabulary they use.
#[derive(Default)]
pub struct SearchCache {
    /// The site's language the analyses were made in (stemmer and stop words).
    pub(super) language: String,
    pub(super) vocab: Vocab,
    pub(super) analyses: FxHashMap<u128, Arc<Analysis>>,
    /// The analyses of the documents of the last index, in order, and its parts.
    pub(super) docs: Vec<Arc<Analysis>>,
    pub(super) index: Option<Index>,
    /// How many documents the last build analysed, for tests.
    pub(super) analysed: usize,
    /// How many files of the index the last build encoded (the others were kept), for tests.
    pub(super) encoded: usize,
}

impl SearchCache {
    pub fn new() -> SearchCache {
        SearchCache::default()
    }

    /// How many documents the last build analysed (the others were kept from the build before).
    pub fn analysed(&self) -> usize {
        self.analysed
    }

    /// How many files of the index the last build encoded: the others are those of the build
    /// before.
    pub fn encoded(&self) -> usize {
        self.encoded
    }

    /// How many analyses are kept for the next build.
    pub fn kept(&self) -> usize {
        self.analyses.len()
    }

    /// Starts again from nothing when the language changed.
    pub(super) fn prepare(&mut self, language: &str) {
        if self.language != language {
            *self = SearchCache { language: language.to_string(), ..SearchCache::default() };
        }
    }

    /// After a build that used `used` of the vocabulary's words and stems: forgets everything
    /// once most of them are left over, so that the vocabulary does not grow without end.
    pub(super) fn trim(&mut self, used: usize) {
        if self.vocab.words.len() + self.vocab.stems.len() > 2 * used + 10_000 {
            let language = std::mem::take(&mut self.language);
            *self = SearchCache { language, analysed: self.analysed, encoded: self.encoded, ..SearchCache::default() };
        }
    }
}
