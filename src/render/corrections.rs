//! Corrections: every `updates:` entry of the site, newest first, on `/corrections/` and in its
//! Atom feed; and each explainer's own list, with its corrections marked.

use super::Renderer;
use super::feeds::{FEED_ENTRIES, document, empty, end, finish, start, text_element};
use super::views::{CorrectionEntry, CorrectionsContext, DateText, Link, PageExtras, UpdateView};
use crate::assemble::{Explainer, ExplainerId, Page, Site};
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::frontmatter::{UpdateEntry, UpdateKind};
use crate::urls::{CORRECTIONS, CORRECTIONS_FEED};

/// An explainer's `updates:` as its page shows them, in written order.
pub fn update_views<'a>(e: &'a Explainer<'_>, i18n: &crate::i18n::Catalogue) -> Vec<UpdateView<'a>> {
    e.meta
        .updates
        .iter()
        .map(|u| UpdateView { date: DateText::new(&u.date, i18n), text: &u.note, kind: u.kind.name() })
        .collect()
}

/// The day of an explainer's newest correction, for the notice under its title.
pub fn last_correction(e: &Explainer<'_>, i18n: &crate::i18n::Catalogue) -> Option<DateText> {
    e.meta
        .updates
        .iter()
        .filter(|u| u.kind == UpdateKind::Correction)
        .map(|u| &u.date)
        .max()
        .map(|d| DateText::new(d, i18n))
}

/// Every entry of `updates:` on the site: (explainer, index in its `updates`), newest first; on
/// the same day, the newer explainer first, then in written order.
fn entries(site: &Site<'_>) -> Vec<(ExplainerId, usize)> {
    let mut all: Vec<(&Date, ExplainerId, usize)> = site
        .explainers
        .iter()
        .enumerate()
        .flat_map(|(id, e)| e.meta.updates.iter().enumerate().map(move |(i, u)| (&u.date, id, i)))
        .collect();
    all.sort_by(|a, b| b.0.cmp(a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    all.into_iter().map(|(_, id, i)| (id, i)).collect()
}

fn entry<'s>(site: &'s Site<'_>, (id, i): (ExplainerId, usize)) -> (&'s Explainer<'s>, &'s UpdateEntry) {
    let e = &site.explainers[id];
    (e, &e.meta.updates[i])
}

/// "Correction" or "Update", for titles.
/// "Correction" or "Update" in the site's language.
fn label(site: &Site<'_>, kind: UpdateKind) -> String {
    site.config.i18n.word(match kind {
        UpdateKind::Correction => "correction",
        UpdateKind::Update => "update",
    })
}

impl Renderer<'_, '_> {
    /// `/corrections/`: every update and correction, newest first, each linking to its explainer.
    pub(super) fn corrections(&self, page: &Page) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let entries: Vec<CorrectionEntry<'_>> = entries(site)
            .into_iter()
            .map(|at| {
                let (e, u) = entry(site, at);
                CorrectionEntry {
                    date: DateText::new(&u.date, &site.config.i18n),
                    text: &u.note,
                    kind: u.kind.name(),
                    explainer: Link {
                        title: e.meta.title.clone(),
                        href: format!("{}#updates", site.urls.href(&e.path)),
                    },
                }
            })
            .collect();
        let corrections = entries.iter().filter(|e| e.kind == UpdateKind::Correction.name()).count();
        let i18n = &site.config.i18n;
        let title = i18n.word("corrections_title");
        let description = i18n.format("corrections_feed_subtitle", &[("site", &site.config.title)]);
        let permalink = site.urls.absolute(&page.path);
        let extras = PageExtras {
            feed: Some(Link { title: title.clone(), href: site.urls.href(CORRECTIONS_FEED) }),
            json_ld: vec![super::jsonld::collection_page(&title, &permalink, &description)],
            ..PageExtras::default()
        };
        let context = CorrectionsContext {
            page: self.meta(page, "corrections", "", title, description, extras),
            updates: entries.len() - corrections,
            entries,
            corrections,
            feed: site.urls.href(CORRECTIONS_FEED),
        };
        self.template("corrections.html", &context)
    }
}

/// `/corrections/atom.xml`: the newest [`FEED_ENTRIES`] updates and corrections, each an entry
/// linking to its explainer's list of updates.
pub fn feed(site: &Site<'_>) -> Vec<u8> {
    let urls = &site.urls;
    let all = entries(site);
    let shown = &all[..all.len().min(FEED_ENTRIES)];
    let updated = shown.first().map_or("1970-01-01T00:00:00Z".to_string(), |&at| entry(site, at).1.date.rfc3339());
    let mut xml = document();
    start(&mut xml, "feed", &[("xmlns", "http://www.w3.org/2005/Atom"), ("xml:lang", &site.config.language)]);
    let title = site.config.i18n.word("corrections_title");
    text_element(&mut xml, "title", &format!("{title} · {}", site.config.title));
    let (page, feed) = (urls.absolute(CORRECTIONS), urls.absolute(CORRECTIONS_FEED));
    empty(&mut xml, "link", &[("rel", "self"), ("type", "application/atom+xml"), ("href", &feed)]);
    empty(&mut xml, "link", &[("rel", "alternate"), ("type", "text/html"), ("href", &page)]);
    text_element(&mut xml, "id", &page);
    text_element(&mut xml, "updated", &updated);
    start(&mut xml, "author", &[]);
    text_element(&mut xml, "name", &site.config.title);
    text_element(&mut xml, "uri", urls.base_url().as_str());
    end(&mut xml, "author");
    for &at in shown {
        let (e, u) = entry(site, at);
        let link = format!("{}#updates", urls.absolute(&e.path));
        start(&mut xml, "entry", &[]);
        text_element(&mut xml, "title", &format!("{}: {}", label(site, u.kind), e.meta.title));
        empty(&mut xml, "link", &[("rel", "alternate"), ("type", "text/html"), ("href", &link)]);
        // one id per entry of `updates:`, stable while the entries above it stay
        text_element(&mut xml, "id", &format!("{}#update-{}-{}", urls.absolute(&e.path), u.date.machine(), at.1 + 1));
        text_element(&mut xml, "published", &u.date.rfc3339());
        text_element(&mut xml, "updated", &u.date.rfc3339());
        text_element(&mut xml, "summary", &u.note);
        empty(&mut xml, "category", &[("term", u.kind.name()), ("label", &label(site, u.kind))]);
        end(&mut xml, "entry");
    }
    end(&mut xml, "feed");
    finish(xml)
}
