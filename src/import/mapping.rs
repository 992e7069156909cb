//! `import.toml` and the taxonomy mapping: which source taxonomy becomes topics, actors,
//! authors or nothing, which terms are renamed or merged, and how the clashes dossier would refuse (one term
//! both a topic and an actor, two spellings with one slug) are settled, each in a report line.

use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::import::archive::{Archive, TermProfile};
use crate::slug::Slug;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What a taxonomy becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Topics,
    Actors,
    /// Actors of kind person named in `authors:` (who wrote the piece), not in `actors:` (whom
    /// it is about): the editorial lint expects an actor listed in `actors:` to be named in the
    /// text, which an archive's author seldom is.
    Authors,
    /// Not imported (the terms are dropped; the report says how many).
    None,
}

/// `import.toml`, as docs/import.md describes it.
#[derive(Debug, Clone, Default)]
pub struct ImportMap {
    /// Taxonomy name in the source → what it becomes.
    pub taxonomies: BTreeMap<String, Target>,
    /// Taxonomy name → term as written → the name it gets (several terms given one name merge).
    pub terms: BTreeMap<String, BTreeMap<String, String>>,
}

/// Taxonomies that name people, and so become actors unless `import.toml` says otherwise.
const PEOPLE_TAXONOMIES: &[&str] = &["actors", "actor", "people", "persons", "speakers"];
/// Taxonomies that name who wrote a piece, and so become authors unless `import.toml` says
/// otherwise.
const AUTHOR_TAXONOMIES: &[&str] = &["authors", "author", "writers", "writer", "contributors"];

impl ImportMap {
    /// Reads `import.toml`; every problem is a diagnostic at its line and column.
    pub fn load(path: &Path) -> Result<ImportMap, Vec<Diagnostic>> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![Diagnostic::error(format!("cannot read the import map: {e}")).code(Code::ImportMap).in_file(&shown)]
        })?;
        ImportMap::parse(&shown, &text)
    }

    /// Reads the text of an `import.toml`: a TOML syntax error, or every key and value that is
    /// not one of its own, each at its line and column.
    pub fn parse(path: &str, text: &str) -> Result<ImportMap, Vec<Diagnostic>> {
        use toml::Spanned;
        type Tables = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>;
        let source = SourceFile::new(path, text);
        let error = |message: String, span: Option<std::ops::Range<usize>>| {
            let d = Diagnostic::error(format!("import map: {message}")).code(Code::ImportMap);
            let d = match span {
                Some(span) => d.at(&source, span.start.min(text.len()), span.len().max(1)),
                None => d.in_file(path),
            };
            d.with_help("see docs/import.md: `[taxonomies]` says `name = \"topics\" | \"actors\" | \"none\"`, `[terms.<taxonomy>]` says `\"old\" = \"new\"`")
        };
        let tables: Tables = toml::from_str(text).map_err(|e| vec![error(e.message().trim().to_string(), e.span())])?;
        let mut map = ImportMap::default();
        let mut problems = Vec::new();
        for (table, entries) in tables {
            match table.get_ref().as_str() {
                "taxonomies" => {
                    for (name, value) in entries {
                        let target = match value.get_ref().as_str() {
                            Some("topics") => Target::Topics,
                            Some("actors") => Target::Actors,
                            Some("authors") => Target::Authors,
                            Some("none") => Target::None,
                            _ => {
                                let message = format!(
                                    "`{}` must be \"topics\", \"actors\", \"authors\" or \"none\"",
                                    name.get_ref()
                                );
                                problems.push(error(message, Some(value.span())));
                                continue;
                            }
                        };
                        map.taxonomies.insert(name.into_inner(), target);
                    }
                }
                "terms" => {
                    for (taxonomy, value) in entries {
                        let span = value.span();
                        let toml::Value::Table(renames) = value.into_inner() else {
                            let message =
                                format!("`terms.{}` must be a table of `\"old\" = \"new\"` lines", taxonomy.get_ref());
                            problems.push(error(message, Some(span)));
                            continue;
                        };
                        let mut out = BTreeMap::new();
                        for (from, to) in renames {
                            match to {
                                toml::Value::String(to) => {
                                    out.insert(from, to);
                                }
                                _ => problems.push(error(
                                    format!("the new name of `{from}` in `terms.{}` must be text", taxonomy.get_ref()),
                                    Some(span.clone()),
                                )),
                            }
                        }
                        map.terms.insert(taxonomy.into_inner(), out);
                    }
                }
                other => problems.push(error(
                    format!("unknown table `[{other}]`, expected `[taxonomies]` or `[terms.<taxonomy>]`"),
                    Some(table.span()),
                )),
            }
        }
        problems.sort_by(|a, b| a.location.cmp(&b.location));
        if problems.is_empty() { Ok(map) } else { Err(problems) }
    }

    /// What `taxonomy` becomes: as `import.toml` says, or authors for taxonomies of writers,
    /// actors for other taxonomies of people and topics for every other.
    pub fn target(&self, taxonomy: &str) -> Target {
        if let Some(&t) = self.taxonomies.get(taxonomy) {
            return t;
        }
        let lower = taxonomy.to_ascii_lowercase();
        if AUTHOR_TAXONOMIES.contains(&lower.as_str()) {
            Target::Authors
        } else if PEOPLE_TAXONOMIES.contains(&lower.as_str()) {
            Target::Actors
        } else {
            Target::Topics
        }
    }

    /// The name a term gets (renamed by `[terms.<taxonomy>]`, or as written, trimmed).
    fn rename<'a>(&'a self, taxonomy: &str, term: &'a str) -> &'a str {
        let term = term.trim();
        self.terms.get(taxonomy).and_then(|t| t.get(term)).map_or(term, |s| s.trim())
    }
}

