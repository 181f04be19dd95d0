//! `es bulk INDEX FILE`: NDJSON, JSON arrays, CSV or dumped hits, streamed, N requests in
//! flight, with progress and ETA; every rejected document goes to a dead-letter file.
//!
//! The input is read on its own thread (so a slow stdin never holds a runtime worker) and
//! handed over in batches; documents are checked where it is cheap (each must look like one
//! JSON object), sent as they are, and validated fully by the server. With `--id-field` the id
//! is read in es-helpers' request tasks, in parallel.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use es_helpers::{bulk, Action, BulkOptions, BulkSource, IdFromField, ItemOutcome, Op};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};

use crate::Failure;

/// Arguments of `es bulk`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Target index.
    index: String,
    /// Input file (`-` or none for stdin).
    file: Option<PathBuf>,
    /// Input format; guessed from the extension (`.json`, `.csv`, else NDJSON).
    #[arg(long, value_parser = ["ndjson", "json", "csv", "hits"])]
    format: Option<String>,
    /// Take each document's `_id` from this top-level field.
    #[arg(long)]
    id_field: Option<String>,
    /// The bulk operation.
    #[arg(long, default_value = "index", value_parser = ["index", "create", "update", "delete"])]
    op: String,
    /// Ingest pipeline.
    #[arg(long)]
    pipeline: Option<String>,
    /// Documents per request.
    #[arg(long, default_value_t = 1000)]
    chunk_size: usize,
    /// Bytes per request at most.
    #[arg(long, default_value_t = 100 * 1024 * 1024)]
    chunk_bytes: usize,
    /// Requests in flight.
    #[arg(long, default_value_t = 2)]
    in_flight: usize,
    /// Write every rejected document, with its line and error, to this NDJSON file (load it
    /// again, after a fix, with `--format hits`).
    #[arg(long)]
    failed: Option<PathBuf>,
    /// A line that is not a JSON object: `skip` it (reported, and in the dead-letter file)
    /// or `fail` the load (exit 2).
    #[arg(long, default_value = "skip", value_parser = ["skip", "fail"])]
    on_bad_line: String,
    /// Do not draw a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Do not refresh the index at the end (documents become searchable at the next refresh).
    #[arg(long)]
    no_refresh: bool,
}

/// One document: sent as it is, or with its `_id` read from a field in the request tasks.
#[derive(Debug)]
enum Doc {
    Plain(Bytes),
    WithId(IdFromField),
}

