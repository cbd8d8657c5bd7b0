//! Token health: Meta rejecting an account's token (code 190) marks its stored integration
//! unhealthy once and alerts the organisation once; a token replaced meanwhile is not blamed,
//! and other failures leave the integration healthy.

use super::fake_graph::{FakeGraph, Reply};
use super::*;
use async_trait::async_trait;
use botwot_adapters::meta::graph::{AccessTokenSource, StoredTokens, TokenCipher};
use botwot_engine::ids::BotId;
use botwot_engine::integration::{
    ChannelIntegration, IntegrationAlerts, IntegrationHealth, IntegrationSettings,
};
use botwot_engine::ports::{ChannelSender, IntegrationStore, PageRequest, Paged, StoreError};
use botwot_engine::time::ManualClock;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;

/// Integrations in a map.
#[derive(Default)]
struct Integrations(Mutex<HashMap<String, ChannelIntegration>>);

impl Integrations {
    fn get(&self, id: &str) -> ChannelIntegration {
        self.0.lock().expect("lock")[id].clone()
    }
}

#[async_trait]
impl IntegrationStore for Integrations {
    async fn insert_integration(&self, integration: &ChannelIntegration) -> Result<(), StoreError> {
        let mut stored = self.0.lock().expect("lock");
        stored.insert(integration.id.clone(), integration.clone());
        Ok(())
    }

    async fn update_integration(&self, integration: &ChannelIntegration) -> Result<(), StoreError> {
        let mut stored = self.0.lock().expect("lock");
        let slot = stored
            .get_mut(&integration.id)
            .ok_or(StoreError::NotFound)?;
        *slot = integration.clone();
        Ok(())
    }

    async fn find_integration(
        &self,
        channel: Channel,
        account_id: &str,
    ) -> Result<Option<ChannelIntegration>, StoreError> {
        let id = ChannelIntegration::id_for(channel, account_id);
        Ok(self.0.lock().expect("lock").get(&id).cloned())
    }

    async fn list_integrations(
        &self,
        _: &TenantId,
        _: &PageRequest,
    ) -> Result<Paged<ChannelIntegration>, StoreError> {
        unimplemented!("not listed here")
    }
}

#[derive(Default)]
struct Alerts(Mutex<Vec<ChannelIntegration>>);

impl IntegrationAlerts for Alerts {
    fn integration_unhealthy(&self, integration: &ChannelIntegration) {
        self.0.lock().expect("lock").push(integration.clone());
    }
}

struct World {
    integrations: Arc<Integrations>,
    alerts: Arc<Alerts>,
    tokens: Arc<StoredTokens>,
    cipher: TokenCipher,
    id: String,
}

/// The WhatsApp number's integration, stored with `WHATSAPP_TOKEN` sealed.
async fn world() -> World {
    let cipher =
        TokenCipher::from_base64_key(&TokenCipher::random_base64_key().expect("test setup"))
            .expect("test setup");
    let integrations = Arc::new(Integrations::default());
    let settings =
        IntegrationSettings::new(Channel::WhatsApp, PHONE_NUMBER_ID, BotId::from("bot_1"));
    let mut integration =
        ChannelIntegration::create(TenantId::from("org_test"), settings, Timestamp(1_000));
    integration.sealed_access_token = Some(
        cipher
            .seal(&integration.id, &AccessToken::new(WHATSAPP_TOKEN))
            .expect("test setup"),
    );
    integrations
        .insert_integration(&integration)
        .await
        .expect("test setup");
    let alerts = Arc::new(Alerts::default());
    let clock = Arc::new(ManualClock::starting_at(Timestamp(5_000)));
    let tokens =
        StoredTokens::new(integrations.clone(), cipher.clone(), clock).with_alerts(alerts.clone());
    World {
        integrations,
        alerts,
        tokens: Arc::new(tokens),
        cipher,
        id: integration.id,
    }
}

fn sender_with(graph: &FakeGraph, tokens: Arc<StoredTokens>) -> MetaGraphSender {
    let client = GraphClient::new(GraphConfig::with_base_url(&graph.base_url)).expect("test setup");
    MetaGraphSender::new(client, tokens)
}

fn expired() -> Reply {
    Reply::json(
        401,
        json!({ "error": {
            "message": "Error validating access token: Session has expired on Tuesday, 25-Nov-25 10:00:00 PST.",
            "type": "OAuthException",
            "code": 190,
            "error_subcode": 463,
            "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam"
        }}),
    )
}

#[tokio::test]
async fn a_rejected_token_marks_the_integration_unhealthy_and_alerts_once() {
    let world = world().await;
    let graph = FakeGraph::start(expired()).await;
    let sender = sender_with(&graph, world.tokens.clone());
    for _ in 0..3 {
        assert!(sender.deliver(&whatsapp_text("hello")).await.is_err());
    }
    let integration = world.integrations.get(&world.id);
    match &integration.health {
        IntegrationHealth::Unhealthy {
            code,
            reason,
            since,
        } => {
            assert_eq!(code, "token_rejected");
            assert!(reason.contains("Session has expired"), "{reason}");
            assert!(!reason.contains(WHATSAPP_TOKEN));
            assert_eq!(*since, Timestamp(5_000));
        }
        healthy => panic!("still {healthy:?}"),
    }
    let alerts = world.alerts.0.lock().expect("lock").clone();
    assert_eq!(alerts.len(), 1, "one alert for three rejected sends");
    assert_eq!(alerts[0].id, world.id);
    assert!(
        alerts[0].sealed_access_token.is_none(),
        "alerts carry no secret"
    );
}

#[tokio::test]
async fn a_token_replaced_meanwhile_is_not_blamed() {
    let world = world().await;
    let mut integration = world.integrations.get(&world.id);
    integration.sealed_access_token = Some(
        world
            .cipher
            .seal(&integration.id, &AccessToken::new("EAAnewROTATEDtoken"))
            .expect("test setup"),
    );
    world
        .integrations
        .update_integration(&integration)
        .await
        .expect("test setup");
    // The rejection of the token a send used before the rotation arrives after it.
    world
        .tokens
        .token_rejected(
            Channel::WhatsApp,
            PHONE_NUMBER_ID,
            &AccessToken::new(WHATSAPP_TOKEN),
            "Session has expired",
        )
        .await;
    assert!(world.integrations.get(&world.id).health.is_healthy());
    assert!(world.alerts.0.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn other_failures_leave_the_integration_healthy() {
    let world = world().await;
    for reply in [
        Reply::json(
            500,
            json!({ "error": { "message": "An unknown error occurred", "code": 1 } }),
        ),
        Reply::json(
            429,
            json!({ "error": { "message": "(#4) Application request limit reached", "code": 4 } }),
        ),
    ] {
        let graph = FakeGraph::start(reply).await;
        let sender = sender_with(&graph, world.tokens.clone());
        assert!(sender.deliver(&whatsapp_text("hello")).await.is_err());
    }
    assert!(world.integrations.get(&world.id).health.is_healthy());
    assert!(world.alerts.0.lock().expect("lock").is_empty());
}
