//! The Zola reader: `config.toml` (title, base URL, language, description, taxonomies, `[extra]`),
//! the content folder (pages, colocated assets, `_index.md` sections) with `+++` TOML (or YAML)
//! front matter and `[taxonomies]` and `[extra]` tables, dates in file names, shortcodes, `@/`
//! links, and `static/`. Templates, Sass and themes cannot come across: the report says so.

use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::extra::{Map, Value};
use crate::import::archive::{Archive, Document, DocumentKind, Origin, Report, Settings, SourceKind};
use crate::import::content::{self, Kind, SourcePage};
use crate::import::frontmatter::{self, Take, scalar_text};
use crate::import::shortcodes::Flavor;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Folders of a Zola site that hold no content, and why they are not imported.
const NOT_IMPORTED: &[(&str, &str)] = &[
    ("templates", "templates are not imported: dossier's theme replaces them"),
    ("themes", "themes are not imported: dossier's theme replaces them"),
    ("sass", "Sass files are not imported: copy the compiled CSS to static/"),
    ("public", "Zola's output is not imported"),
];

fn load_config(src: &Path) -> Result<Map, Vec<Diagnostic>> {
    let name = "config.toml";
    let text = std::fs::read_to_string(src.join(name)).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            "has no".to_string()
        } else {
            format!("cannot read its ({e})")
        };
        vec![
            Diagnostic::error(format!("{} {why} Zola configuration, config.toml", crate::cmd::shown(src)))
                .code(Code::ImportSource)
                .with_help("give the folder of the Zola site, the one with its config.toml"),
        ]
    })?;
    toml::from_str::<toml::Table>(&text).map(frontmatter::toml_table).map_err(|e| {
        let d = Diagnostic::error(format!("config.toml is not TOML: {}", e.message().trim())).code(Code::ImportSource);
        vec![match e.span() {
            Some(s) => d.at(&SourceFile::new(name, &text), s.start.min(text.len()), s.len().max(1)),
            None => d.in_file(name),
        }]
    })
}

