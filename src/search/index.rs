//! The search index in the parts an edit changes separately: each stem's postings and list, the
//! keys of the term shards in order, the term shards, the words by reversed spelling, the blocks
//! and the document shards. A build from nothing makes every part; `serve`, after an edit,
//! updates the postings of the documents that changed and encodes again only the files whose
//! parts changed. Both write the same bytes (`tests/search_incremental.rs`).

use super::kept::Vocab;
use super::postings::{self, Changed, List, Posting};
use super::{DOCS_PER_SHARD, Key, Meta, SHARD_BYTES, Terms, list_size, reversed, separator, shard_json};
use crate::render::Sink;
use rayon::prelude::*;
use std::sync::{Arc, OnceLock};

/// The bytes of one file of the index, and their hash once `serve` asks for it.
pub struct Blob {
    pub bytes: Vec<u8>,
    hash: OnceLock<u128>,
}

impl Blob {
    pub fn new(bytes: Vec<u8>) -> Arc<Blob> {
        Arc::new(Blob { bytes, hash: OnceLock::new() })
    }

    /// The hash [`file_hash`] gives its bytes.
    fn hash(&self) -> u128 {
        *self.hash.get_or_init(|| file_hash(&self.bytes))
    }
}

/// The hash of a file's bytes that the index gives [`Sink::keep`]: XXH3-128, as the output's
/// manifest has it (`output::manifest::hash`).
pub fn file_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A key of the term shards: a stem, or a word whose stem is another string (by vocabulary id).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum KeyRef {
    Stem(u32),
    Word(u32),
}

impl KeyRef {
    fn name(self, vocab: &Vocab) -> &str {
        match self {
            KeyRef::Stem(s) => &vocab.stems[s as usize],
            KeyRef::Word(w) => &vocab.words[w as usize].0,
        }
    }

    /// The stem whose documents the key finds.
    fn stem(self, vocab: &Vocab) -> u32 {
        match self {
            KeyRef::Stem(s) => s,
            KeyRef::Word(w) => vocab.words[w as usize].1,
        }
    }

    /// Keys sort by spelling, a stem before a word spelled the same.
    fn order(self, vocab: &Vocab) -> (&str, bool) {
        (self.name(vocab), matches!(self, KeyRef::Word(_)))
    }
}

/// A file made of a run of keys (a term shard) or of words by reversed spelling: how many it
/// holds, the first and last of them (a file whose run is the same and whose parts did not
/// change is kept), and its bytes.
#[derive(Clone)]
struct Run {
    len: usize,
    first: KeyRef,
    last: KeyRef,
    blob: Arc<Blob>,
}

/// A key of the term shards in the order of its reversed spelling (numbers left out), with how
/// many documents hold its stem.
#[derive(Clone)]
struct Reversed {
    reversed: String,
    key: KeyRef,
    df: usize,
}

/// The counts of a site's documents that meta.json says, and its stop words.
pub(super) struct Parts {
    pub explainers: usize,
    pub topics: usize,
    pub stop_words: &'static [&'static str],
}

/// What changed in one document, at its position: its terms and words before and after.
pub(super) struct Change<'a> {
    pub doc: u32,
    pub old: (&'a Terms, &'a [u32]),
    pub new: (&'a Terms, &'a [u32]),
}

/// Every part of one index.
pub(super) struct Index {
    docs: usize,
    explainers: usize,
    topics: usize,
    avgdl: f64,
    /// By stem id: the documents holding it, in order.
    postings: Vec<Vec<Posting>>,
    /// By stem id: its list, when a document holds it (blocks numbered in key order).
    lists: Vec<Option<List>>,
    /// By word id: how many documents hold it.
    word_docs: Vec<u32>,
    /// The keys of the term shards, in order.
    keys: Vec<KeyRef>,
    terms: Vec<Run>,
    reversed: Vec<Reversed>,
    reversed_files: Vec<Run>,
    blocks: Vec<Arc<Blob>>,
    /// By stem id: the head file of its list when it is cut into blocks, with the
    /// [`postings::Head`] it was encoded from.
    heads: Vec<Option<(postings::Head, Arc<Blob>)>>,
    /// By document: its entry, as JSON (its document shard's part, and its head files').
    entries: Vec<Vec<u8>>,
    doc_files: Vec<Arc<Blob>>,
    meta: Arc<Blob>,
}

