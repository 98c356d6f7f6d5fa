//! Errors on the server as HTTP sees them: how a typed [`Problem`] travels over HTTP, with the one mapping from
//! its code to a status, used by the upgrade, the export and (through [`server_fn_status`]) every server
//! function.

use app::domain::Problem;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// The largest server-function error body this layer reads to find its code; a `Problem` is a few hundred
/// bytes, anything larger is left as it is.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// A problem as an HTTP answer: its code's status, a `Retry-After` when it says when to try again, and the
/// problem itself as JSON.
pub struct ProblemResponse(pub Problem);

impl IntoResponse for ProblemResponse {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let retry_after = retry_after_header(&self.0);
        let mut response = (status, Json(self.0)).into_response();
        if let Some(value) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<Problem> for ProblemResponse {
    fn from(problem: Problem) -> Self {
        Self(problem)
    }
}

/// The HTTP status of a problem's code (the table is [`app::domain::ErrorCode::http_status`]).
pub fn status_of(problem: &Problem) -> StatusCode {
    StatusCode::from_u16(problem.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn retry_after_header(problem: &Problem) -> Option<HeaderValue> {
    let ms = problem.retry_after_ms?;
    HeaderValue::from_str(&ms.div_ceil(1000).max(1).to_string()).ok()
}

/// Middleware over the server functions: `server_fn` answers every error with 500, whatever it says. This reads
/// the [`Problem`] in such an answer and gives it its own status (a wrong password is 401, a taken username 409),
/// with `Retry-After` where it applies. The body is unchanged, so the browser's client decodes it as before.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ERROR_BODY_LIMIT).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "error body unreadable").into_response();
    };
    if let Ok(problem) = serde_json::from_slice::<Problem>(&bytes) {
        parts.status = status_of(&problem);
        if let Some(value) = retry_after_header(&problem) {
            parts.headers.insert(header::RETRY_AFTER, value);
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::ErrorCode;
    use std::time::Duration;

    #[test]
    fn a_problem_answers_with_its_status_and_retry_after() {
        let response =
            ProblemResponse(Problem::rate_limited("Slow down.", Duration::from_millis(2500))).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "3");
        let response = ProblemResponse(Problem::new(ErrorCode::UsernameTaken, "taken", "pick another")).into_response();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
    }
}
