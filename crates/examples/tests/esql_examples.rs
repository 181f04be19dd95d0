//! The ES|QL example against the fake cluster (neither emulator implements `_query`): the
//! queries and parameters it sends, and the rows it prints from recorded answers.

#![allow(clippy::unwrap_used)]

use std::process::Command;

use es_testkit::{FakeCluster, Reply, Rule};
use serde_json::{json, Value};

#[test]
fn the_employees_example_sends_parameters_and_prints_typed_rows() {
    let cluster = FakeCluster::start(1).unwrap();
    let answers = [
        json!({"columns": [
            {"name": "first_name", "type": "keyword"}, {"name": "last_name", "type": "keyword"},
            {"name": "height", "type": "double"}, {"name": "height_feet", "type": "double"},
            {"name": "height_cm", "type": "double"}],
          "values": [["Georgi", "Facello", 2.03, 6.66043, 203.0], ["Bezalel", "Simmel", 2.08, 6.82448, 208.0]]}),
        json!({"columns": [{"name": "first_name", "type": "keyword"}, {"name": "last_name", "type": "keyword"},
            {"name": "height", "type": "double"}], "values": []}),
        json!({"columns": [{"name": "avg_height", "type": "double"}, {"name": "n", "type": "long"},
            {"name": "year", "type": "keyword"}],
          "values": [[1.83, 11, "1985"], [1.75, 14, "1986"]]}),
    ];
    for a in answers {
        cluster.push(
            Rule::new(Reply::json(200, a))
                .path_prefix("/_query")
                .times(1),
        );
    }
    let attack = "Georgi\" OR first_name LIKE \"*";
    let out = Command::new(env!("CARGO_BIN_EXE_esql_employees"))
        .arg(attack)
        .env("CLUSTER_A_URL", cluster.url(0))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Georgi Facello: 2.03 m = 6.66 ft = 203 cm"),
        "{stdout}"
    );
    assert!(
        stdout.contains("query: ROW a = ?1, b = CONCAT(?2, ?3, ?4) | EVAL c = ROUND(PI(), ?5)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("0 employee(s) named {attack:?}")),
        "{stdout}"
    );
    assert!(
        stdout.contains("1986: 14 employees, 1.75 m on average"),
        "{stdout}"
    );

    let bodies: Vec<Value> = cluster
        .requests_to("/_query")
        .iter()
        .map(|r| serde_json::from_slice(&r.decoded_body()).unwrap())
        .collect();
    assert_eq!(bodies.len(), 3);
    assert_eq!(
        bodies[0],
        json!({"query": "FROM employees | SORT emp_no | KEEP first_name, last_name, height | EVAL height_feet = height * ?1, height_cm = height * ?2 | LIMIT 3",
               "params": [3.281, 100]})
    );
    // The user's text went into params, the query text is the builder's alone.
    assert_eq!(
        bodies[1],
        json!({"query": "FROM employees | WHERE first_name == ?1 | KEEP first_name, last_name, height | LIMIT 10",
               "params": [attack]})
    );
    assert_eq!(
        bodies[2],
        json!({"query": "FROM employees | STATS avg_height = ROUND(AVG(height), ?1), n = COUNT(*) BY year = DATE_FORMAT(?2, BUCKET(hire_date, 1 years)) | SORT year ASC",
               "params": [2, "yyyy"]})
    );
}
