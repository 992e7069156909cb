//! Writes the imported site: `site.toml`, content files with YAML front matter (explainers,
//! sections, the home page's text), page bundles with their files, `static/`, topic and actor
//! profiles, aliases for every URL that changed, and `MIGRATION.md`. Everything is written into a
//! hidden folder beside the destination first and renamed into place at the end, so a failed
//! import leaves no half site.

use crate::diagnostics::{Code, Diagnostic};
use crate::extra::{Map, Value};
use crate::import::archive::{Archive, Document, DocumentKind, FileCopy, SourceKind};
use crate::import::mapping::{Mapped, Target};
use crate::slug::Slug;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The date given to explainers whose source has none at all (dossier requires one): easy to
/// search for, and far enough back that such a page never leads the home page. MIGRATION.md lists
/// every file that got it.
pub const FALLBACK_DATE: &str = "1970-01-01";

/// What was written, for the closing line and MIGRATION.md.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub explainers: usize,
    pub drafts: usize,
    /// Explainers in a language other than the default (counted among `explainers`).
    pub translations: usize,
    pub sections: usize,
    pub topics: usize,
    pub actors: usize,
    pub profiles: usize,
    pub images: usize,
    pub static_files: usize,
    pub changed_urls: usize,
    pub unconverted: usize,
}

/// Why the destination cannot be written to: a usage error (exit code 2).
pub fn check_destination(dst: &Path, sources: &[&Path], force: bool) -> Result<(), String> {
    let shown = crate::cmd::shown(dst);
    if dst.exists() && !dst.is_dir() {
        return Err(format!("{shown} exists and is not a folder"));
    }
    let dst_abs = absolute(dst);
    if dst_abs.parent().is_none() {
        return Err(format!("{shown} is the root of the file system"));
    }
    for src in sources {
        let src_abs = absolute(src);
        if src_abs.starts_with(&dst_abs) || dst_abs.starts_with(&src_abs) {
            return Err(format!(
                "{shown} and the source {} are inside one another: the import never writes into its source",
                crate::cmd::shown(src)
            ));
        }
    }
    let non_empty = std::fs::read_dir(dst).map(|mut d| d.next().is_some()).unwrap_or(false);
    if non_empty && !force {
        return Err(format!("{shown} is not empty: choose a new folder, or pass --force to replace it"));
    }
    Ok(())
}

/// The path made absolute and without `.` and `..` parts (without touching the file system, so it
/// works for folders that do not exist yet).
fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let joined = joined.canonicalize().unwrap_or(joined);
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The site as files: text files by path, and files copied from the source.
#[derive(Default)]
struct Plan {
    texts: BTreeMap<String, String>,
    copies: BTreeMap<String, PathBuf>,
    changed_urls: Vec<ChangedUrl>,
    undated: Vec<String>,
    notes: Vec<String>,
    embed_hosts: BTreeSet<&'static str>,
    counts: Counts,
    /// The paths of the static files, for `image:` fields that name one.
    static_paths: BTreeSet<String>,
}

/// Writes the site at `dst` (checked by [`check_destination`] before reading the source);
/// `command` is the command line, for the report.
pub fn write(archive: &Archive, mapped: &Mapped, dst: &Path, command: &str) -> Result<Counts, Vec<Diagnostic>> {
    let plan = plan(archive, mapped, dst, command);
    let name = dst.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "site".into());
    let parent = dst.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let staging = parent.join(format!(".{name}.dossier-import-{}", std::process::id()));
    let result = write_files(&plan, &staging).and_then(|()| replace(&staging, dst));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map(|()| plan.counts.clone())
}

fn io_error(path: &Path, e: std::io::Error) -> Vec<Diagnostic> {
    vec![Diagnostic::error(format!("cannot write {}: {e}", crate::cmd::shown(path))).code(Code::Write)]
}

fn write_files(plan: &Plan, root: &Path) -> Result<(), Vec<Diagnostic>> {
    std::fs::create_dir_all(root).map_err(|e| io_error(root, e))?;
    for (rel, text) in &plan.texts {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io_error(&path, e))?;
    }
    for (rel, from) in &plan.copies {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        }
        std::fs::copy(from, &path).map_err(|e| io_error(from, e))?;
    }
    Ok(())
}

