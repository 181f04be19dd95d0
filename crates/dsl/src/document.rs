//! Documents mapped to Rust types: implement [`Document`] and get `init`, `save`, `get`,
//! `delete` and `search` through [`DocumentOps`].

use std::ops::{Deref, DerefMut};

use es_client::api::{Api, ApiSpec};
use es_client::types::{GetResponse, WriteResponse};
use es_client::{Call, Client, Error, ErrorKind, Flavor, Job, Refresh, Run};
use es_connections::{bind_job, Runner, Using};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use es_helpers::{Action, Bulk, BulkOptions, Json};

use crate::{Index, Mapping, Search};

/// The actions [`DocumentOps::bulk`] sends: each document as [`DocumentOps::to_action`].
pub type DocActions<I, D> = futures_util::stream::Iter<std::iter::Map<I, fn(D) -> Action<Json<D>>>>;

/// A Rust type stored as documents of one index.
///
/// ```
/// use es_dsl::{Document, Mapping, Property};
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Article { slug: String, title: String, published: String }
/// impl Document for Article {
///     const INDEX: &'static str = "articles";
///     fn mapping() -> Mapping {
///         Mapping::new().field("title", Property::text()).field("published", Property::date())
///     }
///     fn id(&self) -> Option<String> { Some(self.slug.clone()) }
/// }
/// ```
pub trait Document: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The index (or alias) the documents live in.
    const INDEX: &'static str;
    /// The index mapping (`init` creates the index with it). Dynamic by default.
    fn mapping() -> Mapping {
        Mapping::new()
    }
    /// Index settings for `init`.
    fn settings() -> Value {
        json!({})
    }
    /// The analysis its fields need (analyzers, normalizers and their parts), collected
    /// into the index's `settings.analysis`; the derive gathers it from the fields.
    fn analysis() -> crate::analysis::Analysis {
        crate::analysis::Analysis::new()
    }
    /// The document's own id; `None` lets Elasticsearch generate one.
    fn id(&self) -> Option<String> {
        None
    }
    /// The index this document is written to: [`INDEX`](Self::INDEX) unless the document
    /// says otherwise (time-based indices: `logs-2026.12`, with `INDEX` an alias or pattern
    /// `logs-*` for searches).
    fn index_name(&self) -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(Self::INDEX)
    }
    /// The connection the type's operations use when they run on a registry
    /// (`connections()`): the default alias unless the type says otherwise (elasticsearch.dsl's
    /// `Index.using`). A client, or `connections().alias("x")`, given to an operation wins.
    fn using() -> Using {
        Using::default()
    }
    /// Checked before every save; an `Err` stops the save with a typed error naming why
    /// (elasticsearch.dsl's `clean()` / `full_clean()`).
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

/// A type stored inside documents as an `object` or `nested` field (elasticsearch.dsl's
/// `InnerDoc`): `#[derive(InnerDoc)]` gives its mapping and field paths, and a document field
/// `#[document(nested)] comments: Vec<Comment>` takes both — the `properties` of the nested
/// mapping, and `Article::fields().comments.author` (the path `comments.author`).
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::InnerDoc)]
/// struct Comment { #[document(keyword)] author: String, content: String }
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
/// #[document(index = "blog")]
/// struct Post { title: String, #[document(nested)] comments: Vec<Comment> }
///
/// let m = <Post as es_dsl::Document>::mapping().to_json();
/// assert_eq!(m["properties"]["comments"]["type"], "nested");
/// assert_eq!(m["properties"]["comments"]["properties"]["author"]["type"], "keyword");
/// let f = Post::fields();
/// let q = es_dsl::Query::nested(&f.comments, es_dsl::Query::term(&f.comments.author, "ann"));
/// assert_eq!(q.to_json()["nested"]["path"], "comments");
/// assert_eq!(q.to_json()["nested"]["query"]["term"]["comments.author"]["value"], "ann");
/// assert_eq!(&*f.comments.content.keyword, "comments.content.keyword");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an inner document",
    note = "derive `es_dsl::InnerDoc` for it, or give the field a JSON type (`serde_json::Value`) for a dynamic object"
)]
pub trait InnerDoc {
    /// Its field paths (the generated `<Type>Fields`).
    type Fields;
    /// The mapping of its fields: the object's `properties`.
    fn mapping() -> Mapping;
    /// Its field paths under `prefix`, the path of the field holding it.
    fn fields_under(prefix: &str) -> Self::Fields;
    /// The analysis its fields need (see [`Document::analysis`]).
    fn analysis() -> crate::analysis::Analysis {
        crate::analysis::Analysis::new()
    }
}

