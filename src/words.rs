//! Words as search indexes them: lower-case and accent-free, split as the browser's script
//! splits a query; and the bag of a body's words, counted once at parse.

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

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
        if ASCII_WORD_BYTE[byte as usize] != 0 {
            let start = at;
            let mut has_capital = false;
            while let Some(&b) = bytes.get(at) {
                let lower = ASCII_WORD_BYTE[b as usize];
                if lower == 0 {
                    break;
                }
                has_capital |= lower != b;
                at += 1;
            }
            let run = &text[start..at];
            // a letter from outside ASCII may go on with the word
            let goes_on = at < bytes.len() && !bytes[at].is_ascii();
            if word.is_empty() && !goes_on && !has_capital {
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

    /// Adds a word seen for the first time, counted once; returns its entry.
    fn push(&mut self, word: &str) -> u32 {
        self.text.push_str(word);
        self.entries.push((self.text.len() as u32, 1));
        (self.entries.len() - 1) as u32
    }

    fn word(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.entries[i - 1].0 as usize };
        &self.text[start..self.entries[i].0 as usize]
    }
}

/// Each byte lower-cased when it is an ASCII letter or digit, 0 for every other byte.
const ASCII_WORD_BYTE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        if b.is_ascii_alphanumeric() {
            table[byte] = b.to_ascii_lowercase();
        }
        byte += 1;
    }
    table
};

/// Eight bytes at a time ("SIMD within a register"): the low and the high bit of every byte.
const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `y` (whose bytes are all below 0x80) that is at least `c`.
fn at_least(y: u64, c: u8) -> u64 {
    // no byte carries into the next: y + 0x80 - c stays below 0x100
    y.wrapping_add(ONES * u64::from(0x80 - c)) & HIGHS
}

/// Of eight bytes (little-endian), as high bits: for each (low, high) asked, the bytes from
/// `low` to `high`, both ASCII.
pub(crate) fn ascii_between<const N: usize>(eight: u64, ranges: [(u8, u8); N]) -> [u64; N] {
    let ascii = !eight & HIGHS;
    let low7 = eight & !HIGHS;
    ranges.map(|(low, high)| at_least(low7, low) & !at_least(low7, high + 1) & ascii)
}

/// Of eight bytes: as high bits, the ASCII letters and digits; and the eight bytes with those
/// letters lower-cased. A letter's 0x20 bit is what makes it lower-case, so `byte | 0x20` puts
/// both cases in one range.
fn fold(x: u64) -> (u64, u64) {
    let [letters] = ascii_between(x | (ONES * 0x20), [(b'a', b'z')]);
    let [digits] = ascii_between(x, [(b'0', b'9')]);
    (letters | digits, x | (letters >> 2))
}

/// Of eight bytes whose word bytes are `word` (high bits): how many word bytes come first, and
/// the mask of those bytes.
fn leading_word_bytes(word: u64) -> (usize, u64) {
    let others = !word & HIGHS;
    // the lowest other byte's high bit, brought down to its low bit, minus one: the bytes before it
    let kept = ((others & others.wrapping_neg()) >> 7).wrapping_sub(1);
    ((others.trailing_zeros() / 8) as usize, kept)
}

/// The eight bytes of `bytes` from `at`, little-endian, zeros past its end.
pub(crate) fn load(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().expect("8 bytes")),
        None => {
            let mut padded = [0u8; 8];
            let rest = &bytes[at.min(bytes.len())..];
            padded[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(padded)
        }
    }
}

/// The key of a word of at most [`SHORT`] bytes: its bytes, little-endian, zero-padded. Words
/// have no zero byte, so two words share a key only when they are equal, and no word has the
/// key of an empty slot, all zeros.
type ShortKey = [u64; 2];
const SHORT: usize = 16;

/// A hash of a short key: one folded multiplication of its halves, each mixed with a constant.
fn hash_short(key: ShortKey) -> u64 {
    let product = u128::from(key[0] ^ 0x243f_6a88_85a3_08d3) * u128::from(key[1] ^ 0x1319_8a2e_0370_7345);
    (product as u64) ^ ((product >> 64) as u64)
}

