//! The table in memory: who may use which channel and the facts of each campaign (members, roles, characters,
//! settings), so a send costs no database read before its commit.
//!
//! Answers are kept under the game authority's generation, which moves with every committed change of a table,
//! a session or a membership before the changing call returns. An answer read under an older generation is
//! never used: the first lookup after a change empties the cache, and an answer read while a change happened
//! is not stored. So a member removed a moment ago is refused at once, as without the cache.

use crate::game::{ChannelAccess, GameAuthority};
use app::domain::ids::{CampaignId, ChannelId, UserId};
use app::domain::policy::TableFacts;
use app::domain::Problem;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Entries kept before the cache starts over (a bound on memory, far above a busy server's working set).
const MAX_ENTRIES: usize = 200_000;

/// Cached answers of the game authority.
#[derive(Default)]
pub struct Roster {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    generation: u64,
    entries: usize,
    access: HashMap<ChannelId, HashMap<UserId, ChannelAccess>>,
    facts: HashMap<CampaignId, Arc<TableFacts>>,
}

impl State {
    /// Empties the cache if the world moved on since it was filled; returns whether it is current.
    fn current(&mut self, generation: u64) -> bool {
        if self.generation != generation {
            if generation > self.generation {
                *self = Self {
                    generation,
                    ..Self::default()
                };
            }
            return false;
        }
        true
    }

    fn room_for_one(&mut self) {
        self.entries += 1;
        if self.entries > MAX_ENTRIES {
            self.access.clear();
            self.facts.clear();
            self.entries = 1;
        }
    }
}

impl Roster {
    /// `user`'s access to `channel`, from memory when nothing changed since it was read.
    pub async fn access(
        &self,
        game: &dyn GameAuthority,
        user: &UserId,
        channel: &ChannelId,
    ) -> Result<ChannelAccess, Problem> {
        let generation = game.generation();
        {
            let mut state = self.lock();
            if state.current(generation) {
                if let Some(hit) = state.access.get(channel).and_then(|users| users.get(user)) {
                    return Ok(hit.clone());
                }
            }
        }
        let fresh = game.channel_access(user, channel).await?;
        let mut state = self.lock();
        if state.generation == generation && game.generation() == generation {
            state.room_for_one();
            let users = state.access.entry(channel.clone()).or_default();
            users.insert(user.clone(), fresh.clone());
        }
        Ok(fresh)
    }

    /// The facts of `campaign`, from memory when nothing changed since they were read.
    pub async fn facts(&self, game: &dyn GameAuthority, campaign: &CampaignId) -> Result<Arc<TableFacts>, Problem> {
        let generation = game.generation();
        {
            let mut state = self.lock();
            if state.current(generation) {
                if let Some(hit) = state.facts.get(campaign) {
                    return Ok(hit.clone());
                }
            }
        }
        let fresh = Arc::new(game.table_facts(campaign).await?);
        let mut state = self.lock();
        if state.generation == generation && game.generation() == generation {
            state.room_for_one();
            state.facts.insert(campaign.clone(), fresh.clone());
        }
        Ok(fresh)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}
