//! What is published: the one decision that leaves drafts, scheduled explainers (dated after the
//! build's day) and expired ones (`expires:` on or before it) out of the site, and the summary
//! `build` prints of what it left out and when the output changes next.

use crate::date::Date;
use crate::frontmatter::ExplainerMeta;
use chrono::NaiveDate;

/// Why an explainer is not in the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// `draft: true`, without `--drafts`.
    Draft,
    /// Dated after the build's day, without `--future`: published on that day.
    Scheduled(NaiveDate),
    /// `expires:` on or before the build's day.
    Expired(NaiveDate),
}

/// What was left out of a site for its dates, and the next day on which a build would publish or
/// withdraw an explainer (the earliest `date` or `expires` after the build's day).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Schedule {
    pub scheduled: usize,
    pub expired: usize,
    pub next_change: Option<NaiveDate>,
}

/// The day an explainer's date takes effect: the UTC day of its instant (a bare day is itself).
pub fn utc_day(date: &Date) -> NaiveDate {
    date.instant().date_naive()
}

/// Whether the explainer of `meta` is published by a build on `today` (a UTC day), and if not, why.
pub fn left_out(meta: &ExplainerMeta, options: &super::AssembleOptions) -> Option<LeftOut> {
    if meta.draft && !options.include_drafts {
        return Some(LeftOut::Draft);
    }
    if let Some(expires) = meta.expires.as_ref().map(utc_day).filter(|day| *day <= options.today) {
        return Some(LeftOut::Expired(expires));
    }
    let day = utc_day(&meta.date);
    (day > options.today && !options.include_future).then_some(LeftOut::Scheduled(day))
}

impl Schedule {
    /// Counts what was left out for its dates, and finds the next day the output changes: the
    /// earliest day after `today` on which an explainer that is not a draft is published
    /// (scheduled ones, unless `--future` shows them already) or expires.
    pub fn of<'m>(
        metas: impl Iterator<Item = (&'m ExplainerMeta, Option<LeftOut>)>,
        options: &super::AssembleOptions,
    ) -> Schedule {
        let mut schedule = Schedule::default();
        let mut later = |day: NaiveDate| {
            if day > options.today && schedule.next_change.is_none_or(|next| day < next) {
                schedule.next_change = Some(day);
            }
        };
        for (meta, left_out) in metas {
            match left_out {
                Some(LeftOut::Draft) => continue,
                Some(LeftOut::Expired(_)) => schedule.expired += 1,
                Some(LeftOut::Scheduled(day)) => {
                    schedule.scheduled += 1;
                    later(day);
                }
                None => {}
            }
            if let Some(expires) = &meta.expires {
                later(utc_day(expires));
            }
        }
        schedule
    }
}
