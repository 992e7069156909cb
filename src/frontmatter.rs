//! Front matter: splits `---` YAML from the Markdown body and reads it into typed, located fields.

use crate::date::Date;
use crate::diagnostics::{Code, Diagnostic, SourceFile, closest};
use crate::slug::Slug;
use crate::yaml::{self, YamlValue};
use serde::{Deserialize, Serialize};

/// A value with the byte range it was written at in its file, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located<T> {
    pub value: T,
    pub offset: usize,
    pub len: usize,
}

/// A file cut into its front matter and its body. Offsets are bytes into the whole file.
#[derive(Debug, Clone, Copy)]
pub struct Split<'s> {
    /// The YAML between the `---` lines, and where it starts; `None` when the file has no front matter.
    pub yaml: Option<(&'s str, usize)>,
    pub body: &'s str,
    pub body_offset: usize,
}

/// Separates front matter from body. A UTF-8 byte order mark and CRLF line endings are accepted.
pub fn split<'s>(source: &SourceFile<'s>) -> Result<Split<'s>, Diagnostic> {
    let text = source.text;
    let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let first_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i + 1);
    if text[start..first_line_end].trim_end() != "---" {
        return Ok(Split { yaml: None, body: &text[start..], body_offset: start });
    }
    let yaml_start = first_line_end;
    let mut line_start = yaml_start;
    while line_start < text.len() {
        let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i + 1);
        let line = text[line_start..line_end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Split {
                yaml: Some((&text[yaml_start..line_start], yaml_start)),
                body: &text[line_end..],
                body_offset: line_end,
            });
        }
        line_start = line_end;
    }
    Err(Diagnostic::error("front matter is not closed: add a line `---` after the last field")
        .code(Code::FrontMatter)
        .at(source, start, 3)
        .with_help("front matter starts and ends with a line of three dashes"))
}

/// Finds where top-level keys and list items are written in a front matter block, for locations
/// that serde_yaml does not give once a document has parsed.
struct KeyLocator<'s> {
    text: &'s str,
    /// (key, offset of the key, offset where its block ends)
    keys: Vec<(&'s str, usize, usize)>,
    yaml_start: usize,
}

impl<'s> KeyLocator<'s> {
    fn new(text: &'s str, yaml: &'s str, yaml_start: usize) -> Self {
        let mut keys: Vec<(&str, usize, usize)> = Vec::new();
        let mut offset = yaml_start;
        for line in yaml.split_inclusive('\n') {
            let first = line.chars().next().unwrap_or(' ');
            if !first.is_whitespace()
                && first != '#'
                && first != '-'
                && let Some(colon) = line.find(':')
            {
                let key = line[..colon].trim().trim_matches(|c| c == '"' || c == '\'');
                if let Some(last) = keys.last_mut() {
                    last.2 = offset;
                }
                keys.push((key, offset, yaml_start + yaml.len()));
            }
            offset += line.len();
        }
        KeyLocator { text, keys, yaml_start }
    }

    fn block(&self, key: &str) -> Option<(usize, usize)> {
        self.keys.iter().find(|(k, _, _)| *k == key).map(|&(_, start, end)| (start, end))
    }

    /// The key itself.
    fn key(&self, key: &str) -> (usize, usize) {
        self.block(key).map_or((self.yaml_start, 0), |(start, _)| (start, key.len()))
    }

    /// The value after `key:` on the key's line (or the key when the value is on later lines).
    fn value(&self, key: &str) -> (usize, usize) {
        let Some((start, _)) = self.block(key) else {
            return (self.yaml_start, 0);
        };
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        let line = &self.text[start..line_end];
        let after_colon = line.find(':').map_or(0, |c| c + 1);
        let value = line[after_colon..].trim_end_matches('\r');
        let lead = value.len() - value.trim_start().len();
        if value.trim().is_empty() { (start, key.len()) } else { (start + after_colon + lead, value.trim().len()) }
    }

    /// The first occurrence of `needle` in the block of `key` at or after `from`.
    fn find_in(&self, key: &str, needle: &str, from: usize) -> Option<(usize, usize)> {
        let (start, end) = self.block(key)?;
        let from = from.max(start);
        if needle.is_empty() || from >= end {
            return None;
        }
        self.text[from..end].find(needle).map(|i| (from + i, needle.len()))
    }
}

/// Deserializes any YAML scalar as text, so that `title: 1984` is the title "1984".
#[derive(Debug, Clone)]
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads the fields of one front matter block, collecting every problem as a located diagnostic.
pub struct FieldReader<'a, 's> {
    source: &'a SourceFile<'s>,
    locator: KeyLocator<'s>,
    start: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The fields whose value was reported wrong: not reported again as missing.
    wrong: Vec<String>,
}

impl<'a, 's> FieldReader<'a, 's> {
    /// Parses the YAML of `split`; a syntax error is returned as the only diagnostic.
    pub fn parse(
        source: &'a SourceFile<'s>,
        split: &Split<'s>,
    ) -> Result<(Self, Vec<(String, YamlValue)>), Diagnostic> {
        let (yaml, yaml_start) = split.yaml.unwrap_or(("", split.body_offset));
        let fields = yaml::parse_mapping(yaml).map_err(|e| {
            let line_offset = yaml.split_inclusive('\n').take(e.line.saturating_sub(1)).map(str::len).sum::<usize>();
            let line = &yaml[line_offset.min(yaml.len())..];
            let column_offset = line.char_indices().nth(e.column.saturating_sub(1)).map_or(line.len(), |(i, _)| i);
            Diagnostic::error(format!("front matter is not valid YAML: {}", e.message)).code(Code::Yaml).at(
                source,
                yaml_start + line_offset + column_offset,
                1,
            )
        })?;
        let start = if source.text.starts_with('\u{feff}') { 3 } else { 0 };
        let reader = FieldReader {
            source,
            locator: KeyLocator::new(source.text, yaml, yaml_start),
            start,
            diagnostics: Vec::new(),
            wrong: Vec::new(),
        };
        Ok((reader, fields))
    }