/// A document refused by its own [`Document::validate`] before it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidDocument {
    /// The index it was going to.
    pub index: String,
    /// What `validate` said.
    pub reason: String,
}

impl std::fmt::Display for InvalidDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid document for `{}`: {}", self.index, self.reason)
    }
}

impl std::error::Error for InvalidDocument {}

/// `validate`, as the error a save returns.
fn validated<D: Document>(doc: &D, index: &str) -> Result<(), Error> {
    doc.validate().map_err(|reason| {
        let index = index.to_string();
        Error::other(ErrorKind::BadRequest, InvalidDocument { index, reason })
    })
}

pub(crate) mod run {
    use super::*;

    pub async fn save<D: Document>(
        c: &Client,
        doc: &D,
        opts: &WriteOptions,
    ) -> Result<WriteResponse, Error> {
        let index = doc.index_name();
        validated(doc, &index)?;
        let call = guarded(c.index(index.as_ref()).document(doc), None, opts.params());
        match doc.id() {
            Some(id) => call.id(id).send().await,
            None => call.send().await,
        }
    }
    pub async fn get<D: Document>(
        c: &Client,
        id: &str,
        opts: &ReadOptions,
    ) -> Result<Option<Doc<D>>, Error> {
        let call = c.get(opts.index_or::<D>(), id).ignore(404);
        let r: GetResponse<D> = guarded(call, None, opts.params()).json().await?;
        Ok(Doc::found(r))
    }
    pub async fn exists<D: Document>(
        c: &Client,
        id: &str,
        opts: &ReadOptions,
    ) -> Result<bool, Error> {
        let call = c.exists(opts.index_or::<D>(), id).ignore(404);
        let r = guarded(call, None, opts.params()).send_raw().await?;
        Ok(r.status().is_success())
    }
    pub async fn delete<D: Document>(
        c: &Client,
        id: &str,
        meta: Option<&Meta>,
        opts: &WriteOptions,
    ) -> Result<bool, Error> {
        let index = meta.map_or(D::INDEX, |m| m.index_or(D::INDEX));
        let call = c.delete(index, id).ignore(404);
        // A delete has no `op_type`.
        let params = opts
            .params()
            .into_iter()
            .filter(|(n, _)| *n != "op_type")
            .collect();
        let r = guarded(call, meta, params).send_raw().await?;
        Ok(r.status().is_success())
    }
    pub async fn save_doc<D: Document>(
        c: &Client,
        doc: &Doc<D>,
        opts: &WriteOptions,
    ) -> Result<Meta, Error> {
        // A `Doc` built by hand (default `Meta`) goes where the document says.
        let index = if doc.meta.index.is_empty() {
            doc.source.index_name()
        } else {
            std::borrow::Cow::Owned(doc.meta.index.clone())
        };
        validated(&doc.source, &index)?;
        let mut call = c.index(index.as_ref()).document(&doc.source);
        if let Some(id) = doc.meta.id.clone().or_else(|| doc.source.id()) {
            call = call.id(id);
        }
        let r = guarded(call, Some(&doc.meta), opts.params()).send().await?;
        Ok(Meta::written(r, doc.meta.routing.clone()))
    }
    pub async fn update<D: Document>(
        c: &Client,
        id: &str,
        update: &Update,
        meta: Option<&Meta>,
    ) -> Result<Meta, Error> {
        let index = meta.map_or(D::INDEX, |m| m.index_or(D::INDEX));
        let mut call = guarded(c.update(index, id).body(&update.body), meta, Vec::new());
        if let Some(n) = update.retry_on_conflict {
            call = call.retry_on_conflict(n);
        }
        if let Some(r) = update.refresh {
            call = call.refresh(r);
        }
        let r: WriteResponse = call.send().await?;
        Ok(Meta::written(r, meta.and_then(|m| m.routing.clone())))
    }
    /// `call` with the concurrency guard of `meta` (when it knows the version it was read
    /// at) and these query parameters: one place for every read and write.
    fn guarded<'a, F, M: ApiSpec>(
        mut call: Call<'a, F, Api<M>>,
        meta: Option<&Meta>,
        params: Vec<(&'static str, String)>,
    ) -> Call<'a, F, Api<M>> {
        if let Some((seq_no, term)) = meta.and_then(Meta::concurrency) {
            call = call
                .param("if_seq_no", seq_no)
                .param("if_primary_term", term);
        }
        for (name, value) in params {
            call = call.param(name, value);
        }
        call
    }
    pub async fn mget<D: Document>(
        c: &Client,
        ids: &[String],
        missing: Missing,
    ) -> Result<Vec<Option<Doc<D>>>, Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let body = json!({ "ids": ids });
        let r: MgetAnswer<D> = c.mget().index(D::INDEX).body(&body).json().await?;
        if r.docs.len() != ids.len() {
            let why = format!("{} answers for {} ids", r.docs.len(), ids.len());
            return Err(Error::other(ErrorKind::Serialization, MgetError(why)));
        }
        let docs: Vec<Option<Doc<D>>> = r.docs.into_iter().map(Doc::found).collect();
        match missing {
            Missing::None => Ok(docs),
            Missing::Skip => Ok(docs.into_iter().filter(Option::is_some).collect()),
            Missing::Error => {
                let absent: Vec<&str> = ids
                    .iter()
                    .zip(&docs)
                    .filter(|(_, d)| d.is_none())
                    .map(|(id, _)| id.as_str())
                    .collect();
                if absent.is_empty() {
                    Ok(docs)
                } else {
                    let why = format!("documents not found in {}: {}", D::INDEX, absent.join(", "));
                    Err(Error::other(ErrorKind::NotFound, MgetError(why)))
                }
            }
        }
    }

    #[derive(serde::Deserialize)]
    #[serde(bound(deserialize = "D: serde::Deserialize<'de>"))]
    struct MgetAnswer<D> {
        docs: Vec<GetResponse<D>>,
    }
}

