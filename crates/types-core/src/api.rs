//! What the generated endpoint types (request bodies and responses of every endpoint) and the
//! DSL's plain structs are written with: `api_struct!` writes a struct whose serde, `Debug`,
//! `Clone` and `PartialEq` impls are one-line calls into [`crate::record`], `gated!` puts one
//! `cfg` on several items.
//!
//! Why not `#[derive(..)]`: there are some 2,500 such structs, and rustc's cost is per
//! function body — the derives write seven per struct (a generic visitor, a field enum with
//! its own visitor, sequence forms JSON never uses), each type-checked and borrow-checked in
//! es-types whether or not a program uses the type. `record`'s functions are written once and
//! monomorphized only where a program reads or writes the type; they read a map key by key
//! (borrowing the key when the input allows) and write present fields only.
//!
//! Field modes: `req` — a plain field the answer must carry (missing is an error naming it);
//! `def` — a plain field of a type with an empty value (numbers, strings, lists, maps), which
//! servers of other versions leave out although the specification requires it: missing reads
//! as empty, as the hand-written types with `#[serde(default)]` did;
//! `opt` — an `Option` (the generator writes the `Option<..>`), absent when `None`;
//! `nul` — an `Option<Option<..>>` of an answer that keeps `null` (`Some(None)`) apart from
//! absent (`None`), so a result writes back as it was read. Struct
//! modes: `request` — unknown keys are an error, in the key itself so the error path names it
//! (a typo in a body read from JSON is caught); `response` and `shared` (read from answers
//! too) — unknown keys are skipped, so newer servers and OpenSearch read fine, or kept in the
//! `extra` map when the struct has one. A repeated key: the last value wins.

use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, Visitor};

/// A map key, borrowed from the input when it has no escapes.
#[doc(hidden)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The key, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The map `{name: value}` a shortcut value stands for.
#[doc(hidden)]
pub fn shortcut<'de, E: serde::de::Error>(
    name: &'static str,
    value: serde_json::Value,
) -> serde::de::value::MapDeserializer<'de, std::iter::Once<(&'static str, Bare)>, E> {
    serde::de::value::MapDeserializer::new(std::iter::once((name, Bare(value))))
}

/// A bare JSON value read as a shortcut field (any error type, as a map value needs).
#[doc(hidden)]
pub struct Bare(pub serde_json::Value);

impl<'de, E: serde::de::Error> serde::de::IntoDeserializer<'de, E> for Bare {
    type Deserializer = BareDe<E>;
    fn into_deserializer(self) -> BareDe<E> {
        BareDe(self.0, std::marker::PhantomData)
    }
}

#[doc(hidden)]
pub struct BareDe<E>(serde_json::Value, std::marker::PhantomData<E>);

