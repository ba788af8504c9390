//! Benchmark: the TUI in a pseudo-terminal, as a user sees it. Measures start-up to
//! the first full frame (an empty database against a big one, as a ratio), the
//! wake-ups and CPU time of an idle TUI, and the peak memory (VmHWM) after a scripted
//! session (scroll the sidebar end to end, open conversations).
//!
//! ```text
//! cargo run --release --example bench_tui -- --bin target/release/interviewer \
//!     --empty DIR --big DIR [--runs 9] [--size 200x50] [--idle-secs 5] \
//!     [--script "PageDown*250 Home Down Enter ..."]
//! ```
//!
//! "First full frame" is the last byte of the first burst of output followed by a
//! quiet spell (`--settle-ms`, 250 ms): a TUI that draws a skeleton and then fills it
//! in is only counted once it is filled in. The quiet spell itself is not counted.
//! Like a real terminal, this one answers the queries a TUI may send at start-up
//! (cursor position, device attributes, keyboard enhancement flags), so none of them
//! waits for a time-out.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// The session for the memory figure: scroll the sidebar to the end page by page
/// and back, then open ten conversations. `Key*N` repeats; see [`key_bytes`].
const DEFAULT_SCRIPT: &str = "PageDown*250 End PageUp*250 Home \
     Enter Down Enter Down Enter Down Enter Down Enter \
     Down Enter Down Enter Down Enter Down Enter Down Enter";

struct Options {
    bin: PathBuf,
    empty: PathBuf,
    big: PathBuf,
    runs: usize,
    cols: u16,
    rows: u16,
    settle: Duration,
    idle: Duration,
    script: String,
    quit: String,
    show_screen: bool,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let size = flag("--size").unwrap_or_else(|| "200x50".into());
    let (cols, rows) = size.split_once('x').context("--size COLSxROWS")?;
    let opts = Options {
        bin: flag("--bin").context("--bin PATH")?.into(),
        empty: flag("--empty").context("--empty DIR")?.into(),
        big: flag("--big").context("--big DIR")?.into(),
        runs: flag("--runs").map_or(Ok(9), |v| v.parse())?,
        cols: cols.parse()?,
        rows: rows.parse()?,
        settle: Duration::from_millis(flag("--settle-ms").map_or(Ok(250), |v| v.parse())?),
        idle: Duration::from_secs(flag("--idle-secs").map_or(Ok(5), |v| v.parse())?),
        script: flag("--script").unwrap_or_else(|| DEFAULT_SCRIPT.into()),
        quit: flag("--quit").unwrap_or_else(|| "Ctrl-c".into()),
        show_screen: args.iter().any(|a| a == "--show-screen"),
    };

    // Start-up: alternate empty and big so drift on a shared machine hits both.
    let mut empty = Vec::new();
    let mut big = Vec::new();
    for run in 0..=opts.runs {
        let e = Session::start(&opts, &opts.empty)?;
        let e_took = e.first_frame;
        e.quit(&opts)?;
        let b = Session::start(&opts, &opts.big)?;
        let b_took = b.first_frame;
        if run == 0 && opts.show_screen {
            println!("first frame with the big database:\n{}", b.screen());
        }
        b.quit(&opts)?;
        if run > 0 {
            // Run 0 warms the page cache and is not counted.
            empty.push(e_took);
            big.push(b_took);
        }
    }
    let empty_ms = median_ms(&mut empty);
    let big_ms = median_ms(&mut big);
    println!(
        "start-up to first full frame ({}x{} pty), median of {}:",
        opts.cols, opts.rows, opts.runs
    );
    println!("  empty database                  {empty_ms:8.1} ms");
    println!("  big database                    {big_ms:8.1} ms");
    println!(
        "  ratio big / empty               {:8.2}x  (target <= 1.3x, < 50 ms)",
        big_ms / empty_ms
    );

