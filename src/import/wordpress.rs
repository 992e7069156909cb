//! `dossier import wordpress`: a WordPress export (WXR) read into an [`Archive`]. Published
//! posts and pages keep their URL (the path of their `<link>` becomes their place under
//! `content/`); drafts, pending and scheduled posts go under `content/articles/` and pages
//! that cannot keep their URL under `content/pages/`, with their old URL as an alias. Private
//! and trashed posts, menus and other item types are skipped, each with its reason.

mod body;
mod shortcode;
mod wxr;

use crate::diagnostics::{Code, Diagnostic};
use crate::import::archive::{Archive, Document, DocumentKind, Origin, Report, Settings, SourceKind, TermProfile};
use crate::slug::Slug;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// First folders an imported URL cannot keep: dossier's own pages live there.
const RESERVED: &[&str] = &["actors", "topics", "glossary", "search", "corrections", "index", "page", "static"];

/// Reads the export at `export`, with the uploads folder (`wp-content/uploads`) when given.
pub fn read(export: &Path, uploads: Option<&Path>) -> Result<Archive, Vec<Diagnostic>> {
    let name = export.file_name().map_or_else(|| export.display().to_string(), |n| n.to_string_lossy().into_owned());
    let shown = export.display().to_string();
    let bytes = std::fs::read(export).map_err(|e| {
        vec![Diagnostic::error(format!("cannot read the export {shown}: {e}")).code(Code::Unreadable).in_file(&shown)]
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        vec![
            Diagnostic::error(format!("the export is not UTF-8 (byte {})", e.utf8_error().valid_up_to()))
                .code(Code::NotUtf8)
                .in_file(&shown),
        ]
    })?;
    let export_data = wxr::parse(&text, &shown)?;
    drop(text);
    if let Some(dir) = uploads
        && !dir.is_dir()
    {
        return Err(vec![
            Diagnostic::error(format!("--uploads {}: no such folder", dir.display()))
                .code(Code::Unreadable)
                .with_help("pass the wp-content/uploads folder of the site (copied from its server)"),
        ]);
    }
    Ok(archive(&export_data, &name, uploads))
}

/// An item that becomes a document, with what was decided about it before its body is converted.
struct Chosen<'e> {
    item: &'e wxr::Item,
    place: Vec<String>,
    /// The path of its `<link>`, when it is a path (not `?p=123`).
    old_path: Option<String>,
    draft: bool,
    future: bool,
    /// Other documents are below its place (`/about/` and `/about/team/`): it is the section's
    /// page (`about/_index.md`), since dossier writes a folder's archive at the folder's address.
    section: bool,
}

