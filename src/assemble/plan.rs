//! The page plan: every file the build writes, at which path, checked before anything is written
//! so that no two claim one path and every path can be written on common file systems.

use super::builders::{ActorBuilder, EntityBuilder, ExplainerBuilder, TopicBuilder};
use super::{ActorId, ExplainerId, Section, SectionId, TopicId};
use crate::config::Config;
use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::frontmatter::Located;
use crate::load::{ContentFile, StaticFile};
use crate::slug::Slug;
use crate::urls::{ACTORS, TOPICS, feed_path, output_file, paginated};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// What a page shows. List pages carry their page number (1-based) and page count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home {
        page: usize,
        pages: usize,
    },
    Explainer(ExplainerId),
    /// The topic index, [`TOPICS_PER_PAGE`] topics a page.
    Topics {
        page: usize,
        pages: usize,
    },
    Topic {
        id: TopicId,
        page: usize,
        pages: usize,
    },
    /// The actor index, [`ACTORS_PER_PAGE`] actors a page.
    Actors {
        page: usize,
        pages: usize,
    },
    Actor {
        id: ActorId,
        page: usize,
        pages: usize,
    },
    /// The archive of a top-level folder, or a section (`_index.md`): its explainers, paginated.
    Section {
        id: SectionId,
        page: usize,
        pages: usize,
    },
    /// A redirect from an old path (`aliases:`) to an explainer.
    Alias {
        explainer: ExplainerId,
    },
    /// Every glossary term with the explainers using it (when the site has a glossary).
    Glossary,
    /// The search page (when `search` is on).
    Search,
    /// Every update and correction of the site, newest first (when there is one).
    Corrections,
    /// The Atom feed of [`PageKind::Corrections`].
    CorrectionsFeed,
    /// An explainer's citation in CSL-JSON, `cite.json` beside its page.
    Cite(ExplainerId),
    /// An Atom feed.
    Feed(FeedOf),
    /// The sitemap; `part` is `None` for the only one, or the 0-based part under a sitemap index.
    Sitemap {
        part: Option<usize>,
    },
    /// The sitemap index, when the site has more pages than one sitemap may list.
    SitemapIndex {
        parts: usize,
    },
    Robots,
    NotFound,
}

/// URLs per sitemap file, the limit of the sitemap protocol.
pub const SITEMAP_URLS: usize = 50_000;

/// Actors per page of the actor index. Not `paginate`, which counts explainers (cards of about
/// 700 bytes): an actor's line is about 150 bytes, and a hundred of them is a short scroll with
/// the letter jumps above it, a page of about 30 KB whatever the size of the site (708 actors on
/// one page was what readers of a 2,000-post site got).
pub const ACTORS_PER_PAGE: usize = 100;

/// Topics per page of the topic index: a topic's line with its summary is about 260 bytes, so a
/// page stays near 30 KB however many topics the site has (at 100 topics the index was 26 KB,
/// and a site with 1,000 would have had one page of 260 KB).
pub const TOPICS_PER_PAGE: usize = 100;

impl PageKind {
    /// Whether the page belongs in the sitemap: public HTML pages, not redirects, feeds or the 404 page.
    pub fn in_sitemap(&self) -> bool {
        matches!(
            self,
            PageKind::Home { .. }
                | PageKind::Explainer(_)
                | PageKind::Topics { .. }
                | PageKind::Topic { .. }
                | PageKind::Actors { .. }
                | PageKind::Actor { .. }
                | PageKind::Section { .. }
                | PageKind::Glossary
                | PageKind::Search
                | PageKind::Corrections
        )
    }
}

/// What a feed follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedOf {
    Site,
    Topic(TopicId),
    Actor(ActorId),
}

/// One page of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Site path: `articles/x/`, `topics/taiwan/page/2/`, `404.html`.
    pub path: String,
    pub kind: PageKind,
}

pub struct PlanInput<'a, 's> {
    pub explainers: &'a [ExplainerBuilder<'s>],
    pub actors: &'a [ActorBuilder<'s>],
    pub topics: &'a [TopicBuilder<'s>],
    pub sections: &'a [Section<'s>],
    pub static_files: &'a [StaticFile],
}

/// The kind of page `page` of `pages` of a list.
type PagedKind = fn(usize, usize) -> PageKind;

