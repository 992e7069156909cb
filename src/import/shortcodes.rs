//! Shortcodes of imported bodies. Hugo's built-in ones (`figure`, `youtube`, `vimeo`, `x` and
//! `tweet`, `gist`, `highlight`, `ref`, `relref`, `param`, `instagram`, `comment`) and Zola's
//! (`youtube`, `vimeo`, `gist`, `streamable`) become Markdown or HTML that passes `sanitize`;
//! every other call (the site's own shortcodes, which only its templates could run) is left as a
//! fenced code block with the info string `unconverted`, its inner content kept as Markdown, and
//! listed for the report.
//!
//! Hugo calls are `{{< name args >}}` and `{{% name args %}}`, paired with `{{< /name >}}` or
//! self-closing (`{{< name />}}`); `{{</* … */>}}` is the escaped form, written as the call's
//! text. Zola calls are `{{ name(args) }}` and `{% name(args) %}…{% end %}`, escaped as
//! `{{/* … */}}` and `{%/* … */%}`.

use crate::import::embed;
use std::collections::BTreeMap;

/// Which generator's syntax a body is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Hugo,
    Zola,
}

/// What conversions need from the importing reader.
pub struct Context<'a> {
    pub flavor: Flavor,
    /// A `ref`/`relref` or `@/` target → the relative `.md` link to its written file (anchor kept).
    pub resolve: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// A `param` name → its value as text (the page's field, else the site's parameter).
    pub param: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// A converted body.
#[derive(Debug, Default)]
pub struct Converted {
    pub body: String,
    /// Shortcodes left as `unconverted` blocks: their name and the byte offset of the call in the
    /// body as given.
    pub unconverted: Vec<(String, usize)>,
    /// Shortcodes converted, by name, for the report's counts.
    pub converted: BTreeMap<String, usize>,
}

/// One call's arguments: positional ones in order, named ones by name.
#[derive(Debug, Default)]
struct Args {
    positional: Vec<String>,
    named: Vec<(String, String)>,
}

impl Args {
    /// The named argument `name`, else the positional one at `index`.
    fn get(&self, name: &str, index: usize) -> Option<&str> {
        self.named
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .or_else(|| self.positional.get(index).map(String::as_str))
    }
}

/// Converts the shortcodes of `body`.
pub fn convert(body: &str, ctx: &Context<'_>) -> Converted {
    let mut out = Converted { body: String::with_capacity(body.len() + 64), ..Converted::default() };
    match ctx.flavor {
        Flavor::Hugo => hugo_all(body, ctx, &mut out),
        Flavor::Zola => zola_all(body, &mut out),
    }
    out
}

/// How deep paired shortcodes may nest before the inner ones are left as they are (hostile input).
const MAX_DEPTH: usize = 32;

/// Appends a block (an iframe, a blockquote, a code block) on lines of its own.
fn push_block(out: &mut String, block: &str, rest: &str) {
    while out.ends_with([' ', '\t']) {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    out.push_str(block);
    if !rest.starts_with('\n') {
        out.push_str("\n\n");
    }
}

/// The `unconverted` code block holding `call` as written.
fn marker(call: &str) -> String {
    let longest = call.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{}\n{}\n{fence}", crate::markdown::UNCONVERTED_INFO, call.trim())
}

fn leave(out: &mut Converted, name: &str, call: &str, offset: usize, rest: &str) {
    out.unconverted.push((name.to_string(), offset));
    push_block(&mut out.body, &marker(call), rest);
}

/// The end of a quoted string starting at `at` (the index past its closing quote), or `None`.
fn skip_quoted(s: &[u8], at: usize) -> Option<usize> {
    let quote = s[at];
    let mut i = at + 1;
    while i < s.len() {
        if s[i] == b'\\' && quote == b'"' {
            i += 2;
            continue;
        }
        if s[i] == quote {
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// Where `close` first occurs in `s` from `from`, outside quotes.
fn find_outside_quotes(s: &str, from: usize, close: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i..].starts_with(close.as_bytes()) {
            return Some(i);
        }
        match bytes[i] {
            b'"' | b'`' => i = skip_quoted(bytes, i)?,
            b'\n' if bytes.get(i + 1) == Some(&b'\n') => return None,
            _ => i += 1,
        }
    }
    None
}

/// Hugo arguments: words separated by spaces, `name=value` or a value; values bare, in `"…"`
/// (with `\"` escapes) or in `` `…` ``.
fn hugo_args(text: &str) -> Args {
    let mut args = Args::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let start = i;
        let mut key = None;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'"' | b'`' | b'=') {
            i += 1;
        }
        if bytes.get(i) == Some(&b'=') {
            key = Some(text[start..i].to_string());
            i += 1;
        } else {
            i = start;
        }
        let value = match bytes.get(i) {
            Some(b'"' | b'`') => {
                let end = skip_quoted(bytes, i).unwrap_or(bytes.len());
                let inner = &text[i + 1..end.saturating_sub(1).max(i + 1)];
                i = end;
                if bytes[start..].first() == Some(&b'`') || text[..i].ends_with('`') {
                    inner.to_string()
                } else {
                    inner.replace("\\\"", "\"").replace("\\\\", "\\")
                }
            }
            _ => {
                let s = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                text[s..i].to_string()
            }
        };
        match key {
            Some(k) => args.named.push((k, value)),
            None => args.positional.push(value),
        }
    }
    args
}

