//! Every request and response example of the specification read into its endpoint's
//! generated type: the request body type for request examples, the response type for
//! response examples. Examples that are themselves wrong (they contradict the specification
//! they ship in) are listed in `endpoint_examples_wrong.txt` with what is wrong; any other
//! failure, and any listed example that now parses, fails the test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

type Parse = fn(&str) -> Result<(), String>;

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<(), String> {
    es_types::from_json::<T>(text)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

macro_rules! table {
    ($($name:literal => [$($req:ty)?] [$($resp:ty)?];)*) => {
        fn parsers() -> BTreeMap<&'static str, (Option<Parse>, Option<Parse>)> {
            let mut m: BTreeMap<&'static str, (Option<Parse>, Option<Parse>)> = BTreeMap::new();
            $(
                let req: Option<Parse> = None $(.or(Some(parse::<$req> as Parse)))?;
                let resp: Option<Parse> = None $(.or(Some(parse::<$resp> as Parse)))?;
                m.insert($name, (req, resp));
            )*
            m
        }
    };
}
es_types::endpoint_types!(table);

fn spec_path() -> Option<PathBuf> {
    let dir = std::env::var_os("ES_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec"));
    let p = dir.join("schema.json");
    p.exists().then_some(p)
}

/// JSON text, or NDJSON lines read as an array (bulk, msearch bodies).
fn as_json(text: &str) -> Option<String> {
    if serde_json::from_str::<Value>(text).is_ok() {
        return Some(text.to_string());
    }
    let lines: Result<Vec<Value>, _> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str::<Value>)
        .collect();
    lines.ok().map(|l| Value::Array(l).to_string())
}

#[test]
fn every_spec_example_reads_into_its_type() {
    let Some(path) = spec_path() else {
        eprintln!(
            "\n\n*** SKIPPED: no schema.json (set ES_SPEC_DIR or put ../shared beside the \
             workspace); the spec examples were NOT checked ***\n"
        );
        return;
    };
    let root: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut owner: BTreeMap<(String, String), (String, &str)> = BTreeMap::new();
    for e in root["endpoints"].as_array().unwrap() {
        let name = e["name"].as_str().unwrap().to_string();
        for side in ["request", "response"] {
            let k = (
                e[side]["namespace"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                e[side]["name"].as_str().unwrap_or_default().to_string(),
            );
            owner.insert(k, (name.clone(), side));
        }
    }
    let wrong_list = include_str!("endpoint_examples_wrong.txt");
    let known_wrong: BTreeSet<&str> = wrong_list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split(" — ").next())
        .map(str::trim)
        .collect();
    let parsers = parsers();
    let (mut tried, mut ok, mut skipped) = (BTreeMap::new(), BTreeMap::new(), 0);
    let mut failures = Vec::new();
    let mut now_fine = Vec::new();
    for t in root["types"].as_array().unwrap() {
        let Some(examples) = t["examples"].as_object() else {
            continue;
        };
        let k = (
            t["name"]["namespace"].as_str().unwrap().to_string(),
            t["name"]["name"].as_str().unwrap().to_string(),
        );
        let Some((endpoint, side)) = owner.get(&k) else {
            continue;
        };
        let Some(&(req, resp)) = parsers.get(endpoint.as_str()) else {
            continue;
        };
        for (ex_name, ex) in examples {
            let Some(text) = ex["value"].as_str() else {
                skipped += 1; // a request without a body
                continue;
            };
            // Error answers are not the endpoint's response type.
            let code = ex["response_code"].as_u64().unwrap_or(200);
            let p = if *side == "request" { req } else { resp };
            let (Some(p), true) = (p, (200..300).contains(&code)) else {
                skipped += 1;
                continue;
            };
            let Some(json) = as_json(text) else {
                skipped += 1; // text answers (cat tables, Prometheus)
                continue;
            };
            *tried.entry(*side).or_insert(0usize) += 1;
            let id = format!("{endpoint} {side} {ex_name}");
            match (p(&json), known_wrong.contains(id.as_str())) {
                (Ok(()), false) => *ok.entry(*side).or_insert(0usize) += 1,
                (Ok(()), true) => now_fine.push(id),
                (Err(_), true) => {}
                (Err(e), false) => failures.push(format!("{id}: {e}")),
            }
        }
    }
    for side in ["request", "response"] {
        eprintln!(
            "{side} examples: {} of {} read into their type",
            ok.get(side).unwrap_or(&0),
            tried.get(side).unwrap_or(&0)
        );
    }
    eprintln!(
        "{} examples without a JSON body skipped; {} listed as wrong",
        skipped,
        known_wrong.len()
    );
    assert!(
        failures.is_empty(),
        "{} examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        now_fine.is_empty(),
        "listed as wrong but parse now: {now_fine:?}"
    );
}
