//! Render: every planned page, in parallel, from `&Site` through its view struct and template, to a sink.

pub mod cite;
mod corrections;
pub mod feeds;
pub mod home;
pub mod html;
pub mod jsonld;
pub mod lists;
pub mod svg;
pub mod templates;
pub mod views;

use crate::assemble::{ExplainerId, FeedOf, Page, PageKind, SITEMAP_URLS, Site};
use crate::diagnostics::Diagnostic;
use crate::page_ids::{self, RenderedIds};
use crate::urls::output_file;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};
use templates::CARD_TEMPLATE;
pub use templates::Templates;
use views::*;

/// Where rendered pages go: the staging folder of a build, memory for `serve`, nowhere for `check`.
pub trait Sink: Sync {
    /// `path` is the output file relative to the output root (`articles/x/index.html`).
    fn write(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()>;

    /// Keeps the page at `path` as an earlier build wrote it, whose bytes hash to `hash`
    /// (`output::manifest::hash`), instead of its being rendered again (`build` with its build
    /// cache). Returns false when the sink cannot: the page is rendered.
    fn keep(&self, _path: &str, _hash: u128) -> bool {
        false
    }
}

/// Discards pages: `dossier check` renders everything to find template errors, and writes nothing.
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _: &str, _: Vec<u8>) -> std::io::Result<()> {
        Ok(())
    }
}

/// Keeps rendered files in memory: `serve` publishes them from there, benchmarks write them later.
#[derive(Default)]
pub struct MemorySink(Mutex<Vec<(String, Vec<u8>)>>);

impl MemorySink {
    pub fn with_capacity(files: usize) -> MemorySink {
        MemorySink(Mutex::new(Vec::with_capacity(files)))
    }

    /// The files written, as (output path, bytes), in the order they were written.
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        self.0.into_inner().expect("no renderer panics holding the sink")
    }
}

impl Sink for MemorySink {
    fn write(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        self.0.lock().expect("no renderer panics holding the sink").push((path.to_string(), bytes));
        Ok(())
    }
}

/// Room for an explainer page around its body, so that its buffer need not grow: the default
/// theme puts 5–25 KB around a body on the benchmark corpus (pages of 13–34 KB).
const EXPLAINER_CHROME: usize = 32 * 1024;

/// How many items the home page shows of each entity list.
const HOME_ENTITY_COUNT: usize = 12;

/// What rendering pages found on them.
#[derive(Debug, Default)]
pub struct RenderedPages {
    /// The ids of each HTML page written, by output file: `#anchor` links are checked against
    /// them.
    pub ids: RenderedIds,
    /// Pages with an id twice: errors, unless the build fails for errors found before rendering
    /// (which name the place in the body of an id written twice).
    pub duplicate_ids: Vec<Diagnostic>,
}

/// `title`, or on the `n`th page of a list "`title`, page `n`" in the site's language.
fn paged_title(site: &Site<'_>, title: &str, n: usize) -> String {
    if n > 1 {
        site.config.i18n.text("page_title_n", Some(n as u64), &[("title", title)]).unwrap_or_else(|_| title.to_string())
    } else {
        title.to_string()
    }
}

/// Renders every page of the plan, or returns every distinct error.
pub fn render_site(
    site: &Site<'_>,
    templates: &mut Templates,
    sink: &dyn Sink,
) -> Result<RenderedPages, Vec<Diagnostic>> {
    let pages: Vec<&Page> = site.pages.iter().collect();
    render_pages(site, templates, sink, &pages)
}

