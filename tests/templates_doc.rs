//! docs/templates.md and the view structs (src/render/views.rs) list the same variables: every
//! variable the page names exists in what templates are given, and every field templates are
//! given is named on the page. Also the facts the page states about actor kinds.
//!
//! The page's tables under `## Variables` are read: the first cell names variables in full
//! (`explainer.title`), a `{a, b}` in the row gives the fields of each item, and the shapes table
//! (date, link, card…) the fields of values used in many places. On the Rust side, one sample of
//! each template's context, with every optional value present and every list holding an item, is
//! serialized as templates see it, and its keys collected; a value of a known shape is checked
//! once, as a shape.

use dossier::frontmatter::ActorKind;
use dossier::render::lists::{Jump, JumpGroup, LetterGroup, TopicLetter};
use dossier::render::templates::{CARD_TEMPLATE, REQUIRED};
use dossier::render::views::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const DOC: &str = include_str!("../docs/templates.md");

/// The heading of the shapes table.
const SHAPES_HEADING: &str = "Dates, links and lists";

type Names = BTreeSet<String>;

/// What the page lists.
#[derive(Default, Debug)]
struct Doc {
    /// Shape name → its fields (`links.number` for the fields of a field's items).
    shapes: BTreeMap<String, Names>,
    /// Variables of every template (`site.*`).
    every_template: Names,
    /// Variables of every page's template (`page.*`); partials render parts of pages.
    every_page: Names,
    /// Template → its own variables.
    templates: BTreeMap<String, Names>,
    /// Variable → the text of its row, for the facts stated there.
    rows: BTreeMap<String, String>,
}

/// The cells of a table row: the first, and the rest as written. `\|` is a pipe inside a cell.
fn cells(line: &str) -> (String, String) {
    let mut cells: Vec<String> = vec![String::new()];
    let mut chars = line.trim().trim_start_matches('|').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => cells.last_mut().unwrap().push(chars.next().unwrap()),
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    let first = cells.remove(0).trim().to_string();
    (first, cells.join("|"))
}

/// The text of each `code span` in `text`.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn is_variable(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// `{number, href, current}` → its names.
fn braced(span: &str) -> Option<Vec<String>> {
    let inner = span.strip_prefix('{')?.strip_suffix('}')?;
    let names: Vec<String> = inner.split(',').map(|n| n.trim().to_string()).collect();
    names.iter().all(|n| is_variable(n)).then_some(names)
}

fn parse_doc(text: &str) -> Doc {
    let section = text.split("\n## Variables\n").nth(1).expect("docs/templates.md has `## Variables`");
    let section = section.split("\n## ").next().unwrap();
    let mut doc = Doc::default();
    // where the rows of the current table go
    enum Place {
        Shapes,
        EveryTemplate,
        EveryPage,
        Template(String),
    }
    let mut place = None;
    for line in section.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            place = Some(if heading == SHAPES_HEADING {
                Place::Shapes
            } else if heading.ends_with("(every template)") {
                Place::EveryTemplate
            } else if heading.ends_with("(every page)") {
                Place::EveryPage
            } else {
                let spans = code_spans(heading);
                assert_eq!(spans.len(), 1, "a heading under `## Variables` names one template: {heading}");
                doc.templates.insert(spans[0].to_string(), Names::new());
                Place::Template(spans[0].to_string())
            });
            continue;
        }
        if !line.starts_with('|') || line.starts_with("| ---") {
            continue;
        }
        let (first, rest) = cells(line);
        if first == "variable" || first == "shape" {
            continue;
        }
        let place = place.as_ref().expect("tables under `## Variables` are below a `###` heading");
        if let Place::Shapes = place {
            let mut fields = Names::new();
            let mut last = None;
            for span in code_spans(&rest) {
                match braced(span) {
                    Some(nested) => {
                        let field: &String = last.as_ref().expect("`{…}` follows the field it describes");
                        fields.extend(nested.iter().map(|n| format!("{field}.{n}")));
                    }
                    None => {
                        assert!(is_variable(span), "shape `{first}`: `{span}` is not a field name");
                        fields.insert(span.to_string());
                        last = Some(span.to_string());
                    }
                }
            }
            doc.shapes.insert(first, fields);
            continue;
        }
        let names = code_spans(&first);
        assert!(!names.is_empty(), "a row names its variables in `code`: {line}");
        let nested: Vec<String> = code_spans(&rest).into_iter().filter_map(braced).flatten().collect();
        let listed = match place {
            Place::EveryTemplate => &mut doc.every_template,
            Place::EveryPage => &mut doc.every_page,
            Place::Template(t) => doc.templates.get_mut(t).unwrap(),
            Place::Shapes => unreachable!(),
        };
        for name in names {
            assert!(is_variable(name), "`{name}` is not a variable name: {line}");
            listed.insert(name.to_string());
            listed.extend(nested.iter().map(|n| format!("{name}.{n}")));
            doc.rows.insert(name.to_string(), rest.clone());
        }
    }
    doc
}