/// The name and arguments of a Hugo call's inner text (`name a="b"`).
fn split_call(inner: &str) -> (&str, &str) {
    let inner = inner.trim();
    let end = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
    (&inner[..end], &inner[end..])
}

/// One Hugo call found in a body: `{{< name args >}}`, `{{% /name %}}`, or an escaped one.
#[derive(Debug)]
struct HugoCall<'s> {
    start: usize,
    end: usize,
    /// The call's text without its delimiters (and without a self-closing `/`).
    inner: &'s str,
    /// The closing call's name, for `{{< /name >}}`.
    closes: Option<&'s str>,
    /// `{{</* … */>}}`: written out as the call it shows.
    escaped: Option<String>,
    /// The index of the closing call of a paired call.
    pair: Option<usize>,
}

/// Every Hugo call of `body`, in order, paired with their closing calls (one pass, nesting
/// counted per name).
fn hugo_calls(body: &str) -> Vec<HugoCall<'_>> {
    let bytes = body.as_bytes();
    let mut calls: Vec<HugoCall<'_>> = Vec::new();
    let mut open: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(&bytes[at..], b"{{") {
        let start = at + found;
        let (open_text, close) = match bytes.get(start + 2) {
            Some(b'<') => ("{{<", ">}}"),
            Some(b'%') => ("{{%", "%}}"),
            _ => {
                at = start + 2;
                continue;
            }
        };
        if body[start + 3..].trim_start().starts_with("/*") {
            let end_marker = format!("*/{close}");
            if let Some(end) = memchr::memmem::find(&bytes[start..], end_marker.as_bytes()) {
                let inner = body[start + 3..start + end].trim_start().trim_start_matches("/*");
                let end = start + end + end_marker.len();
                let escaped = Some(format!("{open_text}{inner}{close}"));
                calls.push(HugoCall { start, end, inner: "", closes: None, escaped, pair: None });
                at = end;
                continue;
            }
        }
        let Some(inner_end) = find_outside_quotes(body, start + 3, close) else {
            at = start + 3;
            continue;
        };
        let inner = body[start + 3..inner_end].trim();
        let (inner, self_closing) = match inner.strip_suffix('/') {
            Some(i) => (i.trim_end(), true),
            None => (inner, false),
        };
        let closes = inner.strip_prefix('/').map(str::trim);
        let index = calls.len();
        let (name, _) = split_call(inner);
        match closes {
            Some(closed) => {
                if let Some(opener) = open.get_mut(closed).and_then(Vec::pop) {
                    calls[opener].pair = Some(index);
                }
            }
            None if !self_closing && !is_inline_builtin(name) => open.entry(name).or_default().push(index),
            None => {}
        }
        calls.push(HugoCall { start, end: inner_end + 3, inner, closes, escaped: None, pair: None });
        at = inner_end + 3;
    }
    calls
}

fn hugo_all(body: &str, ctx: &Context<'_>, out: &mut Converted) {
    let calls = hugo_calls(body);
    hugo(body, &calls, 0..calls.len(), 0..body.len(), ctx, out, 0);
}

