//! What the generator knows about es-client, read from `crates/client/codegen.json` — the
//! one place to change when `Call` gains a method or an endpoint gets a typed response.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Facts about the client the generated code plugs into.
#[derive(Debug, Clone)]
pub struct ClientFacts {
    /// Methods of `Call` (plus the generator's own `document` body setter): names a
    /// parameter setter must not take.
    pub reserved: Vec<String>,
    /// Endpoint name → the hand-written response type its `send()` returns.
    pub typed_responses: BTreeMap<String, String>,
}

/// `crates/client/codegen.json`.
pub fn facts_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/codegen.json")
}

impl ClientFacts {
    /// Reads the facts file.
    pub fn load(path: &Path) -> Result<ClientFacts, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| format!("bad {}: {e}", path.display()))?;
        let strings = |key: &str| -> Result<Vec<String>, String> {
            v[key]
                .as_array()
                .ok_or(format!("{}: `{key}` must be a list", path.display()))?
                .iter()
                .map(|s| {
                    s.as_str()
                        .map(str::to_owned)
                        .ok_or(format!("{key}: not a string"))
                })
                .collect()
        };
        let mut reserved = strings("call_methods")?;
        reserved.push("document".into());
        let typed_responses = v["typed_responses"]
            .as_object()
            .ok_or(format!(
                "{}: `typed_responses` must be an object",
                path.display()
            ))?
            .iter()
            .map(|(k, t)| {
                Ok((
                    k.clone(),
                    t.as_str().ok_or("typed response: not a string")?.to_owned(),
                ))
            })
            .collect::<Result<_, &str>>()?;
        Ok(ClientFacts {
            reserved,
            typed_responses,
        })
    }
}
