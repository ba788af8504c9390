//! Claims of the README and docs/ that no other test checked, each through the real
//! binary: shell completions, the default data directory, an export interrupted
//! half-way, and in the terminal interface a key pasted on the welcome screen, the
//! OSC 52 copy, `$EDITOR` with arguments, and `NO_COLOR`.

mod support;

use support::OutputWithin;

use support::{stderr_of, stdout_of};

use std::time::{Duration, Instant};

use support::mock_openai::Reply;
use support::{PtyRun, Sandbox};

const ENTER: &str = "\r";
const BACKTAB: &str = "\x1b[Z";
const CTRL_C: &str = "\x03";
const CTRL_E: &str = "\x05";

/// `completions bash` prints a script that bash accepts and that registers a
/// completion function for `interviewer` offering the subcommands.
#[cfg(unix)]
#[test]
fn completions_bash_registers_a_completion_for_interviewer() {
    let sb = Sandbox::new();
    let o = sb
        .bare_std_cmd()
        .args(["completions", "bash"])
        .output_within();
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    let script = stdout_of(&o);
    for sub in ["ask", "list", "export", "import", "key", "config", "report"] {
        assert!(script.contains(sub), "no {sub:?} in:\n{script}");
    }
    let Ok(bash) = which("bash") else {
        support::prerequisite_missing(
            "completions_bash_registers_a_completion_for_interviewer",
            "no bash to load the script",
        );
        return;
    };
    let path = sb.write_file("interviewer.bash", &script);
    // Load it, then ask bash what completes `interviewer`, and complete `interviewer ex`.
    let probe = format!(
        "source {path} || exit 9; complete -p interviewer || exit 8; \
         COMP_WORDS=(interviewer ex); COMP_CWORD=1; COMP_LINE='interviewer ex'; COMP_POINT=14; \
         f=$(complete -p interviewer | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p'); \"$f\" interviewer ex interviewer; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path = path.display()
    );
    let o = std::process::Command::new(bash)
        .args(["--norc", "--noprofile", "-c", &probe])
        .output()
        .expect("bash");
    let out = stdout_of(&o);
    assert!(stderr_of(&o).is_empty(), "{out}{}", stderr_of(&o));
    assert!(out.contains("-F _interviewer interviewer"), "{out}");
    assert!(out.lines().any(|l| l == "export"), "{out}");
}

fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .ok_or(())
}