/// Puts the staged site at `dst`: an old `dst` (empty, or replaced with `--force`) is moved aside
/// first and deleted once the new one is in place.
fn replace(staging: &Path, dst: &Path) -> Result<(), Vec<Diagnostic>> {
    let aside = staging.with_extension("previous");
    let had_old = dst.exists();
    if had_old {
        std::fs::rename(dst, &aside).map_err(|e| io_error(dst, e))?;
    }
    if let Err(e) = std::fs::rename(staging, dst) {
        if had_old {
            let _ = std::fs::rename(&aside, dst);
        }
        return Err(io_error(dst, e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&aside);
    }
    Ok(())
}

/// The content file of a document: `content/a/b.md`, `content/a/b/index.md` for a page bundle,
/// `content/a/b/_index.md` for a section, `content/index.md` for the home page's text.
pub fn content_file(doc: &Document) -> String {
    let mut path = String::from("content");
    for part in &doc.place {
        path.push('/');
        path.push_str(part);
    }
    match doc.kind {
        DocumentKind::Section if doc.place.is_empty() => path.push_str("/index"),
        DocumentKind::Section => path.push_str("/_index"),
        DocumentKind::Explainer if !doc.resources.is_empty() => path.push_str("/index"),
        DocumentKind::Explainer => {}
    }
    // a translation beside the page it translates: `lima.fr.md`, `index.fr.md`
    if let Some(language) = &doc.language {
        path.push('.');
        path.push_str(language);
    }
    path.push_str(".md");
    path
}

/// The file a link to a document names: its content file, without the language of a translation
/// (`lima.md` for `lima.fr.md`), since a link to `lima.md` leads to the version in the linking
/// page's language where there is one, and to the default language's otherwise.
pub fn link_file(doc: &Document) -> String {
    let file = content_file(doc);
    match &doc.language {
        Some(language) => file.replace(&format!(".{language}.md"), ".md"),
        None => file,
    }
}

/// The site path dossier gives a document: its place, each part slugified (`/posts/lima/`), under
/// its language's folder for a translation (`/fr/posts/lima/`).
pub fn new_url(doc: &Document) -> String {
    let parts: Vec<String> = doc
        .language
        .iter()
        .cloned()
        .chain(doc.place.iter().map(|p| Slug::from_text(p).map_or_else(|| p.clone(), |s| s.to_string())))
        .collect();
    if parts.is_empty() { "/".to_string() } else { format!("/{}/", parts.join("/")) }
}

fn plan(archive: &Archive, mapped: &Mapped, dst: &Path, command: &str) -> Plan {
    let mut plan =
        Plan { static_paths: archive.static_files.iter().map(|f| f.to.clone()).collect(), ..Plan::default() };
    let mut files_seen = BTreeSet::new();
    let mut urls: BTreeSet<String> = archive.documents.iter().map(new_url).collect();
    // the pages dossier makes for topics and actors are taken too
    urls.extend(mapped.all_topics.keys().map(|s| format!("/topics/{s}/")));
    urls.extend(mapped.all_actors.keys().map(|s| format!("/actors/{s}/")));
    urls.extend(["/topics/", "/actors/", "/search/", "/glossary/"].map(String::from));
    // and each other language's home and index pages (`/fr/`, `/fr/topics/`)
    for language in archive.settings.languages.iter().skip(1) {
        urls.extend(["", "topics/", "actors/", "search/", "glossary/"].map(|p| format!("/{language}/{p}")));
    }
    // and every top-level folder's archive
    urls.extend(archive.documents.iter().filter(|d| d.place.len() > 1).map(|d| format!("/{}/", d.place[0])));
    let mut aliases_taken: BTreeSet<String> = BTreeSet::new();
    for (i, doc) in archive.documents.iter().enumerate() {
        let file = content_file(doc);
        if !files_seen.insert(file.clone()) {
            plan.notes
                .push(format!("`{}` would be written at {file} as another page was: not imported", doc.origin.path));
            continue;
        }
        match doc.kind {
            DocumentKind::Explainer => {
                let aliases = aliases_of(doc, &urls, &mut aliases_taken, &mut plan);
                let entities =
                    Entities { topics: &mapped.topics[i], actors: &mapped.actors[i], authors: &mapped.authors[i] };
                let text = explainer_file(doc, entities, aliases, &mut plan);
                plan.texts.insert(file.clone(), text);
                plan.counts.explainers += 1;
                plan.counts.drafts += usize::from(doc.draft);
                plan.counts.translations += usize::from(doc.language.is_some());
            }
            DocumentKind::Section if doc.place.is_empty() => {
                plan.texts.insert(file.clone(), home_file(doc));
            }
            DocumentKind::Section => {
                plan.texts.insert(file.clone(), section_file(doc));
                plan.counts.sections += 1;
            }
        }
        for hosts in [crate::import::embed::YOUTUBE_HOST, crate::import::embed::VIMEO_HOST] {
            if doc.body.contains(&format!("https://{hosts}/")) {
                plan.embed_hosts.insert(hosts);
            }
        }
        let dir = file.rsplit_once('/').map_or("content", |(d, _)| d).to_string();
        for res in &doc.resources {
            // a page bundle's files are shared by its translations: copied and counted once
            if plan.copies.insert(format!("{dir}/{}", res.to), res.from.clone()).is_none() {
                plan.counts.images += usize::from(is_image(&res.to));
            }
        }
    }
    profiles(mapped, &mut plan);
    static_files(&archive.static_files, &mut plan);
    if archive.source != SourceKind::WordPress {
        term_redirects(archive, mapped, &urls, &mut plan);
    }
    plan.counts.topics = mapped.all_topics.len();
    plan.counts.actors = mapped.all_actors.len();
    plan.counts.unconverted = archive.report.unconverted_shortcodes.values().map(Vec::len).sum();
    plan.texts.insert("site.toml".into(), site_toml(archive, &plan.embed_hosts));
    let report = migration_report(archive, mapped, &plan, dst, command);
    plan.texts.insert("MIGRATION.md".into(), report);
    plan
}

fn is_image(path: &str) -> bool {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "svg")
}