fn archive(export: &wxr::Export, name: &str, uploads: Option<&Path>) -> Archive {
    let mut report = Report::default();
    let mut chosen = choose(export, name, &mut report);
    mark_sections(&mut chosen, &mut report);
    let site_url = export.base_blog_url.clone().or_else(|| export.link.clone()).unwrap_or_default();
    let prefixes = own_prefixes(&site_url);
    let mut by_path = HashMap::new();
    let mut by_id = HashMap::new();
    for (i, c) in chosen.iter().enumerate() {
        if let Some(path) = &c.old_path {
            by_path.insert(body::normal_path(path), i);
        }
        by_id.insert(c.item.post_id.clone(), i);
    }
    let attachments: HashMap<&str, &str> = export
        .items
        .iter()
        .filter(|i| i.post_type == "attachment")
        .map(|i| (i.post_id.as_str(), i.attachment_url.as_str()))
        .collect();
    let authors: HashMap<&str, &str> =
        export.authors.iter().map(|a| (a.login.as_str(), display_or(&a.display_name, &a.login))).collect();
    let mut converted: Vec<(body::Converted, Option<String>)> = chosen
        .par_iter()
        .map(|c| {
            let site = body::Site {
                prefixes: prefixes.clone(),
                by_path: &by_path,
                by_id: &by_id,
                // a section's folder holds its pages, not files of its own: its uploads stay
                // at the old site's address
                uploads: if c.section { None } else { uploads },
            };
            let mut converted = body::convert(&c.item.content, &site);
            let thumbnail = c.item.meta.iter().find(|(k, _)| k == "_thumbnail_id").map(|(_, v)| v.as_str());
            let image =
                thumbnail.and_then(|id| attachments.get(id)).and_then(|url| body::attach(url, &site, &mut converted));
            (converted, image)
        })
        .collect();
    link_documents(&chosen, &mut converted);
    let mut documents = Vec::with_capacity(chosen.len());
    let mut remote = 0;
    let mut dropped_anchors = 0;
    for (c, (converted, image)) in chosen.iter().zip(converted) {
        let origin = Origin { path: name.to_string(), line: Some(c.item.line) };
        for found in &converted.shortcodes {
            let line = c.item.content_line.max(c.item.line) + found.line - 1;
            let at = Origin { path: name.to_string(), line: Some(line) };
            report.unconverted_shortcodes.entry(found.name.clone()).or_default().push(at);
        }
        for url in &converted.missing {
            // the line that names it (the featured image is named in no line of the body)
            let line = match c.item.content.find(url.as_str()) {
                Some(at) => c.item.content_line.max(c.item.line) + c.item.content[..at].matches('\n').count(),
                None => c.item.line,
            };
            report.missing_files.push((Origin { path: name.to_string(), line: Some(line) }, url.clone()));
        }
        if uploads.is_some() && converted.remote > 0 {
            report.notes.push(format!(
                "`{}` has pages below it, so it cannot hold files of its own: its {} upload(s) still load from the old site",
                c.place.join("/"),
                converted.remote
            ));
        }
        remote += converted.remote;
        dropped_anchors += converted.dropped_anchors;
        documents.push(document(c, origin, converted, image, &authors));
    }
    notes(export, &chosen, remote, uploads.is_some(), &mut report);
    if dropped_anchors > 0 {
        report.notes.push(format!(
            "{dropped_anchors} link(s) to an anchor their own page does not have (an empty `#`, a theme's `#top`, an id of the old HTML) are plain text now"
        ));
    }
    Archive {
        source: SourceKind::WordPress,
        settings: settings(export, &site_url),
        term_profiles: term_profiles(export, name, &documents),
        documents,
        static_files: Vec::new(),
        report,
    }
}

fn display_or<'a>(display: &'a str, login: &'a str) -> &'a str {
    if display.trim().is_empty() { login } else { display }
}

/// `https://example.org` → its `http`, `https` and scheme-less forms, without the trailing `/`.
fn own_prefixes(site_url: &str) -> Vec<String> {
    let trimmed = site_url.trim().trim_end_matches('/');
    let Some(rest) = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://")) else {
        return Vec::new();
    };
    vec![format!("https://{rest}"), format!("http://{rest}"), format!("//{rest}")]
}

fn settings(export: &wxr::Export, site_url: &str) -> Settings {
    let base = export.link.clone().unwrap_or_else(|| site_url.to_string());
    Settings {
        title: export.title.as_deref().map(body::html_text),
        base_url: (!base.is_empty()).then(|| format!("{}/", base.trim_end_matches('/'))),
        language: export.language.as_deref().map(|l| l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase()),
        description: export.description.as_deref().map(body::html_text).filter(|d| !d.is_empty()),
        languages: Vec::new(),
        paginate: None,
        extra: Default::default(),
    }
}

