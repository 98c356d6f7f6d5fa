//! Data for the load generator (`bench/`): rooms of members with active sessions, every member logged in,
//! written as a plan the load generator reads. Built through the game authority's own operations, so the
//! rows are exactly those real use makes; only password hashing is shared (one hash for all accounts).

use crate::auth::AuthService;
use crate::chat::backfill;
use crate::game::Game;
use crate::store::Pool;
use app::domain::campaign::{Role, SessionAction};
use app::domain::Problem;
use serde::Serialize;

/// The password of every load-test account.
pub const LOAD_PASSWORD: &str = "tabletalk-load";

/// What the load generator needs: per room, its channel and its members' login tokens.
#[derive(Debug, Serialize)]
pub struct LoadPlan {
    /// One campaign each, with an active session whose room is the channel.
    pub rooms: Vec<LoadRoom>,
}

/// One room (a campaign's active session channel).
#[derive(Debug, Serialize)]
pub struct LoadRoom {
    /// The session channel.
    pub channel_id: String,
    /// The first member is the GM; the rest are players.
    pub members: Vec<LoadMember>,
}

/// One logged-in member.
#[derive(Debug, Serialize)]
pub struct LoadMember {
    /// The user id (whisper targets name it).
    pub user_id: String,
    /// The session cookie value.
    pub token: String,
    /// Whether the member is a GM (GM-only messages reach GMs).
    pub gm: bool,
}

/// Older messages to seed before a load run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Backlog {
    /// Messages in the first room only (a long channel to page through, for the history benchmark).
    pub first_room: usize,
    /// Messages in every room. A fresh database is not the shape a table has in use: while channels hold only
    /// a few messages each, many share a leaf of the channel-and-sequence index, so a commit rewrites far fewer
    /// pages than it will once every channel's end has a leaf of its own. Through one durable run from empty,
    /// acks per second fell by a quarter at a constant offered rate while that happened (BENCHMARKS.md).
    pub every_room: usize,
}

/// Creates `rooms` campaigns of `members` members (one GM) with active sessions and the `backlog` of older
/// messages; game events so far are marked as told so no notices are posted during a run.
pub async fn load_plan(pool: &Pool, rooms: usize, members: usize, backlog: Backlog) -> Result<LoadPlan, Problem> {
    if rooms == 0 || members == 0 {
        return Err(Problem::invalid(
            "A load plan needs at least one room of at least one member.",
            "Pass --bench-rooms and --bench-members of 1 or more.",
        ));
    }
    let auth = AuthService::new(pool.clone());
    let game = Game::new(pool.clone());
    let run = format!("{:06x}", rand::random::<u32>() & 0xff_ffff);
    let mut plan = LoadPlan {
        rooms: Vec::with_capacity(rooms),
    };
    for room in 0..rooms {
        let names: Vec<String> = (0..members).map(|m| format!("lt{run}r{room}m{m}")).collect();
        let users = auth.create_logged_in_users(&names, LOAD_PASSWORD).await?;
        let gm = &users[0].0;
        let campaign = game.create_campaign(&gm.id, &format!("Load room {room}")).await?;
        for (player, _) in &users[1..] {
            game.add_member(&campaign, &player.id, Role::Player).await?;
        }
        let session = game.create_session(&gm.id, &campaign, "Load session").await?;
        game.change_session(&gm.id, &session, SessionAction::Start).await?;
        let view = game.campaign_view(&gm.id, &campaign).await?;
        let channel = view.sessions[0].channel_id.clone();
        let history = backlog.every_room + if room == 0 { backlog.first_room } else { 0 };
        if history > 0 {
            backfill::backfill(pool, &channel, gm, history).await?;
        }
        plan.rooms.push(LoadRoom {
            channel_id: channel.to_string(),
            members: users
                .into_iter()
                .enumerate()
                .map(|(index, (user, token))| LoadMember {
                    user_id: user.id.to_string(),
                    token,
                    gm: index == 0,
                })
                .collect(),
        });
    }
    backfill::skip_pending_notices(pool).await?;
    Ok(plan)
}
