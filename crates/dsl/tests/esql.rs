//! The ES|QL builder: every command and function family rendered, values always sent as
//! parameters (an injection attempt per kind of input), misuse refused before anything is
//! sent, and — on the fake cluster, since neither emulator implements `_query` — the request
//! body, typed rows of every column type, columnar answers, async queries and documents.

#![allow(clippy::unwrap_used)]

use es_client::{Client, CompatMode, TransportBuilder};
use es_dsl::esql::{
    col, delete_async, f, get_async, param, raw, span, EnrichMode, Esql, EsqlError, EsqlOptions,
    EsqlType, FuseMethod, GeoPoint, Options, TimeUnit,
};
use es_dsl::{Document, Mapping, Property, Query, UseConnection};
use es_testkit::{FakeCluster, Reply, Rule};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

fn text(q: &Esql) -> String {
    q.render().unwrap().query
}

#[test]
fn source_commands_render() {
    assert_eq!(
        text(&Esql::from(["a", "b-*", "remote:c"])),
        "FROM a, b-*, remote:c"
    );
    assert_eq!(
        text(&Esql::from(["logs"]).metadata(["_id", "_index"])),
        "FROM logs METADATA _id, _index"
    );
    assert_eq!(text(&Esql::ts(["metrics-*"])), "TS metrics-*");
    assert_eq!(text(&Esql::show_info()), "SHOW INFO");
    let r = Esql::row([("a", param(1)), ("b", param("x"))])
        .render()
        .unwrap();
    assert_eq!(r.query, "ROW a = ?1, b = ?2");
    assert_eq!(r.params, vec![json!(1), json!("x")]);
    let r = Esql::from(["logs"])
        .set("time_zone", "+01:00")
        .render()
        .unwrap();
    assert_eq!(r.query, r#"SET time_zone = "+01:00"; FROM logs"#);
}

#[test]
fn every_processing_command_renders() {
    let base = Esql::from(["logs"]);
    let cases: Vec<(Esql, &str)> = vec![
        (base.clone().where_(col("a").gt(1)), "WHERE a > ?1"),
        (
            base.clone()
                .eval([("b", col("a") * 2), ("c", f::to_upper(col("s")))]),
            "EVAL b = a * ?1, c = TO_UPPER(s)",
        ),
        (
            base.clone()
                .stats([("n", f::count_all()), ("avg", f::avg(col("bytes")))])
                .by(["host", "service"]),
            "STATS n = COUNT(*), avg = AVG(bytes) BY host, service",
        ),
        (
            base.clone().stats(Vec::<es_dsl::esql::Assign>::new()).by([(
                "hour",
                f::bucket(col("@timestamp"), span(1, TimeUnit::Hours)),
            )]),
            "STATS BY hour = BUCKET(@timestamp, 1 hours)",
        ),
        (
            base.clone()
                .inline_stats([("max", f::max(col("bytes")))])
                .by(["host"]),
            "INLINE STATS max = MAX(bytes) BY host",
        ),
        (
            base.clone()
                .sort([col("a").desc().nulls_first(), col("b").asc(), "c".into()]),
            "SORT a DESC NULLS FIRST, b ASC, c",
        ),
        (base.clone().limit(5), "LIMIT 5"),
        (base.clone().keep(["a", "b.*", "c*"]), "KEEP a, b.*, c*"),
        (base.clone().drop(["tmp*"]), "DROP tmp*"),
        (
            base.clone().rename([("a", "b"), ("c", "d e")]),
            "RENAME a AS b, c AS `d e`",
        ),
        (
            base.clone()
                .dissect(col("msg"), "%{date} - %{level}")
                .append_separator(","),
            r#"DISSECT msg "%{date} - %{level}" APPEND_SEPARATOR = ",""#,
        ),
        (
            base.clone().grok(col("msg"), "%{IP:ip} %{WORD:verb}"),
            r#"GROK msg "%{IP:ip} %{WORD:verb}""#,
        ),
        (
            base.clone()
                .enrich("hosts-policy")
                .on("host")
                .with_fields([("owner_name", "owner"), ("dc", "dc")]),
            "ENRICH hosts-policy ON host WITH owner_name = owner, dc = dc",
        ),
        (
            base.clone().enrich_mode(EnrichMode::Coordinator, "p"),
            "ENRICH _coordinator:p",
        ),
        (
            base.clone().lookup_join("hosts", ["host", "dc"]),
            "LOOKUP JOIN hosts ON host, dc",
        ),
        (
            base.clone()
                .lookup_join_on("hosts", col("host").eq(col("hosts.name"))),
            "LOOKUP JOIN hosts ON host == hosts.name",
        ),
        (base.clone().mv_expand("tags"), "MV_EXPAND tags"),
        (
            base.clone()
                .change_point("count")
                .on("@timestamp")
                .as_("kind", "p"),
            "CHANGE_POINT count ON @timestamp AS kind, p",
        ),
        (
            base.clone()
                .completion(Some("answer"), col("prompt"), "my-llm"),
            r#"COMPLETION answer = prompt WITH {"inference_id": "my-llm"}"#,
        ),
        (
            base.clone()
                .rerank(Some("score"), "fast cars", ["title", "body"])
                .with_options(Options::new().set("inference_id", "reranker")),
            r#"RERANK score = ?1 ON title, body WITH {"inference_id": "reranker"}"#,
        ),
        (
            base.clone()
                .fork([
                    Esql::branch().where_(col("a").eq(1)),
                    Esql::branch().where_(col("b").eq(2)).limit(3),
                ])
                .fuse_method(FuseMethod::Linear)
                .score_by("_score")
                .key_by(["_id", "_index"])
                .group_by("_fork")
                .with_options(Options::new().set("normalizer", "minmax")),
            r#"FORK (WHERE a == ?1) (WHERE b == ?2 | LIMIT 3) | FUSE LINEAR SCORE BY _score KEY BY _id, _index GROUP BY _fork WITH {"normalizer": "minmax"}"#,
        ),
        (base.clone().fuse(), "FUSE"),
        (base.clone().sample(0.25), "SAMPLE 0.25"),
        (
            base.clone()
                .mmr(Some(param(vec![0.1, 0.2])), "embedding", 10)
                .with_options(Options::new().set("lambda", 0.7)),
            r#"MMR ?1 ON embedding LIMIT 10 WITH {"lambda": 0.7}"#,
        ),
        (
            base.clone().mmr(None, "embedding", 3),
            "MMR ON embedding LIMIT 3",
        ),
        (base.clone().uri_parts("u", col("url")), "URI_PARTS u = url"),
        (
            base.clone()
                .user_agent("ua", col("agent"))
                .with_options(Options::new().set("extract_device_type", true)),
            r#"USER_AGENT ua = agent WITH {"extract_device_type": true}"#,
        ),
        (
            base.clone().registered_domain("d", col("host")),
            "REGISTERED_DOMAIN d = host",
        ),
        (base.clone().metrics_info(), "METRICS_INFO"),
        (base.clone().ts_info(), "TS_INFO"),
    ];
    for (q, want) in cases {
        assert_eq!(text(&q), format!("FROM logs | {want}"));
    }
}

#[test]
fn expressions_follow_esql_precedence() {
    let e = (col("a").eq(1) | col("b").eq(2)) & !col("c").is_null();
    assert_eq!(e.to_string(), "(a == ? OR b == ?) AND NOT c IS NULL");
    assert_eq!((col("a") - (col("b") - 1)).to_string(), "a - (b - ?)");
    assert_eq!((-(col("a") + 1)).to_string(), "-(a + ?)");
    assert_eq!(col("a").cast(EsqlType::Long).to_string(), "a::long");
    assert_eq!(
        col("ip").not_in(["10.0.0.1", "10.0.0.2"]).to_string(),
        "ip NOT IN (?, ?)"
    );
    assert_eq!(
        col("msg").like_any(["*a*", "*b*"]).to_string(),
        "msg LIKE (?, ?)"
    );
    assert_eq!(col("msg").rlike("err.*").to_string(), "msg RLIKE ?");
    assert_eq!(col("title").matches("rust").to_string(), "title : ?");
    assert_eq!(col("a").is_not_null().to_string(), "a IS NOT NULL");
    assert_eq!(raw("NOW()").to_string(), "NOW()");
}

#[test]
fn every_function_family_renders() {
    let x = || col("x");
    let cases = [
        (f::count_distinct_with(x(), 3000), "COUNT_DISTINCT(x, ?)"),
        (f::percentile(x(), 95), "PERCENTILE(x, ?)"),
        (f::top(x(), 3, "desc"), "TOP(x, ?, ?)"),
        (
            f::rate_with(x(), span(5, TimeUnit::Minutes)),
            "RATE(x, 5 minutes)",
        ),
        (f::avg_over_time(x()), "AVG_OVER_TIME(x)"),
        (f::bucket_range(x(), 20, 0, 100), "BUCKET(x, ?, ?, ?)"),
        (f::categorize(x()), "CATEGORIZE(x)"),
        (
            f::case([x().gt(1), param("big"), param("small")]),
            "CASE(x > ?, ?, ?)",
        ),
        (f::coalesce(x(), [col("y"), param(0)]), "COALESCE(x, y, ?)"),
        (f::date_format_with(x(), "yyyy"), "DATE_FORMAT(?, x)"),
        (
            f::date_trunc(span(1, TimeUnit::Days), x()),
            "DATE_TRUNC(1 days, x)",
        ),
        (f::now(), "NOW()"),
        (
            f::cidr_match(x(), [param("10.0.0.0/8")]),
            "CIDR_MATCH(x, ?)",
        ),
        (f::round_with(x(), 2), "ROUND(x, ?)"),
        (f::log_base(2, x()), "LOG(?, x)"),
        (f::pi(), "PI()"),
        (
            f::match_with(x(), "q", Options::new().set("operator", "AND")),
            r#"MATCH(x, ?, {"operator": "AND"})"#,
        ),
        (
            f::multi_match_with("q", [col("a"), col("b")], Options::new().set("boost", 2)),
            r#"MULTI_MATCH(?, a, b, {"boost": 2})"#,
        ),
        (f::qstr("title:rust"), "QSTR(?)"),
        (
            f::st_distance(x(), f::to_geopoint("POINT(0 0)")),
            "ST_DISTANCE(x, TO_GEOPOINT(?))",
        ),
        (f::concat([x(), param("-"), col("y")]), "CONCAT(x, ?, y)"),
        (f::substring_with(x(), 1, 3), "SUBSTRING(x, ?, ?)"),
        (f::to_long_base(x(), 16), "TO_LONG(x, ?)"),
        (f::to_datetime(x()), "TO_DATETIME(x)"),
        (f::mv_slice_range(x(), 0, 2), "MV_SLICE(x, ?, ?)"),
        (f::mv_zip_with(x(), col("y"), "-"), "MV_ZIP(x, y, ?)"),
        (f::v_cosine(x(), col("y")), "V_COSINE(x, y)"),
        (f::count_all(), "COUNT(*)"),
    ];
    for (e, want) in cases {
        assert_eq!(e.to_string(), want);
    }
    // Every constructor of the tables, by family, each ES|QL name an upper-case identifier.
    assert!(f::ALL.len() >= 228, "{} constructors", f::ALL.len());
    for (rust, esql) in f::ALL {
        assert!(!rust.is_empty());
        assert!(
            esql.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "{esql}"
        );
    }
    let families = [
        f::AGGREGATE,
        f::TIME_SERIES,
        f::GROUPING,
        f::CONDITIONAL,
        f::DATE_TIME,
        f::IP,
        f::MATH,
        f::SEARCH,
        f::SPATIAL,
        f::STRING,
        f::TYPE_CONVERSION,
        f::MULTI_VALUE,
        f::VECTOR,
    ];
    assert!(families.iter().all(|fam| !fam.is_empty()));
}

/// The strings that try to break out: quotes, backticks, pipes, newlines, `"; DROP`.
const ATTACKS: &[&str] = &[
    "x\" OR 1 == 1 OR \"",
    "x` | DROP everything | KEEP `y",
    "a | LIMIT 0",
    "line\nbreak | DROP a",
    "\"; DROP INDEX logs; --",
    "back\\slash\"",
];

#[test]
fn values_never_enter_the_query_text() {
    for attack in ATTACKS {
        let r = Esql::from(["logs"])
            .where_(col("user").eq(*attack) & col("msg").like(*attack))
            .eval([("x", f::concat([col("a"), param(*attack)]))])
            .render()
            .unwrap();
        assert_eq!(
            r.query, "FROM logs | WHERE user == ?1 AND msg LIKE ?2 | EVAL x = CONCAT(a, ?3)",
            "{attack:?}"
        );
        assert_eq!(r.params, vec![json!(attack), json!(attack), json!(attack)]);
    }
}

#[test]
fn names_and_literals_cannot_leave_their_quotes() {
    for attack in ATTACKS {
        // A column name: one backtick-quoted identifier, its backticks doubled.
        let q = text(&Esql::from(["logs"]).keep([*attack]));
        let quoted = format!("`{}`", attack.replace('`', "``"));
        assert_eq!(q, format!("FROM logs | KEEP {quoted}"));
        // An index name: one string literal.
        let q = text(&Esql::from([*attack]));
        let inner = &q["FROM ".len()..];
        assert!(inner.starts_with('"') && inner.ends_with('"'), "{q}");
        assert_eq!(serde_json::from_str::<String>(inner).unwrap(), *attack);
        // A DISSECT pattern and an option value: escaped string literals.
        let q = text(&Esql::from(["logs"]).dissect(col("m"), attack));
        let lit = &q["FROM logs | DISSECT m ".len()..];
        assert_eq!(serde_json::from_str::<String>(lit).unwrap(), *attack);
        let e = f::match_with(col("t"), "q", Options::new().set("analyzer", *attack));
        let s = e.to_string();
        let lit = s
            .strip_prefix("MATCH(t, ?, {\"analyzer\": ")
            .and_then(|s| s.strip_suffix("})"))
            .unwrap();
        assert_eq!(serde_json::from_str::<String>(lit).unwrap(), *attack);
        // A policy name has no quoting in ES|QL: refused.
        assert!(matches!(
            Esql::from(["logs"]).enrich(attack).render(),
            Err(EsqlError::Invalid {
                what: "ENRICH policy",
                ..
            })
        ));
        // SET values are escaped literals; SET names are refused.
        let r = Esql::from(["l"])
            .set("time_zone", *attack)
            .render()
            .unwrap();
        let lit = r.query.strip_prefix("SET time_zone = ").unwrap();
        let lit = lit.strip_suffix("; FROM l").unwrap();
        assert_eq!(serde_json::from_str::<String>(lit).unwrap(), *attack);
        assert!(Esql::from(["l"]).set(attack, 1).render().is_err());
    }
}

#[test]
fn misuse_is_a_typed_error_before_anything_is_sent() {
    let base = Esql::from(["logs"]);
    let misplaced = |q: Esql, clause: &str| match q.render() {
        Err(EsqlError::Misplaced { clause: c, .. }) => assert_eq!(c, clause),
        other => panic!("{clause}: {other:?}"),
    };
    misplaced(base.clone().where_(col("a").eq(1)).by(["h"]), "BY");
    misplaced(
        base.clone().stats([f::count_all()]).by(["h"]).by(["i"]),
        "BY",
    );
    misplaced(base.clone().limit(1).metadata(["_id"]), "METADATA");
    misplaced(base.clone().keep(["a"]).on("x"), "ON");
    misplaced(
        base.clone()
            .grok(col("m"), "%{WORD:w}")
            .append_separator(","),
        "APPEND_SEPARATOR",
    );
    misplaced(
        base.clone().where_(col("a").eq(1)).score_by("s"),
        "SCORE BY",
    );
    misplaced(base.clone().limit(1).with_options(Options::new()), "WITH");
    misplaced(base.clone().limit(1).as_("a", "b"), "AS");
    let b = || Esql::branch().limit(1);
    assert_eq!(
        base.clone().fork([b(), b()]).fork([b(), b()]).render(),
        Err(EsqlError::TwoForks)
    );
    assert_eq!(
        base.clone().fork([b()]).render(),
        Err(EsqlError::ForkBranches(1))
    );
    assert_eq!(
        base.clone().fork((0..9).map(|_| b())).render(),
        Err(EsqlError::ForkBranches(9))
    );
    assert_eq!(
        base.clone().fork([b(), Esql::from(["x"])]).render(),
        Err(EsqlError::SourceInBranch)
    );
    assert_eq!(b().render(), Err(EsqlError::NoSource));
    assert_eq!(
        base.clone().keep(Vec::<&str>::new()).render(),
        Err(EsqlError::Empty("KEEP"))
    );
    assert_eq!(
        base.clone()
            .stats(Vec::<es_dsl::esql::Assign>::new())
            .render(),
        Err(EsqlError::Empty("STATS"))
    );
    assert!(matches!(
        base.clone().sample(1.5).render(),
        Err(EsqlError::Invalid { .. })
    ));
    // The first misuse is kept; the error names it.
    let e = base
        .where_(col("a").eq(1))
        .by(["h"])
        .limit(3)
        .render()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "ES|QL: BY must follow STATS or INLINE STATS (once), not `WHERE`"
    );
}

