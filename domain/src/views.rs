//! Read models the pages receive from server functions. Plain data: the server fills them from its stores,
//! the browser renders them.

use super::campaign::{Role, SessionStatus};
use super::ids::{CampaignId, ChannelId, CharacterId, SessionId, UserId};
use super::policy::TableFacts;
use serde::{Deserialize, Serialize};

/// The logged-in user as pages show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    /// Account id.
    pub id: UserId,
    /// Login name (lower-case).
    pub username: String,
}

/// A campaign in the user's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSummary {
    /// Campaign id.
    pub id: CampaignId,
    /// Its name.
    pub name: String,
    /// The viewer's role in it.
    pub role: Role,
    /// How many members it has.
    pub member_count: i64,
    /// Whether one of its sessions is being played now.
    pub has_active_session: bool,
}

/// A session as the channel sidebar lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Session id.
    pub id: SessionId,
    /// Its title.
    pub title: String,
    /// Where it is in its life.
    pub status: SessionStatus,
    /// Its one session channel.
    pub channel_id: ChannelId,
}

/// An off-game channel of a campaign (`#general`, `#scheduling`) as the sidebar lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSummary {
    /// Channel id.
    pub id: ChannelId,
    /// Its name, without the `#`.
    pub name: String,
}

/// A member of a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSummary {
    /// Account id.
    pub user_id: UserId,
    /// Login name.
    pub username: String,
    /// Role in the campaign.
    pub role: Role,
}

/// A character and who controls it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharacterSummary {
    /// Character id.
    pub id: CharacterId,
    /// Its name.
    pub name: String,
    /// Members who may speak as it.
    pub controller_names: Vec<String>,
    /// Whether the viewer controls it.
    pub controlled_by_viewer: bool,
}

/// Everything the campaign page shows around the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignView {
    /// Campaign id.
    pub id: CampaignId,
    /// Its name.
    pub name: String,
    /// The viewer's role.
    pub role: Role,
    /// The viewer's user id, so the page can tell own messages apart.
    pub viewer_id: UserId,
    /// Sessions, newest first.
    pub sessions: Vec<SessionSummary>,
    /// Off-game table channels, `#general` first.
    #[serde(default)]
    pub table_channels: Vec<ChannelSummary>,
    /// The viewer's direct-message channels, newest first, each named after the other people in it.
    #[serde(default)]
    pub direct_channels: Vec<ChannelSummary>,
    /// Members, GMs first.
    pub members: Vec<MemberSummary>,
    /// Characters, by name.
    pub characters: Vec<CharacterSummary>,
    /// What the speaking and hearing rules need, so the composer previews a send with the server's own rules.
    pub facts: TableFacts,
}

/// What an invite link shows before the user accepts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitePreview {
    /// The code itself.
    pub code: String,
    /// The campaign it opens.
    pub campaign_id: CampaignId,
    /// The campaign's name.
    pub campaign_name: String,
    /// Whether the viewer is already a member.
    pub already_member: bool,
}
