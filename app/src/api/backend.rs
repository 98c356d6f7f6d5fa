//! The port through which server functions reach the server's services (server build only). The `server`
//! crate implements [`Backend`] and provides it as context, so `app` never depends on `server`.

use crate::domain::campaign::{SessionAction, SessionStatus};
use crate::domain::ids::{CampaignId, ChannelId, CharacterId, SessionId, UserId};
use crate::domain::views::{CampaignSummary, CampaignView, InvitePreview, UserSummary};
use crate::domain::Problem;
use leptos::prelude::*;
use std::sync::Arc;

/// Name of the session cookie; the WebSocket gateway reads the same cookie.
pub const SESSION_COOKIE: &str = "tt_session";

/// Everything the pages may ask of the server. Implementations authorise every call themselves.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Creates an account and a login session; returns the user and the session token.
    async fn register(&self, username: &str, password: &str) -> Result<(UserSummary, String), Problem>;
    /// Checks credentials and opens a login session; returns the user and the session token.
    async fn login(&self, username: &str, password: &str) -> Result<(UserSummary, String), Problem>;
    /// Ends the login session of `token`.
    async fn logout(&self, token: &str) -> Result<(), Problem>;
    /// The user a session token belongs to, if it is valid.
    async fn user_for_token(&self, token: &str) -> Result<Option<UserSummary>, Problem>;
    /// Whether session cookies need the `Secure` attribute (served over HTTPS).
    fn secure_cookies(&self) -> bool;

    /// The campaigns `user` belongs to.
    async fn campaigns(&self, user: &UserId) -> Result<Vec<CampaignSummary>, Problem>;
    /// Creates a campaign with `user` as its GM.
    async fn create_campaign(&self, user: &UserId, name: &str) -> Result<CampaignId, Problem>;
    /// The campaign page's data, for a member.
    async fn campaign_view(&self, user: &UserId, campaign: &CampaignId) -> Result<CampaignView, Problem>;
    /// Creates an invite code (GMs only).
    async fn create_invite(&self, user: &UserId, campaign: &CampaignId) -> Result<String, Problem>;
    /// What an invite code opens.
    async fn invite_preview(&self, user: &UserId, code: &str) -> Result<InvitePreview, Problem>;
    /// Joins the campaign of an invite code as a player; joining twice is not an error.
    async fn accept_invite(&self, user: &UserId, code: &str) -> Result<CampaignId, Problem>;
    /// Creates a character controlled by `user`.
    async fn create_character(&self, user: &UserId, campaign: &CampaignId, name: &str) -> Result<CharacterId, Problem>;
    /// Creates a scheduled session and its channel (GMs only).
    async fn create_session(&self, user: &UserId, campaign: &CampaignId, title: &str) -> Result<SessionId, Problem>;
    /// Turns the campaign's `gm_sees_whispers` setting on or off (GMs only).
    async fn set_gm_sees_whispers(&self, user: &UserId, campaign: &CampaignId, on: bool) -> Result<(), Problem>;
    /// Starts, pauses or ends a session (GMs only).
    async fn change_session(
        &self,
        user: &UserId,
        session: &SessionId,
        action: SessionAction,
    ) -> Result<SessionStatus, Problem>;
    /// Adds a table channel (GMs only).
    async fn create_table_channel(
        &self,
        user: &UserId,
        campaign: &CampaignId,
        name: &str,
    ) -> Result<ChannelId, Problem>;
    /// Opens the direct-message channel between `user` and `others`, creating it the first time.
    async fn open_direct(&self, user: &UserId, campaign: &CampaignId, others: &[UserId]) -> Result<ChannelId, Problem>;
    /// The user leaves the campaign.
    async fn leave_campaign(&self, user: &UserId, campaign: &CampaignId) -> Result<(), Problem>;
    /// A GM removes a member who is not a GM.
    async fn remove_member(&self, user: &UserId, campaign: &CampaignId, member: &UserId) -> Result<(), Problem>;
    /// Renames a character (its controllers and GMs).
    async fn rename_character(&self, user: &UserId, character: &CharacterId, name: &str) -> Result<(), Problem>;
}

/// The backend provided by the server.
pub fn backend() -> Result<Arc<dyn Backend>, Problem> {
    use_context::<Arc<dyn Backend>>().ok_or_else(Problem::internal)
}

/// The session token from the request's cookie, if any.
pub fn session_token() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    cookie_value(&parts.headers, SESSION_COOKIE)
}

/// The value of cookie `name` among a request's headers. Shared with the WebSocket gateway, which
/// authenticates its upgrade with the same cookie.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The logged-in caller, or `not_authenticated`.
pub async fn require_user() -> Result<UserSummary, Problem> {
    let token = session_token().ok_or_else(Problem::not_authenticated)?;
    backend()?
        .user_for_token(&token)
        .await?
        .ok_or_else(Problem::not_authenticated)
}

/// Sets (or, with `None`, clears) the session cookie on the response: HttpOnly so scripts cannot read it,
/// SameSite=Lax so other sites cannot post with it.
pub fn set_session_cookie(token: Option<&str>) {
    let secure = backend().map(|b| b.secure_cookies()).unwrap_or(false);
    let cookie = match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000{}",
            if secure { "; Secure" } else { "" }
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    };
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::cookie_value;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = http::HeaderMap::new();
        headers.append(http::header::COOKIE, "a=1; tt_session=abc".parse().unwrap());
        headers.append(http::header::COOKIE, "b=2".parse().unwrap());
        assert_eq!(cookie_value(&headers, "tt_session").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&headers, "b").as_deref(), Some("2"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }
}
