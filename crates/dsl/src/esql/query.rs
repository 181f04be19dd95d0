//! The ES|QL query builder: source commands, processing commands and their clauses, rendered
//! into query text with every value as a numbered parameter.

use es_connections::{UseConnection, Using};
use serde_json::Value;

use super::expr::{
    col, ident, prec, string_literal, Assign, Expr, IntoExpr, Options, Part, SortKey,
};

/// A query that cannot be rendered: the first misuse found while it was built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EsqlError {
    /// A clause after a command that does not take it (`BY` after `WHERE`), or twice.
    Misplaced {
        /// The clause (`BY`, `METADATA`, `ON`...).
        clause: &'static str,
        /// The commands that take it.
        expected: &'static str,
        /// The command it followed (`none` at the start).
        after: &'static str,
    },
    /// A second `FORK` in one query.
    TwoForks,
    /// `FORK` takes 2 to 8 branches.
    ForkBranches(usize),
    /// A `FORK` branch starts with a source command; branches come from [`Esql::branch`].
    SourceInBranch,
    /// No source command (`FROM`, `ROW`, `SHOW`, `TS`): a branch rendered on its own.
    NoSource,
    /// A command or clause given nothing (`KEEP` of no columns, `FROM` of no index).
    Empty(&'static str),
    /// A name or number ES|QL cannot take there.
    Invalid {
        /// What it was (`ENRICH policy`, `SET name`, `SAMPLE probability`).
        what: &'static str,
        /// The value given.
        value: String,
        /// Why it was refused.
        why: &'static str,
    },
}

impl std::fmt::Display for EsqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EsqlError::Misplaced {
                clause,
                expected,
                after,
            } => write!(
                f,
                "ES|QL: {clause} must follow {expected} (once), not `{after}`"
            ),
            EsqlError::TwoForks => f.write_str("ES|QL: a query has at most one FORK"),
            EsqlError::ForkBranches(n) => {
                write!(f, "ES|QL: FORK takes 2 to 8 branches, not {n}")
            }
            EsqlError::SourceInBranch => f.write_str(
                "ES|QL: a FORK branch has processing commands only (build it with Esql::branch())",
            ),
            EsqlError::NoSource => {
                f.write_str("ES|QL: the query has no source command (FROM, ROW, SHOW, TS)")
            }
            EsqlError::Empty(what) => write!(f, "ES|QL: {what} needs at least one item"),
            EsqlError::Invalid { what, value, why } => {
                write!(f, "ES|QL: invalid {what} {value:?}: {why}")
            }
        }
    }
}

impl std::error::Error for EsqlError {}

impl From<EsqlError> for es_client::Error {
    fn from(e: EsqlError) -> es_client::Error {
        es_client::Error::other(es_client::ErrorKind::Config, e)
    }
}

/// The commands, for the rules about which clause follows which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    From,
    Row,
    Show,
    Ts,
    Where,
    Eval,
    Stats,
    InlineStats,
    Sort,
    Limit,
    Keep,
    Drop,
    Rename,
    Dissect,
    Grok,
    Enrich,
    LookupJoin,
    MvExpand,
    ChangePoint,
    Completion,
    Rerank,
    Fork,
    Fuse,
    Sample,
    Mmr,
    UriParts,
    UserAgent,
    RegisteredDomain,
    MetricsInfo,
    TsInfo,
}