    // Idle, then the scripted session, in one process on the big database.
    let mut s = Session::start(&opts, &opts.big)?;
    let before = s.counters()?;
    s.pump_for(opts.idle)?;
    let after = s.counters()?;
    let secs = opts.idle.as_secs_f64();
    println!("idle TUI over {secs:.0} s (big database, after the first frame):");
    println!(
        "  context switches (all threads)  {:8.1} /s",
        (after.switches - before.switches) as f64 / secs
    );
    println!(
        "  CPU time                        {:8.2} %",
        (after.cpu_ticks - before.cpu_ticks) as f64 / 100.0 / secs * 100.0
    );
    println!(
        "  bytes written to the terminal   {:8}",
        s.bytes_since_frame
    );

    let rss_after_start = s.counters()?.hwm_kb;
    let started = Instant::now();
    s.play(&opts.script)?;
    s.pump_until_quiet(opts.settle, Duration::from_secs(60))?;
    let script_took = started.elapsed();
    let end = s.counters()?;
    if opts.show_screen {
        println!("screen after the script:\n{}", s.screen());
    }
    s.quit(&opts)?;
    println!("peak memory (VmHWM, big database):");
    println!(
        "  after the first frame           {:8.1} MB",
        rss_after_start as f64 / 1024.0
    );
    println!(
        "  after the script                {:8.1} MB  (target < 30 MB; script took {:.1} s)",
        end.hwm_kb as f64 / 1024.0,
        script_took.as_secs_f64()
    );
    println!("  script: {}", opts.script);
    Ok(())
}

/// A running TUI in a pseudo-terminal, with its output parsed like a terminal would.
struct Session {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    output: Receiver<(Instant, Vec<u8>)>,
    parser: vt100::Parser,
    pid: u32,
    first_frame: Duration,
    bytes_since_frame: usize,
}

struct Counters {
    switches: u64,
    cpu_ticks: u64,
    hwm_kb: u64,
}

