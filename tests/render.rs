//! Rendering tests of the TUI's pure pieces: property tests of wrapping and markdown,
//! and `insta` snapshots of each widget drawn into ratatui's `TestBackend`.

use interviewer::tui::render::wrap::{BreakMode, WrapOptions, display_width, wrap_spans};
use interviewer::tui::render::{Theme, markdown_lines, markdown_lines_partial};
use proptest::prelude::*;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

fn line_text(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// Width of a drawn line measured the way ratatui's buffer places it: per grapheme.
fn drawn_width(line: &Line<'_>) -> usize {
    line.spans
        .iter()
        .flat_map(|s| s.content.graphemes(true).collect::<Vec<_>>())
        .map(UnicodeWidthStr::width)
        .sum()
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `output` is `input` with some whitespace characters removed, nothing else changed.
fn only_whitespace_dropped(input: &str, output: &str) -> bool {
    let mut out = output.chars().peekable();
    for c in input.chars() {
        if out.peek() == Some(&c) {
            out.next();
        } else if !c.is_whitespace() {
            return false;
        }
    }
    out.next().is_none()
}

/// Text mixing ASCII words, CJK, emoji (with ZWJ and skin tones), combining marks,
/// tabs and long unbroken runs.
fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z]{1,12}",
        Just(" ".to_string()),
        Just("  ".to_string()),
        Just("\t".to_string()),
        Just("日本語".to_string()),
        Just("한국어".to_string()),
        Just("👨\u{200d}👩\u{200d}👧".to_string()),
        Just("👍🏽".to_string()),
        Just("e\u{301}".to_string()),
        Just("\u{301}".to_string()),
        Just("https://example.com/a/very/long/path?with=query".to_string()),
        "[a-zA-Z0-9/._-]{20,60}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn wrapping_never_exceeds_the_width_and_loses_no_text(
        text in messy_text(),
        width in 0u16..40,
        split in 0usize..40,
        anywhere in any::<bool>(),
    ) {
        // The sanitiser runs before wrapping everywhere; newlines split logical lines.
        let text = interviewer::sanitize::for_terminal_line(&text);
        let cut = text.char_indices().nth(split).map_or(text.len(), |(i, _)| i);
        let spans = [Span::raw(text[..cut].to_string()), Span::styled(text[cut..].to_string(), Style::new().bold())];
        let mode = if anywhere { BreakMode::Anywhere } else { BreakMode::Words };
        let opts = WrapOptions::new(width).mode(mode);
        let lines = wrap_spans(&spans, &opts);
        if width == 0 {
            prop_assert!(lines.is_empty());
            return Ok(());
        }
        for l in &lines {
            prop_assert!(drawn_width(l) <= usize::from(width), "{:?} wider than {}", line_text(l), width);
            prop_assert!(l.width() <= usize::from(width));
        }
        if width >= 2 {
            let out: String = lines.iter().map(line_text).collect();
            prop_assert_eq!(no_space(&out), no_space(&text));
        }
    }

    /// The exact form of "no text lost": with tabs out of the way, breaking anywhere
    /// gives the input back verbatim, and breaking between words gives it back minus
    /// some whitespace (the runs dropped at breaks) and nothing else.
    #[test]
    fn wrapping_drops_only_whitespace_at_breaks(text in messy_text(), width in 2u16..40) {
        let text = interviewer::sanitize::for_terminal_line(&text).replace('\t', " ");
        let words = wrap_spans(&[Span::raw(text.clone())], &WrapOptions::new(width));
        let out: String = words.iter().map(line_text).collect();
        prop_assert!(only_whitespace_dropped(&text, &out), "{:?} -> {:?}", text, out);

        let anywhere = WrapOptions::new(width).mode(BreakMode::Anywhere);
        let out: String = wrap_spans(&[Span::raw(text.clone())], &anywhere).iter().map(line_text).collect();
        prop_assert_eq!(out, text);
    }

    #[test]
    fn hanging_prefixes_never_push_lines_past_the_width(
        text in messy_text(),
        width in 1u16..30,
    ) {
        let text = interviewer::sanitize::for_terminal_line(&text);
        let opts = WrapOptions::new(width).prefixes(
            vec![Span::raw("│ "), Span::raw("12. ")],
            vec![Span::raw("│ "), Span::raw("    ")],
        );
        for l in wrap_spans(&[Span::raw(text)], &opts) {
            prop_assert!(drawn_width(&l) <= usize::from(width));
        }
    }
}

