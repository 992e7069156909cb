//! Templates: the theme's and the site's Tera templates, compiled once, and their errors as diagnostics.

use crate::diagnostics::{Diagnostic, SourceFile};
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
];

/// Compiled templates, plus where each came from for error messages.
pub struct Templates {
    pub tera: tera::Tera,
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
                diagnostics.push(Diagnostic::error(format!(
                    "the theme has no template `{name}`: add templates/{name} to the site or to the theme"
                )));
            }
        }
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Compile one by one first, so that every syntax error is found, not only the first.
        for file in files {
            let mut single = tera::Tera::new();
            if let Err(e) = single.add_raw_template(&file.name, &file.text) {
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    diagnostics.push(error_to_diagnostic(&e, &origins));
                }
            }
        }
        if diagnostics.is_empty() {
            if let Err(e) = tera.add_raw_templates(files.iter().map(|f| (f.name.as_str(), f.text.as_str()))) {
                diagnostics.push(error_to_diagnostic(&e, &origins));
            }
        }
        if diagnostics.is_empty() { Ok(Templates { tera, origins }) } else { Err(diagnostics) }
    }

    pub fn diagnostic(&self, error: &tera::Error) -> Diagnostic {
        error_to_diagnostic(error, &self.origins)
    }
}

/// A Tera error as a diagnostic at the template's file, line and column where Tera knows them.
fn error_to_diagnostic(error: &tera::Error, origins: &HashMap<String, (String, String)>) -> Diagnostic {
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
                    Diagnostic::error(message).at(&source, offset, len)
                }
                None => Diagnostic::error(format!("{message} (in template `{}`)", report.filename())),
            }
        }
        other => {
            let mut message = format!("template error: {other}");
            let mut source = std::error::Error::source(error);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            Diagnostic::error(message)
        }
    }
}