impl BulkSource for Doc {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        match self {
            Doc::Plain(b) => b.write_json(out),
            Doc::WithId(d) => d.write_json(out),
        }
    }
    fn id(&self) -> Result<Option<String>, serde_json::Error> {
        match self {
            Doc::Plain(_) => Ok(None),
            Doc::WithId(d) => d.id(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Ndjson,
    Json,
    Csv,
    Hits,
}

fn format_of(arg: Option<&str>, file: Option<&Path>) -> Format {
    match arg {
        Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some("hits") => Format::Hits,
        Some(_) => Format::Ndjson,
        None => match file.and_then(|f| f.extension()).and_then(|e| e.to_str()) {
            Some("json") => Format::Json,
            Some("csv") => Format::Csv,
            _ => Format::Ndjson,
        },
    }
}

/// A line the reader refused, kept for the report and the dead-letter file.
#[derive(Debug)]
struct BadLine {
    line: u64,
    why: String,
    text: String,
}

/// What the reader sends: documents with their line numbers, or the end of the input.
enum Input {
    Docs(Vec<(u64, Action<Doc>)>),
    Bad(BadLine),
    IoError(u64, std::io::Error),
}

/// Counts the bytes read, for the progress bar.
struct Counting<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn open(file: &Option<PathBuf>) -> Result<(Box<dyn Read + Send>, Option<u64>), Failure> {
    match file {
        Some(p) if p.as_os_str() != "-" => {
            if p.is_dir() {
                return Err(Failure::usage(format!(
                    "{} is a directory, not an input file",
                    p.display()
                )));
            }
            let f = std::fs::File::open(p)
                .map_err(|e| Failure::usage(format!("cannot open {}: {e}", p.display())))?;
            let len = f.metadata().ok().map(|m| m.len());
            Ok((Box::new(f), len))
        }
        _ => Ok((Box::new(std::io::stdin()), None)),
    }
}

/// Builds the action of one document (the text of one JSON object).
struct Maker {
    op: Op,
    id_field: Option<Arc<str>>,
}

impl Maker {
    /// The action, or why the text is refused: it must look like one JSON object (a cheap
    /// check; the server validates the rest, per document).
    fn action(&self, text: Bytes, id: Option<String>) -> Result<Action<Doc>, String> {
        {
            let t = text.trim_ascii();
            if !(t.starts_with(b"{") && t.ends_with(b"}")) {
                return Err("not a JSON object".into());
            }
        }
        match self.op {
            Op::Index | Op::Create => {
                let doc = match (&self.id_field, &id) {
                    (Some(f), None) => Doc::WithId(IdFromField::new(text, f.clone())),
                    _ => Doc::Plain(text),
                };
                let a = if self.op == Op::Index {
                    Action::index(doc)
                } else {
                    Action::create(doc)
                };
                Ok(match id {
                    Some(id) => a.id(id),
                    None => a,
                })
            }
            Op::Update | Op::Delete => {
                // Their action lines carry the id: read it here.
                let id = match id {
                    Some(id) => id,
                    None => {
                        let f = self.id_field.as_ref().ok_or("an id is needed")?;
                        IdFromField::new(text.clone(), f.clone())
                            .id()
                            .map_err(|e| e.to_string())?
                            .ok_or_else(|| format!("no `{f}` field for the id"))?
                    }
                };
                if self.op == Op::Delete {
                    return Ok(Action::delete(id));
                }
                let mut body = Vec::with_capacity(text.len() + 8);
                body.extend_from_slice(b"{\"doc\":");
                body.extend_from_slice(&text);
                body.push(b'}');
                Ok(Action::update(id, Doc::Plain(Bytes::from(body))))
            }
        }
    }
}

const BATCH: usize = 1000;

/// Lines read in blocks of 1 MiB, each line a slice of its block (no copy, no allocation per
/// line); a line longer than a block grows it.
struct LineReader<R> {
    inner: R,
    buf: bytes::BytesMut,
    /// How far `buf` is known to have no newline.
    scanned: usize,
    eof: bool,
}

impl<R: Read> LineReader<R> {
    fn new(inner: R) -> Self {
        LineReader {
            inner,
            buf: bytes::BytesMut::with_capacity(1 << 20),
            scanned: 0,
            eof: false,
        }
    }

    /// The next line without its `\n` / `\r\n`; `None` at the end.
    fn next_line(&mut self) -> std::io::Result<Option<Bytes>> {
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.scanned..]) {
                let mut line = self.buf.split_to(self.scanned + i + 1);
                self.scanned = 0;
                line.truncate(line.len() - 1);
                if line.last() == Some(&b'\r') {
                    line.truncate(line.len() - 1);
                }
                return Ok(Some(line.freeze()));
            }
            self.scanned = self.buf.len();
            if self.eof {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                self.scanned = 0;
                return Ok(Some(self.buf.split().freeze()));
            }
            let len = self.buf.len();
            if self.buf.capacity() - len < 64 * 1024 {
                // A fresh block: the old one stays alive only through the lines cut from it.
                self.buf.reserve(1 << 20);
            }
            let cap = self.buf.capacity();
            self.buf.resize(cap, 0);
            match self.inner.read(&mut self.buf[len..]) {
                Ok(0) => {
                    self.buf.truncate(len);
                    self.eof = true;
                }
                Ok(n) => self.buf.truncate(len + n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.buf.truncate(len),
                Err(e) => {
                    self.buf.truncate(len);
                    return Err(e);
                }
            }
        }
    }
}

