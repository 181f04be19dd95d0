//! `es-yaml-tests [noida-db|osmem-server|URL] [--out results.tsv] [--filter substring]`:
//! runs the YAML suite against an emulator it starts (or a URL) and prints a summary.

use es_client::TransportBuilder;
use es_testkit::{Emulator, EmulatorKind};

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut target, mut out, mut filter) = (String::from("noida-db"), None, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out = args.next(),
            "--filter" => filter = args.next(),
            "-h" | "--help" => {
                println!("usage: es-yaml-tests [noida-db|osmem-server|URL] [--out results.tsv] [--filter substring]");
                return;
            }
            flag if flag.starts_with('-') => {
                eprintln!("es-yaml-tests: unknown option `{flag}` (see --help)");
                std::process::exit(2);
            }
            other => target = other.to_string(),
        }
    }
    let root = es_yaml_tests::suite_dir();
    if !root.exists() {
        eprintln!("no YAML suite at {} (set ES_CLIENTS_TESTS)", root.display());
        std::process::exit(2);
    }
    let (_emu, url) = match target.as_str() {
        "noida-db" | "osmem-server" => {
            let kind = if target == "noida-db" {
                EmulatorKind::NoidaDb
            } else {
                EmulatorKind::Osmem
            };
            match Emulator::start(kind) {
                Ok(e) => {
                    let u = e.url().to_string();
                    (Some(e), u)
                }
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(1);
                }
            }
        }
        url => (None, url.to_string()),
    };
    let client = match es_client::blocking::Client::from_builder(TransportBuilder::new().host(&url))
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let mut tests = es_yaml_tests::load_suite(&root);
    if let Some(f) = &filter {
        tests.retain(|t| t.file.contains(f.as_str()) || t.name.contains(f.as_str()));
    }
    let results = es_yaml_tests::run_suite(client, &tests);
    let tsv = es_yaml_tests::to_tsv(&results);
    match out {
        Some(path) => {
            if let Err(e) = std::fs::write(&path, &tsv) {
                eprintln!("cannot write {path}: {e}");
                std::process::exit(1);
            }
        }
        None => print!("{tsv}"),
    }
    let count = |l: &str| results.iter().filter(|(_, o)| o.label() == l).count();
    eprintln!(
        "{target}: {} pass, {} fail, {} skip, {} total",
        count("pass"),
        count("fail"),
        count("skip"),
        results.len()
    );
}