fn fake() -> (FakeCluster, Client) {
    let cluster = FakeCluster::start(1).unwrap();
    let client = Client::from_builder(
        TransportBuilder::new()
            .host(cluster.url(0))
            .compat(CompatMode::Off)
            .product_check(false),
    )
    .unwrap();
    (cluster, client)
}

fn sent(cluster: &FakeCluster, path: &str) -> Value {
    let reqs = cluster.requests_to(path);
    serde_json::from_slice(&reqs.last().unwrap().decoded_body()).unwrap()
}

/// A recorded ES|QL answer with a column of each type ES|QL returns.
fn every_type_answer() -> Value {
    json!({
        "took": 3,
        "is_partial": false,
        "columns": [
            {"name": "host.name", "type": "keyword"},
            {"name": "bytes", "type": "long"},
            {"name": "ratio", "type": "double"},
            {"name": "@timestamp", "type": "date"},
            {"name": "ok", "type": "boolean"},
            {"name": "client.ip", "type": "ip"},
            {"name": "location", "type": "geo_point"},
            {"name": "tags", "type": "keyword"},
            {"name": "note", "type": "keyword"}
        ],
        "values": [
            ["web-1", 1024, 0.5, "2026-11-30T10:00:00.000Z", true, "10.0.0.1", "POINT (-71.34 41.12)", ["a", "b"], null],
            ["web-2", 9007199254740993_u64, 1.0, "2026-11-30T11:30:00.000Z", false, "::1", "POINT (2.35 48.85)", "c", "hi"]
        ]
    })
}