impl Session {
    fn start(opts: &Options, data_dir: &Path) -> Result<Session> {
        let pty = native_pty_system().openpty(PtySize {
            rows: opts.rows,
            cols: opts.cols,
            pixel_width: 0,
            pixel_height: 0,
        })?;
        let mut cmd = CommandBuilder::new(&opts.bin);
        cmd.arg("--data-dir");
        cmd.arg(data_dir);
        for var in ["DBUS_SESSION_BUS_ADDRESS", "NO_COLOR", "INTERVIEWER_MODEL"] {
            cmd.env_remove(var);
        }
        // A key in the environment: the keyring is never asked. Nothing is sent.
        cmd.env("OPENAI_API_KEY", "bench-key");
        cmd.env("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        cmd.env("TERM", "xterm-256color");
        let home = data_dir.parent().unwrap_or(data_dir);
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
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
        let pid = child.process_id().context("no pid for the TUI")?;
        let rows = NonZeroU16::new(opts.rows).context("--size: rows must be > 0")?;
        let cols = NonZeroU16::new(opts.cols).context("--size: columns must be > 0")?;
        let mut s = Session {
            child,
            _master: pty.master,
            writer,
            output,
            parser: vt100::Parser::new(rows, cols, 0),
            pid,
            first_frame: Duration::ZERO,
            bytes_since_frame: 0,
        };
        let last = s.pump_until_quiet(opts.settle, Duration::from_secs(10))?;
        s.first_frame = last.duration_since(started);
        s.bytes_since_frame = 0;
        if s.screen().trim().is_empty() {
            bail!("the TUI drew nothing within 10 s");
        }
        Ok(s)
    }

    /// Reads output until none arrives for `quiet`; returns when the last byte came.
    fn pump_until_quiet(&mut self, quiet: Duration, limit: Duration) -> Result<Instant> {
        let deadline = Instant::now() + limit;
        let mut last = Instant::now();
        let mut seen = false;
        loop {
            if Instant::now() > deadline {
                bail!("the TUI kept drawing for {} s", limit.as_secs());
            }
            match self.output.recv_timeout(quiet) {
                Ok((at, bytes)) => {
                    self.feed(&bytes)?;
                    last = at;
                    seen = true;
                }
                Err(RecvTimeoutError::Timeout) if seen => return Ok(last),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => bail!("the TUI exited"),
            }
        }
    }

    /// Reads (and answers) output for a fixed time.
    fn pump_for(&mut self, time: Duration) -> Result<()> {
        let end = Instant::now() + time;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.output.recv_timeout(left) {
                Ok((_, bytes)) => self.feed(&bytes)?,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => bail!("the TUI exited"),
            }
        }
        Ok(())
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<()> {
        self.parser.process(bytes);
        self.bytes_since_frame += bytes.len();
        // Answer what a real terminal answers, so no query waits for a time-out.
        for (query, answer) in [
            (&b"\x1b[6n"[..], &b"\x1b[1;1R"[..]),
            (b"\x1b[?u", b"\x1b[?0u"),
            (b"\x1b[c", b"\x1b[?62;22c"),
            (b"\x1b[0c", b"\x1b[?62;22c"),
        ] {
            let times = bytes.windows(query.len()).filter(|w| *w == query).count();
            for _ in 0..times {
                self.writer.write_all(answer)?;
            }
        }
        self.writer.flush()?;
        Ok(())
    }

    /// Sends a script of keys, reading output between them as a terminal would.
    fn play(&mut self, script: &str) -> Result<()> {
        for token in script.split_whitespace() {
            let (name, times) = match token.split_once('*') {
                Some((n, t)) => (n, t.parse::<usize>()?),
                None => (token, 1),
            };
            let bytes = key_bytes(name)?;
            for _ in 0..times {
                self.writer.write_all(&bytes)?;
                self.writer.flush()?;
                self.pump_for(Duration::from_millis(3))?;
            }
        }
        Ok(())
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    fn counters(&self) -> Result<Counters> {
        let mut switches = 0;
        for task in std::fs::read_dir(format!("/proc/{}/task", self.pid))? {
            let status = std::fs::read_to_string(task?.path().join("status"))?;
            switches += status_field(&status, "voluntary_ctxt_switches:")
                + status_field(&status, "nonvoluntary_ctxt_switches:");
        }
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid))?;
        // Fields after the command name (which may hold spaces) start at field 3.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
        let cpu_ticks = tick(11).unwrap_or(0) + tick(12).unwrap_or(0);
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        Ok(Counters {
            switches,
            cpu_ticks,
            hwm_kb: status_field(&status, "VmHWM:"),
        })
    }

    fn quit(mut self, opts: &Options) -> Result<()> {
        self.writer.write_all(&key_bytes(&opts.quit)?)?;
        self.writer.flush()?;
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            let _ = self.output.try_recv();
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        eprintln!("warning: the TUI did not quit on {}; killed", opts.quit);
        self.child.kill()?;
        let _ = self.child.wait();
        Ok(())
    }
}

fn status_field(status: &str, name: &str) -> u64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The bytes a terminal sends for a key: `Up`, `Down`, `PageUp`, `PageDown`, `Home`,
/// `End`, `Enter`, `Esc`, `Tab`, `Ctrl-x`, or one character as itself.
fn key_bytes(name: &str) -> Result<Vec<u8>> {
    Ok(match name {
        "Up" => b"\x1b[A".to_vec(),
        "Down" => b"\x1b[B".to_vec(),
        "PageUp" => b"\x1b[5~".to_vec(),
        "PageDown" => b"\x1b[6~".to_vec(),
        "Home" => b"\x1b[H".to_vec(),
        "End" => b"\x1b[F".to_vec(),
        "Enter" => b"\r".to_vec(),
        "Esc" => b"\x1b".to_vec(),
        "Tab" => b"\t".to_vec(),
        "Space" => b" ".to_vec(),
        _ => match name.strip_prefix("Ctrl-") {
            Some(k) if k.len() == 1 => vec![k.as_bytes()[0] & 0x1f],
            _ if name.chars().count() == 1 => name.as_bytes().to_vec(),
            _ => bail!("unknown key {name:?} in the script"),
        },
    })
}

fn median_ms(samples: &mut [Duration]) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}
