//! The serde, `Debug`, `Clone` and `PartialEq` implementations of every `api_struct!` type,
//! written once, driven by a description of the struct.
//!
//! Why: es-types has some 2,500 such structs, and rustc's cost is per function body. A
//! struct's own impls are one-line calls into the generic functions here; what they need to
//! know about the struct is in its [`Record`] impl — the fields' names and offsets (a
//! constant) and the fields' types as a type-level list ([`Cons`] / [`Nil`] of [`Req`],
//! [`Def`], [`Opt`] and [`Extra`] slots). The functions walk that list, so they are
//! monomorphized per struct only where a program uses it, with no dynamic dispatch, and
//! es-types itself type-checks a handful of bodies instead of seven per struct.
//!
//! Safety: `Record` is an unsafe trait. An implementation promises that `List` has one slot
//! per field of the struct, in the order of `FIELDS`, that each slot's `Ty` is that field's
//! type and each `FieldInfo::offset` its offset (`offset_of!`). `api_struct!` writes every
//! implementation from one list of fields, so the promise holds by construction.

#![allow(unsafe_code)]

use std::fmt;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// One field of a [`Record`].
#[doc(hidden)]
pub struct FieldInfo {
    /// The Rust name (for `Debug`).
    pub name: &'static str,
    /// The name on the wire (empty for the map of extra keys).
    pub wire: &'static str,
    /// Other names read for it (cat's short column names, camelCase forms).
    pub aliases: &'static [&'static str],
    /// `offset_of!` the field.
    pub offset: usize,
}

/// A struct described for the functions of this module.
///
/// # Safety
/// See the module docs: `List` and `FIELDS` describe every field, in one order, with its
/// true type and offset; `EXTRA` is the index of the [`Extra`] slot if there is one.
#[doc(hidden)]
pub unsafe trait Record: Sized {
    /// The type's name, for messages and `Debug`.
    const NAME: &'static str;
    /// The fields, in the order of `List`.
    const FIELDS: &'static [FieldInfo];
    /// The wire names an unknown-field error lists.
    const EXPECTED: &'static [&'static str];
    /// Whether an unknown key is an error (request bodies) rather than skipped.
    const REFUSE: bool;
    /// The index of the slot that collects unknown keys.
    const EXTRA: Option<usize>;
    /// The field a bare (non-object) value stands for.
    const SHORTCUT: Option<&'static str>;
    /// The slots, one per field.
    type List;
}

/// The end of a slot list.
#[doc(hidden)]
pub struct Nil;
/// A slot list: `H` then `T`.
#[doc(hidden)]
pub struct Cons<H, T>(PhantomData<fn() -> (H, T)>);
/// A slot list: the list `L` (a group of up to eight slots) then `T`. Grouping keeps the
/// nesting shallow, so a struct of a hundred fields stays within the compiler's default
/// recursion limit where it is used.
#[doc(hidden)]
pub struct Group<L, T>(PhantomData<fn() -> (L, T)>);
/// A field the input must carry.
#[doc(hidden)]
pub struct Req<T>(PhantomData<fn() -> T>);
/// A field that reads as `T::default()` when missing and is always written.
#[doc(hidden)]
pub struct Def<T>(PhantomData<fn() -> T>);
/// An `Option<T>` field (`Opt<Option<T>>`): `None` when missing, not written when `None`.
#[doc(hidden)]
pub struct Opt<T>(PhantomData<fn() -> T>);
/// An `Option<Option<T>>` field of an answer (`Nul<Option<Option<T>>>`): `None` when
/// missing, `Some(None)` for `null`, written back as it came.
#[doc(hidden)]
pub struct Nul<T>(PhantomData<fn() -> T>);
/// The keys the struct does not name, read into and written flat from a [`Collect`]
/// (`BTreeMap<String, V>`, or the sub-aggregation results of a bucket).
#[doc(hidden)]
pub struct Extra<C>(PhantomData<fn() -> C>);

