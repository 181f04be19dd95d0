//! Analysis defined where it is used, as elasticsearch.dsl's `analyzer()`, `tokenizer()`,
//! `token_filter()`, `char_filter()` and `normalizer()`: a custom analyzer names its
//! tokenizer and filters, built-in ones by name or custom ones with their definition (the
//! specification's types), and everything it needs is collected into the index's
//! `settings.analysis` — from the index ([`Index::analyzer`](crate::Index::analyzer)) and from
//! the fields of its document types (`#[document(analyzer = my_analyzer())]`).
//!
//! ```
//! use es_dsl::analysis::{analyzer, token_filter, tokenizer, Analysis};
//! use es_dsl::es_types::analysis::{NGramTokenizer, StopTokenFilter};
//! let trigram = analyzer("trigram_text")
//!     .tokenizer(tokenizer("trigram", NGramTokenizer::new().min_gram(3).max_gram(3)))
//!     .filter("lowercase")
//!     .filter(token_filter("no_the", StopTokenFilter::new().stopwords(vec!["the".to_string()])));
//! let a = Analysis::new().with(&trigram);
//! assert_eq!(a.to_json(), serde_json::json!({
//!     "analyzer": {"trigram_text": {"tokenizer": "trigram", "filter": ["lowercase", "no_the"]}},
//!     "filter": {"no_the": {"type": "stop", "stopwords": ["the"]}},
//!     "tokenizer": {"trigram": {"type": "ngram", "min_gram": 3, "max_gram": 3}}
//! }));
//! ```

use std::collections::BTreeMap;

use es_types::analysis::{
    Analyzer as AnalyzerDefinition, CharFilter, CharFilterDefinition, CustomAnalyzer,
    CustomNormalizer, Normalizer, TokenFilter, TokenFilterDefinition, Tokenizer,
    TokenizerDefinition,
};
use es_types::indices::IndexSettingsAnalysis;
use serde_json::Value;

/// The analysis definitions of an index (`settings.analysis`), collected from analyzers and
/// normalizers. Two different definitions under one name are kept as a conflict, which
/// makes creating or saving the index an error naming it (nothing is dropped silently).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    defs: IndexSettingsAnalysis,
    conflicts: Vec<AnalysisConflict>,
}

/// Two different definitions with the same name in one index's analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisConflict {
    /// `analyzer`, `tokenizer`, `filter`, `char_filter` or `normalizer`.
    pub section: &'static str,
    /// The name defined twice.
    pub name: String,
}

impl std::fmt::Display for AnalysisConflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "two different definitions of {} `{}` in one index",
            self.section, self.name
        )
    }
}

impl std::error::Error for AnalysisConflict {}

fn put<D: PartialEq>(
    section: &'static str,
    into: &mut Option<BTreeMap<String, D>>,
    name: String,
    def: D,
    conflicts: &mut Vec<AnalysisConflict>,
) {
    let map = into.get_or_insert_with(BTreeMap::new);
    match map.get(&name) {
        Some(existing) if *existing != def => conflicts.push(AnalysisConflict { section, name }),
        Some(_) => {}
        None => {
            map.insert(name, def);
        }
    }
}

impl Analysis {
    /// Nothing defined.
    pub fn new() -> Self {
        Self::default()
    }
    /// With what `item` needs (its definition and those of its parts).
    pub fn with(mut self, item: &(impl AnalysisRef + ?Sized)) -> Self {
        self.add(item);
        self
    }
    /// Adds what `item` needs.
    pub fn add(&mut self, item: &(impl AnalysisRef + ?Sized)) {
        self.merge(item.analysis());
    }
    /// Adds every definition of `other`.
    pub fn merge(&mut self, other: Analysis) {
        let c = &mut self.conflicts;
        c.extend(other.conflicts);
        let d = &mut self.defs;
        let o = other.defs;
        for (n, v) in o.analyzer.into_iter().flatten() {
            put("analyzer", &mut d.analyzer, n, v, c);
        }
        for (n, v) in o.tokenizer.into_iter().flatten() {
            put("tokenizer", &mut d.tokenizer, n, v, c);
        }
        for (n, v) in o.filter.into_iter().flatten() {
            put("filter", &mut d.filter, n, v, c);
        }
        for (n, v) in o.char_filter.into_iter().flatten() {
            put("char_filter", &mut d.char_filter, n, v, c);
        }
        for (n, v) in o.normalizer.into_iter().flatten() {
            put("normalizer", &mut d.normalizer, n, v, c);
        }
    }
    /// Whether nothing is defined.
    pub fn is_empty(&self) -> bool {
        let d = &self.defs;
        d.analyzer.as_ref().is_none_or(BTreeMap::is_empty)
            && d.tokenizer.as_ref().is_none_or(BTreeMap::is_empty)
            && d.filter.as_ref().is_none_or(BTreeMap::is_empty)
            && d.char_filter.as_ref().is_none_or(BTreeMap::is_empty)
            && d.normalizer.as_ref().is_none_or(BTreeMap::is_empty)
    }
    /// The definitions, as the specification's type.
    pub fn definitions(&self) -> &IndexSettingsAnalysis {
        &self.defs
    }
    /// Names defined twice differently.
    pub fn conflicts(&self) -> &[AnalysisConflict] {
        &self.conflicts
    }
    /// `settings.analysis` as JSON.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(&self.defs).unwrap_or(Value::Null)
    }
}

