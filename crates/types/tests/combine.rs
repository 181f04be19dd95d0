//! `&`, `|` and `!` follow elasticsearch.dsl's rules exactly: one test per rule, asserting
//! the JSON.

use es_types::query_dsl::QueryContainer as Q;
use serde_json::{json, Value};

fn t(f: &str) -> Q {
    Q::term(f, 1)
}
fn j(f: &str) -> Value {
    json!({"term": {f: {"value": 1}}})
}
fn by_value(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.iter().map(by_value).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), by_value(v))).collect())
        }
        other => other.clone(),
    }
}
fn bool_json(q: Q) -> Value {
    q.to_json()
}

#[test]
fn and_makes_must() {
    assert_eq!(
        bool_json(t("a") & t("b")),
        json!({"bool": {"must": [j("a"), j("b")]}})
    );
}

#[test]
fn or_makes_should_without_minimum_should_match() {
    assert_eq!(
        bool_json(t("a") | t("b")),
        json!({"bool": {"should": [j("a"), j("b")]}})
    );
}

#[test]
fn not_makes_must_not_and_double_negation_cancels() {
    assert_eq!(bool_json(!t("a")), json!({"bool": {"must_not": [j("a")]}}));
    assert_eq!(bool_json(!!t("a")), j("a"));
}

#[test]
fn match_all_and_match_none_absorb_or_vanish() {
    assert_eq!(bool_json(Q::match_all() & t("a")), j("a"));
    assert_eq!(bool_json(t("a") & Q::match_all()), j("a"));
    assert_eq!(bool_json(Q::match_all() | t("a")), json!({"match_all": {}}));
    assert_eq!(bool_json(t("a") | Q::match_all()), json!({"match_all": {}}));
    assert_eq!(bool_json(Q::match_none() | t("a")), j("a"));
    assert_eq!(bool_json(t("a") | Q::match_none()), j("a"));
    assert_eq!(
        bool_json(Q::match_none() & t("a")),
        json!({"match_none": {}})
    );
    assert_eq!(
        bool_json(t("a") & Q::match_none()),
        json!({"match_none": {}})
    );
    assert_eq!(bool_json(!Q::match_all()), json!({"match_none": {}}));
    assert_eq!(bool_json(!Q::match_none()), json!({"match_all": {}}));
}

#[test]
fn two_bools_join_must_filter_and_must_not() {
    let b = Q::bool().must(t("a")).filter(t("f"));
    let c = Q::bool().must(t("b")).must_not(t("n"));
    assert_eq!(
        bool_json(b & c),
        json!({"bool": {"must": [j("a"), j("b")], "filter": [j("f")], "must_not": [j("n")]}})
    );
}

#[test]
fn required_should_clauses_become_musts() {
    // Each side is should-only with one clause: k = 1, so the clause is required.
    let b = Q::bool().should(t("a"));
    let c = Q::bool().should(t("b"));
    assert_eq!(
        bool_json(b & c),
        json!({"bool": {"must": [j("a"), j("b")]}})
    );
}

#[test]
fn optional_should_clauses_stay_with_their_minimum() {
    let b = t("a") | t("b");
    let c = Q::bool().must(t("c"));
    assert_eq!(
        bool_json(b & c),
        json!({"bool": {"must": [j("c")], "should": [j("a"), j("b")], "minimum_should_match": 1}})
    );
}

#[test]
fn a_second_optional_should_list_goes_into_must_as_its_own_bool() {
    let b = t("a") | t("b");
    let c = t("c") | t("d");
    assert_eq!(
        bool_json(b & c),
        json!({"bool": {
            "should": [j("a"), j("b")], "minimum_should_match": 1,
            "must": [{"bool": {"should": [j("c"), j("d")], "minimum_should_match": 1}}]
        }})
    );
}

#[test]
fn should_lists_with_minimum_zero_are_merged() {
    let b = (t("a") | t("b")).minimum_should_match(0);
    let c = (t("c") | t("d")).minimum_should_match(0);
    assert_eq!(
        bool_json(b & c),
        json!({"bool": {"should": [j("a"), j("b"), j("c"), j("d")], "minimum_should_match": 0}})
    );
}

