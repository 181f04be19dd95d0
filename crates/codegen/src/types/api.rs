//! The endpoint types: every endpoint's request body and response, and the types only they
//! reach (the query DSL's types are shared, not emitted twice).
//!
//! Rules (one place to change each):
//! * a type read only from answers is a `response` struct: required fields plain, unknown
//!   keys skipped, no setters; one written in request bodies only is a `request` struct
//!   (every field optional, unknown keys refused on read, setters); one that is both is
//!   `shared` (optional fields, setters, unknown keys skipped);
//! * a request or response body that is a value of another type is an alias of it, named
//!   after the endpoint (`IndicesCreateRequest`, `CatIndicesResponse`);
//! * each type is compiled under the namespace features of the endpoints that use it
//!   (nothing for the DSL's types or those of endpoints without a namespace);
//! * structs are written with es-types' `api_struct!`, which implements serde without its
//!   derive (see that module for why); enums, unions and containers as the DSL's are.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{collect_refs, docs, member_ident, module_of, rust_name, Prop, TypesGen};
use crate::naming::pascal;
use crate::spec::{key, TypeKey};

/// One endpoint's request and response types, and its namespace feature (`None`: always).
pub struct EndpointTypes {
    /// `indices.create`.
    pub name: String,
    /// `ns-indices`, or `None` for endpoints outside a namespace.
    pub feature: Option<String>,
    /// The request type.
    pub request: TypeKey,
    /// The response type.
    pub response: TypeKey,
}

impl EndpointTypes {
    /// The endpoints of `schema.json` the client generates.
    pub fn from_schema(root: &Value) -> Vec<EndpointTypes> {
        let mut out = Vec::new();
        for e in root["endpoints"].as_array().into_iter().flatten() {
            if e["codegenExclude"].as_bool() == Some(true) || e["availability"]["stack"].is_null() {
                continue;
            }
            let name = e["name"].as_str().unwrap_or_default().to_string();
            let feature = name
                .split_once('.')
                .map(|(ns, _)| format!("ns-{}", ns.replace('_', "-")));
            out.push(EndpointTypes {
                name,
                feature,
                request: key(&e["request"]),
                response: key(&e["response"]),
            });
        }
        out
    }
}

/// How a struct is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Written in request bodies only.
    Request,
    /// Read from answers only.
    Response,
    /// Both.
    Shared,
}

/// The endpoint types found in the specification.
pub struct ApiTypes {
    /// Every endpoint type not already emitted for the DSL, with its mode.
    pub modes: BTreeMap<TypeKey, Mode>,
    /// The features compiling each type; absent means always.
    pub features: HashMap<TypeKey, BTreeSet<String>>,
    /// The endpoint of each request and response type.
    pub endpoint_of: HashMap<TypeKey, String>,
    /// Every endpoint: name, request type, response type.
    pub endpoints: Vec<(String, TypeKey, TypeKey)>,
}

impl ApiTypes {
    /// Walks from each endpoint's body and response, stopping at the DSL's types.
    pub fn new(
        types: &HashMap<TypeKey, &Value>,
        endpoints: &[EndpointTypes],
        dsl: &BTreeSet<TypeKey>,
    ) -> ApiTypes {
        let mut modes: BTreeMap<TypeKey, Mode> = BTreeMap::new();
        let mut features: HashMap<TypeKey, BTreeSet<String>> = HashMap::new();
        let mut always: BTreeSet<TypeKey> = BTreeSet::new();
        let mut endpoint_of = HashMap::new();
        for e in endpoints {
            for (root, side) in [(&e.request, Mode::Request), (&e.response, Mode::Response)] {
                let Some(t) = types.get(root) else { continue };
                endpoint_of.insert(root.clone(), e.name.clone());
                // A request's path and query parameters are the builder's business: only
                // its body is walked.
                let mut stack = vec![root.clone()];
                let mut seen = BTreeSet::new();
                let mut first = true;
                while let Some(k) = stack.pop() {
                    if dsl.contains(&k) || !seen.insert(k.clone()) {
                        continue;
                    }
                    let Some(t2) = types.get(&k) else { continue };
                    if super::primitive(&k).is_some() {
                        continue;
                    }
                    let mut refs = Vec::new();
                    if first {
                        collect_refs(&t["body"], &mut refs);
                        first = false;
                    } else {
                        collect_refs(t2, &mut refs);
                    }
                    stack.extend(refs);
                    let m = modes.entry(k.clone()).or_insert(side);
                    if *m != side {
                        *m = Mode::Shared;
                    }
                    match &e.feature {
                        Some(f) => {
                            features.entry(k.clone()).or_default().insert(f.clone());
                        }
                        None => {
                            always.insert(k.clone());
                        }
                    }
                }
            }
        }
        for k in always {
            features.remove(&k);
        }
        ApiTypes {
            modes,
            features,
            endpoint_of,
            endpoints: endpoints
                .iter()
                .map(|e| (e.name.clone(), e.request.clone(), e.response.clone()))
                .collect(),
        }
    }
}

