//! Every key of the main screen, in one table: [`KEYMAP`]. The key handling looks keys
//! up in it ([`action`]) and the help overlay lists it ([`help_rows`]); the key names
//! the help shows are made from the same bindings the handling matches, so the two
//! cannot disagree. A test checks the README's key table lists the same rows.
//!
//! Each row binds one or more keys to actions in one [`Scope`] and says in words what
//! they do. The windows over the main screen (help, report, forms, dialogs) and the
//! `/` search field have a few keys of their own, which they show on screen.
//!
//! Owns: which key means what, and how a key is written. Touches no state: `app`
//! performs the actions.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does. Where it applies is its row's [`Scope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    // Anywhere.
    FocusNext,
    FocusPrev,
    /// Stop the reply that is streaming (otherwise say where focus is).
    Stop,
    Retry,
    NewInterview,
    Editor,
    ToggleSidebar,
    PageUp,
    PageDown,
    Help,
    Hint,
    Skip,
    /// Open the model picker.
    PickModel,
    /// Open the list of endpoints (profiles) to switch to.
    PickProfile,
    /// Show replies' reasoning unfolded, or fold it again.
    ToggleReasoning,
    Quit,
    /// Give the terminal back and stop (the shell's `fg` resumes), as vim does.
    Suspend,
    // The answer box.
    Send,
    NewLine,
    DeleteToLineStart,
    DeleteToLineEnd,
    DeleteWord,
    CursorLeft,
    CursorRight,
    CursorUp,
    CursorDown,
    LineStart,
    LineEnd,
    WordLeft,
    WordRight,
    Undo,
    // The conversation list and the messages.
    Up,
    Down,
    First,
    Last,
    /// Open the selected conversation (in the messages: back to the answer box).
    Open,
    FocusInput,
    Search,
    Rename,
    Delete,
    Archive,
    ShowArchived,
    Report,
    Progress,
    /// Drill one question (weak spots that are due first).
    Drill,
    Export,
    Copy,
    ChangeKey,
}

/// Where a row's keys work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Whatever has focus (unless a window is open over the screen).
    Anywhere,
    /// The answer box has focus.
    Input,
    /// The conversation list or the messages have focus.
    Lists,
}

impl Scope {
    /// The help overlay's (and the README's) heading for the scope.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Anywhere => "Anywhere",
            Scope::Input => "Input",
            Scope::Lists => "Conversations and messages (outside the input)",
        }
    }
}

/// What sets an action off: a key with its modifiers, or the mouse (listed for the
/// help; the mouse is handled apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Key(KeyCode, KeyModifiers),
    Mouse(&'static str),
}

/// One trigger and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub trigger: Trigger,
    pub action: Action,
}

/// One row of the help: its bindings, grouped as the help writes them (groups are
/// joined with " / ", keys within a group with a space), and what they do.
#[derive(Debug)]
pub struct Row {
    pub scope: Scope,
    pub keys: &'static [&'static [Binding]],
    pub help: &'static str,
}

const fn key(code: KeyCode, action: Action) -> Binding {
    Binding {
        trigger: Trigger::Key(code, KeyModifiers::NONE),
        action,
    }
}

const fn ch(c: char, action: Action) -> Binding {
    key(KeyCode::Char(c), action)
}

const fn ctrl(code: KeyCode, action: Action) -> Binding {
    Binding {
        trigger: Trigger::Key(code, KeyModifiers::CONTROL),
        action,
    }
}

const fn alt(code: KeyCode, action: Action) -> Binding {
    Binding {
        trigger: Trigger::Key(code, KeyModifiers::ALT),
        action,
    }
}

const fn shift(code: KeyCode, action: Action) -> Binding {
    Binding {
        trigger: Trigger::Key(code, KeyModifiers::SHIFT),
        action,
    }
}

const fn mouse(name: &'static str, action: Action) -> Binding {
    Binding {
        trigger: Trigger::Mouse(name),
        action,
    }
}

use Action as A;
use KeyCode as K;
use Scope::{Anywhere, Input, Lists};

