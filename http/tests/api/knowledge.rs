//! Knowledge bases over the API: create, upload and watch ingestion, query, attach to a bot and
//! get grounded answers, delete documents and bases (files and index with them), limits and
//! isolation.

use crate::support::{Reply, TestApp};
use axum::http::{Method, StatusCode};
use botwot_engine::access::{Permissions, Role};
use botwot_engine::bot::BotSettings;
use serde_json::{Value, json};

const RETURNS: &str = "# Returns policy\n\nYou can return any item within thirty days of delivery. Refunds reach your card within five working days.\n\n## Shipping\n\nStandard shipping takes two to four days. Express shipping arrives the next day.";

async fn base(app: &TestApp, name: &str) -> String {
    let reply = app
        .send(Method::POST, "/v1/knowledge-bases", json!({ "name": name }))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body["id"].as_str().expect("id").to_owned()
}

async fn upload(
    app: &TestApp,
    kb: &str,
    file_name: &str,
    bytes: &[u8],
    content_type: &str,
) -> Reply {
    let path = format!("/v1/knowledge-bases/{kb}/documents?fileName={file_name}");
    app.upload(&path, bytes.to_vec(), content_type).await
}

async fn ingested(app: &TestApp, kb: &str, file_name: &str, text: &str) -> Value {
    let reply = upload(app, kb, file_name, text.as_bytes(), "text/markdown").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert_eq!(reply.body["stage"], "queued");
    let id = reply.body["id"].as_str().expect("id").to_owned();
    app.ingestion_finished(kb, &id).await
}

