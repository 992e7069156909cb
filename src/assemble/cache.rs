//! What `serve` keeps from one assembly to the next, and `build` from one run to the next (in
//! its build cache, as [`Derived`]), and how it is looked up and kept: each derived value with a
//! hash of everything it was derived from.

use super::annotate::{Annotated, Annotation, AnnotationKind, Quote};
use super::{ActorId, ExplainerId};
use crate::load::ContentFile;
use crate::markdown::ParsedBody;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// What `serve` keeps from one assembly to the next: the costly derived data, keyed by
/// everything it depends on, so that a rebuild after one edit recomputes only what the edit
/// touched. A build from scratch passes none.
#[derive(Default)]
pub struct AssembleCache<'s> {
    /// By body (its address): (the body, kept alive so that the address is not reused; a hash
    /// of the annotator and of the body's resolved links; the result).
    annotations: HashMap<usize, (Arc<ParsedBody<'s>>, u64, Annotated)>,
    /// The related explainers of every explainer.
    related: Memo<Vec<Vec<ExplainerId>>>,
    /// The co-actors of every actor.
    co_actors: Memo<CoActors>,
    /// `build`'s: annotations by content file, from its build cache and for it. `build` parses
    /// (or decodes) every body again at each run, so bodies have new addresses: annotations are
    /// found by file and its version instead.
    by_file: Option<ByFile>,
}

/// Annotations kept by content file, for `build`.
struct ByFile {
    /// The version of each content file of this run (a hash of its path and bytes), by address.
    versions: FxHashMap<usize, u64>,
    /// What the parse of a body depends on besides its file (`build_cache::parses::key`): mixed
    /// into every key, so that an annotation is not taken for a body parsed otherwise.
    salt: u64,
    /// The last build's, by file.
    kept: FxHashMap<String, AnnotatedRecord>,
    /// This assembly's, in the order of the explainers.
    now: Vec<AnnotatedRecord>,
}

/// The derived data `build` keeps in its build cache: the annotations of every explainer, and
/// the related explainers and co-actors of the site, each with the hash of what it was derived
/// from. Read back from a file, so checked before it is used ([`AnnotatedRecord::annotated`],
/// [`related_hold`], [`co_actors_hold`]): a value that does not is derived again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derived {
    pub annotations: Vec<AnnotatedRecord>,
    pub related: Option<(u64, Vec<Vec<ExplainerId>>)>,
    pub co_actors: Option<(u64, CoActors)>,
}

/// The annotations of one explainer as the build cache keeps them: its file (relative to
/// content/), the file's version, the key they were made under (annotator, links and parse),
/// and [`Annotated`] in plain numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotatedRecord {
    pub file: String,
    pub version: u64,
    pub key: u64,
    /// (start event, start byte, end event, end byte, kind: 0 a mention of actor `id`, 1 the
    /// glossary term `id`, id).
    annotations: Vec<(usize, usize, usize, usize, u8, usize)>,
    mentioned: Vec<ActorId>,
    terms: Vec<usize>,
    /// (block, actor).
    quotes: Vec<(usize, ActorId)>,
}

impl AnnotatedRecord {
    fn of(file: &str, version: u64, key: u64, a: &Annotated) -> AnnotatedRecord {
        let annotations = a
            .annotations
            .iter()
            .map(|n| {
                let (kind, id) = match n.kind {
                    AnnotationKind::Mention(actor) => (0, actor),
                    AnnotationKind::Term(term) => (1, term),
                };
                (n.start.0, n.start.1, n.end.0, n.end.1, kind, id)
            })
            .collect();
        AnnotatedRecord {
            file: file.to_string(),
            version,
            key,
            annotations,
            mentioned: a.mentioned.clone(),
            terms: a.terms.clone(),
            quotes: a.quotes.iter().map(|q| (q.block, q.actor)).collect(),
        }
    }