/// Converts the calls `range` of `calls`, and the text around them within `span` of `body`.
fn hugo(
    body: &str,
    calls: &[HugoCall<'_>],
    range: std::ops::Range<usize>,
    span: std::ops::Range<usize>,
    ctx: &Context<'_>,
    out: &mut Converted,
    depth: usize,
) {
    let mut copied = span.start;
    let mut i = range.start;
    while i < range.end {
        let call = &calls[i];
        out.body.push_str(&body[copied..call.start]);
        let text = &body[call.start..call.end];
        let rest = &body[call.end..span.end];
        copied = call.end;
        i += 1;
        if let Some(escaped) = &call.escaped {
            out.body.push_str(escaped);
            continue;
        }
        if let Some(closed) = call.closes {
            leave(out, closed, text, call.start, rest);
            continue;
        }
        let (name, args_text) = split_call(call.inner);
        let args = hugo_args(args_text);
        if let Some(j) = call.pair.filter(|&j| j < range.end) {
            let close = &calls[j];
            let inner = &body[call.end..close.start];
            let pair = Pair { name, args: &args, inner, close: &body[close.start..close.end] };
            match paired_builtin(&pair) {
                Some(block) => {
                    push_block(&mut out.body, &block, &body[close.end..span.end]);
                    *out.converted.entry(name.to_string()).or_default() += 1;
                }
                None => {
                    leave(out, name, text, call.start, inner);
                    if depth < MAX_DEPTH {
                        hugo(body, calls, i..j, call.end..close.start, ctx, out, depth + 1);
                    } else {
                        out.body.push_str(inner);
                    }
                    push_block(&mut out.body, &marker(pair.close), &body[close.end..span.end]);
                }
            }
            copied = close.end;
            i = j + 1;
            continue;
        }
        match single_hugo(name, &args, ctx) {
            Some(Replacement::Inline(text)) => out.body.push_str(&text),
            Some(Replacement::Block(text)) => push_block(&mut out.body, &text, rest),
            None => {
                leave(out, name, text, call.start, rest);
                continue;
            }
        }
        *out.converted.entry(name.to_string()).or_default() += 1;
    }
    out.body.push_str(&body[copied..span.end]);
}

/// Shortcodes that never take inner content: a later `{{< /name >}}` is not theirs.
fn is_inline_builtin(name: &str) -> bool {
    matches!(name, "ref" | "relref" | "param" | "youtube" | "vimeo" | "figure" | "x" | "tweet" | "gist" | "instagram")
}

/// A paired call: `{{< name args >}}inner{{< /name >}}`.
struct Pair<'a> {
    name: &'a str,
    args: &'a Args,
    inner: &'a str,
    close: &'a str,
}

/// A Hugo built-in with inner content (`highlight`, `comment`), as a block; `None` for others.
fn paired_builtin(pair: &Pair<'_>) -> Option<String> {
    match pair.name {
        "highlight" => {
            let lang = pair.args.get("lang", 0).unwrap_or_default();
            let code = pair.inner.strip_prefix('\n').unwrap_or(pair.inner);
            let code = code.strip_suffix('\n').unwrap_or(code);
            let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let fence = "`".repeat((longest + 1).max(3));
            let lang: String = lang.chars().filter(|c| c.is_alphanumeric() || matches!(c, '-' | '+' | '_')).collect();
            Some(format!("{fence}{lang}\n{code}\n{fence}"))
        }
        "comment" => Some(format!("<!-- {} -->", pair.inner.trim().replace("--", "- -"))),
        _ => None,
    }
}

enum Replacement {
    Inline(String),
    Block(String),
}

/// A Hugo built-in without inner content; `None` when it is not one or its arguments are wrong.
fn single_hugo(name: &str, args: &Args, ctx: &Context<'_>) -> Option<Replacement> {
    Some(match name {
        "ref" | "relref" => Replacement::Inline((ctx.resolve)(args.get("path", 0)?)?),
        "param" => Replacement::Inline((ctx.param)(args.get("name", 0)?)?),
        "youtube" => Replacement::Block(embed::youtube(args.get("id", 0)?)?.0),
        "vimeo" => Replacement::Block(embed::vimeo(args.get("id", 0)?)?.0),
        "x" | "tweet" => {
            let id = args.get("id", 1).or_else(|| args.positional.first().map(String::as_str))?;
            let user = args.get("user", 0).filter(|u| *u != id).unwrap_or("i");
            Replacement::Block(embed::x_post(user, id)?)
        }
        "gist" => Replacement::Block(embed::gist(args.get("user", 0)?, args.get("id", 1)?, args.get("file", 2))?),
        "instagram" => Replacement::Block(embed::instagram(args.get("id", 0)?)?),
        "figure" => Replacement::Block(figure(args)?),
        _ => return None,
    })
}

