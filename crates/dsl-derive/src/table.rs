//! The shape of the generated property table (`generated/property_types.rs`).

/// One parameter of a property type.
pub struct Param {
    /// Its setter (the Rust field name).
    pub name: &'static str,
    /// For an enum parameter, the enum's path in es-types (`mapping::IndexOptions`); else "".
    pub enum_path: &'static str,
    /// For an enum parameter, each JSON value with its Rust variant.
    pub values: &'static [(&'static str, &'static str)],
}

/// One mapping property type.
pub struct PropertyType {
    /// Its `type` in JSON (`text`, `scaled_float`...).
    pub wire: &'static str,
    /// Its struct in `es_types::mapping`.
    pub rust: &'static str,
    /// Every parameter it takes.
    pub params: &'static [Param],
}

pub fn find(wire: &str) -> Option<&'static PropertyType> {
    crate::property_types::PROPERTY_TYPES
        .iter()
        .find(|t| t.wire == wire)
}
