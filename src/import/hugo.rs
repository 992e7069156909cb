//! The Hugo reader: the site's configuration (`hugo.toml`, `config.toml`, their YAML and JSON
//! forms, or `config/_default/`), its content folder (pages, page bundles, `_index.md` sections,
//! term pages of taxonomies) with TOML, YAML or JSON front matter, shortcodes and `ref`/`relref`
//! links, and `static/`. Templates, data, assets and themes cannot come across: the report says so.

use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::extra::{Map, Value};
use crate::import::archive::{Archive, Document, DocumentKind, Origin, Report, Settings, SourceKind, TermProfile};
use crate::import::content::{self, Kind, SourcePage};
use crate::import::frontmatter::{self, Take, scalar_text};
use crate::import::shortcodes::Flavor;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Folders of a Hugo site that hold no content, and why they are not imported.
const NOT_IMPORTED: &[(&str, &str)] = &[
    ("layouts", "templates are not imported: dossier's theme replaces them"),
    ("themes", "themes are not imported: dossier's theme replaces them"),
    ("archetypes", "archetypes are not imported: `dossier new` makes new files"),
    ("data", "data files are not imported: put what templates need under `[extra]` of site.toml"),
    ("i18n", "translation tables are not imported: see `[translations]` of site.toml"),
    ("assets", "Hugo Pipes assets are not imported: copy finished files to static/"),
    ("resources", "Hugo's generated resources are not imported"),
    ("public", "Hugo's output is not imported"),
];

const CONFIG_NAMES: &[&str] =
    &["hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml", "config.json"];

/// The site's configuration, and the file it came from (for the report).
fn load_config(src: &Path) -> Result<Map, Vec<Diagnostic>> {
    if let Some(name) = CONFIG_NAMES.iter().find(|n| src.join(n).is_file()) {
        return read_config_file(src, name);
    }
    let default = src.join("config/_default");
    if default.is_dir() {
        let mut map = Map::default();
        for rel in content::files_under(&default) {
            let file = format!("config/_default/{rel}");
            let stem = rel.split('.').next().unwrap_or_default().to_string();
            let Ok(part) = read_config_file(src, &file) else { continue };
            if matches!(stem.as_str(), "hugo" | "config") {
                map.0.extend(part.0);
            } else {
                map.0.retain(|(k, _)| *k != stem);
                map.0.push((stem, Value::Map(part)));
            }
        }
        return Ok(map);
    }
    Err(vec![
        Diagnostic::error(format!(
            "{} has no Hugo configuration (hugo.toml, config.toml, their .yaml and .json forms, or config/_default/)",
            crate::cmd::shown(src)
        ))
        .code(Code::ImportSource)
        .with_help("give the folder of the Hugo site, the one with its configuration file"),
    ])
}

fn read_config_file(src: &Path, name: &str) -> Result<Map, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(src.join(name)).map_err(|e| {
        vec![Diagnostic::error(format!("cannot read {name}: {e}")).code(Code::ImportSource).in_file(name)]
    })?;
    let located = |line: usize, message: String| {
        let source = SourceFile::new(name, &text);
        let offset = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
        vec![Diagnostic::error(message).code(Code::ImportSource).at(&source, offset.min(text.len()), 1)]
    };
    if name.ends_with(".toml") {
        toml::from_str::<toml::Table>(&text).map(frontmatter::toml_table).map_err(|e| {
            let line = e.span().map_or(1, |s| 1 + text[..s.start.min(text.len())].matches('\n').count());
            located(line, format!("{name} is not TOML: {}", e.message().trim()))
        })
    } else if name.ends_with(".json") {
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(map)) => Ok(frontmatter::json_map(map)),
            Ok(_) => Err(located(1, format!("{name} must be a JSON object"))),
            Err(e) => Err(located(e.line(), format!("{name} is not JSON: {e}"))),
        }
    } else {
        crate::yaml::parse_extra(&text).map_err(|e| located(e.line, format!("{name} is not YAML: {}", e.message)))
    }
}

