//! Request spans carry OpenTelemetry's attributes for Elasticsearch clients, and per-node
//! counters are readable from the client. Its own test binary: it installs a subscriber.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use es_client::Client;
use es_testkit::{FakeCluster, Reply, Rule};
use es_transport::RetryBackoff;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

type Fields = BTreeMap<String, String>;

/// Records every span's fields; closed spans are moved to `done`.
#[derive(Clone, Default)]
struct Spans {
    open: Arc<Mutex<HashMap<u64, (String, Fields)>>>,
    done: Arc<Mutex<Vec<(String, Fields)>>>,
}

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        let name = attrs.metadata().name().to_string();
        self.open
            .lock()
            .unwrap()
            .insert(id.into_u64(), (name, fields));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some((_, fields)) = self.open.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Collect(fields));
        }
    }
    fn on_close(&self, id: Id, _: Context<'_, S>) {
        if let Some(span) = self.open.lock().unwrap().remove(&id.into_u64()) {
            self.done.lock().unwrap().push(span);
        }
    }
}

fn client(cluster: &FakeCluster, password: &str) -> Client {
    let url = cluster
        .url(0)
        .replace("http://", &format!("http://elastic:{password}@"));
    Client::builder()
        .hosts([url, cluster.url(1)])
        .retry_backoff(RetryBackoff::NONE)
        .dead_backoff(Duration::from_secs(60), Duration::from_secs(60))
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn spans_follow_opentelemetry_and_node_counters_are_readable() {
    let spans = Spans::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));
    let cluster = FakeCluster::start(2).unwrap();
    let client = client(&cluster, "span-secret-1");

    // A typed API call: its name and path parts are on the span.
    client.get("books", "1").send_raw().await.unwrap();
    // The node that gets the search resets the connection: the call is resent to the other.
    cluster.push(
        Rule::new(Reply::reset())
            .path_prefix("/books/_search")
            .times(1),
    );
    client.search().index("books").send_raw().await.unwrap();
    // Every node fails: the error type is on the span.
    cluster.push(Rule::new(Reply::status(400)));
    let err = client.indices().create("bad").send_raw().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));

    let done = spans.done.lock().unwrap().clone();
    let calls: Vec<&Fields> = done
        .iter()
        .filter(|(name, _)| name == "elasticsearch")
        .map(|(_, f)| f)
        .collect();
    let find = |op: &str| {
        calls
            .iter()
            .find(|f| f.get("db.operation.name").map(String::as_str) == Some(op))
            .unwrap_or_else(|| panic!("no span for {op}: {calls:#?}"))
    };

    let get = find("get");
    assert_eq!(get["db.system"], "elasticsearch");
    assert_eq!(get["otel.name"], "get");
    assert_eq!(get["otel.kind"], "client");
    assert_eq!(get["http.request.method"], "GET");
    assert_eq!(get["db.elasticsearch.path_parts.index"], "books");
    assert_eq!(get["db.elasticsearch.path_parts.id"], "1");
    assert_eq!(get["db.elasticsearch.path_parts"], "index=books id=1");
    assert_eq!(get["http.response.status_code"], "200");
    assert_eq!(get["server.address"], "127.0.0.1");
    let port = get["server.port"].parse::<u16>().unwrap();
    assert!(cluster
        .urls()
        .iter()
        .any(|u| u.ends_with(&format!(":{port}"))));
    assert!(
        get["url.full"].ends_with("/books/_doc/1"),
        "{}",
        get["url.full"]
    );
    assert!(!get["url.full"].contains("span-secret-1") && !get["url.full"].contains("elastic@"));
    assert!(!get.contains_key("error.type"));

    let searches = cluster.requests_to("/books/_search");
    assert_eq!(searches.len(), 2);
    let (reset_node, other) = (searches[0].node, searches[1].node);
    assert_ne!(reset_node, other);
    let search = find("search");
    assert_eq!(search["http.request.resend_count"], "1");
    assert_eq!(
        search["url.full"],
        format!("{}/books/_search", cluster.url(other))
    );

    let create = find("indices.create");
    assert_eq!(create["error.type"], "bad_request");
    assert_eq!(create["otel.status_code"], "ERROR");
    assert_eq!(create["http.response.status_code"], "400");
    let all = format!("{done:?}");
    assert!(
        !all.contains("span-secret-1"),
        "a password in a span: {all}"
    );

    // Counters: the node that reset failed once and is parked; the other took the rest.
    let stats = client.transport().node_stats();
    let bad = stats
        .iter()
        .find(|s| s.url == cluster.url(reset_node))
        .unwrap();
    let good = stats.iter().find(|s| s.url == cluster.url(other)).unwrap();
    assert_eq!(
        (bad.failures, bad.marked_dead, bad.alive),
        (1, 1, false),
        "{bad:?}"
    );
    assert_eq!(
        (good.failures, good.marked_dead, good.alive),
        (0, 0, true),
        "{good:?}"
    );
    let served = cluster.requests();
    let on = |i: usize| served.iter().filter(|r| r.node == i).count() as u64;
    // Every attempt the client counted reached the server (the reset one included).
    assert_eq!(bad.requests, on(reset_node), "{bad:?}");
    assert_eq!(good.requests, on(other), "{good:?}");
    assert_eq!(bad.requests + good.requests, served.len() as u64);
}