/// Why an `mget` failed: documents missing (with [`Missing::Error`]) or an answer that does
/// not hold one entry per id.
#[derive(Debug)]
pub struct MgetError(String);

impl std::fmt::Display for MgetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MgetError {}

/// Options of a write (`save`, `delete`): refresh, routing, create-only, timeout.
///
/// ```
/// use es_dsl::WriteOptions;
/// let o = WriteOptions::new().refresh(es_client::Refresh::WaitFor).routing("user-1").create(true);
/// assert_eq!(o.params(), vec![("refresh", "wait_for".to_string()), ("routing", "user-1".to_string()), ("op_type", "create".to_string())]);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteOptions {
    refresh: Option<Refresh>,
    routing: Option<String>,
    create: bool,
    timeout: Option<String>,
}

impl WriteOptions {
    /// No options: the server's defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Makes the write visible to search before answering (`true`, `wait_for`).
    pub fn refresh(mut self, r: Refresh) -> Self {
        self.refresh = Some(r);
        self
    }
    /// The shard routing value.
    pub fn routing(mut self, r: impl Into<String>) -> Self {
        self.routing = Some(r.into());
        self
    }
    /// Saves only if there is no document with this id yet (`op_type=create`; else a
    /// conflict error). Ignored by deletes.
    pub fn create(mut self, yes: bool) -> Self {
        self.create = yes;
        self
    }
    /// How long to wait for the shards (`1m`, `30s`).
    pub fn timeout(mut self, t: impl Into<String>) -> Self {
        self.timeout = Some(t.into());
        self
    }
    /// The query parameters these options are sent as.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(r) = self.refresh {
            let wire = match r {
                Refresh::True => "true",
                Refresh::False => "false",
                Refresh::WaitFor => "wait_for",
            };
            out.push(("refresh", wire.to_string()));
        }
        if let Some(r) = &self.routing {
            out.push(("routing", r.clone()));
        }
        if self.create {
            out.push(("op_type", "create".to_string()));
        }
        if let Some(t) = &self.timeout {
            out.push(("timeout", t.clone()));
        }
        out
    }
}