#[derive(Debug, PartialEq, Deserialize)]
struct Host {
    name: String,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Client2 {
    ip: std::net::IpAddr,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Row {
    host: Host,
    bytes: u64,
    ratio: f64,
    #[serde(rename = "@timestamp")]
    timestamp: String,
    ok: bool,
    client: Client2,
    location: GeoPoint,
    #[serde(deserialize_with = "es_dsl::esql::one_or_many")]
    tags: Vec<String>,
    note: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_carries_query_and_params_and_rows_read_typed() {
    let (cluster, client) = fake();
    cluster.push(Rule::new(Reply::json(200, every_type_answer())).path_prefix("/_query"));
    let q = Esql::from(["logs-*"])
        .where_(col("level").eq("ERROR") & col("message").like("*timeout*"))
        .stats([("errors", f::count_all())])
        .by(["host.name"])
        .sort([col("errors").desc()])
        .limit(2);
    let result = q
        .execute_with(
            &client,
            &EsqlOptions::new()
                .filter(Query::term("env", "prod"))
                .time_zone("Europe/Paris"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent(&cluster, "/_query"),
        json!({
            "query": "FROM logs-* | WHERE level == ?1 AND message LIKE ?2 | STATS errors = COUNT(*) BY host.name | SORT errors DESC | LIMIT 2",
            "params": ["ERROR", "*timeout*"],
            "filter": {"term": {"env": {"value": "prod"}}},
            "time_zone": "Europe/Paris"
        })
    );
    assert_eq!((result.len(), result.took), (2, Some(3)));
    let rows: Vec<Row> = result.rows_as().unwrap();
    assert_eq!(
        rows[0],
        Row {
            host: Host {
                name: "web-1".into()
            },
            bytes: 1024,
            ratio: 0.5,
            timestamp: "2026-11-30T10:00:00.000Z".into(),
            ok: true,
            client: Client2 {
                ip: "10.0.0.1".parse().unwrap()
            },
            location: GeoPoint {
                lon: -71.34,
                lat: 41.12
            },
            tags: vec!["a".into(), "b".into()],
            note: None,
        }
    );
    assert_eq!(
        rows[1].bytes, 9_007_199_254_740_993,
        "a long beyond f64 precision"
    );
    assert_eq!(
        rows[1].client.ip,
        "::1".parse::<std::net::IpAddr>().unwrap()
    );
    assert_eq!(rows[1].tags, vec!["c".to_string()]);
    assert_eq!(rows[1].note.as_deref(), Some("hi"));
    assert_eq!(
        result.column("ok").unwrap(),
        vec![&json!(true), &json!(false)]
    );
    assert_eq!(result.rows()[1]["host.name"], "web-2");

    // A row that does not fit names the row and the path.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        bytes: String,
    }
    let e = result.rows_as::<Wrong>().unwrap_err().to_string();
    assert!(e.contains("ES|QL row 0") && e.contains("bytes"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn columnar_answers_and_dropped_null_columns_read_the_same() {
    let (cluster, client) = fake();
    cluster.push(
        Rule::new(Reply::json(
            200,
            json!({
                "columns": [{"name": "a", "type": "long"}, {"name": "b", "type": "keyword"}],
                "all_columns": [{"name": "a", "type": "long"}, {"name": "b", "type": "keyword"}, {"name": "c", "type": "keyword"}],
                "values": [[1, 2, 3], ["x", "y", "z"]]
            }),
        ))
        .path_prefix("/_query")
        .times(1),
    );
    let r = Esql::from(["t"])
        .execute_with(
            &client,
            &EsqlOptions::new().columnar(true).drop_null_columns(true),
        )
        .send()
        .await
        .unwrap();
    let req = cluster.requests_to("/_query").pop().unwrap();
    assert_eq!(req.query_param("drop_null_columns"), Some("true"));
    assert_eq!(sent(&cluster, "/_query")["columnar"], true);
    assert_eq!(r.len(), 3);
    assert_eq!(r.values()[2], vec![json!(3), json!("z")]);
    assert_eq!(r.all_columns.unwrap().len(), 3);
    // A broken answer is an error, not a short read.
    cluster.push(
        Rule::new(Reply::json(
            200,
            json!({"columns": [{"name": "a", "type": "long"}], "values": [[1, 2]]}),
        ))
        .path_prefix("/_query"),
    );
    let e = Esql::from(["t"]).execute(&client).send().await.unwrap_err();
    assert!(
        e.to_string().contains("row 0 has 2 values for 1 columns"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_queries_submit_poll_and_delete() {
    let (cluster, client) = fake();
    cluster.push(
        Rule::new(Reply::json(200, json!({"id": "q1", "is_running": true})))
            .path_prefix("/_query/async")
            .method(http::Method::POST)
            .times(1),
    );
    cluster.push(
        Rule::new(Reply::json(
            200,
            json!({"id": "q1", "is_running": false, "columns": [{"name": "n", "type": "long"}], "values": [[42]]}),
        ))
        .path_prefix("/_query/async/q1")
        .method(http::Method::GET),
    );
    cluster.push(
        Rule::new(Reply::json(200, json!({"acknowledged": true})))
            .path_prefix("/_query/async/q1")
            .method(http::Method::DELETE),
    );
    let opts = EsqlOptions::new()
        .wait_for_completion_timeout(std::time::Duration::from_millis(10))
        .keep_alive(std::time::Duration::from_secs(60))
        .keep_on_completion(true);
    let started = Esql::from(["big"])
        .stats([f::count_all()])
        .submit(&client, &opts)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (started.id.as_deref(), started.is_running),
        (Some("q1"), true)
    );
    assert!(started.result.is_none());
    assert_eq!(
        sent(&cluster, "/_query/async"),
        json!({"query": "FROM big | STATS COUNT(*)", "wait_for_completion_timeout": "10ms",
               "keep_alive": "60000ms", "keep_on_completion": true})
    );
    let done = get_async(&client, "q1", &opts).send().await.unwrap();
    assert!(!done.is_running);
    assert_eq!(done.result.unwrap().values()[0], vec![json!(42)]);
    let get = cluster
        .requests()
        .into_iter()
        .find(|r| r.method == http::Method::GET)
        .unwrap();
    assert_eq!(get.query_param("wait_for_completion_timeout"), Some("10ms"));
    assert!(delete_async(&client, "q1").send().await.unwrap());
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Server {
    name: String,
    cpu: f64,
    owner: Owner,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Owner {
    team: String,
}

impl Document for Server {
    const INDEX: &'static str = "servers";
    fn mapping() -> Mapping {
        Mapping::new()
            .field("name", Property::keyword())
            .field("cpu", Property::double())
            .field(
                "owner",
                Property::object().field("team", Property::keyword()),
            )
    }
    fn using() -> es_dsl::Using {
        es_dsl::Using::from("esql-docs")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_come_back_as_documents_on_their_types_connection() {
    let (cluster, _) = fake();
    cluster.push(
        Rule::new(Reply::json(
            200,
            json!({
                "columns": [{"name": "_id", "type": "keyword"}, {"name": "cpu", "type": "double"},
                            {"name": "name", "type": "keyword"}, {"name": "owner.team", "type": "keyword"}],
                "values": [["s1", 0.75, "db-1", "storage"]]
            }),
        ))
        .path_prefix("/_query"),
    );
    let registry = es_dsl::Connections::new();
    registry.add_connection(
        "esql-docs",
        Client::from_builder(
            TransportBuilder::new()
                .host(cluster.url(0))
                .compat(CompatMode::Off)
                .product_check(false),
        )
        .unwrap(),
    );
    let q = Esql::documents::<Server>()
        .where_(col("cpu").gt(0.5))
        .sort([col("cpu").desc()]);
    assert_eq!(
        text(&q),
        "FROM servers METADATA _id | KEEP _id, cpu, name, owner.team | WHERE cpu > ?1 | SORT cpu DESC"
    );
    let r = q.execute(&registry).send().await.unwrap();
    let docs = r.documents::<Server>().unwrap();
    assert_eq!(docs[0].meta.id.as_deref(), Some("s1"));
    assert_eq!(docs[0].meta.index, "servers");
    assert_eq!(
        docs[0].source,
        Server {
            name: "db-1".into(),
            cpu: 0.75,
            owner: Owner {
                team: "storage".into()
            }
        }
    );
    // Another `using` for the same query: an alias the registry does not have.
    let e = Esql::documents::<Server>()
        .using("nowhere")
        .execute(&registry)
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("nowhere"), "{e}");
}

#[test]
fn a_blocking_client_runs_the_same_query() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(
        Rule::new(Reply::json(
            200,
            json!({"columns": [{"name": "n", "type": "long"}], "values": [[7]]}),
        ))
        .path_prefix("/_query"),
    );
    let client = es_client::blocking::Client::new(&cluster.url(0)).unwrap();
    let q = Esql::from(["logs"])
        .where_(col("a").eq(1))
        .stats([("n", f::count_all())]);
    let r = q.execute(&client).send().unwrap();
    assert_eq!(r.column("n").unwrap(), vec![&json!(7)]);
    assert_eq!(sent(&cluster, "/_query")["params"], json!([1]));
    // A query that cannot be rendered fails before sending.
    let e = Esql::branch().limit(1).execute(&client).send().unwrap_err();
    assert_eq!(e.kind(), es_client::ErrorKind::Config);
    assert_eq!(cluster.requests_to("/_query").len(), 1);
}
