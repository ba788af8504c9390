//! The API key and the configuration file through the real binary: `key set|status|
//! delete`, the no-keyring fallback, `config path|show`, precedence, errors in the
//! file, and the key appearing nowhere after a session.
//!
//! Every test except `real_secret_service_round_trip` replaces the keyring with a
//! test store (`INTERVIEWER_KEYRING=none` or `file:…`, docs/testing.md), so no test
//! reads or writes the keyring of the machine it runs on.
//! `real_secret_service_round_trip` needs a real, disposable Secret Service: it is
//! `#[ignore]`d, and `.ci/run` runs it inside its own `dbus-run-session` with a
//! throwaway gnome-keyring and `INTERVIEWER_REAL_KEYRING=1`.

mod support;

use support::{stderr_of, stdout_of};

use std::path::{Path, PathBuf};
use std::process::Output;

use support::Sandbox;
use support::mock_openai::Reply;

/// A key that must never be found anywhere but in the request's header.
const KEY: &str = "sk-keys-test-SECRET-4f1c9b7e2d8a0c6eWXYZ";

/// Which keyring the binary sees.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keyring {
    /// None at all (`INTERVIEWER_KEYRING=none`), as on a machine without one.
    None,
    /// The sandbox's test store (`INTERVIEWER_KEYRING=file:…`, see
    /// docs/testing.md): stored keys persist from one run to the next.
    File,
    /// The session's own (only `real_secret_service_round_trip`, which `.ci/run`
    /// runs inside a throwaway D-Bus session).
    Real,
}

/// The binary in the sandbox's isolated environment with no flags, no key, a config
/// file at `<tmp>/config/config.toml` (absent until written) and data in
/// `<tmp>/data` via the environment.
fn bin(sb: &Sandbox, keyring: Keyring) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::from_std(sb.bare_std_cmd());
    cmd.timeout(support::RUN_DEADLINE);
    cmd.env("INTERVIEWER_CONFIG", config_file(sb))
        .env("INTERVIEWER_DATA_DIR", sb.data_dir())
        .env("XDG_CONFIG_HOME", sb.dir.path().join("xdg-config"))
        .env("XDG_DATA_HOME", sb.dir.path().join("xdg-data"));
    match keyring {
        Keyring::None => {
            cmd.env("INTERVIEWER_KEYRING", "none");
        }
        Keyring::File => {}
        Keyring::Real => {
            cmd.env_remove("INTERVIEWER_KEYRING");
            for var in ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"] {
                match std::env::var_os(var) {
                    Some(value) => cmd.env(var, value),
                    None => cmd.env_remove(var),
                };
            }
        }
    }
    cmd
}

/// What the binary calls the OS keyring on this platform.
fn keyring_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(windows) {
        "Windows Credential Manager"
    } else {
        "Secret Service"
    }
}

fn config_file(sb: &Sandbox) -> PathBuf {
    sb.dir.path().join("config").join("config.toml")
}

fn write_config(sb: &Sandbox, text: &str) {
    let path = config_file(sb);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write config");
}

fn run(cmd: &mut assert_cmd::Command) -> Output {
    cmd.output().expect("run the binary")
}

/// Every file under `dir` that contains `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut files = 0;
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files += 1;
                let bytes = std::fs::read(&path).expect("read file");
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(path);
                }
            }
        }
    }
    assert!(files > 0, "nothing was written under {}", dir.display());
    found
}

fn assert_key_nowhere(sb: &Sandbox, outputs: &[Output]) {
    for o in outputs {
        let text = format!("{}{}", stdout_of(o), stderr_of(o));
        assert!(!text.contains(KEY), "the key was printed:\n{text}");
        assert!(
            !text.contains("4f1c9b7e2d8a"),
            "part of the key was printed:\n{text}"
        );
    }
    // The test keyring's own file (INTERVIEWER_KEYRING=file:…) is the keyring.
    let leaked: Vec<PathBuf> = files_containing(sb.dir.path(), KEY)
        .into_iter()
        .filter(|p| *p != sb.stored_key_file())
        .collect();
    assert!(leaked.is_empty(), "the key was written to {leaked:?}");
}