/// The key map of the main screen, in the order the help lists it.
pub const KEYMAP: &[Row] = &[
    // ----- anywhere ------------------------------------------------------------------
    Row {
        scope: Anywhere,
        keys: &[
            &[key(K::Tab, A::FocusNext)],
            &[key(K::BackTab, A::FocusPrev)],
        ],
        help: "move focus: conversations, messages, input",
    },
    Row {
        scope: Anywhere,
        keys: &[&[key(K::Esc, A::Stop)]],
        help: "stop the reply that is streaming (the text so far is kept)",
    },
    Row {
        scope: Anywhere,
        keys: &[&[ctrl(K::Char('r'), A::Retry)]],
        help: "retry: a new reply after an error or interruption",
    },
    Row {
        scope: Anywhere,
        keys: &[&[ctrl(K::Char('n'), A::NewInterview)]],
        help: "new interview (setup form)",
    },
    Row {
        scope: Anywhere,
        keys: &[&[ctrl(K::Char('e'), A::Editor)]],
        help: "edit the draft in $EDITOR",
    },
    Row {
        scope: Anywhere,
        keys: &[&[ctrl(K::Char('b'), A::ToggleSidebar)]],
        help: "show or hide the conversation list",
    },
    Row {
        scope: Anywhere,
        keys: &[
            &[key(K::PageUp, A::PageUp)],
            &[key(K::PageDown, A::PageDown)],
            &[mouse("wheel", A::PageDown)],
        ],
        help: "scroll the messages",
    },
    Row {
        scope: Anywhere,
        keys: &[&[key(K::F(1), A::Help)]],
        help: "this help",
    },
    Row {
        scope: Anywhere,
        keys: &[&[key(K::F(2), A::Hint)], &[key(K::F(3), A::Skip)]],
        help: "ask for a hint / skip the question",
    },
    Row {
        scope: Anywhere,
        keys: &[&[key(K::F(4), A::Drill)]],
        help: "drill one question: feedback at once, then try again (weak spots due first)",
    },
    Row {
        scope: Anywhere,
        keys: &[&[key(K::F(5), A::PickModel)]],
        help: "pick the model (this conversation or new ones)",
    },
    Row {
        scope: Anywhere,
        keys: &[&[key(K::F(6), A::PickProfile)]],
        help: "switch the endpoint (profile) for new messages",
    },
    Row {
        scope: Anywhere,
        keys: &[&[key(K::F(7), A::ToggleReasoning)]],
        help: "show or fold the model's reasoning under replies",
    },
    Row {
        scope: Anywhere,
        keys: &[&[ctrl(K::Char('c'), A::Quit)]],
        help: "quit (drafts are kept)",
    },
    // ----- the answer box ------------------------------------------------------------
    Row {
        scope: Input,
        keys: &[&[key(K::Enter, A::Send)]],
        help: "send",
    },
    Row {
        scope: Input,
        keys: &[
            &[alt(K::Enter, A::NewLine)],
            &[shift(K::Enter, A::NewLine)],
            &[ctrl(K::Char('j'), A::NewLine)],
        ],
        help: "new line",
    },
    Row {
        scope: Input,
        keys: &[
            &[ctrl(K::Char('u'), A::DeleteToLineStart)],
            &[ctrl(K::Char('k'), A::DeleteToLineEnd)],
        ],
        help: "delete to line start / to line end",
    },
    Row {
        scope: Input,
        keys: &[
            &[ctrl(K::Char('w'), A::DeleteWord)],
            &[alt(K::Backspace, A::DeleteWord)],
        ],
        help: "delete the word before the cursor",
    },
    Row {
        scope: Input,
        keys: &[&[
            key(K::Left, A::CursorLeft),
            key(K::Right, A::CursorRight),
            key(K::Up, A::CursorUp),
            key(K::Down, A::CursorDown),
        ]],
        help: "move the cursor",
    },
    Row {
        scope: Input,
        keys: &[&[key(K::Home, A::LineStart), key(K::End, A::LineEnd)]],
        help: "line start / line end",
    },
    Row {
        scope: Input,
        keys: &[
            &[ctrl(K::Left, A::WordLeft)],
            &[ctrl(K::Right, A::WordRight)],
        ],
        help: "word left / word right",
    },
    Row {
        scope: Input,
        keys: &[&[ctrl(K::Char('z'), A::Undo)]],
        help: "undo the last edit",
    },
    // ----- the conversation list and the messages ------------------------------------
    Row {
        scope: Lists,
        keys: &[
            &[key(K::Up, A::Up), key(K::Down, A::Down)],
            &[ch('j', A::Down), ch('k', A::Up)],
        ],
        help: "move (conversations) or scroll (messages)",
    },
    Row {
        scope: Lists,
        keys: &[
            &[key(K::Home, A::First), key(K::End, A::Last)],
            &[ch('g', A::First), ch('G', A::Last)],
        ],
        help: "first / last",
    },
    Row {
        scope: Lists,
        keys: &[
            &[key(K::Enter, A::Open)],
            &[key(K::Right, A::Open), ch('l', A::Open)],
            &[mouse("click", A::Open)],
        ],
        help: "open the conversation and type in it",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('i', A::FocusInput)]],
        help: "type in the input box",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('n', A::NewInterview)]],
        help: "new interview",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('/', A::Search)]],
        help: "search all conversations (Enter opens, Esc clears)",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('R', A::Rename)]],
        help: "rename",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('d', A::Delete)]],
        help: "delete (asks first)",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('a', A::Archive)]],
        help: "archive or unarchive",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('A', A::ShowArchived)]],
        help: "show archived conversations / active ones",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('r', A::Retry)]],
        help: "retry the last reply",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('F', A::Report)]],
        help: "feedback report (r in the report makes a new one)",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('P', A::Progress)]],
        help: "progress across interviews (scores over time)",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('D', A::Drill)]],
        help: "drill one question (weak spots due first)",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('x', A::Export)]],
        help: "export the open conversation to a Markdown file",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('y', A::Copy)]],
        help: "copy the last reply (OSC 52 clipboard)",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('e', A::Editor)]],
        help: "edit the draft in $EDITOR",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('b', A::ToggleSidebar)]],
        help: "show or hide the conversation list",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('h', A::Hint)], &[ch('s', A::Skip)]],
        help: "hint / skip the question",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('m', A::PickModel)]],
        help: "pick the model",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('p', A::PickProfile)]],
        help: "switch the endpoint (profile)",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('t', A::ToggleReasoning)]],
        help: "show or fold the model's reasoning",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('K', A::ChangeKey)]],
        help: "paste a new API key",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('?', A::Help)]],
        help: "this help",
    },
    Row {
        scope: Lists,
        keys: &[&[ch('q', A::Quit)]],
        help: "quit",
    },
    Row {
        scope: Lists,
        // In the answer box Ctrl+Z undoes; `kill -TSTP` suspends from anywhere.
        keys: &[&[ctrl(K::Char('z'), A::Suspend)]],
        help: "suspend to the shell (`fg` comes back)",
    },
];

