//! Figures drawn at build time as inline SVG: an actor's neighbourhood and a topic's timeline.
//! No JavaScript; colours come from the theme's CSS classes; each figure has a title and a
//! description, and the page lists the same data as text.

use crate::date::Date;
use crate::i18n::{Catalogue, Form};
use chrono::{Datelike, NaiveDate};
use pulldown_cmark_escape::escape_html;
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

/// Width of both figures in SVG units. The theme shows them at 33.5 to 40 rem (536 to 640 px),
/// hiding them on narrower screens, so one unit is never drawn smaller than 0.99 px.
const WIDTH: f64 = 540.0;
/// Font size of labels in SVG units (the theme's CSS sets the same): at least 14 px as drawn.
const LABEL_PX: f64 = 15.0;
/// About how wide a character of a label is, as a share of the font size (sans serif).
const CHAR_EM: f64 = 0.58;
/// Vertical distance between the neighbours of an actor.
const ROW: f64 = 34.0;

/// The actor on the left, the actors seen with it in a column on the right, each joined to it by
/// a line as thick as the number of explainers they share. Every label is to the right of its
/// node and the actor's own name is above them all, so no line crosses a label. `id` makes the
/// title and description ids unique on the page.
pub fn neighbourhood(id: &str, center: &str, neighbours: &[(String, usize)], i18n: &Catalogue) -> String {
    let top = 44.0;
    let height = top + ROW * neighbours.len().max(1) as f64;
    let (cx, cy) = (36.0, top + ROW * neighbours.len() as f64 / 2.0);
    let nx = 220.0;
    let max = neighbours.iter().map(|n| n.1).max().unwrap_or(1).max(1) as f64;
    let description = neighbours
        .iter()
        .map(|(name, count)| i18n.text("shared_explainers", Some(*count as u64), &[("name", name)]).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(", ");
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"figure-svg neighbourhood\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(&i18n.format("actors_seen_with", &[("name", center)])),
        esc(&description)
    );
    let ys: Vec<f64> = (0..neighbours.len()).map(|i| top + ROW / 2.0 + ROW * i as f64).collect();
    for ((_, count), y) in neighbours.iter().zip(&ys) {
        let stroke = 1.5 + 6.0 * (*count as f64) / max;
        let _ = write!(
            svg,
            "<line class=\"edge\" x1=\"{cx}\" y1=\"{cy:.1}\" x2=\"{nx}\" y2=\"{y:.1}\" stroke-width=\"{stroke:.1}\"/>"
        );
    }
    for ((name, count), y) in neighbours.iter().zip(&ys) {
        let r = 5.0 + 5.0 * (*count as f64) / max;
        let _ = write!(
            svg,
            "<circle class=\"node\" cx=\"{nx}\" cy=\"{y:.1}\" r=\"{r:.1}\"/><text class=\"label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            nx + 18.0,
            y + LABEL_PX * 0.35,
            esc(&label(name))
        );
    }
    // the actor's own name sits in a row of its own above the lines
    let _ = write!(
        svg,
        "<circle class=\"node center\" cx=\"{cx}\" cy=\"{cy:.1}\" r=\"14\"/><text class=\"label center\" x=\"4\" y=\"{:.1}\">{}</text></svg>",
        LABEL_PX + 6.0,
        esc(&label(center))
    );
    svg
}

fn days(date: &Date) -> f64 {
    date.instant().timestamp() as f64 / 86_400.0
}

/// About how many ticks the axis has at most: their labels must fit side by side.
const MAX_TICKS: f64 = 5.0;

