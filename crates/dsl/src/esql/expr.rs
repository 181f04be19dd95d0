//! ES|QL expressions: columns, values (always sent as parameters), operators with ES|QL's
//! precedence, casts, sort keys and time spans.

use std::fmt;

use serde_json::Value;

/// One piece of rendered text: ES|QL text written by this module (keywords, quoted
/// identifiers, integer literals), or a value, which becomes a `?N` parameter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Text(String),
    Param(Value),
}

/// Binding strength, lowest first (ES|QL's grammar: `OR` < `AND` < `NOT` < comparisons <
/// `+ -` < `* / %` < unary `-` < primaries).
pub(crate) mod prec {
    pub const FILTERED: u8 = 0;
    pub const OR: u8 = 1;
    pub const AND: u8 = 2;
    pub const NOT: u8 = 3;
    pub const CMP: u8 = 4;
    pub const ADD: u8 = 5;
    pub const MUL: u8 = 6;
    pub const NEG: u8 = 7;
    pub const ATOM: u8 = 8;
}

/// An ES|QL expression. Rust values in it are never written into the query text: each
/// becomes a `?N` parameter of the request (a string cannot change the query's structure).
///
/// ```
/// use es_dsl::esql::{col, Esql};
/// let e = col("level").eq("ERROR").and(col("http.status").gte(500));
/// let q = Esql::from(["logs"]).where_(e).render().unwrap();
/// assert_eq!(q.query, "FROM logs | WHERE level == ?1 AND http.status >= ?2");
/// assert_eq!(q.params, vec![serde_json::json!("ERROR"), serde_json::json!(500)]);
/// // Precedence decides the parentheses.
/// let e = (col("a") + 1) * col("b");
/// assert_eq!(e.to_string(), "(a + ?) * b");
/// assert_eq!(col("odd name").is_null().to_string(), "`odd name` IS NULL");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub(crate) parts: Vec<Part>,
    pub(crate) prec: u8,
}

/// Shows the expression with `?` in place of each parameter.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.parts {
            match p {
                Part::Text(t) => f.write_str(t)?,
                Part::Param(_) => f.write_str("?")?,
            }
        }
        Ok(())
    }
}

/// Anything usable where an expression is expected: an [`Expr`], or a Rust value (sent as a
/// parameter).
pub trait IntoExpr {
    /// The expression.
    fn into_expr(self) -> Expr;
}

impl IntoExpr for Expr {
    fn into_expr(self) -> Expr {
        self
    }
}

impl IntoExpr for &Expr {
    fn into_expr(self) -> Expr {
        self.clone()
    }
}

macro_rules! value_exprs {
    ($($t:ty),*) => {$(
        impl IntoExpr for $t {
            fn into_expr(self) -> Expr {
                param(Value::from(self))
            }
        }
    )*};
}
value_exprs!(&str, String, bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, Value);

impl IntoExpr for &String {
    fn into_expr(self) -> Expr {
        param(Value::from(self.as_str()))
    }
}

/// `None` is `null`.
impl<T: IntoExpr> IntoExpr for Option<T> {
    fn into_expr(self) -> Expr {
        match self {
            Some(v) => v.into_expr(),
            None => Expr::text("null", prec::ATOM),
        }
    }
}

/// A list of values: one multi-valued parameter.
impl<T: Into<Value>> IntoExpr for Vec<T> {
    fn into_expr(self) -> Expr {
        param(Value::Array(self.into_iter().map(Into::into).collect()))
    }
}

/// A column (or any field name), quoted with backticks when it needs to be; a backtick in
/// the name is doubled, so no name can leave its quotes.
///
/// ```
/// use es_dsl::esql::col;
/// assert_eq!(col("http.status").to_string(), "http.status");
/// assert_eq!(col("@timestamp").to_string(), "@timestamp");
/// assert_eq!(col("a`b | DROP x").to_string(), "`a``b | DROP x`");
/// ```
pub fn col(name: &str) -> Expr {
    Expr::text(ident(name), prec::ATOM)
}

