//! Documents mapped to Rust types: implement [`Document`] and get `init`, `save`, `get`,
//! `delete` and `search` through [`DocumentOps`].

use es_client::types::{GetResponse, WriteResponse};
use es_client::{Client, Error, Flavor, Job, Run};
use es_connections::{bind_job, Runner, Using};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::{Index, Mapping, Search};

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
    /// The document's own id; `None` lets Elasticsearch generate one.
    fn id(&self) -> Option<String> {
        None
    }
}

pub(crate) mod run {
    use super::*;

    pub async fn init<D: Document>(c: &Client) -> Result<(), Error> {
        let body = json!({ "mappings": D::mapping().to_json(), "settings": D::settings() });
        c.indices()
            .create(D::INDEX)
            .body(&body)
            .send()
            .await
            .map(|_| ())
    }
    pub async fn save<D: Document>(c: &Client, doc: &D) -> Result<WriteResponse, Error> {
        let call = c.index(D::INDEX).document(doc);
        match doc.id() {
            Some(id) => call.id(id).send().await,
            None => call.send().await,
        }
    }
    pub async fn get<D: Document>(c: &Client, id: &str) -> Result<Option<D>, Error> {
        let r: GetResponse<D> = c.get(D::INDEX, id).ignore(404).json().await?;
        Ok(if r.found { r.source } else { None })
    }
    pub async fn delete<D: Document>(c: &Client, id: &str) -> Result<bool, Error> {
        let r = c.delete(D::INDEX, id).ignore(404).send_raw().await?;
        Ok(r.status().is_success())
    }
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
/// let found: Option<Article> = Article::get("dune", &client).send().await?;
/// # Ok(()) }
/// ```
pub trait DocumentOps: Document + Sized {
    /// Creates the index with [`Document::mapping`] and [`Document::settings`].
    fn init<F: Flavor>(on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        bind_job(on, &Using::default(), |c| async move {
            run::init::<Self>(&c).await
        })
    }
    /// Indexes the document (under [`Document::id`] when it has one).
    fn save<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'_, WriteResponse>> {
        bind_job(on, &Using::default(), move |c| async move {
            run::save(&c, self).await
        })
    }
    /// The document with this id, `None` if there is none.
    fn get<F: Flavor>(id: &str, on: impl Runner<F>) -> Run<F, Job<'static, Option<Self>>> {
        let id = id.to_string();
        bind_job(on, &Using::default(), move |c| async move {
            run::get::<Self>(&c, &id).await
        })
    }
    /// Deletes the document with this id; `false` if there was none.
    fn delete<F: Flavor>(id: &str, on: impl Runner<F>) -> Run<F, Job<'static, bool>> {
        let id = id.to_string();
        bind_job(on, &Using::default(), move |c| async move {
            run::delete::<Self>(&c, &id).await
        })
    }
    /// A search over the documents of this type.
    fn search() -> Search<Self> {
        Search::<Self>::new().index(Self::INDEX)
    }
    /// The index of this type, for management (refresh, delete...).
    fn index() -> Index {
        Index::new(Self::INDEX).mapping(Self::mapping())
    }
}

impl<D: Document> DocumentOps for D {}
