//! View structs: exactly what each template sees. Built per page from `&Site`; never the whole site.

use crate::assemble::{Actor, ActorId, Explainer, ExplainerId, Section, SectionId, Site, Topic, TopicId};
use crate::date::Date;
use crate::frontmatter::ActorKind;
use crate::urls::{ACTORS, TOPICS, paginated};
use serde::Serialize;

/// How many explainers a side list (mentions, backlinks) shows at most.
pub const SIDE_LIST: usize = 50;
/// How many quotes an actor page shows at most.
pub const QUOTES: usize = 10;

/// `site` in every template (Tera's global context).
#[derive(Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    /// `rtl` for a language written right to left (`ar`, `he`, `fa`, `ur`), else `ltr`: the
    /// `dir` of `<html>`.
    pub direction: &'static str,
    /// Absolute, ends with `/`.
    pub base_url: String,
    /// `/` or `/sub/`: prefix for links to static files (`{{ site.base_path }}style.css`).
    pub base_path: String,
    pub nav: Vec<NavItem>,
    /// The archive of each top-level folder of explainers (`/articles/`), by folder.
    pub archives: Vec<Link>,
    pub generator: String,
    /// `[extra]` of site.toml, keys in written order (`{{ site.extra.newsletter }}`).
    pub extra: crate::extra::Extra,
    /// The theme's stylesheets and search script: fingerprinted address and integrity.
    pub assets: crate::publish::fingerprint::Assets,
}

#[derive(Debug, Serialize)]
pub struct NavItem {
    /// Matches `page.section` on the pages of that section.
    pub key: &'static str,
    pub title: String,
    pub href: String,
}

/// `page` in the template of every page: what the layout needs about the page being rendered.
#[derive(Debug, Serialize)]
pub struct PageMeta {
    /// `home`, `explainer`, `section`, `topics`, `topic`, `actors`, `actor`, `glossary`, `search`, `not_found`, `alias`.
    pub kind: &'static str,
    /// The nav item this page belongs to.
    pub section: &'static str,
    /// For `<title>` (the layout appends the site title).
    pub title: String,
    pub description: String,
    /// Root-relative link to this page.
    pub href: String,
    /// Absolute URL of this page.
    pub permalink: String,
    /// The URL search engines should index for it: the permalink, or an alias's target.
    pub canonical: String,
    /// From the home page down to this page's parent.
    pub breadcrumbs: Vec<Link>,
    /// `og:type`: `article` for explainers, `profile` for actors, `website` otherwise.
    pub og_type: &'static str,
    /// For explainers: when published and last changed (ISO dates), and their topics.
    pub published: Option<String>,
    pub modified: Option<String>,
    pub tags: Vec<String>,
    /// Atom feeds of this page (for `<link rel="alternate">`): the site's, and the topic's or actor's.
    pub feeds: Vec<Link>,
    /// schema.org JSON-LD, safe inside `<script type="application/ld+json">` (use `| safe`).
    pub json_ld: String,
    /// The social card image (an explainer's `image:`), for `og:image`.
    pub image: Option<ImageView>,
    /// Whether the page holds highlighted code (the default theme links `syntax.css` only then).
    pub has_code: bool,
    /// In a multilingual site: every language's version of this page, this one included, in the
    /// order of `languages` (for `<link rel="alternate" hreflang>` and the language menu); empty
    /// when the page has no version in another language.
    pub translations: Vec<TranslationLink>,
    /// The absolute URL of the default language's version, for `hreflang="x-default"`; empty
    /// when `translations` is.
    pub x_default: String,
    /// On a page of an actor or topic shown in the default language for want of a version in
    /// the page's language: that language (`en`), for the note and the text's `lang`; empty
    /// otherwise.
    pub untranslated: String,
}

/// A version of a page in one language.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationLink {
    /// Its language tag: `fr`.
    pub lang: String,
    /// The language's own name: `Français`.
    pub name: String,
    pub href: String,
    /// Its absolute URL.
    pub url: String,
    /// Whether it is the page itself.
    pub current: bool,
}