/// Options of a read (`get_with`, `exists_with`), sent as its query parameters, as
/// elasticsearch.dsl passes `Document.get(..., **kwargs)` on.
///
/// ```
/// use es_dsl::ReadOptions;
/// let o = ReadOptions::new().routing("user-1").realtime(false).index("logs-2026.11");
/// assert_eq!(o.params(), vec![("routing", "user-1".to_string()), ("realtime", "false".to_string())]);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    index: Option<String>,
    routing: Option<String>,
    preference: Option<String>,
    realtime: Option<bool>,
    refresh: bool,
}

impl ReadOptions {
    /// No options: the type's index, the server's defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Reads from this index instead of the type's (a time-based index of its pattern).
    pub fn index(mut self, index: impl Into<String>) -> Self {
        self.index = Some(index.into());
        self
    }
    /// The shard routing value the document was written with.
    pub fn routing(mut self, r: impl Into<String>) -> Self {
        self.routing = Some(r.into());
        self
    }
    /// Which copies to read from (`_local`, a custom string).
    pub fn preference(mut self, p: impl Into<String>) -> Self {
        self.preference = Some(p.into());
        self
    }
    /// `false` reads only what a refresh has made visible.
    pub fn realtime(mut self, yes: bool) -> Self {
        self.realtime = Some(yes);
        self
    }
    /// Refreshes the shard before reading.
    pub fn refresh(mut self, yes: bool) -> Self {
        self.refresh = yes;
        self
    }
    /// The query parameters these options are sent as.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(r) = &self.routing {
            out.push(("routing", r.clone()));
        }
        if let Some(p) = &self.preference {
            out.push(("preference", p.clone()));
        }
        if let Some(r) = self.realtime {
            out.push(("realtime", r.to_string()));
        }
        if self.refresh {
            out.push(("refresh", "true".to_string()));
        }
        out
    }
    fn index_or<D: Document>(&self) -> &str {
        self.index.as_deref().unwrap_or(D::INDEX)
    }
}

/// What `mget` does with ids that have no document (elasticsearch.dsl's `missing=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Missing {
    /// `None` in its place (order kept).
    #[default]
    None,
    /// Left out.
    Skip,
    /// The whole call fails with a not-found error naming the missing ids.
    Error,
}

/// A stored document's metadata, as the server last reported it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// The index it lives in.
    pub index: String,
    /// Its id.
    pub id: Option<String>,
    /// Its version.
    pub version: Option<i64>,
    /// Sequence number of its last change (with `primary_term`, for concurrency control).
    pub seq_no: Option<i64>,
    /// Primary term of its last change.
    pub primary_term: Option<i64>,
    /// Its routing, when it has one.
    pub routing: Option<String>,
}

impl Meta {
    /// Its index, or `default` when it has none (a `Meta` built by hand).
    fn index_or<'a>(&'a self, default: &'a str) -> &'a str {
        if self.index.is_empty() {
            default
        } else {
            &self.index
        }
    }
    /// `(if_seq_no, if_primary_term)` when both are known.
    fn concurrency(&self) -> Option<(i64, i64)> {
        Some((self.seq_no?, self.primary_term?))
    }
    fn written(r: WriteResponse, routing: Option<String>) -> Meta {
        Meta {
            index: r.index,
            id: Some(r.id),
            version: r.version,
            seq_no: r.seq_no,
            primary_term: r.primary_term,
            routing,
        }
    }
}

/// A document with its metadata, as read from the server (derefs to the document).
/// Saving, updating or deleting it sends `if_seq_no` / `if_primary_term`, so a change made by
/// someone else since it was read is a [`ErrorKind::Conflict`] error, never overwritten.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc<D> {
    /// Where and at which version it was read or written.
    pub meta: Meta,
    /// The document.
    pub source: D,
}

impl<D> Deref for Doc<D> {
    type Target = D;
    fn deref(&self) -> &D {
        &self.source
    }
}

impl<D> DerefMut for Doc<D> {
    fn deref_mut(&mut self) -> &mut D {
        &mut self.source
    }
}

