//! The checked-in API is what the generator produces from the specification, and its routing
//! table agrees with the independent `rest-api-spec/` files. Skipped (with a message) when the
//! specification is absent.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

fn spec_or_skip() -> Option<std::path::PathBuf> {
    let dir = es_codegen::spec_dir();
    if dir.join("schema.json").exists() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP: no specification at {} (set ES_SPEC_DIR)",
            dir.display()
        );
        None
    }
}

#[test]
fn generated_code_is_up_to_date() {
    let Some(dir) = spec_or_skip() else { return };
    let files = es_codegen::generate(&dir).unwrap();
    let diffs = es_codegen::check(&es_codegen::output_dir(), &files);
    assert!(
        diffs.is_empty(),
        "run `cargo run -p es-codegen -- generate`: {diffs:?}"
    );
    // Every namespace feature exists in es-client's Cargo.toml.
    let cargo = std::fs::read_to_string(es_codegen::output_dir().join("../../Cargo.toml")).unwrap();
    for f in files["FEATURES"].lines() {
        assert!(
            cargo.contains(&format!("\n{f} = [\"es-types/{f}\"]")),
            "feature {f} missing from es-client (or not forwarded to es-types)"
        );
    }
}

#[test]
fn routing_table_matches_rest_api_spec() {
    let Some(dir) = spec_or_skip() else { return };
    let rest = dir.join("rest-api-spec");
    let mut checked = 0;
    let ours: BTreeSet<&str> = es_client::api::spec::all().iter().map(|e| e.name).collect();
    for e in es_client::api::spec::all() {
        let text = std::fs::read_to_string(rest.join(format!("{}.json", e.name)))
            .unwrap_or_else(|_| panic!("{} has no rest-api-spec file", e.name));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let spec = &v[e.name];
        let paths = spec["url"]["paths"].as_array().unwrap();
        let theirs: BTreeSet<(String, Vec<String>)> = paths
            .iter()
            .map(|p| {
                let methods = p["methods"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap().to_string())
                    .collect();
                (p["path"].as_str().unwrap().to_string(), methods)
            })
            .collect();
        let mine: BTreeSet<(String, Vec<String>)> = e
            .paths
            .iter()
            .map(|p| {
                (
                    p.template.to_string(),
                    p.methods.iter().map(|m| m.to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(mine, theirs, "{}: paths/methods", e.name);
        for p in paths {
            let parts: Vec<&str> = p["parts"]
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let mine = e.paths.iter().find(|m| m.template == p["path"]).unwrap();
            let mut a: Vec<&str> = mine.parts.to_vec();
            let mut b = parts.clone();
            a.sort();
            b.sort();
            assert_eq!(a, b, "{} {}: parts", e.name, mine.template);
        }
        let theirs: BTreeSet<&str> = spec["params"]
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mine: BTreeSet<&str> = e.params.iter().copied().collect();
        assert_eq!(mine, theirs, "{}: query parameters", e.name);
        let body = &spec["body"];
        let ndjson = body["serialize"] == "bulk";
        match e.body {
            es_client::api::BodyRule::None => assert!(body.is_null(), "{}: body", e.name),
            es_client::api::BodyRule::NdJson => assert!(ndjson, "{}: ndjson body", e.name),
            es_client::api::BodyRule::Required => {
                assert_eq!(body["required"], true, "{}: body", e.name)
            }
            es_client::api::BodyRule::Optional => assert!(
                !body.is_null() && body["required"] != true,
                "{}: body",
                e.name
            ),
        }
        checked += 1;
    }
    // What rest-api-spec has and the generated API leaves out: `_internal.*` (codegenExclude)
    // and serverless-only endpoints.
    let mut left_out = Vec::new();
    for f in std::fs::read_dir(&rest).unwrap().flatten() {
        let name = f
            .file_name()
            .to_string_lossy()
            .trim_end_matches(".json")
            .to_string();
        if name == "_common" || ours.contains(name.as_str()) {
            continue;
        }
        let internal = name.starts_with("_internal.");
        let serverless_only = name.starts_with("project.");
        assert!(
            internal || serverless_only,
            "{name} is a stack endpoint but not generated"
        );
        left_out.push(name);
    }
    assert!(checked > 580, "only {checked} endpoints");
    eprintln!(
        "checked {checked} endpoints; left out (internal or serverless-only): {}",
        left_out.len()
    );
}

#[test]
fn generated_types_are_up_to_date() {
    let Some(dir) = spec_or_skip() else { return };
    let files = es_codegen::generate_types(&dir).unwrap();
    let mut diffs = es_codegen::check_types(&es_codegen::crates_dir(), &files.types);
    diffs.extend(es_codegen::check(
        &es_codegen::derive_output_dir(),
        &files.derive,
    ));
    assert!(
        diffs.is_empty(),
        "run `cargo run -p es-codegen -- generate`: {diffs:?}"
    );
    // The es-types crates gate the endpoint types by the same namespace features as
    // es-client: the core has each, a group crate its own, es-types forwards each to both.
    let api = es_codegen::generate(&dir).unwrap();
    let crates = es_codegen::crates_dir();
    let manifest =
        |dir: &str| std::fs::read_to_string(crates.join(dir).join("Cargo.toml")).unwrap();
    let (core, facade) = (manifest("types-core"), manifest("types"));
    for f in api["FEATURES"].lines() {
        assert!(
            core.contains(&format!("\n{f} = []")),
            "feature {f} missing from es-types-core"
        );
        let group = es_codegen::types::crates::group_of_feature(f)
            .unwrap_or_else(|| panic!("{f} has no es-types crate"));
        assert!(
            manifest(group).contains(&format!("\n{f} = []")),
            "feature {f} missing from es-{group}"
        );
        let forward = format!("\n{f} = [\"es-types-core/{f}\", \"es-{group}/{f}\"]");
        assert!(
            facade.contains(&forward),
            "es-types lacks `{}`",
            forward.trim()
        );
    }
}