/// An image for social cards: its absolute URL and, when known, its size in pixels.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl ImageView {
    pub fn of(site: &Site<'_>, image: &crate::assemble::SocialImage) -> ImageView {
        ImageView {
            url: site.urls.asset_absolute(&image.path),
            width: image.size.map(|(w, _)| w),
            height: image.size.map(|(_, h)| h),
        }
    }
}

/// What a page adds to its `PageMeta` beyond the common fields.
#[derive(Default)]
pub struct PageExtras {
    pub og_type: Option<&'static str>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub tags: Vec<String>,
    pub feed: Option<Link>,
    pub json_ld: Vec<crate::render::jsonld::Node>,
    /// Another page's absolute URL as the canonical one (alias redirects).
    pub canonical: Option<String>,
    /// Breadcrumbs after the home page (and after Topics or Actors): the sections a page is in.
    pub trail: Vec<Link>,
    pub image: Option<ImageView>,
    /// An actor's or topic's profile shown in the default language (see [`PageMeta::untranslated`]).
    pub untranslated: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub href: String,
}

/// A date as templates use it: `{{ d.iso }}` for `<time datetime>`, `{{ d.human }}` for readers.
#[derive(Debug, Clone, Serialize)]
pub struct DateText {
    pub iso: String,
    pub human: String,
}

impl DateText {
    /// `d` for `<time datetime>` and for readers in the catalogue's language.
    pub fn new(d: &Date, i18n: &crate::i18n::Catalogue) -> DateText {
        DateText { iso: d.machine(), human: i18n.date(d.day()) }
    }
}

/// A [`Card`] converted once for the template engine: lists share it instead of converting the
/// card again for every page that shows it (a popular actor's page lists thousands).
pub type CardValue = tera::Value;

/// An explainer in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub title: String,
    pub href: String,
    pub date: DateText,
    pub summary: String,
    pub topics: Vec<Link>,
    /// The card as HTML, from `partials/card.html` (empty when the theme has no such template).
    pub html: String,
}

/// The context of `partials/card.html`.
#[derive(Debug, Serialize)]
pub struct CardContext<'a> {
    pub card: &'a Card,
}

/// An actor or topic in a list, with how many explainers it has.
#[derive(Debug, Clone, Serialize)]
pub struct EntityCount {
    pub name: String,
    pub href: String,
    pub count: usize,
    /// A line under the name: an actor's role, a topic's summary.
    pub note: Option<String>,
}

/// Previous/next and numbered links of a paginated list.
#[derive(Debug, Serialize)]
pub struct Paginator {
    pub page: usize,
    pub pages: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// First, last, and the pages around this one; `number: null` marks a gap.
    pub links: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: Option<usize>,
    pub href: Option<String>,
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct SourceView<'a> {
    pub number: usize,
    pub id: &'a str,
    /// The anchor `[n](source:id)` links to: `source-id`.
    pub anchor: String,
    pub title: &'a str,
    pub publisher: Option<&'a str>,
    /// Only http(s) and mailto addresses, checked when the front matter was read.
    pub url: Option<&'a str>,
    pub date: Option<DateText>,
    /// An archived copy (`archived:`), http(s).
    pub archived: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct DatedText<'a> {
    pub date: DateText,
    pub text: &'a str,
}

/// How many explainers an explainer page lists beside its text at most.
pub const RELATED: usize = 5;

/// An explainer in an explainer page's side list.
#[derive(Debug, Serialize)]
pub struct RelatedCard<'a> {
    /// The explainer's card; the side list shows its title, date and summary.
    pub card: &'a CardValue,
    /// Whether that explainer links to this one.
    pub links_here: bool,
}

/// The explainers an explainer page lists beside its text, at most [`RELATED`], each with whether
/// it links here. One list, so that an explainer both related and linking here shows once: first
/// those that are both, then those that only link here, then those only related; each group in
/// the order of its own list (`related` ranked, `backlinks` as assembled).
pub fn related_and_backlinks(related: &[ExplainerId], backlinks: &[ExplainerId]) -> Vec<(ExplainerId, bool)> {
    let mut list: Vec<(ExplainerId, bool)> = Vec::with_capacity(RELATED);
    let both = related.iter().filter(|id| backlinks.contains(id));
    let only_linking = backlinks.iter().filter(|id| !related.contains(id));
    for &id in both.chain(only_linking).take(RELATED) {
        list.push((id, true));
    }
    let only_related = related.iter().filter(|id| !backlinks.contains(id));
    for &id in only_related.take(RELATED - list.len()) {
        list.push((id, false));
    }
    list
}

