//! `site.toml` into a typed, validated `Config`; every problem names `site.toml` and the key.
//!
//! The file is parsed into a table of values with their places (toml's `DeTable`), recovering
//! from syntax errors, and each known key is then checked here: so every mistake of a run is
//! reported together, each at its key's line and column, in the words a writer uses ("a whole
//! number", not "usize"), and unknown keys get a did-you-mean.

use crate::diagnostics::{self, Code, Diagnostic, SourceFile};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};
use url::Url;

pub const CONFIG_FILE: &str = "site.toml";

/// How actor mentions in explainer text are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Autolink {
    /// The first mention of each actor in an explainer.
    #[default]
    First,
    /// Every mention.
    All,
    /// None.
    Off,
}

/// What happens to raw HTML written in Markdown bodies (`[markdown] raw_html`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RawHtml {
    /// Kept where it is safe: an allowlist of elements, attributes and URL schemes (ammonia);
    /// everything removed is a warning.
    #[default]
    Sanitize,
    /// Shown as text.
    Escape,
    /// Passed through as written: for sites that trust every writer.
    Trusted,
}

/// `[markdown]`: how bodies are turned into HTML.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MarkdownConfig {
    pub raw_html: RawHtml,
    /// Hosts whose `<iframe>`s `sanitize` keeps (`www.youtube-nocookie.com`), lower-case.
    pub embed_hosts: Vec<String>,
}

/// The format of the resized variants of images (`[images] format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VariantFormat {
    /// Lossy WebP (libwebp) at `quality`: smaller than JPEG for photos, shown by every current
    /// browser.
    #[default]
    Webp,
    /// The source's own format (PNG, JPEG or WebP), JPEG at `quality`.
    Original,
}

/// `[images]`: the resized variants of the site's raster images, for `srcset`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImagesConfig {
    /// The widths of the variants, in pixels, sorted and without repeats; empty: no variants.
    pub widths: Vec<u32>,
    pub format: VariantFormat,
    /// The quality of lossy encodings (WebP, JPEG), 1 to 100.
    pub quality: u8,
    /// The `sizes` attribute written beside `srcset`: how wide the image shows.
    pub sizes: String,
    /// Where variants are kept between builds, relative to the site (`.dossier-cache`).
    pub cache_dir: String,
}

/// `sizes` for the default theme: its text column is `--measure` (40rem) wide, and on narrower
/// screens the width of the screen less the page's padding (1.25rem on each side).
pub const DEFAULT_SIZES: &str = "(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)";

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 960, 1600],
            format: VariantFormat::Webp,
            quality: 80,
            sizes: DEFAULT_SIZES.to_string(),
            cache_dir: ".dossier-cache".to_string(),
        }
    }
}

/// A host whose redirect file `[publish] redirects` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RedirectHost {
    /// `_redirects` (Netlify, Cloudflare Pages).
    Netlify,
    /// `nginx.conf` beside the output: a `map` of aliases and `include`-able directives.
    Nginx,
    /// `.htaccess` (Apache `mod_alias` rules).
    Apache,
}

/// A compression `[publish] precompress` writes beside text files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Compression {
    /// `.gz` (`gzip_static` in nginx, every CDN).
    Gzip,
    /// `.br` (`brotli_static`, Netlify, Cloudflare).
    Brotli,
}

/// `[publish]`: what the output carries for the static host it goes to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublishConfig {
    /// Redirect files for these hosts, sorted, without repeats; empty: none (the default).
    pub redirects: Vec<RedirectHost>,
    /// Precompressed copies of text files over 1 KB, sorted, without repeats; empty: none.
    pub precompress: Vec<Compression>,
    /// `style.<hash>.css` and `search.<hash>.js` with integrity attributes (the default).
    pub fingerprint: bool,
}

impl Default for PublishConfig {
    fn default() -> Self {
        PublishConfig { redirects: Vec::new(), precompress: Vec::new(), fingerprint: true }
    }
}

/// `[lint]`: the editorial lint of `dossier check` (`src/lint/`).
#[derive(Debug, Clone)]
pub struct LintConfig {
    /// The rules turned off (`rule = false`), sorted.
    pub off: Vec<Code>,
    /// `review_after`: how many days a `reviewed:` day stays fresh (365 by default).
    pub review_after_days: u32,
    /// Set by `dossier check`, never by site.toml: the lint runs after assembly in this run.
    pub run: bool,
    /// Set by `dossier check --external`: the external links are gathered for it.
    pub external: bool,
}

impl Default for LintConfig {
    fn default() -> Self {
        LintConfig { off: Vec::new(), review_after_days: 365, run: false, external: false }
    }
}

impl LintConfig {
    /// Whether the rule of `code` is on (every rule is, unless site.toml turns it off).
    pub fn is_on(&self, code: Code) -> bool {
        !self.off.contains(&code)
    }
}

/// The site's configuration, validated. Paths are relative to the site root.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: Url,
    pub description: String,
    pub language: String,
    pub theme: String,
    pub output_dir: String,
    pub autolink: Autolink,
    /// Explainers per list page; 0 puts every explainer on one page.
    pub paginate: usize,
    pub search: bool,
    /// How many `##` headings an explainer needs for the theme to show its table of contents;
    /// 0 shows it never.
    pub toc_min_headings: usize,
    /// Acronym → expansion.
    pub glossary: BTreeMap<String, String>,
    pub markdown: MarkdownConfig,
    /// `[images]`: resized variants of raster images.
    pub images: ImagesConfig,
    /// `[publish]`: redirect files, precompression, fingerprinted assets.
    pub publish: PublishConfig,
    /// `[lint]`: which rules of the editorial lint run, and `review_after`.
    pub lint: LintConfig,
    /// `[extra]`: free-form data for templates (`site.extra`), keys in written order.
    pub extra: crate::extra::Extra,
    /// The theme's strings in `language`: the theme's catalogue with the site's `i18n/` files
    /// and `[translations]` over it (`src/i18n/`).
    pub i18n: std::sync::Arc<crate::i18n::Catalogue>,
    /// `languages`: every language of the site, the default first (`[language]` for a site of
    /// one language). A configuration made by [`Config::for_language`] keeps the site's list.
    pub languages: Vec<String>,
    /// The catalogue of each language of `languages` but the default (whose is `i18n`), checked
    /// with site.toml, so that a missing string in any language is reported at once.
    pub catalogues: BTreeMap<String, std::sync::Arc<crate::i18n::Catalogue>>,
}

