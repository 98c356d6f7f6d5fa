//! `chat.typing`: who is writing, decided like the message being written and told only to those who would see
//! it (`domain::typing`). Nothing is stored; a typing frame that finds a full queue is dropped, not waited for.

use super::commands::posting_open;
use super::ChatService;
use app::domain::compose::{prepare, Intent};
use app::domain::frames::ServerFrame;
use app::domain::hints::SendHints;
use app::domain::ids::ChannelId;
use app::domain::views::UserSummary;
use app::domain::Problem;

/// The body a typing frame is decided with: plain text, so the voice and audience come from the hints alone.
const TYPING_BODY: &str = "…";

impl ChatService {
    /// Tells the members who would see a message sent now with `hints` that `user` is writing one. Refused as a
    /// send would be (`not_found` for a channel the user may not read, `forbidden` for a voice they may not
    /// use, `session_not_active` in a closed session room).
    pub async fn typing(&self, user: &UserSummary, channel: &ChannelId, hints: SendHints) -> Result<(), Problem> {
        let mode = hints.mode()?;
        let audience = hints.audience()?;
        let access = self.access(user, channel).await?;
        posting_open(&access)?;
        let facts = self.roster.facts(self.game.as_ref(), &access.campaign_id).await?;
        let Intent::Post(draft) = prepare(&user.id, access.lane, &facts, &mode, &audience, TYPING_BODY)? else {
            return Ok(());
        };
        let frame = ServerFrame::Typing {
            channel_id: channel.clone(),
            user_id: user.id.clone(),
            label: draft.decision.actor.label,
            audience: draft.decision.audience,
        };
        self.hub.publish_typing(&frame);
        Ok(())
    }
}