/// `explainer` in explainer.html.
#[derive(Debug, Serialize)]
pub struct ExplainerView<'a> {
    pub title: &'a str,
    pub href: String,
    pub permalink: String,
    pub date: DateText,
    pub updated: Option<DateText>,
    pub summary: &'a str,
    /// HTML: use `{{ explainer.body | safe }}`.
    pub body: String,
    pub topics: Vec<Link>,
    pub actors: Vec<ActorLink>,
    pub takeaways: &'a [String],
    pub sources: Vec<SourceView<'a>>,
    pub timeline: Vec<DatedText<'a>>,
    /// `updates:`, in written order, each a correction or an update.
    pub updates: Vec<UpdateView<'a>>,
    /// The day of its newest correction (`kind: correction`), for a notice under the title.
    pub corrected: Option<DateText>,
    /// Its authors (`authors:`), links to their actor pages.
    pub authors: Vec<Link>,
    /// "Cite this": its citation in APA and Chicago style, BibTeX, and its CSL-JSON file.
    pub cite: CiteView,
    /// Up to [`RELATED`] explainers beside the text: those that link here and those sharing the
    /// most topics and actors, in one list (see [`related_and_backlinks`]).
    pub related: Vec<RelatedCard<'a>>,
    pub word_count: usize,
    pub reading_minutes: usize,
    pub draft: bool,
    /// The headings of the body, nested: each `##` holds the `###` under it, and so on.
    pub toc: Vec<TocEntry<'a>>,
    /// Whether the body has at least `toc_min_headings` `##` headings (site.toml; never when 0):
    /// when the default theme shows `toc` as "On this page".
    pub toc_shown: bool,
    /// `extra:` of its front matter, keys in written order.
    pub extra: &'a crate::extra::Extra,
    /// The sections it is in, from the archive of its folder down to the nearest section
    /// (`Articles`, `Asia`, `Korea`); empty for an explainer at the top of content/. The page's
    /// breadcrumbs (`page.breadcrumbs`) go through the same sections.
    pub sections: Vec<Link>,
}

/// A heading in an explainer's table of contents, with the headings under it.
#[derive(Debug, Serialize)]
pub struct TocEntry<'a> {
    /// 1 for `#`, 2 for `##`…
    pub level: u8,
    /// The heading's id: link to it as `#{{ entry.id }}`.
    pub id: &'a str,
    /// The heading as plain text (markup and links left out).
    pub text: &'a str,
    /// The headings of deeper levels that follow it, up to the next one of its level or above.
    pub children: Vec<TocEntry<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ActorLink {
    pub name: String,
    pub href: String,
    pub role: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TimelineEntryView<'a> {
    pub date: DateText,
    pub event: &'a str,
    /// The explainers that tell this event.
    pub explainers: Vec<Link>,
}

/// `topic` in topic.html.
#[derive(Debug, Serialize)]
pub struct TopicView<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub href: String,
    pub permalink: String,
    pub summary: Option<&'a str>,
    /// HTML of the profile, empty without a profile file.
    pub body: String,
    pub aliases: &'a [String],
    pub count: usize,
    pub timeline: Vec<TimelineEntryView<'a>>,
    /// The timeline drawn as SVG (use `| safe`); empty without events.
    pub timeline_svg: String,
    pub key_actors: Vec<EntityCount>,
    pub backlinks: Vec<&'a CardValue>,
    /// `extra:` of its profile's front matter, keys in written order (empty without a profile).
    pub extra: &'a crate::extra::Extra,
}

