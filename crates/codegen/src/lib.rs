//! # es-codegen
//!
//! Generates the client's API from the Elasticsearch specification (`schema.json`): a routing
//! table (data), query-parameter enums, and thin typed builders per endpoint, generic over the
//! client flavour. The output is checked in under `crates/client/src/generated/`.
//!
//! Run `cargo run -p es-codegen -- generate` (spec from `$ES_SPEC_DIR`, default
//! `../shared/spec` next to the workspace).
//!
//! Modules, in the order the work happens: [`spec`] reads the specification into endpoints,
//! [`naming`] turns its names into Rust names, [`facts`] reads what the generator must know
//! about es-client (`crates/client/codegen.json`), [`emit`] writes token trees printed by
//! prettyplease.

pub mod emit;
pub mod facts;
pub mod naming;
pub mod spec;
pub mod types;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use emit::HEADER;
use facts::ClientFacts;
use spec::{key, PType, Schema, TypeKey};

/// Where the specification is: `$ES_SPEC_DIR`, else `<workspace>/../shared/spec`.
pub fn spec_dir() -> PathBuf {
    match std::env::var_os("ES_SPEC_DIR") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec"),
    }
}

/// Where the generated files go.
pub fn output_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/src/generated")
}

/// The workspace's `crates/` folder: the es-types crates' generated files go under it
/// (see [`types::crates`]).
pub fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where the property table of `#[derive(Document)]` goes (`es-dsl-derive`).
pub fn derive_output_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../dsl-derive/src/generated")
}

/// The generated files of `es-types` and of `es-dsl-derive`: `relative path → contents`.
pub struct TypesFiles {
    /// The es-types crates': folder under `crates/` → files.
    pub types: BTreeMap<String, BTreeMap<String, String>>,
    /// `es-dsl-derive/src/generated`.
    pub derive: BTreeMap<String, String>,
}

/// Generates the files of `es-types` and the property table of `es-dsl-derive`.
pub fn generate_types(spec_dir: &Path) -> Result<TypesFiles, String> {
    let path = spec_dir.join("schema.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let root: Value = serde_json::from_str(&text).map_err(|e| format!("bad schema.json: {e}"))?;
    let types: HashMap<TypeKey, &Value> = root["types"]
        .as_array()
        .ok_or("schema.json has no types")?
        .iter()
        .map(|t| (key(&t["name"]), t))
        .collect();
    let endpoints = types::EndpointTypes::from_schema(&root);
    let g = types::TypesGen::new(&types, &endpoints)?;
    let derive = [("property_types.rs".to_string(), g.property_table()?)].into();
    Ok(TypesFiles {
        types: g.files()?,
        derive,
    })
}

/// Generates every file; returns `relative path → contents`.
pub fn generate(spec_dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let facts = ClientFacts::load(&facts::facts_path())?;
    let path = spec_dir.join("schema.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let root: Value = serde_json::from_str(&text).map_err(|e| format!("bad schema.json: {e}"))?;
    let types: HashMap<TypeKey, &Value> = root["types"]
        .as_array()
        .ok_or("schema.json has no types")?
        .iter()
        .map(|t| (key(&t["name"]), t))
        .collect();
    // Each endpoint's request and response types in es-types (what `send()` returns).
    let type_paths: HashMap<String, (String, String)> = {
        let g = types::TypesGen::new(&types, &types::EndpointTypes::from_schema(&root))?;
        g.endpoint_paths()
            .into_iter()
            .map(|(name, req, resp)| (name, (req, resp)))
            .collect()
    };
    let schema = Schema { types };
    let mut endpoints = Vec::new();
    for e in root["endpoints"]
        .as_array()
        .ok_or("schema.json has no endpoints")?
    {
        if e["codegenExclude"].as_bool() == Some(true) || e["availability"]["stack"].is_null() {
            continue;
        }
        endpoints.push(spec::endpoint(&schema, e, &facts.reserved)?);
    }
    endpoints.sort_by(|a, b| a.name.cmp(&b.name));

    let mut enums: BTreeSet<TypeKey> = BTreeSet::new();
    for e in &endpoints {
        for p in e
            .params
            .iter()
            .map(|p| &p.1)
            .chain(e.required_parts.iter().map(|p| &p.1))
            .chain(e.optional_parts.iter().map(|p| &p.1))
        {
            if let PType::Enum(k) | PType::EnumList(k) = p {
                enums.insert(k.clone());
            }
        }
    }
    let enum_names = naming::enum_rust_names(&enums);

    let mut files = emit::namespace_files(&endpoints, &enum_names, &facts, &type_paths)?;
    files.insert("routes.rs".to_string(), emit::routes_file(&endpoints)?);
    files.insert(
        "typed.rs".to_string(),
        emit::typed_file(&endpoints, &facts, &type_paths),
    );
    files.insert(
        "enums.rs".to_string(),
        emit::enums_file(&schema, &enums, &enum_names)?,
    );
    let namespaces: BTreeSet<String> = endpoints.iter().map(|e| e.namespace.clone()).collect();
    let namespaces: Vec<String> = namespaces.into_iter().collect();
    files.insert("mod.rs".to_string(), emit::mod_file(&namespaces)?);
    let features: Vec<String> = namespaces
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| format!("ns-{}", n.replace('_', "-")))
        .collect();
    files.insert("FEATURES".to_string(), features.join("\n") + "\n");
    Ok(files)
}

/// Writes the generated files into `dir` (replacing the old ones).
pub fn write(dir: &Path, files: &BTreeMap<String, String>) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, text) in files {
        std::fs::write(dir.join(name), text).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    Ok(())
}

/// Writes the es-types crates' files ([`TypesFiles::types`]) under `crates`: each folder's
/// files replace what is there, except a group crate's `src/`, where only `lib.rs` is
/// written (its `generated/` is a folder of its own).
pub fn write_types(
    crates: &Path,
    dirs: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<(), String> {
    for (dir, files) in dirs {
        let path = crates.join(dir);
        if dir.ends_with("/generated") {
            write(&path, files)?;
        } else {
            for (name, text) in files {
                std::fs::write(path.join(name), text)
                    .map_err(|e| format!("cannot write {dir}/{name}: {e}"))?;
            }
        }
    }
    Ok(())
}

/// The generated files of `dir` that differ from `files` or are missing (other files of
/// `dir` are not looked at).
fn check_files(dir: &Path, files: &BTreeMap<String, String>) -> Vec<String> {
    let mut diffs = Vec::new();
    for (name, text) in files {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(old) if old == *text => {}
            Ok(_) => diffs.push(format!("{name} differs")),
            Err(_) => diffs.push(format!("{name} is missing")),
        }
    }
    diffs
}

/// [`check`] of every es-types folder (a group crate's `src/` only for its `lib.rs`).
pub fn check_types(
    crates: &Path,
    dirs: &BTreeMap<String, BTreeMap<String, String>>,
) -> Vec<String> {
    let mut diffs = Vec::new();
    for (dir, files) in dirs {
        let path = crates.join(dir);
        let found = if dir.ends_with("/generated") {
            check(&path, files)
        } else {
            check_files(&path, files)
        };
        diffs.extend(found.into_iter().map(|d| format!("{dir}: {d}")));
    }
    diffs
}

/// Differences between generated files and the ones in `dir` (empty when up to date).
pub fn check(dir: &Path, files: &BTreeMap<String, String>) -> Vec<String> {
    let mut diffs = check_files(dir, files);
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if !files.contains_key(&n) {
                diffs.push(format!("{n} is not generated"));
            }
        }
    }
    diffs
}
