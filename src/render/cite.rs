//! "Cite this explainer": APA and Chicago citations, a BibTeX entry and the CSL-JSON file
//! (`articles/<slug>/cite.json`) of each explainer, every field escaped for its format.

use super::views::{CiteView, Link};
use crate::assemble::{Explainer, Site};
use crate::i18n::{Catalogue, Form};
use serde::Serialize;

/// A person's name cut into family and given names: the last word is the family name. One word
/// is a name written whole (`literal`).
struct Name<'a> {
    family: &'a str,
    given: Option<&'a str>,
}

impl<'a> Name<'a> {
    fn of(name: &'a str) -> Name<'a> {
        let name = name.trim();
        match name.rsplit_once(char::is_whitespace) {
            Some((given, family)) => Name { family, given: Some(given.trim_end()) },
            None => Name { family: name, given: None },
        }
    }

    /// APA: `Family, G. M.`
    fn apa(&self) -> String {
        match self.given {
            Some(given) => {
                let initials: Vec<String> =
                    given.split_whitespace().filter_map(|w| w.chars().next()).map(|c| format!("{c}.")).collect();
                format!("{}, {}", self.family, initials.join(" "))
            }
            None => self.family.to_string(),
        }
    }

    /// Chicago: the first author `Family, Given`, the others `Given Family`.
    fn chicago(&self, first: bool) -> String {
        match self.given {
            Some(given) if first => format!("{}, {given}", self.family),
            Some(given) => format!("{given} {}", self.family),
            None => self.family.to_string(),
        }
    }
}

/// `a`, `a, & b`, `a, b, & c` (APA); `a`, `a, and b`, `a, b, and c` (Chicago, whose first
/// name is inverted: `Doe, Jane, and Mary Smith`).
fn join(names: &[String], and: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}, {and} {last}", rest.join(", ")),
    }
}

fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String");
    out
}

