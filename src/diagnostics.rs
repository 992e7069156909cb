//! Typed, located diagnostics: every problem a user can cause is one of these, printed as `error: … --> path:line:col`.
//!
//! What is printed stays bounded in the size of the input, whatever the input: an excerpt shows
//! at most [`EXCERPT_COLUMNS`] columns of its line around the error, long quoted values are
//! shortened, control characters are shown escaped (`\u{1b}`), and a listing shows
//! [`Limits::per_kind`] diagnostics of one kind in one file before it only counts the rest.
//!
//! Every diagnostic has a [`Code`]: what it is about, for code to match on and for listings to
//! group by. No decision is taken on the text of a message.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// How bad a diagnostic is. Errors fail the command; warnings fail only `check --strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a file of the site, 1-based, columns counted in characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the site root, with `/` separators (`content/articles/x.md`).
    pub path: String,
    pub line: usize,
    pub column: usize,
}

/// The part of the source line a diagnostic points into, for the `|` excerpt under the message.
/// It is made ready to print when the diagnostic is made: at most [`EXCERPT_COLUMNS`] characters
/// of the line around the error, with `…` where the line goes on, tabs as spaces and control
/// characters escaped. Keeping only this much also keeps a diagnostic small in memory: ten
/// thousand errors on one long line do not each hold a copy of the line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Excerpt {
    pub text: String,
    /// Column (1-based) of `text` where the underline starts, and how many columns it covers.
    pub column: usize,
    pub width: usize,
}

/// Characters of a source line an excerpt shows at most, besides the `…` at either end.
pub const EXCERPT_COLUMNS: usize = 120;
/// Characters of the line kept before an underline too long for the excerpt, which is cut (`…`).
const BEFORE_A_LONG_UNDERLINE: usize = 20;
/// Characters beyond which a quoted value or a word of a message is shortened to its start and
/// end (a link destination of 200 KB is not printed whole, and never once per error).
const LONG_TEXT: usize = 100;

/// A second place a diagnostic points at: the other side of a clash.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Related {
    pub location: Location,
    /// `None` when the other side is a whole file (a slug that comes from a file name).
    pub excerpt: Option<Excerpt>,
    /// What is at that place: "an alias of actor `xi-jinping`".
    pub label: String,
}