/// `figure`: a Markdown image (linked when `link` is given), its caption a paragraph below it.
fn figure(args: &Args) -> Option<String> {
    let src = args.get("src", usize::MAX)?;
    if src.is_empty() || src.contains(['\n', '<', '>']) {
        return None;
    }
    let caption = args.get("caption", usize::MAX).unwrap_or_default();
    let title = args.get("title", usize::MAX).unwrap_or_default();
    let alt = args.get("alt", usize::MAX).filter(|a| !a.is_empty()).unwrap_or(if caption.is_empty() {
        title
    } else {
        caption
    });
    let alt = crate::import::links::escape_link_text(&strip_markup(alt));
    let mut image = format!("![{alt}](<{src}>)");
    if let Some(link) = args.get("link", usize::MAX).filter(|l| !l.contains(['\n', '<', '>'])) {
        image = format!("[{image}](<{link}>)");
    }
    let words: Vec<&str> = [title, caption].into_iter().filter(|t| !t.trim().is_empty()).collect();
    if !words.is_empty() {
        image.push_str(&format!("\n\n*{}*", words.join(": ").replace('\n', " ").trim()));
    }
    Some(image)
}

/// Text without HTML tags (captions and titles may hold some), for `alt` and titles; shared by the
/// Hugo, Zola and WordPress readers.
pub(crate) fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Zola arguments: `name=value` pairs separated by commas; values in quotes (`"`, `'`, `` ` ``),
/// numbers, booleans or lists (kept as written).
fn zola_args(text: &str) -> Option<Args> {
    let mut args = Args::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        if i >= bytes.len() {
            return Some(args);
        }
        let key_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        let key = text[key_start..i].to_string();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if key.is_empty() || bytes.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match bytes.get(i) {
            Some(b'"' | b'\'' | b'`') => {
                let end = skip_quoted(bytes, i)?;
                let v = text[i + 1..end - 1].to_string();
                i = end;
                v
            }
            _ => {
                let s = i;
                let mut nesting = 0usize;
                while i < bytes.len() && (nesting > 0 || bytes[i] != b',') {
                    match bytes[i] {
                        b'[' => nesting += 1,
                        b']' => nesting = nesting.saturating_sub(1),
                        _ => {}
                    }
                    i += 1;
                }
                text[s..i].trim().to_string()
            }
        };
        args.named.push((key, value));
    }
}

/// A Zola call at `start` (`{{ name(args) }}` or `{% name(args) %}`): its name, arguments and
/// where it ends.
fn zola_call(body: &str, start: usize) -> Option<(&str, Args, usize)> {
    let bytes = body.as_bytes();
    let close = if bytes.get(start + 1) == Some(&b'%') { "%}" } else { "}}" };
    let mut i = start + 2;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'-') {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
        i += 1;
    }
    let name = &body[name_start..i];
    if name.is_empty() || bytes.get(i) != Some(&b'(') {
        return None;
    }
    let args_start = i + 1;
    let mut j = args_start;
    while j < bytes.len() && bytes[j] != b')' {
        j = match bytes[j] {
            b'"' | b'\'' | b'`' => skip_quoted(bytes, j)?,
            b'\n' if bytes.get(j + 1) == Some(&b'\n') => return None,
            _ => j + 1,
        };
    }
    let args = zola_args(body.get(args_start..j)?)?;
    let rest = body.get(j + 1..)?;
    let trimmed = rest.trim_start_matches([' ', '\t', '-']);
    trimmed.starts_with(close).then(|| (name, args, j + 1 + (rest.len() - trimmed.len()) + 2))
}

/// One Zola call found in a body.
struct ZolaCall<'s> {
    start: usize,
    end: usize,
    name: &'s str,
    args: Args,
    /// `{% name(…) %}`, which takes a body up to its `{% end %}`.
    with_body: bool,
    is_end: bool,
    escaped: Option<String>,
    pair: Option<usize>,
}