impl<'de, E: serde::de::Error> Deserializer<'de> for BareDe<E> {
    type Error = E;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        self.0.deserialize_any(v).map_err(E::custom)
    }
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        self.0.deserialize_option(v).map_err(E::custom)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, E> {
        self.0
            .deserialize_enum(name, variants, v)
            .map_err(E::custom)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// One `cfg` on every item that follows.
#[doc(hidden)]
#[macro_export]
macro_rules! gated {
    (#[$m:meta] $($item:item)*) => { $( #[$m] $item )* };
}

/// A struct of the API with its serde, `Debug`, `Clone` and `PartialEq` implementations
/// (see the module docs): the impls are one-line calls into [`crate::record`], which the
/// struct's `Record` impl describes it to.
#[doc(hidden)]
#[macro_export]
macro_rules! api_struct {
    (
        $(#[$attr:meta])*
        $mode:ident $name:ident $(<$($g:ident),+>)? {
            $( $(#[$fattr:meta])* $fmode:ident $field:ident [$wire:literal $(| $alias:literal)*]: $ty:ty ),* $(,)?
        }
        $(extra $extra:ident: $ety:ty;)?
        $(shortcut $short:literal;)?
    ) => {
        $(#[$attr])*
        pub struct $name $(<$($g = serde_json::Value),+>)? {
            $( $(#[$fattr])* pub $field: $ty, )*
            $(
                /// The keys named by the user or the server.
                pub $extra: $ety,
            )?
        }

        // SAFETY: FIELDS and List are written from the one field list above, in its order.
        #[allow(unsafe_code)]
        unsafe impl $(<$($g),+>)? $crate::record::Record for $name $(<$($g),+>)? {
            const NAME: &'static str = stringify!($name);
            const FIELDS: &'static [$crate::record::FieldInfo] = &[
                $( $crate::record::FieldInfo {
                    name: stringify!($field),
                    wire: $wire,
                    aliases: &[$($alias),*],
                    offset: ::core::mem::offset_of!(Self, $field),
                }, )*
                $( $crate::record::FieldInfo {
                    name: stringify!($extra),
                    wire: "",
                    aliases: &[],
                    offset: ::core::mem::offset_of!(Self, $extra),
                }, )?
            ];
            const EXPECTED: &'static [&'static str] = &[$($wire),*];
            const REFUSE: bool = $crate::api_struct!(@refuse $mode $($extra)?);
            const EXTRA: ::core::option::Option<usize> =
                $crate::api_struct!(@extra [$(stringify!($field)),*] $($extra)?);
            const SHORTCUT: ::core::option::Option<&'static str> =
                $crate::api_struct!(@short $($short)?);
            type List = $crate::api_struct!(@list $($fmode $ty,)* $(@extra $ety)?);
        }

        // Owned type parameters: a generic union inside is read from a buffered value.
        impl<'de, $($($g: serde::de::DeserializeOwned),+)?> serde::Deserialize<'de> for $name $(<$($g),+>)? {
            #[inline]
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                $crate::record::read(d)
            }
        }
        impl<$($($g: serde::Serialize),+)?> serde::Serialize for $name $(<$($g),+>)? {
            #[inline]
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::record::write(self, s)
            }
        }
        impl<$($($g: ::core::fmt::Debug),+)?> ::core::fmt::Debug for $name $(<$($g),+>)? {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::record::debug(self, f)
            }
        }
        impl<$($($g: ::core::clone::Clone),+)?> ::core::clone::Clone for $name $(<$($g),+>)? {
            #[inline]
            fn clone(&self) -> Self {
                $crate::record::clone(self)
            }
        }
        impl<$($($g: ::core::cmp::PartialEq),+)?> ::core::cmp::PartialEq for $name $(<$($g),+>)? {
            #[inline]
            fn eq(&self, o: &Self) -> bool {
                $crate::record::eq(self, o)
            }
        }
    };

    (@refuse request) => { true };
    (@refuse $mode:ident $($extra:ident)?) => { false };

    (@extra [$($f:expr),*] $extra:ident) => { ::core::option::Option::Some(<[&str]>::len(&[$($f),*])) };
    (@extra [$($f:expr),*]) => { ::core::option::Option::None };

    (@short $short:literal) => { ::core::option::Option::Some($short) };
    (@short) => { ::core::option::Option::None };

    // The slot list, in groups of eight (see `record::Group`).
    (@list $m0:ident $t0:ty, $m1:ident $t1:ty, $m2:ident $t2:ty, $m3:ident $t3:ty, $m4:ident $t4:ty, $m5:ident $t5:ty, $m6:ident $t6:ty, $m7:ident $t7:ty, $($rest:tt)+) => {
        $crate::record::Group<$crate::api_struct!(@list $m0 $t0, $m1 $t1, $m2 $t2, $m3 $t3, $m4 $t4, $m5 $t5, $m6 $t6, $m7 $t7,), $crate::api_struct!(@list $($rest)+)>
    };
    (@list) => { $crate::record::Nil };
    (@list @extra $ety:ty) => { $crate::record::Cons<$crate::record::Extra<$ety>, $crate::record::Nil> };
    (@list req $t:ty, $($rest:tt)*) => { $crate::record::Cons<$crate::record::Req<$t>, $crate::api_struct!(@list $($rest)*)> };
    (@list def $t:ty, $($rest:tt)*) => { $crate::record::Cons<$crate::record::Def<$t>, $crate::api_struct!(@list $($rest)*)> };
    (@list nul $t:ty, $($rest:tt)*) => { $crate::record::Cons<$crate::record::Nul<$t>, $crate::api_struct!(@list $($rest)*)> };
    (@list opt $t:ty, $($rest:tt)*) => { $crate::record::Cons<$crate::record::Opt<$t>, $crate::api_struct!(@list $($rest)*)> };
}
