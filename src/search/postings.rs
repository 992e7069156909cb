//! The postings of the search index: their compact encoding, and the blocks a long list is cut
//! into, so that a query reads only the blocks that can change its first results.
//!
//! A list of at most [`BLOCK`] postings is a string of [`DIGITS`] in its term shard. A longer one
//! is cut, in document order, into blocks of [`BLOCK`] postings, each a file of its own
//! (`b/<n>.json`, numbered in key order), and the term shard holds `[df, first block, directory]`:
//! the exact number of documents holding the stem, and per block its first document and the two
//! postings that bound what any of its documents can score (see [`push_block_entry`]). The browser
//! reads the blocks whose bounds beat the results it has, and the blocks that hold the documents
//! another word of the query found: the first results are exact after a few blocks, and "Show
//! more" reads on to the end.
//!
//! A long list whose stem is in the titles of at most [`TITLED_MAX`] documents also has a file of
//! those documents' postings (`n/<first block>.json`, see [`Titled`]), and its term shard entry
//! says how many: `[df, first block, directory, titled]`. With it, a query of several words knows
//! every document whose title holds all of them, exactly, and that every other ranks below them:
//! when there are ten such titles, its first page needs no block.

use super::index::Blob;
use std::sync::Arc;

/// Postings per block of a long list; a list of at most this many stays in its term shard.
pub const BLOCK: usize = 256;
/// The documents a long list's head file holds: those that rank first for a query of its stem
/// alone, the page's first ten, with their entries.
pub const HEAD: usize = 10;

/// The digits of the postings' encoding: printable ASCII without `"`, `\`, `'`, `<`, `>` and `&`,
/// so that a list is a JSON string as it is, and no markup. The first [`RADIX`] end a number, the
/// next [`RADIX`] say that more digits follow.
pub const DIGITS: &[u8; 88] =
    b"!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
/// Values per digit.
const RADIX: u32 = 44;

/// BM25 parameters, as `search.js` has them.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The most postings a long list's titled file holds: a list whose stem more titles hold has
/// none (its term shard entry says no count). About 6 bytes a posting: at most 12 KB a word, so
/// that a query of three such words stays within the byte budgets (70 KB a query at 2,000
/// explainers, 150 KB at 100,000; docs/search.md).
pub const TITLED_MAX: usize = 2_048;

/// The most words of a title a posting says (in the low five bits of its `f`).
pub const TITLE_WORDS_MAX: u32 = 31;

/// One document holding a stem: its number, 32 times its weighted frequency of the stem plus the
/// number of words of its title when the title holds the stem, its weighted length.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Posting {
    pub doc: u32,
    pub f: u32,
    pub length: u32,
}

impl Posting {
    fn tf(self) -> u32 {
        self.f / (TITLE_WORDS_MAX + 1)
    }
    fn title(self) -> u32 {
        self.f % (TITLE_WORDS_MAX + 1)
    }
    /// The part of its BM25 score that depends on the document (times the stem's idf), as
    /// `search.js` computes it.
    fn score(self, avgdl: f64) -> f64 {
        let tf = f64::from(self.tf());
        tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * f64::from(self.length) / avgdl))
    }
    /// Where it ranks among the postings of a one-word query (higher first), as `search.js`
    /// ranks: a topic or actor named by the word, then titles holding it, the shortest first,
    /// then by score.
    fn rank_key(self, avgdl: f64, explainers: u32) -> (u32, std::cmp::Reverse<u32>, f64) {
        let title = self.title();
        let tier = if title == 0 { 0 } else { 1 + 2 * u32::from(self.doc >= explainers) };
        (tier, std::cmp::Reverse(title), self.score(avgdl))
    }
}

/// How a term shard holds a stem's postings.
pub enum List {
    /// At most [`BLOCK`] postings, encoded.
    Inline(Vec<u8>),
    /// Longer: the exact count, the number of the first block file, the directory of the blocks
    /// (and where each block's entry ends in it), the blocks as their files hold them (a JSON
    /// string of digits each), shared with what `serve` keeps of the index files, the head
    /// ([`head`]), and the postings of the documents whose titles hold the stem ([`titled`]).
    Blocked {
        df: usize,
        first: usize,
        directory: Vec<u8>,
        ends: Vec<usize>,
        blocks: Vec<Arc<Blob>>,
        head: Head,
        titled: Option<Titled>,
    },
}

