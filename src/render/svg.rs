//! Figures drawn at build time as inline SVG: an actor's neighbourhood and a topic's timeline.
//! No JavaScript; colours come from the theme's CSS classes; each figure has a title and a
//! description, and the page lists the same data as text.

use crate::date::Date;
use chrono::{Datelike, NaiveDate};
use pulldown_cmark_escape::escape_html;
use std::f64::consts::PI;
use std::fmt::Write;

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html(&mut out, text).expect("writing to a String");
    out
}

/// At most this many characters of a label; the full name is in the description.
const LABEL_CHARS: usize = 22;

fn label(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARS {
        name.to_string()
    } else {
        let cut: String = name.chars().take(LABEL_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The actor in the middle, the actors seen with it around, each line as thick as the number of
/// explainers they share. `id` makes the title and description ids unique on the page.
pub fn neighbourhood(id: &str, center: &str, neighbours: &[(String, usize)]) -> String {
    let (width, height) = (720.0, 400.0);
    let (cx, cy) = (width / 2.0, height / 2.0);
    let (rx, ry) = (170.0, 150.0);
    let max = neighbours.iter().map(|n| n.1).max().unwrap_or(1).max(1) as f64;
    let description = neighbours
        .iter()
        .map(|(name, count)| format!("{name} ({count} shared explainer{})", if *count == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(", ");
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"figure-svg neighbourhood\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">Actors seen with {}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(center),
        esc(&description)
    );
    let n = neighbours.len().max(1) as f64;
    let points: Vec<(f64, f64)> = (0..neighbours.len())
        .map(|i| {
            let angle = -PI / 2.0 + 2.0 * PI * i as f64 / n;
            (cx + rx * angle.cos(), cy + ry * angle.sin())
        })
        .collect();
    for ((_, count), (x, y)) in neighbours.iter().zip(&points) {
        let stroke = 1.5 + 6.0 * (*count as f64) / max;
        let _ = write!(
            svg,
            "<line class=\"edge\" x1=\"{cx}\" y1=\"{cy}\" x2=\"{x:.1}\" y2=\"{y:.1}\" stroke-width=\"{stroke:.1}\"/>"
        );
    }
    for ((name, count), (x, y)) in neighbours.iter().zip(&points) {
        let r = 6.0 + 6.0 * (*count as f64) / max;
        let _ = write!(svg, "<circle class=\"node\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\"/>");
        // labels sit outside the ring, on the side away from the centre
        let (anchor, dx) = if (x - cx).abs() < 20.0 {
            ("middle", 0.0)
        } else if *x > cx {
            ("start", r + 6.0)
        } else {
            ("end", -(r + 6.0))
        };
        let dy = if (x - cx).abs() < 20.0 { if *y < cy { -(r + 8.0) } else { r + 18.0 } } else { 5.0 };
        let _ = write!(
            svg,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            x + dx,
            y + dy,
            esc(&label(name))
        );
    }
    let _ = write!(
        svg,
        "<circle class=\"node center\" cx=\"{cx}\" cy=\"{cy}\" r=\"16\"/><text class=\"label center\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text></svg>",
        cy + 36.0,
        esc(&label(center))
    );
    svg
}

fn days(date: &Date) -> f64 {
    date.instant().timestamp() as f64 / 86_400.0
}

/// Ticks for the axis between two days: years, months or days, at most about eight.
fn ticks(first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, String)> {
    let span_days = (last - first).num_days().max(1);
    let mut ticks = Vec::new();
    if span_days > 2 * 365 {
        let years = (last.year() - first.year()).max(1);
        let step = ((years as f64) / 8.0).ceil().max(1.0) as i32;
        let mut year = first.year() + 1;
        while year <= last.year() {
            if (year - first.year()) % step == 0 || step == 1 {
                ticks.push((NaiveDate::from_ymd_opt(year, 1, 1).expect("January exists"), year.to_string()));
            }
            year += 1;
        }
    } else if span_days > 45 {
        let months = (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32;
        let step = ((months as f64) / 8.0).ceil().max(1.0) as i32;
        let mut m = 1;
        while m <= months {
            if m % step == 0 {
                let total = first.year() * 12 + first.month0() as i32 + m;
                let day = NaiveDate::from_ymd_opt(total / 12, (total % 12) as u32 + 1, 1).expect("valid month");
                ticks.push((day, day.format("%b %Y").to_string()));
            }
            m += 1;
        }
    } else {
        let step = ((span_days as f64) / 8.0).ceil().max(1.0) as i64;
        let mut d = 0;
        while d <= span_days {
            let day = first + chrono::Duration::days(d);
            ticks.push((day, day.format("%-d %b").to_string()));
            d += step;
        }
    }
    ticks
}

/// The events of a topic on a time axis; events too close to draw apart are stacked.
pub fn timeline(id: &str, topic: &str, dates: &[Date]) -> String {
    let width = 640.0;
    let (left, right) = (24.0, width - 24.0);
    let first = dates.iter().min().map(days).unwrap_or(0.0);
    let last = dates.iter().max().map(days).unwrap_or(0.0);
    let span = (last - first).max(1.0);
    let x_of = |d: f64| if last > first { left + (right - left) * (d - first) / span } else { width / 2.0 };
    // stack dots that would overlap
    let mut placed: Vec<(f64, usize)> = Vec::new();
    for date in dates {
        let x = x_of(days(date));
        let level = placed.iter().filter(|(px, _)| (px - x).abs() < 11.0).map(|(_, l)| l + 1).max().unwrap_or(0);
        placed.push((x, level));
    }
    let levels = placed.iter().map(|p| p.1).max().unwrap_or(0) + 1;
    let axis_y = 20.0 + 12.0 * levels as f64;
    let height = axis_y + 34.0;
    let (first_day, last_day) =
        (dates.iter().min().map(Date::day).unwrap_or_default(), dates.iter().max().map(Date::day).unwrap_or_default());
    let years = if first_day.year() == last_day.year() {
        first_day.year().to_string()
    } else {
        format!("{} to {}", first_day.year(), last_day.year())
    };
    let mut svg = String::new();
    let count = dates.len();
    let _ = write!(
        svg,
        "<svg class=\"figure-svg timeline-chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">Timeline of {}</title><desc id=\"{id}-desc\">{count} event{} from {years}, listed below.</desc>",
        esc(topic),
        if count == 1 { "" } else { "s" }
    );
    let _ = write!(svg, "<line class=\"axis\" x1=\"{left}\" y1=\"{axis_y}\" x2=\"{right}\" y2=\"{axis_y}\"/>");
    if last > first {
        for (day, text) in ticks(first_day, last_day) {
            let d = day.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp() as f64 / 86_400.0;
            if d < first || d > last {
                continue;
            }
            let x = x_of(d);
            let _ = write!(
                svg,
                "<line class=\"tick\" x1=\"{x:.1}\" y1=\"{axis_y}\" x2=\"{x:.1}\" y2=\"{:.1}\"/><text class=\"label\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                axis_y + 6.0,
                axis_y + 22.0,
                esc(&text)
            );
        }
    }
    for (x, level) in placed {
        let y = axis_y - 8.0 - 12.0 * level as f64;
        let _ = write!(svg, "<circle class=\"event\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\"/>");
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbourhood_is_labelled_and_escaped() {
        let svg = neighbourhood(
            "co",
            "Xi <Jinping>",
            &[("Joe Biden".into(), 3), ("A very long organization name indeed".into(), 1)],
        );
        assert!(svg.starts_with("<svg class=\"figure-svg neighbourhood\""));
        assert!(svg.contains("<title id=\"co-title\">Actors seen with Xi &lt;Jinping&gt;</title>"));
        assert!(svg.contains("Joe Biden (3 shared explainers)"));
        assert!(svg.contains(">A very long organizat…</text>"));
        assert_eq!(svg.matches("<line class=\"edge\"").count(), 2);
    }

    #[test]
    fn timeline_places_and_stacks_events() {
        let d = |s: &str| Date::parse(s).unwrap();
        let svg = timeline("tl", "Taiwan", &[d("2016-07-12"), d("2024-11-15"), d("2024-11-16"), d("2022-10-07")]);
        assert!(svg.contains("4 events from 2016 to 2024"));
        assert_eq!(svg.matches("<circle class=\"event\"").count(), 4);
        assert!(svg.contains(">2020</text>"));
        let one = timeline("tl", "X", &[d("2024-11-16")]);
        assert!(one.contains("1 event from 2024"));
    }

    #[test]
    fn ticks_fit_the_span() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(ticks(d("2024-11-13"), d("2024-11-16")).len(), 4);
        assert!(ticks(d("2024-01-01"), d("2024-11-16")).iter().any(|t| t.1 == "Jul 2024"));
        assert!(ticks(d("2000-01-01"), d("2024-01-01")).len() <= 9);
    }
}
