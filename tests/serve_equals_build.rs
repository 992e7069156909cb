//! `serve` equals `build`: a property test drives a `serve` session (in process) through random
//! sequences of edits, and after each one compares every file it serves (pages, feeds, JSON-LD,
//! sitemap, search index, the list of static files) with a build from nothing of the same
//! files, byte for byte; or, when the edit breaks the site, the errors of both.
//!
//! `cargo test` runs a few cases; CI runs many more (`SERVE_EQUALS_BUILD_CASES=N`, see .ci/run).
//! `a_field_left_out_of_a_fingerprint_is_found` takes a field out of a fingerprint on purpose and
//! checks that the property test notices.

mod harness;

use dossier::assemble::Site as Assembled;
use dossier::diagnostics::Diagnostic;
use dossier::pipeline::{self, PipelineOptions};
use dossier::render::{MemorySink, views};
use dossier::serve::changes::{self, ChangedPath};
use dossier::serve::fingerprint::Shown;
use dossier::serve::session::{Session, Snapshot};
use harness::Site;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hasher;

// What the site is made of. Small pools, so that names meet: bodies mention the actors' names
// and aliases, front matter names topics by title, and edits rename them.

const ACTOR_SLUGS: &[&str] = &["xi-jinping", "joe-biden", "yoon-suk-yeol", "kim-jong-un", "wang-yi"];
/// The names each profile (by slug) may have, and the aliases.
const ACTOR_NAMES: &[[&str; 2]] = &[
    ["Xi Jinping", "Chairman Xi Jinping"],
    ["Joe Biden", "Joseph R. Biden"],
    ["Yoon Suk Yeol", "Yoon Suk-yeol"],
    ["Kim Jong Un", "Kim Jong-un"],
    ["Wang Yi", "Foreign Minister Wang Yi"],
];
const ALIASES: &[[&str; 2]] = &[
    ["Xi", "President Xi"],
    ["Biden", "President Biden"],
    ["Yoon", "President Yoon"],
    ["Kim", "Chairman Kim"],
    ["Wang", "Minister Wang"],
];
/// Actors front matter names without a profile.
const OTHER_ACTORS: &[&str] = &["Gina Raimondo", "Victor Cha"];
const ROLES: &[&str] = &["President", "Foreign Minister", "Commerce Secretary", "Analyst"];
const KINDS: &[&str] = &["person", "organization", "country", "group"];
const TOPIC_SLUGS: &[&str] = &["taiwan", "trade", "north-korea", "export-controls"];
/// The titles each profile (by slug) may have, and the aliases.
const TOPIC_TITLES: &[[&str; 2]] = &[
    ["Taiwan", "Cross-strait relations"],
    ["Trade", "Trade war"],
    ["North Korea", "The Korean peninsula"],
    ["Export controls", "Chip controls"],
];
const TOPIC_ALIASES: &[&str] = &["Formosa", "Tariffs", "DPRK", "Chips"];
/// Topics front matter names: the titles above, and one without a profile.
const TOPIC_NAMES: &[&str] = &["Taiwan", "Trade war", "North Korea", "Chip controls", "South China Sea"];
const TITLES: &[&str] = &[
    "Biden and Xi meet in Lima",
    "What the summit agreed",
    "Chips and tariffs",
    "Pyongyang's troops in Russia",
    "The Second Thomas Shoal",
    "Taiwan after the election",
];
/// Values of `extra` (`desk:` in an actor's front matter, `desk =` in `[extra]` of site.toml),
/// which the template overrides of `explainer_template == 1` show.
const DESKS: &[&str] = &["Washington desk", "Beijing bureau"];
const SUMMARIES: &[&str] = &[
    "The last meeting of two presidents, and what it settled.",
    "Export controls tighten again.",
    "Troops, shells and a treaty.",
];
const SENTENCES: &[&str] = &[
    "The talks went on for two hours.",
    "Both sides said the meeting was candid.",
    "Analysts expect little to change before January.",
    "The readouts differed on Taiwan.",
];
const EVENTS: &[&str] = &["The leaders meet.", "A tribunal rules.", "Troops deploy.", "New export rules."];
const GLOSSARY: &[(&str, &str)] = &[
    ("APEC", "Asia-Pacific Economic Cooperation"),
    ("PLA", "People's Liberation Army"),
    ("WTO", "World Trade Organization"),
];
const FILE_NAMES: &[&str] = &["lima", "summit", "chips", "troops", "shoal", "election", "readout"];
const FOLDERS: &[&str] = &["articles", "articles/2024", "briefs"];
/// Titles of sections (`_index.md` in a folder of `FOLDERS`).
const SECTION_TITLES: &[&str] = &["Asia", "Every brief", "The 2024 explainers"];

#[derive(Debug, Clone)]
enum Para {
    Text(usize),
    /// A name or alias that mentions may find.
    Mention(usize),
    Term(usize),
    Heading(usize),
    /// A quote attributed to a name.
    Quote(usize, usize),
    /// A link to another explainer (by index), to a heading of it when `Some`.
    LinkExplainer(usize, Option<usize>),
    LinkActor(usize),
    LinkTopic(usize),
    /// A link to the `_index.md` of a folder of `FOLDERS` (a section, when it has one).
    LinkSection(usize),
    /// A citation of the explainer's source (when it has one).
    Cite,
}

#[derive(Debug, Clone)]
struct Explainer {
    folder: usize,
    name: usize,
    title: usize,
    day: u8,
    /// Dated a year earlier (2023): archives group explainers by year.
    earlier: bool,
    updated: Option<u8>,
    summary: Option<usize>,
    /// Topics by title, actors by name or slug (indexes into the pools).
    topics: Vec<usize>,
    actors: Vec<(usize, bool)>,
    timeline: Vec<(u8, usize)>,
    source: bool,
    takeaway: Option<usize>,
    draft: bool,
    /// An old address that redirects here.
    alias: Option<usize>,
    body: Vec<Para>,
}

