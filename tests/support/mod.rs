//! Shared test support: the mock OpenAI server and a sandbox for running the real
//! binary against it (temporary data directory, mock endpoint, test key).
//!
//! From a test file: `mod support;` then `support::Sandbox::new()`.

#![allow(dead_code)] // Each test binary uses a different part.

pub mod mock_openai;

use std::path::{Path, PathBuf};

use mock_openai::MockOpenAi;

/// Every environment variable the program reads (directly, through clap's `env =`,
/// or through the `directories`, D-Bus and HTTP crates). A test never inherits any
/// of them from the machine: every command starts from an empty environment
/// ([`isolated_env`]) and gets the sandbox's own values. `every_variable_the_program_reads_is_listed`
/// (tests/cli.rs) keeps this list in step with `src/`.
pub const PROGRAM_ENV: &[&str] = &[
    // The command-line contract (DESIGN.md).
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "INTERVIEWER_DATA_DIR",
    "INTERVIEWER_MODEL",
    "INTERVIEWER_CONFIG",
    "INTERVIEWER_PROFILE",
    "INTERVIEWER_LOG",
    "NO_COLOR",
    // Knobs and hooks for tests (docs/testing.md).
    "INTERVIEWER_CONNECT_TIMEOUT_SECS",
    "INTERVIEWER_FIRST_TOKEN_TIMEOUT_SECS",
    "INTERVIEWER_IDLE_TIMEOUT_SECS",
    "INTERVIEWER_TEST_PANIC",
    "INTERVIEWER_KEYRING",
    "INTERVIEWER_REAL_KEYRING",
    "INTERVIEWER_NOW",
    "INTERVIEWER_DISCOVER",
    "INTERVIEWER_DISCOVER_TIMEOUT_MS",
    // The editor for Ctrl+E.
    "VISUAL",
    "EDITOR",
    // Where the OS puts config and data, and the session keyring.
    "HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
    "DBUS_SESSION_BUS_ADDRESS",
    // The terminal.
    "TERM",
    "COLORTERM",
    // Proxies (reqwest).
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
];

/// An API base off this machine and off any private network (the `.invalid`
/// top-level domain never resolves): where a missing key is an error, not a local
/// server that needs none. Nothing is ever sent there.
pub const REMOTE_API_BASE: &str = "https://interviewer-test.invalid/v1";

/// The binary under test: cargo's (`CARGO_BIN_EXE_interviewer`), or a copy named by
/// `INTERVIEWER_TEST_BIN`. Helpers sharing one target directory overwrite each
/// other's binary while tests run; a copy taken right after the build stays put.
pub fn binary() -> PathBuf {
    std::env::var_os("INTERVIEWER_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_interviewer")))
}

/// What a command may inherit from the test run: how to find programs and where
/// temporary files go. Nothing the program reads as a setting.
const PASS_THROUGH: &[&str] = &["PATH", "TMPDIR", "SYSTEMROOT", "LLVM_PROFILE_FILE"];

/// Whether the tests run under CI (`CI=true`, as `.ci/run` documents): a test whose
/// prerequisite is missing fails there instead of returning early.
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A test whose prerequisite is missing: fails under CI, and otherwise says so on
/// stderr (the caller then returns). Use it only where the prerequisite is present
/// on ordinary machines (`.ci/run` checks it is there); a test that needs something
/// unusual is `#[ignore]` instead and run explicitly by `.ci/run`.
pub fn prerequisite_missing(test: &str, why: &str) {
    assert!(
        !on_ci(),
        "{test}: {why}; under CI this is a failure, not a skip"
    );
    eprintln!("SKIPPED {test}: {why} (under CI=true this fails)");
}

