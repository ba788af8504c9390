//! The signals that end or pause the program, as futures the event loops select
//! on: INT, QUIT, TERM and HUP are a clean quit (the caller stops the reply in
//! flight, stores what arrived as `interrupted`, restores the terminal and exits
//! with 128 + the signal's number, as a shell reports a death by that signal);
//! TSTP pauses the terminal interface the way vim and htop do ([`stop_self`]).
//!
//! Unix only; elsewhere the futures never complete and Ctrl+C keeps its default.

/// Exit status after a quit by `signal`: 128 + its number (130 for INT).
pub fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(255)
}

/// INT, QUIT, TERM and HUP, once installed: from then on they no longer kill the
/// process, they are reported by [`QuitSignals::recv`].
pub struct QuitSignals {
    #[cfg(unix)]
    streams: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl QuitSignals {
    /// Installs the handlers (on a Tokio runtime). A signal whose handler cannot be
    /// installed keeps its default action.
    pub fn new() -> QuitSignals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds = [
                (2, SignalKind::interrupt()),
                (3, SignalKind::quit()),
                (15, SignalKind::terminate()),
                (1, SignalKind::hangup()),
            ];
            let streams = kinds
                .into_iter()
                .filter_map(|(number, kind)| match signal(kind) {
                    Ok(stream) => Some((number, stream)),
                    Err(e) => {
                        tracing::warn!(signal = number, error = %e, "cannot handle a signal");
                        None
                    }
                })
                .collect();
            QuitSignals { streams }
        }
        #[cfg(not(unix))]
        QuitSignals {}
    }

    /// The number of the next quit signal (waits forever when none can arrive).
    pub async fn recv(&mut self) -> i32 {
        #[cfg(unix)]
        if !self.streams.is_empty() {
            let waits = self.streams.iter_mut().map(|(number, stream)| {
                let number = *number;
                Box::pin(async move {
                    stream.recv().await;
                    number
                })
            });
            let (number, _, _) = futures::future::select_all(waits).await;
            return number;
        }
        std::future::pending::<i32>().await
    }
}

impl Default for QuitSignals {
    fn default() -> Self {
        QuitSignals::new()
    }
}

/// SIGTSTP (`kill -TSTP`, or Ctrl+Z where the terminal turns it into a signal),
/// reported instead of stopping the process, so the interface can give the
/// terminal back first.
pub struct StopSignal {
    #[cfg(unix)]
    stream: Option<tokio::signal::unix::Signal>,
}

impl StopSignal {
    pub fn new() -> StopSignal {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            StopSignal {
                stream: signal(SignalKind::from_raw(
                    nix::sys::signal::Signal::SIGTSTP as i32,
                ))
                .ok(),
            }
        }
        #[cfg(not(unix))]
        StopSignal {}
    }

    /// Waits for the next SIGTSTP (forever when it cannot be handled).
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some(stream) = self.stream.as_mut() {
            stream.recv().await;
            return;
        }
        std::future::pending::<()>().await
    }
}

impl Default for StopSignal {
    fn default() -> Self {
        StopSignal::new()
    }
}

/// Stops this process as SIGTSTP's default action would, and returns once it is
/// continued (`fg`, SIGCONT). SIGSTOP cannot be caught, so this works whatever
/// handlers are installed; the shell sees a stopped job as usual.
pub fn stop_self() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        nix::sys::signal::raise(nix::sys::signal::Signal::SIGSTOP).map_err(std::io::Error::from)
    }
    #[cfg(not(unix))]
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_128_plus_the_signal() {
        assert_eq!(exit_code(2), 130);
        assert_eq!(exit_code(3), 131);
        assert_eq!(exit_code(15), 143);
        assert_eq!(exit_code(1), 129);
    }
}