/// Picks the posts and pages to import, skipping the rest with a reason, and gives each its place.
fn choose<'e>(export: &'e wxr::Export, name: &str, report: &mut Report) -> Vec<Chosen<'e>> {
    let mut chosen: Vec<Chosen<'e>> = Vec::new();
    let mut used = BTreeSet::new();
    let mut other_types: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &export.items {
        let page = match item.post_type.as_str() {
            "post" => false,
            "page" => true,
            "attachment" => continue,
            other => {
                *other_types.entry(other).or_default() += 1;
                continue;
            }
        };
        let (draft, future) = match item.status.as_str() {
            "publish" => (false, false),
            "draft" | "pending" => (true, false),
            "future" => (false, true),
            status => {
                let why = match status {
                    "private" => "private: only logged-in editors could read it, so it is not published",
                    "trash" => "in the trash",
                    "auto-draft" => "an empty draft WordPress saved by itself",
                    _ => "its status is not one WordPress publishes",
                };
                let what = if page { "page" } else { "post" };
                let title = body::html_text(&item.title);
                report.skipped.push((
                    Origin { path: name.to_string(), line: Some(item.line) },
                    format!("{what} “{title}” (status `{status}`): {why}"),
                ));
                continue;
            }
        };
        let mut old_path = link_path(&item.link);
        let kept = old_path.as_deref().filter(|_| !draft && !future).and_then(url_place);
        // an address in a folder dossier writes itself cannot even be an alias
        if let Some(path) = old_path.as_deref().filter(|p| generated_by_dossier(p)) {
            report.notes.push(format!(
                "`{path}` is an address dossier gives its own pages: “{}” moves, and its old address is not kept",
                body::html_text(&item.title)
            ));
            old_path = None;
        }
        let mut place =
            kept.unwrap_or_else(|| vec![if page { "pages" } else { "articles" }.to_string(), slug_of(item)]);
        let base = place.last().cloned().unwrap_or_default();
        let mut n = 1;
        while !used.insert(place.join("/")) {
            n += 1;
            if let Some(last) = place.last_mut() {
                *last = format!("{base}-{n}");
            }
        }
        chosen.push(Chosen { item, place, old_path, draft, future, section: false });
    }
    for (kind, count) in other_types {
        report.notes.push(format!("{count} item(s) of type `{kind}` skipped: only posts and pages are imported"));
    }
    chosen
}

/// Whether the site path is in a folder dossier writes its own pages into (`/search/`, `/topics/x/`).
fn generated_by_dossier(path: &str) -> bool {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    ["actors", "topics", "glossary", "search", "corrections", "page"].contains(&first)
}

/// Marks the documents that have others below their place as sections (see [`Chosen::section`]).
fn mark_sections(chosen: &mut [Chosen<'_>], report: &mut Report) {
    let places: BTreeSet<String> = chosen.iter().map(|c| c.place.join("/")).collect();
    for c in chosen.iter_mut() {
        let prefix = format!("{}/", c.place.join("/"));
        c.section = places.range(prefix.clone()..).next().is_some_and(|p| p.starts_with(&prefix));
        if c.section {
            report.notes.push(format!(
                "“{}” has pages below it: it is the page of the section content/{}/ (`_index.md`), which lists them; a section has no topics, actors or files of its own",
                body::html_text(&c.item.title),
                c.place.join("/")
            ));
        }
    }
}

/// The path of a post's `<link>`, when it has one (`?p=123` links have none).
fn link_path(link: &str) -> Option<String> {
    let url = url::Url::parse(link.trim()).ok()?;
    if url.query().is_some() {
        return None;
    }
    Some(url.path().to_string())
}

/// The place that keeps a URL path, when dossier can write it: every folder a slug already.
fn url_place(path: &str) -> Option<Vec<String>> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    let segments: Vec<String> = decoded.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
    let first = segments.first()?;
    if RESERVED.contains(&first.as_str()) {
        return None;
    }
    let slugs = segments.iter().all(|s| Slug::from_text(s).is_some_and(|slug| slug.as_str() == s));
    slugs.then_some(segments)
}

fn slug_of(item: &wxr::Item) -> String {
    let name = percent_encoding::percent_decode_str(&item.post_name).decode_utf8_lossy().into_owned();
    [name, body::html_text(&item.title)]
        .iter()
        .find_map(|t| Slug::from_text(t))
        .map_or_else(|| format!("post-{}", item.post_id), |s| s.as_str().to_string())
}

