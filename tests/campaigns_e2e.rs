//! Campaigns end to end through the real binary, against the local stand-in for the Graph API:
//! a campaign drafted, given an audience from a CSV list and launched sends its opening template
//! to every recipient (WhatsApp's template message, from the campaign's number, in its
//! language, with the recipient's own `{{1}}`, `{{2}}` from the list); Meta's signed `statuses`
//! webhooks move each journey on, so the step armed by `read` sends its template after its wait;
//! the journeys finish and the campaign completes with the metrics counted. Killed with
//! `kill -9` half way through its audience, a campaign goes on after the restart from where its
//! store says it was: every recipient reached, none twice (except the one send the kill may have
//! cut between Meta's answer and the store). A contact who replies STOP gets nothing more from
//! the campaign.

mod support;

use serde_json::{Value, json};
use std::collections::HashMap;
use support::Backend;
use support::Server;
use support::meta::{
    FakeGraph, GraphRequest, PHONE_NUMBER_ID, connect_whatsapp, inbound_text_from, post_webhook,
    start_server_with, status,
};

fn campaign(wait_ms: u64) -> Value {
    json!({
        "name": "Cart recovery",
        "channelAccount": PHONE_NUMBER_ID,
        "openingTemplateId": "cart_reminder",
        "language": "en_US",
        "workflow": {"maxFollowUps": 1, "steps": [
            {"name": "thanks", "on": "read", "waitMs": wait_ms,
             "templateId": "cart_thanks", "terminal": true}
        ]}
    })
}

/// The template requests the fake Graph API received, by template name.
fn templates(graph: &FakeGraph, name: &str) -> Vec<GraphRequest> {
    graph
        .requests()
        .into_iter()
        .filter(|request| request.body["template"]["name"] == name)
        .collect()
}

async fn launched(server: &Server, phones: &[String]) -> String {
    let (status, created) = server.post("/v1/campaigns", campaign(300)).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("/v1/campaigns/{}", created["id"].as_str().expect("an id"));
    let rows: Vec<String> = phones
        .iter()
        .map(|phone| format!("{phone},Customer,https://shop.example/cart/{phone}"))
        .collect();
    let list = format!("phone,{{{{1}}}},{{{{2}}}}\n{}\n", rows.join("\n"));
    let (status, added) = server
        .upload(&format!("{path}/audience"), list.into_bytes(), "text/csv")
        .await;
    assert_eq!(status, 200, "{added}");
    assert_eq!(added["added"], phones.len());
    let (status, running) = server.post(&format!("{path}/launch"), json!(null)).await;
    assert_eq!(status, 200, "{running}");
    assert_eq!(running["status"], "running");
    path
}

