//! The shared domain, compiled on its own for fuzzing: it imports nothing but serde, serde_json and ulid.
#![allow(dead_code)]

#[path = "../../app/src/domain/mod.rs"]
pub mod domain;