/// What gathers the keys a struct does not name.
#[doc(hidden)]
pub trait Collect<'de>: Default {
    /// Adds the key just read, reading its value from `m`.
    fn add<A: MapAccess<'de>>(&mut self, key: String, m: &mut A) -> Result<(), A::Error>;
}

/// Writing what a [`Collect`] gathered, flat into the struct's map.
#[doc(hidden)]
pub trait CollectSer {
    /// Writes every entry.
    fn write<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error>;
}

impl<'de, V: Deserialize<'de>> Collect<'de> for std::collections::BTreeMap<String, V> {
    #[inline]
    fn add<A: MapAccess<'de>>(&mut self, key: String, m: &mut A) -> Result<(), A::Error> {
        self.insert(key, m.next_value()?);
        Ok(())
    }
}

impl<V: Serialize> CollectSer for std::collections::BTreeMap<String, V> {
    #[inline]
    fn write<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        self.iter().try_for_each(|(k, v)| m.serialize_entry(k, v))
    }
}

/// What a slot holds and what a missing key means for it.
#[doc(hidden)]
pub trait Slot {
    /// The field's type.
    type Ty;
    /// The value of a missing key; `None` when it must be present.
    fn missing() -> Option<Self::Ty>;
}

impl<T> Slot for Req<T> {
    type Ty = T;
    #[inline]
    fn missing() -> Option<T> {
        None
    }
}
impl<T: Default> Slot for Def<T> {
    type Ty = T;
    #[inline]
    fn missing() -> Option<T> {
        Some(T::default())
    }
}
impl<T> Slot for Opt<Option<T>> {
    type Ty = Option<T>;
    #[inline]
    fn missing() -> Option<Option<T>> {
        Some(None)
    }
}
impl<T> Slot for Nul<Option<Option<T>>> {
    type Ty = Option<Option<T>>;
    #[inline]
    fn missing() -> Option<Self::Ty> {
        Some(None)
    }
}
impl<C: Default> Slot for Extra<C> {
    type Ty = C;
    #[inline]
    fn missing() -> Option<C> {
        Some(C::default())
    }
}