/// The environment every command of a sandbox starts from, `(name, value)`: no key,
/// no endpoint, HOME and the XDG directories inside `root`, and the keyring
/// replaced by a file store in `<root>/keyring` (`INTERVIEWER_KEYRING`, see
/// docs/testing.md), so that no test can read or write the real one. Looking for a
/// local server is off (`INTERVIEWER_DISCOVER=off`), so no test finds whatever
/// listens on the machine's usual ports; the discovery tests aim it at the mock.
pub fn isolated_env(root: &Path) -> Vec<(&'static str, std::ffi::OsString)> {
    let mut env: Vec<(&'static str, std::ffi::OsString)> = PASS_THROUGH
        .iter()
        .filter_map(|var| std::env::var_os(var).map(|v| (*var, v)))
        .collect();
    env.extend([
        ("HOME", root.as_os_str().to_owned()),
        ("XDG_CONFIG_HOME", root.join("config").into()),
        ("XDG_DATA_HOME", root.join(".local/share").into()),
        ("XDG_CACHE_HOME", root.join(".cache").into()),
        ("XDG_STATE_HOME", root.join(".local/state").into()),
        ("XDG_RUNTIME_DIR", root.join("run").into()),
        (
            "INTERVIEWER_KEYRING",
            format!("file:{}", keyring_dir(root).display()).into(),
        ),
        ("INTERVIEWER_DISCOVER", "off".into()),
        // A second guard on Linux: even the OS store would find no session bus.
        (
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", root.join("no-such-bus").display()).into(),
        ),
    ]);
    env
}

/// Where the sandbox's test keyring (`INTERVIEWER_KEYRING=file:…`) keeps its entries.
pub fn keyring_dir(root: &Path) -> PathBuf {
    root.join("keyring")
}

/// A temporary data directory plus a mock server; commands run the real binary.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub mock: MockOpenAi,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("tempdir"),
            mock: MockOpenAi::start(),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir().join("interviewer.db")
    }

    /// The file the sandbox's test keyring keeps the API key in (absent until stored).
    pub fn stored_key_file(&self) -> PathBuf {
        keyring_dir(self.dir.path()).join("interviewer.openai")
    }

    /// `interviewer --data-dir <tmp>` with the mock as endpoint and a test key.
    /// It is killed, failing the test, if it has not ended by [`RUN_DEADLINE`].
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::from_std(self.std_cmd());
        cmd.timeout(RUN_DEADLINE);
        cmd
    }

    /// The binary in the sandbox's isolated environment ([`isolated_env`]) with no
    /// flags, no key and no endpoint.
    pub fn bare_std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(binary());
        cmd.env_clear();
        cmd.envs(isolated_env(self.dir.path()));
        cmd
    }

    /// The same as a `std::process::Command`, for tests that signal or kill the child.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = self.bare_std_cmd();
        cmd.arg("--data-dir").arg(self.data_dir());
        cmd.envs(self.env());
        cmd
    }

    /// The same for running under a pseudo-terminal (`portable-pty`).
    pub fn pty_cmd(&self) -> portable_pty::CommandBuilder {
        let mut cmd = self.bare_pty_cmd();
        cmd.arg("--data-dir");
        cmd.arg(self.data_dir());
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd
    }

    /// [`Sandbox::bare_std_cmd`] for a pseudo-terminal, with `TERM=xterm-256color`.
    pub fn bare_pty_cmd(&self) -> portable_pty::CommandBuilder {
        let mut cmd = portable_pty::CommandBuilder::new(binary());
        cmd.env_clear();
        for (k, v) in isolated_env(self.dir.path()) {
            cmd.env(k, v);
        }
        cmd.env("TERM", "xterm-256color");
        cmd
    }

    fn env(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        vec![
            ("OPENAI_BASE_URL", self.mock.base_url().into()),
            ("OPENAI_API_KEY", "test-key".into()),
        ]
    }

    /// A read-only look at the database the binary wrote. It waits for a writer
    /// that holds a lock (as the binary does while it streams) rather than failing
    /// with "database is locked".
    pub fn db(&self) -> rusqlite::Connection {
        let db = rusqlite::Connection::open_with_flags(
            self.db_path(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open db");
        db.busy_timeout(std::time::Duration::from_secs(30))
            .expect("busy timeout");
        db
    }

    /// The messages of `conversation` once it holds at least `count` (as
    /// [`Sandbox::messages`] reads them), polling until `within` has passed;
    /// `what` names the wait in the failure.
    pub fn wait_for_messages(
        &self,
        conversation: i64,
        count: usize,
        within: std::time::Duration,
        what: &str,
    ) -> Vec<StoredMessage> {
        let deadline = std::time::Instant::now() + within;
        loop {
            let messages = self.messages(conversation);
            if messages.len() >= count {
                return messages;
            }
            assert!(std::time::Instant::now() < deadline, "{what}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// `(role, content, status, error)` of every message of a conversation, in order.
    /// A `streaming` reply's content is its row's text plus the pieces appended so
    /// far (`message_chunks`), as the program reads it.
    pub fn messages(&self, conversation: i64) -> Vec<StoredMessage> {
        let db = self.db();
        let mut stmt = db
            .prepare(
                "SELECT role,
                        CASE WHEN status = 'streaming' THEN content || coalesce(
                            (SELECT group_concat(c.text, '' ORDER BY c.seq) FROM message_chunks c
                             WHERE c.message_id = messages.id), '')
                        ELSE content END,
                        status, error FROM messages
                 WHERE conversation_id = ?1 ORDER BY id",
            )
            .expect("prepare");
        stmt.query_map([conversation], |r| {
            Ok(StoredMessage {
                role: r.get(0)?,
                content: r.get(1)?,
                status: r.get(2)?,
                error: r.get(3)?,
            })
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }

    pub fn write_file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write file");
        path
    }
}

/// One stored message as the tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub role: String,
    pub content: String,
    pub status: String,
    pub error: Option<String>,
}

/// An API base on a loopback port that refuses connections: a socket bound to it
/// that never listens. Holding the socket keeps the port from being taken by
/// anything else for the test's lifetime (a port bound and released could be).
pub struct Refused {
    _socket: tokio::net::TcpSocket,
    pub base_url: String,
}

impl Refused {
    pub fn new() -> Refused {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket
            .bind("127.0.0.1:0".parse().expect("addr"))
            .expect("bind");
        let port = socket.local_addr().expect("addr").port();
        Refused {
            _socket: socket,
            base_url: format!("http://127.0.0.1:{port}/v1"),
        }
    }
}

/// A loopback listener whose accept queue is full, so a new connection attempt is
/// never answered and can only time out. Keep it alive for the test. Linux only:
/// there a full queue drops SYNs; other systems may refuse them instead.
#[cfg(target_os = "linux")]
pub struct Unanswered {
    _listener: std::net::TcpListener,
    _filler: std::net::TcpStream,
    pub base_url: String,
}

#[cfg(target_os = "linux")]
impl Unanswered {
    pub fn new() -> Unanswered {
        // Backlog 0 admits one pending connection (the filler); later SYNs are dropped.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .expect("runtime");
        let listener = runtime.block_on(async {
            let socket = tokio::net::TcpSocket::new_v4().expect("socket");
            socket
                .bind("127.0.0.1:0".parse().expect("addr"))
                .expect("bind");
            socket.listen(0).expect("listen").into_std().expect("std")
        });
        let addr = listener.local_addr().expect("addr");
        let filler = std::net::TcpStream::connect(addr).expect("fill the backlog");
        Unanswered {
            _listener: listener,
            _filler: filler,
            base_url: format!("http://{addr}/v1"),
        }
    }
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// How long a test waits for a program on a terminal before it fails: generous,
/// because the machine is shared and debug builds are slow, but a hang still fails.
pub const PTY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

/// A command on a pseudo-terminal, with everything it writes collected (raw, and
/// through a `vt100` terminal emulator) and a deadline on every wait: a program that
/// hangs fails the test, it does not hang it. The one terminal harness of the tests.
pub struct PtyRun {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Option<Box<dyn std::io::Write + Send>>,
    master: Option<Box<dyn portable_pty::MasterPty + Send>>,
    seen: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    live: std::sync::Arc<std::sync::Mutex<vt100::Parser>>,
    /// Closed by the reader thread at end of output.
    done: std::sync::mpsc::Receiver<()>,
    size: (u16, u16),
    exit: Option<u32>,
}

impl PtyRun {
    /// Starts `cmd` on a `cols`×`rows` pseudo-terminal.
    pub fn start(cmd: portable_pty::CommandBuilder, cols: u16, rows: u16) -> PtyRun {
        use portable_pty::{PtySize, native_pty_system};
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let child = pair.slave.spawn_command(cmd).expect("spawn under a pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let live = std::sync::Arc::new(std::sync::Mutex::new(parser(cols, rows)));
        let (sink, screen) = (seen.clone(), live.clone());
        let (done_tx, done) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            let _done = done_tx;
            let mut buf = [0u8; 8192];
            // Until the child is gone (EOF, or EIO on Linux).
            while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("lock").extend_from_slice(&buf[..n]);
                screen.lock().expect("lock").process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        PtyRun {
            child,
            writer: Some(writer),
            master: Some(pair.master),
            seen,
            live,
            done,
            size: (cols, rows),
            exit: None,
        }
    }

    /// The screen as a terminal shows it after everything written so far (a fresh
    /// emulator fed all of it, to inspect cells and colours).
    pub fn screen(&self) -> vt100::Parser {
        let (cols, rows) = self.size;
        let mut parser = parser(cols, rows);
        parser.process(&self.seen.lock().expect("lock"));
        parser
    }

    /// The text on the screen now.
    pub fn contents(&self) -> String {
        self.live.lock().expect("lock").screen().contents()
    }

    /// `(alternate screen, cursor hidden)` as the terminal sees them now.
    pub fn terminal_modes(&self) -> (bool, bool) {
        let parser = self.live.lock().expect("lock");
        let screen = parser.screen();
        (screen.alternate_screen(), screen.hide_cursor())
    }

    /// Waits until the screen (not the raw output) shows `needle`.
    pub fn wait_for_screen(&self, needle: &str) {
        self.wait_until(needle, |s| s.contains(needle));
    }

    /// Waits until `ok` holds for the text on the screen; fails with the screen,
    /// saying `what` it waited for, at the deadline.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = std::time::Instant::now() + PTY_DEADLINE;
        loop {
            let contents = self.contents();
            if ok(&contents) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the screen never showed {what:?}; it shows:\n{contents}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Whether the terminal is as the program found it: main screen, cursor shown,
    /// no mouse reporting, no bracketed paste.
    pub fn restored(&self) -> bool {
        let parser = self.live.lock().expect("lock");
        let screen = parser.screen();
        !screen.alternate_screen()
            && !screen.hide_cursor()
            && screen.mouse_protocol_mode() == vt100::MouseProtocolMode::None
            && !screen.bracketed_paste()
    }

    /// Waits until the terminal is restored ([`PtyRun::restored`]); output is read on
    /// a thread, so the last bytes may land after the process ended.
    pub fn wait_restored(&self, what: &str) {
        let deadline = std::time::Instant::now() + PTY_DEADLINE;
        while !self.restored() {
            assert!(
                std::time::Instant::now() < deadline,
                "the terminal was not restored ({what}): (alternate screen, cursor hidden) = {:?}; it shows:\n{}",
                self.terminal_modes(),
                self.contents()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// The program's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().expect("lock")).into_owned()
    }

    /// Everything written so far, as bytes.
    pub fn raw(&self) -> Vec<u8> {
        self.seen.lock().expect("lock").clone()
    }

    /// Waits until the output contains `needle`; fails with the output otherwise.
    pub fn wait_for(&self, needle: &str) {
        let deadline = std::time::Instant::now() + PTY_DEADLINE;
        while !self.text().contains(needle) {
            assert!(
                std::time::Instant::now() < deadline,
                "the terminal never showed {needle:?}; it shows:\n{:?}",
                self.text()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Types `input` at once (as a paste would arrive).
    pub fn send(&mut self, input: &str) {
        let writer = self.writer.as_mut().expect("the terminal is open");
        writer.write_all(input.as_bytes()).expect("type");
        writer.flush().expect("flush");
    }

    /// Types text one key at a time, as a person does (no paste).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
        }
    }

    /// Waits (with the deadline) for the program to exit; its exit code. The screen
    /// stays readable afterwards.
    pub fn wait_exit(&mut self) -> u32 {
        if let Some(code) = self.exit {
            return code;
        }
        let deadline = std::time::Instant::now() + PTY_DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if std::time::Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "the program did not exit within {PTY_DEADLINE:?}; the screen shows:\n{}",
                    self.contents()
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        self.exit = Some(status.exit_code());
        status.exit_code()
    }

    /// Waits (with the deadline) for the program to exit and for its last output;
    /// returns its exit code and everything it wrote.
    pub fn finish(mut self) -> (u32, Vec<u8>) {
        let code = self.wait_exit();
        self.writer = None;
        // The reader ends once the child's side is closed; bounded all the same.
        let _ = self.done.recv_timeout(PTY_DEADLINE);
        self.master = None;
        let seen = self.seen.lock().expect("lock").clone();
        (code, seen)
    }
}

fn parser(cols: u16, rows: u16) -> vt100::Parser {
    let size = |n: u16| std::num::NonZeroU16::new(n).expect("a terminal size above zero");
    vt100::Parser::new(size(rows), size(cols), 0)
}

impl Drop for PtyRun {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

// ----- running the binary and explaining failures -----------------------------------

/// One finished run of the binary, with what a failing assertion should show: the
/// command, the data directory, both output streams and the data directory's files.
pub struct Ran {
    pub output: std::process::Output,
    command: String,
    data_dir: PathBuf,
}

impl Sandbox {
    /// Runs `interviewer --data-dir <tmp> ARGS` (mock endpoint, test key) to the end.
    pub fn run(&self, args: &[&str]) -> Ran {
        let mut cmd = self.std_cmd();
        cmd.args(args);
        self.run_cmd(cmd)
    }

    /// Runs a command built from [`Sandbox::std_cmd`] or [`Sandbox::bare_std_cmd`].
    pub fn run_cmd(&self, mut cmd: std::process::Command) -> Ran {
        let command = format!(
            "{} {}",
            cmd.get_program().to_string_lossy(),
            cmd.get_args()
                .map(|a| format!("{:?}", a.to_string_lossy()))
                .collect::<Vec<_>>()
                .join(" ")
        );
        cmd.stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {command}: {e}"));
        let output = output_within(child, &command);
        Ran {
            output,
            command,
            data_dir: self.data_dir(),
        }
    }
}

impl Sandbox {
    /// Runs `interviewer --data-dir <tmp> ARGS`, expects success; its stdout.
    pub fn run_ok(&self, args: &[&str]) -> String {
        self.run(args).success().stdout()
    }

    /// [`Sandbox::run_ok`] for a command that prints JSON.
    pub fn run_json(&self, args: &[&str]) -> serde_json::Value {
        let ran = self.run(args);
        ran.success();
        serde_json::from_slice(&ran.output.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", ran.explain()))
    }
}

impl Ran {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Everything needed to understand the run, for a failure message.
    pub fn explain(&self) -> String {
        format!(
            "command: {}\ndata dir: {}\nexit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}\n--- data dir ---\n{}",
            self.command,
            self.data_dir.display(),
            self.output.status,
            self.stdout(),
            self.stderr(),
            listing(&self.data_dir)
        )
    }

    /// Expects exit status 0.
    pub fn success(&self) -> &Ran {
        assert_eq!(self.output.status.code(), Some(0), "{}", self.explain());
        self
    }

    /// Expects a failure with `code` and exactly one line on stderr (`error: …`);
    /// returns that line.
    pub fn one_line_failure(&self, code: i32) -> String {
        failure_after(&self.output, code, &[], &self.explain())
    }
}

/// The one checker of a failure as the contract has it: exit status `code`, stderr
/// is the lines `before` (e.g. `ask`'s `conversation N`) then exactly one line,
/// `error: …`, with no Debug dump, no `Caused by:` chain and no backtrace. Returns
/// that line. `context` is added to the failure message.
pub fn failure_after(
    output: &std::process::Output,
    code: i32,
    before: &[&str],
    context: &str,
) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let why = |what: &str| format!("{what}\nstderr: {stderr:?}\n{context}");
    assert_eq!(output.status.code(), Some(code), "{}", why("exit status"));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        before.len() + 1,
        "{}",
        why(&format!("{} line(s) then one error line", before.len()))
    );
    assert_eq!(
        &lines[..before.len()],
        before,
        "{}",
        why("the lines before")
    );
    let line = lines[before.len()];
    assert!(
        line.starts_with("error: "),
        "{}",
        why("starts with `error: `")
    );
    for sign in ["Error: ", "Caused by", "stack backtrace", "panicked"] {
        assert!(!line.contains(sign), "{}", why(&format!("no {sign:?}")));
    }
    line.to_string()
}

/// The files under `dir` with their sizes, one a line (or why there are none).
pub fn listing(dir: &Path) -> String {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.push(format!("{}/", path.display()));
                walk(&path, out);
            } else {
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                out.push(format!("{} ({size} bytes)", path.display()));
            }
        }
    }
    if !dir.exists() {
        return format!("({} does not exist)", dir.display());
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    if out.is_empty() {
        "(empty)".into()
    } else {
        out.join("\n")
    }
}

/// How long a test waits for a command that runs to its end (not on a terminal):
/// generous, for a shared machine and debug builds, but a hang fails the test.
pub const RUN_DEADLINE: std::time::Duration = std::time::Duration::from_secs(300);

/// A program's standard output as text (lossy: a failure message must still show it).
pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A program's standard error as text (lossy).
pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Waits for a spawned child to end, with [`RUN_DEADLINE`], collecting whatever
/// of its stdout and stderr is piped (read on threads, so a full pipe cannot stall
/// it). A child still running at the deadline is killed and the test fails, naming
/// `what`. The `wait_with_output` of the standard library, bounded.
pub fn output_within(mut child: std::process::Child, what: &str) -> std::process::Output {
    fn drain<R: std::io::Read + Send + 'static>(
        pipe: Option<R>,
    ) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    }
    drop(child.stdin.take());
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = std::time::Instant::now() + RUN_DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{what} did not end within {RUN_DEADLINE:?}; its stderr:\n{}",
                String::from_utf8_lossy(&stderr.join().unwrap_or_default())
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Sends `signal` (a name such as `TERM`, `INT`, `TSTP`) to process `pid`.
#[cfg(unix)]
pub fn kill(pid: u32, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "kill -{signal} {pid}");
}

/// Checks every case, even after one has failed, then fails naming each failing
/// case with its message: in a test that walks through several scenarios, the
/// first failure does not hide the others.
pub fn each_case<T: std::fmt::Debug>(cases: impl IntoIterator<Item = T>, check: impl Fn(&T)) {
    let mut failed = Vec::new();
    let mut count = 0;
    for case in cases {
        count += 1;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&case)));
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(a panic without a message)".into());
            failed.push(format!("--- case {case:?} ---\n{message}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {count} cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// `Command::output` with a deadline ([`output_within`]), for commands built from
/// [`Sandbox::std_cmd`] or [`Sandbox::bare_std_cmd`].
pub trait OutputWithin {
    fn output_within(&mut self) -> std::process::Output;
}

impl OutputWithin for std::process::Command {
    fn output_within(&mut self) -> std::process::Output {
        let what = format!("{:?}", self.get_args().collect::<Vec<_>>());
        let child = self
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
        output_within(child, &what)
    }
}