/// Text inside a BibTeX field in braces: LaTeX's special characters escaped, so that a title
/// cannot close the field or run a command.
pub fn bibtex(text: &str) -> String {
    const SPECIAL: &[u8] = b"\\{}%&$#_^~\n\r";
    if !text.bytes().any(|b| SPECIAL.contains(&b)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\textasciicircum{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            // line breaks would end nothing, but keep the entry one line a field
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A day as citations write it: `(year, "November", day)`.
fn day_parts(date: &crate::date::Date) -> (i32, &'static str, u32) {
    use chrono::Datelike;
    let day = date.day();
    (day.year(), crate::date::MONTHS[day.month0() as usize], day.day())
}

/// A day as APA and Chicago write it, in the site's language: `2024, November 16` and
/// `November 16, 2024` in English (from a table: chrono's `format` took most of the time); in
/// other languages the year and ICU4X's long day and month (`2024, 16 novembre`), and the long
/// date of the site's pages (`16 novembre 2024`).
fn cite_dates(i18n: &Catalogue, date: &crate::date::Date) -> (String, String) {
    if i18n.language() == crate::i18n::SCHEMA_LANGUAGE {
        let (year, month, day) = day_parts(date);
        return (format!("{year}, {month} {day}"), format!("{month} {day}, {year}"));
    }
    use chrono::Datelike;
    let day = date.day();
    (format!("{}, {}", day.year(), i18n.date_form(day, Form::LongDayMonth)), i18n.date(day))
}

/// The citations of an explainer page's "Cite this" block. Made for every explainer page: written
/// with `push_str` into strings sized once, dates from a table (chrono's `format` took most of
/// the time).
pub fn view(site: &Site<'_>, e: &Explainer<'_>) -> CiteView {
    let names: Vec<&str> = e.authors.iter().map(|&a| site.actors[a].name.as_str()).collect();
    let url = html(&site.urls.absolute(&e.path));
    let publisher = html(&site.config.title);
    let title = html(&e.meta.title);
    let i18n = &site.config.i18n;
    let (apa_date, chicago_date) = cite_dates(i18n, &e.meta.date);
    let room = 2 * (url.len() + publisher.len() + title.len()) + 64;
    // APA 7, a web page: Author, A. (2024, November 16). *Title*. Site. URL
    let mut apa = String::with_capacity(room);
    let dated = format!("({apa_date}). ");
    if names.is_empty() {
        push_all(&mut apa, &["<i>", &title, "</i>. ", &dated]);
    } else {
        let apa_names: Vec<String> = names.iter().map(|n| Name::of(n).apa()).collect();
        push_all(&mut apa, &[&html(&join(&apa_names, "&")), " ", &dated, "<i>", &title, "</i>. "]);
    }
    push_all(&mut apa, &[&publisher, ". ", &url]);
    // Chicago, bibliography: Family, Given. "Title." Site. Month Day, Year. URL.
    let mut chicago = String::with_capacity(room);
    if !names.is_empty() {
        let chicago_names: Vec<String> = names.iter().enumerate().map(|(i, n)| Name::of(n).chicago(i == 0)).collect();
        push_all(&mut chicago, &[&html(&join(&chicago_names, &i18n.word("cite_and"))), ". "]);
    }
    // the title in the language's quotation marks: “Title.” in English, « Titre ». in French
    let quoted = html(&i18n.format("cite_quoted_title", &[("title", &e.meta.title)]));
    push_all(&mut chicago, &[&quoted, " ", &publisher, ". ", &chicago_date, "."]);
    if let Some(updated) = e.meta.updated.as_ref().filter(|u| **u > e.meta.date) {
        let (_, modified) = cite_dates(i18n, updated);
        chicago.push(' ');
        chicago.push_str(&html(&i18n.format("cite_last_modified", &[("date", &modified)])));
    }
    push_all(&mut chicago, &[" ", &url, "."]);
    CiteView {
        apa,
        chicago,
        bibtex: html(&bibtex_entry(site, e, &names, &site.urls.absolute(&e.path))),
        json: Link { title: "CSL-JSON".into(), href: site.urls.href(&crate::urls::cite_path(&e.path)) },
    }
}

fn push_all(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

/// A biblatex `@online` entry.
fn bibtex_entry(site: &Site<'_>, e: &Explainer<'_>, names: &[&str], url: &str) -> String {
    let key: String = e.path.trim_end_matches('/').rsplit('/').next().unwrap_or("explainer").to_string();
    let mut fields: Vec<(&str, String)> = Vec::new();
    if !names.is_empty() {
        let authors: Vec<String> = names
            .iter()
            .map(|n| {
                let name = Name::of(n);
                match name.given {
                    Some(given) => format!("{}, {}", bibtex(name.family), bibtex(given)),
                    None => format!("{{{}}}", bibtex(name.family)),
                }
            })
            .collect();
        fields.push(("author", authors.join(" and ")));
    }
    // double braces keep the title's letter case
    fields.push(("title", format!("{{{}}}", bibtex(&e.meta.title))));
    fields.push(("organization", bibtex(&site.config.title)));
    fields.push(("date", e.meta.date.machine()));
    fields.push(("url", bibtex(url)));
    fields.push(("langid", bibtex(&site.config.language)));
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("  {k} = {{{v}}}")).collect();
    format!("@online{{{}-{},\n{}\n}}", bibtex(&key), day_parts(&e.meta.date).0, body.join(",\n"))
}

/// One item of CSL-JSON, the format Zotero, Mendeley and pandoc read.
#[derive(Serialize)]
struct CslItem<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    #[serde(rename = "container-title")]
    container_title: &'a str,
    publisher: &'a str,
    #[serde(rename = "URL")]
    url: String,
    issued: CslDate,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<CslName<'a>>,
    language: &'a str,
    #[serde(rename = "abstract", skip_serializing_if = "str::is_empty")]
    summary: &'a str,
}

#[derive(Serialize)]
struct CslDate {
    #[serde(rename = "date-parts")]
    date_parts: Vec<Vec<i32>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum CslName<'a> {
    Parts { family: &'a str, given: &'a str },
    Literal { literal: &'a str },
}

/// `articles/<slug>/cite.json`: the explainer as a CSL-JSON list of one item.
pub fn csl_json(site: &Site<'_>, e: &Explainer<'_>) -> Vec<u8> {
    use chrono::Datelike;
    let day = e.meta.date.day();
    let item = CslItem {
        id: e.path.trim_end_matches('/').to_string(),
        kind: "webpage",
        title: &e.meta.title,
        container_title: &site.config.title,
        publisher: &site.config.title,
        url: site.urls.absolute(&e.path),
        issued: CslDate { date_parts: vec![vec![day.year(), day.month() as i32, day.day() as i32]] },
        author: e
            .authors
            .iter()
            .map(|&a| {
                let name = Name::of(&site.actors[a].name);
                match name.given {
                    Some(given) => CslName::Parts { family: name.family, given },
                    None => CslName::Literal { literal: name.family },
                }
            })
            .collect(),
        language: &site.config.language,
        summary: &e.summary,
    };
    // `<`, `>` and `&` as JSON escapes: the same data, and nothing a browser could take for markup
    let json =
        String::from_utf8(serde_json::to_vec_pretty(&[item]).expect("CSL-JSON serializes")).expect("JSON is UTF-8");
    let mut out = super::jsonld::markup_safe(json).into_bytes();
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_fields_cannot_close_or_command() {
        assert_eq!(
            bibtex(r"a}b{c\d%e&f$g#h_i^j~k"),
            r"a\}b\{c\textbackslash{}d\%e\&f\$g\#h\_i\textasciicircum{}j\textasciitilde{}k"
        );
    }

    #[test]
    fn names_are_cut_and_joined_as_each_style_wants() {
        assert_eq!(Name::of("Jake Sullivan").apa(), "Sullivan, J.");
        assert_eq!(Name::of("Mary Anne Smith").apa(), "Smith, M. A.");
        assert_eq!(Name::of("Madonna").chicago(true), "Madonna");
        let names = ["A".to_string(), "B".to_string(), "C".to_string()];
        assert_eq!(join(&names[..2], "&"), "A, & B");
        assert_eq!(join(&names, "&"), "A, B, & C");
        assert_eq!(join(&names, "and"), "A, B, and C");
        assert_eq!(join(&names[..2], "and"), "A, and B");
    }
}
