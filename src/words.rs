//! Words as search indexes them and as the browser's script splits a query: one set of rules,
//! written twice (here, and in `words` of `themes/default/static/search.js`, with the browser's own
//! Unicode data); `tests/search_words.rs` runs both on the cases of
//! `tests/browser/search-words.json`. Also the bag of a body's words, counted once at parse.
//!
//! The rules, in order:
//! 1. NFKD: compatibility forms become plain ones ("ﬁ" → "fi", full-width "ＡＰＥＣ" → "APEC"),
//!    an accented letter becomes its letter and its accents.
//! 2. Lower case (Unicode's, without a locale); "ß" becomes "ss" and "ς" becomes "σ", as a
//!    query typed without them expects.
//! 3. The accents of U+0300–U+036F (the ones of Latin, Greek and Cyrillic) are dropped: "é" → "e",
//!    "ё" → "е", "ά" → "α". Only the breve of "й" stays, a letter of its own for the Russian
//!    stemmer. Other marks are the vowels and signs of their scripts, and stay.
//! 4. NFC: what is left is put back together (Hangul syllables, kana with their voicing, "й").
//! 5. A word is a run of letters and digits (Unicode's Alphabetic and Numeric) with the marks
//!    that follow them. Each Han ideograph is a word by itself, since Chinese and Japanese put no
//!    spaces between words, and a change between hiragana, katakana and other letters ends a word.
//!
//! Text that is all ASCII, nearly all of it, is only lower-cased and split, with no copy.

use hashbrown::HashTable;
use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;
use std::sync::OnceLock;

/// The words of a text, by the rules above.
pub fn words(text: &str, mut each: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    // room to fold words in, and where they end
    let mut word = String::new();
    let mut ends = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at].is_ascii() && ASCII_WORD_BYTE[bytes[at] as usize] == 0 {
            // spaces, punctuation and apostrophes ("China's" → "china" "s") end a word
            at += 1;
            continue;
        }
        // a stretch up to the next ASCII byte that is not a letter or digit: one word when it is
        // all ASCII, else as many as the rules make of it
        let start = at;
        let (mut capitals, mut ascii) = (false, true);
        while let Some(&b) = bytes.get(at) {
            let folded = ASCII_WORD_BYTE[b as usize];
            if folded == 0 {
                if b.is_ascii() {
                    break;
                }
                ascii = false;
            }
            capitals |= folded != b && folded != 0;
            at += 1;
        }
        let stretch = &text[start..at];
        if !ascii {
            unicode_words(stretch, &mut word, &mut ends, &mut each);
        } else if capitals {
            word.clear();
            word.extend(stretch.chars().map(|c| c.to_ascii_lowercase()));
            each(&word);
        } else {
            each(stretch);
        }
    }
}

/// The words of a stretch of text with letters from outside ASCII: a character at a time when
/// each folds by itself (most text in alphabets, Chinese, Japanese and Korean), else by the
/// rules on the whole stretch. `folded` is room for the stretch's words, one after the other,
/// and `ends` for where each ends.
#[cold]
fn unicode_words(stretch: &str, folded: &mut String, ends: &mut Vec<usize>, each: &mut dyn FnMut(&str)) {
    folded.clear();
    ends.clear();
    // the script of the word being folded
    let mut open = None;
    for c in stretch.chars() {
        match fold_alone(c) {
            Fold::Letter { folded: chars, script } => {
                if open.is_some_and(|open| open != script || open == Script::Han) {
                    ends.push(folded.len());
                }
                folded.push(chars[0]);
                if chars[1] != '\0' {
                    folded.push(chars[1]);
                }
                open = Some(script);
            }
            Fold::Separator => {
                if open.take().is_some() {
                    ends.push(folded.len());
                }
            }
            Fold::Complex => return words_by_rules(stretch, each),
        }
    }
    if open.is_some() {
        ends.push(folded.len());
    }
    let mut start = 0;
    for &end in ends.iter() {
        each(&folded[start..end]);
        start = end;
    }
}