/// Renders some pages of the plan (`serve` renders only those an edit changed).
pub fn render_pages(
    site: &Site<'_>,
    templates: &mut Templates,
    sink: &dyn Sink,
    pages: &[&Page],
) -> Result<RenderedPages, Vec<Diagnostic>> {
    templates.tera.global_context().insert("site", &site_view(site));
    // `t()` reads the language of the page from `lang`: the site's, until pages have their own
    templates.tera.global_context().insert("lang", &site.config.language);
    // escaped once here and marked safe, rather than escaped at every use on every page
    let tr: tera::value::Map = site
        .config
        .i18n
        .texts()
        .into_iter()
        .map(|(key, text)| {
            // Tera's own escaping, so that the page's bytes are those autoescape would write
            let mut escaped = Vec::with_capacity(text.len());
            tera::escape_html(text, &mut escaped).expect("writing to memory");
            (key.to_string().into(), tera::Value::safe_string(&String::from_utf8_lossy(&escaped)))
        })
        .collect();
    templates.tera.global_context().insert_value("tr", tera::Value::from(tr));
    let catalogues = std::collections::BTreeMap::from([(site.config.language.clone(), site.config.i18n.clone())]);
    templates.tera.register_function("t", crate::i18n::template_function(std::sync::Arc::new(catalogues)));
    let templates = &*templates;
    let cards = (0..site.explainers.len()).map(|_| OnceLock::new()).collect();
    let quotes = (0..site.explainers.len()).map(|_| OnceLock::new()).collect();
    let renderer = Renderer { site, templates, cards, quotes };
    let errors: Mutex<BTreeMap<crate::diagnostics::Identity, (Diagnostic, usize)>> = Mutex::new(BTreeMap::new());
    // explainer pages first: they make the quotes that actor pages show
    let (explainer_pages, mut other_pages): (Vec<&Page>, Vec<&Page>) =
        pages.iter().partition(|page| matches!(page.kind, PageKind::Explainer(_)));
    // then the longest lists first, so that no thread is left alone on a long page at the end
    other_pages.sort_by_key(|page| std::cmp::Reverse(entries_listed(site, page)));
    let duplicates: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
    // `name` on `a` is an anchor only where raw HTML is passed through as written
    let names = site.config.markdown.raw_html == crate::config::RawHtml::Trusted;
    let render_one = |page: &&Page| -> Option<(String, Vec<String>)> {
        let path = output_file(&page.path);
        let bytes = renderer.render(page).map_err(|d| record(&errors, d)).ok()?;
        let ids = if path.ends_with(".html") { page_ids::ids_in_html(&bytes, names) } else { Vec::new() };
        duplicates.lock().expect("no thread panicked while holding the lock").extend(page_ids::duplicate_ids(
            &path,
            &ids,
            page_source(site, page),
        ));
        match sink.write(&path, bytes) {
            Ok(()) => Some((path, ids)),
            Err(e) => {
                record(&errors, Diagnostic::cannot_write(format_args!("/{path}"), e));
                None
            }
        }
    };
    let render_all = |pages: &[&Page]| -> Vec<Option<(String, Vec<String>)>> {
        pages.par_iter().with_max_len(crate::ITEMS_PER_JOB).map(render_one).collect()
    };
    let rendered: RenderedIds =
        render_all(&explainer_pages).into_iter().chain(render_all(&other_pages)).flatten().collect();
    // the cards are thousands of small maps: freed on one thread, they took 20 ms at the end of
    // every 10,000-explainer build
    let Renderer { cards, quotes, .. } = renderer;
    rayon::join(
        || cards.into_par_iter().with_max_len(crate::ITEMS_PER_JOB).for_each(drop),
        || quotes.into_par_iter().with_max_len(crate::ITEMS_PER_JOB).for_each(drop),
    );
    let errors = errors.into_inner().expect("no thread panicked while holding the lock");
    if errors.is_empty() {
        let duplicate_ids = duplicates.into_inner().expect("no thread panicked while holding the lock");
        return Ok(RenderedPages { ids: rendered, duplicate_ids });
    }
    Err(errors
        .into_values()
        .map(|(mut d, count)| {
            if count > 1 {
                d.message.push_str(&format!(" (on {count} pages)"));
            }
            d
        })
        .collect())
}

/// The content file a page shows the body of, to name in errors about the page.
fn page_source<'s>(site: &Site<'s>, page: &Page) -> Option<&'s str> {
    match page.kind {
        PageKind::Explainer(id) => Some(&site.explainers[id].file.path),
        PageKind::Actor { id, .. } => site.actors[id].profile.as_ref().map(|p| p.file.path.as_str()),
        PageKind::Topic { id, .. } => site.topics[id].profile.as_ref().map(|p| p.file.path.as_str()),
        PageKind::Home { .. } => site.home.intro.as_ref().map(|p| p.file.path.as_str()),
        PageKind::Section { id, .. } => site.sections[id].intro.as_ref().map(|p| p.file.path.as_str()),
        _ => None,
    }
}

/// About how long a page is to render: how many explainers (or sitemap entries) it lists. The
/// home page and the pages of the busiest actors list thousands on a large site.
fn entries_listed(site: &Site<'_>, page: &Page) -> usize {
    let on_page = |ids: &[usize], n: usize| page_slice(ids, n, site.config.paginate).len();
    match page.kind {
        PageKind::Home { page: n, .. } => page_range(site.explainers.len(), n, site.config.paginate).len(),
        PageKind::Topic { id, page: n, .. } => on_page(&site.topics[id].explainers, n),
        PageKind::Actor { id, page: n, .. } => on_page(&site.actors[id].explainers, n),
        PageKind::Section { id, page: n, .. } => on_page(&site.sections[id].explainers, n),
        PageKind::Sitemap { .. } => site.pages.len().min(SITEMAP_URLS),
        _ => 0,
    }
}

