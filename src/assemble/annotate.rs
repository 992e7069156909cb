//! Annotations of explainer text: actor mentions (autolinks), glossary terms (`<abbr>`), and quote attributions.

use super::ActorId;
use super::links::{ResolvedLink, Target};
use super::names::{Found, NameSet};
use crate::config::Autolink;
use crate::markdown::{ParsedBody, TextRun};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// A span of text to wrap: from (event, byte) to (event, byte), in `Text` events of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Annotation {
    pub start: (usize, usize),
    pub end: (usize, usize),
    pub kind: AnnotationKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnnotationKind {
    /// A link to the actor's page.
    Mention(ActorId),
    /// `<abbr>` for the glossary term with this index (in the order of `[glossary]`).
    Term(usize),
}

/// A blockquote attributed to an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quote {
    /// Index into the body's `quotes`.
    pub block: usize,
    pub actor: ActorId,
}

/// What annotating one explainer found.
#[derive(Debug, Clone, Default)]
pub struct Annotated {
    /// Sorted by start; a mention and a term on the same span nest (term inside).
    pub annotations: Arc<[Annotation]>,
    /// Actors named anywhere in the text (not only the linked first mention), sorted.
    pub mentioned: Vec<ActorId>,
    /// Glossary terms used in the text, sorted.
    pub terms: Vec<usize>,
    pub quotes: Arc<[Quote]>,
}

/// Finds names and terms in text. Built once per site; used for every explainer in parallel.
pub struct Annotator {
    names: NameSet,
    /// Actor of each name of `names`.
    name_owner: Vec<ActorId>,
    terms: NameSet,
    /// Slugified name, alias or slug → actor, for attributions written as text.
    actor_keys: HashMap<String, ActorId>,
    autolink: Autolink,
}

impl Annotator {
    /// `actor_names[id]` are the names and aliases of actor `id`; `terms` the glossary acronyms.
    pub fn new(actor_names: &[Vec<&str>], terms: &[&str], autolink: Autolink) -> Annotator {
        let mut patterns = Vec::new();
        let mut name_owner = Vec::new();
        let mut actor_keys = HashMap::new();
        for (id, names) in actor_names.iter().enumerate() {
            for name in names {
                if let Some(key) = super::entities::name_key(name) {
                    actor_keys.entry(key).or_insert(id);
                }
                // names with an apostrophe are also found after smart punctuation curls it
                let variants = [name.to_string(), name.replace('\'', "\u{2019}")];
                for variant in variants.iter().take(if name.contains('\'') { 2 } else { 1 }) {
                    if !variant.trim().is_empty() {
                        patterns.push(variant.clone());
                        name_owner.push(id);
                    }
                }
            }
        }
        Annotator { names: NameSet::new(&patterns), name_owner, terms: NameSet::new(terms), actor_keys, autolink }
    }

