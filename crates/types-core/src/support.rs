//! Hand-written pieces the generated types are built from: shapes the specification names
//! but serde has no attribute for.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeOwned, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// An object with exactly one key chosen by the user: `{"<field>": value}` (the spec's
/// single-key dictionaries: `{"term": {"user.id": {...}}}`).
///
/// ```
/// use es_types::SingleKey;
/// let k: SingleKey<u32> = serde_json::from_str(r#"{"age": 3}"#).unwrap();
/// assert_eq!((k.key.as_str(), k.value), ("age", 3));
/// assert!(serde_json::from_str::<SingleKey<u32>>(r#"{"a": 1, "b": 2}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SingleKey<V> {
    /// The key (usually a field name).
    pub key: String,
    /// Its value.
    pub value: V,
}

impl<V> SingleKey<V> {
    /// `{key: value}`.
    pub fn new(key: impl Into<String>, value: V) -> Self {
        SingleKey {
            key: key.into(),
            value,
        }
    }
}

impl<V: Serialize> Serialize for SingleKey<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(&self.key, &self.value)?;
        m.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SingleKey<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V1<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V1<V> {
            type Value = SingleKey<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with exactly one key")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<SingleKey<V>, A::Error> {
                let Some(key) = m.next_key::<String>()? else {
                    return Err(de::Error::custom("expected exactly one key, found none"));
                };
                let value = m.next_value()?;
                if let Some(other) = m.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "expected exactly one key, found `{key}` and `{other}`"
                    )));
                }
                Ok(SingleKey { key, value })
            }
        }
        d.deserialize_map(V1(PhantomData))
    }
}

/// One value or a list of them (the spec's `T | T[]`).
///
/// Told apart by the JSON itself (a list is `Many`), so an error inside keeps its path.
///
/// ```
/// use es_types::OneOrMany;
/// let one: OneOrMany<u8> = serde_json::from_str("1").unwrap();
/// let many: OneOrMany<u8> = serde_json::from_str("[1, 2]").unwrap();
/// assert_eq!((one.into_vec(), many.into_vec()), (vec![1], vec![1, 2]));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrMany<T> {
    /// One value.
    One(T),
    /// A list.
    Many(Vec<T>),
}

crate::untagged_serde!(serialize OneOrMany<T> { One, Many });

impl<T> OneOrMany<T> {
    /// The values, one or many, as a slice.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(t) => std::slice::from_ref(t),
            OneOrMany::Many(v) => v,
        }
    }
    /// The values in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }
    /// The values as a list.
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(t: T) -> Self {
        OneOrMany::One(t)
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(v: Vec<T>) -> Self {
        OneOrMany::Many(v)
    }
}

impl From<&str> for OneOrMany<String> {
    fn from(s: &str) -> Self {
        OneOrMany::One(s.to_string())
    }
}

impl From<Vec<&str>> for OneOrMany<String> {
    fn from(v: Vec<&str>) -> Self {
        OneOrMany::Many(v.into_iter().map(str::to_string).collect())
    }
}

/// Forwards whatever JSON comes to `T`, except lists (handled by `seq`).
macro_rules! forward_scalars {
    ($t:ty, $wrap:expr) => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            <$t>::deserialize(v.into_deserializer()).map($wrap)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            <$t>::deserialize(v.into_deserializer()).map($wrap)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            <$t>::deserialize(v.into_deserializer()).map($wrap)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            <$t>::deserialize(v.into_deserializer()).map($wrap)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            <$t>::deserialize(v.into_deserializer()).map($wrap)
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            <$t>::deserialize(v.into_deserializer()).map($wrap)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            <$t>::deserialize(().into_deserializer()).map($wrap)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            <$t>::deserialize(().into_deserializer()).map($wrap)
        }
    };
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or a list of values")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<T>::deserialize(SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
            forward_scalars!(T, OneOrMany::One);
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// Declares a specification enum: its wire names (and aliases), `true` / `false` members
/// written as JSON booleans, for open enums an `Other` variant keeping unknown names, and
/// `Display` as the wire name.
#[doc(hidden)]
#[macro_export]
macro_rules! spec_enum {
    (
        $(#[$meta:meta])*
        $name:ident $(open $other:ident)? {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $([$($alias:literal),*])? ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            $(
                /// A value this version of the specification does not know.
                $other(String),
            )?
        }

        impl $name {
            /// The name on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $( $name::$other(s) => s, )?
                }
            }
        }

        // Printed as on the wire (`green`), as elasticsearch-py's strings print.
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self.as_str() {
                    "true" => s.serialize_bool(true),
                    "false" => s.serialize_bool(false),
                    other => s.serialize_str(other),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> ::serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("one of: ", $($wire, " "),*))
                    }
                    fn visit_bool<E: ::serde::de::Error>(self, b: bool) -> Result<$name, E> {
                        self.visit_str(if b { "true" } else { "false" })
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $(
                            if v == $wire $($(|| v == $alias)*)? {
                                return Ok($name::$variant);
                            }
                        )*
                        $( return Ok($name::$other(v.to_string())); )?
                        #[allow(unreachable_code)]
                        Err(E::unknown_variant(v, &[$($wire),*]))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

/// Chainable setters of a generated struct: `plain name: Type` sets `Some(v.into())`,
/// `boxed name: Type` sets `Some(Box::new(v.into()))`.
#[doc(hidden)]
#[macro_export]
macro_rules! setters {
    ($( $how:ident $f:ident: $t:ty ),* $(,)?) => {
        $( $crate::__setter!($how $f $t); )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __setter {
    (plain $f:ident $t:ty) => {
        #[doc = concat!("Sets `", stringify!($f), "`.")]
        pub fn $f(mut self, v: impl Into<$t>) -> Self {
            self.$f = Some(v.into());
            self
        }
    };
    (boxed $f:ident $t:ty) => {
        #[doc = concat!("Sets `", stringify!($f), "`.")]
        pub fn $f(mut self, v: impl Into<$t>) -> Self {
            self.$f = Some(Box::new(v.into()));
            self
        }
    };
}

/// `json` read as `T` when it fits the specification, else `raw(json)` (the raw escape of
/// the sugar constructors and `with`).
pub(crate) fn typed_or_raw<T: DeserializeOwned>(json: Value, raw: impl FnOnce(Value) -> T) -> T {
    T::deserialize(&json).unwrap_or_else(|_| raw(json))
}