    fn error_at(&mut self, (offset, len): (usize, usize), code: Code, message: String) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::error(message).code(code).at(self.source, offset, len));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// An error on the value of `key`, pointing at the token the message quotes when it can be found.
    fn value_error(&mut self, key: &str, message: String) {
        let quoted = message.split('`').nth(1).filter(|q| !q.is_empty() && q.len() < 80);
        let at = quoted.and_then(|q| self.locator.find_in(key, q, 0)).unwrap_or_else(|| self.locator.value(key));
        self.wrong.push(key.to_string());
        self.error_at(at, Code::FieldValue, format!("`{key}`: {message}"));
    }

    pub fn unknown_field(&mut self, key: &str, known: &[&str]) {
        let at = self.locator.key(key);
        let suggestion = closest(key, known.iter().copied());
        let help = match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the fields are: {}", known.join(", ")),
        };
        self.error_at(at, Code::UnknownField, format!("unknown field `{key}`")).help = Some(help);
    }

    /// A required field that is absent; one whose value was reported wrong is not absent.
    pub fn missing(&mut self, key: &str, example: &str) {
        if self.wrong.iter().any(|k| k == key) {
            return;
        }
        self.error_at((self.start, 3), Code::MissingField, format!("missing `{key}` in front matter")).help =
            Some(format!("add a line such as `{key}: {example}`"));
    }

    pub fn text(&mut self, key: &str, value: YamlValue) -> Option<String> {
        match value.deserialize::<Option<Scalar>>() {
            Ok(Some(Scalar(s))) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Ok(_) => {
                self.value_error(key, "is empty".to_string());
                None
            }
            Err(_) => {
                let kind = value_kind_hint(key);
                self.value_error(key, format!("expected {kind}"));
                None
            }
        }
    }

    /// `extra:`, a free-form mapping for templates; anything else is an error at the field.
    pub fn extra(&mut self, key: &str, value: YamlValue) -> crate::extra::Extra {
        match value.into_extra() {
            Ok(extra) => extra,
            Err(message) => {
                self.value_error(key, message);
                if let Some(d) = self.diagnostics.last_mut() {
                    d.help = Some(format!(
                        "`{key}` holds fields of your own for templates, one `name: value` per line below it"
                    ));
                }
                crate::extra::Extra::default()
            }
        }
    }

    pub fn located_text(&mut self, key: &str, value: YamlValue) -> Option<Located<String>> {
        let text = self.text(key, value)?;
        let (offset, len) = self.locator.find_in(key, &text, 0).unwrap_or_else(|| self.locator.value(key));
        Some(Located { value: text, offset, len })
    }

    pub fn date(&mut self, key: &str, value: YamlValue) -> Option<Date> {
        let text = self.text(key, value)?;
        match Date::parse(&text) {
            Ok(d) => Some(d),
            Err(message) => {
                self.value_error(key, message);
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str, value: YamlValue) -> Option<bool> {
        let kind = value_kind(&value);
        match value.deserialize::<bool>() {
            Ok(b) => Some(b),
            Err(_) => {
                self.value_error(key, format!("expected true or false, found {kind}"));
                None
            }
        }
    }

    /// A list of text items, each with its location; a single text value is a list of one.
    pub fn text_list(&mut self, key: &str, value: YamlValue) -> Vec<Located<String>> {
        let items = match value.clone().into_items() {
            Some(items) => items,
            None if value.scalar_text().is_some() => vec![value],
            None => {
                self.value_error(key, format!("expected a list such as `[a, b]`, found {}", value_kind(&value)));
                return Vec::new();
            }
        };
        let mut cursor = 0;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.scalar_text().map(|s| s.trim().to_string()) {
                Some(text) if !text.is_empty() => {
                    let (offset, len) = match self.locator.find_in(key, &text, cursor) {
                        Some(found) => found,
                        None => self.locator.value(key),
                    };
                    cursor = offset + len;
                    out.push(Located { value: text, offset, len });
                }
                Some(_) => self.value_error(key, "list items must not be empty".to_string()),
                None => self.value_error(key, format!("list items must be text, found {}", value_kind(&item))),
            }
        }
        out
    }

    /// A list of records (`sources`, `timeline`, `updates`), each read by `read` from its own raw struct.
    pub fn records<Raw: for<'de> Deserialize<'de>, T>(
        &mut self,
        key: &str,
        value: YamlValue,
        mut read: impl FnMut(&mut Self, Raw, usize) -> Option<T>,
    ) -> Vec<T> {
        let Some(items) = value.clone().into_items() else {
            self.value_error(key, format!("expected a list of entries, found {}", value_kind(&value)));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (index, item) in items.into_iter().enumerate() {
            match item.deserialize::<Raw>() {
                Ok(raw) => {
                    if let Some(t) = read(self, raw, index) {
                        out.push(t);
                    }
                }
                Err(message) => self.value_error(key, format!("entry {}: {message}", index + 1)),
            }
        }
        out
    }

    /// Parses a date written inside the block of `key`, locating errors at the date's text.
    pub fn record_date(&mut self, key: &str, text: &str) -> Option<Date> {
        match Date::parse(text) {
            Ok(d) => Some(d),
            Err(message) => {
                let at = self.locator.find_in(key, text.trim(), 0).unwrap_or_else(|| self.locator.value(key));
                self.wrong.push(key.to_string());
                self.error_at(at, Code::FieldValue, format!("`{key}`: {message}"));
                None
            }
        }
    }

    /// Locates `text` inside the block of `key`.
    pub fn locate_in(&self, key: &str, text: &str) -> (usize, usize) {
        self.locator.find_in(key, text, 0).unwrap_or_else(|| self.locator.value(key))
    }

    pub fn error_in(&mut self, key: &str, text: &str, message: String, help: Option<String>) {
        let at = self.locate_in(key, text);
        self.error_at(at, Code::FieldValue, message).help = help;
    }
}

fn value_kind(value: &YamlValue) -> &'static str {
    value.kind()
}

