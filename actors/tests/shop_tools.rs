//! The bot's Shopify order tools over the embedded store, the real Shopify client and the local
//! Shopify stand-in: a customer's order is found by its name among their own orders only and
//! read fresh from the shop; it is cancelled in Shopify only once the customer confirmed, only
//! if it is not shipped; another customer's order name finds nothing; off WhatsApp the tools
//! refuse.

#[path = "../../tests/support/shopify_fake/mod.rs"]
mod shopify_fake;

use async_trait::async_trait;
use botwot_actors::{
    NamedLocks, OrderReminders, OrderRemindersConfig, OrderRemindersDeps, ShopTools, SystemClock,
    shop_secret_context, shop_token_context,
};
use botwot_adapters::meta::graph::TokenCipher;
use botwot_adapters::shopify::{ShopifyClient, ShopifyConfig};
use botwot_engine::Channel;
use botwot_engine::bot::{BotProfile, BotSettings};
use botwot_engine::commerce::{ReminderSettings, ShopConnection, TrackedOrder};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{DeliveryError, ReminderSender, Sealer, Storage};
use botwot_engine::time::{Clock, Timestamp};
use botwot_engine::tools::{ToolCall, ToolContext, ToolKit, Toolbox};
use botwot_storage::open_embedded;
use serde_json::{Value, json};
use shopify_fake::{ShopifyFake, cod_order};
use std::sync::Arc;

const SHOP: &str = "acme-kurtas.myshopify.com";
const TOKEN: &str = "shpat_0123456789abcdef0123456789abcdef";
const ASHA: &str = "919876543210";
const RAVI: &str = "919000011111";

/// Reminders are not what these tests are about: none is sent.
struct NoReminders;

#[async_trait]
impl ReminderSender for NoReminders {
    async fn send_order_reminder(
        &self,
        _: &ShopConnection,
        _: &TrackedOrder,
    ) -> Result<String, DeliveryError> {
        Err(DeliveryError::Permanent("not in this test".into()))
    }
}

struct Shop {
    fake: ShopifyFake,
    tools: ShopTools,
    store: Arc<dyn Storage>,
    _dir: tempfile::TempDir,
}

/// A connected shop with Asha's order #1001 (open) and #1002 (shipped), and Ravi's #1003.
async fn shop() -> Shop {
    let dir = tempfile::tempdir().expect("dir");
    let store: Arc<dyn Storage> = open_embedded(dir.path().join("db")).expect("store");
    let fake = ShopifyFake::start(SHOP, TOKEN).await;
    let client =
        ShopifyClient::new(ShopifyConfig::default().with_api_url(fake.base_url())).expect("config");
    let cipher = TokenCipher::from_base64_key(&TokenCipher::random_base64_key().expect("key"))
        .expect("cipher");
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let now = clock.now();
    let shop = ShopConnection {
        domain: SHOP.into(),
        tenant_id: TenantId::from("acme"),
        name: "Acme Kurtas".into(),
        currency: "INR".into(),
        sealed_access_token: Sealer::seal(&cipher, &shop_token_context(SHOP), TOKEN)
            .expect("sealed"),
        sealed_webhook_secret: Sealer::seal(&cipher, &shop_secret_context(SHOP), "shpss_secret")
            .expect("sealed"),
        reminders: ReminderSettings {
            default_country_code: Some("91".into()),
            ..ReminderSettings::default()
        },
        unhealthy: None,
        created_at: now,
        updated_at: now,
    };
    store.insert_shop(&shop).await.expect("shop stored");
    let orders = OrderReminders::new(
        OrderRemindersDeps {
            store: store.clone(),
            shopify: Arc::new(client),
            sender: Arc::new(NoReminders),
            sealer: Arc::new(cipher),
            locks: NamedLocks::default(),
            clock,
        },
        OrderRemindersConfig::default(),
    );
    let mut shipped = cod_order(450789470, "#1002", "+91 98765 43210", 7_200);
    shipped["fulfillment_status"] = json!("fulfilled");
    for order in [
        cod_order(450789469, "#1001", "+91 98765 43210", 600),
        shipped,
        cod_order(450789471, "#1003", "+91 90000 11111", 300),
    ] {
        fake.put_order(SHOP, order.clone());
        let id = order["id"].to_string();
        let access = orders.access(&shop).expect("the token opens");
        let snapshot = orders
            .deps()
            .shopify
            .order(&access, &id)
            .await
            .expect("the shop answers")
            .expect("the order");
        orders.observe(&shop, snapshot).await.expect("kept");
    }
    Shop {
        fake,
        tools: ShopTools::new(orders),
        store,
        _dir: dir,
    }
}

