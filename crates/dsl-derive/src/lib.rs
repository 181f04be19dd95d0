//! `#[derive(Document)]` for es-dsl.
//!
//! ```ignore
//! #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
//! #[document(index = "articles")]
//! struct Article {
//!     #[document(id, keyword)]
//!     slug: String,
//!     #[document(analyzer = "english")]
//!     title: String,              // text + `keyword` subfield
//!     year: u32,                  // long
//!     #[document(date, format = "yyyy-MM-dd")]
//!     published: String,
//!     tags: Vec<String>,          // text + keyword (arrays map like their items)
//!     #[document(skip)]
//!     cached: Option<String>,     // not in the mapping
//! }
//! ```
//!
//! Field types are inferred: `String`/`&str` → `text` with a `keyword` subfield (as dynamic
//! mapping does), `bool` → `boolean`, small integers → `integer`, other integers → `long`,
//! `f32` → `float`, `f64` → `double`, dates (`DateTime`, `NaiveDate`...) → `date`,
//! `Option<T>`/`Vec<T>` → the type of `T`, anything else → `object`.
//!
//! Attributes: `id`, `skip`, `name = "..."`, the field type (`keyword`, `date`, `nested`... or
//! `type = "scaled_float"`: any type of the specification), and **any parameter of that type**
//! as `param = value`, checked at compile time against the specification: an unknown type or
//! parameter, or an enum value the parameter does not take, is a compile error naming the
//! ones allowed. Values are literals (`ignore_above = 256`, `index_options = "offsets"`,
//! `copy_to = "all"`) or any Rust expression of the parameter's type
//! (`index_prefixes = TextIndexPrefixes::new().min_chars(1)`). `#[serde(rename = "...")]` on
//! a field is honoured.
//!
//! It also generates `<Type>Fields` and `<Type>::fields()`: one `es_dsl::FieldPath` per
//! mapped field (an `es_dsl::TextField`, with `.keyword`, for inferred text), usable wherever
//! the DSL takes a field name, so a misspelled field is a compile error.
//!
//! `#[derive(InnerDoc)]` is the same for a type stored inside documents: a field given the
//! type `object` or `nested` whose Rust type is a struct takes that struct's `InnerDoc`
//! mapping as its `properties`, and its fields value as the field's path
//! (`Article::fields().comments.author` is `comments.author`). A JSON map (`Value`,
//! `HashMap`...) stays a dynamic object.

mod table;
#[rustfmt::skip]
#[path = "generated/property_types.rs"]
mod property_types;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::{
    parse_macro_input, Data, DeriveInput, Fields, GenericArgument, Lit, PathArguments, Type,
};

/// Derives `es_dsl::Document` (see the crate documentation).
#[proc_macro_derive(Document, attributes(document))]
pub fn derive_document(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input, Kind::Document) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Derives `es_dsl::InnerDoc`: a type stored in documents as an `object` or `nested` field
/// (`#[document(nested)] comments: Vec<Comment>`), with its mapping and field paths.
#[proc_macro_derive(InnerDoc, attributes(document))]
pub fn derive_inner_doc(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input, Kind::Inner) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Document,
    Inner,
}

#[derive(Default)]
struct FieldOpts {
    id: bool,
    skip: bool,
    /// The property type and where it was given.
    ty: Option<(String, proc_macro2::Span)>,
    name: Option<String>,
    /// `param = value`, in order.
    params: Vec<(syn::Ident, syn::Expr)>,
}

fn string_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<String> {
    let lit: Lit = meta.value()?.parse()?;
    match lit {
        Lit::Str(s) => Ok(s.value()),
        other => Err(syn::Error::new_spanned(other, "expected a string")),
    }
}

