//! One pulldown-cmark pass over an explainer's body for the lint: its paragraphs (with or
//! without a citation and a number), its attributed quotes and its headings, with their places.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::ops::Range;

/// What the lint needs of a body; ranges are bytes of the whole file.
#[derive(Debug, Default)]
pub struct BodyScan {
    /// Paragraphs (and the text of tight list items) outside blockquotes that hold a number
    /// written in digits and no citation.
    pub uncited_claims: Vec<Range<usize>>,
    /// Attributed blockquotes (the last paragraph starts with a dash) with no citation in them.
    pub uncited_quotes: Vec<Range<usize>>,
    /// Headings more than one level below the one before (the page's title is the first `#`):
    /// (place, level, the level before).
    pub heading_skips: Vec<(Range<usize>, u8, u8)>,
    /// The first paragraph, where a summary taken from the body comes from.
    pub first_paragraph: Option<Range<usize>>,
}

/// A paragraph, or a list item's own text, being read.
struct Block {
    range: Range<usize>,
    cited: bool,
    has_number: bool,
    /// The start of its plain text, kept to tell an attribution inside a blockquote.
    text: String,
}

/// A blockquote being read: whether a citation is in it, and whether its last paragraph so far
/// starts with a dash.
struct OpenQuote {
    start: usize,
    cited: bool,
    attributed: bool,
}

/// Reads `body` (which starts at byte `body_offset` of its file) once.
pub fn scan(body: &str, body_offset: usize) -> BodyScan {
    let mut out = BodyScan::default();
    let mut blocks: Vec<Block> = Vec::new();
    let mut quotes: Vec<OpenQuote> = Vec::new();
    // open elements whose text is no claim: headings, code, images (their text is the alt),
    // table cells, footnote definitions, citation links (their text is the source's number)
    let mut ignored = 0usize;
    // for each open link, whether it is a citation
    let mut links: Vec<bool> = Vec::new();
    let mut previous_heading = 1u8;
    let at = |r: Range<usize>| body_offset + r.start..body_offset + r.end;
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph) | Event::Start(Tag::Item) => {
                let paragraph = matches!(event, Event::Start(Tag::Paragraph));
                if paragraph && out.first_paragraph.is_none() && quotes.is_empty() && blocks.is_empty() && ignored == 0
                {
                    out.first_paragraph = Some(at(first_line(body, range.clone())));
                }
                blocks.push(Block { range: at(range), cited: false, has_number: false, text: String::new() });
            }
            Event::Start(Tag::Heading { level, .. }) => {
                let level = heading_level(level);
                if level > previous_heading + 1 {
                    out.heading_skips.push((at(first_line(body, range.clone())), level, previous_heading));
                }
                previous_heading = level;
                ignored += 1;
            }
            Event::Start(
                Tag::CodeBlock(_) | Tag::Image { .. } | Tag::TableCell | Tag::HtmlBlock | Tag::FootnoteDefinition(_),
            ) => ignored += 1,
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::Image
                | TagEnd::TableCell
                | TagEnd::HtmlBlock
                | TagEnd::FootnoteDefinition,
            ) => ignored = ignored.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let citation = dest_url.starts_with("source:");
                links.push(citation);
                if citation {
                    // it cites the block and the quote around it
                    if let Some(block) = blocks.last_mut() {
                        block.cited = true;
                    }
                    if let Some(quote) = quotes.last_mut() {
                        quote.cited = true;
                    }
                    ignored += 1;
                }
            }
            // the end of a citation: its number was no claim
            Event::End(TagEnd::Link) if links.pop() == Some(true) => ignored = ignored.saturating_sub(1),
            Event::Start(Tag::BlockQuote(_)) => {
                quotes.push(OpenQuote { start: range.start, cited: false, attributed: false })
            }
            Event::Text(text) if ignored == 0 => {
                if let Some(block) = blocks.last_mut() {
                    block.has_number |= has_number(&text);
                    if !quotes.is_empty() && block.text.len() < 8 {
                        block.text.push_str(&text);
                    }
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                let Some(block) = blocks.pop() else { continue };
                match quotes.last_mut() {
                    Some(quote) => quote.attributed = is_attribution(&block.text),
                    None if block.has_number && !block.cited && ignored == 0 => out
                        .uncited_claims
                        .push(block.range.start..block.range.start + first_line_len(body, &block.range, body_offset)),
                    None => {}
                }
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                let Some(quote) = quotes.pop() else { continue };
                if quote.attributed && !quote.cited {
                    out.uncited_quotes.push(at(first_line(body, quote.start..body.len())));
                }
                // a citation in an inner quote cites the one around it too
                if let Some(outer) = quotes.last_mut() {
                    outer.cited |= quote.cited;
                }
            }
            _ => {}
        }
    }
    out
}