/// The aliases of an explainer: its own, and its old URL when dossier gives it another; each a
/// valid site path, none another page's address or another page's alias.
fn aliases_of(doc: &Document, urls: &BTreeSet<String>, taken: &mut BTreeSet<String>, plan: &mut Plan) -> Vec<String> {
    let url = new_url(doc);
    let mut wanted: Vec<String> = doc.aliases.clone();
    let mut changed = None;
    if let Some(old) = &doc.old_url {
        match crate::frontmatter::normalize_site_path(old) {
            Ok(old) if old != url => {
                changed = Some(old.clone());
                wanted.push(old);
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for alias in wanted {
        match crate::frontmatter::normalize_site_path(&alias) {
            Ok(path) if urls.contains(&path) || path == url => {
                if path != url {
                    plan.notes
                        .push(format!("alias `{path}` of `{}` is another page's address: dropped", doc.origin.path));
                }
            }
            Ok(path) if !taken.insert(path.clone()) => {
                plan.notes.push(format!("alias `{path}` of `{}` is another page's alias too: dropped", doc.origin.path))
            }
            Ok(path) => out.push(path),
            Err(why) => plan.notes.push(format!("alias `{alias}` of `{}` {why}: dropped", doc.origin.path)),
        }
    }
    // a translation's aliases are written from its language's root (`/blog/x/` in `x.fr.md` is
    // `/fr/blog/x/`): one outside that folder cannot be written there
    if let Some(language) = &doc.language {
        let folder = format!("/{language}/");
        out.retain(|alias| {
            let inside = alias.starts_with(&folder);
            if !inside {
                plan.notes.push(format!(
                    "alias `{alias}` of `{}` is outside its language's folder `{folder}`: dropped",
                    doc.origin.path
                ));
            }
            inside
        });
    }
    if let Some(old) = changed {
        let kept = out.contains(&old);
        plan.changed_urls.push(ChangedUrl { old, new: url, file: doc.origin.path.clone(), redirects: kept });
    }
    if let Some(language) = &doc.language {
        for alias in &mut out {
            alias.drain(..language.len() + 1);
        }
    }
    out
}

/// A page whose address changed.
#[derive(Debug, Clone)]
pub struct ChangedUrl {
    pub old: String,
    pub new: String,
    pub file: String,
    /// Whether the old address is an alias (it is not when another page took it).
    pub redirects: bool,
}

/// A date as dossier reads it (`YYYY-MM-DD` or RFC 3339), from the forms other generators accept:
/// `2019-01-01 10:00:00 +0000`, `2019-01-01T10:00:00` (taken as UTC), a day with a time.
pub fn normalize_date(text: &str) -> Option<String> {
    let text = text.trim().trim_matches('"');
    if crate::date::Date::parse(text).is_ok() {
        return Some(text.to_string());
    }
    let mut t = text.replacen(' ', "T", 1).replace(' ', "");
    // `+0000` → `+00:00`
    if let Some(at) = t.rfind(['+', '-']).filter(|&at| at > 10 && t.len() - at == 5) {
        t.insert(at + 3, ':');
    }
    if crate::date::Date::parse(&t).is_ok() {
        return Some(t);
    }
    let zoned = format!("{t}Z");
    if crate::date::Date::parse(&zoned).is_ok() {
        return Some(zoned);
    }
    text.get(..10).filter(|day| crate::date::Date::parse(day).is_ok()).map(str::to_string)
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn texts(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| text(s)).collect())
}

fn front_matter(map: &Map, body: &str) -> String {
    let yaml = crate::yaml::to_string(map).unwrap_or_default();
    let mut out = format!("---\n{yaml}---\n\n{}", body.trim_start_matches('\n'));
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The title a page without one gets: its place's last part, words capitalized as written.
fn title_of(doc: &Document) -> String {
    match doc.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.to_string(),
        None => doc.place.last().map_or_else(|| "Home".to_string(), |p| p.replace('-', " ")),
    }
}

/// The topics, actors and authors one explainer names.
struct Entities<'a> {
    topics: &'a [String],
    actors: &'a [String],
    authors: &'a [String],
}

fn explainer_file(doc: &Document, entities: Entities<'_>, aliases: Vec<String>, plan: &mut Plan) -> String {
    let Entities { topics, actors, authors } = entities;
    let mut fm = Map::default();
    let mut extra = doc.extra.clone();
    fm.0.push(("title".into(), text(&title_of(doc))));
    let written = doc.date.as_deref().and_then(normalize_date);
    let publish = doc.publish_date.as_deref().and_then(normalize_date);
    let updated = doc.updated.as_deref().and_then(normalize_date);
    let parsed = |d: &Option<String>| d.as_deref().and_then(|d| crate::date::Date::parse(d).ok());
    // dossier publishes by `date`: a later publishDate is the day the page goes out
    let date = match (&written, &publish) {
        (Some(w), Some(p)) if parsed(&publish).map(|d| d.instant()) > parsed(&written).map(|d| d.instant()) => {
            extra.0.push(("date_written".into(), text(w)));
            p.clone()
        }
        (Some(w), _) => w.clone(),
        (None, Some(p)) => p.clone(),
        (None, None) => match &updated {
            Some(u) => u.clone(),
            None => {
                plan.undated.push(doc.origin.path.clone());
                FALLBACK_DATE.to_string()
            }
        },
    };
    fm.0.push(("date".into(), text(&date)));
    if let Some(u) = &updated {
        fm.0.push(("updated".into(), text(u)));
    }
    let mut draft = doc.draft;
    if let Some(expires) = doc.expires.as_deref().and_then(normalize_date) {
        let (d, e) = (crate::date::Date::parse(&date).ok(), crate::date::Date::parse(&expires).ok());
        match (d, e) {
            (Some(d), Some(e)) if e.instant().date_naive() > d.instant().date_naive() => {
                fm.0.push(("expires".into(), text(&expires)))
            }
            _ => {
                plan.notes.push(format!(
                    "`{}` expires ({expires}) before it is published ({date}): imported as a draft",
                    doc.origin.path
                ));
                draft = true;
            }
        }
    }
    if let Some(s) = doc.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        fm.0.push(("summary".into(), text(s)));
    }
    if !topics.is_empty() {
        fm.0.push(("topics".into(), texts(topics)));
    }
    if !actors.is_empty() {
        fm.0.push(("actors".into(), texts(actors)));
    }
    if !authors.is_empty() {
        fm.0.push(("authors".into(), texts(authors)));
    }
    if draft {
        fm.0.push(("draft".into(), Value::Bool(true)));
    }
    if !aliases.is_empty() {
        fm.0.push(("aliases".into(), texts(&aliases)));
    }
    match doc.image.as_deref().map(str::trim).filter(|i| !i.is_empty()) {
        Some(image) if usable_image(doc, image, &plan.static_paths) => fm.0.push(("image".into(), text(image))),
        Some(image) => {
            plan.notes.push(format!(
                "the image `{image}` of `{}` is neither a file of its bundle nor a static image: kept as `extra.image`",
                doc.origin.path
            ));
            extra.0.push(("image".into(), text(image)));
        }
        None => {}
    }
    if !extra.is_empty() {
        fm.0.push(("extra".into(), Value::Map(extra)));
    }
    front_matter(&fm, &doc.body)
}