/// The average weighted length of `docs` documents of `total` length, for BM25, to two
/// decimals: enough for BM25, and the same digits on every machine.
fn average(total: u64, docs: usize) -> f64 {
    (total as f64 / docs.max(1) as f64 * 100.0).round() / 100.0
}

/// Which parts of the index are to be encoded again: by stem id and by word id; and the
/// documents whose entries changed (a head file that holds one is encoded again).
struct Dirty {
    stems: Vec<bool>,
    words: Vec<bool>,
    docs: Vec<bool>,
}

impl Dirty {
    fn key(&self, key: KeyRef) -> bool {
        match key {
            KeyRef::Stem(s) => self.stems[s as usize],
            KeyRef::Word(w) => self.words[w as usize],
        }
    }
}

impl Index {
    /// Every part, from the documents' terms (stem ids of `vocab`), how many documents hold each
    /// word of `vocab`, and the entry of each document (its JSON).
    pub fn build(
        vocab: &Vocab,
        doc_terms: &[&Terms],
        word_docs: Vec<u32>,
        parts: &Parts,
        entry: impl Fn(usize) -> Vec<u8> + Sync,
    ) -> Index {
        let total: u64 = doc_terms.iter().map(|t| u64::from(t.length)).sum();
        let avgdl = average(total, doc_terms.len());
        let mut postings: Vec<Vec<Posting>> = vec![Vec::new(); vocab.stems.len()];
        for (doc, t) in doc_terms.iter().enumerate() {
            for &(stem, f) in &t.weights {
                postings[stem as usize].push(Posting { doc: doc as u32, f, length: t.length });
            }
        }
        let explainers = parts.explainers as u32;
        let lists: Vec<Option<List>> =
            postings.par_iter().map(|p| (!p.is_empty()).then(|| postings::list(p, avgdl, explainers))).collect();
        let mut keys: Vec<KeyRef> =
            (0..vocab.stems.len() as u32).filter(|&s| lists[s as usize].is_some()).map(KeyRef::Stem).collect();
        keys.extend((0..vocab.words.len() as u32).filter(|&w| word_docs[w as usize] > 0).map(KeyRef::Word));
        keys.par_sort_unstable_by(|a, b| a.order(vocab).cmp(&b.order(vocab)));
        let doc_count = doc_terms.len();
        let entries: Vec<Vec<u8>> = (0..doc_count).into_par_iter().map(&entry).collect();
        let doc_files =
            (0..doc_count.div_ceil(DOCS_PER_SHARD)).into_par_iter().map(|i| Blob::new(doc_file(&entries, i))).collect();
        let mut index = Index {
            docs: doc_count,
            explainers: parts.explainers,
            topics: parts.topics,
            avgdl,
            postings,
            lists,
            word_docs,
            keys,
            terms: Vec::new(),
            reversed: Vec::new(),
            reversed_files: Vec::new(),
            blocks: Vec::new(),
            heads: Vec::new(),
            entries,
            doc_files,
            meta: Blob::new(Vec::new()),
        };
        index.reversed = index.reversed_entries(vocab);
        let dirty = Dirty {
            stems: vec![true; vocab.stems.len()],
            words: vec![true; vocab.words.len()],
            docs: vec![true; doc_count],
        };
        index.finish(vocab, parts, &dirty);
        index
    }

