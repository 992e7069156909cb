//! Whole-word search for many names at once: actor names and glossary terms in explainer text.
//!
//! Reading a text costs one pass over its bytes: only a byte that starts some name (a table
//! lookup), at the start of a word whose whole first word starts a name (a hash lookup), starts a
//! search, anchored there, for the longest name.

use crate::words;
use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use rustc_hash::FxHashMap;

/// Letters, digits, and the hyphen of compounds: "China" is not found in "US-China".
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// A whole-word match: `text[start..end]` is name number `name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub name: usize,
}

/// A set of names, searched for as whole words, case-sensitively.
#[derive(Debug)]
pub struct NameSet {
    names: Vec<String>,
    /// First word of a name → the names starting with it, longest first (then in the order given).
    by_first_word: FxHashMap<String, Vec<usize>>,
    /// Names starting with a character that is not a word character ("(PLA)"), longest first.
    by_punctuation: Vec<usize>,
    /// Whether some name starts with this byte (its first byte in UTF-8).
    first_byte: [bool; 256],
    /// Whether no name starts with a lower-case ASCII letter or a space, the bytes most text is
    /// made of: eight of them in a row are then skipped at once.
    skips_plain_text: bool,
    /// Finds the longest name written at a given place; its patterns are the names that are not
    /// blank, `pattern_name` says which.
    longest: Option<AhoCorasick>,
    pattern_name: Vec<usize>,
}

impl NameSet {
    /// Names that are empty or only spaces are left out; their numbers stay those of `names`.
    pub fn new<S: AsRef<str>>(names: &[S]) -> NameSet {
        let mut set = NameSet {
            names: Vec::with_capacity(names.len()),
            by_first_word: FxHashMap::default(),
            by_punctuation: Vec::new(),
            first_byte: [false; 256],
            skips_plain_text: false,
            longest: None,
            pattern_name: Vec::new(),
        };
        for (index, name) in names.iter().enumerate() {
            let name = name.as_ref();
            set.names.push(name.to_string());
            if name.trim().is_empty() {
                continue;
            }
            set.first_byte[name.as_bytes()[0] as usize] = true;
            let first_word = first_word(name);
            if first_word.is_empty() {
                set.by_punctuation.push(index);
            } else {
                set.by_first_word.entry(first_word.to_string()).or_default().push(index);
            }
        }
        set.skips_plain_text = !set.first_byte[b' ' as usize] && !(b'a'..=b'z').any(|b| set.first_byte[b as usize]);
        let names = &set.names;
        let longest_first =
            |list: &mut Vec<usize>| list.sort_by(|&a, &b| names[b].len().cmp(&names[a].len()).then(a.cmp(&b)));
        set.by_first_word.values_mut().for_each(longest_first);
        longest_first(&mut set.by_punctuation);
        set.pattern_name = (0..set.names.len()).filter(|&i| !set.names[i].trim().is_empty()).collect();
        set.longest = (!set.pattern_name.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(StartKind::Anchored)
                .build(set.pattern_name.iter().map(|&i| &set.names[i]))
                .expect("names are plain text")
        });
        set
    }

    /// Whole-word matches, left to right without overlaps, the longest name at each place.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let mut found = Vec::new();
        if self.longest.is_none() {
            return found;
        }
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if self.skips_plain_text
                && let Some(eight) = bytes.get(at..at + 8)
            {
                // no name starts with a lower-case letter or a space: go to the first other byte
                let others = not_plain_text(u64::from_le_bytes(eight.try_into().expect("8 bytes")));
                if others == 0 {
                    at += 8;
                    continue;
                }
                at += (others.trailing_zeros() / 8) as usize;
            }
            // only a byte that starts some name, at the start of a word, is worth a look
            if !self.first_byte[bytes[at] as usize] || !starts_word(text, at) {
                at += 1;
                continue;
            }
            let (is_word, _) = char_at(text, at);
            let candidates = if is_word {
                self.by_first_word.get(&text[at..word_end(text, at)]).map(Vec::as_slice)
            } else {
                Some(self.by_punctuation.as_slice())
            };
            match candidates.and_then(|c| self.longest_at(text, at, c)) {
                Some(m) => {
                    at = m.end;
                    found.push(m);
                }
                None => at += 1,
            }
        }
        found
    }

    /// Where `found` ends once extended by longer names of the same owner (`same` says which
    /// names are) that start at a word inside it and end after it: "President Xi" followed by
    /// "Jinping" is one mention when "Xi Jinping" is a name of the same actor.
    pub fn extended_end(&self, text: &str, found: Found, same: impl Fn(usize) -> bool) -> usize {
        let mut end = found.end;
        let mut at = found.start;
        while at < end {
            let (is_word, len) = char_at(text, at);
            if at > found.start && is_word && starts_word(text, at) {
                let candidates = self.by_first_word.get(&text[at..word_end(text, at)]).map_or(&[][..], Vec::as_slice);
                // candidates are longest first: the first that fits reaches farthest
                let longer = candidates.iter().filter(|&&name| same(name)).find_map(|&name| {
                    let name_end = at + self.names[name].len();
                    let fits = name_end > end
                        && text[at..].starts_with(self.names[name].as_str())
                        && ends_word(text, name_end);
                    fits.then_some(name_end)
                });
                if let Some(longer) = longer {
                    end = longer;
                }
            }
            at += len;
        }
        end
    }

    /// The longest name written at `start` and ending a word; `candidates` are the names that
    /// could start there, longest first.
    fn longest_at(&self, text: &str, start: usize, candidates: &[usize]) -> Option<Found> {
        let longest = self.longest.as_ref()?.find(Input::new(text).range(start..).anchored(Anchored::Yes))?;
        if ends_word(text, longest.end()) {
            let name = self.pattern_name[longest.pattern().as_usize()];
            return Some(Found { start, end: longest.end(), name });
        }
        // the longest does not end a word ("Xi Jin" in "Xi Jinping"): a shorter name may
        candidates.iter().find_map(|&name| {
            let end = start + self.names[name].len();
            let fits = text[start..].starts_with(self.names[name].as_str()) && ends_word(text, end);
            fits.then_some(Found { start, end, name })
        })
    }
}

