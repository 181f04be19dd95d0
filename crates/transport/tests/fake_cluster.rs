//! Transport behaviour against the test kit's fake cluster: selection, dead nodes, sniffing,
//! retries, timeouts, compression, auth, media types, opaque id, pooling, redaction.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use es_testkit::{FakeCluster, FakeProduct, Reply, Rule};
use es_transport::http::Method;
use es_transport::{
    Auth, Body, CompatMode, ErrorKind, Node, Random, Request, RequestOptions, RetryBackoff,
    Selector, Transport, TransportBuilder,
};

/// Fast settings for tests: no back-off, no product detection (so request counts are exact).
fn builder(urls: &[String]) -> TransportBuilder {
    TransportBuilder::new()
        .hosts(urls.iter().cloned())
        .retry_backoff(RetryBackoff::NONE)
        .compat(CompatMode::Off)
        .product_check(false)
        .request_timeout(Duration::from_secs(5))
}

fn get(path: &str) -> Request {
    Request::new(Method::GET, path)
}

fn per_node(cluster: &FakeCluster, prefix: &str) -> HashMap<usize, usize> {
    let mut m = HashMap::new();
    for r in cluster.requests_to(prefix) {
        *m.entry(r.node).or_default() += 1;
    }
    m
}

#[tokio::test]
async fn round_robin_spreads_evenly_and_random_roughly() {
    let cluster = FakeCluster::start(3).unwrap();
    let t = builder(&cluster.urls()).build().unwrap();
    for _ in 0..30 {
        t.perform(get("/rr")).await.unwrap();
    }
    let counts = per_node(&cluster, "/rr");
    assert_eq!(counts, HashMap::from([(0, 10), (1, 10), (2, 10)]));

    let t = builder(&cluster.urls()).selector(Random).build().unwrap();
    for _ in 0..600 {
        t.perform(get("/rand")).await.unwrap();
    }
    let counts = per_node(&cluster, "/rand");
    for n in 0..3 {
        let c = counts[&n];
        assert!(
            (120..=280).contains(&c),
            "node {n} got {c} of 600: {counts:?}"
        );
    }
}

#[tokio::test]
async fn a_custom_selector_is_used() {
    #[derive(Debug)]
    struct Last;
    impl Selector for Last {
        fn select(&self, nodes: &[Arc<Node>]) -> usize {
            nodes.len() - 1
        }
    }
    let cluster = FakeCluster::start(3).unwrap();
    let t = builder(&cluster.urls()).selector(Last).build().unwrap();
    for _ in 0..5 {
        t.perform(get("/last")).await.unwrap();
    }
    assert_eq!(per_node(&cluster, "/last"), HashMap::from([(2, 5)]));
}

#[tokio::test]
async fn randomize_hosts_shuffles_the_start_order() {
    let urls: Vec<String> = (1..=6)
        .map(|p| format!("http://127.0.0.1:{}", 1000 + p))
        .collect();
    let firsts: std::collections::HashSet<String> = (0..40)
        .map(|_| {
            let t = builder(&urls).randomize_hosts(true).build().unwrap();
            t.nodes()[0].base_url().to_string()
        })
        .collect();
    assert!(firsts.len() >= 3, "{firsts:?}");
    let t = builder(&urls).build().unwrap();
    assert_eq!(t.nodes()[0].base_url(), urls[0]);
}

