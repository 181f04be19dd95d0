//! [`Operation`] and [`Run`]: high-level operations (a DSL search, a bulk load, a health
//! check...) as values, written once as async code and finished with `send` in the flavour of
//! the client that runs them — as [`Call`](crate::Call) does for single API calls.

use es_transport::Error;

use crate::client::Elasticsearch;
use crate::flavor::{BoxFuture, BoxStream, Flavor};
use crate::Client;

/// An operation that ends in one result, written once over the async client.
///
/// ```
/// use es_client::{BoxFuture, Client, Operation, Run};
/// struct ClusterName;
/// impl Operation for ClusterName {
///     type Output = String;
///     type Error = es_client::Error;
///     fn run<'a>(self, client: Client) -> BoxFuture<'a, String> {
///         Box::pin(async move { Ok(client.info().send().await?.cluster_name) })
///     }
/// }
/// # async fn demo(client: Client) -> Result<(), es_client::Error> {
/// let name = Run::new(Ok(client.clone()), ClusterName).send().await?;
/// // With the blocking client the same operation is `Run::new(Ok(blocking), ClusterName).send()?`.
/// # Ok(()) }
/// ```
pub trait Operation: Send {
    /// What the operation produces.
    type Output: Send;
    /// Its error ([`Error`] for most; the bulk helper's carries its summary).
    type Error: From<Error> + Send;
    /// The operation as a future on `client`.
    fn run<'a>(self, client: Client) -> BoxFuture<'a, Self::Output, Self::Error>
    where
        Self: 'a;
}

/// An operation that yields items, written once as a stream over the async client.
pub trait StreamOperation: Send {
    /// One item (usually a `Result`).
    type Item: Send;
    /// The operation as a stream on `client`.
    fn stream<'a>(self, client: Client) -> BoxStream<'a, Self::Item>
    where
        Self: 'a;
    /// The item that reports an error (a connection that cannot be resolved, a blocking
    /// iterator used inside an async runtime).
    fn error_item(err: Error) -> Self::Item;
}

/// An operation bound to a client (or to the error of finding one), ready to `send`:
/// `.send().await` with an async client, `.send()` with a blocking one.
#[must_use = "an operation does nothing until it is sent"]
pub struct Run<F, O> {
    client: Result<Elasticsearch<F>, Error>,
    op: O,
}

impl<F: Flavor, O: Operation> Run<F, O> {
    /// Binds `op` to a client, or to the error met while choosing one (reported by `send`).
    pub fn new(client: Result<Elasticsearch<F>, Error>, op: O) -> Self {
        Run { client, op }
    }

    /// Runs the operation: a future with an async client, the result with a blocking one.
    pub fn send<'a>(self) -> F::Output<'a, O::Output, O::Error>
    where
        O: 'a,
    {
        let fut: BoxFuture<'a, O::Output, O::Error> = match self.client {
            Ok(c) => self.op.run(c.as_async()),
            Err(e) => Box::pin(async move { Err(O::Error::from(e)) }),
        };
        F::finish(fut)
    }
}

/// A streaming operation bound to a client: `send` gives a `Stream` with an async client,
/// an `Iterator` with a blocking one.
#[must_use = "an operation does nothing until it is sent"]
pub struct RunStream<F, O> {
    client: Result<Elasticsearch<F>, Error>,
    op: O,
}

impl<F: Flavor, O: StreamOperation> RunStream<F, O> {
    /// Binds `op` to a client, or to the error met while choosing one.
    pub fn new(client: Result<Elasticsearch<F>, Error>, op: O) -> Self {
        RunStream { client, op }
    }

    /// Starts the operation.
    pub fn send<'a>(self) -> F::Items<'a, O::Item>
    where
        O: 'a,
    {
        let stream: BoxStream<'a, O::Item> = match self.client {
            Ok(c) => self.op.stream(c.as_async()),
            Err(e) => Box::pin(futures_util::stream::once(async move { O::error_item(e) })),
        };
        F::items(stream, O::error_item)
    }
}

/// An operation written as a closure over the async client: the usual way to define a
/// high-level operation once.
///
/// ```
/// use es_client::{Client, Job, Run};
/// # async fn demo(client: Client) -> Result<(), es_client::Error> {
/// let count: Job<i64> = Job::new(|c: Client| async move { Ok(c.count().index("logs").send().await?.count) });
/// let n: i64 = Run::new(Ok(client), count).send().await?;
/// # Ok(()) }
/// ```
pub struct Job<'a, T, E = Error> {
    f: Box<dyn FnOnce(Client) -> BoxFuture<'a, T, E> + Send + 'a>,
}

impl<'a, T, E> Job<'a, T, E> {
    /// The operation `f(client)`.
    pub fn new<Fut>(f: impl FnOnce(Client) -> Fut + Send + 'a) -> Self
    where
        Fut: std::future::Future<Output = Result<T, E>> + Send + 'a,
    {
        Job {
            f: Box::new(move |c| Box::pin(f(c))),
        }
    }
}

impl<'j, T: Send, E: From<Error> + Send> Operation for Job<'j, T, E> {
    type Output = T;
    type Error = E;
    fn run<'a>(self, client: Client) -> BoxFuture<'a, T, E>
    where
        Self: 'a,
    {
        (self.f)(client)
    }
}