/// A value, sent as a parameter (`?N`): strings, numbers, booleans, `null`, arrays.
pub fn param(value: impl Into<Value>) -> Expr {
    let v = value.into();
    if v.is_null() {
        return Expr::text("null", prec::ATOM);
    }
    Expr {
        parts: vec![Part::Param(v)],
        prec: prec::ATOM,
    }
}

/// A value from anything serde can serialize, sent as a parameter; [`param`] for the common
/// types.
pub fn lit(value: impl serde::Serialize) -> Expr {
    param(serde_json::to_value(value).unwrap_or(Value::Null))
}

/// Every column (`*`), as in `COUNT(*)`.
pub fn star() -> Expr {
    Expr::text("*", prec::ATOM)
}

/// ES|QL text written as it is. Only `&'static str`: text known when the program was
/// compiled, never a runtime string (values go through [`param`]).
pub fn raw(text: &'static str) -> Expr {
    Expr::text(text, prec::FILTERED)
}

/// A time span literal (`1 hour`, `15 minutes`): ES|QL needs it written in the query.
///
/// ```
/// use es_dsl::esql::{span, TimeUnit};
/// assert_eq!(span(15, TimeUnit::Minutes).to_string(), "15 minutes");
/// ```
pub fn span(amount: i64, unit: TimeUnit) -> Expr {
    Expr::text(format!("{amount} {}", unit.as_str()), prec::ATOM)
}

/// Units of a [`span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum TimeUnit {
    Milliseconds,
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Quarters,
    Years,
}

impl TimeUnit {
    fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Milliseconds => "milliseconds",
            TimeUnit::Seconds => "seconds",
            TimeUnit::Minutes => "minutes",
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
            TimeUnit::Weeks => "weeks",
            TimeUnit::Months => "months",
            TimeUnit::Quarters => "quarters",
            TimeUnit::Years => "years",
        }
    }
}

/// ES|QL data types, for casts (`::long`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum EsqlType {
    Boolean,
    CartesianPoint,
    CartesianShape,
    Datetime,
    DateNanos,
    DatePeriod,
    DenseVector,
    Double,
    GeoPoint,
    GeoShape,
    Integer,
    Ip,
    Keyword,
    Long,
    TimeDuration,
    UnsignedLong,
    Version,
}

impl EsqlType {
    /// The type's name in ES|QL.
    pub fn as_str(self) -> &'static str {
        match self {
            EsqlType::Boolean => "boolean",
            EsqlType::CartesianPoint => "cartesian_point",
            EsqlType::CartesianShape => "cartesian_shape",
            EsqlType::Datetime => "datetime",
            EsqlType::DateNanos => "date_nanos",
            EsqlType::DatePeriod => "date_period",
            EsqlType::DenseVector => "dense_vector",
            EsqlType::Double => "double",
            EsqlType::GeoPoint => "geo_point",
            EsqlType::GeoShape => "geo_shape",
            EsqlType::Integer => "integer",
            EsqlType::Ip => "ip",
            EsqlType::Keyword => "keyword",
            EsqlType::Long => "long",
            EsqlType::TimeDuration => "time_duration",
            EsqlType::UnsignedLong => "unsigned_long",
            EsqlType::Version => "version",
        }
    }
}