#[tokio::test]
async fn dead_node_is_parked_with_exponential_backoff_and_revived() {
    let cluster = FakeCluster::start(2).unwrap();
    cluster.node(1).down();
    let t = builder(&cluster.urls())
        .dead_backoff(Duration::from_millis(300), Duration::from_secs(5))
        .build()
        .unwrap();
    // Round robin: request 1 -> node 0, request 2 -> node 1 (refused, marked dead, retried on 0).
    for _ in 0..10 {
        t.perform(get("/dead")).await.unwrap();
    }
    let dead = t
        .nodes()
        .into_iter()
        .find(|n| n.base_url() == cluster.url(1))
        .unwrap();
    assert_eq!(dead.failures(), 1);
    assert_eq!(t.live_nodes().len(), 1);
    assert_eq!(per_node(&cluster, "/dead"), HashMap::from([(0, 10)]));

    // After the 300 ms back-off the node is tried again; it is still down: 2 failures, 600 ms.
    tokio::time::sleep(Duration::from_millis(350)).await;
    t.perform(get("/dead")).await.unwrap();
    assert_eq!(dead.failures(), 2);
    let parked_at = Instant::now();

    // Within the doubled back-off it is not tried.
    cluster.node(1).up().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..4 {
        t.perform(get("/still-parked")).await.unwrap();
    }
    assert_eq!(per_node(&cluster, "/still-parked"), HashMap::from([(0, 4)]));

    // After it, the node is resurrected, answers, and is healthy again.
    let wait = Duration::from_millis(650).saturating_sub(parked_at.elapsed());
    tokio::time::sleep(wait).await;
    for _ in 0..6 {
        t.perform(get("/revived")).await.unwrap();
    }
    assert_eq!(dead.failures(), 0);
    assert_eq!(t.live_nodes().len(), 2);
    assert!(per_node(&cluster, "/revived").get(&1).copied().unwrap_or(0) >= 2);
}