#[test]
fn a_should_only_bool_and_a_query_sets_minimum_should_match_one() {
    assert_eq!(
        bool_json((t("a") | t("b")) & t("c")),
        json!({"bool": {"should": [j("a"), j("b")], "must": [j("c")], "minimum_should_match": 1}})
    );
}

#[test]
fn a_query_and_a_bool_appends_to_the_bools_must() {
    let b = Q::bool().must(t("a"));
    assert_eq!(
        bool_json(t("z") & b),
        json!({"bool": {"must": [j("a"), j("z")]}})
    );
}

#[test]
fn or_extends_a_should_only_bool_and_wraps_otherwise() {
    assert_eq!(
        bool_json((t("a") | t("b")) | t("c")),
        json!({"bool": {"should": [j("a"), j("b"), j("c")]}})
    );
    assert_eq!(
        bool_json(t("c") | (t("a") | t("b"))),
        json!({"bool": {"should": [j("a"), j("b"), j("c")]}})
    );
    let b = Q::bool().must(t("a"));
    assert_eq!(
        bool_json(b | t("c")),
        json!({"bool": {"should": [{"bool": {"must": [j("a")]}}, j("c")]}})
    );
}

#[test]
fn negating_a_bool_negates_each_clause() {
    let b = Q::bool().must(t("a")).filter(t("f")).must_not(t("n"));
    assert_eq!(
        bool_json(!b),
        json!({"bool": {"should": [
            {"bool": {"must_not": [j("a")]}}, {"bool": {"must_not": [j("f")]}}, j("n")
        ]}})
    );
}

#[test]
fn a_single_negation_is_returned_bare() {
    assert_eq!(
        bool_json(!Q::bool().filter(t("a"))),
        json!({"bool": {"must_not": [j("a")]}})
    );
    assert_eq!(bool_json(!Q::bool().must_not(t("a"))), j("a"));
}

#[test]
fn negating_required_shoulds_makes_one_must_not() {
    assert_eq!(
        bool_json(!(t("a") | t("b"))),
        json!({"bool": {"must_not": [j("a"), j("b")]}})
    );
}

#[test]
fn negating_an_empty_bool_matches_nothing() {
    assert_eq!(bool_json(!Q::bool()), json!({"match_none": {}}));
}

#[test]
fn a_query_parsed_from_json_combines_like_a_built_one() {
    let parsed =
        Q::from_json(r#"{"bool": {"should": [{"term": {"a": 1}}, {"term": {"b": 1}}]}}"#).unwrap();
    // The parsed shortcut `{"term": {"a": 1}}` is written in its full form.
    assert_eq!(
        bool_json(parsed | t("c")),
        json!({"bool": {"should": [{"term": {"a": {"value": 1}}}, {"term": {"b": {"value": 1}}}, j("c")]}})
    );
}

#[test]
fn every_constructor_builds_a_typed_query_not_raw_json() {
    let all = [
        Q::match_all(),
        Q::match_none(),
        Q::term("f", "x"),
        Q::terms("f", ["a", "b"]),
        Q::match_("f", "x"),
        Q::match_phrase("f", "x y"),
        Q::multi_match("x", ["a", "b^2"]),
        Q::range("n").gte(3).lt(10),
        Q::exists("f"),
        Q::prefix("f", "x"),
        Q::wildcard("f", "x*"),
        Q::ids(["1", "2"]),
        Q::query_string("a AND b"),
        Q::nested("comments", Q::term("comments.author", "x")),
        Q::bool().filter(t("a")),
        Q::dis_max([t("a"), t("b")]),
        Q::function_score(t("a")),
        Q::constant_score(t("a")),
        Q::geo_distance("loc", 1.0, 2.0, "1km"),
        Q::fuzzy("f", "x"),
        Q::regexp("f", "x.*"),
        Q::match_phrase_prefix("f", "x y"),
        Q::simple_query_string("x"),
        t("a").boost(2.0).named("n"),
    ];
    for q in all {
        assert!(!matches!(q, Q::Raw(_)), "raw: {}", q.to_json());
        // And what they write parses back to the same JSON (numbers compared by value: a
        // range bound 3 is read back by the number variant as 3.0).
        let back: Q = es_types::from_value(q.to_json()).unwrap();
        assert_eq!(by_value(&back.to_json()), by_value(&q.to_json()));
    }
}
