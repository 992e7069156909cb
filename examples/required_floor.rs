//! The floor of a build made with the crates the design requires: every content file read,
//! its front matter parsed by serde_yaml, its body rendered by pulldown-cmark with code blocks
//! highlighted by syntect, and one Tera template filled with the result, on every core. Nothing
//! else: no links, names, search index, lists, feeds or writing. `bench/compare` prints it next
//! to the floor of pulldown-cmark alone.
//!
//! usage: cargo run --release --example required_floor -- SITE_DIR

mod floor;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

/// The least a page template does: the title and the body into a document.
const TEMPLATE: &str = "<!doctype html><html lang=\"en\"><head><title>{{ title }}</title></head>\
                        <body><main><h1>{{ title }}</h1>{{ body | safe }}</main></body></html>\n";

fn safe(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    value.mark_safe()
}

/// One content file, start to finish; returns the length of its page.
fn page(path: &PathBuf, tera: &tera::Tera) -> usize {
    let text = std::fs::read_to_string(path).expect("readable UTF-8 content");
    let (front, body) = floor::split(&text);
    let meta: serde_yaml::Value = serde_yaml::from_str(front).expect("valid front matter");
    let title = ["title", "name"]
        .iter()
        .find_map(|key| meta.get(key).and_then(serde_yaml::Value::as_str))
        .unwrap_or("")
        .to_string();

    let mut html = String::with_capacity(body.len() * 5 / 4);
    let mut code: Option<(String, String)> = None;
    let events = Parser::new_ext(body, dossier::markdown::options()).filter_map(|event| match event {
        Event::Start(Tag::CodeBlock(kind)) => {
            let lang = match kind {
                CodeBlockKind::Fenced(lang) => lang.to_string(),
                CodeBlockKind::Indented => String::new(),
            };
            code = Some((lang, String::new()));
            None
        }
        Event::Text(t) if code.is_some() => {
            code.as_mut().expect("in a code block").1.push_str(&t);
            None
        }
        Event::End(TagEnd::CodeBlock) => {
            let (lang, text) = code.take().expect("in a code block");
            Some(Event::Html(dossier::highlight::code_block(&lang, &text).into()))
        }
        other => Some(other),
    });
    pulldown_cmark::html::push_html(&mut html, events);

    let mut context = tera::Context::new();
    context.insert("title", &title);
    context.insert("body", &html);
    let mut out = Vec::with_capacity(html.len() + TEMPLATE.len() + 2 * title.len());
    tera.render_to("page.html", &context, &mut out).expect("the template renders");
    out.len()
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: required_floor SITE_DIR");
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html"]);
    tera.register_filter("safe", safe);
    tera.add_raw_template("page.html", TEMPLATE).expect("the template compiles");
    // syntect's syntaxes load once per process in a build too; not part of the floor
    dossier::highlight::code_block("json", "{}");

    let started = Instant::now();
    let paths = floor::content_files(&dir);
    let bytes: usize = paths.par_iter().with_max_len(64).map(|path| page(path, &tera)).sum();
    let took = started.elapsed();
    println!(
        "{} files, {:.1} MB of pages, {} threads, {:.3} s",
        paths.len(),
        bytes as f64 / 1e6,
        rayon::current_num_threads(),
        took.as_secs_f64()
    );
}