/// Ticks for the axis between two days: years, months or days, at most about five, their labels
/// in the site's language (`Jul 2024`, `juil. 2024`; `16 Nov`, `16 nov.`).
fn ticks(first: NaiveDate, last: NaiveDate, i18n: &Catalogue) -> Vec<(NaiveDate, String)> {
    let span_days = (last - first).num_days().max(1);
    let mut ticks = Vec::new();
    if span_days > 2 * 365 {
        let years = (last.year() - first.year()).max(1);
        let step = ((years as f64) / MAX_TICKS).ceil().max(1.0) as i32;
        let mut year = first.year() + 1;
        while year <= last.year() {
            if (year - first.year()) % step == 0 || step == 1 {
                ticks.push((NaiveDate::from_ymd_opt(year, 1, 1).expect("January exists"), year.to_string()));
            }
            year += 1;
        }
    } else if span_days > 45 {
        let months = (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32;
        let step = ((months as f64) / MAX_TICKS).ceil().max(1.0) as i32;
        let mut m = 1;
        while m <= months {
            if m % step == 0 {
                let total = first.year() * 12 + first.month0() as i32 + m;
                let day = NaiveDate::from_ymd_opt(total / 12, (total % 12) as u32 + 1, 1).expect("valid month");
                ticks.push((day, i18n.date_form(day, Form::ShortMonthYear)));
            }
            m += 1;
        }
    } else {
        let step = ((span_days as f64) / MAX_TICKS).ceil().max(1.0) as i64;
        let mut d = 0;
        while d <= span_days {
            let day = first + chrono::Duration::days(d);
            ticks.push((day, i18n.date_form(day, Form::ShortDayMonth)));
            d += step;
        }
    }
    ticks
}

/// Events close enough on the axis to share one marker: their count and first and last days.
struct Cluster {
    x: f64,
    count: usize,
    first: NaiveDate,
    last: NaiveDate,
}

impl Cluster {
    /// "16 Nov 2024", "3 events, 15–17 Nov 2024", "2 events, Oct 2022 to Nov 2024"; in French
    /// "16 nov. 2024", "3 événements, 15 nov. – 17 nov. 2024", "2 événements, oct. 2022 – nov. 2024".
    fn text(&self, i18n: &Catalogue) -> String {
        let (a, b) = (self.first, self.last);
        let when = if a == b {
            i18n.date_form(a, Form::Short)
        } else if let Some(within) = i18n.days_of_one_month(a, b) {
            within
        } else if a.year() == b.year() {
            let (from, to) = (i18n.date_form(a, Form::ShortDayMonth), i18n.date_form(b, Form::Short));
            i18n.format("date_range", &[("from", &from), ("to", &to)])
        } else {
            let (from, to) = (i18n.date_form(a, Form::ShortMonthYear), i18n.date_form(b, Form::ShortMonthYear));
            i18n.format("month_range", &[("from", &from), ("to", &to)])
        };
        if self.count == 1 {
            when
        } else {
            i18n.text("n_events_when", Some(self.count as u64), &[("when", &when)]).unwrap_or(when)
        }
    }
}

/// A label above the axis: its row (0 nearest the axis), its extent and its marker's x.
struct Placed {
    row: usize,
    from: f64,
    to: f64,
    x: f64,
}

/// Whether a label over `from..to` in `row`, for a marker at `x`, overlaps no other label, covers
/// no other marker's leader line, and has its own leader line cross no label.
fn fits(placed: &[Placed], row: usize, from: f64, to: f64, x: f64) -> bool {
    let gap = 10.0;
    placed.iter().all(|p| {
        let overlaps = p.row == row && from < p.to + gap && p.from < to + gap;
        let covers_its_line = p.row > row && from - gap < p.x && p.x < to + gap;
        let its_label_on_my_line = p.row < row && p.from - gap < x && x < p.to + gap;
        !(overlaps || covers_its_line || its_label_on_my_line)
    })
}

/// Where a label `w` wide for the marker at `x` goes: the lowest row, and in it centred on the
/// marker, else starting at it, else ending at it, where it [`fits`]. Positions that cover no
/// other marker (of `markers`, placed yet or not) come first: a label over a marker forces that
/// marker's label below it. Only a few rows are tried; when none fits, the label goes centred in
/// a row above all others.
fn place(placed: &[Placed], w: f64, x: f64, markers: &[f64]) -> Placed {
    let gap = 10.0;
    let inside = |from: f64| from.clamp(0.0, (WIDTH - w).max(0.0));
    let starts = [inside(x - w / 2.0), inside(x - 4.0), inside(x + 4.0 - w)];
    let covers_none = |from: f64| !markers.iter().any(|&m| m != x && from - gap < m && m < from + w + gap);
    for must_cover_none in [true, false] {
        for row in 0..=placed.len() {
            for &from in &starts {
                if (!must_cover_none || covers_none(from)) && fits(placed, row, from, from + w, x) {
                    return Placed { row, from, to: from + w, x };
                }
            }
        }
    }
    let row = placed.iter().map(|p| p.row + 1).max().unwrap_or(0);
    Placed { row, from: starts[0], to: starts[0] + w, x }
}

/// The events of a topic on a time axis. Events too close to draw apart share one marker, and
/// every marker has a label (its date, and how many events when more than one) in the lowest row
/// above the axis where it overlaps no other label, joined to the marker by a line that crosses
/// no label.
pub fn timeline(id: &str, topic: &str, dates: &[Date], i18n: &Catalogue) -> String {
    let (left, right) = (12.0, WIDTH - 12.0);
    let mut sorted: Vec<&Date> = dates.iter().collect();
    sorted.sort();
    let first = sorted.first().map(|d| days(d)).unwrap_or(0.0);
    let last = sorted.last().map(|d| days(d)).unwrap_or(0.0);
    let span = (last - first).max(1.0);
    let x_of = |d: f64| if last > first { left + (right - left) * (d - first) / span } else { WIDTH / 2.0 };
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut last_x = f64::NEG_INFINITY;
    for date in &sorted {
        let x = x_of(days(date));
        match clusters.last_mut() {
            Some(c) if x - last_x < 16.0 => {
                c.count += 1;
                c.last = date.day();
                c.x = (c.x * (c.count - 1) as f64 + x) / c.count as f64;
            }
            _ => clusters.push(Cluster { x, count: 1, first: date.day(), last: date.day() }),
        }
        last_x = x;
    }
    let mut placed: Vec<Placed> = Vec::new();
    let texts: Vec<String> = clusters.iter().map(|c| c.text(i18n)).collect();
    let markers: Vec<f64> = clusters.iter().map(|c| c.x).collect();
    for (c, text) in clusters.iter().zip(&texts) {
        let w = text.chars().count() as f64 * LABEL_PX * CHAR_EM;
        let at = place(&placed, w, c.x, &markers);
        placed.push(at);
    }
    let rows = placed.iter().map(|p| p.row + 1).max().unwrap_or(1);
    let row_h = LABEL_PX + 9.0;
    let axis_y = 10.0 + row_h * rows as f64 + 8.0;
    let height = axis_y + LABEL_PX + 16.0;
    let mut svg = String::new();
    let count = dates.len();
    let years = match (sorted.first(), sorted.last()) {
        (Some(a), Some(b)) if a.day().year() != b.day().year() => {
            i18n.format("years_range", &[("from", &a.day().year().to_string()), ("to", &b.day().year().to_string())])
        }
        (Some(a), _) => a.day().year().to_string(),
        _ => String::new(),
    };
    let _ = write!(
        svg,
        "<svg class=\"figure-svg timeline-chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(&i18n.format("timeline_of", &[("title", topic)])),
        esc(&i18n.text("timeline_desc", Some(count as u64), &[("years", &years)]).unwrap_or_default())
    );
    let _ = write!(svg, "<line class=\"axis\" x1=\"{left}\" y1=\"{axis_y}\" x2=\"{right}\" y2=\"{axis_y}\"/>");
    if last > first {
        axis_ticks(&mut svg, (sorted[0].day(), sorted[sorted.len() - 1].day()), axis_y, i18n, |d| {
            (first..=last).contains(&d).then(|| x_of(d))
        });
    }
    for (p, text) in placed.iter().zip(&texts) {
        // the label's baseline, and a leader line from just under it down to the marker
        let base = axis_y - 8.0 - row_h * p.row as f64 - 6.0;
        let _ = write!(
            svg,
            "<line class=\"leader\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{axis_y}\"/><text class=\"label\" x=\"{:.1}\" y=\"{base:.1}\">{}</text><circle class=\"event\" cx=\"{x:.1}\" cy=\"{axis_y}\" r=\"5\"/>",
            base + 4.0,
            p.from,
            esc(text),
            x = p.x,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The axis's ticks and their labels under it; `x_of` places a day, or leaves it out.
fn axis_ticks(
    svg: &mut String,
    (first, last): (NaiveDate, NaiveDate),
    axis_y: f64,
    i18n: &Catalogue,
    x_of: impl Fn(f64) -> Option<f64>,
) {
    for (day, text) in ticks(first, last, i18n) {
        let d = day.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp() as f64 / 86_400.0;
        let Some(x) = x_of(d) else { continue };
        // the label stays inside the figure, even under a tick at its edge
        let half = text.chars().count() as f64 * LABEL_PX * CHAR_EM / 2.0;
        let at = x.clamp(half, WIDTH - half);
        let _ = write!(
            svg,
            "<line class=\"tick\" x1=\"{x:.1}\" y1=\"{axis_y}\" x2=\"{x:.1}\" y2=\"{:.1}\"/><text class=\"label tick-label\" x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            axis_y + 6.0,
            axis_y + 8.0 + LABEL_PX,
            esc(&text)
        );
    }
}

#[cfg(test)]
mod tests {
    /// The English strings of the theme.
    fn en() -> Catalogue {
        Catalogue::of_theme("en").expect("the theme has English strings")
    }
    use super::*;

    /// The number after `attr="` in each match of `tag` in `svg`.
    fn numbers(svg: &str, tag: &str, attr: &str) -> Vec<f64> {
        svg.split(tag)
            .skip(1)
            .map(|rest| {
                let at = rest.find(&format!(" {attr}=\"")).unwrap() + attr.len() + 3;
                rest[at..].split('"').next().unwrap().parse().unwrap()
            })
            .collect()
    }

    /// Each label's box (x from, x to, y top, y bottom), from its position, anchor and length.
    fn label_boxes(svg: &str) -> Vec<(f64, f64, f64, f64)> {
        svg.split("<text ")
            .skip(1)
            .map(|rest| {
                let attr = |name: &str| -> f64 {
                    let at = rest.find(&format!(" {name}=\"")).map(|i| i + name.len() + 3).unwrap();
                    rest[at..].split('"').next().unwrap().parse().unwrap()
                };
                let text = &rest[rest.find('>').unwrap() + 1..rest.find("</text>").unwrap()];
                let size = if rest.starts_with("class=\"label center\"") { LABEL_PX + 1.0 } else { LABEL_PX };
                let w = text.chars().count() as f64 * size * CHAR_EM;
                let (x, y) = (attr("x"), attr("y"));
                let from = if rest.contains("text-anchor=\"middle\"") { x - w / 2.0 } else { x };
                (from, from + w, y - size, y + size * 0.25)
            })
            .collect()
    }

    /// Whether the segment crosses the box (sampled finely).
    fn crosses(line: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
        (0..=400).any(|i| {
            let t = i as f64 / 400.0;
            let (x, y) = (line.0 + (line.2 - line.0) * t, line.1 + (line.3 - line.1) * t);
            x > b.0 && x < b.1 && y > b.2 && y < b.3
        })
    }

    fn lines(svg: &str) -> Vec<(f64, f64, f64, f64)> {
        let (x1, y1) = (numbers(svg, "<line ", "x1"), numbers(svg, "<line ", "y1"));
        let (x2, y2) = (numbers(svg, "<line ", "x2"), numbers(svg, "<line ", "y2"));
        (0..x1.len()).map(|i| (x1[i], y1[i], x2[i], y2[i])).collect()
    }

    fn no_line_crosses_a_label(svg: &str) {
        for line in lines(svg) {
            for b in label_boxes(svg) {
                assert!(!crosses(line, b), "{line:?} crosses {b:?} in {svg}");
            }
        }
    }

    fn no_labels_overlap(svg: &str) {
        let boxes = label_boxes(svg);
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart = a.1 <= b.0 || b.1 <= a.0 || a.3 <= b.2 || b.3 <= a.2;
                assert!(apart, "{a:?} and {b:?} overlap in {svg}");
            }
            assert!(a.0 >= 0.0 && a.1 <= WIDTH, "{a:?} leaves the figure");
        }
    }

    #[test]
    fn neighbourhood_is_labelled_and_escaped() {
        let svg = neighbourhood(
            "co",
            "Xi <Jinping>",
            &[("Joe Biden".into(), 3), ("A very long organization name indeed".into(), 1)],
            &en(),
        );
        assert!(svg.starts_with("<svg class=\"figure-svg neighbourhood\""));
        assert!(svg.contains("<title id=\"co-title\">Actors seen with Xi &lt;Jinping&gt;</title>"));
        assert!(svg.contains("Joe Biden (3 shared explainers)"));
        assert!(svg.contains(">A very long organizat…</text>"));
        assert_eq!(svg.matches("<line class=\"edge\"").count(), 2);
    }

    #[test]
    fn no_line_of_the_neighbourhood_crosses_a_label() {
        for n in [1, 2, 5, 8, 12] {
            let neighbours: Vec<(String, usize)> =
                (0..n).map(|i| (format!("Actor with a rather long name {i}"), 1 + i % 4)).collect();
            let svg = neighbourhood("co", "Federal Bureau of Investigation", &neighbours, &en());
            no_line_crosses_a_label(&svg);
            no_labels_overlap(&svg);
        }
    }

    #[test]
    fn timeline_labels_every_marker_and_groups_events_too_close_to_tell_apart() {
        let d = |s: &str| Date::parse(s).unwrap();
        let svg =
            timeline("tl", "Taiwan", &[d("2016-07-12"), d("2024-11-15"), d("2024-11-16"), d("2022-10-07")], &en());
        assert!(svg.contains("4 events from 2016 to 2024"));
        // the two November days are one marker, labelled with both and their count
        assert_eq!(svg.matches("<circle class=\"event\"").count(), 3);
        assert!(svg.contains(">2 events, 15–16 Nov 2024</text>"), "{svg}");
        assert!(svg.contains(">12 Jul 2016</text>"));
        assert!(svg.contains(">7 Oct 2022</text>"));
        assert!(svg.contains(">2020</text>"));
        let one = timeline("tl", "X", &[d("2024-11-16")], &en());
        assert!(one.contains("1 event from 2024"));
        assert!(one.contains(">16 Nov 2024</text>"));
    }

    #[test]
    fn timeline_labels_neither_overlap_nor_are_crossed_by_lines() {
        let d = |s: &str| Date::parse(s).unwrap();
        let dense: Vec<Date> = ["2024-11-01", "2024-11-03", "2024-11-05", "2024-11-08", "2024-11-10", "2024-11-13"]
            .iter()
            .map(|s| d(s))
            .collect();
        let spread: Vec<Date> = ["2016-07-12", "2018-03-01", "2019-01-01", "2022-10-07", "2023-11-15", "2024-11-16"]
            .iter()
            .map(|s| d(s))
            .collect();
        for dates in [&dense, &spread] {
            let svg = timeline("tl", "Taiwan", dates, &en());
            no_labels_overlap(&svg);
            no_line_crosses_a_label(&svg);
        }
    }

    #[test]
    fn a_crowded_timeline_is_drawn_and_ends() {
        // markers a label's width apart or less, and many of them: placing stops after a few rows
        let d = |s: &str| Date::parse(s).unwrap();
        let dates: Vec<Date> = (1..=28).map(|day| d(&format!("2024-{:02}-{day:02}", 1 + day % 12))).collect();
        let svg = timeline("tl", "Crowded", &dates, &en());
        assert!(svg.ends_with("</svg>"));
        let two = timeline("tl", "Two", &[d("2016-01-01"), d("2016-03-01"), d("2024-11-16")], &en());
        no_labels_overlap(&two);
        no_line_crosses_a_label(&two);
    }

    #[test]
    fn ticks_fit_the_span() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(ticks(d("2024-11-13"), d("2024-11-16"), &en()).len(), 4);
        assert!(ticks(d("2024-01-01"), d("2024-11-16"), &en()).iter().any(|t| t.1 == "Jul 2024"));
        assert!(ticks(d("2000-01-01"), d("2024-01-01"), &en()).len() <= 6);
    }

    /// Ticks and labels in the site's language: months and their abbreviations from ICU4X, the
    /// count of events and the ranges from the catalogue.
    #[test]
    fn a_french_timeline_has_no_english_word() {
        let fr = Catalogue::of_theme("fr").expect("the theme's French catalogue");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let months: Vec<String> = ticks(d("2024-01-01"), d("2024-11-16"), &fr).into_iter().map(|t| t.1).collect();
        assert!(months.contains(&"juil. 2024".to_string()), "{months:?}");
        let days: Vec<String> = ticks(d("2024-11-13"), d("2024-11-16"), &fr).into_iter().map(|t| t.1).collect();
        assert_eq!(days, ["13 nov.", "14 nov.", "15 nov.", "16 nov."]);
        let date = |s: &str| Date::parse(s).unwrap();
        let svg = timeline(
            "tl",
            "Taïwan",
            &[date("2022-10-07"), date("2023-10-08"), date("2024-09-03"), date("2024-11-15"), date("2024-11-16")],
            &fr,
        );
        assert!(svg.contains(">2 événements, 15 nov. – 16 nov. 2024</text>"), "{svg}");
        assert!(svg.contains(">7 oct. 2022</text>"), "{svg}");
        let across_years = Cluster { x: 0.0, count: 2, first: d("2022-10-07"), last: d("2024-11-16") };
        assert_eq!(across_years.text(&fr), "2 événements, oct. 2022 – nov. 2024");
        let in_a_year = Cluster { x: 0.0, count: 3, first: d("2024-09-03"), last: d("2024-11-16") };
        assert_eq!(in_a_year.text(&fr), "3 événements, 3 sept. – 16 nov. 2024");
        for english in ["Nov", "Oct", "Sep", "events", " to "] {
            assert!(!svg.contains(english), "{english} in {svg}");
        }
    }
}