#[test]
fn without_a_keyring_key_status_names_the_keyring_problem() {
    let sb = Sandbox::new();
    let o = run(bin(&sb, Keyring::None).args(["key", "status"]));
    assert!(o.status.success(), "{}", stderr_of(&o));
    let out = stdout_of(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    let keyring_line = out.lines().nth(1).expect("two lines");
    assert!(
        keyring_line.starts_with("keyring: no OS keyring is reachable (")
            && keyring_line.ends_with("set OPENAI_API_KEY instead"),
        "{out}"
    );
}

#[test]
fn without_a_keyring_key_set_fails_in_one_line_and_stores_nothing() {
    let sb = Sandbox::new();
    let o = run(bin(&sb, Keyring::None)
        .args(["key", "set"])
        .write_stdin(format!("{KEY}\n")));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr_of(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: the key was not stored: no OS keyring is reachable")
            && err.contains("OPENAI_API_KEY"),
        "{err}"
    );
    assert_key_nowhere(&sb, &[o]);
}

#[test]
fn without_a_keyring_key_delete_fails_in_one_line() {
    let sb = Sandbox::new();
    let o = run(bin(&sb, Keyring::None).args(["key", "delete"]));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_of(&o).lines().count(), 1, "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("no OS keyring is reachable"));
}

/// `ask` with no key names the keyring's problem, in one line.
#[test]
fn without_a_keyring_or_a_key_ask_names_both_in_one_line() {
    let sb = Sandbox::new();
    let o = run(bin(&sb, Keyring::None)
        .env("OPENAI_BASE_URL", support::REMOTE_API_BASE)
        .args(["ask", "Hello"]));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr_of(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no API key") && err.contains("no OS keyring is reachable"),
        "{err}"
    );
    // The platform's own detail (here the test switch; on a real machine a D-Bus
    // address and an OS error) goes to the log, not to the user's line.
    assert!(!err.contains("INTERVIEWER_KEYRING=none"), "{err}");
    let log =
        std::fs::read_to_string(sb.data_dir().join("logs/interviewer.log")).unwrap_or_default();
    assert!(
        log.contains("reading the API key") && log.contains("INTERVIEWER_KEYRING=none"),
        "{log}"
    );
    assert!(sb.mock.requests().is_empty());
}

/// A server on this machine is asked without a key, keyring or not (Ollama).
#[test]
fn without_a_keyring_a_local_server_is_asked_without_a_key() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::text("Hello from a local model."));
    let o = run(bin(&sb, Keyring::None)
        .env("OPENAI_BASE_URL", sb.mock.base_url())
        .args(["ask", "Hello"]));
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(stdout_of(&o).contains("Hello from a local model."));
    let chats = sb.mock.chat_requests();
    assert_eq!(chats.last().and_then(|r| r.header("authorization")), None);
}

/// With the key in the environment everything works and the keyring is not even
/// mentioned.
#[test]
fn without_a_keyring_the_environment_key_works_and_the_keyring_is_not_mentioned() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text("Welcome. Tell me about yourself."));
    let o = run(bin(&sb, Keyring::None)
        .env("OPENAI_BASE_URL", sb.mock.base_url())
        .env("OPENAI_API_KEY", KEY)
        .args(["ask", "Hello"]));
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_eq!(stdout_of(&o), "Welcome. Tell me about yourself.\n");
    assert!(!stderr_of(&o).contains("keyring"), "{}", stderr_of(&o));
    let auth = format!("Bearer {KEY}");
    assert_eq!(
        sb.mock
            .chat_requests()
            .last()
            .and_then(|r| r.header("authorization")),
        Some(auth.as_str())
    );
    let status = run(bin(&sb, Keyring::None)
        .env("OPENAI_API_KEY", KEY)
        .args(["key", "status"]));
    assert!(
        stdout_of(&status).starts_with("key:     …WXYZ from the environment (OPENAI_API_KEY)\n"),
        "{}",
        stdout_of(&status)
    );
    assert_key_nowhere(&sb, &[o, status]);
}