/// Entries of the bag by the key of their word, for short words: open addressing, probing the
/// next slot, at most half full.
struct ShortIndex {
    /// (key, entry); all zeros when empty.
    slots: Vec<(ShortKey, u32)>,
    used: usize,
}

impl Default for ShortIndex {
    fn default() -> Self {
        ShortIndex { slots: vec![([0, 0], 0); 256], used: 0 }
    }
}

impl ShortIndex {
    /// Where `key` is: `Ok` with its entry, or `Err` with the empty slot where it goes.
    #[inline]
    fn find(&self, key: ShortKey) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut at = hash_short(key) as usize & mask;
        loop {
            match self.slots[at] {
                (k, entry) if k == key => return Ok(entry),
                ([0, 0], _) => return Err(at),
                _ => at = (at + 1) & mask,
            }
        }
    }

    #[cold]
    fn insert(&mut self, at: usize, key: ShortKey, entry: u32) {
        self.slots[at] = (key, entry);
        self.used += 1;
        if self.used * 2 > self.slots.len() {
            let grown = vec![([0, 0], 0); self.slots.len() * 2];
            let old = std::mem::replace(&mut self.slots, grown);
            for (key, entry) in old.into_iter().filter(|(k, _)| *k != [0, 0]) {
                let at = self.find(key).expect_err("keys are distinct");
                self.slots[at] = (key, entry);
            }
        }
    }
}

/// Puts a [`WordBag`] together, a text at a time.
#[derive(Default)]
pub struct WordBagBuilder {
    bag: WordBag,
    short: ShortIndex,
    /// Entries of words longer than [`SHORT`], by the hash of their text.
    long: HashTable<u32>,
    hasher: FxBuildHasher,
}

