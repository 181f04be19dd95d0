//! The YAML conformance suite against both emulators. Fails if a test listed in
//! `expected/<server>.pass` stops passing; writes every result to
//! `$CARGO_TARGET_TMPDIR/yaml-results/<server>.tsv`. Skipped when the suite is absent.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use es_testkit::{Emulator, EmulatorKind};

fn run(server: &str, kind: EmulatorKind) {
    let root = es_yaml_tests::suite_dir();
    if !root.exists() {
        eprintln!(
            "SKIP: no YAML suite at {} (set ES_CLIENTS_TESTS)",
            root.display()
        );
        return;
    }
    let emu = Emulator::start(kind).unwrap();
    let client = es_client::blocking::Client::new(emu.url()).unwrap();
    let tests = es_yaml_tests::load_suite(&root);
    let results = es_yaml_tests::run_suite(client, &tests);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("yaml-results");
    std::fs::create_dir_all(&dir).unwrap();
    let tsv = dir.join(format!("{server}.tsv"));
    std::fs::write(&tsv, es_yaml_tests::to_tsv(&results)).unwrap();

    let passing: BTreeSet<String> = es_yaml_tests::passing(&results).into_iter().collect();
    let expected_file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("expected/{server}.pass"));
    let expected: BTreeSet<String> = std::fs::read_to_string(&expected_file)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_owned)
        .collect();
    let count = |l: &str| results.iter().filter(|(_, o)| o.label() == l).count();
    eprintln!(
        "{server}: {} pass, {} fail, {} skip of {} (results: {})",
        count("pass"),
        count("fail"),
        count("skip"),
        results.len(),
        tsv.display()
    );
    let regressions: Vec<&String> = expected.difference(&passing).collect();
    assert!(
        regressions.is_empty(),
        "{server}: tests that passed now fail: {regressions:#?}"
    );
    let new: Vec<&String> = passing.difference(&expected).collect();
    if !new.is_empty() {
        eprintln!(
            "{server}: newly passing (add them to {}): {new:#?}",
            expected_file.display()
        );
    }
}

#[test]
fn yaml_suite_on_noida_db() {
    run("noida-db", EmulatorKind::NoidaDb);
}

#[test]
fn yaml_suite_on_osmem_server() {
    run("osmem-server", EmulatorKind::Osmem);
}
