//! Server time of a history page: the first page of 50 messages a player may see, in a channel of a million
//! messages (one in ten GM-only), measured inside the server process around `ChatService::history` (access
//! check, the scan, `can_see`, and the page), without the network. BENCHMARKS.md reports it.
//!
//! `cargo bench -p server --bench history` (`HISTORY_MESSAGES` and `HISTORY_PAGES` change the sizes).

use app::domain::frames::ServerFrame;
use app::domain::ids::{ChannelId, UserId};
use app::domain::views::UserSummary;
use server::chat::ChatService;
use server::game::Game;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let messages = env_number("HISTORY_MESSAGES", 1_000_000);
    let pages = env_number("HISTORY_PAGES", 5_000);
    let folder = std::env::temp_dir().join(format!("tabletalk-history-bench-{}", std::process::id()));
    let url = format!("sqlite://{}/bench.db", folder.display());
    let seeding = Instant::now();
    let pool = server::store::connect_for_seeding(&url).await.expect("database");
    server::store::migrate(&pool).await.expect("migrations");
    let plan = server::seed_bench::load_plan(
        &pool,
        1,
        8,
        server::seed_bench::Backlog {
            first_room: messages,
            every_room: 0,
        },
    )
    .await
    .expect("seed");
    pool.close().await;
    println!("seeded {messages} messages in {:.1} s", seeding.elapsed().as_secs_f64());

    let pool = server::store::connect(&url).await.expect("database");
    let chat = ChatService::start(pool.clone(), Arc::new(Game::new(pool.clone())), None);
    let room = &plan.rooms[0];
    let channel = ChannelId(room.channel_id.clone());
    let member = &room.members[1];
    let username: String = sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
        .bind(&member.user_id)
        .fetch_one(&pool)
        .await
        .expect("player");
    let player = UserSummary {
        id: UserId(member.user_id.clone()),
        username,
    };
    for (label, before) in [
        ("first page", None),
        ("page from the middle", Some(messages as i64 / 2)),
    ] {
        let mut times = Vec::with_capacity(pages);
        for round in 0..pages + pages / 10 {
            let start = Instant::now();
            let frame = chat
                .history(&player, &channel, before, Some(50))
                .await
                .expect("history");
            let took = start.elapsed();
            match frame {
                ServerFrame::History { messages, .. } => assert_eq!(messages.len(), 50),
                other => panic!("expected a history page, got {other:?}"),
            }
            // The first tenth warms the caches and is not counted.
            if round >= pages / 10 {
                times.push(took);
            }
        }
        times.sort_unstable();
        println!(
            "history, {label}, 50 visible of {messages}: p50 {:.3} ms, p99 {:.3} ms, p99.9 {:.3} ms, max {:.3} ms ({pages} pages)",
            percentile(&times, 0.50),
            percentile(&times, 0.99),
            percentile(&times, 0.999),
            percentile(&times, 1.0),
        );
    }
    pool.close().await;
    let _ = std::fs::remove_dir_all(&folder);
}
