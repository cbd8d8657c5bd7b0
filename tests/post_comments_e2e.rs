//! End to end through the real binary: comments on the posts of an Instagram account and of a
//! Facebook page, answered by the integration's engagement mode with public replies under the
//! comment (Instagram's `POST /{comment-id}/replies`, a page's `POST /{comment-id}/comments`, on
//! a local stand-in for the Graph API). The bot answers in `ai` mode, the configured message goes
//! out once in `custom` mode, nothing is posted in `manual` mode (the comment waits for an agent,
//! whose reply is posted under it); the account's own comments are never answered, and a
//! redelivered comment is answered once.

mod support;

use serde_json::{Value, json};
use support::meta::{FakeGraph, GraphRequest, start_server};
use support::{Server, bot_settings};

const TOKEN: &str = "EAAGm0PX4ZCpsBAPageAccessTokenOfTheLinkedPage";
const COMMENTER: &str = "6934762243302013";

/// Where comments come from: an Instagram account or a Facebook page, with Meta's webhook
/// shape and reply edge for each.
struct Posts {
    channel: &'static str,
    account: &'static str,
    /// The comment ids Meta gives on this channel, `n` from 1.
    comment_id: fn(u32) -> String,
    /// The Graph API edge a reply to a comment is posted to.
    reply_edge: &'static str,
}

const INSTAGRAM: Posts = Posts {
    channel: "instagram",
    account: "17841405309211844",
    comment_id: |n| format!("178588932690000{n:02}"),
    reply_edge: "replies",
};

const FACEBOOK_PAGE: Posts = Posts {
    channel: "messenger",
    account: "107309982261958",
    comment_id: |n| format!("1234567890123456_9876543210987{n:02}"),
    reply_edge: "comments",
};

impl Posts {
    /// A comment webhook, as Meta's examples: Instagram's `comments` field, a page's `feed`
    /// field with `item: "comment"`.
    fn comment(&self, comment_id: &str, author: &str, text: &str) -> Value {
        let (object, field, value) = match self.channel {
            "instagram" => (
                "instagram",
                "comments",
                json!({
                    "from": {"id": author, "username": "kerry.fisher"},
                    "media": {"id": "17887498072083520", "media_product_type": "FEED"},
                    "id": comment_id,
                    "text": text
                }),
            ),
            _ => {
                let post = format!("{}_1234567890123456", self.account);
                (
                    "page",
                    "feed",
                    json!({
                        "from": {"id": author, "name": "Kerry Fisher"},
                        "message": text, "post_id": post, "parent_id": post,
                        "comment_id": comment_id, "created_time": 1_700_000_000,
                        "item": "comment", "verb": "add"
                    }),
                )
            }
        };
        json!({"object": object, "entry": [{"id": self.account, "time": 1_700_000_000,
            "changes": [{"field": field, "value": value}]}]})
    }

    /// Connects the account with `mode` as its comment engagement.
    async fn connect(&self, server: &Server, mode: Value) -> String {
        let bot = server.create_bot(bot_settings("Max", 3_600)).await;
        let integration = json!({
            "channel": self.channel, "accountId": self.account, "botId": bot["id"],
            "accessToken": TOKEN, "commentReplies": mode
        });
        let (status, created) = server.post("/v1/integrations", integration).await;
        assert_eq!(status, 201, "integration created: {created}");
        bot["id"].as_str().expect("bot id").to_owned()
    }

    fn replies_to(&self, graph: &FakeGraph, comment_id: &str) -> Vec<GraphRequest> {
        let path = format!("/v21.0/{comment_id}/{}", self.reply_edge);
        graph
            .requests()
            .into_iter()
            .filter(|request| request.path == path)
            .collect()
    }
}

