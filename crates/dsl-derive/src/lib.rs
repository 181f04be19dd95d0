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
//! `f32` → `float`, `f64` → `double`, `Option<T>`/`Vec<T>` → the type of `T`, anything else →
//! `object`. Attributes override: `keyword`, `text`, `date`, `nested`, `object`,
//! `type = "..."`, `analyzer = "..."`, `format = "..."`, `name = "..."`, `skip`, `id`.
//! `#[serde(rename = "...")]` on a field is honoured.

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
    match expand(&input) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

#[derive(Default)]
struct FieldOpts {
    id: bool,
    skip: bool,
    ty: Option<String>,
    analyzer: Option<String>,
    format: Option<String>,
    name: Option<String>,
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
                let key = meta
                    .path
                    .get_ident()
                    .map(|i| i.to_string())
                    .unwrap_or_default();
                match key.as_str() {
                    "id" => o.id = true,
                    "skip" => o.skip = true,
                    "keyword" | "text" | "date" | "nested" | "object" | "boolean" | "long"
                    | "integer" | "double" | "float" | "geo_point" => o.ty = Some(key),
                    "type" => o.ty = Some(string_value(&meta)?),
                    "analyzer" => o.analyzer = Some(string_value(&meta)?),
                    "format" => o.format = Some(string_value(&meta)?),
                    "name" => o.name = Some(string_value(&meta)?),
                    _ => return Err(meta.error(format!("unknown document attribute `{key}`"))),
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

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let mut index: Option<String> = None;
    for attr in &input.attrs {
        if attr.path().is_ident("document") {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("index") {
                    index = Some(string_value(&meta)?);
                    Ok(())
                } else {
                    Err(meta.error("expected `index = \"...\"`"))
                }
            })?;
        }
    }
    let ident = &input.ident;
    let index = index.ok_or_else(|| {
        syn::Error::new_spanned(ident, "#[document(index = \"...\")] is required")
    })?;
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
        let ty = o.ty.clone().unwrap_or_else(|| inferred(&f.ty).to_string());
        let mut field = quote! { ::es_dsl::Field::of(#ty) };
        if ty == "text" && o.ty.is_none() {
            field = quote! { #field.subfield("keyword", ::es_dsl::Field::keyword().with("ignore_above", 256)) };
        }
        if let Some(a) = &o.analyzer {
            field = quote! { #field.analyzer(#a) };
        }
        if let Some(fmt) = &o.format {
            field = quote! { #field.format(#fmt) };
        }
        mapping.push(quote! { .field(#name, #field) });
    }
    let id_impl = id_fn.map(|body| {
        quote! {
            fn id(&self) -> ::core::option::Option<::std::string::String> { #body }
        }
    });
    let (impl_g, ty_g, where_g) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_g ::es_dsl::Document for #ident #ty_g #where_g {
            const INDEX: &'static str = #index;
            fn mapping() -> ::es_dsl::Mapping {
                ::es_dsl::Mapping::new() #(#mapping)*
            }
            #id_impl
        }
    })
}
