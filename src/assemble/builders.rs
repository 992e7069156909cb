//! One builder per kind of entity: what assembly knows of an explainer, an actor or a topic while
//! its steps run, each step filling in its part. `finish` makes the final, immutable struct.

use super::annotate::Annotated;
use super::entities::EntityDraft;
use super::links::ResolvedLink;
use super::{Actor, ActorId, Explainer, ExplainerId, KEY_ACTORS, Profile, Topic, TopicEvent, TopicId};
use crate::date::Date;
use crate::frontmatter::{ActorMeta, TopicMeta};
use crate::parse::{ParsedExplainer, ParsedProfile};
use crate::slug::Slug;
use std::collections::BTreeMap;

/// An explainer being assembled.
pub struct ExplainerBuilder<'s> {
    pub parsed: ParsedExplainer<'s>,
    /// Site path; empty when the file's name makes none (an error, reported when it was made).
    pub path: String,
    /// From front matter, in its order, without repeats.
    pub topics: Vec<TopicId>,
    pub actors: Vec<ActorId>,
    /// One per `parsed.body.links`, once resolved.
    pub links: Vec<ResolvedLink>,
    /// Mentions, terms and quotes found in its text, once annotated.
    pub annotated: Annotated,
    /// Explainers that link here, newest first.
    pub backlinks: Vec<ExplainerId>,
    pub related: Vec<ExplainerId>,
    /// The nearest section above it, once sections are built.
    pub section: Option<super::SectionId>,
    /// Its social card image, once links are resolved.
    pub image: Option<super::SocialImage>,
}

impl<'s> ExplainerBuilder<'s> {
    pub fn new(parsed: ParsedExplainer<'s>, path: String, (actors, topics): (Vec<ActorId>, Vec<TopicId>)) -> Self {
        ExplainerBuilder {
            parsed,
            path,
            topics,
            actors,
            links: Vec::new(),
            annotated: Annotated::default(),
            backlinks: Vec::new(),
            related: Vec::new(),
            section: None,
            image: None,
        }
    }

    /// The actors its text names without listing them in front matter.
    pub fn mentioned_only(&self) -> impl Iterator<Item = ActorId> + '_ {
        self.annotated.mentioned.iter().copied().filter(|a| !self.actors.contains(a))
    }

    /// The finished explainer, with its `authors:` resolved (by [`super::authors`]).
    pub fn finish(self, authors: Vec<ActorId>) -> Explainer<'s> {
        let mentioned = self.mentioned_only().collect();
        let ParsedExplainer { file, meta, body } = self.parsed;
        let summary = meta.summary.clone().or_else(|| body.summary.clone()).unwrap_or_default();
        Explainer {
            file,
            path: self.path,
            summary,
            topics: self.topics,
            actors: self.actors,
            authors,
            links: self.links,
            mentioned,
            annotations: self.annotated.annotations,
            quotes: self.annotated.quotes,
            backlinks: self.backlinks,
            related: self.related,
            section: self.section,
            image: self.image,
            meta,
            body,
        }
    }
}

/// An actor or topic being assembled: from a profile file (`M`, its front matter) or only named
/// in explainers; `K` is what only that kind of entity gathers.
pub struct EntityBuilder<'s, M, K> {
    pub slug: Slug,
    /// From the profile, or the name explainers use.
    pub name: String,
    pub profile: Option<ParsedProfile<'s, M>>,
    /// Site path, from `urls`.
    pub path: String,
    /// One per link of the profile's body, once resolved.
    pub profile_links: Vec<ResolvedLink>,
    /// Explainers that list it in front matter, newest first.
    pub explainers: Vec<ExplainerId>,
    /// Explainers that link to its page, newest first.
    pub backlinks: Vec<ExplainerId>,
    pub own: K,
}

pub type ActorBuilder<'s> = EntityBuilder<'s, ActorMeta, ActorFindings>;
pub type TopicBuilder<'s> = EntityBuilder<'s, TopicMeta, ()>;

/// What only actors gather from explainers.
#[derive(Default)]
pub struct ActorFindings {
    /// Explainers whose text names the actor without listing it, newest first.
    pub mentioned_in: Vec<ExplainerId>,
    /// Quotes attributed to the actor: (explainer, index into its quotes), newest first.
    pub quotes: Vec<(ExplainerId, usize)>,
    /// Actors sharing the most explainers with this one: (actor, explainers shared).
    pub co_actors: Vec<(ActorId, usize)>,
}

