//! `es search`.

use serde_json::{json, Value};

use crate::Failure;

/// Arguments of `es search`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Index, alias or pattern.
    index: String,
    /// Lucene query string (`title:rust AND year:>2020`).
    #[arg(short, long)]
    query: Option<String>,
    /// Search body as JSON, or `@file.json`.
    #[arg(long)]
    body: Option<String>,
    /// Hits to print.
    #[arg(short = 'n', long, default_value_t = 10)]
    size: i64,
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
    let body = match &args.body {
        Some(b) => read_body(b)?,
        None => json!({}),
    };
    let mut call = client
        .search()
        .index(args.index.as_str())
        .size(args.size)
        .body(&body);
    if let Some(q) = &args.query {
        call = call.q(q.as_str());
    }
    let res = call.send().await?;
    for hit in &res.hits.hits {
        out!(
            "{}",
            json!({"_index": hit.index, "_id": hit.id, "_score": hit.score, "_source": hit.source})
        );
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