impl Kind {
    fn keyword(self) -> &'static str {
        match self {
            Kind::From => "FROM",
            Kind::Row => "ROW",
            Kind::Show => "SHOW",
            Kind::Ts => "TS",
            Kind::Where => "WHERE",
            Kind::Eval => "EVAL",
            Kind::Stats => "STATS",
            Kind::InlineStats => "INLINE STATS",
            Kind::Sort => "SORT",
            Kind::Limit => "LIMIT",
            Kind::Keep => "KEEP",
            Kind::Drop => "DROP",
            Kind::Rename => "RENAME",
            Kind::Dissect => "DISSECT",
            Kind::Grok => "GROK",
            Kind::Enrich => "ENRICH",
            Kind::LookupJoin => "LOOKUP JOIN",
            Kind::MvExpand => "MV_EXPAND",
            Kind::ChangePoint => "CHANGE_POINT",
            Kind::Completion => "COMPLETION",
            Kind::Rerank => "RERANK",
            Kind::Fork => "FORK",
            Kind::Fuse => "FUSE",
            Kind::Sample => "SAMPLE",
            Kind::Mmr => "MMR",
            Kind::UriParts => "URI_PARTS",
            Kind::UserAgent => "USER_AGENT",
            Kind::RegisteredDomain => "REGISTERED_DOMAIN",
            Kind::MetricsInfo => "METRICS_INFO",
            Kind::TsInfo => "TS_INFO",
        }
    }
    fn is_source(self) -> bool {
        matches!(self, Kind::From | Kind::Row | Kind::Show | Kind::Ts)
    }
}

#[derive(Debug, Clone)]
struct Command {
    kind: Kind,
    text: Expr,
    /// The clauses already added (each at most once).
    clauses: Vec<&'static str>,
    /// Only the keyword so far (a `STATS` needs aggregates or a `BY`).
    bare: bool,
}

/// An ES|QL query as a value: a source command, then processing commands, each method
/// returning the new query (a base query can be cloned and branched). Values in expressions
/// are sent as parameters; [`render`](Self::render) gives the text and the parameters, and
/// the first misuse found while building ([`EsqlError`]).
///
/// ```
/// use es_dsl::esql::{col, f, Esql};
/// let q = Esql::from(["logs-*"])
///     .where_(col("level").eq("ERROR"))
///     .stats([("errors", f::count_all())])
///     .by(["host"])
///     .sort([col("errors").desc()])
///     .limit(10);
/// let r = q.render().unwrap();
/// assert_eq!(r.query, "FROM logs-* | WHERE level == ?1 | STATS errors = COUNT(*) BY host | SORT errors DESC | LIMIT 10");
/// assert_eq!(r.params, vec![serde_json::json!("ERROR")]);
/// // A clause where ES|QL does not take it is an error, not a broken query.
/// let bad = Esql::from(["logs"]).where_(col("a").eq(1)).by(["host"]);
/// assert!(bad.render().unwrap_err().to_string().contains("BY must follow STATS"));
/// ```
///
/// `LOOKUP JOIN` cannot be written without its join key:
///
/// ```compile_fail
/// es_dsl::esql::Esql::from(["logs"]).lookup_join("hosts");
/// ```
#[derive(Debug, Clone)]
pub struct Esql {
    settings: Vec<Expr>,
    commands: Vec<Command>,
    error: Option<EsqlError>,
    pub(crate) using: Using,
}

/// A rendered query: the text (values as `?1`, `?2`...) and the parameters, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct EsqlQuery {
    /// The query text.
    pub query: String,
    /// The parameters `?1`, `?2`... stand for.
    pub params: Vec<Value>,
}

/// A group of `BY`: a column name, an expression, or `name = expression`.
#[derive(Debug, Clone, PartialEq)]
pub struct Group(Assign);

impl From<&str> for Group {
    fn from(name: &str) -> Group {
        Group(col(name).into())
    }
}
impl From<Expr> for Group {
    fn from(e: Expr) -> Group {
        Group(e.into())
    }
}
impl<E: IntoExpr> From<(&str, E)> for Group {
    fn from(p: (&str, E)) -> Group {
        Group(p.into())
    }
}

/// A field `ENRICH ... WITH` adds: the policy's field, or `new_name = field`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrichField(Expr);

impl From<&str> for EnrichField {
    fn from(field: &str) -> EnrichField {
        EnrichField(col(field))
    }
}
impl From<(&str, &str)> for EnrichField {
    fn from((new, field): (&str, &str)) -> EnrichField {
        let mut e = col(new);
        e.push_text(" = ");
        e.append(col(field));
        EnrichField(e)
    }
}

