//! Server functions: the request/response calls of the pages. Each one is thin: it finds the caller from the
//! session cookie, calls the [`backend::Backend`] the server provides as context, and returns its typed
//! [`Problem`](crate::domain::Problem) on failure. The live feed does not use these; it speaks the WebSocket
//! protocol (`docs/protocol.md`). Every server function answers through [`codec::TextJson`]
//! (`#[server(output = TextJson)]`): one with the default `Json` would bring a second copy of its types'
//! deserializers into the browser bundle.

pub mod auth;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod campaigns;
pub mod codec;
mod error;

pub use error::ApiError;
