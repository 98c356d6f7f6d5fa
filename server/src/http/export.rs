//! `GET /api/channels/{channel_id}/export?format=markdown|html|json`: a member downloads a channel's log,
//! holding exactly what they may see. Authenticated by the session cookie like the rest of the site.

use crate::auth::current::login_of;
use crate::chat::ExportFormat;
use crate::error::ProblemResponse;
use crate::state::AppState;
use app::domain::ids::ChannelId;
use app::domain::Problem;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
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
    parts: Parts,
    Path(channel): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Response {
    match export(&state, &parts, channel, query).await {
        Ok(response) => response,
        Err(problem) => ProblemResponse(problem).into_response(),
    }
}

async fn export(state: &AppState, parts: &Parts, channel: String, query: ExportQuery) -> Result<Response, Problem> {
    let format = ExportFormat::parse(query.format.as_deref().unwrap_or("markdown"))?;
    let user = login_of(&state.auth, parts)
        .await?
        .ok_or_else(Problem::not_authenticated)?
        .user;
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