fn value_kind_hint(key: &str) -> &'static str {
    match key {
        "date" | "updated" => "a date such as 2024-11-16",
        _ => "text",
    }
}

// ---------------------------------------------------------------------------------------------
// The three kinds of front matter.

pub const EXPLAINER_FIELDS: &[&str] = &[
    "title",
    "date",
    "updated",
    "expires",
    "summary",
    "topics",
    "actors",
    "slug",
    "draft",
    "featured",
    "takeaways",
    "sources",
    "timeline",
    "updates",
    "aliases",
    "image",
    "extra",
    "reviewed",
    "authors",
];
pub const ACTOR_FIELDS: &[&str] = &["name", "kind", "role", "country", "aliases", "extra", "wikidata", "same_as"];
pub const TOPIC_FIELDS: &[&str] = &["title", "summary", "aliases", "extra"];
pub const HOME_FIELDS: &[&str] = &["title", "description"];
pub const SECTION_FIELDS: &[&str] = &["title", "summary", "extra"];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExplainerMeta {
    pub title: String,
    #[serde(with = "crate::build_cache::codec::date")]
    pub date: Date,
    #[serde(with = "crate::build_cache::codec::opt_date")]
    pub updated: Option<Date>,
    /// Left out of the site from this day on (UTC); after `date`.
    #[serde(with = "crate::build_cache::codec::opt_date")]
    pub expires: Option<Date>,
    pub summary: Option<String>,
    pub topics: Vec<Located<String>>,
    pub actors: Vec<Located<String>>,
    #[serde(with = "crate::build_cache::codec::opt_slug")]
    pub slug: Option<Slug>,
    pub draft: bool,
    /// Offered first on the home page (the newest featured explainer leads it).
    pub featured: bool,
    pub takeaways: Vec<String>,
    pub sources: Vec<SourceEntry>,
    pub timeline: Vec<TimelineEntry>,
    pub updates: Vec<UpdateEntry>,
    /// Old site paths that redirect here, normalized to `/a/b/`.
    pub aliases: Vec<Located<String>>,
    /// The social card image, as written: a file of its page bundle or a static path.
    pub image: Option<Located<String>>,
    /// Free-form data for templates (`explainer.extra`).
    #[serde(with = "crate::build_cache::codec::extra")]
    pub extra: crate::extra::Extra,
    /// The day of its last editorial review, for the lint's `review_after`.
    #[serde(with = "crate::build_cache::codec::opt_date")]
    pub reviewed: Option<Date>,
    /// Its authors, as written: names, slugs or aliases of actors of kind person.
    pub authors: Vec<Located<String>>,
    /// Where the fields the editorial lint points at were written.
    pub places: Places,
}

/// Where fields of an explainer were written, as byte ranges of its file (`offset`, `len`), for
/// the findings of the editorial lint (`src/lint/`): those found while reading them anyway. The
/// others are found again by the lint alone ([`LintPlaces`]), so that a build does not look for
/// them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Places {
    /// One per takeaway, in order.
    pub takeaways: Vec<(usize, usize)>,
    pub reviewed: Option<(usize, usize)>,
}

/// Where `summary:` and each source's id are written in an explainer's file, found for the lint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintPlaces {
    pub summary: Option<(usize, usize)>,
    /// One per entry of `sources`, in order.
    pub sources: Vec<(usize, usize)>,
}

impl LintPlaces {
    /// Finds them in the front matter of `split` (the file of `source`), as read into `meta`.
    pub fn find(source: &SourceFile<'_>, split: &Split<'_>, meta: &ExplainerMeta) -> LintPlaces {
        let (yaml, yaml_start) = split.yaml.unwrap_or(("", split.body_offset));
        let locator = KeyLocator::new(source.text, yaml, yaml_start);
        let summary =
            meta.summary.as_ref().map(|s| locator.find_in("summary", s, 0).unwrap_or_else(|| locator.value("summary")));
        LintPlaces { summary, sources: locate_source_ids(&locator, &meta.sources) }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceEntry {
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    /// Only `http`, `https` and `mailto` URLs are accepted.
    pub url: Option<String>,
    #[serde(with = "crate::build_cache::codec::opt_date")]
    pub date: Option<Date>,
    /// An archived copy of it (`archived:`, an `http` or `https` URL).
    pub archived: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimelineEntry {
    #[serde(with = "crate::build_cache::codec::date")]
    pub date: Date,
    pub event: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpdateEntry {
    #[serde(with = "crate::build_cache::codec::date")]
    pub date: Date,
    pub note: String,
    /// `kind:`: a correction of something the explainer got wrong, or an update (the default).
    pub kind: UpdateKind,
}

/// What an entry of `updates:` is: `kind: correction | update`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum UpdateKind {
    #[default]
    Update,
    Correction,
}

impl UpdateKind {
    /// The value written in front matter, also `kind` in templates.
    pub fn name(self) -> &'static str {
        match self {
            UpdateKind::Update => "update",
            UpdateKind::Correction => "correction",
        }
    }
}

/// Declares [`ActorKind`] from one table, so that a kind cannot exist without its facts: the
/// value written in front matter (also `actor.kind` in templates), the heading of its group on
/// the actor index, and its schema.org type in JSON-LD.
macro_rules! actor_kinds {
    ($($kind:ident => $name:literal, $label:literal, $schema_type:literal;)*) => {
        /// What an actor is, from `kind:` in its profile.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum ActorKind {
            $($kind,)*
        }

        impl ActorKind {
            /// Every kind, in the order of the groups of the actor index.
            pub const ALL: [ActorKind; [$($name),*].len()] = [$(ActorKind::$kind),*];

            /// (front matter value, group heading, schema.org type).
            const fn facts(self) -> (&'static str, &'static str, &'static str) {
                match self {
                    $(ActorKind::$kind => ($name, $label, $schema_type),)*
                }
            }
        }
    };
}

actor_kinds! {
    Person => "person", "People", "Person";
    Organization => "organization", "Organizations", "Organization";
    Country => "country", "Countries", "Country";
    Group => "group", "Groups", "Organization";
}

impl ActorKind {
    /// The group of actors without a `kind` on the actor index: its `kind` and its heading.
    pub const OTHERS: (&'static str, &'static str) = ("other", "Others");
    /// The schema.org type of an actor without a `kind`.
    pub const UNKNOWN_SCHEMA_TYPE: &'static str = "Thing";