    /// Updates the parts after `changes` (documents whose analysis changed, at the same positions
    /// of the same documents), `total` being the weighted length of all documents, and encodes
    /// again the entries of the documents changed (`entry` gives one's JSON), their document
    /// shards and every file whose parts changed.
    pub fn update(
        &mut self,
        vocab: &Vocab,
        changes: &[Change<'_>],
        total: u64,
        parts: &Parts,
        entry: impl Fn(usize) -> Vec<u8> + Sync,
    ) {
        self.postings.resize(vocab.stems.len(), Vec::new());
        self.lists.resize_with(vocab.stems.len(), || None);
        self.heads.resize(vocab.stems.len(), None);
        self.word_docs.resize(vocab.words.len(), 0);
        let mut dirty = Dirty {
            stems: vec![false; vocab.stems.len()],
            words: vec![false; vocab.words.len()],
            docs: vec![false; self.docs],
        };
        let (touched, flipped) = self.apply(changes);
        let avgdl = average(total, self.docs);
        let same_avgdl = avgdl == self.avgdl;
        self.avgdl = avgdl;
        let explainers = parts.explainers as u32;
        let mut is_touched = vec![false; vocab.stems.len()];
        touched.iter().for_each(|(s, _)| is_touched[*s as usize] = true);
        // a new average changes what bounds a block's scores, and which documents rank first:
        // every long list's directory and head
        if !same_avgdl {
            let postings = &self.postings;
            let changed: Vec<u32> = (self.lists.par_iter_mut().enumerate())
                .filter(|(stem, _)| !is_touched[*stem])
                .filter_map(|(stem, list)| match list {
                    Some(List::Blocked { directory, ends, head, .. }) => {
                        let (fresh, fresh_ends) = postings::directory(&postings[stem], avgdl, explainers);
                        *ends = fresh_ends;
                        let fresh_head = postings::head(&postings[stem], avgdl, explainers);
                        let changed = fresh != *directory || fresh_head != *head;
                        *directory = fresh;
                        *head = fresh_head;
                        changed.then_some(stem as u32)
                    }
                    _ => None,
                })
                .collect();
            changed.into_iter().for_each(|s| dirty.stems[s as usize] = true);
        }
        // the lists of the stems the documents had or have, their blocks that hold none of the
        // documents kept
        let had: Vec<(u32, bool)> = touched.iter().map(|(s, _)| (*s, self.lists[*s as usize].is_some())).collect();
        let olds: Vec<Option<List>> = touched.iter().map(|(s, _)| self.lists[*s as usize].take()).collect();
        let postings = &self.postings;
        let fresh: Vec<Option<List>> = (olds.into_par_iter().zip(&touched))
            .map(|(old, (s, changed))| {
                let p = &postings[*s as usize];
                match old {
                    _ if p.is_empty() => None,
                    Some(old) => Some(postings::relist(old, p, changed, avgdl, same_avgdl, explainers)),
                    None => Some(postings::list(p, avgdl, explainers)),
                }
            })
            .collect();
        let mut removed: Vec<KeyRef> = Vec::new();
        let mut added: Vec<KeyRef> = Vec::new();
        for ((s, had), list) in had.into_iter().zip(fresh) {
            let slot = &mut self.lists[s as usize];
            match (had, list.is_some()) {
                (true, false) => removed.push(KeyRef::Stem(s)),
                (false, true) => added.push(KeyRef::Stem(s)),
                _ => {}
            }
            *slot = list;
            dirty.stems[s as usize] = true;
        }
        for &w in &flipped {
            let now = self.word_docs[w as usize] > 0;
            // a word's count changes nothing in its shard; its coming or going does
            match (self.keys_hold_word(vocab, w), now) {
                (true, false) => removed.push(KeyRef::Word(w)),
                (false, true) => added.push(KeyRef::Word(w)),
                _ => {}
            }
        }
        for &key in &added {
            match key {
                KeyRef::Stem(s) => dirty.stems[s as usize] = true,
                KeyRef::Word(w) => dirty.words[w as usize] = true,
            }
        }
        self.change_keys(vocab, &removed, &added);
        let mut shards: Vec<usize> = Vec::with_capacity(changes.len());
        for change in changes {
            let doc = change.doc as usize;
            let fresh = entry(doc);
            if fresh != self.entries[doc] {
                self.entries[doc] = fresh;
                dirty.docs[doc] = true;
                shards.push(doc / DOCS_PER_SHARD);
            }
        }
        shards.dedup();
        for i in shards {
            self.doc_files[i] = Blob::new(doc_file(&self.entries, i));
        }
        self.finish(vocab, parts, &dirty);
    }

    /// Takes the documents of `changes` out of the postings and word counts and puts them back
    /// as they are now; returns the stems they touched (in order, each with the documents that
    /// changed its postings), and the words.
    fn apply(&mut self, changes: &[Change<'_>]) -> (Vec<(u32, Vec<Changed>)>, Vec<u32>) {
        // (stem, document, 1 when the document had the stem + 2 when it has it)
        let mut touched: Vec<(u32, u32, u8)> = Vec::new();
        let mut flipped: Vec<u32> = Vec::new();
        for change in changes {
            for &(stem, _) in &change.old.0.weights {
                let list = &mut self.postings[stem as usize];
                if let Ok(i) = list.binary_search_by_key(&change.doc, |p| p.doc) {
                    list.remove(i);
                }
                touched.push((stem, change.doc, 1));
            }
            for &(stem, f) in &change.new.0.weights {
                let posting = Posting { doc: change.doc, f, length: change.new.0.length };
                let list = &mut self.postings[stem as usize];
                match list.binary_search_by_key(&change.doc, |p| p.doc) {
                    Ok(i) => list[i] = posting,
                    Err(i) => list.insert(i, posting),
                }
                touched.push((stem, change.doc, 2));
            }
            for &w in change.old.1 {
                self.word_docs[w as usize] = self.word_docs[w as usize].saturating_sub(1);
                flipped.push(w);
            }
            for &w in change.new.1 {
                self.word_docs[w as usize] += 1;
                flipped.push(w);
            }
        }
        touched.sort_unstable();
        let mut stems: Vec<(u32, Vec<Changed>)> = Vec::new();
        for run in touched.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            let (stem, doc) = (run[0].0, run[0].1);
            let changed = Changed { doc, moved: run.iter().fold(0, |held, t| held | t.2) != 3 };
            match stems.last_mut() {
                Some((last, docs)) if *last == stem => docs.push(changed),
                _ => stems.push((stem, vec![changed])),
            }
        }
        flipped.sort_unstable();
        flipped.dedup();
        (stems, flipped)
    }

    /// Whether the keys hold the word `w` (its spelling is a key, as a word).
    fn keys_hold_word(&self, vocab: &Vocab, w: u32) -> bool {
        let key = KeyRef::Word(w);
        self.keys.binary_search_by(|k| k.order(vocab).cmp(&key.order(vocab))).is_ok()
    }

    /// Takes `removed` out of the keys and puts `added` in, in order; the same for the words by
    /// reversed spelling.
    fn change_keys(&mut self, vocab: &Vocab, removed: &[KeyRef], added: &[KeyRef]) {
        if removed.is_empty() && added.is_empty() {
            return;
        }
        let order = |a: &KeyRef, b: &KeyRef| a.order(vocab).cmp(&b.order(vocab));
        // a few keys one by one; many (a long text pasted in) by sorting again
        if removed.len() + added.len() > 64 {
            let mut gone = removed.to_vec();
            gone.sort_unstable_by(order);
            self.keys.retain(|k| gone.binary_search_by(|g| order(g, k)).is_err());
            self.keys.extend_from_slice(added);
            self.keys.par_sort_unstable_by(order);
            self.reversed = self.reversed_entries(vocab);
            return;
        }
        for key in removed {
            if let Ok(i) = self.keys.binary_search_by(|k| order(k, key)) {
                self.keys.remove(i);
            }
        }
        for key in added {
            if let Err(i) = self.keys.binary_search_by(|k| order(k, key)) {
                self.keys.insert(i, *key);
            }
        }
        // the entries by reversed spelling of the spellings that came or went: the first key of
        // each spelling (a stem before a word)
        let mut names: Vec<&str> = removed.iter().chain(added).map(|k| k.name(vocab)).collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            if name.chars().any(char::is_numeric) {
                continue;
            }
            let reversed: String = name.chars().rev().collect();
            let at = self.reversed.binary_search_by(|e| e.reversed.as_str().cmp(&reversed));
            let first = self.first_key(vocab, name);
            match (at, first) {
                (Ok(i), Some(key)) => self.reversed[i].key = key,
                (Ok(i), None) => {
                    self.reversed.remove(i);
                }
                (Err(i), Some(key)) => self.reversed.insert(i, Reversed { reversed, key, df: usize::MAX }),
                (Err(_), None) => {}
            }
        }
    }

