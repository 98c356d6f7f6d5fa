//! Names that look the same are the same name: with "Lyra" taken, `LYRA`, `lyra`, a Cyrillic look-alike and a
//! name with a zero-width space are refused, for characters (created or renamed) and for table channels.

use crate::support::TestServer;
use app::domain::ErrorCode;

#[tokio::test]
async fn look_alike_character_names_are_refused() {
    let server = TestServer::start().await;
    let (gm, _) = server.user("gamemaster").await;
    let (alice, _) = server.user("alice").await;
    let (campaign, _, _) = server.table(&gm, &[&alice], false).await;
    let game = &server.state.game;
    game.create_character(&alice.id, &campaign, "Lyra").await.unwrap();
    for lookalike in ["LYRA", "lyra", " Lyra ", "Lyra\u{200B}", "L\u{0443}ra", "Ｌｙｒａ"] {
        let refused = game.create_character(&gm.id, &campaign, lookalike).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidInput, "{lookalike:?}");
    }
    let brom = game.create_character(&gm.id, &campaign, "Brom").await.unwrap();
    let refused = game.rename_character(&gm.id, &brom, "lyra").await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    game.rename_character(&gm.id, &brom, "BROM").await.unwrap();
    game.create_character(&gm.id, &campaign, "Lyre").await.unwrap();
}

#[tokio::test]
async fn look_alike_channel_names_are_refused() {
    let server = TestServer::start().await;
    let (gm, _) = server.user("gamemaster").await;
    let (campaign, _, _) = server.table(&gm, &[], false).await;
    let game = &server.state.game;
    for lookalike in ["General", "ｇｅｎｅｒａｌ", "gen\u{200B}eral"] {
        assert!(
            game.create_table_channel(&gm.id, &campaign, lookalike).await.is_err(),
            "{lookalike:?} is #general"
        );
    }
    game.create_table_channel(&gm.id, &campaign, "loot").await.unwrap();
}
