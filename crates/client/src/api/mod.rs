//! The API surface.
//!
//! The endpoints are generated from the specification (`src/generated/`, by `es-codegen`):
//! a routing table ([`spec`]) plus, per endpoint, a marker type, a constructor on the client or
//! its namespace (`client.indices().create("books")`), and typed setters on [`Call`]. All of it
//! is generic over the flavour, so async and blocking share one definition.
//!
//! [`Call`]: crate::Call

/// `Display` for the generated enums: their wire value.
macro_rules! display_as_wire {
    ($($name:ident),* $(,)?) => {
        $(impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(crate::api::WireValue::wire(*self))
            }
        })*
    };
}
pub(crate) use display_as_wire;

mod raw;
mod runtime;

pub use raw::RawRequest;
pub use runtime::{
    enum_list, parse_exists, parse_text, parse_typed, parse_value, part_list, read_typed, route,
    str_list, Api, ApiSpec, BodyRule, EndpointSpec, EnumList, ListValue, PathSpec, QueryValue,
    ResponseShapeError, Rows, Stability, StrList, Text, TimeValue, WireValue, CAT_TEXT_ACCEPT,
    COMMON_PARAMS,
};

/// The routing table.
pub mod spec {
    use super::EndpointSpec;

    /// Every endpoint of the stack flavour, sorted by name.
    pub fn all() -> &'static [EndpointSpec] {
        &crate::generated::routes::ENDPOINTS
    }

    /// The endpoint called `name` (`indices.create`).
    pub fn find(name: &str) -> Option<&'static EndpointSpec> {
        let all = all();
        all.binary_search_by(|e| e.name.cmp(name))
            .ok()
            .map(|i| &all[i])
    }
}
