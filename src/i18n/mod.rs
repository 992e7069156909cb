//! The words of the theme in the site's language: one catalogue per language (the theme's
//! `i18n/<lang>.toml`, then the site's `i18n/<lang>.toml`, then `[translations.<lang>]` of
//! site.toml), CLDR plural rules and dates (ICU4X), and the `t()` function templates call.
//!
//! The English catalogue of the theme is the list of keys: every other catalogue has exactly its
//! keys, a site can override any of them and add none. A catalogue is looked up by language, so
//! that a site in several languages holds one per language.

mod dates;

use crate::diagnostics::{Code, Diagnostic, SourceFile};
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

pub use dates::{DateFormat, Form};

/// The language whose catalogue lists the keys.
pub const SCHEMA_LANGUAGE: &str = "en";

/// Keys only the pages of a multilingual site show (the language menu, the notes on what is not
/// translated): a language may lack them unless site.toml's `languages` lists it.
pub const MULTILINGUAL_KEYS: &[&str] =
    &["language_name", "languages_label", "link_untranslated", "profile_untranslated"];

/// Keys whose strings `search.js` shows: written into the search page, not used by templates.
pub const JS_PREFIX: &str = "js_";

/// The default theme's catalogues, compiled in with the theme.
static THEME_I18N: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default/i18n");

/// The text of the default theme's catalogue of `language` (`i18n/fr.toml`).
pub fn theme_file(language: &str) -> Option<&'static str> {
    THEME_I18N.get_file(format!("{language}.toml")).and_then(|f| f.contents_utf8())
}

/// The languages the default theme has a catalogue for, sorted.
pub fn theme_languages() -> Vec<&'static str> {
    let mut languages: Vec<&str> =
        THEME_I18N.files().filter_map(|f| f.path().to_str()?.strip_suffix(".toml")).collect();
    languages.sort_unstable();
    languages
}

/// The plural categories of CLDR, as a catalogue names them.
const CATEGORIES: &[(&str, PluralCategory)] = &[
    ("zero", PluralCategory::Zero),
    ("one", PluralCategory::One),
    ("two", PluralCategory::Two),
    ("few", PluralCategory::Few),
    ("many", PluralCategory::Many),
    ("other", PluralCategory::Other),
];

/// Languages written right to left: their pages get `dir="rtl"`.
const RIGHT_TO_LEFT: &[&str] = &["ar", "he", "fa", "ur"];

/// One string of a catalogue: a text, or one text per plural category (`one`, `few`, `other`…).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Message {
    Text(String),
    Plural(BTreeMap<String, String>),
}

/// A file of translations: `i18n/fr.toml` of the theme or the site, with its text for locations.
#[derive(Debug, Clone)]
pub struct I18nFile {
    /// As shown in messages: `i18n/fr.toml`, `themes/default/i18n/fr.toml`.
    pub path: String,
    pub text: String,
}

impl I18nFile {
    /// Whether it is a catalogue a theme of the site ships (`themes/<name>/i18n/fr.toml`), not
    /// one of the site's own translations (`i18n/fr.toml`).
    pub fn of_a_theme(&self) -> bool {
        self.path.starts_with("themes/")
    }
}

/// The files that make the catalogues of a site whose theme is `theme`: the site's `i18n/` files
/// and the catalogues of that theme (`themes/<theme>/i18n/`), not those of other themes.
pub fn files_for_theme(files: &[I18nFile], theme: &str) -> Vec<I18nFile> {
    let prefix = format!("themes/{theme}/i18n/");
    files.iter().filter(|f| !f.of_a_theme() || f.path.starts_with(&prefix)).cloned().collect()
}

/// The strings of one language, complete: every key of the theme's English catalogue.
pub struct Catalogue {
    language: String,
    messages: BTreeMap<String, Message>,
    plurals: PluralRules,
    dates: DateFormat,
    /// Keys of [`MULTILINGUAL_KEYS`] the language has no string for, taken from English.
    borrowed: Vec<&'static str>,
}