/// What a diagnostic is about: the kind code matches on, and listings group by (twenty of a
/// code in one file, then a count). Constructors set [`Code::Other`]; every place that makes a
/// diagnostic names its code with [`Diagnostic::code`]. The message is for people only: what a
/// diagnostic is, is decided from its code, never from its text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Code {
    /// Not given a code of its own.
    #[default]
    Other,

    // the site and its files
    /// No `site.toml` in the folder, or no such folder.
    NoSite,
    /// No `content/` folder.
    NoContent,
    /// A file or folder that cannot be read.
    Unreadable,
    /// A file, or a file name, that is not UTF-8.
    NotUtf8,
    /// A content file over the size a content file may have.
    FileTooLarge,
    /// A symbolic link skipped: it loops back to a parent folder.
    SymlinkLoop,
    /// A symbolic link skipped: it points outside the site.
    OutsideSite,
    /// Control characters in a content file, written as spaces.
    ControlCharacters,
    /// An image that cannot be decoded, or whose resized variants cannot be made.
    Image,

    // front matter
    /// No front matter, or front matter that is not closed.
    FrontMatter,
    /// Front matter that is not valid YAML.
    Yaml,
    /// A field that is not one of the kind's fields.
    UnknownField,
    /// A required field that is not there.
    MissingField,
    /// An `_index.md` where no section can be: at the top of content/, in actors/ or topics/.
    SectionPlace,
    /// A field whose value is wrong (kind, format, an entry of `sources:`).
    FieldValue,
    /// An alias that is not a site path the output can hold.
    AliasPath,
    /// A file or folder name without letters or digits to make a page address from.
    NoSlug,

    // names of actors and topics
    /// Two profiles with one slug.
    SlugClash,
    /// A name or an alias that names two entities.
    NameClash,
    /// A name in `actors:` or `topics:` that is no entity (or has no letters or digits).
    UnknownEntity,
    /// A profile nothing names or links to.
    UnusedProfile,

    // links and ids in bodies
    /// A link whose destination leads nowhere: no file, page, entity or source.
    BrokenLink,
    /// A link in a scheme that is not allowed (`javascript:`).
    LinkScheme,
    /// A citation whose number is not its source's.
    CitationNumber,
    /// A link to an explainer that is scheduled or expired: written as text.
    LinkToUnpublished,
    /// An `#anchor` link to an id its page does not have.
    Anchor,
    /// An id written in a body that is not one word.
    NotAnId,
    /// An id a page would have twice (the template's, or written twice).
    IdTaken,

    // raw HTML and bodies
    /// Raw HTML that sanitizing removed.
    RawHtmlRemoved,
    /// An image without `alt`, given an empty one.
    ImageWithoutAlt,
    /// An `image:` social sites do not show in link previews (SVG).
    SocialImageFormat,
    /// Raw HTML that could not be kept in place, shown as text.
    RawHtmlShownAsText,
    /// A body that makes more HTML than a page may hold.
    BodyTooLarge,
    /// A shortcode `dossier import` could not convert, left as an `unconverted` code block.
    UnconvertedShortcode,

    // editorial lint (`dossier check`, src/lint/)
    /// An attributed quote without a citation in it or in its attribution.
    QuoteWithoutCitation,
    /// A paragraph with a number, a percentage or a date and no citation.
    ClaimWithoutCitation,
    /// A summary over 300 characters.
    LongSummary,
    /// A takeaway over 200 characters.
    LongTakeaway,
    /// A `reviewed:` day older than `[lint] review_after`.
    ReviewDue,
    /// A source no citation uses.
    UnusedSource,
    /// A citation of a source published after the explainer.
    SourceAfterExplainer,
    /// An actor the text names that front matter does not list.
    UnlistedActor,
    /// An actor front matter lists that the text never names.
    UnmentionedActor,
    /// A heading more than one level below the one before it.
    HeadingSkip,
    /// An explainer with no version in a language of `languages`.
    UntranslatedExplainer,
    /// A translation whose original was updated after it.
    OutdatedTranslation,
    /// An external link that fails (`check --external`): a 4xx or 5xx answer, a DNS, TLS or
    /// connection failure, a timeout.
    ExternalLinkBroken,
    /// An external link that moved permanently (301, 308), reported as a note.
    ExternalRedirect,
    /// The cache of external link results that could not be read or written.
    LinkCache,

    // templates
    /// A template that does not compile or render, or a required one that is missing.
    Template,

    // the theme's strings (src/i18n/)
    /// A translation whose key is no key of the theme's strings.
    TranslationKey,
    /// A language whose catalogue lacks strings of the theme.
    TranslationMissing,
    /// A translated explainer (`x.fr.md`) whose address is not its original's.
    TranslationPath,
    /// A translation that is not text, a plural form that is no CLDR category or one missing, a
    /// translation file that is not TOML.
    TranslationValue,
    // site.toml
    /// A `site.toml` that is not TOML.
    ConfigSyntax,
    /// A key that is not one of `site.toml`'s (or of its section).
    ConfigKey,
    /// A value of `site.toml` that is wrong.
    ConfigValue,
    /// A required key of `site.toml` that is not there.
    ConfigMissing,
    /// A theme that is not there.
    Theme,

    // output paths and the output folder
    /// Two things the build writes at one path, a file where a folder is needed, or paths that
    /// differ only in letter case.
    PathClash,
    /// A path inside a folder dossier keeps for itself.
    PathReserved,
    /// A path or a name longer than file systems allow.
    PathTooLong,
    /// An output folder refused: dangerous, not a folder, or not dossier's.
    OutputFolder,
    /// A file dossier did not make, moved aside from the output.
    ForeignFile,
    /// A file or folder that could not be written.
    Write,
    /// `preview` serves a folder under another base URL than it was built for, or than
    /// ./site.toml says.
    BaseUrlMismatch,
    /// A build cache that cannot be read (damaged, truncated, not dossier's) or written: ignored.
    BuildCache,

    // dossier import
    /// A source site or export that cannot be imported: no configuration, unreadable, not XML.
    ImportSource,
    /// An `import.toml` that is not TOML or has a key or value that is not one of its own.
    ImportMap,
}