    /// The annotations, when they hold for `body` with `actors` actors and `terms` glossary
    /// terms: every id in range, annotations in order, each starting and ending inside a run of
    /// text at a character boundary, and quotes of blocks the body has. Rendering trusts all of
    /// that; a record that was tampered with fails here instead.
    fn annotated(&self, body: &ParsedBody<'_>, actors: usize, terms: usize) -> Option<Annotated> {
        let mut annotations = Vec::with_capacity(self.annotations.len());
        for &(se, sb, ee, eb, kind, id) in &self.annotations {
            let kind = match kind {
                0 if id < actors => AnnotationKind::Mention(id),
                1 if id < terms => AnnotationKind::Term(id),
                _ => return None,
            };
            if !(at_boundary(body, se, sb) && at_boundary(body, ee, eb)) {
                return None;
            }
            annotations.push(Annotation { start: (se, sb), end: (ee, eb), kind });
        }
        let sorted = annotations.windows(2).all(|w| w[0] <= w[1]);
        let in_range = |ids: &[usize], n: usize| ids.iter().all(|&id| id < n);
        let quotes_hold = self.quotes.iter().all(|&(block, actor)| block < body.quotes.len() && actor < actors);
        (sorted && in_range(&self.mentioned, actors) && in_range(&self.terms, terms) && quotes_hold).then(|| {
            Annotated {
                annotations: annotations.into(),
                mentioned: self.mentioned.clone(),
                terms: self.terms.clone(),
                quotes: self.quotes.iter().map(|&(block, actor)| Quote { block, actor }).collect(),
            }
        })
    }
}

/// Whether (`event`, `byte`) is a place in the text of one of `body`'s runs, at a character
/// boundary (or past its end, which rendering takes as the end).
fn at_boundary(body: &ParsedBody<'_>, event: usize, byte: usize) -> bool {
    let runs = &body.text_runs;
    let after = runs.partition_point(|r| r.first_event <= event);
    let Some(run) = after.checked_sub(1).map(|i| &runs[i]) else { return false };
    let piece = event - run.first_event;
    if piece >= run.event_count() {
        return false;
    }
    let text = run.piece(piece);
    byte >= text.len() || text.is_char_boundary(byte)
}

/// Whether related lists read back hold for `explainers` explainers: one list each, every id one
/// of them.
fn related_hold(related: &[Vec<ExplainerId>], explainers: usize) -> bool {
    related.len() == explainers && related.iter().flatten().all(|&id| id < explainers)
}

/// Whether co-actors read back hold for `actors` actors.
fn co_actors_hold(co_actors: &CoActors, actors: usize) -> bool {
    co_actors.len() == actors && co_actors.iter().flatten().all(|&(id, _)| id < actors)
}

/// For each actor: (actor seen with it, explainers shared).
pub type CoActors = Vec<Vec<(ActorId, usize)>>;

/// One value and the hash of what it was derived from.
struct Memo<T>(Option<(u64, T)>);

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo(None)
    }
}

impl<T: Clone> Memo<T> {
    fn get(&self, key: u64) -> Option<T> {
        self.0.as_ref().filter(|(k, _)| *k == key).map(|(_, value)| value.clone())
    }

    fn keep(&mut self, key: u64, value: &T) {
        if self.0.as_ref().is_none_or(|(k, _)| *k != key) {
            self.0 = Some((key, value.clone()));
        }
    }
}

