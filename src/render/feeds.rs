//! Machine-readable outputs: Atom feeds, the sitemap and robots.txt, written with quick-xml.

use crate::assemble::{ExplainerId, PageKind, SITEMAP_URLS, Site};
use crate::date::Date;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::io::Cursor;

/// Entries per feed: the newest explainers.
pub const FEED_ENTRIES: usize = 20;

pub(super) type Xml = Writer<Cursor<Vec<u8>>>;

pub(super) fn start(xml: &mut Xml, name: &str, attributes: &[(&str, &str)]) {
    let mut element = BytesStart::new(name);
    for (key, value) in attributes {
        element.push_attribute((*key, *value));
    }
    xml.write_event(Event::Start(element)).expect("writing to memory");
}

pub(super) fn end(xml: &mut Xml, name: &str) {
    xml.write_event(Event::End(BytesEnd::new(name))).expect("writing to memory");
}

pub(super) fn empty(xml: &mut Xml, name: &str, attributes: &[(&str, &str)]) {
    let mut element = BytesStart::new(name);
    for (key, value) in attributes {
        element.push_attribute((*key, *value));
    }
    xml.write_event(Event::Empty(element)).expect("writing to memory");
}

pub(super) fn text_element(xml: &mut Xml, name: &str, text: &str) {
    start(xml, name, &[]);
    xml.write_event(Event::Text(BytesText::new(text))).expect("writing to memory");
    end(xml, name);
}

pub(super) fn document() -> Xml {
    let mut xml = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None))).expect("writing to memory");
    xml
}

pub(super) fn finish(xml: Xml) -> Vec<u8> {
    let mut bytes = xml.into_inner().into_inner();
    bytes.push(b'\n');
    bytes
}

/// When an explainer last changed: `updated`, or its date.
pub fn modified(site: &Site<'_>, id: ExplainerId) -> Date {
    let meta = &site.explainers[id].meta;
    meta.updated.unwrap_or(meta.date).max(meta.date)
}

/// The latest change among explainers (ids are newest first, but `updated` may be later).
pub fn latest(site: &Site<'_>, ids: impl IntoIterator<Item = ExplainerId>) -> Option<Date> {
    ids.into_iter().map(|id| modified(site, id)).max()
}

/// The latest change on the whole site.
fn site_latest(site: &Site<'_>) -> Option<Date> {
    latest(site, 0..site.explainers.len())
}

