//! Campaigns and their audiences: listed newest first and by status in their tenant only; a
//! phone number joins an audience once, with its campaign's count in the same batch; deleting a
//! campaign takes its audience and nothing else; erasing a contact takes it out of every audience
//! of its tenant and lowers the counts.

use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::campaign::{
    AudienceContact, Campaign, CampaignRecipient, CampaignStatus, CampaignWorkflow, NewCampaign,
    StepTrigger, WorkflowStep,
};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{PageRequest, StoreError};
use std::collections::HashSet;

pub fn campaign(tenant: &TenantId, name: &str, created_ms: i64) -> Campaign {
    let input = NewCampaign {
        name: name.to_owned(),
        channel_account: "106540352242922".to_owned(),
        opening_template_id: "cart_reminder".to_owned(),
        language: "en_US".to_owned(),
        workflow: CampaignWorkflow {
            max_follow_ups: 2,
            steps: vec![WorkflowStep {
                name: "nudge".to_owned(),
                on: StepTrigger::Delivered,
                wait_ms: 86_400_000,
                template_id: "cart_nudge".to_owned(),
                terminal: true,
            }],
        },
    };
    Campaign::create(tenant.clone(), input, Timestamp(created_ms)).expect("a valid campaign")
}

/// Adds `phones` to the campaign's audience the way the API does: counted, then stored.
pub async fn join(
    store: &std::sync::Arc<dyn botwot_engine::ports::Storage>,
    campaign: &mut Campaign,
    phones: &[&str],
) -> anyhow::Result<()> {
    let recipients: Vec<_> = phones
        .iter()
        .map(|phone| {
            let contact = AudienceContact::parse(phone, Some("Asha")).expect("a phone number");
            CampaignRecipient::join(campaign, contact, Timestamp(5_000))
        })
        .collect();
    campaign.add_audience(recipients.len() as u32, Timestamp(5_000))?;
    store.add_recipients(campaign, &recipients).await?;
    Ok(())
}

fn all() -> PageRequest {
    PageRequest {
        limit: 100,
        cursor: None,
    }
}

pub async fn campaigns_live_in_their_tenant_newest_first_and_by_status(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let first = campaign(&acme, "Spring sale", 1_000);
    let mut second = campaign(&acme, "Cart recovery", 2_000);
    let third = campaign(&acme, "Feedback", 3_000);
    for stored in [&first, &second, &third] {
        store.insert_campaign(stored).await?;
    }
    store
        .insert_campaign(&campaign(&globex, "Elsewhere", 4_000))
        .await?;

    let listed = store.list_campaigns(&acme, None, &all()).await?;
    let names: Vec<_> = listed.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Feedback", "Cart recovery", "Spring sale"]);

    join(&store, &mut second, &["447700900123"]).await?;
    second.launch(Timestamp(6_000))?;
    store.update_campaign(&second).await?;
    let running = store
        .list_campaigns(&acme, Some(CampaignStatus::Running), &all())
        .await?;
    assert_eq!(running.items, vec![second.clone()]);
    let drafts = store
        .list_campaigns(&acme, Some(CampaignStatus::Draft), &all())
        .await?;
    let names: Vec<_> = drafts.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Feedback", "Spring sale"]);

    let one = PageRequest {
        limit: 1,
        cursor: None,
    };
    let page = store.list_campaigns(&acme, None, &one).await?;
    assert_eq!(page.items, vec![third.clone()]);
    let next = PageRequest {
        limit: 1,
        cursor: page.next_cursor,
    };
    let page = store.list_campaigns(&acme, None, &next).await?;
    assert_eq!(page.items, vec![second.clone()]);

    assert_eq!(
        store.get_campaign(&acme, &second.id).await?,
        Some(second.clone())
    );
    assert_eq!(store.get_campaign(&globex, &second.id).await?, None);
    let mut foreign = first.clone();
    foreign.tenant_id = globex.clone();
    let refused = store.update_campaign(&foreign).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    Ok(())
}

