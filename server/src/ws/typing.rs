//! `chat.typing` frames: at most one per [`TYPING_GAP_MS`] from a socket (a composer sends one every few
//! seconds), so a flood is refused for the socket that sends it and costs nobody else anything.

use super::Connection;
use app::domain::frames::ServerFrame;
use app::domain::hints::SendHints;
use app::domain::ids::ChannelId;
use app::domain::typing::TYPING_GAP_MS;
use app::domain::Problem;
use std::time::{Duration, Instant};

impl Connection {
    /// Passes a typing frame on to the chat service, or refuses it: too soon after the last one
    /// (`rate_limited`), or as the service refuses it.
    pub(super) async fn typing(&mut self, channel_id: ChannelId, hints: SendHints) -> bool {
        let now = Instant::now();
        let gap = Duration::from_millis(TYPING_GAP_MS);
        if let Some(wait) = self.last_typing.map(|last| (last + gap).saturating_duration_since(now)) {
            if !wait.is_zero() {
                let problem = Problem::rate_limited("Typing is told at most once a second.", wait);
                return self.reply(&ServerFrame::error(problem, None, Some(channel_id))).await;
            }
        }
        self.last_typing = Some(now);
        match self.chat.typing(&self.user, &channel_id, hints).await {
            Ok(()) => true,
            Err(problem) => self.reply(&ServerFrame::error(problem, None, Some(channel_id))).await,
        }
    }
}
