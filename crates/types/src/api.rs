//! What the generated endpoint types (request bodies and responses of every endpoint) are
//! written with: `api_struct!` writes a struct with a lean serde implementation, `gated!`
//! puts one `cfg` on several items.
//!
//! Why not `#[derive(Serialize, Deserialize)]`: there are some 2,000 such structs, and serde's
//! derive costs about four times the build time of these impls (a generic visitor per struct,
//! a field enum with its own visitor, sequence forms JSON never uses). These impls read a map
//! key by key (borrowing the key when the input allows), write present fields only, and are
//! monomorphized only where a program reads or writes the type.
//!
//! Field modes: `req` — a plain field the answer must carry (missing is an error naming it);
//! `def` — a plain field of a type with an empty value (numbers, strings, lists, maps), which
//! servers of other versions leave out although the specification requires it: missing reads
//! as empty, as the hand-written types with `#[serde(default)]` did;
//! `opt` — an `Option` (the generator writes the `Option<..>`), absent when `None`. Struct modes: `request` — unknown keys are an
//! error (a typo in a body read from JSON is caught); `response` and `shared` (read from
//! answers too) — unknown keys are skipped, so newer servers and OpenSearch read fine.

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

/// Reads a [`Key`], refusing (when `refuse`) one not in `accept` — in the key itself, so an
/// error path names the unknown key (`terms.feild: unknown field`), as serde's derive does.
#[doc(hidden)]
pub struct KeySeed {
    /// Every name read (wire names and aliases).
    pub accept: &'static [&'static str],
    /// The names an error lists.
    pub expected: &'static [&'static str],
    /// Whether an unknown key is an error.
    pub refuse: bool,
}

impl KeySeed {
    fn check<E: serde::de::Error>(&self, k: &str) -> Result<(), E> {
        if self.refuse && !self.accept.contains(&k) {
            return Err(E::unknown_field(k, self.expected));
        }
        Ok(())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        self.check(v)?;
        Ok(Key(Cow::Borrowed(v)))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        self.check(v)?;
        Ok(Key(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
        self.check(&v)?;
        Ok(Key(Cow::Owned(v)))
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

/// A struct of the API with its serde implementation (see the module docs).
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
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name $(<$($g = serde_json::Value),+>)? {
            $( $(#[$fattr])* pub $field: $ty, )*
            $(
                /// The keys named by the user or the server.
                pub $extra: std::collections::BTreeMap<::std::string::String, $ety>,
            )?
        }

        impl<'de, $($($g: serde::Deserialize<'de>),+)?> serde::Deserialize<'de> for $name $(<$($g),+>)? {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                struct V $(<$($g),+>)? (std::marker::PhantomData<fn() -> $name $(<$($g),+>)?>);
                impl<'de, $($($g: serde::Deserialize<'de>),+)?> serde::de::Visitor<'de> for V $(<$($g),+>)? {
                    type Value = $name $(<$($g),+>)?;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    #[allow(unused_mut)]
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> ::core::result::Result<Self::Value, A::Error> {
                        #[allow(dead_code)]
                        const FIELDS: &[&str] = &[$($wire),*];
                        $( let mut $field: ::core::option::Option<$ty> = ::core::option::Option::None; )*
                        $( let mut $extra = std::collections::BTreeMap::new(); )?
                        let seed = || $crate::api::KeySeed {
                            accept: &[$($wire, $($alias,)*)*],
                            expected: FIELDS,
                            refuse: $crate::api_struct!(@refuse $mode $($extra)?),
                        };
                        while let ::core::option::Option::Some(k) = m.next_key_seed(seed())? {
                            match k.as_str() {
                                $( $wire $(| $alias)* => $field = ::core::option::Option::Some(m.next_value()?), )*
                                _ => { $crate::api_struct!(@unknown $mode m k $($extra)?); }
                            }
                        }
                        ::core::result::Result::Ok($name { $( $field: $crate::api_struct!(@finish $fmode $field $wire), )* $($extra,)? })
                    }
                    $( $crate::api_struct!(@short $short); )?
                }
                $crate::api_struct!(@entry d $($short)?)
            }
        }

        impl<$($($g: serde::Serialize),+)?> serde::Serialize for $name $(<$($g),+>)? {
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                #[allow(unused_mut)]
                let mut m = serde::Serializer::serialize_map(s, ::core::option::Option::None)?;
                $( $crate::api_struct!(@ser $fmode m &self.$field, $wire); )*
                $( for (k, v) in &self.$extra { serde::ser::SerializeMap::serialize_entry(&mut m, k, v)?; } )?
                serde::ser::SerializeMap::end(m)
            }
        }
    };

    (@finish req $f:ident $w:literal) => {
        match $f {
            ::core::option::Option::Some(v) => v,
            ::core::option::Option::None => return ::core::result::Result::Err(<A::Error as serde::de::Error>::missing_field($w)),
        }
    };
    (@finish opt $f:ident $w:literal) => { $f.flatten() };
    (@finish def $f:ident $w:literal) => { $f.unwrap_or_default() };

    (@refuse request) => { true };
    (@refuse $mode:ident $($extra:ident)?) => { false };

    (@unknown $mode:ident $m:ident $k:ident $extra:ident) => {
        $extra.insert($k.into_string(), $m.next_value()?);
    };
    (@unknown $mode:ident $m:ident $k:ident) => {
        $m.next_value::<serde::de::IgnoredAny>()?;
    };

    (@ser req $m:ident $v:expr, $w:literal) => {
        serde::ser::SerializeMap::serialize_entry(&mut $m, $w, $v)?;
    };
    (@ser def $m:ident $v:expr, $w:literal) => {
        serde::ser::SerializeMap::serialize_entry(&mut $m, $w, $v)?;
    };
    (@ser opt $m:ident $v:expr, $w:literal) => {
        if let ::core::option::Option::Some(x) = $v { serde::ser::SerializeMap::serialize_entry(&mut $m, $w, x)?; }
    };

    // A struct read from a map only, or (with a shortcut field) from that field's bare value
    // too (`"analyzer": "standard"` for `{"analyzer": {"type": "standard"}}`).
    (@entry $d:ident) => { $d.deserialize_map(V(std::marker::PhantomData)) };
    (@entry $d:ident $short:literal) => { $d.deserialize_any(V(std::marker::PhantomData)) };
    (@short $short:literal) => {
        fn visit_str<E: serde::de::Error>(self, v: &str) -> ::core::result::Result<Self::Value, E> {
            self.visit_map($crate::api::shortcut($short, serde_json::Value::from(v)))
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> ::core::result::Result<Self::Value, E> {
            self.visit_map($crate::api::shortcut($short, serde_json::Value::from(v)))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> ::core::result::Result<Self::Value, E> {
            self.visit_map($crate::api::shortcut($short, serde_json::Value::from(v)))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> ::core::result::Result<Self::Value, E> {
            self.visit_map($crate::api::shortcut($short, serde_json::Value::from(v)))
        }
        fn visit_unit<E: serde::de::Error>(self) -> ::core::result::Result<Self::Value, E> {
            self.visit_map($crate::api::shortcut($short, serde_json::Value::Null))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> ::core::result::Result<Self::Value, A::Error> {
            // A list shortcut is buffered: its items are owned values.
            let v = <serde_json::Value as serde::Deserialize>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
            self.visit_map($crate::api::shortcut($short, v))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> ::core::result::Result<Self::Value, E> {
            self.visit_map($crate::api::shortcut($short, serde_json::Value::from(v)))
        }
    };
}
