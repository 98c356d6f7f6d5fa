//! Lets a [`Problem`] travel through server functions intact, so a form can show its code, message and hint.
//!
//! `Problem` lives in the `domain` crate and `FromServerFnError` in `server_fn`, so the impl needs a type of
//! this crate: [`ApiError`], the same JSON on the wire (`serde(transparent)`).

use super::codec::TextJsonEncoding;
use crate::domain::{ErrorCode, Problem};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The error of every server function: a [`Problem`], serialised exactly as one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiError(pub Problem);

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        Self(problem)
    }
}

impl From<ApiError> for Problem {
    fn from(error: ApiError) -> Self {
        error.0
    }
}

impl std::ops::Deref for ApiError {
    type Target = Problem;

    fn deref(&self) -> &Problem {
        &self.0
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ApiError {}

impl FromServerFnError for ApiError {
    type Encoder = TextJsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self(match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Problem::new(
                ErrorCode::Network,
                "The server could not be reached.",
                "Check your connection and try again.",
            ),
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                Problem::invalid(format!("The form was incomplete: {detail}."), "Fill in every field.")
            }
            _ => Problem::internal(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_error_is_a_problem_on_the_wire() {
        let problem = Problem::not_found("campaign");
        let wire = serde_json::to_string(&ApiError(problem.clone())).unwrap();
        assert_eq!(wire, serde_json::to_string(&problem).unwrap());
        assert_eq!(serde_json::from_str::<ApiError>(&wire).unwrap().0, problem);
    }
}