/// Rust names that are not the spec's own: endpoint types are named after their endpoint
/// (`_global.search` `Response` → `SearchResponse`), and a name taken twice in one module
/// gets its spec namespace's last part in front (`UpdateAliasesAction`).
pub fn names(
    types: &HashMap<TypeKey, &Value>,
    closure: &BTreeSet<TypeKey>,
) -> HashMap<TypeKey, String> {
    let mut out = HashMap::new();
    let mut by_module: BTreeMap<(String, String), Vec<TypeKey>> = BTreeMap::new();
    for k in closure {
        let Some(t) = types.get(k) else { continue };
        let name = match t["kind"].as_str() {
            Some("request" | "response") => {
                let ep = k.0.trim_start_matches("_global.").replace('.', "_");
                let n = format!("{}{}", pascal(&ep), k.1);
                out.insert(k.clone(), n.clone());
                n
            }
            _ => rust_name(&k.1),
        };
        by_module
            .entry((module_of(&k.0), name))
            .or_default()
            .push(k.clone());
    }
    for ((_, name), ks) in by_module {
        if ks.len() < 2 {
            continue;
        }
        // Keep the name for the shared (`_types`) one, if any.
        for k in ks.iter().filter(|k| !k.0.ends_with("_types")) {
            let last = k.0.rsplit('.').next().unwrap_or_default();
            out.insert(k.clone(), format!("{}{name}", pascal(last)));
        }
    }
    out
}