/// A name quoted for ES|QL when it is not a plain identifier (letters, digits, `_`, `.`,
/// `@`, not starting with a digit).
pub(crate) fn ident(name: &str) -> String {
    let plain = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@'));
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// A string literal, for the few places ES|QL wants one written (`DISSECT` / `GROK`
/// patterns, option maps): every quote, backslash and control character escaped.
pub(crate) fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Expr {
    pub(crate) fn text(t: impl Into<String>, prec: u8) -> Expr {
        Expr {
            parts: vec![Part::Text(t.into())],
            prec,
        }
    }

    pub(crate) fn push_text(&mut self, t: &str) {
        match self.parts.last_mut() {
            Some(Part::Text(last)) => last.push_str(t),
            _ => self.parts.push(Part::Text(t.to_string())),
        }
    }

    pub(crate) fn append(&mut self, other: Expr) {
        for p in other.parts {
            match p {
                Part::Text(t) => self.push_text(&t),
                p => self.parts.push(p),
            }
        }
    }

    /// This expression, parenthesized unless it binds at least as tightly as `min`.
    pub(crate) fn at_least(self, min: u8) -> Expr {
        if self.prec >= min {
            return self;
        }
        let mut e = Expr::text("(", prec::ATOM);
        e.append(self);
        e.push_text(")");
        e
    }

    /// `items` joined by `sep`.
    pub(crate) fn join(items: impl IntoIterator<Item = Expr>, sep: &str) -> Expr {
        let mut e = Expr {
            parts: Vec::new(),
            prec: prec::ATOM,
        };
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                e.push_text(sep);
            }
            e.append(item);
        }
        e
    }

    /// A function call `NAME(args...)`.
    pub(crate) fn call(name: &str, args: impl IntoIterator<Item = Expr>) -> Expr {
        let mut e = Expr::text(format!("{name}("), prec::ATOM);
        e.append(Expr::join(args, ", "));
        e.push_text(")");
        e
    }

    fn binary(self, op: &str, other: Expr, p: u8, left_assoc: bool) -> Expr {
        let mut e = self.at_least(if left_assoc { p } else { p + 1 });
        e.prec = p;
        e.push_text(&format!(" {op} "));
        e.append(other.at_least(p + 1));
        e
    }

    fn postfix(self, min: u8, text: &str, p: u8) -> Expr {
        let mut e = self.at_least(min);
        e.prec = p;
        e.push_text(text);
        e
    }

    /// `==`
    pub fn eq(self, o: impl IntoExpr) -> Expr {
        self.binary("==", o.into_expr(), prec::CMP, false)
    }
    /// `!=`
    pub fn ne(self, o: impl IntoExpr) -> Expr {
        self.binary("!=", o.into_expr(), prec::CMP, false)
    }
    /// `>`
    pub fn gt(self, o: impl IntoExpr) -> Expr {
        self.binary(">", o.into_expr(), prec::CMP, false)
    }
    /// `>=`
    pub fn gte(self, o: impl IntoExpr) -> Expr {
        self.binary(">=", o.into_expr(), prec::CMP, false)
    }
    /// `<`
    pub fn lt(self, o: impl IntoExpr) -> Expr {
        self.binary("<", o.into_expr(), prec::CMP, false)
    }
    /// `<=`
    pub fn lte(self, o: impl IntoExpr) -> Expr {
        self.binary("<=", o.into_expr(), prec::CMP, false)
    }
    /// `AND` (also `&`).
    pub fn and(self, o: impl IntoExpr) -> Expr {
        self.binary("AND", o.into_expr(), prec::AND, true)
    }
    /// `OR` (also `|`).
    pub fn or(self, o: impl IntoExpr) -> Expr {
        self.binary("OR", o.into_expr(), prec::OR, true)
    }
    /// `IS NULL`.
    pub fn is_null(self) -> Expr {
        self.postfix(prec::ADD, " IS NULL", prec::CMP)
    }
    /// `IS NOT NULL`.
    pub fn is_not_null(self) -> Expr {
        self.postfix(prec::ADD, " IS NOT NULL", prec::CMP)
    }
    fn list_op(self, op: &str, values: impl IntoIterator<Item = Expr>) -> Expr {
        let mut e = self.at_least(prec::ADD);
        e.prec = prec::CMP;
        e.push_text(&format!(" {op} ("));
        e.append(Expr::join(values, ", "));
        e.push_text(")");
        e
    }
    /// `IN (v1, v2, ...)`; each value a parameter (or an expression).
    ///
    /// ```
    /// use es_dsl::esql::col;
    /// assert_eq!(col("level").in_(["ERROR", "WARN"]).to_string(), "level IN (?, ?)");
    /// ```
    pub fn in_<V: IntoExpr>(self, values: impl IntoIterator<Item = V>) -> Expr {
        self.list_op("IN", values.into_iter().map(IntoExpr::into_expr))
    }
    /// `NOT IN (...)`.
    pub fn not_in<V: IntoExpr>(self, values: impl IntoIterator<Item = V>) -> Expr {
        self.list_op("NOT IN", values.into_iter().map(IntoExpr::into_expr))
    }
    /// `LIKE pattern` (`*` and `?` wildcards); the pattern is a parameter.
    pub fn like(self, pattern: impl IntoExpr) -> Expr {
        self.binary("LIKE", pattern.into_expr(), prec::CMP, false)
    }
    /// `NOT LIKE pattern`.
    pub fn not_like(self, pattern: impl IntoExpr) -> Expr {
        self.binary("NOT LIKE", pattern.into_expr(), prec::CMP, false)
    }
    /// `LIKE (p1, p2, ...)`: any of the patterns.
    pub fn like_any<V: IntoExpr>(self, patterns: impl IntoIterator<Item = V>) -> Expr {
        self.list_op("LIKE", patterns.into_iter().map(IntoExpr::into_expr))
    }
    /// `RLIKE regex`.
    pub fn rlike(self, regex: impl IntoExpr) -> Expr {
        self.binary("RLIKE", regex.into_expr(), prec::CMP, false)
    }
    /// `NOT RLIKE regex`.
    pub fn not_rlike(self, regex: impl IntoExpr) -> Expr {
        self.binary("NOT RLIKE", regex.into_expr(), prec::CMP, false)
    }
    /// `RLIKE (r1, r2, ...)`.
    pub fn rlike_any<V: IntoExpr>(self, regexes: impl IntoIterator<Item = V>) -> Expr {
        self.list_op("RLIKE", regexes.into_iter().map(IntoExpr::into_expr))
    }
    /// The match operator `field : query` (full-text match, as `MATCH(field, query)`).
    pub fn matches(self, query: impl IntoExpr) -> Expr {
        self.binary(":", query.into_expr(), prec::CMP, false)
    }
    /// A cast, `expr::type`.
    ///
    /// ```
    /// use es_dsl::esql::{col, EsqlType};
    /// assert_eq!((col("a") + 1).cast(EsqlType::Long).to_string(), "(a + ?)::long");
    /// ```
    pub fn cast(self, to: EsqlType) -> Expr {
        self.postfix(prec::ATOM, &format!("::{}", to.as_str()), prec::ATOM)
    }
    /// An aggregation's own filter inside `STATS`: `AGG WHERE condition`.
    ///
    /// ```
    /// use es_dsl::esql::{col, f, Esql};
    /// let q = Esql::from(["logs"])
    ///     .stats([("errors", f::count_all().filter(col("level").eq("ERROR")))])
    ///     .render()
    ///     .unwrap();
    /// assert_eq!(q.query, "FROM logs | STATS errors = COUNT(*) WHERE level == ?1");
    /// ```
    pub fn filter(self, condition: impl IntoExpr) -> Expr {
        let mut e = self.at_least(prec::OR);
        e.prec = prec::FILTERED;
        e.push_text(" WHERE ");
        e.append(condition.into_expr().at_least(prec::OR));
        e
    }
    /// Ascending sort key.
    pub fn asc(self) -> SortKey {
        SortKey::new(self, Some("ASC"))
    }
    /// Descending sort key.
    pub fn desc(self) -> SortKey {
        SortKey::new(self, Some("DESC"))
    }
}