/// Whether `image` can be dossier's `image:` (the social card): a PNG, JPEG, GIF or WebP file of
/// the page's bundle, or a site path to a static one.
fn usable_image(doc: &Document, image: &str, static_paths: &BTreeSet<String>) -> bool {
    let ext = image.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp") {
        return false;
    }
    match image.strip_prefix('/') {
        Some(path) => static_paths.contains(path),
        None => doc.resources.iter().any(|r| r.to == image),
    }
}

fn section_file(doc: &Document) -> String {
    let mut fm = Map::default();
    fm.0.push(("title".into(), text(&title_of(doc))));
    if let Some(s) = doc.summary.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        fm.0.push(("summary".into(), text(s)));
    }
    if !doc.extra.is_empty() {
        fm.0.push(("extra".into(), Value::Map(doc.extra.clone())));
    }
    front_matter(&fm, &doc.body)
}

fn home_file(doc: &Document) -> String {
    let mut fm = Map::default();
    if let Some(t) = doc.title.as_deref().filter(|t| !t.trim().is_empty()) {
        fm.0.push(("title".into(), text(t)));
    }
    if let Some(s) = doc.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        fm.0.push(("description".into(), text(s)));
    }
    front_matter(&fm, &doc.body)
}

fn profiles(mapped: &Mapped, plan: &mut Plan) {
    for p in &mapped.profiles {
        let mut fm = Map::default();
        let mut extra = p.source.extra.clone();
        let title = p.source.title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or(&p.name);
        let folder = match p.target {
            Target::Actors | Target::Authors => {
                fm.0.push(("name".into(), text(title)));
                // `authors:` names actors of kind person
                if mapped.author_slugs.contains(&p.slug) {
                    fm.0.push(("kind".into(), text("person")));
                }
                // the actor fields a term page may carry; the rest stays in `extra`
                for field in ["role", "country"] {
                    if let Some(at) = extra.0.iter().position(|(k, v)| k == field && matches!(v, Value::Text(_))) {
                        let (k, v) = extra.0.remove(at);
                        fm.0.push((k, v));
                    }
                }
                if let Some(s) = &p.source.summary {
                    extra.0.push(("summary".into(), text(s)));
                }
                "actors"
            }
            _ => {
                fm.0.push(("title".into(), text(title)));
                if let Some(s) = &p.source.summary {
                    fm.0.push(("summary".into(), text(s)));
                }
                "topics"
            }
        };
        // the name explainers use is an alias when the profile's title reads otherwise
        if Slug::from_text(title).map(|s| s.to_string()) != Some(p.slug.clone()) && p.name != title {
            fm.0.push(("aliases".into(), texts(std::slice::from_ref(&p.name))));
        }
        if !extra.is_empty() {
            fm.0.push(("extra".into(), Value::Map(extra)));
        }
        plan.texts.insert(format!("content/{folder}/{}.md", p.slug), front_matter(&fm, &p.source.body));
        plan.counts.profiles += 1;
    }
    // an author without a page of its own in the source still needs a profile saying it is a
    // person, which `authors:` requires
    for slug in &mapped.author_slugs {
        let path = format!("content/actors/{slug}.md");
        if plan.texts.contains_key(&path) {
            continue;
        }
        let mut fm = Map::default();
        fm.0.push(("name".into(), text(&mapped.all_actors[slug])));
        fm.0.push(("kind".into(), text("person")));
        plan.texts.insert(path, front_matter(&fm, ""));
        plan.counts.profiles += 1;
    }
}