#[derive(Debug, Clone)]
struct ActorProfile {
    slug: usize,
    name: usize,
    kind: Option<usize>,
    role: Option<usize>,
    aliases: Vec<usize>,
    body: Option<usize>,
    /// `extra: {desk: …}`.
    extra: Option<usize>,
}

#[derive(Debug, Clone)]
struct TopicProfile {
    slug: usize,
    title: usize,
    summary: Option<usize>,
    aliases: Vec<usize>,
    body: Option<usize>,
}

/// A section: `_index.md` in `FOLDERS[folder]`.
#[derive(Debug, Clone)]
struct SectionIndex {
    folder: usize,
    title: usize,
    summary: Option<usize>,
    body: Option<usize>,
    /// `extra: {desk: …}`.
    extra: Option<usize>,
}

#[derive(Debug, Clone)]
struct Model {
    title: usize,
    description: usize,
    paginate: usize,
    search: bool,
    autolink: usize,
    glossary: Vec<(usize, usize)>,
    card_template: usize,
    explainer_template: usize,
    /// `[extra]` of site.toml: `desk = …`.
    site_extra: Option<usize>,
    /// content/index.md: its title and its text.
    home: Option<(usize, usize)>,
    /// A file under static/.
    static_file: Option<usize>,
    explainers: Vec<Explainer>,
    actors: Vec<ActorProfile>,
    topics: Vec<TopicProfile>,
    sections: Vec<SectionIndex>,
}

