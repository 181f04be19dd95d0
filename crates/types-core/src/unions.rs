//! How the generated enums read and write JSON: untagged unions (`A | B`), containers
//! (`{"<kind>": {...}}`, one key naming the variant) and internally tagged unions
//! (`{"type": "<kind>", ...}`).
//!
//! Written as `macro_rules!` over a few generic functions rather than with serde's derive,
//! for build time: the derive writes a field enum, visitors and their methods per type, and
//! makes this crate wait for `serde_derive` (and `syn`) before it can start. The JSON is the
//! same as serde's `untagged`, externally tagged and `tag = "..."` representations give.

use serde::de::{self, Deserialize, DeserializeOwned, MapAccess};
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use crate::record::{ListSer, Record};

/// Reads the first variant of an untagged union that accepts `v`, as serde's `untagged`
/// does: each variant is tried in order on the buffered value.
#[doc(hidden)]
#[inline]
pub fn try_variant<T: DeserializeOwned>(v: &Value) -> Option<T> {
    T::deserialize(v).ok()
}

/// The error when no variant of an untagged union accepts the value (serde's message).
#[doc(hidden)]
#[inline]
pub fn no_variant<E: de::Error>(name: &str) -> E {
    E::custom(format_args!(
        "data did not match any variant of untagged enum {name}"
    ))
}

/// Reads a container's one key: `read` reads the variant the key names; `name` gives it
/// back for the error when a second key follows.
#[doc(hidden)]
#[inline]
pub fn read_one_key<'de, A, T>(
    mut m: A,
    read: impl FnOnce(String, &mut A) -> Result<T, A::Error>,
    name: impl Fn(&T) -> Option<&str>,
) -> Result<T, A::Error>
where
    A: MapAccess<'de>,
{
    let Some(key) = m.next_key::<String>()? else {
        return Err(de::Error::custom(
            "expected one key naming the kind, found none",
        ));
    };
    let out = read(key, &mut m)?;
    if let Some(other) = m.next_key::<String>()? {
        return Err(de::Error::custom(format_args!(
            "expected one key naming the kind, found `{}` and `{other}`",
            name(&out).unwrap_or_default()
        )));
    }
    Ok(out)
}

/// Writes the entries of a container's escape hatch (`Raw`) into a map it is flattened in.
#[doc(hidden)]
#[inline]
pub fn write_raw_entries<M: SerializeMap>(v: &Value, m: &mut M) -> Result<(), M::Error> {
    match v {
        Value::Object(o) => o.iter().try_for_each(|(k, v)| m.serialize_entry(k, v)),
        _ => Err(serde::ser::Error::custom(
            "a raw kind must be a JSON object to be written with other keys",
        )),
    }
}

/// Writes an internally tagged variant: the tag first (unless it is the default, which the
/// server assumes), then the payload's fields. The tag is a string or a boolean.
#[doc(hidden)]
#[inline]
pub fn write_tagged<R: Record, S: Serializer, W: serde::Serialize>(
    r: &R,
    s: S,
    tag: &'static str,
    wire: W,
    is_default: bool,
) -> Result<S::Ok, S::Error>
where
    R::List: ListSer,
{
    let mut m = s.serialize_map(None)?;
    if !is_default {
        m.serialize_entry(tag, &wire)?;
    }
    crate::record::write_fields(r, &mut m)?;
    m.end()
}

/// Reads an internally tagged union's JSON object and takes its tag out (the payload types
/// do not have it); `default` stands for a missing tag.
#[doc(hidden)]
#[inline]
pub fn take_tag<'de, D: de::Deserializer<'de>>(
    d: D,
    tag: &'static str,
    default: Option<&'static str>,
) -> Result<(String, Value), D::Error> {
    let mut v = Value::deserialize(d)?;
    let Value::Object(m) = &mut v else {
        return Err(de::Error::invalid_type(unexpected(&v), &"an object"));
    };
    match (m.remove(tag), default) {
        (Some(Value::String(t)), _) => Ok((t, v)),
        (Some(Value::Bool(b)), _) => Ok((b.to_string(), v)),
        (Some(other), _) => Err(de::Error::invalid_type(unexpected(&other), &"a string tag")),
        (None, Some(d)) => Ok((d.to_string(), v)),
        (None, None) => Err(de::Error::missing_field(tag)),
    }
}

/// Reads the payload of an internally tagged variant from the object its tag came out of.
#[doc(hidden)]
#[inline]
pub fn read_payload<T: DeserializeOwned, E: de::Error>(v: Value) -> Result<T, E> {
    T::deserialize(v).map_err(E::custom)
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// `Serialize` and `Deserialize` for an untagged union: written as its variant's value;
/// read by trying the variants in order.
#[doc(hidden)]
#[macro_export]
macro_rules! untagged_serde {
    // `Serialize` alone (an enum read some other way: `Aggregate`, `OneOrMany`).
    (serialize $name:ident $(<$($g:ident),+>)? { $($v:ident),* $(,)? }) => {
        impl<$($($g: serde::Serialize),+)?> serde::Serialize for $name $(<$($g),+>)? {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                match self { $( $name::$v(x) => serde::Serialize::serialize(x, s), )* }
            }
        }
    };
    ($name:ident $(<$($g:ident),+>)? { $($v:ident),* $(,)? }) => {
        $crate::untagged_serde!(serialize $name $(<$($g),+>)? { $($v),* });
        impl<'de, $($($g: serde::de::DeserializeOwned),+)?> serde::Deserialize<'de> for $name $(<$($g),+>)? {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                $(
                    if let ::core::option::Option::Some(x) = $crate::unions::try_variant(&v) {
                        return ::core::result::Result::Ok($name::$v(x));
                    }
                )*
                ::core::result::Result::Err($crate::unions::no_variant(stringify!($name)))
            }
        }
    };
}

