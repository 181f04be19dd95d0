//! Reading the specification: endpoints, their parts and parameters, and how each is typed.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::naming::{ident, pascal};

/// A type's `(namespace, name)`.
pub type TypeKey = (String, String);

/// The types of `schema.json` by name.
pub struct Schema<'a> {
    /// Every type.
    pub types: HashMap<TypeKey, &'a Value>,
}

/// The key of a type name object.
pub fn key(tn: &Value) -> TypeKey {
    (
        tn["namespace"].as_str().unwrap_or_default().to_string(),
        tn["name"].as_str().unwrap_or_default().to_string(),
    )
}

/// How a parameter is typed in Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PType {
    /// `bool`.
    Bool,
    /// An integer.
    Int,
    /// A float.
    Float,
    /// A string.
    Str,
    /// A list of strings (comma-joined on the wire).
    StrList,
    /// A time value (`30s`).
    Time,
    /// A spec enum.
    Enum(TypeKey),
    /// A list of one spec enum.
    EnumList(TypeKey),
    /// Anything else (sent with `Display`).
    Any,
}

impl Schema<'_> {
    /// How a parameter of this spec type is typed in Rust.
    pub fn classify(&self, v: &Value, depth: usize) -> PType {
        if depth > 8 {
            return PType::Any;
        }
        match v["kind"].as_str() {
            Some("instance_of") => {
                let k = key(&v["type"]);
                match (k.0.as_str(), k.1.as_str()) {
                    ("_builtins", "boolean") => PType::Bool,
                    ("_builtins", "string") => PType::Str,
                    ("_builtins", "number") => PType::Float,
                    ("_types", "byte" | "short" | "integer" | "long" | "uint" | "ulong") => {
                        PType::Int
                    }
                    ("_types", "float" | "double") => PType::Float,
                    ("_types", "Duration") => PType::Time,
                    _ => match self.types.get(&k) {
                        Some(t) if t["kind"] == "enum" => PType::Enum(k),
                        Some(t) if t["kind"] == "type_alias" => {
                            self.classify(&t["type"], depth + 1)
                        }
                        _ => PType::Any,
                    },
                }
            }
            Some("array_of") => match self.classify(&v["value"], depth + 1) {
                PType::Str | PType::StrList => PType::StrList,
                PType::Enum(k) | PType::EnumList(k) => PType::EnumList(k),
                _ => PType::Any,
            },
            Some("union_of") => {
                let items: Vec<PType> = v["items"]
                    .as_array()
                    .map(|a| a.iter().map(|i| self.classify(i, depth + 1)).collect())
                    .unwrap_or_default();
                if items.is_empty() {
                    return PType::Any;
                }
                let all = |f: &dyn Fn(&PType) -> bool| items.iter().all(f);
                if all(&|p| matches!(p, PType::Str | PType::StrList)) {
                    if items.contains(&PType::StrList) {
                        PType::StrList
                    } else {
                        PType::Str
                    }
                } else if let Some(PType::Enum(k) | PType::EnumList(k)) = items.first() {
                    if all(&|p| matches!(p, PType::Enum(x) | PType::EnumList(x) if x == k)) {
                        PType::EnumList(k.clone())
                    } else {
                        PType::Any
                    }
                } else if all(&|p| *p == PType::Time || *p == PType::Str) {
                    PType::Time
                } else {
                    PType::Any
                }
            }
            _ => PType::Any,
        }
    }
}

/// One endpoint, as the emitters need it.
pub struct Endpoint {
    /// `indices.create`.
    pub name: String,
    /// `indices` (empty for the root).
    pub namespace: String,
    /// The constructor's name.
    pub method_name: String,
    /// The marker type's name.
    pub marker: String,
    /// `(template, methods, parts)` of each URL.
    pub paths: Vec<(String, Vec<String>, Vec<String>)>,
    /// Parts every URL has.
    pub required_parts: Vec<(String, PType)>,
    /// Parts some URLs have.
    pub optional_parts: Vec<(String, PType)>,
    /// Query parameters `(name, type, description)`.
    pub params: Vec<(String, PType, String)>,
    /// `None`, `Optional`, `Required` or `NdJson`.
    pub body: &'static str,
    /// `codegenName` of a value body (`document` for index/create).
    pub body_name: Option<String>,
    /// `Stable`, `Beta` or `Experimental`.
    pub stability: &'static str,
    /// An operator-only endpoint.
    pub private: bool,
    /// Answers with a status only (`HEAD`).
    pub head: bool,
    /// Answers with plain text.
    pub text: bool,
    /// The description.
    pub doc: String,
    /// The documentation URL.
    pub doc_url: String,
}

