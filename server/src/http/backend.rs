//! The server's implementation of the pages' [`Backend`] port: each call goes to the service that owns it.

use crate::auth::cookie;
use crate::auth::current::{client_address, login_of};
use crate::auth::AuthService;
use crate::game::Game;
use crate::state::AppState;
use app::api::backend::Backend;
use app::domain::campaign::{SessionAction, SessionStatus};
use app::domain::ids::{CampaignId, ChannelId, CharacterId, SessionId, UserId};
use app::domain::views::{CampaignSummary, CampaignView, InvitePreview, UserSummary};
use app::domain::Problem;
use async_trait::async_trait;
use axum::http::request::Parts;

/// Routes page calls to auth and the game authority.
pub struct ServerBackend {
    auth: AuthService,
    game: Game,
    secure_cookies: bool,
}

impl ServerBackend {
    /// The backend over the shared state.
    pub fn new(state: &AppState) -> Self {
        Self {
            auth: state.auth.clone(),
            game: state.game.clone(),
            secure_cookies: state.secure_cookies,
        }
    }
}

#[async_trait]
impl Backend for ServerBackend {
    async fn register(
        &self,
        request: &Parts,
        username: &str,
        password: &str,
    ) -> Result<(UserSummary, String), Problem> {
        let (user, token) = self
            .auth
            .attempt_register(client_address(request), username, password)
            .await?;
        Ok((user, cookie::set_cookie(Some(&token), self.secure_cookies)))
    }
    async fn login(&self, request: &Parts, username: &str, password: &str) -> Result<(UserSummary, String), Problem> {
        let (user, token) = self
            .auth
            .attempt_login(client_address(request), username, password)
            .await?;
        Ok((user, cookie::set_cookie(Some(&token), self.secure_cookies)))
    }
    async fn logout(&self, request: &Parts) -> Result<String, Problem> {
        if let Some(token) = cookie::session_token(&request.headers) {
            self.auth.logout(&token).await?;
        }
        Ok(cookie::set_cookie(None, self.secure_cookies))
    }
    async fn current_user(&self, request: &Parts) -> Result<Option<UserSummary>, Problem> {
        Ok(login_of(&self.auth, request).await?.map(|login| login.user))
    }
    async fn campaigns(&self, user: &UserId) -> Result<Vec<CampaignSummary>, Problem> {
        self.game.campaigns(user).await
    }
    async fn create_campaign(&self, user: &UserId, name: &str) -> Result<CampaignId, Problem> {
        self.game.create_campaign(user, name).await
    }
    async fn campaign_view(&self, user: &UserId, campaign: &CampaignId) -> Result<CampaignView, Problem> {
        self.game.campaign_view(user, campaign).await
    }
    async fn create_invite(&self, user: &UserId, campaign: &CampaignId) -> Result<String, Problem> {
        self.game.create_invite(user, campaign).await
    }
    async fn invite_preview(&self, user: &UserId, code: &str) -> Result<InvitePreview, Problem> {
        self.game.invite_preview(user, code).await
    }
    async fn accept_invite(&self, user: &UserId, code: &str) -> Result<CampaignId, Problem> {
        self.game.accept_invite(user, code).await
    }
    async fn create_character(&self, user: &UserId, campaign: &CampaignId, name: &str) -> Result<CharacterId, Problem> {
        self.game.create_character(user, campaign, name).await
    }
    async fn create_session(&self, user: &UserId, campaign: &CampaignId, title: &str) -> Result<SessionId, Problem> {
        self.game.create_session(user, campaign, title).await
    }
    async fn set_gm_sees_whispers(&self, user: &UserId, campaign: &CampaignId, on: bool) -> Result<(), Problem> {
        self.game.set_gm_sees_whispers(user, campaign, on).await
    }
    async fn set_message_rules(
        &self,
        user: &UserId,
        campaign: &CampaignId,
        rules: app::domain::change::MessageRules,
    ) -> Result<(), Problem> {
        self.game.set_message_rules(user, campaign, rules).await
    }
    async fn change_session(
        &self,
        user: &UserId,
        session: &SessionId,
        action: SessionAction,
    ) -> Result<SessionStatus, Problem> {
        self.game.change_session(user, session, action).await
    }
    async fn create_table_channel(
        &self,
        user: &UserId,
        campaign: &CampaignId,
        name: &str,
    ) -> Result<ChannelId, Problem> {
        self.game.create_table_channel(user, campaign, name).await
    }
    async fn open_direct(&self, user: &UserId, campaign: &CampaignId, others: &[UserId]) -> Result<ChannelId, Problem> {
        self.game.open_direct(user, campaign, others).await
    }
    async fn leave_campaign(&self, user: &UserId, campaign: &CampaignId) -> Result<(), Problem> {
        self.game.leave_campaign(user, campaign).await
    }
    async fn remove_member(&self, user: &UserId, campaign: &CampaignId, member: &UserId) -> Result<(), Problem> {
        self.game.remove_member(user, campaign, member).await
    }
    async fn rename_character(&self, user: &UserId, character: &CharacterId, name: &str) -> Result<(), Problem> {
        self.game.rename_character(user, character, name).await
    }
}
