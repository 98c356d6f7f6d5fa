//! Campaign server functions: list, create, invite, join, leave, characters, the session lifecycle, table
//! channels and direct messages.

use super::codec::TextJson;
use super::ApiError;
use crate::domain::campaign::{SessionAction, SessionStatus};
use crate::domain::ids::{CampaignId, ChannelId, CharacterId, SessionId, UserId};
use crate::domain::views::{CampaignSummary, CampaignView, InvitePreview};
use leptos::prelude::*;

/// The caller's campaigns.
#[server(output = TextJson)]
pub async fn list_campaigns() -> Result<Vec<CampaignSummary>, ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?.campaigns(&user.id).await.map_err(ApiError::from)
}

/// Creates a campaign with the caller as GM and opens it.
#[server(output = TextJson)]
pub async fn create_campaign(name: String) -> Result<CampaignId, ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    let id = backend()?.create_campaign(&user.id, &name).await?;
    leptos_axum::redirect(&format!("/campaigns/{id}"));
    Ok(id)
}

/// The campaign page's data; members only (others get `not_found`).
#[server(output = TextJson)]
pub async fn get_campaign(campaign_id: CampaignId) -> Result<CampaignView, ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?
        .campaign_view(&user.id, &campaign_id)
        .await
        .map_err(ApiError::from)
}

/// Creates an invite code; GMs only.
#[server(output = TextJson)]
pub async fn create_invite(campaign_id: CampaignId) -> Result<String, ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?
        .create_invite(&user.id, &campaign_id)
        .await
        .map_err(ApiError::from)
}

/// What an invite code opens.
#[server(output = TextJson)]
pub async fn get_invite(code: String) -> Result<InvitePreview, ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?.invite_preview(&user.id, &code).await.map_err(ApiError::from)
}

/// Joins the invite's campaign as a player and opens it.
#[server(output = TextJson)]
pub async fn accept_invite(code: String) -> Result<CampaignId, ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    let id = backend()?.accept_invite(&user.id, &code).await?;
    leptos_axum::redirect(&format!("/campaigns/{id}"));
    Ok(id)
}

/// Creates a character the caller controls.
#[server(output = TextJson)]
pub async fn create_character(campaign_id: CampaignId, name: String) -> Result<(), ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?.create_character(&user.id, &campaign_id, &name).await?;
    Ok(())
}

/// Creates a scheduled session (and its channel); GMs only.
#[server(output = TextJson)]
pub async fn create_session(campaign_id: CampaignId, title: String) -> Result<SessionId, ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?
        .create_session(&user.id, &campaign_id, &title)
        .await
        .map_err(ApiError::from)
}

/// Starts, pauses or ends a session; GMs only.
#[server(output = TextJson)]
pub async fn change_session(session_id: SessionId, action: SessionAction) -> Result<SessionStatus, ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?
        .change_session(&user.id, &session_id, action)
        .await
        .map_err(ApiError::from)
}

/// Lets GMs read (or stop reading) whispers they are not part of; GMs only. Whispers already sent keep the
/// answer they were sent with.
#[server(output = TextJson)]
pub async fn set_gm_sees_whispers(campaign_id: CampaignId, on: bool) -> Result<(), ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?
        .set_gm_sees_whispers(&user.id, &campaign_id, on)
        .await
        .map_err(ApiError::from)
}

/// Sets how the campaign's messages may change (GMs only): the edit window in minutes (`None`: no limit, 0:
/// editing off) and whether players may pin.
#[server(output = TextJson)]
pub async fn set_message_rules(
    campaign_id: CampaignId,
    edit_window_minutes: Option<u32>,
    players_may_pin: bool,
) -> Result<(), ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    let rules = crate::domain::change::MessageRules {
        edit_window_minutes,
        players_may_pin,
    };
    backend()?
        .set_message_rules(&user.id, &campaign_id, rules)
        .await
        .map_err(ApiError::from)
}

/// Adds a table channel such as `#scheduling`; GMs only.
#[server(output = TextJson)]
pub async fn create_table_channel(campaign_id: CampaignId, name: String) -> Result<ChannelId, ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?
        .create_table_channel(&user.id, &campaign_id, &name)
        .await
        .map_err(ApiError::from)
}

/// Opens (or creates) the direct-message channel with the chosen members.
#[server(output = TextJson)]
pub async fn open_direct(campaign_id: CampaignId, members: Vec<UserId>) -> Result<ChannelId, ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?
        .open_direct(&user.id, &campaign_id, &members)
        .await
        .map_err(ApiError::from)
}

/// Leaves the campaign (the last GM cannot) and goes back to the campaign list.
#[server(output = TextJson)]
pub async fn leave_campaign(campaign_id: CampaignId) -> Result<(), ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?.leave_campaign(&user.id, &campaign_id).await?;
    leptos_axum::redirect("/campaigns");
    Ok(())
}

/// Removes a member (not a GM) from the campaign; GMs only.
#[server(output = TextJson)]
pub async fn remove_member(campaign_id: CampaignId, member: UserId) -> Result<(), ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?
        .remove_member(&user.id, &campaign_id, &member)
        .await
        .map_err(ApiError::from)
}

/// Renames a character; its players and the GMs may.
#[server(output = TextJson)]
pub async fn rename_character(character_id: CharacterId, name: String) -> Result<(), ApiError> {
    use super::backend::{backend, require_user};
    let user = require_user().await?;
    backend()?
        .rename_character(&user.id, &character_id, &name)
        .await
        .map_err(ApiError::from)
}
