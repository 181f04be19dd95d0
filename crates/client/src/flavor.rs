//! Async or blocking: the one type parameter that separates the two clients.
//!
//! Every API call and every high-level operation is defined once as async code; the flavour
//! of the client that runs it decides what `send` returns — a future ([`Async`]) or the
//! result itself ([`Blocking`], which drives the same future on a shared runtime).

use std::future::Future;
use std::pin::Pin;

use es_transport::Error;
use futures_core::Stream;

/// A boxed, sendable future of a result: what async operations return from `send`.
pub type BoxFuture<'a, T, E = Error> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'a>>;

/// A boxed, sendable stream: what async streaming operations (scan, bulk outcomes) return.
pub type BoxStream<'a, T> = Pin<Box<dyn Stream<Item = T> + Send + 'a>>;

mod sealed {
    pub trait Sealed {}
}

/// The execution flavour of a client: [`Async`] or [`Blocking`].
pub trait Flavor:
    sealed::Sealed + Clone + Copy + Send + Sync + std::fmt::Debug + Default + 'static
{
    /// What finishing an operation gives: a future to await, or the result.
    type Output<'a, T: Send + 'a, E: Send + 'a>;
    /// What a streaming operation gives: a `Stream`, or an `Iterator`.
    type Items<'a, T: Send + 'a>;

    /// Finishes an operation written as a future.
    #[doc(hidden)]
    fn finish<'a, T: Send + 'a, E: From<Error> + Send + 'a>(
        fut: BoxFuture<'a, T, E>,
    ) -> Self::Output<'a, T, E>;

    /// Finishes a streaming operation written as a stream. `blocking_error` is the item a
    /// blocking iterator yields (once) when used inside an async runtime.
    #[doc(hidden)]
    fn items<'a, T: Send + 'a>(
        stream: BoxStream<'a, T>,
        blocking_error: fn(Error) -> T,
    ) -> Self::Items<'a, T>;
}

/// `async` calls on tokio.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Async;

/// Blocking calls (run on a shared runtime; refused inside an async context).
#[cfg(feature = "blocking")]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Blocking;

impl sealed::Sealed for Async {}

impl Flavor for Async {
    type Output<'a, T: Send + 'a, E: Send + 'a> = BoxFuture<'a, T, E>;
    type Items<'a, T: Send + 'a> = BoxStream<'a, T>;

    fn finish<'a, T: Send + 'a, E: From<Error> + Send + 'a>(
        fut: BoxFuture<'a, T, E>,
    ) -> BoxFuture<'a, T, E> {
        fut
    }

    fn items<'a, T: Send + 'a>(stream: BoxStream<'a, T>, _: fn(Error) -> T) -> BoxStream<'a, T> {
        stream
    }
}

#[cfg(feature = "blocking")]
mod blocking_flavor {
    use super::*;

    impl sealed::Sealed for Blocking {}

    impl Flavor for Blocking {
        type Output<'a, T: Send + 'a, E: Send + 'a> = Result<T, E>;
        type Items<'a, T: Send + 'a> = BlockingIter<'a, T>;

        fn finish<'a, T: Send + 'a, E: From<Error> + Send + 'a>(
            fut: BoxFuture<'a, T, E>,
        ) -> Result<T, E> {
            es_transport::blocking::block_on_result(fut)
        }

        fn items<'a, T: Send + 'a>(
            stream: BoxStream<'a, T>,
            blocking_error: fn(Error) -> T,
        ) -> BlockingIter<'a, T> {
            BlockingIter {
                stream: Some(stream),
                blocking_error,
            }
        }
    }

    /// An iterator over a streaming operation, each `next` driven on the shared blocking
    /// runtime. Inside an async runtime it yields one error item and ends — never silently
    /// nothing.
    pub struct BlockingIter<'a, T> {
        stream: Option<BoxStream<'a, T>>,
        blocking_error: fn(Error) -> T,
    }

    impl<T> std::fmt::Debug for BlockingIter<'_, T> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("BlockingIter")
                .field("done", &self.stream.is_none())
                .finish()
        }
    }

    impl<T> Iterator for BlockingIter<'_, T> {
        type Item = T;
        fn next(&mut self) -> Option<T> {
            let stream = self.stream.as_mut()?;
            let next = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx));
            match es_transport::blocking::block_on(next) {
                Ok(Some(item)) => Some(item),
                Ok(None) => {
                    self.stream = None;
                    None
                }
                Err(e) => {
                    self.stream = None;
                    Some((self.blocking_error)(e))
                }
            }
        }
    }
}

#[cfg(feature = "blocking")]
pub use blocking_flavor::BlockingIter;