// ---------------------------------------------------------------------------------------------
// Samples: every optional value present, every list with an item.

fn date() -> DateText {
    DateText { iso: "2024-11-16".into(), human: "16 November 2024".into() }
}

fn link() -> Link {
    Link { title: "Taiwan".into(), href: "/topics/taiwan/".into() }
}

fn card() -> Card {
    Card {
        title: "Biden and Xi in Lima".into(),
        href: "/articles/lima/".into(),
        date: date(),
        summary: "Their last meeting.".into(),
        topics: vec![link()],
        html: "<li class=\"card\"></li>".into(),
    }
}

fn entity_count() -> EntityCount {
    EntityCount {
        name: "Xi Jinping".into(),
        href: "/actors/xi-jinping/".into(),
        count: 3,
        note: Some("President".into()),
    }
}

fn paginator() -> Paginator {
    Paginator {
        page: 2,
        pages: 3,
        previous: Some("/".into()),
        next: Some("/page/3/".into()),
        links: vec![PageLink { number: Some(1), href: Some("/".into()), current: false }],
    }
}

fn site() -> SiteView {
    SiteView {
        title: "Explainers".into(),
        description: "US-China policy".into(),
        language: "en".into(),
        direction: "ltr",
        base_url: "https://example.org/".into(),
        base_path: "/".into(),
        nav: vec![NavItem { key: "topics", title: "Topics".into(), href: "/topics/".into() }],
        archives: vec![link()],
        generator: "dossier".into(),
        extra: Default::default(),
        assets: Default::default(),
    }
}

fn page() -> PageMeta {
    PageMeta {
        kind: "explainer",
        section: "explainers",
        title: "Biden and Xi in Lima".into(),
        description: "Their last meeting.".into(),
        href: "/articles/lima/".into(),
        permalink: "https://example.org/articles/lima/".into(),
        canonical: "https://example.org/articles/lima/".into(),
        breadcrumbs: vec![link()],
        og_type: "article",
        published: Some("2024-11-16".into()),
        modified: Some("2024-11-17".into()),
        tags: vec!["Taiwan".into()],
        feeds: vec![link()],
        json_ld: "{}".into(),
        image: Some(ImageView {
            url: "https://example.org/articles/lima/map.png".into(),
            width: Some(1200),
            height: Some(630),
        }),
        has_code: true,
        translations: vec![TranslationLink {
            lang: "fr".into(),
            name: "Français".into(),
            href: "/fr/articles/lima/".into(),
            url: "https://example.org/fr/articles/lima/".into(),
            current: false,
        }],
        x_default: "https://example.org/articles/lima/".into(),
        untranslated: "en".into(),
    }
}

/// An empty `extra`: its keys are the site's own, not listed.
static EXTRA: dossier::extra::Extra = dossier::extra::Map(Vec::new());

