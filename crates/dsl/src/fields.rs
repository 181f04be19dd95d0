//! Typed field paths: `#[derive(Document)]` generates `Article::fields()`, a value with one
//! [`FieldPath`] per mapped field (a [`TextField`] with its `keyword` sub-field for inferred
//! text, the inner document's fields for an `object` / `nested` field of an
//! [`InnerDoc`](crate::InnerDoc) type: `fields.comments.author` is `comments.author`),
//! usable wherever the DSL takes a field name — a misspelled field does not compile.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

/// The path of a mapped field (`title`, `title.keyword`, `comments.author`); derefs to
/// `&str`, so it goes where a field name goes.
///
/// ```
/// use es_dsl::{FieldPath, Query};
/// const TITLE: FieldPath = FieldPath::new("title");
/// assert_eq!(Query::match_(&TITLE, "dune").to_json(), Query::match_("title", "dune").to_json());
/// assert_eq!(FieldPath::under("comments", "author").as_str(), "comments.author");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldPath(Cow<'static, str>);

impl FieldPath {
    /// A path.
    pub const fn new(path: &'static str) -> Self {
        FieldPath(Cow::Borrowed(path))
    }
    /// `name` under the object at `prefix` (`comments` + `author`); `name` itself when the
    /// prefix is empty (a top-level field).
    pub fn under(prefix: &str, name: &'static str) -> Self {
        if prefix.is_empty() {
            FieldPath::new(name)
        } else {
            FieldPath(Cow::Owned(format!("{prefix}.{name}")))
        }
    }
    /// A path made at run time.
    pub fn owned(path: impl Into<String>) -> Self {
        FieldPath(Cow::Owned(path.into()))
    }
    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for FieldPath {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for FieldPath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A text field with the `keyword` sub-field dynamic mapping (and the derive) gives it:
/// `fields.title` for full-text queries, `fields.title.keyword` for exact ones, sorts and
/// aggregations.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextField {
    path: FieldPath,
    /// `<field>.keyword`.
    pub keyword: FieldPath,
}

impl TextField {
    /// The field `name` under `prefix` (see [`FieldPath::under`]) and its keyword sub-field.
    pub fn under(prefix: &str, name: &'static str) -> Self {
        let path = FieldPath::under(prefix, name);
        let keyword = FieldPath(Cow::Owned(format!("{path}.keyword")));
        TextField { path, keyword }
    }
}

impl Deref for TextField {
    type Target = str;
    fn deref(&self) -> &str {
        &self.path
    }
}

impl AsRef<str> for TextField {
    fn as_ref(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)
    }
}