async fn post(server: &Server, payload: &Value) {
    assert_eq!(support::meta::post_webhook(server, payload).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_ai_mode_the_bot_answers_under_an_instagram_comment_once() {
    ai_mode_answers_once(&INSTAGRAM).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_ai_mode_the_bot_answers_under_a_facebook_page_comment_once() {
    ai_mode_answers_once(&FACEBOOK_PAGE).await;
}

async fn ai_mode_answers_once(posts: &Posts) {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server(dir.path(), &graph).await;
    posts.connect(&server, json!({"mode": "ai"})).await;
    let (first_id, own_id, second_id) = (
        (posts.comment_id)(1),
        (posts.comment_id)(2),
        (posts.comment_id)(3),
    );

    let first = posts.comment(&first_id, COMMENTER, "Do you ship to Canada?");
    post(&server, &first).await;
    server
        .until("the answer is posted under the comment", || async {
            !posts.replies_to(&graph, &first_id).is_empty()
        })
        .await;
    let reply = &posts.replies_to(&graph, &first_id)[0];
    assert_eq!(
        reply.authorization.as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(
        !reply.body["message"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "{:?}",
        reply.body
    );

    // Meta redelivers the comment, and the account's own reply comes back as a comment too;
    // then a second customer comment is answered, after which a repeat would have shown.
    post(&server, &first).await;
    post(
        &server,
        &posts.comment(&own_id, posts.account, "Yes, we do!"),
    )
    .await;
    post(
        &server,
        &posts.comment(&second_id, COMMENTER, "And to Mexico?"),
    )
    .await;
    server
        .until("the second comment is answered", || async {
            !posts.replies_to(&graph, &second_id).is_empty()
        })
        .await;
    // The account's own comment is a conversation of its own: applied, not only acknowledged.
    server.webhooks_applied().await;
    assert_eq!(
        posts.replies_to(&graph, &first_id).len(),
        1,
        "answered once"
    );
    assert!(
        posts.replies_to(&graph, &own_id).is_empty(),
        "own comments are not answered"
    );
    assert_eq!(graph.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_custom_mode_the_message_is_posted_once_and_in_manual_mode_an_agent_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = FakeGraph::start().await;
    let server = start_server(dir.path(), &graph).await;
    let posts = &INSTAGRAM;
    posts
        .connect(
            &server,
            json!({"mode": "custom", "message": "Thanks! We have sent you a DM."}),
        )
        .await;
    let custom = posts.comment("17858893269000011", COMMENTER, "Price?");
    post(&server, &custom).await;
    post(&server, &custom).await;
    server
        .until("the custom reply is posted", || async {
            !posts.replies_to(&graph, "17858893269000011").is_empty()
        })
        .await;
    server.webhooks_applied().await;
    let replies = posts.replies_to(&graph, "17858893269000011");
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].body["message"], "Thanks! We have sent you a DM.");

    // The same account switched to manual: the comment waits for an agent, nothing is posted
    // until the agent answers, and the agent's reply goes under the comment.
    let path = format!("/v1/integrations/instagram:{}", posts.account);
    let (_, mut settings) = server.get(&path).await;
    for field in ["id", "tenantId", "health", "createdAt", "updatedAt"] {
        settings.as_object_mut().expect("object").remove(field);
    }
    settings["commentReplies"] = json!({"mode": "manual"});
    let (status, saved) = server.put_json(&path, settings).await;
    assert_eq!(status, 200, "{saved}");
    post(
        &server,
        &posts.comment("17858893269000012", COMMENTER, "Is it waterproof?"),
    )
    .await;
    server.webhooks_applied().await;
    let (_, waiting) = server.get("/v1/conversations?queue=waiting").await;
    let session = waiting["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|session| session["key"]["contact"] == "comment:17858893269000012")
        .unwrap_or_else(|| panic!("the comment waits for an agent: {waiting}"))
        .clone();
    assert!(posts.replies_to(&graph, "17858893269000012").is_empty());
    let session_id = session["id"].as_str().expect("session id");
    let (status, body) = server
        .post(&format!("/v1/sessions/{session_id}/takeover"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server
        .post(
            &format!("/v1/sessions/{session_id}/messages"),
            json!({"text": "Yes, fully waterproof."}),
        )
        .await;
    assert!(status == 200 || status == 201, "{status} {body}");
    server
        .until("the agent's reply is posted under the comment", || async {
            !posts.replies_to(&graph, "17858893269000012").is_empty()
        })
        .await;
    assert_eq!(
        posts.replies_to(&graph, "17858893269000012")[0].body["message"],
        "Yes, fully waterproof."
    );
}