/// Asks base `kb` when a refund arrives; the best passage must be the returns policy's.
async fn assert_refund_question_finds_the_policy(app: &TestApp, kb: &str) {
    let query = json!({ "query": "how long until my refund arrives", "topK": 3 });
    let found = app
        .send(
            Method::POST,
            &format!("/v1/knowledge-bases/{kb}/query"),
            query,
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{:?}", found.body);
    let top = found.body["passages"][0]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(top.contains("five working days"), "{:?}", found.body);
}

/// A new organisation on the BASE plan signed up by `email`: its owner's authorization and the
/// documents path of a knowledge base of its own.
async fn base_plan_documents(app: &TestApp, email: &str) -> (String, String) {
    let owner = app.sign_up_base_organisation(email, "Small").await;
    let kb = app
        .call(
            Method::POST,
            "/v1/knowledge-bases",
            Some(r#"{"name": "Small"}"#),
            &[("authorization", &owner)],
        )
        .await;
    let id = kb.body["id"].as_str().expect("id");
    (owner, format!("/v1/knowledge-bases/{id}/documents"))
}

#[tokio::test]
async fn an_uploaded_document_answers_questions_with_its_source() {
    let app = TestApp::new().await;
    let kb = base(&app, "Help centre").await;
    let document = ingested(&app, &kb, "returns.md", RETURNS).await;
    assert_eq!(document["stage"], "ready", "{document:?}");
    assert_eq!(document["percent"], 100);
    assert!(document["chunkCount"].as_u64().unwrap_or(0) >= 1);

    assert_refund_question_finds_the_policy(&app, &kb).await;

    let bot = app.bot(BotSettings::named("Ava")).await;
    let attach = app
        .send(
            Method::PUT,
            &format!("/v1/bots/{}/knowledge-bases/{kb}", bot.id),
            json!({}),
        )
        .await;
    assert_eq!(attach.status, StatusCode::OK, "{:?}", attach.body);
    assert_eq!(attach.body["knowledgeBaseIds"], json!([kb]));

    let ask = |question: &str| json!({ "question": question });
    let answer_path = format!("/v1/bots/{}/answer", bot.id);
    let answer = app
        .send(
            Method::POST,
            &answer_path,
            ask("How long do refunds take to reach my card?"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    assert_eq!(answer.body["grounded"], true, "{:?}", answer.body);
    let text = answer.body["text"].as_str().unwrap_or_default();
    assert!(text.contains("five working days"), "{text}");
    assert_eq!(answer.body["sources"][0]["title"], "Returns policy");

    // As server-sent events: the local brain composes its answer at once, so no drafts come
    // before the one `answer` event; a bad question is refused before any stream starts.
    let streamed = |question: &str| {
        let body = ask(question).to_string();
        let path = answer_path.clone();
        let app = &app;
        async move {
            app.call(
                Method::POST,
                &path,
                Some(&body),
                &[("accept", "text/event-stream")],
            )
            .await
        }
    };
    let events = streamed("How long do refunds take to reach my card?").await;
    assert_eq!(events.status, StatusCode::OK);
    assert!(events.content_type().starts_with("text/event-stream"));
    let text = events.body.as_str().unwrap_or_default();
    assert!(text.starts_with("event: answer\ndata: {"), "{text}");
    assert!(text.contains("five working days"), "{text}");
    let refused = streamed("").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.code(), "validation_failed");

    let unknown = app
        .send(
            Method::POST,
            &answer_path,
            ask("Do you repair vintage motorbikes?"),
        )
        .await;
    assert_eq!(unknown.body["grounded"], false, "{:?}", unknown.body);
    assert_eq!(unknown.body["wantsHuman"], true);

    let detach = app
        .call(
            Method::DELETE,
            &format!("/v1/bots/{}/knowledge-bases/{kb}", bot.id),
            None,
            &[],
        )
        .await;
    assert_eq!(detach.status, StatusCode::OK);
    assert_eq!(detach.body["knowledgeBaseIds"], json!([]));
}

#[tokio::test]
async fn hostile_or_mislabelled_files_fail_with_a_code_and_oversized_ones_are_refused() {
    let app = TestApp::new().await;
    let kb = base(&app, "Files").await;
    let fake_pdf = upload(
        &app,
        &kb,
        "report.pdf",
        b"plain words, not a PDF",
        "application/pdf",
    )
    .await;
    assert_eq!(fake_pdf.status, StatusCode::CREATED);
    let id = fake_pdf.body["id"].as_str().expect("id").to_owned();
    let failed = app.ingestion_finished(&kb, &id).await;
    assert_eq!(failed["stage"], "failed");
    assert!(
        failed["error"]["code"]
            .as_str()
            .is_some_and(|c| !c.is_empty()),
        "{failed:?}"
    );
    assert!(
        failed["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );

    // The BASE plan takes files up to 10 MiB.
    let (small, documents) = base_plan_documents(&app, "owner@small.test").await;
    let path = format!("{documents}?fileName=big.txt");
    let too_big = vec![b'a'; 10 * 1024 * 1024 + 1];
    let refused = app.upload_as(&small, &path, too_big, "text/plain").await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(refused.code(), "file_too_large");

    let empty = upload(&app, &kb, "empty.txt", b"", "text/plain").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    let nameless = upload(&app, &kb, "", b"hello", "text/plain").await;
    assert_eq!(nameless.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(nameless.fields_at_fault(), ["fileName"]);

    let listed = app
        .get(&format!("/v1/knowledge-bases/{kb}/documents"))
        .await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_web_page_is_fetched_and_learned() {
    let page = axum::Router::new().route(
        "/hours",
        axum::routing::get(|| async {
            axum::response::Html(
                "<html><head><title>Opening hours</title></head><body><p>The shop opens at nine and closes at six.</p></body></html>",
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, page).await });

    let app = TestApp::new().await;
    let kb = base(&app, "Web").await;
    let url = format!("http://{address}/hours");
    let added = app
        .send(
            Method::POST,
            &format!("/v1/knowledge-bases/{kb}/urls"),
            json!({ "url": url }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    let id = added.body["id"].as_str().expect("id").to_owned();
    let document = app.ingestion_finished(&kb, &id).await;
    assert_eq!(document["stage"], "ready", "{document:?}");
    assert_eq!(document["title"], "Opening hours");
    assert_eq!(document["url"], url);

    let bad = app
        .send(
            Method::POST,
            &format!("/v1/knowledge-bases/{kb}/urls"),
            json!({ "url": "ftp://x" }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn deleting_documents_and_bases_removes_what_they_taught() {
    let app = TestApp::new().await;
    let kb = base(&app, "Temporary").await;
    let document = ingested(&app, &kb, "returns.md", RETURNS).await;
    let id = document["id"].as_str().expect("id");
    let query_path = format!("/v1/knowledge-bases/{kb}/query");
    let query = json!({ "query": "express shipping" });
    let before = app.send(Method::POST, &query_path, query.clone()).await;
    assert!(
        !before.body["passages"]
            .as_array()
            .expect("passages")
            .is_empty()
    );

    let path = format!("/v1/knowledge-bases/{kb}/documents/{id}");
    let deleted = app.call(Method::DELETE, &path, None, &[]).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);
    let after = app.send(Method::POST, &query_path, query).await;
    assert_eq!(after.body["passages"], json!([]), "{:?}", after.body);

    let bot = app.bot(BotSettings::named("Ava")).await;
    let attach_path = format!("/v1/bots/{}/knowledge-bases/{kb}", bot.id);
    app.send(Method::PUT, &attach_path, json!({})).await;
    let gone = app
        .call(
            Method::DELETE,
            &format!("/v1/knowledge-bases/{kb}"),
            None,
            &[],
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/v1/knowledge-bases/{kb}")).await.status,
        StatusCode::NOT_FOUND
    );
    let bot = app.get(&format!("/v1/bots/{}", bot.id)).await;
    assert_eq!(bot.body["knowledgeBaseIds"], json!([]));
    let leftovers = app
        .state
        .knowledge
        .blobs
        .list(&format!("kb/default/{kb}/"))
        .await;
    assert_eq!(leftovers.expect("listing"), Vec::<String>::new());
}

#[tokio::test]
async fn bases_are_named_limited_by_plan_and_private_to_their_organisation() {
    let app = TestApp::new().await;
    let empty = app
        .send(Method::POST, "/v1/knowledge-bases", json!({ "name": " " }))
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.fields_at_fault(), ["name"]);

    let kb = base(&app, "FAQ").await;
    let renamed = app
        .send(
            Method::PUT,
            &format!("/v1/knowledge-bases/{kb}"),
            json!({ "name": "Questions" }),
        )
        .await;
    assert_eq!(renamed.body["name"], "Questions");

    let other = app
        .account("globex", Permissions::of(Role::SuperAdmin))
        .await;
    let bearer = other.bearer();
    let theirs = app
        .call(
            Method::GET,
            &format!("/v1/knowledge-bases/{kb}"),
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let listed = app
        .call(
            Method::GET,
            "/v1/knowledge-bases",
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(listed.body["items"], json!([]));

    // The BASE plan allows ten bases.
    let small = app
        .sign_up_base_organisation("owner@small.test", "Small")
        .await;
    let create = |n: usize| {
        let body = json!({ "name": format!("Base {n}") }).to_string();
        let small = small.clone();
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/v1/knowledge-bases",
                Some(&body),
                &[("authorization", &small)],
            )
            .await
        }
    };
    for n in 0..10 {
        assert_eq!(create(n).await.status, StatusCode::CREATED);
    }
    let eleventh = create(10).await;
    assert_eq!(eleventh.status, StatusCode::FORBIDDEN);
    assert_eq!(eleventh.code(), "plan_limit_reached");
}

#[tokio::test]
async fn a_question_goes_to_the_bot_whose_knowledge_answers_it() {
    let app = TestApp::new().await;
    let mut bots = Vec::new();
    for (name, file, text) in [
        (
            "Refunds",
            "refunds.md",
            "Refunds reach your card within five working days of the return.",
        ),
        (
            "Shipping",
            "shipping.md",
            "Express shipping arrives the next working day. Standard shipping takes four days.",
        ),
    ] {
        let kb = base(&app, name).await;
        let document = ingested(&app, &kb, file, text).await;
        assert_eq!(document["stage"], "ready");
        let bot = app.bot(BotSettings::named(name)).await;
        let attach = format!("/v1/bots/{}/knowledge-bases/{kb}", bot.id);
        assert_eq!(
            app.send(Method::PUT, &attach, json!({})).await.status,
            StatusCode::OK
        );
        bots.push(bot.id.to_string());
    }
    // A bot without knowledge is never a candidate.
    app.bot(BotSettings::named("Greeter")).await;

    let shipping = app
        .send(
            Method::POST,
            "/v1/answer",
            json!({ "question": "How fast is express shipping?" }),
        )
        .await;
    assert_eq!(shipping.status, StatusCode::OK, "{:?}", shipping.body);
    assert_eq!(
        shipping.body["botId"],
        bots[1].as_str(),
        "{:?}",
        shipping.body
    );
    assert!(
        shipping.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("next working day")
    );
    assert_eq!(
        shipping.body["candidates"].as_array().map(Vec::len),
        Some(2)
    );

    let refund = app
        .send(
            Method::POST,
            "/v1/answer",
            json!({ "question": "When does my refund reach my card?", "botIds": bots }),
        )
        .await;
    assert_eq!(refund.body["botId"], bots[0].as_str(), "{:?}", refund.body);

    let unknown = app
        .send(
            Method::POST,
            "/v1/answer",
            json!({ "question": "hi", "botIds": ["bot_nope"] }),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// One part of a `multipart/form-data` body: field name, file name, content type, bytes.
type Part<'a> = (&'a str, Option<&'a str>, &'a str, &'a [u8]);

const BOUNDARY: &str = "----botwot-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body of `parts`, and its `Content-Type`, as a browser sends a form.
fn form(parts: &[Part]) -> (Vec<u8>, String) {
    let mut body = Vec::new();
    for (name, file_name, content_type, bytes) in parts {
        let file = file_name.map_or(String::new(), |file| format!("; filename=\"{file}\""));
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\
                 Content-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={BOUNDARY}"))
}

#[tokio::test]
async fn a_file_sent_as_a_form_is_learned_under_its_own_name_and_bad_forms_are_refused() {
    let app = TestApp::new().await;
    let kb = base(&app, "Forms").await;
    let path = format!("/v1/knowledge-bases/{kb}/documents");
    let (body, kind) = form(&[
        ("note", None, "text/plain", b"not the file"),
        (
            "file",
            Some("returns.md"),
            "text/markdown",
            RETURNS.as_bytes(),
        ),
    ]);
    let sent = app.upload(&path, body, &kind).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    assert_eq!(sent.body["fileName"], "returns.md");
    assert_eq!(sent.body["sizeBytes"], RETURNS.len());
    let id = sent.body["id"].as_str().expect("id").to_owned();
    assert_eq!(app.ingestion_finished(&kb, &id).await["stage"], "ready");
    assert_refund_question_finds_the_policy(&app, &kb).await;

    let (no_file, kind) = form(&[("note", None, "text/plain", b"hello")]);
    let refused = app.upload(&path, no_file, &kind).await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        refused.body
    );
    assert_eq!(refused.code(), "invalid_payload");
    let boundless = app
        .upload(&path, b"--x\r\n".to_vec(), "multipart/form-data")
        .await;
    assert_eq!(boundless.code(), "invalid_payload");
    let (cut, kind) = form(&[("file", Some("a.txt"), "text/plain", b"hello")]);
    let cut_short = app
        .upload(&path, cut[..cut.len() - 12].to_vec(), &kind)
        .await;
    assert_eq!(cut_short.code(), "invalid_payload", "{:?}", cut_short.body);

    // The plan's size limit holds inside a form too (the BASE plan takes up to 10 MiB).
    let (small, small_path) = base_plan_documents(&app, "owner@forms.test").await;
    let too_big = vec![b'a'; 10 * 1024 * 1024 + 1];
    let (big_form, kind) = form(&[("file", Some("big.txt"), "text/plain", &too_big)]);
    let over = app.upload_as(&small, &small_path, big_form, &kind).await;
    assert_eq!(over.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(over.code(), "file_too_large");

    let listed = app
        .get(&format!("/v1/knowledge-bases/{kb}/documents"))
        .await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
}