/// The postings of every document of a long list whose title holds the stem, when there are at
/// most [`TITLED_MAX`]: how many, and their file (`n/<first block>.json`, a JSON string of
/// postings in document order, from document 0; none when there are none). A query of several
/// words that has read them for every word knows each document whose title holds all of its
/// words, with its exact score, and knows that no other document's title does: a block it has
/// not read holds no title that ranks it among those.
#[derive(Clone)]
pub struct Titled {
    pub count: usize,
    pub file: Option<Arc<Blob>>,
}

/// The [`Titled`] of a long list: `None` when more than [`TITLED_MAX`] of its titles hold the
/// stem. `old`, the list's titled file before an edit, is kept when its bytes are the same (so
/// `serve` does not send it again).
pub fn titled(postings: &[Posting], old: Option<&Titled>) -> Option<Titled> {
    let count = postings.iter().filter(|p| p.title() > 0).count();
    if count > TITLED_MAX {
        return None;
    }
    if count == 0 {
        return Some(Titled { count, file: None });
    }
    let mut out = Vec::with_capacity(count * 6 + 2);
    out.push(b'"');
    let mut previous = 0;
    for p in postings.iter().filter(|p| p.title() > 0) {
        encode_posting(&mut out, p.doc - previous, p.f, p.length);
        previous = p.doc;
    }
    out.push(b'"');
    let kept = old.and_then(|t| t.file.as_ref()).filter(|f| f.bytes == out);
    Some(Titled { count, file: Some(kept.map_or_else(|| Blob::new(out), Arc::clone)) })
}

/// The [`HEAD`] postings of a long list that rank first for a query of its stem alone (in
/// document order), and the best-ranked of the others (the cap): no document outside the head
/// ranks above it. The browser reads them with their entries in one file (`h/<first block>.json`)
/// and shows a one-word query's first results without reading a block or a document shard.
#[derive(Clone, PartialEq, Debug)]
pub struct Head {
    pub postings: Vec<Posting>,
    pub cap: Posting,
}

/// The head of a list of more than [`HEAD`] postings: ranked as `search.js` ranks a one-word
/// query (by [`Posting::rank_key`], then by document), in one pass that keeps the best
/// [`HEAD`] + 1 (`serve` does this for every long list when `avgdl` changes).
pub fn head(postings: &[Posting], avgdl: f64, explainers: u32) -> Head {
    // the best first; `a` ranks before `b`
    let ranks_before = |a: &(Key, Posting), b: &(Key, Posting)| {
        (a.0.0.cmp(&b.0.0).then(a.0.1.cmp(&b.0.1)).then(a.0.2.total_cmp(&b.0.2)).reverse()).then(a.1.doc.cmp(&b.1.doc))
    };
    let mut best: Vec<(Key, Posting)> = Vec::with_capacity(HEAD + 2);
    for &p in postings {
        let entry = (p.rank_key(avgdl, explainers), p);
        if best.len() > HEAD && ranks_before(&entry, &best[HEAD]).is_ge() {
            continue;
        }
        let at = best.partition_point(|b| ranks_before(b, &entry).is_lt());
        best.insert(at, entry);
        best.truncate(HEAD + 1);
    }
    let cap = best.pop().map(|b| b.1).unwrap_or(Posting { doc: 0, f: 0, length: 0 });
    let mut postings: Vec<Posting> = best.into_iter().map(|b| b.1).collect();
    postings.sort_unstable_by_key(|p| p.doc);
    Head { postings, cap }
}

/// How a posting ranks for a one-word query ([`Posting::rank_key`]).
type Key = (u32, std::cmp::Reverse<u32>, f64);

/// A head's file: `{"p": its postings in document order, "c": its cap (as a block's entry of the
/// directory gives its best posting: tier, frequency and title, length), "e": the entries of its
/// documents in the order of `p`}`; `entry` gives a document's entry as JSON.
pub fn head_file<'e>(head: &Head, explainers: u32, entry: impl Fn(u32) -> &'e [u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEAD * 900);
    out.extend_from_slice(b"{\"p\":\"");
    encode_run(&mut out, &head.postings, 0);
    out.extend_from_slice(b"\",\"c\":\"");
    push_varint(&mut out, head.cap.rank_key(1.0, explainers).0);
    push_tf_title(&mut out, head.cap.f);
    push_varint(&mut out, head.cap.length);
    out.extend_from_slice(b"\",\"e\":[");
    for (i, p) in head.postings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(entry(p.doc));
    }
    out.extend_from_slice(b"]}");
    out
}

