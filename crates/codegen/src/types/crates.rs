//! Which crate each generated type lives in.
//!
//! Why several crates: rustc compiles one crate's frontend on one thread, and es-types' 3 MB
//! of types kept one core busy and the other idle for most of a clean build of es-client.
//! Split, `es-types-core` (the DSL's types, the endpoint types of `search` and the other
//! endpoints outside a namespace, and every type two groups below share) builds first, then
//! the groups of namespaces below build side by side (and es-transport next to them: it needs
//! only the core's `ErrorCause`). `es-types` re-exports them all under the one module tree,
//! so `es_types::ml::MlPutJobRequest` is where it always was.
//!
//! A type goes to a group's crate when every namespace feature that compiles it belongs to
//! that group; its fields' types are then compiled by those namespaces too, so they are in
//! the same crate or in the core, and the core never names a group's type.

use std::collections::BTreeSet;

/// The crates of the namespace groups: folder under `crates/`, namespaces (as `ns-*` feature
/// suffixes). Balanced by generated size (about 0.8, 0.6, 0.4 and 0.2 MB), a namespace with
/// its neighbours where they share types (cat reads ml's job stats; transform, ml's configs).
pub const GROUPS: &[(&str, &[&str])] = &[
    (
        "types-indices",
        &[
            "indices",
            "cluster",
            "nodes",
            "snapshot",
            "ccr",
            "simulate",
            "ingest",
            "ilm",
            "searchable-snapshots",
            "dangling-indices",
            "shutdown",
            "tasks",
            "enrich",
            "autoscaling",
            "text-structure",
            "logstash",
            "streams",
            "encryption",
            "ssl",
            "synonyms",
        ],
    ),
    (
        "types-ml",
        &[
            "ml",
            "transform",
            "xpack",
            "rollup",
            "cat",
            "license",
            "slm",
            "features",
            "monitoring",
            "migration",
        ],
    ),
    (
        "types-inference",
        &[
            "inference",
            "connector",
            "esql",
            "sql",
            "eql",
            "async-search",
            "fleet",
            "graph",
            "query-rules",
            "search-application",
            "profiling",
        ],
    ),
    ("types-security", &["security", "watcher"]),
];

/// The folder of the core crate.
pub const CORE: &str = "types-core";

/// The group crate of a namespace feature (`ns-ml`), if any.
pub fn group_of_feature(feature: &str) -> Option<&'static str> {
    let ns = feature.strip_prefix("ns-")?;
    GROUPS
        .iter()
        .find(|(_, members)| members.contains(&ns))
        .map(|(dir, _)| *dir)
}

/// The crate of a type compiled by `features` (`None`: always compiled): a group's folder,
/// or [`CORE`].
pub fn crate_of(features: Option<&BTreeSet<String>>) -> Result<&'static str, String> {
    let Some(fs) = features else { return Ok(CORE) };
    let mut groups = BTreeSet::new();
    for f in fs {
        groups.insert(group_of_feature(f).ok_or_else(|| {
            format!(
                "feature {f} has no es-types crate: add its namespace to types/crates.rs GROUPS"
            )
        })?);
    }
    Ok(match (groups.len(), groups.first()) {
        (1, Some(g)) => g,
        _ => CORE,
    })
}

/// The Rust name of a crate folder's package (`types-ml` → `es_types_ml`).
pub fn crate_ident(dir: &str) -> String {
    format!("es_{}", dir.replace('-', "_"))
}

/// The features of a group crate (`ns-*`).
pub fn group_features(dir: &str) -> Vec<String> {
    GROUPS
        .iter()
        .filter(|(d, _)| *d == dir)
        .flat_map(|(_, ns)| ns.iter().map(|n| format!("ns-{n}")))
        .collect()
}