/// Keeps one copy of each distinct error (by [`Diagnostic::identity`]: its place, code and
/// message, not its printed text) with the number of pages it happened on.
fn record(errors: &Mutex<BTreeMap<crate::diagnostics::Identity, (Diagnostic, usize)>>, d: Diagnostic) {
    let key = d.identity();
    let mut map = errors.lock().expect("no thread panicked while holding the lock");
    map.entry(key).or_insert((d, 0)).1 += 1;
}

/// What the feed of a page is made from, besides the explainers it lists: the one place that
/// reads it from the site, for the renderer and for `serve`'s fingerprint of the feed.
#[derive(Debug)]
pub struct FeedArgs<'a> {
    pub title: String,
    pub subtitle: &'a str,
    /// The page the feed is of.
    pub page_path: &'a str,
    /// The explainers it lists, newest first (it shows the first [`feeds::FEED_ENTRIES`]).
    pub ids: std::borrow::Cow<'a, [ExplainerId]>,
}

/// [`FeedArgs`] of the feed at `page`.
pub fn feed_args<'a>(site: &'a Site<'_>, of: FeedOf) -> FeedArgs<'a> {
    let title = &site.config.title;
    match of {
        FeedOf::Site => FeedArgs {
            title: title.clone(),
            subtitle: &site.config.description,
            page_path: "",
            ids: (0..site.explainers.len()).collect(),
        },
        FeedOf::Topic(id) => {
            let t = &site.topics[id];
            FeedArgs {
                title: format!("{} · {title}", t.title),
                subtitle: t.summary.as_deref().unwrap_or(""),
                page_path: &t.path,
                ids: t.explainers.as_slice().into(),
            }
        }
        FeedOf::Actor(id) => {
            let a = &site.actors[id];
            FeedArgs {
                title: format!("{} · {title}", a.name),
                subtitle: a.role.as_deref().unwrap_or(""),
                page_path: &a.path,
                ids: a.explainers.as_slice().into(),
            }
        }
    }
}

/// A card as lists share it, and about how many bytes it adds to a page that lists it.
struct SharedCard {
    value: CardValue,
    bytes: usize,
}

/// What a card adds to a page when the theme has no `partials/card.html` to measure (the default
/// theme's cards are 500–900 bytes on the benchmark corpus).
const CARD_GUESS: usize = 1024;

/// Room for a list page around its cards: head, navigation, entity lists, pagination.
const LIST_CHROME: usize = 16 * 1024;

struct Renderer<'a, 's> {
    site: &'a Site<'s>,
    templates: &'a Templates,
    /// One per explainer, made on first use and shared by every list that shows it.
    cards: Vec<OnceLock<Result<SharedCard, Diagnostic>>>,
    /// The HTML of each explainer's attributed quotes for actor pages, made with the explainer's
    /// page (or by the first actor page that needs them, if it comes first).
    quotes: Vec<OnceLock<Vec<String>>>,
}

impl Renderer<'_, '_> {
    fn render(&self, page: &Page) -> Result<Vec<u8>, Diagnostic> {
        match page.kind {
            PageKind::Home { page: n, pages } => self.home(page, n, pages),
            PageKind::Explainer(id) => self.explainer(page, id),
            PageKind::Topics { page: n, pages } => self.topics(page, n, pages),
            PageKind::Topic { id, page: n, pages } => self.topic(page, id, n, pages),
            PageKind::Actors { page: n, pages } => self.actors(page, n, pages),
            PageKind::Actor { id, page: n, pages } => self.actor(page, id, n, pages),
            PageKind::Section { id, page: n, pages } => self.section(page, id, n, pages),
            PageKind::Alias { explainer } => self.alias(page, explainer),
            PageKind::NotFound => self.not_found(page),
            PageKind::Glossary => self.glossary(page),
            PageKind::Search => self.search(page),
            PageKind::Corrections => self.corrections(page),
            PageKind::CorrectionsFeed => Ok(corrections::feed(self.site)),
            PageKind::Cite(id) => Ok(cite::csl_json(self.site, &self.site.explainers[id])),
            PageKind::Feed(of) => Ok(self.feed(page, of)),
            PageKind::Sitemap { part } => Ok(feeds::sitemap(self.site, part.unwrap_or(0))),
            PageKind::SitemapIndex { parts } => Ok(feeds::sitemap_index(self.site, parts)),
            PageKind::Robots => Ok(feeds::robots(self.site)),
        }
    }