fn context(channel: Channel, contact: &str) -> ToolContext {
    let mut settings = BotSettings::named("Dia");
    settings.tools = vec![ToolKit::Shopify];
    ToolContext {
        bot: Arc::new(BotProfile::create(
            TenantId::from("acme"),
            settings,
            Timestamp(0),
        )),
        channel,
        contact: Some(contact.to_owned()),
    }
}

async fn call(shop: &Shop, context: &ToolContext, name: &str, arguments: Value) -> Value {
    let call = ToolCall {
        id: "call_1".into(),
        name: name.into(),
        arguments: arguments.to_string(),
    };
    serde_json::from_str(&shop.tools.call(context, &call).await).expect("json")
}

#[tokio::test]
async fn a_customer_reads_and_cancels_their_own_open_order_once_they_confirmed() {
    let shop = shop().await;
    assert_eq!(shop.tools.specs(&[ToolKit::Shopify]).len(), 2);
    let asha = context(Channel::WhatsApp, ASHA);

    let listed = call(&shop, &asha, "get_order_details", json!({})).await;
    let names: Vec<&str> = listed["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .filter_map(|order| order["name"].as_str())
        .collect();
    assert_eq!(names, vec!["#1001", "#1002"], "hers only, latest first");

    shop.fake.change_order(SHOP, 450789469, |order| {
        order["financial_status"] = json!("authorized");
    });
    let read = call(
        &shop,
        &asha,
        "get_order_details",
        json!({"orderName": "1001"}),
    )
    .await;
    assert_eq!(read["name"], "#1001");
    assert_eq!(
        read["financialStatus"], "authorized",
        "read fresh from the shop"
    );
    assert_eq!(read["total"], "INR 598.94");

    let unconfirmed = call(
        &shop,
        &asha,
        "cancel_order",
        json!({"orderName": "#1001", "confirmed": false}),
    )
    .await;
    assert!(
        unconfirmed["error"]
            .as_str()
            .unwrap_or("")
            .contains("confirm"),
        "{unconfirmed}"
    );
    assert!(
        shop.fake.order(SHOP, 450789469)["cancelled_at"].is_null(),
        "not cancelled"
    );

    let cancelled = call(
        &shop,
        &asha,
        "cancel_order",
        json!({"orderName": "#1001", "confirmed": true}),
    )
    .await;
    assert_eq!(cancelled["cancelled"], true, "{cancelled}");
    assert!(!shop.fake.order(SHOP, 450789469)["cancelled_at"].is_null());
    let kept = shop
        .store
        .get_order(
            &TenantId::from("acme"),
            &TrackedOrder::key(SHOP, "450789469"),
        )
        .await
        .expect("store")
        .expect("kept");
    assert!(kept.order.cancelled_at.is_some(), "the kept order knows");
    let requests: Vec<String> = shop
        .fake
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST" && request.path.ends_with("/cancel.json"))
        .map(|request| request.path)
        .collect();
    assert_eq!(
        requests,
        vec![format!(
            "/{SHOP}/admin/api/2025-01/orders/450789469/cancel.json"
        )]
    );

    let shipped = call(
        &shop,
        &asha,
        "cancel_order",
        json!({"orderName": "#1002", "confirmed": true}),
    )
    .await;
    assert!(shipped["error"].is_string(), "{shipped}");
    let again = call(
        &shop,
        &asha,
        "cancel_order",
        json!({"orderName": "#1001", "confirmed": true}),
    )
    .await;
    assert!(again["error"].is_string(), "{again}");
}

#[tokio::test]
async fn another_customers_order_and_other_channels_find_nothing() {
    let shop = shop().await;
    let asha = context(Channel::WhatsApp, ASHA);
    let theirs = call(
        &shop,
        &asha,
        "get_order_details",
        json!({"orderName": "#1003"}),
    )
    .await;
    assert_eq!(theirs["found"], false, "{theirs}");
    let cancel = call(
        &shop,
        &asha,
        "cancel_order",
        json!({"orderName": "#1003", "confirmed": true}),
    )
    .await;
    assert!(cancel["error"].is_string());
    assert!(shop.fake.order(SHOP, 450789471)["cancelled_at"].is_null());

    let ravi = context(Channel::WhatsApp, RAVI);
    let his = call(
        &shop,
        &ravi,
        "get_order_details",
        json!({"orderName": "#1003"}),
    )
    .await;
    assert_eq!(his["name"], "#1003");

    let web = context(Channel::Web, "visitor-1");
    assert!(call(&shop, &web, "get_order_details", json!({})).await["error"].is_string());
    let unknown = call(&shop, &asha, "get_order_details", json!({"order": "#1001"})).await;
    assert!(
        unknown["error"].is_string(),
        "unknown arguments are refused"
    );
}
