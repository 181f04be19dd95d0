//! `es indices [PATTERN]`: health, status, documents and size of each index.

use serde_json::{json, Value};

use crate::Failure;

/// Arguments of `es indices`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Index pattern (default: every index).
    pattern: Option<String>,
    /// Sort by `name`, `docs` or `size` (largest first for the last two).
    #[arg(long, default_value = "name", value_parser = ["name", "docs", "size"])]
    sort: String,
    /// Include hidden and system indices (names starting with `.`).
    #[arg(long)]
    all: bool,
}

/// Bytes as the server's `_cat` tables print them (`1.2mb`).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["b", "kb", "mb", "gb", "tb"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n}b")
    } else {
        format!("{v:.1}{}", UNITS[u])
    }
}

fn num(v: &Value) -> u64 {
    match v {
        Value::Number(n) => n.as_u64().unwrap_or(0),
        Value::String(s) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

/// Prints the table (or JSON lines with `--json`).
pub async fn run(profile: &str, args: Args, as_json: bool) -> Result<(), Failure> {
    let client = es_connections::client(profile)?;
    let mut call = client
        .cat()
        .indices()
        .param("format", "json")
        .param("bytes", "b")
        .param("h", "health,status,index,docs.count,store.size,pri,rep");
    if let Some(p) = &args.pattern {
        call = call.index(p.as_str());
    }
    if args.all {
        call = call.param("expand_wildcards", "all");
    }
    let rows: Vec<Value> = call.json().await?;
    let mut rows: Vec<(String, String, String, u64, u64, String)> = rows
        .iter()
        .map(|r| {
            let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            (
                s("index"),
                s("health"),
                s("status"),
                num(&r["docs.count"]),
                num(&r["store.size"]),
                format!("{}/{}", s("pri"), s("rep")),
            )
        })
        .filter(|r| args.all || !r.0.starts_with('.'))
        .collect();
    match args.sort.as_str() {
        "docs" => rows.sort_by(|a, b| b.3.cmp(&a.3).then(a.0.cmp(&b.0))),
        "size" => rows.sort_by(|a, b| b.4.cmp(&a.4).then(a.0.cmp(&b.0))),
        _ => rows.sort_by(|a, b| a.0.cmp(&b.0)),
    }
    if as_json {
        for (index, health, status, docs, bytes, shards) in &rows {
            out!(
                "{}",
                json!({"index": index, "health": health, "status": status, "docs": docs,
                       "size_bytes": bytes, "shards": shards})
            );
        }
        return Ok(());
    }
    let table: Vec<[String; 6]> = rows
        .into_iter()
        .map(|(index, health, status, docs, bytes, shards)| {
            [
                health,
                status,
                index,
                docs.to_string(),
                human_bytes(bytes),
                shards,
            ]
        })
        .collect();
    crate::health::print_table(
        &["HEALTH", "STATUS", "INDEX", "DOCS", "SIZE", "PRI/REP"],
        &table,
    );
    Ok(())
}
