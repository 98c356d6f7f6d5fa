//! Lets [`Problem`] travel through server functions intact, so a form can show its code, message and hint.

use super::codec::TextJsonEncoding;
use crate::domain::{ErrorCode, Problem};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

impl FromServerFnError for Problem {
    type Encoder = TextJsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Problem::new(
                ErrorCode::Network,
                "The server could not be reached.",
                "Check your connection and try again.",
            ),
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                Problem::invalid(format!("The form was incomplete: {detail}."), "Fill in every field.")
            }
            _ => Problem::internal(),
        }
    }
}