    fn template<C: serde::Serialize>(&self, name: &str, context: &C) -> Result<Vec<u8>, Diagnostic> {
        self.template_sized(name, context, 16 * 1024)
    }

    /// [`Renderer::template`] into a buffer of `capacity` bytes, for pages whose size is known
    /// roughly in advance: growing a buffer copies what it holds.
    fn template_sized<C: serde::Serialize>(
        &self,
        name: &str,
        context: &C,
        capacity: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let context = tera::Context::from_serialize(context).map_err(|e| self.templates.diagnostic(&e))?;
        let mut out = Vec::with_capacity(capacity);
        self.templates.tera.render_to(name, &context, &mut out).map_err(|e| self.templates.diagnostic(&e))?;
        Ok(out)
    }

    fn meta(
        &self,
        page: &Page,
        kind: &'static str,
        section: &'static str,
        title: String,
        description: String,
        extras: PageExtras,
    ) -> PageMeta {
        let site = self.site;
        let urls = &site.urls;
        let mut breadcrumbs = Vec::new();
        if kind != "home" {
            breadcrumbs.push(Link { title: site.config.i18n.word("home"), href: urls.href("") });
        }
        match section {
            "topics" if kind != "topics" => breadcrumbs
                .push(Link { title: site.config.i18n.word("nav_topics"), href: urls.href(crate::urls::TOPICS) }),
            "actors" if kind != "actors" => breadcrumbs
                .push(Link { title: site.config.i18n.word("nav_actors"), href: urls.href(crate::urls::ACTORS) }),
            _ => {}
        }
        breadcrumbs.extend(extras.trail);
        let permalink = urls.absolute(&page.path);
        let (translations, x_default) = self.translations(&page.path);
        let mut feeds = vec![Link { title: site.config.title.clone(), href: urls.href("atom.xml") }];
        feeds.extend(extras.feed);
        let mut json_ld = extras.json_ld;
        if !matches!(kind, "home" | "alias" | "not_found") {
            json_ld.push(jsonld::breadcrumbs(site, &breadcrumbs, &title, &permalink));
        }
        PageMeta {
            kind,
            section,
            href: urls.href(&page.path),
            canonical: extras.canonical.unwrap_or_else(|| permalink.clone()),
            permalink,
            breadcrumbs,
            og_type: extras.og_type.unwrap_or("website"),
            published: extras.published,
            modified: extras.modified,
            tags: extras.tags,
            feeds,
            json_ld: if json_ld.is_empty() { String::new() } else { jsonld::script(json_ld) },
            image: extras.image,
            has_code: false,
            translations,
            x_default,
            untranslated: extras.untranslated,
            title,
            description,
        }
    }

    /// The default language, when `profile` is its file shown in another language for want of
    /// a version in it ([`PageMeta::untranslated`]); empty otherwise.
    fn untranslated(&self, profile: Option<&crate::assemble::Profile<'_>>) -> String {
        match profile {
            Some(p) if crate::assemble::is_fallback(self.site, p.file) => {
                self.site.config.default_language().to_string()
            }
            _ => String::new(),
        }
    }

    /// The versions of the page at `path` in every language, and the default language's URL
    /// (`x-default`); none in a site of one language, or for a page no other language has.
    fn translations(&self, path: &str) -> (Vec<TranslationLink>, String) {
        let Some(table) = &self.site.translations else { return (Vec::new(), String::new()) };
        let versions = table.versions(path);
        let links: Vec<TranslationLink> = versions
            .iter()
            .map(|l| TranslationLink {
                lang: l.tag.clone(),
                name: l.name.clone(),
                href: l.urls.href(path),
                url: l.urls.absolute(path),
                current: l.tag == self.site.config.language,
            })
            .collect();
        let x_default = match versions.first() {
            Some(l) if l.tag == self.site.config.default_language() => l.urls.absolute(path),
            _ => String::new(),
        };
        (links, x_default)
    }

    fn cards(&self, ids: &[usize]) -> Result<Vec<&CardValue>, Diagnostic> {
        Ok(self.list_cards(ids)?.0)
    }

    fn shared_card(&self, id: usize) -> Result<&SharedCard, Diagnostic> {
        self.cards[id].get_or_init(|| self.card_value(id)).as_ref().map_err(Clone::clone)
    }

    /// The cards of a list page, and about the buffer the page needs: a page of thousands of
    /// cards would otherwise grow its buffer a dozen times, copying what it holds each time.
    fn list_cards(&self, ids: &[usize]) -> Result<(Vec<&CardValue>, usize), Diagnostic> {
        let mut cards = Vec::with_capacity(ids.len());
        let mut capacity = LIST_CHROME;
        for &id in ids {
            let card = self.shared_card(id)?;
            cards.push(&card.value);
            capacity += card.bytes;
        }
        Ok((cards, capacity))
    }