/// Writing a slot's value into a map.
#[doc(hidden)]
pub trait SlotSer: Slot {
    /// Writes `v` under `wire` (or nothing, or its entries flat).
    fn write<M: SerializeMap>(wire: &'static str, v: &Self::Ty, m: &mut M) -> Result<(), M::Error>;
}
impl<T: Serialize> SlotSer for Req<T> {
    #[inline]
    fn write<M: SerializeMap>(wire: &'static str, v: &T, m: &mut M) -> Result<(), M::Error> {
        m.serialize_entry(wire, v)
    }
}
impl<T: Serialize + Default> SlotSer for Def<T> {
    #[inline]
    fn write<M: SerializeMap>(wire: &'static str, v: &T, m: &mut M) -> Result<(), M::Error> {
        m.serialize_entry(wire, v)
    }
}
impl<T: Serialize> SlotSer for Opt<Option<T>> {
    #[inline]
    fn write<M: SerializeMap>(
        wire: &'static str,
        v: &Option<T>,
        m: &mut M,
    ) -> Result<(), M::Error> {
        match v {
            Some(v) => m.serialize_entry(wire, v),
            None => Ok(()),
        }
    }
}
impl<T: Serialize> SlotSer for Nul<Option<Option<T>>> {
    #[inline]
    fn write<M: SerializeMap>(
        wire: &'static str,
        v: &Option<Option<T>>,
        m: &mut M,
    ) -> Result<(), M::Error> {
        match v {
            Some(v) => m.serialize_entry(wire, v),
            None => Ok(()),
        }
    }
}
impl<C: CollectSer + Default> SlotSer for Extra<C> {
    #[inline]
    fn write<M: SerializeMap>(_: &'static str, v: &C, m: &mut M) -> Result<(), M::Error> {
        v.write(m)
    }
}

/// Reading a slot's value from a map (`Extra` reads one unknown key's value).
#[doc(hidden)]
pub trait SlotDe<'de>: Slot {
    /// Reads the value of the key just read.
    fn read<A: MapAccess<'de>>(m: &mut A) -> Result<Self::Ty, A::Error>;
    /// Adds an unknown key's value (the `Extra` slot only).
    fn add<A: MapAccess<'de>>(_: &mut Self::Ty, _: String, m: &mut A) -> Result<(), A::Error> {
        m.next_value::<de::IgnoredAny>().map(|_| ())
    }
}
impl<'de, T: Deserialize<'de>> SlotDe<'de> for Req<T> {
    #[inline]
    fn read<A: MapAccess<'de>>(m: &mut A) -> Result<T, A::Error> {
        m.next_value()
    }
}
impl<'de, T: Deserialize<'de> + Default> SlotDe<'de> for Def<T> {
    #[inline]
    fn read<A: MapAccess<'de>>(m: &mut A) -> Result<T, A::Error> {
        m.next_value()
    }
}
impl<'de, T: Deserialize<'de>> SlotDe<'de> for Opt<Option<T>> {
    #[inline]
    fn read<A: MapAccess<'de>>(m: &mut A) -> Result<Option<T>, A::Error> {
        m.next_value()
    }
}
impl<'de, T: Deserialize<'de>> SlotDe<'de> for Nul<Option<Option<T>>> {
    #[inline]
    fn read<A: MapAccess<'de>>(m: &mut A) -> Result<Option<Option<T>>, A::Error> {
        m.next_value().map(Some)
    }
}
impl<'de, C: Collect<'de>> SlotDe<'de> for Extra<C> {
    #[inline]
    fn read<A: MapAccess<'de>>(m: &mut A) -> Result<C, A::Error> {
        // Never reached: the extra slot has no wire name of its own.
        m.next_value::<de::IgnoredAny>()?;
        Ok(C::default())
    }
    #[inline]
    fn add<A: MapAccess<'de>>(c: &mut C, k: String, m: &mut A) -> Result<(), A::Error> {
        c.add(k, m)
    }
}

/// Which fields a read has set (up to 512).
#[doc(hidden)]
pub struct Bits([u64; 8]);

impl Bits {
    #[inline]
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    #[inline]
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    #[inline]
    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
}

/// The slot list's operations; `i` counts down to the slot meant, `f` is the rest of
/// `FIELDS` from the current slot on.
///
/// # Safety
/// `base` points at a value of the record the list describes (for `read_at` / `fill`, at
/// its possibly uninitialized storage); the caller keeps the set bits truthful.
#[doc(hidden)]
pub unsafe trait List {
    /// The number of slots.
    const LEN: usize;
    /// Drops the fields whose bit is set.
    unsafe fn drop_set(bits: &Bits, at: usize, f: &[FieldInfo], base: *mut u8);
    /// Drops field `i`.
    unsafe fn drop_at(i: usize, f: &[FieldInfo], base: *mut u8);
}

unsafe impl List for Nil {
    const LEN: usize = 0;
    #[inline]
    unsafe fn drop_set(_: &Bits, _: usize, _: &[FieldInfo], _: *mut u8) {}
    #[inline]
    unsafe fn drop_at(_: usize, _: &[FieldInfo], _: *mut u8) {}
}

unsafe impl<H: Slot, T: List> List for Cons<H, T> {
    const LEN: usize = 1 + T::LEN;
    #[inline]
    unsafe fn drop_set(bits: &Bits, at: usize, f: &[FieldInfo], base: *mut u8) {
        if bits.get(at) {
            std::ptr::drop_in_place(base.add(f[0].offset).cast::<H::Ty>());
        }
        T::drop_set(bits, at + 1, &f[1..], base)
    }
    #[inline]
    unsafe fn drop_at(i: usize, f: &[FieldInfo], base: *mut u8) {
        if i == 0 {
            std::ptr::drop_in_place(base.add(f[0].offset).cast::<H::Ty>());
        } else {
            T::drop_at(i - 1, &f[1..], base)
        }
    }
}

