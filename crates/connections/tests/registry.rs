//! The connection registry against the fake cluster: laziness, configure semantics, errors,
//! `all()`, `Using`, 16 threads at once, the async flavour, profiles and environment.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use es_client::{Async, Blocking};
use es_connections::{
    parse_profiles, ConnectionConfig, ConnectionError, Connections, HealthCheck, UseConnection,
    Using,
};
use es_testkit::{FakeCluster, Reply, Rule};

/// A config for a fake cluster node: no product detection, so request counts are exact.
fn cfg(url: &str) -> ConnectionConfig {
    ConnectionConfig::new([url])
        .compat(es_client::CompatMode::Off)
        .product_check(false)
        .into()
}

/// Builds `config` as the registry would for `alias`, with `env` as the environment.
fn build_with(
    config: &ConnectionConfig,
    alias: &str,
    env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
) -> Result<es_client::Transport, ConnectionError> {
    es_client::TransportBuilder::from_options(config.clone())
        .env_lookup(env)
        .build()
        .map_err(|e| ConnectionError::building(alias, e))
}

fn wait_until(what: &str, f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(3);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn configuration_is_lazy_no_connection_until_first_use() {
    let cluster = FakeCluster::start(1).unwrap();
    let conns: Connections<Blocking> = Connections::new();
    conns.configure([
        ("default", cfg(&cluster.url(0))),
        ("other", cfg(&cluster.url(0))),
    ]);
    assert!(!conns.is_built("default"));
    let client = conns.get_connection(None).unwrap();
    assert!(conns.is_built("default"));
    assert!(!conns.is_built("other"));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        cluster.node(0).connections_accepted(),
        0,
        "building a client opens nothing"
    );
    assert!(cluster.requests().is_empty());
    assert!(client.ping().send().unwrap());
    assert_eq!(cluster.requests().len(), 1);
    // The same built client is returned afterwards.
    let again = conns.get_connection(Some("default")).unwrap();
    assert!(again.transport().same_as(client.transport()));
}

#[test]
fn reconfigure_keeps_unchanged_rebuilds_changed_removes_missing_and_respects_added() {
    let a = FakeCluster::start(1).unwrap();
    let b = FakeCluster::start(1).unwrap();
    let conns: Connections<Blocking> = Connections::new();
    conns.configure([
        ("one", cfg(&a.url(0))),
        ("two", cfg(&a.url(0))),
        ("three", cfg(&a.url(0))),
    ]);
    let one = conns.get_connection(Some("one")).unwrap();
    let two = conns.get_connection(Some("two")).unwrap();
    two.ping().send().unwrap();
    wait_until("a keep-alive connection", || {
        a.node(0).open_connections() == 1
    });
    let manual = es_client::blocking::Client::new(&b.url(0)).unwrap();
    conns.add_connection("manual", manual.clone());

    let report = conns.configure([
        ("one", cfg(&a.url(0))),  // unchanged
        ("two", cfg(&b.url(0))),  // changed
        ("four", cfg(&b.url(0))), // new
    ]);
    assert_eq!(report.unchanged, vec!["one"]);
    assert_eq!(report.changed, vec!["two"]);
    assert_eq!(report.added, vec!["four"]);
    assert_eq!(report.removed, vec!["three"]);
    assert_eq!(report.kept_added, vec!["manual"]);
    assert!(report.replaced_added.is_empty());

    assert!(conns
        .get_connection(Some("one"))
        .unwrap()
        .transport()
        .same_as(one.transport()));
    let new_two = conns.get_connection(Some("two")).unwrap();
    assert!(!new_two.transport().same_as(two.transport()));
    assert_eq!(new_two.transport().nodes()[0].base_url(), b.url(0));
    // The replaced client was shut down: its idle keep-alive connection is closed.
    wait_until("old client's connection closed", || {
        a.node(0).open_connections() == 0
    });
    assert!(matches!(
        conns.get_connection(Some("three")),
        Err(ConnectionError::UnknownAlias { .. })
    ));
    assert!(conns
        .get_connection(Some("manual"))
        .unwrap()
        .transport()
        .same_as(manual.transport()));

    // Configuring the alias of a hand-added client replaces it, and says so.
    let report = conns.configure([("one", cfg(&a.url(0))), ("manual", cfg(&a.url(0)))]);
    assert_eq!(report.replaced_added, vec!["manual"]);
    assert_eq!(report.removed, vec!["four", "two"]);
    assert!(!conns
        .get_connection(Some("manual"))
        .unwrap()
        .transport()
        .same_as(manual.transport()));
}