/// See [`Diagnostic::identity`]; ordered by place first, so that repeats counted in a map come
/// out in the order of the files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Identity {
    location: Option<Location>,
    severity: Severity,
    code: Code,
    message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// What the diagnostic is about; [`Code::Other`] until [`Diagnostic::code`] names it.
    pub code: Code,
    pub message: String,
    pub location: Option<Location>,
    pub excerpt: Option<Excerpt>,
    pub help: Option<String>,
    /// Other places the problem involves, printed after the first with `:::`.
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: Code::Other,
            message: message.into(),
            location: None,
            excerpt: None,
            help: None,
            related: Vec::new(),
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    /// Says what the diagnostic is about.
    pub fn code(mut self, code: Code) -> Self {
        self.code = code;
        self
    }

    /// The error for a file or folder of the output that could not be written ([`Code::Write`]):
    /// "cannot write {what}: {e}".
    pub fn cannot_write(what: impl fmt::Display, e: impl fmt::Display) -> Self {
        Diagnostic::error(format!("cannot write {what}: {e}")).code(Code::Write)
    }

    /// What makes two diagnostics one problem when counting repeats (a template's error on every
    /// page that uses it is one error, "on 3 pages"): its place, severity, code and message, as
    /// values. Two diagnostics that print alike but differ in code are two problems.
    pub fn identity(&self) -> Identity {
        Identity {
            location: self.location.clone(),
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
        }
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

    /// Points at a place found beforehand ([`KeptLines::locate`]).
    pub fn placed(mut self, (location, excerpt): (Location, Excerpt)) -> Self {
        self.location = Some(location);
        self.excerpt = Some(excerpt);
        self
    }

    /// Also points at `len` bytes from byte `offset` of `source`, the other side of a clash.
    pub fn also_at(mut self, source: &SourceFile<'_>, offset: usize, len: usize, label: impl Into<String>) -> Self {
        let (location, excerpt) = source.locate(offset, len);
        self.related.push(Related { location, excerpt: Some(excerpt), label: label.into() });
        self
    }

    /// Also points at a whole file, the other side of a clash.
    pub fn also_in_file(mut self, path: &str, label: impl Into<String>) -> Self {
        let location = Location { path: path.to_string(), line: 1, column: 1 };
        self.related.push(Related { location, excerpt: None, label: label.into() });
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

    fn label(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.label(), escape_control_keeping_lines(&shorten(&self.message)))?;
        let line_width = |loc: &Location, excerpt: &Option<Excerpt>| match excerpt {
            Some(_) => loc.line.to_string().len(),
            None => 1,
        };
        let gutter = self
            .location
            .iter()
            .map(|loc| line_width(loc, &self.excerpt))
            .chain(self.related.iter().map(|r| line_width(&r.location, &r.excerpt)))
            .max()
            .unwrap_or(1);
        let pad = " ".repeat(gutter);
        let excerpt = |f: &mut fmt::Formatter<'_>, line: usize, ex: &Excerpt, mark: char, label: &str| {
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line:>gutter$} | {}", ex.text)?;
            let lead = " ".repeat(ex.column.saturating_sub(1));
            let marks = mark.to_string().repeat(ex.width.max(1));
            match label {
                "" => writeln!(f, "{pad} | {lead}{marks}"),
                _ => writeln!(f, "{pad} | {lead}{marks} {}", escape_control(&shorten(label))),
            }
        };
        if let Some(loc) = &self.location {
            let path = match self
                .related
                .iter()
                .map(|r| distinguish(&loc.path, &r.location.path).0)
                .find(|p| p != &loc.path)
            {
                Some(told_apart) => told_apart,
                None => Cow::Borrowed(loc.path.as_str()),
            };
            writeln!(f, "{pad}--> {}:{}:{}", escape_control(&path), loc.line, loc.column)?;
            if let Some(ex) = &self.excerpt {
                excerpt(f, loc.line, ex, '^', "")?;
            }
        }
        for related in &self.related {
            let loc = &related.location;
            // two paths that look the same (`café.md` in NFC and in NFD) are told apart
            let path = match &self.location {
                Some(first) => distinguish(&first.path, &loc.path).1,
                None => Cow::Borrowed(loc.path.as_str()),
            };
            match &related.excerpt {
                Some(ex) => {
                    writeln!(f, "{pad}::: {}:{}:{}", escape_control(&path), loc.line, loc.column)?;
                    excerpt(f, loc.line, ex, '-', &related.label)?;
                }
                None => {
                    writeln!(f, "{pad}::: {}", escape_control(&path))?;
                    writeln!(f, "{pad} = note: {}", escape_control(&shorten(&related.label)))?;
                }
            }
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {}", escape_control_keeping_lines(&shorten(help)))?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file, line and column so that output is the same on every run (two at
/// one place by severity, then message, then the rest: the order never depends on the order
/// they were found in).
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then_with(|| a.cmp(b)));
}