impl Trigger {
    /// The key pressed is this trigger. Shift is ignored for characters (it makes the
    /// character: `G` is Shift+g) and for Shift+Tab (which terminals report either
    /// way); Control and Alt must be exactly the ones bound.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let Trigger::Key(code, mods) = *self else {
            return false;
        };
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT;
        let mut pressed = event.modifiers & relevant;
        let mut bound = mods;
        if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            pressed.remove(KeyModifiers::SHIFT);
            bound.remove(KeyModifiers::SHIFT);
        }
        event.code == code && pressed == bound
    }

    /// How the help writes it: `Ctrl+U`, `Alt+Enter`, `↑`, `g`, `click`.
    pub fn name(&self) -> String {
        let (code, mods) = match *self {
            Trigger::Key(code, mods) => (code, mods),
            Trigger::Mouse(name) => return name.to_string(),
        };
        let mut out = String::new();
        if mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl+");
        }
        if mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt+");
        }
        if mods.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift+");
        }
        match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                out.extend(c.to_uppercase())
            }
            KeyCode::Char(c) => out.push(c),
            KeyCode::Up => out.push('↑'),
            KeyCode::Down => out.push('↓'),
            KeyCode::Left => out.push('←'),
            KeyCode::Right => out.push('→'),
            KeyCode::PageUp => out.push_str("PgUp"),
            KeyCode::PageDown => out.push_str("PgDn"),
            KeyCode::BackTab => out.push_str("Shift+Tab"),
            KeyCode::F(n) => out.push_str(&format!("F{n}")),
            other => out.push_str(&other.to_string()),
        }
        out
    }
}

impl Row {
    /// The keys as the help writes them: "↑ ↓ / j k".
    pub fn label(&self) -> String {
        self.keys
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|b| b.trigger.name())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(" / ")
    }

    fn bindings(&self) -> impl Iterator<Item = &Binding> {
        self.keys.iter().flat_map(|group| group.iter())
    }
}

/// What `event` does in `scope`, if anything.
pub fn action(scope: Scope, event: &KeyEvent) -> Option<Action> {
    KEYMAP
        .iter()
        .filter(|row| row.scope == scope)
        .flat_map(Row::bindings)
        .find(|b| b.trigger.matches(event))
        .map(|b| b.action)
}

/// The first key bound to `action` in `scope`, as the help writes it (for hints in the
/// status line and elsewhere, so they name the real key).
pub fn key_for(scope: Scope, action: Action) -> String {
    KEYMAP
        .iter()
        .filter(|row| row.scope == scope)
        .flat_map(Row::bindings)
        .find(|b| b.action == action && matches!(b.trigger, Trigger::Key(..)))
        .map(|b| b.trigger.name())
        .unwrap_or_default()
}

