//! Actors and topics: one registry each, resolving names, slugs and aliases to one entity per slug.

use crate::diagnostics::{Code, Diagnostic, KeptLines, SourceFile, distinguish};
use crate::frontmatter;
use crate::frontmatter::Located;
use crate::load::ContentFile;
use crate::slug::Slug;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};

/// What the registry needs of a profile file.
pub struct ProfileInput<'a> {
    pub slug: Slug,
    pub name: &'a str,
    pub aliases: &'a [Located<String>],
    pub file: &'a ContentFile,
}

/// One actor or topic before the site is final: from a profile (`profile = Some(index)`) or
/// only named in front matter.
#[derive(Debug, Clone)]
pub struct EntityDraft {
    pub slug: Slug,
    pub name: String,
    /// Index into the profiles given to [`Registry::new`].
    pub profile: Option<usize>,
    /// The name was made from a slug (`north-korea` → "North Korea"); a spelt-out reference replaces it.
    name_is_guess: bool,
}

/// Resolves the names writers use (`Xi`, `Xi Jinping`, `xi-jinping`) to entities.
pub struct Registry {
    /// "actor" or "topic", for messages.
    label: &'static str,
    entities: Vec<EntityDraft>,
    /// Slugified name, slug or alias → entity index.
    keys: HashMap<String, usize>,
    /// Every key in insertion order, for did-you-mean.
    key_list: Vec<String>,
    /// References already resolved, exactly as written → entity index. A site names its few
    /// hundred entities tens of thousands of times: a spelling seen before resolves the same way
    /// again, without making its key.
    spellings: FxHashMap<String, usize>,
    /// The lines of the last file an error of a reference was found in, for the next one.
    lines: KeptLines,
}

/// The key a name is looked up by: its slug, so "Türkiye", "turkiye" and "TURKIYE" are one.
pub fn name_key(name: &str) -> Option<String> {
    Slug::from_text(name).map(|s| s.to_string())
}

/// Where a key of the registry was written, to point at both sides of a clash.
#[derive(Debug, Clone, Copy)]
enum KeyOrigin {
    /// The profile's slug, which comes from its file name.
    Slug,
    /// Its `name` (actors) or `title` (topics).
    Name,
    /// One of its `aliases`, at this byte range of its file.
    Alias { offset: usize, len: usize },
}

