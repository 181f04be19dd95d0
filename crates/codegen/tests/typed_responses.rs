//! The typed responses (hand-written serde types, mapped to endpoints by the generator) agree
//! with `schema.json`: the spec's example answers deserialize into them, and every field they
//! emit is a property of the spec's response type. Skipped when the specification is absent.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap};

use es_client::types::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

struct Spec {
    types: HashMap<(String, String), Value>,
}

impl Spec {
    fn load() -> Option<Spec> {
        let path = es_codegen::spec_dir().join("schema.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("SKIP: no specification at {}", path.display());
            return None;
        };
        let root: Value = serde_json::from_str(&text).unwrap();
        let types = root["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    (
                        t["name"]["namespace"].as_str().unwrap().to_string(),
                        t["name"]["name"].as_str().unwrap().to_string(),
                    ),
                    t.clone(),
                )
            })
            .collect();
        Some(Spec { types })
    }

    fn ty(&self, ns: &str, name: &str) -> Option<&Value> {
        self.types.get(&(ns.to_string(), name.to_string()))
    }

    fn response(&self, endpoint: &str) -> &Value {
        let ns = if endpoint.contains('.') {
            endpoint.to_string()
        } else {
            format!("_global.{endpoint}")
        };
        self.ty(&ns, "Response")
            .unwrap_or_else(|| panic!("no response type for {endpoint}"))
    }

    /// Property names of an interface, inherited ones included.
    fn props(&self, t: &Value, out: &mut BTreeSet<String>) {
        for p in t["properties"].as_array().into_iter().flatten() {
            out.insert(p["name"].as_str().unwrap().to_string());
            for a in p["aliases"].as_array().into_iter().flatten() {
                out.insert(a.as_str().unwrap().to_string());
            }
        }
        if let Some(parent) = t["inherits"]["type"].as_object() {
            if let Some(pt) = self.ty(
                parent["namespace"].as_str().unwrap(),
                parent["name"].as_str().unwrap(),
            ) {
                self.props(pt, out);
            }
        }
    }

    /// The top-level shape of a response body: `Props(names)` or `Dict(value type)`.
    fn body_shape(&self, endpoint: &str) -> Shape {
        let body = &self.response(endpoint)["body"];
        match body["kind"].as_str() {
            Some("properties") => {
                let mut names = BTreeSet::new();
                self.props(body, &mut names);
                Shape::Props(names)
            }
            Some("value") => self.value_shape(&body["value"]),
            _ => Shape::Other,
        }
    }

    fn value_shape(&self, v: &Value) -> Shape {
        match v["kind"].as_str() {
            Some("instance_of") => {
                let t = self.ty(
                    v["type"]["namespace"].as_str().unwrap(),
                    v["type"]["name"].as_str().unwrap(),
                );
                match t {
                    Some(t) if t["kind"] == "interface" => {
                        let mut names = BTreeSet::new();
                        self.props(t, &mut names);
                        Shape::Props(names)
                    }
                    Some(t) if t["kind"] == "type_alias" => self.value_shape(&t["type"]),
                    _ => Shape::Other,
                }
            }
            Some("dictionary_of") => Shape::Dict(Box::new(self.value_shape(&v["value"]))),
            _ => Shape::Other,
        }
    }

    fn examples(&self, endpoint: &str) -> Vec<Value> {
        self.response(endpoint)["examples"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(_, e)| {
                e["value"]
                    .as_str()
                    .and_then(|v| serde_json::from_str(v).ok())
            })
            .collect()
    }
}

#[derive(Debug)]
enum Shape {
    Props(BTreeSet<String>),
    Dict(Box<Shape>),
    Other,
}

/// Every key `ours` emits at the top level (or one level down for dictionaries) is in `shape`.
fn keys_within(endpoint: &str, ours: &Value, shape: &Shape) {
    match (ours, shape) {
        (Value::Object(m), Shape::Props(names)) => {
            for k in m.keys() {
                assert!(
                    names.contains(k),
                    "{endpoint}: field `{k}` is not in the spec's response ({names:?})"
                );
            }
        }
        (Value::Object(m), Shape::Dict(inner)) => {
            for v in m.values() {
                keys_within(endpoint, v, inner);
            }
        }
        _ => {}
    }
}

fn check<T: DeserializeOwned + Serialize>(
    spec: &Spec,
    endpoint: &str,
    synthesized: Value,
) -> usize {
    let shape = spec.body_shape(endpoint);
    let mut samples = spec.examples(endpoint);
    let from_examples = samples.len();
    if samples.is_empty() {
        samples.push(synthesized);
    }
    for sample in samples {
        let typed: T = serde_json::from_value(sample.clone())
            .unwrap_or_else(|e| panic!("{endpoint}: cannot read {sample}: {e}"));
        let back = serde_json::to_value(&typed).unwrap();
        let back = strip_nulls(back);
        keys_within(endpoint, &back, &shape);
    }
    from_examples
}

fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

#[test]
fn typed_responses_agree_with_the_specification() {
    let Some(spec) = Spec::load() else { return };
    let shards = json!({"total": 1, "successful": 1, "failed": 0});
    let mut covered = BTreeSet::new();
    let mut examples = 0;
    let mut run = |name: &str, n: usize| {
        covered.insert(name.to_string());
        examples += n;
    };
    for ep in ["index", "create", "update", "delete"] {
        run(ep, check::<WriteResponse>(&spec, ep, json!({})));
    }
    run("get", check::<GetResponse>(&spec, "get", json!({})));
    run(
        "mget",
        check::<MgetResponse>(
            &spec,
            "mget",
            json!({"docs": [{"_index": "i", "_id": "1", "found": true, "_source": {}}]}),
        ),
    );
    let search = json!({"took": 1, "timed_out": false, "_shards": shards, "hits": {"hits": []}});
    run(
        "search",
        check::<SearchResponse>(&spec, "search", search.clone()),
    );
    let mut scroll = search.clone();
    scroll["_scroll_id"] = json!("abc");
    run("scroll", check::<SearchResponse>(&spec, "scroll", scroll));
    run(
        "msearch",
        check::<MsearchResponse>(&spec, "msearch", json!({"took": 1, "responses": [search]})),
    );
    run("bulk", check::<BulkResponse>(&spec, "bulk", json!({})));

    let facts = es_codegen::facts::ClientFacts::load(&es_codegen::facts::facts_path()).unwrap();
    let mapped: BTreeSet<String> = facts.typed_responses.keys().cloned().collect();
    assert_eq!(covered, mapped, "every typed endpoint is checked");
    eprintln!(
        "{} typed endpoints checked; {examples} spec examples read",
        covered.len()
    );
}