pub async fn a_phone_number_joins_an_audience_once_counted_with_its_campaign(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut sale = campaign(&acme, "Spring sale", 1_000);
    let mut other = campaign(&acme, "Feedback", 2_000);
    store.insert_campaign(&sale).await?;
    store.insert_campaign(&other).await?;
    join(
        &store,
        &mut sale,
        &["447700900125", "447700900123", "14155550100"],
    )
    .await?;
    // The same number may be in another campaign's audience.
    join(&store, &mut other, &["447700900123"]).await?;

    let stored = store.get_campaign(&acme, &sale.id).await?.expect("stored");
    assert_eq!(stored.audience_size, 3);
    let phones = store.audience_phones(&acme, &sale.id).await?;
    let expected: HashSet<String> = ["447700900125", "447700900123", "14155550100"]
        .map(String::from)
        .into();
    assert_eq!(phones, expected);

    // A batch with a number already in the audience is refused whole.
    let before = sale.clone();
    let twice = join(&store, &mut sale, &["447700900999", "447700900123"]).await;
    let error = twice.expect_err("a number joined twice");
    assert!(
        matches!(error.downcast_ref(), Some(StoreError::Conflict(_))),
        "{error:?}"
    );
    assert_eq!(store.get_campaign(&acme, &sale.id).await?, Some(before));
    assert_eq!(store.audience_phones(&acme, &sale.id).await?, expected);

    let first_page = PageRequest {
        limit: 2,
        cursor: None,
    };
    let page = store.list_recipients(&acme, &sale.id, &first_page).await?;
    let listed: Vec<_> = page.items.iter().map(|r| r.phone.as_str()).collect();
    assert_eq!(listed, ["14155550100", "447700900123"]);
    assert_eq!(page.items[0].name.as_deref(), Some("Asha"));
    assert!(!page.items[0].progress.is_started());
    let rest = PageRequest {
        limit: 2,
        cursor: page.next_cursor,
    };
    let page = store.list_recipients(&acme, &sale.id, &rest).await?;
    let listed: Vec<_> = page.items.iter().map(|r| r.phone.as_str()).collect();
    assert_eq!(listed, ["447700900125"]);
    assert_eq!(page.next_cursor, None);

    let globex = tenant("globex");
    assert!(store.audience_phones(&globex, &sale.id).await?.is_empty());
    let foreign = store.list_recipients(&globex, &sale.id, &all()).await?;
    assert!(foreign.items.is_empty());
    Ok(())
}

pub async fn deleting_a_campaign_takes_its_whole_audience_and_nothing_else(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut big = campaign(&acme, "Everyone", 1_000);
    let mut kept = campaign(&acme, "Kept", 2_000);
    store.insert_campaign(&big).await?;
    store.insert_campaign(&kept).await?;
    // More than one round trip of recipients.
    let phones: Vec<String> = (0..2_345).map(|n| format!("4477009{n:05}")).collect();
    let phones: Vec<&str> = phones.iter().map(String::as_str).collect();
    for chunk in phones.chunks(1_000) {
        join(&store, &mut big, chunk).await?;
    }
    join(&store, &mut kept, &phones[..3]).await?;
    assert_eq!(store.audience_phones(&acme, &big.id).await?.len(), 2_345);

    let globex = tenant("globex");
    let refused = store.delete_campaign(&globex, &big.id).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert_eq!(store.delete_campaign(&acme, &big.id).await?, 2_345);
    assert_eq!(store.get_campaign(&acme, &big.id).await?, None);
    assert!(store.audience_phones(&acme, &big.id).await?.is_empty());
    assert_eq!(store.audience_phones(&acme, &kept.id).await?.len(), 3);
    let refused = store.delete_campaign(&acme, &big.id).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    Ok(())
}

pub async fn erasing_a_contact_takes_it_out_of_every_audience_of_its_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut sale = campaign(&acme, "Spring sale", 1_000);
    let mut feedback = campaign(&acme, "Feedback", 2_000);
    let mut elsewhere = campaign(&globex, "Elsewhere", 3_000);
    for stored in [&sale, &feedback, &elsewhere] {
        store.insert_campaign(stored).await?;
    }
    join(&store, &mut sale, &["447700900123", "447700900124"]).await?;
    join(&store, &mut feedback, &["447700900123"]).await?;
    join(&store, &mut elsewhere, &["447700900123"]).await?;

    let memberships = store.contact_recipients(&acme, "447700900123").await?;
    let mut in_campaigns: Vec<_> = memberships.iter().map(|r| r.campaign_id.clone()).collect();
    in_campaigns.sort();
    let mut expected = vec![sale.id.clone(), feedback.id.clone()];
    expected.sort();
    assert_eq!(in_campaigns, expected);
    assert_eq!(
        store.erase_campaign_contact(&acme, "447700900123").await?,
        2
    );
    assert!(
        store
            .contact_recipients(&acme, "447700900123")
            .await?
            .is_empty()
    );
    let sale = store.get_campaign(&acme, &sale.id).await?.expect("kept");
    assert_eq!(sale.audience_size, 1);
    let phones = store.audience_phones(&acme, &sale.id).await?;
    assert_eq!(phones, HashSet::from(["447700900124".to_owned()]));
    let feedback = store
        .get_campaign(&acme, &feedback.id)
        .await?
        .expect("kept");
    assert_eq!(feedback.audience_size, 0);
    assert!(store.audience_phones(&acme, &feedback.id).await?.is_empty());
    // Another organisation's audience keeps the same number.
    let elsewhere = store
        .get_campaign(&globex, &elsewhere.id)
        .await?
        .expect("kept");
    assert_eq!(elsewhere.audience_size, 1);
    assert_eq!(
        store.erase_campaign_contact(&acme, "447700900123").await?,
        0
    );
    Ok(())
}

