//! Every `es` command end to end against noida-db — output, exit codes — with a bad-input
//! case per command, the bulk formats and the dead-letter file, and a dump → bulk round
//! trip of 100,000 documents.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use es_testkit::{Emulator, EmulatorKind};
use serde_json::{json, Value};

struct Env {
    dir: std::path::PathBuf,
    url: String,
}

impl Env {
    fn new(tag: &str, url: &str) -> Env {
        let dir = std::env::temp_dir().join(format!("es-cmd-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Env {
            dir,
            url: url.to_string(),
        }
    }
    fn file(&self, name: &str, text: &str) -> String {
        let p = self.dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    }
    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_str().unwrap().to_string()
    }
    fn es(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_es"))
            .args(args)
            .env("ELASTICSEARCH_URL", &self.url)
            .env_remove("ES_PROFILES")
            .env("HOME", &self.dir)
            .output()
            .unwrap()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn ok(o: Output) -> String {
    let (out, err) = text(&o);
    assert!(o.status.success(), "status {:?}\n{out}\n{err}", o.status);
    out
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn count_indices_search_request_health_profiles_and_completions() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let env = Env::new("cmds", emu.url());
    let docs: String = (0..300)
        .map(|i| {
            format!(
                "{{\"id\":\"d{i}\",\"level\":\"{}\",\"n\":{i},\"user\":{{\"name\":\"u{}\"}}}}\n",
                if i % 3 == 0 { "ERROR" } else { "INFO" },
                i % 7
            )
        })
        .collect();
    let f = env.file("logs.ndjson", &docs);
    ok(env.es(&["bulk", "cmd-logs", &f, "--id-field", "id", "--no-progress"]));

    // count: plain, with a query, as JSON; a bad body is bad input.
    assert_eq!(ok(env.es(&["count", "cmd-logs"])).trim(), "300");
    assert_eq!(
        ok(env.es(&["count", "cmd-logs", "-q", "level:ERROR"])).trim(),
        "100"
    );
    let j = json_lines(&ok(env.es(&[
        "--json",
        "count",
        "cmd-logs",
        "--body",
        r#"{"query":{"range":{"n":{"lt":10}}}}"#,
    ])));
    assert_eq!(j, vec![json!({"index": "cmd-logs", "count": 10})]);
    let o = env.es(&["count", "cmd-logs", "--body", "{nope"]);
    assert_eq!(code(&o), Some(2), "{:?}", text(&o));

    // indices: a table and JSON lines.
    ok(env.es(&[
        "bulk",
        "cmd-other",
        &env.file("o.ndjson", "{\"a\":1}\n"),
        "--no-progress",
    ]));
    let table = ok(env.es(&["indices", "cmd-*"]));
    let mut lines = table.lines();
    assert!(
        lines.next().unwrap().starts_with("HEALTH  STATUS  INDEX"),
        "{table}"
    );
    let names: Vec<&str> = lines
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(names, vec!["cmd-logs", "cmd-other"], "{table}");
    let rows = json_lines(&ok(
        env.es(&["--json", "indices", "cmd-*", "--sort", "docs"])
    ));
    assert_eq!(rows[0]["index"], "cmd-logs");
    assert_eq!(rows[0]["docs"], 300);
    assert_eq!(rows[1]["docs"], 1);
    let o = env.es(&["indices", "--sort", "bogus"]);
    assert_eq!(code(&o), Some(2));

    // search: JSON lines, or a table of fields.
    let hits = json_lines(&ok(env.es(&["search", "cmd-logs", "-q", "id:d42"])));
    assert_eq!(hits[0]["_id"], "d42");
    let t = ok(env.es(&[
        "search",
        "cmd-logs",
        "-q",
        "id:d42",
        "--fields",
        "_id,n,user.name",
    ]));
    assert_eq!(
        t.lines().collect::<Vec<_>>(),
        vec!["_ID  N   USER.NAME", "d42  42  u0"],
        "{t}"
    );
    let o = env.es(&["search", "cmd-logs", "--body", "[1"]);
    assert_eq!(code(&o), Some(2));

    // request: cat APIs answer their text table; JSON when asked.
    let cat = ok(env.es(&["request", "GET", "/_cat/indices/cmd-logs?v"]));
    assert!(
        serde_json::from_str::<Value>(&cat).is_err(),
        "a text table: {cat}"
    );
    assert!(cat.contains("cmd-logs"), "{cat}");
    let cat = ok(env.es(&["request", "GET", "/_cat/indices/cmd-logs?format=json"]));
    assert_eq!(
        serde_json::from_str::<Value>(&cat).unwrap()[0]["index"],
        "cmd-logs"
    );
    let o = env.es(&["request", "NOT A METHOD", "/"]);
    assert_eq!(code(&o), Some(2));

    // health --json; an unreachable cluster is a failed operation (1).
    let h = json_lines(&ok(env.es(&["--json", "health"])));
    assert_eq!(h[0]["profile"], "default");
    assert!(h[0]["nodes"].as_u64().unwrap() >= 1);
    let down = Env::new("down", "http://127.0.0.1:1");
    let o = down.es(&["count", "x"]);
    assert_eq!(code(&o), Some(1), "{:?}", text(&o));
    let o = down.es(&["indices"]);
    assert_eq!(code(&o), Some(1), "{:?}", text(&o));
    let o = down.es(&["--json", "health"]);
    assert_eq!(code(&o), Some(1));
    assert!(json_lines(&text(&o).0)[0]["error"].is_string());

    // profiles check: a good file, a profile whose secret is missing, a bad key.
    let good = env.file(
        "good.toml",
        &format!("[default]\nhosts = \"{}\"\n", emu.url()),
    );
    let out = ok(env.es(&["--profiles", &good, "profiles", "check"]));
    assert!(out.contains("default") && out.contains("ok"), "{out}");
    let missing = env.file(
        "missing.toml",
        &format!(
            "[qa]\nhosts = \"{}\"\nusername = \"u\"\npassword_env = \"ES_CMD_TEST_UNSET\"\n",
            emu.url()
        ),
    );
    let o = env.es(&["--profiles", &missing, "--json", "profiles", "check"]);
    assert_eq!(code(&o), Some(2), "{:?}", text(&o));
    let rows = json_lines(&text(&o).0);
    let qa = rows.iter().find(|r| r["profile"] == "qa").unwrap();
    assert_eq!(qa["ok"], false);
    assert!(
        qa["status"].as_str().unwrap().contains("ES_CMD_TEST_UNSET"),
        "{qa}"
    );
    let bad = env.file("bad.toml", "[qa]\nhots = \"http://x\"\n");
    let o = env.es(&["--profiles", &bad, "profiles", "check"]);
    assert_eq!(code(&o), Some(2));
    assert!(text(&o).1.contains("qa.hots"), "{:?}", text(&o));

    // completions.
    let bash = ok(env.es(&["completions", "bash"]));
    assert!(
        bash.contains("complete") && bash.contains("dump"),
        "bash completion"
    );
    assert!(ok(env.es(&["completions", "zsh"])).contains("#compdef es"));
    assert!(ok(env.es(&["completions", "fish"])).contains("complete -c es"));
    let o = env.es(&["completions", "tcsh"]);
    assert_eq!(code(&o), Some(2));
}

#[test]
fn bulk_formats_bad_lines_and_the_dead_letter_file() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let env = Env::new("bulk", emu.url());
    let count = |idx: &str| -> u64 { ok(env.es(&["count", idx])).trim().parse().unwrap() };

    // A JSON array and CSV with a header row (numbers and booleans typed).
    let arr = env.file(
        "a.json",
        r#"[{"k":"a","n":1},{"k":"b","n":2},{"k":"c","n":3}]"#,
    );
    let out = ok(env.es(&["bulk", "fmt-json", &arr, "--id-field", "k", "--no-progress"]));
    assert!(out.starts_with("indexed 3 of 3"), "{out}");
    let csv = env.file(
        "c.csv",
        "name,age,admin,note\nann,31,true,\"likes, commas\"\nbob,40,false,\n",
    );
    ok(env.es(&["bulk", "fmt-csv", &csv, "--no-progress"]));
    let hits = json_lines(&ok(env.es(&["search", "fmt-csv", "-q", "name:ann"])));
    assert_eq!(
        hits[0]["_source"],
        json!({"name": "ann", "age": 31, "admin": true, "note": "likes, commas"})
    );
    assert_eq!(count("fmt-json"), 3);

    // Bad lines: skipped and reported by line number, written to the dead-letter file with
    // the documents the server rejected; exit 1.
    let mixed = env.file(
        "mixed.ndjson",
        "{\"n\":1}\n\nnot json at all\n{\"n\":\"NaN-text\"}\n{\"n\":5}\n[1,2]\n",
    );
    ok(env.es(&[
        "bulk",
        "bad-typed",
        &env.file("seed.ndjson", "{\"n\":0}\n"),
        "--no-progress",
    ]));
    let dead = env.path("dead.ndjson");
    let o = env.es(&[
        "bulk",
        "bad-typed",
        &mixed,
        "--failed",
        &dead,
        "--no-progress",
    ]);
    let (out, err) = text(&o);
    assert_eq!(code(&o), Some(1), "{out}{err}");
    assert!(out.starts_with("indexed 2 of 5"), "{out}");
    assert!(err.contains("line 3: not a JSON object"), "{err}");
    assert!(err.contains("line 6: not a JSON object"), "{err}");
    assert!(err.contains("line 4: status 400"), "{err}");
    assert!(err.contains("3 document(s) rejected; written to"), "{err}");
    let dl = json_lines(&std::fs::read_to_string(&dead).unwrap());
    let mut by_line: Vec<(u64, Value)> = dl
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d.clone()))
        .collect();
    by_line.sort_by_key(|(l, _)| *l);
    assert_eq!(
        by_line.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        vec![3, 4, 6]
    );
    assert_eq!(by_line[0].1["text"], "not json at all");
    assert_eq!(by_line[1].1["status"], 400);
    assert_eq!(by_line[1].1["_source"], json!({"n": "NaN-text"}));
    // The dead-letter file loads again (after a fix: here, into an index without the
    // numeric mapping); the lines that are not documents are refused again.
    let o = env.es(&[
        "bulk",
        "bad-retry",
        &dead,
        "--format",
        "hits",
        "--no-progress",
    ]);
    assert_eq!(code(&o), Some(1));
    assert!(text(&o).0.starts_with("indexed 1 of 3"), "{:?}", text(&o));

    // --on-bad-line fail stops at the first bad line: exit 2 with its number.
    let o = env.es(&[
        "bulk",
        "bad-stop",
        &mixed,
        "--on-bad-line",
        "fail",
        "--no-progress",
    ]);
    assert_eq!(code(&o), Some(2), "{:?}", text(&o));
    assert!(
        text(&o).1.contains("line 3: not a JSON object"),
        "{:?}",
        text(&o)
    );

    // --op delete with ids from a field; create refuses existing ids (409).
    let ids = env.file("ids.ndjson", "{\"k\":\"a\"}\n{\"k\":\"b\"}\n");
    ok(env.es(&[
        "bulk",
        "fmt-json",
        &ids,
        "--op",
        "delete",
        "--id-field",
        "k",
        "--no-progress",
    ]));
    assert_eq!(count("fmt-json"), 1);
    let o = env.es(&[
        "bulk",
        "fmt-json",
        &arr,
        "--op",
        "create",
        "--id-field",
        "k",
        "--no-progress",
    ]);
    assert_eq!(code(&o), Some(1));
    assert!(text(&o).1.contains("status 409"), "{:?}", text(&o));
    let o = env.es(&["bulk", "fmt-json", &ids, "--op", "update", "--no-progress"]);
    assert_eq!(code(&o), Some(2), "update without ids is bad input");

    // Bad files.
    let o = env.es(&["bulk", "x", &env.path("nope.ndjson"), "--no-progress"]);
    assert_eq!(code(&o), Some(2));
    let o = env.es(&["bulk", "x", env.dir.to_str().unwrap(), "--no-progress"]);
    assert_eq!(code(&o), Some(2));
    // A read error in the middle of the input is a failure (1), never a short load.
    let o = env.es(&["bulk", "x", "/proc/self/mem", "--no-progress"]);
    assert_eq!(code(&o), Some(1), "{:?}", text(&o));
    assert!(
        text(&o).1.contains("reading the input failed"),
        "{:?}",
        text(&o)
    );
    let j = json_lines(&ok(env.es(&[
        "--json",
        "bulk",
        "fmt-json",
        &arr,
        "--no-progress",
    ])));
    assert_eq!(
        (j[0]["indexed"].as_u64(), j[0]["rejected"].as_u64()),
        (Some(3), Some(0))
    );
    let broken = env.file("broken.json", r#"[{"a":1}, {"b": ]"#);
    let o = env.es(&["bulk", "x", &broken, "--no-progress"]);
    assert_eq!(code(&o), Some(1), "{:?}", text(&o));
    assert!(
        text(&o).1.contains("not an array of objects"),
        "{:?}",
        text(&o)
    );
}

