//! Embedded media of imported bodies: YouTube and Vimeo become iframes that the default
//! `sanitize` policy keeps once their host is in `[markdown] embed_hosts` (the writer adds it);
//! posts on X, gists and Instagram posts, which need a script to embed, become a plain link in a
//! blockquote, which passes `sanitize` as it is.

/// The host of YouTube iframes: the privacy-enhanced one, which sets no cookie before playing.
pub const YOUTUBE_HOST: &str = "www.youtube-nocookie.com";
/// The host of Vimeo iframes.
pub const VIMEO_HOST: &str = "player.vimeo.com";

/// The iframe for a YouTube or Vimeo address (a watch, short, embed or player URL), and the host
/// it loads from; `None` for any other address.
pub fn embed_html(url: &str) -> Option<(String, &'static str)> {
    let url = url::Url::parse(url.trim()).ok()?;
    let host = url.host_str()?.trim_start_matches("www.").trim_start_matches("m.").to_ascii_lowercase();
    let segments: Vec<&str> = url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
    match host.as_str() {
        "youtube.com" | "youtube-nocookie.com" => {
            let id = match segments.as_slice() {
                ["watch"] => url.query_pairs().find(|(k, _)| k == "v").map(|(_, v)| v.into_owned())?,
                ["embed" | "shorts" | "live" | "v", id, ..] => id.to_string(),
                _ => return None,
            };
            youtube(&id)
        }
        "youtu.be" => youtube(segments.first()?),
        "vimeo.com" => vimeo(segments.iter().rev().find(|s| s.bytes().all(|b| b.is_ascii_digit()))?),
        "player.vimeo.com" => match segments.as_slice() {
            ["video", id, ..] => vimeo(id),
            _ => None,
        },
        _ => None,
    }
}

/// The iframe of a YouTube video by its id (`dQw4w9WgXcQ`); `None` when the id is not one.
pub fn youtube(id: &str) -> Option<(String, &'static str)> {
    is_id(id).then(|| (iframe(&format!("https://{YOUTUBE_HOST}/embed/{id}"), "YouTube video"), YOUTUBE_HOST))
}

/// The iframe of a Vimeo video by its number.
pub fn vimeo(id: &str) -> Option<(String, &'static str)> {
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (iframe(&format!("https://{VIMEO_HOST}/video/{id}"), "Vimeo video"), VIMEO_HOST))
}

/// Letters, digits, `-` and `_`: what video ids are made of, and nothing that could leave an
/// attribute or a path.
fn is_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn iframe(src: &str, title: &str) -> String {
    format!("<iframe src=\"{src}\" title=\"{title}\" width=\"640\" height=\"360\" allowfullscreen></iframe>")
}

/// A post on X (Twitter) by its author's handle and id: a link in a blockquote.
pub fn x_post(user: &str, id: &str) -> Option<String> {
    (is_id(user) && !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("> [Post by @{user} on X](https://x.com/{user}/status/{id})"))
}

/// A GitHub gist by its owner and id (and a file of it): a link in a blockquote.
pub fn gist(user: &str, id: &str, file: Option<&str>) -> Option<String> {
    if !is_id(user) || !is_id(id) {
        return None;
    }
    let (anchor, label) = match file.filter(|f| !f.is_empty()) {
        Some(f) => (
            format!("#file-{}", f.replace(|c: char| !c.is_ascii_alphanumeric(), "-").to_lowercase()),
            format!(" ({f})"),
        ),
        None => (String::new(), String::new()),
    };
    let label = crate::import::links::escape_link_text(&label);
    Some(format!("> [Gist {user}/{id}{label}](https://gist.github.com/{user}/{id}{anchor})"))
}

/// A gist by its address (Zola's `gist(url=…)`): a link in a blockquote.
pub fn gist_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    (parsed.scheme() == "https" && parsed.host_str() == Some("gist.github.com"))
        .then(|| format!("> [Gist]({})", parsed.as_str()))
}

/// An Instagram post by its id: a link in a blockquote.
pub fn instagram(id: &str) -> Option<String> {
    is_id(id).then(|| format!("> [Instagram post](https://www.instagram.com/p/{id}/)"))
}

/// A Streamable video by its id (Zola's `streamable(id=…)`): a link in a blockquote.
pub fn streamable(id: &str) -> Option<String> {
    is_id(id).then(|| format!("> [Video on Streamable](https://streamable.com/{id})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn youtube_and_vimeo_addresses_become_iframes_of_their_embed_hosts() {
        for url in [
            "https://www.youtube.com/watch?v=abc_DEF-123",
            "https://youtu.be/abc_DEF-123",
            "https://www.youtube.com/embed/abc_DEF-123",
        ] {
            let (html, host) = embed_html(url).unwrap();
            assert_eq!(host, YOUTUBE_HOST);
            assert!(html.contains("https://www.youtube-nocookie.com/embed/abc_DEF-123\""), "{html}");
        }
        let (html, host) = embed_html("https://vimeo.com/channels/staff/123456").unwrap();
        assert_eq!((host, html.contains("player.vimeo.com/video/123456\"")), (VIMEO_HOST, true));
        assert!(embed_html("https://example.org/watch?v=abc").is_none());
        assert!(embed_html("https://www.youtube.com/watch?v=a\"><script>").is_none());
        assert!(youtube("a b").is_none());
    }

    #[test]
    fn scripted_embeds_become_links() {
        assert_eq!(
            x_post("SenateGOP", "123").unwrap(),
            "> [Post by @SenateGOP on X](https://x.com/SenateGOP/status/123)"
        );
        assert!(x_post("a", "1\"").is_none());
        assert!(gist("octo", "abc123", Some("tariffs.py")).unwrap().contains("#file-tariffs-py"));
        assert!(gist_url("javascript:alert(1)").is_none());
        assert!(instagram("Bx1").unwrap().contains("instagram.com/p/Bx1/"));
    }
}