/// Where `ENRICH` runs on a cross-cluster query (`_any`, `_coordinator`, `_remote`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum EnrichMode {
    Any,
    Coordinator,
    Remote,
}

/// The way `FUSE` merges the branches of a `FORK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuseMethod {
    /// Reciprocal rank fusion (the default).
    Rrf,
    /// A linear combination of scores.
    Linear,
}

/// An index name or pattern, quoted as a string when it has anything but the characters of
/// plain index patterns (so a comma, a space or a pipe cannot split the command).
fn index_pattern(name: &str) -> String {
    let plain = !name.is_empty()
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '*' | ':' | '+' | '<' | '>')
        });
    if plain {
        name.to_string()
    } else {
        string_literal(name)
    }
}

/// A column name or a `*` pattern (`KEEP first*`), quoted like [`col`] otherwise.
fn name_pattern(name: &str) -> Expr {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@' | '*'));
    if plain {
        Expr::text(name, prec::ATOM)
    } else {
        Expr::text(ident(name), prec::ATOM)
    }
}

/// `column = ` when there is a column to assign to, else nothing.
fn assigned_to(column: Option<&str>) -> Expr {
    match column {
        Some(c) => {
            let mut e = col(c);
            e.push_text(" = ");
            e
        }
        None => Expr::text("", prec::ATOM),
    }
}

fn names<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Vec<Expr> {
    items
        .into_iter()
        .map(|s| name_pattern(s.as_ref()))
        .collect()
}

impl Esql {
    fn start(kind: Kind, text: Expr) -> Esql {
        Esql {
            settings: Vec::new(),
            commands: vec![Command {
                kind,
                text,
                clauses: Vec::new(),
                bare: false,
            }],
            error: None,
            using: Using::default(),
        }
    }

    fn fail(mut self, e: EsqlError) -> Esql {
        self.error.get_or_insert(e);
        self
    }

    fn push(mut self, kind: Kind, body: Expr) -> Esql {
        let mut text = Expr::text(kind.keyword(), prec::ATOM);
        let bare = body
            .parts
            .iter()
            .all(|p| matches!(p, Part::Text(t) if t.is_empty()));
        if !bare {
            text.push_text(" ");
            text.append(body);
        }
        self.commands.push(Command {
            kind,
            text,
            clauses: Vec::new(),
            bare,
        });
        self
    }

    fn push_list(self, kind: Kind, what: &'static str, items: Vec<Expr>) -> Esql {
        if items.is_empty() {
            return self.fail(EsqlError::Empty(what));
        }
        self.push(kind, Expr::join(items, ", "))
    }

    /// Appends a clause to the last command, if it is one of `kinds` and has no `clause` yet.
    fn clause(
        mut self,
        clause: &'static str,
        kinds: &[Kind],
        expected: &'static str,
        body: Expr,
    ) -> Esql {
        let last = self.commands.last_mut();
        match last {
            Some(c) if kinds.contains(&c.kind) && !c.clauses.contains(&clause) => {
                c.clauses.push(clause);
                c.bare = false;
                c.text.push_text(" ");
                c.text.push_text(clause);
                if !body.parts.is_empty() {
                    c.text.push_text(" ");
                    c.text.append(body);
                }
                self
            }
            other => {
                let after = other.map_or("none", |c| c.kind.keyword());
                self.fail(EsqlError::Misplaced {
                    clause,
                    expected,
                    after,
                })
            }
        }
    }

    // --- Source commands -----------------------------------------------------------------

    /// `FROM index, ...` (names, patterns, `cluster:index`).
    pub fn from<S: AsRef<str>>(indices: impl IntoIterator<Item = S>) -> Esql {
        Self::source(Kind::From, indices)
    }

    /// `TS index, ...`: time-series indices.
    pub fn ts<S: AsRef<str>>(indices: impl IntoIterator<Item = S>) -> Esql {
        Self::source(Kind::Ts, indices)
    }