/// Of eight bytes (little-endian), as high bits: those that are not lower-case ASCII letters or
/// spaces ("SIMD within a register").
fn not_plain_text(eight: u64) -> u64 {
    let [lower_case, spaces] = words::ascii_between(eight, [(b'a', b'z'), (b' ', b' ')]);
    !(lower_case | spaces) & words::HIGHS
}

/// Whether the character at byte `at` of `text` is a word character, and its length in bytes;
/// ASCII, most of any text, without decoding.
fn char_at(text: &str, at: usize) -> (bool, usize) {
    let byte = text.as_bytes()[at];
    if byte.is_ascii() {
        (ASCII_WORD[byte as usize], 1)
    } else {
        let c = text[at..].chars().next().expect("at is a character boundary");
        (is_word_char(c), c.len_utf8())
    }
}

/// Whether a word could start at byte `at` of `text`: the character before is not a word character.
fn starts_word(text: &str, at: usize) -> bool {
    match at.checked_sub(1).map(|before| text.as_bytes()[before]) {
        None => true,
        Some(byte) if byte.is_ascii() => !ASCII_WORD[byte as usize],
        Some(_) => !text[..at].chars().next_back().is_some_and(is_word_char),
    }
}

/// Whether a word could end at byte `at` of `text`: the character there is not a word character.
fn ends_word(text: &str, at: usize) -> bool {
    at == text.len() || !char_at(text, at).0
}

/// Which ASCII bytes are word characters.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut byte = 0;
    while byte < 128 {
        let c = byte as u8;
        table[byte] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        byte += 1;
    }
    table
};

/// Where the word at byte `from` of `text` ends.
fn word_end(text: &str, mut from: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        // the ASCII letters of the word, a byte at a time
        while from < bytes.len() && bytes[from].is_ascii() && ASCII_WORD[bytes[from] as usize] {
            from += 1;
        }
        if from == bytes.len() || bytes[from].is_ascii() {
            return from;
        }
        let (is_word, len) = char_at(text, from);
        if !is_word {
            return from;
        }
        from += len;
    }
}