impl<'s, M, K: Default> EntityBuilder<'s, M, K> {
    /// One builder per draft, in the drafts' order; each takes its profile (`draft.profile`
    /// indexes `profiles`) and its site path from `path`.
    pub fn from_drafts(
        drafts: Vec<EntityDraft>,
        profiles: Vec<ParsedProfile<'s, M>>,
        path: fn(&Slug) -> String,
    ) -> Vec<Self> {
        let mut profiles: Vec<Option<ParsedProfile<'s, M>>> = profiles.into_iter().map(Some).collect();
        drafts
            .into_iter()
            .map(|draft| EntityBuilder {
                path: path(&draft.slug),
                profile: draft.profile.and_then(|i| profiles[i].take()),
                slug: draft.slug,
                name: draft.name,
                profile_links: Vec::new(),
                explainers: Vec::new(),
                backlinks: Vec::new(),
                own: K::default(),
            })
            .collect()
    }

    /// The profile's text with its resolved links, if it has a profile.
    fn finish_profile(profile: Option<(ParsedProfile<'s, M>, Vec<ResolvedLink>)>) -> (Option<M>, Option<Profile<'s>>) {
        match profile {
            Some((p, links)) => (Some(p.meta), Some(Profile { file: p.file, body: p.body, links })),
            None => (None, None),
        }
    }
}

impl<'s> ActorBuilder<'s> {
    pub fn finish(self) -> Actor<'s> {
        let profile = self.profile.map(|p| (p, self.profile_links));
        let (meta, profile) = Self::finish_profile(profile);
        let ActorFindings { mentioned_in, quotes, co_actors } = self.own;
        let mut actor = Actor {
            slug: self.slug,
            name: self.name,
            kind: None,
            role: None,
            country: None,
            aliases: Vec::new(),
            extra: Default::default(),
            identity: Default::default(),
            profile,
            path: self.path,
            explainers: self.explainers,
            mentioned_in,
            backlinks: self.backlinks,
            quotes,
            co_actors,
        };
        if let Some(meta) = meta {
            actor.name = meta.name;
            actor.kind = meta.kind;
            actor.role = meta.role;
            actor.country = meta.country;
            actor.aliases = meta.aliases.into_iter().map(|a| a.value).collect();
            actor.extra = meta.extra;
            actor.identity = meta.identity;
        }
        actor
    }
}

impl<'s> TopicBuilder<'s> {
    /// The topic, with the timeline and key actors gathered from its (final) explainers.
    pub fn finish(self, explainers: &[Explainer<'_>], actors: &[Actor<'_>]) -> Topic<'s> {
        let timeline = merged_timeline(explainers, &self.explainers);
        let key_actors = key_actors(explainers, &self.explainers, actors);
        let profile = self.profile.map(|p| (p, self.profile_links));
        let (meta, profile) = Self::finish_profile(profile);
        let (title, summary, aliases, extra) = match meta {
            Some(meta) => (meta.title, meta.summary, meta.aliases.into_iter().map(|a| a.value).collect(), meta.extra),
            None => (self.name, None, Vec::new(), Default::default()),
        };
        Topic {
            slug: self.slug,
            title,
            summary,
            aliases,
            extra,
            profile,
            path: self.path,
            explainers: self.explainers,
            backlinks: self.backlinks,
            timeline,
            key_actors,
        }
    }
}

/// The timeline entries of `ids`, oldest first; an event told with the same date and text by
/// several explainers appears once, with all of them.
fn merged_timeline(explainers: &[Explainer<'_>], ids: &[ExplainerId]) -> Vec<TopicEvent> {
    let mut events: BTreeMap<(Date, &str), TopicEvent> = BTreeMap::new();
    for &id in ids {
        for (i, entry) in explainers[id].meta.timeline.iter().enumerate() {
            events
                .entry((entry.date, entry.event.as_str()))
                .and_modify(|e| e.explainers.push(id))
                .or_insert(TopicEvent { date: entry.date, entry: (id, i), explainers: vec![id] });
        }
    }
    let mut merged: Vec<TopicEvent> = events.into_values().collect();
    merged.sort_by(|a, b| a.date.cmp(&b.date).then(a.entry.cmp(&b.entry)));
    merged
}

/// The actors listed by the explainers `ids`, most often first, at most [`KEY_ACTORS`].
fn key_actors(explainers: &[Explainer<'_>], ids: &[ExplainerId], actors: &[Actor<'_>]) -> Vec<(ActorId, usize)> {
    let mut counts = vec![0usize; actors.len()];
    for &id in ids {
        for &a in &explainers[id].actors {
            counts[a] += 1;
        }
    }
    let mut ranked: Vec<(ActorId, usize)> = counts.into_iter().enumerate().filter(|&(_, n)| n > 0).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| actors[a.0].name.cmp(&actors[b.0].name)));
    ranked.truncate(KEY_ACTORS);
    ranked
}
