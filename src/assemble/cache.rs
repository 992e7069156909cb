//! What `serve` keeps from one assembly to the next, and how it is looked up and kept: each
//! derived value with a hash of everything it was derived from.

use super::annotate::Annotated;
use super::{ActorId, ExplainerId};
use crate::markdown::ParsedBody;
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
    /// The annotations of `body` from the last assembly, if its key (annotator and links) is the same.
    pub(super) fn annotations_of(&self, body: &Arc<ParsedBody<'s>>, key: u64) -> Option<Annotated> {
        let (_, kept_key, annotated) = self.annotations.get(&body_address(body))?;
        (*kept_key == key).then(|| annotated.clone())
    }

    /// Keeps the annotations of this assembly's bodies (only those: the others are gone).
    pub(super) fn keep_annotations<'a>(
        &mut self,
        annotated: impl Iterator<Item = (&'a Arc<ParsedBody<'s>>, u64, &'a Annotated)>,
    ) where
        's: 'a,
    {
        self.annotations =
            annotated.map(|(body, key, a)| (body_address(body), (Arc::clone(body), key, a.clone()))).collect();
    }

    pub(super) fn related(&self, key: u64) -> Option<Vec<Vec<ExplainerId>>> {
        self.related.get(key)
    }

    pub(super) fn co_actors(&self, key: u64) -> Option<CoActors> {
        self.co_actors.get(key)
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
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = crate::load::load_config(root, None).expect("the example site's site.toml");
        let (loaded, _) = crate::load::load_site(root, config);
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
