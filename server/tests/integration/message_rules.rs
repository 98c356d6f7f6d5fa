//! The campaign's rules for changing messages, set by a GM and enforced by the server on the next change: an
//! edit window (0 turns editing off) and whether players may pin. The menu's copy of the rule is a hint only.

use crate::message_changes::{table, Table};
use app::domain::change::{MessageRules, EDIT_WINDOW_MAX_MINUTES};
use app::domain::ErrorCode;
use serde_json::json;

#[tokio::test]
async fn a_gm_turns_editing_off_and_lets_players_pin() {
    let Table {
        server,
        gm,
        alice,
        channel,
        campaign,
        mut alice_socket,
        ..
    } = table().await;
    let game = &server.state.game;
    let line = alice_socket.say(&channel, "m1", "Teh end.").await["message_id"].clone();
    let edit = |body: &str| json!({"body": body});
    assert_eq!(
        alice_socket
            .change("edit", &channel, &line, "e1", edit("The end."))
            .await["type"],
        "chat.ack"
    );
    assert_eq!(
        alice_socket.change("pin", &channel, &line, "p1", json!({})).await["code"],
        "not_permitted"
    );

    let rules = MessageRules {
        edit_window_minutes: Some(0),
        players_may_pin: true,
    };
    let refused = game.set_message_rules(&alice.id, &campaign, rules).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::Forbidden, "only GMs set the rules");
    let too_long = MessageRules {
        edit_window_minutes: Some(EDIT_WINDOW_MAX_MINUTES + 1),
        ..rules
    };
    let invalid = game.set_message_rules(&gm.id, &campaign, too_long).await.unwrap_err();
    assert_eq!(invalid.code, ErrorCode::InvalidInput);
    game.set_message_rules(&gm.id, &campaign, rules).await.unwrap();

    let closed = alice_socket
        .change("edit", &channel, &line, "e2", edit("The End."))
        .await;
    assert_eq!(closed["code"], "edit_window_closed", "{closed}");
    assert_eq!(
        alice_socket.change("pin", &channel, &line, "p2", json!({})).await["type"],
        "chat.ack"
    );

    // A window of an hour lets the fresh line be edited again.
    let hour = MessageRules {
        edit_window_minutes: Some(60),
        players_may_pin: false,
    };
    game.set_message_rules(&gm.id, &campaign, hour).await.unwrap();
    assert_eq!(
        alice_socket
            .change("edit", &channel, &line, "e3", edit("THE END."))
            .await["type"],
        "chat.ack"
    );
    assert_eq!(
        alice_socket.change("unpin", &channel, &line, "u1", json!({})).await["code"],
        "not_permitted"
    );
}