/// The words of a text by the rules of the module, applied to the whole of it.
fn words_by_rules(text: &str, each: &mut dyn FnMut(&str)) {
    let folded = fold_text(text);
    let categories = CodePointMapData::<GeneralCategory>::new();
    // the script of the word being read, and where it starts
    let mut open: Option<(Script, usize)> = None;
    for (i, c) in folded.char_indices() {
        let script = script(c);
        if let Some((kind, start)) = open {
            if script == Some(kind) || GeneralCategoryGroup::Mark.contains(categories.get(c)) {
                continue;
            }
            each(&folded[start..i]);
            open = None;
        }
        match script {
            Some(Script::Han) => each(&folded[i..i + c.len_utf8()]),
            Some(kind) => open = Some((kind, i)),
            None => {}
        }
    }
    if let Some((_, start)) = open {
        each(&folded[start..]);
    }
}

/// Rules 1 to 4: a text decomposed, lower-cased, without its accents, composed again.
fn fold_text(text: &str) -> String {
    let decomposed = DecomposingNormalizerBorrowed::new_nfkd().normalize(text);
    let mut folded = String::with_capacity(decomposed.len());
    let mut previous = '\0';
    for c in decomposed.chars() {
        for lower in c.to_lowercase() {
            match lower {
                'ß' => folded.push_str("ss"),
                'ς' => folded.push('σ'),
                '\u{306}' if previous == 'и' => folded.push(lower),
                '\u{300}'..='\u{36f}' => {}
                _ => folded.push(lower),
            }
            previous = lower;
        }
    }
    ComposingNormalizerBorrowed::new_nfc().normalize(&folded).into_owned()
}

/// How a character folds when the rules give the same for it alone as in any text around it:
/// it is no mark and decomposes to no mark first (so nothing before it changes, and nothing of it
/// moves past its neighbours), it folds to no conjoining jamo (which NFC joins with the letters
/// around them), and it makes one word or none.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fold {
    /// Part of no word: a space, a sign.
    Separator,
    /// A letter or digit, folded into one or two characters (then the second is not `'\0'`).
    Letter { folded: [char; 2], script: Script },
    /// A mark, or a character whose fold depends on what is around it, or makes several words.
    Complex,
}

/// Where the characters that [`FOLDS`] holds are: the alphabets from Latin to Arabic
/// (U+0000–U+07FF), CJK signs and kana (U+3000–U+30FF), full-width and half-width forms
/// (U+FF00–U+FFEF).
const FOLDED_BLOCKS: [(u32, u32); 3] = [(0, 0x800), (0x3000, 0x3100), (0xff00, 0xfff0)];

/// The folds of the characters of [`FOLDED_BLOCKS`], worked out by the rules once.
static FOLDS: OnceLock<Vec<Fold>> = OnceLock::new();

/// How `c` folds alone: from [`FOLDS`], or for Han ideographs and Hangul syllables, as
/// themselves (NFKD and NFC give them back as they are, and no case or accent changes them).
#[inline]
fn fold_alone(c: char) -> Fold {
    let table = |at: u32| FOLDS.get_or_init(work_out_folds)[at as usize];
    let [(_, end0), (start1, end1), (start2, end2)] = FOLDED_BLOCKS;
    match c as u32 {
        code if code < end0 => table(code),
        0x3400..=0x4dbf | 0x4e00..=0x9fff => Fold::Letter { folded: [c, '\0'], script: Script::Han },
        0xac00..=0xd7a3 => Fold::Letter { folded: [c, '\0'], script: Script::Other },
        code if (start1..end1).contains(&code) => table(end0 + code - start1),
        code if (start2..end2).contains(&code) => table(end0 + end1 - start1 + code - start2),
        _ => Fold::Complex,
    }
}

/// The folds of the characters of [`FOLDED_BLOCKS`], by the rules.
#[cold]
fn work_out_folds() -> Vec<Fold> {
    FOLDED_BLOCKS
        .iter()
        .flat_map(|&(start, end)| start..end)
        .map(|code| fold_by_rules(char::from_u32(code).expect("no surrogates in these blocks")))
        .collect()
}

