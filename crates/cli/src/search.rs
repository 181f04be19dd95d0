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

/// A table with the given columns (upper-cased headers), widths fitted to the cells.
fn print_dynamic_table(fields: &[String], hits: &[Value]) {
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| fields.iter().map(|f| cell(h, f)).collect())
        .collect();
    let mut widths: Vec<usize> = fields.iter().map(|f| f.len()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out!("{}", padded.join("  ").trim_end());
    };
    line(fields.iter().map(|f| f.to_uppercase()).collect());
    for r in rows {
        line(r);
    }
}