/// Something a mapping names as its analyzer or normalizer: a name (`"english"`, a built-in
/// or one defined elsewhere) or a definition made here, which brings what it needs.
pub trait AnalysisRef {
    /// The name the mapping uses.
    fn analysis_name(&self) -> String;
    /// The definitions it needs (none for a plain name).
    fn analysis(&self) -> Analysis {
        Analysis::new()
    }
}

impl AnalysisRef for str {
    fn analysis_name(&self) -> String {
        self.to_string()
    }
}

impl AnalysisRef for &str {
    fn analysis_name(&self) -> String {
        self.to_string()
    }
}

impl AnalysisRef for String {
    fn analysis_name(&self) -> String {
        self.clone()
    }
}

/// A part of an analyzer: a built-in (or elsewhere defined) one by name, or a named
/// definition.
#[derive(Debug, Clone, PartialEq)]
pub enum Part<D> {
    /// By name (`"lowercase"`, `"standard"`).
    Named(String),
    /// Defined here, under a name.
    Defined(String, D),
}

impl<D> Part<D> {
    fn name(&self) -> &str {
        match self {
            Part::Named(n) | Part::Defined(n, _) => n,
        }
    }
}

impl<D> From<&str> for Part<D> {
    fn from(name: &str) -> Self {
        Part::Named(name.to_string())
    }
}

impl<D> From<String> for Part<D> {
    fn from(name: String) -> Self {
        Part::Named(name)
    }
}

/// A custom tokenizer called `name` (elasticsearch.dsl's `tokenizer(name, type, ...)`).
pub fn tokenizer(name: &str, def: impl Into<TokenizerDefinition>) -> Part<TokenizerDefinition> {
    Part::Defined(name.to_string(), def.into())
}

/// A custom token filter called `name`.
pub fn token_filter(
    name: &str,
    def: impl Into<TokenFilterDefinition>,
) -> Part<TokenFilterDefinition> {
    Part::Defined(name.to_string(), def.into())
}

/// A custom character filter called `name`.
pub fn char_filter(name: &str, def: impl Into<CharFilterDefinition>) -> Part<CharFilterDefinition> {
    Part::Defined(name.to_string(), def.into())
}

/// The parts an analyzer or normalizer is made of, and the definitions they bring.
#[derive(Debug, Clone, Default, PartialEq)]
struct Parts {
    tokenizer: Option<Part<TokenizerDefinition>>,
    filters: Vec<Part<TokenFilterDefinition>>,
    char_filters: Vec<Part<CharFilterDefinition>>,
}

impl Parts {
    fn filter_names(&self) -> Vec<String> {
        self.filters.iter().map(|p| p.name().to_string()).collect()
    }
    fn char_filter_names(&self) -> Vec<String> {
        self.char_filters
            .iter()
            .map(|p| p.name().to_string())
            .collect()
    }
    fn definitions(&self) -> Analysis {
        let mut a = Analysis::new();
        let (d, c) = (&mut a.defs, &mut a.conflicts);
        if let Some(Part::Defined(n, t)) = &self.tokenizer {
            let t = Tokenizer::TokenizerDefinition(t.clone());
            put("tokenizer", &mut d.tokenizer, n.clone(), t, c);
        }
        for p in &self.filters {
            if let Part::Defined(n, f) = p {
                let f = TokenFilter::TokenFilterDefinition(f.clone());
                put("filter", &mut d.filter, n.clone(), f, c);
            }
        }
        for p in &self.char_filters {
            if let Part::Defined(n, f) = p {
                let f = CharFilter::CharFilterDefinition(f.clone());
                put("char_filter", &mut d.char_filter, n.clone(), f, c);
            }
        }
        a
    }
}