/// One stem's list (its `first` block 0: blocks are numbered once the lists are in key order).
pub fn list(postings: &[Posting], avgdl: f64, explainers: u32) -> List {
    if postings.len() <= BLOCK {
        let mut out = Vec::with_capacity(postings.len() * 5);
        encode_run(&mut out, postings, 0);
        return List::Inline(out);
    }
    let blocks = postings.chunks(BLOCK).map(block_file).collect();
    let (directory, ends) = directory(postings, avgdl, explainers);
    let head = head(postings, avgdl, explainers);
    let titled = titled(postings, None);
    List::Blocked { df: postings.len(), first: 0, directory, ends, blocks, head, titled }
}

/// A document whose postings of a stem changed, and whether it came or went (which moves the
/// postings after it to other blocks) or only changed its posting.
#[derive(Clone, Copy, Debug)]
pub struct Changed {
    pub doc: u32,
    pub moved: bool,
}

/// `old`, a long list, again after the postings of `changed` documents changed: the blocks that
/// hold none of them (and come before the first that moved) keep their files, and their entries
/// of the directory too unless `avgdl` is not the one `old` was made with.
pub fn relist(
    old: List,
    postings: &[Posting],
    changed: &[Changed],
    avgdl: f64,
    same_avgdl: bool,
    explainers: u32,
) -> List {
    let (List::Blocked { blocks: old_blocks, directory: old_directory, ends: old_ends, titled: old_titled, .. }, true) =
        (old, postings.len() > BLOCK)
    else {
        return list(postings, avgdl, explainers);
    };
    let count = postings.len().div_ceil(BLOCK);
    let block_of = |doc: u32| (postings.partition_point(|p| p.doc < doc) / BLOCK).min(count - 1);
    let mut fresh = vec![false; count];
    for c in changed {
        let at = block_of(c.doc);
        if c.moved {
            fresh[at..].fill(true);
        } else {
            fresh[at] = true;
        }
    }
    let mut directory = Vec::with_capacity(old_directory.len());
    let mut ends = Vec::with_capacity(count);
    let mut blocks = Vec::with_capacity(count);
    let mut previous = 0;
    for (k, block) in postings.chunks(BLOCK).enumerate() {
        let kept = !fresh[k] && k < old_blocks.len();
        blocks.push(if kept { Arc::clone(&old_blocks[k]) } else { block_file(block) });
        if kept && same_avgdl {
            let start = if k == 0 { 0 } else { old_ends[k - 1] };
            directory.extend_from_slice(&old_directory[start..old_ends[k]]);
        } else {
            push_block_entry(&mut directory, block[0].doc - previous, block, avgdl, explainers);
        }
        ends.push(directory.len());
        previous = block[0].doc;
    }
    let head = head(postings, avgdl, explainers);
    let titled = titled(postings, old_titled.as_ref());
    List::Blocked { df: postings.len(), first: 0, directory, ends, blocks, head, titled }
}

/// A block's file: its postings from its first document, as a JSON string.
fn block_file(block: &[Posting]) -> Arc<Blob> {
    let mut out = Vec::with_capacity(block.len() * 5 + 2);
    out.push(b'"');
    encode_run(&mut out, block, block[0].doc);
    out.push(b'"');
    Blob::new(out)
}

/// The directory of a long list's blocks, and where each block's entry ends in it: what depends
/// on `avgdl` (which changes with the length of any document), so `serve` computes it again for
/// every long list when `avgdl` changes.
pub fn directory(postings: &[Posting], avgdl: f64, explainers: u32) -> (Vec<u8>, Vec<usize>) {
    let mut directory = Vec::new();
    let mut ends = Vec::new();
    let mut previous = 0;
    for block in postings.chunks(BLOCK) {
        let start = block[0].doc;
        push_block_entry(&mut directory, start - previous, block, avgdl, explainers);
        ends.push(directory.len());
        previous = start;
    }
    (directory, ends)
}

/// Appends postings in document order, each document as the gap from the one before (the first
/// from `start`).
fn encode_run(out: &mut Vec<u8>, postings: &[Posting], start: u32) {
    let mut previous = start;
    for p in postings {
        encode_posting(out, p.doc - previous, p.f, p.length);
        previous = p.doc;
    }
}

