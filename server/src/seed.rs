//! The demo campaign, so a newcomer can log in and talk at once. Idempotent: seeding twice changes nothing.

use crate::chat::SendRequest;
use crate::state::AppState;
use app::domain::campaign::{Role, SessionAction};
use app::domain::views::UserSummary;
use app::domain::Problem;

/// The password of every demo account (printed by the seed and the README).
pub const DEMO_PASSWORD: &str = "tabletalk-demo";
/// The demo GM's username.
pub const DEMO_GM: &str = "gamemaster";
/// The demo players and their characters.
pub const DEMO_PLAYERS: [(&str, &str); 3] = [
    ("alice", "Lyra Dawnwhisper"),
    ("bob", "Brother Osric"),
    ("carol", "Pip Underbough"),
];

/// Creates the demo GM, three players, their characters, the campaign and an active session with a greeting.
pub async fn demo(state: &AppState) -> Result<(), Problem> {
    if state.auth.login(DEMO_GM, DEMO_PASSWORD).await.is_ok() {
        println!("The demo campaign is already there.");
        print_logins();
        return Ok(());
    }
    let gm = state.auth.create_user(DEMO_GM, DEMO_PASSWORD).await?;
    let campaign = state.game.create_campaign(&gm.id, "The Sunken Crown").await?;
    state.game.create_character(&gm.id, &campaign, "Mayor Hollin").await?;
    let mut players: Vec<UserSummary> = Vec::new();
    for (username, character) in DEMO_PLAYERS {
        let player = state.auth.create_user(username, DEMO_PASSWORD).await?;
        state.game.add_member(&campaign, &player.id, Role::Player).await?;
        state.game.create_character(&player.id, &campaign, character).await?;
        players.push(player);
    }
    let session = state
        .game
        .create_session(&gm.id, &campaign, "Session 1: The Drowned Bell")
        .await?;
    state
        .game
        .change_session(&gm.id, &session, SessionAction::Start)
        .await?;
    let view = state.game.campaign_view(&gm.id, &campaign).await?;
    let channel = view.sessions[0].channel_id.clone();
    let lines = [
        (
            &gm,
            "Welcome to the Sunken Crown! The bell of the drowned chapel tolls as you arrive in Saltmere.",
        ),
        (&players[0], "Lyra pulls her hood up against the rain."),
        (&players[1], "Let's find the inn before we find trouble."),
    ];
    for (index, (user, body)) in lines.into_iter().enumerate() {
        let request = SendRequest::text(&channel, &format!("seed-{index}"), body);
        state.chat.send(user, request).await?;
    }
    println!("Seeded the demo campaign \"The Sunken Crown\" with an active session.");
    print_logins();
    Ok(())
}

fn print_logins() {
    let players: Vec<&str> = DEMO_PLAYERS.iter().map(|(name, _)| *name).collect();
    println!(
        "Log in as {DEMO_GM} (GM) or {} (players); password: {DEMO_PASSWORD}",
        players.join(", ")
    );
}
