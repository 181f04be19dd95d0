//! How the generated endpoint structs read and write JSON (`api_struct!`): required fields,
//! fields with an empty value, aliases, unknown keys (refused in request bodies, skipped in
//! answers), extra keys, and the shortcut form.

#![allow(clippy::unwrap_used, missing_docs)]

es_types::api_struct! {
    /// An answer.
    response Answer<TDocument> {
        req index ["_index"]: String,
        def took ["took"]: u64,
        opt source ["_source" | "src"]: Option<TDocument>,
        opt n ["n"]: Option<Box<i64>>,
    }
}

es_types::api_struct! {
    #[derive(Default)]
    request Body {
        opt analyzer ["analyzer"]: Option<String>,
        opt size ["size"]: Option<i64>,
    }
    shortcut "analyzer";
}

es_types::api_struct! {
    shared Open {
        opt a ["a"]: Option<i64>,
    }
    extra extra: i64;
}

#[test]
fn answers_need_required_fields_and_skip_unknown_ones() {
    let r: Answer = serde_json::from_str(r#"{"_index":"x","src":{"a":1},"zz":[1,2]}"#).unwrap();
    assert_eq!(r.index, "x");
    assert_eq!(r.took, 0, "a missing number reads as 0");
    assert_eq!(r.source.as_ref().unwrap()["a"], 1, "read under its alias");
    assert!(r.n.is_none());
    let e = serde_json::from_str::<Answer>(r#"{"src":1}"#).unwrap_err();
    assert!(e.to_string().contains("missing field `_index`"), "{e}");
    let typed: Answer<Vec<u8>> = serde_json::from_str(r#"{"_index":"x","_source":[1,2]}"#).unwrap();
    assert_eq!(typed.source, Some(vec![1, 2]));
    assert_eq!(
        serde_json::to_string(&typed).unwrap(),
        r#"{"_index":"x","took":0,"_source":[1,2]}"#
    );
}

#[test]
fn request_bodies_refuse_unknown_fields_and_read_shortcuts() {
    let b: Body = serde_json::from_str(r#""standard""#).unwrap();
    assert_eq!(b.analyzer.as_deref(), Some("standard"));
    let e = serde_json::from_str::<Body>(r#"{"sise": 1}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `sise`"), "{e}");
    let b = Body {
        analyzer: None,
        size: Some(3),
    };
    assert_eq!(serde_json::to_string(&b).unwrap(), r#"{"size":3}"#);
}

#[test]
fn extra_keys_are_kept_and_written_back() {
    let x: Open = serde_json::from_str(r#"{"a":1,"b":2}"#).unwrap();
    assert_eq!(x.extra.get("b"), Some(&2));
    assert_eq!(serde_json::to_string(&x).unwrap(), r#"{"a":1,"b":2}"#);
}
