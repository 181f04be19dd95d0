//! Executes tests: `do` through the generated routing table and the client's transport, then
//! `match`, `is_true`, `is_false`, `length`, `set`, `transform_and_set`, `gt`/`gte`/`lt`/`lte`,
//! `contains`, `exists`, with `$stash` substitution, and a cluster wipe between tests.

use std::collections::HashMap;

use base64::Engine;
use es_client::api::{route, spec, BodyRule};
use es_client::http::{HeaderName, HeaderValue, Method};
use es_client::{Body, Request};
use regex::Regex;
use serde_json::Value;

use crate::suite::TestCase;

/// The result of one test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every step held.
    Pass,
    /// A step failed (why).
    Fail(String),
    /// Not run (why).
    Skip(String),
}

impl Outcome {
    /// `pass`, `fail` or `skip`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail(_) => "fail",
            Outcome::Skip(_) => "skip",
        }
    }
    /// The reason (empty for a pass).
    pub fn reason(&self) -> &str {
        match self {
            Outcome::Pass => "",
            Outcome::Fail(r) | Outcome::Skip(r) => r,
        }
    }
}

/// Features of the YAML format this runner implements (a `skip: features:` naming another
/// one skips the test).
const FEATURES: &[&str] = &[
    "allowed_warnings",
    "allowed_warnings_regex",
    "warnings",
    "warnings_regex",
    "headers",
    "contains",
    "transform_and_set",
    "stash_in_path",
    "stash_in_key",
    "arbitrary_key",
    "catch_unauthorized",
    "default_shards",
    "node_selector",
];

/// Runs tests against one cluster.
pub struct Runner {
    client: es_client::blocking::Client,
    stash: HashMap<String, Value>,
    last: Value,
    last_warnings: Vec<String>,
}

impl Runner {
    /// A runner on `client`.
    pub fn new(client: es_client::blocking::Client) -> Self {
        Runner {
            client,
            stash: HashMap::new(),
            last: Value::Null,
            last_warnings: Vec::new(),
        }
    }

    /// Runs one test: setup, steps, teardown, then wipes the cluster.
    pub fn run(&mut self, test: &TestCase) -> Outcome {
        if let Some(why) = &test.skip {
            return Outcome::Skip(why.clone());
        }
        self.stash.clear();
        self.last = Value::Null;
        let mut outcome = Outcome::Pass;
        for (i, step) in test.setup.iter().enumerate() {
            if let Err(e) = self.step(step) {
                outcome = match e {
                    StepError::Skip(w) => Outcome::Skip(w),
                    StepError::Fail(w) => Outcome::Fail(format!("setup step {}: {w}", i + 1)),
                };
                break;
            }
        }
        if outcome == Outcome::Pass {
            for (i, step) in test.steps.iter().enumerate() {
                if let Err(e) = self.step(step) {
                    outcome = match e {
                        StepError::Skip(w) => Outcome::Skip(w),
                        StepError::Fail(w) => {
                            Outcome::Fail(format!("step {} ({}): {w}", i + 1, step_name(step)))
                        }
                    };
                    break;
                }
            }
        }
        for step in &test.teardown {
            let _ = self.step(step);
        }
        self.wipe();
        outcome
    }