/// How much of a list of diagnostics is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Diagnostics of one kind in one file shown; the rest of that kind are counted in a note.
    pub per_kind: usize,
    /// Diagnostics shown in all; the rest are counted in a last note.
    pub total: usize,
}

impl Limits {
    /// What the commands print to the terminal.
    pub const TERMINAL: Limits = Limits { per_kind: 20, total: usize::MAX };
    /// What `serve` shows over every page: the same, and no more than a screenful or two.
    pub const OVERLAY: Limits = Limits { per_kind: 20, total: 50 };
}

/// The text of `diagnostics` as printed, each followed by a blank line, within `limits`.
///
/// Two diagnostics are of one kind when they have the same severity, the same file and the same
/// [`Code`]: "link to `a.md`: there is no file content/articles/a.md" and the same of `b.md` are
/// one kind ([`Code::BrokenLink`]). After `limits.per_kind` of a kind in a file, one note counts
/// the rest ("and 9,980 more errors like this in content/articles/x.md").
pub fn render_bounded(diagnostics: &[Diagnostic], limits: Limits) -> String {
    type Kind<'d> = (Severity, &'d str, Code);
    let kinds: Vec<Kind<'_>> =
        diagnostics.iter().map(|d| (d.severity, d.location.as_ref().map_or("", |l| l.path.as_str()), d.code)).collect();
    let mut in_kind: FxHashMap<&Kind<'_>, usize> = FxHashMap::default();
    for kind in &kinds {
        *in_kind.entry(kind).or_default() += 1;
    }
    let mut seen: FxHashMap<&Kind<'_>, usize> = FxHashMap::default();
    let mut out = String::new();
    let (mut shown, mut left_out) = (0, [0usize; 2]);
    for (d, kind) in diagnostics.iter().zip(&kinds) {
        let seen = seen.entry(kind).or_default();
        *seen += 1;
        if *seen > limits.per_kind {
            continue; // counted in the note after the last one shown
        }
        if shown >= limits.total {
            left_out[usize::from(!d.is_error())] += 1;
            continue;
        }
        shown += 1;
        let _ = writeln!(out, "{d}");
        let of_kind = in_kind[kind];
        if *seen == limits.per_kind && of_kind > limits.per_kind {
            let more = of_kind - limits.per_kind;
            let what = plural(more, d.label());
            let _ = match kind.1 {
                "" => writeln!(out, "note: and {} more {what} like this\n", thousands(more)),
                path => {
                    writeln!(out, "note: and {} more {what} like this in {}\n", thousands(more), escape_control(path))
                }
            };
        }
    }
    if left_out != [0, 0] {
        let counts: Vec<String> = [(left_out[0], "error"), (left_out[1], "warning")]
            .into_iter()
            .filter(|&(n, _)| n > 0)
            .map(|(n, label)| format!("{} more {}", thousands(n), plural(n, label)))
            .collect();
        let _ = writeln!(out, "note: and {} not shown here\n", counts.join(" and "));
    }
    out
}

/// `error` or `errors`, as `n` asks.
fn plural(n: usize, label: &str) -> String {
    if n == 1 { label.to_string() } else { format!("{label}s") }
}

/// `9980` → `9,980`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text as a terminal should show it: control characters (which can move the cursor, retitle or
/// clear the terminal: ESC starts every such sequence) and the bidirectional controls (which
/// reorder what is shown) are written as Rust writes them, `\u{1b}`. Everything else is kept.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`escape_control`], keeping line breaks (messages of several lines).
fn escape_control_keeping_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let needs = |c: char| is_unsafe_to_show(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Control characters (C0, DEL, C1) and the bidirectional embeddings, overrides and isolates.
fn is_unsafe_to_show(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A message or help with its long parts shortened: a quoted part, or an unquoted word, of more
/// than [`LONG_TEXT`] characters keeps its start and end around `…`.
fn shorten(text: &str) -> Cow<'_, str> {
    if text.len() <= LONG_TEXT {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(4 * LONG_TEXT));
    let mut changed = false;
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            changed |= shorten_into(&mut out, part);
            continue;
        }
        for word in part.split_inclusive(char::is_whitespace) {
            let bare = word.trim_end_matches(char::is_whitespace);
            changed |= shorten_into(&mut out, bare);
            out.push_str(&word[bare.len()..]);
        }
    }
    if changed { Cow::Owned(out) } else { Cow::Borrowed(text) }
}

