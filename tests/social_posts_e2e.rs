//! Posts end to end through the real binary, against the local stand-in for the Graph API: a
//! Facebook post made for now appears on the page within the publisher's sweep (Meta's post id
//! kept), an Instagram carousel goes through its containers and `media_publish`, and a post
//! scheduled for later survives `kill -9`: after the restart it is published at its time, once.

mod support;

use serde_json::{Value, json};
use std::time::Duration;
use support::Server;
use support::meta::{ACCESS_TOKEN, FakeGraph, GraphRequest, start_server_with};
use support::{Backend, bot_settings};

const PAGE: &str = "104851158210562";
const INSTAGRAM: &str = "17841405822304914";

async fn posting_server(graph: &FakeGraph, dir: &std::path::Path) -> Server {
    let server = start_server_with(
        Backend::Embedded(dir.to_owned()),
        graph,
        &[("BOTWOT__SOCIAL__SWEEP_MS", "200")],
    )
    .await;
    let bot = server.create_bot(bot_settings("Ava", 3_600)).await;
    for (channel, account) in [("messenger", PAGE), ("instagram", INSTAGRAM)] {
        let integration = json!({"channel": channel, "accountId": account, "botId": bot["id"], "accessToken": ACCESS_TOKEN});
        let (status, created) = server.post("/v1/integrations", integration).await;
        assert_eq!(status, 201, "{created}");
    }
    server
}

async fn published(server: &Server, id: &str) -> Value {
    let path = format!("/v1/social/posts/{id}");
    for _ in 0..300 {
        let (_, post) = server.get(&path).await;
        if post["status"] == "published" {
            return post;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("post {id} was not published: {}", server.get(&path).await.1);
}

fn to(graph: &FakeGraph, tail: &str) -> Vec<GraphRequest> {
    graph
        .requests()
        .into_iter()
        .filter(|request| request.path.ends_with(tail))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_go_out_now_and_on_time_and_a_scheduled_one_survives_a_crash() {
    let graph = FakeGraph::start().await;
    let dir = tempfile::tempdir().expect("data dir");
    let mut server = posting_server(&graph, dir.path()).await;

    let (status, now) = server
        .post(
            "/v1/social/posts",
            json!({"network": "facebook", "account": PAGE, "text": "Open till 9 tonight"}),
        )
        .await;
    assert_eq!(status, 201, "{now}");
    let post = published(&server, now["id"].as_str().expect("id")).await;
    let feed = to(&graph, &format!("/{PAGE}/feed"));
    assert_eq!(feed.len(), 1);
    assert_eq!(post["providerPostId"], feed[0].issued_id.as_str());

    let carousel = json!([
        {"kind": "image", "url": "https://cdn.example/look-1.jpg"},
        {"kind": "image", "url": "https://cdn.example/look-2.jpg"}
    ]);
    let (status, ig) = server
        .post("/v1/social/posts", json!({"network": "instagram", "account": INSTAGRAM, "text": "New season", "media": carousel}))
        .await;
    assert_eq!(status, 201, "{ig}");
    published(&server, ig["id"].as_str().expect("id")).await;
    let containers = graph.media.containers();
    assert_eq!(
        containers.len(),
        3,
        "two items and the carousel: {containers:?}"
    );
    assert!(
        containers
            .iter()
            .all(|container| container.account == INSTAGRAM)
    );
    assert_eq!(containers[2].body["media_type"], "CAROUSEL");
    assert_eq!(to(&graph, &format!("/{INSTAGRAM}/media_publish")).len(), 1);

    let at = chrono_in(4);
    let (status, later) = server
        .post(
            "/v1/social/posts",
            json!({"network": "facebook", "account": PAGE, "text": "Flash sale!", "publishAt": at}),
        )
        .await;
    assert_eq!(status, 201, "{later}");
    let later = later["id"].as_str().expect("id").to_owned();
    server.kill_and_restart().await;
    let (_, waiting) = server.get(&format!("/v1/social/posts/{later}")).await;
    assert_eq!(waiting["status"], "scheduled", "{waiting}");
    published(&server, &later).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        to(&graph, &format!("/{PAGE}/feed")).len(),
        2,
        "the scheduled post went out once"
    );
}

/// An RFC 3339 time `secs` seconds from now.
fn chrono_in(secs: u64) -> String {
    let at = std::time::SystemTime::now() + Duration::from_secs(secs);
    let millis = at
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis();
    botwot_engine::Timestamp::from_millis(i64::try_from(millis).expect("fits")).to_rfc3339()
}