    /// As written in front matter (`kind: person`), and as templates see it (`actor.kind`).
    pub fn name(self) -> &'static str {
        self.facts().0
    }

    /// The heading of the kind's group on the actor index: "People".
    pub fn label(self) -> &'static str {
        self.facts().1
    }

    /// The schema.org type of an actor of this kind, in JSON-LD.
    pub fn schema_type(self) -> &'static str {
        self.facts().2
    }

    /// The kind a front matter value names, in any letter case.
    pub fn from_name(value: &str) -> Option<ActorKind> {
        ActorKind::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(value))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActorMeta {
    pub name: String,
    pub kind: Option<ActorKind>,
    pub role: Option<String>,
    pub country: Option<String>,
    pub aliases: Vec<Located<String>>,
    /// Its Wikidata item (`Q15031`) and other pages about it (`same_as:`), for JSON-LD and links.
    pub identity: Identity,
    /// Free-form data for templates (`actor.extra`).
    #[serde(with = "crate::build_cache::codec::extra")]
    pub extra: crate::extra::Extra,
}

/// Who an actor is elsewhere: its Wikidata item and the addresses of other pages about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identity {
    /// `Q` and digits, as Wikidata numbers its items.
    pub wikidata: Option<String>,
    /// `http` or `https` addresses, in written order.
    pub same_as: Vec<String>,
}