impl<'s> AssembleCache<'s> {
    /// `build`'s cache: what its build cache kept of the last build (`derived`), with the version
    /// of each content file of this run by address (`versions`), and the key of this run's
    /// parse (`salt`).
    pub fn from_derived(derived: Derived, versions: FxHashMap<usize, u64>, salt: u64) -> AssembleCache<'s> {
        let kept = derived.annotations.into_iter().map(|r| (r.file.clone(), r)).collect();
        AssembleCache {
            annotations: HashMap::new(),
            related: Memo(derived.related),
            co_actors: Memo(derived.co_actors),
            by_file: Some(ByFile { versions, salt, kept, now: Vec::new() }),
        }
    }

    /// What `build` records of this assembly (after [`AssembleCache::from_derived`]).
    pub fn into_derived(self) -> Derived {
        Derived {
            annotations: self.by_file.map(|b| b.now).unwrap_or_default(),
            related: self.related.0,
            co_actors: self.co_actors.0,
        }
    }

    /// The annotations of `body` (of `file`) from the last assembly, if its key (annotator and
    /// links) is the same; for `build`, also its file's version, and only when they hold for the
    /// body with `actors` actors and `terms` terms.
    pub(super) fn annotations_of(
        &self,
        body: &Arc<ParsedBody<'s>>,
        file: &ContentFile,
        key: u64,
        (actors, terms): (usize, usize),
    ) -> Option<Annotated> {
        if let Some(by_file) = &self.by_file {
            let version = by_file.versions.get(&file_address(file))?;
            let record = by_file.kept.get(&file.rel)?;
            let key = hash_of(&(key, by_file.salt));
            return (record.version == *version && record.key == key)
                .then(|| record.annotated(body, actors, terms))
                .flatten();
        }
        let (_, kept_key, annotated) = self.annotations.get(&body_address(body))?;
        (*kept_key == key).then(|| annotated.clone())
    }

    /// Keeps the annotations of this assembly's bodies (only those: the others are gone).
    pub(super) fn keep_annotations<'a>(
        &mut self,
        annotated: impl Iterator<Item = (&'a Arc<ParsedBody<'s>>, &'a ContentFile, u64, &'a Annotated)>,
    ) where
        's: 'a,
    {
        if let Some(by_file) = &mut self.by_file {
            by_file.now = annotated
                .map(|(_, file, key, a)| {
                    let version = by_file.versions.get(&file_address(file)).copied().unwrap_or(u64::MAX);
                    AnnotatedRecord::of(&file.rel, version, hash_of(&(key, by_file.salt)), a)
                })
                .collect();
            return;
        }
        self.annotations =
            annotated.map(|(body, _, key, a)| (body_address(body), (Arc::clone(body), key, a.clone()))).collect();
    }

    /// The related explainers of `explainers` explainers, kept under `key`.
    pub(super) fn related(&self, key: u64, explainers: usize) -> Option<Vec<Vec<ExplainerId>>> {
        self.related.get(key).filter(|r| related_hold(r, explainers))
    }

    /// The co-actors of `actors` actors, kept under `key`.
    pub(super) fn co_actors(&self, key: u64, actors: usize) -> Option<CoActors> {
        self.co_actors.get(key).filter(|c| co_actors_hold(c, actors))
    }

    pub(super) fn keep_related(&mut self, key: u64, related: &Vec<Vec<ExplainerId>>) {
        self.related.keep(key, related);
    }

    pub(super) fn keep_co_actors(&mut self, key: u64, co_actors: &CoActors) {
        self.co_actors.keep(key, co_actors);
    }
}

/// A body's address: the same parse result keeps it from one assembly to the next.
fn body_address(body: &Arc<ParsedBody<'_>>) -> usize {
    Arc::as_ptr(body) as usize
}

/// A content file's address, as the pipeline's file versions are keyed.
fn file_address(file: &ContentFile) -> usize {
    file as *const ContentFile as usize
}

