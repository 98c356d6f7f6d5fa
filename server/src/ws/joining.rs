//! Joining and leaving channels: the subscription, the bus's confirmation when there are several instances, and
//! the replay of what the client missed.

use super::Connection;
use crate::chat::hub::Subscriber;
use app::domain::ids::ChannelId;
use app::domain::Problem;

impl Connection {
    /// Subscribes, answers `chat.joined`, then replays what the client missed (or sends the latest page).
    pub(super) async fn join(&mut self, channel: &ChannelId, last_sequence_id: Option<i64>) -> Result<bool, Problem> {
        let access = self.chat.access(&self.user, channel).await?;
        // Subscribe before reading, so nothing committed in between is missed; the client de-duplicates.
        let subscriber = Subscriber {
            viewer: access.viewer.clone(),
            campaign: access.campaign_id.clone(),
            queue: self.queue.clone(),
            overflow: self.overflow.clone(),
        };
        self.chat.hub().subscribe(channel, self.id, subscriber);
        // With several instances, the bus must carry the channel before what was missed is read.
        if let Err(problem) = self.chat.watch(channel).await {
            self.chat.hub().unsubscribe(channel, self.id);
            return Err(problem);
        }
        self.joined.insert(channel.clone());
        if !self.reply(&self.chat.joined_frame(&access, channel).await?).await {
            return Ok(false);
        }
        let Some(mut cursor) = last_sequence_id else {
            let page = self.chat.history(&self.user, channel, None, None).await?;
            return Ok(self.reply(&page).await);
        };
        loop {
            let (frames, next) = self.chat.replay_after(&access.viewer, channel, cursor).await?;
            for frame in frames {
                if !self.reply(&frame).await {
                    return Ok(false);
                }
            }
            match next {
                Some(next) => cursor = next,
                None => return Ok(true),
            }
        }
    }

    /// Leaves every joined channel (the connection is closing).
    pub(super) fn leave_all(&mut self) {
        for channel in self.joined.drain() {
            self.chat.hub().unsubscribe(&channel, self.id);
        }
    }
}
