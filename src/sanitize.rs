//! Neutralises control characters and escape sequences in text that came from a model,
//! a paste or a file, so that nothing reaches the terminal as a command.
//!
//! A terminal acts on a sequence only when it starts with a control character: ESC
//! (CSI `ESC [`, OSC `ESC ]` — clipboard writes, links, titles —, DCS `ESC P`, …), a
//! C1 control (U+0080–U+009F, e.g. U+009B is a one-character CSI), or BEL/BS/CR,
//! which act on their own. Removing every control character except newline and tab
//! therefore disarms every sequence: what follows the introducer prints as plain
//! text. What the sanitiser does, character by character, with no state beyond the
//! previous character:
//!
//! | input | output |
//! |---|---|
//! | `\n`, `\t` | kept (`for_terminal_line`: a space) |
//! | `\r` | dropped (`\r\n` line ends become `\n`; a lone `\r` would overwrite the line) |
//! | ESC | `␛` (U+241B), so the user sees that something was there |
//! | other C0 controls, DEL, C1 controls (U+0080–U+009F) | `�` (U+FFFD) |
//! | bidi embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) | `�`: they can make text read differently from how it is stored |
//! | line and paragraph separators U+2028, U+2029 | `\n` (`for_terminal_line`: a space): some terminals move to a new line on them, and the layout must know where lines break |
//! | invisible format characters that terminals disagree on the width of, or that hide text: soft hyphen U+00AD, U+180E, zero-width space U+200B, U+2060–U+2064, U+206A–U+206F, BOM/ZWNBSP U+FEFF, interlinear annotations U+FFF9–U+FFFB, musical format controls U+1D173–U+1D17A, language tag U+E0001 | dropped |
//! | tag characters U+E0020–U+E007F | kept right after a black flag U+1F3F4 or another tag (subdivision flags such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿), dropped elsewhere: alone they are invisible text |
//! | everything else, including ZWJ/ZWNJ (emoji sequences, Indic scripts) and variation selectors | kept |
//!
//! The functions are called on every streamed delta, so plain text takes a fast path
//! (one scan, one copy) and the slow path allocates once per call, never per character.

/// Text safe to print on a terminal: keeps newlines and tabs, and neutralises every
/// other control character and format character as the module table says.
pub fn for_terminal(text: &str) -> String {
    sanitize(text, false)
}

/// Like [`for_terminal`] but on one line: newlines, tabs and line separators become
/// spaces.
pub fn for_terminal_line(text: &str) -> String {
    sanitize(text, true)
}

/// Characters that must never be written raw (every control, including `\n` and
/// `\t`, and the bidi controls).
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c,
        '\u{202A}'..='\u{202E}'   // embeddings and overrides
        | '\u{2066}'..='\u{2069}' // isolates
        | '\u{200E}' | '\u{200F}' | '\u{061C}' // direction marks
    )
}

/// Zero-width or invisible format characters that are dropped (see the module table).
fn is_dropped_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{180E}'
        | '\u{200B}'
        | '\u{2060}'..='\u{2064}'
        | '\u{206A}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
    )
}

fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0020}'..='\u{E007F}')
}

const BLACK_FLAG: char = '\u{1F3F4}';

/// Plain printable ASCII plus newline and tab needs no change at all.
fn is_plain(text: &str, one_line: bool) -> bool {
    text.bytes()
        .all(|b| (0x20..0x7F).contains(&b) || (!one_line && (b == b'\n' || b == b'\t')))
}

fn sanitize(text: &str, one_line: bool) -> String {
    if is_plain(text, one_line) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut prev = '\0';
    for c in text.chars() {
        match c {
            '\n' | '\t' | '\u{2028}' | '\u{2029}' if one_line => out.push(' '),
            '\n' | '\t' => out.push(c),
            '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\r' => {}
            '\u{1b}' => out.push('␛'),
            c if c.is_control() || is_bidi_control(c) => out.push('\u{FFFD}'),
            c if is_dropped_format(c) => {}
            c if is_tag(c) => {
                if prev == BLACK_FLAG || is_tag(prev) {
                    out.push(c);
                } else {
                    // A dropped tag does not start a run for the next one.
                    continue;
                }
            }
            c => out.push(c),
        }
        prev = c;
    }
    out
}

