//! How many events per second the pure session state machine applies on one core.
//!
//! Compared against the floor every transition pays: cloning the session state (which `apply`
//! does once per event). Run: `cargo bench --bench engine_apply`.

use botwot_engine::bot::{BotProfile, BotSettings};
use botwot_engine::session::{SessionEvent, SessionKey, SessionRules, SessionState, apply};
use botwot_engine::{Channel, MessageBody, TenantId, Timestamp};
use std::hint::black_box;
use std::time::Instant;

const EVENTS: u64 = 1_000_000;

fn main() {
    let bot = BotProfile::create(
        TenantId::from("org_bench"),
        BotSettings::named("Bench"),
        Timestamp(0),
    );
    let key = SessionKey::new(
        TenantId::from("org_bench"),
        Channel::Web,
        bot.id.as_str(),
        "visitor",
    );
    let rules = SessionRules::from_bot(&bot, Channel::Web);
    let mut state = SessionState::new(key, bot.id.clone(), rules, Timestamp(0));

    let started = Instant::now();
    for i in 0..EVENTS {
        let event = if i % 2 == 0 {
            SessionEvent::Inbound {
                provider_message_id: None,
                body: MessageBody::text("what are your opening hours?"),
            }
        } else {
            SessionEvent::BotReplied {
                in_reply_to: i,
                text: "We open at nine.".to_owned(),
                wants_human: false,
            }
        };
        let transition = apply(&state, event, Timestamp(i as i64)).expect("accepted");
        state = black_box(transition.state);
    }
    let apply_rate = EVENTS as f64 / started.elapsed().as_secs_f64();

    let started = Instant::now();
    for _ in 0..EVENTS {
        black_box(state.clone());
    }
    let clone_rate = EVENTS as f64 / started.elapsed().as_secs_f64();

    println!("engine apply (inbound and bot reply, alternating): {apply_rate:>12.0} events/s");
    println!("floor: clone the session state only:                {clone_rate:>12.0} clones/s");
    println!("apply costs {:.1}x a state clone", clone_rate / apply_rate);
}