/// `actor` in actor.html.
#[derive(Debug, Serialize)]
pub struct ActorView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub href: String,
    pub permalink: String,
    /// [`ActorKind::name`]: `person`, `organization`, `country`, `group`, or none.
    pub kind: Option<&'static str>,
    pub role: Option<&'a str>,
    pub country: Option<&'a str>,
    pub aliases: &'a [String],
    pub body: String,
    pub count: usize,
    /// Explainers whose text names the actor without listing it in front matter (the newest
    /// [`SIDE_LIST`]; `mentioned_count` says how many there are).
    pub mentioned_in: Vec<&'a CardValue>,
    pub mentioned_count: usize,
    /// Explainers that link to the actor and are not in the lists above (the newest [`SIDE_LIST`]).
    pub backlinks: Vec<&'a CardValue>,
    pub backlink_count: usize,
    /// "In their words": the newest [`QUOTES`] attributed quotes; `quote_count` counts them all.
    pub quotes: Vec<QuoteView>,
    pub quote_count: usize,
    /// Actors sharing the most explainers with this one; `count` is the number shared.
    pub co_actors: Vec<EntityCount>,
    /// `co_actors` drawn as SVG (use `| safe`); empty without co-actors.
    pub co_actors_svg: String,
    /// `extra:` of its profile's front matter, keys in written order (empty without a profile).
    pub extra: &'a crate::extra::Extra,
    /// Its Wikidata id (`Q15031`), from `wikidata:`.
    pub wikidata: Option<&'a str>,
    /// Pages about it elsewhere: its Wikidata item ("Wikidata"), then `same_as:` (each titled
    /// by its host, `www.britannica.com`).
    pub elsewhere: Vec<Link>,
}

/// Links to the pages about an actor elsewhere: its Wikidata item, then `same_as:`.
pub fn elsewhere(identity: &crate::frontmatter::Identity) -> Vec<Link> {
    let urls = identity.same_as_urls();
    let skip = usize::from(identity.wikidata.is_some());
    let wikidata = urls.iter().take(skip).map(|href| Link { title: "Wikidata".into(), href: href.clone() });
    let others = urls.iter().skip(skip).map(|href| {
        let host = url::Url::parse(href).ok().and_then(|u| u.host_str().map(str::to_string));
        Link { title: host.unwrap_or_else(|| href.clone()), href: href.clone() }
    });
    wikidata.chain(others).collect()
}

/// `section` in section.html: a section (`_index.md`), or the archive of a top-level folder.
#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub href: String,
    pub permalink: String,
    pub summary: Option<&'a str>,
    /// HTML of its `_index.md`'s body (use `| safe`); empty without one.
    pub body: String,
    /// Whether it is the archive of a top-level folder (`/articles/`) rather than a section
    /// below one.
    pub is_archive: bool,
    /// The section it is in; none for an archive.
    pub parent: Option<Link>,
    /// The sections directly inside it, by title, each with how many explainers it holds.
    pub children: Vec<EntityCount>,
    /// How many explainers it lists, on all its pages (those of its sections included).
    pub count: usize,
    /// `extra:` of its `_index.md`, keys in written order (empty without one).
    pub extra: &'a crate::extra::Extra,
}

/// The explainers of one year on a page of a section: pages are cut by `paginate`, so a year
/// may go on over the next page, which shows its heading again.
#[derive(Debug, Serialize)]
pub struct YearGroup<'a> {
    pub year: i32,
    /// Whether the year began on an earlier page.
    pub continued: bool,
    pub explainers: Vec<&'a CardValue>,
}

#[derive(Debug, Serialize)]
pub struct QuoteView {
    /// HTML of the quoted words (use `| safe`).
    pub html: String,
    pub explainer: Link,
    pub date: DateText,
}

/// One entry of the glossary page.
#[derive(Debug, Serialize)]
pub struct TermView<'a> {
    pub term: &'a str,
    pub expansion: &'a str,
    /// The id of its entry: `term-` and the term as a slug.
    pub anchor: String,
    /// How many explainers use the term.
    pub count: usize,
    /// The newest of them, at most [`super::lists::TERM_USES`].
    pub explainers: Vec<Link>,
    /// The search page asking for the term (`/search/?q=APEC`), when the site has search and
    /// the term has more uses than are shown.
    pub more_href: Option<String>,
}