/// WordPress dates (`2013-01-10 20:15:40`, GMT) as RFC 3339; `None` for its `0000-00-00` ones.
fn gmt(date: &str) -> Option<String> {
    let (day, time) = date.trim().split_once(' ').unwrap_or((date.trim(), "00:00:00"));
    (day.len() == 10 && !day.starts_with("0000")).then(|| format!("{day}T{time}Z"))
}

fn document(
    c: &Chosen<'_>,
    origin: Origin,
    converted: body::Converted,
    image: Option<String>,
    authors: &HashMap<&str, &str>,
) -> Document {
    let item = c.item;
    // the GMT date; a draft that was never saved with one has only its local day
    let date = gmt(&item.post_date_gmt)
        .or_else(|| item.post_date.get(..10).filter(|d| !d.starts_with("0000")).map(str::to_string))
        .or_else(|| gmt(&item.modified_gmt));
    let updated = gmt(&item.modified_gmt).filter(|m| date.as_ref().is_some_and(|d| m.as_str() > d.as_str()));
    let mut taxonomies: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (domain, _, term) in item.terms.iter().filter(|_| !c.section) {
        let term = body::html_text(term);
        if domain == "post_format" || term.is_empty() {
            continue;
        }
        let terms = taxonomies.entry(domain.clone()).or_default();
        if !terms.contains(&term) {
            terms.push(term);
        }
    }
    if !item.creator.is_empty() && !c.section {
        let author = authors.get(item.creator.as_str()).copied().unwrap_or(&item.creator);
        taxonomies.insert("author".to_string(), vec![author.to_string()]);
    }
    let title = strip_tags(&body::html_text(&item.title));
    let summary = body::html_to_markdown(&item.excerpt).split_whitespace().collect::<Vec<_>>().join(" ");
    Document {
        origin,
        kind: if c.section { DocumentKind::Section } else { DocumentKind::Explainer },
        place: c.place.clone(),
        title: Some(if title.is_empty() { "(no title)".to_string() } else { title }),
        publish_date: if c.future { date.clone() } else { None },
        date,
        updated,
        expires: None,
        draft: c.draft,
        slug: None,
        summary: (!summary.is_empty()).then_some(summary),
        image,
        aliases: Vec::new(),
        old_url: c.old_path.clone(),
        taxonomies,
        extra: Default::default(),
        body: converted.markdown,
        resources: converted.resources,
        language: None,
    }
}

/// The text of a title without its tags, trimmed.
fn strip_tags(text: &str) -> String {
    crate::import::shortcodes::strip_markup(text).trim().to_string()
}

