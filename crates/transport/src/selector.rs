//! Node selection strategies. Implement [`Selector`] to plug in your own.

use std::fmt::Debug;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::node::Node;

/// Picks the node for the next request among the live ones (never called with an empty slice).
///
/// ```
/// use std::sync::Arc;
/// use es_transport::{Node, Selector};
///
/// /// Always prefers nodes that have the `data` role.
/// #[derive(Debug)]
/// struct PreferData;
/// impl Selector for PreferData {
///     fn select(&self, nodes: &[Arc<Node>]) -> usize {
///         nodes.iter().position(|n| n.meta().roles.iter().any(|r| r == "data")).unwrap_or(0)
///     }
/// }
/// ```
pub trait Selector: Send + Sync + Debug {
    /// Returns an index into `nodes`. Out-of-range answers are wrapped around.
    fn select(&self, nodes: &[Arc<Node>]) -> usize;
}

/// Each node in turn (the default).
#[derive(Debug, Default)]
pub struct RoundRobin {
    next: AtomicUsize,
}

impl Selector for RoundRobin {
    fn select(&self, nodes: &[Arc<Node>]) -> usize {
        self.next.fetch_add(1, Ordering::Relaxed) % nodes.len()
    }
}

/// A uniformly random node.
#[derive(Debug, Default)]
pub struct Random;

impl Selector for Random {
    fn select(&self, nodes: &[Arc<Node>]) -> usize {
        fastrand::usize(..nodes.len())
    }
}
