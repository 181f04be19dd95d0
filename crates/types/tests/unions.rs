#![allow(clippy::unwrap_used)]
//! The generated enums' JSON (src/unions.rs): containers, untagged unions and internally
//! tagged unions read and write as serde's representations would, with clear errors.

use es_types::analysis::Analyzer;
use es_types::common::SortOptions;
use es_types::ilm::{IlmExplainLifecycleResponse, LifecycleExplain};
use es_types::query_dsl::QueryContainer;
use es_types::{from_json, from_value};
use serde_json::{json, Value};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(v: Value) -> (T, Value) {
    let t: T = from_value(v).unwrap();
    let back = serde_json::to_value(&t).unwrap();
    (t, back)
}

#[test]
fn a_container_reads_one_key_and_names_what_is_wrong() {
    let (s, back) = round_trip::<SortOptions>(json!({"_score": {"order": "asc"}}));
    assert!(matches!(s, SortOptions::Score(_)));
    assert_eq!(back, json!({"_score": {"order": "asc"}}));
    // A key that names no kind is the user's field.
    let (s, back) = round_trip::<SortOptions>(json!({"price": {"order": "desc"}}));
    assert!(matches!(&s, SortOptions::Field(f) if f.key == "price"));
    assert_eq!(back, json!({"price": {"order": "desc"}}));

    let err = from_json::<QueryContainer>(r#"{"trem": {}}"#).unwrap_err();
    assert!(
        err.to_string().starts_with("unknown variant `trem`"),
        "{err}"
    );
    let err = from_json::<QueryContainer>(r#"{"term": {"a": 1}, "match_all": {}}"#).unwrap_err();
    assert!(
        err.to_string().contains("found `term` and `match_all`"),
        "{err}"
    );
    let err = from_json::<QueryContainer>("{}").unwrap_err();
    assert!(err.to_string().contains("found none"), "{err}");
    let err = from_json::<QueryContainer>("[1]").unwrap_err();
    assert!(err.to_string().contains("invalid type: sequence"), "{err}");
}

#[test]
fn raw_kinds_are_written_as_given() {
    let q = QueryContainer::Raw(json!({"new_query": {"x": 1}}));
    assert_eq!(
        serde_json::to_value(&q).unwrap(),
        json!({"new_query": {"x": 1}})
    );
}

#[test]
fn an_untagged_union_takes_the_first_variant_that_fits() {
    // `Fuzziness` is `string | integer`.
    let f: es_types::common::Fuzziness = from_value(json!("AUTO")).unwrap();
    assert_eq!(serde_json::to_value(&f).unwrap(), json!("AUTO"));
    let f: es_types::common::Fuzziness = from_value(json!(2)).unwrap();
    assert_eq!(serde_json::to_value(&f).unwrap(), json!(2));
    let err = from_value::<es_types::common::Fuzziness>(json!({"a": 1})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "data did not match any variant of untagged enum Fuzziness"
    );
}

#[test]
fn an_internally_tagged_union_reads_and_writes_its_tag() {
    let (a, back) = round_trip::<Analyzer>(json!({"type": "standard", "max_token_length": 5}));
    assert!(matches!(a, Analyzer::Standard(_)));
    assert_eq!(back, json!({"type": "standard", "max_token_length": 5}));
    // The default kind (`custom`) needs no tag and is written without one.
    let (a, back) = round_trip::<Analyzer>(json!({"tokenizer": "whitespace"}));
    assert!(matches!(a, Analyzer::Custom(_)));
    assert_eq!(back, json!({"tokenizer": "whitespace"}));

    let err = from_value::<Analyzer>(json!({"type": "nope"})).unwrap_err();
    assert!(
        err.to_string().starts_with("unknown variant `nope`"),
        "{err}"
    );
    let err = from_value::<Analyzer>(json!({"type": 3})).unwrap_err();
    assert!(err.to_string().contains("expected a string tag"), "{err}");
    // A request type refuses keys it does not know; the tag is not one of them.
    let err = from_value::<Analyzer>(json!({"type": "standard", "bogus": 1})).unwrap_err();
    assert!(err.to_string().contains("unknown field `bogus`"), "{err}");
}

#[test]
fn a_boolean_tag_picks_the_variant() {
    // `ilm.explain_lifecycle` tells managed indices from unmanaged ones by `managed: bool`.
    let r: IlmExplainLifecycleResponse = from_value(json!({"indices": {
        "a": {"index": "a", "managed": false},
        "b": {"index": "b", "managed": true, "policy": "p", "phase": "hot"}
    }}))
    .unwrap();
    assert!(matches!(r.indices["a"], LifecycleExplain::Unmanaged(_)));
    let LifecycleExplain::Managed(b) = &r.indices["b"] else {
        panic!("{:?}", r.indices["b"]);
    };
    assert_eq!(b.policy.as_deref(), Some("p"));
    let back = serde_json::to_value(&r.indices["a"]).unwrap();
    assert_eq!(back, json!({"managed": false, "index": "a"}));
}
