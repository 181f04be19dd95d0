//! `es` end to end against a noida-db emulator, with a profiles file.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use es_testkit::{Emulator, EmulatorKind};

struct Env {
    dir: std::path::PathBuf,
}

impl Env {
    fn new(tag: &str) -> Env {
        let dir = std::env::temp_dir().join(format!("es-cli-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Env { dir }
    }
    fn file(&self, name: &str, text: &str) -> std::path::PathBuf {
        let p = self.dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn es(args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_es"))
        .args(args)
        .env_remove("ELASTICSEARCH_URL")
        .env_remove("ES_PROFILES")
        .envs(envs.iter().copied())
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn profiles_health_bulk_search_and_request() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let env = Env::new("main");
    let profiles = env.file(
        "profiles.toml",
        &format!(
            "[default]\nhosts = \"{u}\"\n\n[secure]\nhosts = [\"{u}\"]\nusername = \"elastic\"\npassword_env = \"CLI_TEST_PASSWORD\"\n\n[offline]\nhosts = \"http://127.0.0.1:1\"\nmax_retries = 0\nrequest_timeout = 2\n",
            u = emu.url()
        ),
    );
    let p = profiles.to_str().unwrap();
    let secret = [("CLI_TEST_PASSWORD", "s3cret-value")];

    // Profiles: hosts and auth kind, never the secret.
    let o = es(&["--profiles", p, "profiles"], &secret);
    let (out, _) = text(&o);
    assert!(o.status.success());
    assert!(
        out.contains("secure") && out.contains("basic (elastic)") && out.contains("offline"),
        "{out}"
    );
    assert!(!out.contains("s3cret-value"));

    // Health of every profile: the offline one makes it exit 1, the others are listed.
    let o = es(&["--profiles", p, "health", "--all"], &secret);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    let line = |alias: &str| {
        out.lines()
            .find(|l| l.starts_with(alias))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line("default").contains("docker-cluster 8.15.3"), "{out}");
    assert!(line("secure").contains("docker-cluster 8.15.3"), "{out}");
    assert!(line("offline").contains("unreachable"), "{out}");
    assert!(
        err.contains("1 of 3 cluster(s) red or unreachable"),
        "{err}"
    );
    let o = es(&["--profiles", p, "-p", "secure", "health"], &secret);
    assert!(o.status.success(), "{:?}", text(&o));

    // Bulk load with ids from a field; then search and count.
    let docs: String = (0..5000)
        .map(|i| {
            format!(
                "{{\"id\":\"b{i}\",\"title\":\"{} {i}\",\"n\":{i}}}\n",
                if i % 5 == 0 { "rust" } else { "other" }
            )
        })
        .collect();
    let file = env.file("docs.ndjson", &docs);
    let o = es(
        &[
            "--profiles",
            p,
            "bulk",
            "books",
            file.to_str().unwrap(),
            "--id-field",
            "id",
            "--chunk-size",
            "700",
            "--no-progress",
        ],
        &[],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.starts_with("indexed 5000 of 5000 documents into books"),
        "{out}"
    );
    assert!(out.contains("8 requests"), "{out}");

    let o = es(
        &[
            "--profiles",
            p,
            "search",
            "books",
            "-q",
            "title:rust",
            "-n",
            "3",
        ],
        &[],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let hits: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(hits.len(), 3);
    assert!(hits
        .iter()
        .all(|h| h["_source"]["title"].as_str().unwrap().starts_with("rust")));
    assert!(err.contains("1000 in total"), "{err}");

    let o = es(&["--profiles", p, "request", "GET", "/books/_doc/b42"], &[]);
    let (out, _) = text(&o);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["_source"]["n"], 42);
    let o = es(
        &[
            "--profiles",
            p,
            "request",
            "POST",
            "/books/_count",
            "--body",
            r#"{"query":{"range":{"n":{"lt":100}}}}"#,
        ],
        &[],
    );
    let count: serde_json::Value = serde_json::from_str(&text(&o).0).unwrap();
    assert_eq!(count["count"], 100);

    // Rejected documents are reported and make the exit status 1.
    let bad = env.file("bad.ndjson", "{\"n\":1}\n{\"n\":\"not a number\"}\n");
    let o = es(
        &[
            "--profiles",
            p,
            "bulk",
            "books",
            bad.to_str().unwrap(),
            "--no-progress",
        ],
        &[],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(out.contains("indexed 1 of 2"), "{out}");
    assert!(err.contains("line 2: status 400"), "{err}");

    // --url / ELASTICSEARCH_URL configure the default profile without a file.
    let o = es(&["health"], &[("ELASTICSEARCH_URL", emu.url())]);
    assert!(o.status.success(), "{:?}", text(&o));
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let env = Env::new("bad");
    let broken = env.file("broken.toml", "[qa]\nhostz = \"http://x\"\n");
    let o = es(&["--profiles", broken.to_str().unwrap(), "profiles"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("`qa.hostz`"), "{:?}", text(&o));

    let ok = env.file("ok.toml", "[qa]\nhosts = \"http://127.0.0.1:1\"\n");
    let o = es(
        &["--profiles", ok.to_str().unwrap(), "-p", "nope", "health"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("no connection named `nope`; known aliases: `default`, `qa`"),
        "{:?}",
        text(&o)
    );

    let o = es(
        &[
            "--profiles",
            ok.to_str().unwrap(),
            "-p",
            "qa",
            "search",
            "x",
            "--body",
            "{not json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("--body is not JSON"), "{:?}", text(&o));

    let o = es(
        &[
            "--profiles",
            ok.to_str().unwrap(),
            "bulk",
            "x",
            "/no/such/file.ndjson",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("/no/such/file.ndjson"));

    let o = es(&["frobnicate"], &[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn profiles_listing_hides_passwords_written_in_urls() {
    let env = Env::new("urlpw");
    let f = env.file(
        "p.toml",
        "[prod]\nhosts = [\"https://admin:url-pw-9@es1:9200\", \"https://es2:9200\"]\n",
    );
    let o = es(&["--profiles", f.to_str().unwrap(), "profiles"], &[]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(!out.contains("url-pw-9"), "{out}");
    assert!(
        out.contains("https://admin:<redacted>@es1:9200,https://es2:9200"),
        "{out}"
    );
}

#[test]
fn bulk_never_reports_documents_the_server_did_not_acknowledge() {
    let cluster = es_testkit::FakeCluster::start(1).unwrap();
    cluster.set_handler(|req| {
        req.path.ends_with("/_bulk").then(|| {
            es_testkit::Reply::json(
                200,
                serde_json::json!({"took": 1, "errors": false, "items": []}),
            )
        })
    });
    let env = Env::new("unacked");
    let docs = env.file("docs.ndjson", "{\"n\":1}\n{\"n\":2}\n");
    let out = es(
        &[
            "--url",
            &cluster.url(0),
            "bulk",
            "idx",
            docs.to_str().unwrap(),
            "--no-refresh",
        ],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("indexed 0 of 2"), "{stdout}");
    assert!(stderr.contains("2 document(s) rejected"), "{stderr}");
}

#[test]
fn unreadable_input_is_an_error_not_an_empty_load() {
    let env = Env::new("unreadable");
    let dir = env.dir.to_str().unwrap().to_string();
    // A directory: refused before anything is sent.
    let out = es(&["--url", "http://127.0.0.1:1", "bulk", "idx", &dir], &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains("is a directory"), "{stderr}");
    // A read error (EIO) is not the end of the file.
    let cluster = es_testkit::FakeCluster::start(1).unwrap();
    let out = es(
        &[
            "--url",
            &cluster.url(0),
            "bulk",
            "idx",
            "/proc/self/mem",
            "--no-refresh",
        ],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("reading the input failed"), "{stderr}");
}

#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    for args in [
        &["profiles"][..],
        &["--url", "http://127.0.0.1:1", "health"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_es"))
            .args(args)
            .env_remove("ELASTICSEARCH_URL")
            .env_remove("ES_PROFILES")
            .env("HOME", "/nonexistent")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away before the first line
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
    }
}
