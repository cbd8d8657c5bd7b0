//! Voice agents: read, replaced, deleted and counted only in their tenant, listed in name order
//! whatever the case, a page at a time.

use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::ids::{KnowledgeBaseId, TenantId};
use botwot_engine::ports::{PageRequest, StoreError};
use botwot_engine::voice_agent::{VoiceAgent, VoiceAgentSettings, VoiceAgentWebhook};

fn agent(tenant: &TenantId, name: &str) -> VoiceAgent {
    VoiceAgent::create(
        tenant.clone(),
        VoiceAgentSettings::named(name),
        Timestamp(1_000),
    )
}

fn names(agents: &[VoiceAgent]) -> Vec<&str> {
    agents
        .iter()
        .map(|agent| agent.settings.name.as_str())
        .collect()
}

pub async fn voice_agents_live_in_their_tenant_in_name_order(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut reception = agent(&acme, "reception");
    reception.settings.llm_config.temperature = 0.35;
    reception.settings.tts_config.speed = 1.25;
    reception.settings.knowledge_base_ids = vec![KnowledgeBaseId::from("kb_faq")];
    reception.settings.webhooks = vec![VoiceAgentWebhook {
        name: "book_slot".into(),
        url: "https://cal.example/book".into(),
        description: "books a visit".into(),
    }];
    for stored in [
        &reception,
        &agent(&acme, "Sales"),
        &agent(&acme, "after hours"),
    ] {
        store.insert_voice_agent(stored).await?;
    }
    store
        .insert_voice_agent(&agent(&globex, "Globex line"))
        .await?;

    let listed = store
        .list_voice_agents(&acme, &PageRequest::default())
        .await?;
    assert_eq!(names(&listed.items), ["after hours", "reception", "Sales"]);
    let first = PageRequest {
        limit: 2,
        cursor: None,
    };
    let page = store.list_voice_agents(&acme, &first).await?;
    assert_eq!(names(&page.items), ["after hours", "reception"]);
    let next = PageRequest {
        limit: 2,
        cursor: page.next_cursor,
    };
    let rest = store.list_voice_agents(&acme, &next).await?;
    assert_eq!(names(&rest.items), ["Sales"]);
    assert_eq!(rest.next_cursor, None);
    assert_eq!(store.count_voice_agents(&acme, 10).await?, 3);
    assert_eq!(store.count_voice_agents(&acme, 2).await?, 2);
    assert_eq!(store.count_voice_agents(&globex, 10).await?, 1);

    assert_eq!(
        store.get_voice_agent(&acme, &reception.id).await?,
        Some(reception.clone()),
        "every setting comes back as stored"
    );
    assert_eq!(store.get_voice_agent(&globex, &reception.id).await?, None);

    let mut renamed = reception.clone();
    renamed.settings.name = "Zulu desk".into();
    renamed.updated_at = Timestamp(2_000);
    store.update_voice_agent(&renamed).await?;
    let listed = store
        .list_voice_agents(&acme, &PageRequest::default())
        .await?;
    assert_eq!(names(&listed.items), ["after hours", "Sales", "Zulu desk"]);

    let mut foreign = reception.clone();
    foreign.tenant_id = globex.clone();
    assert!(matches!(
        store.update_voice_agent(&foreign).await,
        Err(StoreError::NotFound)
    ));
    let never_stored = agent(&acme, "ghost");
    assert!(matches!(
        store.update_voice_agent(&never_stored).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_voice_agent(&globex, &reception.id).await,
        Err(StoreError::NotFound)
    ));
    store.delete_voice_agent(&acme, &reception.id).await?;
    assert_eq!(store.get_voice_agent(&acme, &reception.id).await?, None);
    assert!(matches!(
        store.delete_voice_agent(&acme, &reception.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.count_voice_agents(&acme, 10).await?, 2);
    assert_eq!(store.count_voice_agents(&globex, 10).await?, 1);
    Ok(())
}
