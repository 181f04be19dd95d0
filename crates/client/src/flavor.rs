//! Async or blocking: the one type parameter that separates the two clients.
//!
//! Every API call is defined once, generic over the flavour; only [`crate::Call`]'s `send`
//! family has two implementations (one `async`, one blocking).

mod sealed {
    pub trait Sealed {}
}

/// The execution flavour of a client: [`Async`] or [`Blocking`].
pub trait Flavor:
    sealed::Sealed + Clone + Copy + Send + Sync + std::fmt::Debug + Default + 'static
{
}

/// `async` calls on tokio.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Async;

/// Blocking calls (run on a shared runtime; refused inside an async context).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Blocking;

impl sealed::Sealed for Async {}
impl sealed::Sealed for Blocking {}
impl Flavor for Async {}
impl Flavor for Blocking {}
