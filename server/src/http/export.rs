//! `GET /api/channels/{channel_id}/export?format=markdown|html|json`: a member downloads a channel's log,
//! holding exactly what they may see. Authenticated by the session cookie like the rest of the site.

use super::AppState;
use crate::chat::ExportFormat;
use app::api::backend::{cookie_value, SESSION_COOKIE};
use app::domain::ids::ChannelId;
use app::domain::{ErrorCode, Problem};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

/// The query string of an export request.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    /// `markdown` (default), `html` or `json`.
    format: Option<String>,
}

/// Answers an export request with the file, or a typed error as JSON.
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(channel): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Response {
    match export(&state, &headers, channel, query).await {
        Ok(response) => response,
        Err(problem) => (status_of(&problem), Json(problem)).into_response(),
    }
}

async fn export(
    state: &AppState,
    headers: &HeaderMap,
    channel: String,
    query: ExportQuery,
) -> Result<Response, Problem> {
    let format = ExportFormat::parse(query.format.as_deref().unwrap_or("markdown"))?;
    let token = cookie_value(headers, SESSION_COOKIE).ok_or_else(Problem::not_authenticated)?;
    let user = state
        .auth
        .user_for_token(&token)
        .await?
        .ok_or_else(Problem::not_authenticated)?;
    let export = state.chat.export(&user, &ChannelId(channel), format).await?;
    let disposition = format!("attachment; filename=\"{}\"", export.file_name);
    let mut response = export.body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

fn status_of(problem: &Problem) -> StatusCode {
    match problem.code {
        ErrorCode::NotAuthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}