/// An Atom feed of the newest explainers in `ids` for the page at `page_path`.
pub fn atom(
    site: &Site<'_>,
    title: &str,
    subtitle: &str,
    page_path: &str,
    feed_path: &str,
    ids: &[ExplainerId],
) -> Vec<u8> {
    let urls = &site.urls;
    let entries = &ids[..ids.len().min(FEED_ENTRIES)];
    // an empty feed still needs a date: the site's latest change, or the epoch for an empty site
    let updated = latest(site, entries.iter().copied())
        .or_else(|| site_latest(site))
        .map_or("1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
    let mut xml = document();
    start(&mut xml, "feed", &[("xmlns", "http://www.w3.org/2005/Atom"), ("xml:lang", &site.config.language)]);
    text_element(&mut xml, "title", title);
    if !subtitle.is_empty() {
        text_element(&mut xml, "subtitle", subtitle);
    }
    empty(&mut xml, "link", &[("rel", "self"), ("type", "application/atom+xml"), ("href", &urls.absolute(feed_path))]);
    empty(&mut xml, "link", &[("rel", "alternate"), ("type", "text/html"), ("href", &urls.absolute(page_path))]);
    text_element(&mut xml, "id", &urls.absolute(page_path));
    text_element(&mut xml, "updated", &updated);
    start(&mut xml, "author", &[]);
    text_element(&mut xml, "name", &site.config.title);
    text_element(&mut xml, "uri", urls.base_url().as_str());
    end(&mut xml, "author");
    start(&mut xml, "generator", &[("version", env!("CARGO_PKG_VERSION"))]);
    xml.write_event(Event::Text(BytesText::new("dossier"))).expect("writing to memory");
    end(&mut xml, "generator");
    let topic_scheme = urls.absolute(crate::urls::TOPICS);
    for &id in entries {
        let e = &site.explainers[id];
        let link = urls.absolute(&e.path);
        start(&mut xml, "entry", &[]);
        text_element(&mut xml, "title", &e.meta.title);
        empty(&mut xml, "link", &[("rel", "alternate"), ("type", "text/html"), ("href", &link)]);
        text_element(&mut xml, "id", &link);
        text_element(&mut xml, "published", &e.meta.date.rfc3339());
        text_element(&mut xml, "updated", &modified(site, id).rfc3339());
        if !e.summary.is_empty() {
            text_element(&mut xml, "summary", &e.summary);
        }
        for &t in &e.topics {
            let topic = &site.topics[t];
            empty(
                &mut xml,
                "category",
                &[("term", topic.slug.as_str()), ("label", &topic.title), ("scheme", &topic_scheme)],
            );
        }
        end(&mut xml, "entry");
    }
    end(&mut xml, "feed");
    finish(xml)
}

/// The latest change among each topic's, actor's and section's explainers, and the whole site's:
/// what the `<lastmod>` of their pages says, computed once for a sitemap file. Every page of a
/// paged list has its whole list's date; computed page by page, a sitemap read every explainer of
/// a section once per page of it (at 300,000 explainers in one section, 6,000 pages: 1.8 billion
/// dates, most of a 25-minute build).
struct ListDates {
    topics: Vec<Option<Date>>,
    actors: Vec<Option<Date>>,
    sections: Vec<Option<Date>>,
    site: Option<Date>,
}

impl ListDates {
    fn of(site: &Site<'_>) -> ListDates {
        ListDates {
            topics: site.topics.iter().map(|t| latest(site, t.explainers.iter().copied())).collect(),
            actors: site.actors.iter().map(|a| latest(site, a.explainers.iter().copied())).collect(),
            sections: site.sections.iter().map(|s| latest(site, s.explainers.iter().copied())).collect(),
            site: site_latest(site),
        }
    }

    /// When a page last changed, for `<lastmod>`; the whole site's date for pages that show it.
    fn last_modified(&self, site: &Site<'_>, kind: &PageKind) -> Option<Date> {
        match *kind {
            PageKind::Explainer(id) => Some(modified(site, id)),
            PageKind::Topic { id, .. } => self.topics[id],
            PageKind::Actor { id, .. } => self.actors[id],
            PageKind::Section { id, .. } => self.sections[id],
            _ => self.site,
        }
    }
}

/// A sitemap of the pages `part` (0-based) of `parts` covers.
pub fn sitemap(site: &Site<'_>, part: usize) -> Vec<u8> {
    let dates = ListDates::of(site);
    let mut xml = document();
    match &site.translations {
        // a multilingual site: each page lists its versions in every language
        Some(_) => start(
            &mut xml,
            "urlset",
            &[
                ("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"),
                ("xmlns:xhtml", "http://www.w3.org/1999/xhtml"),
            ],
        ),
        None => start(&mut xml, "urlset", &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")]),
    }
    for page in site.pages.iter().filter(|p| p.kind.in_sitemap()).skip(part * SITEMAP_URLS).take(SITEMAP_URLS) {
        start(&mut xml, "url", &[]);
        text_element(&mut xml, "loc", &site.urls.absolute(&page.path));
        if let Some(date) = dates.last_modified(site, &page.kind) {
            text_element(&mut xml, "lastmod", &date.rfc3339());
        }
        if let Some(translations) = &site.translations {
            for version in translations.versions(&page.path) {
                let url = version.urls.absolute(&page.path);
                let attributes = [("rel", "alternate"), ("hreflang", version.tag.as_str()), ("href", url.as_str())];
                empty(&mut xml, "xhtml:link", &attributes);
            }
        }
        end(&mut xml, "url");
    }
    end(&mut xml, "urlset");
    finish(xml)
}

/// A sitemap index listing the `parts` sitemap files.
pub fn sitemap_index(site: &Site<'_>, parts: usize) -> Vec<u8> {
    let lastmod = site_latest(site).map(|date| date.rfc3339());
    let mut xml = document();
    start(&mut xml, "sitemapindex", &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")]);
    // a multilingual site's index lists every language's files, the default's first
    let files: Vec<(&crate::urls::Urls, usize)> = match &site.translations {
        Some(translations) => translations.languages.iter().map(|l| (&l.urls, l.sitemap_parts)).collect(),
        None => vec![(&site.urls, parts)],
    };
    for (urls, parts) in files {
        for part in 1..=parts {
            start(&mut xml, "sitemap", &[]);
            text_element(&mut xml, "loc", &urls.absolute(&format!("sitemap-{part}.xml")));
            if let Some(date) = &lastmod {
                text_element(&mut xml, "lastmod", date);
            }
            end(&mut xml, "sitemap");
        }
    }
    end(&mut xml, "sitemapindex");
    finish(xml)
}

pub fn robots(site: &Site<'_>) -> Vec<u8> {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", site.urls.absolute("sitemap.xml")).into_bytes()
}