/// Reading a list.
#[doc(hidden)]
pub unsafe trait ListDe<'de>: List {
    /// Reads the value of slot `i` into its place.
    unsafe fn read_at<A: MapAccess<'de>>(
        i: usize,
        f: &[FieldInfo],
        base: *mut u8,
        m: &mut A,
    ) -> Result<(), A::Error>;
    /// Adds an unknown key to slot `i` (the extra map, set).
    unsafe fn add_at<A: MapAccess<'de>>(
        i: usize,
        f: &[FieldInfo],
        base: *mut u8,
        k: String,
        m: &mut A,
    ) -> Result<(), A::Error>;
    /// Writes the missing value of slot `i` (the extra map: empty), if it has one.
    unsafe fn init_at(i: usize, f: &[FieldInfo], base: *mut u8);
    /// Writes the missing value of every field not set, setting its bit; the wire name of
    /// the first required one missing is the error.
    unsafe fn fill(
        bits: &mut Bits,
        at: usize,
        f: &[FieldInfo],
        base: *mut u8,
    ) -> Result<(), &'static str>;
}

unsafe impl<'de> ListDe<'de> for Nil {
    #[inline]
    unsafe fn read_at<A: MapAccess<'de>>(
        _: usize,
        _: &[FieldInfo],
        _: *mut u8,
        m: &mut A,
    ) -> Result<(), A::Error> {
        m.next_value::<de::IgnoredAny>().map(|_| ())
    }
    #[inline]
    unsafe fn add_at<A: MapAccess<'de>>(
        _: usize,
        _: &[FieldInfo],
        _: *mut u8,
        _: String,
        m: &mut A,
    ) -> Result<(), A::Error> {
        m.next_value::<de::IgnoredAny>().map(|_| ())
    }
    #[inline]
    unsafe fn init_at(_: usize, _: &[FieldInfo], _: *mut u8) {}
    #[inline]
    unsafe fn fill(
        _: &mut Bits,
        _: usize,
        _: &[FieldInfo],
        _: *mut u8,
    ) -> Result<(), &'static str> {
        Ok(())
    }
}

unsafe impl<'de, H: SlotDe<'de>, T: ListDe<'de>> ListDe<'de> for Cons<H, T> {
    #[inline]
    unsafe fn read_at<A: MapAccess<'de>>(
        i: usize,
        f: &[FieldInfo],
        base: *mut u8,
        m: &mut A,
    ) -> Result<(), A::Error> {
        if i == 0 {
            let v = H::read(m)?;
            base.add(f[0].offset).cast::<H::Ty>().write(v);
            Ok(())
        } else {
            T::read_at(i - 1, &f[1..], base, m)
        }
    }
    #[inline]
    unsafe fn add_at<A: MapAccess<'de>>(
        i: usize,
        f: &[FieldInfo],
        base: *mut u8,
        k: String,
        m: &mut A,
    ) -> Result<(), A::Error> {
        if i == 0 {
            H::add(&mut *base.add(f[0].offset).cast::<H::Ty>(), k, m)
        } else {
            T::add_at(i - 1, &f[1..], base, k, m)
        }
    }
    #[inline]
    unsafe fn init_at(i: usize, f: &[FieldInfo], base: *mut u8) {
        if i == 0 {
            if let Some(v) = H::missing() {
                base.add(f[0].offset).cast::<H::Ty>().write(v);
            }
        } else {
            T::init_at(i - 1, &f[1..], base)
        }
    }
    #[inline]
    unsafe fn fill(
        bits: &mut Bits,
        at: usize,
        f: &[FieldInfo],
        base: *mut u8,
    ) -> Result<(), &'static str> {
        if !bits.get(at) {
            match H::missing() {
                Some(v) => {
                    base.add(f[0].offset).cast::<H::Ty>().write(v);
                    bits.set(at);
                }
                None => return Err(f[0].wire),
            }
        }
        T::fill(bits, at + 1, &f[1..], base)
    }
}