/// Every Zola call of `body`, in order, bodies paired with their `{% end %}` (one pass).
fn zola_calls(body: &str) -> Vec<ZolaCall<'_>> {
    let bytes = body.as_bytes();
    let mut calls: Vec<ZolaCall<'_>> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'{', &bytes[at..]) {
        let start = at + found;
        let kind = bytes.get(start + 1).copied();
        if !matches!(kind, Some(b'{' | b'%')) {
            at = start + 1;
            continue;
        }
        let percent = kind == Some(b'%');
        let close: &[u8] = if percent { b"*/%}" } else { b"*/}}" };
        let blank = |name| ZolaCall {
            start,
            end: start,
            name,
            args: Args::default(),
            with_body: false,
            is_end: false,
            escaped: None,
            pair: None,
        };
        if body[start + 2..].trim_start().starts_with("/*")
            && let Some(end) = memchr::memmem::find(&bytes[start..], close)
        {
            let inner = body[start + 2..start + end].trim_start().trim_start_matches("/*");
            let (open_text, shut) = if percent { ("{%", "%}") } else { ("{{", "}}") };
            let end = start + end + close.len();
            calls.push(ZolaCall { end, escaped: Some(format!("{open_text}{inner}{shut}")), ..blank("") });
            at = end;
            continue;
        }
        if percent
            && let Some(e) = memchr::memmem::find(&bytes[start..], b"%}")
            && body[start + 2..start + e].trim_matches([' ', '\t', '-']) == "end"
        {
            if let Some(opener) = open.pop() {
                calls[opener].pair = Some(calls.len());
            }
            calls.push(ZolaCall { end: start + e + 2, is_end: true, ..blank("end") });
            at = start + e + 2;
            continue;
        }
        let Some((name, args, end)) = zola_call(body, start) else {
            at = start + 2;
            continue;
        };
        if percent {
            open.push(calls.len());
        }
        calls.push(ZolaCall { end, args, with_body: percent, ..blank(name) });
        at = end;
    }
    calls
}

fn zola_all(body: &str, out: &mut Converted) {
    let calls = zola_calls(body);
    zola(body, &calls, 0..calls.len(), 0..body.len(), out, 0);
}