#[test]
fn add_remove_get_and_their_errors() {
    let conns: Connections<Async> = Connections::new();
    let err = conns.get_connection(None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no connection named `default`; known aliases: none (configure one first)"
    );
    let qa = conns
        .create_connection(
            Some("qa"),
            ConnectionConfig::new(["esqa1.example.com"]).sniff_on_start(true),
        )
        .unwrap();
    assert_eq!(
        qa.transport().nodes()[0].base_url(),
        "http://esqa1.example.com:9200"
    );
    conns
        .create_connection(None, ConnectionConfig::new(["http://localhost:9200"]))
        .unwrap();
    conns.add_connection("another_qa", qa.clone());
    assert_eq!(conns.aliases(), vec!["another_qa", "default", "qa"]);
    assert!(conns.get_connection(None).unwrap().transport().nodes()[0]
        .base_url()
        .contains("localhost"));

    let err = conns.get_connection(Some("prod")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no connection named `prod`; known aliases: `another_qa`, `default`, `qa`"
    );
    conns.remove_connection("qa").unwrap();
    let err = conns.remove_connection("qa").unwrap_err();
    assert!(
        matches!(&err, ConnectionError::UnknownAlias { alias, .. } if alias == "qa"),
        "{err}"
    );
    // Converted into the client's error, it stays descriptive.
    let as_client: es_client::Error = err.into();
    assert_eq!(as_client.kind(), es_client::ErrorKind::Config);
    assert!(as_client.to_string().contains("`qa`"));
    // A bad configuration fails at create time, naming the alias and key.
    let err = conns
        .create_connection(Some("bad"), ConnectionConfig::new(["http://h:notaport"]))
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("connection `bad`: invalid `hosts`"),
        "{err}"
    );
    assert!(!conns.contains("bad"));
}

#[test]
fn all_lists_and_builds_every_alias() {
    let conns: Connections<Blocking> = Connections::new();
    conns.configure([("a", cfg("http://h1:9200")), ("b", cfg("http://h2:9200"))]);
    conns.add_connection(
        "c",
        es_client::blocking::Client::new("http://h3:9200").unwrap(),
    );
    let all = conns.all();
    assert!(all.failed.is_empty());
    let hosts: Vec<(String, String)> = all
        .clients
        .iter()
        .map(|(a, c)| (a.clone(), c.transport().nodes()[0].base_url().to_string()))
        .collect();
    assert_eq!(
        hosts,
        vec![
            ("a".into(), "http://h1:9200".into()),
            ("b".into(), "http://h2:9200".into()),
            ("c".into(), "http://h3:9200".into())
        ]
    );
    assert!(conns.is_built("a") && conns.is_built("b"));
    // A configuration that cannot build is reported with its alias; the others still come.
    conns.configure([
        ("a", cfg("http://h1:9200")),
        ("broken", cfg("http://:9200")),
    ]);
    let all = conns.all();
    assert_eq!(all.clients.keys().collect::<Vec<_>>(), ["a", "c"]);
    let err = &all.failed["broken"];
    assert!(err.to_string().contains("`broken`"), "{err}");
}

#[test]
fn using_an_alias_or_an_instance() {
    let a = FakeCluster::start(1).unwrap();
    let b = FakeCluster::start(1).unwrap();
    let conns: Connections<Blocking> = Connections::new();
    conns.configure([("qa", cfg(&a.url(0)))]);
    let other = es_client::blocking::Client::from_options(cfg(&b.url(0))).unwrap();

    Using::from("qa")
        .resolve_in(&conns)
        .unwrap()
        .ping()
        .send()
        .unwrap();
    Using::from(&other)
        .resolve_in(&conns)
        .unwrap()
        .ping()
        .send()
        .unwrap();
    Using::from(other.clone())
        .resolve_in(&conns)
        .unwrap()
        .ping()
        .send()
        .unwrap();
    assert_eq!(a.requests().len(), 1);
    assert_eq!(b.requests().len(), 2);
    assert!(
        Using::default().resolve_in(&conns).is_err(),
        "default alias not configured"
    );
}

