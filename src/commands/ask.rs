//! `ask`: send one message from the command line and stream the reply to stdout as
//! it arrives, storing both like the TUI does.
//!
//! The reply is printed sanitised (`sanitize::for_terminal`: no escape sequence or
//! control character but newline and tab), whether stdout is a terminal or a pipe:
//! `ask hi | tee log` still reaches a terminal. `--raw` prints the exact text.
//!
//! Exit codes: 0 when the reply is complete; 1 when it failed or was cut off (the
//! partial text stays printed and stored, one line on stderr says why); 130 after
//! Ctrl+C (the partial reply is stored as interrupted); 2 for usage errors, such as
//! setup options given with `--conversation` (a conversation's setup is fixed when
//! it starts, so they would be silently ignored otherwise).

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::CommandFactory;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

use crate::agent::{Backend, StreamEnd};
use crate::cli::{AskArgs, Cli, SetupArgs};
use crate::config::Settings;
use crate::domain::InterviewSetup;
use crate::service::backend::{self, Keys};
use crate::service::{MAX_MESSAGE_BYTES, SendEvent, SendRequest, Service, validate_message};

pub fn run(settings: Settings, args: AskArgs) -> Result<ExitCode> {
    if args.conversation.is_some() && setup_given(&args.setup) {
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "the setup options (--persona, --role, --seniority, --type, --questions, --jd, --cv) \
                 only apply when starting a new conversation; drop them or drop --conversation",
            )
            .exit();
    }
    let text = if args.message == "-" {
        read_stdin()?
    } else {
        args.message
    };
    validate_message(&text)?;
    let mut setup = read_setup(&args.setup)?;
    if args.conversation.is_none() {
        // `[interview]` in the config file completes a new interview's setup.
        setup = settings
            .interview
            .complete(setup, args.setup.interview_type.is_some());
    }
    let backend = backend::backend(&settings, &Keys::for_settings(&settings))?;
    // `--model` starts a new conversation with that model, or switches an existing
    // one to it; otherwise a conversation keeps the model it has.
    let model = settings.model_given().then(|| settings.model.clone());
    let service = super::open(settings)?;
    let request = SendRequest {
        conversation_id: args.conversation,
        text,
        persona: args.setup.persona.clone(),
        setup,
        model,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // On a task of its own, not as the future `block_on` drives: the HTTP
    // connection's task then hands each piece of the reply to it directly, instead
    // of waking the runtime's thread through the I/O driver every time.
    let raw = args.raw;
    runtime.block_on(async move {
        match tokio::spawn(async move { send(&service, &backend, request, raw).await }).await {
            Ok(result) => result,
            // A panic goes on as if the send had run here (the crash report).
            Err(e) => match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(e) => Err(anyhow::anyhow!("the request stopped unexpectedly ({e})")),
            },
        }
    })
}

/// Sends and prints, turning Ctrl+C into a cancel so the partial reply is stored.
async fn send(
    service: &Service,
    backend: &Backend,
    request: SendRequest,
    raw: bool,
) -> Result<ExitCode> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let mut printer = Printer::new(raw);
    let sending = service.send_message(backend, request, &tx, cancel.clone());
    tokio::pin!(sending);
    // Ctrl+C (INT), QUIT, TERM and HUP: stop the reply, keep what arrived.
    let mut signals = crate::signals::QuitSignals::new();
    let mut interrupted: Option<i32> = None;
    let result = loop {
        tokio::select! {
            result = &mut sending => break result,
            Some(event) = rx.recv() => {
                // Show everything already received with one write: a fast stream
                // must not cost one system call (and one wake-up of the reader of
                // our stdout) per token.
                printer.show(event);
                drain(&mut rx, &mut printer);
                printer.flush();
            }
            signal = signals.recv(), if interrupted.is_none() => {
                interrupted = Some(signal);
                cancel.cancel();
            }
        }
    };
    drain(&mut rx, &mut printer);
    printer.end_line();
    printer.flush();
    let outcome = result?;
    let id = outcome.conversation_id;
    match (outcome.end, interrupted) {
        (StreamEnd::Complete, _) => Ok(ExitCode::SUCCESS),
        (_, Some(signal)) => {
            eprintln!("interrupted: what arrived of the reply is saved in conversation {id}");
            Ok(ExitCode::from(crate::signals::exit_code(signal)))
        }
        (StreamEnd::Interrupted(why), None) => {
            bail!("{why} (the partial reply is saved in conversation {id})")
        }
        (StreamEnd::Failed(err), None) => {
            bail!("{err} (your message is saved in conversation {id})")
        }
    }
}

