//! Every request example of the specification whose body holds a query, aggregations, sort,
//! highlight, suggest, knn, collapse, mappings or a whole search body is parsed into the
//! generated types and written back: the JSON must be equal (numbers compared by value —
//! `1` and `1.0` are one number to Elasticsearch; a property alias counts as its name; a
//! shortcut such as `{"term": {"f": "x"}}` equals its full form; a mapping property's default
//! `"type": "object"` may be left out). Skipped, loudly, without the specification.

#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use es_types::{aggregations, common, mapping, query_dsl, search};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn spec() -> Option<Value> {
    let dir = std::env::var_os("ES_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec"));
    match std::fs::read_to_string(dir.join("schema.json")) {
        Ok(t) => Some(serde_json::from_str(&t).unwrap()),
        Err(_) => {
            eprintln!(
                "SKIP: no specification at {} (set ES_SPEC_DIR)",
                dir.display()
            );
            None
        }
    }
}

/// What the comparison must know from the specification.
struct Rules {
    aliases: HashMap<String, String>,
    shortcuts: HashSet<String>,
    /// Enum value aliases (`"1d"` → `"day"`): a value is written back by its name.
    values: HashMap<String, String>,
}

impl Rules {
    fn new(spec: &Value) -> Rules {
        let mut aliases = HashMap::new();
        let mut names = HashSet::new();
        let mut shortcuts = HashSet::new();
        let mut values = HashMap::new();
        for t in spec["types"].as_array().unwrap() {
            for m in t["members"].as_array().into_iter().flatten() {
                for a in m["aliases"].as_array().into_iter().flatten() {
                    values.insert(
                        a.as_str().unwrap().to_string(),
                        m["name"].as_str().unwrap().to_string(),
                    );
                }
            }
            if let Some(s) = t["shortcutProperty"].as_str() {
                shortcuts.insert(s.to_string());
            }
            for p in t["properties"].as_array().into_iter().flatten() {
                names.insert(p["name"].as_str().unwrap().to_string());
                for a in p["aliases"].as_array().into_iter().flatten() {
                    aliases.insert(
                        a.as_str().unwrap().to_string(),
                        p["name"].as_str().unwrap().to_string(),
                    );
                }
            }
        }
        // An alias that is some other property's own name is not renamed.
        aliases.retain(|a, _| !names.contains(a));
        Rules {
            aliases,
            shortcuts,
            values,
        }
    }

    fn canon(&self, v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, v)| !(k.as_str() == "type" && v.as_str() == Some("object")))
                    .map(|(k, v)| {
                        (
                            self.aliases.get(k).cloned().unwrap_or_else(|| k.clone()),
                            self.canon(v),
                        )
                    })
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.canon(x)).collect()),
            Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
            Value::String(s) => {
                Value::String(self.values.get(s).cloned().unwrap_or_else(|| s.clone()))
            }
            other => other.clone(),
        }
    }

    fn eq(&self, a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .all(|(k, v)| y.get(k).is_some_and(|w| self.eq(v, w)))
                    || self.short(a, b)
                    || self.short(b, a)
            }
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(v, w)| self.eq(v, w))
            }
            (Value::Object(_), _) => self.short(a, b),
            (_, Value::Object(_)) => self.short(b, a),
            _ => a == b,
        }
    }

    /// `{"value": x}` (a shortcut property alone) equals `x`.
    fn short(&self, full: &Value, short: &Value) -> bool {
        match full.as_object() {
            Some(m) if m.len() == 1 => {
                let (k, v) = m.iter().next().unwrap();
                self.shortcuts.contains(k) && self.eq(v, short)
            }
            _ => false,
        }
    }
}

fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    rules: &Rules,
    v: &Value,
) -> Result<(), String> {
    let parsed: T = es_types::from_value(v.clone()).map_err(|e| format!("parse: {e}"))?;
    let back = serde_json::to_value(&parsed).unwrap();
    if !rules.eq(&rules.canon(v), &rules.canon(&back)) {
        return Err(format!("differs:\n  in:  {v}\n  out: {back}"));
    }
    let again: T = es_types::from_value(back).map_err(|e| format!("re-parse: {e}"))?;
    if again != parsed {
        return Err("re-parsed value differs".into());
    }
    Ok(())
}