/// Paths under the output that dossier writes itself: a static file there would clash.
fn is_generated(path: &str) -> bool {
    const FILES: &[&str] = &["index.html", "404.html", "atom.xml", "sitemap.xml", "search/index.html"];
    const FOLDERS: &[&str] = &["search/index/", "__dossier/", "topics/", "actors/", "glossary/"];
    FILES.contains(&path) || FOLDERS.iter().any(|f| path.starts_with(f))
}

fn static_files(files: &[FileCopy], plan: &mut Plan) {
    for f in files {
        if is_generated(&f.to) {
            plan.notes.push(format!("static/{} is at a path dossier writes itself: not copied", f.to));
            continue;
        }
        plan.counts.static_files += 1;
        plan.counts.images += usize::from(is_image(&f.to));
        plan.copies.insert(format!("static/{}", f.to), f.from.clone());
    }
}

/// The pages of taxonomy terms in the source (`/tags/trade/`) redirect to the topic or actor each
/// term became: a page in `static/` at the old address (topic and actor pages take no aliases).
fn term_redirects(archive: &Archive, mapped: &Mapped, urls: &BTreeSet<String>, plan: &mut Plan) {
    let base = archive
        .settings
        .base_url
        .as_deref()
        .and_then(|b| url::Url::parse(b).ok().filter(|u| u.has_host()))
        .unwrap_or_else(|| url::Url::parse("https://example.org/").expect("a valid address"));
    // the topics and actors of pages that are not drafts: only those get a page of their own
    let mut live: BTreeSet<String> = BTreeSet::new();
    for (i, _) in archive.documents.iter().enumerate().filter(|(_, d)| !d.draft && d.kind == DocumentKind::Explainer) {
        let topics = mapped.topics[i].iter().filter_map(|t| Slug::from_text(t)).map(|s| format!("/topics/{s}/"));
        let actors = (mapped.actors[i].iter().chain(&mapped.authors[i]))
            .filter_map(|a| Slug::from_text(a))
            .map(|s| format!("/actors/{s}/"));
        live.extend(topics.chain(actors));
    }
    for (old, new) in &mapped.term_urls {
        if !live.contains(new) {
            continue;
        }
        let file = format!("static{old}index.html");
        if old == new || urls.contains(old) || plan.copies.contains_key(&file) || plan.texts.contains_key(&file) {
            continue;
        }
        let Ok(target) = base.join(new.trim_start_matches('/')) else { continue };
        // the same way as the theme's alias pages: a script that keeps the #fragment, and a
        // refresh only without scripts (a refresh is a second navigation that browsers, and the
        // accessibility checker, see as the page going away while it loads)
        let script_target = serde_json::to_string(target.as_str()).unwrap_or_default().replace('<', "\\u003c");
        let html = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Moved</title><meta name=\"robots\" content=\"noindex\"><link rel=\"canonical\" href=\"{target}\"><script>location.replace({script_target} + location.hash);</script><noscript><meta http-equiv=\"refresh\" content=\"0; url={target}\"></noscript></head><body><main><p>This page is now at <a href=\"{target}\">{target}</a>.</p></main></body></html>\n"
        );
        plan.texts.insert(file, html);
        let file = "(a taxonomy page)".to_string();
        plan.changed_urls.push(ChangedUrl { old: old.clone(), new: new.clone(), file, redirects: true });
    }
}

