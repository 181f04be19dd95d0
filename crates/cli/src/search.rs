//! `es search`.

use serde_json::{json, Value};

use crate::Failure;

/// What `search`, `count` and `dump` read: an index and a query.
#[derive(clap::Args, Debug)]
pub struct Target {
    /// Index, alias or pattern.
    pub index: String,
    /// Lucene query string (`title:rust AND year:>2020`).
    #[arg(short, long)]
    pub query: Option<String>,
    /// Search body (with a `query`) as JSON, or `@file.json`.
    #[arg(long)]
    pub body: Option<String>,
}

/// Arguments of `es search`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    target: Target,
    /// Hits to print.
    #[arg(short = 'n', long, default_value_t = 10)]
    size: i64,
    /// A table of these `_source` fields (dotted paths; `_id`, `_index`, `_score` too)
    /// instead of JSON lines.
    #[arg(long, value_delimiter = ',')]
    fields: Vec<String>,
}

/// The value at a dotted path of a hit, as table text.
fn cell(hit: &Value, path: &str) -> String {
    let v = if path.starts_with('_') {
        hit.get(path)
    } else {
        path.split('.').try_fold(&hit["_source"], |v, k| v.get(k))
    };
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Reads `--body`: inline JSON or `@path`.
pub fn read_body(arg: &str) -> Result<Value, Failure> {
    let text = match arg.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read {path}: {e}")))?,
        None => arg.to_string(),
    };
    serde_json::from_str(&text).map_err(|e| Failure::usage(format!("--body is not JSON: {e}")))
}

/// Prints each hit as a JSON line; the total and timing go to stderr.
pub async fn run(profile: &str, args: Args) -> Result<(), Failure> {
    let client = es_connections::client(profile)?;
    let body = match &args.target.body {
        Some(b) => read_body(b)?,
        None => json!({}),
    };
    let mut call = client
        .search()
        .index(args.target.index.as_str())
        .size(args.size)
        .body(&body);
    if let Some(q) = &args.target.query {
        call = call.q(q.as_str());
    }
    let res = call.send().await?;
    let hits: Vec<Value> = res
        .hits
        .hits
        .iter()
        .map(|hit| json!({"_index": hit.index, "_id": hit.id, "_score": hit.score, "_source": hit.source}))
        .collect();
    if args.fields.is_empty() {
        for h in &hits {
            out!("{h}");
        }
    } else {
        print_dynamic_table(&args.fields, &hits);
    }
    let total = res.hits.total.as_ref().map_or("?".to_string(), |t| {
        format!("{}{}", t.value, if t.relation == "gte" { "+" } else { "" })
    });
    eprintln!(
        "{} hit(s) shown, {total} in total, {} ms",
        res.hits.hits.len(),
        res.took
    );
    Ok(())
}

/// A table with the given columns (upper-cased headers).
fn print_dynamic_table(fields: &[String], hits: &[Value]) {
    let headers: Vec<String> = fields.iter().map(|f| f.to_uppercase()).collect();
    crate::health::print_rows(
        &headers,
        hits.iter()
            .map(|h| fields.iter().map(|f| cell(h, f)).collect()),
    );
}
