use super::*;

#[test]
fn client_frames_parse_from_documented_json() {
    let join: ClientFrame =
        serde_json::from_str(r#"{"type":"chat.join","channel_id":"C1","last_sequence_id":7}"#).unwrap();
    assert_eq!(
        join,
        ClientFrame::Join {
            channel_id: ChannelId::from("C1"),
            last_sequence_id: Some(7)
        }
    );
    let send: ClientFrame =
        serde_json::from_str(r#"{"type":"chat.send","channel_id":"C1","client_message_id":"k1","body":"hello"}"#)
            .unwrap();
    assert!(matches!(send, ClientFrame::Send { ref body, ref hints, .. } if body == "hello" && hints.mode.is_none()));
    assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"chat.nope"}"#).is_err());
}

#[test]
fn change_frames_parse_from_documented_json() {
    let edit: ClientFrame = serde_json::from_str(
        r#"{"type":"chat.edit","channel_id":"C1","message_id":"M1","client_message_id":"k2","body":"fixed"}"#,
    )
    .unwrap();
    let (on, kind, text) = edit.into_change().unwrap();
    assert_eq!(
        (on.message_id.as_str(), kind, text.as_str()),
        ("M1", ChangeKind::Edit, "fixed")
    );
    let react: ClientFrame = serde_json::from_str(
        r#"{"type":"chat.react","channel_id":"C1","message_id":"M1","client_message_id":"k3","emoji":"👍"}"#,
    )
    .unwrap();
    assert_eq!(react.into_change().unwrap().1, ChangeKind::React);
    let pin = r#"{"type":"chat.pin","channel_id":"C1","message_id":"M1","client_message_id":"k4"}"#;
    assert!(serde_json::from_str::<ClientFrame>(pin)
        .unwrap()
        .into_change()
        .is_some());
    let missing_key = r#"{"type":"chat.delete","channel_id":"C1","message_id":"M1"}"#;
    assert!(serde_json::from_str::<ClientFrame>(missing_key).is_err());
    let ping: ClientFrame = serde_json::from_str(r#"{"type":"ping"}"#).unwrap();
    assert!(ping.into_change().is_none());
}

#[test]
fn server_frames_carry_their_type_tag() {
    let frame = ServerFrame::error(Problem::internal(), Some("k1".into()), None);
    let json: serde_json::Value = serde_json::from_str(&frame.to_json()).unwrap();
    assert_eq!(json["type"], "chat.error");
    assert_eq!(json["code"], "internal");
    assert_eq!(json["client_message_id"], "k1");
    assert!(json.get("channel_id").is_none());
}