/// Writes `text`, or its first and last characters around `…` when it is long; says which.
fn shorten_into(out: &mut String, text: &str) -> bool {
    if text.len() <= LONG_TEXT || text.chars().nth(LONG_TEXT).is_none() {
        out.push_str(text);
        return false;
    }
    let head_end = text.char_indices().nth(LONG_TEXT * 6 / 10).map_or(text.len(), |(i, _)| i);
    let tail_start = text.char_indices().rev().nth(LONG_TEXT * 3 / 10 - 1).map_or(0, |(i, _)| i);
    out.push_str(&text[..head_end]);
    out.push('…');
    out.push_str(&text[tail_start.max(head_end)..]);
    true
}

/// Two spellings that are different text but may look the same (`café` written with `é`, or
/// with `e` and a combining accent, as macOS writes file names): each with its characters beyond
/// ASCII shown as code points (`caf\u{e9}.md`, `cafe\u{301}.md`), so that a reader can tell them
/// apart. Spellings that differ in what they show are returned as they are.
pub fn distinguish<'t>(a: &'t str, b: &'t str) -> (Cow<'t, str>, Cow<'t, str>) {
    let look_alike = a != b && deunicode::deunicode(a) == deunicode::deunicode(b);
    if !look_alike {
        return (Cow::Borrowed(a), Cow::Borrowed(b));
    }
    let code_points = |text: &str| {
        let mut out = String::with_capacity(text.len() * 2);
        for c in text.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
        Cow::Owned(out)
    };
    (code_points(a), code_points(b))
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
        self.line_starts.get_or_init(|| line_starts(self.text))
    }

    /// 1-based line and character column of a byte offset, with the excerpt of its line.
    pub fn locate(&self, offset: usize, len: usize) -> (Location, Excerpt) {
        locate_in(self.path, self.text, self.line_starts(), offset, len)
    }
}

/// The byte offset where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)).collect()
}

/// The line starts of the last file located, kept for the next diagnostic in the same file where
/// diagnostics are made one at a time (names resolved reference by reference): ten thousand
/// errors in one long file find its lines once, not once each.
#[derive(Debug, Default)]
pub struct KeptLines(Option<(String, usize, Vec<usize>)>);

impl KeptLines {
    /// As [`SourceFile::locate`], for `text` of the file at `path`.
    pub fn locate(&mut self, path: &str, text: &str, offset: usize, len: usize) -> (Location, Excerpt) {
        let (path_kept, starts) = match self.0.take() {
            Some((kept, kept_len, starts)) if kept == path && kept_len == text.len() => (kept, starts),
            _ => (path.to_string(), line_starts(text)),
        };
        let place = locate_in(path, text, &starts, offset, len);
        self.0 = Some((path_kept, text.len(), starts));
        place
    }
}

/// [`SourceFile::locate`], with the line starts of `text` given.
fn locate_in(path: &str, text: &str, line_starts: &[usize], offset: usize, len: usize) -> (Location, Excerpt) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let line_index = match line_starts.binary_search(&offset) {
        Ok(i) => i,
        Err(i) => i - 1,
    };
    let start = line_starts[line_index];
    let end = line_starts.get(line_index + 1).map_or(text.len(), |&e| e - 1);
    let line_text = text[start..end.max(start)].trim_end_matches('\r');
    let column = text[start..offset].chars().count() + 1;
    let span_start = offset.min(start + line_text.len());
    let span_end = floor_char_boundary(text, (offset + len).min(start + line_text.len()).max(span_start));
    (
        Location { path: path.to_string(), line: line_index + 1, column },
        Excerpt::window(line_text, span_start - start, span_end - start),
    )
}

