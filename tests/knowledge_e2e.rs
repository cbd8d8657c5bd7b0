//! End to end through the real binary: an organisation uploads a document to a knowledge base,
//! attaches it to a bot, and a visitor asking on the web widget gets an answer quoting it; after
//! a restart the index is still there.

mod support;

use support::{Server, bot_settings, pushed_texts, widget_client};

const POLICY: &str = "# Returns policy\n\nYou may return any unworn item within thirty days of delivery.\n\nRefunds reach your card within five working days of the parcel arriving at our warehouse.\n\n# Delivery\n\nStandard delivery takes two to four working days.";

#[tokio::test]
async fn a_visitor_gets_an_answer_quoting_the_uploaded_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = Server::start(dir.path(), &[]).await;
    let kb = server.knowledge_base_with("returns.md", POLICY).await;
    let bot = server.create_bot(bot_settings("Ava", 3_600)).await;
    let bot_id = bot["id"].as_str().expect("bot id");
    server.attach_knowledge_base(bot_id, &kb).await;
    let key = bot["widgetKey"].as_str().expect("widget key").to_owned();

    let question = "How long do refunds take to reach my card?";
    let chat = widget_client(
        &server.base,
        &key,
        &["--send", question, "--wait-ms", "2000"],
    );
    let answers = pushed_texts(&chat);
    assert!(
        answers
            .iter()
            .any(|text| text.contains("five working days")),
        "the bot quotes the document: {answers:?}"
    );

    // The index is kept in the blob store: a restarted node answers the same.
    server.kill_and_restart().await;
    let again = widget_client(
        &server.base,
        &key,
        &[
            "--send",
            "How long does standard delivery take?",
            "--wait-ms",
            "2000",
        ],
    );
    let answers = pushed_texts(&again);
    assert!(
        answers
            .iter()
            .any(|text| text.contains("two to four working days")),
        "after a restart: {answers:?}"
    );
}