/// The hash a cached value is kept under.
pub(super) fn hash_of<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::{AssembleOptions, Site, assemble};
    use crate::load::LoadedSite;
    use crate::parse::ParsedSite;
    use std::path::Path;

    /// The example site's parse results once more, as `serve` keeps them: bodies keep their
    /// addresses from one assembly to the next.
    fn again<'s>(parsed: &ParsedSite<'s>) -> ParsedSite<'s> {
        ParsedSite {
            explainers: parsed.explainers.clone(),
            actors: parsed.actors.clone(),
            topics: parsed.topics.clone(),
            sections: parsed.sections.clone(),
            home: parsed.home.clone(),
            failed: parsed.failed.clone(),
        }
    }

    fn assembled<'s>(
        loaded: &'s LoadedSite,
        parsed: &ParsedSite<'s>,
        cache: Option<&mut AssembleCache<'s>>,
    ) -> Site<'s> {
        let options = AssembleOptions::today();
        assemble(&loaded.config, again(parsed), &loaded.static_files, options, cache, None).expect("the example site").0
    }

    #[test]
    fn a_cache_changes_nothing_and_is_used() {
        let loaded = english_example();
        let parse_options = crate::parse::ParseOptions::new(&loaded.config, &loaded.templates);
        let (parsed, _) = crate::parse::parse_site(&loaded.content, &parse_options);
        let fresh = assembled(&loaded, &parsed, None);
        let mut cache = AssembleCache::default();
        let first = assembled(&loaded, &parsed, Some(&mut cache));
        let second = assembled(&loaded, &parsed, Some(&mut cache));
        for site in [&first, &second] {
            assert_eq!(format!("{:?}", site.explainers), format!("{:?}", fresh.explainers));
            assert_eq!(format!("{:?}", site.actors), format!("{:?}", fresh.actors));
            assert_eq!(format!("{:?}", site.topics), format!("{:?}", fresh.topics));
        }
        // the second assembly took the annotations the first one made
        assert!(!first.explainers.is_empty());
        for (a, b) in first.explainers.iter().zip(&second.explainers) {
            assert!(Arc::ptr_eq(&a.annotations, &b.annotations), "{} annotated again", a.file.rel);
        }
        assert!(cache.related.0.is_some() && cache.co_actors.0.is_some());
    }

    /// The example site, loaded and parsed; and the version of each content file, by address,
    /// as `build` gives them.
    /// The example site's files in its default language, English (it has French versions of
    /// some, which a site of one language would read as pages of their own).
    fn english_example() -> LoadedSite {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = crate::load::load_config(root, None).expect("the example site's site.toml");
        let (mut loaded, _) = crate::load::load_site(root, config);
        let others = loaded.config.languages.get(1..).unwrap_or_default().to_vec();
        loaded.content.retain(|f| crate::load::file_language(&f.rel, &others).is_none());
        loaded
    }

    fn example() -> (LoadedSite, FxHashMap<usize, u64>) {
        let loaded = english_example();
        let versions = loaded.content.iter().map(|f| (file_address(f), hash_of(&f.text))).collect();
        (loaded, versions)
    }

    fn parse(loaded: &LoadedSite) -> ParsedSite<'_> {
        let options = crate::parse::ParseOptions::new(&loaded.config, &loaded.templates);
        crate::parse::parse_site(&loaded.content, &options).0
    }

    /// What `build` records of an assembly of the example site (with `derived` from the last).
    fn derived(
        loaded: &LoadedSite,
        versions: &FxHashMap<usize, u64>,
        derived: Derived,
        salt: u64,
    ) -> (String, Derived) {
        let mut cache = AssembleCache::from_derived(derived, versions.clone(), salt);
        let site = assembled(loaded, &parse(loaded), Some(&mut cache));
        (format!("{:?}", site.explainers), cache.into_derived())
    }

    /// The invalidation rules of `build`'s annotations: a record is used for the file, version,
    /// key and parse it was made for, and only when it holds for the body.
    #[test]
    fn build_s_annotations_are_used_for_their_file_s_version_and_parse_only() {
        let (loaded, versions) = example();
        let site = assembled(&loaded, &parse(&loaded), None);
        let fresh = format!("{:?}", site.explainers);
        let (first, recorded) = derived(&loaded, &versions, Derived::default(), 1);
        assert_eq!(first, fresh);
        assert_eq!(recorded.annotations.len(), site.explainers.len(), "one record per explainer");
        // poisoned: the record of an explainer with mentions claims it has none
        let at = recorded.annotations.iter().position(|r| !r.annotations.is_empty()).expect("a mention");
        let mut poisoned = recorded.clone();
        poisoned.annotations[at].annotations.clear();
        poisoned.annotations[at].mentioned.clear();
        // the same file, version, key and parse: the record is used (bodies parsed anew)
        let (taken, again) = derived(&loaded, &versions, poisoned.clone(), 1);
        assert_ne!(taken, fresh, "the poisoned record was used");
        assert_eq!(again, poisoned, "and recorded again as it was");
        // another version of the file, or another parse of it: annotated again
        let mut moved = versions.clone();
        let file = loaded.content.iter().find(|f| f.rel == poisoned.annotations[at].file).unwrap();
        moved.insert(file_address(file), 7);
        assert_eq!(derived(&loaded, &moved, poisoned.clone(), 1).0, fresh, "another version");
        assert_eq!(derived(&loaded, &versions, poisoned.clone(), 2).0, fresh, "another parse");
        // another key (other names, terms or links): annotated again
        let mut other_key = poisoned.clone();
        other_key.annotations[at].key ^= 1;
        assert_eq!(derived(&loaded, &versions, other_key, 1).0, fresh, "another key");
        // records that do not hold for the body: annotated again, never a panic
        let tampered: [fn(&mut AnnotatedRecord); 5] = [
            |r| r.annotations[0].5 = usize::MAX,
            |r| r.annotations[0].4 = 9,
            |r| r.annotations[0].0 = usize::MAX,
            |r| r.mentioned.push(usize::MAX),
            |r| r.quotes.push((usize::MAX, 0)),
        ];
        for tamper in tampered {
            let mut bad = recorded.clone();
            tamper(&mut bad.annotations[at]);
            assert_eq!(derived(&loaded, &versions, bad, 1).0, fresh);
        }
    }

    #[test]
    fn build_s_related_lists_are_used_for_their_key_and_when_they_hold() {
        let (loaded, versions) = example();
        let fresh = format!("{:?}", assembled(&loaded, &parse(&loaded), None).explainers);
        let (_, recorded) = derived(&loaded, &versions, Derived::default(), 1);
        let (key, related) = recorded.related.clone().expect("related lists recorded");
        assert!(related.iter().any(|r| !r.is_empty()));
        // a list that holds, under the key: used
        let mut swapped = recorded.clone();
        swapped.related = Some((key, related.iter().map(|_| Vec::new()).collect()));
        assert_ne!(derived(&loaded, &versions, swapped, 1).0, fresh, "the recorded lists were used");
        // under another key (other topics or actors of an explainer), or one list short, or an
        // explainer that is not there: derived again
        let other = [
            Some((key ^ 1, related.iter().map(|_| Vec::new()).collect())),
            Some((key, related[1..].to_vec())),
            Some((key, related.iter().map(|_| vec![usize::MAX]).collect())),
        ];
        for related in other {
            let bad = Derived { related, ..recorded.clone() };
            assert_eq!(derived(&loaded, &versions, bad, 1).0, fresh);
        }
        // co-actors too
        let (key, co_actors) = recorded.co_actors.clone().expect("co-actors recorded");
        let bad =
            Derived { co_actors: Some((key, co_actors.iter().map(|_| vec![(usize::MAX, 1)]).collect())), ..recorded };
        let mut cache = AssembleCache::from_derived(bad, versions.clone(), 1);
        let site = assembled(&loaded, &parse(&loaded), Some(&mut cache));
        assert!(site.actors.iter().all(|a| a.co_actors.iter().all(|&(id, _)| id < site.actors.len())));
    }

    #[test]
    fn a_memo_answers_for_its_key_only() {
        let mut memo = Memo::default();
        assert_eq!(memo.get(1), None::<Vec<usize>>);
        memo.keep(1, &vec![7]);
        assert_eq!(memo.get(1), Some(vec![7]));
        assert_eq!(memo.get(2), None);
        memo.keep(2, &vec![8]);
        assert_eq!(memo.get(2), Some(vec![8]));
    }
}
