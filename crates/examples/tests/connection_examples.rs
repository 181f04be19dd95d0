//! Runs every connection example (one per seed snippet) against two noida-db instances acting
//! as two clusters, and checks what they print and where their documents landed.

#![allow(clippy::unwrap_used)]

use std::process::Command;

use es_testkit::{Emulator, EmulatorKind};

fn run(bin: &str, envs: &[(&str, &str)]) -> String {
    let out = Command::new(bin)
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{bin} failed: {}\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn ids_in(url: &str, index: &str) -> Vec<String> {
    let client = es_client::blocking::Client::new(url).unwrap();
    client.indices().refresh().index(index).send().unwrap();
    let res = client.search().index(index).size(100).send().unwrap();
    let mut ids: Vec<String> = res.hits.hits.into_iter().filter_map(|h| h.id).collect();
    ids.sort();
    ids
}

#[test]
fn every_connection_example_runs_against_two_clusters() {
    let a = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let b = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let (ua, ub) = (a.url(), b.url());
    let env = [("CLUSTER_A_URL", ua), ("CLUSTER_B_URL", ub)];

    let out = run(env!("CARGO_BIN_EXE_conn_default"), &env);
    assert!(
        out.contains(&format!("default -> {ua}: docker-cluster 8.15.3")),
        "{out}"
    );

    let out = run(env!("CARGO_BIN_EXE_conn_alias"), &env);
    assert!(out.contains("my_new_connection ping: true"), "{out}");
    assert!(
        out.contains("default: no connection named `default`; known aliases: `my_new_connection`"),
        "{out}"
    );

    let out = run(env!("CARGO_BIN_EXE_conn_configure"), &env);
    assert!(
        out.contains("built before use: default=false dev=false"),
        "{out}"
    );
    assert!(out.contains(&format!("default -> {ua}")), "{out}");
    assert!(
        out.contains(&format!("dev -> {ub} (nodes after sniff: 1)")),
        "{out}"
    );
    assert!(
        out.contains("built after use: default=true dev=true"),
        "{out}"
    );
    assert_eq!(ids_in(ua, "conn-examples"), vec!["from-default"]);
    assert_eq!(ids_in(ub, "conn-examples"), vec!["from-dev"]);

    let out = run(env!("CARGO_BIN_EXE_conn_add_existing"), &env);
    assert!(out.contains(&format!("qa -> {ua} (8.15.3)")), "{out}");
    assert!(
        out.contains(&format!("another_qa -> {ub} (8.15.3)")),
        "{out}"
    );
    assert!(
        out.contains("after remove: [\"qa\"]; my_client still pings: true"),
        "{out}"
    );

    let out = run(env!("CARGO_BIN_EXE_conn_using_search"), &env);
    assert!(
        out.contains(&format!("using=qa: 1 hit(s) [\"from-default\"] from {ua}")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "using=instance: 1 hit(s) [\"from-dev\"] from {ub}"
        )),
        "{out}"
    );
    assert!(
        out.contains("using=nope: no connection named `nope`; known aliases: `qa`"),
        "{out}"
    );

    let staging = [("ENVIRONMENT", "staging"), ("ES_STAGING_HOSTS", ub)];
    let out = run(env!("CARGO_BIN_EXE_conn_env_selected"), &staging);
    assert!(out.contains(&format!("with es_staging -> {ub}")), "{out}");
    let prod_hosts = format!("{ua},{ua}");
    let prod = [
        ("ENVIRONMENT", "production"),
        ("ES_PROD_HOSTS", prod_hosts.as_str()),
        ("ES_PROD_USER", "prod_user"),
        ("ES_PROD_PASSWORD", "prod_password"),
    ];
    let out = run(env!("CARGO_BIN_EXE_conn_env_selected"), &prod);
    assert!(
        out.contains(&format!("with es_production -> {ua}")),
        "{out}"
    );
    assert!(!out.contains("prod_password"));
    assert_eq!(ids_in(ua, "configurable_docs").len(), 1);
    assert_eq!(ids_in(ub, "configurable_docs").len(), 1);
    // Production needs its password variable: without it, a clear error and exit status 1.
    let broken = Command::new(env!("CARGO_BIN_EXE_conn_env_selected"))
        .envs([
            ("ENVIRONMENT", "production"),
            ("ES_PROD_HOSTS", ua),
            ("ES_PROD_USER", "u"),
        ])
        .env_remove("ES_PROD_PASSWORD")
        .output()
        .unwrap();
    assert!(!broken.status.success());
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.contains("connection `es_production`: invalid `password_env`"),
        "{stderr}"
    );

    // Documents: an Article on the default connection and on `secure`; a search on
    // `secure`'s logs.
    let cb = es_client::blocking::Client::new(ub).unwrap();
    for (id, m) in [("l1", "error: disk full"), ("l2", "all good")] {
        cb.index("logs")
            .id(id)
            .document(&serde_json::json!({ "message": m }))
            .refresh(es_client::Refresh::True)
            .send()
            .unwrap();
    }
    let out = run(env!("CARGO_BIN_EXE_doc_article"), &env);
    assert!(
        out.contains("on default") && out.contains("on secure"),
        "{out}"
    );
    assert!(out.contains("Log: error: disk full"), "{out}");
    assert!(!out.contains("all good"), "{out}");
    assert_eq!(ids_in(ua, "articles").len(), 1);
    assert_eq!(ids_in(ub, "articles").len(), 1);

    // The async snippet: saved on async_default (cluster A), searched on async_secure (B).
    let out = run(env!("CARGO_BIN_EXE_doc_async"), &env);
    assert!(out.contains("in async_articles on async_default"), "{out}");
    assert!(out.contains("Log: error: disk full"), "{out}");
    assert!(!out.contains("all good"), "{out}");
    assert_eq!(ids_in(ua, "async_articles").len(), 1);
    let on_b = es_client::blocking::Client::new(ub).unwrap();
    assert!(
        !on_b.indices().exists("async_articles").send().unwrap(),
        "not on B"
    );

    let out = run(env!("CARGO_BIN_EXE_conn_health_all"), &env);
    for alias in ["analytics", "offline", "production"] {
        assert!(
            out.contains(&format!("Checking connection '{alias}':")),
            "{out}"
        );
    }
    assert_eq!(
        out.matches("Connection test successful!").count(),
        2,
        "{out}"
    );
    assert_eq!(
        out.matches("Node noida_local_node_00001: noida-db (8.15.3)")
            .count(),
        2,
        "{out}"
    );
    let offline = out.split("Checking connection 'offline':").nth(1).unwrap();
    assert!(
        offline.trim_start().starts_with("Connection error:"),
        "{out}"
    );
}
