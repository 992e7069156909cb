//! `Slug`: the lower-case ASCII, hyphen-joined name of a page, an actor or a topic.

use serde::Serialize;
use std::fmt;

/// A URL-safe name: `[a-z0-9]+(-[a-z0-9]+)*`. Only made by [`Slug::from_text`], so every
/// value is valid and can be joined into paths without further checks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Transliterates accents and scripts to ASCII ("Türkiye" → `turkiye`), lower-cases,
    /// and joins runs of letters and digits with `-`. `None` when nothing is left.
    pub fn from_text(text: &str) -> Option<Slug> {
        let mut out = String::with_capacity(text.len());
        let mut pending_dash = false;
        let mut push_ascii = |c: char, out: &mut String| {
            if c.is_ascii_alphanumeric() {
                if pending_dash && !out.is_empty() {
                    out.push('-');
                }
                pending_dash = false;
                out.push(c.to_ascii_lowercase());
            } else if c != '\'' && c != '\u{2019}' {
                // apostrophes join words ("People's" → `peoples`); anything else splits them
                pending_dash = true;
            }
        };
        for c in text.chars() {
            if c.is_ascii() {
                push_ascii(c, &mut out);
            } else if c == '\u{2019}' {
                // typographic apostrophe, as in "People’s"
            } else {
                deunicode::deunicode_char(c).unwrap_or(" ").chars().for_each(|d| push_ascii(d, &mut out));
            }
        }
        (!out.is_empty()).then_some(Slug(out))
    }

    /// The slug of a string that is already a slug; `None` otherwise.
    pub fn parse_exact(text: &str) -> Option<Slug> {
        Slug::from_text(text).filter(|s| s.0 == text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `self-N`, for de-duplicating heading anchors.
    pub fn with_suffix(&self, n: usize) -> Slug {
        Slug(format!("{}-{n}", self.0))
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> String {
        Slug::from_text(s).map(|s| s.0).unwrap_or_default()
    }

    #[test]
    fn transliterates_and_joins() {
        assert_eq!(slug("Yoon Suk Yeol"), "yoon-suk-yeol");
        assert_eq!(slug("Türkiye"), "turkiye");
        assert_eq!(slug("  South & East China Seas!  "), "south-east-china-seas");
        assert_eq!(slug("People's Liberation Army"), "peoples-liberation-army");
        assert_eq!(slug("People’s Liberation Army"), "peoples-liberation-army");
        assert_eq!(slug("U.S.–China relations"), "u-s-china-relations");
        assert_eq!(slug("习近平"), "xi-jin-ping");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("!!!"), "");
    }

    #[test]
    fn exact_slugs_round_trip() {
        assert!(Slug::parse_exact("xi-jinping").is_some());
        assert!(Slug::parse_exact("Xi-Jinping").is_none());
        assert!(Slug::parse_exact("xi--jinping").is_none());
        assert!(Slug::parse_exact("-xi").is_none());
    }
}
