//! `es dump INDEX`: every matching document as JSON lines, read through a point in time
//! with `search_after` (sliced in parallel with `--slices`), with progress and ETA.

use std::io::Write;
use std::path::PathBuf;

use es_helpers::{scan, ScanOptions};
use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};

use crate::Failure;

/// Arguments of `es dump`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    target: crate::search::Target,
    /// Write to this file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Whole hits (`_index`, `_id`, `_source`), which `es bulk --format hits` loads back
    /// with their ids; default: `_source` only.
    #[arg(long)]
    hits: bool,
    /// Read with this many slices in parallel.
    #[arg(long, default_value_t = 1)]
    slices: u32,
    /// Documents per page.
    #[arg(long, default_value_t = 1000)]
    size: u64,
    /// Do not draw a progress bar.
    #[arg(long)]
    no_progress: bool,
}

fn query_body(args: &Args) -> Result<Value, Failure> {
    Ok(match (&args.target.query, &args.target.body) {
        (Some(q), _) => json!({"query": {"query_string": {"query": q}}}),
        (None, Some(b)) => crate::search::read_body(b)?,
        (None, None) => json!({}),
    })
}

/// Writes the documents; the count goes to stderr. Ctrl-C stops the dump, closes the point
/// in time and fails (exit 1) naming how many documents were written.
pub async fn run(profile: &str, args: Args) -> Result<(), Failure> {
    let client = es_connections::client(profile)?;
    let body = query_body(&args)?;
    if args.slices == 0 || args.size == 0 {
        return Err(Failure::usage("--slices and --size must be at least 1"));
    }
    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(p)
                .map_err(|e| Failure::usage(format!("cannot create {}: {e}", p.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    // The total first, for the progress bar's ETA.
    let mut count = client.count().index(args.target.index.as_str());
    if let Some(q) = body.get("query") {
        count = count.body(&json!({"query": q}));
    }
    let total = u64::try_from(count.send().await?.count).unwrap_or(0);
    let bar = if args.no_progress {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {human_pos}/{human_len} docs  {per_sec}  ETA {eta}  {elapsed_precise}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    };
    let opts = ScanOptions::default()
        .point_in_time()
        .size(args.size)
        .slices(args.slices);
    // Owned (boxed), so dropping it below really ends the scan.
    let mut hits =
        Box::pin(scan::<_, Value>(&client, args.target.index.as_str(), body, opts).send());
    let mut written: u64 = 0;
    let mut interrupted = false;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let result: Result<(), Failure> = loop {
        let next = tokio::select! {
            h = hits.next() => h,
            _ = &mut ctrl_c => { interrupted = true; break Ok(()); }
        };
        let Some(hit) = next else { break Ok(()) };
        let hit = match hit {
            Ok(h) => h,
            Err(e) => break Err(Failure::failed(format!("after {written} documents: {e}"))),
        };
        let line = if args.hits {
            json!({"_index": hit.index, "_id": hit.id, "_source": hit.source})
        } else {
            hit.source.unwrap_or(Value::Null)
        };
        if let Err(e) = serde_json::to_writer(&mut out, &line)
            .map_err(std::io::Error::from)
            .and_then(|_| out.write_all(b"\n"))
        {
            break Err(write_failure(e, written));
        }
        written += 1;
        if written.is_multiple_of(1000) {
            bar.set_position(written);
        }
    };
    bar.finish_and_clear();
    // Releases the point in time before the program exits.
    drop(hits);
    es_helpers::scans_released().await;
    result?;
    out.flush().map_err(|e| write_failure(e, written))?;
    if interrupted {
        return Err(Failure::failed(format!(
            "interrupted: {written} of {total} documents written; the point in time was closed"
        )));
    }
    eprintln!("{written} document(s) written");
    Ok(())
}

fn write_failure(e: std::io::Error, written: u64) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    Failure::failed(format!(
        "cannot write the output after {written} documents: {e}"
    ))
}
