//! The table in memory: who may use which channel and the facts of each campaign (members, roles, characters,
//! settings), so a send costs no database read before its commit.
//!
//! Answers are kept under the game authority's generation, which moves with every committed change of a table,
//! a session or a membership before the changing call returns. An answer read under an older generation is
//! never used: the first lookup after a change empties the cache, and an answer read while a change happened
//! is not stored. So a member removed a moment ago is refused at once, as without the cache.
//!
//! A campaign's facts are read once however many sends ask at the same moment: the first asker reads, the
//! others wait for its answer (under the same generation). Without that, 1,250 campaigns with cold caches
//! made every send of the first seconds read its campaign again while the first reads queued for the pool,
//! about 9,000 reads of three queries each on Postgres (BENCHMARKS.md, session 15).

use crate::game::{ChannelAccess, GameAuthority};
use app::domain::ids::{CampaignId, ChannelId, UserId};
use app::domain::policy::TableFacts;
use app::domain::Problem;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

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
    facts: HashMap<CampaignId, Arc<OnceCell<Arc<TableFacts>>>>,
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

    /// The facts of `campaign`, from memory when nothing changed since they were read; concurrent askers of
    /// one campaign share one read.
    pub async fn facts(&self, game: &dyn GameAuthority, campaign: &CampaignId) -> Result<Arc<TableFacts>, Problem> {
        self.facts_read_once(|| game.generation(), campaign, || game.table_facts(campaign))
            .await
    }

    /// [`Roster::facts`] with the generation and the read passed in.
    async fn facts_read_once<Read>(
        &self,
        generation_now: impl Fn() -> u64,
        campaign: &CampaignId,
        read: impl FnOnce() -> Read,
    ) -> Result<Arc<TableFacts>, Problem>
    where
        Read: std::future::Future<Output = Result<TableFacts, Problem>>,
    {
        let generation = generation_now();
        let cell = {
            let mut state = self.lock();
            // Emptied if the world moved on; then kept under this asker's generation, unless it is behind.
            state.current(generation);
            let current = state.generation == generation;
            match state.facts.get(campaign) {
                Some(cell) if current => cell.clone(),
                _ if current => {
                    state.room_for_one();
                    state.facts.entry(campaign.clone()).or_default().clone()
                }
                // The world moved on while this send was being decided: read for it alone.
                _ => Arc::new(OnceCell::new()),
            }
        };
        // Read while a change happened, the cell is dropped by the next asker's `current`, which reads again.
        Ok(cell
            .get_or_try_init(|| async { read().await.map(Arc::new) })
            .await?
            .clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    fn facts_of_nobody() -> TableFacts {
        TableFacts {
            members: Vec::new(),
            characters: Vec::new(),
            gm_sees_whispers: false,
            message_rules: Default::default(),
        }
    }

    /// Twenty sends of one campaign asking at once cause one read; after a change, the next asker reads again.
    #[tokio::test]
    async fn concurrent_askers_of_one_campaign_share_one_read() {
        let roster = Roster::default();
        let reads = AtomicUsize::new(0);
        let generation = AtomicU64::new(1);
        let campaign = CampaignId("c1".into());
        let ask = || {
            roster.facts_read_once(
                || generation.load(Ordering::SeqCst),
                &campaign,
                || async {
                    reads.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    Ok(facts_of_nobody())
                },
            )
        };
        let answers = futures::future::join_all((0..20).map(|_| ask())).await;
        assert!(answers.iter().all(Result::is_ok));
        assert_eq!(reads.load(Ordering::SeqCst), 1, "one read for twenty askers");
        ask().await.unwrap();
        assert_eq!(reads.load(Ordering::SeqCst), 1, "then from memory");
        generation.fetch_add(1, Ordering::SeqCst);
        ask().await.unwrap();
        assert_eq!(
            reads.load(Ordering::SeqCst),
            2,
            "a change makes the next asker read again"
        );
    }

    /// A failed read is not kept: the next asker reads again.
    #[tokio::test]
    async fn a_failed_read_is_tried_again() {
        let roster = Roster::default();
        let campaign = CampaignId("c1".into());
        let failed = roster
            .facts_read_once(|| 1, &campaign, || async { Err(Problem::not_found("campaign")) })
            .await;
        assert!(failed.is_err());
        let next = roster
            .facts_read_once(|| 1, &campaign, || async { Ok(facts_of_nobody()) })
            .await;
        assert!(next.is_ok());
    }
}