impl Config {
    /// Whether the site declares more than one language (`languages = ["en", "fr"]`).
    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// The default language: the first of `languages`.
    pub fn default_language(&self) -> &str {
        self.languages.first().map_or(self.language.as_str(), String::as_str)
    }

    /// The folder of this configuration's language in the output: `""` for the default
    /// language, `fr/` for the others.
    pub fn language_prefix(&self) -> String {
        if self.language == self.default_language() { String::new() } else { format!("{}/", self.language) }
    }

    /// The configuration of the site in `language` (one of `languages`): its strings, dates
    /// and stemmer; everything else is the site's.
    pub fn for_language(&self, language: &str) -> Config {
        let mut config = self.clone();
        if let Some(catalogue) = self.catalogues.get(language) {
            config.i18n = std::sync::Arc::clone(catalogue);
        }
        config.language = language.to_string();
        config.catalogues = BTreeMap::new();
        config
    }
}

/// The keys of the top level of site.toml, in the order the docs list them.
const KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "languages",
    "theme",
    "output_dir",
    "autolink",
    "paginate",
    "search",
    "toc_min_headings",
    "glossary",
    "markdown",
    "images",
    "publish",
    "lint",
    "extra",
    "translations",
];
/// The keys of `[markdown]`.
const MARKDOWN_KEYS: &[&str] = &["raw_html", "embed_hosts"];
/// The keys of `[images]`.
const IMAGES_KEYS: &[&str] = &["widths", "format", "quality", "sizes", "cache_dir"];
/// The keys of `[publish]`.
const PUBLISH_KEYS: &[&str] = &["redirects", "precompress", "fingerprint"];
const REDIRECT_HOSTS: &[(&str, RedirectHost)] =
    &[("netlify", RedirectHost::Netlify), ("nginx", RedirectHost::Nginx), ("apache", RedirectHost::Apache)];
const COMPRESSIONS: &[(&str, Compression)] = &[("gzip", Compression::Gzip), ("brotli", Compression::Brotli)];
const VARIANT_FORMAT: &[(&str, VariantFormat)] =
    &[("webp", VariantFormat::Webp), ("original", VariantFormat::Original)];
/// The widest variant `[images] widths` may ask for, in pixels: the widest WebP.
const MAX_VARIANT_WIDTH: usize = 16_383;
const AUTOLINK: &[(&str, Autolink)] = &[("first", Autolink::First), ("all", Autolink::All), ("off", Autolink::Off)];
const RAW_HTML: &[(&str, RawHtml)] =
    &[("sanitize", RawHtml::Sanitize), ("escape", RawHtml::Escape), ("trusted", RawHtml::Trusted)];

/// The error of a command run where there is no site: it names the folder, `--root` and
/// `dossier init`, and points at no file (there is none to point at).
pub fn no_site_here(root: &Path) -> Diagnostic {
    let shown = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let message = if root.is_dir() {
        format!("there is no {CONFIG_FILE} in {}: it is not the folder of a dossier site", shown.display())
    } else {
        format!("there is no folder {}", shown.display())
    };
    Diagnostic::error(message).code(Code::NoSite).with_help(
        "run the command in the site's folder (the one with site.toml), name it with `--root DIR`, \
         or create a site with `dossier init DIR`",
    )
}

/// Parses and validates the text of `site.toml`. `base_url_override` is `--base-url`; `themes` are
/// the themes the site can choose from: the folders under `themes/` and the built-in `default`.
/// Every problem found is returned, each at its key.
pub fn parse(
    text: &str,
    base_url_override: Option<&str>,
    themes: &[String],
    i18n_files: &[crate::i18n::I18nFile],
) -> Result<Config, Vec<Diagnostic>> {
    let source = SourceFile::new(CONFIG_FILE, text);
    // parsing recovers from syntax errors, so that the keys after a broken line are checked too
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    let syntax: Vec<Diagnostic> = syntax_errors.iter().map(|e| syntax_error(&source, e)).collect();
    let mut check = Check { source: &source, errors: Vec::new(), complete: syntax.is_empty(), suggested: Vec::new() };
    let table = document.get_ref();
    check.unknown_keys(table, None, KEYS);

    let title = check.title(table);

    let base_url = check.base_url(table.get("base_url"), base_url_override);

    let description = table.get("description").and_then(|v| check.text(v, &Key::top("description")));
    let description = description.unwrap_or_default().trim().to_string();

    let language = check.language(table);
    let theme = check.theme_key(table, themes);
    let output_dir = check.output_dir(table);

    let autolink = table.get("autolink").and_then(|v| check.one_of(v, &Key::top("autolink"), AUTOLINK));
    let paginate = table.get("paginate").and_then(|v| check.whole_number(v, &Key::top("paginate")));
    let search = table.get("search").and_then(|v| check.boolean(v, &Key::top("search")));
    let toc_min_headings =
        table.get("toc_min_headings").and_then(|v| check.whole_number(v, &Key::top("toc_min_headings")));
    let glossary = table.get("glossary").and_then(|v| check.section(v, "glossary")).map(|t| check.glossary(t));

    let markdown = table.get("markdown").and_then(|v| check.section(v, "markdown")).map(|t| check.markdown(t));
    let images = table.get("images").and_then(|v| check.section(v, "images")).map(|t| check.images(t));
    let publish = table.get("publish").and_then(|v| check.section(v, "publish")).map(|t| check.publish(t));
    let extra = table.get("extra").and_then(|v| check.section(v, "extra")).map(|t| check.extra_map(t));
    let lint = table.get("lint").and_then(|v| check.section(v, "lint")).map(|t| check.lint(t));
    let i18n_files = crate::i18n::files_for_theme(i18n_files, &theme);
    let i18n = check.i18n(table, &language, &i18n_files);
    let (languages, catalogues) = check.languages(table, &language, &i18n_files, i18n.as_deref());

    let mut errors = check.errors;
    if !syntax.is_empty() {
        // a line that does not parse is reported as such, not again as a wrong value
        let broken: Vec<usize> = syntax.iter().filter_map(|d| d.location.as_ref().map(|l| l.line)).collect();
        errors.retain(|d| d.location.as_ref().is_none_or(|l| !broken.contains(&l.line)));
        errors.extend(syntax);
    }
    match base_url {
        Some(base_url) if errors.is_empty() => Ok(Config {
            title,
            base_url,
            description,
            language,
            theme,
            output_dir,
            autolink: autolink.unwrap_or_default(),
            paginate: paginate.unwrap_or(50),
            search: search.unwrap_or(true),
            toc_min_headings: toc_min_headings.unwrap_or(4),
            glossary: glossary.unwrap_or_default(),
            markdown: markdown.unwrap_or_default(),
            images: images.unwrap_or_default(),
            publish: publish.unwrap_or_default(),
            lint: lint.unwrap_or_default(),
            extra: extra.unwrap_or_default(),
            i18n: i18n.expect("no errors, so the catalogue was made"),
            languages,
            catalogues,
        }),
        _ => Err(errors),
    }
}