/// Turns the `wpdoc:INDEX` links of every body into relative `.md` links, now that each
/// document's file is known (`x.md`, or `x/index.md` for a bundle). A link to a draft keeps its
/// old address: drafts are not built.
fn link_documents(chosen: &[Chosen<'_>], converted: &mut [(body::Converted, Option<String>)]) {
    let files: Vec<Vec<String>> = chosen
        .iter()
        .zip(converted.iter())
        .map(|(c, (conv, _))| {
            let mut file = c.place.clone();
            if c.section {
                file.push("_index.md".to_string());
            } else if conv.resources.is_empty() {
                if let Some(last) = file.last_mut() {
                    last.push_str(".md");
                }
            } else {
                file.push("index.md".to_string());
            }
            file
        })
        .collect();
    let anchors: Vec<BTreeSet<String>> = converted.iter().map(|(conv, _)| conv.anchors.clone()).collect();
    for (from, (conv, _)) in converted.iter_mut().enumerate() {
        if !conv.markdown.contains("wpdoc:") {
            continue;
        }
        let mut out = String::with_capacity(conv.markdown.len());
        let mut rest = conv.markdown.as_str();
        while let Some(i) = rest.find("wpdoc:") {
            out.push_str(&rest[..i]);
            let after = &rest[i + "wpdoc:".len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            match after[..digits].parse::<usize>().ok().filter(|&to| to < chosen.len()) {
                Some(to) if chosen[to].draft || chosen[to].future => out.push_str(chosen[to].item.link.trim()),
                Some(to) => out.push_str(&relative(&files[from], &files[to])),
                None => out.push_str("wpdoc:"),
            }
            rest = &after[digits..];
            // an anchor the target does not have: the link goes to the page (dossier checks anchors)
            if let Some(fragment) = rest.strip_prefix('#') {
                let len = fragment.find([')', ' ', '>']).unwrap_or(fragment.len());
                let target = after[..digits].parse::<usize>().ok().and_then(|to| anchors.get(to));
                if target.is_some_and(|a| !a.contains(&fragment[..len])) {
                    rest = &fragment[len..];
                }
            }
        }
        out.push_str(rest);
        conv.markdown = out;
    }
}

/// The relative link from file `from` to file `to`, both as `/`-separated parts under `content/`.
fn relative(from: &[String], to: &[String]) -> String {
    let from_dir = &from[..from.len().saturating_sub(1)];
    let common = from_dir.iter().zip(to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(to[common..].iter().map(String::as_str));
    parts.join("/")
}

fn notes(export: &wxr::Export, chosen: &[Chosen<'_>], remote: usize, uploads: bool, report: &mut Report) {
    let short_links = chosen.iter().filter(|c| !c.draft && !c.future).count();
    if short_links > 0 {
        report.notes.push(format!(
            "{short_links} published post(s) and page(s) also answered at WordPress's short link `/?p=ID`: a static site cannot serve addresses that differ only in their query, so these are not kept (redirect them on the server if they were shared)"
        ));
    }
    if remote > 0 && !uploads {
        report.notes.push(format!(
            "{remote} image(s) and file(s) still load from the old site: pass --uploads with its wp-content/uploads folder to copy them"
        ));
    }
    let untitled = chosen.iter().filter(|c| strip_tags(&body::html_text(&c.item.title)).is_empty()).count();
    if untitled > 0 {
        report.notes.push(format!("{untitled} post(s) had no title and are titled “(no title)”"));
    }
    let attachments = export.items.iter().filter(|i| i.post_type == "attachment").count();
    if attachments > 0 {
        report.notes.push(format!(
            "{attachments} attachment(s) in the export: those a post shows are copied beside it, the others are not imported"
        ));
    }
}

/// A profile for every category, tag and author the published documents use, with the term's
/// description as its text. Every term gets one, described or not: a term without a profile is
/// taken by its name, and a name one letter from another's (`Cat A`, `Cat B`) would be read as a
/// typo of it.
fn term_profiles(export: &wxr::Export, name: &str, documents: &[Document]) -> Vec<TermProfile> {
    // terms of drafts and scheduled posts only would be profiles no page names (a warning)
    let used: BTreeSet<(&str, &str)> = documents
        .iter()
        .filter(|d| !d.draft && d.publish_date.is_none())
        .flat_map(|d| {
            d.taxonomies.iter().flat_map(|(t, terms)| terms.iter().map(move |term| (t.as_str(), term.as_str())))
        })
        .collect();
    let profile = |taxonomy: &str, term: String, description: &str, line: usize| TermProfile {
        origin: Origin { path: name.to_string(), line: Some(line) },
        taxonomy: taxonomy.to_string(),
        title: Some(term.clone()),
        term,
        summary: None,
        body: if description.trim().is_empty() { String::new() } else { body::html_to_markdown(description) },
        extra: Default::default(),
    };
    let mut seen = BTreeSet::new();
    let terms = export.terms.iter().filter_map(|t| {
        let term = body::html_text(&t.name);
        let wanted =
            used.contains(&(t.taxonomy.as_str(), term.as_str())) && seen.insert((t.taxonomy.clone(), term.clone()));
        wanted.then(|| profile(&t.taxonomy, term, &t.description, t.line))
    });
    let mut profiles: Vec<TermProfile> = terms.collect();
    for author in &export.authors {
        let term = display_or(&author.display_name, &author.login).to_string();
        if used.contains(&("author", term.as_str())) && seen.insert(("author".to_string(), term.clone())) {
            profiles.push(profile("author", term, "", author.line));
        }
    }
    profiles
}

#[cfg(test)]
mod tests;