impl fmt::Debug for Catalogue {
    /// The language and the strings: what the configuration's hash (`serve`) must see change.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalogue").field("language", &self.language).field("messages", &self.messages).finish()
    }
}

/// An error of `t()`: a key the catalogue does not have.
#[derive(Debug)]
pub struct MissingString {
    pub key: String,
    pub language: String,
}

impl fmt::Display for MissingString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no string `{}` in the catalogue of language `{}`: add it to the theme's i18n/{}.toml",
            self.key, self.language, SCHEMA_LANGUAGE
        )
    }
}

impl Catalogue {
    /// The language's catalogue from the default theme's file for it (or for its base language:
    /// `fr` for `fr-CA`), the site's theme's files (those of `site_files` under `themes/`), the
    /// site's own (`i18n/<lang>.toml`) and site.toml's `[translations]` (`overrides`), in that
    /// order: the last one that gives a key wins. The keys are the default theme's English ones
    /// and those the site's theme adds in its `en.toml`. Every problem is reported: keys that are
    /// no key of the theme (in any language's table), plural forms missing, and the strings a
    /// language still lacks.
    pub fn build(
        language: &str,
        language_at: Option<(&SourceFile<'_>, Range<usize>)>,
        site_files: &[I18nFile],
        overrides: Option<(&SourceFile<'_>, &DeTable<'_>)>,
    ) -> Result<Catalogue, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut schema = theme_catalogue(SCHEMA_LANGUAGE).unwrap_or_default();
        let plurals = plural_rules(language);
        let mut messages =
            theme_catalogue(language).or_else(|| theme_catalogue(base_language(language))).unwrap_or_default();
        let mut layers: Vec<(SourceFile<'_>, String, &DeTable<'_>)> = Vec::new();
        // the theme's catalogues first, then the site's own
        let ordered = site_files.iter().filter(|f| f.of_a_theme()).chain(site_files.iter().filter(|f| !f.of_a_theme()));
        let parsed: Vec<(&I18nFile, Result<_, _>)> =
            ordered.map(|f| (f, DeTable::parse(&f.text).map(|t| t.into_inner()))).collect();
        for (file, table) in &parsed {
            // keys a theme adds: its English catalogue says them, as the default theme's does
            if let Ok(table) = table
                && file.of_a_theme()
                && file_language(&file.path) == SCHEMA_LANGUAGE
            {
                for (key, message) in messages_of(table) {
                    schema.entry(key).or_insert(message);
                }
            }
        }
        for (file, table) in &parsed {
            let source = SourceFile::new(&file.path, &file.text);
            match table {
                Ok(table) => layers.push((source, file_language(&file.path), table)),
                Err(e) => errors.push(syntax_error(&source, e)),
            }
        }
        if let Some((source, table)) = overrides {
            for (lang, value) in table.iter() {
                match value.get_ref() {
                    DeValue::Table(t) => layers.push((SourceFile::new(source.path, source.text), lang.to_string(), t)),
                    _ => errors.push(
                        Diagnostic::error(format!(
                            "`[translations]` holds a table per language (`[translations.{lang}]`), not {}",
                            kind_of(value.get_ref())
                        ))
                        .code(Code::ConfigValue)
                        .at(source, value.span().start, value.span().len()),
                    ),
                }
            }
        }
        for (source, lang, table) in &layers {
            let applies = lang == language || lang == base_language(language);
            let rules = if applies { None } else { Some(plural_rules(lang)) };
            let rules = rules.as_ref().unwrap_or(&plurals);
            for (key, value) in table.iter() {
                match checked(source, lang, key, value, &schema, rules) {
                    Ok(message) if applies => {
                        messages.insert(key.get_ref().to_string(), message);
                    }
                    Ok(_) => {}
                    Err(e) => errors.push(e),
                }
            }
        }
        // the strings only a multilingual site shows: a site of one language whose own
        // catalogue predates them still builds (site.toml's `languages` requires them)
        let mut borrowed = Vec::new();
        for key in MULTILINGUAL_KEYS {
            if let (false, Some(english)) = (messages.contains_key(*key), schema.get(*key)) {
                messages.insert(key.to_string(), english.clone());
                borrowed.push(*key);
            }
        }
        let missing: Vec<&str> = schema.keys().filter(|k| !messages.contains_key(*k)).map(String::as_str).collect();
        if !missing.is_empty() {
            errors.push(missing_strings(language, &missing, language_at));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let dates = DateFormat::new(language);
        Ok(Catalogue { language: language.to_string(), messages, plurals, dates, borrowed })
    }

    /// The keys of [`MULTILINGUAL_KEYS`] this language has no string for (shown in English).
    pub fn borrowed(&self) -> &[&'static str] {
        &self.borrowed
    }

    /// The catalogue of a language from the theme alone (tests, tools).
    pub fn of_theme(language: &str) -> Result<Catalogue, Vec<Diagnostic>> {
        Catalogue::build(language, None, &[], None)
    }

    pub fn language(&self) -> &str {
        &self.language
    }

    /// `rtl` for languages written right to left, else `ltr`.
    pub fn direction(&self) -> &'static str {
        direction(&self.language)
    }