/// Reads one endpoint. `reserved` are names a setter must not take (the client's own
/// methods).
pub fn endpoint(schema: &Schema<'_>, e: &Value, reserved: &[String]) -> Result<Endpoint, String> {
    let name = e["name"]
        .as_str()
        .ok_or("endpoint without name")?
        .to_string();
    let req = schema
        .types
        .get(&key(&e["request"]))
        .ok_or_else(|| format!("{name}: no request type"))?;
    let (namespace, api) = match name.split_once('.') {
        Some((n, a)) => (n.to_string(), a.to_string()),
        None => (String::new(), name.clone()),
    };
    let mut paths = Vec::new();
    for u in e["urls"].as_array().into_iter().flatten() {
        let template = u["path"].as_str().unwrap_or("/").to_string();
        let methods: Vec<String> = u["methods"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m.as_str().map(str::to_owned))
            .collect();
        let parts: Vec<String> = template
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(p, _)| p.to_string()))
            .collect();
        paths.push((template, methods, parts));
    }
    let path_props: Vec<&Value> = req["path"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let part_type = |n: &str| {
        path_props
            .iter()
            .find(|p| p["name"] == n)
            .map(|p| schema.classify(&p["type"], 0))
            .unwrap_or(PType::Str)
    };
    // Parts in path order (longest template first gives the order).
    let mut all_parts: Vec<String> = Vec::new();
    let mut longest = paths.clone();
    longest.sort_by_key(|p| std::cmp::Reverse(p.2.len()));
    for p in &longest {
        for part in &p.2 {
            if !all_parts.contains(part) {
                all_parts.push(part.clone());
            }
        }
    }
    let required: Vec<String> = all_parts
        .iter()
        .filter(|p| paths.iter().all(|u| u.2.contains(p)))
        .cloned()
        .collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut required_parts = Vec::new();
    let mut optional_parts = Vec::new();
    for p in &all_parts {
        let t = part_type(p);
        let t = if matches!(
            t,
            PType::StrList | PType::Str | PType::EnumList(_) | PType::Enum(_)
        ) {
            t
        } else {
            PType::Str
        };
        taken.insert(p.clone());
        if required.contains(p) {
            required_parts.push((p.clone(), t));
        } else {
            optional_parts.push((p.clone(), t));
        }
    }
    let mut params = Vec::new();
    // Query parameters of the request, then those of attached behaviors other than the four
    // common ones every endpoint accepts (`CommonCatQueryParameters` for cat APIs).
    let behavior_props: Vec<&Value> = req["attachedBehaviors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b.as_str())
        .filter(|b| *b != "CommonQueryParameters")
        .filter_map(|b| {
            schema
                .types
                .get(&("_spec_utils".to_string(), b.to_string()))
        })
        .flat_map(|t| t["properties"].as_array().into_iter().flatten())
        .collect();
    for q in req["query"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(behavior_props)
    {
        let qn = q["name"].as_str().unwrap_or_default().to_string();
        if params
            .iter()
            .any(|(n, _, _): &(String, PType, String)| *n == qn)
        {
            continue;
        }
        let t = schema.classify(&q["type"], 0);
        let d = q["description"].as_str().unwrap_or("").to_string();
        params.push((qn, t, d));
    }
    let body = match req["body"]["kind"].as_str() {
        Some("no_body") | None => "None",
        _ if e["requestMediaType"]
            .as_array()
            .is_some_and(|m| m.iter().any(|x| x == "application/x-ndjson")) =>
        {
            "NdJson"
        }
        _ if e["requestBodyRequired"].as_bool() == Some(true) => "Required",
        _ => "Optional",
    };
    let body_name = req["body"]["codegenName"]
        .as_str()
        .filter(|n| *n == "document")
        .map(str::to_owned);
    let stability = match e["availability"]["stack"]["stability"].as_str() {
        Some("experimental") => "Experimental",
        Some("beta") => "Beta",
        _ => "Stable",
    };
    let head = paths.iter().all(|p| p.1.iter().all(|m| m == "HEAD"));
    let text = e["responseMediaType"]
        .as_array()
        .is_some_and(|m| m.iter().all(|x| x == "text/plain"));
    let mut method_name = ident(&api, &BTreeSet::new(), reserved);
    if method_name == "send_param" {
        method_name = "send_api".into();
    }
    let marker = pascal(&name.replace('.', "_"));
    Ok(Endpoint {
        name: name.clone(),
        namespace,
        method_name,
        marker,
        paths,
        required_parts,
        optional_parts,
        params,
        body,
        body_name,
        stability,
        private: e["availability"]["stack"]["visibility"].as_str() == Some("private"),
        head,
        text,
        doc: e["description"].as_str().unwrap_or("").to_string(),
        doc_url: e["docUrl"].as_str().unwrap_or("").to_string(),
    })
}