impl<D> Doc<D> {
    /// The document, without its metadata.
    pub fn into_inner(self) -> D {
        self.source
    }
    /// A search hit as a document with its metadata (`seq_no` / `primary_term` when the
    /// search asked for them with `seq_no_primary_term`); `None` for a hit without source.
    pub fn from_hit(hit: es_client::types::Hit<D>) -> Option<Doc<D>> {
        let meta = Meta {
            index: hit.index,
            id: hit.id,
            version: hit.version,
            seq_no: hit.seq_no,
            primary_term: hit.primary_term,
            routing: hit.routing,
        };
        Some(Doc {
            meta,
            source: hit.source?,
        })
    }
    /// The bulk action that writes this document back where it was read from, guarded as
    /// [`save`](Doc::save) is: with its `if_seq_no` / `if_primary_term`, so a document
    /// changed meanwhile is that item's 409, not an overwrite.
    pub fn to_action(self) -> Action<Json<D>>
    where
        D: Document,
    {
        let meta = self.meta;
        let index = meta.index_or(D::INDEX).to_string();
        let id = meta.id.clone().or_else(|| self.source.id());
        let mut action = Action::index(Json(self.source)).index_name(index);
        if let Some(id) = id {
            action = action.id(id);
        }
        if let Some(r) = meta.routing.clone() {
            action = action.routing(r);
        }
        match meta.concurrency() {
            Some((seq_no, term)) => action.if_seq_no_primary_term(seq_no, term),
            None => action,
        }
    }
    fn found(r: GetResponse<D>) -> Option<Doc<D>> {
        if !r.found {
            return None;
        }
        Some(Doc {
            meta: Meta {
                index: r.index,
                id: Some(r.id),
                version: r.version,
                seq_no: r.seq_no,
                primary_term: r.primary_term,
                routing: r.routing,
            },
            source: r.source?,
        })
    }
}

impl<D: Document> Doc<D> {
    /// Writes the document back, if it is still at the version it was read at (else a
    /// conflict error); returns its new metadata (`doc.meta = doc.save(..)...?`).
    pub fn save<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'_, Meta>> {
        self.save_with(WriteOptions::default(), on)
    }
    /// [`save`](Self::save) with options (refresh, routing, create-only, timeout).
    pub fn save_with<F: Flavor>(
        &self,
        opts: WriteOptions,
        on: impl Runner<F>,
    ) -> Run<F, Job<'_, Meta>> {
        bind_job(on, &D::using(), move |c| async move {
            run::save_doc(&c, self, &opts).await
        })
    }
    /// Updates the stored document partially, if it is still at the version it was read at.
    pub fn update<F: Flavor>(&self, update: Update, on: impl Runner<F>) -> Run<F, Job<'_, Meta>> {
        bind_job(on, &D::using(), move |c| async move {
            let id = self.meta.id.clone().unwrap_or_default();
            run::update::<D>(&c, &id, &update, Some(&self.meta)).await
        })
    }
    /// Deletes it, if it is still at the version it was read at; `false` if it was gone.
    pub fn delete<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'_, bool>> {
        self.delete_with(WriteOptions::default(), on)
    }
    /// [`delete`](Self::delete) with options (refresh, routing, timeout).
    pub fn delete_with<F: Flavor>(
        &self,
        opts: WriteOptions,
        on: impl Runner<F>,
    ) -> Run<F, Job<'_, bool>> {
        bind_job(on, &D::using(), move |c| async move {
            let id = self.meta.id.clone().unwrap_or_default();
            run::delete::<D>(&c, &id, Some(&self.meta), &opts).await
        })
    }
}

/// A partial update (`POST /{index}/_update/{id}`): fields to merge, or a script, with an
/// upsert.
///
/// ```
/// use es_dsl::Update;
/// let u = Update::doc(&serde_json::json!({"title": "Dune Messiah"})).doc_as_upsert(true);
/// assert_eq!(u.to_json(), serde_json::json!({"doc": {"title": "Dune Messiah"}, "doc_as_upsert": true}));
/// let s = Update::script("ctx._source.views += params.n", serde_json::json!({"n": 1}))
///     .upsert(&serde_json::json!({"views": 1}))
///     .retry_on_conflict(3);
/// assert_eq!(s.to_json()["script"]["params"]["n"], 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    body: Value,
    retry_on_conflict: Option<i64>,
    refresh: Option<Refresh>,
}