/// `Serialize` and `Deserialize` for a container (`{"<kind>": payload}`), with `kind_name`,
/// and `write_entry` / `read_entry` for a struct it is flattened in. `field` names the variant
/// for a key named by the user (`{"<field>": ...}`, a `SingleKey`), `raw` the variant
/// holding JSON written as given (never read: an unknown kind is an error).
#[doc(hidden)]
#[macro_export]
macro_rules! container_serde {
    (
        $name:ident { $($v:ident = $wire:literal $(| $alias:literal)*),* $(,)? }
        $(field $field:ident;)?
        $(raw $raw:ident;)?
    ) => {
        impl $name {
            /// The kind's name as written in JSON (`terms`, `match`...), or the field
            /// name of a `{field: ...}` form.
            #[allow(unreachable_patterns)]
            pub fn kind_name(&self) -> ::core::option::Option<&str> {
                match self {
                    $( $name::$v(_) => ::core::option::Option::Some($wire), )*
                    $( $name::$field(f) => ::core::option::Option::Some(f.key.as_str()), )?
                    $( $name::$raw(v) => v.as_object().and_then(|m| m.keys().next()).map(::std::string::String::as_str), )?
                }
            }
            /// Writes the kind as an entry of the map `m`.
            #[doc(hidden)]
            #[inline]
            pub fn write_entry<M: serde::ser::SerializeMap>(&self, m: &mut M) -> ::core::result::Result<(), M::Error> {
                match self {
                    $( $name::$v(x) => m.serialize_entry($wire, x), )*
                    $( $name::$field(f) => m.serialize_entry(&f.key, &f.value), )?
                    $( $name::$raw(v) => $crate::unions::write_raw_entries(v, m), )?
                }
            }
            /// Reads the kind the key `key` names from `m`.
            #[doc(hidden)]
            #[inline]
            pub fn read_entry<'de, A: serde::de::MapAccess<'de>>(key: ::std::string::String, m: &mut A) -> ::core::result::Result<Self, A::Error> {
                ::core::result::Result::Ok(match key.as_str() {
                    $( $wire $(| $alias)* => $name::$v(m.next_value()?), )*
                    _ => $crate::container_serde!(@fallback $name key m [$($wire),*] $($field)?),
                })
            }
        }
        impl serde::Serialize for $name {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                $( if let $name::$raw(v) = self { return serde::Serialize::serialize(v, s); } )?
                let mut m = serde::Serializer::serialize_map(s, ::core::option::Option::Some(1))?;
                self.write_entry(&mut m)?;
                serde::ser::SerializeMap::end(m)
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("an object with one key naming the kind of ", stringify!($name)))
                    }
                    #[inline]
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, m: A) -> ::core::result::Result<$name, A::Error> {
                        $crate::unions::read_one_key(m, $name::read_entry, $name::kind_name)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
    (@fallback $name:ident $key:ident $m:ident [$($wire:literal),*] $field:ident) => {
        $name::$field($crate::SingleKey { key: $key, value: $m.next_value()? })
    };
    (@fallback $name:ident $key:ident $m:ident [$($wire:literal),*]) => {
        return ::core::result::Result::Err(serde::de::Error::unknown_variant(&$key, &[$($wire),*]))
    };
}

/// `Serialize` and `Deserialize` for an internally tagged union (`{"<tag>": "<kind>", ...}`),
/// each variant's payload a record without the tag; `default` is the kind a missing tag
/// stands for (left out when written). `box` marks a boxed payload.
#[doc(hidden)]
#[macro_export]
macro_rules! tagged_serde {
    (
        $name:ident tag $tag:literal $(default $def:literal)?
        { $($v:ident = $wire:literal $([$boxed:ident])?),* $(,)? }
    ) => {
        impl serde::Serialize for $name {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                let default: ::core::option::Option<&'static str> = $crate::tagged_serde!(@default $($def)?);
                match self {
                    $( $name::$v(x) => $crate::unions::write_tagged(
                        $crate::tagged_serde!(@ref x $($boxed)?), s, $tag, $wire, default == ::core::option::Option::Some(concat!($wire)),
                    ), )*
                }
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                let (tag, v) = $crate::unions::take_tag(d, $tag, $crate::tagged_serde!(@default $($def)?))?;
                match tag.as_str() {
                    $( concat!($wire) => $crate::unions::read_payload(v).map($name::$v), )*
                    other => ::core::result::Result::Err(serde::de::Error::unknown_variant(other, &[$(concat!($wire)),*])),
                }
            }
        }
    };
    (@default $def:literal) => { ::core::option::Option::Some($def) };
    (@default) => { ::core::option::Option::None };
    (@ref $x:ident box) => { &**$x };
    (@ref $x:ident) => { $x };
}
