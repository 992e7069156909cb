//! Editorial lint: the checks editors make by hand before they publish (citations, lengths,
//! reviews, sources, actors, headings), as warnings of `dossier check` (errors with `--strict`).

mod body;
pub mod external;

use crate::assemble::{AnnotationKind, Explainer, Site, Target};
use crate::config::LintConfig;
use crate::diagnostics::{Code, Diagnostic, SourceFile};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// The rules, by their key in `[lint]` of site.toml (`key = false` turns one off), each with the
/// code of its findings. `review_after` sets the age `stale_review` allows.
pub const RULES: &[(&str, Code)] = &[
    ("quote_without_citation", Code::QuoteWithoutCitation),
    ("claim_without_citation", Code::ClaimWithoutCitation),
    ("image_without_alt", Code::ImageWithoutAlt),
    ("long_summary", Code::LongSummary),
    ("long_takeaway", Code::LongTakeaway),
    ("stale_review", Code::ReviewDue),
    ("unused_source", Code::UnusedSource),
    ("source_after_explainer", Code::SourceAfterExplainer),
    ("unlisted_actor", Code::UnlistedActor),
    ("unmentioned_actor", Code::UnmentionedActor),
    ("heading_skip", Code::HeadingSkip),
    ("missing_translation", Code::UntranslatedExplainer),
    ("outdated_translation", Code::OutdatedTranslation),
];

/// The longest summary, in characters, before `long_summary` fires.
pub const MAX_SUMMARY: usize = 300;
/// The longest takeaway, in characters, before `long_takeaway` fires.
pub const MAX_TAKEAWAY: usize = 200;

/// The findings of every rule `[lint]` leaves on, on every explainer of `site`, as warnings.
/// `today` is the build's day, which `reviewed:` dates are measured against.
pub fn lint(site: &Site<'_>, today: NaiveDate) -> Vec<Diagnostic> {
    let config = &site.config.lint;
    let mut found: Vec<Diagnostic> = site
        .explainers
        .par_iter()
        .with_max_len(crate::ITEMS_PER_JOB)
        .flat_map_iter(|e| lint_explainer(site, e, today))
        .filter(|d| config.is_on(d.code))
        .collect();
    crate::diagnostics::sort(&mut found);
    found
}

