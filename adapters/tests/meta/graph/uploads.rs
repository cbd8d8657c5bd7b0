//! Files agents uploaded to us, sent through the Graph API: uploaded to the account first (a
//! WhatsApp media upload, a Messenger attachment upload, both `multipart/form-data`), then named
//! by the id Meta answered; uploaded once however often the outbox retries the send. Instagram
//! takes no uploads: it gets a signed link to fetch the file from.

use super::fake_graph::{FakeGraph, Reply};
use super::memory_blobs::Blobs;
use super::*;
use botwot_adapters::meta::upload_links::{LINK_LIFETIME_SECS, UploadLinks};
use botwot_adapters::meta::uploads::{Upload, UploadError, Uploads};
use botwot_engine::ports::{ChannelSender, DeliveryError};
use botwot_engine::time::{Clock, ManualClock, Timestamp};
use serde_json::json;

const PHOTO: &[u8] = b"\x89PNG\r\n\x1a\n a small png";
const MEDIA_ID: &str = "1166846181421424";
const ATTACHMENT_ID: &str = "1857777774821032";
const WAMID: &str = "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA";
const MID: &str = "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP";

/// When the tests' sender dates its links, in unix seconds.
const NOW_SECS: i64 = 1_764_000_000;

fn clock() -> Arc<dyn Clock> {
    Arc::new(ManualClock::starting_at(Timestamp::from_millis(
        NOW_SECS * 1_000,
    )))
}

/// One answer for every request (the fake answers all alike): WhatsApp's upload answer `id`
/// beside its send answer `messages`, each call reading the part it documents.
fn whatsapp_answers() -> Reply {
    Reply::json(
        200,
        json!({
            "id": MEDIA_ID,
            "messaging_product": "whatsapp",
            "contacts": [{"input": WA_ID, "wa_id": WA_ID}],
            "messages": [{"id": WAMID}]
        }),
    )
}

/// Messenger's attachment upload answer beside its Send API answer.
fn messenger_answers() -> Reply {
    Reply::json(
        200,
        json!({"attachment_id": ATTACHMENT_ID, "recipient_id": PSID, "message_id": MID}),
    )
}

async fn uploaded_photo(uploads: &Uploads) -> Upload {
    uploads
        .save(&TenantId::from("org_test"), "image/png", PHOTO.to_vec())
        .await
        .expect("a png is accepted")
}

fn photo_message(upload: &Upload, caption: Option<&str>) -> MessageBody {
    MessageBody::Media {
        media_type: upload.media_type.to_owned(),
        url: upload.url.clone(),
        caption: caption.map(str::to_owned),
    }
}

/// The multipart body as text, and its boundary.
fn form_of(request: &super::fake_graph::RecordedRequest) -> (String, String) {
    let content_type = request.header("content-type").expect("a content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("a multipart upload: {content_type}"))
        .to_owned();
    let body = request.body.as_str().expect("a form, not json").to_owned();
    (body, boundary)
}

#[tokio::test]
async fn a_whatsapp_photo_is_uploaded_to_the_number_once_then_sent_by_its_media_id() {
    let graph = FakeGraph::start(whatsapp_answers()).await;
    let uploads = Uploads::new(Arc::new(Blobs::default()));
    let upload = uploaded_photo(&uploads).await;
    let sender = sender(&graph.base_url).with_uploads(uploads, None, clock());
    let entry = outbox_entry(
        Channel::WhatsApp,
        PHONE_NUMBER_ID,
        WA_ID,
        photo_message(&upload, Some("your parcel")),
    );

    let sent = sender.send(&entry).await.unwrap();
    assert_eq!(sent.provider_message_id, WAMID);
    // The outbox sends it again (say the answer was lost): the file is not uploaded again.
    sender.send(&entry).await.unwrap();

    let requests = graph.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    let media = format!("/v21.0/{PHONE_NUMBER_ID}/media");
    let messages = format!("/v21.0/{PHONE_NUMBER_ID}/messages");
    assert_eq!(paths, [&media, &messages, &messages]);
    let upload_request = &requests[0];
    assert_eq!(
        upload_request.header("authorization"),
        Some(format!("Bearer {WHATSAPP_TOKEN}").as_str())
    );
    let (form, boundary) = form_of(upload_request);
    assert!(form.starts_with(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n"
    )));
    assert!(form.contains("name=\"type\"\r\n\r\nimage/png\r\n"));
    assert!(form.contains("name=\"file\"; filename=\"upload\"\r\nContent-Type: image/png\r\n\r\n"));
    assert!(form.contains(" a small png\r\n"));
    assert!(form.ends_with(&format!("--{boundary}--\r\n")));
    assert_eq!(
        requests[1].body,
        json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": WA_ID,
            "type": "image",
            "image": {"id": MEDIA_ID, "caption": "your parcel"}
        })
    );
}

#[tokio::test]
async fn a_messenger_photo_is_uploaded_as_a_reusable_attachment_then_sent_by_its_id() {
    let graph = FakeGraph::start(messenger_answers()).await;
    let uploads = Uploads::new(Arc::new(Blobs::default()));
    let upload = uploaded_photo(&uploads).await;
    let sender = sender(&graph.base_url).with_uploads(uploads, None, clock());
    let entry = outbox_entry(
        Channel::Messenger,
        PAGE_ID,
        PSID,
        photo_message(&upload, None),
    );

    let sent = sender.send(&entry).await.unwrap();
    assert_eq!(sent.provider_message_id, MID);

    let requests = graph.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_eq!(requests[0].path, "/v21.0/me/message_attachments");
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {PAGE_TOKEN}").as_str())
    );
    let (form, _) = form_of(&requests[0]);
    let message = form
        .split("name=\"message\"\r\n\r\n")
        .nth(1)
        .and_then(|rest| rest.split("\r\n").next())
        .expect("a message field");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(message).unwrap(),
        json!({"attachment": {"type": "image", "payload": {"is_reusable": true}}})
    );
    assert!(
        form.contains("name=\"filedata\"; filename=\"upload\"\r\nContent-Type: image/png\r\n\r\n")
    );
    assert_eq!(requests[1].path, "/v21.0/me/messages");
    assert_eq!(
        requests[1].body["message"],
        json!({"attachment": {"type": "image", "payload": {"attachment_id": ATTACHMENT_ID}}})
    );
}