/// With neither `--data-dir` nor `INTERVIEWER_DATA_DIR`, the data goes to the OS
/// data directory (`$XDG_DATA_HOME/interviewer` on Linux), and a later run finds it
/// there.
#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn the_default_data_directory_is_the_os_one() {
    let sb = Sandbox::new();
    let xdg = sb.dir.path().join("xdg-data-home");
    let run = |args: &[&str]| {
        sb.bare_std_cmd()
            .env("XDG_DATA_HOME", &xdg)
            .args(args)
            .output_within()
    };
    let o = run(&["--offline", "ask", "Hello from the default place"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    let db = xdg.join("interviewer").join("interviewer.db");
    assert!(db.is_file(), "no database at {}", db.display());
    assert!(
        !sb.data_dir().exists(),
        "nothing goes to the sandbox's --data-dir"
    );
    let o = run(&["list", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let o = run(&["config", "show"]);
    assert!(
        stdout_of(&o).contains(&xdg.join("interviewer").display().to_string()),
        "{}",
        stdout_of(&o)
    );
}

/// docs/export.md: "`-o FILE` writes to a temporary file beside FILE and renames it
/// into place when complete, so an interrupted export never leaves half a file".
/// The export is killed (`kill -9`) while its temporary file is being written: FILE
/// still holds the earlier export, whole.
#[cfg(unix)]
#[test]
fn an_export_killed_half_way_leaves_the_earlier_file_whole() {
    let sb = Sandbox::new();
    let o = sb
        .std_cmd()
        .args([
            "generate-fixture",
            "--conversations",
            "1000",
            "--messages",
            "100",
        ])
        .output_within();
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    let out = sb.dir.path().join("exports").join("all.json");
    std::fs::create_dir_all(out.parent().expect("parent")).expect("mkdir");
    let earlier = "[\n{\"an\": \"earlier export\"}\n]\n";
    std::fs::write(&out, earlier).expect("earlier export");

    let mut child = sb
        .std_cmd()
        .args(["export", "--all", "--format", "json", "-o"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn export");
    // The temporary file: `.all.json.<random>.tmp` beside FILE.
    let dir = out.parent().expect("parent").to_path_buf();
    let temp_written = || {
        std::fs::read_dir(&dir).expect("ls").any(|e| {
            let e = e.expect("entry");
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(".all.json.")
                && name.ends_with(".tmp")
                && e.metadata().is_ok_and(|m| m.len() > 0)
        })
    };
    // Kill it once the new export has begun: its temporary file has some of it in
    // it or, were it written in place, FILE has changed already.
    let file_changed = || std::fs::read_to_string(&out).map_or(true, |now| now != earlier);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if temp_written() || file_changed() {
            break;
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            panic!(
                "the export ended ({status}) before it could be interrupted; \
                 it should take longer with this many conversations"
            );
        }
        assert!(
            Instant::now() < deadline,
            "the export never started writing"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().expect("kill -9");
    child.wait().expect("wait");
    assert_eq!(
        std::fs::read_to_string(&out).expect("FILE"),
        earlier,
        "FILE holds the earlier export, not half of the new one"
    );

    // Run again to the end: FILE is replaced by the whole export.
    let o = sb
        .std_cmd()
        .args(["export", "--all", "--format", "json", "-o"])
        .arg(&out)
        .output_within();
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    let all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("FILE")).expect("JSON");
    assert_eq!(all.as_array().map(Vec::len), Some(1000));
}

// ----- the terminal interface --------------------------------------------------------

/// A key pasted on the first-run welcome screen is stored in the keyring (here the
/// sandbox's test store, `INTERVIEWER_KEYRING=file:…`) and used for the interview
/// at once; the next start finds it there and shows no welcome screen.
#[test]
fn a_key_pasted_on_the_welcome_screen_is_stored_and_used() {
    const KEY: &str = "sk-pasted-on-welcome-0123456789WXYZ";
    let sb = Sandbox::new();
    let mut cmd = sb.pty_cmd();
    cmd.env_remove("OPENAI_API_KEY");
    // The mock is on this machine, so the session starts online without a key;
    // the server wants one after all, and its 401 opens the key dialog.
    sb.mock.push(Reply::status(401, "Missing API key"));
    let mut tui = PtyRun::start(cmd, 100, 30);
    tui.wait_for_screen("Your answer");
    tui.send("Hi");
    tui.send(ENTER);
    tui.wait_for_screen("API key rejected");
    assert_eq!(
        sb.mock.chat_requests()[0].header("authorization"),
        None,
        "no key, no Authorization header"
    );
    // A terminal's bracketed paste.
    tui.send(&format!("\x1b[200~{KEY}\x1b[201~"));
    tui.send(ENTER);
    // The status line says where the key went.
    tui.wait_for_screen("saved in the OS keyring");
    assert_eq!(
        std::fs::read_to_string(sb.stored_key_file()).expect("the stored key"),
        KEY
    );
    sb.mock
        .push(Reply::text("Tell me about a project you led."));
    tui.send("Hello");
    tui.send(ENTER);
    tui.wait_for_screen("Tell me about a project you led.");
    tui.send(CTRL_C);
    let (code, _) = tui.finish();
    assert_eq!(code, 0);
    let auth = format!("Bearer {KEY}");
    assert_eq!(
        sb.mock.chat_requests()[1].header("authorization"),
        Some(auth.as_str())
    );

    // The next start reads it from the keyring.
    let mut cmd = sb.pty_cmd();
    cmd.env_remove("OPENAI_API_KEY");
    let mut tui = PtyRun::start(cmd, 100, 30);
    tui.wait_for_screen("Your answer");
    assert!(!tui.screen().screen().contents().contains("Welcome"));
    sb.mock.push(Reply::text("Second reply."));
    tui.send("Again");
    tui.send(ENTER);
    tui.wait_for_screen("Second reply.");
    tui.send(CTRL_C);
    assert_eq!(tui.finish().0, 0);
    assert_eq!(
        sb.mock.chat_requests()[2].header("authorization"),
        Some(auth.as_str())
    );
}

/// `y` copies the last reply to the terminal's clipboard with OSC 52: the sequence
/// carries the reply, base64-encoded.
#[test]
fn y_copies_the_last_reply_with_osc_52() {
    use base64::Engine as _;
    let sb = Sandbox::new();
    let mut cmd = sb.pty_cmd();
    cmd.arg("--offline");
    let mut tui = PtyRun::start(cmd, 100, 30);
    tui.wait_for_screen("Your answer");
    tui.send("Hello");
    tui.send(ENTER);
    tui.wait_for_screen("Question 1 of");
    tui.send(BACKTAB); // from the input to the messages
    tui.send("y");
    tui.wait_for_screen("copied");
    tui.send(CTRL_C);
    let (code, seen) = tui.finish();
    assert_eq!(code, 0);
    let reply = sb
        .messages(1)
        .into_iter()
        .rev()
        .find(|m| m.role == "assistant")
        .expect("a reply")
        .content;
    let expected = format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(reply.as_bytes())
    );
    let seen = String::from_utf8_lossy(&seen);
    assert!(
        seen.contains(&expected),
        "no OSC 52 with the reply ({expected:?}) in the output"
    );
}

/// `$EDITOR` may carry arguments ("code --wait"): Ctrl+E runs the program with them
/// and the draft's file last, and what the editor wrote becomes the draft.
#[cfg(unix)]
#[test]
fn ctrl_e_runs_the_editor_with_its_arguments() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let editor = sb.write_file(
        "fake-editor",
        "#!/bin/sh\n\
         [ \"$1\" = --wait ] && [ \"$2\" = -n ] || exit 3\n\
         printf 'written by the editor' > \"$3\"\n",
    );
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut cmd = sb.pty_cmd();
    cmd.arg("--offline");
    cmd.env("EDITOR", format!("{} --wait -n", editor.display()));
    let mut tui = PtyRun::start(cmd, 100, 30);
    tui.wait_for_screen("Your answer");
    tui.send("typed first");
    tui.wait_for_screen("typed first");
    tui.send(CTRL_E);
    tui.wait_for_screen("written by the editor");
    tui.send(ENTER);
    tui.wait_for_screen("Question 1 of");
    tui.send(CTRL_C);
    assert_eq!(tui.finish().0, 0);
    assert_eq!(sb.messages(1)[0].content, "written by the editor");
}

/// `NO_COLOR` (any non-empty value) turns every colour off in the terminal
/// interface; without it the same screen has colours.
#[test]
fn no_color_turns_every_colour_off_in_the_interface() {
    let colours = |no_color: bool| {
        let sb = Sandbox::new();
        let mut cmd = sb.pty_cmd();
        cmd.arg("--offline");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let mut tui = PtyRun::start(cmd, 100, 30);
        tui.wait_for_screen("Your answer");
        tui.send("Hello");
        tui.send(ENTER);
        tui.wait_for_screen("Question 1 of");
        let parser = tui.screen();
        let screen = parser.screen();
        let mut coloured = Vec::new();
        for row in 0..30 {
            for col in 0..100 {
                if let Some(cell) = screen.cell(row, col)
                    && (cell.fgcolor() != vt100::Color::Default
                        || cell.bgcolor() != vt100::Color::Default)
                {
                    coloured.push((row, col, cell.contents().to_string()));
                }
            }
        }
        tui.send(CTRL_C);
        assert_eq!(tui.finish().0, 0);
        coloured
    };
    assert!(
        !colours(false).is_empty(),
        "without NO_COLOR the screen has colours"
    );
    let with = colours(true);
    assert!(with.is_empty(), "coloured cells with NO_COLOR: {with:?}");
}