/// A group of the actor index: the actors of one kind on this page, A–Z.
#[derive(Debug, Serialize)]
pub struct ActorGroup {
    /// [`ActorKind::name`], or `other` for actors without a kind.
    pub kind: &'static str,
    /// Plural heading: [`ActorKind::label`], "Others".
    pub label: String,
    /// Whether the group began on the page before.
    pub continued: bool,
    /// How many actors the group has on all pages.
    pub count: usize,
    pub actors: Vec<EntityCount>,
    /// The same actors by first letter.
    pub letters: Vec<super::lists::LetterGroup>,
}

// ---------------------------------------------------------------------------------------------
// Page contexts: one struct per template.

#[derive(Serialize)]
pub struct HomeContext<'a> {
    pub page: PageMeta,
    /// The home page heading: `title` of content/index.md, or the site title.
    pub heading: &'a str,
    /// HTML of content/index.md, shown on the first page.
    pub intro: Option<String>,
    /// On the first page: the explainer it leads with (the newest `featured: true`, else the
    /// newest) and its key points; not repeated in `explainers`.
    pub lead: Option<super::home::LeadView<'a>>,
    pub explainers: Vec<&'a CardValue>,
    pub paginator: Paginator,
    pub topics: Vec<EntityCount>,
    pub actors: Vec<EntityCount>,
}

#[derive(Serialize)]
pub struct ExplainerContext<'a> {
    pub page: PageMeta,
    pub explainer: ExplainerView<'a>,
}

#[derive(Serialize)]
pub struct TopicContext<'a> {
    pub page: PageMeta,
    pub topic: TopicView<'a>,
    pub explainers: Vec<&'a CardValue>,
    pub paginator: Paginator,
}

#[derive(Serialize)]
pub struct ActorContext<'a> {
    pub page: PageMeta,
    pub actor: ActorView<'a>,
    pub explainers: Vec<&'a CardValue>,
    pub paginator: Paginator,
}

#[derive(Serialize)]
pub struct SectionContext<'a> {
    pub page: PageMeta,
    pub section: SectionView<'a>,
    /// The explainers of this page, newest first, by year.
    pub years: Vec<YearGroup<'a>>,
    pub paginator: Paginator,
}

#[derive(Serialize)]
pub struct TopicsContext {
    pub page: PageMeta,
    /// The topics on this page, A–Z.
    pub topics: Vec<EntityCount>,
    /// The same topics by first letter.
    pub letters: Vec<super::lists::TopicLetter>,
    /// The letters of every topic, each linking to the page where it starts; empty when the
    /// index is one page.
    pub jumps: Vec<super::lists::Jump>,
    /// How many topics the site has.
    pub count: usize,
    pub paginator: Paginator,
}

#[derive(Serialize)]
pub struct ActorsContext {
    pub page: PageMeta,
    /// The groups on this page.
    pub groups: Vec<ActorGroup>,
    /// The letters of every group, each linking to the page where it starts.
    pub jumps: Vec<super::lists::JumpGroup>,
    /// How many actors the site has.
    pub count: usize,
    pub paginator: Paginator,
}

/// How to cite an explainer (`src/render/cite.rs`).
#[derive(Debug, Serialize)]
pub struct CiteView {
    /// APA (7th edition), as HTML: its fields escaped, the title in `<i>` (use `| safe`).
    pub apa: String,
    /// Chicago (bibliography), as HTML, fields escaped (use `| safe`).
    pub chicago: String,
    /// A biblatex `@online` entry, its fields escaped for LaTeX, the whole escaped for HTML (use
    /// `| safe` in a `<pre>`).
    pub bibtex: String,
    /// `cite.json` beside the page: the explainer in CSL-JSON.
    pub json: Link,
}

/// An entry of an explainer's `updates:`.
#[derive(Debug, Serialize)]
pub struct UpdateView<'a> {
    pub date: DateText,
    pub text: &'a str,
    /// `correction` or `update`.
    pub kind: &'static str,
}

/// An entry of `/corrections/`: an update or correction and the explainer it belongs to.
#[derive(Debug, Serialize)]
pub struct CorrectionEntry<'a> {
    pub date: DateText,
    pub text: &'a str,
    /// `correction` or `update`.
    pub kind: &'static str,
    /// The explainer; `href` leads to its list of updates (`#updates`).
    pub explainer: Link,
}

