//! Benchmark: a long streamed reply through `interviewer ask` (shown on stdout and
//! stored) against the bare HTTP read of the same stream with no UI, from the in-repo
//! mock OpenAI server sending as fast as it can. Prints medians and their ratio.
//!
//! ```text
//! cargo run --release --example bench_stream -- --bin target/release/interviewer \
//!     [--tokens 5000] [--runs 9]
//! ```
//!
//! With `--serve SECONDS` it only serves that reply (printing the API base), for
//! profiling a client by hand (`perf record`, `valgrind --tool=callgrind`).
//!
//! Then the whole-process comparison: the same chunks sent by the server in one
//! write (as a fast server with the reply ready at once would), read by a whole
//! `ask` process and by a whole `curl` process (`curl -sN -o /dev/null`, the same
//! request), wall time from spawn to exit.
//!
//! Both sides run as child processes (the bare reader is this program re-run with
//! `--bare-read URL`), so process start-up is on both sides of the ratio and the
//! server's thread is never starved by the reader in its own process. Every `ask`
//! run is checked: stdout must be the whole reply and the stored row must be
//! `complete` with the same text, so a fast wrong answer cannot pass.

#[path = "../tests/support/mock_openai.rs"]
mod mock;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use futures::StreamExt;
use mock::{MockOpenAi, Reply};
use nix::sys::resource::{UsageWho, getrusage};

/// Characters per streamed chunk: about one token of English text.
const CHARS_PER_TOKEN: usize = 4;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(url) = flag(&args, "--bare-read") {
        return bare_read(&url);
    }
    let tokens: usize = flag(&args, "--tokens").map_or(Ok(5000), |v| v.parse())?;
    let runs: usize = flag(&args, "--runs").map_or(Ok(9), |v| v.parse())?;
    let text = reply_text(tokens * CHARS_PER_TOKEN);
    let server = MockOpenAi::start();
    server.set_default(Reply::text(text.clone()).chunk_size(CHARS_PER_TOKEN));
    if let Some(secs) = flag(&args, "--serve") {
        // For profiling by hand: serve the same reply to any client for a while.
        println!("{}", server.base_url());
        std::thread::sleep(Duration::from_secs(secs.parse()?));
        return Ok(());
    }
    let bin = PathBuf::from(flag(&args, "--bin").context("--bin PATH (the interviewer binary)")?);
    let me = std::env::current_exe().context("own path")?;
    let dir = tempfile::tempdir()?;

    // One warm-up of each, then alternate so drift on a shared machine hits both.
    run_bare(&me, &server)?;
    run_ask(&bin, &server, dir.path(), &text)?;
    let mut bare = Vec::new();
    let mut ask = Vec::new();
    for _ in 0..runs {
        bare.push(run_bare(&me, &server)?);
        ask.push(run_ask(&bin, &server, dir.path(), &text)?);
    }
    println!(
        "stream {tokens} tokens ({} chunks of {CHARS_PER_TOKEN} chars), {runs} runs each:",
        text.len().div_ceil(CHARS_PER_TOKEN)
    );
    println!(
        "  {:<34} {:>10} {:>10} {:>10}",
        "", "median", "fastest", "CPU"
    );
    compare(("bare HTTP read (no UI)", &bare), &ask, "bare", 1.1);

    // Whole processes, the reply sent in one write.
    server.set_default(
        Reply::text(text.clone())
            .chunk_size(CHARS_PER_TOKEN)
            .one_write(),
    );
    run_curl(&server)?;
    run_ask(&bin, &server, dir.path(), &text)?;
    let mut curl = Vec::new();
    let mut ask = Vec::new();
    for _ in 0..runs {
        curl.push(run_curl(&server)?);
        ask.push(run_ask(&bin, &server, dir.path(), &text)?);
    }
    println!("the same chunks sent in one write, whole processes, {runs} runs each:");
    compare(("curl (read to /dev/null)", &curl), &ask, "curl", 1.5);
    Ok(())
}

/// Prints both sides' figures and their ratio against the target.
fn compare(base: (&str, &[Sample]), ask: &[Sample], short: &str, target: f64) {
    let (name, base) = (base.0, Summary::of(base.1));
    let ask = Summary::of(ask);
    println!("  {name:<34} {base}");
    println!("  {:<34} {ask}", "ask (shown on stdout + stored)");
    println!(
        "  {:<34} {:>9.2}x {:>9.2}x {:>9.2}x  (target <= {target}x)",
        format!("ratio ask / {short}"),
        ask.median / base.median,
        ask.fastest / base.fastest,
        ask.cpu / base.cpu
    );
}

