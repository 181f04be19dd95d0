//! Loading the YAML suite: files → groups (requires / setup / teardown) → tests → steps.

use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

/// One test: its steps, with the setup and teardown of its group.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// File, relative to the suite root.
    pub file: String,
    /// Test name.
    pub name: String,
    /// Why the test is skipped before running (`requires: stack: false`...).
    pub skip: Option<String>,
    /// Setup steps.
    pub setup: Vec<Value>,
    /// Teardown steps.
    pub teardown: Vec<Value>,
    /// The test's steps (each a one-key map: `do`, `match`...).
    pub steps: Vec<Value>,
}

/// Converts YAML into JSON values (maps keep string keys).
pub fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(s) => s
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(s.clone())),
        Yaml::Integer(i) => Value::Number((*i).into()),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::Hash(h) => {
            let mut m = Map::new();
            for (k, v) in h {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Boolean(b) => b.to_string(),
                    Yaml::Real(r) => r.clone(),
                    other => format!("{other:?}"),
                };
                m.insert(key, to_json(v));
            }
            Value::Object(m)
        }
        Yaml::Null | Yaml::BadValue | Yaml::Alias(_) => Value::Null,
    }
}

/// Every `.yml` file under `root`, sorted (the suite runs files in order).
pub fn yaml_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn steps(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// Parses one file into tests. Errors are reported as one failing pseudo-test.
pub fn load_file(root: &Path, path: &Path) -> Vec<TestCase> {
    let file = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return vec![broken(&file, &format!("cannot read: {e}"))],
    };
    let docs = match YamlLoader::load_from_str(&text) {
        Ok(d) => d,
        Err(e) => return vec![broken(&file, &format!("bad YAML: {e}"))],
    };
    let mut tests = Vec::new();
    let (mut setup, mut teardown, mut skip): (Vec<Value>, Vec<Value>, Option<String>) =
        (Vec::new(), Vec::new(), None);
    let mut seen_test = false;
    for doc in docs.iter().map(to_json) {
        let Some(map) = doc.as_object() else { continue };
        for (key, value) in map {
            match key.as_str() {
                "requires" => {
                    if seen_test {
                        setup.clear();
                        teardown.clear();
                        seen_test = false;
                    }
                    skip = requires_skip(value);
                }
                "setup" => setup = steps(value),
                "teardown" => teardown = steps(value),
                name => {
                    seen_test = true;
                    tests.push(TestCase {
                        file: file.clone(),
                        name: name.to_string(),
                        skip: skip.clone(),
                        setup: setup.clone(),
                        teardown: teardown.clone(),
                        steps: steps(value),
                    });
                }
            }
        }
    }
    tests
}

fn requires_skip(v: &Value) -> Option<String> {
    if v["stack"] == Value::Bool(false) {
        return Some("requires: stack is false (serverless only)".into());
    }
    if let Some(flag) = v["feature_flag"].as_str() {
        return Some(format!("requires feature flag {flag}"));
    }
    None
}

fn broken(file: &str, why: &str) -> TestCase {
    TestCase {
        file: file.into(),
        name: "(file)".into(),
        skip: None,
        setup: Vec::new(),
        teardown: Vec::new(),
        steps: vec![serde_json::json!({"fail": why})],
    }
}