/// The context of corrections.html: every update and correction of the site, newest first.
#[derive(Serialize)]
pub struct CorrectionsContext<'a> {
    pub page: PageMeta,
    pub entries: Vec<CorrectionEntry<'a>>,
    /// How many of the entries are corrections, and how many updates.
    pub corrections: usize,
    pub updates: usize,
    /// The address of the feed of the page, `corrections/atom.xml`.
    pub feed: String,
}

#[derive(Serialize)]
pub struct GlossaryContext<'a> {
    pub page: PageMeta,
    pub terms: Vec<TermView<'a>>,
}

#[derive(Serialize)]
pub struct SearchContext {
    pub page: PageMeta,
    /// Where the index lives: `{{ index }}meta.json`.
    pub index: String,
    /// The strings search.js shows in the site's language, and the language, as JSON
    /// (`{"lang": "fr", "messages": {"no_results": "…", "results": {"one": "…", …}}}`).
    pub messages: String,
}

/// How many topics the 404 page lists: the largest, so that the page stays small on a site
/// with a thousand topics and still offers a way in.
pub const NOT_FOUND_TOPICS: usize = 24;

#[derive(Serialize)]
pub struct NotFoundContext {
    pub page: PageMeta,
    /// The topics with the most explainers (at most [`NOT_FOUND_TOPICS`]), A to Z, each with
    /// how many explainers it has.
    pub topics: Vec<EntityCount>,
    /// How many topics the site has: more than `topics` lists when the page shows the largest.
    pub topic_count: usize,
    /// The topic index.
    pub topics_href: String,
    /// The search page's link, when the site has search: the page offers a search form.
    pub search: Option<String>,
}

#[derive(Serialize)]
pub struct AliasContext {
    pub page: PageMeta,
    /// Where the old path now lives.
    pub target: Link,
    pub target_permalink: String,
    /// `target.href` as a JavaScript string literal, safe inside `<script>` (use `| safe`).
    pub target_json: String,
}

// ---------------------------------------------------------------------------------------------
// Builders.

pub fn site_view(site: &Site<'_>) -> SiteView {
    let urls = &site.urls;
    let i18n = &site.config.i18n;
    let mut nav = vec![
        NavItem { key: "explainers", title: i18n.word("nav_explainers"), href: urls.href("") },
        NavItem { key: "topics", title: i18n.word("nav_topics"), href: urls.href(TOPICS) },
        NavItem { key: "actors", title: i18n.word("nav_actors"), href: urls.href(ACTORS) },
    ];
    if !site.glossary.is_empty() {
        nav.push(NavItem { key: "glossary", title: i18n.word("nav_glossary"), href: urls.href("glossary/") });
    }
    if site.config.search {
        nav.push(NavItem { key: "search", title: i18n.word("nav_search"), href: urls.href("search/") });
    }
    SiteView {
        title: site.config.title.clone(),
        description: site.config.description.clone(),
        language: site.config.language.clone(),
        direction: i18n.direction(),
        base_url: urls.base_url().to_string(),
        base_path: urls.base_path().to_string(),
        nav,
        // not in `nav`: one more item makes it two lines on a phone; the home page links them
        archives: archives(site),
        generator: format!("dossier {}", env!("CARGO_PKG_VERSION")),
        extra: site.config.extra.clone(),
        assets: crate::publish::fingerprint::assets(
            site.static_files,
            site.config.publish.fingerprint,
            urls.root_path(),
        ),
    }
}

/// The archive of each top-level folder, for `site.archives`.
pub fn archives(site: &Site<'_>) -> Vec<Link> {
    site.sections.iter().enumerate().filter(|(_, s)| s.is_archive()).map(|(id, _)| section_link(site, id)).collect()
}

pub fn section_link(site: &Site<'_>, id: SectionId) -> Link {
    let s = &site.sections[id];
    Link { title: s.title.clone(), href: site.urls.href(&s.path) }
}