/// How many pages a list of `count` explainers takes.
pub fn page_count(count: usize, per_page: usize) -> usize {
    if per_page == 0 { 1 } else { count.div_ceil(per_page).max(1) }
}

/// Folders of the output that belong to dossier alone: the reload events of `serve` (which
/// serves the site from the root of its address), and the search index.
const SERVER_FOLDER: &str = "__dossier/";
const SEARCH_INDEX_FOLDER: &str = "search/index/";

/// Lists every page. Reports, before anything is written: two pages, aliases or static files that
/// would write the same file, or paths that differ only in letter case; a file where another
/// needs a folder; anything in the folders dossier keeps for itself; names longer than file
/// systems allow. A site's own `robots.txt` (a static file) replaces the one dossier writes.
pub fn plan_pages(config: &Config, input: &PlanInput<'_, '_>, diagnostics: &mut Vec<Diagnostic>) -> Vec<Page> {
    let mut claimed = Claims::default();

    // the home page and the two indexes: each a list cut into pages at the format's addresses
    let lists: [(&str, usize, usize, &str, PagedKind); 3] = [
        ("", input.explainers.len(), config.paginate, "the home page", |page, pages| PageKind::Home { page, pages }),
        (TOPICS, input.topics.len(), TOPICS_PER_PAGE, "the topic index", |page, pages| PageKind::Topics {
            page,
            pages,
        }),
        (ACTORS, input.actors.len(), ACTORS_PER_PAGE, "the actor index", |page, pages| PageKind::Actors {
            page,
            pages,
        }),
    ];
    for (first, count, per_page, what, kind) in lists {
        let pages = page_count(count, per_page);
        for page in 1..=pages {
            claimed.claim(Page { path: paginated(first, page), kind: kind(page, pages) }, what, diagnostics);
        }
    }
    claimed.claim(Page { path: "404.html".into(), kind: PageKind::NotFound }, "the not-found page", diagnostics);
    if !config.glossary.is_empty() {
        claimed.claim(Page { path: "glossary/".into(), kind: PageKind::Glossary }, "the glossary", diagnostics);
    }
    if config.search {
        claimed.claim(Page { path: "search/".into(), kind: PageKind::Search }, "the search page", diagnostics);
    }
    if input.explainers.iter().any(|e| !e.parsed.meta.updates.is_empty()) {
        let (page, feed) = (crate::urls::CORRECTIONS, crate::urls::CORRECTIONS_FEED);
        claimed.claim(Page { path: page.into(), kind: PageKind::Corrections }, "the corrections page", diagnostics);
        claimed.claim(Page { path: feed.into(), kind: PageKind::CorrectionsFeed }, "the corrections feed", diagnostics);
    }
    claimed.claim(Page { path: feed_path(""), kind: PageKind::Feed(FeedOf::Site) }, "the site feed", diagnostics);
    // in a multilingual site, the other languages' pages are in folders of the default's output,
    // which alone has the robots.txt and the static files
    let in_language_folder = !config.language_prefix().is_empty();
    if !in_language_folder && crate::load::supplied_robots(input.static_files).is_none() {
        claimed.claim(Page { path: "robots.txt".into(), kind: PageKind::Robots }, "robots.txt", diagnostics);
    }
    let per_page = config.paginate;
    claimed.claim_entity_pages("topic", input.topics, per_page, FeedOf::Topic, diagnostics, |id, page, pages| {
        PageKind::Topic { id, page, pages }
    });
    claimed.claim_entity_pages("actor", input.actors, per_page, FeedOf::Actor, diagnostics, |id, page, pages| {
        PageKind::Actor { id, page, pages }
    });
    for (id, section) in input.sections.iter().enumerate() {
        let pages = page_count(section.explainers.len(), per_page);
        for page in 1..=pages {
            let path = paginated(&section.path, page);
            let origin = Origin::Section { section, page };
            claimed.claim(Page { path, kind: PageKind::Section { id, page, pages } }, origin, diagnostics);
        }
    }
    for (id, e) in input.explainers.iter().enumerate() {
        if !e.path.is_empty() {
            let origin = Origin::Explainer { file: e.parsed.file, slug_set: e.parsed.meta.slug.is_some() };
            let page = Page { path: e.path.clone(), kind: PageKind::Explainer(id) };
            // its cite.json, in its folder: only where the page itself could be claimed
            if claimed.claim(page, origin, diagnostics) {
                let cite = Page { path: crate::urls::cite_path(&e.path), kind: PageKind::Cite(id) };
                claimed.claim(cite, origin, diagnostics);
            }
        }
    }
    for (id, e) in input.explainers.iter().enumerate() {
        let e = &e.parsed;
        for alias in &e.meta.aliases {
            let path = alias.value.trim_start_matches('/').to_string();
            let origin = Origin::Alias { file: e.file, alias };
            claimed.claim(Page { path, kind: PageKind::Alias { explainer: id } }, origin, diagnostics);
        }
    }
    // the sitemap, split under an index when it would list more than the protocol allows
    let listed = claimed.listed_in_sitemap();
    if config.is_multilingual() {
        // one index, at the root, of every language's sitemap files (`sitemap-1.xml`,
        // `fr/sitemap-1.xml`): the index lists their pages' versions in the others
        let parts = listed.div_ceil(SITEMAP_URLS).max(1);
        if !in_language_folder {
            let index = Page { path: "sitemap.xml".into(), kind: PageKind::SitemapIndex { parts } };
            claimed.claim(index, "the sitemap", diagnostics);
        }
        for part in 0..parts {
            let path = format!("sitemap-{}.xml", part + 1);
            claimed.claim(Page { path, kind: PageKind::Sitemap { part: Some(part) } }, "the sitemap", diagnostics);
        }
    } else if listed <= SITEMAP_URLS {
        let page = Page { path: "sitemap.xml".into(), kind: PageKind::Sitemap { part: None } };
        claimed.claim(page, "the sitemap", diagnostics);
    } else {
        let parts = listed.div_ceil(SITEMAP_URLS);
        let index = Page { path: "sitemap.xml".into(), kind: PageKind::SitemapIndex { parts } };
        claimed.claim(index, "the sitemap", diagnostics);
        for part in 0..parts {
            let path = format!("sitemap-{}.xml", part + 1);
            claimed.claim(Page { path, kind: PageKind::Sitemap { part: Some(part) } }, "the sitemap", diagnostics);
        }
    }
    if !in_language_folder {
        for file in input.static_files {
            claimed.claim_static(file, diagnostics);
        }
    }
    claimed.check_paths(config.search, input, diagnostics);
    if config.is_multilingual() && !in_language_folder {
        claimed.check_language_folders(&config.languages[1..], diagnostics);
    }
    claimed.into_pages()
}