/// The leading word characters of `name`.
fn first_word(name: &str) -> &str {
    let end = name.find(|c: char| !is_word_char(c)).unwrap_or(name.len());
    &name[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(set: &NameSet, text: &str) -> Vec<(String, usize)> {
        set.find(text).into_iter().map(|f| (text[f.start..f.end].to_string(), f.name)).collect()
    }

    #[test]
    fn whole_words_only() {
        let set = NameSet::new(&["Xi", "China"]);
        assert_eq!(
            spans(&set, "Xi in Xinjiang, not Xi-ism; US-China, China."),
            [("Xi".into(), 0), ("China".into(), 1)]
        );
    }

    #[test]
    fn the_longest_name_at_a_place_wins_and_shorter_ones_inside_it_are_skipped() {
        let set = NameSet::new(&["Yoon", "Yoon Suk Yeol", "Suk"]);
        assert_eq!(
            spans(&set, "Yoon Suk Yeol met Suk and Yoon."),
            [("Yoon Suk Yeol".into(), 1), ("Suk".into(), 2), ("Yoon".into(), 0)]
        );
    }

    #[test]
    fn a_longer_name_that_does_not_end_a_word_gives_way_to_a_shorter_one() {
        let set = NameSet::new(&["Xi", "Xi Jin"]);
        assert_eq!(spans(&set, "Xi Jinping"), [("Xi".into(), 0)]);
    }

    #[test]
    fn names_that_start_or_end_with_punctuation() {
        let set = NameSet::new(&["(PLA)", "U.S.", "U.S. Navy"]);
        assert_eq!(
            spans(&set, "The U.S. Navy and the (PLA) and U.S.-made (PLA)x"),
            [("U.S. Navy".into(), 2), ("(PLA)".into(), 0)]
        );
    }

    #[test]
    fn names_after_text_in_other_scripts_and_empty_names() {
        let set = NameSet::new(&["", "  ", "Türkiye", "Erdoğan"]);
        assert_eq!(spans(&set, "Ankara—Türkiye’s Erdoğan, ÖzErdoğan"), [("Türkiye".into(), 2), ("Erdoğan".into(), 3)]);
        assert_eq!(spans(&NameSet::new(&[""]), "a  b"), []);
    }

    #[test]
    fn equal_names_keep_the_first_given() {
        let set = NameSet::new(&["PLA", "PLA"]);
        assert_eq!(spans(&set, "the PLA"), [("PLA".into(), 0)]);
    }

    #[test]
    fn a_match_extends_through_a_longer_name_of_the_same_owner() {
        // 0: "President Xi", 1: "Xi Jinping" (same owner), 2: "Jinping Road" (another)
        let set = NameSet::new(&["President Xi", "Xi Jinping", "Jinping Road", "Xi"]);
        let text = "President Xi Jinping spoke; President Xi Jinpingx; President Xi.";
        let found = set.find(text);
        let same = |name: usize| name != 2;
        let ends: Vec<&str> = found.iter().map(|&f| &text[f.start..set.extended_end(text, f, same)]).collect();
        assert_eq!(ends, ["President Xi Jinping", "President Xi", "President Xi"]);
        // a longer name of another owner does not extend it
        let text = "President Xi Jinping Road";
        let f = set.find(text)[0];
        assert_eq!(&text[..set.extended_end(text, f, |name| name == 0)], "President Xi");
        assert_eq!(&text[..set.extended_end(text, f, same)], "President Xi Jinping");
    }

    /// Every whole-word occurrence of every name, then the longest at each place, left to right.
    fn naive(names: &[&str], text: &str) -> Vec<Found> {
        let mut all = Vec::new();
        for (name, pattern) in names.iter().enumerate().filter(|(_, n)| !n.trim().is_empty()) {
            for (start, _) in text.match_indices(pattern) {
                let end = start + pattern.len();
                let before = text[..start].chars().next_back().is_none_or(|c| !is_word_char(c));
                let after = text[end..].chars().next().is_none_or(|c| !is_word_char(c));
                if before && after {
                    all.push(Found { start, end, name });
                }
            }
        }
        all.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(a.name.cmp(&b.name)));
        let mut chosen: Vec<Found> = Vec::new();
        for m in all {
            if chosen.last().is_none_or(|last| m.start >= last.end) {
                chosen.push(m);
            }
        }
        chosen
    }

    /// Checks `find` against [`naive`] on texts of up to `length` pieces from a fixed
    /// pseudo-random sequence.
    fn check_against_naive(names: &[&str], pieces: &[&str], length: usize) {
        let set = NameSet::new(names);
        let mut state = 7u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            for _ in 0..1 + (state >> 40) as usize % length {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            assert_eq!(set.find(&text), naive(names, &text), "{text:?}");
        }
    }

    #[test]
    fn agrees_with_a_search_for_every_name_everywhere() {
        let names = ["Xi", "Xi Jinping", "Jinping", "U.S.", "U.S. Navy", "(PLA)", "PLA", "Ö", "Öz Su", "-x", "a-b"];
        let pieces =
            ["Xi", " ", "Jinping", "U.S.", "Navy", "(PLA)", "PLA", "Ö", "z", "Su", "-", "x", "a", "b", "’", ".", "é"];
        check_against_naive(&names, &pieces, 5);
    }

    #[test]
    fn skipping_plain_text_finds_the_same_names() {
        // no name starts with a lower-case letter or a space: runs of eight such bytes are skipped
        let names = ["Xi", "Xi Jinping", "Jinping", "U.S. Navy", "(PLA)", "PLA", "Öz Su", "-x", "Met"];
        let set = NameSet::new(&names);
        assert!(set.skips_plain_text);
        assert!(!NameSet::new(&["Xi", "de Gaulle"]).skips_plain_text);
        assert!(!NameSet::new(&["Xi", " Xi"]).skips_plain_text);
        let pieces = [
            "Xi", " ", "  ", "Jinping", "U.S.", "Navy", "(PLA)", "PLA", "Öz", "Su", "-", "x", "met", "Met", "talks",
            "summit", "abcdefgh", "ijklmnop", "\n", ".", "é", "’", "9",
        ];
        check_against_naive(&names, &pieces, 14);
    }
}