    /// An explainer's card for every list that shows it: its fields, and its HTML rendered once
    /// from `partials/card.html`, so that a list of thousands is a copy of strings.
    fn card_value(&self, id: usize) -> Result<SharedCard, Diagnostic> {
        let mut card = card(self.site, &self.site.explainers[id]);
        if self.templates.has_card {
            let context = tera::Context::from_serialize(&CardContext { card: &card })
                .map_err(|e| self.templates.diagnostic(&e))?;
            let html =
                self.templates.tera.render(CARD_TEMPLATE, &context).map_err(|e| self.templates.diagnostic(&e))?;
            card.html = html.trim_end().to_string();
        }
        let bytes = if card.html.is_empty() { CARD_GUESS } else { card.html.len() };
        Ok(SharedCard { value: tera::Value::from_serializable(&card), bytes })
    }

    fn home(&self, page: &Page, n: usize, pages: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let heading = site.home.title.as_deref().unwrap_or(&site.config.title);
        let title = paged_title(site, heading, n);
        let description = site.home.description.clone().unwrap_or_else(|| site.config.description.clone());
        let ids: Vec<usize> = (0..site.explainers.len()).collect();
        let mut topics: Vec<EntityCount> = site.topics.iter().map(|t| topic_count(site, t)).collect();
        topics.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        topics.truncate(HOME_ENTITY_COUNT);
        let mut actors: Vec<EntityCount> = site.actors.iter().map(|a| actor_count(site, a)).collect();
        actors.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        actors.truncate(HOME_ENTITY_COUNT);
        // the first page leads with one explainer and its key points, and lists the others
        let lead_id = if n == 1 { home::lead_id(site) } else { None };
        let listed = home::without_lead(page_slice(&ids, n, site.config.paginate), lead_id);
        let (explainers, capacity) = self.list_cards(&listed)?;
        let lead = match lead_id {
            Some(id) => Some(home::LeadView {
                card: &self.shared_card(id)?.value,
                featured: site.explainers[id].meta.featured,
                takeaways: &site.explainers[id].meta.takeaways,
            }),
            None => None,
        };
        let intro = if n == 1 { site.home.intro.as_ref().map(|p| html::body_html(&p.body, &p.links)) } else { None };
        let context = HomeContext {
            page: {
                let permalink = site.urls.absolute(&page.path);
                let extras = PageExtras {
                    json_ld: vec![jsonld::web_site(site), jsonld::collection_page(heading, &permalink, &description)],
                    ..PageExtras::default()
                };
                let mut meta = self.meta(page, "home", "explainers", title, description, extras);
                meta.has_code = intro.as_deref().is_some_and(home::has_highlighted_code);
                meta
            },
            heading,
            intro,
            lead,
            explainers,
            paginator: paginator(site, "", n, pages),
            topics,
            actors,
        };
        self.template_sized("index.html", &context, capacity)
    }

