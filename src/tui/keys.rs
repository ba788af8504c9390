//! Every key of the interface, in one table: the help overlay draws it and a test
//! checks the README lists the same keys.

/// A group of keys in the help overlay.
pub struct KeyGroup {
    pub title: &'static str,
    pub keys: &'static [(&'static str, &'static str)],
}

pub const HELP: &[KeyGroup] = &[
    KeyGroup {
        title: "Anywhere",
        keys: &[
            (
                "Tab / Shift+Tab",
                "move focus: conversations, messages, input",
            ),
            (
                "Esc",
                "stop the reply that is streaming (the text so far is kept)",
            ),
            (
                "Ctrl+R",
                "retry: a new reply after an error or interruption",
            ),
            ("Ctrl+N", "new interview (setup form)"),
            ("Ctrl+E", "edit the draft in $EDITOR"),
            ("Ctrl+B", "show or hide the conversation list"),
            ("PgUp / PgDn, wheel", "scroll the messages"),
            ("F1", "this help"),
            ("F2 / F3", "ask for a hint / skip the question"),
            ("Ctrl+C", "quit (drafts are kept)"),
        ],
    },
    KeyGroup {
        title: "Input",
        keys: &[
            ("Enter", "send"),
            ("Alt+Enter / Ctrl+J", "new line"),
            ("Ctrl+U / Ctrl+W", "delete to line start / delete word"),
        ],
    },
    KeyGroup {
        title: "Conversations and messages (outside the input)",
        keys: &[
            ("↑ ↓ / j k", "move (conversations) or scroll (messages)"),
            ("Home End / g G", "first / last"),
            ("Enter / click", "open the conversation"),
            ("i", "type in the input box"),
            ("n", "new interview"),
            ("/", "search all conversations (Enter opens, Esc clears)"),
            ("R", "rename"),
            ("d", "delete (asks first)"),
            ("a", "archive or unarchive"),
            ("A", "show archived conversations / active ones"),
            ("r", "retry the last reply"),
            ("F", "feedback report (r in the report makes a new one)"),
            ("P", "progress across interviews (scores over time)"),
            ("x", "export the open conversation to a Markdown file"),
            ("y", "copy the last reply (OSC 52 clipboard)"),
            ("e", "edit the draft in $EDITOR"),
            ("h / s", "hint / skip the question"),
            ("K", "paste a new API key"),
            ("?", "this help"),
            ("q", "quit"),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::HELP;

    /// The README's key table must list every key the help overlay shows.
    #[test]
    fn the_readme_lists_every_key() {
        let readme = include_str!("../../README.md");
        for group in HELP {
            for (key, what) in group.keys {
                let row = format!("| {key} | {what} |");
                assert!(readme.contains(&row), "README.md lacks the row {row:?}");
            }
        }
    }
}