/// Every name bodies may mention: the actors' names and aliases, and names without a profile.
fn spoken_names() -> Vec<&'static str> {
    let names = ACTOR_NAMES.iter().flatten().chain(ALIASES.iter().flatten());
    names.chain(OTHER_ACTORS).copied().collect()
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Model {
    fn start() -> Model {
        let explainer =
            |name: usize, title: usize, day: u8, topics: Vec<usize>, actors: Vec<(usize, bool)>| Explainer {
                folder: 0,
                name,
                title,
                day,
                earlier: false,
                updated: None,
                summary: None,
                topics,
                actors,
                timeline: vec![(day, name % EVENTS.len())],
                source: name.is_multiple_of(2),
                takeaway: None,
                draft: false,
                alias: None,
                body: vec![
                    Para::Heading(name % 3),
                    Para::Text(name),
                    Para::Mention(name),
                    Para::Term(0),
                    Para::Quote(1, 2),
                ],
            };
        Model {
            title: 0,
            description: 0,
            paginate: 2,
            search: true,
            autolink: 0,
            glossary: vec![(0, 0), (1, 1)],
            card_template: 0,
            explainer_template: 0,
            site_extra: None,
            home: None,
            static_file: None,
            explainers: vec![
                explainer(0, 0, 16, vec![0, 1], vec![(0, true), (1, false)]),
                explainer(1, 1, 15, vec![0, 4], vec![(0, false), (2, false), (5, false)]),
                explainer(2, 2, 14, vec![1, 3], vec![(1, true)]),
            ],
            actors: vec![
                ActorProfile {
                    slug: 0,
                    name: 0,
                    kind: Some(0),
                    role: Some(0),
                    aliases: vec![0, 1],
                    body: Some(0),
                    extra: Some(0),
                },
                ActorProfile { slug: 1, name: 0, kind: Some(0), role: None, aliases: vec![0], body: None, extra: None },
                ActorProfile {
                    slug: 2,
                    name: 1,
                    kind: None,
                    role: Some(3),
                    aliases: vec![],
                    body: Some(1),
                    extra: None,
                },
            ],
            topics: vec![
                TopicProfile { slug: 0, title: 0, summary: Some(0), aliases: vec![0], body: Some(2) },
                TopicProfile { slug: 1, title: 1, summary: None, aliases: vec![], body: None },
            ],
            sections: vec![
                SectionIndex { folder: 0, title: 0, summary: None, body: None, extra: None },
                SectionIndex { folder: 1, title: 2, summary: Some(0), body: Some(1), extra: Some(0) },
            ],
        }
    }

    fn explainer_path(&self, e: &Explainer) -> String {
        format!("content/{}/{}.md", FOLDERS[e.folder], FILE_NAMES[e.name])
    }

    /// Every file of the site, by path from its root.
    fn files(&self) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        let mut toml = format!(
            "title = {}\nbase_url = \"https://example.org/dossier/\"\ndescription = {}\npaginate = {}\nsearch = {}\nautolink = \"{}\"\n",
            quoted(["Features", "US-China explainers"][self.title]),
            quoted(["", "What happened in Lima, and since."][self.description]),
            self.paginate,
            self.search,
            ["first", "all", "off"][self.autolink],
        );
        if !self.glossary.is_empty() {
            toml.push_str("\n[glossary]\n");
            let mut terms: Vec<(usize, usize)> = self.glossary.clone();
            terms.sort();
            terms.dedup_by_key(|t| t.0);
            for (term, expansion) in terms {
                let expansion = GLOSSARY[expansion].1;
                toml.push_str(&format!("{} = {}\n", GLOSSARY[term].0, quoted(expansion)));
            }
        }
        if let Some(desk) = self.site_extra {
            toml.push_str(&format!("\n[extra]\ndesk = {}\n", quoted(DESKS[desk])));
        }
        files.insert("site.toml".to_string(), toml);
        match self.card_template {
            1 => {
                files.insert(
                    "templates/partials/card.html".into(),
                    "<li class=\"card\"><a href=\"{{ card.href }}\">{{ card.title }}</a> <small>{{ card.summary }}</small></li>\n"
                        .into(),
                );
            }
            2 => {
                // an error, reported at its line
                files.insert("templates/partials/card.html".into(), "<li>{{ card.title </li>\n".into());
            }
            _ => {}
        }
        if self.explainer_template == 1 {
            let theme = std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/themes/default/templates/explainer.html"
            ))
            .unwrap();
            let desk = "{% if site.extra.desk %}<p>{{ site.extra.desk }}</p>{% endif %}";
            files.insert(
                "templates/explainer.html".into(),
                theme.replacen("<h1", &format!("<p id=\"section-1\">Also</p>{desk}<h1"), 1),
            );
            let actor =
                std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/templates/actor.html"))
                    .unwrap();
            let desks = "{% if actor.extra.desk %}<p>{{ actor.extra.desk }}</p>{% endif %}{% if site.extra.desk %}<p>{{ site.extra.desk }}</p>{% endif %}";
            files.insert("templates/actor.html".into(), actor.replacen("<h1", &format!("{desks}<h1"), 1));
            let section =
                std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/templates/section.html"))
                    .unwrap();
            let desk = "{% if section.extra.desk %}<p>{{ section.extra.desk }}</p>{% endif %}";
            files.insert("templates/section.html".into(), section.replacen("<h1", &format!("{desk}<h1"), 1));
        }
        if let Some((title, body)) = self.home {
            let text = format!("---\ntitle: {}\n---\n\n{}\n", quoted(TITLES[title]), SENTENCES[body]);
            files.insert("content/index.md".into(), text);
        }
        if let Some(file) = self.static_file {
            let (path, text) =
                [("static/robots.txt", "User-agent: *\nDisallow: /drafts/\n"), ("static/img/map.svg", "<svg/>\n")]
                    [file];
            files.insert(path.into(), text.into());
        }
        for a in &self.actors {
            let mut text = format!("---\nname: {}\n", quoted(ACTOR_NAMES[a.slug][a.name]));
            if let Some(kind) = a.kind {
                text.push_str(&format!("kind: {}\n", KINDS[kind]));
            }
            if let Some(role) = a.role {
                text.push_str(&format!("role: {}\n", quoted(ROLES[role])));
            }
            if !a.aliases.is_empty() {
                let aliases: BTreeSet<&str> = a.aliases.iter().map(|&i| ALIASES[a.slug][i]).collect();
                let aliases: Vec<String> = aliases.into_iter().map(quoted).collect();
                text.push_str(&format!("aliases: [{}]\n", aliases.join(", ")));
            }
            if let Some(desk) = a.extra {
                text.push_str(&format!("extra:\n  desk: {}\n", quoted(DESKS[desk])));
            }
            text.push_str("---\n");
            if let Some(body) = a.body {
                text.push_str(&format!("\n{}\n", SENTENCES[body]));
            }
            files.insert(format!("content/actors/{}.md", ACTOR_SLUGS[a.slug]), text);
        }
        for t in &self.topics {
            let mut text = format!("---\ntitle: {}\n", quoted(TOPIC_TITLES[t.slug][t.title]));
            if let Some(summary) = t.summary {
                text.push_str(&format!("summary: {}\n", quoted(SUMMARIES[summary])));
            }
            if !t.aliases.is_empty() {
                let aliases: BTreeSet<&str> = t.aliases.iter().map(|&i| TOPIC_ALIASES[i]).collect();
                let aliases: Vec<String> = aliases.into_iter().map(quoted).collect();
                text.push_str(&format!("aliases: [{}]\n", aliases.join(", ")));
            }
            text.push_str("---\n");
            if let Some(body) = t.body {
                text.push_str(&format!(
                    "\n{} See [the trade topic](topic:{}).\n",
                    SENTENCES[body], TOPIC_SLUGS[t.slug]
                ));
            }
            files.insert(format!("content/topics/{}.md", TOPIC_SLUGS[t.slug]), text);
        }
        for e in &self.explainers {
            files.insert(self.explainer_path(e), self.explainer_text(e));
        }
        for section in &self.sections {
            let mut text = format!("---\ntitle: {}\n", quoted(SECTION_TITLES[section.title]));
            if let Some(summary) = section.summary {
                text.push_str(&format!("summary: {}\n", quoted(SUMMARIES[summary])));
            }
            if let Some(desk) = section.extra {
                text.push_str(&format!("extra:\n  desk: {}\n", quoted(DESKS[desk])));
            }
            text.push_str("---\n");
            if let Some(body) = section.body {
                text.push_str(&format!("\n{} See [the topic](topic:taiwan).\n", SENTENCES[body]));
            }
            files.insert(format!("content/{}/_index.md", FOLDERS[section.folder]), text);
        }
        files
    }

    fn explainer_text(&self, e: &Explainer) -> String {
        let year = if e.earlier { 2023 } else { 2024 };
        let mut text = format!("---\ntitle: {}\ndate: {year}-11-{:02}\n", quoted(TITLES[e.title]), e.day);
        if let Some(day) = e.updated {
            text.push_str(&format!("updated: 2024-11-{day:02}\n"));
        }
        if let Some(summary) = e.summary {
            text.push_str(&format!("summary: {}\n", quoted(SUMMARIES[summary])));
        }
        let topics: Vec<String> = e.topics.iter().map(|&t| quoted(TOPIC_NAMES[t])).collect();
        text.push_str(&format!("topics: [{}]\n", topics.join(", ")));
        let actors: Vec<String> = e
            .actors
            .iter()
            .map(|&(a, by_slug)| {
                quoted(match ACTOR_SLUGS.get(a) {
                    Some(slug) if by_slug => slug,
                    Some(_) => ACTOR_NAMES[a][0],
                    None => OTHER_ACTORS[(a - ACTOR_SLUGS.len()) % OTHER_ACTORS.len()],
                })
            })
            .collect();
        text.push_str(&format!("actors: [{}]\n", actors.join(", ")));
        if e.draft {
            text.push_str("draft: true\n");
        }
        if let Some(alias) = e.alias {
            text.push_str(&format!("aliases: [/2024/{}/]\n", FILE_NAMES[alias]));
        }
        if let Some(takeaway) = e.takeaway {
            text.push_str(&format!("takeaways:\n  - {}\n", quoted(SENTENCES[takeaway])));
        }
        if e.source {
            text.push_str("sources:\n  - id: wire\n    title: \"A wire story\"\n    url: https://example.org/wire\n");
        }
        if !e.timeline.is_empty() {
            text.push_str("timeline:\n");
            for &(day, event) in &e.timeline {
                text.push_str(&format!("  - date: 2024-11-{day:02}\n    event: {}\n", quoted(EVENTS[event])));
            }
        }
        text.push_str("---\n\n");
        for para in &e.body {
            let line = match para {
                Para::Text(i) => SENTENCES[i % SENTENCES.len()].to_string(),
                Para::Mention(i) => {
                    let names = spoken_names();
                    format!("{} spoke to reporters.", names[i % names.len()])
                }
                Para::Term(i) => format!("The {} communique was short.", GLOSSARY[i % GLOSSARY.len()].0),
                Para::Heading(i) => format!("## Section {}", i + 1),
                Para::Quote(text, who) => {
                    let names = spoken_names();
                    format!("> {}\n>\n> — {}", SENTENCES[text % SENTENCES.len()], names[who % names.len()])
                }
                Para::LinkExplainer(target, heading) => {
                    // to one of the others, as it is now; a later edit may break the link
                    let Some(other) = self.explainers.get(target % self.explainers.len()) else { continue };
                    let path = format!("/{}", self.explainer_path(other).trim_start_matches("content/"));
                    let anchor = heading.map(|h| format!("#section-{}", h + 1)).unwrap_or_default();
                    format!("See [{}]({path}{anchor}).", TITLES[other.title])
                }
                Para::LinkActor(i) => format!("Read [the profile](actor:{}).", ACTOR_SLUGS[i % ACTOR_SLUGS.len()]),
                Para::LinkTopic(i) => format!("More on [this topic](topic:{}).", TOPIC_SLUGS[i % TOPIC_SLUGS.len()]),
                Para::LinkSection(i) => format!("All of [this section](/{}/_index.md).", FOLDERS[i % FOLDERS.len()]),
                Para::Cite if e.source => "As reported [1](source:wire).".to_string(),
                Para::Cite => continue,
            };
            text.push_str(&line);
            text.push_str("\n\n");
        }
        text
    }
}