/// Whether `tag` looks like a language tag: letters, digits and `-` (`en`, `pt-BR`, `zh-Hant`).
fn is_language_tag(tag: &str) -> bool {
    !tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A line of site.toml that is not TOML.
fn syntax_error(source: &SourceFile<'_>, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim_end().replace('\n', "; ");
    let d = Diagnostic::error(format!("site.toml is not valid TOML: {message}")).code(Code::ConfigSyntax);
    match e.span() {
        Some(span) => d.at(source, span.start, span.len()),
        None => d.in_file(CONFIG_FILE),
    }
}

/// A key as a writer names it: `paginate`, or `raw_html` in `[markdown]`.
struct Key<'k> {
    section: Option<&'k str>,
    name: &'k str,
}

impl<'k> Key<'k> {
    fn top(name: &'k str) -> Self {
        Key { section: None, name }
    }

    fn in_section(section: &'k str, name: &'k str) -> Self {
        Key { section: Some(section), name }
    }
}

impl std::fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.section {
            Some(section) => write!(f, "`{}` in `[{section}]`", self.name),
            None => write!(f, "`{}`", self.name),
        }
    }
}

/// What a value is, named as a writer reads it.
fn kind_of(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a section",
    }
}

/// `"a", "b" or "c"`.
fn choices<T>(options: &[(&str, T)]) -> String {
    let quoted: Vec<String> = options.iter().map(|(name, _)| format!("\"{name}\"")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The checks of one parse of site.toml, and the errors they found.
struct Check<'s, 't> {
    source: &'s SourceFile<'t>,
    errors: Vec<Diagnostic>,
    /// The whole file parsed: a missing key is missing, not on a line that did not parse.
    complete: bool,
    /// Keys suggested for unknown ones: a `base_ulr` is reported once, not also as no `base_url`.
    suggested: Vec<&'static str>,
}

impl Check<'_, '_> {
    /// `title`: required, not empty.
    fn title(&mut self, table: &DeTable<'_>) -> String {
        match table.get("title") {
            Some(value) => match self.text(value, &Key::top("title")) {
                Some(t) if !t.trim().is_empty() => t.trim().to_string(),
                Some(_) => {
                    self.push(self.at(value.span(), "`title` in site.toml is empty".into()));
                    String::new()
                }
                None => String::new(),
            },
            None => {
                self.missing(
                    "title",
                    Diagnostic::error("site.toml has no `title`")
                        .code(Code::ConfigMissing)
                        .in_file(CONFIG_FILE)
                        .with_help("add a line such as `title = \"Policy Explainers\"`"),
                );
                String::new()
            }
        }
    }

    /// `language`: a language tag, `en` by default.
    fn language(&mut self, table: &DeTable<'_>) -> String {
        match table.get("language") {
            Some(value) => {
                let language = self.text(value, &Key::top("language")).unwrap_or("en");
                if !is_language_tag(language) {
                    let message =
                        format!("`language` must be a language tag such as `en` or `pt-BR`, not `{language}`");
                    self.push(self.at(value.span(), message));
                }
                language.to_string()
            }
            // a site that lists its languages only: the first is the default
            None => match table.get("languages").map(|v| v.get_ref()) {
                Some(DeValue::Array(items)) => match items.iter().next().map(|i| i.get_ref()) {
                    Some(DeValue::String(first)) if is_language_tag(first) => first.to_string(),
                    _ => "en".to_string(),
                },
                _ => "en".to_string(),
            },
        }
    }

    /// `languages`: a list of language tags without repeats, the first the default, which must
    /// be `language` when both are written (a site with `languages` alone takes its first as
    /// `language`: see [`parse`]); each other language's catalogue is built here, its errors at
    /// its item. Without `languages`, the site has one language, `language`.
    fn languages(
        &mut self,
        table: &DeTable<'_>,
        language: &str,
        files: &[crate::i18n::I18nFile],
        default: Option<&crate::i18n::Catalogue>,
    ) -> (Vec<String>, BTreeMap<String, std::sync::Arc<crate::i18n::Catalogue>>) {
        let mut catalogues = BTreeMap::new();
        let Some(value) = table.get("languages") else { return (vec![language.to_string()], catalogues) };
        let items = self.text_list(value, &Key::top("languages"));
        if items.is_empty() {
            if matches!(value.get_ref(), DeValue::Array(_)) {
                let message =
                    "`languages` lists the site's languages, the default first: `languages = [\"en\", \"fr\"]`";
                self.push(self.at(value.span(), message.to_string()));
            }
            return (vec![language.to_string()], catalogues);
        }
        let mut languages: Vec<String> = Vec::new();
        let overrides = table.get("translations").and_then(|v| match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        });
        for (n, item) in items.iter().enumerate() {
            let tag = *item.get_ref();
            if !is_language_tag(tag) {
                let message = format!("`languages` lists language tags such as `en` or `pt-BR`, not `{tag}`");
                self.push(self.at(item.span(), message));
                continue;
            }
            if languages.iter().any(|l| l == tag) {
                self.push(self.at(item.span(), format!("`{tag}` is listed twice in `languages`")));
                continue;
            }
            if n == 0 && table.contains_key("language") && tag != language {
                let message = format!(
                    "`languages` begins with `{tag}`, but `language` is `{language}`: the first is the default"
                );
                let d = self.at(item.span(), message).with_help(format!(
                    "write the default language first (`languages = [\"{language}\", …]`), or remove `language`"
                ));
                self.push(d);
            }
            if n > 0 {
                let at = Some((self.source, item.span()));
                let built = crate::i18n::Catalogue::build(tag, at, files, overrides.map(|t| (self.source, t)));
                match built {
                    Ok(catalogue) => {
                        catalogues.insert(tag.to_string(), std::sync::Arc::new(catalogue));
                    }
                    // the other languages' tables were checked with `language`'s catalogue:
                    // only what this language adds is new
                    Err(errors) => {
                        for e in errors {
                            if !self.errors.contains(&e) {
                                self.push(e);
                            }
                        }
                    }
                }
            }
            languages.push(tag.to_string());
        }
        if languages.is_empty() {
            languages.push(language.to_string());
        }
        for (n, item) in items.iter().enumerate().filter(|_| languages.len() > 1) {
            let catalogue = if n == 0 { default } else { catalogues.get(*item.get_ref()).map(|c| &**c) };
            if let Some(catalogue) = catalogue {
                self.multilingual_strings(catalogue, item.span());
            }
        }
        (languages, catalogues)
    }

    /// The strings only a multilingual site shows ([`crate::i18n::MULTILINGUAL_KEYS`]), which
    /// each language of `languages` must have: an error at its item (`span`) naming those that
    /// `catalogue`, its language's, lacks.
    fn multilingual_strings(&mut self, catalogue: &crate::i18n::Catalogue, span: Range<usize>) {
        let tag = catalogue.language();
        if catalogue.borrowed().is_empty() {
            return;
        }
        let keys: Vec<String> = catalogue.borrowed().iter().map(|k| format!("`{k}`")).collect();
        let message = format!("language `{tag}` lacks the strings of multilingual sites: {}", keys.join(", "));
        let d = self.at(span, message).code(Code::TranslationMissing);
        self.push(d.with_help(format!("write them in i18n/{tag}.toml (docs/multilingual.md)")));
    }

    /// The catalogue of the theme's strings in `language`, with the site's `i18n/` files and
    /// `[translations]` over it; its errors join the others.
    fn i18n(
        &mut self,
        table: &DeTable<'_>,
        language: &str,
        files: &[crate::i18n::I18nFile],
    ) -> Option<std::sync::Arc<crate::i18n::Catalogue>> {
        let language_at = table.get("language").map(|v| (self.source, v.span()));
        let overrides = table.get("translations").and_then(|v| self.section(v, "translations"));
        match crate::i18n::Catalogue::build(language, language_at, files, overrides.map(|t| (self.source, t))) {
            Ok(catalogue) => Some(std::sync::Arc::new(catalogue)),
            Err(errors) => {
                self.errors.extend(errors);
                None
            }
        }
    }

    /// `theme`: one of `themes`, the built-in one by default.
    fn theme_key(&mut self, table: &DeTable<'_>, themes: &[String]) -> String {
        match table.get("theme") {
            Some(value) => {
                let theme = self.text(value, &Key::top("theme")).unwrap_or(crate::theme::DEFAULT_THEME);
                self.theme(theme, value.span(), themes);
                theme.to_string()
            }
            None => crate::theme::DEFAULT_THEME.to_string(),
        }
    }

    /// `output_dir`: a folder name, `public` by default.
    fn output_dir(&mut self, table: &DeTable<'_>) -> String {
        match table.get("output_dir") {
            Some(value) => {
                let output_dir = self.text(value, &Key::top("output_dir")).unwrap_or("public");
                if output_dir.trim().is_empty() || output_dir.contains('\0') {
                    self.push(self.at(value.span(), "`output_dir` must name a folder".into()));
                }
                output_dir.to_string()
            }
            None => "public".to_string(),
        }
    }

    /// The `[markdown]` section.
    fn markdown(&mut self, section: &DeTable<'_>) -> MarkdownConfig {
        let mut markdown = MarkdownConfig::default();
        self.unknown_keys(section, Some("markdown"), MARKDOWN_KEYS);
        if let Some(value) = section.get("raw_html") {
            let mode = self.one_of(value, &Key::in_section("markdown", "raw_html"), RAW_HTML);
            markdown.raw_html = mode.unwrap_or_default();
        }
        if let Some(value) = section.get("embed_hosts") {
            for host in self.text_list(value, &Key::in_section("markdown", "embed_hosts")) {
                match embed_host(host.get_ref()) {
                    Ok(h) => markdown.embed_hosts.push(h),
                    Err(message) => self.push(self.at(host.span(), message)),
                }
            }
        }
        markdown
    }

    /// The `[images]` section; what it leaves out keeps its default.
    fn images(&mut self, section: &DeTable<'_>) -> ImagesConfig {
        let mut images = ImagesConfig::default();
        self.unknown_keys(section, Some("images"), IMAGES_KEYS);
        if let Some(value) = section.get("widths") {
            images.widths = self.widths(value);
        }
        if let Some(value) = section.get("format") {
            let key = Key::in_section("images", "format");
            images.format = self.one_of(value, &key, VARIANT_FORMAT).unwrap_or_default();
        }
        if let Some(value) = section.get("quality") {
            let key = Key::in_section("images", "quality");
            match self.whole_number(value, &key) {
                Some(q @ 1..=100) => images.quality = q as u8,
                Some(q) => self.push(self.at(value.span(), format!("{key} must be from 1 to 100, not {q}"))),
                None => {}
            }
        }
        if let Some(value) = section.get("sizes") {
            let key = Key::in_section("images", "sizes");
            match self.text(value, &key).map(str::trim) {
                Some("") => self.push(self.at(value.span(), format!("{key} must not be empty"))),
                Some(sizes) => images.sizes = sizes.to_string(),
                None => {}
            }
        }
        if let Some(value) = section.get("cache_dir") {
            let key = Key::in_section("images", "cache_dir");
            match self.text(value, &key) {
                Some(dir) if dir.trim().is_empty() => {
                    self.push(self.at(value.span(), format!("{key} must name a folder")))
                }
                Some(dir) => images.cache_dir = dir.to_string(),
                None => {}
            }
        }
        images
    }

    /// The `[publish]` section; what it leaves out keeps its default.
    fn publish(&mut self, section: &DeTable<'_>) -> PublishConfig {
        let mut publish = PublishConfig::default();
        self.unknown_keys(section, Some("publish"), PUBLISH_KEYS);
        if let Some(value) = section.get("redirects") {
            publish.redirects = self.choice_list(value, &Key::in_section("publish", "redirects"), REDIRECT_HOSTS);
        }
        if let Some(value) = section.get("precompress") {
            publish.precompress = self.choice_list(value, &Key::in_section("publish", "precompress"), COMPRESSIONS);
        }
        if let Some(value) = section.get("fingerprint") {
            publish.fingerprint = self.boolean(value, &Key::in_section("publish", "fingerprint")).unwrap_or(true);
        }
        publish
    }

    /// The `[lint]` section: `rule = false` turns a rule off; `review_after = "365d"`.
    fn lint(&mut self, section: &DeTable<'_>) -> LintConfig {
        let mut lint = LintConfig::default();
        let keys: Vec<&'static str> =
            std::iter::once("review_after").chain(crate::lint::RULES.iter().map(|(name, _)| *name)).collect();
        self.unknown_keys(section, Some("lint"), &keys);
        for (name, code) in crate::lint::RULES {
            let Some(value) = section.get(*name) else { continue };
            if self.boolean(value, &Key::in_section("lint", name)) == Some(false) {
                lint.off.push(*code);
            }
        }
        lint.off.sort_unstable();
        if let Some(value) = section.get("review_after") {
            let key = Key::in_section("lint", "review_after");
            let days = self.text(value, &key).map(|text| text.strip_suffix('d').and_then(|n| n.parse::<u32>().ok()));
            match days {
                Some(Some(days)) if days > 0 => lint.review_after_days = days,
                Some(_) => {
                    let d = self.at(value.span(), format!("{key} must be a number of days such as \"365d\""));
                    self.push(d);
                }
                None => {}
            }
        }
        lint
    }

    /// A list whose items are each one of `options`, each checked at its item; sorted, without
    /// repeats.
    fn choice_list<T: Copy + Ord>(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &Key<'_>,
        options: &[(&str, T)],
    ) -> Vec<T> {
        let mut chosen = Vec::new();
        for item in self.text_list(value, key) {
            match options.iter().find(|(name, _)| name == item.get_ref()) {
                Some((_, v)) => chosen.push(*v),
                None => {
                    let suggestion = diagnostics::closest(item.get_ref(), options.iter().map(|(name, _)| *name));
                    let message = format!("{key} can hold {}, not \"{}\"", choices(options), item.get_ref());
                    self.push(self.at(item.span(), message).with_suggestion(suggestion));
                }
            }
        }
        chosen.sort_unstable();
        chosen.dedup();
        chosen
    }

    /// `[images] widths`: whole numbers of pixels from 1 to [`MAX_VARIANT_WIDTH`], each checked
    /// at its item; returned sorted, without repeats.
    fn widths(&mut self, value: &Spanned<DeValue<'_>>) -> Vec<u32> {
        let key = Key::in_section("images", "widths");
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, &key, "a list of widths in pixels, such as [480, 960, 1600]");
            return ImagesConfig::default().widths;
        };
        let mut widths = Vec::new();
        for item in items.iter() {
            match self.whole_number(item, &key) {
                Some(w @ 1..=MAX_VARIANT_WIDTH) => widths.push(w as u32),
                Some(w) => self.push(
                    self.at(item.span(), format!("{key} must be widths from 1 to {MAX_VARIANT_WIDTH} pixels, not {w}")),
                ),
                None => {}
            }
        }
        widths.sort_unstable();
        widths.dedup();
        widths
    }

    /// A table of `[extra]` as free-form data, keys in written order.
    fn extra_map(&mut self, table: &DeTable<'_>) -> crate::extra::Map {
        crate::extra::Map(table.iter().map(|(k, v)| (k.get_ref().to_string(), self.extra_value(v))).collect())
    }

    /// A value of `[extra]`: dates stay as written, as text.
    fn extra_value(&mut self, value: &Spanned<DeValue<'_>>) -> crate::extra::Value {
        use crate::extra::Value;
        match value.get_ref() {
            DeValue::String(s) => Value::Text(s.to_string()),
            DeValue::Integer(n) => match i64::from_str_radix(n.as_str(), n.radix()) {
                Ok(n) => Value::Integer(n),
                Err(_) => {
                    self.push(self.at(value.span(), format!("a number in `[extra]` is too large: {n}")));
                    Value::Null
                }
            },
            DeValue::Float(f) => Value::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
            DeValue::Boolean(b) => Value::Bool(*b),
            DeValue::Datetime(d) => Value::Text(d.to_string()),
            DeValue::Array(items) => Value::List(items.iter().map(|item| self.extra_value(item)).collect()),
            DeValue::Table(t) => Value::Map(self.extra_map(t)),
        }
    }

    /// A wrong value at `span` (unknown keys and themes say so with their own code).
    fn at(&self, span: Range<usize>, message: String) -> Diagnostic {
        Diagnostic::error(message).code(Code::ConfigValue).at(self.source, span.start, span.len())
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.errors.push(diagnostic);
    }

    /// A required key that is not there, reported only when every line parsed and no misspelt
    /// key was taken for it.
    fn missing(&mut self, key: &str, diagnostic: Diagnostic) {
        if self.complete && !self.suggested.contains(&key) {
            self.errors.push(diagnostic);
        }
    }

    /// `key` holds something else than `expected`: an error at the value, with a hint when the
    /// writer's intent is plain (a quoted `"false"`, a quoted number, an unquoted word).
    fn wrong_type(&mut self, value: &Spanned<DeValue<'_>>, key: &Key<'_>, expected: &str) {
        let found = kind_of(value.get_ref());
        let mut d = self.at(value.span(), format!("{key} must be {expected}, not {found}"));
        let name = key.name;
        d = match (expected, value.get_ref()) {
            ("true or false", DeValue::String(s))
                if ["true", "false", "yes", "no"].contains(&s.trim().to_lowercase().as_str()) =>
            {
                d.with_help(format!("write `{name} = true` or `{name} = false`, without quotes"))
            }
            ("a whole number", DeValue::String(s)) if s.trim().parse::<u64>().is_ok() => {
                d.with_help(format!("write the number without quotes: `{name} = {}`", s.trim()))
            }
            ("a whole number", DeValue::Float(_)) => d.with_help("a number of explainers has no decimals"),
            (_, DeValue::String(_)) => d,
            (expected, DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) | DeValue::Datetime(_))
                if expected == "text" || expected.starts_with("one of") =>
            {
                d.with_help(format!("put text in quotes: `{name} = \"…\"`"))
            }
            _ => d,
        };
        self.errors.push(d);
    }

    fn text<'v>(&mut self, value: &'v Spanned<DeValue<'_>>, key: &Key<'_>) -> Option<&'v str> {
        match value.get_ref() {
            DeValue::String(s) => Some(s),
            _ => {
                self.wrong_type(value, key, "text");
                None
            }
        }
    }

    fn boolean(&mut self, value: &Spanned<DeValue<'_>>, key: &Key<'_>) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(value, key, "true or false");
                None
            }
        }
    }

    fn whole_number(&mut self, value: &Spanned<DeValue<'_>>, key: &Key<'_>) -> Option<usize> {
        let DeValue::Integer(n) = value.get_ref() else {
            self.wrong_type(value, key, "a whole number");
            return None;
        };
        match u64::from_str_radix(n.as_str(), n.radix()).ok().and_then(|n| usize::try_from(n).ok()) {
            Some(n) => Some(n),
            None if n.as_str().starts_with('-') => {
                self.push(self.at(value.span(), format!("{key} must be a whole number of 0 or more, not {n}")));
                None
            }
            None => {
                self.push(self.at(value.span(), format!("{key} is too large a number: {n}")));
                None
            }
        }
    }

    fn one_of<T: Copy>(&mut self, value: &Spanned<DeValue<'_>>, key: &Key<'_>, options: &[(&str, T)]) -> Option<T> {
        let expected = format!("one of {}", choices(options));
        let DeValue::String(s) = value.get_ref() else {
            self.wrong_type(value, key, &expected);
            return None;
        };
        if let Some((_, v)) = options.iter().find(|(name, _)| name == s) {
            return Some(*v);
        }
        let suggestion = diagnostics::closest(s, options.iter().map(|(name, _)| *name));
        self.push(self.at(value.span(), format!("{key} must be {expected}, not \"{s}\"")).with_suggestion(suggestion));
        None
    }

    /// The text items of a list; items of another kind are errors at the item.
    fn text_list<'v, 'i>(&mut self, value: &'v Spanned<DeValue<'i>>, key: &Key<'_>) -> Vec<Spanned<&'v str>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, key, "a list of text");
            return Vec::new();
        };
        let mut texts = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => texts.push(Spanned::new(item.span(), s.as_ref())),
                other => {
                    let message = format!("{key} must be a list of text, and this item is {}", kind_of(other));
                    self.push(self.at(item.span(), message));
                }
            }
        }
        texts
    }

    fn section<'v, 'i>(&mut self, value: &'v Spanned<DeValue<'i>>, name: &str) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(value, &Key::top(name), &format!("a section (`[{name}]`)"));
                None
            }
        }
    }

    /// Every key of `table` that is not one of `known`, with a did-you-mean, or where the key
    /// belongs when it is in the wrong part of the file.
    fn unknown_keys(&mut self, table: &DeTable<'_>, section: Option<&str>, known: &[&'static str]) {
        for (key, _) in table.iter() {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let (message, help) = match section {
                Some(section) if KEYS.contains(&name) => (
                    format!("unknown key `{name}` in `[{section}]`"),
                    format!(
                        "`{name}` belongs at the top of site.toml, but here it follows the line `[{section}]`: \
                         move it above the first `[…]` line"
                    ),
                ),
                None if MARKDOWN_KEYS.contains(&name) => (
                    format!("unknown key `{name}` in site.toml"),
                    format!("`{name}` belongs in the `[markdown]` section: write it after a line `[markdown]`"),
                ),
                _ => {
                    let message = match section {
                        Some(section) => format!("unknown key `{name}` in `[{section}]`"),
                        None => format!("unknown key `{name}` in site.toml"),
                    };
                    let help = match diagnostics::closest(name, known.iter().copied()) {
                        Some(suggestion) => {
                            self.suggested.push(suggestion);
                            format!("did you mean `{suggestion}`?")
                        }
                        None => {
                            let place = section.map_or("site.toml".to_string(), |s| format!("`[{s}]`"));
                            format!("the keys of {place} are {}", known.join(", "))
                        }
                    };
                    (message, help)
                }
            };
            self.push(self.at(key.span(), message).code(Code::ConfigKey).with_help(help));
        }
    }

    fn glossary(&mut self, table: &DeTable<'_>) -> BTreeMap<String, String> {
        let mut glossary = BTreeMap::new();
        for (term, expansion) in table.iter() {
            match expansion.get_ref() {
                DeValue::String(text) if !term.get_ref().trim().is_empty() && !text.trim().is_empty() => {
                    glossary.insert(term.get_ref().trim().to_string(), text.trim().to_string());
                }
                DeValue::String(_) => {
                    let message = "glossary terms and their expansions must not be empty".to_string();
                    self.push(self.at(term.span(), message));
                }
                other => {
                    let term = term.get_ref();
                    let message =
                        format!("the expansion of glossary term `{term}` must be text, not {}", kind_of(other));
                    let d = self.at(expansion.span(), message);
                    self.push(if KEYS.contains(&term.as_ref()) {
                        d.with_help(format!(
                            "`{term}` is read as a glossary term because it follows the line `[glossary]`: \
                             move it above the first `[…]` line"
                        ))
                    } else if matches!(other, DeValue::Table(_)) {
                        d.with_help(
                            "a term with a dot is read as a dotted key: quote it, as in `\"U.S.\" = \"United States\"`",
                        )
                    } else {
                        d
                    });
                }
            }
        }
        glossary
    }

    /// The theme must be a folder under themes/ or the built-in `default`: one error at the
    /// `theme` key, listing the themes there are.
    fn theme(&mut self, theme: &str, span: Range<usize>, themes: &[String]) {
        if theme.is_empty() || !theme.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            self.push(
                self.at(span, format!("`theme` must be the name of a folder under themes/, not `{theme}`"))
                    .code(Code::Theme),
            );
            return;
        }
        if theme == crate::theme::DEFAULT_THEME || themes.iter().any(|t| t == theme) {
            return;
        }
        let shown: Vec<String> = themes
            .iter()
            .map(|t| if t == crate::theme::DEFAULT_THEME { format!("`{t}` (built in)") } else { format!("`{t}`") })
            .collect();
        let found = match shown.split_last() {
            Some((only, [])) => format!("the only theme found is {only}"),
            Some((last, rest)) => format!("the themes found are {} and {last}", rest.join(", ")),
            None => "no theme was found".to_string(),
        };
        let help = match diagnostics::closest(theme, themes.iter().map(String::as_str)) {
            Some(suggestion) => format!("did you mean `{suggestion}`? {}{}", found[..1].to_uppercase(), &found[1..]),
            None => format!("{found}; a theme is a folder under themes/ with templates/ and static/ in it"),
        };
        let message = format!("theme `{theme}` not found: there is no folder themes/{theme}/");
        self.push(self.at(span, message).code(Code::Theme).with_help(help));
    }

    /// `base_url` of the file, or `--base-url` when given (then the file's is not checked as an
    /// address). Its errors never show a user name or password written in it.
    fn base_url(&mut self, value: Option<&Spanned<DeValue<'_>>>, base_url_override: Option<&str>) -> Option<Url> {
        let written = value.and_then(|v| self.text(v, &Key::top("base_url")));
        if let Some(text) = base_url_override {
            return match parse_base_url(text) {
                Ok(url) => Some(url),
                Err(message) => {
                    self.push(Diagnostic::error(format!("--base-url: {message}")).code(Code::ConfigValue));
                    None
                }
            };
        }
        match (value, written) {
            (Some(value), Some(text)) => match parse_base_url(text) {
                Ok(url) => Some(url),
                Err(message) => {
                    let mut d = self.at(value.span(), message);
                    if let Some(excerpt) = &mut d.excerpt {
                        excerpt.text = mask_credentials(&excerpt.text);
                    }
                    self.push(d);
                    None
                }
            },
            (Some(_), None) => None,
            (None, _) => {
                self.missing(
                    "base_url",
                    Diagnostic::error("site.toml has no `base_url`")
                        .code(Code::ConfigMissing)
                        .in_file(CONFIG_FILE)
                        .with_help(
                            "add the address the site is published at, such as `base_url = \"https://example.org/\"`",
                        ),
                );
                None
            }
        }
    }
}

