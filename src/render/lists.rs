//! Lists at scale: the actor index (by kind, then A–Z, with letter jumps, [`ACTORS_PER_PAGE`] a
//! page), the topic index (A–Z, [`TOPICS_PER_PAGE`] a page, with letter jumps when it takes more
//! than one) and the glossary (each term's count and newest uses, the rest left to the search page).

use super::views::{
    ActorGroup, EntityCount, TermView, actor_count, explainer_link, kind_groups, page_range, topic_count,
};
use crate::assemble::{ACTORS_PER_PAGE, ActorId, Site, TOPICS_PER_PAGE, TopicId};
use crate::urls::{ACTORS, TOPICS, Urls, paginated};
use serde::Serialize;

/// How many uses of a term the glossary lists, newest first; the rest are a search away.
pub const TERM_USES: usize = 5;

/// The letter of names that do not start with a Latin letter, even transliterated (`1st Fleet`).
const OTHER_LETTER: u8 = b'#';

/// The actors of one group on one page whose names start with one letter.
#[derive(Debug, Serialize)]
pub struct LetterGroup {
    /// `A` to `Z`, or `#` for names that start with anything else once transliterated.
    pub letter: String,
    /// The id of its heading, which the letter jumps link to: `letter-person-a`
    /// (`letter-person-num` for `#`).
    pub id: String,
    /// Whether the letter began on the page before.
    pub continued: bool,
    pub actors: Vec<EntityCount>,
}

/// The letter jumps of one group of the actor index.
#[derive(Debug, Serialize)]
pub struct JumpGroup {
    /// As [`ActorGroup::kind`].
    pub kind: &'static str,
    /// As [`ActorGroup::label`].
    pub label: String,
    pub letters: Vec<Jump>,
}

/// A link to the first actor of a letter, on the page of the index where it is.
#[derive(Debug, Serialize)]
pub struct Jump {
    pub letter: String,
    /// `/actors/page/3/#letter-person-m`.
    pub href: String,
}

/// The heading of a group of the actor index in the site's language (`group_person`: "People").
fn group_label(site: &Site<'_>, kind: &str) -> String {
    site.config.i18n.word(&format!("group_{kind}"))
}

/// An actor's place in the index.
struct Entry {
    /// Its group: an index into [`kind_groups`].
    group: usize,
    letter: u8,
    id: ActorId,
}

