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
            ("Enter", "open the conversation"),
            ("i", "type in the input box"),
            ("n", "new interview"),
            ("/", "search all conversations (Enter opens, Esc clears)"),
            ("R", "rename"),
            ("d", "delete (asks first)"),
            ("a", "archive or unarchive"),
            ("A", "show archived conversations / active ones"),
            ("r", "retry the last reply"),
            ("y", "copy the last reply (OSC 52 clipboard)"),
            ("e", "edit the draft in $EDITOR"),
            ("h / s", "hint / skip the question"),
            ("?", "this help"),
            ("q", "quit"),
        ],
    },
];