/// How `c` folds alone, worked out by the rules.
fn fold_by_rules(c: char) -> Fold {
    let categories = CodePointMapData::<GeneralCategory>::new();
    let is_mark = |c: char| GeneralCategoryGroup::Mark.contains(categories.get(c));
    let alone = c.encode_utf8(&mut [0; 4]).to_string();
    let nfkd = DecomposingNormalizerBorrowed::new_nfkd();
    if is_mark(c) || nfkd.normalize(&alone).chars().next().is_none_or(is_mark) {
        return Fold::Complex;
    }
    let mut found = Vec::new();
    words_by_rules(&alone, &mut |w| found.push(w.to_string()));
    // conjoining jamo are the only letters NFC puts together with the letter before them
    let jamo = |c: char| matches!(c, '\u{1100}'..='\u{11ff}' | '\u{a960}'..='\u{a97f}' | '\u{d7b0}'..='\u{d7ff}');
    match found.as_slice() {
        [] => Fold::Separator,
        [word] if *word == fold_text(&alone) && word.chars().count() <= 2 && !word.chars().any(jamo) => {
            let mut chars = word.chars();
            let first = chars.next().expect("a word has a letter");
            let folded = [first, chars.next().unwrap_or('\0')];
            Fold::Letter { folded, script: script(first).expect("a letter") }
        }
        _ => Fold::Complex,
    }
}

/// The kinds of letters between which a word ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    /// A Han ideograph: a word by itself.
    Han,
    Hiragana,
    Katakana,
    /// Any other letter or digit.
    Other,
}

/// The kind of a letter or digit; `None` for anything else. Ideographs and kana are told by
/// their blocks, as the browser's script tells them.
fn script(c: char) -> Option<Script> {
    Some(match c {
        '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{3ffff}' => {
            Script::Han
        }
        '\u{3041}'..='\u{3096}' | '\u{309d}'..='\u{309f}' => Script::Hiragana,
        '\u{30a1}'..='\u{30fa}' | '\u{30fc}'..='\u{30ff}' | '\u{31f0}'..='\u{31ff}' => Script::Katakana,
        c if c.is_alphanumeric() => Script::Other,
        _ => return None,
    })
}