/// The fields of an `_index.md` an edit writes: title, summary, body, extra.
type SectionFields = (usize, Option<usize>, Option<usize>, Option<usize>);

/// One edit of the site. Indexes are taken modulo the length of what they index.
#[derive(Debug, Clone)]
enum Edit {
    Body(usize, usize, Para),
    BodyRemove(usize, usize),
    Title(usize, usize),
    Summary(usize, Option<usize>),
    Dates(usize, u8, Option<u8>),
    ExplainerTopics(usize, Vec<usize>),
    ExplainerActors(usize, Vec<(usize, bool)>),
    Timeline(usize, Vec<(u8, usize)>),
    Sources(usize, bool, Option<usize>),
    TopicTitle(usize, usize),
    TopicSummary(usize, Option<usize>),
    TopicAliases(usize, Vec<usize>),
    TopicBody(usize, Option<usize>),
    ActorName(usize, usize),
    ActorRole(usize, Option<usize>),
    ActorKind(usize, Option<usize>),
    ActorAliases(usize, Vec<usize>),
    ActorBody(usize, Option<usize>),
    Glossary(Vec<(usize, usize)>),
    SiteToml(usize, usize, usize, bool, usize),
    CardTemplate(usize),
    Draft(usize, bool),
    Alias(usize, Option<usize>),
    Home(Option<(usize, usize)>),
    Static(Option<usize>),
    ExplainerTemplate(usize),
    /// `[extra]` of site.toml, and `extra` of an actor.
    Extra(Option<usize>, usize, Option<usize>),
    AddExplainer(usize, usize, usize, u8),
    RemoveExplainer(usize),
    RenameExplainer(usize, usize, usize),
    AddActor(usize, usize),
    RemoveActor(usize),
    AddTopic(usize, usize),
    RemoveTopic(usize),
    /// `_index.md` in `FOLDERS[folder]`: (title, summary, body, extra), or none.
    Section(usize, Option<SectionFields>),
    /// An explainer dated in 2023 or 2024.
    Year(usize, bool),
}

