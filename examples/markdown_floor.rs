//! The floor of a build: pulldown-cmark alone, on one core, rendering the Markdown of every
//! content file of a site to HTML. `bench/compare` measures dossier against it.
//!
//! usage: cargo run --release --example markdown_floor -- SITE_DIR

use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: markdown_floor SITE_DIR");
    let mut bodies = Vec::new();
    for entry in walkdir::WalkDir::new(std::path::Path::new(&dir).join("content")) {
        let entry = entry.expect("readable content");
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).expect("UTF-8 content");
            // the body: what follows the front matter
            let body = match text.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---\n")) {
                Some((_, body)) => body.to_string(),
                None => text,
            };
            bodies.push(body);
        }
    }
    let bytes: usize = bodies.iter().map(String::len).sum();
    let options = dossier::markdown::options();
    let started = Instant::now();
    let mut html = String::new();
    let mut total = 0;
    for body in &bodies {
        html.clear();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body, options));
        total += html.len();
    }
    let took = started.elapsed();
    println!(
        "{} files, {:.1} MB of Markdown, {:.1} MB of HTML, {:.3} s",
        bodies.len(),
        bytes as f64 / 1e6,
        total as f64 / 1e6,
        took.as_secs_f64()
    );
}