    fn source<S: AsRef<str>>(kind: Kind, indices: impl IntoIterator<Item = S>) -> Esql {
        let list: Vec<String> = indices
            .into_iter()
            .map(|s| index_pattern(s.as_ref()))
            .collect();
        let q = Esql::start(
            kind,
            Expr::text(
                format!("{} {}", kind.keyword(), list.join(", ")),
                prec::ATOM,
            ),
        );
        if list.is_empty() {
            return q.fail(EsqlError::Empty("FROM / TS indices"));
        }
        q
    }

    /// `ROW a = 1, b = "x"` (each value a parameter).
    pub fn row<A: Into<Assign>>(fields: impl IntoIterator<Item = A>) -> Esql {
        let items: Vec<Expr> = fields.into_iter().map(|a| a.into().render()).collect();
        let empty = items.is_empty();
        let mut text = Expr::text("ROW ", prec::ATOM);
        text.append(Expr::join(items, ", "));
        let q = Esql::start(Kind::Row, text);
        if empty {
            return q.fail(EsqlError::Empty("ROW"));
        }
        q
    }

    /// `SHOW INFO`.
    pub fn show_info() -> Esql {
        Esql::start(Kind::Show, Expr::text("SHOW INFO", prec::ATOM))
    }

    /// A `FORK` branch: processing commands without a source.
    pub fn branch() -> Esql {
        Esql {
            settings: Vec::new(),
            commands: Vec::new(),
            error: None,
            using: Using::default(),
        }
    }

    /// `METADATA _id, _index, ...` of a `FROM` / `TS`.
    pub fn metadata<S: AsRef<str>>(self, fields: impl IntoIterator<Item = S>) -> Esql {
        let list = names(fields);
        if list.is_empty() {
            return self.fail(EsqlError::Empty("METADATA"));
        }
        self.clause(
            "METADATA",
            &[Kind::From, Kind::Ts],
            "FROM or TS",
            Expr::join(list, ", "),
        )
    }

    /// The `SET name = value;` directive before the query (`time_zone`, `project_routing`...).
    /// ES|QL takes a literal there: strings are escaped, numbers and booleans written out.
    pub fn set(mut self, name: &str, value: impl Into<Value>) -> Esql {
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'));
        if !ok {
            return self.fail(EsqlError::Invalid {
                what: "SET name",
                value: name.to_string(),
                why: "letters, digits, `_` and `.` only",
            });
        }
        let v = match value.into() {
            Value::String(s) => string_literal(&s),
            v @ (Value::Number(_) | Value::Bool(_) | Value::Null) => v.to_string(),
            other => {
                return self.fail(EsqlError::Invalid {
                    what: "SET value",
                    value: other.to_string(),
                    why: "a string, a number or a boolean",
                })
            }
        };
        self.settings
            .push(Expr::text(format!("SET {name} = {v};"), prec::ATOM));
        self
    }

    // --- Processing commands -------------------------------------------------------------

    /// `WHERE condition`.
    pub fn where_(self, condition: impl IntoExpr) -> Esql {
        self.push(Kind::Where, condition.into_expr().at_least(prec::OR))
    }

    /// `EVAL a = expr, ...`.
    pub fn eval<A: Into<Assign>>(self, fields: impl IntoIterator<Item = A>) -> Esql {
        let items = fields.into_iter().map(|a| a.into().render()).collect();
        self.push_list(Kind::Eval, "EVAL", items)
    }

    fn aggs<A: Into<Assign>>(aggs: impl IntoIterator<Item = A>) -> Expr {
        Expr::join(aggs.into_iter().map(|a| a.into().render()), ", ")
    }

    /// `STATS name = AGG(...), ...`; then [`by`](Self::by) for groups (`stats([])` with a
    /// `by` is `STATS BY ...`).
    pub fn stats<A: Into<Assign>>(self, aggs: impl IntoIterator<Item = A>) -> Esql {
        self.push(Kind::Stats, Self::aggs(aggs))
    }