fn para() -> impl Strategy<Value = Para> {
    prop_oneof![
        (0..4usize).prop_map(Para::Text),
        (0..22usize).prop_map(Para::Mention),
        (0..3usize).prop_map(Para::Term),
        (0..3usize).prop_map(Para::Heading),
        (0..4usize, 0..22usize).prop_map(|(t, w)| Para::Quote(t, w)),
        (0..8usize, proptest::option::of(0..3usize)).prop_map(|(t, h)| Para::LinkExplainer(t, h)),
        (0..5usize).prop_map(Para::LinkActor),
        (0..4usize).prop_map(Para::LinkTopic),
        (0..3usize).prop_map(Para::LinkSection),
        Just(Para::Cite),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = || 0..8usize;
    let day = || 1..29u8;
    prop_oneof![
        4 => (i(), i(), para()).prop_map(|(e, at, p)| Edit::Body(e, at, p)),
        1 => (i(), i()).prop_map(|(e, at)| Edit::BodyRemove(e, at)),
        3 => (i(), 0..TITLES.len()).prop_map(|(e, t)| Edit::Title(e, t)),
        2 => (i(), proptest::option::of(0..SUMMARIES.len())).prop_map(|(e, s)| Edit::Summary(e, s)),
        1 => (i(), day(), proptest::option::of(day())).prop_map(|(e, d, u)| Edit::Dates(e, d, u)),
        2 => (i(), proptest::collection::vec(0..TOPIC_NAMES.len(), 0..3)).prop_map(|(e, t)| Edit::ExplainerTopics(e, t)),
        2 => (i(), proptest::collection::vec((0..ACTOR_SLUGS.len() + OTHER_ACTORS.len(), any::<bool>()), 0..3))
            .prop_map(|(e, a)| Edit::ExplainerActors(e, a)),
        1 => (i(), proptest::collection::vec((day(), 0..EVENTS.len()), 0..3)).prop_map(|(e, t)| Edit::Timeline(e, t)),
        1 => (i(), any::<bool>(), proptest::option::of(0..SENTENCES.len())).prop_map(|(e, s, t)| Edit::Sources(e, s, t)),
        2 => (i(), 0..2usize).prop_map(|(t, v)| Edit::TopicTitle(t, v)),
        3 => (i(), proptest::option::of(0..SUMMARIES.len())).prop_map(|(t, v)| Edit::TopicSummary(t, v)),
        1 => (i(), proptest::collection::vec(0..TOPIC_ALIASES.len(), 0..2)).prop_map(|(t, v)| Edit::TopicAliases(t, v)),
        1 => (i(), proptest::option::of(0..SENTENCES.len())).prop_map(|(t, v)| Edit::TopicBody(t, v)),
        2 => (i(), 0..2usize).prop_map(|(a, v)| Edit::ActorName(a, v)),
        2 => (i(), proptest::option::of(0..ROLES.len())).prop_map(|(a, v)| Edit::ActorRole(a, v)),
        3 => (i(), proptest::option::of(0..KINDS.len())).prop_map(|(a, v)| Edit::ActorKind(a, v)),
        2 => (i(), proptest::collection::vec(0..2usize, 0..3)).prop_map(|(a, v)| Edit::ActorAliases(a, v)),
        1 => (i(), proptest::option::of(0..SENTENCES.len())).prop_map(|(a, v)| Edit::ActorBody(a, v)),
        2 => proptest::collection::vec((0..GLOSSARY.len(), 0..GLOSSARY.len()), 0..3).prop_map(Edit::Glossary),
        2 => (0..2usize, 0..2usize, prop_oneof![Just(0usize), Just(1), Just(2), Just(10)], any::<bool>(), 0..3usize)
            .prop_map(|(t, d, p, s, a)| Edit::SiteToml(t, d, p, s, a)),
        1 => (0..3usize).prop_map(Edit::CardTemplate),
        1 => (i(), any::<bool>()).prop_map(|(e, d)| Edit::Draft(e, d)),
        1 => (i(), proptest::option::of(0..FILE_NAMES.len())).prop_map(|(e, a)| Edit::Alias(e, a)),
        1 => proptest::option::of((0..TITLES.len(), 0..SENTENCES.len())).prop_map(Edit::Home),
        1 => proptest::option::of(0..2usize).prop_map(Edit::Static),
        1 => (0..2usize).prop_map(Edit::ExplainerTemplate),
        1 => (proptest::option::of(0..DESKS.len()), i(), proptest::option::of(0..DESKS.len()))
            .prop_map(|(s, a, v)| Edit::Extra(s, a, v)),
        2 => (0..FILE_NAMES.len(), 0..FOLDERS.len(), 0..TITLES.len(), day())
            .prop_map(|(n, f, t, d)| Edit::AddExplainer(n, f, t, d)),
        1 => i().prop_map(Edit::RemoveExplainer),
        1 => (i(), 0..FILE_NAMES.len(), 0..FOLDERS.len()).prop_map(|(e, n, f)| Edit::RenameExplainer(e, n, f)),
        1 => (0..ACTOR_SLUGS.len(), 0..2usize).prop_map(|(s, n)| Edit::AddActor(s, n)),
        1 => i().prop_map(Edit::RemoveActor),
        1 => (0..TOPIC_SLUGS.len(), 0..2usize).prop_map(|(s, t)| Edit::AddTopic(s, t)),
        1 => i().prop_map(Edit::RemoveTopic),
        2 => (
            0..FOLDERS.len(),
            proptest::option::of((
                0..SECTION_TITLES.len(),
                proptest::option::of(0..SUMMARIES.len()),
                proptest::option::of(0..SENTENCES.len()),
                proptest::option::of(0..DESKS.len())
            ))
        )
            .prop_map(|(f, s)| Edit::Section(f, s)),
        1 => (i(), any::<bool>()).prop_map(|(e, y)| Edit::Year(e, y)),
    ]
}

fn nth<T>(items: &mut [T], i: usize) -> Option<&mut T> {
    let len = items.len();
    if len == 0 { None } else { items.get_mut(i % len) }
}

impl Model {
    fn apply(&mut self, edit: &Edit) {
        match edit.clone() {
            Edit::Body(e, at, p) => {
                if let Some(e) = nth(&mut self.explainers, e) {
                    let at = at % (e.body.len() + 1);
                    e.body.insert(at, p);
                }
            }
            Edit::BodyRemove(e, at) => {
                if let Some(e) = nth(&mut self.explainers, e).filter(|e| !e.body.is_empty()) {
                    let at = at % e.body.len();
                    e.body.remove(at);
                }
            }
            Edit::Title(e, t) => nth(&mut self.explainers, e).into_iter().for_each(|e| e.title = t),
            Edit::Summary(e, s) => nth(&mut self.explainers, e).into_iter().for_each(|e| e.summary = s),
            Edit::Dates(e, d, u) => nth(&mut self.explainers, e).into_iter().for_each(|e| (e.day, e.updated) = (d, u)),
            Edit::ExplainerTopics(e, t) => nth(&mut self.explainers, e).into_iter().for_each(|e| e.topics = t.clone()),
            Edit::ExplainerActors(e, a) => nth(&mut self.explainers, e).into_iter().for_each(|e| e.actors = a.clone()),
            Edit::Timeline(e, t) => nth(&mut self.explainers, e).into_iter().for_each(|e| e.timeline = t.clone()),
            Edit::Sources(e, s, t) => {
                nth(&mut self.explainers, e).into_iter().for_each(|e| (e.source, e.takeaway) = (s, t))
            }
            Edit::TopicTitle(t, v) => nth(&mut self.topics, t).into_iter().for_each(|t| t.title = v),
            Edit::TopicSummary(t, v) => nth(&mut self.topics, t).into_iter().for_each(|t| t.summary = v),
            Edit::TopicAliases(t, v) => nth(&mut self.topics, t).into_iter().for_each(|t| t.aliases = v.clone()),
            Edit::TopicBody(t, v) => nth(&mut self.topics, t).into_iter().for_each(|t| t.body = v),
            Edit::ActorName(a, v) => nth(&mut self.actors, a).into_iter().for_each(|a| a.name = v),
            Edit::ActorRole(a, v) => nth(&mut self.actors, a).into_iter().for_each(|a| a.role = v),
            Edit::ActorKind(a, v) => nth(&mut self.actors, a).into_iter().for_each(|a| a.kind = v),
            Edit::ActorAliases(a, v) => nth(&mut self.actors, a).into_iter().for_each(|a| a.aliases = v.clone()),
            Edit::ActorBody(a, v) => nth(&mut self.actors, a).into_iter().for_each(|a| a.body = v),
            Edit::Glossary(g) => self.glossary = g,
            Edit::SiteToml(t, d, p, s, a) => {
                (self.title, self.description, self.paginate, self.search, self.autolink) = (t, d, p, s, a)
            }
            Edit::CardTemplate(v) => self.card_template = v,
            Edit::Draft(e, d) => nth(&mut self.explainers, e).into_iter().for_each(|e| e.draft = d),
            Edit::Alias(e, a) => nth(&mut self.explainers, e).into_iter().for_each(|e| e.alias = a),
            Edit::Home(h) => self.home = h,
            Edit::Static(f) => self.static_file = f,
            Edit::ExplainerTemplate(v) => self.explainer_template = v,
            Edit::Extra(site, a, v) => {
                self.site_extra = site;
                nth(&mut self.actors, a).into_iter().for_each(|a| a.extra = v);
            }
            Edit::AddExplainer(name, folder, title, day) => {
                // one file per path: a second one at the same path replaces the first
                self.explainers.retain(|e| (e.name, e.folder) != (name, folder));
                self.explainers.push(Explainer {
                    folder,
                    name,
                    title,
                    day,
                    earlier: false,
                    updated: None,
                    summary: None,
                    topics: vec![title % TOPIC_NAMES.len()],
                    actors: vec![(title % (ACTOR_SLUGS.len() + OTHER_ACTORS.len()), false)],
                    timeline: vec![(day, title % EVENTS.len())],
                    source: true,
                    takeaway: Some(0),
                    draft: false,
                    alias: None,
                    body: vec![Para::Text(title), Para::Mention(title + 1), Para::Cite],
                });
            }
            Edit::RemoveExplainer(e) => {
                if !self.explainers.is_empty() {
                    let at = e % self.explainers.len();
                    self.explainers.remove(at);
                }
            }
            Edit::RenameExplainer(e, name, folder) => {
                let clash = self.explainers.iter().any(|o| (o.name, o.folder) == (name, folder));
                if let Some(e) = nth(&mut self.explainers, e).filter(|_| !clash) {
                    (e.name, e.folder) = (name, folder);
                }
            }
            Edit::AddActor(slug, name) => {
                self.actors.retain(|a| a.slug != slug);
                self.actors.push(ActorProfile {
                    slug,
                    name,
                    kind: Some(0),
                    role: None,
                    aliases: vec![],
                    body: None,
                    extra: None,
                });
            }
            Edit::RemoveActor(a) => {
                if !self.actors.is_empty() {
                    let at = a % self.actors.len();
                    self.actors.remove(at);
                }
            }
            Edit::AddTopic(slug, title) => {
                self.topics.retain(|t| t.slug != slug);
                self.topics.push(TopicProfile { slug, title, summary: Some(1), aliases: vec![], body: None });
            }
            Edit::RemoveTopic(t) => {
                if !self.topics.is_empty() {
                    let at = t % self.topics.len();
                    self.topics.remove(at);
                }
            }
            Edit::Section(folder, section) => {
                self.sections.retain(|s| s.folder != folder);
                if let Some((title, summary, body, extra)) = section {
                    self.sections.push(SectionIndex { folder, title, summary, body, extra });
                }
            }
            Edit::Year(e, earlier) => nth(&mut self.explainers, e).into_iter().for_each(|e| e.earlier = earlier),
        }
    }
}

const BASE_URL: &str = "http://127.0.0.1:8000/";

/// The build's day of `serve` and of the builds it is compared with: explainers of the model
/// dated 2024-11-28 are scheduled, left out of both (links to them are written as text).
fn today() -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(2024, 11, 27)
}

