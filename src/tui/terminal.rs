//! The real terminal: entering and leaving full-screen mode (alternate screen, raw
//! mode, bracketed paste, mouse), always restoring it (also on panic), the OSC 52
//! clipboard, and handing the terminal to `$EDITOR` for a while.

use std::io::{self, Write};
use std::path::Path;

use base64::Engine;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::{DefaultTerminal, Terminal};

/// The terminal in full-screen mode. Restores it when dropped, on every path out
/// of the interface (quit, error); a panic restores it through [`crate::crash`].
pub struct Screen {
    pub terminal: DefaultTerminal,
    _on_panic: crate::crash::RestoreGuard,
}

impl Screen {
    /// Takes over the terminal.
    pub fn enter() -> io::Result<Screen> {
        let on_panic = crate::crash::on_panic_restore(leave);
        let terminal = enter()?;
        Ok(Screen {
            terminal,
            _on_panic: on_panic,
        })
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        leave();
    }
}

/// Raw mode, the alternate screen, bracketed paste and mouse reporting.
fn enter() -> io::Result<DefaultTerminal> {
    crossterm::terminal::enable_raw_mode()?;
    let set_up = execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )
    .and_then(|()| Terminal::new(CrosstermBackend::new(io::stdout())));
    if set_up.is_err() {
        leave();
    }
    set_up
}

/// Gives the terminal back as it was. Safe to call more than once, and from the
/// panic hook (it neither panics nor blocks).
pub fn leave() {
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
}

/// Ctrl+Z or SIGTSTP: gives the terminal back as it was, stops the process (the
/// shell shows the job as stopped), and once continued (`fg`) sets the terminal up
/// again and clears it, so the next frame is drawn whole.
pub fn suspend(terminal: &mut DefaultTerminal) -> io::Result<()> {
    leave();
    let stopped = crate::signals::stop_self();
    *terminal = enter()?;
    terminal.clear()?;
    stopped
}

/// Copies `text` to the clipboard of the terminal (works over SSH when the terminal
/// allows OSC 52), sanitised first: a reply carrying `\e[201~` (the end of a
/// bracketed paste) and `\r` would otherwise run commands when pasted into a
/// shell. What is copied keeps newlines and tabs and no other control character
/// (`sanitize::for_terminal`). Returns how many characters were copied.
pub fn copy_osc52(text: &str) -> io::Result<usize> {
    let text = crate::sanitize::for_terminal(text);
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let mut out = io::stdout().lock();
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()?;
    Ok(text.chars().count())
}

/// Why the editor could not give the draft back.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("cannot write the draft for the editor to {path}: {source}")]
    Write { path: String, source: io::Error },
    #[error("cannot start the editor {editor:?}: {source}; set $EDITOR to an installed editor")]
    Start { editor: String, source: io::Error },
    #[error("the editor {editor:?} exited with {status}; the draft is unchanged")]
    Failed { editor: String, status: String },
    #[error("cannot read the draft back from {path}: {source}")]
    Read { path: String, source: io::Error },
}

/// The editor command: `$VISUAL`, then `$EDITOR`, then `vi`.
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Leaves full-screen mode, edits `text` in the editor through a private file in
/// `dir`, and comes back. The file is removed afterwards.
pub fn edit_in_editor(
    terminal: &mut DefaultTerminal,
    dir: &Path,
    text: &str,
) -> Result<String, EditorError> {
    // A new private file for each edit: two interfaces editing at once never share
    // one, and nothing planted at a known name (a symlink) is followed.
    let written = crate::fsutil::create_private_temp(dir, "draft-edit-", ".md")
        .and_then(|(mut file, path)| file.write_all(text.as_bytes()).map(|()| path));
    let path = written.map_err(|source| EditorError::Write {
        path: dir.join("draft-edit-*.md").display().to_string(),
        source,
    })?;
    let shown = path.display().to_string();
    let editor = editor_command();
    leave();
    // `$EDITOR` may carry arguments ("code --wait").
    let mut words = editor.split_whitespace();
    let status = match words.next() {
        Some(program) => std::process::Command::new(program)
            .args(words)
            .arg(&path)
            .status(),
        None => Err(io::Error::new(io::ErrorKind::NotFound, "empty command")),
    };
    let back = enter().map(|t| *terminal = t);
    let result = match status {
        Err(source) => Err(EditorError::Start {
            editor: editor.clone(),
            source,
        }),
        Ok(s) if !s.success() => Err(EditorError::Failed {
            editor: editor.clone(),
            status: s.to_string(),
        }),
        Ok(_) => std::fs::read_to_string(&path).map_err(|source| EditorError::Read {
            path: shown.clone(),
            source,
        }),
    };
    let _ = std::fs::remove_file(&path);
    if let Err(e) = back {
        tracing::error!(error = %e, "cannot take the terminal back after the editor");
    }
    let _ = terminal.clear();
    result
}
