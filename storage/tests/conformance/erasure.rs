use crate::fixtures::Fixture;
use crate::records::{commit, conversation, inbound, outbound, outbox, tenant, timer};
use botwot_engine::channel::Channel;
use botwot_engine::ports::StoreError;
use botwot_engine::timer::TimerKind;

pub async fn erasing_a_session_removes_its_messages_deliveries_and_timers_only(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let erased = conversation(&acme, Channel::WhatsApp, "+1555");
    let kept = conversation(&acme, Channel::WhatsApp, "+1666");
    for (state, provider) in [(&erased, "wamid.A"), (&kept, "wamid.B")] {
        let question = inbound(state, 1, "my address is 1 Main St", Some(provider));
        let reply = outbound(state, 2, "noted");
        let mut write = commit(state, vec![question, reply.clone()]);
        write.outbox = vec![outbox(state, &reply, 10)];
        write.timers_set = vec![timer(state, TimerKind::AutoClose, 1_000)];
        store.commit(write).await?;
    }
    assert!(matches!(
        store.erase_session(&globex, &erased.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.erase_session(&acme, &erased.id).await?, 2);

    assert_eq!(store.get_session(&acme, &erased.id).await?, None);
    assert_eq!(store.load_session(&erased.key).await?, None);
    assert!(store.transcript(&acme, &erased.id, 0, 10).await?.is_empty());
    let pending = store.pending_outbox(10).await?;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].message.session_id, kept.id);
    let timers = store.all_timers().await?;
    assert_eq!(timers.len(), 1);
    assert_eq!(timers[0].session_id, kept.id);
    assert_eq!(store.transcript(&acme, &kept.id, 0, 10).await?.len(), 2);

    // The contact can start again, and a redelivery of an erased message is new again.
    let again = conversation(&acme, Channel::WhatsApp, "+1555");
    let write = commit(
        &again,
        vec![inbound(&again, 1, "hello again", Some("wamid.A"))],
    );
    store.commit(write).await?;
    assert_eq!(store.transcript(&acme, &again.id, 0, 10).await?.len(), 1);
    Ok(())
}

pub async fn erasing_an_organisation_removes_all_of_it_and_nothing_else(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    use crate::records::bot;
    use botwot_engine::Timestamp;
    use botwot_engine::access::{Organisation, Permissions, Role, UserAccount, UserStatus};
    use botwot_engine::knowledge::{DocumentOrigin, KnowledgeBase, KnowledgeDocument};
    use botwot_engine::ports::{PageRequest, SessionFilter};
    use botwot_engine::voice_agent::{VoiceAgent, VoiceAgentSettings};

    let store = fixture.store();
    let page = PageRequest {
        limit: 100,
        cursor: None,
    };
    let mut tenants = Vec::new();
    let mut campaigns = Vec::new();
    for name in ["acme", "globex"] {
        let organisation = Organisation::create(name, &format!("owner@{name}.test"), Timestamp(1));
        let owner = UserAccount::create(
            organisation.id.clone(),
            format!("owner@{name}.test"),
            ("O".into(), "W".into()),
            Permissions::of(Role::SuperAdmin),
            UserStatus::Active,
            Timestamp(1),
        );
        store.create_organisation(&organisation, &owner).await?;
        let tenant = organisation.id.clone();
        store.insert_bot(&bot(&tenant, "Ava", 1)).await?;
        let state = conversation(&tenant, Channel::WhatsApp, "+1555");
        let question = inbound(&state, 1, "hello", Some(&format!("wamid.{name}")));
        let reply = outbound(&state, 2, "hi");
        let mut write = commit(&state, vec![question, reply.clone()]);
        write.outbox = vec![outbox(&state, &reply, 10)];
        write.timers_set = vec![timer(&state, TimerKind::AutoClose, 1_000)];
        store.commit(write).await?;
        let kb = KnowledgeBase::create(tenant.clone(), "FAQ".into(), String::new(), Timestamp(1));
        store.insert_knowledge_base(&kb).await?;
        let origin = DocumentOrigin::Url {
            url: "https://example.com".into(),
        };
        let doc = KnowledgeDocument::new(
            tenant.clone(),
            kb.id,
            "page".into(),
            origin,
            1,
            Timestamp(1),
        );
        store.insert_document(&doc).await?;
        let agent = VoiceAgent::create(
            tenant.clone(),
            VoiceAgentSettings::named("Reception"),
            Timestamp(1),
        );
        store.insert_voice_agent(&agent).await?;
        let mut sale = crate::campaigns::campaign(&tenant, "Spring sale", 1);
        store.insert_campaign(&sale).await?;
        crate::campaigns::join(&store, &mut sale, &["447700900123"]).await?;
        campaigns.push(sale);
        tenants.push(tenant);
    }
    let (acme, globex) = (&tenants[0], &tenants[1]);
    assert!(store.erase_organisation(acme).await? >= 11);
    assert_eq!(store.get_campaign(acme, &campaigns[0].id).await?, None);
    assert!(
        store
            .audience_phones(acme, &campaigns[0].id)
            .await?
            .is_empty()
    );
    let kept = store.audience_phones(globex, &campaigns[1].id).await?;
    assert_eq!(kept.len(), 1);

    assert_eq!(store.get_organisation(acme).await?, None);
    assert_eq!(store.find_user_by_email("owner@acme.test").await?, None);
    assert!(store.list_bots(acme, true, &page).await?.items.is_empty());
    let no_filter = SessionFilter::default();
    assert!(
        store
            .list_sessions(acme, &no_filter, &page)
            .await?
            .items
            .is_empty()
    );
    assert!(
        store
            .list_knowledge_bases(acme, &page)
            .await?
            .items
            .is_empty()
    );
    assert_eq!(store.count_documents(acme, 10).await?, 0);
    assert_eq!(store.count_documents(globex, 10).await?, 1);
    assert_eq!(store.count_voice_agents(acme, 10).await?, 0);
    assert_eq!(store.count_voice_agents(globex, 10).await?, 1);
    let unfinished = store.unfinished_documents(10).await?;
    assert!(unfinished.iter().all(|doc| &doc.tenant_id == globex));
    let pending = store.pending_outbox(10).await?;
    assert!(pending.iter().all(|entry| &entry.key.tenant_id == globex));
    assert_eq!(pending.len(), 1);
    let timers = store.all_timers().await?;
    assert!(timers.iter().all(|timer| &timer.key.tenant_id == globex));
    assert_eq!(timers.len(), 1);

    assert!(store.get_organisation(globex).await?.is_some());
    assert_eq!(store.list_bots(globex, true, &page).await?.items.len(), 1);
    assert_eq!(
        store
            .list_sessions(globex, &no_filter, &page)
            .await?
            .items
            .len(),
        1
    );
    // The address is free for a new organisation.
    let again = Organisation::create("Acme 2", "owner@acme.test", Timestamp(5));
    let owner = UserAccount::create(
        again.id.clone(),
        "owner@acme.test".into(),
        ("O".into(), "W".into()),
        Permissions::of(Role::SuperAdmin),
        UserStatus::Active,
        Timestamp(5),
    );
    store.create_organisation(&again, &owner).await?;
    Ok(())
}
