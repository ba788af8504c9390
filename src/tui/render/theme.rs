//! The styles the renderers and widgets draw with, derived from the user's colour
//! settings (`config::Theme`) in one place so that `NO_COLOR` turns every colour off.

use ratatui::style::{Color, Modifier, Style};

use crate::config;

/// Every style used by `render` and `widgets`. Plain data: the TUI builds it once from
/// the settings ([`Theme::from_config`]) and passes it by reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Body text.
    pub text: Style,
    /// Secondary text: time stamps, hints, URLs after link text, help descriptions.
    pub muted: Style,
    /// Titles, focus, the selected row.
    pub accent: Style,
    pub error: Style,
    /// Something that worked (a saved key, a high score).
    pub ok: Style,
    /// Something to watch (a middling score, an interrupted reply).
    pub warn: Style,

    pub heading1: Style,
    pub heading: Style,
    pub emphasis: Style,
    pub strong: Style,
    pub strikethrough: Style,
    pub code_inline: Style,
    /// Fenced code: applied to the whole padded block, so a background reads as a box.
    pub code_block: Style,
    /// The `↪` that starts a wrapped code line.
    pub code_wrap_mark: Style,
    pub quote: Style,
    pub quote_bar: Style,
    pub link: Style,
    pub list_marker: Style,
    pub rule: Style,

    /// Message headers: who spoke.
    pub user: Style,
    pub assistant: Style,
    pub system: Style,

    pub border: Style,
    pub border_focused: Style,
    /// The field or row that has focus (reversed when colours are off).
    pub selected: Style,
    pub bar_filled: Style,
    pub bar_empty: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::from_config(&config::Theme::default())
    }
}

impl Theme {
    /// Styles from the user's colours. With colours off, emphasis comes from bold,
    /// italic, underline, dim and reverse alone.
    pub fn from_config(c: &config::Theme) -> Theme {
        let fg = |color: Color| c.fg(color);
        let bg = |color: Color| {
            if c.color {
                Style::new().bg(color)
            } else {
                Style::new()
            }
        };
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let muted = fg(c.muted).patch(if c.color {
            Style::new()
        } else {
            Style::new().add_modifier(Modifier::DIM)
        });
        Theme {
            text: Style::new(),
            muted,
            accent: fg(c.accent),
            error: fg(c.error).add_modifier(Modifier::BOLD),
            ok: fg(Color::Green),
            warn: fg(Color::Yellow),
            heading1: fg(c.accent).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            heading: fg(c.accent).add_modifier(Modifier::BOLD),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: bold,
            strikethrough: Style::new().add_modifier(Modifier::CROSSED_OUT),
            // Code on the code block's background, so it reads as code without the
            // backticks.
            code_inline: bg(Color::Indexed(236)).patch(fg(Color::Indexed(229))),
            // A light foreground with the dark background, so code stays readable on
            // light terminal themes too.
            code_block: bg(Color::Indexed(236)).patch(fg(Color::Indexed(252))),
            code_wrap_mark: muted,
            quote: Style::new().add_modifier(Modifier::ITALIC),
            quote_bar: muted,
            link: fg(c.accent).add_modifier(Modifier::UNDERLINED),
            list_marker: fg(c.accent),
            rule: muted,
            user: fg(c.user).add_modifier(Modifier::BOLD),
            assistant: fg(c.accent).add_modifier(Modifier::BOLD),
            system: muted,
            border: muted,
            border_focused: fg(c.accent),
            selected: if c.color {
                Style::new().fg(Color::Black).bg(c.accent)
            } else {
                Style::new().add_modifier(Modifier::REVERSED)
            },
            bar_filled: fg(c.accent),
            bar_empty: muted,
        }
    }

    /// Every colour off (`NO_COLOR`).
    pub fn no_color() -> Theme {
        Theme::from_config(&config::Theme::default().without_color())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_has_no_colours_anywhere() {
        let t = Theme::no_color();
        let all = [
            t.text,
            t.muted,
            t.accent,
            t.error,
            t.ok,
            t.warn,
            t.heading1,
            t.heading,
            t.code_inline,
            t.code_block,
            t.quote_bar,
            t.link,
            t.user,
            t.assistant,
            t.selected,
            t.bar_filled,
            t.bar_empty,
            t.border_focused,
        ];
        for s in all {
            assert_eq!(s.fg, None, "{s:?}");
            assert_eq!(s.bg, None, "{s:?}");
        }
        // Focus must stay visible without colour.
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
    }
}
