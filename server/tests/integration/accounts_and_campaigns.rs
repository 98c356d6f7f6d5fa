//! Accounts, campaigns, invites and the session lifecycle through the server's services.

use crate::support::TestServer;
use app::domain::campaign::{Role, SessionAction, SessionStatus};
use app::domain::ErrorCode;

#[tokio::test]
async fn registration_rejects_bad_and_duplicate_usernames_and_short_passwords() {
    let server = TestServer::start().await;
    let auth = &server.state.auth;
    let (user, token) = auth.register("Alice", "long enough pw").await.unwrap();
    assert_eq!(user.username, "alice");
    assert_eq!(auth.user_for_token(&token).await.unwrap(), Some(user));

    let taken = auth.register("ALICE", "another password").await.unwrap_err();
    assert_eq!(taken.code, ErrorCode::UsernameTaken);
    for bad in ["a", "has space", "<script>"] {
        assert_eq!(
            auth.register(bad, "long enough pw").await.unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
    let short = auth.register("bob", "short").await.unwrap_err();
    assert_eq!(short.code, ErrorCode::InvalidInput);
    assert!(short.message.contains("8"));
}

#[tokio::test]
async fn unknown_users_and_wrong_passwords_get_the_same_answer() {
    let server = TestServer::start().await;
    let auth = &server.state.auth;
    auth.register("alice", "long enough pw").await.unwrap();
    let wrong_password = auth.login("alice", "not the password").await.unwrap_err();
    let unknown_user = auth.login("nobody", "long enough pw").await.unwrap_err();
    assert_eq!(wrong_password, unknown_user);
    assert_eq!(wrong_password.code, ErrorCode::InvalidCredentials);

    let (_, token) = auth.login("  ALICE ", "long enough pw").await.unwrap();
    assert!(auth.user_for_token(&token).await.unwrap().is_some());
    auth.logout(&token).await.unwrap();
    assert_eq!(auth.user_for_token(&token).await.unwrap(), None);
}

#[tokio::test]
async fn invites_make_players_and_only_gms_run_sessions() {
    let server = TestServer::start().await;
    let game = &server.state.game;
    let (gm, _) = server.user("gamemaster").await;
    let (player, _) = server.user("player1").await;
    let campaign = game.create_campaign(&gm.id, "  The Sunken Crown ").await.unwrap();
    assert_eq!(game.role_of(&gm.id, &campaign).await.unwrap(), Role::Gm);
    assert_eq!(
        game.role_of(&player.id, &campaign).await.unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(
        game.create_invite(&player.id, &campaign).await.unwrap_err().code,
        ErrorCode::NotFound
    );

    let code = game.create_invite(&gm.id, &campaign).await.unwrap();
    let link = format!("http://localhost:3000/invite/{code}");
    let preview = game.invite_preview(&player.id, &link).await.unwrap();
    assert_eq!(preview.campaign_name, "The Sunken Crown");
    assert!(!preview.already_member);
    assert_eq!(game.accept_invite(&player.id, &code).await.unwrap(), campaign);
    assert_eq!(
        game.accept_invite(&player.id, &code).await.unwrap(),
        campaign,
        "joining twice is harmless"
    );
    assert_eq!(game.role_of(&player.id, &campaign).await.unwrap(), Role::Player);
    assert_eq!(
        game.accept_invite(&player.id, "nosuchcode").await.unwrap_err().code,
        ErrorCode::InviteInvalid
    );

    assert_eq!(
        game.create_invite(&player.id, &campaign).await.unwrap_err().code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        game.create_session(&player.id, &campaign, "Mine")
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    let session = game.create_session(&gm.id, &campaign, "Session 1").await.unwrap();
    let refused = game
        .change_session(&player.id, &session, SessionAction::Start)
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden);
    assert_eq!(
        game.change_session(&gm.id, &session, SessionAction::Start)
            .await
            .unwrap(),
        SessionStatus::Active
    );
    assert_eq!(
        game.change_session(&gm.id, &session, SessionAction::Pause)
            .await
            .unwrap(),
        SessionStatus::Paused
    );
    assert_eq!(
        game.change_session(&gm.id, &session, SessionAction::End).await.unwrap(),
        SessionStatus::Ended
    );
    let again = game
        .change_session(&gm.id, &session, SessionAction::Start)
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::InvalidTransition);

    let character = game.create_character(&player.id, &campaign, "Lyra").await.unwrap();
    let duplicate = game.create_character(&gm.id, &campaign, "Lyra").await.unwrap_err();
    assert_eq!(duplicate.code, ErrorCode::InvalidInput);
    let view = game.campaign_view(&player.id, &campaign).await.unwrap();
    assert_eq!(view.sessions.len(), 1);
    assert_eq!(view.members.len(), 2);
    assert_eq!(view.characters[0].id, character);
    assert!(view.characters[0].controlled_by_viewer);
    assert_eq!(view.characters[0].controller_names, ["player1"]);
}