fn toml_value(value: &Value) -> Option<toml::Value> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Integer(i) => toml::Value::Integer(*i),
        Value::Float(f) => toml::Value::Float(*f),
        Value::Text(t) => toml::Value::String(t.clone()),
        Value::List(items) => toml::Value::Array(items.iter().filter_map(toml_value).collect()),
        Value::Map(map) => {
            toml::Value::Table(map.0.iter().filter_map(|(k, v)| Some((k.clone(), toml_value(v)?))).collect())
        }
    })
}

fn site_toml(archive: &Archive, embed_hosts: &BTreeSet<&'static str>) -> String {
    let s = &archive.settings;
    let mut table = toml::Table::new();
    let title = s.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| "Imported site".into());
    table.insert("title".into(), toml::Value::String(title));
    let base = s.base_url.as_deref().filter(|b| url::Url::parse(b).is_ok_and(|u| u.has_host()));
    table.insert("base_url".into(), toml::Value::String(base.unwrap_or("https://example.org/").to_string()));
    if let Some(d) = &s.description {
        table.insert("description".into(), toml::Value::String(d.clone()));
    }
    if !s.languages.is_empty() {
        // `languages` alone: its first is the default, which `language` would repeat
        let list = s.languages.iter().map(|l| toml::Value::String(l.clone())).collect();
        table.insert("languages".into(), toml::Value::Array(list));
    } else if let Some(l) = &s.language {
        table.insert("language".into(), toml::Value::String(l.clone()));
    }
    if let Some(p) = s.paginate {
        table.insert("paginate".into(), toml::Value::Integer(i64::from(p)));
    }
    if !embed_hosts.is_empty() {
        let hosts = embed_hosts.iter().map(|h| toml::Value::String(h.to_string())).collect();
        let mut markdown = toml::Table::new();
        markdown.insert("embed_hosts".into(), toml::Value::Array(hosts));
        table.insert("markdown".into(), toml::Value::Table(markdown));
    }
    if let Some(toml::Value::Table(extra)) = toml_value(&Value::Map(s.extra.clone()))
        && !extra.is_empty()
    {
        table.insert("extra".into(), toml::Value::Table(extra));
    }
    let source = match archive.source {
        SourceKind::Hugo => "Hugo",
        SourceKind::Zola => "Zola",
        SourceKind::WordPress => "WordPress",
    };
    format!(
        "# Written by `dossier import` from a {source} site; see MIGRATION.md.\n{}",
        toml::to_string(&table).unwrap_or_default()
    )
}