async fn campaign_server(graph: &FakeGraph, dir: &std::path::Path, per_second: &str) -> Server {
    start_server_with(
        Backend::Embedded(dir.to_owned()),
        graph,
        &[
            ("BOTWOT__CAMPAIGNS__SWEEP_MS", "200"),
            ("BOTWOT__CAMPAIGNS__SENDS_PER_SECOND", per_second),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_sends_its_templates_follows_statuses_and_completes() {
    let graph = FakeGraph::start().await;
    let dir = tempfile::tempdir().expect("data dir");
    let server = campaign_server(&graph, dir.path(), "50").await;
    connect_whatsapp(&server).await;
    let phones: Vec<String> = (1..=3).map(|n| format!("4477009001{n:02}")).collect();
    let path = launched(&server, &phones).await;

    server
        .until("every recipient got the opening template", || async {
            templates(&graph, "cart_reminder").len() == 3
        })
        .await;
    let openings = templates(&graph, "cart_reminder");
    for opening in &openings {
        assert_eq!(
            opening.path,
            format!("/v21.0/{PHONE_NUMBER_ID}/messages"),
            "sent from the campaign's number"
        );
        let body = &opening.body;
        assert_eq!(body["messaging_product"], "whatsapp");
        assert_eq!(body["type"], "template");
        assert_eq!(body["template"]["language"]["code"], "en_US");
        let to = body["to"].as_str().unwrap_or_default();
        let parameters = &body["template"]["components"][0];
        assert_eq!(parameters["type"], "body", "{body}");
        assert_eq!(
            parameters["parameters"],
            json!([{"type": "text", "text": "Customer"},
                   {"type": "text", "text": format!("https://shop.example/cart/{to}")}]),
            "the recipient's own texts"
        );
    }
    let mut reached: Vec<_> = openings
        .iter()
        .map(|opening| opening.body["to"].as_str().unwrap_or_default().to_owned())
        .collect();
    reached.sort();
    assert_eq!(reached, phones);

    // Delivered, then read: the `read` step sends its template after its wait.
    for opening in &openings {
        for state in ["sent", "delivered", "read"] {
            assert_eq!(
                post_webhook(&server, &status(&opening.issued_id, state)).await,
                200
            );
        }
    }
    server
        .until("every recipient got the step's template", || async {
            templates(&graph, "cart_thanks").len() == 3
        })
        .await;
    // The terminal step's message finishes each journey once the channel accepts it.
    for thanks in templates(&graph, "cart_thanks") {
        assert_eq!(
            post_webhook(&server, &status(&thanks.issued_id, "sent")).await,
            200
        );
    }
    server
        .until("the campaign completes", || async {
            server.get(&path).await.1["status"] == "completed"
        })
        .await;
    let (_, metrics) = server.get(&format!("{path}/metrics")).await;
    let tally = &metrics["tally"];
    assert_eq!(
        (
            tally["sent"].as_u64(),
            tally["delivered"].as_u64(),
            tally["read"].as_u64()
        ),
        (Some(6), Some(3), Some(3)),
        "{metrics}"
    );
    assert_eq!(tally["completed"], 3, "{metrics}");
    assert_eq!(tally["inProgress"], 0, "{metrics}");
    assert_eq!(
        templates(&graph, "cart_reminder").len(),
        3,
        "nothing sent twice"
    );
    assert_eq!(
        templates(&graph, "cart_thanks").len(),
        3,
        "nothing sent twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_killed_half_way_goes_on_after_the_restart() {
    let graph = FakeGraph::start().await;
    let dir = tempfile::tempdir().expect("data dir");
    let mut server = campaign_server(&graph, dir.path(), "10").await;
    connect_whatsapp(&server).await;
    let phones: Vec<String> = (1..=30).map(|n| format!("4477009002{n:02}")).collect();
    launched(&server, &phones).await;
    server
        .until("a few recipients were reached", || async {
            templates(&graph, "cart_reminder").len() >= 5
        })
        .await;
    server.kill();
    let before_restart = templates(&graph, "cart_reminder").len();
    assert!(before_restart < phones.len(), "killed half way");
    server.start_again().await;
    server
        .until("every recipient was reached", || async {
            let mut reached: Vec<_> = templates(&graph, "cart_reminder")
                .iter()
                .map(|opening| opening.body["to"].as_str().unwrap_or_default().to_owned())
                .collect();
            reached.sort();
            reached.dedup();
            reached.len() == phones.len()
        })
        .await;
    let mut sends: HashMap<String, usize> = HashMap::new();
    for opening in templates(&graph, "cart_reminder") {
        let to = opening.body["to"].as_str().unwrap_or_default().to_owned();
        *sends.entry(to).or_default() += 1;
    }
    let twice: Vec<_> = sends.iter().filter(|(_, count)| **count > 1).collect();
    assert!(
        twice.len() <= 1 && twice.iter().all(|(_, count)| **count == 2),
        "at most the one send in flight at the kill is repeated: {twice:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_who_replies_stop_gets_no_more_campaign_messages() {
    let graph = FakeGraph::start().await;
    let dir = tempfile::tempdir().expect("data dir");
    let server = campaign_server(&graph, dir.path(), "50").await;
    connect_whatsapp(&server).await;
    let phones: Vec<String> = (1..=2).map(|n| format!("4477009003{n:02}")).collect();
    let path = launched(&server, &phones).await;
    server
        .until("both recipients got the opening template", || async {
            templates(&graph, "cart_reminder").len() == 2
        })
        .await;
    let reply = inbound_text_from(&phones[0], "wamid.HBgLNDQ3NzAwOTAwMzAxFQIAEhggQ0Q", "Stop");
    assert_eq!(post_webhook(&server, &reply).await, 200);
    for opening in templates(&graph, "cart_reminder") {
        for state in ["delivered", "read"] {
            assert_eq!(
                post_webhook(&server, &status(&opening.issued_id, state)).await,
                200
            );
        }
    }
    server
        .until("the other recipient got the step's template", || async {
            !templates(&graph, "cart_thanks").is_empty()
        })
        .await;
    let thanks = templates(&graph, "cart_thanks");
    assert_eq!(thanks.len(), 1);
    assert_eq!(thanks[0].body["to"], phones[1].as_str());
    let (_, metrics) = server.get(&format!("{path}/metrics")).await;
    assert_eq!(metrics["tally"]["optedOut"], 1, "{metrics}");
    assert_eq!(
        metrics["tally"]["read"], 2,
        "reports still count: {metrics}"
    );
}