impl Registry {
    /// Registers every profile; duplicate slugs and aliases shared by two entities are errors.
    /// Each error of a clash points at both sides: the field of each file, or the file whose
    /// name gives the slug.
    pub fn new(label: &'static str, profiles: &[ProfileInput<'_>], diagnostics: &mut Vec<Diagnostic>) -> Registry {
        let mut registry = Registry {
            label,
            entities: Vec::new(),
            keys: HashMap::new(),
            key_list: Vec::new(),
            spellings: FxHashMap::default(),
            lines: KeptLines::default(),
        };
        // where each key of a profile was written (only profiles are registered here)
        let mut origins: FxHashMap<String, KeyOrigin> = FxHashMap::default();
        registry.register_slugs(profiles, &mut origins, diagnostics);
        // names second and aliases last, so that an alias never shadows another entity's own name
        registry.register_names(profiles, &mut origins, diagnostics);
        registry.register_aliases(profiles, &mut origins, diagnostics);
        registry
    }

    /// An entity per profile, under its slug; a second profile with a slug taken is an error.
    fn register_slugs(
        &mut self,
        profiles: &[ProfileInput<'_>],
        origins: &mut FxHashMap<String, KeyOrigin>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let label = self.label;
        let mut by_slug: BTreeMap<&Slug, usize> = BTreeMap::new();
        for (index, p) in profiles.iter().enumerate() {
            if let Some(&other) = by_slug.get(&p.slug) {
                let other_path = &profiles[other].file.path;
                let (first, second) = distinguish(other_path, &p.file.path);
                diagnostics.push(
                    Diagnostic::error(format!("two {label} profiles have the slug `{}`: {first} and {second}", p.slug))
                        .code(Code::SlugClash)
                        .in_file(&p.file.path)
                        .also_in_file(
                            other_path,
                            format!("the {label} `{}`, whose slug comes from this file's name", p.slug),
                        )
                        .with_help("a profile's slug comes from its file name: rename one of the two files"),
                );
                continue;
            }
            by_slug.insert(&p.slug, index);
            let id = self.entities.len();
            self.entities.push(EntityDraft {
                slug: p.slug.clone(),
                name: p.name.to_string(),
                profile: Some(index),
                name_is_guess: false,
            });
            origins.insert(p.slug.to_string(), KeyOrigin::Slug);
            self.insert_key(p.slug.to_string(), id);
        }
    }

    /// Each profile's name as a key of its entity; a name that is another entity's key is an error.
    fn register_names(
        &mut self,
        profiles: &[ProfileInput<'_>],
        origins: &mut FxHashMap<String, KeyOrigin>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let (label, name_field) = (self.label, name_field(self.label));
        for id in 0..self.entities.len() {
            let p = &profiles[self.entities[id].profile.expect("profiles only so far")];
            if let Some(key) = name_key(p.name) {
                if let Some(&other) = self.keys.get(&key).filter(|&&o| o != id) {
                    let other_slug = &self.entities[other].slug;
                    let what = match origins.get(&key) {
                        Some(KeyOrigin::Name) => "name",
                        _ => "slug",
                    };
                    let d = Diagnostic::error(String::new()).code(Code::NameClash);
                    let d = match field_place(p.file, name_field, p.name) {
                        Some((offset, len)) => d.at(&SourceFile::new(&p.file.path, &p.file.text), offset, len),
                        None => d.in_file(&p.file.path),
                    };
                    let origin = origins.get(&key).copied().unwrap_or(KeyOrigin::Slug);
                    let (mut d, written) = self.other_side(profiles, other, origin, d);
                    d.message = match written.as_deref().filter(|w| *w != p.name) {
                        Some(other_name) => {
                            let (mine, theirs) = distinguish(p.name, other_name);
                            format!(
                                "{label} {name_field} `{mine}` is the same as the {what} `{theirs}` of {label} `{other_slug}`"
                            )
                        }
                        None => {
                            format!("{label} {name_field} `{}` is also the {what} of {label} `{other_slug}`", p.name)
                        }
                    };
                    diagnostics.push(d.with_help(format!(
                        "names are compared as slugs (`{key}`): each {label} needs a {name_field} of its own"
                    )));
                } else {
                    origins.insert(key.clone(), KeyOrigin::Name);
                    self.insert_key(key, id);
                }
            }
        }
    }

    /// Each profile's aliases as keys of its entity; an alias that is another entity's key is an
    /// error.
    fn register_aliases(
        &mut self,
        profiles: &[ProfileInput<'_>],
        origins: &mut FxHashMap<String, KeyOrigin>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let label = self.label;
        for id in 0..self.entities.len() {
            let p = &profiles[self.entities[id].profile.expect("profiles only so far")];
            let source = SourceFile::new(&p.file.path, &p.file.text);
            for alias in p.aliases {
                let Some(key) = name_key(&alias.value) else {
                    diagnostics.push(
                        Diagnostic::error(format!("alias `{}` has no letters or digits", alias.value))
                            .code(Code::FieldValue)
                            .at(&source, alias.offset, alias.len),
                    );
                    continue;
                };
                match self.keys.get(&key) {
                    Some(&other) if other != id => {
                        let other_slug = self.entities[other].slug.clone();
                        let d =
                            Diagnostic::error(String::new()).code(Code::NameClash).at(&source, alias.offset, alias.len);
                        let origin = origins.get(&key).copied().unwrap_or(KeyOrigin::Slug);
                        let (mut d, written) = self.other_side(profiles, other, origin, d);
                        let written = written.filter(|w| w.trim() != alias.value);
                        d.message = match written.as_deref() {
                            Some(theirs) => {
                                let (mine, theirs) = distinguish(&alias.value, theirs.trim());
                                format!(
                                    "alias `{mine}` of {label} `{}` also names {label} `{other_slug}` (written `{theirs}` there)",
                                    p.slug
                                )
                            }
                            None => format!(
                                "alias `{}` of {label} `{}` also names {label} `{other_slug}`",
                                alias.value, p.slug
                            ),
                        };
                        diagnostics
                            .push(d.with_help("an alias must lead to one entity only; remove it from one of the two"));
                    }
                    Some(_) => {}
                    None => {
                        origins.insert(key.clone(), KeyOrigin::Alias { offset: alias.offset, len: alias.len });
                        self.insert_key(key, id);
                    }
                }
            }
        }
    }

    /// Adds the other side of a clash to `diagnostic`: where entity `other` wrote the key
    /// (`origin`) as a second place. Returns it with the spelling written there (`None` for a
    /// slug, which comes from a file name).
    fn other_side(
        &self,
        profiles: &[ProfileInput<'_>],
        other: usize,
        origin: KeyOrigin,
        diagnostic: Diagnostic,
    ) -> (Diagnostic, Option<String>) {
        let (label, name_field) = (self.label, name_field(self.label));
        let entity = &self.entities[other];
        let Some(file) = entity.profile.map(|i| profiles[i].file) else {
            return (diagnostic, None);
        };
        let slug = &entity.slug;
        let source = SourceFile::new(&file.path, &file.text);
        match origin {
            KeyOrigin::Slug => {
                let label = format!("the slug of {label} `{slug}` comes from this file's name");
                (diagnostic.also_in_file(&file.path, label), None)
            }
            KeyOrigin::Name => {
                let name = entity.name.as_str();
                let label = format!("the {name_field} of {label} `{slug}`");
                let d = match field_place(file, name_field, name) {
                    Some((offset, len)) => diagnostic.also_at(&source, offset, len, label),
                    None => diagnostic.also_in_file(&file.path, label),
                };
                (d, Some(name.to_string()))
            }
            KeyOrigin::Alias { offset, len } => {
                let written = file.text.get(offset..offset + len).map(str::to_string);
                (diagnostic.also_at(&source, offset, len, format!("an alias of {label} `{slug}`")), written)
            }
        }
    }

    fn insert_key(&mut self, key: String, id: usize) {
        self.key_list.push(key.clone());
        self.keys.insert(key, id);
    }

    /// The entity a name, slug or alias refers to.
    #[cfg(test)]
    pub fn lookup(&self, name: &str) -> Option<usize> {
        name_key(name).and_then(|k| self.keys.get(&k).copied())
    }

    /// Resolves a front matter reference; an unknown name becomes a new entity unless it looks
    /// like a typo of a known one, which is an error with a suggestion.
    pub fn resolve_or_add(&mut self, reference: &Located<String>, file: &ContentFile) -> Result<usize, Diagnostic> {
        // the same spelling again: the same entity, and its name was already taken into account
        // (a reference can only change an entity's name the first time it is seen)
        if let Some(&id) = self.spellings.get(reference.value.as_str()) {
            return Ok(id);
        }
        let id = self.resolve_by_key(reference, file)?;
        self.spellings.insert(reference.value.clone(), id);
        Ok(id)
    }

    fn resolve_by_key(&mut self, reference: &Located<String>, file: &ContentFile) -> Result<usize, Diagnostic> {
        let Some(key) = name_key(&reference.value) else {
            let place = self.lines.locate(&file.path, &file.text, reference.offset, reference.len);
            return Err(Diagnostic::error(format!("{} `{}` has no letters or digits", self.label, reference.value))
                .code(Code::UnknownEntity)
                .placed(place));
        };
        if let Some(&id) = self.keys.get(&key) {
            // an entity without a profile takes its display name from the first reference that
            // is written as a name rather than as a slug ("Taiwan" over "taiwan")
            let entity = &mut self.entities[id];
            if entity.name_is_guess && !is_slug_form(&reference.value) {
                entity.name = reference.value.clone();
                entity.name_is_guess = false;
            }
            return Ok(id);
        }
        if let Some(near) = self.near_miss(&key) {
            let place = self.lines.locate(&file.path, &file.text, reference.offset, reference.len);
            let slug = self.entities[near].slug.to_string();
            return Err(Diagnostic::error(format!("unknown {} `{}`", self.label, reference.value))
                .code(Code::UnknownEntity)
                .placed(place)
                .with_suggestion(Some(&slug)));
        }
        let id = self.entities.len();
        let slug = Slug::from_text(&reference.value).expect("key exists, so the slug does");
        let name_is_guess = is_slug_form(&reference.value);
        let name = if name_is_guess { humanize(&reference.value) } else { reference.value.clone() };
        self.entities.push(EntityDraft { slug, name, profile: None, name_is_guess });
        self.insert_key(key, id);
        Ok(id)
    }

    /// A known entity whose key is one or two edits away: likely what the writer meant.
    fn near_miss(&self, key: &str) -> Option<usize> {
        let len = key.chars().count();
        self.key_list
            .iter()
            .filter(|k| k.len().abs_diff(key.len()) <= 2)
            .filter_map(|k| {
                let distance = strsim::osa_distance(key, k);
                let shorter = len.min(k.chars().count());
                let close = (distance == 1 && shorter >= 5) || (distance == 2 && shorter >= 14);
                let digits_differ = k.chars().filter(char::is_ascii_digit).ne(key.chars().filter(char::is_ascii_digit));
                (close && !digits_differ).then_some((distance, k))
            })
            .min()
            .map(|(_, k)| self.keys[k])
    }

    pub fn into_entities(self) -> Vec<EntityDraft> {
        self.entities
    }
}

/// The front matter field that holds a profile's name: `title` for topics, `name` for actors.
fn name_field(label: &str) -> &'static str {
    if label == "topic" { "title" } else { "name" }
}

/// Where the value of the top-level front matter field `field` is written in `file` (the key
/// when the value cannot be found as written, say with escapes in quotes). Only called for an
/// error: the front matter is looked through again, which a profile's few lines make cheap.
fn field_place(file: &ContentFile, field: &str, value: &str) -> Option<(usize, usize)> {
    let source = SourceFile::new(&file.path, &file.text);
    let (yaml, yaml_start) = frontmatter::split(&source).ok()?.yaml?;
    let mut line_start = yaml_start;
    for line in yaml.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(field).and_then(|rest| rest.strip_prefix(':')) {
            let value_start = line_start + field.len() + 1;
            return Some(match rest.find(value).filter(|_| !value.is_empty()) {
                Some(at) => (value_start + at, value.len()),
                None => (line_start, field.len()),
            });
        }
        line_start += line.len();
    }
    None
}

/// `north-korea`: written like a slug rather than a name.
fn is_slug_form(text: &str) -> bool {
    Slug::parse_exact(text).is_some()
}

/// A readable name from a slug, until a reference spells it out: `north-korea` → "North Korea".
fn humanize(slug: &str) -> String {
    slug.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> ContentFile {
        ContentFile { path: format!("content/{path}"), rel: path.into(), text: text.into(), control_character: None }
    }

    fn located(text: &str, value: &str) -> Located<String> {
        let offset = text.find(value).unwrap();
        Located { value: value.into(), offset, len: value.len() }
    }

    #[test]
    fn resolves_names_slugs_and_aliases_and_adds_unknown_names() {
        let xi = file("actors/xi-jinping.md", "---\nname: Xi Jinping\naliases: [Xi, President Xi]\n---\n");
        let aliases = vec![located(&xi.text, "Xi"), located(&xi.text, "President Xi")];
        let profiles = [ProfileInput {
            slug: Slug::from_text("xi-jinping").unwrap(),
            name: "Xi Jinping",
            aliases: &aliases,
            file: &xi,
        }];
        let mut diags = Vec::new();
        let mut reg = Registry::new("actor", &profiles, &mut diags);
        assert!(diags.is_empty());
        let art = file("articles/a.md", "actors: [Xi, xi-jinping, Yoon Suk Yeol, Xi Jingping]");
        for name in ["Xi", "xi-jinping", "President Xi"] {
            assert_eq!(reg.lookup(name), Some(0), "{name}");
        }
        assert_eq!(reg.resolve_or_add(&located(&art.text, "Yoon Suk Yeol"), &art).unwrap(), 1);
        let err = reg.resolve_or_add(&located(&art.text, "Xi Jingping"), &art).unwrap_err();
        assert_eq!(err.help.as_deref(), Some("did you mean `xi-jinping`?"));
        let entities = reg.into_entities();
        assert_eq!(entities[1].slug.as_str(), "yoon-suk-yeol");
        assert_eq!(entities[1].profile, None);
    }

    #[test]
    fn names_written_as_slugs_read_well() {
        let mut diags = Vec::new();
        let mut reg = Registry::new("topic", &[], &mut diags);
        let a = file("articles/a.md", "topics: [north-korea]");
        let b = file("articles/b.md", "topics: [North  Korea]");
        let id = reg.resolve_or_add(&located(&a.text, "north-korea"), &a).unwrap();
        assert_eq!(reg.entities[id].name, "North Korea", "humanized until spelt out");
        assert_eq!(reg.resolve_or_add(&located(&b.text, "North  Korea"), &b).unwrap(), id);
        assert_eq!(reg.entities[id].name, "North  Korea", "the first spelling as a name wins");
    }

    #[test]
    fn a_spelling_seen_before_resolves_as_it_did_and_errors_are_reported_each_time() {
        let mut diags = Vec::new();
        let mut reg = Registry::new("topic", &[], &mut diags);
        let a = file("articles/a.md", "topics: [north-korea, North Korea, Korea Peninsula, ???]");
        let b = file("articles/b.md", "topics: [north-korea, North Korea, Korea Peninsulas, ???]");
        let id = reg.resolve_or_add(&located(&a.text, "north-korea"), &a).unwrap();
        assert_eq!(reg.resolve_or_add(&located(&a.text, "North Korea"), &a).unwrap(), id);
        // the slug form again neither makes a new entity nor takes back the spelt-out name
        assert_eq!(reg.resolve_or_add(&located(&b.text, "north-korea"), &b).unwrap(), id);
        assert_eq!(reg.resolve_or_add(&located(&b.text, "North Korea"), &b).unwrap(), id);
        assert_eq!(reg.entities[id].name, "North Korea");
        let peninsula = reg.resolve_or_add(&located(&a.text, "Korea Peninsula"), &a).unwrap();
        assert_ne!(peninsula, id);
        // a typo is an error every time it is met, and a name without letters at every
        // reference, in the file that has it
        for _ in 0..2 {
            let typo = reg.resolve_or_add(&located(&b.text, "Korea Peninsulas"), &b).unwrap_err();
            assert_eq!(typo.help.as_deref(), Some("did you mean `korea-peninsula`?"));
        }
        for art in [&a, &b] {
            let empty = reg.resolve_or_add(&located(&art.text, "???"), art).unwrap_err();
            assert!(empty.to_string().contains(&art.path), "{empty}");
        }
        assert_eq!(reg.into_entities().len(), 2);
    }

    #[test]
    fn different_words_are_not_typos() {
        let mut diags = Vec::new();
        let mut reg = Registry::new("topic", &[], &mut diags);
        let art = file("articles/a.md", "topics: [North Korea, South Korea, G7, G8]");
        for t in ["North Korea", "South Korea", "G7", "G8"] {
            assert!(reg.resolve_or_add(&located(&art.text, t), &art).is_ok(), "{t}");
        }
    }

    #[test]
    fn shared_aliases_are_errors() {
        let a = file("actors/a.md", "aliases: [Kim]");
        let b = file("actors/b.md", "aliases: [Kim]");
        let (aa, ba) = (vec![located(&a.text, "Kim")], vec![located(&b.text, "Kim")]);
        let profiles = [
            ProfileInput { slug: Slug::from_text("kim-jong-un").unwrap(), name: "Kim Jong Un", aliases: &aa, file: &a },
            ProfileInput { slug: Slug::from_text("kim-yo-jong").unwrap(), name: "Kim Yo Jong", aliases: &ba, file: &b },
        ];
        let mut diags = Vec::new();
        Registry::new("actor", &profiles, &mut diags);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("alias `Kim`"), "{}", diags[0]);
        // both sides, each at its alias
        let place = |l: &crate::diagnostics::Location| (l.path.clone(), l.line, l.column);
        assert_eq!(diags[0].location.as_ref().map(place), Some(("content/actors/b.md".into(), 1, 11)));
        assert_eq!(place(&diags[0].related[0].location), ("content/actors/a.md".into(), 1, 11));
    }

    #[test]
    fn a_name_that_is_another_slug_or_name_points_at_both_sides() {
        let taiwan = file("actors/taiwan.md", "---\nname: Taiwan (ROC)\n---\n");
        let roc = file("actors/roc.md", "---\nkind: organization\nname: \"Taiwan\"\n---\n");
        let xi = file("actors/xi.md", "---\nname: Xi Jinping\n---\n");
        let xi2 = file("actors/xi-jinping.md", "---\nname:   Xi Jinping\n---\n");
        let profile = |slug: &str, name: &'static str, file| ProfileInput {
            slug: Slug::from_text(slug).unwrap(),
            name,
            aliases: &[],
            file,
        };
        let profiles = [
            profile("taiwan", "Taiwan (ROC)", &taiwan),
            profile("roc", "Taiwan", &roc),
            profile("xi-jinping", "Xi Jinping", &xi2),
            profile("xi", "Xi Jinping", &xi),
        ];
        let mut diags = Vec::new();
        Registry::new("actor", &profiles, &mut diags);
        assert_eq!(diags.len(), 2, "{diags:?}");
        let line_col = |l: &crate::diagnostics::Location| (l.path.clone(), l.line, l.column);
        assert_eq!(diags[0].message, "actor name `Taiwan` is also the slug of actor `taiwan`");
        assert_eq!(diags[0].location.as_ref().map(line_col), Some(("content/actors/roc.md".into(), 3, 8)));
        assert_eq!(diags[0].related[0].location.path, "content/actors/taiwan.md");
        assert!(diags[0].related[0].excerpt.is_none(), "a slug comes from the file name");
        assert_eq!(diags[1].message, "actor name `Xi Jinping` is also the name of actor `xi-jinping`");
        assert_eq!(diags[1].location.as_ref().map(line_col), Some(("content/actors/xi.md".into(), 2, 7)));
        assert_eq!(line_col(&diags[1].related[0].location), ("content/actors/xi-jinping.md".into(), 2, 9));
    }
}