/// Markdown-ish input: structure characters mixed with messy text, cut anywhere (as a
/// stream would cut it).
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        messy_text(),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("**".to_string()),
        Just("*".to_string()),
        Just("_".to_string()),
        Just("`".to_string()),
        Just("\n```\n".to_string()),
        Just("\n```rust\n".to_string()),
        Just("\n- ".to_string()),
        Just("\n  - ".to_string()),
        Just("\n1. ".to_string()),
        Just("\n> ".to_string()),
        Just("\n> > ".to_string()),
        Just("\n---\n".to_string()),
        Just("[link](https://example.com/x)".to_string()),
        Just("![img](a.png)".to_string()),
        Just("\n| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
        Just("- [ ] ".to_string()),
        Just("<b>html</b>".to_string()),
        Just("\u{1b}[31m".to_string()),
    ];
    proptest::collection::vec(piece, 0..25).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn markdown_never_exceeds_the_width(text in markdownish(), width in 0u16..50) {
        let theme = Theme::default();
        for lines in [
            markdown_lines(&text, width, &theme),
            markdown_lines_partial(&text, width, &theme),
        ] {
            for l in &lines {
                prop_assert!(drawn_width(l) <= usize::from(width), "{:?} wider than {}", line_text(l), width);
                for s in &l.spans {
                    prop_assert!(!s.content.contains(['\u{1b}', '\n']), "{:?}", s.content);
                }
            }
        }
    }
}

#[test]
fn display_width_counts_clusters() {
    assert_eq!(display_width("日本"), 4);
    assert_eq!(display_width("e\u{301}"), 1);
    assert_eq!(display_width("ok".bold().content.as_ref()), 2);
}

// ---------------------------------------------------------------------------------
// Snapshots: each widget drawn into ratatui's TestBackend at 80x24 and 50x20, plus
// markdown and the message pane. Symbols only (the backend's Display drops styles).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use interviewer::domain::report::Readiness;
use interviewer::domain::{InterviewType, Message, Role, Status};
use interviewer::tui::render::MessageLayout;
use interviewer::tui::widgets::help::HelpOverlay;
use interviewer::tui::widgets::report_view::{
    CompetencyScore, QuestionFeedback, ReportModel, ReportSource, ReportView,
};
use interviewer::tui::widgets::setup_form::{Field, SetupForm, SetupOutcome, read_setup_files};
use interviewer::tui::widgets::welcome::{KeyStorage, WelcomeReason, WelcomeScreen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

fn draw(width: u16, height: u16, f: impl Fn(Rect, &mut Buffer)) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    term.draw(|frame| {
        let area = frame.area();
        f(area, frame.buffer_mut());
    })
    .expect("draw");
    term
}

const SIZES: [(u16, u16); 3] = [(80, 24), (50, 20), (120, 40)];

/// Draws at every size including degenerate ones (which must not panic) and
/// snapshots the two real sizes.
fn snapshot_sizes(name: &str, f: impl Fn(Rect, &mut Buffer)) {
    for (w, h) in [(1, 1), (2, 3), (10, 4), (20, 5)] {
        draw(w, h, &f);
    }
    for (w, h) in SIZES {
        let term = draw(w, h, &f);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), term.backend());
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn help_overlay_snapshots() {
    // The real key map, as `?` and F1 show it.
    let help = HelpOverlay::for_keymap();
    snapshot_sizes("help", |a, b| help.render(a, b));
}

#[test]
fn welcome_snapshots() {
    let first = WelcomeScreen::new(WelcomeReason::NoKey, KeyStorage::Keyring);
    snapshot_sizes("welcome_first_run", |a, b| first.render(a, b));

    let mut pasted = WelcomeScreen::new(
        WelcomeReason::NoKey,
        KeyStorage::SessionOnly("no Secret Service on D-Bus".into()),
    );
    pasted.handle_paste("sk-proj-abcdefghijklmnop1234\n");
    snapshot_sizes("welcome_pasted_session_only", |a, b| pasted.render(a, b));

    let mut rejected = WelcomeScreen::new(
        WelcomeReason::Rejected("Incorrect API key provided.".into()),
        KeyStorage::Keyring,
    );
    rejected.handle_paste("short");
    rejected.handle_key(key(KeyCode::Enter));
    snapshot_sizes("welcome_rejected_with_error", |a, b| rejected.render(a, b));
}

fn personas() -> Vec<(String, String)> {
    interviewer::domain::persona::PERSONAS
        .iter()
        .map(|p| (p.name.to_string(), p.description.to_string()))
        .collect()
}

