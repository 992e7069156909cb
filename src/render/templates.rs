//! Templates: the theme's and the site's Tera templates, compiled once, and their errors as diagnostics.

use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::load::TemplateFile;
use std::collections::HashMap;

/// The templates every theme must provide, one per kind of page.
pub const REQUIRED: &[&str] = &[
    "index.html",
    "explainer.html",
    "topics.html",
    "topic.html",
    "actors.html",
    "actor.html",
    "404.html",
    "alias.html",
    "section.html",
];

/// The template of one explainer in a list; optional: without it cards have no `html`.
pub const CARD_TEMPLATE: &str = "partials/card.html";

/// Compiled templates, plus where each came from for error messages.
pub struct Templates {
    pub tera: tera::Tera,
    /// Whether the theme or the site has [`CARD_TEMPLATE`].
    pub has_card: bool,
    origins: HashMap<String, (String, String)>,
}

impl Templates {
    /// Compiles every template; syntax errors, missing parents and missing required templates are reported together.
    pub fn compile(files: &[TemplateFile]) -> Result<Templates, Vec<Diagnostic>> {
        let origins: HashMap<String, (String, String)> =
            files.iter().map(|f| (f.name.clone(), (f.origin.clone(), f.text.clone()))).collect();
        let mut diagnostics = Vec::new();
        for name in REQUIRED {
            if !origins.contains_key(*name) {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "the theme has no template `{name}`: add templates/{name} to the site or to the theme"
                    ))
                    .code(Code::Template),
                );
            }
        }
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.register_filter("safe", safe);
        // known while compiling; rendering registers the catalogues of the site's languages
        tera.register_function("t", |_: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            Err(tera::Error::message("`t` is called before the site's strings are known"))
        });
        // Compile one by one first, so that every syntax error is found, not only the first.
        for file in files {
            let mut single = tera::Tera::new();
            if let Err(e) = single.add_raw_template(&file.name, &file.text)
                && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
            {
                diagnostics.push(error_to_diagnostic(&e, &origins));
            }
        }
        if diagnostics.is_empty()
            && let Err(e) = tera.add_raw_templates(files.iter().map(|f| (f.name.as_str(), f.text.as_str())))
        {
            diagnostics.extend(error_to_diagnostics(&e, &origins));
        }
        let has_card = origins.contains_key(CARD_TEMPLATE);
        if diagnostics.is_empty() { Ok(Templates { tera, has_card, origins }) } else { Err(diagnostics) }
    }

    pub fn diagnostic(&self, error: &tera::Error) -> Diagnostic {
        error_to_diagnostic(error, &self.origins)
    }
}

/// Tera's `safe` filter, without copying the text: a string is marked safe as it is (Tera's own
/// copies it, and an explainer's body goes through `safe` on every page); anything else becomes
/// its text, as with Tera's.
fn safe(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if value.is_string() { value.mark_safe() } else { tera::Value::safe_string(&value.to_string()) }
}

/// A Tera error as diagnostics: Tera reports unknown filters, tests, functions and included
/// templates of every template at once, as text; each becomes a diagnostic of its own.
fn error_to_diagnostics(error: &tera::Error, origins: &HashMap<String, (String, String)>) -> Vec<Diagnostic> {
    let located = match error.kind() {
        tera::ErrorKind::Msg(text) => located_reports(text, origins),
        _ => Vec::new(),
    };
    if located.is_empty() { vec![one_diagnostic(error, origins)] } else { located }
}

/// Reads Tera's text reports (`error: MESSAGE` then ` --> NAME:LINE:COL`) back into diagnostics
/// located in the template's file as the user knows it (`templates/…` or the theme's).
fn located_reports(text: &str, origins: &HashMap<String, (String, String)>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut message: Option<&str> = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let (Some(m), Some(place)) = (message, line.trim_start().strip_prefix("--> ")) {
            message = None;
            let mut parts = place.rsplitn(3, ':');
            let (Some(column), Some(line_number), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            let (Ok(column), Ok(line_number)) = (column.parse::<usize>(), line_number.parse::<usize>()) else {
                continue;
            };
            let message = format!("template error: {m}");
            match origins.get(name) {
                Some((origin, source_text)) => {
                    let offset: usize =
                        source_text.split_inclusive('\n').take(line_number.saturating_sub(1)).map(str::len).sum();
                    let offset = (offset + column.saturating_sub(1)).min(source_text.len());
                    let d = Diagnostic::error(message).code(Code::Template);
                    diagnostics.push(d.at(&SourceFile::new(origin, source_text), offset, 1));
                }
                None => diagnostics
                    .push(Diagnostic::error(format!("{message} (in template `{name}`)")).code(Code::Template)),
            }
        }
    }
    diagnostics
}

/// A Tera error as one diagnostic: the first of [`error_to_diagnostics`], saying how many more
/// there are.
fn error_to_diagnostic(error: &tera::Error, origins: &HashMap<String, (String, String)>) -> Diagnostic {
    let mut all = error_to_diagnostics(error, origins);
    let mut first = all.remove(0);
    if !all.is_empty() {
        first.message.push_str(&format!(" (and {} more template errors)", all.len()));
    }
    first
}

/// A Tera error as a diagnostic at the template's file, line and column where Tera knows them.
fn one_diagnostic(error: &tera::Error, origins: &HashMap<String, (String, String)>) -> Diagnostic {
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let kind = if matches!(error.kind(), tera::ErrorKind::SyntaxError(_)) { "syntax error" } else { "error" };
            let message = format!("template {kind}: {}", report.message());
            match origins.get(report.filename()) {
                Some((origin, text)) => {
                    let source = SourceFile::new(origin, text);
                    let span = report.span();
                    let offset = span.range.start.min(text.len());
                    let len = span.range.end.saturating_sub(span.range.start);
                    Diagnostic::error(message).code(Code::Template).at(&source, offset, len)
                }
                None => {
                    Diagnostic::error(format!("{message} (in template `{}`)", report.filename())).code(Code::Template)
                }
            }
        }
        other => {
            let mut message = format!("template error: {other}");
            let mut source = std::error::Error::source(error);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            Diagnostic::error(message).code(Code::Template)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `safe` as Tera's: strings are output as they are, other values as their text.
    #[test]
    fn safe_leaves_strings_unescaped_and_writes_other_values_as_text() {
        let file = |name: &str, text: &str| TemplateFile {
            name: name.to_string(),
            origin: format!("templates/{name}"),
            text: text.to_string(),
        };
        let mut files: Vec<TemplateFile> = REQUIRED.iter().map(|name| file(name, "")).collect();
        files.push(file("page.html", "{{ html | safe }}|{{ html }}|{{ number | safe }}|{{ list | safe }}"));
        let templates = Templates::compile(&files).expect("templates compile");
        let mut context = tera::Context::new();
        context.insert("html", "<b>bold</b> & more");
        context.insert("number", &3);
        context.insert("list", &vec![1, 2]);
        let out = templates.tera.render("page.html", &context).expect("renders");
        assert_eq!(out, "<b>bold</b> & more|&lt;b&gt;bold&lt;/b&gt; &amp; more|3|[1, 2]");
    }
}
