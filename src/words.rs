//! Words as search indexes them: lower-case and accent-free, split as the browser's script
//! splits a query; and the bag of a body's words, counted once at parse.

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// Classes of bytes for [`words`]: ASCII lower-case letters and digits, ASCII capitals, and 0
/// for anything else.
const LOWER_OR_DIGIT: u8 = 1;
const CAPITAL: u8 = 2;
const ASCII_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        table[byte] = if b.is_ascii_uppercase() {
            CAPITAL
        } else if b.is_ascii_alphanumeric() {
            LOWER_OR_DIGIT
        } else {
            0
        };
        byte += 1;
    }
    table
};

/// Lower-case, accent-free words of a text, as the browser's script splits them too.
pub fn words(text: &str, mut each: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    // a word being put together: one with capitals, or with letters from outside ASCII
    let mut word = String::new();
    let flush = |word: &mut String, each: &mut dyn FnMut(&str)| {
        if !word.is_empty() {
            each(word);
            word.clear();
        }
    };
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if ASCII_CLASS[byte as usize] != 0 {
            let start = at;
            // the classes met: a capital sets CAPITAL
            let mut classes = 0;
            while let Some(&b) = bytes.get(at) {
                let class = ASCII_CLASS[b as usize];
                if class == 0 {
                    break;
                }
                classes |= class;
                at += 1;
            }
            let run = &text[start..at];
            // a letter from outside ASCII may go on with the word
            let goes_on = at < bytes.len() && !bytes[at].is_ascii();
            if word.is_empty() && !goes_on && classes & CAPITAL == 0 {
                // most words: lower-case ASCII, passed on without a copy
                each(run);
            } else {
                word.extend(run.chars().map(|c| c.to_ascii_lowercase()));
                if !goes_on {
                    flush(&mut word, &mut each);
                }
            }
        } else if byte.is_ascii() {
            // spaces, punctuation and apostrophes ("China's" → "china" "s") end a word
            flush(&mut word, &mut each);
            at += 1;
        } else {
            let c = text[at..].chars().next().expect("at is a character boundary");
            at += c.len_utf8();
            if c.is_alphanumeric() {
                // transliterate accents and other scripts: "Türkiye" → "turkiye"
                for d in deunicode::deunicode_char(c).unwrap_or("").chars() {
                    if d.is_ascii_alphanumeric() {
                        word.push(d.to_ascii_lowercase());
                    } else {
                        flush(&mut word, &mut each);
                    }
                }
            } else {
                flush(&mut word, &mut each);
            }
        }
    }
    flush(&mut word, &mut each);
}

/// The distinct words of a text with how often each occurs, in the order they first occur. Made
/// while a body is parsed, so that the search index need not read the body again.
#[derive(Debug, Clone, Default)]
pub struct WordBag {
    /// The distinct words, one after the other.
    text: String,
    /// Where each word ends in `text`, and its count.
    entries: Vec<(u32, u32)>,
}

impl WordBag {
    /// (word, count), in the order the words first occur.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> + '_ {
        (0..self.entries.len()).map(|i| (self.word(i), self.entries[i].1))
    }

    fn word(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.entries[i - 1].0 as usize };
        &self.text[start..self.entries[i].0 as usize]
    }
}

/// Puts a [`WordBag`] together, a text at a time.
#[derive(Default)]
pub struct WordBagBuilder {
    bag: WordBag,
    /// Index into `bag.entries` of each word, by its hash.
    index: HashTable<u32>,
    hasher: FxBuildHasher,
}

impl WordBagBuilder {
    /// Adds the words of `text`.
    pub fn add_text(&mut self, text: &str) {
        let WordBagBuilder { bag, index, hasher } = self;
        words(text, |word| {
            let hash = hasher.hash_one(word);
            match index.find(hash, |&i| bag.word(i as usize) == word) {
                Some(&i) => bag.entries[i as usize].1 += 1,
                None => {
                    let i = bag.entries.len() as u32;
                    bag.text.push_str(word);
                    bag.entries.push((bag.text.len() as u32, 1));
                    index.insert_unique(hash, i, |&j| hasher.hash_one(bag.word(j as usize)));
                }
            }
        });
    }

    pub fn finish(mut self) -> WordBag {
        self.bag.text.shrink_to_fit();
        self.bag.entries.shrink_to_fit();
        self.bag
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        words(text, |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn words_fold_case_and_accents() {
        assert_eq!(split("Türkiye's PLA, 5G-networks!"), ["turkiye", "s", "pla", "5g", "networks"]);
        assert_eq!(split("People’s Liberation"), ["people", "s", "liberation"]);
        assert_eq!(split("ÉLAN naïve café, Straße 12ab"), ["elan", "naive", "cafe", "strasse", "12ab"]);
    }

    /// The plain way to split words, a character at a time: `words` must agree with it.
    fn split_by_characters(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
            } else if c.is_alphanumeric() {
                for d in deunicode::deunicode_char(c).unwrap_or("").chars() {
                    if d.is_ascii_alphanumeric() {
                        word.push(d.to_ascii_lowercase());
                    } else if !word.is_empty() {
                        out.push(std::mem::take(&mut word));
                    }
                }
            } else if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        }
        if !word.is_empty() {
            out.push(word);
        }
        out
    }

    #[test]
    fn words_agree_with_splitting_by_characters() {
        for text in [
            "",
            "plain words only",
            "Capitals AND digits 5G",
            "Türkiye’s naïve Straße, ÉLAN!",
            "x日本y and Москва-2024",
            "tail-ü",
            "ü",
            "emoji 🙂 between, a\u{301}ccent",
            "ﬁne ligatures ½ fractions ²",
        ] {
            assert_eq!(split(text), split_by_characters(text), "{text}");
        }
    }

    #[test]
    fn a_bag_counts_words_in_the_order_they_first_occur() {
        let mut builder = WordBagBuilder::default();
        builder.add_text("The talks, the TALKS and");
        builder.add_text("talks again; Türkiye");
        let bag = builder.finish();
        let got: Vec<(&str, u32)> = bag.iter().collect();
        assert_eq!(got, [("the", 2), ("talks", 3), ("and", 1), ("again", 1), ("turkiye", 1)]);
        assert_eq!(WordBag::default().iter().count(), 0);
    }
}