/// A section as the section above it lists it.
pub fn section_count(site: &Site<'_>, s: &Section<'_>) -> EntityCount {
    EntityCount {
        name: s.title.clone(),
        href: site.urls.href(&s.path),
        count: s.explainers.len(),
        note: s.summary.clone(),
    }
}

/// The sections an explainer (or a section, with `id` its own) is in: links from the archive
/// down to `id`.
pub fn section_trail(site: &Site<'_>, id: Option<SectionId>) -> Vec<Link> {
    match id {
        Some(id) => crate::assemble::trail(&site.sections, id).into_iter().map(|s| section_link(site, s)).collect(),
        None => Vec::new(),
    }
}

/// The explainers `ids` (a page of a list, newest first) grouped by year; `before` is the
/// explainer just before the page, whose year a first group continues.
pub fn by_year<'a>(
    site: &Site<'_>,
    ids: &[ExplainerId],
    cards: Vec<&'a CardValue>,
    before: Option<ExplainerId>,
) -> Vec<YearGroup<'a>> {
    use chrono::Datelike;
    let year = |id: ExplainerId| site.explainers[id].meta.date.day().year();
    let mut groups: Vec<YearGroup<'a>> = Vec::new();
    for (&id, card) in ids.iter().zip(cards) {
        let y = year(id);
        match groups.last_mut() {
            Some(group) if group.year == y => group.explainers.push(card),
            _ => {
                let continued = groups.is_empty() && before.is_some_and(|b| year(b) == y);
                groups.push(YearGroup { year: y, continued, explainers: vec![card] });
            }
        }
    }
    groups
}

/// The table of contents of a body: its headings (made at parse, in order) nested by level.
pub fn toc(headings: &[crate::markdown::Heading]) -> Vec<TocEntry<'_>> {
    /// The headings from `*next` on that are deeper than `above`, each with those under it.
    fn deeper<'a>(headings: &'a [crate::markdown::Heading], next: &mut usize, above: u8) -> Vec<TocEntry<'a>> {
        let mut entries = Vec::new();
        while let Some(h) = headings.get(*next).filter(|h| h.level > above) {
            *next += 1;
            let children = deeper(headings, next, h.level);
            entries.push(TocEntry { level: h.level, id: &h.id, text: &h.text, children });
        }
        entries
    }
    deeper(headings, &mut 0, 0)
}

/// Whether an explainer with these headings shows its table of contents: it has at least
/// `min` (`toc_min_headings`) `##` headings, and `min` is not 0.
pub fn toc_shown(headings: &[crate::markdown::Heading], min: usize) -> bool {
    min > 0 && headings.iter().filter(|h| h.level == 2).count() >= min
}

pub fn card(site: &Site<'_>, e: &Explainer<'_>) -> Card {
    Card {
        title: e.meta.title.clone(),
        href: site.urls.href(&e.path),
        date: DateText::new(&e.meta.date, &site.config.i18n),
        summary: e.summary.clone(),
        topics: e.topics.iter().map(|&t| topic_link(site, t)).collect(),
        html: String::new(),
    }
}

pub fn topic_link(site: &Site<'_>, id: TopicId) -> Link {
    let t = &site.topics[id];
    Link { title: t.title.clone(), href: site.urls.href(&t.path) }
}

pub fn actor_link(site: &Site<'_>, id: ActorId) -> ActorLink {
    let a = &site.actors[id];
    ActorLink { name: a.name.clone(), href: site.urls.href(&a.path), role: a.role.clone() }
}

pub fn explainer_link(site: &Site<'_>, id: ExplainerId) -> Link {
    let e = &site.explainers[id];
    Link { title: e.meta.title.clone(), href: site.urls.href(&e.path) }
}

pub fn topic_count(site: &Site<'_>, t: &Topic<'_>) -> EntityCount {
    EntityCount {
        name: t.title.clone(),
        href: site.urls.href(&t.path),
        count: t.explainers.len(),
        note: t.summary.clone(),
    }
}

pub fn actor_count(site: &Site<'_>, a: &Actor<'_>) -> EntityCount {
    EntityCount { name: a.name.clone(), href: site.urls.href(&a.path), count: a.explainers.len(), note: a.role.clone() }
}