#[test]
fn setup_form_snapshots() {
    let empty = SetupForm::new(personas());
    snapshot_sizes("setup_form_empty", |a, b| empty.render(a, b));

    let mut filled = SetupForm::new(personas());
    for c in "Senior backend engineer, payments".chars() {
        filled.handle_key(key(KeyCode::Char(c)));
    }
    filled.handle_key(key(KeyCode::Tab));
    for _ in 0..4 {
        filled.handle_key(key(KeyCode::Right));
    }
    filled.handle_key(key(KeyCode::Tab));
    filled.handle_key(key(KeyCode::Right));
    filled.handle_key(key(KeyCode::Right));
    filled.handle_key(key(KeyCode::Tab));
    filled.handle_key(key(KeyCode::Char('8')));
    filled.handle_key(key(KeyCode::Tab));
    filled.handle_paste("~/jobs/acme-backend.txt");
    filled.handle_key(key(KeyCode::Tab));
    filled.handle_paste("/home/me/a/very/long/path/to/my/documents/cv-2026-final-final.md");
    // The error the form really gets for a path that does not exist.
    let SetupOutcome::Submit(mut draft) = filled.clone().handle_key(key(KeyCode::Enter)) else {
        panic!("the form submits");
    };
    // The job description is read first; this screen shows the CV's error.
    draft.job_description = None;
    let error = read_setup_files(&draft).expect_err("no such file");
    assert_eq!(error.field, Field::Cv);
    filled.set_file_error(&error);
    snapshot_sizes("setup_form_filled_with_error", |a, b| filled.render(a, b));
}

fn sample_report(source: ReportSource) -> ReportModel {
    ReportModel {
        source,
        readiness: Some(Readiness::Almost),
        summary: Some(
            "You tell concrete stories and stay calm under follow-ups. Quantify your results \
             and say what *you* did rather than the team."
                .into(),
        ),
        competencies: vec![
            CompetencyScore {
                name: "Structure (STAR)".into(),
                score: 4.0,
                evidence: "Both main answers had a situation, task, action and result.".into(),
            },
            CompetencyScore {
                name: "Relevance".into(),
                score: 3.5,
                evidence: "The conflict story fit; the failure story drifted.".into(),
            },
            CompetencyScore {
                name: "Evidence and impact".into(),
                score: 2.0,
                evidence: "No numbers: \"it went much faster\".".into(),
            },
            CompetencyScore {
                name: "Communication".into(),
                score: 5.0,
                evidence: "Clear and concise.".into(),
            },
        ],
        questions: vec![
            QuestionFeedback {
                question: "Tell me about a time you disagreed with a colleague.".into(),
                answer_summary: Some(
                    "A disagreement about shipping without load tests; the team decided to test."
                        .into(),
                ),
                strengths: vec!["A specific situation with stakes".into()],
                improvements: vec![
                    "Say what you did: \"we decided\" hides your part".into(),
                    "End with the result and what you learned".into(),
                ],
                better_answer: Some(
                    "In my last role our lead wanted to ship without load tests. I ran a one-day \
                     test that found a 3x slowdown at peak; we fixed it and launched a week later \
                     with zero incidents."
                        .into(),
                ),
                ..Default::default()
            },
            QuestionFeedback {
                question: "Describe a project that failed.".into(),
                answer_summary: None,
                strengths: vec![],
                improvements: vec!["Pick a failure you owned".into()],
                better_answer: None,
                ..Default::default()
            },
        ],
        top_improvements: vec![
            "Quantify results: time saved, money, users, incidents".into(),
            "Use \"I\" for your actions".into(),
        ],
        study_plan: vec![
            "Write three STAR stories with numbers".into(),
            "Practise the failure question twice more".into(),
        ],
        raw_text: None,
    }
}

#[test]
fn report_view_snapshots() {
    let model = ReportView::new(
        sample_report(ReportSource::Model(Some("gpt-4o-mini".into()))),
        "Backend engineer · behavioural",
    );
    snapshot_sizes("report_model", |a, b| model.render(a, b));

    let heuristic = ReportView::new(sample_report(ReportSource::Heuristic), "Offline practice");
    let term = draw(50, 20, |a, b| heuristic.render(a, b));
    insta::assert_snapshot!("report_heuristic_50x20", term.backend());

    let mut scrolled = ReportView::new(sample_report(ReportSource::Heuristic), "Offline practice");
    draw(80, 24, |a, b| scrolled.render(a, b));
    scrolled.handle_key(key(KeyCode::PageDown));
    let term = draw(80, 24, |a, b| scrolled.render(a, b));
    insta::assert_snapshot!("report_heuristic_scrolled_80x24", term.backend());

    let raw = ReportView::new(
        ReportModel::raw(
            ReportSource::Model(None),
            "Sure! Here is your feedback:\n{\"readiness\": \"ready\", \"scores\": [",
        ),
        "Backend engineer",
    );
    snapshot_sizes("report_raw", |a, b| raw.render(a, b));
    assert_eq!(InterviewType::ALL.len(), 5);
}

