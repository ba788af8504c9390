//! The conversation list: pages loaded on demand, the selection, date groups, and
//! the live search filter that replaces the list while `/` is active.

use crate::domain::ConversationSummary;

/// Conversations fetched per page. The first screen needs a few dozen; more pages
/// arrive as the selection nears the end, so 10,000 conversations never load at once.
pub const PAGE_SIZE: usize = 100;

/// Ask for the next page when the selection gets this close to the last loaded row.
const PREFETCH_MARGIN: usize = 30;

const DAY_MS: i64 = 86_400_000;

/// Which heading a conversation falls under, by its last activity (UTC days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateGroup {
    Today,
    Yesterday,
    ThisWeek,
    Older,
}

impl DateGroup {
    pub fn of(updated_at: i64, now: i64) -> DateGroup {
        let day = updated_at.div_euclid(DAY_MS);
        let today = now.div_euclid(DAY_MS);
        match today - day {
            i64::MIN..=0 => DateGroup::Today,
            1 => DateGroup::Yesterday,
            2..=6 => DateGroup::ThisWeek,
            _ => DateGroup::Older,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DateGroup::Today => "Today",
            DateGroup::Yesterday => "Yesterday",
            DateGroup::ThisWeek => "This week",
            DateGroup::Older => "Older",
        }
    }
}

/// One search result: a conversation and, when a message matched, which one.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub conversation_id: i64,
    pub message_id: Option<i64>,
    pub title: String,
    /// The matching words with a little context, on one line, matches marked as
    /// [`crate::search::snippet_segments`] reads them.
    pub snippet: String,
}

/// The `/` filter: the query being typed and the conversations it matches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub query: String,
    pub hits: Vec<Hit>,
    pub selected: usize,
    /// Sequence number of the latest search sent; older answers are dropped.
    pub seq: u64,
    /// Set while a search for the current query is running.
    pub searching: bool,
    /// Why the last search failed (e.g. a syntax error), in words for the user.
    pub error: Option<String>,
}

/// The sidebar's state.
#[derive(Debug, Clone, Default)]
pub struct Sidebar {
    pub items: Vec<ConversationSummary>,
    pub selected: usize,
    /// First visible row; the view keeps the selection on screen.
    pub top: usize,
    /// No more pages to load.
    pub exhausted: bool,
    /// A page request is in flight.
    pub loading: bool,
    /// Showing archived conversations instead of the active ones.
    pub archived: bool,
    /// Bumped whenever the list is reset, so pages of an older listing are ignored.
    pub generation: u64,
    pub filter: Option<Filter>,
    /// A conversation was archived in this session (so an empty active list is
    /// not "no interviews yet").
    pub archived_some: bool,
}

impl Sidebar {
    /// Empties the list for a fresh first page (after toggling archived).
    pub fn reset(&mut self) {
        self.items.clear();
        self.selected = 0;
        self.top = 0;
        self.exhausted = false;
        self.loading = true;
        self.generation += 1;
    }

    /// Adds a loaded page; returns false when it belongs to an older listing.
    pub fn page_loaded(
        &mut self,
        generation: u64,
        offset: usize,
        page: Vec<ConversationSummary>,
    ) -> bool {
        if generation != self.generation || offset != self.items.len() {
            return false;
        }
        self.loading = false;
        self.exhausted = page.len() < PAGE_SIZE;
        // A conversation moved to the top by activity can show up again on a later
        // page; keep the first copy.
        for item in page {
            if !self.items.iter().any(|i| i.id == item.id) {
                self.items.push(item);
            }
        }
        true
    }

    /// Whether the next page should be requested now.
    pub fn wants_more(&self) -> bool {
        !self.loading && !self.exhausted && self.selected + PREFETCH_MARGIN >= self.items.len()
    }

    pub fn selected_item(&self) -> Option<&ConversationSummary> {
        self.items.get(self.selected)
    }

    pub fn position(&self, id: i64) -> Option<usize> {
        self.items.iter().position(|i| i.id == id)
    }