impl Identity {
    /// The address of its Wikidata item, then the `same_as` addresses: schema.org's `sameAs`.
    pub fn same_as_urls(&self) -> Vec<String> {
        let wikidata = self.wikidata.iter().map(|q| format!("https://www.wikidata.org/wiki/{q}"));
        wikidata.chain(self.same_as.iter().cloned()).collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopicMeta {
    pub title: String,
    pub summary: Option<String>,
    pub aliases: Vec<Located<String>>,
    /// Free-form data for templates (`topic.extra`).
    #[serde(with = "crate::build_cache::codec::extra")]
    pub extra: crate::extra::Extra,
}

/// The front matter of a section's `_index.md`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SectionMeta {
    pub title: String,
    pub summary: Option<String>,
    /// Free-form data for templates (`section.extra`).
    #[serde(with = "crate::build_cache::codec::extra")]
    pub extra: crate::extra::Extra,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HomeMeta {
    pub title: Option<String>,
    pub description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: Scalar,
    title: Scalar,
    publisher: Option<Scalar>,
    url: Option<Scalar>,
    date: Option<Scalar>,
    archived: Option<Scalar>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimelineEntry {
    date: Scalar,
    event: Scalar,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUpdate {
    date: Scalar,
    note: Scalar,
    kind: Option<Scalar>,
}

/// The result of reading one file's front matter: the typed value when nothing required failed.
pub type Read<T> = (Option<T>, Vec<Diagnostic>);

pub fn read_explainer(source: &SourceFile<'_>, split: &Split<'_>) -> Read<ExplainerMeta> {
    let (mut r, fields) = match FieldReader::parse(source, split) {
        Ok(x) => x,
        Err(d) => return (None, vec![d]),
    };
    let (mut title, mut date, mut updated, mut summary, mut expires) = (None, None, None, None, None);
    let (mut topics, mut actors, mut slug, mut draft) = (Vec::new(), Vec::new(), None, false);
    let (mut takeaways, mut sources, mut timeline, mut updates, mut aliases) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut extra, mut image, mut featured) = (crate::extra::Extra::default(), None, false);
    let (mut reviewed, mut authors, mut places) = (None, Vec::new(), Places::default());
    for (key, value) in fields {
        match key.as_str() {
            "title" => title = r.text(&key, value),
            "date" => date = r.date(&key, value),
            "image" => image = r.located_text(&key, value),
            "updated" => updated = r.date(&key, value),
            "expires" => expires = r.date(&key, value),
            "summary" => summary = r.text(&key, value),
            "reviewed" => {
                reviewed = r.date(&key, value);
                places.reviewed = reviewed.is_some().then(|| r.locator.value(&key));
            }
            "authors" => authors = r.text_list(&key, value),
            "topics" => topics = r.text_list(&key, value),
            "actors" => actors = r.text_list(&key, value),
            "slug" => slug = read_slug(&mut r, source, &key, value),
            "draft" => draft = r.bool(&key, value).unwrap_or(false),
            "featured" => featured = r.bool(&key, value).unwrap_or(false),
            "takeaways" => {
                let located = r.text_list(&key, value);
                places.takeaways = located.iter().map(|l| (l.offset, l.len)).collect();
                takeaways = located.into_iter().map(|l| l.value).collect();
            }
            "sources" => sources = read_sources(&mut r, &key, value),
            "timeline" => {
                timeline = r.records(&key, value, |r, raw: RawTimelineEntry, _| {
                    let date = r.record_date("timeline", &raw.date.0)?;
                    Some(TimelineEntry { date, event: raw.event.0.trim().to_string() })
                })
            }
            "updates" => {
                updates = r.records(&key, value, |r, raw: RawUpdate, _| {
                    let date = r.record_date("updates", &raw.date.0)?;
                    let kind = read_update_kind(r, raw.kind)?;
                    Some(UpdateEntry { date, note: raw.note.0.trim().to_string(), kind })
                })
            }
            "aliases" => aliases = read_alias_paths(&mut r, &key, value),
            "extra" => extra = r.extra(&key, value),
            _ => r.unknown_field(&key, EXPLAINER_FIELDS),
        }
    }
    if title.is_none() {
        r.missing("title", "Biden and Xi meet in Lima");
    }
    if date.is_none() {
        r.missing("date", "2024-11-16");
    }
    if let (Some(date), Some(end)) = (&date, &expires) {
        // the day it would leave the site must come after the day it is published (UTC days)
        if end.instant().date_naive() <= date.instant().date_naive() {
            r.value_error(
                "expires",
                format!(
                    "`{}` is not after `date` ({}): the explainer would never be published",
                    end.machine(),
                    date.machine()
                ),
            );
        }
    }
    let meta = match (title, date) {
        (Some(title), Some(date)) => Some(ExplainerMeta {
            title,
            date,
            updated,
            expires,
            summary,
            topics,
            actors,
            slug,
            draft,
            featured,
            takeaways,
            sources,
            timeline,
            updates,
            aliases,
            image,
            extra,
            reviewed,
            authors,
            places,
        }),
        _ => None,
    };
    (meta, r.diagnostics)
}

/// `slug:` of an explainer: a valid slug no longer than a folder name may be.
fn read_slug(r: &mut FieldReader<'_, '_>, source: &SourceFile<'_>, key: &str, value: YamlValue) -> Option<Slug> {
    let s = r.located_text(key, value)?;
    match Slug::parse_exact(&s.value) {
        Some(_) if s.value.len() > MAX_NAME_BYTES => {
            let d = Diagnostic::error(format!(
                "`slug` is {} bytes long: a folder name may have at most {MAX_NAME_BYTES} bytes on common file systems",
                s.value.len()
            ))
            .code(Code::PathTooLong)
            .at(source, s.offset, s.len)
            .with_help("choose a shorter slug");
            r.diagnostics.push(d);
            None
        }
        Some(slug) => Some(slug),
        None => {
            let suggestion = Slug::from_text(&s.value).map(|s| s.to_string());
            let d = Diagnostic::error(format!(
                "`slug` must be lower-case letters, digits and single hyphens, not `{}`",
                s.value
            ))
            .code(Code::FieldValue)
            .at(source, s.offset, s.len)
            .with_suggestion(suggestion.as_deref());
            r.diagnostics.push(d);
            None
        }
    }
}

/// `kind:` of an entry of `updates:`: `correction` or `update` (the default); anything else is an
/// error at the value, and the entry is left out.
fn read_update_kind(r: &mut FieldReader<'_, '_>, kind: Option<Scalar>) -> Option<UpdateKind> {
    let Some(Scalar(kind)) = kind else { return Some(UpdateKind::Update) };
    match kind.trim() {
        "update" => Some(UpdateKind::Update),
        "correction" => Some(UpdateKind::Correction),
        other => {
            let suggestion = closest(other, ["correction", "update"]).map(str::to_string);
            r.error_in(
                "updates",
                other,
                format!("`kind` of an update must be `correction` or `update`, not `{other}`"),
                Some(match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "a correction fixes something the explainer got wrong; an update adds news".into(),
                }),
            );
            None
        }
    }
}

/// Where each source's id is written in the block of `sources:`, in order (each looked for after
/// the one before, so that an id that is also a word of an earlier title is not taken for it).
fn locate_source_ids(locator: &KeyLocator<'_>, sources: &[SourceEntry]) -> Vec<(usize, usize)> {
    let mut cursor = 0;
    sources
        .iter()
        .map(|s| {
            let found = locator.find_in("sources", &format!("id: {}", s.id), cursor);
            let at = match found {
                Some((offset, len)) => (offset + 4, len - 4),
                None => locator.find_in("sources", &s.id, 0).unwrap_or_else(|| locator.value("sources")),
            };
            cursor = at.0 + at.1;
            at
        })
        .collect()
}

fn read_sources(r: &mut FieldReader<'_, '_>, key: &str, value: YamlValue) -> Vec<SourceEntry> {
    let mut seen = std::collections::BTreeSet::new();
    r.records(key, value, |r, raw: RawSource, _| {
        let id = raw.id.0.trim().to_string();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            r.error_in(
                "sources",
                &id,
                format!("source id `{id}` must be letters, digits, `-` or `_`"),
                Some("ids are what `[1](source:id)` links use".into()),
            );
            return None;
        }
        if !seen.insert(id.clone()) {
            r.error_in("sources", &format!("id: {id}"), format!("two sources have the id `{id}`"), None);
            return None;
        }
        let url = match raw.url.map(|u| u.0.trim().to_string()).filter(|u| !u.is_empty()) {
            None => None,
            Some(url) if is_allowed_front_matter_url(&url) => Some(url),
            Some(url) => {
                r.error_in(
                    "sources",
                    &url,
                    format!("source url `{url}` must be an http://, https:// or mailto: address"),
                    (!url.contains(':')).then(|| format!("write it as `https://{url}`")),
                );
                None
            }
        };
        let date = match raw.date {
            Some(d) => Some(r.record_date("sources", &d.0)?),
            None => None,
        };
        let archived = match raw.archived.map(|u| u.0.trim().to_string()).filter(|u| !u.is_empty()) {
            None => None,
            Some(url) if is_allowed_front_matter_url(&url) && !url.to_ascii_lowercase().starts_with("mailto:") => {
                Some(url)
            }
            Some(url) => {
                r.error_in(
                    "sources",
                    &url,
                    format!("`archived` of source `{id}` must be an http:// or https:// address, not `{url}`"),
                    Some("the address of the copy in an archive, such as https://web.archive.org/web/…".into()),
                );
                None
            }
        };
        let title = raw.title.0.trim().to_string();
        if title.is_empty() {
            r.error_in("sources", &id, format!("source `{id}` has an empty title"), None);
            return None;
        }
        let publisher = raw.publisher.map(|p| p.0.trim().to_string()).filter(|p| !p.is_empty());
        Some(SourceEntry { id, title, publisher, url, date, archived })
    })
}

/// `http`, `https` and `mailto` URLs with something after the scheme; nothing else leaves front matter as a link.
pub fn is_allowed_front_matter_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = ["https://", "http://", "mailto:"].iter().find_map(|p| lower.strip_prefix(p));
    rest.is_some_and(|r| !r.is_empty() && !r.chars().any(|c| c.is_whitespace() || c.is_control()))
}