/// Who claims an output file, for error messages.
#[derive(Clone, Copy)]
enum Origin<'a> {
    /// A file dossier makes: "the sitemap", "the home page".
    Generated(&'static str),
    /// The list pages (or the feed) of an actor or topic (`noun`).
    Entity {
        noun: &'static str,
        slug: &'a Slug,
        feed: bool,
    },
    /// An explainer's page; `slug_set` when its front matter sets `slug:`.
    Explainer {
        file: &'a ContentFile,
        slug_set: bool,
    },
    /// A page of a section or archive (`page` from 1).
    Section {
        section: &'a Section<'a>,
        page: usize,
    },
    /// A redirect of an explainer's `aliases:`.
    Alias {
        file: &'a ContentFile,
        alias: &'a Located<String>,
    },
    Static(&'a StaticFile),
}

impl<'a> From<&'static str> for Origin<'a> {
    fn from(what: &'static str) -> Self {
        Origin::Generated(what)
    }
}

/// Where a diagnostic about a claim points.
enum Place<'a> {
    /// A field of a content file: its bytes.
    Field(&'a ContentFile, usize, usize),
    /// A content file as a whole (its name makes the path).
    File(&'a str),
}

impl<'a> Origin<'a> {
    /// The claim as a reader knows it: `content/articles/x.md`, "alias `/old/` of
    /// content/articles/x.md:6:5", `static/robots.txt`, "the sitemap".
    fn describe(&self) -> String {
        match self {
            Origin::Generated(what) => what.to_string(),
            Origin::Entity { noun, slug, feed: false } => format!("{noun} `{}`", shorten(slug.as_str())),
            Origin::Entity { noun, slug, feed: true } => format!("the feed of {noun} `{}`", shorten(slug.as_str())),
            Origin::Explainer { file, .. } => file.path.clone(),
            Origin::Section { section, page } => {
                let what = match &section.intro {
                    Some(intro) => format!("the section of {}", intro.file.path),
                    None => format!("the archive of content/{}/", section.folder),
                };
                if *page > 1 { format!("page {page} of {what}") } else { what }
            }
            Origin::Alias { file, alias } => {
                let (location, _) = SourceFile::new(&file.path, &file.text).locate(alias.offset, alias.len);
                format!("alias `{}` of {}:{}:{}", shorten(&alias.value), file.path, location.line, location.column)
            }
            Origin::Static(file) => file.origin.clone(),
        }
    }

    /// The field a writer would change to resolve a clash: an alias, a `slug:`, or the file.
    fn place(&self) -> Option<Place<'a>> {
        match *self {
            Origin::Alias { file, alias } => Some(Place::Field(file, alias.offset, alias.len)),
            Origin::Explainer { file, slug_set } => match slug_set.then(|| slug_field(file)).flatten() {
                Some((offset, len)) => Some(Place::Field(file, offset, len)),
                None => Some(Place::File(&file.path)),
            },
            Origin::Section { section, .. } => section.intro.as_ref().map(|intro| Place::File(&intro.file.path)),
            _ => None,
        }
    }
}