/// The distinct words of a text with how often each occurs, in the order they first occur. Made
/// while a body is parsed, so that the search index need not read the body again.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct WordBag {
    /// The distinct words, one after the other.
    text: String,
    /// Where each word ends in `text`, and its count.
    #[serde(with = "crate::build_cache::codec::u32_pairs")]
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

    /// Whether every word is where its entry says (a bag read back from the build cache is
    /// checked before use): ends in order, within the text, at character boundaries.
    pub fn is_whole(&self) -> bool {
        let mut start = 0;
        self.entries.iter().all(|&(end, _)| {
            let end = end as usize;
            let ok = end >= start && self.text.get(start..end).is_some();
            start = end;
            ok
        })
    }

    /// Its words one after the other, and where each ends with its count: what a hash of the bag
    /// reads (`serve`'s search index hashes every body after each edit, a few writes each).
    pub fn raw(&self) -> (&str, &[(u32, u32)]) {
        (&self.text, &self.entries)
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
    /// Room for [`unicode_words`] to fold a stretch in, and where its words end.
    folded: String,
    ends: Vec<usize>,
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
                    // the next ASCII byte that is not a letter or digit, where `words` ends its
                    // stretch too
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
    /// digit, as [`words`] splits it; returns where that stretch ends.
    fn add_stretch(&mut self, text: &str, start: usize) -> usize {
        let end = text.as_bytes()[start..]
            .iter()
            .position(|b| b.is_ascii() && ASCII_WORD_BYTE[*b as usize] == 0)
            .map_or(text.len(), |i| start + i);
        // the stretch has a byte from outside ASCII, so `words` would take it all to
        // `unicode_words`: called here with the builder's room, kept from stretch to stretch
        let (mut folded, mut ends) = (std::mem::take(&mut self.folded), std::mem::take(&mut self.ends));
        unicode_words(&text[start..end], &mut folded, &mut ends, &mut |word| self.add_word(word));
        (self.folded, self.ends) = (folded, ends);
        end
    }

    /// Adds a word as [`words`] gives it.
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
        let entry = self.bag.push(std::str::from_utf8(&bytes[..len]).expect("the bytes of a word"));
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

    /// A small deterministic generator: `next(n)` is a number below `n`.
    fn xorshift(seed: u64) -> impl FnMut(usize) -> usize {
        let mut state = seed;
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        }
    }

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

    /// The rules applied to the whole text at once: `words`, which takes ASCII words as they
    /// are and the rest a stretch at a time, must agree with it.
    fn split_whole(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        words_by_rules(text, &mut |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn words_agree_with_the_rules_on_the_whole_text() {
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
            "e\u{301}",
            " \u{301}x",
            "ＡＰＥＣ summit, トランプ大統領は",
            "ΟΔΥΣΣΕΥΣ Йошкар-Ола ёлка",
            "a\u{93f}b",
        ] {
            assert_eq!(split(text), split_whole(text), "{text}");
        }
    }

    #[test]
    fn ideographs_and_hangul_fold_alone_as_the_rules_say() {
        // `fold_alone` takes them as they are without working it out: the rules agree
        for c in ('\u{3400}'..='\u{4dbf}').chain('\u{4e00}'..='\u{9fff}').chain('\u{ac00}'..='\u{d7a3}') {
            assert_eq!(fold_alone(c), fold_by_rules(c), "{c} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn folding_a_character_at_a_time_agrees_with_the_rules() {
        // every character that folds alone, next to marks, jamo, compatibility ideographs, the
        // characters the rules treat specially, and one another, in random texts
        let mut pool: Vec<char> = FOLDED_BLOCKS.iter().flat_map(|&(s, e)| s..e).filter_map(char::from_u32).collect();
        pool.extend([
            '一', '丂', '鿿', '㐀', '가', '각', '힣', '\u{1100}', '\u{1161}', '\u{11a8}', '\u{f9dc}', '\u{fa11}',
        ]);
        pool.extend([
            '\u{301}', '\u{306}', '\u{308}', '\u{338}', '\u{3099}', '\u{93f}', '\u{94d}', '\u{64e}', '\u{653}',
        ]);
        pool.extend(['и', 'И', 'й', 'ß', 'ẞ', 'Σ', 'ς', 'İ', 'ﬁ', '½', '𠮷', ' ', '-', 'a', 'Z', '5']);
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15u64);
        for _ in 0..30_000 {
            let text: String = (0..1 + next(6)).map(|_| pool[next(pool.len())]).collect();
            assert_eq!(split(&text), split_whole(&text), "{text:?}");
        }
    }

    #[test]
    fn words_follow_the_rules() {
        // accents and compatibility forms folded, ß as ss, final sigma as sigma, й kept
        assert_eq!(split("Ｔｒｕｍｐ ﬁnal café ÉCOLE"), ["trump", "final", "cafe", "ecole"]);
        assert_eq!(split("STRASSE Straße straße"), ["strasse", "strasse", "strasse"]);
        assert_eq!(split("ΟΔΥΣΣΕΥΣ Οδυσσεύς"), ["οδυσσευσ", "οδυσσευσ"]);
        assert_eq!(split("Новый МОЙ ёлка"), ["новый", "мой", "елка"]);
        // each ideograph alone, kana runs by kind, Hangul as written (put together again)
        assert_eq!(split("習近平主席"), ["習", "近", "平", "主", "席"]);
        assert_eq!(split("トランプ大統領は来日した"), ["トランプ", "大", "統", "領", "は", "来", "日", "した"]);
        assert_eq!(split("ｶﾞｲﾄﾞ ガイド"), ["ガイド", "ガイド"]);
        assert_eq!(split("한국 외교부"), ["한국", "외교부"]);
        // the marks of other scripts stay in their words; the Arabic vowels too
        assert_eq!(split("हिन्दी"), ["हिन्दी"]);
        assert_eq!(split("كَتَبَ كتب"), ["كَتَبَ", "كتب"]);
        // marks with no letter before them, signs and emoji are no words; "№" is "No" to NFKD
        assert_eq!(split("\u{301} 🙂 — "), Vec::<String>::new());
        assert_eq!(split("№5"), ["no5"]);
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
        let mut next = xorshift(0x2545_f491_4f6c_dd1du64);
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