pub async fn a_runner_finds_due_recipients_and_their_messages_by_provider_id(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    use botwot_engine::campaign::{CampaignMessageRef, RecipientEvent};
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut sale = campaign(&acme, "Spring sale", 1_000);
    let mut elsewhere = campaign(&globex, "Elsewhere", 2_000);
    store.insert_campaign(&sale).await?;
    store.insert_campaign(&elsewhere).await?;
    join(
        &store,
        &mut sale,
        &["447700900123", "447700900124", "447700900125"],
    )
    .await?;
    join(&store, &mut elsewhere, &["447700900123"]).await?;
    for running in [&mut sale, &mut elsewhere] {
        running.launch(Timestamp(6_000))?;
        store.update_campaign(running).await?;
    }
    let running = store
        .campaigns_in_status(CampaignStatus::Running, 10)
        .await?;
    let names: Vec<_> = running.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Spring sale", "Elsewhere"]);

    // Recipients are due from when they joined.
    assert!(
        store
            .due_recipients(&sale, Timestamp(4_999), 10)
            .await?
            .is_empty()
    );
    assert_eq!(
        store
            .due_recipients(&sale, Timestamp(5_000), 10)
            .await?
            .len(),
        3
    );
    assert_eq!(
        store.next_recipient_due(&sale).await?,
        Some(Timestamp(5_000))
    );

    // A started recipient with its template not yet sent is due at once, first.
    let mut started = store
        .get_recipient(&acme, &sale.id, "447700900125")
        .await?
        .expect("stored");
    started.apply(
        &sale,
        RecipientEvent::Start {
            at: Timestamp(7_000),
        },
    );
    assert_eq!(started.pending.len(), 1);
    store.save_recipient(&started, None).await?;
    let due = store.due_recipients(&sale, Timestamp(7_000), 1).await?;
    assert_eq!(due[0].phone, "447700900125");

    // Once the channel took it, the recipient waits for a report: not due, found by the id.
    started.pending.clear();
    let sent = CampaignMessageRef {
        tenant_id: acme.clone(),
        campaign_id: sale.id.clone(),
        channel_account: sale.channel_account.clone(),
        provider_id: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI".to_owned(),
        phone: started.phone.clone(),
        message: 1,
    };
    store.save_recipient(&started, Some(&sent)).await?;
    let due = store.due_recipients(&sale, Timestamp(7_000), 10).await?;
    let phones: Vec<_> = due.iter().map(|r| r.phone.as_str()).collect();
    assert_eq!(phones.len(), 2);
    assert!(!phones.contains(&"447700900125"));
    let found = store
        .find_campaign_message(&sale.channel_account, &sent.provider_id)
        .await?;
    assert_eq!(found, Some(sent.clone()));
    assert_eq!(
        store.find_campaign_message("1", &sent.provider_id).await?,
        None
    );

    // Finished recipients are never due; the campaign knows when none is left.
    assert!(store.has_unfinished_recipients(&sale).await?);
    for phone in ["447700900123", "447700900124", "447700900125"] {
        let mut recipient = store
            .get_recipient(&acme, &sale.id, phone)
            .await?
            .expect("stored");
        recipient.apply(
            &sale,
            RecipientEvent::OptedOut {
                at: Timestamp(8_000),
            },
        );
        store.save_recipient(&recipient, None).await?;
    }
    assert!(!store.has_unfinished_recipients(&sale).await?);
    assert_eq!(store.next_recipient_due(&sale).await?, None);
    assert!(store.has_unfinished_recipients(&elsewhere).await?);
    assert_eq!(
        store
            .get_recipient(&globex, &sale.id, "447700900123")
            .await?,
        None
    );

    // Erasing the contact takes its sent messages too.
    store.erase_campaign_contact(&acme, "447700900125").await?;
    assert_eq!(
        store
            .find_campaign_message(&sale.channel_account, &sent.provider_id)
            .await?,
        None
    );
    Ok(())
}
