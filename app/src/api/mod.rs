//! Server functions: the request/response calls of the pages. Each one is thin: it finds the caller from the
//! session cookie, calls the [`backend::Backend`] the server provides as context, and returns its typed
//! [`Problem`](crate::domain::Problem) on failure. The live feed does not use these; it speaks the WebSocket
//! protocol (`docs/protocol.md`).

pub mod auth;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod campaigns;
pub mod codec;
mod error;