impl TypesGen<'_> {
    /// The Rust name of a type.
    pub(super) fn name(&self, k: &TypeKey) -> String {
        self.names
            .get(k)
            .cloned()
            .unwrap_or_else(|| rust_name(&k.1))
    }

    /// The features that compile endpoint type `k` (`None`: always compiled).
    fn features_of(&self, k: &TypeKey) -> Option<&BTreeSet<String>> {
        self.api
            .modes
            .contains_key(k)
            .then(|| self.api.features.get(k))
            .flatten()
    }

    /// The crate folder `k` is generated into (see [`super::crates`]).
    pub(super) fn crate_of(&self, k: &TypeKey) -> Result<&'static str, String> {
        super::crates::crate_of(self.features_of(k))
    }

    /// `tokens` under the features of `k`'s endpoints.
    pub(super) fn gate(&self, k: &TypeKey, tokens: TokenStream) -> TokenStream {
        match self.features_of(k) {
            Some(fs) if !tokens.is_empty() => {
                let fs = fs.iter();
                quote!(crate::gated! { #[cfg(any(#(feature = #fs),*))] #tokens })
            }
            _ => tokens,
        }
    }

    /// An endpoint type, or `None` for a type the DSL's emitters write.
    pub(super) fn emit_api(&self, k: &TypeKey, t: &Value) -> Option<TokenStream> {
        let mode = *self.api.modes.get(k)?;
        match t["kind"].as_str() {
            Some("request" | "response") => Some(self.emit_body(k, t, mode)),
            Some("interface") if t["variants"]["kind"] != "container" => {
                Some(self.emit_api_struct(k, t, mode, &self.props(k), false))
            }
            _ => None,
        }
    }

    /// A request body or a response.
    fn emit_body(&self, k: &TypeKey, t: &Value, mode: Mode) -> TokenStream {
        let endpoint = self.api.endpoint_of.get(k).map_or("", String::as_str);
        let side = if t["kind"] == "request" {
            "The request body of"
        } else {
            "The response of"
        };
        let doc = format!(" {side} `{endpoint}`.");
        match t["body"]["kind"].as_str() {
            Some("properties") => {
                let mut t2 = t.clone();
                t2["description"] = Value::String(doc);
                self.emit_api_struct(k, &t2, mode, &self.props(k), false)
            }
            Some("value") => {
                let id = format_ident!("{}", self.name(k));
                let ty = self.ty(&t["body"]["value"], k, "Body");
                let gens = super::angle(
                    &super::generic_idents(t, |_| true),
                    quote!(serde_json::Value),
                );
                quote!(#[doc = #doc] pub type #id #gens = #ty;)
            }
            _ => quote!(),
        }
    }

    /// Each endpoint's request body type and response type as paths in es-types
    /// (`search::SearchRequest`; empty where the endpoint has no body or no JSON answer).
    pub fn endpoint_paths(&self) -> Vec<(String, String, String)> {
        let path = |k: &TypeKey| -> String {
            match self.types.get(k) {
                Some(t) if matches!(t["body"]["kind"].as_str(), Some("properties" | "value")) => {
                    format!("{}::{}", module_of(&k.0), self.name(k))
                }
                _ => String::new(),
            }
        };
        self.api
            .endpoints
            .iter()
            .map(|(name, req, resp)| (name.clone(), path(req), path(resp)))
            .collect()
    }

    /// `endpoint_types!`: each endpoint's name with the path of its request body type and of
    /// its response type (empty where the endpoint has none), for tests and tools.
    pub(super) fn endpoint_table(&self) -> String {
        let mut rows = String::new();
        let krate = |p: &str| {
            if p.is_empty() {
                String::new()
            } else {
                format!("$crate::{p}")
            }
        };
        for (name, req, resp) in self.endpoint_paths() {
            rows.push_str(&format!(
                "            \"{name}\" => [{}] [{}];\n",
                krate(&req),
                krate(&resp)
            ));
        }
        format!(
            "{}//! Every endpoint's request body type and response type.\n\n\
             /// Calls `$m!` with one `\"name\" => [request body type] [response type];` row per\n\
             /// endpoint (a bracket is empty where the endpoint has no body or no JSON answer). The\n\
             /// types of namespaced endpoints need their `ns-*` feature.\n\
             #[doc(hidden)]\n#[macro_export]\nmacro_rules! endpoint_types {{\n    ($m:path) => {{\n        $m! {{\n{rows}        }}\n    }};\n}}\n",
            crate::emit::HEADER
        )
    }

    /// Whether a spec value type has an empty value in Rust (`Default`): numbers, strings,
    /// booleans, lists, maps and aliases of them.
    fn defaultable(&self, v: &Value) -> bool {
        match v["kind"].as_str() {
            Some("array_of") => true,
            Some("dictionary_of") => v["singleKey"] != true,
            Some("instance_of") => {
                let k = key(&v["type"]);
                if super::primitive(&k).is_some() {
                    return !matches!(k.1.as_str(), "null" | "void");
                }
                match self.get(&k) {
                    Some(t) if t["kind"] == "type_alias" && t["generics"].is_null() => {
                        t["type"]["kind"] != "union_of" && self.defaultable(&t["type"])
                    }
                    Some(t) if t["kind"] == "type_alias" && t["type"]["kind"] != "union_of" => {
                        // `DurationValue<UnitMillis>` is its argument: substitute, then ask.
                        let params = t["generics"].as_array().into_iter().flatten().map(key);
                        let args = v["generics"].as_array().cloned().unwrap_or_default();
                        let subst: HashMap<TypeKey, Value> = params.zip(args).collect();
                        let mut target = t["type"].clone();
                        super::substitute(&mut target, &subst);
                        target != t["type"] && self.defaultable(&target)
                    }
                    Some(t) if t["kind"] == "interface" => self.struct_defaultable(&k),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Whether an endpoint struct has a `Default`: a request-side one always (every field
    /// optional); an answer's when each field it always carries has one. A required field of
    /// such a type that a server leaves out (OpenSearch's stats, a `filter_path`) reads as
    /// empty instead of failing the whole answer, as the .NET client's responses do; fields
    /// without an empty value (enums, unions, generic types) stay required.
    fn struct_defaultable(&self, k: &TypeKey) -> bool {
        if let Some(&known) = self.default_memo.borrow().get(k) {
            return known;
        }
        let Some(mode) = self.api.modes.get(k) else {
            return false;
        };
        let Some(t) = self.get(k) else { return false };
        if t["kind"] != "interface"
            || t["variants"]["kind"] == "container"
            || !t["generics"].is_null()
        {
            return false;
        }
        if *mode != Mode::Response {
            return true;
        }
        // A cycle reads as "no Default" until the type is decided.
        self.default_memo.borrow_mut().insert(k.clone(), false);
        let ok = self.props(k).iter().all(|p| {
            let nullable = self.response_only.contains(k) && super::is_nullable(&p.ty);
            !p.required || nullable || (!self.needs_box(k, &p.ty, false) && self.defaultable(&p.ty))
        });
        self.default_memo.borrow_mut().insert(k.clone(), ok);
        ok
    }

    pub(super) fn emit_api_struct(
        &self,
        k: &TypeKey,
        t: &Value,
        mode: Mode,
        props: &[Prop<'_>],
        keep_null: bool,
    ) -> TokenStream {
        let name = format_ident!("{}", self.name(k));
        let doc = docs(t["description"].as_str());
        let decl_gens = self.generics(t);
        let mut fields = Vec::new();
        let mut setters = Vec::new();
        for p in props {
            let id = member_ident(p, props);
            let ty = self.ty(&p.ty, k, &pascal(p.name));
            let boxed = self.needs_box(k, &p.ty, false);
            // `ty` already reads `T | null` of an answer as `Option<T>`.
            let nullable = self.response_only.contains(k) && super::is_nullable(&p.ty);
            let plain = mode == Mode::Response && p.required && !nullable;
            let inner = if boxed { quote!(Box<#ty>) } else { ty.clone() };
            let (how, stored) = if plain && !boxed && self.defaultable(&p.ty) {
                (quote!(def), inner)
            } else if plain {
                (quote!(req), inner)
            } else if nullable && !boxed && p.required && keep_null {
                // Always there, maybe `null` (an empty bucket's `avg`): written back as read.
                (quote!(def), ty.clone())
            } else if nullable && !boxed && keep_null {
                // Absent is `None`, `null` is `Some(None)`: both write back as they came.
                (quote!(nul), quote!(Option<#ty>))
            } else if nullable && !boxed {
                // An endpoint's answer: `null` reads as absent.
                (quote!(opt), ty.clone())
            } else {
                (quote!(opt), quote!(Option<#inner>))
            };
            let (wire, aliases) = super::written_as(p);
            let aliases = &aliases;
            let d = docs(p.desc);
            fields.push(quote!(#d #how #id [#wire #(| #aliases)*]: #stored));
            if mode != Mode::Response {
                let how = if boxed { quote!(boxed) } else { quote!(plain) };
                setters.push(quote!(#how #id: #ty));
            }
        }
        let extra = if self.holds_sub_aggs(k) {
            // A bucket: the keys it does not name are its sub-aggregations' results.
            quote!(extra aggregations: crate::Aggregations;)
        } else {
            self.additional(k, t)
                .map(|v| quote!(extra extra: std::collections::BTreeMap<String, #v>;))
                .unwrap_or_default()
        };
        let shortcut = t["shortcutProperty"]
            .as_str()
            .map(|s| quote!(shortcut #s;))
            .unwrap_or_default();
        let mode_id = match mode {
            Mode::Request => quote!(request),
            Mode::Response => quote!(response),
            Mode::Shared => quote!(shared),
        };
        let default = if mode == Mode::Response && !self.struct_defaultable(k) {
            quote!()
        } else {
            quote!(#[derive(Default)])
        };
        let mut out = quote! {
            crate::api_struct! {
                #doc
                #default
                #mode_id #name #decl_gens { #(#fields),* }
                #extra
                #shortcut
            }
        };
        if mode != Mode::Response {
            let setters = if setters.is_empty() {
                quote!()
            } else {
                quote!(crate::setters!(#(#setters),*);)
            };
            let sugar = self.mapping_sugar(props);
            out.extend(quote! {
                impl #decl_gens #name #decl_gens {
                    /// Nothing set.
                    pub fn new() -> Self where Self: Default { Self::default() }
                    #setters
                    #sugar
                }
            });
        }
        out
    }
}