/// The help overlay's rows: `(keys, what they do, section)`, in table order.
pub fn help_rows() -> Vec<(String, &'static str, &'static str)> {
    KEYMAP
        .iter()
        .map(|row| (row.label(), row.help, row.scope.title()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    /// The README's key table must list every row of the help, with the same words.
    #[test]
    fn the_readme_lists_every_key() {
        let readme = include_str!("../../README.md");
        let mut section = "";
        for (key, what, scope) in help_rows() {
            if scope != section {
                let heading = format!("**{scope}**");
                assert!(readme.contains(&heading), "README.md lacks {heading:?}");
                section = scope;
            }
            let row = format!("| {key} | {what} |");
            assert!(readme.contains(&row), "README.md lacks the row {row:?}");
        }
    }

    /// …and nothing more: a key row in the README that the table does not have is a
    /// key that does not exist.
    #[test]
    fn the_readme_lists_no_other_key() {
        let readme = include_str!("../../README.md");
        let rows = help_rows();
        let start = readme.find("**Anywhere**").expect("the key section");
        let end = readme[start..]
            .find("\n## ")
            .map_or(readme.len(), |e| start + e);
        for line in readme[start..end].lines() {
            let Some(rest) = line.strip_prefix("| ") else {
                continue;
            };
            if line.starts_with("| Key |") {
                continue;
            }
            let known = rows
                .iter()
                .any(|(key, what, _)| rest == format!("{key} | {what} |"));
            assert!(
                known,
                "README.md lists a key the app does not have: {line:?}"
            );
        }
    }

    #[test]
    fn no_key_means_two_things_in_one_place() {
        for scope in [Scope::Anywhere, Scope::Input, Scope::Lists] {
            let bindings: Vec<&Binding> = KEYMAP
                .iter()
                .filter(|r| r.scope == scope)
                .flat_map(Row::bindings)
                .collect();
            for (i, a) in bindings.iter().enumerate() {
                for b in &bindings[i + 1..] {
                    if let (Trigger::Key(..), true) = (a.trigger, a.trigger == b.trigger) {
                        panic!("{} is bound twice in {scope:?}", a.trigger.name());
                    }
                }
            }
        }
    }

    /// A key bound anywhere is taken before the focused part sees it: the same key in
    /// a narrower scope would never work.
    #[test]
    fn no_narrower_binding_is_hidden_by_an_anywhere_key() {
        for row in KEYMAP.iter().filter(|r| r.scope != Scope::Anywhere) {
            for b in row.bindings() {
                if let Trigger::Key(code, mods) = b.trigger {
                    let event = press(code, mods);
                    assert_eq!(
                        action(Scope::Anywhere, &event),
                        None,
                        "{} in {:?} is taken by an Anywhere key",
                        b.trigger.name(),
                        row.scope
                    );
                }
            }
        }
    }

    #[test]
    fn keys_are_written_as_a_user_reads_them() {
        let label = |scope, action| key_for(scope, action);
        assert_eq!(label(Scope::Input, Action::DeleteToLineStart), "Ctrl+U");
        assert_eq!(label(Scope::Input, Action::NewLine), "Alt+Enter");
        assert_eq!(label(Scope::Anywhere, Action::FocusPrev), "Shift+Tab");
        assert_eq!(label(Scope::Anywhere, Action::PageDown), "PgDn");
        assert_eq!(label(Scope::Lists, Action::Last), "End");
        let rows = help_rows();
        assert!(rows.iter().any(|(k, _, _)| k == "↑ ↓ / j k"));
        assert!(rows.iter().any(|(k, _, _)| k == "Ctrl+U / Ctrl+K"));
        assert!(rows.iter().any(|(k, _, _)| k == "PgUp / PgDn / wheel"));
    }

    #[test]
    fn matching_ignores_shift_on_characters_only() {
        let g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action(Scope::Lists, &g), Some(Action::Last));
        let g = press(KeyCode::Char('G'), KeyModifiers::NONE);
        assert_eq!(action(Scope::Lists, &g), Some(Action::Last));
        let back = press(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(action(Scope::Anywhere, &back), Some(Action::FocusPrev));
        // Alt+g is not g (Esc then g typed fast reads as Alt+g).
        let alt_g = press(KeyCode::Char('g'), KeyModifiers::ALT);
        assert_eq!(action(Scope::Lists, &alt_g), None);
        let ctrl_u = press(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(action(Scope::Lists, &ctrl_u), None);
        assert_eq!(
            action(Scope::Input, &ctrl_u),
            Some(Action::DeleteToLineStart)
        );
        let shift_enter = press(KeyCode::Enter, KeyModifiers::SHIFT);
        assert_eq!(action(Scope::Input, &shift_enter), Some(Action::NewLine));
        let ctrl_enter = press(KeyCode::Enter, KeyModifiers::CONTROL);
        assert_eq!(action(Scope::Input, &ctrl_enter), None);
    }
}