/// Alias paths must be plain site paths: they become folders in the output.
fn read_alias_paths(r: &mut FieldReader<'_, '_>, key: &str, value: YamlValue) -> Vec<Located<String>> {
    let mut out = Vec::new();
    for item in r.text_list(key, value) {
        let why = match normalize_site_path(&item.value) {
            Ok(path) => match name_length_problem(&crate::urls::output_file(&path[1..])) {
                None => {
                    out.push(Located { value: path, ..item });
                    continue;
                }
                Some(why) => why,
            },
            Err(why) => why.to_string(),
        };
        // at most 60 characters of it: the excerpt below shows it all
        let shown = match item.value.char_indices().nth(60) {
            Some((end, _)) => format!("{}…", &item.value[..end]),
            None => item.value.clone(),
        };
        let d = Diagnostic::error(format!("alias `{shown}` {why}")).code(Code::AliasPath).at(
            r.source,
            item.offset,
            item.len,
        );
        r.diagnostics.push(d.with_help("aliases are old site paths such as `/2024/11/old-name/`"));
    }
    out
}

/// The longest file or folder name common file systems accept, in bytes of UTF-8 (ext4, APFS
/// and most others): every part of an output path must fit, or the build fails as it writes.
pub const MAX_NAME_BYTES: usize = 255;

/// The longest path of an output file, from the output folder, in bytes: far beyond any real
/// address, and well under the 4,096 bytes Linux allows a whole path (the output folder's own
/// path comes on top).
pub const MAX_PATH_BYTES: usize = 1024;

/// Why a `/`-separated output or site path could not be written on common file systems (a part
/// longer than [`MAX_NAME_BYTES`], the whole longer than [`MAX_PATH_BYTES`]), as the end of a
/// sentence: "has a part of 300 bytes: …".
pub fn name_length_problem(path: &str) -> Option<String> {
    if let Some(part) = path.split('/').find(|p| p.len() > MAX_NAME_BYTES) {
        let start: String = part.chars().take(24).collect();
        return Some(format!(
            "has a part of {} bytes (`{start}…`): a file or folder name may have at most {MAX_NAME_BYTES} bytes on common file systems",
            part.len()
        ));
    }
    (path.len() > MAX_PATH_BYTES)
        .then(|| format!("makes an output path {} bytes long: at most {MAX_PATH_BYTES} are allowed", path.len()))
}

/// `/a/b/` from `/a/b`, `a/b/` or `/a/b/index.html`; refuses anything that could leave the output folder.
pub fn normalize_site_path(path: &str) -> Result<String, &'static str> {
    if path.contains('\\') || path.chars().any(char::is_control) {
        return Err("contains a backslash or a control character");
    }
    if path.contains("://") || path.starts_with("//") {
        return Err("must be a path on this site, not an address");
    }
    let trimmed = path.strip_suffix("index.html").unwrap_or(path);
    let parts: Vec<&str> = trimmed.split('/').filter(|p| !p.is_empty()).collect();
    if parts.iter().any(|p| *p == "." || *p == "..") {
        return Err("must not contain `.` or `..`");
    }
    if parts.is_empty() {
        return Err("must not be the home page");
    }
    if parts.iter().any(|p| p.contains(['?', '#', '%', '"', '<', '>'])) {
        return Err("must not contain `?`, `#`, `%`, quotes or angle brackets");
    }
    Ok(format!("/{}/", parts.join("/")))
}