/// What a build gives: every file it writes (static files by where they come from), or its
/// errors as printed.
#[derive(Debug, PartialEq)]
enum Outcome {
    Built { files: BTreeMap<String, Vec<u8>>, warnings: Vec<String> },
    Failed(Vec<String>),
}

fn printed(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| d.to_string()).collect()
}

fn static_entry(source: &dossier::load::StaticSource) -> Vec<u8> {
    format!("static: {source:?}").into_bytes()
}

/// A build from nothing, into memory, with the base URL `serve` uses.
fn cold_build(root: &std::path::Path) -> Outcome {
    let options = PipelineOptions {
        root: root.to_path_buf(),
        base_url: Some(BASE_URL.to_string()),
        include_drafts: false,
        include_future: false,
        today: today(),
        ends_process: false,
    };
    let config = match pipeline::load_config(&options) {
        Ok(config) => config,
        Err(errors) => return Outcome::Failed(printed(&errors)),
    };
    let sink = MemorySink::default();
    match pipeline::run(&options, config, &sink) {
        Ok(rendered) => {
            let mut files: BTreeMap<String, Vec<u8>> = sink.into_files().into_iter().collect();
            for f in rendered.static_files.iter() {
                files.insert(f.output_path.clone(), static_entry(&f.source));
            }
            Outcome::Built { files, warnings: printed(&rendered.warnings) }
        }
        Err(errors) => Outcome::Failed(printed(&errors)),
    }
}

