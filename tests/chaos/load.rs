//! The bounded load driver: `contacts` WhatsApp users each send `messages_per_contact` texts,
//! spread over a few concurrent tasks at a steady pace. A contact's messages go one after
//! another; a webhook that is not answered 200 (the server is down, or died mid-request) is
//! redelivered with the same `wamid`, as Meta does, until it is or the deadline passes.

use crate::support::meta::{WebhookAnswer, inbound_text_from, webhook_answer};
use std::time::Duration;
use tokio::time::Instant;

/// How much load, how fast, for how long at most.
#[derive(Clone, Copy, Debug)]
pub struct LoadPlan {
    pub contacts: usize,
    pub messages_per_contact: usize,
    pub tasks: usize,
    /// The pause after each acknowledged webhook, per task.
    pub interval: Duration,
    /// The pause between deliveries of an unacknowledged webhook.
    pub redelivery_pause: Duration,
    /// After this, unacknowledged webhooks are no longer redelivered.
    pub deadline: Duration,
}

/// What became of one message.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub contact: usize,
    pub seq: usize,
    /// How many times its webhook was posted.
    pub deliveries: u32,
    /// Whether one of them was answered 200.
    pub acked: bool,
    /// Every delivery not answered 200, in order.
    pub refusals: Vec<Refusal>,
}

/// One delivery of a webhook that was not answered 200.
#[derive(Clone, Debug)]
pub enum Refusal {
    /// The server answered with an error.
    Answered(WebhookAnswer),
    /// No answer came: the connection was refused or reset, or the client gave up waiting.
    NoAnswer(String),
}

impl Refusal {
    /// Whether the server said plainly that it cannot take the webhook now: a 503 with a
    /// stable error code, which Meta redelivers.
    pub fn is_clear_unavailable(&self) -> bool {
        matches!(self, Refusal::Answered(answer) if answer.status == 503 && answer.code.is_some())
    }
}

/// The WhatsApp id of contact `contact`.
pub fn contact_wa_id(contact: usize) -> String {
    format!("4917{contact:08}")
}

/// The text of a contact's `seq`th message: it names both, so the transcript shows which it is.
pub fn message_text(contact: usize, seq: usize) -> String {
    format!("chaos contact {contact:03} message {seq:03}")
}

/// The contact and sequence a chaos text names, if it is one.
pub fn parse_message_text(text: &str) -> Option<(usize, usize)> {
    let rest = text.strip_prefix("chaos contact ")?;
    let (contact, seq) = rest.split_once(" message ")?;
    Some((contact.parse().ok()?, seq.parse().ok()?))
}

fn wamid(contact: usize, seq: usize) -> String {
    format!("wamid.CHAOS{contact:04}{seq:04}")
}

/// Runs the plan against the servers at `bases` (which may be killed and restarted meanwhile)
/// and returns every message's outcome. A message goes to one of them and each redelivery to
/// the next, so with several nodes a dead one is routed around, as a load balancer would.
pub async fn run(plan: LoadPlan, bases: Vec<String>) -> Vec<Outcome> {
    let started = Instant::now();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("http client");
    let tasks: Vec<_> = (0..plan.tasks)
        .map(|task| {
            let contacts: Vec<usize> = (task..plan.contacts).step_by(plan.tasks).collect();
            tokio::spawn(drive(plan, contacts, bases.clone(), http.clone(), started))
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.extend(task.await.expect("load task"));
    }
    outcomes
}

/// One task: round after round, the next message of each of its contacts.
async fn drive(
    plan: LoadPlan,
    contacts: Vec<usize>,
    bases: Vec<String>,
    http: reqwest::Client,
    started: Instant,
) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for seq in 0..plan.messages_per_contact {
        for &contact in &contacts {
            let outcome = deliver(&plan, contact, seq, &bases, &http, started).await;
            outcomes.push(outcome);
            tokio::time::sleep(plan.interval).await;
        }
    }
    outcomes
}

/// Posts one message's webhook until it is answered 200 or the deadline passes.
async fn deliver(
    plan: &LoadPlan,
    contact: usize,
    seq: usize,
    bases: &[String],
    http: &reqwest::Client,
    started: Instant,
) -> Outcome {
    let payload = inbound_text_from(
        &contact_wa_id(contact),
        &wamid(contact, seq),
        &message_text(contact, seq),
    );
    let mut outcome = Outcome {
        contact,
        seq,
        deliveries: 0,
        acked: false,
        refusals: Vec::new(),
    };
    while started.elapsed() < plan.deadline {
        let base = &bases[(contact + seq + outcome.deliveries as usize) % bases.len()];
        outcome.deliveries += 1;
        match webhook_answer(http, base, &payload).await {
            Ok(answer) if answer.status == 200 => {
                outcome.acked = true;
                break;
            }
            Ok(answer) => outcome.refusals.push(Refusal::Answered(answer)),
            Err(error) => outcome.refusals.push(Refusal::NoAnswer(error.to_string())),
        }
        tokio::time::sleep(plan.redelivery_pause).await;
    }
    outcome
}