/// `curl` posting the same request as `ask` and reading the body to the end.
fn run_curl(server: &MockOpenAi) -> Result<Sample> {
    let body = serde_json::json!({
        "model": "gpt-4o-mini",
        "stream": true,
        "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "Ask me a question, at length."}],
    })
    .to_string();
    let mut cmd = Command::new("curl");
    cmd.args(["-sSN", "-o", "/dev/null"])
        .args(["-H", "Content-Type: application/json"])
        .args(["-H", "Authorization: Bearer bench-key", "-d", &body])
        .arg(format!("{}/chat/completions", server.base_url()));
    let (sample, out) = run_timed(cmd).context("curl")?;
    ensure!(
        out.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(sample)
}

/// Wall time of one child process, and the CPU time (user + system) it used.
struct Sample {
    wall: Duration,
    cpu: Duration,
}

/// Milliseconds: median and fastest wall time, median CPU time.
struct Summary {
    median: f64,
    fastest: f64,
    cpu: f64,
}

impl Summary {
    fn of(samples: &[Sample]) -> Summary {
        let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
        let mut wall: Vec<f64> = samples.iter().map(|s| ms(&s.wall)).collect();
        let mut cpu: Vec<f64> = samples.iter().map(|s| ms(&s.cpu)).collect();
        wall.sort_by(f64::total_cmp);
        cpu.sort_by(f64::total_cmp);
        Summary {
            median: wall[wall.len() / 2],
            fastest: wall[0],
            cpu: cpu[cpu.len() / 2],
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>7.1} ms {:>7.1} ms {:>7.1} ms",
            self.median, self.fastest, self.cpu
        )
    }
}

/// Runs a child to the end; its CPU time is what the finished children of this
/// process used, before and after (children run one at a time here).
fn run_timed(mut cmd: Command) -> Result<(Sample, std::process::Output)> {
    let before = children_cpu()?;
    let start = Instant::now();
    let out = cmd.output()?;
    let wall = start.elapsed();
    let cpu = children_cpu()?.saturating_sub(before);
    Ok((Sample { wall, cpu }, out))
}

fn children_cpu() -> Result<Duration> {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN)?;
    let tv = |t: nix::sys::time::TimeVal| {
        Duration::from_secs(t.tv_sec().max(0) as u64)
            + Duration::from_micros(t.tv_usec().max(0) as u64)
    };
    Ok(tv(usage.user_time()) + tv(usage.system_time()))
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Plausible interviewer prose of exactly `len` bytes (ASCII), with paragraph breaks.
fn reply_text(len: usize) -> String {
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
    let mut s = String::with_capacity(len + 16);
    let mut i = 0usize;
    while s.len() < len {
        s.push_str(WORDS[i % WORDS.len()]);
        i += 1;
        s.push_str(if i.is_multiple_of(60) { "\n\n" } else { " " });
    }
    s.truncate(len);
    s
}

/// Re-runs this program as the bare reader.
fn run_bare(me: &Path, server: &MockOpenAi) -> Result<Sample> {
    let mut cmd = Command::new(me);
    cmd.args(["--bare-read", &server.base_url()]);
    let (sample, out) = run_timed(cmd)?;
    ensure!(
        out.status.success(),
        "bare reader failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(sample)
}

/// Runs `ask` with stdout on a pipe read to the end; checks what was shown and stored.
fn run_ask(bin: &Path, server: &MockOpenAi, dir: &Path, text: &str) -> Result<Sample> {
    // One database for all runs, as in real use: the first (warm-up) run creates it.
    let data_dir = dir.join("data");
    let mut cmd = Command::new(bin);
    cmd.arg("--data-dir")
        .arg(&data_dir)
        .args(["ask", "Ask me a question, at length."])
        .env("OPENAI_BASE_URL", server.base_url())
        .env("OPENAI_API_KEY", "bench-key")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"));
    let (sample, out) = run_timed(cmd)?;
    ensure!(
        out.status.success(),
        "ask failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    ensure!(
        shown.trim_end() == text.trim_end(),
        "ask showed {} bytes, expected {}",
        shown.len(),
        text.len()
    );
    let db = rusqlite::Connection::open(data_dir.join("interviewer.db"))?;
    let (content, status): (String, String) = db.query_row(
        "SELECT content, status FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    ensure!(
        status == "complete" && content == text,
        "stored reply is {status}, {} bytes",
        content.len()
    );
    Ok(sample)
}

/// The baseline: POST the same request, read the SSE body to the end with the same
/// HTTP stack the app uses, and count the events. No parsing, no UI, no storage.
fn bare_read(base_url: &str) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let body = serde_json::json!({
            "model": "gpt-4o-mini",
            "stream": true,
            "stream_options": {"include_usage": true},
            "messages": [{"role": "user", "content": "Ask me a question, at length."}],
        });
        let response = client
            .post(format!("{base_url}/chat/completions"))
            .bearer_auth("bench-key")
            .json(&body)
            .send()
            .await?
            .error_for_status()?;
        let mut stream = response.bytes_stream();
        let mut bytes = 0usize;
        let mut events = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            bytes += chunk.len();
            events += chunk.windows(6).filter(|w| w == b"data: ").count();
        }
        ensure!(events > 0 && bytes > 0, "empty stream");
        Ok(())
    })
}