/// The typed pieces of a request body, chosen by the type the specification declares for
/// each body property: `(what, result)` per piece found.
fn pieces(rules: &Rules, request: &Value, body: &Value) -> Vec<(String, Result<(), String>)> {
    let mut out = Vec::new();
    let Some(m) = body.as_object() else {
        return out;
    };
    let declared = |name: &str| -> Option<(String, String)> {
        let p = request["body"]["properties"].as_array()?.iter().find(|p| {
            p["name"] == name
                || p["aliases"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == name))
        })?;
        let mut t = &p["type"];
        // `T | T[]` and dictionaries: the value type names the piece.
        if t["kind"] == "union_of" {
            t = &t["items"][0];
        }
        let dict = t["kind"] == "dictionary_of";
        if dict {
            t = &t["value"];
        }
        let name = t["type"]["name"].as_str()?.to_string();
        Some((name, if dict { "map".into() } else { String::new() }))
    };
    // A whole search body.
    if matches!(
        request["name"]["namespace"].as_str(),
        Some("_global.search" | "async_search.submit")
    ) {
        out.push((
            "search body".into(),
            round_trip::<search::SearchRequestBody>(rules, body),
        ));
        return out;
    }
    for (k, v) in m {
        let Some((ty, shape)) = declared(k) else {
            continue;
        };
        let r = match (ty.as_str(), shape.as_str()) {
            ("QueryContainer", "") => round_trip::<query_dsl::QueryContainer>(rules, v),
            ("AggregationContainer", "map") => round_trip::<
                std::collections::BTreeMap<String, aggregations::AggregationContainer>,
            >(rules, v),
            ("SortCombinations" | "Sort", _) => round_trip::<common::Sort>(rules, v),
            ("Highlight", "") => round_trip::<search::Highlight>(rules, v),
            ("Suggester", "") => round_trip::<search::Suggester>(rules, v),
            ("FieldCollapse", "") => round_trip::<search::FieldCollapse>(rules, v),
            ("KnnSearch", "") => round_trip::<es_types::OneOrMany<common::KnnSearch>>(rules, v),
            ("TypeMapping", "") => round_trip::<mapping::TypeMapping>(rules, v),
            ("Property", "map") => {
                round_trip::<std::collections::BTreeMap<String, mapping::Property>>(rules, v)
            }
            _ => continue,
        };
        out.push((k.clone(), r));
    }
    out
}

/// Examples the specification ships that its own types declare invalid, with the reason.
const SPEC_INVALID: &[(&str, &str)] = &[(
    "SearchRequestExample3",
    "slice.id is an `Id` (a string) in the specification; the example gives the number 0",
)];

#[test]
fn every_yaml_suite_request_body_piece_round_trips() {
    let Some(spec) = spec() else { return };
    let rules = Rules::new(&spec);
    let dir = std::env::var_os("ES_CLIENTS_TESTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/clients-tests/tests")
        });
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
                files.push(p);
            }
        }
    }
    if files.is_empty() {
        eprintln!(
            "SKIP: no YAML suite at {} (set ES_CLIENTS_TESTS)",
            dir.display()
        );
        return;
    }
    let requests: HashMap<&str, &Value> = spec["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let name = e["name"].as_str()?;
            let req = spec["types"]
                .as_array()?
                .iter()
                .find(|t| t["name"] == e["request"])?;
            Some((name, req))
        })
        .collect();
    let mut bodies = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let Ok(docs) = yaml_rust2::YamlLoader::load_from_str(&text) else {
            continue;
        };
        let name = f.strip_prefix(&dir).unwrap_or(f).display().to_string();
        for d in &docs {
            yaml_bodies(&yaml_to_json(d), &name, &mut bodies);
        }
    }
    let (mut ok, mut failed) = (0, Vec::new());
    for (file, api, body) in &bodies {
        let Some(req) = requests.get(api.as_str()) else {
            continue;
        };
        for (what, r) in pieces(&rules, req, body) {
            match r {
                Ok(()) => ok += 1,
                Err(why) => failed.push(format!("{file} {api} {what}: {why}")),
            }
        }
    }
    let total = ok + failed.len();
    println!("YAML suite request-body pieces: {ok} of {total} round-trip");
    for f in &failed {
        println!("  FAIL {f}");
    }
    assert!(total >= 30, "the pieces were found ({total})");
    assert!(
        failed.is_empty(),
        "{} of {total} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

fn yaml_to_json(y: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::Real(r) => r
            .parse::<f64>()
            .map(|f| serde_json::json!(f))
            .unwrap_or(Value::Null),
        Yaml::Integer(i) => serde_json::json!(i),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(yaml_to_json).collect()),
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| {
                    let k = match k {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(i) => i.to_string(),
                        Yaml::Boolean(b) => b.to_string(),
                        other => format!("{other:?}"),
                    };
                    (k, yaml_to_json(v))
                })
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// Every `do: {<api>: {body: {...}}}` of the YAML suite: `(file, api, body)`.
fn yaml_bodies(v: &Value, file: &str, out: &mut Vec<(String, String, Value)>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(call)) = m.get("do") {
                for (api, args) in call {
                    if let Some(body) = args.get("body").filter(|b| b.is_object()) {
                        out.push((file.to_string(), api.clone(), body.clone()));
                    }
                }
            }
            m.values().for_each(|x| yaml_bodies(x, file, out));
        }
        Value::Array(a) => a.iter().for_each(|x| yaml_bodies(x, file, out)),
        _ => {}
    }
}