fn field_opts(attrs: &[syn::Attribute]) -> syn::Result<FieldOpts> {
    let mut o = FieldOpts::default();
    for attr in attrs {
        if attr.path().is_ident("document") {
            attr.parse_nested_meta(|meta| {
                let Some(ident) = meta.path.get_ident().cloned() else {
                    return Err(meta.error("expected a name"));
                };
                let key = ident.to_string();
                let span = ident.span();
                match key.as_str() {
                    "id" => o.id = true,
                    "skip" => o.skip = true,
                    "type" => o.ty = Some((string_value(&meta)?, span)),
                    "name" => o.name = Some(string_value(&meta)?),
                    _ if meta.input.peek(syn::Token![=]) => {
                        let value: syn::Expr = meta.value()?.parse()?;
                        o.params.push((ident, value));
                    }
                    _ if table::find(&key).is_some() => o.ty = Some((key, span)),
                    _ => {
                        return Err(meta.error(format!(
                            "unknown document attribute `{key}` (not a field type: {})",
                            type_names()
                        )))
                    }
                }
                Ok(())
            })?;
        } else if attr.path().is_ident("serde") {
            // Honour `#[serde(rename = "...")]`; ignore the other serde options.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    if let Ok(v) = string_value(&meta) {
                        o.name.get_or_insert(v);
                    }
                } else if meta.input.peek(syn::Token![=]) {
                    let _: Lit = meta.value()?.parse()?;
                } else if meta.input.peek(syn::token::Paren) {
                    meta.parse_nested_meta(|_| Ok(()))?;
                }
                Ok(())
            });
        }
    }
    Ok(o)
}

fn type_names() -> String {
    let names: Vec<&str> = property_types::PROPERTY_TYPES
        .iter()
        .map(|t| t.wire)
        .collect();
    names.join(", ")
}

/// An identifier, raw when it is a keyword (`r#type`).
fn ident(name: &str) -> syn::Ident {
    syn::parse_str::<syn::Ident>(name)
        .unwrap_or_else(|_| syn::Ident::new_raw(name, proc_macro2::Span::call_site()))
}

/// Parameters that name an analyzer or normalizer of the index's analysis.
const ANALYSIS_PARAMS: &[&str] = &[
    "analyzer",
    "search_analyzer",
    "search_quote_analyzer",
    "normalizer",
];

/// What a field's path is in the generated fields value.
enum PathKind {
    Plain,
    /// Inferred text: a `TextField` with `.keyword`.
    Text,
    /// An object / nested field of an `InnerDoc` type: that type's fields under this one.
    Inner(Box<Type>),
}

