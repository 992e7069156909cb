//! Typed, located diagnostics: every problem a user can cause is one of these, printed as `error: … --> path:line:col`.

use std::fmt;

/// How bad a diagnostic is. Errors fail the command; warnings fail only `check --strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a file of the site, 1-based, columns counted in characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Path relative to the site root, with `/` separators (`content/articles/x.md`).
    pub path: String,
    pub line: usize,
    pub column: usize,
}

/// The source line a diagnostic points into, for the `|` excerpt under the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    /// Character column (1-based) where the underline starts, and how many characters it covers.
    pub column: usize,
    pub width: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    pub excerpt: Option<Excerpt>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, message: message.into(), location: None, excerpt: None, help: None }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    /// Points at a whole file, without a line (line 1, column 1 is reported).
    pub fn in_file(mut self, path: &str) -> Self {
        self.location = Some(Location { path: path.to_string(), line: 1, column: 1 });
        self
    }

    /// Points at `len` bytes from byte `offset` of `source`.
    pub fn at(mut self, source: &SourceFile<'_>, offset: usize, len: usize) -> Self {
        let (location, excerpt) = source.locate(offset, len);
        self.location = Some(location);
        self.excerpt = Some(excerpt);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds "did you mean `x`?" when a candidate exists.
    pub fn with_suggestion(self, suggestion: Option<&str>) -> Self {
        match suggestion {
            Some(s) => self.with_help(format!("did you mean `{s}`?")),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (Option<&Location>, Severity, &str) {
        (self.location.as_ref(), self.severity, &self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        let gutter = match (&self.location, &self.excerpt) {
            (Some(loc), Some(_)) => loc.line.to_string().len(),
            _ => 1,
        };
        let pad = " ".repeat(gutter);
        if let Some(loc) = &self.location {
            writeln!(f, "{pad}--> {}:{}:{}", loc.path, loc.line, loc.column)?;
            if let Some(ex) = &self.excerpt {
                let text: String = ex.text.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
                writeln!(f, "{pad} |")?;
                writeln!(f, "{} | {}", loc.line, text)?;
                let lead = " ".repeat(ex.column.saturating_sub(1));
                writeln!(f, "{pad} | {lead}{}", "^".repeat(ex.width.max(1)))?;
            }
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file, line and column so that output is the same on every run.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// The text of one file with its line starts, to turn byte offsets into `line:col`.
/// Line starts are computed on the first diagnostic, so files without problems cost nothing.
pub struct SourceFile<'s> {
    pub path: &'s str,
    pub text: &'s str,
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'s> SourceFile<'s> {
    pub fn new(path: &'s str, text: &'s str) -> Self {
        SourceFile { path, text, line_starts: std::cell::OnceCell::new() }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 1-based line and character column of a byte offset, with the line's text for an excerpt.
    pub fn locate(&self, offset: usize, len: usize) -> (Location, Excerpt) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line_starts = self.line_starts();
        let line_index = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line_index];
        let end = line_starts.get(line_index + 1).map_or(self.text.len(), |&e| e - 1);
        let line_text = self.text[start..end.max(start)].trim_end_matches('\r');
        let column = self.text[start..offset].chars().count() + 1;
        let span_end = floor_char_boundary(self.text, (offset + len).min(start + line_text.len()).max(offset));
        let width = self.text[offset..span_end].chars().count();
        (
            Location { path: self.path.to_string(), line: line_index + 1, column },
            Excerpt { text: line_text.to_string(), column, width },
        )
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The closest of `candidates` to `wanted`, if one is close enough to be a likely typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted_lower, &c.to_lowercase()), c))
        .filter(|&(score, _)| score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_offsets_in_lines_and_characters() {
        let source = SourceFile::new("content/a.md", "---\ntitle: Türkiye\r\nactors: [Xi]\n");
        let offset = source.text.find("Xi").unwrap();
        let (loc, ex) = source.locate(offset, 2);
        assert_eq!((loc.line, loc.column), (3, 10));
        assert_eq!(ex.text, "actors: [Xi]");
        let (loc, ex) = source.locate(source.text.find("kiye").unwrap(), 4);
        assert_eq!((loc.line, loc.column, ex.width), (2, 11, 4));
        assert_eq!(ex.text, "title: Türkiye");
    }

    #[test]
    fn renders_rust_style() {
        let source = SourceFile::new("content/a.md", "one\nactors: [Xi Jingping]\n");
        let d = Diagnostic::error("unknown actor `Xi Jingping`")
            .at(&source, source.text.find("Xi").unwrap(), "Xi Jingping".len())
            .with_suggestion(Some("xi-jinping"));
        assert_eq!(
            d.to_string(),
            "error: unknown actor `Xi Jingping`\n --> content/a.md:2:10\n  |\n2 | actors: [Xi Jingping]\n  |          ^^^^^^^^^^^\n  = help: did you mean `xi-jinping`?\n"
        );
    }

    #[test]
    fn suggests_only_close_candidates() {
        assert_eq!(closest("xi-jingping", ["joe-biden", "xi-jinping"]), Some("xi-jinping"));
        assert_eq!(closest("taiwan", ["north-korea", "trade"]), None);
    }
}