impl Update {
    /// Merges these fields into the stored document.
    pub fn doc(fields: &impl serde::Serialize) -> Update {
        Update::with_body(json!({ "doc": to_value(fields) }))
    }
    /// Runs a (painless) script with parameters on the stored document.
    pub fn script(source: &str, params: Value) -> Update {
        Update::with_body(json!({ "script": { "source": source, "params": params } }))
    }
    fn with_body(body: Value) -> Update {
        Update {
            body,
            retry_on_conflict: None,
            refresh: None,
        }
    }
    /// The document to store when there is none yet.
    pub fn upsert(mut self, doc: &impl serde::Serialize) -> Update {
        self.body["upsert"] = to_value(doc);
        self
    }
    /// Stores `doc` itself when there is no document yet.
    pub fn doc_as_upsert(mut self, yes: bool) -> Update {
        self.body["doc_as_upsert"] = json!(yes);
        self
    }
    /// Retries this many times when another write gets in between (server side).
    pub fn retry_on_conflict(mut self, n: i64) -> Update {
        self.retry_on_conflict = Some(n);
        self
    }
    /// Makes the change visible to search before answering.
    pub fn refresh(mut self, r: Refresh) -> Update {
        self.refresh = Some(r);
        self
    }
    /// The request body.
    pub fn to_json(&self) -> Value {
        self.body.clone()
    }
}