    /// The first key spelled `name`.
    fn first_key(&self, vocab: &Vocab, name: &str) -> Option<KeyRef> {
        let i = self.keys.partition_point(|k| k.name(vocab) < name);
        self.keys.get(i).filter(|k| k.name(vocab) == name).copied()
    }

    /// The entries by reversed spelling of the keys: each spelling once (its first key), numbers
    /// left out.
    fn reversed_entries(&self, vocab: &Vocab) -> Vec<Reversed> {
        let mut entries: Vec<Reversed> = Vec::with_capacity(self.keys.len());
        let mut previous = None;
        for &key in &self.keys {
            let name = key.name(vocab);
            // a key that is both a stem and a word is listed once, with its own stem's count
            if previous.replace(name) == Some(name) {
                continue;
            }
            // a number is no word to correct: a typo in one is another number (and a large site
            // has many, which would cost every query more of meta.json)
            if name.chars().any(char::is_numeric) {
                continue;
            }
            entries.push(Reversed { reversed: name.chars().rev().collect(), key, df: usize::MAX });
        }
        entries.par_sort_unstable_by(|a, b| a.reversed.cmp(&b.reversed));
        entries
    }

    /// Numbers the blocks, cuts and encodes the term shards and the files by reversed spelling
    /// whose parts are `dirty` (or whose run changed), and meta.json.
    fn finish(&mut self, vocab: &Vocab, parts: &Parts, dirty: &Dirty) {
        let mut dirty_stems = dirty.stems.clone();
        // blocks, numbered in key order: a list whose first block moved is written again
        let mut next = 0;
        let mut blocks: Vec<Arc<Blob>> = Vec::with_capacity(self.blocks.len());
        for key in &self.keys {
            if let KeyRef::Stem(s) = *key
                && let Some(List::Blocked { first, blocks: own, .. }) = &mut self.lists[s as usize]
            {
                if *first != next {
                    *first = next;
                    dirty_stems[s as usize] = true;
                }
                next += own.len();
                blocks.extend(own.iter().cloned());
            }
        }
        self.blocks = blocks;
        self.head_files(dirty);
        let dirty = Dirty { stems: dirty_stems, words: dirty.words.clone(), docs: Vec::new() };
        self.terms = self.term_files(vocab, &dirty);
        self.reversed_files = self.reversed_files(vocab);
        let meta = Meta {
            version: 3,
            docs: self.docs,
            explainers: self.explainers,
            topics: self.topics,
            avgdl: self.avgdl,
            per_shard: DOCS_PER_SHARD,
            block: postings::BLOCK,
            shards: separators(&self.terms, |k| k.name(vocab).to_string()),
            reversed: separators(&self.reversed_files, |k| k.name(vocab).chars().rev().collect()),
            stop_words: parts.stop_words,
        };
        let meta = super::json(&meta);
        if meta != self.meta.bytes {
            self.meta = Blob::new(meta);
        }
    }