/// Writing, showing, cloning and comparing a list's fields.
#[doc(hidden)]
pub unsafe trait ListSer: List {
    /// Writes every field (as its slot says) into `m`.
    unsafe fn write<M: SerializeMap>(
        f: &[FieldInfo],
        base: *const u8,
        m: &mut M,
    ) -> Result<(), M::Error>;
}
unsafe impl ListSer for Nil {
    #[inline]
    unsafe fn write<M: SerializeMap>(
        _: &[FieldInfo],
        _: *const u8,
        _: &mut M,
    ) -> Result<(), M::Error> {
        Ok(())
    }
}
unsafe impl<H: SlotSer, T: ListSer> ListSer for Cons<H, T> {
    #[inline]
    unsafe fn write<M: SerializeMap>(
        f: &[FieldInfo],
        base: *const u8,
        m: &mut M,
    ) -> Result<(), M::Error> {
        H::write(f[0].wire, &*base.add(f[0].offset).cast::<H::Ty>(), m)?;
        T::write(&f[1..], base, m)
    }
}

#[doc(hidden)]
pub unsafe trait ListDebug: List {
    /// Adds every field to `d`.
    unsafe fn debug(f: &[FieldInfo], base: *const u8, d: &mut fmt::DebugStruct<'_, '_>);
}
unsafe impl ListDebug for Nil {
    #[inline]
    unsafe fn debug(_: &[FieldInfo], _: *const u8, _: &mut fmt::DebugStruct<'_, '_>) {}
}
unsafe impl<H: Slot, T: ListDebug> ListDebug for Cons<H, T>
where
    H::Ty: fmt::Debug,
{
    #[inline]
    unsafe fn debug(f: &[FieldInfo], base: *const u8, d: &mut fmt::DebugStruct<'_, '_>) {
        d.field(f[0].name, &*base.add(f[0].offset).cast::<H::Ty>());
        T::debug(&f[1..], base, d)
    }
}

#[doc(hidden)]
pub unsafe trait ListClone: List {
    /// Clones every field of `src` into `dst`'s storage (a panic leaks what was cloned).
    unsafe fn clone(f: &[FieldInfo], src: *const u8, dst: *mut u8);
}
unsafe impl ListClone for Nil {
    #[inline]
    unsafe fn clone(_: &[FieldInfo], _: *const u8, _: *mut u8) {}
}
unsafe impl<H: Slot, T: ListClone> ListClone for Cons<H, T>
where
    H::Ty: Clone,
{
    #[inline]
    unsafe fn clone(f: &[FieldInfo], src: *const u8, dst: *mut u8) {
        let o = f[0].offset;
        dst.add(o)
            .cast::<H::Ty>()
            .write((*src.add(o).cast::<H::Ty>()).clone());
        T::clone(&f[1..], src, dst)
    }
}

#[doc(hidden)]
pub unsafe trait ListEq: List {
    /// Whether every field of `a` equals `b`'s.
    unsafe fn eq(f: &[FieldInfo], a: *const u8, b: *const u8) -> bool;
}
unsafe impl ListEq for Nil {
    #[inline]
    unsafe fn eq(_: &[FieldInfo], _: *const u8, _: *const u8) -> bool {
        true
    }
}
unsafe impl<H: Slot, T: ListEq> ListEq for Cons<H, T>
where
    H::Ty: PartialEq,
{
    #[inline]
    unsafe fn eq(f: &[FieldInfo], a: *const u8, b: *const u8) -> bool {
        let o = f[0].offset;
        *a.add(o).cast::<H::Ty>() == *b.add(o).cast::<H::Ty>() && T::eq(&f[1..], a, b)
    }
}