fn to_value(v: &impl serde::Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Operations on [`Document`] types (implemented for all of them). Each runs on `on` — a
/// client, or a registry (its default alias) — and finishes with `.send().await` (async) or
/// `.send()` (blocking).
///
/// ```no_run
/// # #[derive(serde::Serialize, serde::Deserialize)] struct Article { slug: String }
/// # impl es_dsl::Document for Article { const INDEX: &'static str = "articles"; }
/// # async fn demo(client: es_client::Client) -> Result<(), es_client::Error> {
/// use es_dsl::DocumentOps;
/// Article::init(&client).send().await?;
/// Article { slug: "dune".into() }.save(&client).send().await?;
/// let found = Article::get("dune", &client).send().await?;
/// if let Some(mut doc) = found {
///     doc.slug = "dune-1965".into();  // the document, through `Deref`
///     doc.meta = doc.save(&client).send().await?; // a conflict if changed meanwhile
/// }
/// # Ok(()) }
/// ```
pub trait DocumentOps: Document + Sized {
    /// Creates the index with [`Document::mapping`], [`Document::settings`] and the
    /// [analysis](Document::analysis) its fields need, or updates an existing one to them:
    /// [`Index::save`], as elasticsearch.dsl's `Document.init`.
    fn init<F: Flavor>(on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        Self::index().save(on)
    }
    /// Indexes the document (under [`Document::id`] when it has one).
    fn save<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'_, WriteResponse>> {
        self.save_with(WriteOptions::default(), on)
    }
    /// [`save`](Self::save) with options (refresh, routing, create-only, timeout).
    fn save_with<F: Flavor>(
        &self,
        opts: WriteOptions,
        on: impl Runner<F>,
    ) -> Run<F, Job<'_, WriteResponse>> {
        bind_job(on, &Self::using(), move |c| async move {
            run::save(&c, self, &opts).await
        })
    }
    /// The document with this id and its metadata, `None` if there is none.
    fn get<F: Flavor>(id: &str, on: impl Runner<F>) -> Run<F, Job<'static, Option<Doc<Self>>>> {
        Self::get_with(id, ReadOptions::default(), on)
    }
    /// [`get`](Self::get) with options (routing, preference, realtime, another index).
    fn get_with<F: Flavor>(
        id: &str,
        opts: ReadOptions,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, Option<Doc<Self>>>> {
        let id = id.to_string();
        bind_job(on, &Self::using(), move |c| async move {
            run::get::<Self>(&c, &id, &opts).await
        })
    }
    /// Whether a document with this id exists.
    fn exists<F: Flavor>(id: &str, on: impl Runner<F>) -> Run<F, Job<'static, bool>> {
        Self::exists_with(id, ReadOptions::default(), on)
    }
    /// [`exists`](Self::exists) with options.
    fn exists_with<F: Flavor>(
        id: &str,
        opts: ReadOptions,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, bool>> {
        let id = id.to_string();
        bind_job(on, &Self::using(), move |c| async move {
            run::exists::<Self>(&c, &id, &opts).await
        })
    }
    /// The documents with these ids, in the same order, in one request; `missing` says what
    /// becomes of ids without a document.
    fn mget<F: Flavor, S: AsRef<str>>(
        ids: impl IntoIterator<Item = S>,
        missing: Missing,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, Vec<Option<Doc<Self>>>>> {
        let ids: Vec<String> = ids.into_iter().map(|s| s.as_ref().to_string()).collect();
        bind_job(on, &Self::using(), move |c| async move {
            run::mget::<Self>(&c, &ids, missing).await
        })
    }
    /// Updates the document with this id partially (fields, or a script; with an upsert).
    fn update<F: Flavor>(
        id: &str,
        update: Update,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, Meta>> {
        let id = id.to_string();
        bind_job(on, &Self::using(), move |c| async move {
            run::update::<Self>(&c, &id, &update, None).await
        })
    }
    /// Deletes the document with this id; `false` if there was none.
    fn delete<F: Flavor>(id: &str, on: impl Runner<F>) -> Run<F, Job<'static, bool>> {
        Self::delete_with(id, WriteOptions::default(), on)
    }
    /// [`delete`](Self::delete) with options (refresh, routing, timeout).
    fn delete_with<F: Flavor>(
        id: &str,
        opts: WriteOptions,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, bool>> {
        let id = id.to_string();
        bind_job(on, &Self::using(), move |c| async move {
            run::delete::<Self>(&c, &id, None, &opts).await
        })
    }
    /// The bulk action that indexes this document (elasticsearch.dsl's
    /// `to_dict(include_meta=True)`): to its [`index_name`](Document::index_name), under its
    /// [`id`](Document::id) when it has one.
    fn to_action(self) -> Action<Json<Self>> {
        let (index, id) = (self.index_name().into_owned(), self.id());
        let action = Action::index(Json(self)).index_name(index);
        match id {
            Some(id) => action.id(id),
            None => action,
        }
    }
    /// Indexes `docs` with the bulk helper (batching, retries, per-item results: what it
    /// reports indexed is what the server said it indexed), each as
    /// [`to_action`](Self::to_action) makes it, on the type's connection when `on` is a
    /// registry. Unlike `save`, [`validate`](Document::validate) is not run: validate first
    /// when the documents come from outside.
    ///
    /// ```no_run
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Log { msg: String }
    /// # impl es_dsl::Document for Log { const INDEX: &'static str = "logs"; }
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use es_dsl::{connections, DocumentOps};
    /// let logs = (0..10_000).map(|i| Log { msg: format!("event {i}") });
    /// let summary = Log::bulk(logs, es_helpers::BulkOptions::default(), connections()).send().await?;
    /// assert_eq!(summary.ok, 10_000);
    /// # Ok(()) }
    /// ```
    #[allow(clippy::type_complexity)]
    fn bulk<F: Flavor, I>(
        docs: I,
        opts: BulkOptions,
        on: impl Runner<F>,
    ) -> Run<F, Bulk<Json<Self>, DocActions<I::IntoIter, Self>>>
    where
        I: IntoIterator<Item = Self>,
        I::IntoIter: Send,
    {
        let to_action: fn(Self) -> Action<Json<Self>> = Self::to_action;
        let actions = es_helpers::iter(docs.into_iter().map(to_action));
        es_connections::bind(on, &Self::using(), Bulk::new(actions, opts))
    }
    /// A search over the documents of this type.
    fn search() -> Search<Self> {
        Search::<Self>::new().index(Self::INDEX)
    }
    /// The index of this type, for management (refresh, delete, templates...): its mapping,
    /// settings and analysis, on the type's connection.
    fn index() -> Index {
        use es_connections::UseConnection as _;
        Index::new(Self::INDEX)
            .document::<Self>()
            .using(Self::using())
    }
}

impl<D: Document> DocumentOps for D {}