/// Appends a block's entry in its list's directory: the gap from the previous block's first
/// document (from 0 for the first block); its best posting for a one-word query (its tier: 3 for
/// a topic or actor whose title holds the stem, 1 for an explainer's title, else 0; then as
/// [`encode_posting`] writes it, without the gap), which bounds the rank of its documents; and the
/// weighted frequency and length of its best-scoring posting, which bounds what any of them adds
/// to a score. The browser computes both bounds with the `avgdl` of the same meta.json.
pub fn push_block_entry(out: &mut Vec<u8>, gap: u32, block: &[Posting], avgdl: f64, explainers: u32) {
    let by_rank = |x: &(u32, std::cmp::Reverse<u32>, f64), y: &(u32, std::cmp::Reverse<u32>, f64)| {
        x.0.cmp(&y.0).then(x.1.cmp(&y.1)).then(x.2.total_cmp(&y.2))
    };
    // each posting scored once (`serve` does this for every long list when `avgdl` changes); of
    // equals, the last wins, as with `Iterator::max_by`
    let mut best = (block[0].rank_key(avgdl, explainers), block[0]);
    let mut top = best;
    for &p in &block[1..] {
        let key = p.rank_key(avgdl, explainers);
        if by_rank(&key, &best.0).is_ge() {
            best = (key, p);
        }
        if key.2.total_cmp(&top.0.2).is_ge() {
            top = (key, p);
        }
    }
    let (best, top) = (best.1, top.1);
    push_varint(out, gap);
    push_varint(out, best.rank_key(avgdl, explainers).0);
    push_tf_title(out, best.f);
    push_varint(out, best.length);
    push_varint(out, top.tf());
    push_varint(out, top.length);
}

/// Appends `n` in [`DIGITS`]: least significant digit first, each but the last from the upper
/// half. A number below 44 takes one byte, below 1,936 two: most gaps, counts and lengths.
fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= RADIX {
        out.push(DIGITS[(RADIX + n % RADIX) as usize]);
        n /= RADIX;
    }
    out.push(DIGITS[n as usize]);
}

/// Twice the weighted frequency, plus 1 when the title holds the stem, then the number of words
/// of the title.
fn push_tf_title(out: &mut Vec<u8>, f: u32) {
    let (tf, title) = (f / (TITLE_WORDS_MAX + 1), f % (TITLE_WORDS_MAX + 1));
    push_varint(out, tf.saturating_mul(2) + u32::from(title > 0));
    if title > 0 {
        push_varint(out, title);
    }
}

/// Appends one posting: the gap from the previous document; twice the weighted frequency, plus 1
/// when the title holds the stem, then the number of words of the title; the document's weighted
/// length. `f` is 32 times the weighted frequency plus the title's words (0 when the title does
/// not hold the stem).
pub fn encode_posting(out: &mut Vec<u8>, gap: u32, f: u32, length: u32) {
    push_varint(out, gap);
    push_tf_title(out, f);
    push_varint(out, length);
}

/// The numbers of a string of [`DIGITS`]; `None` when it is none.
fn numbers(text: &str) -> Option<Vec<u32>> {
    let mut numbers = Vec::new();
    let (mut n, mut scale) = (0u64, 1u64);
    for byte in text.bytes() {
        let digit = DIGITS.iter().position(|&d| d == byte)? as u64;
        n = n.checked_add((digit % u64::from(RADIX)).checked_mul(scale)?)?;
        if digit >= u64::from(RADIX) {
            scale = scale.checked_mul(u64::from(RADIX))?;
        } else {
            numbers.push(u32::try_from(n).ok()?);
            (n, scale) = (0, 1);
        }
    }
    (scale == 1).then_some(numbers)
}