const MARKDOWN_SAMPLE: &str = r#"# Feedback so far

You gave a **clear** answer with *one* weak spot: the result. See [STAR](https://en.wikipedia.org/wiki/Situation,_task,_action,_result).

## Next question

1. Tell me about a time you had to learn something quickly.
2. What did you do first, and what would you do differently with hindsight?
   - think about `deadlines`
   - and people

> A good answer names the skill, the deadline, and what changed because you learned it.

```python
def handle(request):
    return {"status": "ok", "items": [item.to_dict() for item in request.items if item.visible]}
```

---

| Competency | Score |
|---|---|
| Structure | 4 |

日本語の文章も折り返します。👨‍👩‍👧 emoji stay whole.
"#;

fn markdown_screen(text: &str, width: u16, height: u16) -> Terminal<TestBackend> {
    let lines = markdown_lines(text, width, &Theme::default());
    draw(width, height, |a, b| {
        use ratatui::widgets::Widget;
        Paragraph::new(lines.clone()).render(a, b);
    })
}

#[test]
fn markdown_snapshots() {
    insta::assert_snapshot!(
        "markdown_60",
        markdown_screen(MARKDOWN_SAMPLE, 60, 40).backend()
    );
    insta::assert_snapshot!(
        "markdown_30",
        markdown_screen(MARKDOWN_SAMPLE, 30, 60).backend()
    );
}

#[test]
fn streaming_markdown_grows_without_rewriting_what_is_shown() {
    // Render every prefix of the sample as a stream would; the lines of each block that
    // is finished (all but the last two lines) never change afterwards.
    let theme = Theme::no_color();
    let text: Vec<char> = MARKDOWN_SAMPLE.chars().collect();
    let mut previous: Vec<String> = Vec::new();
    let mut changed_earlier = 0;
    for n in 1..=text.len() {
        let prefix: String = text[..n].iter().collect();
        let lines: Vec<String> = markdown_lines_partial(&prefix, 60, &theme)
            .iter()
            .map(line_text)
            .collect();
        let stable = previous.len().saturating_sub(3);
        if lines.len() < stable || lines[..stable] != previous[..stable] {
            changed_earlier += 1;
        }
        previous = lines;
    }
    // A few changes are legitimate (a line becoming a heading when `#` turns into `# `,
    // a table forming from its delimiter row); whole-message flicker would be hundreds.
    assert!(
        changed_earlier < 15,
        "{changed_earlier} earlier-line changes"
    );
}

fn message(id: i64, role: Role, status: Status, content: &str) -> Message {
    Message {
        id,
        conversation_id: 1,
        role,
        content: content.to_string(),
        status,
        created_at: 1_764_050_000_000 + id * 60_000,
        error: None,
        prompt_tokens: None,
        completion_tokens: None,
        model: None,
        reasoning: None,
    }
}

#[test]
fn message_pane_snapshots() {
    let mut interrupted = message(
        3,
        Role::Assistant,
        Status::Interrupted,
        "Thanks. Next: **describe a project that failed** and what you",
    );
    interrupted.error = Some("the connection dropped; press Ctrl+R to retry".into());
    let messages = vec![
        message(
            1,
            Role::Assistant,
            Status::Complete,
            "Hello! Let's start.\n\n1. Tell me about yourself.\n2. Why this role?",
        ),
        message(
            2,
            Role::User,
            Status::Complete,
            "I'm a backend engineer with 6 years in payments.\nI like hard problems.",
        ),
        interrupted,
        message(
            4,
            Role::User,
            Status::Complete,
            "Sure: our migration to a new ledger slipped by two months.",
        ),
        message(
            5,
            Role::Assistant,
            Status::Streaming,
            "What did *you* do when it slipped?\n\n```\nplan = ",
        ),
    ];
    for (w, h) in [(60, 30), (40, 12), (1, 1)] {
        let mut layout = MessageLayout::new(Theme::default());
        let view = layout.view(&messages, w, h);
        let term = draw(w, h, |a, b| {
            use ratatui::widgets::Widget;
            Paragraph::new(view.lines.clone()).render(a, b);
        });
        if w > 1 {
            insta::assert_snapshot!(format!("message_pane_{w}x{h}"), term.backend());
        }
    }
}
