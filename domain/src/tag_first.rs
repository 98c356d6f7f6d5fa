//! Reading an internally tagged enum (`{"type": "chat.message", ...}`) whose tag comes first, without serde's
//! buffering.
//!
//! serde's derive reads `#[serde(tag = "type")]` by first copying the whole object into its private `Content`
//! tree (the tag may come last), then reading every variant's fields a second time from that tree. That second
//! reader is a second copy of every message type's `Deserialize` code: for the server's frames it was about
//! 23 KB of the browser's gzipped `.wasm` (BENCHMARKS.md). Our own serializer always writes the tag first, so
//! the reader here takes the first key as the variant and hands the rest of the same object to the variant's
//! fields, as an externally tagged enum would be read: one pass, one copy of the code.
//!
//! [`tag_first_enum!`] declares the enum once and derives both sides from that one declaration: `Serialize`
//! (internally tagged) on the enum, and `Deserialize` through a private externally tagged twin
//! (`#[serde(remote)]`) read by [`TagFirst`].

use serde::de::{self, DeserializeSeed, IgnoredAny, IntoDeserializer, MapAccess, Visitor};
use serde::forward_to_deserialize_any;
use std::fmt;

/// Declares an enum serialized with `#[serde(tag = $tag)]` and read by [`TagFirst`]: the tag must be the
/// object's first key. Variants are struct variants; their attributes (renames, defaults) apply to both sides.
/// `remote` is the enum's own name as a string (serde's `remote` attribute takes no macro).
macro_rules! tag_first_enum {
    (
        tag = $tag:literal, remote = $remote:literal, wire = $wire:ident;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident { $( $(#[$field_meta:meta])* $field:ident : $field_type:ty ),* $(,)? }
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        #[serde(tag = $tag)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant { $( $(#[$field_meta])* $field: $field_type ),* } ),*
        }

        /// The same enum externally tagged, so that [`TagFirst`](crate::tag_first::TagFirst) can read it
        /// in one pass; never built, only its derived reader is used.
        #[derive(serde::Deserialize)]
        #[serde(remote = $remote)]
        #[allow(dead_code)]
        enum $wire {
            $( $(#[$variant_meta])* $variant { $( $(#[$field_meta])* $field: $field_type ),* } ),*
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $wire::deserialize($crate::tag_first::TagFirst::new(deserializer, $tag))
            }
        }
    };
}

pub(crate) use tag_first_enum;

/// A deserializer that presents `{"<tag>": "variant", ...fields}` to an externally tagged enum's reader.
pub struct TagFirst<D> {
    inner: D,
    tag: &'static str,
}

impl<D> TagFirst<D> {
    /// Wraps `inner`, whose next value is an object that must begin with `tag`.
    pub fn new(inner: D, tag: &'static str) -> Self {
        Self { inner, tag }
    }
}

impl<'de, D: de::Deserializer<'de>> de::Deserializer<'de> for TagFirst<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.inner.deserialize_map(FirstKey { tag: self.tag, visitor })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_any(visitor)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// Reads the object's first entry as the variant's name, then gives the variant the rest of the object.
struct FirstKey<V> {
    tag: &'static str,
    visitor: V,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for FirstKey<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(formatter, "an object whose first key is \"{}\"", self.tag)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if key == self.tag => {
                let variant: String = map.next_value()?;
                self.visitor.visit_enum(Variant {
                    name: variant,
                    rest: map,
                })
            }
            _ => Err(de::Error::custom(format_args!(
                "expected \"{}\" as the object's first key",
                self.tag
            ))),
        }
    }
}

/// The variant's name and the object's remaining entries, which are its fields.
struct Variant<A> {
    name: String,
    rest: A,
}

impl<'de, A: MapAccess<'de>> de::EnumAccess<'de> for Variant<A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), A::Error> {
        let name: de::value::StrDeserializer<A::Error> = self.name.as_str().into_deserializer();
        let value = seed.deserialize(name)?;
        Ok((value, self))
    }
}

impl<'de, A: MapAccess<'de>> de::VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.rest.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        seed.deserialize(de::value::MapAccessDeserializer::new(self.rest))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Map, &visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.rest)
    }
}