#[test]
fn ctrl_c_stops_a_bulk_load_cleanly_and_reports_what_was_acknowledged() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_es"))
        .args(["bulk", "sigint", "-", "--chunk-size", "10", "--no-progress"])
        .env("ELASTICSEARCH_URL", emu.url())
        .env_remove("ES_PROFILES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..50 {
        writeln!(stdin, "{{\"n\":{i}}}").unwrap();
    }
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // The reader is blocked on stdin: closing it lets the load finish.
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        err.contains("interrupted: 50 documents acknowledged"),
        "{err}"
    );
    assert!(out.starts_with("indexed 50 of 50"), "{out}");
}

#[test]
fn dump_then_bulk_round_trips_100k_documents() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let env = Env::new("dump", emu.url());
    let n = 100_000;
    let mut docs = String::with_capacity(n * 60);
    for i in 0..n {
        docs.push_str(&format!(
            "{{\"id\":\"r{i}\",\"n\":{i},\"tag\":\"t{}\"}}\n",
            i % 13
        ));
    }
    let src = env.file("src.ndjson", &docs);
    let out = ok(env.es(&[
        "bulk",
        "rt-src",
        &src,
        "--id-field",
        "id",
        "--chunk-size",
        "5000",
        "--no-progress",
    ]));
    assert!(out.starts_with(&format!("indexed {n} of {n}")), "{out}");

    let dumped = env.path("dump.ndjson");
    let o = env.es(&[
        "dump",
        "rt-src",
        "--hits",
        "--out",
        &dumped,
        "--no-progress",
        "--size",
        "5000",
    ]);
    let (_, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains(&format!("{n} document(s) written")), "{err}");
    let out = ok(env.es(&[
        "bulk",
        "rt-dst",
        &dumped,
        "--format",
        "hits",
        "--chunk-size",
        "5000",
        "--no-progress",
    ]));
    assert!(out.starts_with(&format!("indexed {n} of {n}")), "{out}");
    assert_eq!(ok(env.es(&["count", "rt-dst"])).trim(), n.to_string());

    // Equal documents under equal ids: both indices dumped and compared.
    let read = |idx: &str| -> std::collections::BTreeMap<String, Value> {
        let p = env.path(&format!("{idx}.cmp"));
        ok(env.es(&[
            "dump",
            idx,
            "--hits",
            "--out",
            &p,
            "--no-progress",
            "--size",
            "5000",
        ]));
        std::fs::read_to_string(&p)
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (v["_id"].as_str().unwrap().to_string(), v["_source"].clone())
            })
            .collect()
    };
    let (a, b) = (read("rt-src"), read("rt-dst"));
    assert_eq!(a.len(), n);
    assert!(a == b, "the copies differ");

    // Two slices read the same documents.
    let sliced = env.path("sliced.ndjson");
    ok(env.es(&[
        "dump",
        "rt-src",
        "--slices",
        "2",
        "--out",
        &sliced,
        "--no-progress",
        "--size",
        "5000",
    ]));
    let mut ids: Vec<String> = json_lines(&std::fs::read_to_string(&sliced).unwrap())
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "each document once");

    // A query and `_source` only; a bad query is the server's 400 (exit 1).
    let q = env.path("q.ndjson");
    ok(env.es(&[
        "dump",
        "rt-src",
        "-q",
        "tag:t3",
        "--out",
        &q,
        "--no-progress",
    ]));
    let lines = json_lines(&std::fs::read_to_string(&q).unwrap());
    assert_eq!(lines.len(), (0..n).filter(|i| i % 13 == 3).count());
    assert!(lines
        .iter()
        .all(|l| l["tag"] == "t3" && l.get("_id").is_none()));
    let o = env.es(&["dump", "no-such-index", "--no-progress"]);
    assert_eq!(code(&o), Some(1), "{:?}", text(&o));
    let o = env.es(&["dump", "rt-src", "--slices", "0"]);
    assert_eq!(code(&o), Some(2));
}