fn drain(rx: &mut UnboundedReceiver<SendEvent>, printer: &mut Printer) {
    while let Ok(event) = rx.try_recv() {
        printer.show(event);
    }
}

/// Writes the reply to stdout as it streams, sanitised unless `--raw`. Text is
/// gathered by [`Printer::show`] and written by [`Printer::flush`].
struct Printer {
    raw: bool,
    /// Shown but not yet written.
    pending: String,
    /// Stdout went away (`| head`): keep storing the reply, stop writing it.
    closed: bool,
    wrote_any: bool,
    ends_with_newline: bool,
}

impl Printer {
    fn new(raw: bool) -> Printer {
        Printer {
            raw,
            pending: String::new(),
            closed: false,
            wrote_any: false,
            ends_with_newline: false,
        }
    }

    fn show(&mut self, event: SendEvent) {
        match event {
            SendEvent::UserStored {
                conversation_id,
                created: true,
                ..
            } => eprintln!("conversation {conversation_id}"),
            SendEvent::Delta(text) => {
                // Sanitising piece by piece is exact: it keeps no state across a
                // split but the previous character, which only matters for tag
                // characters after a flag (at worst one such tag is dropped).
                let text = if self.raw {
                    text
                } else {
                    crate::sanitize::for_terminal(&text)
                };
                if text.is_empty() {
                    return;
                }
                self.pending.push_str(&text);
                self.wrote_any = true;
                self.ends_with_newline = text.ends_with('\n');
            }
            _ => {}
        }
    }

    /// Writes what was shown since the last flush, in one go.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        if !self.closed {
            let mut out = std::io::stdout().lock();
            if out
                .write_all(self.pending.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                self.closed = true;
            }
        }
        self.pending.clear();
    }

    /// Ends the reply's last line so the shell prompt (or an error) starts afresh.
    fn end_line(&mut self) {
        if self.wrote_any && !self.ends_with_newline {
            self.pending.push('\n');
        }
    }
}

/// Reads the message from stdin: at most the message limit, valid UTF-8, without
/// the trailing newline a shell pipeline adds.
fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_MESSAGE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .context("cannot read the message from stdin")?;
    if bytes.len() > MAX_MESSAGE_BYTES {
        bail!("the message on stdin is too long (over {MAX_MESSAGE_BYTES} bytes): shorten it");
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "the message on stdin is not valid UTF-8 (bad byte at offset {}): send plain text",
            e.utf8_error().valid_up_to()
        )
    })?;
    let trimmed = text.trim_end_matches(['\n', '\r']);
    if trimmed.trim().is_empty() {
        bail!(
            "the message on stdin is empty: pipe some text in, or pass the message as an argument"
        );
    }
    Ok(trimmed.to_string())
}

fn setup_given(s: &SetupArgs) -> bool {
    s.persona.is_some()
        || s.role.is_some()
        || s.seniority.is_some()
        || s.interview_type.is_some()
        || s.questions.is_some()
        || s.jd.is_some()
        || s.cv.is_some()
        || s.retry_weak
}

/// The interview setup from the flags (`None` when none but `--persona` is given),
/// with the job description and CV read from their files.
fn read_setup(s: &SetupArgs) -> Result<Option<InterviewSetup>> {
    let persona_only = s.role.is_none()
        && s.seniority.is_none()
        && s.interview_type.is_none()
        && s.questions.is_none()
        && s.jd.is_none()
        && s.cv.is_none()
        && !s.retry_weak;
    if persona_only {
        return Ok(None);
    }
    let non_empty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    Ok(Some(InterviewSetup {
        role: non_empty(&s.role),
        seniority: non_empty(&s.seniority),
        interview_type: s.interview_type.map(Into::into).unwrap_or_default(),
        questions: s.questions,
        job_description: s
            .jd
            .as_deref()
            .map(|p| read_text_file(p, "job description"))
            .transpose()?,
        cv: s
            .cv
            .as_deref()
            .map(|p| read_text_file(p, "CV"))
            .transpose()?,
        retry_weak: s.retry_weak,
    }))
}

fn read_text_file(path: &Path, what: &str) -> Result<String> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the {what} file {}", path.display()))?;
    if bytes.len() > MAX_MESSAGE_BYTES {
        bail!(
            "the {what} file {} is too long ({} bytes; the limit is {MAX_MESSAGE_BYTES}): shorten it",
            path.display(),
            bytes.len()
        );
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("the {what} file {} is not UTF-8 text", path.display()))?;
    if text.trim().is_empty() {
        bail!("the {what} file {} is empty", path.display());
    }
    Ok(text)
}
