//! Benchmark: drawing a frame of the message pane at 200x50 (ratatui `TestBackend`,
//! so the buffer diff runs as on a terminal) for a conversation of 100 and of 10,000
//! fixture messages, at the bottom, scrolled to the middle, and with an empty layout
//! cache. Equal times for both sizes show that no frame does work proportional to
//! the whole conversation. Target: under 2 ms a frame.
//!
//! `cargo bench --bench render` (scripts/bench.sh runs it).

use std::sync::OnceLock;

use interviewer::domain::Message;
use interviewer::fixture::{FixtureSpec, generate};
use interviewer::store::Store;
use interviewer::tui::render::{MessageLayout, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::widgets::Paragraph;

const WIDTH: u16 = 200;
const HEIGHT: u16 = 50;
const SIZES: [usize; 2] = [100, 10_000];

fn main() {
    divan::main();
}

/// The messages of one fixture conversation of `n` messages (made once per size).
fn conversation(n: usize) -> &'static [Message] {
    static SMALL: OnceLock<Vec<Message>> = OnceLock::new();
    static LARGE: OnceLock<Vec<Message>> = OnceLock::new();
    let cell = if n <= SIZES[0] { &SMALL } else { &LARGE };
    cell.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        generate(dir.path(), &FixtureSpec::new(1, n)).expect("fixture");
        let store = Store::open_in(dir.path()).expect("open fixture");
        let messages = store.messages(1).expect("messages");
        assert_eq!(messages.len(), n);
        messages
    })
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal")
}

/// One frame: the visible lines from the layout, drawn and diffed.
fn frame(term: &mut Terminal<TestBackend>, layout: &mut MessageLayout, messages: &[Message]) {
    term.draw(|f| {
        let area = f.area();
        let view = layout.view(messages, area.width, area.height);
        f.render_widget(Paragraph::new(view.lines), area);
    })
    .expect("draw");
}

/// Following the end of the conversation, layout cached (the steady state).
#[divan::bench(args = SIZES)]
fn at_bottom(bencher: divan::Bencher, n: usize) {
    let messages = conversation(n);
    let mut term = terminal();
    let mut layout = MessageLayout::new(Theme::default());
    frame(&mut term, &mut layout, messages);
    bencher.bench_local(|| frame(&mut term, &mut layout, messages));
}

/// Pinned half-way up the conversation, layout cached there.
#[divan::bench(args = SIZES)]
fn in_the_middle(bencher: divan::Bencher, n: usize) {
    let messages = conversation(n);
    let mut term = terminal();
    let mut layout = MessageLayout::new(Theme::default());
    frame(&mut term, &mut layout, messages);
    layout.scroll_to_top(messages);
    frame(&mut term, &mut layout, messages);
    let total = layout.view(messages, WIDTH, HEIGHT).total_lines;
    layout.scroll_down(messages, total / 2);
    frame(&mut term, &mut layout, messages);
    bencher.bench_local(|| frame(&mut term, &mut layout, messages));
}

/// Scrolling up a page a frame, from the bottom; back to the bottom at the top.
/// Pages not seen before are laid out as they come into view.
#[divan::bench(args = SIZES)]
fn page_up(bencher: divan::Bencher, n: usize) {
    let messages = conversation(n);
    let mut term = terminal();
    let mut layout = MessageLayout::new(Theme::default());
    frame(&mut term, &mut layout, messages);
    bencher.bench_local(|| {
        layout.scroll_up(messages, usize::from(HEIGHT));
        frame(&mut term, &mut layout, messages);
        if layout.view(messages, WIDTH, HEIGHT).at_top {
            layout.scroll_to_bottom();
        }
    });
}

/// Opening the conversation: an empty layout cache, the first frame at the bottom.
#[divan::bench(args = SIZES)]
fn open_cold(bencher: divan::Bencher, n: usize) {
    let messages = conversation(n);
    let mut term = terminal();
    bencher
        .with_inputs(|| MessageLayout::new(Theme::default()))
        .bench_local_refs(|layout| frame(&mut term, layout, messages));
}

/// Jumping to the very top with an empty layout cache (Home right after opening).
#[divan::bench(args = SIZES)]
fn top_cold(bencher: divan::Bencher, n: usize) {
    let messages = conversation(n);
    let mut term = terminal();
    bencher
        .with_inputs(|| MessageLayout::new(Theme::default()))
        .bench_local_refs(|layout| {
            layout.scroll_to_top(messages);
            frame(&mut term, layout, messages);
        });
}
