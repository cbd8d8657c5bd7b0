//! Leads: one per WhatsApp number in a tenant, read only in their tenant, listed newest first
//! and by stage a page at a time, found by the follow-up worker in every tenant by when they are
//! due (and no longer once nothing is planned); a lead's history lists newest first and goes
//! with the lead; an erased organisation takes its leads, histories and settings with it.

use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::ids::{LeadId, TenantId};
use botwot_engine::leads::{
    FollowUpProgram, FollowUpStep, InteractionChannel, Lead, LeadDetails, LeadEvent, LeadEventKind,
    LeadSettings, LeadStage, LoggedInteraction,
};
use botwot_engine::ports::{PageRequest, StoreError};

fn lead(tenant: &TenantId, phone: &str, created_ms: i64) -> Lead {
    let details = LeadDetails {
        full_name: format!("Lead {phone}"),
        ..LeadDetails::default()
    };
    Lead::new(
        tenant.clone(),
        phone,
        None,
        details,
        true,
        Timestamp(created_ms),
    )
    .expect("an international number")
}

fn program() -> FollowUpProgram {
    FollowUpProgram {
        enabled: true,
        channel_account: "106540352242922".to_owned(),
        steps: vec![FollowUpStep {
            after_hours: 1,
            template: "lead_day_1".to_owned(),
        }],
        ..FollowUpProgram::default()
    }
}

fn page(limit: usize, cursor: Option<String>) -> PageRequest {
    PageRequest { limit, cursor }
}

fn ids(leads: &[Lead]) -> Vec<&LeadId> {
    leads.iter().map(|lead| &lead.id).collect()
}

fn note(lead: &Lead, at_ms: i64, summary: &str) -> LeadEvent {
    let interaction = LoggedInteraction {
        channel: InteractionChannel::Call,
        summary: summary.to_owned(),
        outcome: None,
    };
    LeadEvent::new(
        &lead.tenant_id,
        &lead.id,
        "usr_1",
        LeadEventKind::Interaction(interaction),
        Timestamp(at_ms),
    )
}

pub async fn a_phone_number_is_one_lead_per_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let asha = lead(&acme, "+919876543210", 1_000);
    store.insert_lead(&asha).await?;
    let twin = lead(&acme, "+91 98765 43210", 2_000);
    let taken = store.insert_lead(&twin).await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    let elsewhere = lead(&globex, "+919876543210", 3_000);
    store.insert_lead(&elsewhere).await?;

    assert_eq!(store.get_lead(&acme, &asha.id).await?, Some(asha.clone()));
    assert_eq!(store.get_lead(&globex, &asha.id).await?, None);
    assert_eq!(
        store.find_lead_by_phone(&acme, "919876543210").await?,
        Some(asha.clone())
    );
    assert_eq!(
        store.find_lead_by_phone(&globex, "919876543210").await?,
        Some(elsewhere.clone())
    );
    assert_eq!(store.find_lead_by_phone(&acme, "4420794609").await?, None);

    let mut real = asha.clone();
    real.stage = LeadStage::Real;
    store.save_lead(&real).await?;
    assert_eq!(store.get_lead(&acme, &asha.id).await?, Some(real.clone()));
    let mut foreign = real.clone();
    foreign.tenant_id = globex.clone();
    assert!(matches!(
        store.save_lead(&foreign).await,
        Err(StoreError::NotFound)
    ));
    Ok(())
}

pub async fn leads_list_newest_first_by_stage_a_page_at_a_time(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut leads = Vec::new();
    for n in 0..5i64 {
        let mut lead = lead(&acme, &format!("+9198765432{n:02}"), 1_000 * (n + 1));
        if n % 2 == 1 {
            lead.stage = LeadStage::Hold;
        }
        store.insert_lead(&lead).await?;
        leads.push(lead);
    }
    store
        .insert_lead(&lead(&tenant("globex"), "+14155550100", 9_000))
        .await?;

    let first = store.list_leads(&acme, None, &page(3, None)).await?;
    assert_eq!(
        ids(&first.items),
        vec![&leads[4].id, &leads[3].id, &leads[2].id]
    );
    let rest = store
        .list_leads(&acme, None, &page(3, first.next_cursor.clone()))
        .await?;
    assert_eq!(ids(&rest.items), vec![&leads[1].id, &leads[0].id]);
    assert_eq!(rest.next_cursor, None);
    let held = store
        .list_leads(&acme, Some(LeadStage::Hold), &page(10, None))
        .await?;
    assert_eq!(ids(&held.items), vec![&leads[3].id, &leads[1].id]);
    let real = store
        .list_leads(&acme, Some(LeadStage::Real), &page(10, None))
        .await?;
    assert!(real.items.is_empty());
    Ok(())
}