#[tokio::test]
async fn when_every_node_is_dead_the_closest_to_revival_is_tried() {
    let cluster = FakeCluster::start(2).unwrap();
    cluster.node(0).down();
    cluster.node(1).down();
    let t = builder(&cluster.urls())
        .max_retries(1)
        .dead_backoff(Duration::from_secs(30), Duration::from_secs(60))
        .build()
        .unwrap();
    let err = t.perform(get("/x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(t.live_nodes().is_empty());
    // Both are parked for 30 s, but a node comes back: it is used at once, not "no nodes".
    cluster.node(1).up().unwrap();
    cluster.node(0).up().unwrap();
    let resp = t.perform(get("/back")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(t.live_nodes().len(), 1);
}

#[tokio::test]
async fn sniff_on_start_discovers_every_node() {
    let cluster = FakeCluster::start(3).unwrap();
    let t = builder(&[cluster.url(0)])
        .sniff_on_start(true)
        .build()
        .unwrap();
    assert_eq!(t.nodes().len(), 1);
    for _ in 0..6 {
        t.perform(get("/after-sniff")).await.unwrap();
    }
    let mut urls: Vec<String> = t.nodes().iter().map(|n| n.base_url().to_string()).collect();
    urls.sort();
    let mut want = cluster.urls();
    want.sort();
    assert_eq!(urls, want);
    assert_eq!(per_node(&cluster, "/after-sniff").len(), 3);
    assert_eq!(cluster.requests_to("/_nodes/_all/http").len(), 1);
    let node = t
        .nodes()
        .into_iter()
        .find(|n| n.base_url() == cluster.url(2))
        .unwrap();
    assert_eq!(node.meta().name.as_deref(), Some("node-2"));
    assert_eq!(
        node.meta().attributes.get("index").map(String::as_str),
        Some("2")
    );
}

#[tokio::test]
async fn sniff_on_node_failure_replaces_the_node_set() {
    let cluster = FakeCluster::start(3).unwrap();
    cluster.node(0).set_listed(false);
    cluster.node(0).down();
    let t = builder(&[cluster.url(0), cluster.url(1)])
        .sniff_on_node_failure(true)
        .min_delay_between_sniffing(Duration::ZERO)
        .build()
        .unwrap();
    t.perform(get("/f")).await.unwrap(); // node 0 fails, retried on 1; sniff in background
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let mut urls: Vec<String> = t.nodes().iter().map(|n| n.base_url().to_string()).collect();
        urls.sort();
        let mut want = vec![cluster.url(1), cluster.url(2)];
        want.sort();
        if urls == want {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "sniff did not replace nodes: {urls:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!cluster.requests_to("/_nodes/_all/http").is_empty());
}

#[tokio::test]
async fn periodic_sniffing_picks_up_new_nodes() {
    let cluster = FakeCluster::start(3).unwrap();
    cluster.node(1).set_listed(false);
    cluster.node(2).set_listed(false);
    let t = builder(&[cluster.url(0)])
        .sniff_interval(Duration::from_millis(150))
        .build()
        .unwrap();
    t.perform(get("/p")).await.unwrap();
    assert_eq!(
        cluster.requests_to("/_nodes").len(),
        0,
        "no sniff before the interval"
    );
    cluster.node(1).set_listed(true);
    cluster.node(2).set_listed(true);
    tokio::time::sleep(Duration::from_millis(200)).await;
    t.perform(get("/p")).await.unwrap(); // triggers a background sniff
    let deadline = Instant::now() + Duration::from_secs(3);
    while t.nodes().len() != 3 {
        assert!(Instant::now() < deadline, "periodic sniff never ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // And it keeps sniffing at that pace, not on every request.
    let before = cluster.requests_to("/_nodes").len();
    for _ in 0..20 {
        t.perform(get("/p")).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(cluster.requests_to("/_nodes").len() <= before + 1);
}

#[tokio::test]
async fn sniffing_understands_host_ip_and_skips_master_only_nodes() {
    let cluster = FakeCluster::start(3).unwrap();
    let port1 = cluster.node(1).addr().port();
    cluster
        .node(1)
        .set_publish_address(Some(&format!("localhost/127.0.0.1:{port1}")));
    cluster.node(2).set_roles(&["master"]);
    let t = builder(&[cluster.url(0)]).build().unwrap();
    assert_eq!(t.sniff().await.unwrap(), 2);
    let mut urls: Vec<String> = t.nodes().iter().map(|n| n.base_url().to_string()).collect();
    urls.sort();
    let mut want = vec![cluster.url(0), format!("http://localhost:{port1}")];
    want.sort();
    assert_eq!(urls, want);
    for _ in 0..4 {
        t.perform(get("/hostip")).await.unwrap();
    }
    assert_eq!(
        per_node(&cluster, "/hostip"),
        HashMap::from([(0, 2), (1, 2)])
    );
}

#[tokio::test]
async fn sniffing_understands_ipv6_publish_addresses() {
    let cluster = match FakeCluster::builder().nodes(2).ipv6(true).start() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("SKIP: no IPv6 loopback here: {e}");
            return;
        }
    };
    assert!(cluster.url(0).starts_with("http://[::1]:"));
    let t = builder(&[cluster.url(0)]).build().unwrap();
    assert_eq!(t.sniff().await.unwrap(), 2);
    for _ in 0..4 {
        t.perform(get("/v6")).await.unwrap();
    }
    assert_eq!(per_node(&cluster, "/v6"), HashMap::from([(0, 2), (1, 2)]));
    assert!(t.nodes().iter().all(|n| n.url().host == "::1"));
}

#[tokio::test]
async fn a_failed_sniff_keeps_the_client_working() {
    let cluster = FakeCluster::start(2).unwrap();
    cluster.push(
        Rule::new(Reply::json(200, serde_json::json!({"nodes": "garbage"}))).path_prefix("/_nodes"),
    );
    let t = builder(&cluster.urls())
        .sniff_on_start(true)
        .build()
        .unwrap();
    t.perform(get("/ok")).await.unwrap();
    assert_eq!(t.nodes().len(), 2);
    assert!(t.sniff().await.is_err());
    cluster.clear_rules();
    cluster.push(Rule::new(Reply::status(500)).path_prefix("/_nodes"));
    assert!(t.sniff().await.is_err());
    cluster.clear_rules();
    cluster.set_nodes_http(Some(serde_json::json!({"nodes": {}})));
    assert!(t.sniff().await.is_err(), "an empty node list is refused");
    assert_eq!(t.nodes().len(), 2);
    t.perform(get("/still-ok")).await.unwrap();
}

#[tokio::test]
async fn retries_go_to_the_next_node_and_stop_at_max_retries() {
    let cluster = FakeCluster::start(3).unwrap();
    // One 503 from node 0: retried on node 1, success; node 0 is parked (503 = node trouble).
    cluster.push(Rule::new(Reply::status(503)).node(0).times(1));
    let t = builder(&cluster.urls()).build().unwrap();
    let resp = t.perform(get("/r1")).await.unwrap();
    assert_eq!(resp.status(), 200);
    let tried: Vec<usize> = cluster.requests_to("/r1").iter().map(|r| r.node).collect();
    assert_eq!((tried.len(), tried[0]), (2, 0));
    assert_ne!(tried[1], 0, "the retry goes to another node");
    assert_eq!(t.live_nodes().len(), 2);

    // Every node answers 429: 1 + max_retries attempts, then a typed error. 429 parks nobody.
    let cluster = FakeCluster::start(3).unwrap();
    cluster.push(Rule::new(Reply::status(429)));
    let t = builder(&cluster.urls()).max_retries(2).build().unwrap();
    let err = t.perform(get("/r2")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRequests);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.api_error().unwrap().error_type(), "fake_exception");
    assert_eq!(cluster.requests_to("/r2").len(), 3);
    assert_eq!(t.live_nodes().len(), 3);

    // A status not in retry_on_status is not retried.
    cluster.clear_rules();
    cluster.push(Rule::new(Reply::status(400)));
    let err = t.perform(get("/r3")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert_eq!(cluster.requests_to("/r3").len(), 1);

    // retry_on_status is configurable; per-request max_retries overrides.
    cluster.clear_rules();
    cluster.push(Rule::new(Reply::status(500)));
    let t = builder(&cluster.urls())
        .retry_on_status([500])
        .max_retries(5)
        .build()
        .unwrap();
    let mut req = get("/r4");
    req.options.max_retries = Some(1);
    assert_eq!(
        t.perform(req).await.unwrap_err().kind(),
        ErrorKind::ServerError
    );
    assert_eq!(cluster.requests_to("/r4").len(), 2);
}

#[tokio::test]
async fn connection_resets_are_retried_elsewhere() {
    let cluster = FakeCluster::start(2).unwrap();
    cluster.push(Rule::new(Reply::reset()).node(0).times(1));
    let t = builder(&cluster.urls()).build().unwrap();
    let resp = t.perform(get("/reset")).await.unwrap();
    assert_eq!(resp.node(), cluster.url(1));
    let reset = t
        .nodes()
        .into_iter()
        .find(|n| n.base_url() == cluster.url(0))
        .unwrap();
    assert_eq!(reset.failures(), 1);

    // With no retries the caller gets a connection error.
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(Rule::new(Reply::reset()));
    let t = builder(&cluster.urls()).max_retries(0).build().unwrap();
    let err = t.perform(get("/reset")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn timeouts_are_typed_and_retried_only_when_asked() {
    let cluster = FakeCluster::start(2).unwrap();
    cluster.node(0).set_delay(Duration::from_millis(400));
    cluster.node(1).set_delay(Duration::from_millis(400));
    let t = builder(&cluster.urls())
        .request_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = t.perform(get("/slow")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(
        started.elapsed() < Duration::from_millis(350),
        "{:?}",
        started.elapsed()
    );
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(
        cluster.requests_to("/slow").len(),
        1,
        "retry_on_timeout is off by default"
    );

    let t = builder(&cluster.urls())
        .request_timeout(Duration::from_millis(100))
        .retry_on_timeout(true)
        .max_retries(2)
        .dead_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    let err = t.perform(get("/slow2")).await.unwrap_err();
    assert!(err.is_timeout());
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(cluster.requests_to("/slow2").len(), 3);

    // A per-request timeout overrides the client's.
    let mut req = get("/patient");
    req.options.timeout = Some(Duration::from_secs(3));
    assert_eq!(t.perform(req).await.unwrap().status(), 200);
}

#[tokio::test]
async fn retries_wait_with_jittered_exponential_backoff() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(Rule::new(Reply::status(429)));
    let backoff = RetryBackoff {
        initial: Duration::from_millis(80),
        max: Duration::from_secs(1),
    };
    let t = builder(&cluster.urls())
        .retry_backoff(backoff)
        .max_retries(3)
        .build()
        .unwrap();
    let started = Instant::now();
    t.perform(get("/bo")).await.unwrap_err();
    let elapsed = started.elapsed();
    // Waits are in [d/2, d] for d = 80, 160, 320 ms: 280..560 ms in all.
    assert!(elapsed >= Duration::from_millis(280), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");

    // Without back-off the same retries are immediate.
    let t = builder(&cluster.urls()).max_retries(3).build().unwrap();
    let started = Instant::now();
    t.perform(get("/bo2")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(150));
    assert_eq!(cluster.requests_to("/bo2").len(), 4);
}

#[tokio::test]
async fn gzip_request_bodies_and_responses() {
    let cluster = FakeCluster::start(1).unwrap();
    let t = builder(&cluster.urls())
        .http_compress(true)
        .build()
        .unwrap();
    let doc = serde_json::json!({"message": "hello ".repeat(200)});
    t.perform(Request::new(Method::POST, "/idx/_doc").body(Body::json(&doc).unwrap()))
        .await
        .unwrap();
    let seen = &cluster.requests_to("/idx/_doc")[0];
    assert_eq!(seen.header("content-encoding"), Some("gzip"));
    assert_eq!(seen.header("accept-encoding"), Some("gzip"));
    assert!(
        seen.body.len() < 200,
        "compressed body is {} bytes",
        seen.body.len()
    );
    let decoded: serde_json::Value = serde_json::from_slice(&seen.decoded_body()).unwrap();
    assert_eq!(decoded, doc);

    // A gzip-encoded answer is decoded for the caller.
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut z, br#"{"zipped":true}"#).unwrap();
    cluster.push(
        Rule::new(Reply::Respond {
            status: es_transport::http::StatusCode::OK,
            headers: vec![("content-encoding".into(), "gzip".into())],
            body: z.finish().unwrap().into(),
        })
        .path_prefix("/zipped"),
    );
    let resp = t.perform(get("/zipped")).await.unwrap();
    assert_eq!(
        resp.json::<serde_json::Value>().unwrap(),
        serde_json::json!({"zipped": true})
    );

    // Without http_compress nothing is compressed.
    let t = builder(&cluster.urls()).build().unwrap();
    t.perform(Request::new(Method::POST, "/plain").body(Body::json(&doc).unwrap()))
        .await
        .unwrap();
    assert_eq!(
        cluster.requests_to("/plain")[0].header("content-encoding"),
        None
    );
}

#[tokio::test]
async fn every_auth_scheme_sends_its_header_and_can_be_replaced_live() {
    let cluster = FakeCluster::start(1).unwrap();
    let cases = [
        (
            Auth::basic("elastic", "s3cret"),
            "Basic ZWxhc3RpYzpzM2NyZXQ=",
        ),
        (Auth::api_key("ZW5jb2RlZA=="), "ApiKey ZW5jb2RlZA=="),
        (Auth::api_key_id("id1", "key1"), "ApiKey aWQxOmtleTE="),
        (Auth::bearer("tok3n"), "Bearer tok3n"),
    ];
    for (i, (auth, want)) in cases.into_iter().enumerate() {
        let t = builder(&cluster.urls()).auth(auth).build().unwrap();
        let path = format!("/auth{i}");
        t.perform(get(&path)).await.unwrap();
        assert_eq!(
            cluster.requests_to(&path)[0].header("authorization"),
            Some(want)
        );
    }
    // Credentials in the URL.
    let url = cluster.url(0).replace("http://", "http://user:p%40ss@");
    let t = builder(&[url]).build().unwrap();
    t.perform(get("/urlauth")).await.unwrap();
    assert_eq!(
        cluster.requests_to("/urlauth")[0].header("authorization"),
        Some("Basic dXNlcjpwQHNz")
    );
    // Replaced on the live client, then removed.
    t.set_auth(Some(Auth::bearer("new-token"))).unwrap();
    t.perform(get("/replaced")).await.unwrap();
    assert_eq!(
        cluster.requests_to("/replaced")[0].header("authorization"),
        Some("Bearer new-token")
    );
    t.set_auth(None).unwrap();
    t.perform(get("/none")).await.unwrap();
    assert_eq!(
        cluster.requests_to("/none")[0].header("authorization"),
        None
    );
}

#[tokio::test]
async fn compat_media_type_follows_the_server_version() {
    let cases = [
        (
            "8.15.0",
            FakeProduct::Elasticsearch,
            "application/vnd.elasticsearch+json; compatible-with=8",
        ),
        (
            "9.1.0",
            FakeProduct::Elasticsearch,
            "application/vnd.elasticsearch+json; compatible-with=9",
        ),
        ("7.17.0", FakeProduct::Elasticsearch, "application/json"),
        ("3.8.0", FakeProduct::OpenSearch, "application/json"),
    ];
    for (version, product, want) in cases {
        let cluster = FakeCluster::builder()
            .version(version)
            .product(product)
            .start()
            .unwrap();
        let t = TransportBuilder::new()
            .host(cluster.url(0))
            .build()
            .unwrap();
        t.perform(
            Request::new(Method::POST, "/i/_search")
                .body(Body::json(&serde_json::json!({})).unwrap()),
        )
        .await
        .unwrap();
        t.perform(
            Request::new(Method::POST, "/_bulk").body(Body::ndjson(&b"{\"index\":{}}\n{}\n"[..])),
        )
        .await
        .unwrap();
        let search = &cluster.requests_to("/i/_search")[0];
        assert_eq!(search.header("accept"), Some(want), "{version}");
        assert_eq!(search.header("content-type"), Some(want), "{version}");
        let bulk = &cluster.requests_to("/_bulk")[0];
        let nd = want
            .replace("+json", "+x-ndjson")
            .replace("application/json", "application/x-ndjson");
        assert_eq!(bulk.header("content-type"), Some(nd.as_str()), "{version}");
        assert_eq!(
            cluster
                .requests_to("/")
                .iter()
                .filter(|r| r.path == "/")
                .count(),
            1,
            "one GET /"
        );
        assert_eq!(t.server_info().unwrap().version, version);
    }
    // A forced version skips detection; Off sends plain JSON.
    let cluster = FakeCluster::builder().version("8.15.0").start().unwrap();
    let t = TransportBuilder::new()
        .host(cluster.url(0))
        .compat(CompatMode::Version(9))
        .product_check(false)
        .build()
        .unwrap();
    t.perform(get("/forced")).await.unwrap();
    assert_eq!(
        cluster.requests_to("/forced")[0].header("accept"),
        Some("application/vnd.elasticsearch+json; compatible-with=9")
    );
    assert!(cluster.requests().iter().all(|r| r.path != "/"));
}

#[tokio::test]
async fn the_product_check_rejects_unknown_servers_unless_disabled() {
    let cluster = FakeCluster::builder()
        .product(FakeProduct::Other)
        .start()
        .unwrap();
    let t = TransportBuilder::new()
        .host(cluster.url(0))
        .build()
        .unwrap();
    let err = t.perform(get("/x")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnsupportedProduct, "{err}");
    assert!(
        cluster.requests_to("/x").is_empty(),
        "nothing is sent to an unsupported server"
    );
    let t = TransportBuilder::new()
        .host(cluster.url(0))
        .product_check(false)
        .build()
        .unwrap();
    t.perform(get("/x")).await.unwrap();
}

#[tokio::test]
async fn opaque_id_user_agent_and_default_headers() {
    let cluster = FakeCluster::start(1).unwrap();
    let t = builder(&cluster.urls())
        .opaque_id("app-1")
        .header("X-Custom", "yes")
        .build()
        .unwrap();
    t.perform(get("/o1")).await.unwrap();
    let mut req = get("/o2");
    req.options = RequestOptions {
        opaque_id: Some("req-42".into()),
        ..Default::default()
    };
    t.perform(req).await.unwrap();
    let r1 = &cluster.requests_to("/o1")[0];
    assert_eq!(r1.header("x-opaque-id"), Some("app-1"));
    assert_eq!(r1.header("x-custom"), Some("yes"));
    assert!(r1.header("user-agent").unwrap().starts_with("es-rs/"));
    assert!(r1
        .header("x-elastic-client-meta")
        .unwrap()
        .starts_with("es="));
    assert_eq!(
        cluster.requests_to("/o2")[0].header("x-opaque-id"),
        Some("req-42")
    );
}

#[tokio::test]
async fn ignored_statuses_are_returned_not_raised() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(Rule::new(Reply::status(404)));
    let t = builder(&cluster.urls()).build().unwrap();
    let err = t.perform(get("/missing")).await.unwrap_err();
    assert!(err.is_not_found());
    let mut req = get("/missing");
    req.options.ignore = vec![404];
    assert_eq!(t.perform(req).await.unwrap().status(), 404);
}

#[tokio::test]
async fn connections_per_node_is_a_hard_cap_and_connections_are_reused() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.node(0).set_delay(Duration::from_millis(30));
    let t = builder(&cluster.urls())
        .connections_per_node(3)
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let t = t.clone();
            tokio::spawn(async move { t.perform(get("/c")).await.map(|r| r.status()) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), 200);
    }
    assert_eq!(cluster.node(0).connections_accepted(), 3);
    assert!(t.nodes()[0].open_connections() <= 3);

    // Sequential requests reuse one keep-alive connection.
    let cluster = FakeCluster::start(1).unwrap();
    let t = builder(&cluster.urls()).build().unwrap();
    for _ in 0..50 {
        t.perform(get("/seq")).await.unwrap();
    }
    assert_eq!(cluster.node(0).connections_accepted(), 1);
}

#[test]
fn the_blocking_runtime_drives_the_same_transport() {
    use es_transport::blocking::block_on;
    let cluster = FakeCluster::start(2).unwrap();
    cluster.push(Rule::new(Reply::status(503)).node(0).times(1));
    let t = builder(&cluster.urls()).build().unwrap();
    let resp = block_on(t.perform(get("/blocking"))).unwrap().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(cluster.requests_to("/blocking").len(), 2);
    // Used from many threads at once.
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..10 {
                    block_on(t.perform(get("/threads"))).unwrap().unwrap();
                }
            });
        }
    });
    assert_eq!(cluster.requests_to("/threads").len(), 80);
}

