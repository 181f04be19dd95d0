//! The request types of `es-types`: every type reachable from the query DSL
//! (`QueryContainer`), aggregations (`AggregationContainer`), mappings (`Property`,
//! `TypeMapping`) and the search request body, translated as elasticsearch.dsl's generator
//! does, into serde types.
//!
//! Rules (one place to change each):
//! * interfaces → structs with `Option` fields (rust name of the property, serde name and
//!   aliases from the spec), unset fields omitted, unknown fields refused, chainable setters;
//!   inherited properties are flattened in; `AdditionalProperties` behaviours become a
//!   flattened map; a `shortcutProperty` is also read from a bare value;
//! * containers → externally tagged enums, one variant per kind (container properties such as
//!   `aggs` beside the kind in a struct); an `AdditionalProperty` container gets an untagged
//!   `{field: value}` variant;
//! * enums → `spec_enum!` (wire names, aliases, open enums keep unknown names);
//! * unions → untagged enums (`T | T[]` is `OneOrMany<T>`), internally tagged ones by their tag;
//! * single-key dictionaries → `SingleKey<V>`, other dictionaries → `BTreeMap<String, V>`;
//! * a field whose type contains its owner (directly, not through a list or map) is boxed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::naming::{doc_paragraph, pascal};
use crate::spec::{key, TypeKey};

mod api;
pub mod crates;
pub use api::EndpointTypes;

/// Where the generation starts.
const ROOTS: &[(&str, &str)] = &[
    ("_types.query_dsl", "QueryContainer"),
    ("_types.aggregations", "AggregationContainer"),
    ("_types.mapping", "Property"),
    ("_types.mapping", "TypeMapping"),
    ("_global.search._types", "SearchRequestBody"),
    ("indices._types", "IndexSettingsAnalysis"),
];

/// Where the response types start: aggregation results. Types reached only from here
/// follow the response rules (required fields are plain, `T | null` is `Option<T>`, unknown
/// fields are accepted, no setters).
const RESPONSE_ROOTS: &[(&str, &str)] = &[
    ("_types.aggregations", "Aggregate"),
    ("_global.search._types", "TermSuggest"),
    ("_global.search._types", "PhraseSuggest"),
    ("_global.search._types", "CompletionSuggest"),
];

/// The union of every aggregation result, emitted as an enum read by kind.
const AGGREGATE: (&str, &str) = ("_types.aggregations", "Aggregate");

/// Properties written under one of their aliases, as elasticsearch.dsl writes them.
const WRITTEN_AS: &[(&str, &str)] = &[("aggregations", "aggs")];

/// Containers that keep a raw JSON escape for kinds newer than the specification.
const RAW_ESCAPE: &[&str] = &["QueryContainer", "AggregationContainer"];

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while",
    "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// The Rust module of a spec namespace: `_types.query_dsl` → `query_dsl`, `_types` → `common`,
/// `_global.search._types` and `_global.search` → `search`, `indices._types` and
/// `indices.create` → `indices` (an API namespace is one module).
pub fn module_of(ns: &str) -> String {
    let parts: Vec<&str> = ns.split('.').collect();
    let first = if matches!(parts[0], "_types" | "_global") {
        parts[1..].iter().find(|p| **p != "_types")
    } else {
        parts.first()
    };
    match first {
        Some(p) => p.trim_start_matches('_').to_string(),
        None => "common".into(),
    }
}

fn field_ident(name: &str) -> Ident {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    s = s.trim_start_matches('_').to_string();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'f');
    }
    if KEYWORDS.contains(&s.as_str()) {
        Ident::new_raw(&s, Span::call_site())
    } else {
        Ident::new(&s, Span::call_site())
    }
}

/// The Rust name of a property within its struct.
fn member_ident(p: &Prop<'_>, all: &[Prop<'_>]) -> Ident {
    // `_name` and `name` in one struct: the underscored one keeps a trailing `_`.
    if p.name.starts_with('_') && all.iter().any(|q| q.name == p.name.trim_start_matches('_')) {
        return format_ident!("{}_", p.name.trim_start_matches('_'));
    }
    field_ident(p.name)
}

fn docs(desc: Option<&str>) -> TokenStream {
    let Some(d) = desc else { return quote!() };
    let lines: Vec<String> = doc_paragraph(d)
        .into_iter()
        .filter(|l| !l.trim_start().starts_with("```"))
        .map(|l| l.replace('[', "\\[").replace(']', "\\]"))
        .collect();
    quote!( #( #[doc = #lines] )* )
}

/// One property as the emitters need it.
struct Prop<'a> {
    name: &'a str,
    aliases: Vec<&'a str>,
    ty: Value,
    desc: Option<&'a str>,
    container: bool,
    required: bool,
}

/// What an emitted union takes from its alias: docs, generic parameters, variant names.
#[derive(Default)]
struct UnionMeta<'n> {
    doc: Option<&'n str>,
    gens: TokenStream,
    names: &'n [String],
}

/// The generator's state.
pub struct TypesGen<'a> {
    types: &'a HashMap<TypeKey, &'a Value>,
    /// Types to emit.
    pub closure: BTreeSet<TypeKey>,
    /// Types reached only from the response roots.
    response_only: BTreeSet<TypeKey>,
    /// Types some answer holds (the DSL's and the endpoints' response roots reach them):
    /// their enums are open, keeping a value this specification does not know (OpenSearch's
    /// `cluster_manager` role, a newer server's) instead of failing the whole answer.
    answered: BTreeSet<TypeKey>,
    /// Tarjan component of each type (for boxing).
    scc: HashMap<TypeKey, usize>,
    /// Member types of internally tagged unions: the tag property they must not carry.
    tag_of: HashMap<TypeKey, String>,
    /// Inline unions generated while emitting: module → (name → (crate folder, tokens)).
    #[allow(clippy::type_complexity)]
    inline: std::cell::RefCell<BTreeMap<String, BTreeMap<String, (&'static str, TokenStream)>>>,
    /// The endpoint types (request bodies, responses and what only they use): how each is
    /// read and written, and the namespace features that compile it.
    api: api::ApiTypes,
    /// Rust names that differ from the spec's (endpoint types, names taken twice in a module).
    names: HashMap<TypeKey, String>,
    /// Which endpoint structs have a `Default` (see `api::TypesGen::struct_defaultable`).
    default_memo: std::cell::RefCell<HashMap<TypeKey, bool>>,
}

impl<'a> TypesGen<'a> {
    /// Collects the closure of the roots and analyses it.
    pub fn new(
        types: &'a HashMap<TypeKey, &'a Value>,
        endpoints: &[api::EndpointTypes],
    ) -> Result<Self, String> {
        let request = reachable(types, ROOTS);
        let response = reachable(types, RESPONSE_ROOTS);
        let mut response_only: BTreeSet<TypeKey> = response.difference(&request).cloned().collect();
        let mut closure: BTreeSet<TypeKey> = request.union(&response).cloned().collect();
        let api = api::ApiTypes::new(types, endpoints, &closure);
        for (k, mode) in &api.modes {
            // Containers keep the DSL's (request) rules: their emitter writes optional fields.
            let container = types
                .get(k)
                .is_some_and(|t| t["variants"]["kind"] == "container");
            if *mode == api::Mode::Response && !container {
                response_only.insert(k.clone());
            }
            closure.insert(k.clone());
        }
        let mut answer_roots: Vec<TypeKey> = RESPONSE_ROOTS.iter().map(|&k| type_key(k)).collect();
        answer_roots.extend(endpoints.iter().map(|e| e.response.clone()));
        let answered = reachable_from(types, answer_roots);
        let names = api::names(types, &closure);
        let mut g = TypesGen {
            types,
            closure,
            response_only,
            answered,
            scc: HashMap::new(),
            tag_of: HashMap::new(),
            inline: Default::default(),
            api,
            names,
            default_memo: Default::default(),
        };
        g.find_tags();
        g.components();
        Ok(g)
    }