impl Excerpt {
    /// The excerpt of `line` underlining bytes `start..end`: the whole line when it is short,
    /// else at most [`EXCERPT_COLUMNS`] characters around the underline (more after it than
    /// before when the line goes on), with `…` where the line is cut.
    fn window(line: &str, start: usize, end: usize) -> Excerpt {
        let (before, span, after) = (&line[..start], &line[start..end], &line[end..]);
        // count at most one more than could be shown: the work is the same for any line length
        let count = |chars: &mut dyn Iterator<Item = char>| chars.take(EXCERPT_COLUMNS + 1).count();
        let (before_n, span_n, after_n) =
            (count(&mut before.chars().rev()), count(&mut span.chars()), count(&mut after.chars()));
        let (left, span_shown, right) = if before_n + span_n + after_n <= EXCERPT_COLUMNS {
            (before_n, span_n, after_n)
        } else {
            let span_shown = span_n.min(EXCERPT_COLUMNS - before_n.min(BEFORE_A_LONG_UNDERLINE));
            // a cut underline ends the excerpt; else the context after it gets what is left
            let after_room = if span_shown < span_n { 0 } else { after_n };
            let room = EXCERPT_COLUMNS - span_shown;
            let left = before_n.min((room / 3).max(room.saturating_sub(after_room)));
            (left, span_shown, after_room.min(room - left))
        };
        let mut text = String::with_capacity(2 * EXCERPT_COLUMNS);
        let mut columns = 0;
        if left < before_n {
            text.push('…');
            columns += 1;
        }
        let left_start = match left {
            0 => before.len(),
            n => before.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i),
        };
        columns += push_shown(&mut text, &before[left_start..]);
        let column = columns + 1;
        let span_end = span.char_indices().nth(span_shown).map_or(span.len(), |(i, _)| i);
        let mut width = push_shown(&mut text, &span[..span_end]);
        if span_shown < span_n {
            text.push('…');
            width += 1;
        } else {
            let right_end = after.char_indices().nth(right).map_or(after.len(), |(i, _)| i);
            push_shown(&mut text, &after[..right_end]);
            if right < after_n {
                text.push('…');
            }
        }
        Excerpt { text, column, width }
    }
}