/// Offline practice, the list and the config need no keyring; `config show` says
/// why there is none.
#[test]
fn without_a_keyring_offline_list_and_config_show_work() {
    let sb = Sandbox::new();
    let o = run(bin(&sb, Keyring::None).args(["--offline", "ask", "Hi"]));
    assert!(o.status.success(), "{}", stderr_of(&o));

    let o = run(bin(&sb, Keyring::None).args(["list"]));
    assert!(o.status.success(), "{}", stderr_of(&o));

    let o = run(bin(&sb, Keyring::None).args(["config", "show"]));
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(
        stdout_of(&o).contains("# keyring: no OS keyring is reachable"),
        "{}",
        stdout_of(&o)
    );
}

#[test]
fn key_set_checks_the_shape_before_storing_and_never_takes_an_argument() {
    let sb = Sandbox::new();
    for (input, expected) in [
        ("", "the key is empty"),
        ("  \n", "the key is empty"),
        ("sk-one two", "spaces or line breaks"),
        ("sk-one\nsk-two\n", "spaces or line breaks"),
    ] {
        let o = run(bin(&sb, Keyring::None)
            .args(["key", "set"])
            .write_stdin(input));
        assert_eq!(o.status.code(), Some(1), "{input:?}");
        let err = stderr_of(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(expected) && err.contains("nothing was stored"),
            "{input:?}: {err}"
        );
    }
    // A key on the command line would sit in shell history: a usage error.
    let o = run(bin(&sb, Keyring::None).args(["key", "set", KEY]));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn flags_beat_environment_beat_the_file_beat_defaults() {
    let sb = Sandbox::new();
    let ask = |extra: &[&str], env_model: Option<&str>| {
        sb.mock.push(Reply::text("Next question."));
        let mut cmd = bin(&sb, Keyring::None);
        cmd.env("OPENAI_API_KEY", KEY);
        if let Some(m) = env_model {
            cmd.env("INTERVIEWER_MODEL", m);
        }
        let o = run(cmd.arg("ask").args(extra).arg("Hi"));
        assert!(o.status.success(), "{}", stderr_of(&o));
        let requests = sb.mock.chat_requests();
        let last = requests.last().expect("a request");
        last.body["model"].as_str().expect("model").to_string()
    };

    // No file: the default model, and the default endpoint (so point at the mock
    // with the environment).
    let o = run(bin(&sb, Keyring::None).args(["config", "show"]));
    let out = stdout_of(&o);
    assert!(out.contains("model = \"gpt-4o-mini\""), "{out}");
    assert!(out.contains("(not present)"), "{out}");

    // The file sets the endpoint and the model.
    write_config(
        &sb,
        &format!(
            "api_base = \"{}\"\nmodel = \"file-model\"\n\n[timeouts]\nidle_secs = 12\n\n[interview]\nrole = \"Data engineer\"\ntype = \"technical\"\n",
            sb.mock.base_url()
        ),
    );
    assert_eq!(ask(&[], None), "file-model");
    // `[interview]` completes the new interview's setup; a flag still wins.
    let system = |i: usize| sb.mock.chat_requests()[i].messages()[0].1.clone();
    assert!(
        system(0).contains("- Target role: Data engineer"),
        "{}",
        system(0)
    );
    assert!(
        system(0).contains("- Interview type: Technical"),
        "{}",
        system(0)
    );
    assert_eq!(ask(&["--type", "hr"], None), "file-model");
    assert!(
        system(1).contains("- Target role: Data engineer"),
        "{}",
        system(1)
    );
    assert!(
        system(1).contains("- Interview type: HR screen"),
        "{}",
        system(1)
    );
    assert_eq!(ask(&[], Some("env-model")), "env-model");
    assert_eq!(
        ask(&["--model", "flag-model"], Some("env-model")),
        "flag-model"
    );

    let o = run(bin(&sb, Keyring::None)
        .env("INTERVIEWER_MODEL", "env-model")
        .args(["config", "show"]));
    let out = stdout_of(&o);
    assert!(
        out.lines().any(|l| l.starts_with("model = \"env-model\"")
            && l.ends_with("# environment INTERVIEWER_MODEL")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("api_base = ") && l.ends_with("# config file")),
        "{out}"
    );
    assert!(out.contains("idle_secs = 12"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("persona = ") && l.ends_with("# default")),
        "{out}"
    );
}

#[test]
fn a_data_dir_in_the_file_is_where_the_database_goes() {
    let sb = Sandbox::new();
    let dir = sb.dir.path().join("from-the-file");
    write_config(
        &sb,
        &format!(
            "data_dir = {}\noffline = true\n",
            toml_string(&dir.display().to_string())
        ),
    );
    let o = run(bin(&sb, Keyring::None)
        .env_remove("INTERVIEWER_DATA_DIR")
        .args(["ask", "Hi"]));
    assert!(
        o.status.success(),
        "offline = true needs no key: {}",
        stderr_of(&o)
    );
    assert!(dir.join("interviewer.db").is_file());
    assert!(!sb.data_dir().join("interviewer.db").exists());
}

fn toml_string(s: &str) -> String {
    format!("'{s}'")
}

#[test]
fn a_malformed_file_stops_every_command_with_its_path_and_line() {
    let sb = Sandbox::new();
    write_config(&sb, "model = \"m\"\n\n[interview]\nquestions = \"five\"\n");
    let path = config_file(&sb).display().to_string();
    for args in [
        &["list"][..],
        &["config", "show"],
        &["--offline", "ask", "Hi"],
    ] {
        let o = run(bin(&sb, Keyring::None).args(args));
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr_of(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&path) && err.contains("line 4") && err.contains("interview.questions"),
            "{err}"
        );
    }

    write_config(&sb, "model = \"unterminated\n");
    let o = run(bin(&sb, Keyring::None).arg("list"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr_of(&o).contains("line 1"), "{}", stderr_of(&o));

    // `config path` still answers, so the user can find the file.
    let o = run(bin(&sb, Keyring::None).args(["config", "path"]));
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_eq!(stdout_of(&o), format!("{path}\n"));
}

#[test]
fn unknown_keys_are_a_warning_naming_the_key() {
    let sb = Sandbox::new();
    write_config(
        &sb,
        "model = \"m\"\nmodle = \"typo\"\n[theme]\nacent = \"red\"\n",
    );
    let o = run(bin(&sb, Keyring::None).arg("list"));
    assert!(o.status.success(), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    let path = config_file(&sb).display().to_string();
    assert_eq!(
        err,
        format!(
            "warning: unknown key `modle` in {path}, line 2 (ignored; see docs/configuration.md)\n\
             warning: unknown key `theme.acent` in {path}, line 4 (ignored; see docs/configuration.md)\n"
        )
    );
}

#[test]
fn no_color_and_the_theme_show_in_config_show() {
    let sb = Sandbox::new();
    write_config(&sb, "[theme]\naccent = \"#ff8800\"\n");
    let o = run(bin(&sb, Keyring::None).args(["config", "show"]));
    let out = stdout_of(&o);
    assert!(out.contains("accent = \"#ff8800\""), "{out}");
    assert!(out.contains("color = true"), "{out}");
    let o = run(bin(&sb, Keyring::None)
        .env("NO_COLOR", "1")
        .args(["config", "show"]));
    let out = stdout_of(&o);
    assert!(out.contains("color = false"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("[theme]") && l.ends_with("# environment NO_COLOR")),
        "{out}"
    );
}

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn the_config_file_defaults_to_the_os_config_dir() {
    let sb = Sandbox::new();
    let o = run(bin(&sb, Keyring::None)
        .env_remove("INTERVIEWER_CONFIG")
        .args(["config", "path"]));
    assert_eq!(
        stdout_of(&o),
        format!(
            "{}\n",
            sb.dir
                .path()
                .join("xdg-config/interviewer/config.toml")
                .display()
        )
    );
}

#[test]
fn the_key_appears_nowhere_after_a_session() {
    let sb = Sandbox::new();
    write_config(
        &sb,
        &format!(
            "api_base = \"{}\"\nmodel = \"gpt-4o-mini\"\n[interview]\nrole = \"Backend engineer\"\n",
            sb.mock.base_url()
        ),
    );
    let with_key = || {
        let mut cmd = bin(&sb, Keyring::None);
        cmd.env("OPENAI_API_KEY", KEY);
        cmd
    };
    let mut outputs = Vec::new();
    sb.mock
        .push(Reply::text("Tell me about a project you led."));
    outputs.push(run(with_key().args(["ask", "Hello, let's start"])));
    sb.mock.push(Reply::text("What would you do differently?"));
    outputs.push(run(with_key().args([
        "ask",
        "--conversation",
        "1",
        "I led a migration.",
    ])));
    // A server that rejects the key and echoes it back, as some proxies do.
    sb.mock.push(Reply::status(
        401,
        &format!("Incorrect API key provided: {KEY}"),
    ));
    outputs.push(run(with_key().args([
        "ask",
        "--conversation",
        "1",
        "Hello?",
    ])));
    assert_eq!(outputs[2].status.code(), Some(1));
    for args in [
        &["list", "--json"][..],
        &["show", "1", "--format", "json"],
        &["export", "1", "--format", "md"],
        &["key", "status"],
        &["config", "show"],
    ] {
        outputs.push(run(with_key().args(args)));
    }
    assert!(outputs[0].status.success(), "{}", stderr_of(&outputs[0]));
    assert!(outputs[1].status.success(), "{}", stderr_of(&outputs[1]));
    // The key did go where it belongs.
    let auth = format!("Bearer {KEY}");
    assert!(
        sb.mock
            .chat_requests()
            .iter()
            .all(|r| r.header("authorization") == Some(auth.as_str()))
    );
    assert!(sb.data_dir().join("interviewer.db").is_file());
    assert_key_nowhere(&sb, &outputs);
}

/// `key set`, `key status`, a run that uses the stored key, and `key delete`,
/// against the sandbox's test store: the same round trip as the real keyring's,
/// on every machine.
#[test]
fn a_stored_key_is_used_by_later_runs_and_can_be_removed() {
    let sb = Sandbox::new();
    round_trip(&sb, Keyring::File);
}

/// The same round trip through a real Secret Service. It replaces and finally
/// deletes the `interviewer`/`openai` entry of whatever keyring it reaches, so it
/// runs only when asked for (`cargo test -- --ignored`) and refuses to run without
/// `INTERVIEWER_REAL_KEYRING=1`, which says the session is a throwaway one:
/// `.ci/run` provides both (see docs/testing.md).
#[test]
#[ignore = "needs a throwaway Secret Service session: .ci/run runs it with INTERVIEWER_REAL_KEYRING=1"]
fn real_secret_service_round_trip() {
    assert_eq!(
        std::env::var("INTERVIEWER_REAL_KEYRING").as_deref(),
        Ok("1"),
        "this test overwrites and deletes the keyring entry of the session it runs in: \
         run it through .ci/run, or in a throwaway session with INTERVIEWER_REAL_KEYRING=1 \
         as docs/testing.md describes"
    );
    let sb = Sandbox::new();
    round_trip(&sb, Keyring::Real);
}

fn round_trip(sb: &Sandbox, keyring: Keyring) {
    let real = || bin(sb, keyring);
    let name = keyring_name();

    let o = run(real().args(["key", "status"]));
    let out = stdout_of(&o);
    assert!(
        o.status.success() && out.contains(" reachable, "),
        "no keyring answers:\n{out}\n\
         run `.ci/run`, or this test alone in a throwaway session as described in \
         docs/configuration.md (\"Testing against a real keyring\"); it needs the \
         Debian/Ubuntu packages dbus-daemon and gnome-keyring"
    );
    let mut outputs = vec![o];

    // A clean start whatever an earlier run left.
    assert!(run(real().args(["key", "delete"])).status.success());

    let o = run(real()
        .args(["key", "set"])
        .write_stdin(format!("  {KEY}\n")));
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_eq!(
        stdout_of(&o),
        format!(
            "API key …WXYZ stored in the OS keyring ({name}, service \"interviewer\", user \"openai\")\n"
        )
    );
    if keyring == Keyring::File {
        // Stored as typed, trimmed, and nowhere else (assert_key_nowhere below).
        assert_eq!(
            std::fs::read_to_string(sb.stored_key_file()).expect("the stored key"),
            KEY
        );
    }
    outputs.push(o);

    let o = run(real().args(["key", "status"]));
    assert_eq!(
        stdout_of(&o),
        format!(
            "key:     …WXYZ from the OS keyring ({name})\nkeyring: {name} reachable, key stored\n"
        )
    );
    outputs.push(o);

    // A later run with no environment variable uses the stored key.
    sb.mock.push(Reply::text("Hello from the mock."));
    let o = run(real()
        .env("OPENAI_BASE_URL", sb.mock.base_url())
        .args(["ask", "Hi"]));
    assert!(o.status.success(), "{}", stderr_of(&o));
    let auth = format!("Bearer {KEY}");
    assert_eq!(
        sb.mock.chat_requests()[0].header("authorization"),
        Some(auth.as_str())
    );
    outputs.push(o);

    // The environment still wins over the keyring.
    sb.mock.push(Reply::text("Hello again."));
    let o = run(real()
        .env("OPENAI_BASE_URL", sb.mock.base_url())
        .env("OPENAI_API_KEY", "sk-from-the-environment-0000")
        .args(["ask", "--conversation", "1", "Hi again"]));
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_eq!(
        sb.mock.chat_requests()[1].header("authorization"),
        Some("Bearer sk-from-the-environment-0000")
    );
    let o = run(real()
        .env("OPENAI_API_KEY", "sk-from-the-environment-0000")
        .args(["key", "status"]));
    assert!(
        stdout_of(&o).contains("…WXYZ stored (unused while OPENAI_API_KEY is set)"),
        "{}",
        stdout_of(&o)
    );
    outputs.push(o);
    outputs.push(run(real().args(["config", "show"])));

    assert_key_nowhere(sb, &outputs);

    let o = run(real().args(["key", "delete"]));
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_eq!(
        stdout_of(&o),
        format!("API key removed from the OS keyring ({name})\n")
    );
    if keyring == Keyring::File {
        assert!(!sb.stored_key_file().exists());
    }
    let o = run(real().args(["key", "delete"]));
    assert!(o.status.success(), "deleting nothing exits 0");
    assert!(stdout_of(&o).contains("nothing to remove"));
    let o = run(real()
        .env("OPENAI_BASE_URL", support::REMOTE_API_BASE)
        .args(["ask", "Hi"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr_of(&o).contains("no API key"), "{}", stderr_of(&o));
}

/// `key set` at a terminal: a prompt that does not echo what is typed, and Esc
/// cancels. The keyring is unreachable, so a typed key is refused after the prompt
/// (which shows the prompt read it); the real keyring test covers storing.
#[cfg(unix)]
#[test]
fn key_set_at_a_terminal_prompts_without_echo() {
    let sb = Sandbox::new();

    let (code, screen) = key_set_in_pty(&sb, &format!("{KEY}\r"));
    assert_eq!(code, 1, "{screen}");
    assert!(screen.contains("input hidden"), "{screen}");
    assert!(
        screen.contains("the key was not stored: no OS keyring is reachable"),
        "{screen}"
    );
    assert!(
        !screen.contains(KEY) && !screen.contains("4f1c9b7e2d8a"),
        "echoed: {screen}"
    );

    let (code, screen) = key_set_in_pty(&sb, "sk-typed-then-\u{1b}");
    assert_eq!(code, 130, "{screen}");
    assert!(screen.contains("cancelled; nothing was stored"), "{screen}");
    assert!(!screen.contains("sk-typed"), "echoed: {screen}");
}

/// Runs `key set` on a pseudo-terminal, types `input` once the prompt is shown, and
/// returns the exit code and everything the terminal showed.
#[cfg(unix)]
fn key_set_in_pty(sb: &Sandbox, input: &str) -> (u32, String) {
    let mut cmd = sb.bare_pty_cmd();
    cmd.args(["key", "set"]);
    cmd.env("INTERVIEWER_CONFIG", config_file(sb));
    cmd.env("INTERVIEWER_DATA_DIR", sb.data_dir());
    cmd.env("INTERVIEWER_KEYRING", "none");
    let mut run = support::PtyRun::start(cmd, 200, 24);
    run.wait_for("input hidden");
    run.send(input);
    let (code, shown) = run.finish();
    (code, String::from_utf8_lossy(&shown).into_owned())
}