/// What the reader needs of the configuration besides the settings.
struct Site {
    /// Taxonomy names as front matter writes them (the plural: `tags`).
    taxonomies: Vec<String>,
    /// Section → permalink pattern (`posts` → `/:year/:month/:slug/`).
    permalinks: BTreeMap<String, String>,
    languages: content::Languages,
    /// `defaultContentLanguageInSubdir`: the default language's pages were under `/en/` too.
    default_in_subdir: bool,
    params: Map,
    content_dir: String,
    static_dir: String,
}

fn map_of(value: Option<Value>) -> Map {
    match value {
        Some(Value::Map(m)) => m,
        _ => Map::default(),
    }
}

/// The settings of site.toml, and what the reader needs, from the configuration; the rest is
/// `[extra]`.
fn settings(mut config: Map) -> (Settings, Site) {
    let title = config.take_text(&["title"]);
    let base_url = config.take_text(&["baseURL"]);
    let default_language = config.get("defaultContentLanguage").and_then(scalar_text);
    let language = config.take_text(&["languageCode"]).or_else(|| config.take_text(&["defaultContentLanguage"]));
    let mut pagination = map_of(config.take(&["pagination"]));
    let paginate =
        pagination.take_text(&["pagerSize"]).or_else(|| config.take_text(&["paginate"])).and_then(|p| p.parse().ok());
    let params = config.get("params").cloned().map(|v| map_of(Some(v))).unwrap_or_default();
    let description = params.get("description").and_then(scalar_text).or_else(|| config.take_text(&["description"]));
    let taxonomies = match config.take(&["taxonomies"]) {
        Some(Value::Map(m)) => m.0.iter().filter_map(|(_, v)| scalar_text(v)).collect(),
        _ => vec!["tags".to_string(), "categories".to_string()],
    };
    let mut permalinks_map = map_of(config.take(&["permalinks"]));
    if let Some(Value::Map(page)) = permalinks_map.take(&["page"]) {
        permalinks_map = page;
    }
    let permalinks = permalinks_map.0.iter().filter_map(|(k, v)| Some((k.clone(), scalar_text(v)?))).collect();
    let declared = map_of(config.get("languages").cloned()).0.into_iter().map(|(k, _)| k);
    let languages = content::Languages::new(default_language, declared);
    let default_in_subdir = config.take_bool(&["defaultContentLanguageInSubdir"]).unwrap_or(false);
    let (mut content_dir, mut static_dir) = (config.take_text(&["contentDir"]), config.take_text(&["staticDir"]));
    // module mounts (`source = "content/en"`, `target = "content"`) say where content really is
    if let Some(Value::Map(module)) = config.get("module")
        && let Some(Value::List(mounts)) = module.get("mounts")
    {
        for mount in mounts {
            let Value::Map(m) = mount else { continue };
            let (Some(source), Some(target)) =
                (m.get("source").and_then(scalar_text), m.get("target").and_then(scalar_text))
            else {
                continue;
            };
            match target.as_str() {
                "content" => content_dir = content_dir.or(Some(source)),
                "static" => static_dir = static_dir.or(Some(source)),
                _ => {}
            }
        }
    }
    let content_dir = content_dir.unwrap_or_else(|| "content".into());
    let static_dir = static_dir.unwrap_or_else(|| "static".into());
    let settings = Settings {
        title,
        base_url,
        language,
        languages: languages.for_site_toml(),
        description,
        paginate,
        extra: config,
    };
    (settings, Site { taxonomies, permalinks, languages, default_in_subdir, params, content_dir, static_dir })
}

/// What one content file became.
enum Read {
    Doc(Box<Document>, usize),
    Term(TermProfile),
    Skip(Origin, String),
    /// A section whose `cascade` keeps it and every page below it out of Hugo's output.
    SkipTree(Origin),
}