macro_rules! binary_ops {
    ($($tr:ident $m:ident $op:literal $p:ident),*) => {$(
        impl<R: IntoExpr> std::ops::$tr<R> for Expr {
            type Output = Expr;
            fn $m(self, r: R) -> Expr {
                self.binary($op, r.into_expr(), prec::$p, true)
            }
        }
    )*};
}
binary_ops!(Add add "+" ADD, Sub sub "-" ADD, Mul mul "*" MUL, Div div "/" MUL, Rem rem "%" MUL,
    BitAnd bitand "AND" AND, BitOr bitor "OR" OR);

/// `-expr`.
impl std::ops::Neg for Expr {
    type Output = Expr;
    fn neg(self) -> Expr {
        let mut e = Expr::text("-", prec::NEG);
        e.append(self.at_least(prec::NEG));
        e
    }
}

/// `!expr`: `NOT expr`.
impl std::ops::Not for Expr {
    type Output = Expr;
    fn not(self) -> Expr {
        let mut e = Expr::text("NOT ", prec::NOT);
        e.append(self.at_least(prec::NOT));
        e
    }
}

/// A `SORT` key: an expression, `ASC`/`DESC`, `NULLS FIRST`/`LAST`.
///
/// ```
/// use es_dsl::esql::{col, Esql};
/// let q = Esql::from(["logs"]).sort([col("a").desc().nulls_last(), col("b").into()]);
/// assert_eq!(q.render().unwrap().query, "FROM logs | SORT a DESC NULLS LAST, b");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub(crate) expr: Expr,
}

