//! A whole-site build from generated files: `arbitrary` picks a small site (explainers, actors,
//! topics, a home page, site.toml) whose front matter and bodies mix valid structure with fuzzed
//! strings, writes it under /dev/shm (or the temp dir) and runs the pipeline into `NullSink`.
//! Either outcome (pages or diagnostics) is fine; every diagnostic is rendered with `Display`.
//! Panics, hangs and large slowdowns are the bugs looked for.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use dossier::pipeline::{self, PipelineOptions};
use dossier::render::NullSink;
use libfuzzer_sys::fuzz_target;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Slugs and names that the generated files share, so that cross-references often resolve.
const NAMES: &[&str] = &[
    "xi-jinping",
    "Xi Jinping",
    "joe-biden",
    "Joe Biden",
    "taiwan",
    "Taiwan",
    "trade",
    "a",
    "b",
    "background/deep",
    "Türkiye",
    "café-société",
    "-",
    "",
    "x--y",
    "APEC",
];

#[rustfmt::skip]
const FRAGMENTS: &[&str] = &[
    "---", "...", ":", ": ", "- ", "#", "[", "]", "(", ")", "{", "}", "\"", "'", "\\", "\n", "\r\n", "\t", "  ", "|",
    ">", "*", "_", "`", "```", "~~~", "<", "&", "—", "–", "--", "\u{feff}", "é", "🇹🇼", "\u{301}", "source:", "actor:",
    "topic:", ".md", "../", "./", "/", "?q=1", "#a", "{#id}", "[^1]", "http://", "mailto:", "javascript:", "null", "~",
    "yes", "no", "2024-11-16", "2024-02-30", "0", "-1", "1e999", "&anchor", "*anchor", "!!str", "%", "@",
];

/// A short string: a shared name, a fragment, fuzzed text, or a concatenation of those.
#[derive(Debug)]
struct Text(String);

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut s = String::new();
        let parts = u.int_in_range(1..=4)?;
        for _ in 0..parts {
            match u.int_in_range(0..=3)? {
                0 => s.push_str(u.choose(NAMES)?),
                1 => s.push_str(u.choose(FRAGMENTS)?),
                2 => {
                    let raw: &str = u.arbitrary()?;
                    s.push_str(&raw.chars().take(24).collect::<String>());
                }
                _ => s.push_str("word"),
            }
        }
        Ok(Text(s))
    }
}

/// A YAML scalar written plainly, double-quoted (escaped, so valid), or single-quoted.
#[derive(Debug, Arbitrary)]
enum Scalar {
    Plain(Text),
    Quoted(Text),
    Single(Text),
    Name(u8),
}