/// Reads the Hugo site at `src` (never modified).
pub fn read(src: &Path) -> Result<Archive, Vec<Diagnostic>> {
    let config = load_config(src)?;
    let (settings, site) = settings(config);
    let mut report = Report::default();
    for (folder, why) in NOT_IMPORTED {
        if src.join(folder).is_dir() {
            report.skipped.push((Origin { path: format!("{folder}/"), line: None }, why.to_string()));
        }
    }
    if !src.join(&site.content_dir).is_dir() {
        return Err(vec![
            Diagnostic::error(format!("{} has no content folder `{}`", crate::cmd::shown(src), site.content_dir))
                .code(Code::ImportSource),
        ]);
    }
    let pages = content::walk(src, &site.content_dir, &site.languages, &mut report);
    let read: Vec<(SourcePage, Read)> = pages
        .into_par_iter()
        .map(|p| {
            let r = read_page(src, &site, &p);
            (p, r)
        })
        .collect();
    let mut documents = Vec::new();
    let mut sources = Vec::new();
    let mut originals = Vec::new();
    let mut term_profiles = Vec::new();
    // folders of headless sections (`cascade: {build: {render: never}}`), with their page counts
    let mut trees: Vec<(String, Origin, usize)> = read
        .iter()
        .filter_map(|(p, r)| match r {
            Read::SkipTree(o) => Some((format!("{}/", p.dirs.join("/")), o.clone(), 0)),
            _ => None,
        })
        .collect();
    for (page, r) in read {
        if let Some(tree) = trees.iter_mut().find(|(dir, ..)| page.rel.starts_with(dir.as_str())) {
            tree.2 += 1;
            continue;
        }
        match r {
            Read::SkipTree(_) => {}
            Read::Doc(doc, line) => {
                sources.push((page.rel, line));
                originals.push(page.original);
                documents.push(*doc);
            }
            Read::Term(t) => term_profiles.push(t),
            Read::Skip(origin, why) => report.skipped.push((origin, why)),
        }
    }
    for (_, origin, n) in trees {
        let why = format!(
            "a headless section (`cascade` with `render: never`): it and the {} page(s) below it are not imported",
            n.saturating_sub(1)
        );
        report.skipped.push((origin, why));
    }
    content::pair_translations(&mut documents, &originals);
    content::convert_bodies(&mut documents, &sources, &site.params, Flavor::Hugo, &mut report);
    let static_files = content::static_files(src, &site.static_dir);
    Ok(Archive { source: SourceKind::Hugo, settings, documents, term_profiles, static_files, report })
}

/// The `_build` / `build` options that keep a page out of Hugo's output.
fn not_rendered(fields: &mut Map) -> bool {
    if fields.take_bool(&["headless"]) == Some(true) {
        return true;
    }
    match fields.take(&["_build", "build"]) {
        Some(Value::Map(mut b)) => match b.take(&["render"]) {
            Some(Value::Bool(false)) => true,
            Some(Value::Text(t)) => t == "never" || t == "false",
            _ => false,
        },
        _ => false,
    }
}

fn read_page(src: &Path, site: &Site, page: &SourcePage) -> Read {
    let path = format!("{}/{}", site.content_dir, page.rel);
    let origin = |line| Origin { path: path.clone(), line };
    let text = match std::fs::read(src.join(&site.content_dir).join(&page.rel)).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => return Read::Skip(origin(None), "not UTF-8 text".into()),
        Err(e) => return Read::Skip(origin(None), format!("cannot be read: {e}")),
    };
    let parsed = match frontmatter::parse(&text) {
        Ok(p) => p,
        Err((line, why)) => return Read::Skip(origin(Some(line)), why),
    };
    let mut fields = parsed.fields;
    if page.kind == Kind::Section
        && let Some(Value::Map(mut cascade)) = fields.get("cascade").cloned()
        && not_rendered(&mut cascade)
    {
        return Read::SkipTree(origin(None));
    }
    if not_rendered(&mut fields) {
        return Read::Skip(origin(None), "headless or `render: never`: Hugo does not publish it".into());
    }
    let is_taxonomy = |d: &String| site.taxonomies.iter().any(|t| t.eq_ignore_ascii_case(d));
    if page.kind == Kind::Section && page.dirs.first().is_some_and(is_taxonomy) {
        return match page.dirs.as_slice() {
            [taxonomy, term] => Read::Term(TermProfile {
                origin: origin(None),
                taxonomy: taxonomy.to_lowercase(),
                term: fields
                    .take_text(&["title"])
                    .filter(|t| crate::slug::Slug::from_text(t) == crate::slug::Slug::from_text(term))
                    .unwrap_or_else(|| term.clone()),
                title: None,
                summary: fields.take_text(&["summary"]).or_else(|| fields.take_text(&["description"])),
                body: parsed.body,
                extra: fields,
            }),
            _ => Read::Skip(origin(None), "a taxonomy's list page: dossier makes /topics/ and /actors/".into()),
        };
    }
    let doc = document(site, page, path.clone(), fields, parsed.body);
    Read::Doc(Box::new(doc), parsed.body_line)
}