/// A topic or actor profile to write.
#[derive(Debug, Clone)]
pub struct Profile {
    pub target: Target,
    pub slug: String,
    /// The name explainers use for it.
    pub name: String,
    pub source: TermProfile,
}

/// The archive's taxonomies in dossier's terms.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    /// Topics and actors of each document (by index in `Archive::documents`), as names.
    pub topics: Vec<Vec<String>>,
    pub actors: Vec<Vec<String>>,
    /// The authors of each document: actors too, written with `kind: person`.
    pub authors: Vec<Vec<String>>,
    /// The slugs of the actors some document names as an author.
    pub author_slugs: BTreeSet<String>,
    /// Every topic and actor named, by slug → name (for the counts).
    pub all_topics: BTreeMap<String, String>,
    pub all_actors: BTreeMap<String, String>,
    pub profiles: Vec<Profile>,
    /// Merges, clashes settled, dropped terms: one sentence each, for MIGRATION.md.
    pub notes: Vec<String>,
    /// The address each term's page had in a Hugo or Zola site (`/tags/trade/`) → the address of
    /// the topic or actor it became (`/topics/trade/`).
    pub term_urls: BTreeMap<String, String>,
}

/// The terms of one kind seen so far: slug → the name first written, and every other spelling.
#[derive(Default)]
struct Terms {
    names: BTreeMap<String, String>,
    spellings: BTreeMap<String, BTreeSet<String>>,
}

impl Terms {
    fn add(&mut self, slug: &str, name: &str) -> String {
        let first = self.names.entry(slug.to_string()).or_insert_with(|| name.to_string()).clone();
        if first != name {
            self.spellings.entry(slug.to_string()).or_default().insert(name.to_string());
        }
        first
    }
}

