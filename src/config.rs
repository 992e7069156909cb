//! `site.toml` into a typed, validated `Config`; every problem names `site.toml` and the key.

use crate::diagnostics::{Diagnostic, SourceFile};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;
use url::Url;

pub const CONFIG_FILE: &str = "site.toml";

/// How actor mentions in explainer text are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    #[serde(default)]
    raw_html: RawHtml,
    #[serde(default)]
    embed_hosts: Vec<Spanned<String>>,
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
    /// Acronym → expansion.
    pub glossary: BTreeMap<String, String>,
    pub markdown: MarkdownConfig,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    #[serde(default)]
    description: String,
    language: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    output_dir: Option<Spanned<String>>,
    #[serde(default)]
    autolink: Autolink,
    #[serde(default = "default_paginate")]
    paginate: usize,
    #[serde(default = "default_true")]
    search: bool,
    #[serde(default)]
    glossary: BTreeMap<Spanned<String>, String>,
    #[serde(default)]
    markdown: RawMarkdown,
}

fn default_paginate() -> usize {
    50
}

fn default_true() -> bool {
    true
}

/// Parses and validates the text of `site.toml`. `base_url_override` is `--base-url`.
pub fn parse(text: &str, base_url_override: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
    let source = SourceFile::new(CONFIG_FILE, text);
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end().replace('\n', "; ");
        let d = Diagnostic::error(format!("invalid site configuration: {message}"));
        vec![match e.span() {
            Some(span) => d.at(&source, span.start, span.len()),
            None => d.in_file(CONFIG_FILE),
        }]
    })?;
    let mut errors = Vec::new();
    let at = |errors: &mut Vec<Diagnostic>, value: &Spanned<String>, message: String| {
        errors.push(Diagnostic::error(message).at(&source, value.span().start, value.span().len()));
    };

    let title = match &raw.title {
        Some(t) if !t.get_ref().trim().is_empty() => t.get_ref().trim().to_string(),
        Some(t) => {
            at(&mut errors, t, "`title` in site.toml is empty".into());
            String::new()
        }
        None => {
            errors.push(
                Diagnostic::error("site.toml has no `title`")
                    .in_file(CONFIG_FILE)
                    .with_help("add a line such as `title = \"Policy Explainers\"`"),
            );
            String::new()
        }
    };

    let base_url_text =
        base_url_override.map(str::to_string).or_else(|| raw.base_url.as_ref().map(|u| u.get_ref().clone()));
    let base_url =
        match base_url_text {
            None => {
                errors.push(Diagnostic::error("site.toml has no `base_url`").in_file(CONFIG_FILE).with_help(
                    "add the address the site is published at, such as `base_url = \"https://example.org/\"`",
                ));
                None
            }
            Some(text) => match parse_base_url(&text) {
                Ok(url) => Some(url),
                Err(message) => {
                    match (&raw.base_url, base_url_override) {
                        (Some(spanned), None) => at(&mut errors, spanned, message),
                        _ => errors.push(Diagnostic::error(format!("--base-url: {message}"))),
                    }
                    None
                }
            },
        };

    let language = raw.language.as_ref().map_or("en".to_string(), |l| l.get_ref().clone());
    if let Some(l) = &raw.language
        && (l.get_ref().is_empty() || !l.get_ref().chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        at(&mut errors, l, format!("`language` must be a language tag such as `en` or `pt-BR`, not `{}`", l.get_ref()));
    }

    let theme = raw.theme.as_ref().map_or("default".to_string(), |t| t.get_ref().clone());
    if let Some(t) = &raw.theme
        && (t.get_ref().is_empty() || !t.get_ref().chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        at(&mut errors, t, format!("`theme` must be the name of a folder under themes/, not `{}`", t.get_ref()));
    }

    let output_dir = raw.output_dir.as_ref().map_or("public".to_string(), |o| o.get_ref().clone());
    if let Some(o) = &raw.output_dir
        && (o.get_ref().trim().is_empty() || o.get_ref().contains('\0'))
    {
        at(&mut errors, o, "`output_dir` must name a folder".into());
    }

    let mut glossary = BTreeMap::new();
    for (term, expansion) in raw.glossary {
        if term.get_ref().trim().is_empty() || expansion.trim().is_empty() {
            at(&mut errors, &term, "glossary terms and their expansions must not be empty".into());
        } else {
            glossary.insert(term.get_ref().trim().to_string(), expansion.trim().to_string());
        }
    }

    let mut embed_hosts = Vec::new();
    for host in &raw.markdown.embed_hosts {
        match embed_host(host.get_ref()) {
            Ok(h) => embed_hosts.push(h),
            Err(message) => at(&mut errors, host, message),
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Config {
        title,
        base_url: base_url.expect("checked above"),
        description: raw.description.trim().to_string(),
        language,
        theme,
        output_dir,
        autolink: raw.autolink,
        paginate: raw.paginate,
        search: raw.search,
        glossary,
        markdown: MarkdownConfig { raw_html: raw.markdown.raw_html, embed_hosts },
    })
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

/// An absolute `http(s)` URL, without query or fragment, normalized to end in `/`.
pub fn parse_base_url(text: &str) -> Result<Url, String> {
    let mut url = Url::parse(text.trim()).map_err(|e| format!("`base_url` `{text}` is not a URL: {e}"))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(format!("`base_url` must start with https:// or http://, not `{}:`", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`base_url` `{text}` has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`base_url` `{text}` must not have a query or a fragment"));
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

    #[test]
    fn defaults_and_normalization() {
        let c = parse("title = \"T\"\nbase_url = \"https://example.org/explainers\"\n", None).unwrap();
        assert_eq!(c.base_url.as_str(), "https://example.org/explainers/");
        assert_eq!((c.paginate, c.search, c.autolink), (50, true, Autolink::First));
        assert_eq!((c.theme.as_str(), c.output_dir.as_str(), c.language.as_str()), ("default", "public", "en"));
    }

    #[test]
    fn errors_name_the_key_and_line() {
        let errs = parse("title = \"T\"\nbase_url = \"ftp://x/\"\n", None).unwrap_err();
        let loc = errs[0].location.as_ref().unwrap();
        assert_eq!((loc.path.as_str(), loc.line), ("site.toml", 2));
        let errs = parse("title = \"T\"\nbase_url = \"https://x/\"\nautolnk = \"all\"\n", None).unwrap_err();
        assert!(errs[0].message.contains("autolnk"), "{}", errs[0]);
        assert_eq!(errs[0].location.as_ref().unwrap().line, 3);
        let errs = parse("base_url = \"https://x/\"\n", None).unwrap_err();
        assert!(errs[0].message.contains("title"));
    }

    #[test]
    fn markdown_section() {
        let c = parse("title = \"T\"\nbase_url = \"https://x/\"\n", None).unwrap();
        assert_eq!(c.markdown, MarkdownConfig { raw_html: RawHtml::Sanitize, embed_hosts: vec![] });
        let text = "title = \"T\"\nbase_url = \"https://x/\"\n[markdown]\nraw_html = \"trusted\"\nembed_hosts = [\"Player.Vimeo.com\"]\n";
        let c = parse(text, None).unwrap();
        assert_eq!(c.markdown.raw_html, RawHtml::Trusted);
        assert_eq!(c.markdown.embed_hosts, ["player.vimeo.com"]);
        let text = "title = \"T\"\nbase_url = \"https://x/\"\n[markdown]\nembed_hosts = [\"https://youtube.com/\"]\n";
        let errs = parse(text, None).unwrap_err();
        assert_eq!(errs[0].location.as_ref().unwrap().line, 4, "{}", errs[0]);
        let text = "title = \"T\"\nbase_url = \"https://x/\"\n[markdown]\nraw_html = \"unsafe\"\n";
        assert!(parse(text, None).unwrap_err()[0].message.contains("unsafe"));
    }

    #[test]
    fn override_replaces_base_url() {
        let c = parse("title = \"T\"\nbase_url = \"https://x/\"\n", Some("http://localhost:8000/sub")).unwrap();
        assert_eq!(c.base_url.as_str(), "http://localhost:8000/sub/");
    }
}