pub async fn due_leads_are_found_in_every_tenant_until_nothing_is_planned(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let hour = 3_600_000;
    let program = program();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut early = lead(&globex, "+919876543210", 0);
    early.plan(&program);
    let mut late = lead(&acme, "+919876543211", hour);
    late.plan(&program);
    let manual = lead(&acme, "+919876543212", 0);
    for lead in [&early, &late, &manual] {
        store.insert_lead(lead).await?;
    }
    assert_eq!(manual.due(), None);
    assert_eq!(
        ids(&store.due_leads(Timestamp(2 * hour), 10).await?),
        vec![&early.id, &late.id]
    );
    assert_eq!(
        ids(&store.due_leads(Timestamp(hour), 10).await?),
        vec![&early.id]
    );
    assert_eq!(store.due_leads(Timestamp(2 * hour), 1).await?.len(), 1);

    early.set_stage(LeadStage::Real, None, &program, Timestamp(hour));
    store.save_lead(&early).await?;
    assert_eq!(
        ids(&store.due_leads(Timestamp(2 * hour), 10).await?),
        vec![&late.id]
    );
    Ok(())
}

pub async fn a_leads_history_lists_newest_first_and_goes_with_it(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let asha = lead(&acme, "+919876543210", 0);
    let ravi = lead(&acme, "+919876543211", 0);
    store.insert_lead(&asha).await?;
    store.insert_lead(&ravi).await?;
    let notes: Vec<LeadEvent> = (1..=3)
        .map(|n| note(&asha, n * 1_000, &format!("call {n}")))
        .collect();
    for event in &notes {
        store.append_lead_event(event).await?;
    }
    store.append_lead_event(&note(&ravi, 500, "other")).await?;

    let first = store.lead_history(&acme, &asha.id, &page(2, None)).await?;
    assert_eq!(first.items, vec![notes[2].clone(), notes[1].clone()]);
    let rest = store
        .lead_history(&acme, &asha.id, &page(2, first.next_cursor.clone()))
        .await?;
    assert_eq!(rest.items, vec![notes[0].clone()]);
    assert!(
        store
            .lead_history(&globex, &asha.id, &page(10, None))
            .await?
            .items
            .is_empty()
    );

    assert!(!store.delete_lead(&globex, &asha.id).await?);
    assert!(store.delete_lead(&acme, &asha.id).await?);
    assert!(!store.delete_lead(&acme, &asha.id).await?);
    assert_eq!(store.get_lead(&acme, &asha.id).await?, None);
    assert!(
        store
            .lead_history(&acme, &asha.id, &page(10, None))
            .await?
            .items
            .is_empty()
    );
    assert_eq!(
        store
            .lead_history(&acme, &ravi.id, &page(10, None))
            .await?
            .items
            .len(),
        1
    );
    Ok(())
}

pub async fn lead_settings_are_kept_per_organisation_and_erased_with_it(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    assert_eq!(store.get_lead_settings(&acme).await?, None);
    let mut settings = LeadSettings::defaults(acme.clone());
    settings.follow_ups = program();
    store.put_lead_settings(&settings).await?;
    settings.default_country_code = Some("91".to_owned());
    store.put_lead_settings(&settings).await?;
    let theirs = LeadSettings::defaults(globex.clone());
    store.put_lead_settings(&theirs).await?;
    assert_eq!(store.get_lead_settings(&acme).await?, Some(settings));

    let mut kept = lead(&globex, "+919876543210", 0);
    kept.plan(&program());
    store.insert_lead(&kept).await?;
    let mut gone = lead(&acme, "+919876543210", 0);
    gone.plan(&program());
    store.insert_lead(&gone).await?;
    store.append_lead_event(&note(&gone, 1, "call")).await?;
    store.erase_organisation(&acme).await?;
    assert_eq!(store.get_lead_settings(&acme).await?, None);
    assert_eq!(store.get_lead(&acme, &gone.id).await?, None);
    assert!(
        store
            .lead_history(&acme, &gone.id, &page(10, None))
            .await?
            .items
            .is_empty()
    );
    assert_eq!(
        ids(&store.due_leads(Timestamp(10 * 3_600_000), 10).await?),
        vec![&kept.id]
    );
    assert_eq!(store.get_lead_settings(&globex).await?, Some(theirs));
    Ok(())
}