    fn get(&self, k: &TypeKey) -> Option<&'a Value> {
        self.types.get(k).copied()
    }

    fn find_tags(&mut self) {
        for k in self.closure.clone() {
            let t = self.types[&k];
            if t["variants"]["kind"] == "internal_tag" {
                let tag = t["variants"]["tag"].as_str().unwrap_or("type").to_string();
                for item in t["type"]["items"].as_array().into_iter().flatten() {
                    self.tag_of.insert(key(&item["type"]), tag.clone());
                }
            }
        }
    }

    /// Direct (unboxed) references of a value type.
    fn direct(&self, v: &Value, out: &mut Vec<TypeKey>) {
        match v["kind"].as_str() {
            Some("instance_of") => out.push(key(&v["type"])),
            Some("union_of") => {
                for i in v["items"].as_array().into_iter().flatten() {
                    self.direct(i, out);
                }
            }
            Some("dictionary_of") if v["singleKey"] == true => self.direct(&v["value"], out),
            _ => {}
        }
    }

    fn edges(&self, k: &TypeKey) -> Vec<TypeKey> {
        let mut out = Vec::new();
        let Some(t) = self.get(k) else { return out };
        match t["kind"].as_str() {
            Some("interface" | "request" | "response") => {
                for p in self.props(k) {
                    self.direct(&p.ty, &mut out);
                }
                if t["body"]["kind"] == "value" {
                    self.direct(&t["body"]["value"], &mut out);
                }
            }
            Some("type_alias") => self.direct(&t["type"], &mut out),
            _ => {}
        }
        out.retain(|r| self.closure.contains(r));
        out
    }

    fn components(&mut self) {
        // Tarjan's strongly connected components, iterative enough for a few hundred types.
        struct St {
            index: HashMap<TypeKey, usize>,
            low: HashMap<TypeKey, usize>,
            on: HashSet<TypeKey>,
            stack: Vec<TypeKey>,
            next: usize,
            comp: HashMap<TypeKey, usize>,
            ncomp: usize,
        }
        fn visit(g: &TypesGen<'_>, v: &TypeKey, st: &mut St) {
            st.index.insert(v.clone(), st.next);
            st.low.insert(v.clone(), st.next);
            st.next += 1;
            st.stack.push(v.clone());
            st.on.insert(v.clone());
            for w in g.edges(v) {
                if !st.index.contains_key(&w) {
                    visit(g, &w, st);
                    let lw = st.low[&w];
                    let lv = st.low[v];
                    st.low.insert(v.clone(), lv.min(lw));
                } else if st.on.contains(&w) {
                    let iw = st.index[&w];
                    let lv = st.low[v];
                    st.low.insert(v.clone(), lv.min(iw));
                }
            }
            if st.low[v] == st.index[v] {
                while let Some(w) = st.stack.pop() {
                    st.on.remove(&w);
                    st.comp.insert(w.clone(), st.ncomp);
                    if w == *v {
                        break;
                    }
                }
                st.ncomp += 1;
            }
        }
        let mut st = St {
            index: HashMap::new(),
            low: HashMap::new(),
            on: HashSet::new(),
            stack: Vec::new(),
            next: 0,
            comp: HashMap::new(),
            ncomp: 0,
        };
        for k in self.closure.clone() {
            if !st.index.contains_key(&k) {
                visit(self, &k, &mut st);
            }
        }
        self.scc = st.comp;
    }

    /// Whether a value of type `v` held by `owner` must be boxed: it can contain `owner`
    /// again, and it sits in an enum variant (`in_enum`) or is itself a struct. Every cycle
    /// then has a box (a cycle through an enum is boxed at the variant; one through structs
    /// only, at a struct field), and lists of queries are not boxed twice.
    fn needs_box(&self, owner: &TypeKey, v: &Value, in_enum: bool) -> bool {
        let Some(c) = self.scc.get(owner) else {
            return false;
        };
        let mut refs = Vec::new();
        self.direct(v, &mut refs);
        if !refs.iter().any(|r| self.scc.get(r) == Some(c)) {
            return false;
        }
        in_enum || self.is_struct(v)
    }

    /// Whether a value type is a struct in Rust (not an enum, list or map).
    fn is_struct(&self, v: &Value) -> bool {
        match v["kind"].as_str() {
            Some("instance_of") => match self.get(&key(&v["type"])) {
                Some(t) if t["kind"] == "interface" => {
                    t["variants"]["kind"] != "container"
                        || self.props(&key(&v["type"])).iter().any(|p| p.container)
                }
                Some(t) if t["kind"] == "type_alias" && t["variants"].is_null() => {
                    self.is_struct(&t["type"])
                }
                _ => false,
            },
            Some("dictionary_of") => v["singleKey"] == true,
            // `T | T[]` holds `T` directly; other unions box their own variants.
            Some("union_of") => {
                let items = v["items"].as_array();
                match items {
                    Some(i)
                        if i.len() == 2 && i[1]["kind"] == "array_of" && i[1]["value"] == i[0] =>
                    {
                        self.is_struct(&i[0])
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// The properties of an interface, inherited ones first (with the parent's generic
    /// parameters replaced by the arguments given).
    fn props(&self, k: &TypeKey) -> Vec<Prop<'a>> {
        let mut out = Vec::new();
        let Some(t) = self.get(k) else { return out };
        if let Some(parent) = t["inherits"]["type"].as_object() {
            let pk = key(&Value::Object(parent.clone()));
            let params: Vec<TypeKey> = self
                .get(&pk)
                .and_then(|p| p["generics"].as_array())
                .into_iter()
                .flatten()
                .map(key)
                .collect();
            let args: Vec<Value> = t["inherits"]["generics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let subst: HashMap<TypeKey, Value> = params.into_iter().zip(args).collect();
            for mut p in self.props(&pk) {
                substitute(&mut p.ty, &subst);
                out.push(p);
            }
        }
        let skip = self.tag_of.get(k);
        let own = if matches!(t["kind"].as_str(), Some("request" | "response")) {
            &t["body"]["properties"]
        } else {
            &t["properties"]
        };
        for p in own.as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap_or_default();
            if skip.is_some_and(|s| s == name) {
                continue;
            }
            out.retain(|q: &Prop<'_>| q.name != name);
            out.push(Prop {
                name,
                aliases: p["aliases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect(),
                ty: p["type"].clone(),
                desc: p["description"].as_str(),
                container: p["containerProperty"] == true,
                required: p["required"] == true,
            });
        }
        out
    }

    /// The path of a type from module `from`.
    fn path(&self, k: &TypeKey, from: &str) -> TokenStream {
        let name = format_ident!("{}", self.name(k));
        let m = module_of(&k.0);
        if m == from {
            quote!(#name)
        } else {
            let m = format_ident!("{}", m);
            quote!(super::#m::#name)
        }
    }

    /// The Rust type of a spec value type. `owner` and `hint` name inline unions.
    fn ty(&self, v: &Value, owner: &TypeKey, hint: &str) -> TokenStream {
        let from = module_of(&owner.0);
        match v["kind"].as_str() {
            Some("instance_of") => {
                let k = key(&v["type"]);
                if let Some(prim) = primitive(&k) {
                    return prim;
                }
                if !self.types.contains_key(&k) {
                    // A generic parameter (`TBucket`).
                    let g = format_ident!("{}", k.1);
                    return quote!(#g);
                }
                let path = self.path(&k, &from);
                let args: Vec<TokenStream> = v["generics"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|g| self.ty(g, owner, hint))
                    .collect();
                if args.is_empty() {
                    path
                } else {
                    quote!(#path<#(#args),*>)
                }
            }
            Some("array_of") => {
                let inner = self.ty(&v["value"], owner, hint);
                quote!(Vec<#inner>)
            }
            Some("dictionary_of") if key(&v["value"]["type"]) == type_key(AGGREGATE) => {
                // Results by name: read by the kind their `typed_keys` name gives.
                quote!(crate::Aggregations)
            }
            Some("dictionary_of") => {
                let val = self.ty(&v["value"], owner, hint);
                if v["singleKey"] == true {
                    quote!(crate::SingleKey<#val>)
                } else {
                    quote!(std::collections::BTreeMap<String, #val>)
                }
            }
            Some("union_of") => {
                let items: Vec<&Value> = v["items"].as_array().into_iter().flatten().collect();
                if items.len() == 2
                    && items[1]["kind"] == "array_of"
                    && items[1]["value"] == *items[0]
                {
                    let one = self.ty(items[0], owner, hint);
                    return quote!(crate::OneOrMany<#one>);
                }
                if self.response_only.contains(owner) {
                    let some: Vec<&&Value> = items.iter().filter(|i| !is_null(i)).collect();
                    if some.len() == 1 && items.len() == 2 {
                        let t = self.ty(some[0], owner, hint);
                        return quote!(Option<#t>);
                    }
                }
                let name = format!("{}{}", self.name(owner), pascal(hint));
                // A union inside a generic type takes the parameters its members use.
                let used = self
                    .get(owner)
                    .map_or_else(Vec::new, |t| generic_idents(t, |g| mentions(v, &key(g))));
                let gens = angle(&used, quote!());
                let meta = UnionMeta {
                    gens: gens.clone(),
                    ..UnionMeta::default()
                };
                self.inline_union(&from, &name, &items, owner, meta);
                let id = format_ident!("{}", name);
                quote!(#id #gens)
            }
            Some("literal_value") => match &v["value"] {
                Value::Bool(_) => quote!(bool),
                Value::Number(n) if n.is_i64() => quote!(i64),
                Value::Number(_) => quote!(f64),
                _ => quote!(String),
            },
            _ => quote!(serde_json::Value),
        }
    }

    /// An untagged enum for a union; registered in `module` under `name`.
    fn inline_union(
        &self,
        module: &str,
        name: &str,
        items: &[&Value],
        owner: &TypeKey,
        meta: UnionMeta<'_>,
    ) {
        let UnionMeta { doc, gens, names } = meta;
        if self
            .inline
            .borrow()
            .get(module)
            .is_some_and(|m| m.contains_key(name))
        {
            return;
        }
        // Reserve the name first: a union may name itself through its members.
        self.inline
            .borrow_mut()
            .entry(module.to_string())
            .or_default()
            .insert(name.to_string(), (crates::CORE, quote!()));
        let mut variants: Vec<(String, TokenStream, bool)> = Vec::new();
        let mut seen_ty: BTreeSet<String> = BTreeSet::new();
        let mut ordered: Vec<(usize, &Value)> = items.iter().copied().enumerate().collect();
        // serde tries untagged variants in order: anything-goes values last.
        ordered.sort_by_key(|(_, i)| i["kind"] == "user_defined_value");
        for (at, item) in ordered {
            let t = self.ty(item, owner, &format!("{}Item", variant_name(item)));
            if !seen_ty.insert(t.to_string()) {
                continue;
            }
            let mut vn = names
                .get(at)
                .map_or_else(|| variant_name(item), |n| pascal(n));
            while variants.iter().any(|(n, _, _)| *n == vn) {
                vn.push('2');
            }
            let boxed = self.needs_box(owner, item, true);
            variants.push((vn, t, boxed));
        }
        let id = format_ident!("{}", name);
        let doc = docs(doc);
        let vs = variants.iter().map(|(n, t, b)| {
            let n = format_ident!("{}", n);
            if *b {
                quote!(#n(Box<#t>))
            } else {
                quote!(#n(#t))
            }
        });
        // `From` for each payload (not for generic unions: `From<T>` could overlap).
        let generic = !gens.is_empty();
        let froms = variants
            .iter()
            .filter(|(_, _, b)| !b && !generic)
            .map(|(n, t, _)| {
                let n = format_ident!("{}", n);
                quote!(impl From<#t> for #id { fn from(v: #t) -> Self { #id::#n(v) } })
            });
        // `From` only where the payload types are distinct (they are: deduplicated above).
        let vnames = variants.iter().map(|(n, _, _)| format_ident!("{}", n));
        let tokens = quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #id #gens { #(#vs),* }
            crate::untagged_serde!(#id #gens { #(#vnames),* });
            #(#froms)*
        };
        let tokens = self.gate(owner, tokens);
        let krate = self.crate_of(owner).unwrap_or(crates::CORE);
        self.inline
            .borrow_mut()
            .entry(module.to_string())
            .or_default()
            .insert(name.to_string(), (krate, tokens));
    }

    /// Emits one type.
    fn emit(&self, k: &TypeKey) -> TokenStream {
        let t = self.types[k];
        if let Some(tokens) = self.emit_api(k, t) {
            return tokens;
        }
        match t["kind"].as_str() {
            Some("enum") => self.emit_enum(k, t),
            Some("interface") if t["variants"]["kind"] == "container" => self.emit_container(k, t),
            Some("interface") => self.emit_struct(k, t, &self.props(k)),
            Some("type_alias") => self.emit_alias(k, t),
            _ => quote!(),
        }
    }

    fn generics(&self, t: &Value) -> TokenStream {
        angle(&generic_idents(t, |_| true), quote!())
    }

    fn emit_enum(&self, k: &TypeKey, t: &Value) -> TokenStream {
        let name = format_ident!("{}", self.name(k));
        let doc = docs(t["description"].as_str());
        let names = enum_variants(t);
        let members = t["members"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(names)
            .map(|(m, vn)| {
                let wire = m["name"].as_str().unwrap_or_default();
                let v = format_ident!("{}", vn);
                let d = docs(m["description"].as_str());
                let aliases: Vec<&str> = m["aliases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if aliases.is_empty() {
                    quote!(#d #v = #wire)
                } else {
                    quote!(#d #v = #wire [#(#aliases),*])
                }
            });
        let members: Vec<TokenStream> = members.collect();
        let open = if t["isOpen"] == true || self.answered.contains(k) {
            quote!(open Other)
        } else {
            quote!()
        };
        quote! {
            crate::spec_enum! {
                #doc
                #name #open { #(#members),* }
            }
        }
    }

    fn field(
        &self,
        owner: &TypeKey,
        p: &Prop<'_>,
        all: &[Prop<'_>],
    ) -> (Ident, TokenStream, TokenStream, bool) {
        let id = member_ident(p, all);
        let hint = pascal(p.name);
        let ty = self.ty(&p.ty, owner, &hint);
        let boxed = self.needs_box(owner, &p.ty, false);
        let doc = docs(p.desc);
        let plain = p.required && self.response_only.contains(owner);
        let stored = match (plain, boxed) {
            (true, true) => quote!(Box<#ty>),
            (true, false) => ty.clone(),
            (false, true) => quote!(Option<Box<#ty>>),
            (false, false) => quote!(Option<#ty>),
        };
        (id.clone(), ty, quote!(#doc pub #id: #stored), boxed)
    }

    /// One `setters!` line per field (the macro writes the methods: less generated text).
    fn setters(&self, fields: &[(Ident, TokenStream, TokenStream, bool)]) -> TokenStream {
        if fields.is_empty() {
            return quote!();
        }
        let s = fields.iter().map(|(id, ty, _, boxed)| {
            let how = if *boxed { quote!(boxed) } else { quote!(plain) };
            quote!(#how #id: #ty)
        });
        quote!(crate::setters!(#(#s),*);)
    }

    /// `subfield(name, p)` where a type has multi-fields and `field(name, p)` where it has
    /// properties (mappings, objects, nested): one entry at a time, as elasticsearch.dsl adds them.
    fn mapping_sugar(&self, props: &[Prop<'_>]) -> TokenStream {
        let property = type_key(("_types.mapping", "Property"));
        let holds = |name: &str| {
            props.iter().any(|p| {
                p.name == name
                    && p.ty["kind"] == "dictionary_of"
                    && key(&p.ty["value"]["type"]) == property
            })
        };
        let path = quote!(crate::mapping::Property);
        let mut out = quote!();
        if holds("fields") && !props.iter().any(|p| p.name == "subfield") {
            out.extend(quote! {
                /// Adds a multi-field: the same value indexed another way (`title.raw`).
                pub fn subfield(mut self, name: impl Into<String>, p: impl Into<#path>) -> Self {
                    self.fields.get_or_insert_with(Default::default).insert(name.into(), p.into());
                    self
                }
            });
        }
        if holds("properties") && !props.iter().any(|p| p.name == "field") {
            out.extend(quote! {
                /// Adds a field (a property) to the mapping.
                pub fn field(mut self, name: impl Into<String>, p: impl Into<#path>) -> Self {
                    self.properties.get_or_insert_with(Default::default).insert(name.into(), p.into());
                    self
                }
            });
        }
        out
    }

    /// What `#[derive(Document)]` must know of each mapping property type: its `type` name,
    /// its struct, and each parameter's setter, with the values of enum parameters.
    pub fn property_table(&self) -> Result<String, String> {
        let property = type_key(("_types.mapping", "Property"));
        let t = self.get(&property).ok_or("no Property type")?;
        let mut entries = Vec::new();
        for item in t["type"]["items"].as_array().into_iter().flatten() {
            let mk = key(&item["type"]);
            let wire = self
                .all_props_raw(&mk)
                .into_iter()
                .find(|p| p["name"] == "type")
                .and_then(|p| p["type"]["value"].as_str().map(str::to_owned));
            let Some(wire) = wire.filter(|w| !w.contains('{')) else {
                continue;
            };
            let rust = rust_name(&mk.1);
            let props = self.props(&mk);
            let params = props.iter().filter(|p| p.name != "type").map(|p| {
                let name = member_ident(p, &props).to_string();
                let name = name.trim_start_matches("r#");
                let target = (p.ty["kind"] == "instance_of")
                    .then(|| key(&p.ty["type"]))
                    .and_then(|k| self.get(&k).filter(|e| e["kind"] == "enum").map(|e| (k, e)));
                let (path, values) = match target {
                    Some((k, e)) => {
                        let path = format!("{}::{}", module_of(&k.0), rust_name(&k.1));
                        let members = e["members"].as_array().into_iter().flatten();
                        let values: Vec<TokenStream> = members
                            .zip(enum_variants(e))
                            .flat_map(|(m, v)| {
                                let wires = std::iter::once(&m["name"])
                                    .chain(m["aliases"].as_array().into_iter().flatten())
                                    .filter_map(Value::as_str)
                                    .map(str::to_owned)
                                    .collect::<Vec<_>>();
                                wires.into_iter().map(move |w| quote!((#w, #v)))
                            })
                            .collect();
                        (path, values)
                    }
                    None => (String::new(), Vec::new()),
                };
                quote!(Param { name: #name, enum_path: #path, values: &[#(#values),*] })
            });
            entries
                .push(quote!(PropertyType { wire: #wire, rust: #rust, params: &[#(#params),*] }));
        }
        let tokens = quote! {
            use crate::table::{Param, PropertyType};
            /// Every mapping property type of the specification.
            pub const PROPERTY_TYPES: &[PropertyType] = &[#(#entries),*];
        };
        let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
        Ok(format!(
            "{}//! The mapping property types of the specification, for `#[derive(Document)]`.\n\n{}",
            crate::emit::HEADER,
            prettyplease::unparse(&file)
        ))
    }

    /// `AdditionalProperties` / `AdditionalProperty` behaviours: the value type of the extra keys.
    fn additional(&self, k: &TypeKey, t: &Value) -> Option<TokenStream> {
        let v = self.additional_spec(k, t)?;
        Some(self.ty(&v, k, "Value"))
    }

    /// The spec value type of the extra keys; response types inherit it from their parents.
    fn additional_spec(&self, k: &TypeKey, t: &Value) -> Option<Value> {
        let own = t["behaviors"].as_array().into_iter().flatten().find(|b| {
            matches!(
                b["type"]["name"].as_str(),
                Some("AdditionalProperties" | "AdditionalProperty")
            )
        });
        if let Some(v) = own.and_then(|b| b["generics"].as_array()?.get(1)) {
            return Some(v.clone());
        }
        if !self.response_only.contains(k) {
            return None;
        }
        let parent = key(&Value::Object(t["inherits"]["type"].as_object()?.clone()));
        self.additional_spec(&parent, self.get(&parent)?)
    }

    /// Whether a response type holds sub-aggregation results (its extra keys are aggregates).
    fn holds_sub_aggs(&self, k: &TypeKey) -> bool {
        self.response_only.contains(k)
            && self
                .get(k)
                .and_then(|t| self.additional_spec(k, t))
                .is_some_and(|v| key(&v["type"]) == type_key(AGGREGATE))
    }

    fn emit_struct(&self, k: &TypeKey, t: &Value, props: &[Prop<'_>]) -> TokenStream {
        // Every plain struct is written with `api_struct!`, as the endpoint types are: the
        // DSL's requests refuse unknown keys, leave unset fields out and read the shortcut
        // form; its results (aggregation results, buckets) read as answers do.
        if self.response_only.contains(k) {
            // Results keep `null` apart from absent, so they write back as they were read.
            let mut out = self.emit_api_struct(k, t, api::Mode::Response, props, true);
            out.extend(self.bucket_impl(k, props));
            return out;
        }
        self.emit_api_struct(k, t, api::Mode::Request, props, false)
    }

    fn emit_container(&self, k: &TypeKey, t: &Value) -> TokenStream {
        let props = self.props(k);
        let (outer, kinds): (Vec<&Prop<'_>>, Vec<&Prop<'_>>) =
            props.iter().partition(|p| p.container);
        let rname = self.name(k);
        let enum_name = if outer.is_empty() {
            format_ident!("{}", rname)
        } else {
            format_ident!("{}Kind", rname)
        };
        let mut used = BTreeSet::new();
        let mut serde_arms: Vec<TokenStream> = Vec::new();
        let mut wires: Vec<String> = Vec::new();
        let mut payloads: Vec<(Ident, TokenStream, bool)> = Vec::new();
        let variants: Vec<TokenStream> = kinds
            .iter()
            .map(|p| {
                let mut vn = pascal(p.name);
                while !used.insert(vn.clone()) {
                    vn.push('2');
                }
                let v = format_ident!("{}", vn);
                let ty = self.ty(&p.ty, k, &vn);
                // Only struct payloads: aliases of `String` would give overlapping impls.
                let is_struct = p.ty["kind"] == "instance_of"
                    && self
                        .get(&type_key((
                            p.ty["type"]["namespace"].as_str().unwrap_or_default(),
                            p.ty["type"]["name"].as_str().unwrap_or_default(),
                        )))
                        .is_some_and(|t| t["kind"] == "interface");
                if is_struct {
                    payloads.push((v.clone(), ty.clone(), self.needs_box(k, &p.ty, true)));
                }
                let ty = if self.needs_box(k, &p.ty, true) {
                    quote!(Box<#ty>)
                } else {
                    ty
                };
                let wire = p.name;
                let aliases = &p.aliases;
                let doc = docs(p.desc);
                serde_arms.push(quote!(#v = #wire #(| #aliases)*));
                wires.push(wire.to_string());
                quote!(#doc #v(#ty))
            })
            .collect();
        let extra = self.additional(k, t).map(|v| {
            quote! {
                /// `{"<field>": ...}`: a key named by the user.
                Field(crate::SingleKey<#v>)
            }
        });
        let raw = RAW_ESCAPE.contains(&rname.as_str()).then(|| {
            quote! {
                /// JSON for a kind newer than the specification: written as given, never the
                /// result of parsing (an unknown kind is a parse error).
                Raw(serde_json::Value)
            }
        });
        let serde_field = extra.as_ref().map(|_| quote!(field Field;));
        let extra = extra.into_iter().chain(raw);
        let doc = docs(t["description"].as_str());
        let has_raw = RAW_ESCAPE.contains(&rname.as_str());
        let serde_raw = has_raw.then(|| quote!(raw Raw;));
        let mut out = quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #enum_name { #(#variants,)* #(#extra)* }
            crate::container_serde! { #enum_name { #(#serde_arms),* } #serde_field #serde_raw }
        };
        // `From` each payload (`TermSuggester` into the suggester kind), where every kind has its
        // own type; not for the query and aggregation containers, whose sugar is hand-written.
        let distinct: BTreeSet<String> = payloads.iter().map(|p| p.1.to_string()).collect();
        if !has_raw && distinct.len() == payloads.len() && payloads.len() == kinds.len() {
            for (v, ty, boxed) in &payloads {
                let wrap = if *boxed {
                    quote!(Box::new(x))
                } else {
                    quote!(x)
                };
                out.extend(quote! {
                    impl From<#ty> for #enum_name { fn from(x: #ty) -> Self { #enum_name::#v(#wrap) } }
                });
            }
        }
        if !outer.is_empty() {
            let name = format_ident!("{}", rname);
            let fields: Vec<_> = outer.iter().map(|p| self.field(k, p, &props)).collect();
            let decls = fields.iter().map(|f| &f.2);
            let setters = self.setters(&fields);
            let names: Vec<&Ident> = fields.iter().map(|f| &f.0).collect();
            // Read key by key (not with serde's `flatten`, which buffers and loses the JSON
            // path of an error inside the kind).
            let outer_arms = outer.iter().zip(&fields).map(|(p, f)| {
                let wire = p.name;
                let aliases = &p.aliases;
                let id = &f.0;
                quote!(#wire #(| #aliases)* => #id = Some(m.next_value()?),)
            });
            let expected = format!(
                "an aggregation: one kind ({}...) and {}",
                wires.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
                outer.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
            );
            let missing = format!(
                "no kind given (one of {} ...)",
                wires.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            );
            let writes = outer.iter().zip(&fields).map(|(p, f)| {
                let wire = written_as(p).0;
                let id = &f.0;
                quote!(if let Some(v) = &self.#id { m.serialize_entry(#wire, v)?; })
            });
            out.extend(quote! {
                #doc
                #[derive(Debug, Clone, PartialEq)]
                pub struct #name {
                    /// The kind, with its parameters.
                    pub kind: #enum_name,
                    #(#decls,)*
                }
                impl serde::Serialize for #name {
                    #[inline]
                    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        use serde::ser::SerializeMap;
                        let mut m = s.serialize_map(None)?;
                        self.kind.write_entry(&mut m)?;
                        #(#writes)*
                        m.end()
                    }
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    #[inline]
                    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                        struct V;
                        impl<'de> serde::de::Visitor<'de> for V {
                            type Value = #name;
                            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                                f.write_str(#expected)
                            }
                            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<#name, A::Error> {
                                let mut kind: Option<#enum_name> = None;
                                #(let mut #names = None;)*
                                while let Some(key) = m.next_key::<String>()? {
                                    match key.as_str() {
                                        #(#outer_arms)*
                                        _ => {
                                            let k = #enum_name::read_entry(key, &mut m)?;
                                            if kind.replace(k).is_some() {
                                                return Err(serde::de::Error::custom("more than one kind given"));
                                            }
                                        }
                                    }
                                }
                                let kind = kind.ok_or_else(|| serde::de::Error::custom(#missing))?;
                                Ok(#name { kind, #(#names,)* })
                            }
                        }
                        d.deserialize_map(V)
                    }
                }
                impl #name {
                    /// This kind, with nothing else set.
                    pub fn new(kind: #enum_name) -> Self {
                        #name { kind, #(#names: None,)* }
                    }
                    #setters
                }
                impl From<#enum_name> for #name {
                    fn from(kind: #enum_name) -> Self { #name::new(kind) }
                }
            });
        }
        out
    }

    fn emit_alias(&self, k: &TypeKey, t: &Value) -> TokenStream {
        let name = self.name(k);
        let id = format_ident!("{}", name);
        let module = module_of(&k.0);
        let doc = docs(t["description"].as_str());
        let gens = self.generics(t);
        let target = &t["type"];
        match (t["variants"]["kind"].as_str(), target["kind"].as_str()) {
            (Some("internal_tag"), _) => self.emit_tagged(k, t),
            _ if *k == type_key(AGGREGATE) => self.emit_aggregate(k, t),
            (_, Some("union_of")) => {
                let items: Vec<&Value> = target["items"].as_array().into_iter().flatten().collect();
                let one_or_many = items.len() == 2
                    && items[1]["kind"] == "array_of"
                    && items[1]["value"] == *items[0];
                if one_or_many {
                    let ty = self.ty(target, k, "");
                    return quote!(#doc pub type #id #gens = #ty;);
                }
                // Untyped variants (accepting anything) go last.
                let mut items = items;
                if let Some(u) = t["variants"]["untypedVariant"].as_object() {
                    let uk = key(&Value::Object(u.clone()));
                    items.sort_by_key(|i| key(&i["type"]) == uk);
                }
                // The spec's own variant names, for generic unions (`Buckets::Keyed`/`Array`),
                // whose default names would come from the type parameter, and response types.
                let names: Vec<String> = if gens.is_empty() && !self.response_only.contains(k) {
                    Vec::new()
                } else {
                    t["codegenNames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect()
                };
                let meta = UnionMeta {
                    doc: t["description"].as_str(),
                    gens,
                    names: &names,
                };
                self.inline_union(&module, &name, &items, k, meta);
                quote!()
            }
            _ => {
                let ty = self.ty(target, k, "");
                if gens.is_empty() {
                    quote!(#doc pub type #id = #ty;)
                } else {
                    // Rust refuses unused parameters in aliases: keep them in a marker.
                    quote!(#doc pub type #id #gens = #ty;)
                }
            }
        }
    }

    fn emit_tagged(&self, k: &TypeKey, t: &Value) -> TokenStream {
        let id = format_ident!("{}", self.name(k));
        let tag = t["variants"]["tag"].as_str().unwrap_or("type");
        let default = t["variants"]["defaultTag"].as_str();
        let doc = docs(t["description"].as_str());
        let from = module_of(&k.0);
        let mut used = BTreeSet::new();
        let mut variants = Vec::new();
        let mut serde_arms = Vec::new();
        let mut froms = Vec::new();
        for item in t["type"]["items"].as_array().into_iter().flatten() {
            let mk = key(&item["type"]);
            if self.get(&mk).is_none() {
                continue;
            }
            let wire = self
                .all_props_raw(&mk)
                .into_iter()
                .find(|p| p["name"] == tag)
                .map(|p| p["type"]["value"].clone());
            // A tag is a string, or a boolean (`managed: true`), named by its payload then.
            let (wire, name) = match wire {
                Some(Value::String(w)) => (quote!(#w), pascal(&w)),
                Some(Value::Bool(b)) => {
                    let own = self.name(k);
                    let n = self.name(&mk);
                    let n = n.strip_prefix(own.as_str()).unwrap_or(&n).to_string();
                    (quote!(#b), n)
                }
                _ => continue,
            };
            let mut vn = name;
            while !used.insert(vn.clone()) {
                vn.push('2');
            }
            let v = format_ident!("{}", vn);
            let path = self.path(&mk, &from);
            let (ty, arm, wrap) = if self.needs_box(k, item, true) {
                (
                    quote!(Box<#path>),
                    quote!(#v = #wire [box]),
                    quote!(Box::new(v)),
                )
            } else {
                (path.clone(), quote!(#v = #wire), quote!(v))
            };
            variants.push(quote!(#v(#ty)));
            serde_arms.push(arm);
            froms.push(quote! {
                impl From<#path> for #id { fn from(v: #path) -> Self { #id::#v(#wrap) } }
            });
        }
        let default = default.map(|d| quote!(default #d));
        let out = quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #id { #(#variants),* }
            crate::tagged_serde! { #id tag #tag #default { #(#serde_arms),* } }
        };
        quote!(#out #(#froms)*)
    }

    /// `Bucket` for a result type holding sub-aggregation results (its `aggregations`).
    fn bucket_impl(&self, k: &TypeKey, props: &[Prop<'_>]) -> TokenStream {
        let name = format_ident!("{}", self.name(k));
        let field = |n: &str| props.iter().find(|p| p.name == n);
        // Stored plain (not in an `Option`) as `emit_api_struct` decides for an answer.
        let plain = |p: &Prop<'_>| p.required && !is_nullable(&p.ty);
        let (true, Some(dc)) = (self.holds_sub_aggs(k), field("doc_count")) else {
            return quote!();
        };
        let dc_id = member_ident(dc, props);
        let doc_count = if plain(dc) {
            quote!(self.#dc_id)
        } else {
            quote!(self.#dc_id.unwrap_or(0))
        };
        let key = match field("key") {
            Some(p) if plain(p) => {
                let id = member_ident(p, props);
                quote!(serde_json::to_value(&self.#id).ok())
            }
            Some(p) => {
                let id = member_ident(p, props);
                quote!(self.#id.as_ref().and_then(|k| serde_json::to_value(k).ok()))
            }
            None => quote!(None),
        };
        let key_as_string = match field("key_as_string") {
            Some(p) if plain(p) => {
                let id = member_ident(p, props);
                quote!(Some(self.#id.as_str()))
            }
            Some(p) => {
                let id = member_ident(p, props);
                quote!(self.#id.as_deref())
            }
            None => quote!(None),
        };
        quote! {
            impl crate::Bucket for #name {
                #[inline]
                fn doc_count(&self) -> i64 { #doc_count }
                #[inline]
                fn key(&self) -> Option<serde_json::Value> { #key }
                #[inline]
                fn key_as_string(&self) -> Option<&str> { #key_as_string }
                #[inline]
                fn aggs(&self) -> &crate::Aggregations { &self.aggregations }
                #[inline]
                fn aggs_mut(&mut self) -> &mut crate::Aggregations { &mut self.aggregations }
            }
        }
    }

    /// `Aggregate`: one variant per result type, read by the name the server would give it
    /// with `typed_keys` (`sterms`, `avg`...), since a result alone does not say its kind.
    fn emit_aggregate(&self, k: &TypeKey, t: &Value) -> TokenStream {
        let from = module_of(&k.0);
        let doc = docs(t["description"].as_str());
        let mut variants = Vec::new();
        let (mut names, mut reads, mut subs, mut subs_mut, mut buckets, mut values, mut kinds) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        let mut single = vec![];
        let mut vnames = vec![];
        let mut wires: Vec<&str> = vec![];
        for item in t["type"]["items"].as_array().into_iter().flatten() {
            let mk = key(&item["type"]);
            let Some(member) = self.get(&mk) else {
                continue;
            };
            let Some(wire) = member["variantName"].as_str() else {
                continue;
            };
            let vn = format_ident!("{}", rust_name(mk.1.trim_end_matches("Aggregate")));
            let path = self.path(&mk, &from);
            let vdoc = format!(
                "`{wire}`: {}",
                member["description"].as_str().unwrap_or(&mk.1)
            );
            variants.push(quote!(#[doc = #vdoc] #vn(#path)));
            names.push(quote!(Aggregate::#vn(_) => #wire,));
            vnames.push(vn.clone());
            wires.push(wire);
            reads.push(quote!(#wire => Some(crate::results::read_as(value).map(Aggregate::#vn)),));
            kinds.push(quote! {
                impl crate::AggregateKind for #path {
                    const VARIANT: &'static str = #wire;
                    fn of(a: &Aggregate) -> Option<&Self> {
                        match a { Aggregate::#vn(x) => Some(x), _ => None }
                    }
                }
            });
            let props = self.props(&mk);
            let bucket_of = props.iter().find(|p| p.name == "buckets").and_then(|p| {
                let b = key(&p.ty["generics"][0]["type"]);
                (key(&p.ty["type"]) == type_key(("_types.aggregations", "Buckets"))
                    && self.holds_sub_aggs(&b))
                .then_some(b)
            });
            if bucket_of.is_some() {
                subs.push(quote!(Aggregate::#vn(a) => crate::results::buckets_of(&a.buckets).into_iter().map(|(_, b)| crate::Bucket::aggs(b)).collect(),));
                subs_mut.push(quote!(Aggregate::#vn(a) => crate::results::buckets_mut(&mut a.buckets).into_iter().map(crate::Bucket::aggs_mut).collect(),));
                buckets.push(
                    quote!(Aggregate::#vn(a) => Some(crate::results::bucket_refs(&a.buckets)),),
                );
            } else if self.holds_sub_aggs(&mk) {
                if props.iter().any(|p| p.name == "doc_count") {
                    single.push(quote!(Aggregate::#vn(a) => Some(a),));
                }
                subs.push(quote!(Aggregate::#vn(a) => vec![&a.aggregations],));
                subs_mut.push(quote!(Aggregate::#vn(a) => vec![&mut a.aggregations],));
            }
            if let Some(v) = props.iter().find(|p| p.name == "value") {
                let number = |x: &Value| {
                    x["kind"] == "instance_of"
                        && matches!(
                            x["type"]["name"].as_str(),
                            Some("double" | "long" | "integer" | "float")
                        )
                };
                let items: Vec<&Value> = v.ty["items"].as_array().into_iter().flatten().collect();
                let nullable = items.len() == 2
                    && items.iter().any(|i| is_null(i))
                    && items.iter().any(|i| number(i));
                if nullable || number(&v.ty) {
                    values.push(
                        quote!(Aggregate::#vn(a) => crate::results::AsF64::as_f64(&a.value),),
                    );
                }
            }
        }
        quote! {
            #doc
            ///
            /// Results do not carry their kind: they are read by the kind of the aggregation
            /// that asked for them ([`crate::Aggregations::resolve`]) or from `typed_keys` names.
            #[derive(Debug, Clone, PartialEq)]
            pub enum Aggregate { #(#variants,)* }
            crate::untagged_serde!(serialize Aggregate { #(#vnames),* });
            impl Aggregate {
                /// Every result type's name, as `typed_keys` writes it.
                pub const VARIANTS: &'static [&'static str] = &[#(#wires),*];
                /// The result type's name, as `typed_keys` writes it (`sterms`, `avg`...).
                pub fn variant(&self) -> &'static str {
                    match self { #(#names)* }
                }
                /// Reads `value` as the result type `variant`; `None` for an unknown name.
                #[inline]
                pub fn read(variant: &str, value: serde_json::Value) -> Option<Result<Aggregate, crate::ParseError>> {
                    match variant { #(#reads)* _ => None }
                }
                /// The sub-aggregation results it holds (of every bucket, or of its one bucket).
                pub fn sub_aggregations(&self) -> Vec<&crate::Aggregations> {
                    match self { #(#subs)* _ => Vec::new() }
                }
                /// The sub-aggregation results it holds, to read them by kind.
                pub fn sub_aggregations_mut(&mut self) -> Vec<&mut crate::Aggregations> {
                    match self { #(#subs_mut)* _ => Vec::new() }
                }
                /// The buckets of a multi-bucket result (list or keyed), in order.
                pub fn buckets(&self) -> Option<Vec<crate::BucketRef<'_>>> {
                    match self { #(#buckets)* _ => None }
                }
                /// A single-bucket result (filter, nested, global...) as its bucket.
                pub fn as_bucket(&self) -> Option<&dyn crate::Bucket> {
                    match self { #(#single)* _ => None }
                }
                /// `value` of a single-value metric (`None` when there was nothing to aggregate).
                pub fn value(&self) -> Option<f64> {
                    match self { #(#values)* _ => None }
                }
            }
            #(#kinds)*
        }
    }

    fn all_props_raw(&self, k: &TypeKey) -> Vec<&'a Value> {
        let mut out = Vec::new();
        let Some(t) = self.get(k) else { return out };
        if let Some(parent) = t["inherits"]["type"].as_object() {
            out.extend(self.all_props_raw(&key(&Value::Object(parent.clone()))));
        }
        out.extend(t["properties"].as_array().into_iter().flatten());
        out
    }

    /// Every generated file, by folder under `crates/` (see [`crates`]): the core's and each
    /// group's modules, each group crate's `lib.rs`, and es-types' module tree re-exporting
    /// them with the `endpoint_types!` table.
    pub fn files(&self) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
        // (crate folder, module) → items.
        let mut modules: BTreeMap<(&'static str, String), Vec<TokenStream>> = BTreeMap::new();
        for k in &self.closure {
            if primitive(k).is_some() {
                continue;
            }
            let tokens = self.gate(k, self.emit(k));
            modules
                .entry((self.crate_of(k)?, module_of(&k.0)))
                .or_default()
                .push(tokens);
        }
        for (m, items) in self.inline.borrow().iter() {
            for (krate, tokens) in items.values() {
                let v = modules.entry((krate, m.clone())).or_default();
                v.push(tokens.clone());
            }
        }
        let core_modules: BTreeSet<&str> = modules
            .keys()
            .filter(|(c, _)| *c == crates::CORE)
            .map(|(_, m)| m.as_str())
            .collect();
        let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for ((krate, m), items) in &modules {
            // A group's module also sees the core's items of its name, as `super::m::X`.
            let core_glob =
                (*krate != crates::CORE && core_modules.contains(m.as_str())).then(|| {
                    let c = format_ident!("{}", crates::crate_ident(crates::CORE));
                    let id = format_ident!("{}", m);
                    quote!(pub(crate) use #c::#id::*;)
                });
            let tokens = quote! {
                #![allow(unused_imports)]
                #core_glob
                #(#items)*
            };
            let file: syn::File = syn::parse2(tokens.clone()).map_err(|e| {
                if let Some(dump) = std::env::var_os("ES_CODEGEN_DUMP") {
                    let _ = std::fs::write(dump, tokens.to_string());
                }
                format!("generated module {m} does not parse: {e} (set ES_CODEGEN_DUMP=<file> to see it)")
            })?;
            let text = format!(
                "{}//! `{m}` types from the specification.\n\n{}",
                crate::emit::HEADER,
                prettyplease::unparse(&file)
            );
            out.entry(generated_dir(krate))
                .or_default()
                .insert(format!("{m}.rs"), text);
        }
        // The core's `mod.rs`.
        let mods = core_modules.iter().map(|m| {
            let id = format_ident!("{}", m);
            quote!(pub mod #id;)
        });
        out.entry(generated_dir(crates::CORE))
            .or_default()
            .insert("mod.rs".into(), unparse(quote!(#(#mods)*))?);
        // Each group's `mod.rs` (its own modules, and the core's modules it reaches through
        // `super::`) and `lib.rs`.
        for (dir, _) in crates::GROUPS {
            let own: BTreeSet<&str> = modules
                .keys()
                .filter(|(c, _)| c == dir)
                .map(|(_, m)| m.as_str())
                .collect();
            let c = format_ident!("{}", crates::crate_ident(crates::CORE));
            let mods = own.union(&core_modules).map(|m| {
                let id = format_ident!("{}", m);
                if own.contains(m) {
                    quote!(pub mod #id;)
                } else {
                    quote!(pub(crate) mod #id { pub(crate) use #c::#id::*; })
                }
            });
            out.entry(generated_dir(dir))
                .or_default()
                .insert("mod.rs".into(), unparse(quote!(#(#mods)*))?);
            out.entry(format!("{dir}/src"))
                .or_default()
                .insert("lib.rs".into(), group_lib(dir));
        }
        // es-types: one module per namespace, re-exporting the core's and the group's items.
        let mut names: BTreeMap<&str, Vec<&'static str>> = BTreeMap::new();
        for (krate, m) in modules.keys() {
            names.entry(m.as_str()).or_default().push(krate);
        }
        let facade = names.iter().map(|(m, krates)| {
            let id = format_ident!("{}", m);
            let doc = format!(" `{m}` types from the specification.");
            let uses = krates.iter().map(|k| {
                let c = format_ident!("{}", crates::crate_ident(k));
                if *k == crates::CORE {
                    quote!(pub use #c::#id::*;)
                } else {
                    // The optional dependency's own feature: on with any of its namespaces.
                    let dep = format!("es-{k}");
                    quote!(#[cfg(feature = #dep)] pub use #c::#id::*;)
                }
            });
            quote!(#[doc = #doc] pub mod #id { #(#uses)* })
        });
        let facade_dir = out.entry(generated_dir("types")).or_default();
        facade_dir.insert(
            "mod.rs".into(),
            unparse(quote!(#(#facade)* mod endpoints;))?,
        );
        facade_dir.insert("endpoints.rs".into(), self.endpoint_table());
        Ok(out)
    }
}

/// Where a crate's generated modules go, under `crates/`.
fn generated_dir(krate: &str) -> String {
    format!("{krate}/src/generated")
}

fn unparse(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    Ok(format!(
        "{}{}",
        crate::emit::HEADER,
        prettyplease::unparse(&file)
    ))
}

/// A group crate's `lib.rs` (as rustfmt writes it: `cargo fmt` leaves it alone).
fn group_lib(dir: &str) -> String {
    let features: Vec<String> = crates::group_features(dir)
        .iter()
        .map(|f| format!("`{f}`"))
        .collect();
    format!(
        "{header}//! # {name}\n//!\n//! Generated from the specification: the request and response types of the namespaces\n\
         //! of es-types' features {features}.\n//!\n\
         //! Use them through `es-types`, which re-exports them (es-codegen's `types/crates.rs` says\n\
         //! why they are a crate of their own).\n\n\
         #![recursion_limit = \"512\"]\n\n\
         // What the generated code names as `crate::` (some crates use only some of it).\n\
         #[allow(unused_imports)]\n\
         pub(crate) use es_types_core::{{\n    api_struct, container_serde, gated, setters, spec_enum, tagged_serde, untagged_serde,\n    \
         AggregateKind, Aggregations, Bucket, BucketRef, OneOrMany, ParseError, SingleKey,\n}};\n\n\
         #[rustfmt::skip]\n#[allow(missing_docs, clippy::all, rustdoc::all, unused_imports)]\nmod generated;\n\n\
         pub use generated::*;\n",
        header = crate::emit::HEADER,
        name = dir.replacen("types", "es-types", 1),
        features = features.join(", "),
    )
}

/// The name a property is written under (the one elasticsearch.dsl writes) and the other
/// names it is read under.
fn written_as<'p>(p: &Prop<'p>) -> (&'p str, Vec<&'p str>) {
    match WRITTEN_AS.iter().find(|(n, _)| *n == p.name) {
        Some((n, short)) if p.aliases.contains(short) => (
            *short,
            std::iter::once(*n)
                .chain(p.aliases.iter().copied().filter(|a| a != short))
                .collect(),
        ),
        _ => (p.name, p.aliases.clone()),
    }
}

/// The Rust name of a spec type name.
fn rust_name(n: &str) -> String {
    let mut s = pascal(n);
    if matches!(
        s.as_str(),
        "Self" | "Box" | "Option" | "Vec" | "String" | "Result"
    ) {
        s.push_str("Type");
    }
    s
}

/// Builtins and the number aliases.
fn primitive(k: &TypeKey) -> Option<TokenStream> {
    Some(match (k.0.as_str(), k.1.as_str()) {
        ("_builtins", "string" | "binary") => quote!(String),
        ("_builtins", "boolean") => quote!(bool),
        ("_builtins", "number") => quote!(f64),
        ("_builtins", "null" | "void") => quote!(()),
        ("_types", "integer") => quote!(i32),
        ("_types", "long") => quote!(i64),
        ("_types", "short") => quote!(i16),
        ("_types", "byte") => quote!(i8),
        ("_types", "uint") => quote!(u32),
        ("_types", "ulong") => quote!(u64),
        ("_types", "float") => quote!(f32),
        ("_types", "double") => quote!(f64),
        _ => return None,
    })
}

fn type_key((ns, name): (&str, &str)) -> TypeKey {
    (ns.to_string(), name.to_string())
}

/// The Rust variant name of each member of a spec enum, in order.
fn enum_variants(t: &Value) -> Vec<String> {
    let mut used = BTreeSet::new();
    let members = t["members"].as_array().into_iter().flatten();
    members
        .map(|m| {
            let mut vn = pascal(m["name"].as_str().unwrap_or_default());
            while !used.insert(vn.clone()) {
                vn.push('2');
            }
            vn
        })
        .collect()
}

/// `T | null`.
fn is_nullable(v: &Value) -> bool {
    let items = v["items"].as_array();
    v["kind"] == "union_of" && items.is_some_and(|i| i.len() == 2 && i.iter().any(is_null))
}

fn is_null(v: &Value) -> bool {
    v["kind"] == "instance_of" && v["type"]["name"] == "null"
}

fn variant_name(item: &Value) -> String {
    match item["kind"].as_str() {
        Some("instance_of") => {
            let k = key(&item["type"]);
            match k.1.as_str() {
                "string" => "String".into(),
                "boolean" => "Bool".into(),
                "number" | "double" | "float" => "Number".into(),
                "integer" | "long" | "short" | "byte" | "uint" | "ulong" => "Integer".into(),
                "null" => "Null".into(),
                other => pascal(other),
            }
        }
        Some("array_of") => format!("{}List", variant_name(&item["value"])),
        Some("dictionary_of") => "Map".into(),
        Some("literal_value") => match &item["value"] {
            Value::Bool(_) => "Bool".into(),
            Value::Number(_) => "Integer".into(),
            _ => "String".into(),
        },
        Some("union_of") => "Union".into(),
        _ => "Value".into(),
    }
}

/// Replaces generic parameters by their arguments.
fn substitute(v: &mut Value, subst: &HashMap<TypeKey, Value>) {
    if subst.is_empty() {
        return;
    }
    if v["kind"] == "instance_of" {
        if let Some(arg) = subst.get(&key(&v["type"])) {
            *v = arg.clone();
            return;
        }
    }
    match v {
        Value::Object(m) => m.values_mut().for_each(|x| substitute(x, subst)),
        Value::Array(a) => a.iter_mut().for_each(|x| substitute(x, subst)),
        _ => {}
    }
}

/// Every type reachable from `roots`.
fn reachable(types: &HashMap<TypeKey, &Value>, roots: &[(&str, &str)]) -> BTreeSet<TypeKey> {
    reachable_from(
        types,
        roots
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    )
}

fn reachable_from(types: &HashMap<TypeKey, &Value>, mut stack: Vec<TypeKey>) -> BTreeSet<TypeKey> {
    let mut closure = BTreeSet::new();
    while let Some(k) = stack.pop() {
        let Some(t) = types.get(&k) else { continue };
        if !closure.insert(k.clone()) {
            continue;
        }
        let mut refs = Vec::new();
        collect_refs(t, &mut refs);
        stack.extend(refs.into_iter().filter(|r| !closure.contains(r)));
    }
    closure
}

/// The generic parameters of a spec type that `keep` keeps.
fn generic_idents(t: &Value, keep: impl Fn(&Value) -> bool) -> Vec<Ident> {
    t["generics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| keep(g))
        .map(|g| format_ident!("{}", g["name"].as_str().unwrap_or("T")))
        .collect()
}

/// `<A, B>` (each with `default` after `=` when given), or nothing.
fn angle(gs: &[Ident], default: TokenStream) -> TokenStream {
    match (gs.is_empty(), default.is_empty()) {
        (true, _) => quote!(),
        (false, true) => quote!(<#(#gs),*>),
        (false, false) => quote!(<#(#gs = #default),*>),
    }
}

/// Whether a value type refers to `k` anywhere.
fn mentions(v: &Value, k: &TypeKey) -> bool {
    let mut refs = Vec::new();
    collect_refs(v, &mut refs);
    refs.contains(k)
}

fn collect_refs(v: &Value, out: &mut Vec<TypeKey>) {
    match v {
        Value::Object(m) => {
            if m.get("kind").and_then(Value::as_str) == Some("instance_of") {
                out.push(key(&v["type"]));
            }
            if let Some(parent) = m.get("inherits") {
                out.push(key(&parent["type"]));
            }
            for (k, x) in m {
                // Behaviours' own interfaces are not emitted (their generics are).
                if k == "attachedBehaviors" || k == "specLocation" {
                    continue;
                }
                if k == "behaviors" {
                    for b in x.as_array().into_iter().flatten() {
                        collect_refs(&b["generics"], out);
                    }
                    continue;
                }
                collect_refs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}
