//! Blocking document operations and ES|QL: the same code as the async ones, driven from the
//! calling thread. (Blocking `Search` and `Index` are `Search<T, Blocking>` / `Index<Blocking>`.)

use es_client::types::WriteResponse;
use es_client::{Blocking, Client, Error};
use es_connections::Using;

use crate::document::run;
use crate::esql::{Esql, EsqlResult};
use crate::Document;

fn client(using: Using<Blocking>) -> Result<Client, Error> {
    Ok(using
        .resolve_in(es_connections::blocking::connections())?
        .to_async())
}

fn block<R>(f: impl std::future::Future<Output = Result<R, Error>>) -> Result<R, Error> {
    es_client::transport::blocking::block_on(f)?
}

/// Creates the index of `D`.
pub fn init<D: Document>(using: impl Into<Using<Blocking>>) -> Result<(), Error> {
    let c = client(using.into())?;
    block(run::init::<D>(&c))
}

/// Indexes `doc`.
pub fn save<D: Document>(
    doc: &D,
    using: impl Into<Using<Blocking>>,
) -> Result<WriteResponse, Error> {
    let c = client(using.into())?;
    block(run::save(&c, doc))
}

/// The document with this id.
pub fn get<D: Document>(id: &str, using: impl Into<Using<Blocking>>) -> Result<Option<D>, Error> {
    let c = client(using.into())?;
    block(run::get::<D>(&c, id))
}

/// Deletes the document with this id.
pub fn delete<D: Document>(id: &str, using: impl Into<Using<Blocking>>) -> Result<bool, Error> {
    let c = client(using.into())?;
    block(run::delete::<D>(&c, id))
}

/// Runs an ES|QL query.
pub fn esql(query: &Esql, using: impl Into<Using<Blocking>>) -> Result<EsqlResult, Error> {
    let c = client(using.into())?;
    let q = query.to_query();
    block(async move { crate::esql::run(&c, &q).await })
}
