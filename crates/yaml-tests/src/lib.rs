//! # es-yaml-tests
//!
//! Runs Elastic's YAML client conformance suite (`$ES_CLIENTS_TESTS`, default
//! `../shared/clients-tests/tests`) through es-client: each `do` is dispatched by API name
//! through the generated routing table, every 2xx answer is read as the endpoint's typed
//! answer (what `send()` returns; one that does not fit fails the step), and the answers are
//! checked with the format's assertions. Results are written as TSV: file, test, status,
//! reason.

pub mod runner;
pub mod suite;
pub mod typed;

use std::path::{Path, PathBuf};

pub use runner::{Outcome, Runner};
pub use suite::TestCase;

/// The suite directory: `$ES_CLIENTS_TESTS`, else `<workspace>/../shared/clients-tests/tests`.
pub fn suite_dir() -> PathBuf {
    match std::env::var_os("ES_CLIENTS_TESTS") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/clients-tests/tests"),
    }
}

/// Every test of the suite, in file order.
pub fn load_suite(root: &Path) -> Vec<TestCase> {
    suite::yaml_files(root)
        .iter()
        .flat_map(|f| suite::load_file(root, f))
        .collect()
}

/// Runs every test against `client`.
pub fn run_suite(
    client: es_client::blocking::Client,
    tests: &[TestCase],
) -> Vec<(TestCase, Outcome)> {
    let mut runner = Runner::new(client);
    tests.iter().map(|t| (t.clone(), runner.run(t))).collect()
}

/// Results as TSV (`file`, `test`, `status`, `reason`), one line per test, with a header.
pub fn to_tsv(results: &[(TestCase, Outcome)]) -> String {
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let mut out = String::from("file\ttest\tstatus\treason\n");
    for (t, o) in results {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            clean(&t.file),
            clean(&t.name),
            o.label(),
            clean(o.reason())
        ));
    }
    out
}

/// `file<TAB>test` keys of the passing tests.
pub fn passing(results: &[(TestCase, Outcome)]) -> Vec<String> {
    results
        .iter()
        .filter(|(_, o)| *o == Outcome::Pass)
        .map(|(t, _)| format!("{}\t{}", t.file, t.name))
        .collect()
}
