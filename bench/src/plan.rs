//! Who connects where: rooms of members, read from a plan that `tabletalk seed --bench-rooms` wrote (real
//! accounts, campaigns and session rooms), or made up for the peers, which have no accounts.

use serde::Deserialize;
use std::path::Path;

/// Rooms of members; every member opens one connection.
#[derive(Debug, Deserialize)]
pub struct Plan {
    /// The rooms, each one campaign's session channel (or one broadcast room of a peer).
    pub rooms: Vec<Room>,
}

/// One room.
#[derive(Debug, Deserialize)]
pub struct Room {
    /// The channel (Tabletalk) or room name (peers).
    pub channel_id: String,
    /// The first member is the GM.
    pub members: Vec<Member>,
}

/// One member.
#[derive(Debug, Deserialize)]
pub struct Member {
    /// The user id, named by whispers.
    pub user_id: String,
    /// The session cookie (Tabletalk only).
    #[serde(default)]
    pub token: String,
    /// GM-only messages reach GMs.
    #[serde(default)]
    pub gm: bool,
}

/// Who a message is for, chosen by the load generator and checked against what arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Everyone in the room.
    All,
    /// The sender and the room's GMs.
    GmOnly,
    /// The sender and one other member (by index in the room); GMs do not read whispers by default.
    Whisper(usize),
}

impl Plan {
    /// Reads a plan file.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        serde_json::from_slice(&text).map_err(|e| format!("{} is not a load plan: {e}", path.display()))
    }

    /// `rooms` rooms of `members` made-up members, for servers without accounts.
    pub fn synthetic(rooms: usize, members: usize) -> Self {
        Self {
            rooms: (0..rooms)
                .map(|room| Room {
                    channel_id: format!("room-{room}"),
                    members: (0..members)
                        .map(|member| Member {
                            user_id: format!("user-{room}-{member}"),
                            token: String::new(),
                            gm: member == 0,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Every connection as (room, member), in a fixed order.
    pub fn connections(&self) -> Vec<(usize, usize)> {
        self.rooms
            .iter()
            .enumerate()
            .flat_map(|(room, r)| (0..r.members.len()).map(move |member| (room, member)))
            .collect()
    }
}

impl Room {
    /// The members (by index) a message from `sender` with `reach` must reach, the sender included. This is
    /// the load generator's own statement of the audience rule, independent of the server's code.
    pub fn recipients(&self, sender: usize, reach: Reach) -> Vec<usize> {
        (0..self.members.len())
            .filter(|&member| {
                member == sender
                    || match reach {
                        Reach::All => true,
                        Reach::GmOnly => self.members[member].gm,
                        Reach::Whisper(target) => member == target,
                    }
            })
            .collect()
    }
}

/// The reach of message `number` from `sender`: with `mixed`, one in ten is GM-only and one in ten a whisper to
/// the next member; otherwise everything is for everyone (the peers have no audiences).
pub fn reach_of(number: u64, sender: usize, room_size: usize, mixed: bool) -> Reach {
    if !mixed || room_size < 2 {
        return Reach::All;
    }
    match number % 10 {
        3 => Reach::GmOnly,
        7 => Reach::Whisper((sender + 1) % room_size),
        _ => Reach::All,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_follow_the_reach() {
        let room = &Plan::synthetic(1, 4).rooms[0];
        assert_eq!(room.recipients(2, Reach::All), vec![0, 1, 2, 3]);
        assert_eq!(room.recipients(2, Reach::GmOnly), vec![0, 2]);
        assert_eq!(room.recipients(0, Reach::GmOnly), vec![0]);
        assert_eq!(room.recipients(2, Reach::Whisper(3)), vec![2, 3]);
        assert_eq!(reach_of(7, 3, 4, true), Reach::Whisper(0));
        assert_eq!(reach_of(7, 3, 4, false), Reach::All);
    }
}