    fn step(&mut self, step: &Value) -> Result<(), StepError> {
        let Some((kind, arg)) = step.as_object().and_then(|m| m.iter().next()) else {
            return Err(fail(format!("malformed step {step}")));
        };
        match kind.as_str() {
            "do" => self.do_step(arg),
            "skip" => self.skip_step(arg),
            "requires" => Ok(()),
            "match" => self.each(arg, |r, path, expected| r.match_one(path, expected)),
            "is_true" => {
                let v = self.lookup(arg.as_str().unwrap_or(""))?;
                if truthy(v.as_ref()) {
                    Ok(())
                } else {
                    Err(fail(format!("is_true {arg}: got {}", show(v.as_ref()))))
                }
            }
            "is_false" => {
                let v = self.lookup(arg.as_str().unwrap_or(""))?;
                if truthy(v.as_ref()) {
                    Err(fail(format!("is_false {arg}: got {}", show(v.as_ref()))))
                } else {
                    Ok(())
                }
            }
            "exists" => match self.lookup(arg.as_str().unwrap_or(""))? {
                Some(_) => Ok(()),
                None => Err(fail(format!("exists {arg}: missing"))),
            },
            "length" => self.each(arg, |r, path, expected| {
                let v = r.lookup(path)?;
                let n = match v.as_ref() {
                    Some(Value::Array(a)) => a.len(),
                    Some(Value::Object(o)) => o.len(),
                    Some(Value::String(s)) => s.chars().count(),
                    other => {
                        return Err(fail(format!(
                            "length {path}: not a collection: {}",
                            show(other)
                        )))
                    }
                };
                let want = r
                    .resolve(expected)
                    .as_u64()
                    .ok_or_else(|| fail(format!("length {path}: bad expectation")))?;
                if n as u64 == want {
                    Ok(())
                } else {
                    Err(fail(format!("length {path}: {n} != {want}")))
                }
            }),
            "gt" | "gte" | "lt" | "lte" => {
                let op = kind.clone();
                self.each(arg, move |r, path, expected| {
                    let v = r.lookup(path)?;
                    let actual = v.as_ref().and_then(as_f64).ok_or_else(|| {
                        fail(format!("{op} {path}: not a number: {}", show(v.as_ref())))
                    })?;
                    let want = as_f64(&r.resolve(expected))
                        .ok_or_else(|| fail(format!("{op} {path}: bad expectation")))?;
                    let ok = match op.as_str() {
                        "gt" => actual > want,
                        "gte" => actual >= want,
                        "lt" => actual < want,
                        _ => actual <= want,
                    };
                    if ok {
                        Ok(())
                    } else {
                        Err(fail(format!("{op} {path}: {actual} vs {want}")))
                    }
                })
            }
            "contains" => self.each(arg, |r, path, expected| {
                let v = r.lookup(path)?;
                let want = r.resolve(expected);
                let ok = match v.as_ref() {
                    Some(Value::Array(a)) => {
                        a.iter().any(|x| loose_eq(x, &want) || subset(&want, x))
                    }
                    Some(Value::String(s)) => want.as_str().is_some_and(|w| s.contains(w)),
                    Some(Value::Object(_)) => v.as_ref().is_some_and(|x| subset(&want, x)),
                    _ => false,
                };
                if ok {
                    Ok(())
                } else {
                    Err(fail(format!(
                        "contains {path}: {} does not contain {want}",
                        show(v.as_ref())
                    )))
                }
            }),
            "set" => self.each(arg, |r, path, var| {
                let v = r
                    .lookup(path)?
                    .ok_or_else(|| fail(format!("set: no value at {path}")))?;
                let name = var.as_str().unwrap_or_default().to_string();
                r.stash.insert(name, v);
                Ok(())
            }),
            "transform_and_set" => self.each(arg, |r, var, expr| {
                let expr = expr.as_str().unwrap_or_default();
                let inner = expr
                    .strip_prefix("#base64EncodeCredentials(")
                    .and_then(|s| s.strip_suffix(')'))
                    .ok_or_else(|| StepError::Skip(format!("transform {expr} not supported")))?;
                let (a, b) = inner.split_once(',').unwrap_or((inner, ""));
                let text = |p: &str| -> Result<String, StepError> {
                    Ok(match r.lookup(p.trim())? {
                        Some(Value::String(s)) => s,
                        Some(v) => v.to_string(),
                        None => String::new(),
                    })
                };
                let encoded = base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}:{}",
                    text(a)?,
                    text(b)?
                ));
                r.stash.insert(var.to_string(), Value::String(encoded));
                Ok(())
            }),
            "fail" => Err(fail(arg.to_string())),
            other => Err(StepError::Skip(format!("step `{other}` not supported"))),
        }
    }

    fn each<F>(&mut self, arg: &Value, mut f: F) -> Result<(), StepError>
    where
        F: FnMut(&mut Self, &str, &Value) -> Result<(), StepError>,
    {
        let map = arg
            .as_object()
            .ok_or_else(|| fail(format!("expected a map, got {arg}")))?;
        for (k, v) in map {
            f(self, k, v)?;
        }
        Ok(())
    }

    fn skip_step(&mut self, arg: &Value) -> Result<(), StepError> {
        let features: Vec<String> = match &arg["features"] {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a
                .iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        for f in features {
            if !FEATURES.contains(&f.as_str()) {
                return Err(StepError::Skip(format!("feature `{f}` not supported")));
            }
        }
        Ok(())
    }

    fn match_one(&mut self, path: &str, expected: &Value) -> Result<(), StepError> {
        let actual = self.lookup(path)?;
        let want = self.resolve(expected);
        if let Some(re) = want.as_str().and_then(regex_of) {
            let text = match actual.as_ref() {
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => return Err(fail(format!("match {path}: missing, wanted {want}"))),
            };
            return if re.is_match(&text) {
                Ok(())
            } else {
                Err(fail(format!("match {path}: {text:?} !~ {want}")))
            };
        }
        match actual {
            Some(a) if loose_eq(&a, &want) => Ok(()),
            other => Err(fail(format!(
                "match {path}: got {}, wanted {want}",
                show(other.as_ref())
            ))),
        }
    }

    /// Replaces `$var` / `${var}` with stashed values, recursively.
    fn resolve(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => {
                let name = s
                    .strip_prefix("${")
                    .and_then(|x| x.strip_suffix('}'))
                    .or_else(|| s.strip_prefix('$'));
                if let Some(name) = name {
                    if let Some(val) = self.stash.get(name) {
                        return val.clone();
                    }
                    if name == "body" {
                        return self.last.clone();
                    }
                }
                let mut out = s.clone();
                for (k, val) in &self.stash {
                    let pat = format!("${{{k}}}");
                    if out.contains(&pat) {
                        let text = match val {
                            Value::String(t) => t.clone(),
                            other => other.to_string(),
                        };
                        out = out.replace(&pat, &text);
                    }
                }
                Value::String(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.resolve(x)).collect()),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, x)| {
                        let key = match self.resolve(&Value::String(k.clone())) {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (key, self.resolve(x))
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The value at `path` in the last response (`""` / `$body` = the whole body).
    fn lookup(&self, path: &str) -> Result<Option<Value>, StepError> {
        let path = path.trim();
        if path.is_empty() || path == "$body" {
            return Ok(Some(self.last.clone()));
        }
        let mut cur = &self.last;
        for seg in split_path(path) {
            let seg = match seg.strip_prefix('$').and_then(|var| self.stash.get(var)) {
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => seg,
            };
            let next = match cur {
                Value::Object(m) => m.get(&seg),
                Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => return Ok(None),
            }
        }
        Ok(Some(cur.clone()))
    }

    fn do_step(&mut self, arg: &Value) -> Result<(), StepError> {
        let map = arg
            .as_object()
            .ok_or_else(|| fail("`do` is not a map".into()))?;
        let mut catch: Option<String> = None;
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut api: Option<(&String, &Value)> = None;
        let mut expected_warnings: Vec<String> = Vec::new();
        let mut allowed_warnings: Vec<String> = Vec::new();
        let mut allowed_regex: Vec<Regex> = Vec::new();
        let strings = |v: &Value| -> Vec<String> {
            match v {
                Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect(),
                Value::String(s) => vec![s.clone()],
                _ => Vec::new(),
            }
        };
        for (k, v) in map {
            match k.as_str() {
                "warnings" => expected_warnings = strings(v),
                "allowed_warnings" => allowed_warnings = strings(v),
                "warnings_regex" | "allowed_warnings_regex" => {
                    allowed_regex.extend(strings(v).iter().filter_map(|r| Regex::new(r).ok()))
                }
                "catch" => catch = v.as_str().map(str::to_owned),
                "headers" => {
                    for (h, hv) in v.as_object().into_iter().flatten() {
                        let value = match self.resolve(hv) {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        headers.push((h.clone(), value));
                    }
                }
                "node_selector" => {}
                _ => api = Some((k, v)),
            }
        }
        let (name, params) = api.ok_or_else(|| fail("`do` names no API".into()))?;
        let endpoint = spec::find(name).ok_or_else(|| fail(format!("unknown API `{name}`")))?;
        let params = self.resolve(params);
        let mut parts: Vec<(&str, String)> = Vec::new();
        let mut query = es_client::Request::new(Method::GET, "/");
        let mut body = None;
        let mut ignore: Vec<u16> = Vec::new();
        for (k, v) in params.as_object().into_iter().flatten() {
            match k.as_str() {
                "body" => body = Some(make_body(v, endpoint.body)?),
                "ignore" => match v {
                    Value::Array(a) => {
                        ignore.extend(a.iter().filter_map(|x| x.as_u64()).map(|x| x as u16))
                    }
                    other => ignore.extend(other.as_u64().map(|x| x as u16)),
                },
                key if endpoint.is_part(key) => {
                    let name = endpoint
                        .paths
                        .iter()
                        .flat_map(|p| p.parts.iter())
                        .find(|p| **p == key)
                        .copied()
                        .unwrap_or("");
                    parts.push((name, param_text(v)));
                }
                key => query.push_query(key, &param_text(v)),
            }
        }
        let mut req: Request = match route(endpoint, &parts, &query.query, body) {
            Ok(r) => r,
            Err(e) => {
                return if catch.as_deref() == Some("param") {
                    Ok(())
                } else {
                    Err(fail(format!("cannot build {name}: {e}")))
                };
            }
        };
        req.options.ignore.extend(ignore);
        for (h, v) in headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(h.as_bytes()),
                HeaderValue::from_str(&v),
            ) {
                req.options.headers.insert(n, v);
            }
        }
        let head = req.method == Method::HEAD;
        let rows = params.get("format").and_then(Value::as_str) == Some("json");
        let transport = self.client.transport().clone();
        let result = es_client::transport::blocking::block_on(transport.perform(req))
            .map_err(|e| fail(format!("runtime: {e}")))?;
        match result {
            Ok(resp) => {
                self.last_warnings = resp.warnings();
                check_warnings(
                    &self.last_warnings,
                    &expected_warnings,
                    &allowed_warnings,
                    &allowed_regex,
                )?;
                self.last = if head {
                    Value::Bool(resp.status().is_success())
                } else {
                    parse_body(resp.body())
                };
                // A 2xx answer is read as the endpoint's typed answer too: one that does not
                // fit fails the step (the assertions below still run on the JSON).
                if resp.status().is_success() && !head {
                    if let Some(Err(e)) = crate::typed::check(name, &resp, rows) {
                        return Err(fail(format!("typed answer: {e}")));
                    }
                }
                match catch {
                    Some(c)
                        if c != "param"
                            && !(head && c == "missing" && !resp.status().is_success()) =>
                    {
                        if resp.status().is_success() {
                            Err(fail(format!("expected error `{c}`, got {}", resp.status())))
                        } else {
                            check_catch(&c, resp.status().as_u16(), &resp.text())
                        }
                    }
                    _ => Ok(()),
                }
            }
            Err(e) => {
                let Some(status) = e.as_status() else {
                    return Err(fail(format!("{name}: {e}")));
                };
                self.last = parse_body(&status.body);
                match catch {
                    Some(c) => check_catch(
                        &c,
                        status.status.as_u16(),
                        &String::from_utf8_lossy(&status.body),
                    ),
                    None => Err(fail(format!("{name}: {e}"))),
                }
            }
        }
    }

    /// Deletes what tests leave behind: indices, data streams, templates, pipelines.
    fn wipe(&mut self) {
        let t = self.client.transport().clone();
        let send = |method: Method, path: &str| {
            let mut r = Request::new(method, path);
            r.options.ignore = (400..600).collect();
            r.options.max_retries = Some(0);
            es_client::transport::blocking::block_on(t.perform(r))
                .ok()
                .and_then(Result::ok)
        };
        send(Method::DELETE, "/_data_stream/*?expand_wildcards=all");
        let mut deleted = false;
        if let Some(resp) = send(
            Method::GET,
            "/_cat/indices?format=json&h=index&expand_wildcards=all",
        ) {
            if let Ok(Value::Array(rows)) = serde_json::from_slice::<Value>(resp.body()) {
                let names: Vec<String> = rows
                    .iter()
                    .filter_map(|r| r["index"].as_str())
                    .filter(|n| !n.starts_with('.'))
                    .map(es_client::transport::encode_path_part)
                    .collect();
                for chunk in names.chunks(50) {
                    send(
                        Method::DELETE,
                        &format!("/{}?expand_wildcards=all", chunk.join(",")),
                    );
                }
                deleted = true;
            }
        }
        if !deleted {
            send(Method::DELETE, "/_all");
        }
        send(Method::DELETE, "/_index_template/*");
        send(Method::DELETE, "/_component_template/*");
        send(Method::DELETE, "/_ingest/pipeline/*");
    }
}

#[derive(Debug)]
enum StepError {
    Fail(String),
    Skip(String),
}

fn fail(s: String) -> StepError {
    StepError::Fail(s)
}

fn step_name(step: &Value) -> String {
    step.as_object()
        .and_then(|m| m.iter().next())
        .map(|(k, v)| match (k.as_str(), v.as_object()) {
            ("do", Some(m)) => format!(
                "do {}",
                m.keys()
                    .find(|k| !matches!(
                        k.as_str(),
                        "catch" | "headers" | "warnings" | "allowed_warnings"
                    ))
                    .cloned()
                    .unwrap_or_default()
            ),
            _ => k.clone(),
        })
        .unwrap_or_default()
}

/// `warnings`: each must be in a `Warning` header; any other warning fails unless allowed
/// (`allowed_warnings`, `*_regex`).
fn check_warnings(
    got: &[String],
    expected: &[String],
    allowed: &[String],
    allowed_regex: &[Regex],
) -> Result<(), StepError> {
    for w in expected {
        if !got.iter().any(|g| g.contains(w.as_str())) {
            return Err(fail(format!("expected warning {w:?}, got {got:?}")));
        }
    }
    for g in got {
        let known = expected
            .iter()
            .chain(allowed)
            .any(|w| g.contains(w.as_str()))
            || allowed_regex.iter().any(|r| r.is_match(g));
        if !known {
            return Err(fail(format!("unexpected warning {g:?}")));
        }
    }
    Ok(())
}

fn check_catch(catch: &str, status: u16, body: &str) -> Result<(), StepError> {
    let ok = match catch {
        "bad_request" => status == 400,
        "unauthorized" => status == 401,
        "forbidden" => status == 403,
        "missing" => status == 404,
        "request_timeout" => status == 408,
        "conflict" => status == 409,
        "unavailable" => status == 503,
        "request" => status >= 400,
        other => match regex_of(other) {
            Some(re) => re.is_match(body),
            None => status >= 400 && body.contains(other),
        },
    };
    if ok {
        Ok(())
    } else {
        Err(fail(format!(
            "expected `{catch}`, got {status}: {}",
            truncate(body)
        )))
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(160).collect()
}

/// `/.../` → a verbose, multi-line regex (as the YAML format defines).
fn regex_of(s: &str) -> Option<Regex> {
    let t = s.trim();
    if t.len() > 1 && t.starts_with('/') && t.ends_with('/') {
        Regex::new(&format!("(?xm){}", &t[1..t.len() - 1])).ok()
    } else {
        None
    }
}

fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                cur.push('.');
                chars.next();
            }
            '.' => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn param_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(param_text).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn make_body(v: &Value, rule: BodyRule) -> Result<Body, StepError> {
    match (v, rule) {
        (Value::Array(items), BodyRule::NdJson) => {
            let mut buf = String::new();
            for item in items {
                match item {
                    Value::String(s) => buf.push_str(s.trim_end_matches('\n')),
                    other => buf.push_str(&other.to_string()),
                }
                buf.push('\n');
            }
            Ok(Body::ndjson(buf))
        }
        (Value::String(s), BodyRule::NdJson) => Ok(Body::ndjson(s.clone())),
        (Value::String(s), _) => Ok(Body::raw_json(s.clone())),
        (other, _) => Body::json(other).map_err(|e| fail(e.to_string())),
    }
}

fn parse_body(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::String(String::new());
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !(s.is_empty() || s == "false"),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        _ => true,
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Equality where numbers compare by value (`1 == 1.0`) and a number equals its string form.
fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Number(x), Value::String(s)) | (Value::String(s), Value::Number(x)) => {
            s.parse::<f64>().ok() == x.as_f64()
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| loose_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| loose_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Whether every field of `want` is in `have` (recursively).
fn subset(want: &Value, have: &Value) -> bool {
    match (want, have) {
        (Value::Object(w), Value::Object(h)) => w
            .iter()
            .all(|(k, v)| h.get(k).is_some_and(|x| subset(v, x))),
        _ => loose_eq(want, have),
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "(missing)".into(),
        Some(v) => truncate(&v.to_string()),
    }
}
