//! The accounting after a chaos run: every contact's transcripts read through the API, the
//! fake Graph API's log, and the load driver's outcomes compared into a [`Tally`].
//!
//! Outbound sends carry no idempotency key to WhatsApp (the Cloud API takes none), so a send is
//! tied to its message by the id the fake Graph API answered with: each request gets a fresh
//! one, and the outbox records it on the message it sent. A request whose id no stored message
//! carries is a send whose result was never recorded. Whether it was a repeat is told per
//! contact: more requests to a contact than outbound messages of theirs are duplicates.

use super::load::{Outcome, contact_wa_id, parse_message_text};
use crate::support::Server;
use crate::support::meta::GraphRequest;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::time::Instant;

/// How long the server gets to deliver everything after the load ends: past the answer
/// watchdog (45 s), which asks the brain again for questions a kill left unanswered.
const SETTLE_BOUND: Duration = Duration::from_secs(120);

/// One contact's stored messages, every session of theirs, in order.
#[derive(Clone, Debug, Default)]
pub struct ContactMessages {
    pub inbound_texts: Vec<String>,
    pub outbound: Vec<Value>,
}

/// What a run delivered, lost and duplicated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Webhooks answered 200 (each message counted once).
    pub acked: usize,
    /// Messages never answered 200 before the load's deadline.
    pub unacked: usize,
    /// Acknowledged messages missing from the transcripts.
    pub lost: usize,
    /// Extra stored copies of inbound messages.
    pub duplicated: usize,
    /// Contacts whose inbound messages are stored out of their send order.
    pub out_of_order: usize,
    /// Outbound messages the Graph API accepted, as recorded on them.
    pub replies_sent: usize,
    /// Outbound messages not (yet) recorded as sent.
    pub replies_unsent: usize,
    /// Graph API requests whose answer no stored message records.
    pub unrecorded_sends: usize,
    /// Graph API requests to a contact beyond one per outbound message of theirs.
    pub duplicate_sends: usize,
    /// Inbound messages beyond the bot's replies to their contact: questions never answered
    /// (closing and warning messages are outbound too, and answer nothing).
    pub unanswered: usize,
    /// Contacts with any of the problems above, to show.
    pub suspects: Vec<usize>,
}

impl Tally {
    /// Whether nothing is still on its way: every acknowledged message stored, every outbound
    /// message sent, every contact answered.
    pub fn settled(&self) -> bool {
        self.lost == 0 && self.replies_unsent == 0 && self.unanswered == 0
    }
}

/// Reads every contact's messages through the API.
pub async fn read_contacts(server: &Server, contacts: usize) -> Vec<ContactMessages> {
    let mut all = Vec::with_capacity(contacts);
    for contact in 0..contacts {
        let wa_id = contact_wa_id(contact);
        let (status, sessions) = server
            .get(&format!(
                "/v1/sessions?channel=whatsapp&contact={wa_id}&limit=200"
            ))
            .await;
        assert_eq!(status, 200, "{sessions}");
        let mut messages = ContactMessages::default();
        for session in sessions["items"].as_array().cloned().unwrap_or_default() {
            let id = session["id"].as_str().expect("session id");
            let (status, transcript) = server
                .get(&format!("/v1/sessions/{id}/transcript?limit=200"))
                .await;
            assert_eq!(status, 200, "{transcript}");
            for message in transcript["items"].as_array().cloned().unwrap_or_default() {
                match message["direction"].as_str() {
                    Some("inbound") => messages.inbound_texts.push(
                        message["body"]["text"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    ),
                    Some("outbound") => messages.outbound.push(message),
                    _ => {}
                }
            }
        }
        all.push(messages);
    }
    all
}

/// Compares the load's outcomes and the Graph API's log with the stored messages.
pub fn tally(outcomes: &[Outcome], contacts: &[ContactMessages], graph: &[GraphRequest]) -> Tally {
    let mut tally = Tally::default();
    let mut lost_from = HashSet::new();
    for outcome in outcomes {
        if !outcome.acked {
            tally.unacked += 1;
            continue;
        }
        tally.acked += 1;
        let stored = contacts[outcome.contact]
            .inbound_texts
            .iter()
            .filter(|text| parse_message_text(text) == Some((outcome.contact, outcome.seq)))
            .count();
        if stored == 0 {
            tally.lost += 1;
            lost_from.insert(outcome.contact);
        }
    }
    let mut recorded_ids = HashSet::new();
    for (contact, messages) in contacts.iter().enumerate() {
        let mut copies: HashMap<&str, usize> = HashMap::new();
        for text in &messages.inbound_texts {
            *copies.entry(text.as_str()).or_default() += 1;
        }
        tally.duplicated += copies.values().map(|n| n - 1).sum::<usize>();
        let order: Vec<usize> = messages
            .inbound_texts
            .iter()
            .filter_map(|text| parse_message_text(text))
            .filter(|(of, _)| *of == contact)
            .map(|(_, seq)| seq)
            .collect();
        if !order.is_sorted() {
            tally.out_of_order += 1;
        }
        let mut suspect =
            lost_from.contains(&contact) || copies.values().any(|n| *n > 1) || !order.is_sorted();
        let wa_id = contact_wa_id(contact);
        let sends = graph
            .iter()
            .filter(|request| request.body["to"] == wa_id.as_str())
            .count();
        tally.duplicate_sends += sends.saturating_sub(messages.outbound.len());
        let bot_replies = messages
            .outbound
            .iter()
            .filter(|message| message["author"]["kind"] == "bot")
            .count();
        let unanswered = messages.inbound_texts.len().saturating_sub(bot_replies);
        if unanswered > 0 {
            tally.unanswered += unanswered;
            suspect = true;
        }
        for message in &messages.outbound {
            match message["providerMessageId"].as_str() {
                Some(id) => {
                    tally.replies_sent += 1;
                    recorded_ids.insert(id.to_owned());
                }
                None => {
                    tally.replies_unsent += 1;
                    suspect = true;
                }
            }
        }
        if suspect {
            tally.suspects.push(contact);
        }
    }
    tally.unrecorded_sends = graph
        .iter()
        .filter(|request| !recorded_ids.contains(&request.issued_id))
        .count();
    tally
}

/// Reads and tallies until everything acknowledged is stored and answered, or a generous bound
/// passes; returns the last tally and messages either way, so a failing run still reports, and
/// prints the messages of every suspicious contact, each line starting with `label`.
pub async fn settle(
    label: &str,
    server: &Server,
    outcomes: &[Outcome],
    contact_count: usize,
    graph: impl Fn() -> Vec<GraphRequest>,
) -> (Tally, Vec<ContactMessages>) {
    let give_up = Instant::now() + SETTLE_BOUND;
    loop {
        let contacts = read_contacts(server, contact_count).await;
        let tally = tally(outcomes, &contacts, &graph());
        if tally.settled() || Instant::now() >= give_up {
            for &contact in &tally.suspects {
                println!(
                    "{label}: contact {contact}: {}",
                    describe(&contacts[contact])
                );
            }
            return (tally, contacts);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One line per stored message of a contact: direction, delivery state, text or provider id.
pub fn describe(messages: &ContactMessages) -> String {
    let inbound = messages.inbound_texts.join(" | ");
    let outbound: Vec<String> = messages
        .outbound
        .iter()
        .map(|m| {
            format!(
                "seq={} {} {}",
                m["seq"], m["delivery"]["state"], m["providerMessageId"]
            )
        })
        .collect();
    format!("inbound: {inbound}\n  outbound: {}", outbound.join(", "))
}