fn explainer_view<'a>(card: &'a CardValue, texts: &'a [String]) -> ExplainerView<'a> {
    ExplainerView {
        title: "Biden and Xi in Lima",
        href: "/articles/lima/".into(),
        permalink: "https://example.org/articles/lima/".into(),
        date: date(),
        updated: Some(date()),
        summary: "Their last meeting.",
        body: "<p>Body</p>".into(),
        topics: vec![link()],
        actors: vec![ActorLink {
            name: "Xi Jinping".into(),
            href: "/actors/xi-jinping/".into(),
            role: Some("President".into()),
        }],
        takeaways: texts,
        sources: vec![SourceView {
            number: 1,
            id: "readout",
            anchor: "source-readout".into(),
            title: "Readout",
            publisher: Some("The White House"),
            url: Some("https://example.org/readout"),
            date: Some(date()),
            archived: Some("https://web.archive.org/web/2024/https://example.org/readout"),
        }],
        timeline: vec![DatedText { date: date(), text: "They met." }],
        updates: vec![UpdateView { date: date(), text: "Corrected.", kind: "correction" }],
        corrected: Some(date()),
        authors: vec![link()],
        cite: CiteView {
            apa: "Doe, J. (2024, November 16). <i>Lima</i>. Site. https://example.org/articles/lima/".into(),
            chicago: "Doe, Jane. “Lima.” Site. November 16, 2024. https://example.org/articles/lima/.".into(),
            bibtex: "@online{lima-2024,\n  title = {{Lima}}\n}".into(),
            json: link(),
        },
        related: vec![RelatedCard { card, links_here: true }],
        word_count: 900,
        reading_minutes: 5,
        draft: false,
        toc: vec![TocEntry { level: 2, id: "the-meeting", text: "The meeting", children: Vec::new() }],
        toc_shown: true,
        extra: &EXTRA,
        sections: vec![link()],
    }
}

fn topic_view<'a>(card: &'a CardValue, texts: &'a [String]) -> TopicView<'a> {
    TopicView {
        title: "Taiwan",
        slug: "taiwan",
        href: "/topics/taiwan/".into(),
        permalink: "https://example.org/topics/taiwan/".into(),
        summary: Some("The strait."),
        body: "<p>Profile</p>".into(),
        aliases: texts,
        count: 2,
        timeline: vec![TimelineEntryView { date: date(), event: "They met.", explainers: vec![link()] }],
        timeline_svg: "<svg></svg>".into(),
        key_actors: vec![entity_count()],
        backlinks: vec![card],
        extra: &EXTRA,
    }
}

fn actor_view<'a>(card: &'a CardValue, texts: &'a [String]) -> ActorView<'a> {
    ActorView {
        name: "Xi Jinping",
        slug: "xi-jinping",
        href: "/actors/xi-jinping/".into(),
        permalink: "https://example.org/actors/xi-jinping/".into(),
        kind: Some("person"),
        role: Some("President"),
        country: Some("China"),
        aliases: texts,
        body: "<p>Profile</p>".into(),
        count: 3,
        mentioned_in: vec![card],
        mentioned_count: 1,
        backlinks: vec![card],
        backlink_count: 1,
        quotes: vec![QuoteView { html: "<p>Words</p>".into(), explainer: link(), date: date() }],
        quote_count: 1,
        co_actors: vec![entity_count()],
        co_actors_svg: "<svg></svg>".into(),
        extra: &EXTRA,
        wikidata: Some("Q15031"),
        elsewhere: vec![link()],
    }
}

fn json(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).expect("view structs serialize")
}