    /// The keys and strings, sorted by key.
    pub fn messages(&self) -> &BTreeMap<String, Message> {
        &self.messages
    }

    /// The CLDR plural categories this language uses (`one`, `few`, `many`, `other` for `ru`).
    pub fn plural_categories(&self) -> Vec<&'static str> {
        self.plurals.categories().map(category_name).collect()
    }

    /// The CLDR plural category of `n` in this language: `one`, `few`, `other`…
    pub fn category(&self, n: u64) -> &'static str {
        category_name(self.plurals.category_for(n))
    }

    /// The pattern of `key`, its plural form for `n` chosen, `{name}`s as written.
    pub fn pattern(&self, key: &str, n: Option<u64>) -> Result<&str, MissingString> {
        let message = self
            .messages
            .get(key)
            .ok_or_else(|| MissingString { key: key.to_string(), language: self.language.clone() })?;
        Ok(match message {
            Message::Text(text) => text.as_str(),
            Message::Plural(forms) => {
                let category = self.category(n.unwrap_or(0));
                forms.get(category).or_else(|| forms.get("other")).map(String::as_str).unwrap_or_default()
            }
        })
    }

    /// The string of `key`, its plural form for `n` chosen, with `{name}` replaced by each of
    /// `args` (and `{n}` by `n`).
    pub fn text(&self, key: &str, n: Option<u64>, args: &[(&str, &str)]) -> Result<String, MissingString> {
        let pattern = self.pattern(key, n)?;
        if !pattern.contains('{') {
            return Ok(pattern.to_string());
        }
        let number = n.map(|n| n.to_string());
        Ok(substitute(pattern, number.as_deref(), args))
    }

    /// The text of `key`, which Rust code names (`nav_topics`): the key itself if the catalogue
    /// lacked it, which `tests/i18n.rs` rules out for every key Rust names.
    pub fn word(&self, key: &str) -> String {
        self.text(key, None, &[]).unwrap_or_else(|_| key.to_string())
    }

    /// The text of `key` with `{name}` replaced by each of `args`, for Rust code (see [`Catalogue::word`]).
    pub fn format(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.text(key, None, args).unwrap_or_else(|_| key.to_string())
    }

    /// A date for readers, in the language's long form (`16 novembre 2024`).
    pub fn date(&self, day: chrono::NaiveDate) -> String {
        self.dates.format(day)
    }

    /// A date for readers in one of the [`Form`]s: short in figures (`16 nov. 2024`), the day
    /// and month of APA citations (`16 novembre`).
    pub fn date_form(&self, day: chrono::NaiveDate, form: Form) -> String {
        self.dates.form(day, form)
    }

    /// Two days of one month as English writes them in figures, `15–17 Nov 2024`; `None` in
    /// other languages, which write the range with `date_range` (ICU4X has no interval formats).
    pub fn days_of_one_month(&self, a: chrono::NaiveDate, b: chrono::NaiveDate) -> Option<String> {
        use chrono::Datelike;
        let same_month = (a.year(), a.month()) == (b.year(), b.month());
        (same_month && matches!(self.dates, DateFormat::English))
            .then(|| format!("{}–{}", a.day(), self.dates.form(b, Form::Short)))
    }

    /// The strings that are one text (not plural forms), by key: what templates read as `tr`
    /// (`{{ tr.key_points }}`), a map lookup where `t()` is a function call.
    pub fn texts(&self) -> BTreeMap<&str, &str> {
        self.messages
            .iter()
            .filter_map(|(k, m)| match m {
                Message::Text(t) if !k.starts_with(JS_PREFIX) => Some((k.as_str(), t.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The strings `search.js` shows (the keys starting with [`JS_PREFIX`], without it) and the
    /// language, as the JSON the search page carries.
    pub fn js_messages(&self) -> String {
        let messages: BTreeMap<&str, &Message> =
            self.messages.iter().filter_map(|(k, m)| k.strip_prefix(JS_PREFIX).map(|k| (k, m))).collect();
        let messages: serde_json::Map<String, serde_json::Value> = messages
            .into_iter()
            .map(|(k, m)| {
                let value = match m {
                    Message::Text(t) => serde_json::Value::from(t.as_str()),
                    Message::Plural(forms) => {
                        forms.iter().map(|(c, t)| (c.clone(), serde_json::Value::from(t.as_str()))).collect()
                    }
                };
                (k.to_string(), value)
            })
            .collect();
        serde_json::json!({ "lang": self.language, "messages": messages }).to_string()
    }
}

/// `rtl` for [`RIGHT_TO_LEFT`] languages (`ar`, `ar-EG`), else `ltr`.
pub fn direction(language: &str) -> &'static str {
    if RIGHT_TO_LEFT.contains(&base_language(language)) { "rtl" } else { "ltr" }
}

/// `fr` of `fr-CA`.
fn base_language(language: &str) -> &str {
    language.split(['-', '_']).next().unwrap_or(language)
}

/// The language of `i18n/fr.toml`: its file name.
fn file_language(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name).to_string()
}

/// CLDR's plural rules of a language (the root's, `other` alone, for one ICU4X does not know).
fn plural_rules(language: &str) -> PluralRules {
    let locale: Locale = language.parse().unwrap_or(Locale::UNKNOWN);
    PluralRules::try_new_cardinal(locale.into())
        .or_else(|_| PluralRules::try_new_cardinal(Locale::UNKNOWN.into()))
        .expect("compiled data has the root's plural rules")
}

fn category_name(category: PluralCategory) -> &'static str {
    CATEGORIES.iter().find(|(_, c)| *c == category).map_or("other", |(name, _)| name)
}

/// The theme's catalogue of `language`, if it ships one. The theme's files are part of the
/// binary; `tests/i18n.rs` checks that each parses and has every key.
fn theme_catalogue(language: &str) -> Option<BTreeMap<String, Message>> {
    let text = theme_file(language)?;
    let table = DeTable::parse(text).ok()?.into_inner();
    Some(messages_of(&table))
}

/// The strings of a catalogue's table as written: texts, and tables of texts (plural forms).
fn messages_of(table: &DeTable<'_>) -> BTreeMap<String, Message> {
    let mut messages = BTreeMap::new();
    for (key, value) in table.iter() {
        let message = match value.get_ref() {
            DeValue::String(s) => Message::Text(s.to_string()),
            DeValue::Table(forms) => Message::Plural(
                forms
                    .iter()
                    .filter_map(|(c, t)| t.get_ref().as_str().map(|t| (c.get_ref().to_string(), t.to_string())))
                    .collect(),
            ),
            _ => continue,
        };
        messages.insert(key.get_ref().to_string(), message);
    }
    messages
}

/// A key and value of a site's translations, checked against the schema: a key of the theme, a
/// text, or for a plural key a table with every category the language uses.
fn checked(
    source: &SourceFile<'_>,
    language: &str,
    key: &toml::Spanned<std::borrow::Cow<'_, str>>,
    value: &toml::Spanned<DeValue<'_>>,
    schema: &BTreeMap<String, Message>,
    rules: &PluralRules,
) -> Result<Message, Diagnostic> {
    let name = key.get_ref().as_ref();
    let at = |d: Diagnostic, span: Range<usize>| d.at(source, span.start, span.len());
    let Some(expected) = schema.get(name) else {
        let mut d = Diagnostic::error(format!("`{name}` (language `{language}`) is not a key of the theme's strings"))
            .code(Code::TranslationKey);
        if let Some(near) = closest(name, schema.keys()) {
            d = d.with_help(format!("did you mean `{near}`?"));
        }
        return Err(at(d, key.span()));
    };
    match (value.get_ref(), expected) {
        (DeValue::String(text), _) => Ok(Message::Text(text.to_string())),
        (DeValue::Table(forms), Message::Plural(_)) => {
            let mut out = BTreeMap::new();
            for (category, text) in forms.iter() {
                let c = category.get_ref().as_ref();
                let Some(text) = text.get_ref().as_str() else {
                    let message = format!("the `{c}` form of `{name}` (language `{language}`) must be text");
                    return Err(at(Diagnostic::error(message).code(Code::TranslationValue), text.span()));
                };
                if !CATEGORIES.iter().any(|(n, _)| *n == c) {
                    let message = format!(
                        "`{c}` is no plural category: `{name}` (language `{language}`) takes zero, one, two, few, many or other"
                    );
                    return Err(at(Diagnostic::error(message).code(Code::TranslationValue), category.span()));
                }
                out.insert(c.to_string(), text.to_string());
            }
            let lacking: Vec<&str> = rules.categories().map(category_name).filter(|c| !out.contains_key(*c)).collect();
            if lacking.is_empty() {
                Ok(Message::Plural(out))
            } else {
                let message = format!(
                    "`{name}` (language `{language}`) lacks the plural form{} {}: language `{language}` uses {}",
                    if lacking.len() == 1 { "" } else { "s" },
                    lacking.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
                    rules.categories().map(category_name).collect::<Vec<_>>().join(", ")
                );
                Err(at(Diagnostic::error(message).code(Code::TranslationValue), key.span()))
            }
        }
        (other, _) => {
            let wanted =
                if matches!(expected, Message::Plural(_)) { "text or a table of plural forms" } else { "text" };
            let message = format!("`{name}` (language `{language}`) must be {wanted}, not {}", kind_of(other));
            Err(at(Diagnostic::error(message).code(Code::TranslationValue), value.span()))
        }
    }
}

/// The error for a language whose catalogue lacks strings: how many, and the first ones.
fn missing_strings(language: &str, missing: &[&str], at: Option<(&SourceFile<'_>, Range<usize>)>) -> Diagnostic {
    const SHOWN: usize = 8;
    let mut listed = missing.iter().take(SHOWN).map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    if missing.len() > SHOWN {
        listed.push_str(&format!(" and {} more", missing.len() - SHOWN));
    }
    let d = Diagnostic::error(format!(
        "language `{language}` lacks {} string{} of the theme: {listed}",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" }
    ))
    .code(Code::TranslationMissing);
    // a language the default theme has: what lacks is a key the site's theme added
    let help = if theme_file(language).or_else(|| theme_file(base_language(language))).is_some() {
        format!(
            "the site's theme adds these keys in its i18n/{SCHEMA_LANGUAGE}.toml: give them in its \
             i18n/{language}.toml or in the site's"
        )
    } else {
        format!(
            "the theme has catalogues for {}; for another language, write every string in i18n/{language}.toml \
             (docs/i18n.md lists the keys)",
            theme_languages().join(", ")
        )
    };
    let d = d.with_help(help);
    match at {
        Some((source, span)) => d.at(source, span.start, span.len()),
        None => d,
    }
}

/// The nearest key to a misspelt one, when near enough.
fn closest<'k>(name: &str, keys: impl Iterator<Item = &'k String>) -> Option<&'k str> {
    keys.map(|k| (strsim::jaro_winkler(name, k), k.as_str()))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// `{name}` replaced by each argument, `{n}` by the number; other braces are kept as written.
fn substitute(pattern: &str, n: Option<&str>, args: &[(&str, &str)]) -> String {
    if !pattern.contains('{') {
        return pattern.to_string();
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        let value = if name == "n" { n } else { args.iter().find(|(k, _)| *k == name).map(|(_, v)| *v) };
        match value {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn syntax_error(source: &SourceFile<'_>, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim_end().replace('\n', "; ");
    let d = Diagnostic::error(format!("{} is not valid TOML: {message}", source.path)).code(Code::TranslationValue);
    match e.span() {
        Some(span) => d.at(source, span.start, span.len()),
        None => d.in_file(source.path),
    }
}

fn kind_of(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "text",
        DeValue::Integer(_) | DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// `t(key="…", n=3, name="…")` for templates: the string of `key` in the language of the page
/// (the `lang` variable of the context, the site's language), `n` choosing its plural form.
/// Where Tera escapes output, the string is escaped here, with the values that are not safe
/// already (the output of `join`, say), and given back as safe: nothing is escaped twice.
pub fn template_function(
    catalogues: std::sync::Arc<BTreeMap<String, std::sync::Arc<Catalogue>>>,
) -> impl Fn(tera::Kwargs, &tera::State) -> tera::TeraResult<tera::Value> + Send + Sync + 'static {
    move |kwargs: tera::Kwargs, state: &tera::State| {
        let key: &str = kwargs.must_get("key")?;
        // a site in one language has one catalogue: no need to read the page's language
        let lang: Option<String> = if catalogues.len() > 1 { state.get("lang")? } else { None };
        let catalogue = lang
            .as_deref()
            .and_then(|l| catalogues.get(l))
            .or_else(|| catalogues.values().next())
            .ok_or_else(|| tera::Error::message("no catalogue of strings"))?;
        let n =
            kwargs.get::<tera::Value>("n")?.and_then(|v| v.as_u64().or_else(|| v.as_i64().map(|i| i.unsigned_abs())));
        let escaping = state.autoescaping_enabled();
        let values: Vec<(String, String)> = kwargs
            .iter()
            .filter_map(|(k, v)| {
                k.as_str().filter(|k| *k != "key" && *k != "n").map(|k| (k.to_string(), value_text(v, escaping)))
            })
            .collect();
        let args: Vec<(&str, &str)> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let pattern = catalogue.pattern(key, n).map_err(|e| tera::Error::message(e.to_string()))?;
        if !escaping {
            let number = n.map(|n| n.to_string());
            return Ok(tera::Value::from(substitute(pattern, number.as_deref(), &args)));
        }
        let pattern = escaped(pattern);
        let number = n.map(|n| n.to_string());
        Ok(tera::Value::safe_string(&substitute(&pattern, number.as_deref(), &args)))
    }
}

/// `text` as Tera's autoescape writes it.
fn escaped(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    tera::escape_html(text, &mut out).expect("writing to memory");
    String::from_utf8(out).unwrap_or_default()
}

/// A template value as text in a string: strings as they are, others as Tera writes them;
/// escaped where the output is, unless the value is safe already.
fn value_text(value: &tera::Value, escaping: bool) -> String {
    let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
    if escaping && !value.is_safe() { escaped(&text) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitute_replaces_known_names_and_keeps_other_braces() {
        assert_eq!(substitute("{n} min read", Some("3"), &[]), "3 min read");
        assert_eq!(substitute("Page {page} of {pages}", None, &[("page", "2"), ("pages", "9")]), "Page 2 of 9");
        assert_eq!(substitute("{unknown} and {", None, &[]), "{unknown} and {");
    }

    #[test]
    fn plural_forms_follow_cldr() {
        let ru = Catalogue::of_theme("ru").expect("ru");
        let forms: Vec<&str> = [1, 2, 5, 21, 22, 25, 11, 111].iter().map(|n| ru.category(*n)).collect();
        assert_eq!(forms, ["one", "few", "many", "one", "few", "many", "many", "many"]);
    }
}