/// A `serve` session and the files it serves, as the server would hold them.
struct Served {
    session: Session,
    snapshot: Snapshot,
}

impl Served {
    fn new(root: &std::path::Path, shown: Shown) -> Served {
        let mut session = Session::new(root.to_path_buf(), BASE_URL.to_string(), false).with_clock(false, today());
        session.cache_mut().fingerprint_with(shown);
        Served { session, snapshot: Snapshot::default() }
    }

    /// Rebuilds after `changed` (paths from the site's root, as the watcher reports them).
    fn rebuild(&mut self, changed: &[String]) -> Outcome {
        let changes: Vec<ChangedPath> = changed.iter().map(|p| ChangedPath::file(p)).collect();
        let plan = if changed.is_empty() { changes::RebuildPlan::everything() } else { changes::plan(&changes) };
        match self.session.rebuild(&plan) {
            Ok(rebuilt) => {
                self.snapshot.apply(rebuilt.update);
                let (search, _) = self.session.rebuild_search().expect("the index is built in memory");
                self.snapshot.apply(search);
                let mut files: BTreeMap<String, Vec<u8>> =
                    self.snapshot.pages.iter().map(|(path, bytes)| (path.clone(), bytes.to_vec())).collect();
                for (path, source) in &self.snapshot.statics {
                    files.insert(path.clone(), static_entry(source));
                }
                Outcome::Built { files, warnings: printed(&rebuilt.warnings) }
            }
            Err(errors) => Outcome::Failed(printed(&errors)),
        }
    }
}

/// Says where two outcomes differ, briefly.
fn difference(served: &Outcome, built: &Outcome) -> String {
    match (served, built) {
        (Outcome::Built { files: a, warnings: wa }, Outcome::Built { files: b, warnings: wb }) => {
            let paths: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for path in paths {
                match (a.get(path), b.get(path)) {
                    (Some(x), Some(y)) if x == y => {}
                    (Some(x), Some(y)) => {
                        let (x, y) = (String::from_utf8_lossy(x), String::from_utf8_lossy(y));
                        let at = x.bytes().zip(y.bytes()).take_while(|(p, q)| p == q).count();
                        let around = |s: &str| -> String {
                            s.char_indices()
                                .skip_while(|(i, _)| *i + 80 < at)
                                .take_while(|(i, _)| *i < at + 120)
                                .map(|(_, c)| c)
                                .collect()
                        };
                        return format!(
                            "{path} differs at byte {at}:\n  serve: {:?}\n  build: {:?}",
                            around(&x),
                            around(&y)
                        );
                    }
                    (Some(_), None) => return format!("{path} is served but not built"),
                    (None, Some(_)) => return format!("{path} is built but not served"),
                    (None, None) => unreachable!(),
                }
            }
            format!("warnings differ:\n  serve: {wa:?}\n  build: {wb:?}")
        }
        _ => format!("serve: {}\nbuild: {}", summary(served), summary(built)),
    }
}

fn summary(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Built { files, .. } => format!("built {} files", files.len()),
        Outcome::Failed(errors) => format!("failed:\n{}", errors.join("\n")),
    }
}

/// Writes `model` into the site, and returns the paths that changed since `before`.
fn write(site: &Site, before: &BTreeMap<String, String>, model: &Model) -> (BTreeMap<String, String>, Vec<String>) {
    let after = model.files();
    let mut changed = Vec::new();
    for (path, text) in &after {
        if before.get(path) != Some(text) {
            site.write(path, text);
            changed.push(path.clone());
        }
    }
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        site.remove(path);
        changed.push(path.clone());
    }
    (after, changed)
}

/// Runs `edits` on a fresh site through one session, comparing with a build after each.
fn serve_equals_build(edits: &[Edit], shown: Shown) -> Result<(), TestCaseError> {
    let site = Site::empty();
    let mut model = Model::start();
    let (mut files, _) = write(&site, &BTreeMap::new(), &model);
    let mut served = Served::new(&site.root, shown);
    let first = served.rebuild(&[]);
    prop_assert!(first == cold_build(&site.root), "first build: {}", difference(&first, &cold_build(&site.root)));
    for (n, edit) in edits.iter().enumerate() {
        model.apply(edit);
        let changed;
        (files, changed) = write(&site, &files, &model);
        let (from_serve, from_build) = (served.rebuild(&changed), cold_build(&site.root));
        prop_assert!(
            from_serve == from_build,
            "after edit {n} ({edit:?}), changing {changed:?}:\n{}",
            difference(&from_serve, &from_build)
        );
    }
    Ok(())
}

/// How many random edit sequences to try: `default`, or `SERVE_EQUALS_BUILD_CASES` (CI's longer run).
fn cases(default: u32) -> u32 {
    std::env::var("SERVE_EQUALS_BUILD_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(32), max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn serve_shows_what_a_build_from_nothing_writes(edits in proptest::collection::vec(edit(), 1..12)) {
        serve_equals_build(&edits, Shown::ALL)?;
    }
}

/// The drifted cases of issue 20, each a regression test: a topic's summary is the subtitle of
/// its feed, an actor's name and role title its feed, and an actor's kind and aliases are in the
/// JSON-LD of every explainer that names it.
#[test]
fn edits_that_served_stale_pages() {
    for edit in [
        Edit::TopicSummary(0, Some(2)),
        Edit::TopicSummary(0, None),
        Edit::ActorRole(0, Some(1)),
        Edit::ActorName(1, 1),
        Edit::ActorKind(0, Some(1)),
        Edit::ActorKind(2, Some(2)),
        Edit::ActorAliases(1, vec![1]),
        Edit::Timeline(1, vec![(15, 3)]),
    ] {
        serve_equals_build(std::slice::from_ref(&edit), Shown::ALL).unwrap_or_else(|e| panic!("{edit:?}: {e}"));
    }
}