fn zola(
    body: &str,
    calls: &[ZolaCall<'_>],
    range: std::ops::Range<usize>,
    span: std::ops::Range<usize>,
    out: &mut Converted,
    depth: usize,
) {
    let mut copied = span.start;
    let mut i = range.start;
    while i < range.end {
        let call = &calls[i];
        out.body.push_str(&body[copied..call.start]);
        let text = &body[call.start..call.end];
        let rest = &body[call.end..span.end];
        copied = call.end;
        i += 1;
        if let Some(escaped) = &call.escaped {
            out.body.push_str(escaped);
            continue;
        }
        if call.is_end || call.with_body {
            leave(out, call.name, text, call.start, rest);
            if let Some(j) = call.pair.filter(|&j| j < range.end) {
                let close = &calls[j];
                if depth < MAX_DEPTH {
                    zola(body, calls, i..j, call.end..close.start, out, depth + 1);
                } else {
                    out.body.push_str(&body[call.end..close.start]);
                }
                push_block(&mut out.body, &marker(&body[close.start..close.end]), &body[close.end..span.end]);
                copied = close.end;
                i = j + 1;
            }
            continue;
        }
        let get = |k: &str| call.args.named.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let block = match call.name {
            "youtube" => get("id").and_then(embed::youtube).map(|e| e.0),
            "vimeo" => get("id").and_then(embed::vimeo).map(|e| e.0),
            "gist" => get("url").and_then(embed::gist_url),
            "streamable" => get("id").and_then(embed::streamable),
            _ => None,
        };
        match block {
            Some(block) => {
                push_block(&mut out.body, &block, rest);
                *out.converted.entry(call.name.to_string()).or_default() += 1;
            }
            None => leave(out, call.name, text, call.start, rest),
        }
    }
    out.body.push_str(&body[copied..span.end]);
}

/// Zola's `@/path.md#anchor` internal links in Markdown link destinations, resolved by `resolve`;
/// those it cannot resolve are left as written (the build then names them).
pub fn zola_links(body: &str, resolve: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut copied = 0;
    for (at, _) in body.match_indices("](@/") {
        if at < copied {
            continue;
        }
        let target_start = at + 2;
        let end = body[target_start..].find([')', ' ', '\n']).map_or(body.len(), |e| target_start + e);
        let target = &body[target_start + 2..end];
        if let Some(link) = resolve(target) {
            out.push_str(&body[copied..target_start]);
            out.push_str(&link);
            copied = end;
        }
    }
    out.push_str(&body[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(flavor: Flavor) -> Context<'static> {
        Context {
            flavor,
            resolve: &|t: &str| (t.trim_start_matches('/') == "posts/lima.md").then(|| "../posts/lima.md".to_string()),
            param: &|n: &str| (n == "desk").then(|| "Asia".to_string()),
        }
    }

    #[test]
    fn hugo_builtins_become_markdown_and_html() {
        let body = "See [Lima]({{< ref \"/posts/lima.md\" >}}) from the {{% param desk %}} desk.\n\n{{< youtube abc123 >}}\n\n{{< figure src=\"map.png\" alt=\"Map\" caption=\"The *strait*\" >}}\n{{< highlight go \"linenos=table\" >}}\nfmt.Println(1)\n{{< /highlight >}}\n{{< x user=\"SenateGOP\" id=\"42\" >}}\n";
        let c = convert(body, &ctx(Flavor::Hugo));
        assert!(c.unconverted.is_empty(), "{:?}", c.unconverted);
        assert!(c.body.contains("See [Lima](../posts/lima.md) from the Asia desk."), "{}", c.body);
        assert!(c.body.contains("\n\n<iframe src=\"https://www.youtube-nocookie.com/embed/abc123\""), "{}", c.body);
        assert!(c.body.contains("![Map](<map.png>)\n\n*The *strait**"), "{}", c.body);
        assert!(c.body.contains("```go\nfmt.Println(1)\n```"), "{}", c.body);
        assert!(c.body.contains("> [Post by @SenateGOP on X](https://x.com/SenateGOP/status/42)"), "{}", c.body);
    }

    #[test]
    fn site_shortcodes_are_left_as_marked_blocks_with_their_inner_content() {
        let body = "Intro {{< chart id=\"7\" >}} after.\n\n{{% note kind=\"warn\" %}}\nKeep **this**.\n{{% /note %}}\n\n{{< badge />}}\n{{</* escaped */>}}\n";
        let c = convert(body, &ctx(Flavor::Hugo));
        let names: Vec<(&str, usize)> = c.unconverted.iter().map(|(n, o)| (n.as_str(), *o)).collect();
        assert_eq!(names, [("chart", 6), ("note", 35), ("badge", 90)]);
        assert!(c.body.contains("Intro\n\n```unconverted\n{{< chart id=\"7\" >}}\n```\n\n after."), "{}", c.body);
        assert!(
            c.body.contains(
                "```unconverted\n{{% note kind=\"warn\" %}}\n```\nKeep **this**.\n\n```unconverted\n{{% /note %}}\n```"
            ),
            "{}",
            c.body
        );
        assert!(c.body.contains("{{< escaped >}}"), "{}", c.body);
        // a ref that leads nowhere is left for hand work too
        assert_eq!(convert("[x]({{< relref \"nowhere\" >}})", &ctx(Flavor::Hugo)).unconverted[0].0, "relref");
    }

    #[test]
    fn zola_builtins_and_site_shortcodes() {
        let body = "{{ youtube(id=\"abc\", autoplay=true) }}\n\n{{ chart(data=[1, 2], title='Trade') }}\n\n{% quote(author=\"Xi\") %}\nText.\n{% end %}\n\nLiteral {{ page.title }} and {{/* youtube(id=\"x\") */}}.\nSee [Lima](@/posts/lima.md#why).\n";
        let c = convert(body, &ctx(Flavor::Zola));
        let names: Vec<&str> = c.unconverted.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["chart", "quote"]);
        assert!(c.body.contains("youtube-nocookie.com/embed/abc"), "{}", c.body);
        assert!(c.body.contains("\nText.\n\n```unconverted\n{% end %}\n```"), "{}", c.body);
        assert!(c.body.contains("Literal {{ page.title }} and {{ youtube(id=\"x\") }}."), "{}", c.body);
        let linked = zola_links(&c.body, &|t| (t == "posts/lima.md#why").then(|| "lima.md#why".to_string()));
        assert!(linked.contains("See [Lima](lima.md#why)."), "{linked}");
    }

    #[test]
    fn hostile_bodies_end_quickly() {
        let many = "{{< a >}}".repeat(20_000) + &"{{% b %}}".repeat(20_000) + &"{% c() %}".repeat(2_000);
        let started = std::time::Instant::now();
        let _ = convert(&many, &ctx(Flavor::Hugo));
        let _ = convert(&many, &ctx(Flavor::Zola));
        let _ = convert("{{< \"unclosed", &ctx(Flavor::Hugo));
        let _ = convert("{{ x(a=\"", &ctx(Flavor::Zola));
        assert!(started.elapsed().as_secs() < 10);
    }
}