impl SortKey {
    fn new(e: Expr, dir: Option<&str>) -> SortKey {
        let mut expr = e.at_least(prec::OR);
        if let Some(d) = dir {
            expr.push_text(" ");
            expr.push_text(d);
        }
        SortKey { expr }
    }
    /// `NULLS FIRST`.
    pub fn nulls_first(mut self) -> SortKey {
        self.expr.push_text(" NULLS FIRST");
        self
    }
    /// `NULLS LAST`.
    pub fn nulls_last(mut self) -> SortKey {
        self.expr.push_text(" NULLS LAST");
        self
    }
}

impl From<Expr> for SortKey {
    fn from(e: Expr) -> SortKey {
        SortKey::new(e, None)
    }
}

/// A column name sorts ascending.
impl From<&str> for SortKey {
    fn from(name: &str) -> SortKey {
        SortKey::new(col(name), None)
    }
}

/// An expression with an optional name, as `EVAL`, `STATS`, `ROW` take them
/// (`name = expr`, or the expression alone).
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    pub(crate) name: Option<String>,
    pub(crate) expr: Expr,
}

impl Assign {
    pub(crate) fn render(self) -> Expr {
        match self.name {
            Some(n) => {
                let mut e = col(&n);
                e.push_text(" = ");
                e.append(self.expr);
                e
            }
            None => self.expr,
        }
    }
}

impl From<Expr> for Assign {
    fn from(expr: Expr) -> Assign {
        Assign { name: None, expr }
    }
}

impl<E: IntoExpr> From<(&str, E)> for Assign {
    fn from((name, e): (&str, E)) -> Assign {
        Assign {
            name: Some(name.to_string()),
            expr: e.into_expr(),
        }
    }
}

impl<E: IntoExpr> From<(String, E)> for Assign {
    fn from((name, e): (String, E)) -> Assign {
        Assign {
            name: Some(name),
            expr: e.into_expr(),
        }
    }
}

/// Named options of a function or command (`{"fuzziness": "AUTO", "boost": 2}`), written as
/// an ES|QL map literal: keys and string values escaped, so no option can leave its quotes.
///
/// ```
/// use es_dsl::esql::{col, f, Options};
/// let e = f::match_with(col("title"), "rust", Options::new().set("fuzziness", "AUTO").set("boost", 2));
/// assert_eq!(e.to_string(), r#"MATCH(title, ?, {"fuzziness": "AUTO", "boost": 2})"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options(Vec<(String, Value)>);

impl Options {
    /// No options yet.
    pub fn new() -> Options {
        Options::default()
    }
    /// Adds `key: value`.
    pub fn set(mut self, key: &str, value: impl Into<Value>) -> Options {
        self.0.push((key.to_string(), value.into()));
        self
    }
    pub(crate) fn render(&self) -> Expr {
        let mut out = String::from("{");
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&string_literal(k));
            out.push_str(": ");
            write_value(&mut out, v);
        }
        out.push('}');
        Expr::text(out, prec::ATOM)
    }
}

impl IntoExpr for Options {
    fn into_expr(self) -> Expr {
        self.render()
    }
}

/// A JSON value as ES|QL literal text (strings escaped; objects as maps).
fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => out.push_str(&string_literal(s)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&string_literal(k));
                out.push_str(": ");
                write_value(out, item);
            }
            out.push('}');
        }
        // Numbers, booleans and null print as JSON does: digits and keywords only.
        other => out.push_str(&other.to_string()),
    }
}