pub fn read_actor(source: &SourceFile<'_>, split: &Split<'_>) -> Read<ActorMeta> {
    let (mut r, fields) = match FieldReader::parse(source, split) {
        Ok(x) => x,
        Err(d) => return (None, vec![d]),
    };
    let (mut name, mut kind, mut role, mut country, mut aliases) = (None, None, None, None, Vec::new());
    let (mut extra, mut identity) = (crate::extra::Extra::default(), Identity::default());
    for (key, value) in fields {
        match key.as_str() {
            "name" => name = r.text(&key, value),
            "kind" => {
                if let Some(k) = r.located_text(&key, value) {
                    kind = ActorKind::from_name(&k.value);
                    if kind.is_none() {
                        let names: Vec<&str> = ActorKind::ALL.iter().map(|k| k.name()).collect();
                        let d =
                            Diagnostic::error(format!("`kind` must be one of {}, not `{}`", names.join(", "), k.value))
                                .code(Code::FieldValue)
                                .at(source, k.offset, k.len)
                                .with_suggestion(closest(&k.value, names));
                        r.diagnostics.push(d);
                    }
                }
            }
            "role" => role = r.text(&key, value),
            "country" => country = r.text(&key, value),
            "aliases" => aliases = r.text_list(&key, value),
            "extra" => extra = r.extra(&key, value),
            "wikidata" => identity.wikidata = read_wikidata(&mut r, source, &key, value),
            "same_as" => identity.same_as = read_same_as(&mut r, source, &key, value),
            _ => r.unknown_field(&key, ACTOR_FIELDS),
        }
    }
    if name.is_none() {
        r.missing("name", "Xi Jinping");
    }
    (name.map(|name| ActorMeta { name, kind, role, country, aliases, identity, extra }), r.diagnostics)
}

/// `wikidata:` of an actor: the id of its Wikidata item, `Q` and digits (`Q15031`).
fn read_wikidata(r: &mut FieldReader<'_, '_>, source: &SourceFile<'_>, key: &str, value: YamlValue) -> Option<String> {
    let q = r.located_text(key, value)?;
    let digits = q.value.strip_prefix('Q').unwrap_or_default();
    if !digits.is_empty() && !digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some(q.value);
    }
    let d =
        Diagnostic::error(format!("`wikidata` must be the id of a Wikidata item, `Q` and digits, not `{}`", q.value))
            .code(Code::FieldValue)
            .at(source, q.offset, q.len)
            .with_help("the id is at the end of the item's address: https://www.wikidata.org/wiki/Q15031");
    r.diagnostics.push(d);
    None
}

/// `same_as:` of an actor: `http` or `https` addresses of other pages about it.
fn read_same_as(r: &mut FieldReader<'_, '_>, source: &SourceFile<'_>, key: &str, value: YamlValue) -> Vec<String> {
    let mut urls = Vec::new();
    for url in r.text_list(key, value) {
        let lower = url.value.to_ascii_lowercase();
        if (lower.starts_with("https://") || lower.starts_with("http://")) && is_allowed_front_matter_url(&url.value) {
            urls.push(url.value);
        } else {
            let d =
                Diagnostic::error(format!("`same_as` must list http:// or https:// addresses, not `{}`", url.value))
                    .code(Code::FieldValue)
                    .at(source, url.offset, url.len);
            r.diagnostics.push(d);
        }
    }
    urls
}

pub fn read_topic(source: &SourceFile<'_>, split: &Split<'_>) -> Read<TopicMeta> {
    let (mut r, fields) = match FieldReader::parse(source, split) {
        Ok(x) => x,
        Err(d) => return (None, vec![d]),
    };
    let (mut title, mut summary, mut aliases, mut extra) = (None, None, Vec::new(), crate::extra::Extra::default());
    for (key, value) in fields {
        match key.as_str() {
            "title" => title = r.text(&key, value),
            "summary" => summary = r.text(&key, value),
            "aliases" => aliases = r.text_list(&key, value),
            "extra" => extra = r.extra(&key, value),
            _ => r.unknown_field(&key, TOPIC_FIELDS),
        }
    }
    if title.is_none() {
        r.missing("title", "Taiwan");
    }
    (title.map(|title| TopicMeta { title, summary, aliases, extra }), r.diagnostics)
}

pub fn read_section(source: &SourceFile<'_>, split: &Split<'_>) -> Read<SectionMeta> {
    let (mut r, fields) = match FieldReader::parse(source, split) {
        Ok(x) => x,
        Err(d) => return (None, vec![d]),
    };
    let (mut title, mut summary, mut extra) = (None, None, crate::extra::Extra::default());
    for (key, value) in fields {
        match key.as_str() {
            "title" => title = r.text(&key, value),
            "summary" => summary = r.text(&key, value),
            "extra" => extra = r.extra(&key, value),
            _ => r.unknown_field(&key, SECTION_FIELDS),
        }
    }
    if title.is_none() {
        r.missing("title", "Asia");
    }
    (title.map(|title| SectionMeta { title, summary, extra }), r.diagnostics)
}