/// Applies `map` to the archive's taxonomies.
pub fn apply(archive: &Archive, map: &ImportMap) -> Mapped {
    let mut out = Mapped::default();
    let (mut topics, mut actors) = (Terms::default(), Terms::default());
    let mut dropped: BTreeMap<String, usize> = BTreeMap::new();
    let mut no_slug: BTreeSet<String> = BTreeSet::new();
    let mut renamed: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut term_pages: BTreeMap<String, (Target, String)> = BTreeMap::new();
    // per document: (target, slug, name)
    let mut per_doc: Vec<Vec<(Target, String, String)>> = Vec::with_capacity(archive.documents.len());
    for doc in &archive.documents {
        let mut terms = Vec::new();
        for (taxonomy, values) in &doc.taxonomies {
            let target = map.target(taxonomy);
            for value in values {
                let name = map.rename(taxonomy, value);
                if name != value.trim() {
                    renamed.insert((taxonomy.clone(), value.trim().to_string(), name.to_string()));
                }
                if target == Target::None || name.is_empty() {
                    *dropped.entry(taxonomy.clone()).or_default() += 1;
                    continue;
                }
                let Some(slug) = Slug::from_text(name) else {
                    no_slug.insert(format!("`{name}` ({taxonomy})"));
                    continue;
                };
                let slug = slug.to_string();
                if let Some(old) = Slug::from_text(value) {
                    term_pages.insert(format!("/{}/{old}/", taxonomy.to_lowercase()), (target, slug.clone()));
                }
                let name = if target == Target::Topics { topics.add(&slug, name) } else { actors.add(&slug, name) };
                terms.push((target, slug, name));
            }
        }
        per_doc.push(terms);
    }
    // a term both a topic and an actor stays an actor (a name of someone or something that acts)
    let both: BTreeSet<String> = topics.names.keys().filter(|s| actors.names.contains_key(*s)).cloned().collect();
    for slug in &both {
        out.notes
            .push(format!("`{}` was both a topic and an actor: kept as the actor `{slug}` only", topics.names[slug]));
        topics.names.remove(slug);
    }
    for (kind, terms) in [("topic", &topics), ("actor", &actors)] {
        for (slug, others) in &terms.spellings {
            let others: Vec<String> = others.iter().map(|o| format!("`{o}`")).collect();
            out.notes.push(format!(
                "{} were merged into the {kind} `{}` (one slug, `{slug}`)",
                others.join(", "),
                terms.names[slug]
            ));
        }
    }
    for (taxonomy, from, to) in &renamed {
        out.notes.push(format!("`{from}` of `{taxonomy}` was renamed `{to}` (import.toml)"));
    }
    for (taxonomy, n) in &dropped {
        out.notes.push(format!("{n} term(s) of the taxonomy `{taxonomy}` were not imported (import.toml says `none`)"));
    }
    for term in &no_slug {
        out.notes.push(format!("the term {term} has no letters or digits to make an address from: dropped"));
    }
    for terms in per_doc {
        let (mut t, mut a, mut w) = (Vec::new(), Vec::new(), Vec::new());
        let (mut seen_t, mut seen_a, mut seen_w) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for (target, slug, name) in terms {
            if target == Target::Topics && !both.contains(&slug) {
                if seen_t.insert(slug) {
                    t.push(name);
                }
            } else if target == Target::Authors {
                out.author_slugs.insert(slug.clone());
                if seen_w.insert(slug) {
                    w.push(name);
                }
            } else if seen_a.insert(slug) {
                a.push(name);
            }
        }
        out.topics.push(t);
        out.actors.push(a);
        out.authors.push(w);
    }
    for (old, (target, slug)) in term_pages {
        let folder = if target == Target::Topics && !both.contains(&slug) { "topics" } else { "actors" };
        out.term_urls.insert(old, format!("/{folder}/{slug}/"));
    }
    out.all_topics = topics.names;
    out.all_actors = actors.names;
    out.profiles = profiles(archive, map, &out);
    let mut notes = std::mem::take(&mut out.notes);
    profile_notes(archive, &out, map, &mut notes);
    out.notes = notes;
    out
}

/// The profiles of terms that explainers name, at most one per kind and slug.
fn profiles(archive: &Archive, map: &ImportMap, mapped: &Mapped) -> Vec<Profile> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for p in &archive.term_profiles {
        let Some((target, slug, name)) = profile_place(p, map, mapped) else { continue };
        if seen.insert((target, slug.clone())) {
            out.push(Profile { target, slug, name, source: p.clone() });
        }
    }
    out
}

