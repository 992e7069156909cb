//! Criterion benchmarks of the build stages on a generated site: front matter parsing, Markdown
//! parsing (which writes each body's HTML), assembly (entity index, links, related, backlinks),
//! putting resolved links and annotations into the bodies' HTML, template rendering, the search
//! index, and writing the output folder.
//!
//! `cargo bench` runs them on a site of 1,000 explainers; `DOSSIER_BENCH_EXPLAINERS=N` changes N.
//! `dossier build --timings` reports the same stages for a real build.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use dossier::assemble::{self, AssembleOptions};
use dossier::diagnostics::SourceFile;
use dossier::load;
use dossier::output::Staging;
use dossier::parse;
use dossier::render::{self, MemorySink, NullSink, Sink, Templates};
use std::fmt::Write as _;
use std::path::Path;

const TOPICS: &[&str] = &["Trade", "Taiwan", "Cyber", "Human rights", "Technology", "Maritime", "Alliances", "Energy"];
const WORDS: &[&str] = &[
    "summit",
    "tariff",
    "alliance",
    "export",
    "control",
    "talks",
    "border",
    "treaty",
    "sanction",
    "envoy",
    "statement",
    "security",
    "chain",
    "supply",
    "region",
    "military",
    "drills",
    "agreed",
    "warned",
    "cooperation",
    "deterrence",
];
const ACTORS: usize = 40;

/// A small deterministic generator (xorshift), so every run benchmarks the same site.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn actor_name(i: usize) -> String {
    format!("Actor Number{i}")
}

/// Writes a site of `n` explainers, `ACTORS` actor profiles and one profile per topic.
fn generate_site(root: &Path, n: usize) {
    let mut random = Random(0x5eed);
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("in a folder")).expect("create folder");
        std::fs::write(path, text).expect("write file");
    };
    write(
        "site.toml",
        "title = \"Bench\"\nbase_url = \"https://example.org/\"\npaginate = 10\n\n[glossary]\nAPEC = \"Asia-Pacific Economic Cooperation\"\nPLA = \"People's Liberation Army\"\n",
    );
    write("content/index.md", "---\ntitle: Bench\n---\nExplainers for benchmarks.\n");
    for (i, topic) in TOPICS.iter().enumerate() {
        write(
            &format!("content/topics/t{i}.md"),
            &format!("---\ntitle: {topic}\nsummary: About {topic}.\n---\nThe {topic} hub.\n"),
        );
    }
    for i in 0..ACTORS {
        let kind = ["person", "organization", "country"][i % 3];
        write(
            &format!("content/actors/a{i}.md"),
            &format!("---\nname: {}\nkind: {kind}\nrole: Envoy\n---\nA profile of {}.\n", actor_name(i), actor_name(i)),
        );
    }
    for i in 0..n {
        let mut text = String::with_capacity(8 * 1024);
        let (year, month, day) = (2015 + i % 10, 1 + i % 12, 1 + i % 28);
        let topics = [TOPICS[random.below(TOPICS.len())], TOPICS[random.below(TOPICS.len())]];
        let actors: Vec<String> = (0..3).map(|_| format!("a{}", random.below(ACTORS))).collect();
        writeln!(text, "---\ntitle: \"Explainer {i}: {} and {}\"", WORDS[i % WORDS.len()], topics[0]).unwrap();
        writeln!(text, "date: {year}-{month:02}-{day:02}\nsummary: \"What explainer {i} is about.\"").unwrap();
        writeln!(text, "topics: [{}, {}]\nactors: [{}]", topics[0], topics[1], actors.join(", ")).unwrap();
        writeln!(
            text,
            "sources:\n  - id: s1\n    title: A report\n    publisher: A wire\n    url: https://example.com/{i}"
        )
        .unwrap();
        writeln!(text, "timeline:\n  - date: {year}-{month:02}-{day:02}\n    event: \"Event {}.\"\n---\n", i % 50)
            .unwrap();
        for section in 0..4 {
            writeln!(text, "## Section {section}\n").unwrap();
            for _ in 0..3 {
                for w in 0..60 {
                    match random.below(40) {
                        0 => write!(text, "{} ", actor_name(random.below(ACTORS))).unwrap(),
                        1 => text.push_str("APEC "),
                        2 => write!(text, "[a related piece](e{}.md) ", random.below(n)).unwrap(),
                        3 => text.push_str("[1](source:s1) "),
                        4 => write!(text, "[its hub](topic:t{}) ", random.below(TOPICS.len())).unwrap(),
                        _ => text.push_str(WORDS[(w + random.below(WORDS.len())) % WORDS.len()]),
                    }
                    text.push(' ');
                }
                text.push_str(".\n\n");
            }
            if i % 10 == section {
                text.push_str("```rust\nfn main() { println!(\"{}\", 42); }\n```\n\n");
            }
        }
        write(&format!("content/articles/e{i}.md"), &text);
    }
}

