//! An answer's enum keeps a value the specification does not know (a newer server's, or
//! OpenSearch's), where a request body's enum still refuses it.

#![allow(clippy::unwrap_used)]

use es_types::common::{Conflicts, NodeRole};
use es_types::nodes::NodesInfoResponse;
use es_types::reindex::ReindexRequest;

#[test]
fn an_answer_keeps_an_unknown_enum_value() {
    // What osmem-server (OpenSearch 3) answers to `GET /_nodes`: `cluster_manager` is not a
    // role of the specification.
    let answer = r#"{"cluster_name": "c", "nodes": {"n1": {"name": "n1",
        "roles": ["cluster_manager", "data"]}}}"#;
    let nodes: NodesInfoResponse = es_types::from_json(answer).unwrap();
    let roles = &nodes.nodes["n1"].roles;
    assert_eq!(
        roles,
        &vec![NodeRole::Other("cluster_manager".into()), NodeRole::Data]
    );
    // Written back as it came, and printed as on the wire.
    assert_eq!(
        serde_json::to_value(roles).unwrap(),
        serde_json::json!(["cluster_manager", "data"])
    );
    assert_eq!(roles[0].to_string(), "cluster_manager");
}

#[test]
fn a_request_body_refuses_an_unknown_enum_value() {
    let body: ReindexRequest = es_types::from_json(
        r#"{"conflicts": "proceed", "source": {"index": "a"}, "dest": {"index": "b"}}"#,
    )
    .unwrap();
    assert_eq!(body.conflicts, Some(Conflicts::Proceed));
    let err = es_types::from_json::<ReindexRequest>(
        r#"{"conflicts": "maybe", "source": {"index": "a"}, "dest": {"index": "b"}}"#,
    )
    .unwrap_err();
    assert_eq!(err.path(), "conflicts");
    assert!(err.to_string().contains("unknown variant `maybe`"), "{err}");
}