    /// Moves the selection by `delta` rows, clamped to the list.
    pub fn move_selection(&mut self, delta: isize) {
        if self.items.is_empty() {
            self.selected = 0;
            return;
        }
        let last = self.items.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// Puts `item` at the top (it just had activity), keeping the selection on the
    /// conversation it was on.
    pub fn bump(&mut self, item: ConversationSummary) {
        let selected_id = self.selected_item().map(|i| i.id);
        if let Some(pos) = self.position(item.id) {
            self.items.remove(pos);
        }
        self.items.insert(0, item);
        if let Some(id) = selected_id {
            self.selected = self.position(id).unwrap_or(0);
        }
    }

    /// Removes a conversation (deleted, or archived out of this list).
    pub fn remove(&mut self, id: i64) -> Option<ConversationSummary> {
        let pos = self.position(id)?;
        let item = self.items.remove(pos);
        if self.selected > pos || self.selected >= self.items.len() {
            self.selected = self.selected.saturating_sub(1);
        }
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: i64, updated_at: i64) -> ConversationSummary {
        ConversationSummary {
            id,
            title: format!("c{id}"),
            persona: "career".into(),
            created_at: updated_at,
            updated_at,
            message_count: 2,
            archived: false,
            model: None,
        }
    }

    #[test]
    fn date_groups_follow_utc_days() {
        let now = 10 * DAY_MS + 5_000;
        assert_eq!(DateGroup::of(now, now), DateGroup::Today);
        assert_eq!(DateGroup::of(10 * DAY_MS, now), DateGroup::Today);
        assert_eq!(DateGroup::of(10 * DAY_MS - 1, now), DateGroup::Yesterday);
        assert_eq!(DateGroup::of(4 * DAY_MS, now), DateGroup::ThisWeek);
        assert_eq!(DateGroup::of(3 * DAY_MS, now), DateGroup::Older);
        // A clock set back shows future rows as today rather than failing.
        assert_eq!(DateGroup::of(now + DAY_MS, now), DateGroup::Today);
    }

    #[test]
    fn pages_append_in_order_and_stale_pages_are_dropped() {
        let mut s = Sidebar::default();
        s.reset();
        let generation = s.generation;
        let page: Vec<_> = (0..PAGE_SIZE as i64)
            .map(|i| summary(i, 1000 - i))
            .collect();
        assert!(s.page_loaded(generation, 0, page));
        assert!(!s.exhausted);
        assert!(!s.page_loaded(generation - 1, PAGE_SIZE, vec![summary(999, 1)]));
        assert!(!s.page_loaded(generation, 0, vec![summary(999, 1)]));
        assert!(s.page_loaded(generation, PAGE_SIZE, vec![summary(500, 1), summary(3, 1)]));
        assert!(s.exhausted);
        assert_eq!(s.items.len(), PAGE_SIZE + 1, "duplicates are skipped");
    }

    #[test]
    fn more_is_wanted_near_the_end_only() {
        let mut s = Sidebar::default();
        s.reset();
        let g = s.generation;
        s.page_loaded(g, 0, (0..PAGE_SIZE as i64).map(|i| summary(i, 0)).collect());
        assert!(!s.wants_more());
        s.move_selection(80);
        assert!(s.wants_more());
        s.loading = true;
        assert!(!s.wants_more());
    }

    #[test]
    fn bump_and_remove_keep_the_selection_on_its_conversation() {
        let mut s = Sidebar {
            items: (1..=4).map(|i| summary(i, 0)).collect(),
            selected: 1, // id 2
            ..Sidebar::default()
        };
        s.bump(summary(3, 9));
        assert_eq!(s.items[0].id, 3);
        assert_eq!(s.selected_item().map(|i| i.id), Some(2));
        s.remove(3);
        assert_eq!(s.selected_item().map(|i| i.id), Some(2));
        s.selected = 2;
        s.remove(4);
        assert_eq!(s.selected, 1);
        s.move_selection(-10);
        assert_eq!(s.selected, 0);
        s.move_selection(10);
        assert_eq!(s.selected, 1);
    }
}