    /// `INLINE STATS ...`: the aggregates added to every row; then [`by`](Self::by).
    pub fn inline_stats<A: Into<Assign>>(self, aggs: impl IntoIterator<Item = A>) -> Esql {
        self.push(Kind::InlineStats, Self::aggs(aggs))
    }

    /// `BY group, ...` of a `STATS` / `INLINE STATS`.
    pub fn by<G: Into<Group>>(self, groups: impl IntoIterator<Item = G>) -> Esql {
        let list: Vec<Expr> = groups.into_iter().map(|g| g.into().0.render()).collect();
        if list.is_empty() {
            return self.fail(EsqlError::Empty("BY"));
        }
        self.clause(
            "BY",
            &[Kind::Stats, Kind::InlineStats],
            "STATS or INLINE STATS",
            Expr::join(list, ", "),
        )
    }

    /// `SORT key, ...` (`col("a").desc().nulls_last()`, or a column name).
    pub fn sort<K: Into<SortKey>>(self, keys: impl IntoIterator<Item = K>) -> Esql {
        let items = keys.into_iter().map(|k| k.into().expr).collect();
        self.push_list(Kind::Sort, "SORT", items)
    }

    /// `LIMIT n` (ES|QL takes an integer literal).
    pub fn limit(self, n: u64) -> Esql {
        self.push(Kind::Limit, Expr::text(n.to_string(), prec::ATOM))
    }

    /// `KEEP column, ...` (`*` patterns allowed).
    pub fn keep<S: AsRef<str>>(self, columns: impl IntoIterator<Item = S>) -> Esql {
        self.push_list(Kind::Keep, "KEEP", names(columns))
    }

    /// `DROP column, ...` (`*` patterns allowed).
    pub fn drop<S: AsRef<str>>(self, columns: impl IntoIterator<Item = S>) -> Esql {
        self.push_list(Kind::Drop, "DROP", names(columns))
    }