/// The settings of site.toml from config.toml (its `[extra]` and every key dossier has no place
/// for become `[extra]`), and the names of its taxonomies.
fn settings(mut config: Map) -> (Settings, Vec<String>, content::Languages) {
    let title = config.take_text(&["title"]);
    let base_url = config.take_text(&["base_url"]);
    let language = config.take_text(&["default_language"]);
    let declared = match config.get("languages") {
        Some(Value::Map(m)) => m.0.iter().map(|(k, _)| k.clone()).collect(),
        _ => Vec::new(),
    };
    let languages = content::Languages::new(language.clone(), declared);
    let description = config.take_text(&["description"]);
    let taxonomies = match config.take(&["taxonomies"]) {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|t| match t {
                Value::Map(m) => m.get("name").and_then(scalar_text),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut extra = match config.take(&["extra"]) {
        Some(Value::Map(m)) => m,
        _ => Map::default(),
    };
    for (k, v) in config.0 {
        if extra.get(&k).is_none() {
            extra.0.push((k, v));
        }
    }
    let settings = Settings {
        title,
        base_url,
        language,
        languages: languages.for_site_toml(),
        description,
        paginate: None,
        extra,
    };
    (settings, taxonomies, languages)
}

enum Read {
    Doc(Box<Document>, usize),
    Skip(Origin, String),
}

/// Reads the Zola site at `src` (never modified).
pub fn read(src: &Path) -> Result<Archive, Vec<Diagnostic>> {
    let config = load_config(src)?;
    let (mut settings, _taxonomies, languages) = settings(config);
    let mut report = Report::default();
    for (folder, why) in NOT_IMPORTED {
        if src.join(folder).is_dir() {
            report.skipped.push((Origin { path: format!("{folder}/"), line: None }, why.to_string()));
        }
    }
    if !src.join("content").is_dir() {
        return Err(vec![
            Diagnostic::error(format!("{} has no content folder", crate::cmd::shown(src))).code(Code::ImportSource),
        ]);
    }
    let pages = content::walk(src, "content", &languages, &mut report);
    let read: Vec<(SourcePage, Read)> = pages
        .into_par_iter()
        .map(|p| {
            let r = read_page(src, &p);
            (p, r)
        })
        .collect();
    let (mut documents, mut sources, mut originals) = (Vec::new(), Vec::new(), Vec::new());
    for (page, r) in read {
        match r {
            Read::Doc(doc, line) => {
                // the home page's `paginate_by` is the site's
                if doc.kind == DocumentKind::Section && doc.place.is_empty() && doc.language.is_none() {
                    settings.paginate = doc.extra.get("paginate_by").and_then(scalar_text).and_then(|p| p.parse().ok());
                }
                sources.push((page.rel, line));
                originals.push(page.original);
                documents.push(*doc);
            }
            Read::Skip(origin, why) => report.skipped.push((origin, why)),
        }
    }
    content::pair_translations(&mut documents, &originals);
    content::convert_bodies(&mut documents, &sources, &Map::default(), Flavor::Zola, &mut report);
    let static_files = content::static_files(src, "static");
    Ok(Archive { source: SourceKind::Zola, settings, documents, term_profiles: Vec::new(), static_files, report })
}

/// A date at the start of a file name (`2024-11-16-lima` or `2024-11-16_lima`): the date and the
/// rest, which Zola takes as the slug.
fn dated_name(stem: &str) -> Option<(String, String)> {
    let day = stem.get(..10)?;
    let rest = stem.get(10..)?.strip_prefix(['-', '_'])?;
    (crate::date::Date::parse(day).is_ok() && !rest.is_empty()).then(|| (day.to_string(), rest.to_string()))
}

/// Names as Zola puts them in addresses (its default `slugify.paths = "on"`).
fn zola_slugs(names: &[String]) -> Vec<String> {
    names.iter().map(|n| crate::slug::Slug::from_text(n).map_or_else(|| n.clone(), |s| s.to_string())).collect()
}

fn read_page(src: &Path, page: &SourcePage) -> Read {
    let path = format!("content/{}", page.rel);
    let origin = |line| Origin { path: path.clone(), line };
    let text = match std::fs::read(src.join("content").join(&page.rel)).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => return Read::Skip(origin(None), "not UTF-8 text".into()),
        Err(e) => return Read::Skip(origin(None), format!("cannot be read: {e}")),
    };
    let parsed = match frontmatter::parse(&text) {
        Ok(p) => p,
        Err((line, why)) => return Read::Skip(origin(Some(line)), why),
    };
    let mut fields = parsed.fields;
    if page.kind == Kind::Section && fields.take_bool(&["render"]) == Some(false) {
        return Read::Skip(origin(None), "a section with `render = false`: Zola does not publish it".into());
    }
    let (file_date, stem) = match dated_name(&page.stem) {
        Some((date, rest)) => (Some(date), rest),
        None => (None, page.stem.clone()),
    };
    let mut taxonomies: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(Value::Map(t)) = fields.take(&["taxonomies"]) {
        for (name, terms) in t.0 {
            let mut one = Map(vec![(name.clone(), terms)]);
            let terms = one.take_list(&[name.as_str()]);
            if !terms.is_empty() {
                taxonomies.insert(name, terms);
            }
        }
    }
    let authors = fields.take_list(&["authors"]);
    if !authors.is_empty() {
        taxonomies.entry("authors".into()).or_default().extend(authors);
    }
    let kind = if page.kind == Kind::Section { DocumentKind::Section } else { DocumentKind::Explainer };
    let slug = fields.take_text(&["slug"]);
    let path_override = fields.take_text(&["path"]);
    let last = (kind == DocumentKind::Explainer).then(|| slug.clone().unwrap_or_else(|| stem.clone()));
    let place = content::place(&page.dirs, last.as_deref());
    // Zola serves a translation under its language's folder (`/fr/blog/x/`), a `path` too
    let folder: Vec<String> = page.language.iter().cloned().collect();
    let old_url = match (&path_override, kind) {
        (Some(p), _) => {
            let parts: Vec<&str> = folder.iter().map(String::as_str).chain([p.trim_matches('/')]).collect();
            Some(format!("/{}/", parts.join("/")))
        }
        (None, DocumentKind::Section) if page.dirs.is_empty() && folder.is_empty() => None,
        (None, DocumentKind::Section) => Some(format!("/{}/", [folder, zola_slugs(&page.dirs)].concat().join("/"))),
        (None, DocumentKind::Explainer) => {
            let mut parts = folder;
            parts.extend(zola_slugs(&page.dirs));
            parts.extend(zola_slugs(std::slice::from_ref(slug.as_ref().unwrap_or(&stem))));
            Some(format!("/{}/", parts.join("/")))
        }
    };
    let mut extra = match fields.take(&["extra"]) {
        Some(Value::Map(m)) => m,
        _ => Map::default(),
    };
    let doc = Document {
        origin: origin(None),
        kind,
        place,
        title: fields.take_text(&["title"]),
        date: fields.take_text(&["date"]).or(file_date),
        updated: fields.take_text(&["updated"]),
        publish_date: None,
        expires: None,
        draft: fields.take_bool(&["draft"]).unwrap_or(false),
        slug,
        summary: fields.take_text(&["description"]),
        image: None,
        aliases: fields.take_list(&["aliases"]),
        old_url,
        taxonomies,
        extra: {
            // Zola's own page settings (weight, template, …) next to the page's `[extra]`
            for (k, v) in fields.0 {
                if extra.get(&k).is_none() {
                    extra.0.push((k, v));
                }
            }
            extra
        },
        body: parsed.body,
        resources: page.resources.clone(),
        language: page.language.clone(),
    };
    Read::Doc(Box::new(doc), parsed.body_line)
}