#[test]
fn high_level_operations_take_using_and_using_overrides_it() {
    let a = FakeCluster::start(2).unwrap();
    let b = FakeCluster::start(3).unwrap();
    es_connections::blocking::connections()
        .configure([("hc-a", cfg(&a.url(0))), ("hc-b", cfg(&b.url(0)))]);
    let registry = es_connections::blocking::connections();
    let report = HealthCheck::new()
        .using("hc-a")
        .run(registry)
        .send()
        .unwrap();
    assert_eq!(report.number_of_nodes, 2);
    assert_eq!(report.nodes.len(), 2);
    let report = HealthCheck::new()
        .using("hc-a")
        .using("hc-b")
        .run(registry)
        .send()
        .unwrap();
    assert_eq!(report.number_of_nodes, 3);
    let direct = es_client::blocking::Client::from_options(cfg(&a.url(0))).unwrap();
    // A client given in `using` is used when the registry resolves it...
    let report = HealthCheck::new()
        .using(&direct)
        .run(registry)
        .send()
        .unwrap();
    assert_eq!(report.number_of_nodes, 2);
    // ...and a client runner wins over the alias.
    let report = HealthCheck::new()
        .using("hc-b")
        .run(&direct)
        .send()
        .unwrap();
    assert_eq!(report.number_of_nodes, 2);
    let err = HealthCheck::new()
        .using("nope")
        .run(registry)
        .send()
        .unwrap_err();
    assert!(err.to_string().contains("`nope`"), "{err}");
}

