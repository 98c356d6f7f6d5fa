//! The port through which server functions reach the server's services (server build only). The `server`
//! crate implements [`Backend`] and provides it as context, so `app` never depends on `server`.

use crate::domain::campaign::{SessionAction, SessionStatus};
use crate::domain::ids::{CampaignId, ChannelId, CharacterId, SessionId, UserId};
use crate::domain::views::{CampaignSummary, CampaignView, InvitePreview, UserSummary};
use crate::domain::Problem;
use http::request::Parts;
use leptos::prelude::*;
use std::sync::Arc;

/// Everything the pages may ask of the server. Implementations authorise every call themselves.
///
/// The session cookie is the server's business (`server::auth::cookie`): calls that depend on who is asking
/// get the request's parts, and the server reads the cookie and the peer address from them.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Creates an account and a login session (throttled per address); returns the user and the
    /// `Set-Cookie` value that logs the browser in.
    async fn register(&self, request: &Parts, username: &str, password: &str)
        -> Result<(UserSummary, String), Problem>;
    /// Checks credentials (throttled per account and address) and opens a login session; returns the user
    /// and the `Set-Cookie` value that logs the browser in.
    async fn login(&self, request: &Parts, username: &str, password: &str) -> Result<(UserSummary, String), Problem>;
    /// Ends the request's login session (closing its sockets); returns the `Set-Cookie` value that clears it.
    async fn logout(&self, request: &Parts) -> Result<String, Problem>;
    /// The user whose valid login session the request carries, if any.
    async fn current_user(&self, request: &Parts) -> Result<Option<UserSummary>, Problem>;

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
    /// Sets how the campaign's messages may change: edit window and who pins (GMs only).
    async fn set_message_rules(
        &self,
        user: &UserId,
        campaign: &CampaignId,
        rules: crate::domain::change::MessageRules,
    ) -> Result<(), Problem>;
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

/// The request being answered (leptos_axum provides its parts to every server function).
pub fn request_parts() -> Result<Parts, Problem> {
    use_context::<Parts>().ok_or_else(Problem::internal)
}

/// The logged-in caller, or `not_authenticated`.
pub async fn require_user() -> Result<UserSummary, Problem> {
    backend()?
        .current_user(&request_parts()?)
        .await?
        .ok_or_else(Problem::not_authenticated)
}

/// Puts a `Set-Cookie` value from the backend on the response.
pub fn set_cookie(cookie: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}