unsafe impl<L: List, T: List> List for Group<L, T> {
    const LEN: usize = L::LEN + T::LEN;
    #[inline]
    unsafe fn drop_set(bits: &Bits, at: usize, f: &[FieldInfo], base: *mut u8) {
        L::drop_set(bits, at, f, base);
        T::drop_set(bits, at + L::LEN, &f[L::LEN..], base)
    }
    #[inline]
    unsafe fn drop_at(i: usize, f: &[FieldInfo], base: *mut u8) {
        if i < L::LEN {
            L::drop_at(i, f, base)
        } else {
            T::drop_at(i - L::LEN, &f[L::LEN..], base)
        }
    }
}

unsafe impl<'de, L: ListDe<'de>, T: ListDe<'de>> ListDe<'de> for Group<L, T> {
    #[inline]
    unsafe fn read_at<A: MapAccess<'de>>(
        i: usize,
        f: &[FieldInfo],
        base: *mut u8,
        m: &mut A,
    ) -> Result<(), A::Error> {
        if i < L::LEN {
            L::read_at(i, f, base, m)
        } else {
            T::read_at(i - L::LEN, &f[L::LEN..], base, m)
        }
    }
    #[inline]
    unsafe fn add_at<A: MapAccess<'de>>(
        i: usize,
        f: &[FieldInfo],
        base: *mut u8,
        k: String,
        m: &mut A,
    ) -> Result<(), A::Error> {
        if i < L::LEN {
            L::add_at(i, f, base, k, m)
        } else {
            T::add_at(i - L::LEN, &f[L::LEN..], base, k, m)
        }
    }
    #[inline]
    unsafe fn init_at(i: usize, f: &[FieldInfo], base: *mut u8) {
        if i < L::LEN {
            L::init_at(i, f, base)
        } else {
            T::init_at(i - L::LEN, &f[L::LEN..], base)
        }
    }
    #[inline]
    unsafe fn fill(
        bits: &mut Bits,
        at: usize,
        f: &[FieldInfo],
        base: *mut u8,
    ) -> Result<(), &'static str> {
        L::fill(bits, at, f, base)?;
        T::fill(bits, at + L::LEN, &f[L::LEN..], base)
    }
}

unsafe impl<L: ListSer, T: ListSer> ListSer for Group<L, T> {
    #[inline]
    unsafe fn write<M: SerializeMap>(
        f: &[FieldInfo],
        base: *const u8,
        m: &mut M,
    ) -> Result<(), M::Error> {
        L::write(f, base, m)?;
        T::write(&f[L::LEN..], base, m)
    }
}

unsafe impl<L: ListDebug, T: ListDebug> ListDebug for Group<L, T> {
    #[inline]
    unsafe fn debug(f: &[FieldInfo], base: *const u8, d: &mut fmt::DebugStruct<'_, '_>) {
        L::debug(f, base, d);
        T::debug(&f[L::LEN..], base, d)
    }
}

unsafe impl<L: ListClone, T: ListClone> ListClone for Group<L, T> {
    #[inline]
    unsafe fn clone(f: &[FieldInfo], src: *const u8, dst: *mut u8) {
        L::clone(f, src, dst);
        T::clone(&f[L::LEN..], src, dst)
    }
}

unsafe impl<L: ListEq, T: ListEq> ListEq for Group<L, T> {
    #[inline]
    unsafe fn eq(f: &[FieldInfo], a: *const u8, b: *const u8) -> bool {
        L::eq(f, a, b) && T::eq(&f[L::LEN..], a, b)
    }
}

/// A key: a field's index, or a key the struct does not name.
enum Found<'de> {
    Field(usize),
    Unknown(crate::api::Key<'de>),
}