    /// Encodes the head file of each long list whose head is not the one its file was encoded
    /// from, or holds a document whose entry changed; drops those of the lists that are no
    /// longer long. (A list whose first block moved keeps its file, under another number.)
    fn head_files(&mut self, dirty: &Dirty) {
        self.heads.resize(self.lists.len(), None);
        let (entries, explainers) = (&self.entries, self.explainers as u32);
        (self.heads.par_iter_mut().zip(&self.lists)).for_each(|(file, list)| {
            let Some(List::Blocked { head, .. }) = list else {
                *file = None;
                return;
            };
            let fresh = file.as_ref().is_some_and(|(from, _)| from == head)
                && !head.postings.iter().any(|p| dirty.docs[p.doc as usize]);
            if !fresh {
                let blob = Blob::new(postings::head_file(head, explainers, |doc| &entries[doc as usize]));
                *file = Some((head.clone(), blob));
            }
        });
    }

    /// The term shards: the keys in order, cut at about `SHARD_BYTES` (a key is never split across
    /// two shards, nor a spelling that is both a stem and a word); a shard whose keys are those of
    /// the shard of its number before, none of them dirty, keeps its bytes.
    fn term_files(&self, vocab: &Vocab, dirty: &Dirty) -> Vec<Run> {
        let list = |s: u32| self.lists[s as usize].as_ref().expect("a stem among the keys has postings");
        let stem_of = |w: u32| vocab.stems[vocab.words[w as usize].1 as usize].as_str();
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        let mut size = usize::MAX;
        let mut previous = "";
        for (i, &key) in self.keys.iter().enumerate() {
            let name = key.name(vocab);
            let cost = name.len()
                + 8
                + match key {
                    KeyRef::Stem(s) => list_size(list(s)),
                    KeyRef::Word(w) => stem_of(w).len() + 4,
                };
            if size.saturating_add(cost) > SHARD_BYTES && (ranges.is_empty() || name != previous) {
                ranges.push((i, 0));
                size = 0;
            }
            size += cost;
            previous = name;
            if let Some(range) = ranges.last_mut() {
                range.1 += 1;
            }
        }
        ranges
            .par_iter()
            .enumerate()
            .map(|(n, &(start, len))| {
                let keys = &self.keys[start..start + len];
                let (first, last) = (keys[0], keys[len - 1]);
                match self.terms.get(n) {
                    Some(old)
                        if (old.len, old.first, old.last) == (len, first, last)
                            && !keys.iter().any(|&k| dirty.key(k)) =>
                    {
                        old.clone()
                    }
                    _ => {
                        let shard: Vec<(&str, Key<'_>)> = keys
                            .iter()
                            .map(|&k| match k {
                                KeyRef::Stem(s) => (k.name(vocab), Key::Stem(list(s))),
                                KeyRef::Word(w) => (k.name(vocab), Key::Word(stem_of(w))),
                            })
                            .collect();
                        Run { len, first, last, blob: Blob::new(shard_json(&shard)) }
                    }
                }
            })
            .collect()
    }

    /// The files of words by reversed spelling, each word with how many documents hold its stem;
    /// a file whose entries are those of the file of its number before, none of them with
    /// another count, keeps its bytes.
    fn reversed_files(&mut self, vocab: &Vocab) -> Vec<Run> {
        let postings = &self.postings;
        let changed: Vec<bool> = self
            .reversed
            .iter_mut()
            .map(|e| {
                let df = postings[e.key.stem(vocab) as usize].len();
                std::mem::replace(&mut e.df, df) != df
            })
            .collect();
        let entries = &self.reversed;
        let ranges = reversed::cut(entries.iter().map(|e| (e.key.name(vocab), e.df)));
        ranges
            .par_iter()
            .enumerate()
            .map(|(n, &(start, len))| {
                let run = &entries[start..start + len];
                let (first, last) = (run[0].key, run[len - 1].key);
                match self.reversed_files.get(n) {
                    Some(old)
                        if (old.len, old.first, old.last) == (len, first, last)
                            && !changed[start..start + len].contains(&true) =>
                    {
                        old.clone()
                    }
                    _ => {
                        let bytes = reversed::encode(run.iter().map(|e| (e.key.name(vocab), e.df)));
                        Run { len, first, last, blob: Blob::new(bytes) }
                    }
                }
            })
            .collect()
    }

    /// The files of the index, each by kind and number.
    pub fn files(&self) -> Files {
        Files {
            meta: Arc::clone(&self.meta),
            terms: self.terms.iter().map(|r| Arc::clone(&r.blob)).collect(),
            reversed: self.reversed_files.iter().map(|r| Arc::clone(&r.blob)).collect(),
            blocks: self.blocks.clone(),
            heads: self
                .keys
                .iter()
                .filter_map(|&key| match key {
                    KeyRef::Stem(s) => match (&self.lists[s as usize], &self.heads[s as usize]) {
                        (Some(List::Blocked { first, .. }), Some((_, file))) => Some((*first, Arc::clone(file))),
                        _ => None,
                    },
                    KeyRef::Word(_) => None,
                })
                .collect(),
            titled: self
                .keys
                .iter()
                .filter_map(|&key| match key {
                    KeyRef::Stem(s) => match &self.lists[s as usize] {
                        Some(List::Blocked {
                            first, titled: Some(postings::Titled { file: Some(file), .. }), ..
                        }) => Some((*first, Arc::clone(file))),
                        _ => None,
                    },
                    KeyRef::Word(_) => None,
                })
                .collect(),
            docs: self.doc_files.clone(),
        }
    }

    /// The files alone, the rest dropped (a build from nothing: no file is copied to be written).
    pub fn into_files(self) -> Files {
        self.files()
    }

    pub fn docs(&self) -> usize {
        self.docs
    }

    /// Whether the index counts `parts`'s explainers and topics.
    pub fn counts(&self, parts: &Parts) -> bool {
        (self.explainers, self.topics) == (parts.explainers, parts.topics)
    }

    /// How many keys the term shards hold.
    pub fn keys(&self) -> usize {
        self.keys.len()
    }
}

/// Where each file of `runs` starts, for meta.json: the shortest start of its first key (as
/// `spelling` spells it) that sorts after the last key of the file before.
fn separators(runs: &[Run], spelling: impl Fn(KeyRef) -> String) -> Vec<String> {
    let mut previous = String::new();
    runs.iter()
        .map(|run| {
            let first = spelling(run.first);
            let cut = separator(&previous, &first).to_string();
            previous = spelling(run.last);
            cut
        })
        .collect()
}

/// The files of an index, by kind and number.
pub(super) struct Files {
    meta: Arc<Blob>,
    terms: Vec<Arc<Blob>>,
    reversed: Vec<Arc<Blob>>,
    blocks: Vec<Arc<Blob>>,
    /// The head files, each with its number (its list's first block).
    heads: Vec<(usize, Arc<Blob>)>,
    /// The titled files, each with its number (its list's first block).
    titled: Vec<(usize, Arc<Blob>)>,
    docs: Vec<Arc<Blob>>,
}

impl Files {
    /// How many files are not those of `before` (encoded again, or new).
    pub fn fresh(&self, before: &Files) -> usize {
        let count = |new: &[Arc<Blob>], old: &[Arc<Blob>]| {
            new.iter().enumerate().filter(|&(i, blob)| !old.get(i).is_some_and(|o| Arc::ptr_eq(o, blob))).count()
        };
        // files named by their list's first block
        let numbered = |new: &[(usize, Arc<Blob>)], old: &[(usize, Arc<Blob>)]| {
            new.iter().filter(|(n, blob)| !old.iter().any(|(m, o)| m == n && Arc::ptr_eq(o, blob))).count()
        };
        usize::from(!Arc::ptr_eq(&self.meta, &before.meta))
            + count(&self.terms, &before.terms)
            + count(&self.reversed, &before.reversed)
            + count(&self.blocks, &before.blocks)
            + count(&self.docs, &before.docs)
            + numbered(&self.heads, &before.heads)
            + numbered(&self.titled, &before.titled)
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        1 + self.terms.len()
            + self.reversed.len()
            + self.blocks.len()
            + self.heads.len()
            + self.titled.len()
            + self.docs.len()
    }

