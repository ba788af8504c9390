//! Colours of the terminal interface: the defaults, the `[theme]` table of
//! `config.toml`, and `NO_COLOR`.

use ratatui::style::{Color, Style};

/// The colours the interface draws with. The TUI reads `settings.theme`; widgets
/// should style through [`Theme::fg`] so that `color = false` and `NO_COLOR` turn
/// every colour off in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Colours at all. False with `NO_COLOR` set or `color = false` in the file; the
    /// interface then relies on bold/reversed/dim only.
    pub color: bool,
    /// Titles, the selected conversation, focused borders, the spinner.
    pub accent: Color,
    /// The candidate's (user's) messages.
    pub user: Color,
    /// The interviewer's (assistant's) messages.
    pub assistant: Color,
    /// Secondary text: timestamps, hints, key help.
    pub muted: Color,
    /// Errors and warnings in the status line.
    pub error: Color,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            color: true,
            accent: Color::Cyan,
            user: Color::LightBlue,
            // The terminal's own foreground: the text a user reads most stays in the
            // colour they chose for their terminal.
            assistant: Color::Reset,
            muted: Color::DarkGray,
            error: Color::LightRed,
        }
    }
}

impl Theme {
    /// A style with `color` as foreground, or the plain style when colours are off.
    pub fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// The same theme with every colour switched off.
    pub fn without_color(self) -> Theme {
        Theme {
            color: false,
            ..self
        }
    }
}

/// `s` as a colour: a name (`cyan`, `light-blue`, `dark-gray`, `reset`), an ANSI index
/// (`0`–`255`) or `#rrggbb`.
pub fn parse_color(s: &str) -> Option<Color> {
    s.trim().parse::<Color>().ok()
}

/// How a colour is written in `config.toml` (the inverse of [`parse_color`]).
pub fn color_name(color: Color) -> String {
    match color {
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => i.to_string(),
        // Named colours print as `LightBlue`; the file's style is `light-blue`.
        named => {
            let mut out = String::new();
            for (i, c) in named.to_string().chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    out.push('-');
                }
                out.push(c.to_ascii_lowercase());
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_from_names_indexes_and_hex() {
        assert_eq!(parse_color("cyan"), Some(Color::Cyan));
        assert_eq!(parse_color("light-blue"), Some(Color::LightBlue));
        assert_eq!(parse_color("#1a2B3c"), Some(Color::Rgb(0x1a, 0x2b, 0x3c)));
        assert_eq!(parse_color("208"), Some(Color::Indexed(208)));
        assert_eq!(parse_color("blurple"), None);
        assert_eq!(parse_color("#12345"), None);
    }

    #[test]
    fn colour_names_round_trip() {
        for color in [
            Color::Cyan,
            Color::LightBlue,
            Color::DarkGray,
            Color::Reset,
            Color::Rgb(1, 2, 255),
            Color::Indexed(17),
        ] {
            assert_eq!(parse_color(&color_name(color)), Some(color), "{color:?}");
        }
    }

    #[test]
    fn no_colour_means_plain_styles() {
        let theme = Theme::default();
        assert_eq!(theme.fg(Color::Red), Style::new().fg(Color::Red));
        assert_eq!(theme.without_color().fg(Color::Red), Style::new());
    }
}