/// Reads a key and finds its field, refusing an unknown one in the key itself when the
/// record is a request body (so an error path names the key, as serde's derive does).
struct Seed<R>(PhantomData<fn() -> R>);

impl<'de, R: Record> DeserializeSeed<'de> for Seed<R> {
    type Value = Found<'de>;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found<'de>, D::Error> {
        let k = crate::api::Key::deserialize(d)?;
        let s = k.as_str();
        for (i, f) in R::FIELDS.iter().enumerate() {
            if (f.wire == s && !f.wire.is_empty()) || f.aliases.contains(&s) {
                return Ok(Found::Field(i));
            }
        }
        if R::REFUSE {
            return Err(de::Error::unknown_field(s, R::EXPECTED));
        }
        Ok(Found::Unknown(k))
    }
}

/// Drops what a read had set when it stops early.
struct Partial<R: Record>
where
    R::List: List,
{
    out: MaybeUninit<R>,
    bits: Bits,
}

impl<R: Record> Drop for Partial<R>
where
    R::List: List,
{
    fn drop(&mut self) {
        // SAFETY: exactly the fields whose bit is set were written.
        unsafe {
            <R::List as List>::drop_set(&self.bits, 0, R::FIELDS, self.out.as_mut_ptr().cast())
        }
    }
}

struct RecordVisitor<R>(PhantomData<fn() -> R>);

