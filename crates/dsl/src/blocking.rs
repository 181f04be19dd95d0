//! Blocking document operations and ES|QL: the same code as the async ones, driven from the
//! calling thread. (Blocking `Search` and `Index` are `Search<T, Blocking>` / `Index<Blocking>`.)

use es_client::transport::blocking::block_on_result;
use es_client::types::WriteResponse;
use es_client::{Blocking, Error};
use es_connections::blocking::async_client;
use es_connections::Using;

use crate::document::run;
use crate::esql::{Esql, EsqlResult};
use crate::Document;

/// Creates the index of `D`.
pub fn init<D: Document>(using: impl Into<Using<Blocking>>) -> Result<(), Error> {
    let c = async_client(using)?;
    block_on_result(run::init::<D>(&c))
}

/// Indexes `doc`.
pub fn save<D: Document>(
    doc: &D,
    using: impl Into<Using<Blocking>>,
) -> Result<WriteResponse, Error> {
    let c = async_client(using)?;
    block_on_result(run::save(&c, doc))
}

/// The document with this id.
pub fn get<D: Document>(id: &str, using: impl Into<Using<Blocking>>) -> Result<Option<D>, Error> {
    let c = async_client(using)?;
    block_on_result(run::get::<D>(&c, id))
}

/// Deletes the document with this id.
pub fn delete<D: Document>(id: &str, using: impl Into<Using<Blocking>>) -> Result<bool, Error> {
    let c = async_client(using)?;
    block_on_result(run::delete::<D>(&c, id))
}

/// Runs an ES|QL query.
pub fn esql(query: &Esql, using: impl Into<Using<Blocking>>) -> Result<EsqlResult, Error> {
    let c = async_client(using)?;
    let q = query.to_query();
    block_on_result(async move { crate::esql::run(&c, &q).await })
}
