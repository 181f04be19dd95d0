//! The set of nodes with their health: selection, dead-node back-off and resurrection.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::node::{Counters, Node};
use crate::selector::Selector;

/// Dead-node back-off: `min(factor * 2^(failures-1), max)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadBackoff {
    /// Time a node is parked after its first failure (default 1 s).
    pub factor: Duration,
    /// Upper bound (default 30 s).
    pub max: Duration,
}

impl Default for DeadBackoff {
    fn default() -> Self {
        DeadBackoff {
            factor: Duration::from_secs(1),
            max: Duration::from_secs(30),
        }
    }
}

impl DeadBackoff {
    /// How long a node with `failures` consecutive failures stays dead.
    pub fn timeout(&self, failures: u32) -> Duration {
        let exp = failures.saturating_sub(1).min(31);
        self.factor
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

struct State {
    alive: Vec<Arc<Node>>,
    /// Dead nodes with the instant they may be tried again.
    dead: Vec<(Instant, Arc<Node>)>,
}

pub(crate) struct NodePool {
    state: Mutex<State>,
    selector: Arc<dyn Selector>,
    backoff: DeadBackoff,
}

impl NodePool {
    pub fn new(nodes: Vec<Arc<Node>>, selector: Arc<dyn Selector>, backoff: DeadBackoff) -> Self {
        NodePool {
            state: Mutex::new(State {
                alive: nodes,
                dead: Vec::new(),
            }),
            selector,
            backoff,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The node for the next request: a dead node whose timeout passed (resurrected), else a
    /// live node chosen by the selector, else (all dead) the dead node closest to revival.
    /// `None` only when the pool is empty.
    pub fn get(&self) -> Option<Arc<Node>> {
        let now = Instant::now();
        let mut st = self.lock();
        if let Some(i) = earliest(&st.dead) {
            if st.dead[i].0 <= now {
                let (_, node) = st.dead.swap_remove(i);
                Counters::bump(&node.counters.revived);
                tracing::debug!(node = node.base_url(), "resurrecting node");
                st.alive.push(node.clone());
                return Some(node);
            }
            if st.alive.is_empty() {
                let node = st.dead[i].1.clone();
                tracing::debug!(
                    node = node.base_url(),
                    "all nodes dead; trying the one closest to revival"
                );
                return Some(node);
            }
        }
        if st.alive.is_empty() {
            return None;
        }
        let i = self.selector.select(&st.alive) % st.alive.len();
        Some(st.alive[i].clone())
    }

    /// Parks a node for its back-off period. Returns the period.
    pub fn mark_dead(&self, node: &Arc<Node>) -> Duration {
        let failures = node.failures.fetch_add(1, Ordering::Relaxed) + 1;
        Counters::bump(&node.counters.marked_dead);
        let timeout = self.backoff.timeout(failures);
        node.conns.clear_idle();
        let mut st = self.lock();
        st.alive.retain(|n| !Arc::ptr_eq(n, node));
        st.dead.retain(|(_, n)| !Arc::ptr_eq(n, node));
        if !node.removed.load(Ordering::Relaxed) {
            let now = Instant::now();
            // A back-off beyond what `Instant` can hold parks the node for ~a century.
            let until = now
                .checked_add(timeout)
                .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600));
            st.dead.push((until, node.clone()));
        }
        tracing::warn!(
            node = node.base_url(),
            failures,
            timeout_ms = timeout.as_millis() as u64,
            "node marked dead"
        );
        timeout
    }

    /// Marks a node healthy again (fast path: nothing to do for a healthy node).
    pub fn mark_live(&self, node: &Arc<Node>) {
        if node.failures.load(Ordering::Relaxed) == 0 {
            return;
        }
        node.failures.store(0, Ordering::Relaxed);
        let mut st = self.lock();
        let before = st.dead.len();
        st.dead.retain(|(_, n)| !Arc::ptr_eq(n, node));
        let was_dead = st.dead.len() != before;
        if was_dead {
            Counters::bump(&node.counters.revived);
        }
        if (was_dead || !st.alive.iter().any(|n| Arc::ptr_eq(n, node)))
            && !node.removed.load(Ordering::Relaxed)
        {
            st.alive.push(node.clone());
        }
        tracing::info!(node = node.base_url(), "node is alive again");
    }

    /// All nodes, live first.
    pub fn nodes(&self) -> Vec<Arc<Node>> {
        let st = self.lock();
        st.alive
            .iter()
            .cloned()
            .chain(st.dead.iter().map(|(_, n)| n.clone()))
            .collect()
    }

    /// Every node's counters, live nodes first.
    pub fn stats(&self) -> Vec<crate::NodeStats> {
        let st = self.lock();
        st.alive
            .iter()
            .map(|n| n.stats(true))
            .chain(st.dead.iter().map(|(_, n)| n.stats(false)))
            .collect()
    }

    /// Live nodes only.
    pub fn alive(&self) -> Vec<Arc<Node>> {
        self.lock().alive.clone()
    }

    /// Replaces the node set (after a sniff). Nodes present before keep their state.
    pub fn replace(&self, nodes: Vec<Arc<Node>>) {
        let mut st = self.lock();
        let keep = |n: &Arc<Node>| nodes.iter().any(|m| Arc::ptr_eq(m, n));
        for n in st.alive.iter().chain(st.dead.iter().map(|(_, n)| n)) {
            if !keep(n) {
                n.removed.store(true, Ordering::Relaxed);
                n.conns.clear_idle();
            }
        }
        st.alive.retain(|n| keep(n));
        st.dead.retain(|(_, n)| keep(n));
        for n in nodes {
            let known = st.alive.iter().any(|m| Arc::ptr_eq(m, &n))
                || st.dead.iter().any(|(_, m)| Arc::ptr_eq(m, &n));
            if !known {
                st.alive.push(n);
            }
        }
    }
}

fn earliest(dead: &[(Instant, Arc<Node>)]) -> Option<usize> {
    dead.iter()
        .enumerate()
        .min_by_key(|(_, (t, _))| *t)
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::{NodeMeta, NodeUrl, Scheme};
    use crate::selector::RoundRobin;

    fn node(port: u16) -> Arc<Node> {
        Arc::new(Node::new(
            NodeUrl::new(Scheme::Http, "127.0.0.1", port),
            NodeMeta::default(),
            1,
        ))
    }

    #[test]
    fn an_enormous_backoff_does_not_panic() {
        let pool = NodePool::new(
            vec![node(1), node(2)],
            Arc::new(RoundRobin::default()),
            DeadBackoff {
                factor: Duration::MAX,
                max: Duration::MAX,
            },
        );
        let a = pool.get().unwrap();
        pool.mark_dead(&a);
        assert_eq!(pool.alive().len(), 1);
    }

    #[test]
    fn backoff_doubles_up_to_the_max() {
        let b = DeadBackoff::default();
        let secs: Vec<u64> = (1..=7).map(|f| b.timeout(f).as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(b.timeout(1000), Duration::from_secs(30));
    }

    #[test]
    fn dead_nodes_are_skipped_until_revived_and_all_dead_falls_back() {
        let (a, b) = (node(1), node(2));
        let backoff = DeadBackoff {
            factor: Duration::from_millis(40),
            max: Duration::from_secs(1),
        };
        let pool = NodePool::new(
            vec![a.clone(), b.clone()],
            Arc::new(RoundRobin::default()),
            backoff,
        );
        pool.mark_dead(&a);
        for _ in 0..10 {
            assert!(Arc::ptr_eq(&pool.get().unwrap(), &b));
        }
        // b dies too (twice: longer timeout) -> the closest to revival (a) is returned.
        pool.mark_dead(&b);
        pool.mark_dead(&b);
        assert!(Arc::ptr_eq(&pool.get().unwrap(), &a));
        std::thread::sleep(Duration::from_millis(50));
        // a's timeout passed: it is resurrected into the live set.
        assert!(Arc::ptr_eq(&pool.get().unwrap(), &a));
        assert_eq!(pool.alive().len(), 1);
        pool.mark_live(&b);
        assert_eq!(pool.alive().len(), 2);
        assert_eq!(b.failures(), 0);
    }
}