/// `serve` and `build` follow one error policy: a file that cannot be read (load) does not stop
/// the run, so the YAML error of another file (parse) is reported with it. `serve` used to stop
/// after load errors, and showed the YAML error only once the first was fixed.
#[test]
fn load_errors_do_not_hide_parse_errors_in_serve() {
    let site = Site::fixture("invalid-load-and-parse");
    let mut served = Served::new(&site.root, Shown::ALL);
    let first = served.rebuild(&[]);
    assert_eq!(first, cold_build(&site.root), "{}", difference(&first, &cold_build(&site.root)));
    let Outcome::Failed(errors) = &first else { panic!("the fixture has errors: {}", summary(&first)) };
    insta::assert_snapshot!(errors.join("\n"));
    assert!(errors.iter().any(|e| e.contains("latin1.md") && e.contains("not UTF-8")), "{errors:#?}");
    assert!(errors.iter().any(|e| e.contains("readout.md:")), "{errors:#?}");

    // an edit of another file: both are reported again
    site.write(
        "content/articles/summit.md",
        &std::fs::read_to_string(site.root.join("content/articles/summit.md"))
            .unwrap()
            .replace("two hours", "three hours"),
    );
    let again = served.rebuild(&["content/articles/summit.md".to_string()]);
    assert_eq!(again, cold_build(&site.root), "{}", difference(&again, &cold_build(&site.root)));
    assert_eq!(&again, &first);

    // the unreadable file fixed: the YAML error stays
    site.write(
        "content/articles/latin1.md",
        "---\ntitle: Export controls in Beijing\ndate: 2024-12-02\n---\n\nThe rules were «discriminatory».\n",
    );
    let fixed = served.rebuild(&["content/articles/latin1.md".to_string()]);
    assert_eq!(fixed, cold_build(&site.root), "{}", difference(&fixed, &cold_build(&site.root)));
    let Outcome::Failed(errors) = &fixed else { panic!("the YAML error is left: {}", summary(&fixed)) };
    assert!(
        errors.iter().all(|e| !e.contains("latin1.md")) && errors.iter().any(|e| e.contains("readout.md:")),
        "{errors:#?}"
    );

    // and both fixed: the site builds, as a build from nothing does
    site.write(
        "content/articles/readout.md",
        "---\ntitle: What the readouts said\ndate: 2024-11-17\n---\n\nThe readouts differed on Taiwan.\n",
    );
    let built = served.rebuild(&["content/articles/readout.md".to_string()]);
    assert_eq!(built, cold_build(&site.root), "{}", difference(&built, &cold_build(&site.root)));
    assert!(matches!(built, Outcome::Built { .. }), "{}", summary(&built));
}

fn hash_view(h: &mut dyn Hasher, view: &impl serde::Serialize) {
    h.write(&serde_json::to_vec(view).unwrap());
}

/// A topic in lists, with its summary left out.
fn topic_listed_without_summary(site: &Assembled<'_>, id: usize, h: &mut dyn Hasher) {
    let mut entry = views::topic_count(site, &site.topics[id]);
    entry.note = None;
    hash_view(h, &entry);
}

/// An actor linked from explainers without its JSON-LD node, which has its kind and aliases:
/// the fingerprint of explainer pages issue 20 found stale.
fn actor_link_without_json_ld(site: &Assembled<'_>, id: usize, h: &mut dyn Hasher) {
    hash_view(h, &views::actor_link(site, id));
}

/// A section in breadcrumbs without its title: explainer pages would keep an old one.
fn section_link_without_title(site: &Assembled<'_>, id: usize, h: &mut dyn Hasher) {
    hash_view(h, &views::section_link(site, id).href);
}

/// Taking one field out of a fingerprint makes the property test above fail: it finds the edit
/// that shows a stale page, within the cases `cargo test` runs.
#[test]
fn a_field_left_out_of_a_fingerprint_is_found() {
    for (what, shown) in [
        ("a topic's summary in lists", Shown { topic_listed: topic_listed_without_summary, ..Shown::ALL }),
        ("an actor's JSON-LD on explainer pages", Shown { actor_link: actor_link_without_json_ld, ..Shown::ALL }),
    ] {
        let config = Config {
            cases: 12,
            failure_persistence: None,
            max_shrink_iters: 0,
            rng_algorithm: RngAlgorithm::ChaCha,
            ..Config::default()
        };
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[20; 32]);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let found = runner.run(&proptest::collection::vec(edit(), 1..12), |edits| serve_equals_build(&edits, shown));
        assert!(found.is_err(), "with {what} left out of fingerprints, no random edit sequence showed a stale page");
    }
}

/// The same for sections, on edits of `_index.md` that change a section's title: the explainers
/// of the section show it in their breadcrumbs (and `serve` must render them again).
#[test]
fn a_section_left_out_of_a_fingerprint_is_found() {
    // an archive's title is in every page (`site.archives`), whatever its breadcrumbs say
    let retitled = [Edit::Section(0, Some((1, None, None, None))), Edit::Section(0, None)];
    serve_equals_build(&retitled, Shown::ALL).unwrap();
    let stale = Shown { section_link: section_link_without_title, ..Shown::ALL };
    // a section below it: an explainer moved into its folder, then its title changed
    let nested = [
        Edit::RenameExplainer(0, 0, 1),
        Edit::Section(1, Some((0, Some(1), Some(2), None))),
        Edit::Section(1, Some((1, Some(1), Some(2), None))),
    ];
    serve_equals_build(&nested, Shown::ALL).unwrap();
    assert!(serve_equals_build(&nested, stale).is_err(), "a stale breadcrumb was not noticed");
}