/// The findings about the versions of explainers in a multilingual site (`sites`: one per
/// language, the default first): each explainer of the default language that another language
/// has no version of (`missing_translation`), and each version whose original changed after it
/// (`outdated_translation`, comparing `updated:`, else `date:`), as warnings.
pub fn translations(sites: &[Site<'_>]) -> Vec<Diagnostic> {
    let Some((default, others)) = sites.split_first() else { return Vec::new() };
    let config = &default.config.lint;
    let changed = |e: &Explainer<'_>| e.meta.updated.unwrap_or(e.meta.date).max(e.meta.date);
    let mut found = Vec::new();
    for site in others {
        let language = &site.config.language;
        let versions: std::collections::HashMap<&str, &Explainer<'_>> =
            site.explainers.iter().map(|e| (e.file.rel.as_str(), e)).collect();
        for original in &default.explainers {
            let Some(version) = versions.get(original.file.rel.as_str()) else {
                let name = original.file.path.strip_suffix(".md").unwrap_or(&original.file.path);
                let message = format!("this explainer has no version in `{language}`");
                let help = format!(
                    "translate it into {name}.{language}.md, or turn the rule off: `[lint] missing_translation = false`"
                );
                found.push(
                    Diagnostic::warning(message)
                        .code(Code::UntranslatedExplainer)
                        .in_file(&original.file.path)
                        .with_help(help),
                );
                continue;
            };
            let (original_changed, version_changed) = (changed(original), changed(version));
            if original_changed > version_changed {
                let message = format!(
                    "its original {} changed on {}, after this version in `{language}` ({})",
                    original.file.path,
                    original_changed.machine(),
                    version_changed.machine()
                );
                let help = "bring the translation up to date and set its `updated:` to the day you did";
                found.push(
                    Diagnostic::warning(message)
                        .code(Code::OutdatedTranslation)
                        .in_file(&version.file.path)
                        .with_help(help),
                );
            }
        }
    }
    found.retain(|d| config.is_on(d.code));
    crate::diagnostics::sort(&mut found);
    found
}

/// Drops the warnings of rules `[lint]` turns off that other stages make (an image without alt
/// text is found where links are resolved).
pub fn filter(config: &LintConfig, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.retain(|d| d.is_error() || config.is_on(d.code));
}

/// Drops the lint's own findings, for a site with errors: `check` then reports what `build`
/// reports, and the lint waits for a site that builds. (An image without alt text stays: `build`
/// reports it too.)
pub fn without_findings(diagnostics: &mut Vec<Diagnostic>) {
    let own = |code: Code| code != Code::ImageWithoutAlt && RULES.iter().any(|(_, c)| *c == code);
    diagnostics.retain(|d| d.is_error() || !own(d.code));
}

/// Every finding on one explainer.
fn lint_explainer(site: &Site<'_>, e: &Explainer<'_>, today: NaiveDate) -> Vec<Diagnostic> {
    let source = SourceFile::new(&e.file.path, &e.file.text);
    let mut out = Vec::new();
    let Ok(split) = crate::frontmatter::split(&source) else { return out };
    let scan = body::scan(split.body, split.body_offset);
    let places = crate::frontmatter::LintPlaces::find(&source, &split, &e.meta);
    body_rules(&source, e, &scan, &mut out);
    lengths(&source, e, &scan, places.summary, &mut out);
    review(&source, e, site.config.lint.review_after_days, today, &mut out);
    sources(&source, e, &places.sources, &mut out);
    actors(site, &source, e, split.body, split.body_offset, &mut out);
    out
}

fn warn(source: &SourceFile<'_>, code: Code, (offset, len): (usize, usize), message: String, help: &str) -> Diagnostic {
    Diagnostic::warning(message).code(code).at(source, offset, len).with_help(help)
}

/// Quotes and claims without citations, and headings that skip a level.
fn body_rules(source: &SourceFile<'_>, e: &Explainer<'_>, scan: &body::BodyScan, out: &mut Vec<Diagnostic>) {
    for quote in &scan.uncited_quotes {
        out.push(warn(
            source,
            Code::QuoteWithoutCitation,
            (quote.start, quote.len()),
            "this quote has no citation".into(),
            "cite where the words were said, in the quote or its attribution: `— Victor Cha [1](source:cha)`",
        ));
    }
    // numbers need sources only where the explainer has sources to cite
    if !e.meta.sources.is_empty() {
        for claim in &scan.uncited_claims {
            out.push(warn(
                source,
                Code::ClaimWithoutCitation,
                (claim.start, claim.len()),
                "this paragraph has a number or a date and no citation".into(),
                "cite the source of the figure in the paragraph: `[1](source:id)`",
            ));
        }
    }
    for (heading, level, before) in &scan.heading_skips {
        out.push(warn(
            source,
            Code::HeadingSkip,
            (heading.start, heading.len()),
            format!("a level-{level} heading right after a level-{before} one skips a level"),
            "screen readers navigate by heading levels: use one level below the heading before",
        ));
    }
}

/// Summaries and takeaways too long for the lists, cards and boxes that show them.
fn lengths(
    source: &SourceFile<'_>,
    e: &Explainer<'_>,
    scan: &body::BodyScan,
    summary_at: Option<(usize, usize)>,
    out: &mut Vec<Diagnostic>,
) {
    let summary_length = e.summary.chars().count();
    if summary_length > MAX_SUMMARY {
        // at `summary:`, or at the paragraph it was taken from
        let at = summary_at.or_else(|| scan.first_paragraph.clone().map(|r| (r.start, r.len())));
        if let Some(at) = at {
            out.push(warn(
                source,
                Code::LongSummary,
                at,
                format!("the summary is {summary_length} characters long, over {MAX_SUMMARY}"),
                "lists, feeds and social cards show the summary whole: say it in two sentences",
            ));
        }
    }
    for (takeaway, &at) in e.meta.takeaways.iter().zip(&e.meta.places.takeaways) {
        let length = takeaway.chars().count();
        if length > MAX_TAKEAWAY {
            out.push(warn(
                source,
                Code::LongTakeaway,
                at,
                format!("this takeaway is {length} characters long, over {MAX_TAKEAWAY}"),
                "a key point is one sentence a reader takes away: split it or shorten it",
            ));
        }
    }
}

/// A `reviewed:` day older than `review_after`.
fn review(source: &SourceFile<'_>, e: &Explainer<'_>, days: u32, today: NaiveDate, out: &mut Vec<Diagnostic>) {
    let (Some(reviewed), Some(at)) = (&e.meta.reviewed, e.meta.places.reviewed) else { return };
    let age = (today - reviewed.day()).num_days();
    if age > i64::from(days) {
        out.push(warn(
            source,
            Code::ReviewDue,
            at,
            format!(
                "last reviewed {} days ago ({}), more than the {days} of `[lint] review_after`",
                age,
                reviewed.machine()
            ),
            "review the explainer and set `reviewed:` to the day you did",
        ));
    }
}

/// Sources no citation uses, and citations of sources published after the explainer.
fn sources(source: &SourceFile<'_>, e: &Explainer<'_>, places: &[(usize, usize)], out: &mut Vec<Diagnostic>) {
    let cited: Vec<(&str, usize, usize)> = e
        .body
        .links
        .iter()
        .filter(|l| !l.removed)
        .filter_map(|l| l.dest.strip_prefix("source:").map(|id| (id, l.offset, l.len)))
        .collect();
    let published = e.meta.date.day();
    for (entry, &at) in e.meta.sources.iter().zip(places) {
        let uses: Vec<&(&str, usize, usize)> = cited.iter().filter(|(id, ..)| *id == entry.id).collect();
        if uses.is_empty() {
            out.push(warn(
                source,
                Code::UnusedSource,
                at,
                format!("no citation uses the source `{}`", entry.id),
                "cite it where the text relies on it, `[1](source:id)`, or remove it",
            ));
        }
        let Some(date) = entry.date.as_ref().filter(|d| d.day() > published) else { continue };
        for &&(_, offset, len) in &uses {
            out.push(warn(
                source,
                Code::SourceAfterExplainer,
                (offset, len),
                format!(
                    "the source `{}` was published on {}, after the explainer ({})",
                    entry.id,
                    date.machine(),
                    e.meta.date.machine()
                ),
                "a source cannot support what was written before it: check its date, or add an entry to `updates:`",
            ));
        }
    }
}

/// Actors the text names that front matter lists neither in `actors:` nor in `authors:`, and
/// actors listed in `actors:` the text never names.
fn actors(
    site: &Site<'_>,
    source: &SourceFile<'_>,
    e: &Explainer<'_>,
    body: &str,
    body_offset: usize,
    out: &mut Vec<Diagnostic>,
) {
    // an author named in the text (a byline, "by …") is listed, under `authors:`
    for &id in e.mentioned.iter().filter(|id| !e.authors.contains(id)) {
        let actor = &site.actors[id];
        let at = first_name_in(body, &spellings(site, id)).map_or((body_offset, 0), |(i, len)| (body_offset + i, len));
        out.push(warn(
            source,
            Code::UnlistedActor,
            at,
            format!("the text names {} but `actors:` does not list them", actor.name),
            "list the actor in `actors:`, so that the explainer is on its page and in its feed",
        ));
    }
    // named: by a mention the text links, a quote's attribution, a link to its page, or its name
    let mut named: BTreeSet<usize> = e
        .annotations
        .iter()
        .filter_map(|a| match a.kind {
            AnnotationKind::Mention(id) => Some(id),
            AnnotationKind::Term(_) => None,
        })
        .collect();
    named.extend(e.quotes.iter().map(|q| q.actor));
    named.extend(e.links.iter().filter_map(|l| match l.target {
        Some(Target::Actor(id)) => Some(id),
        _ => None,
    }));
    for &id in &e.actors {
        let names = spellings(site, id);
        if named.contains(&id) || first_name_in(body, &names).is_some() {
            continue;
        }
        // where `actors:` names it: by its slug, its name or an alias
        let slug = site.actors[id].slug.as_str();
        let written =
            e.meta.actors.iter().find(|w| w.value == slug || names.iter().any(|n| n.eq_ignore_ascii_case(&w.value)));
        let Some(written) = written.or(e.meta.actors.first()) else { continue };
        out.push(warn(
            source,
            Code::UnmentionedActor,
            (written.offset, written.len),
            format!("`actors:` lists {} but the text never names them", site.actors[id].name),
            "name the actor where the text is about them, or remove them from `actors:`",
        ));
    }
}

/// The names an actor is written by: its name and aliases.
fn spellings<'a>(site: &'a Site<'_>, id: usize) -> Vec<&'a str> {
    let actor = &site.actors[id];
    std::iter::once(actor.name.as_str()).chain(actor.aliases.iter().map(String::as_str)).collect()
}

/// The first place in `text` where one of `names` is written as whole words: (byte, length).
fn first_name_in(text: &str, names: &[&str]) -> Option<(usize, usize)> {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    names
        .iter()
        .filter(|n| !n.is_empty())
        .filter_map(|name| {
            text.match_indices(name)
                .find(|(i, _)| {
                    !is_word(text[..*i].chars().next_back()) && !is_word(text[i + name.len()..].chars().next())
                })
                .map(|(i, _)| (i, name.len()))
        })
        .min()
}