fn stages(c: &mut Criterion) {
    let n: usize = std::env::var("DOSSIER_BENCH_EXPLAINERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    generate_site(&root, n);
    let config = load::load_config(&root, None).expect("site.toml is valid");
    let (loaded, diagnostics) = load::load_site(&root, config);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let bytes: u64 = loaded.content.iter().map(|f| f.text.len() as u64).sum();
    let options = AssembleOptions::today();

    let mut group = c.benchmark_group(format!("{n} explainers"));
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));

    group.bench_function("front matter", |b| {
        b.iter(|| {
            for file in loaded.content.iter().filter(|f| f.rel.starts_with("articles/")) {
                let source = SourceFile::new(&file.rel, &file.text);
                let split = dossier::frontmatter::split(&source).expect("closed front matter");
                let (meta, problems) = dossier::frontmatter::read_explainer(&source, &split);
                assert!(meta.is_some() && problems.is_empty(), "{problems:?}");
                std::hint::black_box(meta);
            }
        })
    });

    let parse_options = parse::ParseOptions::new(&loaded.config, &loaded.templates);
    group.bench_function("parse (front matter and Markdown)", |b| {
        b.iter(|| std::hint::black_box(parse::parse_site(&loaded.content, &parse_options)))
    });

    group.bench_function("assemble", |b| {
        b.iter_batched(
            || parse::parse_site(&loaded.content, &parse_options).0,
            |parsed| {
                let site = assemble::assemble(&loaded.config, parsed, &loaded.static_files, options, None, None);
                std::hint::black_box(site.map(|(site, _)| site.pages.len()).expect("the site assembles"))
            },
            BatchSize::LargeInput,
        )
    });

    let (parsed, _) = parse::parse_site(&loaded.content, &parse_options);
    let (site, _) =
        assemble::assemble(&loaded.config, parsed, &loaded.static_files, options, None, None).expect("assembles");
    let mut templates = Templates::compile(&loaded.templates).expect("the default theme compiles");

    group.bench_function("body HTML with resolved links and annotations", |b| {
        b.iter(|| {
            for explainer in &site.explainers {
                std::hint::black_box(render::html::explainer_html(&site, explainer));
            }
        })
    });

    group.bench_function("render every page", |b| {
        b.iter(|| std::hint::black_box(render::render_site(&site, &mut templates, &NullSink).expect("renders")))
    });

    group.bench_function("search index", |b| {
        b.iter(|| std::hint::black_box(dossier::search::write_index(&site, &NullSink).expect("indexes")))
    });

    // rendered into memory first, so that writing is measured on its own
    let rendered = MemorySink::default();
    render::render_site(&site, &mut templates, &rendered).expect("renders");
    dossier::search::write_index(&site, &rendered).expect("indexes");
    let files = rendered.into_files();
    let out = dir.path().join("public");
    group.bench_function("write the output folder", |b| {
        b.iter_batched(
            || files.clone(),
            |files| {
                let staging = Staging::new(&out).expect("staging folder");
                for (path, bytes) in files {
                    staging.write(&path, bytes).expect("write");
                }
                staging.commit().expect("swap");
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// A body pasted from a CMS, mostly raw HTML: paragraphs with inline styles and legacy tags, a
/// table, a wrapper around Markdown, a script, about 60 KB.
fn pasted_body() -> String {
    let mut body = String::new();
    let mut random = Random(7);
    for i in 0..120 {
        let words: Vec<&str> = (0..40).map(|_| WORDS[random.below(WORDS.len())]).collect();
        let _ = writeln!(
            body,
            "<p style=\"margin: 0\"><span class=\"s1\">{}</span> <b><i>{}</b></i> <font color=\"red\">{}</font></p>",
            words[..14].join(" "),
            words[14..27].join(" "),
            words[27..].join(" "),
        );
        if i % 10 == 0 {
            body.push_str(
                "<table border=\"1\"><tr><td>one</td><td style=\"text-align: right\">2</td></tr></table>\n\n",
            );
            body.push_str(
                "<div class=\"note\">\n\nA *Markdown* note with [a link](https://example.org/).\n\n</div>\n\n",
            );
            body.push_str("<script>track();</script><img src=\"/img/x.png\" onerror=\"x()\">\n\n");
        }
    }
    body
}

/// Parsing a body that is mostly raw HTML, in each `raw_html` mode: what sanitizing costs.
fn raw_html(c: &mut Criterion) {
    use dossier::config::RawHtml;
    use dossier::markdown::{BodyOptions, RawHtmlPolicy, parse_with};
    let body = pasted_body();
    let mut group = c.benchmark_group("raw HTML body");
    group.throughput(Throughput::Bytes(body.len() as u64));
    for (name, mode) in [("trusted", RawHtml::Trusted), ("escape", RawHtml::Escape), ("sanitize", RawHtml::Sanitize)] {
        let policy = RawHtmlPolicy::new(mode, Vec::new());
        let options = BodyOptions { raw_html: &policy, ..BodyOptions::default() };
        group.bench_function(name, |b| b.iter(|| std::hint::black_box(parse_with(&body, 0, &options))));
    }
    group.finish();
}

criterion_group!(benches, stages, raw_html);
criterion_main!(benches);
