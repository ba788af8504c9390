//! Benchmark: full-text search over a big database through the library's
//! `Service::search` (what `interviewer search` and the sidebar filter call), next to
//! bare FTS5 queries on the same file: `ORDER BY rank` (what a naive search would do)
//! and the first 50 matches (the floor). When `interviewer search` is built, also the
//! whole command (process start-up, database open, query, JSON out). Then the
//! search-as-you-type case: every prefix of a word, as a filter box sees it typed.
//!
//! ```text
//! cargo run --release --example bench_search -- --bin target/release/interviewer \
//!     --data-dir DIR [--runs 7] [--query WORDS]... [--typed WORD]
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use interviewer::cli::GlobalArgs;
use interviewer::config::Settings;
use interviewer::service::Service;

/// Common words and phrases of interview talk (all present in the fixture's text).
const DEFAULT_QUERIES: &[&str] = &[
    "team",
    "migration",
    "deadline",
    "latency",
    "stakeholders",
    "\"root cause\"",
    "\"feature flag\"",
    "\"read replica\"",
    "customer contract",
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let bin = PathBuf::from(flag("--bin").context("--bin PATH")?);
    let data_dir = PathBuf::from(flag("--data-dir").context("--data-dir DIR")?);
    let runs: usize = flag("--runs").map_or(Ok(7), |v| v.parse())?;
    let mut queries: Vec<String> = args
        .windows(2)
        .filter(|w| w[0] == "--query")
        .map(|w| w[1].clone())
        .collect();
    if queries.is_empty() {
        queries = DEFAULT_QUERIES.iter().map(|q| q.to_string()).collect();
    }
    let typed = flag("--typed").unwrap_or_else(|| "stakeholders".into());

    let service = Service::open(Settings::resolve(&GlobalArgs {
        data_dir: Some(data_dir.clone()),
        ..GlobalArgs::default()
    })?)?;
    let cli_built = search_cli(&bin, &data_dir, "team").is_ok();
    let db = rusqlite::Connection::open_with_flags(
        data_dir.join("interviewer.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let total: i64 = db.query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?;
    println!("full-text search over {total} messages, median of {runs} runs per query:");
    println!(
        "  {:<24} {:>9} {:>12} {:>12} {:>12} {:>12}",
        "query", "matches", "fts5 rank", "fts5 first50", "search()", "search cli"
    );
    let mut lib_all = Vec::new();
    let mut cli_all = Vec::new();
    for q in &queries {
        let matches: i64 = db.query_row(
            "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?1",
            [q],
            |r| r.get(0),
        )?;
        let ranked = median_ms(&mut time_n(runs, || {
            fts(&db, q, "ORDER BY rank LIMIT 50").map(|_| ())
        })?);
        let first = median_ms(&mut time_n(runs, || fts(&db, q, "LIMIT 50").map(|_| ()))?);
        let mut lib = time_n(runs, || search_lib(&service, q))?;
        let lib_ms = median_ms(&mut lib);
        lib_all.extend(lib);
        let cli = if cli_built {
            let mut cli = time_n(runs, || search_cli(&bin, &data_dir, q))?;
            let ms = median_ms(&mut cli);
            cli_all.extend(cli);
            format!("{ms:>9.1} ms")
        } else {
            format!("{:>12}", "not built")
        };
        println!("  {q:<24} {matches:>9} {ranked:>9.1} ms {first:>9.1} ms {lib_ms:>9.1} ms {cli}");
    }
    println!(
        "  median over all queries, search(): {:.1} ms  (target < 50 ms)",
        median_ms(&mut lib_all)
    );
    if cli_built {
        println!(
            "  median over all queries, search cli: {:.1} ms",
            median_ms(&mut cli_all)
        );
    }

    println!(
        "search as you type {typed:?} (search() of a prefix query per key), median of {runs}:"
    );
    let mut worst: f64 = 0.0;
    for end in 1..=typed.chars().count() {
        let prefix: String = typed.chars().take(end).collect();
        let q = format!("{prefix}*");
        let ms = median_ms(&mut time_n(runs, || search_lib(&service, &q))?);
        worst = worst.max(ms);
        println!("  {q:<24} {ms:>7.1} ms");
    }
    println!("  slowest key: {worst:.1} ms");
    Ok(())
}

/// The bare FTS5 query: matching message ids, with `tail` (ranking, limit).
fn fts(db: &rusqlite::Connection, q: &str, tail: &str) -> Result<Vec<i64>> {
    let sql = format!("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 {tail}");
    let mut stmt = db.prepare_cached(&sql)?;
    let ids = stmt
        .query_map([q], |r| r.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(ids)
}

/// What the sidebar filter and `interviewer search` ask for: the best 50 conversations.
fn search_lib(service: &Service, q: &str) -> Result<()> {
    let hits = service.search(q, 50)?;
    ensure!(!hits.is_empty(), "no hits for {q:?}");
    Ok(())
}

fn search_cli(bin: &Path, data_dir: &Path, q: &str) -> Result<()> {
    let out = Command::new(bin)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["search", q, "--json"])
        .env_remove("OPENAI_API_KEY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()?;
    ensure!(
        out.status.success(),
        "search {q:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// One warm-up, then `n` timed runs.
fn time_n(n: usize, mut f: impl FnMut() -> Result<()>) -> Result<Vec<Duration>> {
    f()?;
    (0..n)
        .map(|_| {
            let start = Instant::now();
            f().map(|()| start.elapsed())
        })
        .collect()
}

fn median_ms(samples: &mut [Duration]) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}
