//! The floor of a build: pulldown-cmark alone, on one core, rendering the Markdown of every
//! content file of a site to HTML. `bench/compare` measures dossier against it.
//!
//! usage: cargo run --release --example markdown_floor -- SITE_DIR

use std::time::Instant;

mod floor;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: markdown_floor SITE_DIR");
    let bodies: Vec<String> = floor::content_files(&dir)
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("UTF-8 content");
            floor::split(&text).1.to_string()
        })
        .collect();
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