/// Reads the input on this thread and sends batches until the end, an I/O error, or `stop`.
fn read_input(
    input: Box<dyn Read + Send>,
    bytes: Arc<AtomicU64>,
    format: Format,
    maker: Maker,
    stop: Arc<AtomicBool>,
    tx: tokio::sync::mpsc::Sender<Input>,
) {
    let reader = std::io::BufReader::with_capacity(
        1 << 20,
        Counting {
            inner: input,
            bytes,
        },
    );
    let mut batch = Vec::with_capacity(BATCH);
    let send = |r: Input| tx.blocking_send(r).is_ok();
    let flush = |batch: &mut Vec<(u64, Action<Doc>)>| {
        if batch.is_empty() {
            return true;
        }
        send(Input::Docs(std::mem::replace(
            batch,
            Vec::with_capacity(BATCH),
        )))
    };
    let push = |line: u64, r: Result<Action<Doc>, (String, String)>, batch: &mut Vec<_>| -> bool {
        match r {
            Ok(a) => {
                batch.push((line, a));
                batch.len() < BATCH || flush(batch)
            }
            Err((why, text)) => flush(batch) && send(Input::Bad(BadLine { line, why, text })),
        }
    };
    match format {
        Format::Ndjson | Format::Hits => {
            let mut lines = LineReader::new(reader);
            let mut line_no = 0u64;
            loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let text = match lines.next_line() {
                    Ok(Some(t)) => t,
                    Ok(None) => break,
                    Err(e) => {
                        flush(&mut batch);
                        send(Input::IoError(line_no, e));
                        return;
                    }
                };
                line_no += 1;
                if text.trim_ascii().is_empty() {
                    continue;
                }
                let r = if format == Format::Hits {
                    hit_action(&maker, &text)
                } else {
                    maker
                        .action(text.clone(), None)
                        .map_err(|w| (w, String::from_utf8_lossy(&text).into_owned()))
                };
                if !push(line_no, r, &mut batch) {
                    return;
                }
            }
        }
        Format::Csv => {
            let mut csv = csv::ReaderBuilder::new().from_reader(reader);
            let headers = match csv.headers() {
                Ok(h) => h.clone(),
                Err(e) => {
                    send(Input::IoError(1, std::io::Error::other(e.to_string())));
                    return;
                }
            };
            for (i, record) in csv.records().enumerate() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let line = i as u64 + 2;
                let record = match record {
                    Ok(r) => r,
                    Err(e) if e.is_io_error() => {
                        flush(&mut batch);
                        send(Input::IoError(line, std::io::Error::other(e.to_string())));
                        return;
                    }
                    Err(e) => {
                        if !push(line, Err((e.to_string(), String::new())), &mut batch) {
                            return;
                        }
                        continue;
                    }
                };
                let mut obj = serde_json::Map::new();
                for (h, v) in headers.iter().zip(record.iter()) {
                    if let Some(v) = csv_value(v) {
                        obj.insert(h.to_string(), v);
                    }
                }
                let text = serde_json::to_vec(&Value::Object(obj)).unwrap_or_default();
                let shown = record.iter().collect::<Vec<_>>().join(",");
                if !push(
                    line,
                    maker
                        .action(Bytes::from(text), None)
                        .map_err(|w| (w, shown)),
                    &mut batch,
                ) {
                    return;
                }
            }
        }
        Format::Json => {
            // One array of objects (or one object), read element by element.
            let mut de = serde_json::Deserializer::from_reader(reader);
            let r = serde::Deserializer::deserialize_any(
                &mut de,
                ArrayVisitor {
                    maker: &maker,
                    stop: &stop,
                    on: &mut |i, r| push(i, r, &mut batch),
                },
            );
            if let Err(e) = r {
                flush(&mut batch);
                if e.is_io() {
                    send(Input::IoError(0, std::io::Error::other(e.to_string())));
                } else {
                    send(Input::Bad(BadLine {
                        line: e.line() as u64,
                        why: format!("the JSON input is not an array of objects: {e}"),
                        text: String::new(),
                    }));
                }
                return;
            }
        }
    }
    flush(&mut batch);
}

type Push<'a> = dyn FnMut(u64, Result<Action<Doc>, (String, String)>) -> bool + 'a;

/// Walks a JSON array, element by element (each element's index, from 1, as its "line").
struct ArrayVisitor<'a, 'b> {
    maker: &'a Maker,
    stop: &'a AtomicBool,
    on: &'a mut Push<'b>,
}

impl<'de> serde::de::Visitor<'de> for ArrayVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of JSON objects")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0u64;
        while let Some(v) = seq.next_element::<Value>()? {
            i += 1;
            if self.stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            let text = serde_json::to_vec(&v).unwrap_or_default();
            let r = self
                .maker
                .action(Bytes::from(text), None)
                .map_err(|w| (w, v.to_string()));
            if !(self.on)(i, r) {
                return Ok(());
            }
        }
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        let text = serde_json::to_vec(&v).unwrap_or_default();
        (self.on)(
            1,
            self.maker
                .action(Bytes::from(text), None)
                .map_err(|w| (w, v.to_string())),
        );
        Ok(())
    }
}