/// Where a term page goes: the kind and slug of the term it describes, if any explainer names it.
fn profile_place(p: &TermProfile, map: &ImportMap, mapped: &Mapped) -> Option<(Target, String, String)> {
    let target = map.target(&p.taxonomy);
    let slug = Slug::from_text(map.rename(&p.taxonomy, &p.term))?.to_string();
    match target {
        Target::None => None,
        // a topic's term that became an actor (both) has its profile as the actor's
        _ if mapped.all_actors.contains_key(&slug) => {
            Some((Target::Actors, slug.clone(), mapped.all_actors[&slug].clone()))
        }
        Target::Topics if mapped.all_topics.contains_key(&slug) => {
            Some((Target::Topics, slug.clone(), mapped.all_topics[&slug].clone()))
        }
        _ => None,
    }
}

/// Report lines for term pages not written: their term is named by no explainer, or another
/// page of the same term came first.
fn profile_notes(archive: &Archive, mapped: &Mapped, map: &ImportMap, notes: &mut Vec<String>) {
    let written: BTreeSet<&str> = mapped.profiles.iter().map(|p| p.source.origin.path.as_str()).collect();
    for p in &archive.term_profiles {
        if written.contains(p.origin.path.as_str()) {
            continue;
        }
        let why = match profile_place(p, map, mapped) {
            None if map.target(&p.taxonomy) == Target::None => "its taxonomy is not imported",
            None => "no page names its term",
            Some(_) => "another page of the same term came first",
        };
        notes.push(format!("the term page `{}` was not imported: {why}", p.origin.path));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::archive::{Document, DocumentKind, Origin, Report, Settings, SourceKind};

    fn doc(taxonomies: &[(&str, &[&str])]) -> Document {
        Document {
            origin: Origin { path: "x.md".into(), line: None },
            kind: DocumentKind::Explainer,
            place: vec!["x".into()],
            title: None,
            date: None,
            updated: None,
            publish_date: None,
            expires: None,
            draft: false,
            slug: None,
            summary: None,
            image: None,
            aliases: vec![],
            old_url: None,
            taxonomies: taxonomies
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect(),
            extra: Default::default(),
            body: String::new(),
            resources: vec![],
            language: None,
        }
    }

    fn archive(documents: Vec<Document>) -> Archive {
        Archive {
            source: SourceKind::Hugo,
            settings: Settings::default(),
            documents,
            term_profiles: vec![],
            static_files: vec![],
            report: Report::default(),
        }
    }

    #[test]
    fn defaults_renames_merges_and_clashes() {
        let a = archive(vec![
            doc(&[("tags", &["Trade", "trade", "Xi Jinping"]), ("authors", &["Xi Jinping", "Jane Doe"])]),
            doc(&[("categories", &["Chips"]), ("series", &["Chip war"])]),
        ]);
        let map = ImportMap::parse(
            "import.toml",
            "[taxonomies]\nseries = \"none\"\n[terms.categories]\nChips = \"Semiconductors\"\n",
        )
        .unwrap();
        let m = apply(&a, &map);
        assert_eq!(m.topics, [vec!["Trade".to_string()], vec!["Semiconductors".to_string()]]);
        // authors are written under `authors:`; a tag that names one of them stays an actor
        assert_eq!(m.actors[0], ["Xi Jinping"]);
        assert_eq!(m.authors[0], ["Xi Jinping", "Jane Doe"]);
        assert_eq!(m.author_slugs.iter().collect::<Vec<_>>(), ["jane-doe", "xi-jinping"]);
        let notes = m.notes.join("\n");
        assert!(notes.contains("`Xi Jinping` was both a topic and an actor"), "{notes}");
        assert!(notes.contains("`trade` were merged into the topic `Trade`"), "{notes}");
        assert!(notes.contains("1 term(s) of the taxonomy `series`"), "{notes}");
    }

    #[test]
    fn map_errors_are_located() {
        let text = "[taxonomies]\ntags = \"people\"\nseries = 3\n[sections]\nposts = \"x\"\n";
        let problems = ImportMap::parse("import.toml", text).unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|d| d.location.as_ref().map_or(0, |l| l.line)).collect();
        assert_eq!(lines, [2, 3, 4], "{problems:#?}");
        assert!(problems.iter().all(|d| d.code == Code::ImportMap));
        assert!(ImportMap::parse("m", "[taxonomies\n").is_err());
    }
}