/// The length of the first line of a block at `range` (bytes of the file).
fn first_line_len(body: &str, range: &Range<usize>, body_offset: usize) -> usize {
    let local = range.start - body_offset..range.end - body_offset;
    first_line(body, local).len()
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The first line of `range` in `body`: where a finding about a block points.
fn first_line(body: &str, range: Range<usize>) -> Range<usize> {
    let text = &body[range.clone()];
    let len = text.trim_end().find('\n').unwrap_or(text.trim_end().len());
    range.start..range.start + len
}

/// An attribution line: a paragraph that starts with a dash (`—`, `–`, or `--` before smart
/// punctuation turns it into one), as the quotes of actors' pages are found.
fn is_attribution(text: &str) -> bool {
    let text = text.trim_start();
    text.starts_with('—') || text.starts_with('–') || text.starts_with("--")
}

/// Whether `text` holds a number written in digits: a word made of digits (`2024`, `1,200`,
/// `3.5`, `40%`), or of digits and an ordinal or plural ending (`16th`, `1990s`). Digits inside a
/// name (`G20`, `5G`, `F-16`) are not a number.
pub fn has_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let glued_before = i > 0 && (bytes[i - 1].is_ascii_alphabetic() || bytes[i - 1] == b'-');
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_digit() || (matches!(bytes[i], b',' | b'.') && next_is_digit(bytes, i)))
        {
            i += 1;
        }
        let letters_end = bytes[i..].iter().position(|b| !b.is_ascii_alphabetic()).map_or(bytes.len(), |n| i + n);
        let suffix = &text[i..letters_end];
        let ending_ok = matches!(suffix, "" | "s" | "st" | "nd" | "rd" | "th");
        if !glued_before && ending_ok && start < i {
            return true;
        }
        i = letters_end.max(i + 1);
    }
    false
}

fn next_is_digit(bytes: &[u8], i: usize) -> bool {
    bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_digits_are_claims_and_names_with_digits_are_not() {
        for text in ["in 2024", "40% of", "1,200 troops", "3.5 billion", "the 16th", "the 1990s", "(2024)"] {
            assert!(has_number(text), "{text}");
        }
        for text in ["the G20 summit", "5G networks", "F-16 jets", "no digits at all", "Q15031"] {
            assert!(!has_number(text), "{text}");
        }
    }

    #[test]
    fn a_scan_finds_uncited_claims_quotes_and_skipped_headings() {
        let body = "Intro with 12 ships.\n\nCited 40% [1](source:a).\n\n> Words.\n>\n> — Someone\n\n> Cited words [2](source:b).\n>\n> — Someone\n\n### Deep\n\n## Fine\n";
        let scan = scan(body, 100);
        assert_eq!(scan.uncited_claims.first(), Some(&(100..120)));
        assert_eq!(scan.uncited_claims.len(), 1);
        assert_eq!(scan.uncited_quotes.len(), 1);
        assert_eq!(scan.heading_skips.len(), 1);
        assert_eq!(scan.heading_skips[0].1, 3);
        assert_eq!(scan.first_paragraph, Some(100..120));
    }
}
