//! The home page's lead: one explainer shown first, with its key points, so that a reader sees an
//! explainer (not only the site's introduction) on a phone's first screen.

use crate::assemble::{ExplainerId, Site};
use serde::Serialize;

/// The explainer the home page leads with: the newest marked `featured: true`, else the newest.
/// Explainers are sorted newest first, so the first match is the newest.
pub fn lead_id(site: &Site<'_>) -> Option<ExplainerId> {
    if site.explainers.is_empty() {
        return None;
    }
    Some(site.explainers.iter().position(|e| e.meta.featured).unwrap_or(0))
}

/// `lead` in `index.html`.
#[derive(Debug, Serialize)]
pub struct LeadView<'a> {
    /// The explainer's card (`title`, `href`, `date`, `summary`, `topics`).
    pub card: &'a super::views::CardValue,
    /// Whether it is there because it is marked `featured: true` (else it is the newest).
    pub featured: bool,
    /// Its key points (`takeaways:`), in order.
    pub takeaways: &'a [String],
}

/// Whether rendered HTML holds a highlighted code block, the only thing `syntax.css` styles.
pub fn has_highlighted_code(html: &str) -> bool {
    html.contains(crate::highlight::HIGHLIGHTED_BLOCK_START)
}

/// The cards of the first home page without the lead, which is shown above them.
pub fn without_lead(ids: &[ExplainerId], lead: Option<ExplainerId>) -> Vec<ExplainerId> {
    ids.iter().copied().filter(|&id| Some(id) != lead).collect()
}