#[test]
fn sixteen_threads_use_the_registry_at_once() {
    let clusters: Vec<FakeCluster> = (0..4).map(|_| FakeCluster::start(1).unwrap()).collect();
    let conns: Connections<Blocking> = Connections::new();
    let configs: Vec<(String, ConnectionConfig)> = (0..16)
        .map(|i| {
            let mut c = cfg(&clusters[i % 4].url(0));
            c.opaque_id = Some(format!("alias-{i}"));
            (format!("alias-{i}"), c)
        })
        .collect();
    conns.configure(configs.clone());
    std::thread::scope(|s| {
        for i in 0..16 {
            let (conns, clusters, configs) = (&conns, &clusters, &configs);
            s.spawn(move || {
                let alias = format!("alias-{i}");
                for round in 0..25 {
                    let c = conns.get_connection(Some(&alias)).unwrap();
                    assert_eq!(c.transport().nodes()[0].base_url(), clusters[i % 4].url(0));
                    c.ping().send().unwrap();
                    // Churn: re-configure (unchanged) and add/remove private aliases.
                    if round % 5 == 0 {
                        conns.configure(configs.clone());
                        let tmp = format!("tmp-{i}");
                        conns.add_connection(&tmp, c.clone());
                        conns.remove_connection(&tmp).unwrap();
                    }
                    let _ = conns.aliases();
                }
            });
        }
    });
    // Every request reached the cluster its alias names, with that alias's opaque id.
    for (k, cluster) in clusters.iter().enumerate() {
        let reqs = cluster.requests();
        assert_eq!(reqs.len(), 4 * 25);
        for r in reqs {
            let id = r.header("x-opaque-id").unwrap();
            let i: usize = id.trim_start_matches("alias-").parse().unwrap();
            assert_eq!(i % 4, k, "{id} went to cluster {k}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_flavour_has_the_same_api() {
    let a = FakeCluster::start(1).unwrap();
    let conns: Connections<Async> = Connections::new();
    conns.configure([("default", cfg(&a.url(0)))]);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let c = conns.get_connection(None).unwrap();
            tokio::spawn(async move { c.ping().send().await.unwrap() })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap());
    }
    assert_eq!(a.requests().len(), 16);
    es_connections::connections().configure([("async-hc", cfg(&a.url(0)))]);
    let report = HealthCheck::new()
        .using("async-hc")
        .run(es_connections::connections())
        .send()
        .await
        .unwrap();
    assert_eq!(report.cluster_name, "fake-cluster");
    let client = es_connections::client("async-hc").unwrap();
    assert!(client.ping().send().await.unwrap());
}

#[test]
fn profiles_files_with_every_option_and_secrets_from_the_environment() {
    let text = r#"
        [default]
        hosts = "https://localhost:9200"
        request_timeout = 20

        [production]
        hosts = ["https://prod-es-1.example.com:9200", "https://prod-es-2.example.com:9200"]
        username = "prod_user"
        password_env = "TEST_PROD_PASSWORD"
        verify_certs = true
        ssl_assert_hostname = true
        request_timeout = 30
        max_retries = 3
        retry_on_timeout = true
        retry_on_status = [429, 502, 503, 504]
        retry_backoff = 0.05
        retry_backoff_max = 2
        sniff_on_start = true
        sniff_on_connection_fail = true
        sniff_timeout = 10
        sniffer_delay = 60
        min_delay_between_sniffing = 5
        randomize_hosts = true
        connections_per_node = 10
        http_compress = true
        dead_backoff_factor = 2
        max_dead_backoff = 60
        opaque_id = "my-application-v1.0"
        compat = 8
        product_check = true
        headers = { "Custom-Header" = "value" }

        [cloud]
        cloud_id = "prod:ZXUtd2VzdC0xLmF3cy5mb3VuZC5pbyRhYmMxMjMka2li"
        api_key_env = "TEST_CLOUD_KEY"
    "#;
    let profiles = parse_profiles(text, "test.toml").unwrap();
    assert_eq!(profiles.len(), 3);
    let prod = &profiles["production"];
    assert!(prod.sniff_on_node_failure);
    assert_eq!(prod.sniff_interval, Some(Duration::from_secs(60)));
    assert_eq!(prod.retry_backoff, Duration::from_millis(50));
    assert_eq!(prod.headers["Custom-Header"], "value");

    let env = |k: &str| match k {
        "TEST_PROD_PASSWORD" => Some("pr0d-s3cret".to_string()),
        "TEST_CLOUD_KEY" => Some("Y2xvdWQ6a2V5".to_string()),
        _ => None,
    };
    let t = build_with(prod, "production", env).unwrap();
    assert_eq!(t.nodes().len(), 2);
    assert!(!format!("{prod:?} {t:?}").contains("pr0d-s3cret"));
    let t = build_with(&profiles["cloud"], "cloud", env).unwrap();
    assert_eq!(
        t.nodes()[0].base_url(),
        "https://abc123.eu-west-1.aws.found.io:443"
    );

    // A missing variable is an error naming alias and key.
    let err = build_with(prod, "production", |_| None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "connection `production`: invalid `password_env`: environment variable `TEST_PROD_PASSWORD` is not set"
    );
}

#[test]
fn bad_profiles_and_values_name_the_alias_and_key() {
    let cases = [
        ("[qa]\nhostz = \"x\"\n", "`qa.hostz`"),
        ("[qa]\nmax_retries = \"three\"\n", "`qa.max_retries`"),
        ("[qa]\nmax_retries = -1\n", "`qa.max_retries`"),
        ("[qa]\nverify_certs = \"yes\"\n", "`qa.verify_certs`"),
        ("[qa]\nhosts = 5\n", "`qa.hosts`"),
        ("[qa\nhosts = 1", "test.toml"),
        // Durations and modes are checked while reading, so errors name alias and key.
        ("[qa]\nrequest_timeout = -2\n", "`qa.request_timeout`"),
        ("[qa]\nconnect_timeout = 1e30\n", "`qa.connect_timeout`"),
        ("[qa]\nconnect_timeout = \"soon\"\n", "`qa.connect_timeout`"),
        ("[qa]\ncompat = \"sometimes\"\n", "`qa.compat`"),
        ("[qa]\nssl_version = \"TLSv1\"\n", "`qa.ssl_version`"),
    ];
    for (text, want) in cases {
        let err = parse_profiles(text, "test.toml").unwrap_err();
        assert!(err.to_string().contains(want), "{text:?} -> {err}");
    }
    let semantic: [(&str, &str); 6] = [
        ("hosts = \"http://h:99999\"", "invalid `hosts`"),
        ("username = \"u\"", "invalid `password`"),
        ("connections_per_node = 0", "invalid `connections_per_node`"),
        (
            "password = \"p\"\npassword_env = \"P\"\nusername = \"u\"",
            "invalid `password`",
        ),
        (
            "api_key = \"k\"\nbearer_auth = \"t\"",
            "only one kind of authentication",
        ),
        ("retry_on_status = [42]", "invalid `retry_on_status`"),
    ];
    for (body, want) in semantic {
        let profiles = parse_profiles(&format!("[staging]\n{body}\n"), "t.toml").unwrap();
        let err = build_with(&profiles["staging"], "staging", |_| Some("v".into())).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("connection `staging`: ") && text.contains(want),
            "{body:?} -> {text}"
        );
    }
    // A secret mistyped as a number is refused without echoing it.
    let err =
        parse_profiles("[qa]\nusername = \"u\"\npassword = 73951284\n", "t.toml").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("`qa.password`") && !text.contains("73951284"),
        "{text}"
    );
    let missing =
        es_connections::load_profiles(std::path::Path::new("/no/such/profiles.toml")).unwrap_err();
    assert!(missing.to_string().contains("/no/such/profiles.toml"));
}

