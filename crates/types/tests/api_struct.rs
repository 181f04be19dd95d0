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
    extra extra: std::collections::BTreeMap<String, i64>;
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

/// A value that counts how many of it are alive, to check the reads drop exactly what they
/// made (on success, on an error half-way, and for a repeated key).
mod counted {
    use std::sync::atomic::{AtomicIsize, Ordering};

    pub static ALIVE: AtomicIsize = AtomicIsize::new(0);

    #[derive(Debug, PartialEq)]
    pub struct Counted(pub String);

    impl Counted {
        pub fn new(s: &str) -> Self {
            ALIVE.fetch_add(1, Ordering::SeqCst);
            Counted(s.to_string())
        }
    }
    impl Clone for Counted {
        fn clone(&self) -> Self {
            Counted::new(&self.0)
        }
    }
    impl Drop for Counted {
        fn drop(&mut self) {
            ALIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }
    impl<'de> serde::Deserialize<'de> for Counted {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = String::deserialize(d)?;
            if s == "boom" {
                return Err(serde::de::Error::custom("boom"));
            }
            Ok(Counted::new(&s))
        }
    }
    impl serde::Serialize for Counted {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&self.0)
        }
    }
    pub fn alive() -> isize {
        ALIVE.load(Ordering::SeqCst)
    }
}
use counted::{alive, Counted};

es_types::api_struct! {
    response Tracked {
        req a ["a"]: Counted,
        opt b ["b"]: Option<Counted>,
        req c ["c"]: Counted,
        def d ["d"]: Vec<Counted>,
    }
    extra rest: std::collections::BTreeMap<String, Counted>;
}

#[test]
fn reads_drop_exactly_what_they_made() {
    // One test owns the counter (tests run in parallel threads).
    let start = alive();
    {
        let t: Tracked =
            serde_json::from_str(r#"{"a":"1","b":"2","x":"3","c":"4","d":["5","6"]}"#).unwrap();
        assert_eq!(alive() - start, 6);
        assert_eq!(t.rest.get("x"), Some(&Counted::new("3")));
        assert_eq!(alive() - start, 6, "the temporary is gone");
        let u = t.clone();
        assert_eq!(alive() - start, 12);
        assert_eq!(t, u);
        assert_eq!(
            format!("{t:?}"),
            r#"Tracked { a: Counted("1"), b: Some(Counted("2")), c: Counted("4"), d: [Counted("5"), Counted("6")], rest: {"x": Counted("3")} }"#
        );
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"a":"1","b":"2","c":"4","d":["5","6"],"x":"3"}"#
        );
    }
    assert_eq!(alive(), start, "every field dropped once");

    // An error after some fields were read: those are dropped, nothing else is.
    let e = serde_json::from_str::<Tracked>(r#"{"a":"1","y":"2","b":"boom","c":"3"}"#).unwrap_err();
    assert!(e.to_string().contains("boom"), "{e}");
    assert_eq!(alive(), start);
    // A required field missing at the end.
    let e = serde_json::from_str::<Tracked>(r#"{"a":"1","b":"2","z":"9"}"#).unwrap_err();
    assert!(e.to_string().contains("missing field `c`"), "{e}");
    assert_eq!(alive(), start);
    // A repeated key: the last value wins, the first is dropped.
    let t: Tracked = serde_json::from_str(r#"{"a":"1","a":"2","c":"3","c":"4"}"#).unwrap();
    assert_eq!((t.a.0.as_str(), t.c.0.as_str()), ("2", "4"));
    assert!(t.b.is_none() && t.d.is_empty() && t.rest.is_empty());
    assert_eq!(alive() - start, 2);
    drop(t);
    assert_eq!(alive(), start);
    // Not an object.
    let e = serde_json::from_str::<Tracked>(r#""a""#).unwrap_err();
    assert!(
        e.to_string().contains("expected an object (Tracked)"),
        "{e}"
    );
}

es_types::api_struct! {
    shared Wide {
        opt f0 ["f0"]: Option<u8>, opt f1 ["f1"]: Option<u8>, opt f2 ["f2"]: Option<u8>,
        opt f3 ["f3"]: Option<u8>, opt f4 ["f4"]: Option<u8>, opt f5 ["f5"]: Option<u8>,
        opt f6 ["f6"]: Option<u8>, opt f7 ["f7"]: Option<u8>, opt f8 ["f8"]: Option<u8>,
        opt f9 ["f9"]: Option<u8>, opt f10 ["f10"]: Option<u8>, opt f11 ["f11"]: Option<u8>,
        opt f12 ["f12"]: Option<u8>, opt f13 ["f13"]: Option<u8>, opt f14 ["f14"]: Option<u8>,
        opt f15 ["f15"]: Option<u8>, opt f16 ["f16"]: Option<u8>, req f17 ["f17"]: String,
    }
}

#[test]
fn fields_past_a_group_of_eight_land_in_their_place() {
    let w: Wide = serde_json::from_str(r#"{"f17":"z","f16":16,"f8":8,"f7":7,"f0":0}"#).unwrap();
    assert_eq!(
        (w.f0, w.f7, w.f8, w.f9, w.f16),
        (Some(0), Some(7), Some(8), None, Some(16))
    );
    assert_eq!(w.f17, "z");
    assert_eq!(
        serde_json::to_string(&w).unwrap(),
        r#"{"f0":0,"f7":7,"f8":8,"f16":16,"f17":"z"}"#
    );
    let e = serde_json::from_str::<Wide>(r#"{"f16":1}"#).unwrap_err();
    assert!(e.to_string().contains("missing field `f17`"), "{e}");
}