impl WordBagBuilder {
    /// Adds the words of `text`, split and folded as [`words`] does. Words of ASCII letters and
    /// digits, the most common, are found and lower-cased eight bytes at a time; a stretch of
    /// text with other letters goes through [`words`].
    pub fn add_text(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if ASCII_WORD_BYTE[bytes[at] as usize] == 0 {
                if bytes[at].is_ascii() {
                    at += 1;
                } else {
                    // a letter or sign from outside ASCII: handled with what surrounds it up to
                    // the next ASCII byte that is not a letter or digit, where `words` ends a
                    // word too
                    at = self.add_stretch(text, at);
                }
                continue;
            }
            // a word of ASCII letters and digits starts here: its first sixteen bytes are its
            // key, lower-cased, eight at a time
            let start = at;
            let (word, lower) = fold(load(bytes, at));
            let (len, kept) = leading_word_bytes(word);
            let mut key: ShortKey = [lower & kept, 0];
            at += len;
            if len == 8 {
                let (word, lower) = fold(load(bytes, at));
                let (len, kept) = leading_word_bytes(word);
                key[1] = lower & kept;
                at += len;
                if len == 8 {
                    // longer than a key: find where it ends
                    while bytes.get(at).is_some_and(|&b| ASCII_WORD_BYTE[b as usize] != 0) {
                        at += 1;
                    }
                }
            }
            if at < bytes.len() && !bytes[at].is_ascii() {
                // the word goes on with a letter from outside ASCII
                at = self.add_stretch(text, start);
            } else if at - start <= SHORT {
                self.add_short(key, at - start);
            } else {
                self.add_word(&text[start..at].to_ascii_lowercase());
            }
        }
    }

    /// Adds the words of `text` from `start` to the next ASCII byte that is not a letter or
    /// digit, with [`words`]; returns where that stretch ends.
    fn add_stretch(&mut self, text: &str, start: usize) -> usize {
        let end = text.as_bytes()[start..]
            .iter()
            .position(|b| b.is_ascii() && ASCII_WORD_BYTE[*b as usize] == 0)
            .map_or(text.len(), |i| start + i);
        words(&text[start..end], |word| self.add_word(word));
        end
    }

    /// Adds a word of lower-case ASCII letters and digits.
    fn add_word(&mut self, word: &str) {
        if word.len() <= SHORT {
            let bytes = word.as_bytes();
            self.add_short([load(bytes, 0), load(bytes, 8)], word.len());
            return;
        }
        let WordBagBuilder { bag, long, hasher, .. } = self;
        let hash = hasher.hash_one(word);
        match long.find(hash, |&i| bag.word(i as usize) == word) {
            Some(&i) => bag.entries[i as usize].1 += 1,
            None => {
                let i = bag.push(word);
                long.insert_unique(hash, i, |&j| hasher.hash_one(bag.word(j as usize)));
            }
        }
    }

    /// Adds a word of `len` bytes (at most [`SHORT`]) whose key is `key`: a word seen before is
    /// counted here; a new one is added out of line, so that this stays small enough to inline.
    #[inline]
    fn add_short(&mut self, key: ShortKey, len: usize) {
        match self.short.find(key) {
            Ok(entry) => self.bag.entries[entry as usize].1 += 1,
            Err(empty) => self.add_new_short(empty, key, len),
        }
    }

    /// Adds a short word seen for the first time, at the empty slot `at`.
    #[inline(never)]
    fn add_new_short(&mut self, at: usize, key: ShortKey, len: usize) {
        let mut bytes = [0u8; SHORT];
        bytes[..8].copy_from_slice(&key[0].to_le_bytes());
        bytes[8..].copy_from_slice(&key[1].to_le_bytes());
        let entry = self.bag.push(std::str::from_utf8(&bytes[..len]).expect("ASCII"));
        self.short.insert(at, key, entry);
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

    /// A bag made the plain way: every word from `words`, counted.
    fn bag_by_words(texts: &[String]) -> Vec<(String, u32)> {
        let mut bag: Vec<(String, u32)> = Vec::new();
        for text in texts {
            words(text, |w| match bag.iter_mut().find(|(x, _)| x == w) {
                Some((_, n)) => *n += 1,
                None => bag.push((w.to_string(), 1)),
            });
        }
        bag
    }

    #[test]
    fn a_bag_agrees_with_counting_words_one_by_one() {
        // pieces that meet at every kind of boundary: capitals, digits, accents, other scripts,
        // signs outside ASCII, apostrophes, words of 16 bytes and longer
        let pieces = [
            "talks",
            "Talks",
            "TALKS",
            "5g",
            " ",
            " ",
            ", ",
            "'",
            "’",
            "-",
            "Türkiye",
            "ü",
            "é",
            "日本",
            "Москва",
            "🙂",
            "ﬁ",
            "½",
            "a\u{301}",
            "sixteen-letters!",
            "sixteenlettersxx",
            "seventeenletterss",
            "SeventeenLettersS",
            "averyveryverylongwordindeed",
            "x",
            "\n",
            "12",
            "ab12CD",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..2000 {
            let texts: Vec<String> = (0..1 + next(3))
                .map(|_| (0..next(12)).map(|_| pieces[next(pieces.len())]).collect::<String>())
                .collect();
            let mut builder = WordBagBuilder::default();
            for text in &texts {
                builder.add_text(text);
            }
            let bag = builder.finish();
            let got: Vec<(String, u32)> = bag.iter().map(|(w, n)| (w.to_string(), n)).collect();
            assert_eq!(got, bag_by_words(&texts), "{texts:?}");
        }
    }

    #[test]
    fn a_bag_grows_past_its_first_slots() {
        let texts: Vec<String> = (0..3).map(|_| (0..5000).map(|i| format!("w{i} Word{} ", i * 7)).collect()).collect();
        let mut builder = WordBagBuilder::default();
        for text in &texts {
            builder.add_text(text);
        }
        let got: Vec<(String, u32)> = builder.finish().iter().map(|(w, n)| (w.to_string(), n)).collect();
        assert_eq!(got, bag_by_words(&texts));
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