/// `text` with the user name and password of every `scheme://user:password@host` in it written
/// as `*`, one per character, so that an underline below it still lines up.
fn mask_credentials(text: &str) -> String {
    let mut masked = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        masked.push_str(before);
        let authority_end = after.find(['/', '?', '#', '"']).unwrap_or(after.len());
        let authority = &after[..authority_end];
        match authority.rfind('@') {
            Some(user_end) => {
                masked.extend(authority[..user_end].chars().map(|c| if c == ':' { ':' } else { '*' }));
                masked.push_str(&authority[user_end..]);
            }
            None => masked.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    masked.push_str(rest);
    masked
}

/// A host name of `embed_hosts`, lower-cased: `player.vimeo.com`, not a URL.
fn embed_host(text: &str) -> Result<String, String> {
    let host = text.trim().to_ascii_lowercase();
    let valid = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if valid {
        Ok(host)
    } else {
        Err(format!(
            "`embed_hosts` lists host names such as `www.youtube-nocookie.com`, not `{text}` (no scheme, path or port)"
        ))
    }
}

/// An absolute `http(s)` URL, without credentials, query or fragment, normalized to end in `/`.
/// Messages never repeat a user name or password written in it.
pub fn parse_base_url(text: &str) -> Result<Url, String> {
    let shown = mask_credentials(text);
    let mut url = Url::parse(text.trim()).map_err(|e| format!("`base_url` `{shown}` is not a URL: {e}"))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(format!("`base_url` must start with https:// or http://, not `{}:`", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`base_url` `{shown}` has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // it would be written into every canonical link, the feeds, the sitemap and robots.txt
        return Err("`base_url` must not hold a user name or password (`user:password@`): it would be \
                    published in every page, the feeds, the sitemap and robots.txt"
            .to_string());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`base_url` `{shown}` must not have a query or a fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn themes() -> Vec<String> {
        vec!["default".to_string()]
    }

    #[test]
    fn defaults_and_normalization() {
        let c = parse("title = \"T\"\nbase_url = \"https://example.org/explainers\"\n", None, &themes(), &[]).unwrap();
        assert_eq!(c.base_url.as_str(), "https://example.org/explainers/");
        assert_eq!((c.paginate, c.search, c.autolink), (50, true, Autolink::First));
        assert_eq!((c.theme.as_str(), c.output_dir.as_str(), c.language.as_str()), ("default", "public", "en"));
    }

    #[test]
    fn errors_name_the_key_and_line() {
        let errs = parse("title = \"T\"\nbase_url = \"ftp://x/\"\n", None, &themes(), &[]).unwrap_err();
        let loc = errs[0].location.as_ref().unwrap();
        assert_eq!((loc.path.as_str(), loc.line), ("site.toml", 2));
        let errs =
            parse("title = \"T\"\nbase_url = \"https://x/\"\nautolnk = \"all\"\n", None, &themes(), &[]).unwrap_err();
        assert!(errs[0].message.contains("autolnk"), "{}", errs[0]);
        assert_eq!(errs[0].location.as_ref().unwrap().line, 3);
        let errs = parse("base_url = \"https://x/\"\n", None, &themes(), &[]).unwrap_err();
        assert!(errs[0].message.contains("title"));
    }

    #[test]
    fn markdown_section() {
        let c = parse("title = \"T\"\nbase_url = \"https://x/\"\n", None, &themes(), &[]).unwrap();
        assert_eq!(c.markdown, MarkdownConfig { raw_html: RawHtml::Sanitize, embed_hosts: vec![] });
        let text = "title = \"T\"\nbase_url = \"https://x/\"\n[markdown]\nraw_html = \"trusted\"\nembed_hosts = [\"Player.Vimeo.com\"]\n";
        let c = parse(text, None, &themes(), &[]).unwrap();
        assert_eq!(c.markdown.raw_html, RawHtml::Trusted);
        assert_eq!(c.markdown.embed_hosts, ["player.vimeo.com"]);
        let text = "title = \"T\"\nbase_url = \"https://x/\"\n[markdown]\nembed_hosts = [\"https://youtube.com/\"]\n";
        let errs = parse(text, None, &themes(), &[]).unwrap_err();
        assert_eq!(errs[0].location.as_ref().unwrap().line, 4, "{}", errs[0]);
        let text = "title = \"T\"\nbase_url = \"https://x/\"\n[markdown]\nraw_html = \"unsafe\"\n";
        assert!(parse(text, None, &themes(), &[]).unwrap_err()[0].message.contains("unsafe"));
    }

    #[test]
    fn images_section() {
        let c = parse("title = \"T\"\nbase_url = \"https://x/\"\n", None, &themes(), &[]).unwrap();
        assert_eq!(c.images, ImagesConfig::default());
        assert_eq!((c.images.widths.as_slice(), c.images.format), ([480, 960, 1600].as_slice(), VariantFormat::Webp));
        let text = "title = \"T\"\nbase_url = \"https://x/\"\n[images]\nwidths = [960, 320, 960]\nformat = \"original\"\nquality = 70\nsizes = \"100vw\"\ncache_dir = \"../cache\"\n";
        let c = parse(text, None, &themes(), &[]).unwrap();
        assert_eq!(c.images.widths, [320, 960], "sorted, without repeats");
        assert_eq!(
            (c.images.format, c.images.quality, c.images.sizes.as_str()),
            (VariantFormat::Original, 70, "100vw")
        );
        assert_eq!(c.images.cache_dir, "../cache");
        let c =
            parse("title = \"T\"\nbase_url = \"https://x/\"\n[images]\nwidths = []\n", None, &themes(), &[]).unwrap();
        assert!(c.images.widths.is_empty(), "resizing off");
    }

    #[test]
    fn images_errors_name_the_key_and_line() {
        let text = "title = \"T\"\nbase_url = \"https://x/\"\n[images]\nwidths = [480, 0, \"960\", 20000]\nformat = \"avif\"\nquality = 0\nsizes = 3\nwidth = 1\n";
        assert_eq!(
            errors(text),
            [
                "4:16 `widths` in `[images]` must be widths from 1 to 16383 pixels, not 0",
                "4:19 `widths` in `[images]` must be a whole number, not text",
                "4:26 `widths` in `[images]` must be widths from 1 to 16383 pixels, not 20000",
                "5:10 `format` in `[images]` must be one of \"webp\" or \"original\", not \"avif\"",
                "6:11 `quality` in `[images]` must be from 1 to 100, not 0",
                "7:9 `sizes` in `[images]` must be text, not a whole number",
                "8:1 unknown key `width` in `[images]`",
            ]
        );
        let text = "title = \"T\"\nbase_url = \"https://x/\"\nimages = true\n[x]\n";
        assert!(errors(text)[0].starts_with("3:10 `images` must be a section (`[images]`)"), "{:?}", errors(text));
    }

    #[test]
    fn override_replaces_base_url() {
        let c = parse("title = \"T\"\nbase_url = \"https://x/\"\n", Some("http://localhost:8000/sub"), &themes(), &[])
            .unwrap();
        assert_eq!(c.base_url.as_str(), "http://localhost:8000/sub/");
    }

    /// The messages of the errors of `text`, in the order of the file.
    fn errors(text: &str) -> Vec<String> {
        let mut errors = parse(text, None, &themes(), &[]).unwrap_err();
        diagnostics::sort(&mut errors);
        errors
            .iter()
            .map(|d| {
                format!("{}:{} {}", d.location.as_ref().unwrap().line, d.location.as_ref().unwrap().column, d.message)
            })
            .collect()
    }

    #[test]
    fn every_error_is_reported_with_types_a_writer_reads() {
        let text = "title = \"T\"\nbase_url = \"https://x/\"\npaginate = -1\nsearch = 1\ndescription = 2024-01-01\nautolink = false\n[markdown]\nembed_hosts = \"youtube.com\"\n";
        assert_eq!(
            errors(text),
            [
                "3:12 `paginate` must be a whole number of 0 or more, not -1",
                "4:10 `search` must be true or false, not a whole number",
                "5:15 `description` must be text, not a date",
                "6:12 `autolink` must be one of \"first\", \"all\" or \"off\", not true or false",
                "8:15 `embed_hosts` in `[markdown]` must be a list of text, not text",
            ]
        );
        let text = "title = \"T\"\nbase_url = \"https://x/\"\nmarkdown = \"trusted\"\nglossary = [\"WTO\"]\n";
        assert_eq!(
            errors(text),
            [
                "3:12 `markdown` must be a section (`[markdown]`), not text",
                "4:12 `glossary` must be a section (`[glossary]`), not a list"
            ]
        );
    }

    #[test]
    fn unknown_keys_get_a_suggestion_or_their_place() {
        let text = "title = \"T\"\nbase_ulr = \"https://x/\"\nraw_html = \"escape\"\nfrobnicate = 1\n[markdown]\nembed_host = []\n[themes]\n";
        let errs = parse(text, None, &themes(), &[]).unwrap_err();
        let help = |key: &str| {
            let d = errs
                .iter()
                .find(|d| d.message.contains(&format!("`{key}`")))
                .unwrap_or_else(|| panic!("{key}: {errs:?}"));
            d.help.clone().unwrap_or_default()
        };
        assert_eq!(help("base_ulr"), "did you mean `base_url`?");
        assert!(help("raw_html").contains("belongs in the `[markdown]` section"));
        assert!(help("frobnicate").starts_with("the keys of site.toml are title, base_url"));
        assert_eq!(help("embed_host"), "did you mean `embed_hosts`?");
        assert_eq!(help("themes"), "did you mean `theme`?");
        // `base_ulr` stands for `base_url`: not reported missing as well
        assert_eq!(errs.len(), 5, "{errs:?}");
    }

    #[test]
    fn a_glossary_term_after_its_section_is_explained() {
        let text = "title = \"T\"\nbase_url = \"https://x/\"\n[glossary]\nAPEC = \"Asia-Pacific Economic Cooperation\"\nsearch = false\n";
        let errs = parse(text, None, &themes(), &[]).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].help.as_deref().unwrap().contains("follows the line `[glossary]`"), "{}", errs[0]);
        let text = "title = \"T\"\nbase_url = \"https://x/\"\n[glossary]\n\"U.S.\" = \"United States\"\n";
        assert_eq!(parse(text, None, &themes(), &[]).unwrap().glossary["U.S."], "United States");
    }

    #[test]
    fn syntax_errors_come_with_the_other_errors_and_no_missing_key() {
        // the broken `title` line is reported once, and `title` not as missing
        let errs = errors("title = \"T\ntheme = 3\nbase_url = \"https://x/\"\npaginate = \"9\"\n");
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0].starts_with("1:11 site.toml is not valid TOML"), "{errs:?}");
        assert_eq!(errs[1], "2:9 `theme` must be text, not a whole number");
        assert_eq!(errs[2], "4:12 `paginate` must be a whole number, not text");
    }

    #[test]
    fn themes_are_checked_against_those_found() {
        let text = "title = \"T\"\nbase_url = \"https://x/\"\ntheme = \"tufte\"\n";
        let errs = parse(text, None, &themes(), &[]).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].help.as_deref(),
            Some(
                "the only theme found is `default` (built in); a theme is a folder under themes/ with templates/ and static/ in it"
            )
        );
        let found = vec!["default".to_string(), "tufte".to_string()];
        assert_eq!(parse(text, None, &found, &[]).unwrap().theme, "tufte");
    }

    #[test]
    fn credentials_are_refused_and_masked() {
        assert!(parse_base_url("https://user:pass@example.org/").unwrap_err().contains("user name or password"));
        assert!(parse_base_url("https://token@example.org/").is_err());
        assert!(!parse_base_url("https://user:s3cr3t word@example.org:99999/").unwrap_err().contains("s3cr3t"));
        assert_eq!(mask_credentials("x = \"https://ab:cd@h.org/p@q\""), "x = \"https://**:**@h.org/p@q\"");
        assert_eq!(mask_credentials("https://h.org/a://b"), "https://h.org/a://b");
        assert_eq!(mask_credentials("é https://é:é@h/ ftp://u@h"), "é https://*:*@h/ ftp://*@h");
    }
}
