//! ES|QL in the style of elasticsearch-py's query builder guide, on an `employees` index:
//! a sorted projection with computed columns, a `ROW` with functions, a search for a name
//! typed by a user (sent as a parameter, never spliced into the query), and statistics per
//! hiring year — each query printed as sent, then its rows read into Rust structs.
//! Runs against `CLUSTER_A_URL` (default `http://localhost:9200`).

use es_client::Client;
use es_dsl::esql::{col, f, param, span, Esql, TimeUnit};
use es_examples::{cluster_a, exit_on_error};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Height {
    first_name: String,
    last_name: String,
    height: f64,
    height_feet: f64,
    height_cm: f64,
}

#[derive(Debug, Deserialize)]
struct PerYear {
    year: String,
    avg_height: f64,
    n: u64,
}

fn show(q: &Esql) {
    let r = exit_on_error(q.render());
    println!("query: {}", r.query);
    if !r.params.is_empty() {
        println!("params: {}", serde_json::Value::Array(r.params));
    }
}

#[tokio::main]
async fn main() {
    let client = exit_on_error(Client::new(&cluster_a()));

    // FROM employees | SORT emp_no | KEEP ... | EVAL height_feet = height * 3.281, ... | LIMIT 3
    let heights = Esql::from(["employees"])
        .sort(["emp_no"])
        .keep(["first_name", "last_name", "height"])
        .eval([
            ("height_feet", col("height") * 3.281),
            ("height_cm", col("height") * 100),
        ])
        .limit(3);
    show(&heights);
    let rows = exit_on_error(heights.execute(&client).send().await);
    for h in exit_on_error(rows.rows_as::<Height>()) {
        println!(
            "{} {}: {} m = {:.2} ft = {} cm",
            h.first_name, h.last_name, h.height, h.height_feet, h.height_cm
        );
    }

    // ROW with functions: no index needed.
    let row = Esql::row([
        ("a", param(1)),
        ("b", f::concat([param("two"), param("-"), param("three")])),
    ])
    .eval([("c", f::round_with(f::pi(), 2))]);
    show(&row);

    // A name typed by a user: a parameter, so `"; DROP ...` is only a name nobody has.
    let typed = std::env::args().nth(1).unwrap_or_else(|| "Georgi".into());
    let by_name = Esql::from(["employees"])
        .where_(col("first_name").eq(typed.as_str()))
        .keep(["first_name", "last_name", "height"])
        .limit(10);
    show(&by_name);
    let found = exit_on_error(by_name.execute(&client).send().await);
    println!("{} employee(s) named {typed:?}", found.len());

    // Statistics per hiring year.
    let per_year = Esql::from(["employees"])
        .stats([
            ("avg_height", f::round_with(f::avg(col("height")), 2)),
            ("n", f::count_all()),
        ])
        .by([(
            "year",
            f::date_format_with(
                f::bucket(col("hire_date"), span(1, TimeUnit::Years)),
                "yyyy",
            ),
        )])
        .sort([col("year").asc()]);
    show(&per_year);
    let years = exit_on_error(per_year.execute(&client).send().await);
    for y in exit_on_error(years.rows_as::<PerYear>()) {
        println!(
            "{}: {} employees, {} m on average",
            y.year, y.n, y.avg_height
        );
    }
}