/// A named analyzer: custom (tokenizer + filters, see [`analyzer`]) or a configured type
/// ([`analyzer_of`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedAnalyzer {
    name: String,
    /// `None`: custom, made of `parts`.
    def: Option<AnalyzerDefinition>,
    parts: Parts,
    position_increment_gap: Option<i32>,
}

/// A custom analyzer called `name`; give it a tokenizer and filters.
pub fn analyzer(name: &str) -> NamedAnalyzer {
    NamedAnalyzer {
        name: name.to_string(),
        def: None,
        parts: Parts::default(),
        position_increment_gap: None,
    }
}

/// An analyzer of a configured built-in type called `name` (`standard` with stop words...).
pub fn analyzer_of(name: &str, def: impl Into<AnalyzerDefinition>) -> NamedAnalyzer {
    NamedAnalyzer {
        def: Some(def.into()),
        ..analyzer(name)
    }
}

impl NamedAnalyzer {
    /// The tokenizer: a name, or [`tokenizer`].
    pub fn tokenizer(mut self, t: impl Into<Part<TokenizerDefinition>>) -> Self {
        self.parts.tokenizer = Some(t.into());
        self
    }
    /// Adds a token filter: a name, or [`token_filter`].
    pub fn filter(mut self, f: impl Into<Part<TokenFilterDefinition>>) -> Self {
        self.parts.filters.push(f.into());
        self
    }
    /// Adds a character filter: a name, or [`char_filter`].
    pub fn char_filter(mut self, f: impl Into<Part<CharFilterDefinition>>) -> Self {
        self.parts.char_filters.push(f.into());
        self
    }
    /// The gap between values of a multi-valued field.
    pub fn position_increment_gap(mut self, n: i32) -> Self {
        self.position_increment_gap = Some(n);
        self
    }
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its definition, as the specification's type.
    pub fn definition(&self) -> AnalyzerDefinition {
        if let Some(def) = &self.def {
            return def.clone();
        }
        let mut c = CustomAnalyzer::new();
        if let Some(t) = &self.parts.tokenizer {
            c = c.tokenizer(t.name().to_string());
        }
        if !self.parts.filters.is_empty() {
            c = c.filter(self.parts.filter_names());
        }
        if !self.parts.char_filters.is_empty() {
            c = c.char_filter(self.parts.char_filter_names());
        }
        if let Some(n) = self.position_increment_gap {
            c = c.position_increment_gap(n);
        }
        AnalyzerDefinition::Custom(c)
    }
}

impl AnalysisRef for NamedAnalyzer {
    fn analysis_name(&self) -> String {
        self.name.clone()
    }
    fn analysis(&self) -> Analysis {
        let mut a = self.parts.definitions();
        let (d, c) = (&mut a.defs, &mut a.conflicts);
        put(
            "analyzer",
            &mut d.analyzer,
            self.name.clone(),
            self.definition(),
            c,
        );
        a
    }
}

/// A named custom normalizer (for keyword fields): character and token filters, no
/// tokenizer.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedNormalizer {
    name: String,
    parts: Parts,
}

/// A custom normalizer called `name`.
pub fn normalizer(name: &str) -> NamedNormalizer {
    NamedNormalizer {
        name: name.to_string(),
        parts: Parts::default(),
    }
}

impl NamedNormalizer {
    /// Adds a token filter: a name, or [`token_filter`].
    pub fn filter(mut self, f: impl Into<Part<TokenFilterDefinition>>) -> Self {
        self.parts.filters.push(f.into());
        self
    }
    /// Adds a character filter: a name, or [`char_filter`].
    pub fn char_filter(mut self, f: impl Into<Part<CharFilterDefinition>>) -> Self {
        self.parts.char_filters.push(f.into());
        self
    }
}

impl AnalysisRef for NamedNormalizer {
    fn analysis_name(&self) -> String {
        self.name.clone()
    }
    fn analysis(&self) -> Analysis {
        let mut a = self.parts.definitions();
        let mut n = CustomNormalizer::new();
        if !self.parts.filters.is_empty() {
            n = n.filter(self.parts.filter_names());
        }
        if !self.parts.char_filters.is_empty() {
            n = n.char_filter(self.parts.char_filter_names());
        }
        let (d, c) = (&mut a.defs, &mut a.conflicts);
        put(
            "normalizer",
            &mut d.normalizer,
            self.name.clone(),
            Normalizer::Custom(n),
            c,
        );
        a
    }
}