/// Appends `text` as an excerpt shows it (tabs as one space, control characters escaped) and
/// returns the columns it takes (one per character, none for a combining accent; characters
/// that terminals show twice as wide are counted once, as the `line:col` column counts them).
fn push_shown(out: &mut String, text: &str) -> usize {
    let mut columns = 0;
    for c in text.chars() {
        if c == '\t' {
            out.push(' ');
            columns += 1;
        } else if ('\u{300}'..='\u{36f}').contains(&c) {
            // a combining accent (`e` + U+0301, as macOS writes `é` in file names) takes no column
            out.push(c);
        } else if is_unsafe_to_show(c) {
            let before = out.len();
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
            columns += out.len() - before;
        } else {
            out.push(c);
            columns += 1;
        }
    }
    columns
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
    fn excerpts_of_long_lines_show_a_window_around_the_error() {
        let line = format!("{}[broken](gone.md){}", "word ".repeat(100), " more".repeat(100));
        let source = SourceFile::new("content/a.md", &line);
        let at = line.find("gone.md").unwrap();
        let (loc, ex) = source.locate(at, "gone.md".len());
        assert_eq!(loc.column, at + 1, "the location keeps the real column");
        assert!(ex.text.starts_with('…') && ex.text.ends_with('…'), "{}", ex.text);
        assert!(ex.text.chars().count() <= EXCERPT_COLUMNS + 2, "{}", ex.text);
        let underlined: String = ex.text.chars().skip(ex.column - 1).take(ex.width).collect();
        assert_eq!(underlined, "gone.md");
        // near the start of the line: no ellipsis before, more context after
        let (_, ex) = source.locate(0, 4);
        assert_eq!((ex.column, ex.width), (1, 4));
        assert!(!ex.text.starts_with('…') && ex.text.ends_with('…'));
        // at the end: the context is before it
        let (_, ex) = source.locate(line.len() - 4, 4);
        assert!(ex.text.starts_with('…') && ex.text.ends_with("more"), "{}", ex.text);
        assert_eq!(ex.text.chars().skip(ex.column - 1).collect::<String>(), "more");
    }

    #[test]
    fn long_underlines_are_cut() {
        let line = format!("[x]({})", "a".repeat(5_000));
        let (_, ex) = SourceFile::new("a.md", &line).locate(4, 5_000);
        assert_eq!(ex.width, EXCERPT_COLUMNS - 4 + 1, "the underline after `[x](`, and its `…`");
        assert!(ex.text.ends_with('…') && ex.text.chars().count() <= EXCERPT_COLUMNS + 2);
    }

    #[test]
    fn excerpts_keep_the_underline_under_escaped_characters() {
        let source = SourceFile::new("a.md", "x\u{1b}]0;t\u{7}\tgone");
        let (loc, ex) = source.locate(source.text.find("gone").unwrap(), 4);
        assert_eq!(loc.column, 9);
        assert_eq!(ex.text, "x\\u{1b}]0;t\\u{7} gone");
        assert_eq!(ex.text.chars().skip(ex.column - 1).take(ex.width).collect::<String>(), "gone");
    }

    #[test]
    fn control_characters_are_shown_escaped_everywhere() {
        let source = SourceFile::new("content/\u{1b}[2J.md", "a\nb\n");
        let d = Diagnostic::error("unknown field `x\u{1b}]0;owned\u{7}`")
            .at(&source, 2, 1)
            .also_in_file("content/\u{9b}31m.md", "the other \u{202e}side")
            .with_help("did you mean `\u{1b}c`?");
        let shown = d.to_string();
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n' || c == '\u{202e}'), "{shown:?}");
        assert!(shown.contains("content/\\u{1b}[2J.md:2:1"), "{shown}");
        assert!(shown.contains("`x\\u{1b}]0;owned\\u{7}`"), "{shown}");
        assert!(shown.contains("::: content/\\u{9b}31m.md") && shown.contains("\\u{202e}side"), "{shown}");
        assert_eq!(escape_control("Türkiye, 习近平"), "Türkiye, 习近平");
    }

    #[test]
    fn long_values_in_messages_are_shortened() {
        let long = "x".repeat(10_000);
        let d = Diagnostic::error(format!("link to `{long}.md`: there is no file content/{long}.md"));
        let shown = d.to_string();
        assert!(shown.len() < 400, "{shown}");
        assert!(shown.contains("`xxxxxxxxxx") && shown.contains("xxx.md`: there is no file content/xxx"), "{shown}");
        let short = "link to `a.md`: there is no file content/a.md";
        assert_eq!(shorten(short), short);
    }

    #[test]
    fn repeats_are_the_same_place_code_and_message_not_the_same_text() {
        let source = SourceFile::new("templates/page.html", "{{ a }}\n{{ b }}\n");
        let d = |code: Code, offset: usize| Diagnostic::error("template error").code(code).at(&source, offset, 1);
        // the same error on two pages is one problem, whatever its help says
        assert_eq!(d(Code::Template, 3).identity(), d(Code::Template, 3).with_help("x").identity());
        // printed alike, but of another code or at another place: another problem
        assert_eq!(d(Code::Template, 3).to_string(), d(Code::Write, 3).to_string());
        assert_ne!(d(Code::Template, 3).identity(), d(Code::Write, 3).identity());
        assert_ne!(d(Code::Template, 3).identity(), d(Code::Template, 11).identity());
        // errors without a place (a page that could not be written) are told apart by message
        let write = |path: &str| Diagnostic::cannot_write(path, "disk full");
        assert_ne!(write("/a/index.html").identity(), write("/b/index.html").identity());
        assert_eq!(write("/a/index.html").code, Code::Write);
    }

    #[test]
    fn kinds_are_codes_not_message_shapes() {
        let source = SourceFile::new("content/x.md", "line\n");
        // one code, messages of different shapes: one kind, counted after twenty
        let mut links: Vec<Diagnostic> = (0..15)
            .map(|i| Diagnostic::error(format!("link to `{i}.md`: there is no file content/{i}.md")))
            .chain((0..15).map(|i| Diagnostic::error(format!("no page or file at `/p{i}/` in this site"))))
            .map(|d| d.code(Code::BrokenLink).at(&source, 0, 1))
            .collect();
        let text = render_bounded(&links, Limits::TERMINAL);
        assert_eq!(text.matches("error: ").count(), 20, "{text}");
        assert!(text.contains("note: and 10 more errors like this in content/x.md\n"), "{text}");
        // one message shape, two codes: two kinds, each under twenty, all shown
        for d in &mut links[..10] {
            d.code = Code::LinkScheme;
        }
        let text = render_bounded(&links, Limits::TERMINAL);
        assert_eq!(text.matches("error: ").count(), 30, "{text}");
        assert!(!text.contains("note:"), "{text}");
    }

    #[test]
    fn listings_count_what_is_beyond_twenty_of_a_kind_in_a_file() {
        let source = SourceFile::new("content/x.md", "line\n");
        let other = SourceFile::new("content/y.md", "line\n");
        let link = |i: usize, source: &SourceFile<'_>| {
            Diagnostic::error(format!("link to `{i}.md`: no file")).code(Code::BrokenLink).at(source, 0, 1)
        };
        let mut all: Vec<Diagnostic> = (0..10_000).map(|i| link(i, &source)).collect();
        all.extend((0..3).map(|i| link(i, &other)));
        all.extend(
            (0..25).map(|i| Diagnostic::warning(format!("removed `{i}`")).code(Code::RawHtmlRemoved).at(&source, 0, 1)),
        );
        let text = render_bounded(&all, Limits::TERMINAL);
        assert_eq!(text.matches("error: link to").count(), 23);
        assert_eq!(text.matches("warning: removed").count(), 20);
        assert!(text.contains("note: and 9,980 more errors like this in content/x.md\n"), "{text}");
        assert!(text.contains("note: and 5 more warnings like this in content/x.md\n"), "{text}");
        assert!(!text.contains("content/y.md\n\nnote"), "three of a kind are all shown");
        // the overlay also stops at 50 in all
        let sources: Vec<String> = (0..60).map(|i| format!("content/{i}.md")).collect();
        let many: Vec<Diagnostic> = sources
            .iter()
            .map(|path| Diagnostic::error("unknown actor `Xi`").at(&SourceFile::new(path, "x"), 0, 1))
            .collect();
        let overlay = render_bounded(&many, Limits::OVERLAY);
        assert_eq!(overlay.matches("error: unknown actor").count(), 50);
        assert!(overlay.ends_with("note: and 10 more errors not shown here\n\n"), "{overlay}");
        assert_eq!(render_bounded(&many, Limits::TERMINAL).matches("error: unknown actor").count(), 60);
        assert_eq!(render_bounded(&all[..2], Limits::TERMINAL), format!("{}\n{}\n", all[0], all[1]));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(9_980), "9,980");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn look_alike_spellings_are_told_apart_by_code_points() {
        let (nfc, nfd) = ("content/actors/caf\u{e9}.md", "content/actors/cafe\u{301}.md");
        let (a, b) = distinguish(nfc, nfd);
        assert_eq!((a.as_ref(), b.as_ref()), ("content/actors/caf\\u{e9}.md", "content/actors/cafe\\u{301}.md"));
        let (a, b) = distinguish("a.md", "b.md");
        assert_eq!((a.as_ref(), b.as_ref()), ("a.md", "b.md"));
    }

    #[test]
    fn a_second_place_is_shown_under_the_first() {
        let a = SourceFile::new("content/actors/a.md", "---\naliases: [Kim]\n---\n");
        let lines = "\n".repeat(11);
        let b = SourceFile::new("content/actors/b.md", &lines);
        let d = Diagnostic::error("alias `Kim` of actor `a` also names actor `b`")
            .at(&a, a.text.find("Kim").unwrap(), 3)
            .also_at(&b, 10, 0, "the name of actor `b`")
            .with_help("remove it from one of the two");
        assert_eq!(
            d.to_string(),
            "error: alias `Kim` of actor `a` also names actor `b`\n  --> content/actors/a.md:2:11\n   |\n 2 | aliases: [Kim]\n   |           ^^^\n  ::: content/actors/b.md:11:1\n   |\n11 | \n   | - the name of actor `b`\n   = help: remove it from one of the two\n"
        );
    }

    #[test]
    fn suggests_only_close_candidates() {
        assert_eq!(closest("xi-jingping", ["joe-biden", "xi-jinping"]), Some("xi-jinping"));
        assert_eq!(closest("taiwan", ["north-korea", "trade"]), None);
    }
}
