//! Structured data for search engines: schema.org JSON-LD, typed, serialized safely for a `<script>`.

use crate::assemble::{Actor, ActorId, Explainer, Site, Topic};
use crate::frontmatter::ActorKind;
use crate::render::views::Link;
use serde::Serialize;

#[derive(Serialize)]
struct Graph {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node>,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum Node {
    Article(Box<Article>),
    Breadcrumbs(BreadcrumbList),
    Page(WebPage),
    Site(WebSite),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: String,
    description: String,
    url: String,
    main_entity_of_page: String,
    date_published: String,
    date_modified: String,
    in_language: String,
    word_count: usize,
    /// Topics and the actors listed in front matter.
    about: Vec<Thing>,
    /// Actors named in the text only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mentions: Vec<Thing>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citation: Vec<Citation>,
    publisher: Thing,
    author: Thing,
    /// The social card image (`image:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<ImageObject>,
}

#[derive(Serialize)]
pub struct ImageObject {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Thing {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_title: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    alternate_name: Vec<String>,
    /// The actor's Wikidata item and other pages about it (`wikidata:`, `same_as:`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<String>,
    /// The actor's Wikidata id, as a `PropertyValue`.
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<PropertyValue>,
}

/// An identifier in a named scheme: `{"propertyID": "Wikidata", "value": "Q15031"}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyValue {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "propertyID")]
    property_id: &'static str,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Citation {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    /// An archived copy (`archived:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    archived_at: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BreadcrumbList {
    #[serde(rename = "@type")]
    kind: &'static str,
    item_list_element: Vec<ListItem>,
}

#[derive(Serialize)]
pub struct ListItem {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: String,
    item: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebPage {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    main_entity: Option<Thing>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebSite {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    potential_action: Option<SearchAction>,
}

#[derive(Serialize)]
pub struct SearchAction {
    #[serde(rename = "@type")]
    kind: &'static str,
    target: String,
    #[serde(rename = "query-input")]
    query_input: &'static str,
}

/// JSON text that is safe inside `<script type="application/ld+json">`.
pub fn script(nodes: Vec<Node>) -> String {
    let json =
        serde_json::to_string(&Graph { context: "https://schema.org", graph: nodes }).expect("JSON-LD serializes");
    markup_safe(json)
}

/// JSON with `<`, `>` and `&` written as escapes, so that it cannot end a `<script>` or be
/// mistaken for markup. Most JSON has none of them, and is returned as it is.
pub fn markup_safe(json: String) -> String {
    let mut found = memchr::memchr3_iter(b'<', b'>', b'&', json.as_bytes()).peekable();
    if found.peek().is_none() {
        return json;
    }
    let mut safe = String::with_capacity(json.len() + 32);
    let mut copied = 0;
    for at in found {
        safe.push_str(&json[copied..at]);
        safe.push_str(match json.as_bytes()[at] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            _ => "\\u0026",
        });
        copied = at + 1;
    }
    safe.push_str(&json[copied..]);
    safe
}

fn organization(site: &Site<'_>) -> Thing {
    Thing {
        kind: "Organization",
        name: site.config.title.clone(),
        url: Some(site.urls.base_url().to_string()),
        job_title: None,
        alternate_name: Vec::new(),
        same_as: Vec::new(),
        identifier: None,
    }
}

pub fn actor_thing(site: &Site<'_>, a: &Actor<'_>) -> Thing {
    Thing {
        kind: a.kind.map_or(ActorKind::UNKNOWN_SCHEMA_TYPE, ActorKind::schema_type),
        name: a.name.clone(),
        url: Some(site.urls.absolute(&a.path)),
        // schema.org gives a job title to people only
        job_title: if a.kind == Some(ActorKind::Person) { a.role.clone() } else { None },
        alternate_name: a.aliases.clone(),
        same_as: a.identity.same_as_urls(),
        identifier: a.identity.wikidata.as_ref().map(|q| PropertyValue {
            kind: "PropertyValue",
            property_id: "Wikidata",
            value: q.clone(),
        }),
    }
}

pub fn topic_thing(site: &Site<'_>, t: &Topic<'_>) -> Thing {
    Thing {
        kind: "Thing",
        name: t.title.clone(),
        url: Some(site.urls.absolute(&t.path)),
        job_title: None,
        alternate_name: Vec::new(),
        same_as: Vec::new(),
        identifier: None,
    }
}

/// The explainer as a `BackgroundNewsArticle`: the schema.org type for context and explainers.
pub fn article(site: &Site<'_>, e: &Explainer<'_>, modified: &str) -> Node {
    let url = site.urls.absolute(&e.path);
    let actors = |ids: &[ActorId]| ids.iter().map(|&a| actor_thing(site, &site.actors[a])).collect::<Vec<_>>();
    let mut about: Vec<Thing> = e.topics.iter().map(|&t| topic_thing(site, &site.topics[t])).collect();
    about.extend(actors(&e.actors));
    Node::Article(Box::new(Article {
        kind: "BackgroundNewsArticle",
        headline: e.meta.title.clone(),
        description: e.summary.clone(),
        main_entity_of_page: url.clone(),
        url,
        date_published: e.meta.date.machine(),
        date_modified: modified.to_string(),
        in_language: site.config.language.clone(),
        word_count: e.body.word_count,
        about,
        mentions: actors(&e.mentioned),
        citation: e
            .meta
            .sources
            .iter()
            .map(|s| Citation {
                kind: "CreativeWork",
                name: s.title.clone(),
                url: s.url.clone(),
                archived_at: s.archived.clone(),
            })
            .collect(),
        publisher: organization(site),
        author: organization(site),
        image: e.image.as_ref().map(|image| {
            let view = crate::render::views::ImageView::of(site, image);
            ImageObject { kind: "ImageObject", url: view.url, width: view.width, height: view.height }
        }),
    }))
}

/// Breadcrumbs from the home page to this page (`crumbs` are its parents; `title` the page).
pub fn breadcrumbs(site: &Site<'_>, crumbs: &[Link], title: &str, permalink: &str) -> Node {
    let base = site.urls.base_url().as_str();
    let mut items: Vec<ListItem> = crumbs
        .iter()
        .enumerate()
        .map(|(i, c)| ListItem {
            kind: "ListItem",
            position: i + 1,
            name: c.title.clone(),
            // hrefs are root-relative: make them absolute on the host of `base_url`
            item: absolute_from_href(base, site.urls.base_path(), &c.href),
        })
        .collect();
    items.push(ListItem {
        kind: "ListItem",
        position: items.len() + 1,
        name: title.to_string(),
        item: permalink.to_string(),
    });
    Node::Breadcrumbs(BreadcrumbList { kind: "BreadcrumbList", item_list_element: items })
}

fn absolute_from_href(base_url: &str, base_path: &str, href: &str) -> String {
    format!("{base_url}{}", href.strip_prefix(base_path).unwrap_or(href.trim_start_matches('/')))
}

pub fn profile_page(site: &Site<'_>, a: &Actor<'_>, permalink: &str) -> Node {
    Node::Page(WebPage {
        kind: "ProfilePage",
        name: a.name.clone(),
        url: permalink.to_string(),
        description: a.role.clone().unwrap_or_default(),
        main_entity: Some(actor_thing(site, a)),
    })
}

pub fn collection_page(name: &str, permalink: &str, description: &str) -> Node {
    Node::Page(WebPage {
        kind: "CollectionPage",
        name: name.to_string(),
        url: permalink.to_string(),
        description: description.to_string(),
        main_entity: None,
    })
}

pub fn web_site(site: &Site<'_>) -> Node {
    Node::Site(WebSite {
        kind: "WebSite",
        name: site.config.title.clone(),
        url: site.urls.base_url().to_string(),
        potential_action: site.config.search.then(|| SearchAction {
            kind: "SearchAction",
            target: format!("{}?q={{search_term_string}}", site.urls.absolute("search/")),
            query_input: "required name=search_term_string",
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_safe_json_escapes_what_could_end_a_script_and_nothing_else() {
        for json in [
            r#"{"name":"plain"}"#,
            r#"{"name":"</script><!-- a & b > c"}"#,
            r#"{"name":"Türkiye <&> 北京","url":"https://example.org/?a=1&b=2"}"#,
            "",
            "<>&",
        ] {
            let expected = json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
            assert_eq!(markup_safe(json.to_string()), expected, "{json}");
        }
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&markup_safe(r#"{"a":"</script>"}"#.into())).unwrap()["a"],
            "</script>",
            "still the same JSON"
        );
    }
}