#[test]
fn every_spec_request_example_round_trips() {
    let Some(spec) = spec() else { return };
    let rules = Rules::new(&spec);
    let (mut ok, mut invalid, mut failed) = (0, 0, Vec::new());
    for t in spec["types"].as_array().unwrap() {
        if t["name"]["name"] != "Request" {
            continue;
        }
        let endpoint = t["name"]["namespace"].as_str().unwrap();
        for (name, e) in t["examples"].as_object().into_iter().flatten() {
            let Some(Ok(body)) = e["value"].as_str().map(serde_json::from_str::<Value>) else {
                continue;
            };
            for (what, r) in pieces(&rules, t, &body) {
                match r {
                    Ok(()) => ok += 1,
                    Err(_) if SPEC_INVALID.iter().any(|(n, _)| n == name) => invalid += 1,
                    Err(why) => failed.push(format!("{endpoint} {name} {what}: {why}")),
                }
            }
        }
    }
    let total = ok + invalid + failed.len();
    println!("spec request examples: {ok} of {total} pieces round-trip ({invalid} invalid by the spec's own types)");
    for f in &failed {
        println!("  FAIL {f}");
    }
    assert!(total >= 30, "the examples were found ({total})");
    assert!(
        failed.is_empty(),
        "{} of {total} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The aggregation requests of every request example, by name (to read the results of the
/// response examples by the kind that asked for them).
fn requested_aggregations(spec: &Value) -> HashMap<String, aggregations::AggregationContainer> {
    fn walk(v: &Value, out: &mut HashMap<String, aggregations::AggregationContainer>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "aggs" || k == "aggregations" {
                        for (name, a) in x.as_object().into_iter().flatten() {
                            if let Ok(a) = es_types::from_value(a.clone()) {
                                out.insert(name.clone(), a);
                            }
                        }
                    }
                    walk(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = HashMap::new();
    for t in spec["types"].as_array().unwrap() {
        if t["kind"] != "request" {
            continue;
        }
        for e in t["examples"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(_, e)| e)
        {
            if let Some(Ok(body)) = e["value"].as_str().map(serde_json::from_str::<Value>) {
                walk(&body, &mut out);
            }
        }
    }
    out
}

#[test]
fn every_aggregate_of_the_spec_response_examples_reads_typed() {
    let Some(spec) = spec() else { return };
    let rules = Rules::new(&spec);
    let requests = requested_aggregations(&spec);
    let (mut ok, mut failed) = (0, Vec::new());
    for t in spec["types"].as_array().unwrap() {
        if t["kind"] != "response" {
            continue;
        }
        let endpoint = t["name"]["namespace"].as_str().unwrap();
        for (name, e) in t["examples"].as_object().into_iter().flatten() {
            let Some(Ok(body)) = e["value"].as_str().map(serde_json::from_str::<Value>) else {
                continue;
            };
            // Search-shaped answers: `aggregations` at the top or under `response` (async).
            let Some(results) = [&body["aggregations"], &body["response"]["aggregations"]]
                .into_iter()
                .find(|v| v.is_object())
            else {
                continue;
            };
            let mut aggs: es_types::Aggregations = serde_json::from_value(results.clone()).unwrap();
            let asked = results
                .as_object()
                .unwrap()
                .keys()
                .filter_map(|n| requests.get(n).map(|r| (n.clone(), r.clone())))
                .collect();
            aggs.resolve(&asked);
            for n in aggs.names().map(str::to_owned).collect::<Vec<_>>() {
                let back = aggs
                    .get(&n)
                    .map(|a| a.map(|a| serde_json::to_value(a).unwrap()));
                match back {
                    Ok(Some(v)) if rules.eq(&results[&n], &v) => ok += 1,
                    other => failed.push(format!("{endpoint} {name} {n}: {other:?}")),
                }
            }
        }
    }
    let total = ok + failed.len();
    println!("spec response examples: {ok} of {total} aggregation results read typed");
    assert!(total >= 2, "the examples were found ({total})");
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