use serde::Deserialize as _;

/// A CSV cell as JSON: integers and decimals as numbers, `true`/`false` as booleans, an
/// empty cell left out, anything else a string.
fn csv_value(v: &str) -> Option<Value> {
    if v.is_empty() {
        return None;
    }
    if let Ok(n) = v.parse::<i64>() {
        return Some(json!(n));
    }
    if let Ok(f) = v.parse::<f64>() {
        if f.is_finite() && v.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c)) {
            return Some(json!(f));
        }
    }
    match v {
        "true" => Some(json!(true)),
        "false" => Some(json!(false)),
        _ => Some(json!(v)),
    }
}

/// A line of `es dump --hits` (or of a dead-letter file): its `_source`, and its `_id`.
fn hit_action(maker: &Maker, text: &Bytes) -> Result<Action<Doc>, (String, String)> {
    let shown = || String::from_utf8_lossy(text).into_owned();
    #[derive(serde::Deserialize)]
    struct Hit<'a> {
        #[serde(rename = "_id")]
        id: Option<String>,
        #[serde(rename = "_source", borrow)]
        source: Option<&'a serde_json::value::RawValue>,
    }
    let hit: Hit<'_> =
        serde_json::from_slice(text).map_err(|e| (format!("not a hit: {e}"), shown()))?;
    let source = hit
        .source
        .ok_or_else(|| ("no `_source`".to_string(), shown()))?;
    maker
        // The source is a slice of the line: no copy.
        .action(text.slice_ref(source.get().as_bytes()), hit.id)
        .map_err(|w| (w, shown()))
}

/// The dead-letter file: one NDJSON line per rejected document.
struct DeadLetter {
    out: Option<std::io::BufWriter<std::fs::File>>,
    written: u64,
}

impl DeadLetter {
    fn write(&mut self, v: &Value) -> Result<(), Failure> {
        use std::io::Write;
        if let Some(out) = &mut self.out {
            serde_json::to_writer(&mut *out, v)
                .map_err(std::io::Error::from)
                .and_then(|_| out.write_all(b"\n"))
                .map_err(|e| Failure::failed(format!("cannot write the dead-letter file: {e}")))?;
            self.written += 1;
        }
        Ok(())
    }
}

/// A rejected document as a dead-letter line: `line`, `status`, `error`, and the document
/// as `_id` + `_source` (so `--format hits` loads it back), or its `text` when it is not JSON.
fn dead_line(line: u64, o: &ItemOutcome) -> Value {
    let mut v = json!({"line": line, "status": o.status, "error": o.error});
    if let Some(action) = &o.action {
        let mut lines = action.split(|b| *b == b'\n');
        let meta: Option<Value> = lines.next().and_then(|l| serde_json::from_slice(l).ok());
        let id = meta.as_ref().and_then(|m| {
            m.as_object()
                .and_then(|o| o.values().next())
                .and_then(|x| x.get("_id").cloned())
        });
        if let Some(id) = id {
            v["_id"] = id;
        }
        if let Some(src) = lines.next().filter(|l| !l.is_empty()) {
            match serde_json::from_slice::<Value>(src) {
                Ok(s) => v["_source"] = s,
                Err(_) => v["text"] = json!(String::from_utf8_lossy(src)),
            }
        }
    }
    v
}

/// Positions of the documents in the input: the line of the `seq`-th action.
#[derive(Default)]
struct Lines {
    /// (seq, line) wherever the lines stop being consecutive (blank or refused lines).
    breaks: Vec<(u64, u64)>,
}

impl Lines {
    fn note(&mut self, seq: u64, line: u64) {
        let expected = match self.breaks.last() {
            Some((s, l)) => l + (seq - s),
            None => seq + 1,
        };
        if expected != line {
            self.breaks.push((seq, line));
        }
    }
    fn line_of(&self, seq: u64) -> u64 {
        match self.breaks.partition_point(|(s, _)| *s <= seq) {
            0 => seq + 1,
            i => {
                let (s, l) = self.breaks[i - 1];
                l + (seq - s)
            }
        }
    }
}

