//! An ES|QL query builder, with escaping of identifiers and literals, and typed rows.

use std::fmt;

use es_client::{Client, Error, Flavor, Job, Run};
use es_connections::Runner;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// An ES|QL expression.
///
/// ```
/// use es_dsl::esql::{col, lit};
/// assert_eq!((!col("x").is_null()).to_string(), "NOT (x IS NULL)");
/// let e = col("level").eq(lit("ERROR")).and(col("http.status").gte(lit(500)));
/// assert_eq!(e.to_string(), r#"(level == "ERROR" AND http.status >= 500)"#);
/// assert_eq!(col("odd name").eq(lit("a \"q\"")).to_string(), r#"`odd name` == "a \"q\"""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr(String);

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Raw ES|QL text (`"COUNT(*)"`).
impl From<&str> for Expr {
    fn from(s: &str) -> Expr {
        Expr(s.to_string())
    }
}

/// A column, quoted with backticks when it needs to be.
pub fn col(name: &str) -> Expr {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@'));
    if plain {
        Expr(name.to_string())
    } else {
        Expr(format!("`{}`", name.replace('`', "``")))
    }
}

/// A literal: strings are quoted and escaped; numbers, booleans and null as they are.
pub fn lit(value: impl serde::Serialize) -> Expr {
    match json!(value) {
        Value::String(s) => {
            let escaped = s
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
                .replace('\r', "\\r")
                .replace('\t', "\\t");
            Expr(format!("\"{escaped}\""))
        }
        Value::Null => Expr("null".into()),
        other => Expr(other.to_string()),
    }
}

impl Expr {
    fn bin(self, op: &str, other: Expr) -> Expr {
        Expr(format!("{} {op} {}", self.0, other.0))
    }
    /// `==`
    pub fn eq(self, o: Expr) -> Expr {
        self.bin("==", o)
    }
    /// `!=`
    pub fn ne(self, o: Expr) -> Expr {
        self.bin("!=", o)
    }
    /// `>`
    pub fn gt(self, o: Expr) -> Expr {
        self.bin(">", o)
    }
    /// `>=`
    pub fn gte(self, o: Expr) -> Expr {
        self.bin(">=", o)
    }
    /// `<`
    pub fn lt(self, o: Expr) -> Expr {
        self.bin("<", o)
    }
    /// `<=`
    pub fn lte(self, o: Expr) -> Expr {
        self.bin("<=", o)
    }
    /// `AND` (parenthesized).
    pub fn and(self, o: Expr) -> Expr {
        Expr(format!("({} AND {})", self.0, o.0))
    }
    /// `OR` (parenthesized).
    pub fn or(self, o: Expr) -> Expr {
        Expr(format!("({} OR {})", self.0, o.0))
    }
    /// `LIKE` with `*` / `?` wildcards.
    pub fn like(self, pattern: &str) -> Expr {
        self.bin("LIKE", lit(pattern))
    }
    /// `IN (...)`.
    pub fn in_(self, values: impl IntoIterator<Item = Expr>) -> Expr {
        let list: Vec<String> = values.into_iter().map(|e| e.0).collect();
        Expr(format!("{} IN ({})", self.0, list.join(", ")))
    }
    /// `IS NULL`.
    pub fn is_null(self) -> Expr {
        Expr(format!("{} IS NULL", self.0))
    }
}

/// `!expr`: `NOT (expr)`.
impl std::ops::Not for Expr {
    type Output = Expr;
    fn not(self) -> Expr {
        Expr(format!("NOT ({})", self.0))
    }
}

/// An ES|QL query: a source command then processing commands joined by `|`.
///
/// ```
/// use es_dsl::esql::{col, lit, Esql};
/// let q = Esql::from(["logs-*"])
///     .where_(col("level").eq(lit("ERROR")))
///     .stats([("errors", "COUNT(*)")])
///     .by(["host"])
///     .sort("errors", true)
///     .limit(10);
/// assert_eq!(q.to_query(), r#"FROM logs-* | WHERE level == "ERROR" | STATS errors = COUNT(*) BY host | SORT errors DESC | LIMIT 10"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Esql {
    commands: Vec<String>,
}

