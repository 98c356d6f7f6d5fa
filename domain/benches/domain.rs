//! Criterion benchmarks of the shared domain's hot paths: `can_see` (run for every recipient of every message
//! and every history row), the command parser (every send) and dice (every roll). Results are in
//! BENCHMARKS.md; run with `cargo bench -p app --bench domain`.

use criterion::{criterion_group, criterion_main, Criterion};
use domain::actor::Actor;
use domain::audience::{Audience, AudienceScope};
use domain::campaign::Role;
use domain::command;
use domain::dice;
use domain::dice_roll::{roll, DiceRng};
use domain::ids::{ChannelId, MessageId, UserId};
use domain::message::{Message, MessageKind};
use domain::visibility::{can_see, Viewer};
use std::hint::black_box;

fn message_with(audience: Audience) -> Message {
    Message {
        message_id: MessageId::generate(),
        channel_id: ChannelId::from("channel"),
        sequence_id: 1,
        sent_at: 0,
        kind: MessageKind::Text,
        actor: Actor::participant("sender", "sender"),
        sender_id: Some(UserId::from("sender")),
        body: "The bell tolls.".into(),
        mentions: Vec::new(),
        audience,
        roll: None,
        client_message_id: None,
        change: None,
        inline_rolls: Vec::new(),
        reply: None,
    }
}

fn visibility(c: &mut Criterion) {
    let player = Viewer {
        user_id: UserId::from("player-7"),
        role: Role::Player,
    };
    let whisper = Audience {
        scope: AudienceScope::Targets,
        targets: (0..8).map(|n| UserId(format!("player-{n}"))).collect(),
        gms: false,
        blind: false,
    };
    let cases = [
        ("all", message_with(Audience::all())),
        ("gm_only", message_with(Audience::gm_only())),
        ("whisper_to_8", message_with(whisper)),
    ];
    let mut group = c.benchmark_group("can_see");
    for (name, message) in &cases {
        group.bench_function(*name, |b| b.iter(|| can_see(black_box(&player), black_box(message))));
    }
    group.finish();
}

fn commands(c: &mut Criterion) {
    let mut group = c.benchmark_group("command_parse");
    for (name, body) in [
        ("plain_text", "We should head for the chapel before the tide comes in."),
        ("roll", "/roll 4d6kh3+2 for strength"),
        ("whisper", "/w @alice @\"Brother Osric\" meet me at the docks"),
        ("as_npc", "/as \"Mayor Hollin\" Welcome to Saltmere, travellers."),
    ] {
        group.bench_function(name, |b| b.iter(|| command::parse(black_box(body))));
    }
    group.finish();
}

/// A fast deterministic generator, so the benchmark measures the dice code rather than the OS's randomness.
struct Xorshift(u64);

impl DiceRng for Xorshift {
    fn face(&mut self, sides: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % u64::from(sides)) as u32 + 1
    }
}

fn dice_rolls(c: &mut Criterion) {
    let mut group = c.benchmark_group("dice");
    for (name, notation) in [("d20", "1d20+5"), ("keep_highest", "4d6kh3"), ("many", "20d10+3d8-2")] {
        group.bench_function(format!("parse_{name}"), |b| b.iter(|| dice::parse(black_box(notation))));
        let expr = dice::parse(notation).expect("valid notation");
        let mut rng = Xorshift(0x2545_f491_4f6c_dd1d);
        group.bench_function(format!("roll_{name}"), |b| b.iter(|| roll(black_box(&expr), &mut rng)));
    }
    group.finish();
}

criterion_group!(benches, visibility, commands, dice_rolls);
criterion_main!(benches);
