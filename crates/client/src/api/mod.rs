//! The API surface: each endpoint is a plain data struct implementing [`Endpoint`], a
//! constructor on [`Elasticsearch`] (or a namespace), and setters on [`Call`]. All of it is
//! generic over the flavour, so async and blocking share one definition.
//!
//! This hand-written minimal surface is shaped like the generated one that will replace it.

mod core;
mod namespaces;

pub use self::core::{Bulk, Delete, Get, Index, Info, Ping, Search, Send};
pub use namespaces::{
    Cluster, ClusterHealth, Indices, IndicesCreate, IndicesDelete, IndicesExists, IndicesRefresh,
    Nodes, NodesInfo,
};

use std::fmt;

#[allow(unused_imports)]
use crate::{Call, Elasticsearch, Endpoint};

/// `refresh` parameter of write APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// Refresh the affected shards now.
    True,
    /// Do not refresh (default).
    False,
    /// Wait for the next refresh before answering.
    WaitFor,
}

impl fmt::Display for Refresh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refresh::True => "true",
            Refresh::False => "false",
            Refresh::WaitFor => "wait_for",
        })
    }
}

impl From<bool> for Refresh {
    fn from(b: bool) -> Self {
        if b {
            Refresh::True
        } else {
            Refresh::False
        }
    }
}

/// Defines setters on `Call<'_, F, Endpoint>` for optional query parameters. String
/// parameters take `impl Into<String>`; others take their type (so literals infer).
macro_rules! query_setters {
    ($ep:ty { $($items:tt)* }) => {
        impl<F> $crate::Call<'_, F, $ep> {
            $crate::api::query_setters!(@items $($items)*);
        }
    };
    (@items) => {};
    (@items $(#[$doc:meta])* $name:ident : String, $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.endpoint.$name = Some(value.into());
            self
        }
        $crate::api::query_setters!(@items $($rest)*);
    };
    (@items $(#[$doc:meta])* $name:ident : $ty:ty, $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.endpoint.$name = Some(value);
            self
        }
        $crate::api::query_setters!(@items $($rest)*);
    };
}
pub(crate) use query_setters;

/// Appends `key=value` to the request when `value` is set.
pub(crate) fn push_opt<T: fmt::Display>(
    req: &mut es_transport::Request,
    key: &str,
    value: &Option<T>,
) {
    if let Some(v) = value {
        req.push_query(key, &v.to_string());
    }
}

/// `/{part}` percent-encoded.
pub(crate) fn seg(part: &str) -> String {
    es_transport::encode_path_part(part)
}