fn migration_report(archive: &Archive, mapped: &Mapped, plan: &Plan, dst: &Path, command: &str) -> String {
    crate::import::report::migration(
        archive,
        mapped,
        &ReportInput {
            counts: &plan.counts,
            changed_urls: &plan.changed_urls,
            undated: &plan.undated,
            notes: &plan.notes,
            dst_name: crate::cmd::shown(dst),
            command,
        },
    )
}

/// What the writer adds to the archive's report.
pub struct ReportInput<'a> {
    pub counts: &'a Counts,
    pub changed_urls: &'a [ChangedUrl],
    pub undated: &'a [String],
    pub notes: &'a [String],
    pub dst_name: String,
    pub command: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_other_generators_become_dossier_dates() {
        assert_eq!(normalize_date("2024-11-16").as_deref(), Some("2024-11-16"));
        assert_eq!(normalize_date("2024-11-16T09:30:00-05:00").as_deref(), Some("2024-11-16T09:30:00-05:00"));
        assert_eq!(normalize_date("2024-11-16 09:30:00 +0000").as_deref(), Some("2024-11-16T09:30:00+00:00"));
        assert_eq!(normalize_date("2024-11-16T09:30:00").as_deref(), Some("2024-11-16T09:30:00Z"));
        assert_eq!(normalize_date("2024-11-16 at noon").as_deref(), Some("2024-11-16"));
        assert_eq!(normalize_date("November 2024"), None);
    }

    #[test]
    fn a_non_empty_destination_needs_force_and_never_holds_the_source() {
        let tmp = tempfile::tempdir().unwrap();
        let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
        std::fs::create_dir_all(&src).unwrap();
        assert!(check_destination(&dst, &[&src], false).is_ok());
        std::fs::create_dir_all(&dst).unwrap();
        assert!(check_destination(&dst, &[&src], false).is_ok());
        std::fs::write(dst.join("x"), "").unwrap();
        assert!(check_destination(&dst, &[&src], false).unwrap_err().contains("--force"));
        assert!(check_destination(&dst, &[&src], true).is_ok());
        assert!(check_destination(&src.join("out"), &[&src], true).unwrap_err().contains("inside one another"));
        assert!(check_destination(tmp.path(), &[&src], true).unwrap_err().contains("inside one another"));
    }
}