fn document(site: &Site, page: &SourcePage, path: String, mut fields: Map, body: String) -> Document {
    let title = fields.take_text(&["title"]);
    let slug = fields.take_text(&["slug"]);
    let url = fields.take_text(&["url"]);
    let date = fields.take_text(&["date"]);
    let kind = if page.kind == Kind::Section { DocumentKind::Section } else { DocumentKind::Explainer };
    let last = match kind {
        DocumentKind::Section => None,
        DocumentKind::Explainer => Some(slug.clone().unwrap_or_else(|| page.stem.clone())),
    };
    let place = content::place(&page.dirs, last.as_deref());
    // Hugo serves a translation under its language's folder (and the default language's pages
    // too with `defaultContentLanguageInSubdir`); a `url:` is the address as written
    let folder =
        page.language.clone().or_else(|| site.default_in_subdir.then(|| site.languages.default.clone()).flatten());
    let old_url = url.clone().or_else(|| {
        let path = old_url(site, page, title.as_deref(), slug.as_deref(), date.as_deref())?;
        Some(match &folder {
            Some(language) => format!("/{language}{path}"),
            None => path,
        })
    });
    let mut taxonomies = BTreeMap::new();
    for t in &site.taxonomies {
        let terms = fields.take_list(&[t.as_str()]);
        if !terms.is_empty() {
            taxonomies.insert(t.to_lowercase(), terms);
        }
    }
    let image = fields.take_list(&["images"]).into_iter().next().or_else(|| fields.take_text(&["image"]));
    Document {
        origin: Origin { path, line: None },
        kind,
        place,
        title,
        date,
        updated: fields.take_text(&["lastmod", "modified"]),
        publish_date: fields.take_text(&["publishDate", "pubdate", "published"]),
        expires: fields.take_text(&["expiryDate", "unpublishdate"]),
        draft: fields.take_bool(&["draft"]).unwrap_or(false),
        slug,
        summary: fields.take_text(&["summary"]).or_else(|| fields.take_text(&["description"])),
        image,
        aliases: fields.take_list(&["aliases"]),
        old_url: if kind == DocumentKind::Section && page.dirs.is_empty() && folder.is_none() { None } else { old_url },
        taxonomies,
        extra: fields,
        body,
        resources: page.resources.clone(),
        language: page.language.clone(),
    }
}

/// The page's address in the Hugo site: its section's permalink pattern filled in, or its
/// folders and slug (or file name), as Hugo lower-cases them.
fn old_url(
    site: &Site,
    page: &SourcePage,
    title: Option<&str>,
    slug: Option<&str>,
    date: Option<&str>,
) -> Option<String> {
    let dirs: Vec<String> = page.dirs.iter().map(|d| content::urlize(d)).collect();
    if page.kind == Kind::Section {
        return Some(format!("/{}/", dirs.join("/")));
    }
    let name = content::urlize(slug.unwrap_or(&page.stem));
    let Some(pattern) = page.dirs.first().and_then(|s| site.permalinks.get(s)) else {
        return Some(if dirs.is_empty() { format!("/{name}/") } else { format!("/{}/{name}/", dirs.join("/")) });
    };
    let day = date.and_then(|d| d.get(..10)).unwrap_or("0000-00-00");
    let mut out = pattern.clone();
    for (token, value) in [
        (":year", day.get(..4).unwrap_or_default().to_string()),
        (":month", day.get(5..7).unwrap_or_default().to_string()),
        (":day", day.get(8..10).unwrap_or_default().to_string()),
        (":slugorfilename", name.clone()),
        (":slugorcontentbasename", name.clone()),
        (":slug", content::urlize(slug.or(title).unwrap_or(&page.stem))),
        (":title", content::urlize(title.unwrap_or(&page.stem))),
        (":filename", content::urlize(&page.stem)),
        (":contentbasename", content::urlize(&page.stem)),
        (":sections", dirs.join("/")),
        (":section", dirs.first().cloned().unwrap_or_default()),
    ] {
        out = out.replace(token, &value);
    }
    (!out.contains(':')).then_some(out)
}
