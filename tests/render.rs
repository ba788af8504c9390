//! Rendering tests of the TUI's pure pieces: property tests of wrapping and markdown,
//! and `insta` snapshots of each widget drawn into ratatui's `TestBackend`.

use interviewer::tui::render::wrap::{BreakMode, WrapOptions, display_width, wrap_spans};
use interviewer::tui::render::{Theme, markdown_lines, markdown_lines_partial};
use proptest::prelude::*;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

fn line_text(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// Width of a drawn line measured the way ratatui's buffer places it: per grapheme.
fn drawn_width(line: &Line<'_>) -> usize {
    line.spans
        .iter()
        .flat_map(|s| s.content.graphemes(true).collect::<Vec<_>>())
        .map(UnicodeWidthStr::width)
        .sum()
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Text mixing ASCII words, CJK, emoji (with ZWJ and skin tones), combining marks,
/// tabs and long unbroken runs.
fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z]{1,12}",
        Just(" ".to_string()),
        Just("  ".to_string()),
        Just("\t".to_string()),
        Just("日本語".to_string()),
        Just("한국어".to_string()),
        Just("👨\u{200d}👩\u{200d}👧".to_string()),
        Just("👍🏽".to_string()),
        Just("e\u{301}".to_string()),
        Just("\u{301}".to_string()),
        Just("https://example.com/a/very/long/path?with=query".to_string()),
        "[a-zA-Z0-9/._-]{20,60}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn wrapping_never_exceeds_the_width_and_loses_no_text(
        text in messy_text(),
        width in 0u16..40,
        split in 0usize..40,
        anywhere in any::<bool>(),
    ) {
        // The sanitiser runs before wrapping everywhere; newlines split logical lines.
        let text = interviewer::sanitize::for_terminal_line(&text);
        let cut = text.char_indices().nth(split).map_or(text.len(), |(i, _)| i);
        let spans = [Span::raw(text[..cut].to_string()), Span::styled(text[cut..].to_string(), Style::new().bold())];
        let mode = if anywhere { BreakMode::Anywhere } else { BreakMode::Words };
        let opts = WrapOptions::new(width).mode(mode);
        let lines = wrap_spans(&spans, &opts);
        if width == 0 {
            prop_assert!(lines.is_empty());
            return Ok(());
        }
        for l in &lines {
            prop_assert!(drawn_width(l) <= usize::from(width), "{:?} wider than {}", line_text(l), width);
            prop_assert!(l.width() <= usize::from(width));
        }
        if width >= 2 {
            let out: String = lines.iter().map(line_text).collect();
            prop_assert_eq!(no_space(&out), no_space(&text));
        }
    }

    #[test]
    fn hanging_prefixes_never_push_lines_past_the_width(
        text in messy_text(),
        width in 1u16..30,
    ) {
        let text = interviewer::sanitize::for_terminal_line(&text);
        let opts = WrapOptions::new(width).prefixes(
            vec![Span::raw("│ "), Span::raw("12. ")],
            vec![Span::raw("│ "), Span::raw("    ")],
        );
        for l in wrap_spans(&[Span::raw(text)], &opts) {
            prop_assert!(drawn_width(&l) <= usize::from(width));
        }
    }
}

/// Markdown-ish input: structure characters mixed with messy text, cut anywhere (as a
/// stream would cut it).
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        messy_text(),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("**".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("`".to_string()),
        Just("\n```\n".to_string()),
        Just("\n```rust\n".to_string()),
        Just("\n- ".to_string()),
        Just("\n  - ".to_string()),
        Just("\n1. ".to_string()),
        Just("\n> ".to_string()),
        Just("\n> > ".to_string()),
        Just("\n---\n".to_string()),
        Just("[link](https://example.com/x)".to_string()),
        Just("![img](a.png)".to_string()),
        Just("\n| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
        Just("- [ ] ".to_string()),
        Just("<b>html</b>".to_string()),
        Just("\u{1b}[31m".to_string()),
    ];
    proptest::collection::vec(piece, 0..25).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn markdown_never_exceeds_the_width(text in markdownish(), width in 0u16..50) {
        let theme = Theme::default();
        for lines in [
            markdown_lines(&text, width, &theme),
            markdown_lines_partial(&text, width, &theme),
        ] {
            for l in &lines {
                prop_assert!(drawn_width(l) <= usize::from(width), "{:?} wider than {}", line_text(l), width);
                for s in &l.spans {
                    prop_assert!(!s.content.contains(['\u{1b}', '\n']), "{:?}", s.content);
                }
            }
        }
    }
}

#[test]
fn display_width_counts_clusters() {
    assert_eq!(display_width("日本"), 4);
    assert_eq!(display_width("e\u{301}"), 1);
    assert_eq!(display_width("ok".bold().content.as_ref()), 2);
}
