//! Change frames (`chat.edit`, `chat.delete`, `chat.react`, `chat.unreact`, `chat.pin`, `chat.unpin`): through
//! the user's send budget, like sends, so a flood of reactions is refused as a flood of messages is, and
//! acknowledged after the commit in the order they were read.

use super::{AwaitingCommit, Connection};
use crate::chat::ChangeRequest;
use app::domain::frames::{ClientFrame, ServerFrame};

impl Connection {
    /// Starts a change: a refusal is answered now, an accepted change adds its ack to `committing`.
    pub(super) async fn change(&mut self, frame: ClientFrame, committing: &mut AwaitingCommit) -> bool {
        let Some((on, kind, text)) = frame.into_change() else {
            return true;
        };
        let key = on.client_message_id.clone();
        let channel = on.channel_id.clone();
        let request = ChangeRequest { on, kind, text };
        let begun = match self.pass.take_send() {
            Err(problem) => Err(problem),
            Ok(()) => self.chat.begin_change(&self.user, request).await,
        };
        match begun {
            Ok(pending) => {
                let chat = self.chat.clone();
                committing.push_back(Box::pin(async move {
                    pending
                        .answer(&chat)
                        .await
                        .unwrap_or_else(|problem| ServerFrame::error(problem, Some(key), Some(channel)))
                }));
                true
            }
            Err(problem) => self.reply(&ServerFrame::error(problem, Some(key), Some(channel))).await,
        }
    }
}