    /// Annotates one explainer body. `links` are its resolved links; actors it already links to
    /// explicitly are not autolinked again in `first` mode.
    pub fn annotate(&self, body: &ParsedBody<'_>, links: &[ResolvedLink]) -> Annotated {
        let mut annotations: Vec<Annotation> = Vec::new();
        let mut quotes: Vec<Quote> = Vec::new();
        let linked: BTreeSet<ActorId> = links
            .iter()
            .filter_map(|l| match l.target {
                Some(Target::Actor(id)) => Some(id),
                _ => None,
            })
            .collect();
        let attribution_ranges: Vec<(usize, usize)> =
            body.quotes.iter().filter_map(|q| q.attribution.as_ref().map(|a| (a.start, a.end))).collect();
        let mut mentioned = BTreeSet::new();
        let mut autolinked = BTreeSet::new();
        let mut terms_used = BTreeSet::new();

        let in_attribution =
            |run: &TextRun<'_>| attribution_ranges.iter().any(|&(s, e)| run.first_event >= s && run.first_event <= e);
        // an image's text is its `alt` attribute, where nothing can be marked up; text sanitizing
        // removed is not shown. Text inside raw HTML elements names actors, but is not marked up
        // (a link in a raw `<a>` would nest).
        for run in body.text_runs.iter().filter(|run| !run.in_image && !run.removed && !in_attribution(run)) {
            if !run.in_link {
                // where the last mention (extended through longer names of its actor) ends
                let mut covered = 0;
                for found in self.names.find(&run.text) {
                    if found.start < covered {
                        continue;
                    }
                    let actor = self.name_owner[found.name];
                    let end = self.names.extended_end(&run.text, found, |n| self.name_owner[n] == actor);
                    let start = found.start;
                    covered = end;
                    mentioned.insert(actor);
                    let link = !run.in_raw
                        && match self.autolink {
                            Autolink::Off => false,
                            Autolink::All => true,
                            Autolink::First => !linked.contains(&actor) && autolinked.insert(actor),
                        };
                    if link {
                        annotations.push(annotation(run, start, end, AnnotationKind::Mention(actor)));
                    }
                }
            }
            // nor are glossary terms: not in raw elements, not in links
            if run.in_raw || run.in_link {
                continue;
            }
            for Found { start, end, name: term } in self.terms.find(&run.text) {
                if terms_used.insert(term) {
                    annotations.push(annotation(run, start, end, AnnotationKind::Term(term)));
                }
            }
        }

        for (block, quote) in body.quotes.iter().enumerate() {
            let Some(attribution) = &quote.attribution else { continue };
            let by_link = attribution.link.and_then(|l| match links.get(l).and_then(|l| l.target) {
                Some(Target::Actor(id)) => Some(id),
                _ => None,
            });
            let actor = by_link.or_else(|| self.attributed_actor(&attribution.text));
            let Some(actor) = actor else { continue };
            quotes.push(Quote { block, actor });
            mentioned.insert(actor);
            if by_link.is_none() && self.autolink != Autolink::Off {
                // link the name in the attribution line
                let runs = body
                    .text_runs
                    .iter()
                    .filter(|r| r.first_event > attribution.start && r.first_event < attribution.end)
                    // never inside a link or raw HTML: a link there would nest
                    .filter(|r| !r.in_link && !r.in_raw && !r.in_image && !r.removed);
                for run in runs {
                    let found = self.names.find(&run.text).into_iter().find(|f| self.name_owner[f.name] == actor);
                    if let Some(Found { start, end, .. }) = found {
                        annotations.push(annotation(run, start, end, AnnotationKind::Mention(actor)));
                        break;
                    }
                }
            }
        }

        annotations.sort();
        Annotated {
            annotations: without_partial_overlaps(annotations).into(),
            quotes: quotes.into(),
            mentioned: mentioned.into_iter().collect(),
            terms: terms_used.into_iter().collect(),
        }
    }

    /// The actor an attribution line names: the whole text, or its part before a comma or a
    /// parenthesis ("Victor Cha, CSIS"), or the first actor name found in it.
    fn attributed_actor(&self, text: &str) -> Option<ActorId> {
        let candidates = [text, text.split(',').next().unwrap_or(text), text.split(" (").next().unwrap_or(text)];
        for candidate in candidates {
            if let Some(id) = super::entities::name_key(candidate.trim()).and_then(|k| self.actor_keys.get(&k)) {
                return Some(*id);
            }
        }
        self.names.find(text).first().map(|f| self.name_owner[f.name])
    }
}

/// The annotation of `run`'s text from `start` to `end`.
fn annotation(run: &TextRun<'_>, start: usize, end: usize, kind: AnnotationKind) -> Annotation {
    Annotation { start: run.position(start, false), end: run.position(end, true), kind }
}