/// One sample context of every template, as templates see it (with `site`).
fn contexts() -> BTreeMap<&'static str, Value> {
    let card_sample = card();
    let card_value = CardValue::from_serializable(&card_sample);
    let card = &card_value;
    let texts = vec!["A text".to_string()];
    let mut contexts = BTreeMap::new();
    contexts.insert(
        "index.html",
        json(HomeContext {
            page: page(),
            heading: "Explainers",
            intro: Some("<p>Intro</p>".into()),
            lead: Some(dossier::render::home::LeadView { card, featured: true, takeaways: &texts }),
            explainers: vec![card],
            paginator: paginator(),
            topics: vec![entity_count()],
            actors: vec![entity_count()],
        }),
    );
    contexts.insert("explainer.html", json(ExplainerContext { page: page(), explainer: explainer_view(card, &texts) }));
    contexts.insert(
        "topic.html",
        json(TopicContext {
            page: page(),
            topic: topic_view(card, &texts),
            explainers: vec![card],
            paginator: paginator(),
        }),
    );
    contexts.insert(
        "actor.html",
        json(ActorContext {
            page: page(),
            actor: actor_view(card, &texts),
            explainers: vec![card],
            paginator: paginator(),
        }),
    );
    contexts.insert(
        "section.html",
        json(SectionContext {
            page: page(),
            section: SectionView {
                title: "Asia",
                href: "/articles/asia/".into(),
                permalink: "https://example.org/articles/asia/".into(),
                summary: Some("The region."),
                body: "<p>Intro</p>".into(),
                is_archive: false,
                parent: Some(link()),
                children: vec![entity_count()],
                count: 4,
                extra: &EXTRA,
            },
            years: vec![YearGroup { year: 2024, continued: true, explainers: vec![card] }],
            paginator: paginator(),
        }),
    );
    let topic_letter =
        TopicLetter { letter: "T".into(), id: "letter-topic-t".into(), continued: false, topics: vec![entity_count()] };
    let topic_jump = Jump { letter: "T".into(), href: "/topics/#letter-topic-t".into() };
    contexts.insert(
        "topics.html",
        json(TopicsContext {
            page: page(),
            topics: vec![entity_count()],
            letters: vec![topic_letter],
            jumps: vec![topic_jump],
            count: 1,
            paginator: paginator(),
        }),
    );
    let letter = LetterGroup {
        letter: "X".into(),
        id: "letter-person-x".into(),
        continued: false,
        actors: vec![entity_count()],
    };
    let group = ActorGroup {
        kind: "person",
        label: "People".into(),
        continued: false,
        count: 1,
        actors: vec![entity_count()],
        letters: vec![letter],
    };
    let jump = Jump { letter: "X".into(), href: "/actors/#letter-person-x".into() };
    let jumps = vec![JumpGroup { kind: "person", label: "People".into(), letters: vec![jump] }];
    let actors = ActorsContext { page: page(), groups: vec![group], jumps, count: 1, paginator: paginator() };
    contexts.insert("actors.html", json(actors));
    let term = TermView {
        term: "APEC",
        expansion: "Asia-Pacific Economic Cooperation",
        anchor: "term-apec".into(),
        count: 1,
        explainers: vec![link()],
        more_href: Some("/search/?q=APEC".into()),
    };
    contexts.insert("glossary.html", json(GlossaryContext { page: page(), terms: vec![term] }));
    contexts.insert(
        "search.html",
        json(SearchContext { page: page(), index: "/search/index/".into(), messages: "{}".into() }),
    );
    let correction = CorrectionEntry { date: date(), text: "Corrected.", kind: "correction", explainer: link() };
    contexts.insert(
        "corrections.html",
        json(CorrectionsContext {
            page: page(),
            entries: vec![correction],
            corrections: 1,
            updates: 0,
            feed: "/corrections/atom.xml".into(),
        }),
    );
    contexts.insert(
        "404.html",
        json(NotFoundContext {
            page: page(),
            topics: vec![entity_count()],
            topic_count: 30,
            topics_href: "/topics/".into(),
            search: Some("/search/".into()),
        }),
    );
    contexts.insert(
        "alias.html",
        json(AliasContext {
            page: page(),
            target: link(),
            target_permalink: "https://example.org/articles/lima/".into(),
            target_json: "\"/articles/lima/\"".into(),
        }),
    );
    contexts.insert(CARD_TEMPLATE, json(CardContext { card: &card_sample }));
    for context in contexts.values_mut() {
        context.as_object_mut().expect("a context is an object").insert("site".into(), json(site()));
    }
    contexts
}

/// The samples of the shapes, by the names the page gives them.
fn shapes() -> BTreeMap<&'static str, Value> {
    BTreeMap::from([
        ("date", json(date())),
        ("link", json(link())),
        ("card", json(card())),
        ("entity count", json(entity_count())),
        ("paginator", json(paginator())),
    ])
}

fn key_set(value: &Value) -> Option<BTreeSet<&str>> {
    value.as_object().map(|o| o.keys().map(String::as_str).collect())
}

/// The names of every key in `value` under `prefix`, through lists; an object with the keys of a
/// shape is a leaf (its keys are checked with the shape).
fn collect(value: &Value, prefix: &str, shapes: &[BTreeSet<&str>], out: &mut Names) {
    match value {
        Value::Object(fields) => {
            if !prefix.is_empty() && key_set(value).is_some_and(|keys| shapes.contains(&keys)) {
                return;
            }
            for (key, field) in fields {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                collect(field, &name, shapes, out);
                out.insert(name);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, prefix, shapes, out)),
        _ => {}
    }
}

/// `names` with the objects that hold them: `page.kind` has `page`.
fn with_parents(names: Names) -> Names {
    let parents: Vec<String> = names
        .iter()
        .flat_map(|n| n.match_indices('.').map(|(at, _)| n[..at].to_string()).collect::<Vec<_>>())
        .collect();
    names.into_iter().chain(parents).collect()
}