    fn explainer(&self, page: &Page, id: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let e = &site.explainers[id];
        let (body, quotes) = html::explainer_html(site, e);
        let body_len = body.len();
        // the actor pages that show these quotes take them from here (unless one came first)
        let _ = self.quotes[id].set(quotes);
        let view = ExplainerView {
            title: &e.meta.title,
            href: site.urls.href(&e.path),
            permalink: site.urls.absolute(&e.path),
            date: DateText::new(&e.meta.date, &site.config.i18n),
            updated: e.meta.updated.as_ref().map(|d| DateText::new(d, &site.config.i18n)),
            summary: &e.summary,
            body,
            topics: e.topics.iter().map(|&t| topic_link(site, t)).collect(),
            actors: e.actors.iter().map(|&a| actor_link(site, a)).collect(),
            takeaways: &e.meta.takeaways,
            sources: e
                .meta
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| SourceView {
                    number: i + 1,
                    id: &s.id,
                    anchor: format!("source-{}", s.id),
                    title: &s.title,
                    publisher: s.publisher.as_deref(),
                    url: s.url.as_deref(),
                    date: s.date.as_ref().map(|d| DateText::new(d, &site.config.i18n)),
                    archived: s.archived.as_deref(),
                })
                .collect(),
            timeline: e
                .meta
                .timeline
                .iter()
                .map(|t| DatedText { date: DateText::new(&t.date, &site.config.i18n), text: &t.event })
                .collect(),
            updates: corrections::update_views(e, &site.config.i18n),
            corrected: corrections::last_correction(e, &site.config.i18n),
            authors: e
                .authors
                .iter()
                .map(|&a| Link { title: site.actors[a].name.clone(), href: site.urls.href(&site.actors[a].path) })
                .collect(),
            cite: cite::view(site, e),
            related: views::related_and_backlinks(&e.related, &e.backlinks)
                .into_iter()
                .map(|(id, links_here)| Ok(views::RelatedCard { card: &self.shared_card(id)?.value, links_here }))
                .collect::<Result<_, Diagnostic>>()?,
            word_count: e.body.word_count,
            reading_minutes: reading_minutes(e.body.word_count),
            draft: e.meta.draft,
            toc: views::toc(&e.body.headings),
            toc_shown: views::toc_shown(&e.body.headings, site.config.toc_min_headings),
            extra: &e.meta.extra,
            sections: section_trail(site, e.section),
        };
        let context = ExplainerContext {
            page: {
                let modified = feeds::modified(site, id).machine();
                let extras = PageExtras {
                    og_type: Some("article"),
                    published: Some(e.meta.date.machine()),
                    json_ld: vec![jsonld::article(site, e, &modified)],
                    modified: Some(modified),
                    tags: e.topics.iter().map(|&t| site.topics[t].title.clone()).collect(),
                    trail: view.sections.clone(),
                    image: e.image.as_ref().map(|image| ImageView::of(site, image)),
                    ..PageExtras::default()
                };
                let mut meta =
                    self.meta(page, "explainer", "explainers", e.meta.title.clone(), e.summary.clone(), extras);
                // syntax.css is linked only by pages with highlighted code
                meta.has_code = home::has_highlighted_code(&view.body);
                meta
            },
            explainer: view,
        };
        // the body, and about as much again around it (head, lists, related cards)
        self.template_sized("explainer.html", &context, body_len + EXPLAINER_CHROME)
    }

    fn topics(&self, page: &Page, n: usize, pages: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let (letters, jumps) = lists::topic_index(site, n);
        let title = paged_title(site, &site.config.i18n.word("topics_title"), n);
        let description = site.config.i18n.format("every_topic_of", &[("site", &site.config.title)]);
        let context = TopicsContext {
            page: self.meta(page, "topics", "topics", title, description, PageExtras::default()),
            topics: letters.iter().flat_map(|l| l.topics.iter().cloned()).collect(),
            letters,
            jumps,
            count: site.topics.len(),
            paginator: paginator(site, crate::urls::TOPICS, n, pages),
        };
        self.template("topics.html", &context)
    }

    fn topic(&self, page: &Page, id: usize, n: usize, pages: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let t = &site.topics[id];
        let title = paged_title(site, &t.title, n);
        let description =
            t.summary.clone().unwrap_or_else(|| site.config.i18n.format("explainers_about", &[("topic", &t.title)]));
        let view = TopicView {
            title: &t.title,
            slug: t.slug.as_str(),
            href: site.urls.href(&t.path),
            permalink: site.urls.absolute(&t.path),
            summary: t.summary.as_deref(),
            body: t.profile.as_ref().map(|p| html::body_html(&p.body, &p.links)).unwrap_or_default(),
            aliases: &t.aliases,
            count: t.explainers.len(),
            timeline: t
                .timeline
                .iter()
                .map(|event| {
                    let (e, i) = event.entry;
                    let entry = &site.explainers[e].meta.timeline[i];
                    TimelineEntryView {
                        date: DateText::new(&entry.date, &site.config.i18n),
                        event: &entry.event,
                        explainers: event.explainers.iter().map(|&e| explainer_link(site, e)).collect(),
                    }
                })
                .collect(),
            timeline_svg: if t.timeline.is_empty() {
                String::new()
            } else {
                let dates: Vec<_> = t.timeline.iter().map(|e| e.date).collect();
                svg::timeline("timeline-chart", &t.title, &dates, &site.config.i18n)
            },
            key_actors: t
                .key_actors
                .iter()
                .map(|&(a, count)| EntityCount { count, ..actor_count(site, &site.actors[a]) })
                .collect(),
            backlinks: self.cards(&t.backlinks)?,
            extra: &t.extra,
        };
        let (explainers, capacity) = self.list_cards(page_slice(&t.explainers, n, site.config.paginate))?;
        let context = TopicContext {
            page: {
                let extras = PageExtras {
                    feed: Some(Link {
                        title: format!("{} · {}", t.title, site.config.title),
                        href: site.urls.href(&crate::urls::feed_path(&t.path)),
                    }),
                    json_ld: vec![jsonld::collection_page(&t.title, &site.urls.absolute(&page.path), &description)],
                    untranslated: self.untranslated(t.profile.as_ref()),
                    ..PageExtras::default()
                };
                let mut meta = self.meta(page, "topic", "topics", title, description, extras);
                // syntax.css is linked only by pages with highlighted code
                meta.has_code = home::has_highlighted_code(&view.body);
                meta
            },
            topic: view,
            explainers,
            paginator: paginator(site, &t.path, n, pages),
        };
        self.template_sized("topic.html", &context, capacity)
    }

    fn actors(&self, page: &Page, n: usize, pages: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let (groups, jumps) = lists::actor_index(site, n);
        let title = paged_title(site, &site.config.i18n.word("actors_title"), n);
        let description = site.config.i18n.format("every_actor_of", &[("site", &site.config.title)]);
        let context = ActorsContext {
            page: self.meta(page, "actors", "actors", title, description, PageExtras::default()),
            groups,
            jumps,
            count: site.actors.len(),
            paginator: paginator(site, crate::urls::ACTORS, n, pages),
        };
        self.template("actors.html", &context)
    }

    fn actor(&self, page: &Page, id: usize, n: usize, pages: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let a = &site.actors[id];
        let title = paged_title(site, &a.name, n);
        let description = match &a.role {
            Some(role) => site.config.i18n.format("actor_description", &[("name", &a.name), ("role", role)]),
            None => site.config.i18n.format("explainers_featuring", &[("name", &a.name)]),
        };
        let listed = |id: &usize| a.explainers.binary_search(id).is_ok() || a.mentioned_in.binary_search(id).is_ok();
        let backlinks: Vec<usize> = a.backlinks.iter().copied().filter(|id| !listed(id)).collect();
        let view = ActorView {
            name: &a.name,
            slug: a.slug.as_str(),
            href: site.urls.href(&a.path),
            permalink: site.urls.absolute(&a.path),
            kind: a.kind.map(|k| k.name()),
            role: a.role.as_deref(),
            country: a.country.as_deref(),
            aliases: &a.aliases,
            wikidata: a.identity.wikidata.as_deref(),
            elsewhere: views::elsewhere(&a.identity),
            body: a.profile.as_ref().map(|p| html::body_html(&p.body, &p.links)).unwrap_or_default(),
            count: a.explainers.len(),
            mentioned_in: self.cards(&a.mentioned_in[..a.mentioned_in.len().min(SIDE_LIST)])?,
            mentioned_count: a.mentioned_in.len(),
            backlinks: self.cards(&backlinks[..backlinks.len().min(SIDE_LIST)])?,
            backlink_count: backlinks.len(),
            quote_count: a.quotes.len(),
            quotes: a
                .quotes
                .iter()
                .take(QUOTES)
                .map(|&(e, q)| {
                    let explainer = &site.explainers[e];
                    QuoteView {
                        html: self.quotes[e].get_or_init(|| html::quotes_html(site, explainer))[q].clone(),
                        explainer: explainer_link(site, e),
                        date: DateText::new(&explainer.meta.date, &site.config.i18n),
                    }
                })
                .collect(),
            co_actors: a
                .co_actors
                .iter()
                .map(|&(other, count)| EntityCount { count, ..actor_count(site, &site.actors[other]) })
                .collect(),
            co_actors_svg: if a.co_actors.is_empty() {
                String::new()
            } else {
                let neighbours: Vec<(String, usize)> =
                    a.co_actors.iter().map(|&(other, count)| (site.actors[other].name.clone(), count)).collect();
                svg::neighbourhood("co-actors", &a.name, &neighbours, &site.config.i18n)
            },
            extra: &a.extra,
        };
        let (explainers, capacity) = self.list_cards(page_slice(&a.explainers, n, site.config.paginate))?;
        let context = ActorContext {
            page: {
                let extras = PageExtras {
                    og_type: Some("profile"),
                    feed: Some(Link {
                        title: format!("{} · {}", a.name, site.config.title),
                        href: site.urls.href(&crate::urls::feed_path(&a.path)),
                    }),
                    json_ld: vec![jsonld::profile_page(site, a, &site.urls.absolute(&page.path))],
                    untranslated: self.untranslated(a.profile.as_ref()),
                    ..PageExtras::default()
                };
                let mut meta = self.meta(page, "actor", "actors", title, description, extras);
                // syntax.css is linked only by pages with highlighted code
                meta.has_code = home::has_highlighted_code(&view.body);
                meta
            },
            actor: view,
            explainers,
            paginator: paginator(site, &a.path, n, pages),
        };
        self.template_sized("actor.html", &context, capacity)
    }

    fn section(&self, page: &Page, id: usize, n: usize, pages: usize) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let s = &site.sections[id];
        let title = paged_title(site, &s.title, n);
        let description =
            s.summary.clone().unwrap_or_else(|| site.config.i18n.format("section_description", &[("title", &s.title)]));
        let view = SectionView {
            title: &s.title,
            href: site.urls.href(&s.path),
            permalink: site.urls.absolute(&s.path),
            summary: s.summary.as_deref(),
            body: s.intro.as_ref().map(|p| html::body_html(&p.body, &p.links)).unwrap_or_default(),
            is_archive: s.is_archive(),
            parent: s.parent.map(|p| section_link(site, p)),
            children: s.children.iter().map(|&c| section_count(site, &site.sections[c])).collect(),
            count: s.explainers.len(),
            extra: &s.extra,
        };
        let range = page_range(s.explainers.len(), n, site.config.paginate);
        let before = range.start.checked_sub(1).map(|i| s.explainers[i]);
        let ids = &s.explainers[range];
        let (cards, capacity) = self.list_cards(ids)?;
        let context = SectionContext {
            page: {
                let extras = PageExtras {
                    json_ld: vec![jsonld::collection_page(&s.title, &site.urls.absolute(&page.path), &description)],
                    // the sections above it: its own is the page's title
                    trail: s.parent.map(|p| section_trail(site, Some(p))).unwrap_or_default(),
                    ..PageExtras::default()
                };
                let mut meta = self.meta(page, "section", "explainers", title, description, extras);
                // syntax.css is linked only by pages with highlighted code
                meta.has_code = home::has_highlighted_code(&view.body);
                meta
            },
            section: view,
            years: by_year(site, ids, cards, before),
            paginator: paginator(site, &s.path, n, pages),
        };
        self.template_sized("section.html", &context, capacity)
    }

    fn alias(&self, page: &Page, explainer: usize) -> Result<Vec<u8>, Diagnostic> {
        let e = &self.site.explainers[explainer];
        let context = AliasContext {
            page: self.meta(
                page,
                "alias",
                "explainers",
                e.meta.title.clone(),
                e.summary.clone(),
                PageExtras { canonical: Some(self.site.urls.absolute(&e.path)), ..PageExtras::default() },
            ),
            target_json: jsonld::markup_safe(
                serde_json::to_string(&self.site.urls.href(&e.path)).expect("strings serialize"),
            ),
            target: explainer_link(self.site, explainer),
            target_permalink: self.site.urls.absolute(&e.path),
        };
        self.template("alias.html", &context)
    }

    fn glossary(&self, page: &Page) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let context = GlossaryContext {
            page: self.meta(
                page,
                "glossary",
                "glossary",
                site.config.i18n.word("glossary_title"),
                site.config.i18n.format("glossary_description", &[("site", &site.config.title)]),
                PageExtras::default(),
            ),
            terms: lists::glossary_terms(site),
        };
        self.template("glossary.html", &context)
    }

    fn search(&self, page: &Page) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        let i18n = &site.config.i18n;
        let description = i18n.format("search_description", &[("site", &site.config.title)]);
        let context = SearchContext {
            page: self.meta(page, "search", "search", i18n.word("search_title"), description, PageExtras::default()),
            index: site.urls.href("search/index/"),
            messages: i18n.js_messages(),
        };
        self.template("search.html", &context)
    }

    fn feed(&self, page: &Page, of: FeedOf) -> Vec<u8> {
        let args = feed_args(self.site, of);
        feeds::atom(self.site, &args.title, args.subtitle, args.page_path, &page.path, &args.ids)
    }

    fn not_found(&self, page: &Page) -> Result<Vec<u8>, Diagnostic> {
        let site = self.site;
        // the largest topics (ties by title), then A to Z
        let mut largest: Vec<&crate::assemble::Topic<'_>> = site.topics.iter().collect();
        largest.sort_by(|a, b| b.explainers.len().cmp(&a.explainers.len()).then_with(|| a.title.cmp(&b.title)));
        largest.truncate(NOT_FOUND_TOPICS);
        let mut topics: Vec<EntityCount> = largest.into_iter().map(|t| topic_count(site, t)).collect();
        topics.sort_by(|a, b| a.name.cmp(&b.name));
        let context = NotFoundContext {
            page: self.meta(
                page,
                "not_found",
                "",
                site.config.i18n.word("not_found_title"),
                String::new(),
                PageExtras::default(),
            ),
            topics,
            topic_count: site.topics.len(),
            topics_href: site.urls.href(crate::urls::TOPICS),
            search: site.config.search.then(|| site.urls.href("search/")),
        };
        self.template("404.html", &context)
    }
}