fn names<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| col(s.as_ref()).0)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Esql {
    /// `FROM indices`.
    pub fn from<S: AsRef<str>>(indices: impl IntoIterator<Item = S>) -> Esql {
        let list: Vec<String> = indices
            .into_iter()
            .map(|s| s.as_ref().to_string())
            .collect();
        Esql {
            commands: vec![format!("FROM {}", list.join(", "))],
        }
    }
    /// `ROW a = 1, b = "x"`.
    pub fn row<'a>(fields: impl IntoIterator<Item = (&'a str, Expr)>) -> Esql {
        let list: Vec<String> = fields
            .into_iter()
            .map(|(n, e)| format!("{} = {}", col(n).0, e.0))
            .collect();
        Esql {
            commands: vec![format!("ROW {}", list.join(", "))],
        }
    }
    fn push(mut self, cmd: String) -> Esql {
        self.commands.push(cmd);
        self
    }
    /// `WHERE cond`.
    pub fn where_(self, cond: impl Into<Expr>) -> Esql {
        let c = cond.into();
        self.push(format!("WHERE {}", c.0))
    }
    /// `EVAL name = expr`.
    pub fn eval(self, name: &str, expr: impl Into<Expr>) -> Esql {
        let e = expr.into();
        self.push(format!("EVAL {} = {}", col(name).0, e.0))
    }
    /// `STATS name = agg, ...`.
    pub fn stats<'a>(self, aggs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Esql {
        let list: Vec<String> = aggs
            .into_iter()
            .map(|(n, a)| format!("{} = {a}", col(n).0))
            .collect();
        self.push(format!("STATS {}", list.join(", ")))
    }
    /// `BY fields`, appended to the last command (a `STATS`).
    pub fn by<S: AsRef<str>>(mut self, fields: impl IntoIterator<Item = S>) -> Esql {
        if let Some(last) = self.commands.last_mut() {
            last.push_str(" BY ");
            last.push_str(&names(fields));
        }
        self
    }
    /// `SORT field [DESC]`.
    pub fn sort(self, field: &str, descending: bool) -> Esql {
        let dir = if descending { " DESC" } else { " ASC" };
        self.push(format!("SORT {}{dir}", col(field).0))
    }
    /// `LIMIT n`.
    pub fn limit(self, n: u64) -> Esql {
        self.push(format!("LIMIT {n}"))
    }
    /// `KEEP fields`.
    pub fn keep<S: AsRef<str>>(self, fields: impl IntoIterator<Item = S>) -> Esql {
        let f = names(fields);
        self.push(format!("KEEP {f}"))
    }
    /// `DROP fields`.
    pub fn drop<S: AsRef<str>>(self, fields: impl IntoIterator<Item = S>) -> Esql {
        let f = names(fields);
        self.push(format!("DROP {f}"))
    }
    /// `RENAME old AS new`.
    pub fn rename(self, old: &str, new: &str) -> Esql {
        self.push(format!("RENAME {} AS {}", col(old).0, col(new).0))
    }
    /// The query text.
    pub fn to_query(&self) -> String {
        self.commands.join(" | ")
    }
    /// Runs the query on `on` (a client, or a registry: its default alias): `.send().await`
    /// with an async runner, `.send()` with a blocking one.
    pub fn execute<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, EsqlResult>> {
        let query = self.to_query();
        es_connections::bind_job(on, &es_connections::Using::default(), move |c| async move {
            run(&c, &query).await
        })
    }
}

pub(crate) async fn run(client: &Client, query: &str) -> Result<EsqlResult, Error> {
    client
        .esql()
        .query()
        .body(&json!({ "query": query }))
        .json()
        .await
}

/// A column of an ES|QL answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EsqlColumn {
    /// Name.
    pub name: String,
    /// ES|QL type (`keyword`, `long`, `date`...).
    #[serde(rename = "type")]
    pub column_type: String,
}

/// An ES|QL answer: columns and rows of values.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EsqlResult {
    /// The columns.
    pub columns: Vec<EsqlColumn>,
    /// The rows, one value per column.
    pub values: Vec<Vec<Value>>,
}

impl EsqlResult {
    /// Rows as `{column: value}` maps.
    pub fn rows(&self) -> Vec<Map<String, Value>> {
        self.values
            .iter()
            .map(|row| {
                self.columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.name.clone(), v.clone()))
                    .collect()
            })
            .collect()
    }
    /// Rows deserialized into `T` (fields named like the columns).
    pub fn rows_as<T: DeserializeOwned>(&self) -> Result<Vec<T>, Error> {
        self.rows()
            .into_iter()
            .map(|r| {
                serde_json::from_value(Value::Object(r))
                    .map_err(|e| Error::deserialize(std::any::type_name::<T>(), e))
            })
            .collect()
    }
}