/// The postings of an encoded list or block as the browser reads them: triples of the gap from
/// the previous document, 32 times the weighted frequency plus the title's words, and the
/// weighted length. `None` when `list` is no list [`encode_posting`] writes.
pub fn decode_postings(list: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    let mut rest = numbers(list)?.into_iter();
    while let Some(gap) = rest.next() {
        let tf_title = rest.next()?;
        let title = if tf_title & 1 == 1 { rest.next()? } else { 0 };
        out.extend([gap, (tf_title >> 1).checked_mul(TITLE_WORDS_MAX + 1)? + title, rest.next()?]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_decode_to_what_was_encoded() {
        let mut list = Vec::new();
        let postings = [(0, 32, 7), (1, 5 * 32 + 4, 1_935), (43, 44 * 32, 1_936), (u32::MAX, u32::MAX, u32::MAX)];
        for &(gap, f, length) in &postings {
            encode_posting(&mut list, gap, f, length);
        }
        let text = std::str::from_utf8(&list).unwrap();
        // no byte that JSON or markup would escape
        assert!(!text.contains(['"', '\\', '<', '>', '&', '\'']), "{text}");
        let flat: Vec<u32> = postings.iter().flat_map(|&(g, f, l)| [g, f, l]).collect();
        assert_eq!(decode_postings(text).unwrap(), flat);
        // short numbers take one digit, numbers below 1,936 two
        assert_eq!(text.find('!'), Some(0));
        assert_eq!(decode_postings("").unwrap(), Vec::<u32>::new());
        assert!(decode_postings("é").is_none() && decode_postings("~").is_none() && decode_postings("!").is_none());
    }

    #[test]
    fn a_long_list_is_cut_into_blocks_with_bounds() {
        let postings: Vec<Posting> = (0..BLOCK as u32 * 2 + 1)
            .map(|i| Posting { doc: i * 3, f: 32 * (1 + i % 7) + u32::from(i == 300) * 4, length: 100 + i })
            .collect();
        let List::Blocked { df, directory, blocks, .. } = list(&postings, 120.0, 1_000) else {
            panic!("a long list is blocked")
        };
        assert_eq!((df, blocks.len()), (postings.len(), 3));
        // each block decodes to its postings, from its first document
        let second = std::str::from_utf8(&blocks[1].bytes).unwrap();
        let second = decode_postings(second.strip_prefix('"').unwrap().strip_suffix('"').unwrap()).unwrap();
        assert_eq!(second[..3], [0, postings[BLOCK].f, postings[BLOCK].length]);
        assert_eq!(second.len(), BLOCK * 3);
        // the directory: first document's gap, best posting (the title that holds the stem in
        // the second block), top scorer
        let entries = numbers(std::str::from_utf8(&directory).unwrap()).unwrap();
        assert_eq!(entries[..6], [0, 0, 2 * 7, 100 + 6, 7, 100 + 6]);
        assert_eq!(entries[6..13], [BLOCK as u32 * 3, 1, 2 * (1 + 300 % 7) + 1, 4, 400, 7, 100 + 258]);
    }

    #[test]
    fn a_head_holds_the_first_ten_of_a_word_alone_and_caps_the_rest() {
        // scores rise with the document, but for two titles holding the stem (4 and 2 words),
        // which rank first, the shorter first
        let postings: Vec<Posting> = (0..BLOCK as u32 + 40)
            .map(|i| Posting {
                doc: i,
                f: 32 * (1 + i / 30) + [0, 4][usize::from(i == 7)] + [0, 2][usize::from(i == 9)],
                length: 200,
            })
            .collect();
        let head = head(&postings, 120.0, 1_000);
        let docs: Vec<u32> = head.postings.iter().map(|p| p.doc).collect();
        // the two titles, then the eight best scores: of the frequencies 10 (270..=295), the
        // first documents (ties go to the lower document, as search.js breaks them)
        assert_eq!(docs, [7, 9, 270, 271, 272, 273, 274, 275, 276, 277]);
        assert_eq!(head.cap.doc, 278);
        // its file: the postings from document 0, the cap as a directory entry, the entries
        let file = head_file(&head, 1_000, |doc| if doc == 7 { b"{\"t\":\"seven\"}" } else { b"{}" });
        let json: serde_json::Value = serde_json::from_slice(&file).unwrap();
        let p = decode_postings(json["p"].as_str().unwrap()).unwrap();
        assert_eq!(p[..6], [7, 32 + 4, 200, 2, 32 + 2, 200]);
        assert_eq!(numbers(json["c"].as_str().unwrap()).unwrap(), [0, 2 * 10, 200]);
        assert_eq!(json["e"][0]["t"], "seven");
        assert_eq!(json["e"].as_array().unwrap().len(), HEAD);
    }

    /// The bytes of a list: its directory and its blocks, its head, and its titled postings (how
    /// many, and the file's bytes).
    type Bytes = (Vec<u8>, Vec<Vec<u8>>, Option<Head>, Option<(usize, Option<Vec<u8>>)>);
    fn bytes(list: &List) -> Bytes {
        match list {
            List::Inline(l) => (l.clone(), Vec::new(), None, None),
            List::Blocked { directory, ends, blocks, head, titled, .. } => {
                assert_eq!(ends.last(), Some(&directory.len()));
                let titled = titled.as_ref().map(|t| (t.count, t.file.as_ref().map(|f| f.bytes.clone())));
                (directory.clone(), blocks.iter().map(|b| b.bytes.clone()).collect(), Some(head.clone()), titled)
            }
        }
    }

    #[test]
    fn a_long_list_has_the_postings_of_its_titles_when_they_are_few() {
        // the title of every `every`th document holds the stem (4 words; none for 0)
        let make = |n: u32, every: u32| -> Vec<Posting> {
            let title = |doc: u32| if every > 0 && doc.is_multiple_of(every) { 4 } else { 0 };
            (0..n).map(|doc| Posting { doc, f: 32 * (1 + doc % 3) + title(doc), length: 90 + doc % 11 }).collect()
        };
        let postings = make(BLOCK as u32 * 3, 7);
        let List::Blocked { titled: Some(titled), .. } = list(&postings, 120.0, 10_000) else {
            panic!("a long list of few titles has them")
        };
        let holding: Vec<&Posting> = postings.iter().filter(|p| p.doc % 7 == 0).collect();
        assert_eq!(titled.count, holding.len());
        let file = std::str::from_utf8(&titled.file.as_ref().unwrap().bytes).unwrap();
        let decoded = decode_postings(file.strip_prefix('"').unwrap().strip_suffix('"').unwrap()).unwrap();
        let mut doc = 0;
        let docs: Vec<u32> = decoded
            .chunks(3)
            .map(|p| {
                doc += p[0];
                doc
            })
            .collect();
        assert_eq!(docs, holding.iter().map(|p| p.doc).collect::<Vec<_>>());
        assert_eq!(decoded[3..6], [7, holding[1].f, holding[1].length]);
        // no title holds it: a count of none, no file; too many: no count
        let List::Blocked { titled: Some(none), .. } = list(&make(BLOCK as u32 + 1, 0), 120.0, 10_000) else {
            panic!("no title is a known count")
        };
        assert!(none.count == 0 && none.file.is_none());
        let many = make(TITLED_MAX as u32 + 1, 1);
        assert!(matches!(list(&many, 120.0, 10_000), List::Blocked { titled: None, .. }));
        assert!(matches!(
            list(&many[..TITLED_MAX], 120.0, 10_000),
            List::Blocked { titled: Some(Titled { count: TITLED_MAX, .. }), .. }
        ));
    }

    #[test]
    fn a_list_updated_is_the_list_made_again() {
        let make = |docs: &[u32], f: u32, length: u32| -> Vec<Posting> {
            // every 9th document's title holds the stem (3 words)
            let title = |doc: u32| if doc.is_multiple_of(9) { 3 } else { 0 };
            docs.iter()
                .map(|&doc| Posting { doc, f: 32 * (1 + doc % 5) + f + title(doc), length: length + doc % 13 })
                .collect()
        };
        let docs: Vec<u32> = (0..900).map(|i| i * 2).collect();
        let postings = make(&docs, 0, 100);
        // a document's posting changes in place; one comes; one goes; the average changes
        let mut changed = postings.clone();
        changed[300].f += 32;
        let mut more = postings.clone();
        more.insert(401, Posting { doc: 801, f: 64 + 3, length: 90 });
        let mut fewer = postings.clone();
        fewer.remove(10);
        // a title that holds the stem no longer
        let mut untitled = postings.clone();
        assert_eq!(untitled[9].f % 32, 3);
        untitled[9].f -= 3;
        let cases: [(&[Posting], Changed, f64); 5] = [
            (&changed, Changed { doc: 600, moved: false }, 120.0),
            (&changed, Changed { doc: 600, moved: false }, 121.5),
            (&more, Changed { doc: 801, moved: true }, 120.0),
            (&fewer, Changed { doc: 20, moved: true }, 120.0),
            (&untitled, Changed { doc: 18, moved: false }, 120.0),
        ];
        for (after, change, avgdl) in cases {
            let updated = relist(list(&postings, 120.0, 1_000), after, &[change], avgdl, avgdl == 120.0, 1_000);
            assert_eq!(bytes(&updated), bytes(&list(after, avgdl, 1_000)), "{change:?} at {avgdl}");
        }
        // down to one list in the term shard
        let short = &postings[..BLOCK];
        let updated =
            relist(list(&postings, 120.0, 1_000), short, &[Changed { doc: 600, moved: true }], 120.0, true, 1_000);
        assert_eq!(bytes(&updated), bytes(&list(short, 120.0, 1_000)));
    }
}