impl Scalar {
    fn write(&self) -> String {
        match self {
            Scalar::Plain(t) => t.0.clone(),
            Scalar::Quoted(t) => {
                format!(
                    "\"{}\"",
                    t.0.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").replace('\r', "\\r")
                )
            }
            Scalar::Single(t) => format!("'{}'", t.0.replace('\'', "''").replace('\n', " ")),
            Scalar::Name(i) => NAMES[*i as usize % NAMES.len()].to_string(),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum DateValue {
    Valid(u8, u8, u8),
    Fuzzed(Scalar),
}

impl DateValue {
    fn write(&self) -> String {
        match self {
            DateValue::Valid(y, m, d) => format!("{}-{:02}-{:02}", 2000 + *y as u32 % 40, 1 + m % 12, 1 + d % 31),
            DateValue::Fuzzed(s) => s.write(),
        }
    }
}

/// A list written inline (`[a, b]`) or as a block of `- a` lines.
#[derive(Debug, Arbitrary)]
struct List {
    block: bool,
    items: Vec<Scalar>,
}

impl List {
    fn write(&self, out: &mut String, key: &str) {
        let items = &self.items[..self.items.len().min(4)];
        if self.block {
            let _ = writeln!(out, "{key}:");
            for item in items {
                let _ = writeln!(out, "  - {}", item.write());
            }
        } else {
            let items: Vec<String> = items.iter().map(Scalar::write).collect();
            let _ = writeln!(out, "{key}: [{}]", items.join(", "));
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Source {
    id: Scalar,
    title: Option<Scalar>,
    publisher: Option<Scalar>,
    url: Option<Scalar>,
    date: Option<DateValue>,
}

#[derive(Debug, Arbitrary)]
struct Dated {
    date: Option<DateValue>,
    text: Option<Scalar>,
}

#[derive(Debug, Arbitrary)]
enum Field {
    Title(Scalar),
    Date(DateValue),
    Updated(DateValue),
    Summary(Scalar),
    Topics(List),
    Actors(List),
    Slug(Scalar),
    Draft(bool),
    Takeaways(List),
    Sources(Vec<Source>),
    Timeline(Vec<Dated>),
    Updates(Vec<Dated>),
    Aliases(List),
    Name(Scalar),
    Kind(Scalar),
    Role(Scalar),
    Country(Scalar),
    Description(Scalar),
    /// Any line at all, which may break the YAML.
    Raw(Text),
}

impl Field {
    fn write(&self, out: &mut String) {
        let mut line = |k: &str, v: String| {
            let _ = writeln!(out, "{k}: {v}");
        };
        match self {
            Field::Title(s) => line("title", s.write()),
            Field::Date(d) => line("date", d.write()),
            Field::Updated(d) => line("updated", d.write()),
            Field::Summary(s) => line("summary", s.write()),
            Field::Slug(s) => line("slug", s.write()),
            Field::Draft(b) => line("draft", b.to_string()),
            Field::Name(s) => line("name", s.write()),
            Field::Kind(s) => line("kind", s.write()),
            Field::Role(s) => line("role", s.write()),
            Field::Country(s) => line("country", s.write()),
            Field::Description(s) => line("description", s.write()),
            Field::Topics(l) => l.write(out, "topics"),
            Field::Actors(l) => l.write(out, "actors"),
            Field::Takeaways(l) => l.write(out, "takeaways"),
            Field::Aliases(l) => l.write(out, "aliases"),
            Field::Sources(sources) => {
                out.push_str("sources:\n");
                for s in sources.iter().take(4) {
                    let _ = writeln!(out, "  - id: {}", s.id.write());
                    if let Some(t) = &s.title {
                        let _ = writeln!(out, "    title: {}", t.write());
                    }
                    if let Some(p) = &s.publisher {
                        let _ = writeln!(out, "    publisher: {}", p.write());
                    }
                    if let Some(u) = &s.url {
                        let _ = writeln!(out, "    url: {}", u.write());
                    }
                    if let Some(d) = &s.date {
                        let _ = writeln!(out, "    date: {}", d.write());
                    }
                }
            }
            Field::Timeline(entries) | Field::Updates(entries) => {
                let (key, text) =
                    if matches!(self, Field::Timeline(_)) { ("timeline", "event") } else { ("updates", "note") };
                let _ = writeln!(out, "{key}:");
                for e in entries.iter().take(4) {
                    out.push_str("  -");
                    if let Some(d) = &e.date {
                        let _ = write!(out, " date: {}\n   ", d.write());
                    }
                    match &e.text {
                        Some(t) => {
                            let _ = writeln!(out, " {text}: {}", t.write());
                        }
                        None => out.push('\n'),
                    }
                }
            }
            Field::Raw(t) => {
                let _ = writeln!(out, "{}", t.0);
            }
        }
    }
}

/// Where a link points.
#[derive(Debug, Arbitrary)]
enum Dest {
    File { name: u8, anchor: Option<Text> },
    Actor(Scalar),
    Topic(Scalar),
    Source(Scalar),
    Anchor(Text),
    SitePath(Text),
    External,
    Fuzzed(Text),
}

impl Dest {
    fn write(&self) -> String {
        let anchor = |a: &Option<Text>| a.as_ref().map_or(String::new(), |a| format!("#{}", a.0));
        match self {
            Dest::File { name, anchor: a } => format!("{}.md{}", NAMES[*name as usize % NAMES.len()], anchor(a)),
            Dest::Actor(s) => format!("actor:{}", s.write()),
            Dest::Topic(s) => format!("topic:{}", s.write()),
            Dest::Source(s) => format!("source:{}", s.write()),
            Dest::Anchor(t) => format!("#{}", t.0),
            Dest::SitePath(t) => format!("/{}", t.0),
            Dest::External => "https://example.org/x?y#z".to_string(),
            Dest::Fuzzed(t) => t.0.clone(),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Inline {
    Text(Text),
    Name(u8),
    Link(Text, Dest),
    Image(Text, Dest),
    Emphasis(Text),
    Code(Text),
    Footnote(u8),
}

impl Inline {
    fn write(&self, out: &mut String) {
        match self {
            Inline::Text(t) => out.push_str(&t.0),
            Inline::Name(i) => out.push_str(NAMES[*i as usize % NAMES.len()]),
            Inline::Link(t, d) => {
                let _ = write!(out, "[{}]({})", t.0, d.write());
            }
            Inline::Image(t, d) => {
                let _ = write!(out, "![{}]({})", t.0, d.write());
            }
            Inline::Emphasis(t) => {
                let _ = write!(out, "*{}*", t.0);
            }
            Inline::Code(t) => {
                let _ = write!(out, "`{}`", t.0);
            }
            Inline::Footnote(n) => {
                let _ = write!(out, "[^{}]", n % 3);
            }
        }
        out.push(' ');
    }
}

#[derive(Debug, Arbitrary)]
enum Block {
    Paragraph(Vec<Inline>),
    Heading(u8, Vec<Inline>, Option<Text>),
    Quote(Vec<Inline>, Option<Vec<Inline>>),
    List(bool, Vec<Vec<Inline>>),
    Code(Scalar, Text),
    Footnote(u8, Vec<Inline>),
    Table(Vec<Inline>),
    Raw(Text),
}

fn inlines(out: &mut String, items: &[Inline]) {
    for i in items.iter().take(8) {
        i.write(out);
    }
}

impl Block {
    fn write(&self, out: &mut String) {
        match self {
            Block::Paragraph(items) => inlines(out, items),
            Block::Heading(level, items, id) => {
                out.push_str(&"#".repeat(1 + *level as usize % 6));
                out.push(' ');
                inlines(out, items);
                if let Some(id) = id {
                    let _ = write!(out, "{{#{}}}", id.0);
                }
            }
            Block::Quote(items, attribution) => {
                out.push_str("> ");
                inlines(out, items);
                if let Some(a) = attribution {
                    out.push_str("\n>\n> — ");
                    inlines(out, a);
                }
            }
            Block::List(ordered, items) => {
                for (n, item) in items.iter().take(5).enumerate() {
                    if *ordered {
                        let _ = write!(out, "{}. ", n + 1);
                    } else {
                        out.push_str("- ");
                    }
                    inlines(out, item);
                    out.push('\n');
                }
            }
            Block::Code(lang, text) => {
                let _ = write!(out, "```{}\n{}\n```", lang.write().replace(['\n', '`'], ""), text.0);
            }
            Block::Footnote(n, items) => {
                let _ = write!(out, "[^{}]: ", n % 3);
                inlines(out, items);
            }
            Block::Table(items) => {
                out.push_str("| a | b |\n|---|---|\n| ");
                inlines(out, items);
                out.push_str(" | c |");
            }
            Block::Raw(t) => out.push_str(&t.0),
        }
        out.push_str("\n\n");
    }
}

#[derive(Debug, Arbitrary)]
struct Page {
    /// Index into NAMES for the file name, or a fuzzed name.
    name: Result<u8, Text>,
    /// Whether the file has a front matter block at all, and how it is closed.
    front_matter: u8,
    fields: Vec<Field>,
    body: Vec<Block>,
}

impl Page {
    fn text(&self) -> String {
        let mut out = String::new();
        let fm = self.front_matter % 8;
        if fm != 0 {
            out.push_str(if fm == 1 { "\u{feff}---\r\n" } else { "---\n" });
            for f in self.fields.iter().take(10) {
                f.write(&mut out);
            }
            if fm != 2 {
                // fm == 2 leaves it unclosed
                out.push_str(if fm == 3 { "...\n" } else { "---\n" });
            }
        }
        for b in self.body.iter().take(12) {
            b.write(&mut out);
        }
        out
    }

    fn file_name(&self) -> String {
        let stem = match &self.name {
            Ok(i) => NAMES[*i as usize % NAMES.len()].to_string(),
            Err(t) => t.0.chars().filter(|c| !matches!(c, '/' | '\\' | '\0')).take(40).collect(),
        };
        let stem = if stem.is_empty() || stem == "." || stem == ".." { "empty".to_string() } else { stem };
        format!("{stem}.md")
    }
}

#[derive(Debug, Arbitrary)]
struct FuzzSite {
    title: Scalar,
    base_url: u8,
    autolink: u8,
    paginate: u8,
    search: bool,
    drafts: bool,
    glossary: Vec<(Text, Text)>,
    explainers: Vec<Page>,
    /// Explainers in a subfolder, `articles/background/`.
    nested: Vec<Page>,
    actors: Vec<Page>,
    topics: Vec<Page>,
    home: Option<Page>,
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn site_toml(site: &FuzzSite) -> String {
    let base_url =
        ["https://example.org/", "https://example.org/dossier/", "http://localhost:1111", "https://ex.org/a b/"]
            [site.base_url as usize % 4];
    let autolink = ["first", "all", "off"][site.autolink as usize % 3];
    let mut out = format!(
        "title = {}\nbase_url = {}\nautolink = \"{autolink}\"\npaginate = {}\nsearch = {}\n",
        toml_string(&site.title.write()),
        toml_string(base_url),
        site.paginate % 4,
        site.search
    );
    if !site.glossary.is_empty() {
        out.push_str("\n[glossary]\n");
        let mut seen = std::collections::HashSet::new();
        for (term, expansion) in site.glossary.iter().take(4) {
            if seen.insert(term.0.clone()) {
                let _ = writeln!(out, "{} = {}", toml_string(&term.0), toml_string(&expansion.0));
            }
        }
    }
    out
}

fn write_pages(dir: &Path, pages: &[Page]) {
    std::fs::create_dir_all(dir).expect("create content dir");
    for page in pages.iter().take(4) {
        let _ = std::fs::write(dir.join(page.file_name()), page.text());
    }
}

fn work_dir() -> PathBuf {
    let base = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
    base.join(format!("dossier-fuzz-site-{}", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(site) = FuzzSite::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let root = work_dir();
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("content")).expect("create site root");
    std::fs::write(root.join("site.toml"), site_toml(&site)).expect("write site.toml");
    let content = root.join("content");
    write_pages(&content.join("articles"), &site.explainers);
    write_pages(&content.join("articles/background"), &site.nested);
    write_pages(&content.join("actors"), &site.actors);
    write_pages(&content.join("topics"), &site.topics);
    if let Some(home) = &site.home {
        std::fs::write(content.join("index.md"), home.text()).expect("write index.md");
    }

    // every generated explainer is published, whatever its date (the fuzzer writes no `expires`)
    let options = PipelineOptions {
        root: root.clone(),
        base_url: None,
        include_drafts: site.drafts,
        include_future: true,
        today: None,
        ends_process: false,
    };
    let result = match pipeline::load_config(&options) {
        Ok(config) => pipeline::run(&options, config, &NullSink).map(|r| r.warnings),
        Err(diagnostics) => Err(diagnostics),
    };
    if std::env::var_os("DOSSIER_FUZZ_STATS").is_some() {
        // how far the generated sites get: `built` ones went through rendering
        match &result {
            Ok(_) => eprintln!("site_build: built"),
            Err(errors) => eprintln!("site_build: {} diagnostics", errors.len()),
        }
    }
    let diagnostics = match result {
        Ok(warnings) => warnings,
        Err(errors) => errors,
    };
    for d in &diagnostics {
        let _ = d.to_string();
    }
});
