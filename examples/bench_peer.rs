//! Benchmark: interviewer's TUI side by side with a peer terminal chat client (aichat),
//! measured the same way in the same run. Each round starts a fresh process with a fresh
//! home in a 120x40 pseudo-terminal, waits for its first frame, sends one message and
//! watches the screen while a long reply streams in from the in-repo mock OpenAI server
//! (as fast as it sends). Prints medians and minima per client, and the bare read of
//! the same stream by `curl` for reference.
//!
//! ```text
//! cargo run --release --example bench_peer -- --bin target/release/interviewer \
//!     [--peer aichat] [--rounds 5] [--words 2000] [--size 120x40]
//! ```
//!
//! Figures, per client:
//! - exec → first frame: the last byte of the first burst of output followed by a
//!   quiet spell (250 ms, not counted), as in `bench_tui`.
//! - send → first word / last word on screen: from writing Enter to the moment the
//!   terminal screen (parsed with `vt100`) shows the reply's first / last word.
//! - CPU during the reply: the client's CPU time (every thread, from
//!   `/proc/PID/task/*/schedstat`, in nanoseconds) from just before Enter until the
//!   screen has been quiet for 250 ms after the last word.
//! - peak memory after the reply: VmHWM.
//!
//! Like a real terminal, this one answers the queries a client may send at start-up
//! (cursor position, device attributes, keyboard flags, colours), so nothing waits
//! for a time-out.

#[path = "../tests/support/mock_openai.rs"]
mod mock;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use mock::{MockOpenAi, Reply};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const SETTLE: Duration = Duration::from_millis(250);
const FIRST_WORD: &str = "Kickoff";
const LAST_WORD: &str = "Finale";
const PROMPT: &str = "Ask me a question, at length.";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Client {
    Interviewer,
    Aichat,
}

impl Client {
    fn name(self) -> &'static str {
        match self {
            Client::Interviewer => "interviewer",
            Client::Aichat => "aichat",
        }
    }
}

#[derive(Default)]
struct Round {
    first_frame: Duration,
    first_word: Duration,
    last_word: Duration,
    cpu: Duration,
    hwm_kb: u64,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let bin = PathBuf::from(flag("--bin").context("--bin PATH (the interviewer binary)")?);
    let peer = flag("--peer").map(PathBuf::from);
    let rounds: usize = flag("--rounds").map_or(Ok(5), |v| v.parse())?;
    let words: usize = flag("--words").map_or(Ok(2000), |v| v.parse())?;
    let size = flag("--size").unwrap_or_else(|| "120x40".into());
    let (cols, rows) = size.split_once('x').context("--size COLSxROWS")?;
    let (cols, rows): (u16, u16) = (cols.parse()?, rows.parse()?);

    let text = reply_text(words);
    let server = MockOpenAi::start();
    server.set_default(Reply::text(text.clone()).chunk_size(4));
    let chunks = text.len().div_ceil(4);
    println!(
        "a {words}-word reply ({} bytes, {chunks} chunks of 4 chars) from a local mock server, {cols}x{rows}, {rounds} rounds, fresh process and home each round",
        text.len()
    );

    let mut clients = vec![(Client::Interviewer, bin)];
    if let Some(p) = peer {
        clients.push((Client::Aichat, p));
    }
    let mut results: Vec<Vec<Round>> = clients.iter().map(|_| Vec::new()).collect();
    let mut curl = Vec::new();
    // One warm-up each (page cache, first-run files), then alternate so drift on a
    // shared machine hits every client alike.
    for (client, path) in &clients {
        run_round(*client, path, &server, cols, rows)?;
    }
    for _ in 0..rounds {
        curl.push(curl_read(&server)?);
        for (i, (client, path)) in clients.iter().enumerate() {
            results[i].push(run_round(*client, path, &server, cols, rows)?);
        }
    }

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let stats = |v: Vec<f64>| {
        let mut v = v;
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0])
    };
    let (curl_med, curl_min) = stats(curl.iter().map(|d| ms(*d)).collect());
    println!("bare read of the stream by curl: median {curl_med:.1} ms, min {curl_min:.1} ms");
    print!("{:<34}", "figure (median / min)");
    for (client, _) in &clients {
        print!(" {:>24}", client.name());
    }
    println!();
    type Figure = (&'static str, fn(&Round) -> f64);
    let figures: [Figure; 5] = [
        ("exec -> first frame (ms)", |r| {
            r.first_frame.as_secs_f64() * 1000.0
        }),
        ("send -> first word (ms)", |r| {
            r.first_word.as_secs_f64() * 1000.0
        }),
        ("send -> last word (ms)", |r| {
            r.last_word.as_secs_f64() * 1000.0
        }),
        ("CPU during the reply (ms)", |r| {
            r.cpu.as_secs_f64() * 1000.0
        }),
        ("peak memory after (MB)", |r| r.hwm_kb as f64 / 1024.0),
    ];
    for (name, get) in figures {
        print!("{name:<34}");
        for rounds in &results {
            let (med, min) = stats(rounds.iter().map(get).collect());
            print!(" {:>24}", format!("{med:.1} / {min:.1}"));
        }
        println!();
    }
    for ((client, _), rounds) in clients.iter().zip(&results) {
        let frames: Vec<String> = rounds
            .iter()
            .map(|r| format!("{:.1}", ms(r.first_frame)))
            .collect();
        println!(
            "  {} first frame by round: {}",
            client.name(),
            frames.join(", ")
        );
    }
    Ok(())
}