/// Keeps annotations that either nest exactly (a term on a mention's span) or do not touch;
/// a term that partly overlaps a mention is dropped.
fn without_partial_overlaps(annotations: Vec<Annotation>) -> Vec<Annotation> {
    let mut kept: Vec<Annotation> = Vec::with_capacity(annotations.len());
    for a in annotations {
        let clashes = kept.iter().any(|k| a.start < k.end && k.start < a.end && (a.start != k.start || a.end != k.end));
        if !clashes {
            kept.push(a);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown;
    use pulldown_cmark::Event;

    fn annotator(autolink: Autolink) -> Annotator {
        Annotator::new(
            &[
                vec!["Xi Jinping", "Xi", "President Xi"],
                vec!["Yoon Suk Yeol", "Yoon"],
                vec!["People's Liberation Army", "PLA"],
                vec!["Victor Cha"],
            ],
            &["PLA", "APEC"],
            autolink,
        )
    }

    fn mentions(a: &Annotated) -> Vec<ActorId> {
        a.annotations
            .iter()
            .filter_map(|a| match a.kind {
                AnnotationKind::Mention(id) => Some(id),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn first_mentions_whole_words_longest_first() {
        let body = markdown::parse(
            "Xi met Yoon Suk Yeol in Xinjiang, not Xi-ism. Later Xi and Yoon spoke of the PLA at APEC.\n",
            0,
        );
        let a = annotator(Autolink::First).annotate(&body, &[]);
        assert_eq!(mentions(&a), [0, 1, 2]);
        let first = a.annotations[0];
        assert_eq!((first.start.1, first.end.1), (0, 2));
        let yoon = a.annotations.iter().find(|x| x.kind == AnnotationKind::Mention(1)).unwrap();
        assert_eq!(yoon.end.1 - yoon.start.1, "Yoon Suk Yeol".len(), "the longer name wins");
        assert_eq!(a.mentioned, [0, 1, 2]);
        assert_eq!(a.terms, [0, 1]);
        let all = annotator(Autolink::All).annotate(&body, &[]);
        assert_eq!(mentions(&all), [0, 1, 0, 1, 2]);
        let off = annotator(Autolink::Off).annotate(&body, &[]);
        assert!(mentions(&off).is_empty());
        assert_eq!(off.mentioned, [0, 1, 2], "still counted as mentioned");
    }

    #[test]
    fn names_in_headings_links_and_code_are_not_linked() {
        let text = "## Xi in Lima\n\n[Xi](https://x/) and `Xi` and\n\n```\nXi\n```\n\nthen Xi.\n";
        let body = markdown::parse(text, 0);
        let a = annotator(Autolink::First).annotate(&body, &[ResolvedLink::UNCHANGED]);
        assert_eq!(a.annotations.len(), 1);
        let events: Vec<Event<'_>> = pulldown_cmark::Parser::new_ext(text, markdown::options()).collect();
        let Event::Text(t) = &events[a.annotations[0].start.0] else { panic!() };
        assert_eq!(t.as_ref(), "then Xi.");
    }

    #[test]
    fn names_split_by_smart_punctuation_are_found() {
        let body = markdown::parse("The People's Liberation Army drilled.\n", 0);
        let a = annotator(Autolink::First).annotate(&body, &[]);
        assert_eq!(mentions(&a), [2]);
        let m = a.annotations[0];
        assert_ne!(m.start.0, m.end.0, "spans several text events");
    }

    #[test]
    fn quotes_are_attributed_and_their_names_linked() {
        let body =
            markdown::parse("> Words.\n>\n> — Victor Cha, CSIS\n\n> Other words.\n>\n> — A senior official\n", 0);
        let a = annotator(Autolink::First).annotate(&body, &[]);
        assert_eq!(&a.quotes[..], [Quote { block: 0, actor: 3 }]);
        assert_eq!(mentions(&a), [3]);
    }

    #[test]
    fn a_mention_followed_by_the_rest_of_a_longer_name_links_the_whole_name() {
        let text = "President Xi Jinping met Yoon. Then President Xi spoke.\n";
        let body = markdown::parse(text, 0);
        let a = annotator(Autolink::All).annotate(&body, &[]);
        assert_eq!(mentions(&a), [0, 1, 0]);
        let events: Vec<Event<'_>> = pulldown_cmark::Parser::new_ext(text, markdown::options()).collect();
        let Event::Text(t) = &events[a.annotations[0].start.0] else { panic!() };
        let first = a.annotations[0];
        assert_eq!(&t[first.start.1..first.end.1], "President Xi Jinping");
        let last = a.annotations[2];
        assert_eq!(&t[last.start.1..last.end.1], "President Xi");
    }

    #[test]
    fn a_term_on_a_mention_nests() {
        let body = markdown::parse("The PLA moved.\n", 0);
        let a = annotator(Autolink::First).annotate(&body, &[]);
        assert_eq!(a.annotations.len(), 2);
        assert_eq!(a.annotations[0].start, a.annotations[1].start);
    }
}