/// Ctrl-C during a dump: the point in time is closed on the server before `es` exits (the
/// fake cluster serves an endless scan and records the close).
#[test]
fn ctrl_c_stops_a_dump_and_closes_its_point_in_time() {
    use es_testkit::{FakeCluster, Reply, Rule};
    let cluster = FakeCluster::start(1).unwrap();
    cluster
        .push(Rule::new(Reply::json(200, json!({"count": 10_000_000}))).path_prefix("/big/_count"));
    cluster.push(
        Rule::new(Reply::json(200, json!({"id": "pit-x"})))
            .path_prefix("/big/_pit")
            .method(http::Method::POST),
    );
    cluster.push(
        Rule::new(Reply::json(200, json!({"succeeded": true, "num_freed": 1})))
            .path_prefix("/_pit")
            .method(http::Method::DELETE),
    );
    let hits: Vec<Value> = (0..100)
        .map(|i| json!({"_index": "big", "_id": i.to_string(), "_source": {"n": i}, "sort": [i]}))
        .collect();
    cluster.push(
        Rule::new(
            Reply::json(200, json!({"pit_id": "pit-x", "hits": {"total": {"value": 10_000_000, "relation": "eq"}, "hits": hits}}))
                .delayed(std::time::Duration::from_millis(20)),
        )
        .path_prefix("/_search"),
    );
    let dir = std::env::temp_dir().join(format!("es-cmd-pit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_es"))
        .args(["dump", "big", "--no-progress", "--size", "100", "--out"])
        .arg(dir.join("out.ndjson"))
        .env("ELASTICSEARCH_URL", cluster.url(0))
        .env_remove("ES_PROFILES")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        cluster.requests_to("/_pit").is_empty(),
        "not closed before the interrupt"
    );
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("interrupted:") && err.contains("the point in time was closed"),
        "{err}"
    );
    let closes = cluster.requests_to("/_pit");
    assert_eq!(closes.len(), 1, "closed once");
    let body: Value = serde_json::from_slice(&closes[0].decoded_body()).unwrap();
    assert_eq!(body, json!({"id": "pit-x"}));
    let _ = std::fs::remove_dir_all(&dir);
}