/// What one side has and the other has not, for the failure message.
fn difference(what: &str, doc: &Names, rust: &Names) -> Vec<String> {
    let mut problems = Vec::new();
    for name in doc.difference(rust) {
        problems.push(format!("{what}: docs/templates.md lists `{name}`, which the view structs do not have"));
    }
    for name in rust.difference(doc) {
        problems.push(format!("{what}: the view structs have `{name}`, which docs/templates.md does not list"));
    }
    problems
}

#[test]
fn every_variable_in_the_doc_is_in_the_view_structs_and_the_other_way_round() {
    let doc = parse_doc(DOC);
    let shape_samples = shapes();
    let shape_keys: Vec<BTreeSet<&str>> = shape_samples.values().filter_map(key_set).collect();
    let mut problems = Vec::new();

    let doc_shapes: BTreeSet<&str> = doc.shapes.keys().map(String::as_str).collect();
    let rust_shapes: BTreeSet<&str> = shape_samples.keys().copied().collect();
    assert_eq!(doc_shapes, rust_shapes, "the shapes table of docs/templates.md");
    for (name, sample) in &shape_samples {
        let mut fields = Names::new();
        collect(sample, "", &shape_keys, &mut fields);
        problems.extend(difference(&format!("shape `{name}`"), &doc.shapes[*name], &fields));
    }

    let contexts = contexts();
    let documented: BTreeSet<&str> = doc.templates.keys().map(String::as_str).collect();
    let sampled: BTreeSet<&str> = contexts.keys().copied().collect();
    assert_eq!(documented, sampled, "the templates docs/templates.md has a section for, and those sampled here");
    for (template, context) in &contexts {
        let mut rust = Names::new();
        collect(context, "", &shape_keys, &mut rust);
        let mut listed: Names = doc.every_template.union(&doc.templates[*template]).cloned().collect();
        if !template.starts_with("partials/") {
            listed.extend(doc.every_page.iter().cloned());
        }
        problems.extend(difference(template, &with_parents(listed), &with_parents(rust)));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_template_a_theme_provides_is_sampled() {
    let sampled = contexts();
    for template in REQUIRED.iter().chain(&["glossary.html", "search.html", CARD_TEMPLATE]) {
        assert!(
            sampled.contains_key(template),
            "no sample context for {template}: add one above and to docs/templates.md"
        );
    }
}

#[test]
fn the_doc_lists_the_actor_kinds_and_their_groups() {
    let doc = parse_doc(DOC);
    let kinds: BTreeSet<&str> = code_spans(&doc.rows["actor.kind"]).into_iter().collect();
    let names: BTreeSet<&str> = ActorKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(kinds, names, "the values of `actor.kind` in docs/templates.md");

    let groups = &doc.rows["groups"];
    let labels: Vec<&str> = groups.split('"').skip(1).step_by(2).collect();
    let (others, others_label) = ActorKind::OTHERS;
    let expected: Vec<&str> = ActorKind::ALL.iter().map(|k| k.label()).chain([others_label]).collect();
    assert_eq!(labels, expected, "the headings of the actor groups in docs/templates.md, in order");
    assert!(code_spans(groups).contains(&others), "docs/templates.md names the group `{others}`");
    let groups: Vec<&str> = kind_groups().iter().map(|&(_, _, label)| label).collect();
    assert_eq!(groups, labels, "the groups of the actor index");
}

#[test]
fn the_doc_parser_reads_rows_nested_fields_and_escaped_pipes() {
    let text = "\n## Variables\n\n### Dates, links and lists\n\n| shape | fields |\n| --- | --- |\n\
                | paginator | `page`, `links` `{number, current}` |\n\n### `x.html`\n\n| variable | |\n| --- | --- |\n\
                | `a.b`, `c` | list of `{d, e}` (use `\\| safe`) |\n\n## Next\n| `z` | |\n";
    let doc = parse_doc(text);
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Names>();
    assert_eq!(doc.shapes["paginator"], names(&["page", "links", "links.number", "links.current"]));
    assert_eq!(doc.templates["x.html"], names(&["a.b", "a.b.d", "a.b.e", "c", "c.d", "c.e"]));
    assert!(doc.rows["c"].contains("`| safe`"));
}