/// An error about two claims, pointing at the first of them that has a field (else a file), and
/// at the other one's too when it has one (both sides of the clash).
fn clash(message: String, first: Origin<'_>, second: Origin<'_>) -> Diagnostic {
    let (a, b) = (first.place(), second.place());
    let (main, other) = match (&a, &b) {
        (Some(Place::Field(..)), _) | (Some(_), None) => (a.as_ref(), b.as_ref()),
        (_, Some(Place::Field(..))) | (None, Some(_)) => (b.as_ref(), a.as_ref()),
        _ => (a.as_ref(), b.as_ref()),
    };
    let d = Diagnostic::error(message);
    let d = match main {
        Some(Place::Field(file, offset, len)) => d.at(&SourceFile::new(&file.path, &file.text), *offset, *len),
        Some(Place::File(path)) => d.in_file(path),
        None => d,
    };
    let same_place = match (main, other) {
        (Some(Place::Field(f, o, _)), Some(Place::Field(g, p, _))) => f.path == g.path && o == p,
        (Some(Place::File(f)), Some(Place::File(g))) => f == g,
        _ => false,
    };
    let d = match other.filter(|_| !same_place) {
        Some(Place::Field(file, offset, len)) => {
            d.also_at(&SourceFile::new(&file.path, &file.text), *offset, *len, "the other one is here")
        }
        Some(Place::File(path)) => d.also_in_file(path, "the other file"),
        None => d,
    };
    // a static file is the one to change when the error is about it
    match (first, second) {
        (Origin::Static(_), Origin::Static(_) | Origin::Generated(_) | Origin::Entity { .. }) => {
            d.with_help("rename or remove the static file: only `robots.txt` may replace a file dossier writes")
        }
        (Origin::Static(_), _) => d.with_help("rename or remove the static file"),
        _ => d,
    }
}

/// At most 60 characters of a name, for messages about names that may be very long.
fn shorten(name: &str) -> Cow<'_, str> {
    match name.char_indices().nth(60) {
        Some((end, _)) => format!("{}…", &name[..end]).into(),
        None => name.into(),
    }
}

/// Where the value of `slug:` is written in an explainer's front matter.
pub(super) fn slug_field(file: &ContentFile) -> Option<(usize, usize)> {
    let text = file.text.as_str();
    let front_matter_end = text.find('\n').and_then(|first| text[first..].find("\n---").map(|i| first + i))?;
    let key = text[..front_matter_end + 1].find("\nslug:")? + 1;
    let line_end = text[key..].find('\n').map_or(text.len(), |i| key + i);
    let value = text[key + "slug:".len()..line_end].trim_end_matches('\r');
    let start = key + "slug:".len() + (value.len() - value.trim_start().len());
    Some((start, value.trim().len()))
}

/// Whether a path has a letter that lower case would change.
fn has_capital(path: &str) -> bool {
    path.bytes().any(|b| b.is_ascii_uppercase())
        || (!path.is_ascii() && path.chars().any(|c| !c.is_ascii() && !c.to_lowercase().eq(std::iter::once(c))))
}