/// The `page`-th slice of `ids` (1-based) with `per_page` items; all of them when `per_page` is 0.
pub fn page_slice<T: Copy>(ids: &[T], page: usize, per_page: usize) -> &[T] {
    &ids[page_range(ids.len(), page, per_page)]
}

/// Which of `len` items the `page`-th page (1-based) shows, `per_page` a page; all when `per_page` is 0.
pub fn page_range(len: usize, page: usize, per_page: usize) -> std::ops::Range<usize> {
    if per_page == 0 {
        return 0..len;
    }
    let start = ((page - 1) * per_page).min(len);
    start..(start + per_page).min(len)
}

pub fn paginator(site: &Site<'_>, first: &str, page: usize, pages: usize) -> Paginator {
    let href = |n: usize| site.urls.href(&paginated(first, n));
    let mut links = Vec::new();
    let mut last_shown = 0;
    for n in 1..=pages {
        let shown = n == 1 || n == pages || n.abs_diff(page) <= 2;
        if shown {
            if n > last_shown + 1 {
                links.push(PageLink { number: None, href: None, current: false });
            }
            links.push(PageLink { number: Some(n), href: Some(href(n)), current: n == page });
            last_shown = n;
        }
    }
    Paginator {
        page,
        pages,
        previous: (page > 1).then(|| href(page - 1)),
        next: (page < pages).then(|| href(page + 1)),
        links,
    }
}

/// The groups of the actor index, in order: one per [`ActorKind`], then the actors without a
/// kind. Each is (the kind, its name for templates, its heading).
pub fn kind_groups() -> [(Option<ActorKind>, &'static str, &'static str); ActorKind::ALL.len() + 1] {
    let (others, others_label) = ActorKind::OTHERS;
    std::array::from_fn(|i| match ActorKind::ALL.get(i) {
        Some(&kind) => (Some(kind), kind.name(), kind.label()),
        None => (None, others, others_label),
    })
}

/// Whole minutes at 220 words a minute, at least one.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(220).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_side_list_of_at_most_five_marks_the_explainers_that_link_here() {
        // 1 and 2 are related and link here; 7 and 8 only link here; 3, 4, 5 only related
        let related = [3, 1, 4, 2, 5];
        let backlinks = [7, 2, 1, 8];
        assert_eq!(
            related_and_backlinks(&related, &backlinks),
            [(1, true), (2, true), (7, true), (8, true), (3, false)]
        );
        assert_eq!(related_and_backlinks(&[3, 4], &[]), [(3, false), (4, false)]);
        let many: Vec<usize> = (10..20).collect();
        assert_eq!(related_and_backlinks(&[1], &many).len(), RELATED);
        assert!(related_and_backlinks(&[], &[]).is_empty());
    }

    #[test]
    fn slices_pages() {
        let ids: Vec<usize> = (0..25).collect();
        assert_eq!(page_slice(&ids, 3, 10), &ids[20..25]);
        assert_eq!(page_slice(&ids, 1, 0).len(), 25);
        assert!(page_slice(&ids, 4, 10).is_empty());
    }

    #[test]
    fn toc_nests_by_level() {
        let h = |level: u8, id: &str| crate::markdown::Heading {
            level,
            id: id.into(),
            text: id.to_uppercase(),
            custom: false,
        };
        let headings = [h(3, "a"), h(2, "b"), h(3, "c"), h(4, "d"), h(3, "e"), h(2, "f")];
        let shape = |entries: &[TocEntry<'_>]| -> String {
            fn walk(entries: &[TocEntry<'_>], out: &mut String) {
                for e in entries {
                    out.push_str(e.id);
                    if !e.children.is_empty() {
                        out.push('(');
                        walk(&e.children, out);
                        out.push(')');
                    }
                }
            }
            let mut out = String::new();
            walk(entries, &mut out);
            out
        };
        assert_eq!(shape(&toc(&headings)), "ab(c(d)e)f");
        assert!(toc_shown(&headings, 2));
        assert!(!toc_shown(&headings, 3));
        assert!(!toc_shown(&headings, 0));
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_minutes(0), 1);
        assert_eq!(reading_minutes(221), 2);
    }
}
