//! Neutralises control characters and escape sequences in text that came from a model,
//! a paste or a file, so that nothing reaches the terminal as a command.

/// Text safe to print on a terminal: keeps newlines and tabs, drops every other C0/C1
/// control (so ESC sequences lose their introducer and print as plain text), and
/// replaces bidirectional overrides, which can reorder what the user sees.
pub fn for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => {}
            c if is_unsafe(c) => out.push(replacement(c)),
            c => out.push(c),
        }
    }
    out
}

/// Like [`for_terminal`] but on one line: newlines and tabs become spaces.
pub fn for_terminal_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' | '\r' => out.push(' '),
            c if is_unsafe(c) => out.push(replacement(c)),
            c => out.push(c),
        }
    }
    out
}

/// Characters that must never be written raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{200E}' | '\u{200F}' | '\u{061C}' // direction marks
        )
}

/// ESC shows as a visible symbol so the user sees something was there.
fn replacement(c: char) -> char {
    match c {
        '\u{1b}' => '␛',
        _ => '\u{FFFD}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_lose_their_introducer() {
        let s = for_terminal("a\u{1b}[2Jb\u{1b}]52;c;aGk=\u{7}c\u{9b}31m");
        assert!(!s.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        assert!(s.starts_with("a␛[2Jb"));
    }

    #[test]
    fn newlines_survive_but_not_carriage_returns() {
        assert_eq!(for_terminal("one\r\ntwo\tx"), "one\ntwo\tx");
        assert_eq!(for_terminal_line("one\ntwo"), "one two");
    }

    #[test]
    fn bidi_overrides_are_replaced() {
        assert_eq!(for_terminal("a\u{202E}b"), "a\u{FFFD}b");
    }
}
