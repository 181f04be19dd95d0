//! `es bulk INDEX FILE`: NDJSON documents, streamed, N requests in flight, with progress.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use es_helpers::{bulk, Action, BulkOptions, BulkSource, IdFromField};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Failure;

/// Arguments of `es bulk`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Target index.
    index: String,
    /// NDJSON file (one document per line); `-` or nothing reads stdin.
    file: Option<PathBuf>,
    /// Take each document's `_id` from this top-level field.
    #[arg(long)]
    id_field: Option<String>,
    /// Documents per request.
    #[arg(long, default_value_t = 1000)]
    chunk_size: usize,
    /// Requests in flight.
    #[arg(long, default_value_t = 2)]
    in_flight: usize,
    /// Do not draw a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Do not refresh the index at the end (documents become searchable at the next refresh).
    #[arg(long)]
    no_refresh: bool,
}

fn reader(file: &Option<PathBuf>) -> Result<Box<dyn BufRead + Send>, Failure> {
    match file {
        Some(p) if p.as_os_str() != "-" => {
            if p.is_dir() {
                return Err(Failure::usage(format!(
                    "{} is a directory, not an NDJSON file",
                    p.display()
                )));
            }
            let f = std::fs::File::open(p)
                .map_err(|e| Failure::usage(format!("cannot open {}: {e}", p.display())))?;
            Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, f)))
        }
        _ => Ok(Box::new(std::io::BufReader::new(std::io::stdin()))),
    }
}

/// One document line: sent as it is, or with its `_id` read from a field (`--id-field`),
/// which es-helpers does in its request tasks, in parallel.
#[derive(Debug)]
enum Line {
    Plain(Bytes),
    WithId(IdFromField),
}

impl BulkSource for Line {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        match self {
            Line::Plain(b) => b.write_json(out),
            Line::WithId(d) => d.write_json(out),
        }
    }
    fn id(&self) -> Result<Option<String>, serde_json::Error> {
        match self {
            Line::Plain(_) => Ok(None),
            Line::WithId(d) => d.id(),
        }
    }
}

/// One action per non-empty line.
fn action(line: Vec<u8>, id_field: Option<&Arc<str>>) -> Action<Line> {
    Action::index(match id_field {
        Some(f) => Line::WithId(IdFromField::new(line, f.clone())),
        None => Line::Plain(Bytes::from(line)),
    })
}

/// Loads the documents; prints a summary; fails if any document was rejected.
pub async fn run(profile: &str, args: Args) -> Result<(), Failure> {
    let client = es_connections::client(profile)?;
    let mut input = reader(&args.file)?;
    let bar = if args.no_progress {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {human_pos} docs  {per_sec}  {elapsed_precise}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    };
    let progress = bar.clone();
    let id_field: Option<Arc<str>> = args.id_field.as_deref().map(Arc::from);
    // A read error ends the input but is reported: it is not the end of the file.
    let read_error: std::sync::Arc<std::sync::Mutex<Option<std::io::Error>>> = Default::default();
    let read_slot = read_error.clone();
    let lines = std::iter::from_fn(move || {
        let mut line = Vec::new();
        loop {
            line.clear();
            match input.read_until(b'\n', &mut line) {
                Ok(0) => return None,
                Err(e) => {
                    *read_slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    return None;
                }
                Ok(_) => {
                    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                        line.pop();
                    }
                    if !line.is_empty() {
                        return Some(action(std::mem::take(&mut line), id_field.as_ref()));
                    }
                }
            }
        }
    });
    let opts = BulkOptions::default()
        .index(args.index.as_str())
        .chunk_size(args.chunk_size)
        .max_in_flight(args.in_flight)
        .raise_on_error(false)
        .on_progress(move |p| {
            progress.set_position(p.done);
            if p.failed > 0 {
                progress.set_message(format!("{} failed", p.failed));
            }
        });
    let summary = bulk(&client, futures_util::stream::iter(lines), opts)
        .send()
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    bar.finish_and_clear();
    if let Some(e) = read_error.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(Failure::failed(format!(
            "reading the input failed after {} documents (those were sent: {} indexed): {e}",
            summary.total, summary.ok
        )));
    }
    if !args.no_refresh {
        client
            .indices()
            .refresh()
            .index(args.index.as_str())
            .send()
            .await?;
    }
    let secs = summary.elapsed.as_secs_f64().max(1e-9);
    out!(
        "indexed {} of {} documents into {} in {:.2}s ({:.0} docs/s, {} requests, {} retries)",
        summary.ok,
        summary.total,
        args.index,
        secs,
        summary.total as f64 / secs,
        summary.requests,
        summary.retried + summary.resent
    );
    if summary.created_by_earlier_attempt > 0 {
        out!(
            "{} document(s) were created by an earlier attempt of a resent request (not conflicts)",
            summary.created_by_earlier_attempt
        );
    }
    if !summary.failed.is_empty() {
        for f in summary.failed.iter().take(10) {
            eprintln!(
                "document {}: status {} {}",
                f.seq + 1,
                f.status,
                f.error.as_ref().map(|e| e.to_string()).unwrap_or_default()
            );
        }
        return Err(Failure::failed(format!(
            "{} document(s) rejected",
            summary.failed.len()
        )));
    }
    Ok(())
}