/// A spelling of a path: the path, whether it is a folder, and the first file (in path order)
/// that makes it, with its claim.
type Spelling<'c, 'a> = (&'c str, bool, &'c str, &'c Claim<'a>);

/// Adds a spelling under its lower case, keeping the first file that makes it.
fn add_spelling<'c, 'a>(cased: &mut BTreeMap<String, Vec<Spelling<'c, 'a>>>, spelling: Spelling<'c, 'a>) {
    let list = cased.entry(spelling.0.to_lowercase()).or_default();
    match list.iter_mut().find(|s| s.0 == spelling.0) {
        Some(known) if spelling.2 < known.2 => *known = spelling,
        Some(_) => {}
        None => list.push(spelling),
    }
}

/// A file of the output and who claims it; `page` is `None` for a static file.
struct Claim<'a> {
    origin: Origin<'a>,
    page: Option<Page>,
}

impl Claim<'_> {
    /// An explainer's `cite.json`.
    fn is_cite(&self) -> bool {
        matches!(self.page, Some(Page { kind: PageKind::Cite(_), .. }))
    }
}

/// Output files claimed so far, by path.
#[derive(Default)]
struct Claims<'a>(FxHashMap<String, Claim<'a>>);

impl<'a> Claims<'a> {
    /// The pages of every topic or actor (`noun`): its list of explainers, paginated, and its feed.
    fn claim_entity_pages<M, K>(
        &mut self,
        noun: &'static str,
        entities: &'a [EntityBuilder<'_, M, K>],
        per_page: usize,
        feed_of: impl Fn(usize) -> FeedOf,
        diagnostics: &mut Vec<Diagnostic>,
        page_kind: impl Fn(usize, usize, usize) -> PageKind,
    ) {
        for (id, entity) in entities.iter().enumerate() {
            let slug = &entity.slug;
            let pages = page_count(entity.explainers.len(), per_page);
            for page in 1..=pages {
                let path = paginated(&entity.path, page);
                let origin = Origin::Entity { noun, slug, feed: false };
                self.claim(Page { path, kind: page_kind(id, page, pages) }, origin, diagnostics);
            }
            let feed = Page { path: feed_path(&entity.path), kind: PageKind::Feed(feed_of(id)) };
            self.claim(feed, Origin::Entity { noun, slug, feed: true }, diagnostics);
        }
    }

    /// Claims the page's file; a second claim on one file is an error naming both.
    fn claim(&mut self, page: Page, origin: impl Into<Origin<'a>>, diagnostics: &mut Vec<Diagnostic>) -> bool {
        self.claim_file(output_file(&page.path), Claim { origin: origin.into(), page: Some(page) }, diagnostics)
    }

    /// Claims a static file's path: after every page, so that a static file at the path of a
    /// page or of anything dossier writes is an error naming the static file.
    fn claim_static(&mut self, file: &'a StaticFile, diagnostics: &mut Vec<Diagnostic>) -> bool {
        self.claim_file(file.output_path.clone(), Claim { origin: Origin::Static(file), page: None }, diagnostics)
    }

    fn claim_file(&mut self, file: String, claim: Claim<'a>, diagnostics: &mut Vec<Diagnostic>) -> bool {
        use std::collections::hash_map::Entry;
        match self.0.entry(file) {
            Entry::Occupied(claimed) => {
                let (file, other) = (claimed.key(), claimed.get().origin);
                let message = format!("{} and {} would both write /{file}", claim.origin.describe(), other.describe());
                let d = clash(message, claim.origin, other).code(Code::PathClash);
                diagnostics.push(match (claim.origin, other) {
                    (Origin::Section { .. }, _) | (_, Origin::Section { .. }) => d.with_help(
                        "a section's page is at its folder's address: rename the folder, or give the other page \
                         another address",
                    ),
                    _ => d,
                });
                false
            }
            Entry::Vacant(free) => {
                free.insert(claim);
                true
            }
        }
    }

    fn listed_in_sitemap(&self) -> usize {
        self.0.values().filter(|c| c.page.as_ref().is_some_and(|p| p.kind.in_sitemap())).count()
    }

    /// Checks every claimed path as a file system will see it: each name within what file
    /// systems allow, nothing in dossier's own folders, no file where another claim needs a
    /// folder, no two paths that differ only in letter case. One cheap pass over the paths; the
    /// letter-case check only runs when some path has a capital letter.
    /// In the default language of a multilingual site: nothing in the folder of another
    /// language (`fr/`), where that language's pages are written.
    fn check_language_folders(&self, others: &[String], diagnostics: &mut Vec<Diagnostic>) {
        let mut inside: Vec<(&String, &Claim<'_>)> = self
            .0
            .iter()
            .filter(|(path, claim)| !claim.is_cite() && others.iter().any(|l| path.split('/').next() == Some(l)))
            .collect();
        inside.sort_by(|a, b| a.0.cmp(b.0));
        for (path, claim) in inside {
            let language = path.split('/').next().unwrap_or_default();
            let message = format!(
                "{} would be written at `{path}`, in `{language}/`, the folder of the site's pages in `{language}` (`languages` in site.toml)",
                claim.origin.describe()
            );
            let d = clash(message, claim.origin, Origin::Generated("the pages of another language"))
                .code(Code::PathClash)
                .with_help(format!(
                    "rename the folder or the `slug:`: `{language}/` is kept for the pages in `{language}`, made from `*.{language}.md` files"
                ));
            diagnostics.push(d);
        }
    }

    fn check_paths(&self, search: bool, input: &PlanInput<'_, '_>, diagnostics: &mut Vec<Diagnostic>) {
        let mut capitals = false;
        // a cite.json is in its explainer's folder, whose page reports what is wrong with it
        for (file, claim) in self.0.iter().filter(|(_, claim)| !claim.is_cite()) {
            // aliases and `slug:` were checked with their front matter; the folder of an archive
            // without `_index.md` is in the paths of its explainers, which report it
            let checked_elsewhere = match claim.origin {
                Origin::Alias { .. } | Origin::Entity { feed: false, .. } => true,
                Origin::Section { section, .. } => section.intro.is_none(),
                _ => false,
            };
            if !checked_elsewhere && let Some(why) = crate::frontmatter::name_length_problem(file) {
                diagnostics.extend(too_long(file, claim.origin, &why, input));
            }
            let reserved =
                [(SERVER_FOLDER, "`dossier serve`, for its own requests"), (SEARCH_INDEX_FOLDER, "the search index")];
            for (folder, owner) in reserved.into_iter().filter(|(f, _)| search || *f != SEARCH_INDEX_FOLDER) {
                if file.starts_with(folder) || file == folder.trim_end_matches('/') {
                    let message =
                        format!("{} would write /{file}, but /{folder} is kept for {owner}", claim.origin.describe());
                    diagnostics.push(clash(message, claim.origin, claim.origin).code(Code::PathReserved));
                }
            }
            for (end, _) in file.match_indices('/') {
                if let Some(other) = self.0.get(&file[..end]) {
                    let message = format!(
                        "{} needs a folder /{}/, where {} writes the file /{}",
                        claim.origin.describe(),
                        &file[..end],
                        other.origin.describe(),
                        &file[..end]
                    );
                    diagnostics.push(clash(message, claim.origin, other.origin).code(Code::PathClash));
                }
            }
            capitals = capitals || has_capital(file);
        }
        if capitals {
            self.check_letter_case(diagnostics);
        }
    }

    /// Paths (of files, or of the folders they are in) that differ only in letter case: one file
    /// or folder on macOS and Windows, and in many sync tools.
    fn check_letter_case(&self, diagnostics: &mut Vec<Diagnostic>) {
        // every spelling with a capital letter, by its lower case
        let mut cased: BTreeMap<String, Vec<Spelling<'_, 'a>>> = BTreeMap::new();
        for (file, claim) in self.0.iter().filter(|(file, claim)| has_capital(file) && !claim.is_cite()) {
            for (end, _) in file.match_indices('/').filter(|(end, _)| has_capital(&file[..*end])) {
                add_spelling(&mut cased, (&file[..end], true, file, claim));
            }
            add_spelling(&mut cased, (file, false, file, claim));
        }
        // the spellings in lower case, files and folders, that some of those match
        let mut folders: Option<FxHashMap<&str, (&str, &Claim<'a>)>> = None;
        let mut reported: Vec<&str> = Vec::new();
        for (lower, spellings) in &mut cased {
            if reported.iter().any(|r| lower.strip_prefix(r).is_some_and(|rest| rest.starts_with('/'))) {
                continue; // inside folders already reported
            }
            if let Some((file, claim)) = self.0.get_key_value(lower.as_str()) {
                spellings.push((file, false, file, claim));
            }
            if spellings.iter().any(|s| s.1) {
                let folders = folders.get_or_insert_with(|| self.folders());
                if let Some(&(file, claim)) = folders.get(lower.as_str()) {
                    spellings.push((&file[..lower.len()], true, file, claim));
                }
            }
            spellings.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
            spellings.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
            let Some((first, others)) = spellings.split_first() else { continue };
            for other in others.iter().filter(|o| o.0 != first.0) {
                let (a, b) = (first.3.origin, other.3.origin);
                let message = if first.1 && other.1 {
                    format!(
                        "{} and {} write into the folders /{}/ and /{}/, whose names differ only in letter case: they are one folder on macOS and Windows",
                        a.describe(),
                        b.describe(),
                        first.0,
                        other.0
                    )
                } else {
                    format!(
                        "{} and {} write /{} and /{}, which differ only in letter case: they are one file on macOS and Windows",
                        a.describe(),
                        b.describe(),
                        first.0,
                        other.0
                    )
                };
                diagnostics.push(clash(message, a, b).code(Code::PathClash));
                reported.push(lower);
            }
        }
    }

    /// Every folder of the output with the first file (in path order) inside it.
    fn folders(&self) -> FxHashMap<&str, (&str, &Claim<'a>)> {
        let mut folders: FxHashMap<&str, (&str, &Claim<'a>)> = FxHashMap::default();
        for (file, claim) in &self.0 {
            for (end, _) in file.match_indices('/') {
                let entry = folders.entry(&file[..end]).or_insert((file, claim));
                if file.as_str() < entry.0 {
                    *entry = (file, claim);
                }
            }
        }
        folders
    }

    /// The pages, in the order of their files (each file is claimed once, so the order is total).
    fn into_pages(self) -> Vec<Page> {
        let mut pages: Vec<(String, Page)> =
            self.0.into_iter().filter_map(|(file, claim)| claim.page.map(|page| (file, page))).collect();
        pages.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        pages.into_iter().map(|(_, page)| page).collect()
    }
}

/// The errors for a path too long for file systems: at the file whose name makes it, or at the
/// names in explainers' `actors:` and `topics:` that make an actor's or topic's slug.
fn too_long(file: &str, origin: Origin<'_>, why: &str, input: &PlanInput<'_, '_>) -> Vec<Diagnostic> {
    match origin {
        Origin::Entity { noun, slug, .. } => {
            let slug_shown = shorten(slug.as_str());
            let folder = if noun == "actor" { ACTORS } else { TOPICS };
            let message = format!("the pages of {noun} `{slug_shown}` would be at /{folder}{slug_shown}/, which {why}");
            let mut found = Vec::new();
            for e in input.explainers.iter().map(|e| &e.parsed) {
                let names = if noun == "actor" { &e.meta.actors } else { &e.meta.topics };
                for name in names.iter().filter(|n| Slug::from_text(&n.value).as_ref() == Some(slug)) {
                    let source = SourceFile::new(&e.file.path, &e.file.text);
                    found.push(
                        Diagnostic::error(message.clone())
                            .code(Code::PathTooLong)
                            .at(&source, name.offset, name.len)
                            .with_help(format!("use a shorter name for this {noun}")),
                    );
                }
            }
            if found.is_empty() {
                found.push(
                    Diagnostic::error(message)
                        .code(Code::PathTooLong)
                        .with_help(format!("give the {noun}'s profile a shorter file name")),
                );
            }
            found
        }
        Origin::Explainer { file: content, .. } => vec![
            Diagnostic::error(format!("{} would be written at /{}, which {why}", content.path, shorten(file)))
                .code(Code::PathTooLong)
                .in_file(&content.path)
                .with_help("shorten the file's name or its folders' names, or set a shorter `slug:`"),
        ],
        other => vec![
            Diagnostic::error(format!("{} would write /{}, which {why}", other.describe(), shorten(file)))
                .code(Code::PathTooLong),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_counts() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(page_count(500, 0), 1);
    }
}