pub fn read_home(source: &SourceFile<'_>, split: &Split<'_>) -> Read<HomeMeta> {
    let (mut r, fields) = match FieldReader::parse(source, split) {
        Ok(x) => x,
        Err(d) => return (None, vec![d]),
    };
    let mut meta = HomeMeta::default();
    for (key, value) in fields {
        match key.as_str() {
            "title" => meta.title = r.text(&key, value),
            "description" => meta.description = r.text(&key, value),
            _ => r.unknown_field(&key, HOME_FIELDS),
        }
    }
    (Some(meta), r.diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explainer(text: &str) -> Read<ExplainerMeta> {
        let source = SourceFile::new("content/articles/x.md", text);
        let split = split(&source).unwrap();
        read_explainer(&source, &split)
    }

    fn lines(diags: &[Diagnostic]) -> Vec<(usize, usize)> {
        diags.iter().map(|d| d.location.as_ref().map(|l| (l.line, l.column)).unwrap()).collect()
    }

    #[test]
    fn splits_with_bom_and_crlf() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n";
        let source = SourceFile::new("x.md", text);
        let s = split(&source).unwrap();
        assert_eq!(s.yaml.unwrap().0, "title: A\r\n");
        assert_eq!(s.body, "Body\r\n");
        let (meta, diags) = explainer("\u{feff}---\r\ntitle: A\r\ndate: 2024-11-16\r\n---\r\nBody\r\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(meta.unwrap().title, "A");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let source = SourceFile::new("x.md", "---\ntitle: A\n");
        assert!(split(&source).unwrap_err().message.contains("not closed"));
    }

    #[test]
    fn reports_every_problem_with_its_line() {
        let (meta, diags) = explainer("---\ntitel: A\ndate: 2024-13-45\ndraft: maybe\n---\n");
        assert!(meta.is_none());
        let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("unknown field `titel`")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("2024-13-45")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("draft")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("missing `title`")), "{messages:?}");
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `title`?"));
        let mut found = lines(&diags);
        found.sort();
        assert_eq!(found, vec![(1, 1), (2, 1), (3, 7), (4, 8)]);
    }

    #[test]
    fn locates_list_items() {
        let (meta, diags) = explainer("---\ntitle: A\ndate: 2024-11-16\nactors:\n  - Joe Biden\n  - Xi\n---\n");
        assert!(diags.is_empty());
        let meta = meta.unwrap();
        let source = SourceFile::new("x", "---\ntitle: A\ndate: 2024-11-16\nactors:\n  - Joe Biden\n  - Xi\n---\n");
        let (loc, _) = source.locate(meta.actors[1].offset, meta.actors[1].len);
        assert_eq!((loc.line, loc.column), (6, 5));
    }

    #[test]
    fn numbers_are_text_where_text_is_expected() {
        let (meta, diags) = explainer("---\ntitle: 1984\ndate: 2024-11-16\n---\n");
        assert!(diags.is_empty());
        assert_eq!(meta.unwrap().title, "1984");
    }

    #[test]
    fn hostile_slugs_aliases_and_urls_are_refused() {
        let (_, diags) = explainer(
            "---\ntitle: A\ndate: 2024-11-16\nslug: ../../etc\naliases: [/ok/, ../up/, 'C:\\x']\nsources:\n  - id: a\n    title: T\n    url: javascript:alert(1)\n---\n",
        );
        let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].contains("`slug`"));
        assert!(messages[1].contains("../up/") && messages[2].contains("C:"));
        assert!(messages[3].contains("javascript"));
    }

    #[test]
    fn slugs_and_aliases_longer_than_a_file_name_may_be_are_refused_at_their_line() {
        let long = "a".repeat(256);
        let deep = "/abc".repeat(300);
        let (meta, diags) = explainer(&format!(
            "---\ntitle: A\ndate: 2024-11-16\nslug: {long}\naliases:\n  - /ok/\n  - /{long}/\n  - {deep}/\n---\n"
        ));
        let found: Vec<(usize, &str)> =
            diags.iter().map(|d| (d.location.as_ref().unwrap().line, d.message.as_str())).collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].0 == 4 && found[0].1.contains("256 bytes long"), "{found:?}");
        assert!(found[1].0 == 7 && found[1].1.contains("part of 256 bytes"), "{found:?}");
        assert!(found[2].0 == 8 && found[2].1.contains("1210 bytes long"), "{found:?}");
        let meta = meta.unwrap();
        assert_eq!(meta.slug, None);
        assert_eq!(meta.aliases.iter().map(|a| a.value.as_str()).collect::<Vec<_>>(), ["/ok/"]);
        let fits = "a".repeat(255);
        let (meta, diags) =
            explainer(&format!("---\ntitle: A\ndate: 2024-11-16\nslug: {fits}\naliases: [/{fits}/]\n---\n"));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(meta.unwrap().aliases.len(), 1);
    }

    #[test]
    fn site_paths_normalize() {
        assert_eq!(normalize_site_path("/2024/11/x").unwrap(), "/2024/11/x/");
        assert_eq!(normalize_site_path("old/index.html").unwrap(), "/old/");
        assert!(normalize_site_path("/a/../b/").is_err());
        assert!(normalize_site_path("https://x/").is_err());
        assert!(normalize_site_path("/").is_err());
    }

    #[test]
    fn every_actor_kind_reads_back_from_its_name() {
        for kind in ActorKind::ALL {
            let text = format!("---\nname: X\nkind: {}\n---\n", kind.name().to_uppercase());
            let source = SourceFile::new("content/actors/x.md", &text);
            let (meta, diags) = read_actor(&source, &split(&source).unwrap());
            assert!(diags.is_empty(), "{diags:?}");
            assert_eq!(meta.unwrap().kind, Some(kind));
        }
        let names: std::collections::BTreeSet<&str> = ActorKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), ActorKind::ALL.len(), "one name per kind");
        assert!(!names.contains(ActorKind::OTHERS.0), "the group of actors without a kind has a name of its own");
    }

    #[test]
    fn actor_kinds_have_their_labels_and_schema_types() {
        let facts: Vec<(&str, &str, &str)> =
            ActorKind::ALL.iter().map(|k| (k.name(), k.label(), k.schema_type())).collect();
        assert_eq!(
            facts,
            [
                ("person", "People", "Person"),
                ("organization", "Organizations", "Organization"),
                ("country", "Countries", "Country"),
                ("group", "Groups", "Organization"),
            ]
        );
        let source = SourceFile::new("content/actors/x.md", "---\nname: X\nkind: persn\n---\n");
        let (_, diags) = read_actor(&source, &split(&source).unwrap());
        assert_eq!(diags[0].message, "`kind` must be one of person, organization, country, group, not `persn`");
    }
}