#[tokio::test]
async fn the_blocking_runtime_refuses_to_run_inside_async_code() {
    let cluster = FakeCluster::start(1).unwrap();
    let t = builder(&cluster.urls()).build().unwrap();
    let err = es_transport::blocking::block_on(t.perform(get("/x"))).unwrap_err();
    assert!(err.is_blocking_in_async(), "{err}");
}

#[test]
fn cloud_id_resolves_to_an_https_node() {
    use base64::Engine;
    let id = format!(
        "prod:{}",
        base64::engine::general_purpose::STANDARD
            .encode("europe-west1.gcp.cloud.es.io:9243$abc$def")
    );
    let t = Transport::builder().cloud_id(id).build().unwrap();
    assert_eq!(
        t.nodes()[0].base_url(),
        "https://abc.europe-west1.gcp.cloud.es.io:9243"
    );
    let err = Transport::builder()
        .cloud_id("prod:%%%")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("cloud_id"));
}

/// The deadline watcher sleeps until the latest deadline of finished requests (so the next
/// request's registration wakes nobody); that never stands in for a later request's own
/// deadline: after fast requests, a slow one still times out at its timeout, and a fast one
/// after it succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_keeps_its_own_timeout_after_earlier_requests() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(Rule::new(Reply::Default.delayed(Duration::from_secs(3))).path_prefix("/slow"));
    let t = builder(&cluster.urls())
        .max_retries(0)
        .request_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    for _ in 0..20 {
        t.perform(get("/fast")).await.unwrap();
    }
    let started = Instant::now();
    let e = t.perform(get("/slow")).await.unwrap_err();
    assert!(e.is_timeout(), "{e}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(290) && took < Duration::from_secs(2),
        "{took:?}"
    );
    t.perform(get("/fast")).await.unwrap();
}