    /// `RENAME old AS new, ...`.
    pub fn rename<'a>(self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Esql {
        let items = pairs
            .into_iter()
            .map(|(old, new)| {
                let mut e = name_pattern(old);
                e.push_text(" AS ");
                e.append(name_pattern(new));
                e
            })
            .collect();
        self.push_list(Kind::Rename, "RENAME", items)
    }

    /// `DISSECT column "pattern"` (the pattern written as an escaped literal, as ES|QL wants
    /// it); then [`append_separator`](Self::append_separator).
    pub fn dissect(self, input: impl IntoExpr, pattern: &str) -> Esql {
        self.patterned(Kind::Dissect, input.into_expr(), pattern)
    }

    /// `KIND input "pattern"` (DISSECT, GROK).
    fn patterned(self, kind: Kind, input: Expr, pattern: &str) -> Esql {
        let mut e = input.at_least(prec::ATOM);
        e.push_text(" ");
        e.push_text(&string_literal(pattern));
        self.push(kind, e)
    }

    /// `APPEND_SEPARATOR = "sep"` of a `DISSECT`.
    pub fn append_separator(self, separator: &str) -> Esql {
        let lit = Expr::text(format!("= {}", string_literal(separator)), prec::ATOM);
        self.clause("APPEND_SEPARATOR", &[Kind::Dissect], "DISSECT", lit)
    }

    /// `GROK column "pattern"`.
    pub fn grok(self, input: impl IntoExpr, pattern: &str) -> Esql {
        self.patterned(Kind::Grok, input.into_expr(), pattern)
    }

    /// `ENRICH policy`; then [`on`](Self::on) and [`with_fields`](Self::with_fields).
    pub fn enrich(self, policy: &str) -> Esql {
        self.enrich_policy(None, policy)
    }

    /// `ENRICH _mode:policy` (cross-cluster).
    pub fn enrich_mode(self, mode: EnrichMode, policy: &str) -> Esql {
        self.enrich_policy(Some(mode), policy)
    }

    fn enrich_policy(self, mode: Option<EnrichMode>, policy: &str) -> Esql {
        // ES|QL has no quoting for policy names.
        let ok = !policy.is_empty()
            && !policy
                .chars()
                .any(|c| c.is_whitespace() || "\\/?\"<>|,#:`'=()[]{}".contains(c));
        if !ok {
            return self.fail(EsqlError::Invalid {
                what: "ENRICH policy",
                value: policy.to_string(),
                why: "ES|QL cannot quote a policy name; it has a character policy names cannot",
            });
        }
        let prefix = match mode {
            None => "",
            Some(EnrichMode::Any) => "_any:",
            Some(EnrichMode::Coordinator) => "_coordinator:",
            Some(EnrichMode::Remote) => "_remote:",
        };
        self.push(
            Kind::Enrich,
            Expr::text(format!("{prefix}{policy}"), prec::ATOM),
        )
    }

    /// `WITH new = field, ...` of an `ENRICH`.
    pub fn with_fields<F: Into<EnrichField>>(self, fields: impl IntoIterator<Item = F>) -> Esql {
        let list: Vec<Expr> = fields.into_iter().map(|f| f.into().0).collect();
        if list.is_empty() {
            return self.fail(EsqlError::Empty("ENRICH WITH"));
        }
        self.clause("WITH", &[Kind::Enrich], "ENRICH", Expr::join(list, ", "))
    }

    /// `ON column` of an `ENRICH` (the match field) or a `CHANGE_POINT` (the key).
    pub fn on(self, column: &str) -> Esql {
        self.clause(
            "ON",
            &[Kind::Enrich, Kind::ChangePoint],
            "ENRICH or CHANGE_POINT",
            col(column),
        )
    }

    /// `LOOKUP JOIN index ON field, ...`: the join key is required.
    pub fn lookup_join<S: AsRef<str>>(self, index: &str, on: impl IntoIterator<Item = S>) -> Esql {
        let keys = names(on);
        if keys.is_empty() {
            return self.fail(EsqlError::Empty("LOOKUP JOIN ON"));
        }
        let mut e = Expr::text(format!("{} ON ", index_pattern(index)), prec::ATOM);
        e.append(Expr::join(keys, ", "));
        self.push(Kind::LookupJoin, e)
    }

    /// `LOOKUP JOIN index ON condition` (an expression join).
    pub fn lookup_join_on(self, index: &str, condition: impl IntoExpr) -> Esql {
        let mut e = Expr::text(format!("{} ON ", index_pattern(index)), prec::ATOM);
        e.append(condition.into_expr().at_least(prec::OR));
        self.push(Kind::LookupJoin, e)
    }

    /// `MV_EXPAND column`: a row per value.
    pub fn mv_expand(self, column: &str) -> Esql {
        self.push(Kind::MvExpand, col(column))
    }

    /// `CHANGE_POINT value`; then [`on`](Self::on) and [`as_`](Self::as_).
    pub fn change_point(self, value: &str) -> Esql {
        self.push(Kind::ChangePoint, col(value))
    }

    /// `AS type_column, pvalue_column` of a `CHANGE_POINT`.
    pub fn as_(self, type_name: &str, pvalue_name: &str) -> Esql {
        let mut e = col(type_name);
        e.push_text(", ");
        e.append(col(pvalue_name));
        self.clause("AS", &[Kind::ChangePoint], "CHANGE_POINT", e)
    }

    /// `COMPLETION [column =] prompt WITH {"inference_id": "..."}`.
    pub fn completion(
        self,
        column: Option<&str>,
        prompt: impl IntoExpr,
        inference_id: &str,
    ) -> Esql {
        let mut e = assigned_to(column);
        e.append(prompt.into_expr().at_least(prec::ATOM));
        e.push_text(" WITH ");
        e.append(Options::new().set("inference_id", inference_id).render());
        self.push(Kind::Completion, e)
    }

    /// `RERANK [column =] query ON field, ...`; then [`with_options`](Self::with_options)
    /// (`inference_id`).
    pub fn rerank<S: AsRef<str>>(
        self,
        column: Option<&str>,
        query: impl IntoExpr,
        on: impl IntoIterator<Item = S>,
    ) -> Esql {
        let fields = names(on);
        if fields.is_empty() {
            return self.fail(EsqlError::Empty("RERANK ON"));
        }
        let mut e = assigned_to(column);
        e.append(query.into_expr().at_least(prec::ATOM));
        e.push_text(" ON ");
        e.append(Expr::join(fields, ", "));
        self.push(Kind::Rerank, e)
    }

    /// `WITH {options}` of a `RERANK`, `FUSE`, `MMR` or `USER_AGENT`.
    pub fn with_options(self, options: Options) -> Esql {
        self.clause(
            "WITH",
            &[Kind::Rerank, Kind::Fuse, Kind::Mmr, Kind::UserAgent],
            "RERANK, FUSE, MMR or USER_AGENT",
            options.render(),
        )
    }

    /// `FORK (branch) (branch) ...`: 2 to 8 branches from [`Esql::branch`], once per query.
    ///
    /// ```
    /// use es_dsl::esql::{col, Esql};
    /// let q = Esql::from(["books"]).fork([
    ///     Esql::branch().where_(col("year").gt(2000)).limit(5),
    ///     Esql::branch().where_(col("author").eq("Le Guin")),
    /// ]);
    /// assert_eq!(
    ///     q.render().unwrap().query,
    ///     "FROM books | FORK (WHERE year > ?1 | LIMIT 5) (WHERE author == ?2)"
    /// );
    /// ```
    pub fn fork(self, branches: impl IntoIterator<Item = Esql>) -> Esql {
        if self.commands.iter().any(|c| c.kind == Kind::Fork) {
            return self.fail(EsqlError::TwoForks);
        }
        let branches: Vec<Esql> = branches.into_iter().collect();
        if !(2..=8).contains(&branches.len()) {
            return self.fail(EsqlError::ForkBranches(branches.len()));
        }
        let mut body = Expr::text("", prec::ATOM);
        for (i, b) in branches.into_iter().enumerate() {
            if let Some(e) = b.error {
                return self.fail(e);
            }
            if b.commands.iter().any(|c| c.kind.is_source()) || !b.settings.is_empty() {
                return self.fail(EsqlError::SourceInBranch);
            }
            if b.commands.iter().any(|c| c.kind == Kind::Fork) {
                return self.fail(EsqlError::TwoForks);
            }
            if b.commands.is_empty() {
                return self.fail(EsqlError::Empty("FORK branch"));
            }
            if i > 0 {
                body.push_text(" ");
            }
            body.push_text("(");
            body.append(Expr::join(b.commands.into_iter().map(|c| c.text), " | "));
            body.push_text(")");
        }
        self.push(Kind::Fork, body)
    }

    /// `FUSE`: merges the results of a `FORK` (reciprocal rank fusion); then
    /// [`score_by`](Self::score_by), [`key_by`](Self::key_by), [`group_by`](Self::group_by),
    /// [`with_options`](Self::with_options).
    pub fn fuse(self) -> Esql {
        self.push(Kind::Fuse, Expr::text("", prec::ATOM))
    }

    /// `FUSE method`.
    pub fn fuse_method(self, method: FuseMethod) -> Esql {
        let m = match method {
            FuseMethod::Rrf => "RRF",
            FuseMethod::Linear => "LINEAR",
        };
        self.push(Kind::Fuse, Expr::text(m, prec::ATOM))
    }

    /// `SCORE BY column` of a `FUSE`.
    pub fn score_by(self, column: &str) -> Esql {
        self.clause("SCORE BY", &[Kind::Fuse], "FUSE", col(column))
    }

    /// `KEY BY column, ...` of a `FUSE`.
    pub fn key_by<S: AsRef<str>>(self, columns: impl IntoIterator<Item = S>) -> Esql {
        let list = names(columns);
        if list.is_empty() {
            return self.fail(EsqlError::Empty("KEY BY"));
        }
        self.clause("KEY BY", &[Kind::Fuse], "FUSE", Expr::join(list, ", "))
    }

    /// `GROUP BY column` of a `FUSE`.
    pub fn group_by(self, column: &str) -> Esql {
        self.clause("GROUP BY", &[Kind::Fuse], "FUSE", col(column))
    }

    /// `SAMPLE probability` (between 0 and 1, exclusive; a literal).
    pub fn sample(self, probability: f64) -> Esql {
        if !(probability > 0.0 && probability < 1.0) {
            return self.fail(EsqlError::Invalid {
                what: "SAMPLE probability",
                value: probability.to_string(),
                why: "must be between 0 and 1, exclusive",
            });
        }
        self.push(
            Kind::Sample,
            Expr::text(format!("{probability:?}"), prec::ATOM),
        )
    }

    /// `MMR [query_vector] ON field LIMIT n`: diversifies the rows; then
    /// [`with_options`](Self::with_options) (`lambda`).
    pub fn mmr(self, query_vector: Option<Expr>, on: &str, limit: u64) -> Esql {
        let mut e = Expr::text("", prec::ATOM);
        if let Some(v) = query_vector {
            e.append(v.at_least(prec::ATOM));
            e.push_text(" ");
        }
        e.push_text("ON ");
        e.append(col(on));
        e.push_text(&format!(" LIMIT {limit}"));
        self.push(Kind::Mmr, e)
    }

    fn prefixed(self, kind: Kind, prefix: &str, expr: impl IntoExpr) -> Esql {
        let mut e = col(prefix);
        e.push_text(" = ");
        e.append(expr.into_expr().at_least(prec::OR));
        self.push(kind, e)
    }

    /// `URI_PARTS prefix = expression`: the URI's parts as `prefix.scheme`, `prefix.domain`...
    pub fn uri_parts(self, prefix: &str, expr: impl IntoExpr) -> Esql {
        self.prefixed(Kind::UriParts, prefix, expr)
    }

    /// `USER_AGENT prefix = expression`; then [`with_options`](Self::with_options).
    pub fn user_agent(self, prefix: &str, expr: impl IntoExpr) -> Esql {
        self.prefixed(Kind::UserAgent, prefix, expr)
    }

    /// `REGISTERED_DOMAIN prefix = expression`.
    pub fn registered_domain(self, prefix: &str, expr: impl IntoExpr) -> Esql {
        self.prefixed(Kind::RegisteredDomain, prefix, expr)
    }

    /// `METRICS_INFO`.
    pub fn metrics_info(self) -> Esql {
        self.push(Kind::MetricsInfo, Expr::text("", prec::ATOM))
    }

    /// `TS_INFO`.
    pub fn ts_info(self) -> Esql {
        self.push(Kind::TsInfo, Expr::text("", prec::ATOM))
    }

    // --- Rendering -----------------------------------------------------------------------

    /// The query text (values as `?1`, `?2`...) and its parameters, or the first misuse.
    pub fn render(&self) -> Result<EsqlQuery, EsqlError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if !self.commands.first().is_some_and(|c| c.kind.is_source()) {
            return Err(EsqlError::NoSource);
        }
        if let Some(c) = self
            .commands
            .iter()
            .find(|c| c.bare && matches!(c.kind, Kind::Stats | Kind::InlineStats))
        {
            return Err(EsqlError::Empty(c.kind.keyword()));
        }
        let mut query = String::new();
        let mut params = Vec::new();
        let mut write = |e: &Expr, query: &mut String| {
            for p in &e.parts {
                match p {
                    Part::Text(t) => query.push_str(t),
                    Part::Param(v) => {
                        params.push(v.clone());
                        query.push_str(&format!("?{}", params.len()));
                    }
                }
            }
        };
        for s in &self.settings {
            write(s, &mut query);
            query.push(' ');
        }
        for (i, c) in self.commands.iter().enumerate() {
            if i > 0 {
                query.push_str(" | ");
            }
            write(&c.text, &mut query);
        }
        Ok(EsqlQuery { query, params })
    }
}

impl UseConnection for Esql {
    fn using_mut(&mut self) -> &mut Using {
        &mut self.using
    }
}
