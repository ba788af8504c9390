//! Shared test support: the mock OpenAI server and a sandbox for running the real
//! binary against it (temporary data directory, mock endpoint, test key).
//!
//! From a test file: `mod support;` then `support::Sandbox::new()`.

#![allow(dead_code)] // Each test binary uses a different part.

pub mod mock_openai;

use std::path::{Path, PathBuf};

use mock_openai::MockOpenAi;

/// Environment variables that would make a test depend on the machine it runs on.
const HOST_ENV: &[&str] = &[
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "INTERVIEWER_DATA_DIR",
    "INTERVIEWER_MODEL",
    "INTERVIEWER_CONNECT_TIMEOUT_SECS",
    "INTERVIEWER_FIRST_TOKEN_TIMEOUT_SECS",
    "INTERVIEWER_IDLE_TIMEOUT_SECS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_COLOR",
    // No OS keyring: a developer's stored key must not leak into "no key" tests.
    "DBUS_SESSION_BUS_ADDRESS",
];

/// The binary under test: cargo's (`CARGO_BIN_EXE_interviewer`), or a copy named by
/// `INTERVIEWER_TEST_BIN`. Helpers sharing one target directory overwrite each
/// other's binary while tests run; a copy taken right after the build stays put.
pub fn binary() -> PathBuf {
    std::env::var_os("INTERVIEWER_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_interviewer")))
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

    /// `interviewer --data-dir <tmp>` with the mock as endpoint and a test key.
    pub fn cmd(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.std_cmd())
    }

    /// The same as a `std::process::Command`, for tests that signal or kill the child.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(binary());
        for var in HOST_ENV {
            cmd.env_remove(var);
        }
        cmd.arg("--data-dir").arg(self.data_dir());
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd
    }

    /// The same for running under a pseudo-terminal (`portable-pty`).
    pub fn pty_cmd(&self) -> portable_pty::CommandBuilder {
        let mut cmd = portable_pty::CommandBuilder::new(binary());
        for var in HOST_ENV {
            cmd.env_remove(var);
        }
        cmd.arg("--data-dir");
        cmd.arg(self.data_dir());
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd.env("TERM", "xterm-256color");
        cmd
    }

    fn env(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        vec![
            ("OPENAI_BASE_URL", self.mock.base_url().into()),
            ("OPENAI_API_KEY", "test-key".into()),
            // Keep a user's config file and keyring out of the tests.
            ("XDG_CONFIG_HOME", self.dir.path().join("config").into()),
            ("HOME", self.dir.path().into()),
            // Unset, the D-Bus library falls back to /run/user/UID/bus, which on a
            // desktop is the developer's real session (and real keyring): point it at
            // a socket that does not exist instead.
            (
                "DBUS_SESSION_BUS_ADDRESS",
                format!(
                    "unix:path={}",
                    self.dir.path().join("no-such-bus").display()
                )
                .into(),
            ),
        ]
    }

    /// A read-only look at the database the binary wrote.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(
            self.db_path(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open db")
    }

    /// `(role, content, status, error)` of every message of a conversation, in order.
    pub fn messages(&self, conversation: i64) -> Vec<StoredMessage> {
        let db = self.db();
        let mut stmt = db
            .prepare(
                "SELECT role, content, status, error FROM messages
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

/// An API base on a loopback port nothing listens on (bound, then released).
pub fn refused_base_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/v1")
}

/// A loopback listener whose accept queue is full, so a new connection attempt is
/// never answered and can only time out. Keep it alive for the test.
pub struct Unanswered {
    _listener: std::net::TcpListener,
    _filler: std::net::TcpStream,
    pub base_url: String,
}

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