/// Text on one line: every control character (line breaks included) becomes a
/// space, and runs of whitespace become one space, trimmed at both ends.
pub fn single_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn single_line_flattens_controls_and_whitespace() {
        assert_eq!(single_line("  a\u{1b}[2J  b\n\tc \r\n"), "a [2J b c");
        assert_eq!(single_line("\n \u{7}"), "");
    }

    /// Characters a terminal could act on, or that change how text reads.
    fn forbidden(c: char, one_line: bool) -> bool {
        let control = c.is_control() && !(c == '\n' || c == '\t');
        control
            || is_bidi_control(c)
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
            || (one_line && (c == '\n' || c == '\t'))
    }

    fn assert_clean(out: &str, one_line: bool) {
        for c in out.chars() {
            assert!(!forbidden(c, one_line), "{c:?} survived in {out:?}");
        }
        // The same at the byte level: no ESC, no C0 but \n and \t, no DEL, and no C1
        // (as UTF-8, U+0080–U+009F are C2 80–C2 9F).
        let bytes = out.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let allowed_c0 = !one_line && (b == b'\n' || b == b'\t');
            assert!(b >= 0x20 || allowed_c0, "byte {b:#04x} in {out:?}");
            assert_ne!(b, 0x7F, "DEL in {out:?}");
            if b == 0xC2 {
                let next = bytes.get(i + 1).copied().unwrap_or(0);
                assert!(!(0x80..=0x9F).contains(&next), "C1 in {out:?}");
            }
        }
    }

    /// Text biased towards the dangerous parts: escape introducers, C1, bidi, format
    /// characters, line separators, tags and emoji, mixed with ordinary text.
    fn nasty_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\u{1b}[2J".to_string()),
            Just("\u{1b}[10;5H".to_string()),
            Just("\u{1b}]52;c;ZXZpbA==\u{7}".to_string()),
            Just("\u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\".to_string()),
            Just("\u{1b}]0;title\u{7}".to_string()),
            Just("\u{1b}]2;title\u{1b}\\".to_string()),
            Just("\u{1b}P+q544e\u{1b}\\".to_string()),
            Just("\u{9b}31m".to_string()),
            Just("\u{9d}0;t\u{9c}".to_string()),
            Just("\u{202E}drowssap\u{202C}".to_string()),
            Just("\u{2067}x\u{2069}".to_string()),
            Just("a\r\nb\u{8}\u{7f}".to_string()),
            Just("\u{2028}\u{2029}\u{FEFF}\u{200B}".to_string()),
            Just("👩\u{200D}💻".to_string()),
            Just("\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}".to_string()),
            Just("\u{E0068}\u{E0069}".to_string()),
            "[ -~]{0,12}",
            "\\PC{0,6}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn no_output_byte_starts_a_sequence(text in nasty_text()) {
            assert_clean(&for_terminal(&text), false);
            assert_clean(&for_terminal_line(&text), true);
        }

        #[test]
        fn any_string_at_all_comes_out_clean(text in any::<String>()) {
            assert_clean(&for_terminal(&text), false);
            assert_clean(&for_terminal_line(&text), true);
        }

        #[test]
        fn sanitising_twice_changes_nothing(text in nasty_text()) {
            let once = for_terminal(&text);
            prop_assert_eq!(for_terminal(&once), once.clone());
            let line = for_terminal_line(&text);
            prop_assert_eq!(for_terminal_line(&line), line.clone());
        }

        #[test]
        fn safe_text_passes_unchanged(text in "[\\p{L}\\p{N}\\p{P}\\p{Zs}\\n\\t]{0,40}") {
            // Letters, digits, punctuation, spaces, newlines and tabs are never touched
            // (U+2028/2029 are Zl/Zp, not Zs, so they are not generated).
            prop_assert_eq!(for_terminal(&text), text);
        }
    }

    #[test]
    fn escape_sequences_lose_their_introducer() {
        assert_eq!(for_terminal("a\u{1b}[2Jb"), "a␛[2Jb");
        assert_eq!(
            for_terminal("\u{1b}]52;c;aGk=\u{7}"),
            "␛]52;c;aGk=\u{FFFD}",
            "OSC 52 clipboard write"
        );
        assert_eq!(
            for_terminal("\u{1b}]8;;http://x\u{1b}\\t\u{1b}]8;;\u{1b}\\"),
            "␛]8;;http://x␛\\t␛]8;;␛\\",
            "OSC 8 link"
        );
        assert_eq!(for_terminal("\u{1b}]0;pwned\u{7}"), "␛]0;pwned\u{FFFD}");
        assert_eq!(for_terminal("\u{1b}P1$r\u{1b}\\"), "␛P1$r␛\\", "DCS");
        assert_eq!(for_terminal("\u{9b}31m"), "\u{FFFD}31m", "C1 CSI");
    }

    #[test]
    fn newlines_survive_but_not_carriage_returns() {
        assert_eq!(for_terminal("one\r\ntwo\tx"), "one\ntwo\tx");
        assert_eq!(for_terminal("50%\rdone"), "50%done");
        assert_eq!(for_terminal_line("one\ntwo\tthree"), "one two three");
    }

    #[test]
    fn bidi_controls_are_replaced_visibly() {
        assert_eq!(for_terminal("a\u{202E}b"), "a\u{FFFD}b");
        assert_eq!(for_terminal("\u{2066}x\u{2069}"), "\u{FFFD}x\u{FFFD}");
        assert_eq!(for_terminal("\u{200F}"), "\u{FFFD}");
    }

    #[test]
    fn line_separators_break_lines_and_invisible_format_characters_go() {
        assert_eq!(for_terminal("a\u{2028}b\u{2029}c"), "a\nb\nc");
        assert_eq!(for_terminal_line("a\u{2028}b"), "a b");
        assert_eq!(for_terminal("\u{FEFF}hi\u{200B}there\u{00AD}"), "hithere");
    }

    #[test]
    fn emoji_sequences_are_kept_whole() {
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(for_terminal(family), family);
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        assert_eq!(for_terminal(scotland), scotland);
        let keycap = "1\u{FE0F}\u{20E3}";
        assert_eq!(for_terminal(keycap), keycap);
    }

    #[test]
    fn stray_tag_characters_hidden_text_is_dropped() {
        // "hi" in tag characters, invisible on screen: the known prompt-smuggling trick.
        assert_eq!(for_terminal("ok\u{E0068}\u{E0069}!"), "ok!");
    }

    #[test]
    fn plain_text_takes_the_fast_path_unchanged() {
        let text = "Tell me about a time you disagreed with a colleague.\n\tThen what?";
        assert!(is_plain(text, false));
        assert!(!is_plain(text, true));
        assert_eq!(for_terminal(text), text);
    }
}