    /// Writes every file through `sink`, in the order a build writes them; returns how many.
    /// With `keep`, the sink is asked first to keep each file as it has it (by the hash of its
    /// bytes), and given only those it does not have: `serve`, after an edit.
    pub fn write(self, sink: &dyn Sink, keep: bool) -> std::io::Result<usize> {
        let numbered = |kind: &'static str, files: Vec<Arc<Blob>>| {
            files.into_iter().enumerate().map(move |(i, f)| (format!("search/index/{kind}/{i}.json"), f))
        };
        let each = std::iter::once(("search/index/meta.json".to_string(), self.meta))
            .chain(numbered("t", self.terms))
            .chain(numbered("r", self.reversed))
            .chain(numbered("b", self.blocks))
            .chain(self.heads.into_iter().map(|(n, f)| (format!("search/index/h/{n}.json"), f)))
            .chain(self.titled.into_iter().map(|(n, f)| (format!("search/index/n/{n}.json"), f)))
            .chain(numbered("d", self.docs));
        let mut files = 0;
        for (path, blob) in each {
            if !(keep && sink.keep(&path, blob.hash())) {
                // the bytes are moved when nothing else holds them
                let bytes = Arc::try_unwrap(blob).map_or_else(|shared| shared.bytes.clone(), |own| own.bytes);
                sink.write(&path, bytes)?;
            }
            files += 1;
        }
        Ok(files)
    }
}

/// The JSON of document shard `i`: the entries of its [`DOCS_PER_SHARD`] documents.
fn doc_file(entries: &[Vec<u8>], i: usize) -> Vec<u8> {
    let chunk = &entries[i * DOCS_PER_SHARD..((i + 1) * DOCS_PER_SHARD).min(entries.len())];
    let mut out = Vec::with_capacity(chunk.iter().map(|e| e.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (n, entry) in chunk.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(entry);
    }
    out.push(b']');
    out
}