#[tokio::test]
async fn an_instagram_photo_is_sent_by_a_signed_link_to_the_kept_file() {
    let graph = FakeGraph::start(messenger_answers()).await;
    let uploads = Uploads::new(Arc::new(Blobs::default()));
    let upload = uploaded_photo(&uploads).await;
    let links = UploadLinks::new("https://chat.shop.test/", b"the deployment's secret");
    let sender = sender(&graph.base_url).with_uploads(uploads, Some(links.clone()), clock());
    let entry = outbox_entry(
        Channel::Instagram,
        INSTAGRAM_ACCOUNT_ID,
        IGSID,
        photo_message(&upload, None),
    );

    let sent = sender.send(&entry).await.unwrap();
    assert_eq!(sent.provider_message_id, MID);

    let requests = graph.requests();
    assert_eq!(requests.len(), 1, "nothing is uploaded: {requests:#?}");
    assert_eq!(requests[0].path, "/v21.0/me/messages");
    let attachment = &requests[0].body["message"]["attachment"];
    assert_eq!(attachment["type"], "image");
    let link = attachment["payload"]["url"]
        .as_str()
        .expect("a url payload");
    let prefix = format!(
        "https://chat.shop.test/media/uploads/org_test/{}?expires=",
        upload.id
    );
    let query = link
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{link}"));
    let (expires, signature) = query.split_once("&signature=").expect("a signature");
    let expires: i64 = expires.parse().expect("unix seconds");
    assert_eq!(
        expires,
        NOW_SECS + LINK_LIFETIME_SECS,
        "dated by the sender's clock"
    );
    assert_eq!(
        links.check("org_test", &upload.id, expires, signature, expires),
        Ok(())
    );

    // A file that is no longer kept is not linked.
    let gone = outbox_entry(
        Channel::Instagram,
        INSTAGRAM_ACCOUNT_ID,
        IGSID,
        MessageBody::Media {
            media_type: "image".into(),
            url: "botwot-upload:image00ff".into(),
            caption: None,
        },
    );
    let error = sender.deliver(&gone).await.unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error:?}");
    assert_eq!(graph.requests().len(), 1);
}

#[tokio::test]
async fn what_cannot_be_sent_by_upload_fails_for_good_without_a_request() {
    let graph = FakeGraph::start(whatsapp_answers()).await;
    let uploads = Uploads::new(Arc::new(Blobs::default()));
    let upload = uploaded_photo(&uploads).await;
    let sender = sender(&graph.base_url).with_uploads(uploads.clone(), None, clock());

    // Instagram takes attachments only by an address, and this sender has no links to give.
    let on_instagram = outbox_entry(
        Channel::Instagram,
        INSTAGRAM_ACCOUNT_ID,
        IGSID,
        photo_message(&upload, None),
    );
    let error = sender.deliver(&on_instagram).await.unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error:?}");
    // An upload of another organisation (or none at all) is not found.
    let mut foreign = outbox_entry(
        Channel::WhatsApp,
        PHONE_NUMBER_ID,
        WA_ID,
        photo_message(&upload, None),
    );
    foreign.key.tenant_id = TenantId::from("org_other");
    let error = sender.deliver(&foreign).await.unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error:?}");
    // A node without a blob store cannot send uploads at all.
    let bare = super::sender(&graph.base_url);
    let whatsapp = outbox_entry(
        Channel::WhatsApp,
        PHONE_NUMBER_ID,
        WA_ID,
        photo_message(&upload, None),
    );
    let error = bare.deliver(&whatsapp).await.unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error:?}");
    assert!(graph.requests().is_empty(), "{:#?}", graph.requests());
}

#[tokio::test]
async fn uploads_are_checked_against_what_whatsapp_takes() {
    let uploads = Uploads::new(Arc::new(Blobs::default()));
    let tenant = TenantId::from("org_test");
    let html = uploads
        .save(&tenant, "text/html", b"<p>hi</p>".to_vec())
        .await;
    assert!(html.unwrap_err().to_string().contains("cannot be sent"));
    let empty = uploads.save(&tenant, "application/pdf", Vec::new()).await;
    assert_eq!(empty.unwrap_err().to_string(), "the file is empty");
    let big_photo = uploads
        .save(&tenant, "image/jpeg", vec![0; 5 * 1024 * 1024 + 1])
        .await;
    assert_eq!(
        big_photo.unwrap_err().to_string(),
        "image files may be at most 5 MB; this one is 5242881 bytes"
    );
    let document = uploads
        .save(&tenant, "application/pdf", b"%PDF-1.7".to_vec())
        .await
        .unwrap();
    assert_eq!(document.media_type, "document");
    assert_eq!(
        uploads.open(&tenant, &document.url).await.unwrap().bytes,
        b"%PDF-1.7"
    );
    let foreign = uploads
        .open(&TenantId::from("org_other"), &document.url)
        .await;
    assert!(
        matches!(foreign, Err(UploadError::NotFound(_))),
        "{foreign:?}"
    );
}