/// One fresh process: first frame, one message, the streamed reply.
fn run_round(
    client: Client,
    bin: &Path,
    server: &MockOpenAi,
    cols: u16,
    rows: u16,
) -> Result<Round> {
    let home = tempfile::tempdir()?;
    let mut cmd = CommandBuilder::new(bin);
    for var in [
        "DBUS_SESSION_BUS_ADDRESS",
        "NO_COLOR",
        "INTERVIEWER_MODEL",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", home.path());
    cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
    cmd.env("XDG_DATA_HOME", home.path().join("data"));
    match client {
        Client::Interviewer => {
            cmd.arg("--data-dir");
            cmd.arg(home.path().join("interviewer"));
            cmd.env("OPENAI_API_KEY", "bench-key");
            cmd.env("OPENAI_BASE_URL", server.base_url());
        }
        Client::Aichat => {
            let dir = home.path().join("aichat");
            std::fs::create_dir_all(&dir)?;
            std::fs::write(
                dir.join("config.yaml"),
                format!(
                    "model: local:gpt-4o-mini\nstream: true\nsave: false\nsave_session: false\nhighlight: true\n\
                     clients:\n  - type: openai-compatible\n    name: local\n    api_base: {}\n    api_key: bench-key\n    models:\n      - name: gpt-4o-mini\n",
                    server.base_url()
                ),
            )?;
            cmd.env("AICHAT_CONFIG_DIR", &dir);
        }
    }
    let mut s = Session::start(cmd, cols, rows)?;
    let mut round = Round {
        first_frame: s.first_frame,
        ..Round::default()
    };
    s.type_text(PROMPT)?;
    s.pump_until_quiet(Duration::from_millis(100), Duration::from_secs(5))?;
    let cpu_before = s.cpu()?;
    let sent = Instant::now();
    s.writer.write_all(b"\r")?;
    s.writer.flush()?;
    let deadline = sent + Duration::from_secs(30);
    while round.last_word.is_zero() {
        let left = deadline
            .checked_duration_since(Instant::now())
            .context("the reply did not finish on screen within 30 s")?;
        let (at, bytes) = match s.output.recv_timeout(left) {
            Ok(x) => x,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => bail!("{} exited", client.name()),
        };
        s.feed(&bytes)?;
        let screen = s.screen();
        if round.first_word.is_zero() && screen.contains(FIRST_WORD) {
            round.first_word = at.duration_since(sent);
        }
        if screen.contains(LAST_WORD) {
            round.last_word = at.duration_since(sent);
            if round.first_word.is_zero() {
                round.first_word = round.last_word;
            }
        }
    }
    s.pump_until_quiet(SETTLE, Duration::from_secs(10))?;
    round.cpu = s.cpu()?.saturating_sub(cpu_before);
    round.hwm_kb = s.hwm_kb()?;
    s.kill();
    Ok(round)
}

/// The bare read: `curl` posting the same request and reading the SSE body to the end.
fn curl_read(server: &MockOpenAi) -> Result<Duration> {
    let body = serde_json::json!({
        "model": "gpt-4o-mini",
        "stream": true,
        "messages": [{"role": "user", "content": PROMPT}],
    })
    .to_string();
    let start = Instant::now();
    let out = Command::new("curl")
        .args([
            "-sSN",
            "-o",
            "/dev/null",
            "-H",
            "Content-Type: application/json",
        ])
        .args(["-H", "Authorization: Bearer bench-key", "-d", &body])
        .arg(format!("{}/chat/completions", server.base_url()))
        .output()
        .context("curl")?;
    let took = start.elapsed();
    ensure!(
        out.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(took)
}

/// Interviewer-like prose of `words` words in paragraphs, starting with
/// [`FIRST_WORD`] and ending with [`LAST_WORD`] (each appears once).
fn reply_text(words: usize) -> String {
    const WORDS: &[&str] = &[
        "Tell",
        "me",
        "about",
        "a",
        "time",
        "you",
        "had",
        "to",
        "debug",
        "a",
        "production",
        "incident",
        "under",
        "pressure.",
        "What",
        "was",
        "your",
        "role,",
        "and",
        "how",
        "did",
        "you",
        "decide",
        "which",
        "trade-offs",
        "to",
        "make",
        "with",
        "the",
        "team?",
    ];
    let mut s = String::from(FIRST_WORD);
    for i in 1..words.saturating_sub(1) {
        s.push_str(if i % 60 == 0 { "\n\n" } else { " " });
        s.push_str(WORDS[i % WORDS.len()]);
    }
    s.push(' ');
    s.push_str(LAST_WORD);
    s.push('.');
    s
}

/// A client in a pseudo-terminal, with its output parsed like a terminal would.
struct Session {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    output: Receiver<(Instant, Vec<u8>)>,
    parser: vt100::Parser,
    pid: u32,
    first_frame: Duration,
}

impl Session {
    fn start(cmd: CommandBuilder, cols: u16, rows: u16) -> Result<Session> {
        let pty = native_pty_system().openpty(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })?;
        let mut reader = pty.master.try_clone_reader()?;
        let writer = pty.master.take_writer()?;
        let (tx, output) = std::sync::mpsc::channel();
        let started = Instant::now();
        let child = pty.slave.spawn_command(cmd)?;
        drop(pty.slave);
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        let pid = child.process_id().context("no pid")?;
        let mut s = Session {
            child,
            _master: pty.master,
            writer,
            output,
            parser: vt100::Parser::new(
                NonZeroU16::new(rows).context("rows")?,
                NonZeroU16::new(cols).context("cols")?,
                0,
            ),
            pid,
            first_frame: Duration::ZERO,
        };
        let last = s.pump_until_quiet(SETTLE, Duration::from_secs(10))?;
        s.first_frame = last.duration_since(started);
        ensure!(!s.screen().trim().is_empty(), "nothing drawn within 10 s");
        Ok(s)
    }

    /// Reads output until none arrives for `quiet`; returns when the last byte came.
    fn pump_until_quiet(&mut self, quiet: Duration, limit: Duration) -> Result<Instant> {
        let deadline = Instant::now() + limit;
        let mut last = Instant::now();
        let mut seen = false;
        loop {
            if Instant::now() > deadline {
                bail!("still drawing after {} s", limit.as_secs());
            }
            match self.output.recv_timeout(quiet) {
                Ok((at, bytes)) => {
                    self.feed(&bytes)?;
                    last = at;
                    seen = true;
                }
                Err(RecvTimeoutError::Timeout) if seen => return Ok(last),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => bail!("the client exited"),
            }
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<()> {
        self.parser.process(bytes);
        // Answer what a real terminal answers, so no query waits for a time-out.
        for (query, answer) in [
            (&b"\x1b[6n"[..], &b"\x1b[1;1R"[..]),
            (b"\x1b[?u", b"\x1b[?0u"),
            (b"\x1b[c", b"\x1b[?62;22c"),
            (b"\x1b[0c", b"\x1b[?62;22c"),
            (b"\x1b]10;?", b"\x1b]10;rgb:cccc/cccc/cccc\x1b\\"),
            (b"\x1b]11;?", b"\x1b]11;rgb:0000/0000/0000\x1b\\"),
        ] {
            let times = bytes.windows(query.len()).filter(|w| *w == query).count();
            for _ in 0..times {
                self.writer.write_all(answer)?;
            }
        }
        self.writer.flush()?;
        Ok(())
    }

    fn type_text(&mut self, text: &str) -> Result<()> {
        for c in text.chars() {
            let mut b = [0u8; 4];
            self.writer.write_all(c.encode_utf8(&mut b).as_bytes())?;
            self.writer.flush()?;
            std::thread::sleep(Duration::from_millis(2));
            while let Ok((_, bytes)) = self.output.try_recv() {
                self.feed(&bytes)?;
            }
        }
        Ok(())
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// CPU time of every thread alive now (schedstat: nanoseconds on a CPU).
    fn cpu(&self) -> Result<Duration> {
        let mut ns = 0_u64;
        for task in std::fs::read_dir(format!("/proc/{}/task", self.pid))? {
            let stat = std::fs::read_to_string(task?.path().join("schedstat")).unwrap_or_default();
            ns += stat
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        }
        Ok(Duration::from_nanos(ns))
    }

    fn hwm_kb(&self) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        Ok(status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