#[test]
fn elasticsearch_url_and_elastic_api_key_configure_the_default_alias() {
    let cluster = FakeCluster::start(2).unwrap();
    let urls = format!("{}, {}", cluster.url(0), cluster.url(1));
    let env = move |k: &str| match k {
        "ELASTICSEARCH_URL" => Some(urls.clone()),
        "ELASTIC_API_KEY" => Some("ZW52OmtleQ==".to_string()),
        _ => None,
    };
    let mut config = ConnectionConfig::from_env_with(&env).unwrap();
    config.product_check = false;
    config.compat = es_client::CompatMode::Off;
    let t = build_with(&config, "default", env).unwrap();
    assert_eq!(t.nodes().len(), 2);
    let client = es_client::blocking::Client::from_transport(t);
    client.ping().send().unwrap();
    assert_eq!(
        cluster.requests()[0].header("authorization"),
        Some("ApiKey ZW52OmtleQ==")
    );
    assert!(ConnectionConfig::from_env_with(&|_| None).is_none());
    assert!(ConnectionConfig::from_env_with(
        &|k| (k == "ELASTICSEARCH_URL").then(|| " ".to_string())
    )
    .is_none());
}

#[test]
fn secrets_in_profiles_never_reach_debug_output() {
    let profiles = parse_profiles(
        "[p]\nhosts = [\"https://admin:url-secret@h:9200\"]\npassword = \"pw-secret\"\nusername = \"u\"\nheaders = { \"Authorization\" = \"Bearer header-secret\", \"X-Trace\" = \"visible\" }\n",
        "t.toml",
    )
    .unwrap();
    let text = format!("{:?}", profiles["p"]);
    for secret in ["url-secret", "pw-secret", "header-secret"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(text.contains("visible") && text.contains("admin"), "{text}");
}

#[tokio::test]
async fn errors_keep_their_typed_cause_through_every_layer() {
    use es_client::{ErrorDetail, ErrorKind};
    use es_connections::ConnectionError;
    let conns: Connections = Connections::new();
    // An unknown alias, through a high-level operation.
    let err = HealthCheck::new()
        .using("nope")
        .run(&conns)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.is_config());
    match err.downcast_ref::<ConnectionError>() {
        Some(ConnectionError::UnknownAlias { alias, known }) => {
            assert_eq!(alias, "nope");
            assert!(known.0.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // A bad option of a profile: alias and key, typed.
    let profiles = es_connections::parse_profiles(
        "[qa]\nhosts = \"http://h:9200\"\nconnections_per_node = 0\n",
        "test",
    )
    .unwrap();
    conns.configure(profiles);
    let err: es_client::Error = conns.get_connection(Some("qa")).unwrap_err().into();
    match err.downcast_ref::<ConnectionError>() {
        Some(ConnectionError::InvalidConfig { alias, key, .. }) => {
            assert_eq!(
                (alias.as_str(), key.as_str()),
                ("qa", "connections_per_node")
            );
        }
        other => panic!("{other:?}"),
    }
    // The source chain reaches the registry error too.
    let source = std::error::Error::source(&err).unwrap();
    assert!(source.to_string().contains("`connections_per_node`"));
    // A status answer keeps the parsed Elasticsearch error.
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(Rule::new(Reply::json(
        404,
        serde_json::json!({"error": {"type": "index_not_found_exception", "reason": "no such index [x]"}, "status": 404}),
    )));
    conns.configure([("fake", cfg(&cluster.url(0)))]);
    let err = conns
        .get_connection(Some("fake"))
        .unwrap()
        .get("x", "1")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found() && err.is_status());
    assert_eq!(
        err.api_error().unwrap().error_type(),
        "index_not_found_exception"
    );
    assert!(matches!(err.detail(), ErrorDetail::Status(s) if s.status == 404));
    assert_eq!(
        std::mem::size_of::<es_client::Error>(),
        std::mem::size_of::<usize>()
    );
}