/// Every actor in the order of the index: by group, then letter, then name (transliterated and
/// in lower case, so that `Ōhira` sorts with `Ohira`), then slug, which is unique.
fn index_order(site: &Site<'_>) -> Vec<Entry> {
    let groups = kind_groups();
    let mut keyed: Vec<(usize, u8, String, &str, ActorId)> = site
        .actors
        .iter()
        .enumerate()
        .map(|(id, a)| {
            // the last group is the one of actors without a kind
            let group = groups.iter().position(|&(kind, ..)| kind == a.kind).unwrap_or(groups.len() - 1);
            let folded = deunicode::deunicode(&a.name).to_lowercase();
            (group, letter_of(&folded), folded, a.slug.as_str(), id)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(group, letter, _, _, id)| Entry { group, letter, id }).collect()
}

/// The index letter of a transliterated, lower-case name: its first letter or digit, `#` unless
/// it is a letter.
fn letter_of(folded: &str) -> u8 {
    match folded.bytes().find(u8::is_ascii_alphanumeric) {
        Some(b) if b.is_ascii_alphabetic() => b.to_ascii_uppercase(),
        _ => OTHER_LETTER,
    }
}

/// The id of a letter's heading in a group.
fn letter_id(kind: &str, letter: u8) -> String {
    if letter == OTHER_LETTER {
        format!("letter-{kind}-num")
    } else {
        format!("letter-{kind}-{}", letter.to_ascii_lowercase() as char)
    }
}

/// The groups shown on page `page` (from 1) of the actor index, and the letter jumps of every
/// group, each to the page where its letter starts.
pub fn actor_index(site: &Site<'_>, page: usize) -> (Vec<ActorGroup>, Vec<JumpGroup>) {
    let order = index_order(site);
    let kinds = kind_groups();
    let mut jumps: Vec<JumpGroup> = Vec::new();
    let mut counts = vec![0; kinds.len()];
    for (i, e) in order.iter().enumerate() {
        counts[e.group] += 1;
        let starts_letter = i == 0 || (order[i - 1].group, order[i - 1].letter) != (e.group, e.letter);
        if !starts_letter {
            continue;
        }
        let (_, kind, _) = kinds[e.group];
        if jumps.last().is_none_or(|j| j.kind != kind) {
            jumps.push(JumpGroup { kind, label: group_label(site, kind), letters: Vec::new() });
        }
        let on = i / ACTORS_PER_PAGE + 1;
        let href = format!("{}#{}", site.urls.href(&paginated(ACTORS, on)), letter_id(kind, e.letter));
        if let Some(group) = jumps.last_mut() {
            group.letters.push(Jump { letter: (e.letter as char).to_string(), href });
        }
    }
    let range = page_range(order.len(), page, ACTORS_PER_PAGE);
    let mut groups: Vec<ActorGroup> = Vec::new();
    for i in range.clone() {
        let e = &order[i];
        let (_, kind, _) = kinds[e.group];
        let before = (i > 0).then(|| &order[i - 1]);
        let same_group = before.is_some_and(|b| b.group == e.group);
        if i == range.start || !same_group {
            groups.push(ActorGroup {
                kind,
                label: group_label(site, kind),
                continued: same_group,
                count: counts[e.group],
                actors: Vec::new(),
                letters: Vec::new(),
            });
        }
        let same_letter = same_group && before.is_some_and(|b| b.letter == e.letter);
        let Some(group) = groups.last_mut() else { continue };
        if group.letters.is_empty() || !same_letter {
            group.letters.push(LetterGroup {
                letter: (e.letter as char).to_string(),
                id: letter_id(kind, e.letter),
                continued: same_letter,
                actors: Vec::new(),
            });
        }
        let actor = actor_count(site, &site.actors[e.id]);
        if let Some(letter) = group.letters.last_mut() {
            letter.actors.push(actor.clone());
        }
        group.actors.push(actor);
    }
    (groups, jumps)
}

/// The topics of one page of the topic index whose titles start with one letter.
#[derive(Debug, Serialize)]
pub struct TopicLetter {
    /// As [`LetterGroup::letter`].
    pub letter: String,
    /// The id of its heading: `letter-topic-m` (`letter-topic-num` for `#`).
    pub id: String,
    /// Whether the letter began on the page before.
    pub continued: bool,
    pub topics: Vec<EntityCount>,
}

/// The topics on page `page` (from 1) of the topic index by letter, A–Z by title (in Latin
/// letters, then slug), and the letter jumps of all of them, each to the page where its letter
/// starts; no jumps when the index is one page, which a reader sees whole.
pub fn topic_index(site: &Site<'_>, page: usize) -> (Vec<TopicLetter>, Vec<Jump>) {
    let mut order: Vec<(u8, String, &str, TopicId)> = site
        .topics
        .iter()
        .enumerate()
        .map(|(id, t)| {
            let folded = deunicode::deunicode(&t.title).to_lowercase();
            (letter_of(&folded), folded, t.slug.as_str(), id)
        })
        .collect();
    order.sort_unstable();
    let mut jumps = Vec::new();
    if order.len() > TOPICS_PER_PAGE {
        for (i, &(letter, ..)) in order.iter().enumerate() {
            if i == 0 || order[i - 1].0 != letter {
                let on = i / TOPICS_PER_PAGE + 1;
                let href = format!("{}#{}", site.urls.href(&paginated(TOPICS, on)), letter_id("topic", letter));
                jumps.push(Jump { letter: (letter as char).to_string(), href });
            }
        }
    }
    let range = page_range(order.len(), page, TOPICS_PER_PAGE);
    let mut letters: Vec<TopicLetter> = Vec::new();
    for i in range.clone() {
        let (letter, .., id) = order[i];
        let same_letter = i > 0 && order[i - 1].0 == letter;
        if i == range.start || !same_letter {
            letters.push(TopicLetter {
                letter: (letter as char).to_string(),
                id: letter_id("topic", letter),
                continued: same_letter,
                topics: Vec::new(),
            });
        }
        if let Some(group) = letters.last_mut() {
            group.topics.push(topic_count(site, &site.topics[id]));
        }
    }
    (letters, jumps)
}

/// The glossary's entries, in the order of `[glossary]`: each term's count, its newest
/// [`TERM_USES`] uses, and the search page for the rest when the site has one.
pub fn glossary_terms<'s>(site: &Site<'s>) -> Vec<TermView<'s>> {
    site.glossary
        .iter()
        .map(|t| TermView {
            term: t.term,
            expansion: t.expansion,
            anchor: format!("term-{}", crate::slug::Slug::from_text(t.term).map(|s| s.to_string()).unwrap_or_default()),
            count: t.explainers.len(),
            explainers: t.explainers.iter().take(TERM_USES).map(|&e| explainer_link(site, e)).collect(),
            more_href: (site.config.search && t.explainers.len() > TERM_USES).then(|| search_href(&site.urls, t.term)),
        })
        .collect()
}

/// The search page asking for `query`, form-encoded as the search form sends it:
/// `/search/?q=S%26ED+talks`.
pub fn search_href(urls: &Urls, query: &str) -> String {
    let query: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("{}?q={query}", urls.href("search/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_are_those_of_the_transliterated_name() {
        let letter = |name: &str| letter_of(&deunicode::deunicode(name).to_lowercase()) as char;
        assert_eq!(letter("Xi Jinping"), 'X');
        assert_eq!(letter("Ōhira Masayoshi"), 'O');
        assert_eq!(letter("习近平"), 'X');
        assert_eq!(letter("\"Ndrangheta\""), 'N');
        assert_eq!(letter("7th Fleet"), '#');
        assert_eq!(letter(""), '#');
        assert_eq!(letter_id("person", b'M'), "letter-person-m");
        assert_eq!(letter_id("other", b'#'), "letter-other-num");
    }

    #[test]
    fn the_search_link_encodes_the_term() {
        let urls = Urls::new(&url::Url::parse("https://example.org/sub/").unwrap());
        assert_eq!(search_href(&urls, "APEC"), "/sub/search/?q=APEC");
        assert_eq!(search_href(&urls, "S&ED talks"), "/sub/search/?q=S%26ED+talks");
        assert_eq!(search_href(&urls, "Ōhira#1"), "/sub/search/?q=%C5%8Chira%231");
    }
}
