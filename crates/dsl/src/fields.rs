//! Typed field paths: `#[derive(Document)]` generates `Article::fields()`, a value with one
//! [`FieldPath`] per mapped field (a [`TextField`] with its `keyword` sub-field for inferred
//! text), usable wherever the DSL takes a field name — a misspelled field does not compile.

use std::fmt;
use std::ops::Deref;

/// The path of a mapped field (`title`, `title.keyword`); derefs to `&str`, so it goes where
/// a field name goes.
///
/// ```
/// use es_dsl::{FieldPath, Query};
/// const TITLE: FieldPath = FieldPath::new("title");
/// assert_eq!(Query::match_(&TITLE, "dune").to_json(), Query::match_("title", "dune").to_json());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldPath(&'static str);

impl FieldPath {
    /// A path.
    pub const fn new(path: &'static str) -> Self {
        FieldPath(path)
    }
    /// The path as text.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }
}

impl Deref for FieldPath {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for FieldPath {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A text field with the `keyword` sub-field dynamic mapping (and the derive) gives it:
/// `fields.title` for full-text queries, `fields.title.keyword` for exact ones, sorts and
/// aggregations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TextField {
    path: FieldPath,
    /// `<field>.keyword`.
    pub keyword: FieldPath,
}

impl TextField {
    /// The field and its keyword sub-field.
    pub const fn new(path: &'static str, keyword: &'static str) -> Self {
        TextField {
            path: FieldPath(path),
            keyword: FieldPath(keyword),
        }
    }
}

impl Deref for TextField {
    type Target = str;
    fn deref(&self) -> &str {
        self.path.0
    }
}

impl AsRef<str> for TextField {
    fn as_ref(&self) -> &str {
        self.path.0
    }
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path.0)
    }
}