/// The property for one field: its type's struct with a setter call per parameter; and
/// what its path is.
fn property(
    o: &FieldOpts,
    rust_ty: &Type,
    analysis: &mut Vec<Tokens>,
) -> syn::Result<(Tokens, PathKind)> {
    let (wire, span) = o.ty.clone().unwrap_or_else(|| {
        (
            inferred(rust_ty).to_string(),
            proc_macro2::Span::call_site(),
        )
    });
    let Some(pt) = table::find(&wire) else {
        return Err(syn::Error::new(
            span,
            format!(
                "unknown field type `{wire}`; the specification has: {}",
                type_names()
            ),
        ));
    };
    let st = ident(pt.rust);
    let mut out = quote! { ::es_dsl::es_types::mapping::#st::new() };
    let mut has_fields = false;
    for (key, value) in &o.params {
        let k = key.to_string();
        let Some(param) = pt.params.iter().find(|p| p.name == k) else {
            let names: Vec<&str> = pt.params.iter().map(|p| p.name).collect();
            return Err(syn::Error::new(
                key.span(),
                format!(
                    "`{wire}` has no parameter `{k}`; it takes: {}",
                    names.join(", ")
                ),
            ));
        };
        has_fields |= k == "fields";
        let setter = ident(param.name);
        // An analyzer or normalizer given as a definition (not a name): the mapping names it,
        // and its definitions go to the index's analysis.
        let is_lit = matches!(value, syn::Expr::Lit(_));
        if ANALYSIS_PARAMS.contains(&param.name) && !is_lit {
            analysis.push(quote! { a.add(&(#value)); });
            out = quote! {
                #out.#setter({
                    use ::es_dsl::analysis::AnalysisRef as _;
                    (#value).analysis_name()
                })
            };
            continue;
        }
        let value = enum_value(param, value, &wire)?.unwrap_or_else(|| quote!(#value));
        out = quote! { #out.#setter(#value) };
    }
    let keyword = wire == "text" && o.ty.is_none() && !has_fields;
    if keyword {
        out = quote! {
            #out.subfield("keyword", ::es_dsl::es_types::mapping::KeywordProperty::new().ignore_above(256))
        };
        return Ok((out, PathKind::Text));
    }
    // An explicit object / nested field of a struct type: that type is an `InnerDoc`, whose
    // mapping gives the properties (JSON maps stay dynamic objects).
    let inner = innermost(rust_ty);
    let json_like = matches!(
        type_name(inner),
        Some((n, _)) if matches!(n.as_str(), "Value" | "Map" | "HashMap" | "BTreeMap")
    );
    if o.ty.is_some() && (wire == "object" || wire == "nested") && !json_like {
        out = quote! {{
            let mut p = #out;
            p.properties = <#inner as ::es_dsl::InnerDoc>::mapping().properties;
            p
        }};
        return Ok((out, PathKind::Inner(Box::new(inner.clone()))));
    }
    Ok((out, PathKind::Plain))
}

/// The type inside `Option`, `Vec`, `Box` and sets (what a field's values are).
fn innermost(ty: &Type) -> &Type {
    match type_name(ty) {
        Some((n, Some(inner)))
            if matches!(
                n.as_str(),
                "Option" | "Vec" | "Box" | "HashSet" | "BTreeSet"
            ) =>
        {
            innermost(inner)
        }
        _ => ty,
    }
}

/// A string (or boolean) literal given to an enum parameter, as the enum's variant; an error
/// when the parameter does not take that value.
fn enum_value(p: &table::Param, value: &syn::Expr, wire: &str) -> syn::Result<Option<Tokens>> {
    if p.enum_path.is_empty() {
        return Ok(None);
    }
    let syn::Expr::Lit(lit) = value else {
        return Ok(None);
    };
    let text = match &lit.lit {
        Lit::Str(s) => s.value(),
        Lit::Bool(b) => b.value.to_string(),
        _ => return Ok(None),
    };
    let Some((_, variant)) = p.values.iter().find(|(w, _)| *w == text) else {
        let allowed: Vec<&str> = p.values.iter().map(|(w, _)| *w).collect();
        return Err(syn::Error::new_spanned(
            value,
            format!(
                "`{wire}.{}` takes one of: {} (not `{text}`)",
                p.name,
                allowed.join(", ")
            ),
        ));
    };
    let path: syn::Path = syn::parse_str(&format!("::es_dsl::es_types::{}", p.enum_path))?;
    let variant = ident(variant);
    Ok(Some(quote! { #path::#variant }))
}

/// The last path segment of a type and its first generic argument.
fn type_name(ty: &Type) -> Option<(String, Option<&Type>)> {
    match ty {
        Type::Reference(r) => type_name(&r.elem),
        Type::Path(p) => {
            let seg = p.path.segments.last()?;
            let inner = match &seg.arguments {
                PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                    GenericArgument::Type(t) => Some(t),
                    _ => None,
                }),
                _ => None,
            };
            Some((seg.ident.to_string(), inner))
        }
        _ => None,
    }
}

fn inferred(ty: &Type) -> &'static str {
    match type_name(ty) {
        Some((name, inner)) => match name.as_str() {
            "String" | "str" | "Cow" => "text",
            "bool" => "boolean",
            "i8" | "i16" | "i32" | "u8" | "u16" => "integer",
            "i64" | "u32" | "u64" | "isize" | "usize" | "i128" | "u128" => "long",
            "f32" => "float",
            "f64" => "double",
            "Option" | "Vec" | "Box" | "HashSet" | "BTreeSet" => inner.map_or("object", inferred),
            "DateTime" | "NaiveDate" | "NaiveDateTime" | "OffsetDateTime" | "SystemTime" => "date",
            _ => "object",
        },
        None => "object",
    }
}

fn is_option(ty: &Type) -> bool {
    matches!(type_name(ty), Some((n, _)) if n == "Option")
}

fn expand(input: &DeriveInput, kind: Kind) -> syn::Result<Tokens> {
    let mut index: Option<String> = None;
    for attr in &input.attrs {
        if attr.path().is_ident("document") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("index") && kind == Kind::Document {
                    index = Some(string_value(&meta)?);
                    Ok(())
                } else if kind == Kind::Document {
                    Err(meta.error("expected `index = \"...\"`"))
                } else {
                    Err(meta.error("an inner document has no index"))
                }
            })?;
        }
    }
    let ident = &input.ident;
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            ident,
            "Document can only be derived for structs",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(syn::Error::new_spanned(
            ident,
            "Document needs named fields",
        ));
    };
    let mut mapping = Vec::new();
    let mut analysis = Vec::new();
    let (mut path_fields, mut path_inits) = (Vec::new(), Vec::new());
    let mut id_fn = None;
    for f in &fields.named {
        let Some(fident) = &f.ident else { continue };
        let o = field_opts(&f.attrs)?;
        if o.id {
            if id_fn.is_some() {
                return Err(syn::Error::new_spanned(
                    fident,
                    "only one field can be the id",
                ));
            }
            id_fn = Some(if is_option(&f.ty) {
                quote! { self.#fident.as_ref().map(|v| v.to_string()) }
            } else {
                quote! { Some(self.#fident.to_string()) }
            });
        }
        if o.skip {
            continue;
        }
        let name = o
            .name
            .clone()
            .unwrap_or_else(|| fident.to_string().trim_start_matches("r#").to_string());
        let (field, path) = property(&o, &f.ty, &mut analysis)?;
        if let PathKind::Inner(inner) = &path {
            analysis.push(quote! { a.merge(<#inner as ::es_dsl::InnerDoc>::analysis()); });
        }
        mapping.push(quote! { .field(#name, #field) });
        let (ty, init) = match path {
            PathKind::Text => (
                quote!(::es_dsl::TextField),
                quote!(::es_dsl::TextField::under(prefix, #name)),
            ),
            PathKind::Plain => (
                quote!(::es_dsl::FieldPath),
                quote!(::es_dsl::FieldPath::under(prefix, #name)),
            ),
            PathKind::Inner(inner) => (
                quote!(<#inner as ::es_dsl::InnerDoc>::Fields),
                quote!(<#inner as ::es_dsl::InnerDoc>::fields_under(&::es_dsl::FieldPath::under(prefix, #name))),
            ),
        };
        path_fields.push(quote! { pub #fident: #ty });
        path_inits.push(quote! { #fident: #init });
    }
    let (impl_g, ty_g, where_g) = input.generics.split_for_impl();
    let vis = &input.vis;
    let fields_ty = quote::format_ident!("{}Fields", ident);
    let fields_doc = format!(
        "The field paths of [`{ident}`] (from the derive): a misspelled field does not compile. \
         Derefs to the path of the field holding it (empty at the top)."
    );
    let analysis_fn = (!analysis.is_empty()).then(|| {
        quote! {
            fn analysis() -> ::es_dsl::analysis::Analysis {
                let mut a = ::es_dsl::analysis::Analysis::new();
                #(#analysis)*
                a
            }
        }
    });
    let fields_items = quote! {
        #[doc = #fields_doc]
        #[derive(Debug, Clone, PartialEq, Eq)]
        #vis struct #fields_ty {
            #(#path_fields,)*
            #[doc(hidden)]
            pub __path: ::es_dsl::FieldPath,
        }
        impl #fields_ty {
            /// The paths of these fields under `prefix` (the path of the field holding them).
            #vis fn under(prefix: &str) -> Self {
                #fields_ty {
                    #(#path_inits,)*
                    __path: ::es_dsl::FieldPath::owned(prefix),
                }
            }
        }
        impl ::core::ops::Deref for #fields_ty {
            type Target = str;
            fn deref(&self) -> &str { &self.__path }
        }
        impl ::core::convert::AsRef<str> for #fields_ty {
            fn as_ref(&self) -> &str { &self.__path }
        }
    };
    if kind == Kind::Inner {
        if id_fn.is_some() {
            return Err(syn::Error::new_spanned(
                ident,
                "an inner document has no id",
            ));
        }
        return Ok(quote! {
            #fields_items
            impl #impl_g ::es_dsl::InnerDoc for #ident #ty_g #where_g {
                type Fields = #fields_ty;
                fn mapping() -> ::es_dsl::Mapping {
                    ::es_dsl::Mapping::new() #(#mapping)*
                }
                fn fields_under(prefix: &str) -> #fields_ty {
                    #fields_ty::under(prefix)
                }
                #analysis_fn
            }
        });
    }
    let index = index.ok_or_else(|| {
        syn::Error::new_spanned(ident, "#[document(index = \"...\")] is required")
    })?;
    let id_impl = id_fn.map(|body| {
        quote! {
            fn id(&self) -> ::core::option::Option<::std::string::String> { #body }
        }
    });
    Ok(quote! {
        #fields_items
        impl #impl_g #ident #ty_g #where_g {
            /// The field paths of this document type, for queries, sorts, aggregations...
            #vis fn fields() -> #fields_ty {
                #fields_ty::under("")
            }
        }
        impl #impl_g ::es_dsl::Document for #ident #ty_g #where_g {
            const INDEX: &'static str = #index;
            fn mapping() -> ::es_dsl::Mapping {
                ::es_dsl::Mapping::new() #(#mapping)*
            }
            #analysis_fn
            #id_impl
        }
    })
}