impl<'de, R: Record> Visitor<'de> for RecordVisitor<R>
where
    R::List: ListDe<'de>,
{
    type Value = R;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object ({})", R::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<R, A::Error> {
        let mut p = Partial::<R> {
            out: MaybeUninit::uninit(),
            bits: Bits([0; 8]),
        };
        let base: *mut u8 = p.out.as_mut_ptr().cast();
        while let Some(k) = m.next_key_seed(Seed::<R>(PhantomData))? {
            match k {
                Found::Field(i) => {
                    // SAFETY: `i` < FIELDS.len(); a set field is dropped before it is
                    // written again (a repeated key: the last value wins).
                    unsafe {
                        if p.bits.get(i) {
                            <R::List as List>::drop_at(i, R::FIELDS, base);
                            p.bits.clear(i);
                        }
                        <R::List as ListDe<'de>>::read_at(i, R::FIELDS, base, &mut m)?;
                    }
                    p.bits.set(i);
                }
                Found::Unknown(k) => match R::EXTRA {
                    Some(x) => unsafe {
                        // SAFETY: the extra map is created (and its bit set) before use.
                        if !p.bits.get(x) {
                            <R::List as ListDe<'de>>::init_at(x, R::FIELDS, base);
                            p.bits.set(x);
                        }
                        <R::List as ListDe<'de>>::add_at(
                            x,
                            R::FIELDS,
                            base,
                            k.into_string(),
                            &mut m,
                        )?;
                    },
                    None => {
                        m.next_value::<de::IgnoredAny>()?;
                    }
                },
            }
        }
        // SAFETY: fills exactly the unset fields, setting their bits.
        unsafe { <R::List as ListDe<'de>>::fill(&mut p.bits, 0, R::FIELDS, base) }
            .map_err(de::Error::missing_field)?;
        // Every field is written: hand the value out without dropping it.
        let p = std::mem::ManuallyDrop::new(p);
        // SAFETY: all fields initialized (fill succeeded); `p` is not dropped.
        Ok(unsafe { std::ptr::read(&p.out).assume_init() })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<R, E> {
        self.bare(serde_json::Value::from(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<R, E> {
        self.bare(serde_json::Value::from(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<R, E> {
        self.bare(serde_json::Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<R, E> {
        self.bare(serde_json::Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<R, E> {
        self.bare(serde_json::Value::from(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<R, E> {
        self.bare(serde_json::Value::Null)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<R, A::Error> {
        // A list shortcut is buffered: its items are owned values.
        let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.bare(v)
    }
}

impl<'de, R: Record> RecordVisitor<R>
where
    R::List: ListDe<'de>,
{
    /// A bare value: the shortcut field's value (`"analyzer": "standard"` for
    /// `{"analyzer": {"type": "standard"}}`), or the error serde gives for a non-object.
    fn bare<E: de::Error>(self, v: serde_json::Value) -> Result<R, E> {
        match R::SHORTCUT {
            Some(name) => self.visit_map(crate::api::shortcut(name, v)),
            None => Err(de::Error::invalid_type(unexpected(&v), &self)),
        }
    }
}

fn unexpected(v: &serde_json::Value) -> de::Unexpected<'_> {
    use serde_json::Value as V;
    match v {
        V::Null => de::Unexpected::Unit,
        V::Bool(b) => de::Unexpected::Bool(*b),
        V::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => de::Unexpected::Signed(i),
            (_, Some(u)) => de::Unexpected::Unsigned(u),
            _ => de::Unexpected::Float(n.as_f64().unwrap_or(0.0)),
        },
        V::String(s) => de::Unexpected::Str(s),
        V::Array(_) => de::Unexpected::Seq,
        V::Object(_) => de::Unexpected::Map,
    }
}

/// `Deserialize::deserialize` of a record.
#[doc(hidden)]
#[inline]
pub fn read<'de, R: Record, D: Deserializer<'de>>(d: D) -> Result<R, D::Error>
where
    R::List: ListDe<'de>,
{
    if R::SHORTCUT.is_some() {
        d.deserialize_any(RecordVisitor::<R>(PhantomData))
    } else {
        d.deserialize_map(RecordVisitor::<R>(PhantomData))
    }
}

/// `Serialize::serialize` of a record: present fields only, as a map.
#[doc(hidden)]
#[inline]
pub fn write<R: Record, S: Serializer>(r: &R, s: S) -> Result<S::Ok, S::Error>
where
    R::List: ListSer,
{
    let mut m = s.serialize_map(None)?;
    write_fields(r, &mut m)?;
    m.end()
}

/// Writes a record's fields into a map already begun (an internally tagged union writes
/// its tag first).
#[doc(hidden)]
#[inline]
pub fn write_fields<R: Record, M: SerializeMap>(r: &R, m: &mut M) -> Result<(), M::Error>
where
    R::List: ListSer,
{
    // SAFETY: `r` is a record of the list's layout.
    unsafe { <R::List as ListSer>::write(R::FIELDS, (r as *const R).cast(), m) }
}

/// `Debug::fmt` of a record, as the derive writes it.
#[doc(hidden)]
#[inline]
pub fn debug<R: Record>(r: &R, f: &mut fmt::Formatter<'_>) -> fmt::Result
where
    R::List: ListDebug,
{
    let mut d = f.debug_struct(R::NAME);
    // SAFETY: `r` is a record of the list's layout.
    unsafe { <R::List as ListDebug>::debug(R::FIELDS, (r as *const R).cast(), &mut d) };
    d.finish()
}

/// `Clone::clone` of a record, field by field.
#[doc(hidden)]
#[inline]
pub fn clone<R: Record>(r: &R) -> R
where
    R::List: ListClone,
{
    let mut out = MaybeUninit::<R>::uninit();
    // SAFETY: every field of `out` is written from `r`'s.
    unsafe {
        <R::List as ListClone>::clone(R::FIELDS, (r as *const R).cast(), out.as_mut_ptr().cast());
        out.assume_init()
    }
}

/// `PartialEq::eq` of two records, field by field.
#[doc(hidden)]
#[inline]
pub fn eq<R: Record>(a: &R, b: &R) -> bool
where
    R::List: ListEq,
{
    // SAFETY: both are records of the list's layout.
    unsafe { <R::List as ListEq>::eq(R::FIELDS, (a as *const R).cast(), (b as *const R).cast()) }
}