/// Loads the documents; prints a summary; fails (exit 1) if any document was rejected, the
/// input could not be read to its end, or Ctrl-C stopped the load.
pub async fn run(profile: &str, args: Args, as_json: bool) -> Result<(), Failure> {
    let client = es_connections::client(profile)?;
    let format = format_of(args.format.as_deref(), args.file.as_deref());
    let (input, size) = open(&args.file)?;
    let op = match args.op.as_str() {
        "create" => Op::Create,
        "update" => Op::Update,
        "delete" => Op::Delete,
        _ => Op::Index,
    };
    if matches!(op, Op::Update | Op::Delete) && args.id_field.is_none() && format != Format::Hits {
        return Err(Failure::usage(format!(
            "--op {} needs ids: --id-field, or --format hits",
            args.op
        )));
    }
    if args.chunk_size == 0 || args.in_flight == 0 || args.chunk_bytes == 0 {
        return Err(Failure::usage(
            "--chunk-size, --chunk-bytes and --in-flight must be at least 1",
        ));
    }
    let mut dead = DeadLetter {
        out: match &args.failed {
            Some(p) => Some(std::io::BufWriter::new(std::fs::File::create(p).map_err(
                |e| Failure::usage(format!("cannot create {}: {e}", p.display())),
            )?)),
            None => None,
        },
        written: 0,
    };
    let fail_on_bad = args.on_bad_line == "fail";

    let bytes = Arc::new(AtomicU64::new(0));
    let bar = if args.no_progress {
        ProgressBar::hidden()
    } else {
        let target = ProgressDrawTarget::stderr();
        match size {
            Some(len) => {
                let bar = ProgressBar::with_draw_target(Some(len), target);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{bar:30} {bytes}/{total_bytes}  {msg}  ETA {eta}  {elapsed_precise}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar
            }
            None => {
                let bar = ProgressBar::with_draw_target(None, target);
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {bytes}  {msg}  {elapsed_precise}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar
            }
        }
    };
    if !args.no_progress {
        bar.enable_steady_tick(Duration::from_millis(200));
    }

    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = tokio::sync::mpsc::channel::<Input>(4);
    let maker = Maker {
        op,
        id_field: args.id_field.as_deref().map(Arc::from),
    };
    let reader = {
        let (bytes, stop) = (bytes.clone(), stop.clone());
        std::thread::spawn(move || read_input(input, bytes, format, maker, stop, tx))
    };

    // Refused lines and read errors, seen while the actions stream out.
    let bad: Arc<Mutex<Vec<BadLine>>> = Arc::default();
    let io_error: Arc<Mutex<Option<(u64, std::io::Error)>>> = Arc::default();
    let lines: Arc<Mutex<Lines>> = Arc::default();
    let (bad_in, io_in, lines_in, stop_in) =
        (bad.clone(), io_error.clone(), lines.clone(), stop.clone());
    let actions = futures_util::stream::unfold((rx, 0u64), move |(mut rx, mut seq)| {
        let (bad_in, io_in, lines_in, stop_in) = (
            bad_in.clone(),
            io_in.clone(),
            lines_in.clone(),
            stop_in.clone(),
        );
        async move {
            loop {
                match rx.recv().await? {
                    Input::Docs(docs) => {
                        let mut l = lines_in.lock().unwrap_or_else(|p| p.into_inner());
                        for (line, _) in &docs {
                            l.note(seq, *line);
                            seq += 1;
                        }
                        drop(l);
                        let batch: Vec<Action<Doc>> = docs.into_iter().map(|(_, a)| a).collect();
                        return Some((futures_util::stream::iter(batch), (rx, seq)));
                    }
                    Input::Bad(b) => {
                        bad_in.lock().unwrap_or_else(|p| p.into_inner()).push(b);
                        if fail_on_bad {
                            stop_in.store(true, Ordering::Relaxed);
                            return None;
                        }
                    }
                    Input::IoError(line, e) => {
                        *io_in.lock().unwrap_or_else(|p| p.into_inner()) = Some((line, e));
                        return None;
                    }
                }
            }
        }
    })
    .flatten();

    let progress = bar.clone();
    let read = bytes.clone();
    let mut opts = BulkOptions::default()
        .index(args.index.as_str())
        .chunk_size(args.chunk_size)
        .max_chunk_bytes(args.chunk_bytes)
        .max_in_flight(args.in_flight)
        .raise_on_error(false)
        .invalid_source_fails_item(!fail_on_bad)
        .on_progress(move |p| {
            progress.set_position(read.load(Ordering::Relaxed));
            let secs = p.elapsed.as_secs_f64().max(1e-3);
            progress.set_message(format!(
                "{} docs  {:.0} docs/s{}",
                p.done,
                p.done as f64 / secs,
                if p.failed > 0 {
                    format!("  {} failed", p.failed)
                } else {
                    String::new()
                }
            ));
        });
    opts.pipeline = args.pipeline.clone();

    // Ctrl-C stops the reading; what was read is sent and answered, then reported.
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let (stop, interrupted) = (stop.clone(), interrupted.clone());
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                interrupted.store(true, Ordering::Relaxed);
                stop.store(true, Ordering::Relaxed);
                eprintln!(
                    "es: stopping: finishing the requests in flight (Ctrl-C again to quit now)"
                );
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        });
    }

    let result = bulk(&client, actions, opts).send().await;
    bar.finish_and_clear();
    let _ = reader.join();
    let summary = match result {
        Ok(s) => s,
        Err(es_helpers::BulkError::Serialize { seq, source }) => {
            let line = lines.lock().unwrap_or_else(|p| p.into_inner()).line_of(seq);
            return Err(Failure::usage(format!("line {line}: {source}")));
        }
        Err(e) => return Err(Failure::failed(e.to_string())),
    };

    let lines = std::mem::take(&mut *lines.lock().unwrap_or_else(|p| p.into_inner()));
    let bad = std::mem::take(&mut *bad.lock().unwrap_or_else(|p| p.into_inner()));
    let mut shown = 0;
    for b in &bad {
        if shown < 10 {
            eprintln!("line {}: {}", b.line, b.why);
            shown += 1;
        }
        let mut v =
            json!({"line": b.line, "status": 0, "error": {"type": "bad_line", "reason": b.why}});
        if !b.text.is_empty() {
            v["text"] = json!(b.text);
        }
        dead.write(&v)?;
    }
    for f in &summary.failed {
        let line = lines.line_of(f.seq);
        if shown < 10 {
            eprintln!(
                "line {line}: status {} {}",
                f.status,
                f.error.as_ref().map(|e| e.to_string()).unwrap_or_default()
            );
            shown += 1;
        }
        dead.write(&dead_line(line, f))?;
    }
    if let Some(out) = &mut dead.out {
        use std::io::Write;
        out.flush()
            .map_err(|e| Failure::failed(format!("cannot write the dead-letter file: {e}")))?;
    }
    if fail_on_bad {
        if let Some(b) = bad.first() {
            return Err(Failure::usage(format!(
                "line {}: {} (stopped; {} documents were indexed before it)",
                b.line, b.why, summary.ok
            )));
        }
    }
    if !args.no_refresh && summary.ok > 0 {
        client
            .indices()
            .refresh()
            .index(args.index.as_str())
            .send()
            .await?;
    }
    let secs = summary.elapsed.as_secs_f64().max(1e-9);
    let rejected = summary.failed.len() + bad.len();
    if as_json {
        out!(
            "{}",
            json!({"index": args.index, "indexed": summary.ok, "total": summary.total + bad.len() as u64,
                   "rejected": rejected, "seconds": secs, "requests": summary.requests,
                   "retries": summary.retried + summary.resent})
        );
    } else {
        out!(
            "indexed {} of {} documents into {} in {:.2}s ({:.0} docs/s, {} requests, {} retries)",
            summary.ok,
            summary.total + bad.len() as u64,
            args.index,
            secs,
            summary.total as f64 / secs,
            summary.requests,
            summary.retried + summary.resent
        );
    }
    if summary.created_by_earlier_attempt > 0 {
        out!(
            "{} document(s) were created by an earlier attempt of a resent request (not conflicts)",
            summary.created_by_earlier_attempt
        );
    }
    if let Some((line, e)) = io_error.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(Failure::failed(format!(
            "reading the input failed after line {line} (what was read was sent: {} indexed): {e}",
            summary.ok
        )));
    }
    if interrupted.load(Ordering::Relaxed) {
        return Err(Failure::failed(format!(
            "interrupted: {} documents acknowledged, the rest of the input was not read",
            summary.ok
        )));
    }
    if rejected > 0 {
        let to = match &args.failed {
            Some(p) => format!("; written to {}", p.display()),
            None => "; --failed FILE keeps them".into(),
        };
        return Err(Failure::failed(format!(
            "{rejected} document(s) rejected{to}"
        )));
    }
    Ok(())
}

use futures_util::StreamExt as _;
