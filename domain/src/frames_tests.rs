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

/// One frame of every kind the server sends, for the round trip through the tag-first reader.
fn every_server_frame() -> Vec<ServerFrame> {
    let channel_id = ChannelId::from("C1");
    let message = crate::fixtures::said("m1", 3, "alice", "hello", crate::audience::Audience::all());
    let mut states = BTreeMap::new();
    states.insert(message.message_id.clone(), State::default());
    vec![
        ServerFrame::Joined {
            channel_id: channel_id.clone(),
            latest_sequence_id: 3,
            room: Some(RoomState {
                session_id: SessionId::from("S1"),
                status: SessionStatus::Active,
            }),
        },
        ServerFrame::of(&message),
        ServerFrame::Change {
            change: Box::new(message.clone()),
        },
        ServerFrame::Ack {
            channel_id: channel_id.clone(),
            client_message_id: "k1".into(),
            message_id: "m1".into(),
            sequence_id: 3,
            duplicate: true,
        },
        ServerFrame::error(Problem::internal(), Some("k1".into()), Some(channel_id.clone())),
        ServerFrame::History {
            channel_id: channel_id.clone(),
            messages: vec![message.clone()],
            has_more: true,
            states: states.clone(),
        },
        ServerFrame::Pins {
            channel_id: channel_id.clone(),
            messages: vec![message],
            states,
        },
        ServerFrame::Room {
            channel_id: channel_id.clone(),
            room: RoomState {
                session_id: SessionId::from("S1"),
                status: SessionStatus::Ended,
            },
        },
        ServerFrame::Table {
            campaign_id: CampaignId::from("K1"),
        },
        ServerFrame::Suggestions {
            channel_id: channel_id.clone(),
            prefix: "al".into(),
            items: vec![Suggestion {
                kind: crate::mentions::MentionKind::Participant,
                id: "alice".into(),
                label: "alice".into(),
            }],
        },
        ServerFrame::Preview {
            channel_id: channel_id.clone(),
            body: "/roll 1d20".into(),
            summary: Some("Rolls 1d20".into()),
            problem: None,
        },
        ServerFrame::Notice {
            channel_id,
            client_message_id: None,
            notice: Notice {
                kind: NoticeKind::Help,
                title: "Commands".into(),
                lines: vec!["/roll".into()],
            },
        },
        ServerFrame::Typing {
            channel_id: ChannelId::from("C1"),
            user_id: UserId::from("alice"),
            label: "Lyra".into(),
            audience: crate::audience::Audience::all(),
        },
        ServerFrame::Pong { nonce: Some(7) },
    ]
}

#[test]
fn every_server_frame_reads_back_as_it_was_written() {
    for frame in every_server_frame() {
        let json = frame.to_json();
        assert!(json.starts_with(r#"{"type":"#), "the tag comes first: {json}");
        assert_eq!(serde_json::from_str::<ServerFrame>(&json).unwrap(), frame, "{json}");
    }
}

#[test]
fn a_server_frame_reads_unknown_fields_and_absent_optional_ones() {
    let frame: ServerFrame = serde_json::from_str(r#"{"type":"pong","added_later":[1,{"a":2}]}"#).unwrap();
    assert_eq!(frame, ServerFrame::Pong { nonce: None });
}

#[test]
fn a_server_frame_without_its_tag_first_or_with_an_unknown_tag_is_refused() {
    let late_tag = serde_json::from_str::<ServerFrame>(r#"{"nonce":1,"type":"pong"}"#).unwrap_err();
    assert!(
        late_tag
            .to_string()
            .contains(r#"expected "type" as the object's first key"#),
        "{late_tag}"
    );
    let unknown = serde_json::from_str::<ServerFrame>(r#"{"type":"chat.unheard_of"}"#).unwrap_err();
    assert!(
        unknown.to_string().contains("unknown variant `chat.unheard_of`"),
        "{unknown}"
    );
    let not_an_object = serde_json::from_str::<ServerFrame>(r#"["pong"]"#).unwrap_err();
    assert!(not_an_object.to_string().contains("invalid type"), "{not_an_object}");
    let missing_field = serde_json::from_str::<ServerFrame>(r#"{"type":"chat.table"}"#).unwrap_err();
    assert!(
        missing_field.to_string().contains("missing field `campaign_id`"),
        "{missing_field}"
    );
}

#[test]
fn a_typing_frame_carries_the_hints_of_a_send() {
    let typing: ClientFrame =
        serde_json::from_str(r#"{"type":"chat.typing","channel_id":"C1","mode":"gm","audience":"gm_only"}"#).unwrap();
    let ClientFrame::Typing { channel_id, hints } = typing else {
        panic!("not typing");
    };
    assert_eq!(channel_id, ChannelId::from("C1"));
    assert_eq!(hints.mode().unwrap(), crate::policy::ModeHint::Gm);
    assert_eq!(hints.audience().unwrap(), crate::policy::AudienceHint::GmOnly);
}
