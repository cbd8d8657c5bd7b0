//! Lead follow-ups over the embedded store with a stand-in WhatsApp and a clock moved by hand:
//! an automated lead gets the organisation's schedule one follow-up at a time, each once, with
//! its history written; a lead who wrote to the number since the last follow-up gets no more;
//! a lead whose details qualify it stops being followed up; a refusal stops the follow-ups and
//! a failure is retried later; a follow-up leased by a process that died is sent by another
//! once the lease runs out, not before; and the bot's lead tools read and save the
//! conversation's own contact only.

use async_trait::async_trait;
use botwot_actors::{
    BY_AUTOMATION, BY_BOT, DueWork, LeadTools, Leads, LeadsConfig, LeadsDeps, NamedLocks,
};
use botwot_engine::Channel;
use botwot_engine::bot::{BotProfile, BotSettings};
use botwot_engine::ids::TenantId;
use botwot_engine::leads::{
    FollowUpProgram, FollowUpStep, FollowUpWork, Lead, LeadDetails, LeadEventKind, LeadPatch,
    LeadSettings, LeadStage, ProjectScope, StopReason,
};
use botwot_engine::ports::{DeliveryError, FollowUpSender, PageRequest, SessionCommit, Storage};
use botwot_engine::session::{SessionKey, SessionRules, SessionState};
use botwot_engine::time::{Clock, ManualClock, Timestamp};
use botwot_engine::tools::{ToolCall, ToolContext, ToolKit, Toolbox};
use botwot_storage::open_embedded;
use parking_lot::Mutex;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const NUMBER: &str = "106540352242922";
const HOUR: Duration = Duration::from_secs(3_600);
/// 2026-11-28T00:00:00Z.
const START: i64 = 1_795_824_000_000;

/// A WhatsApp that records every follow-up and answers as it is told to.
#[derive(Default)]
struct StandInWhatsApp {
    sent: Mutex<Vec<(String, String, String)>>,
    answer: Mutex<Option<DeliveryError>>,
}

#[async_trait]
impl FollowUpSender for StandInWhatsApp {
    async fn send_lead_follow_up(
        &self,
        lead: &Lead,
        work: &FollowUpWork,
    ) -> Result<String, DeliveryError> {
        if let Some(error) = self.answer.lock().take() {
            return Err(error);
        }
        let mut sent = self.sent.lock();
        sent.push((
            lead.phone.clone(),
            work.template.clone(),
            lead.details.first_name().to_owned(),
        ));
        Ok(format!("wamid.{}", sent.len()))
    }
}

impl StandInWhatsApp {
    fn templates(&self) -> Vec<String> {
        self.sent.lock().iter().map(|sent| sent.1.clone()).collect()
    }
}

struct Setup {
    store: Arc<dyn Storage>,
    whatsapp: Arc<StandInWhatsApp>,
    clock: Arc<ManualClock>,
    leads: Leads,
    tenant: TenantId,
    _dir: tempfile::TempDir,
}

fn leads_over(
    setup_store: &Arc<dyn Storage>,
    whatsapp: &Arc<StandInWhatsApp>,
    clock: &Arc<ManualClock>,
) -> Leads {
    Leads::new(
        LeadsDeps {
            store: setup_store.clone(),
            sender: whatsapp.clone(),
            locks: NamedLocks::default(),
            clock: clock.clone(),
        },
        LeadsConfig::default(),
    )
}

/// Three follow-ups, a day apart, the first a day after the lead came in.
async fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("dir");
    let store: Arc<dyn Storage> = open_embedded(dir.path().join("db")).expect("store");
    let whatsapp = Arc::new(StandInWhatsApp::default());
    let clock = Arc::new(ManualClock::starting_at(Timestamp(START)));
    let leads = leads_over(&store, &whatsapp, &clock);
    let tenant = TenantId::from("decorpot");
    let mut settings = LeadSettings::defaults(tenant.clone());
    settings.follow_ups = FollowUpProgram {
        enabled: true,
        channel_account: NUMBER.into(),
        steps: (1..=3)
            .map(|day| FollowUpStep {
                after_hours: 24,
                template: format!("lead_day_{day}"),
            })
            .collect(),
        ..FollowUpProgram::default()
    };
    leads.save_settings(settings).await.expect("settings");
    Setup {
        store,
        whatsapp,
        clock,
        leads,
        tenant,
        _dir: dir,
    }
}

async fn add_lead(setup: &Setup) -> Lead {
    let details = LeadDetails {
        full_name: "Asha Rao".into(),
        ..LeadDetails::default()
    };
    setup
        .leads
        .create(&setup.tenant, "+91 98765 43210", details, true, "usr_sales")
        .await
        .expect("created")
}

async fn reread(setup: &Setup, lead: &Lead) -> Lead {
    setup
        .store
        .get_lead(&setup.tenant, &lead.id)
        .await
        .expect("store")
        .expect("the lead")
}

async fn history(setup: &Setup, lead: &Lead) -> Vec<(String, LeadEventKind)> {
    let page = PageRequest {
        limit: 100,
        cursor: None,
    };
    let mut events: Vec<_> = setup
        .store
        .lead_history(&setup.tenant, &lead.id, &page)
        .await
        .expect("history")
        .items
        .into_iter()
        .map(|event| (event.by, event.kind))
        .collect();
    events.reverse();
    events
}

/// The lead writes to the organisation's number now.
async fn lead_writes(setup: &Setup, lead: &Lead) {
    let bot = BotProfile::create(
        setup.tenant.clone(),
        BotSettings::named("Ava"),
        Timestamp(0),
    );
    let key = SessionKey::new(
        setup.tenant.clone(),
        Channel::WhatsApp,
        NUMBER,
        lead.phone.as_str(),
    );
    let now = setup.clock.now();
    let mut session = SessionState::new(
        key,
        bot.id.clone(),
        SessionRules::from_bot(&bot, Channel::WhatsApp),
        now,
    );
    session.last_inbound_at = Some(now);
    let commit = SessionCommit {
        session: Some(session),
        ..SessionCommit::default()
    };
    setup.store.commit(commit).await.expect("committed");
}

#[tokio::test]
async fn an_automated_lead_gets_the_schedule_one_follow_up_at_a_time() {
    let setup = setup().await;
    let lead = add_lead(&setup).await;
    assert_eq!(lead.phone, "919876543210");
    assert_eq!(
        setup.leads.run_due().await.expect("run"),
        0,
        "nothing due yet"
    );

    for day in 1..=3 {
        setup.clock.advance(24 * HOUR);
        assert_eq!(setup.leads.run_due().await.expect("run"), 1);
        assert_eq!(setup.leads.run_due().await.expect("run"), 0, "sent once");
        let status = reread(&setup, &lead).await.follow_up.status();
        let expected = if day < 3 {
            format!("Day {day}")
        } else {
            "Completed".to_owned()
        };
        assert_eq!(status, expected);
    }
    setup.clock.advance(24 * HOUR);
    assert_eq!(setup.leads.run_due().await.expect("run"), 0);
    assert_eq!(
        setup.whatsapp.templates(),
        vec!["lead_day_1", "lead_day_2", "lead_day_3"]
    );
    let sent = setup.whatsapp.sent.lock().clone();
    assert!(
        sent.iter()
            .all(|(phone, _, name)| phone == "919876543210" && name == "Asha")
    );
    let kept = reread(&setup, &lead).await;
    assert_eq!(kept.follow_up.stopped, Some(StopReason::Completed));
    assert_eq!(kept.follow_up.history.len(), 3);
    assert_eq!(kept.due(), None);

    let events = history(&setup, &lead).await;
    assert_eq!(events[0], ("usr_sales".to_owned(), LeadEventKind::Created));
    let automated: Vec<&LeadEventKind> = events[1..]
        .iter()
        .map(|(by, kind)| {
            assert_eq!(by, BY_AUTOMATION);
            kind
        })
        .collect();
    assert_eq!(automated.len(), 4, "{automated:?}");
    assert!(matches!(
        automated[0],
        LeadEventKind::FollowUpSent { number: 1, .. }
    ));
    assert!(matches!(
        automated[3],
        LeadEventKind::FollowUpsStopped { .. }
    ));
}

#[tokio::test]
async fn a_lead_who_wrote_back_gets_no_more_follow_ups() {
    let setup = setup().await;
    let lead = add_lead(&setup).await;
    setup.clock.advance(24 * HOUR);
    setup.leads.run_due().await.expect("run");
    setup.clock.advance(3 * HOUR);
    lead_writes(&setup, &lead).await;
    setup.clock.advance(21 * HOUR);
    setup.leads.run_due().await.expect("run");
    assert_eq!(setup.whatsapp.templates(), vec!["lead_day_1"]);
    let kept = reread(&setup, &lead).await;
    assert!(
        matches!(kept.follow_up.stopped, Some(StopReason::Answered { .. })),
        "{:?}",
        kept.follow_up
    );
    assert_eq!(kept.follow_up.status(), "Stopped");

    // Turned on again by a salesperson, the schedule goes on from then.
    setup
        .leads
        .set_automation(&setup.tenant, &lead.id, false, "usr_sales")
        .await
        .expect("off");
    setup
        .leads
        .set_automation(&setup.tenant, &lead.id, true, "usr_sales")
        .await
        .expect("on");
    setup.clock.advance(24 * HOUR);
    setup.leads.run_due().await.expect("run");
    assert_eq!(setup.whatsapp.templates(), vec!["lead_day_1", "lead_day_2"]);
}

#[tokio::test]
async fn a_lead_whose_details_qualify_it_is_real_and_no_longer_followed_up() {
    let setup = setup().await;
    let lead = add_lead(&setup).await;
    let patch = LeadPatch {
        scope: Some(ProjectScope::FullHome),
        budget_fits: Some(true),
        start_by: Some("2027-01-10".into()),
        ..LeadPatch::default()
    };
    let qualified = setup
        .leads
        .update(&setup.tenant, &lead.id, &patch, "bot")
        .await
        .expect("updated");
    assert_eq!(qualified.stage, LeadStage::Real);
    assert_eq!(qualified.due(), None);
    setup.clock.advance(48 * HOUR);
    assert_eq!(setup.leads.run_due().await.expect("run"), 0);
    assert!(setup.whatsapp.templates().is_empty());
    let events = history(&setup, &lead).await;
    assert!(matches!(
        &events[2].1,
        LeadEventKind::StageChanged {
            from: LeadStage::Unreal,
            to: LeadStage::Real,
            ..
        }
    ));
}

#[tokio::test]
async fn a_refusal_stops_the_follow_ups_and_a_failure_is_retried_later() {
    let setup = setup().await;
    let refused = add_lead(&setup).await;
    setup.clock.advance(24 * HOUR);
    *setup.whatsapp.answer.lock() = Some(DeliveryError::Permanent(
        "(#131026) Message undeliverable".into(),
    ));
    setup.leads.run_due().await.expect("run");
    let kept = reread(&setup, &refused).await;
    assert!(matches!(
        kept.follow_up.stopped,
        Some(StopReason::Refused { .. })
    ));
    assert_eq!(kept.due(), None);

    let details = LeadDetails {
        full_name: "Ravi Kumar".into(),
        ..LeadDetails::default()
    };
    let retried = setup
        .leads
        .create(&setup.tenant, "+91 98765 43211", details, true, "usr_sales")
        .await
        .expect("created");
    setup.clock.advance(24 * HOUR);
    *setup.whatsapp.answer.lock() = Some(DeliveryError::retryable("Graph API 503"));
    setup.leads.run_due().await.expect("run");
    let kept = reread(&setup, &retried).await;
    assert_eq!(kept.follow_up.failures, 1);
    let retry_at = kept.due().expect("a retry");
    assert!(retry_at > setup.clock.now());
    assert_eq!(
        setup.leads.run_due().await.expect("run"),
        0,
        "not before its time"
    );
    setup.clock.set(retry_at);
    setup.leads.run_due().await.expect("run");
    assert_eq!(setup.whatsapp.templates(), vec!["lead_day_1"]);
    assert_eq!(reread(&setup, &retried).await.follow_up.status(), "Day 1");
}

#[tokio::test]
async fn a_follow_up_leased_by_a_process_that_died_goes_once_the_lease_runs_out() {
    let setup = setup().await;
    let lead = add_lead(&setup).await;
    setup.clock.advance(24 * HOUR);
    // The process that died: it took the lease and stored it, and never sent.
    let settings = setup.leads.settings(&setup.tenant).await.expect("settings");
    let mut leased = reread(&setup, &lead).await;
    let lease = Duration::from_millis(LeadsConfig::default().lease_ms);
    leased
        .begin_follow_up(&settings.follow_ups, setup.clock.now(), lease)
        .expect("due");
    setup.store.save_lead(&leased).await.expect("stored");

    let survivor = leads_over(&setup.store, &setup.whatsapp, &setup.clock);
    assert_eq!(
        survivor.run_due().await.expect("run"),
        0,
        "the lease still runs"
    );
    setup.clock.advance(lease);
    assert_eq!(survivor.run_due().await.expect("run"), 1);
    assert_eq!(survivor.run_due().await.expect("run"), 0);
    assert_eq!(setup.whatsapp.templates(), vec!["lead_day_1"]);
}

fn tool_context(setup: &Setup, channel: Channel, contact: &str) -> ToolContext {
    let mut settings = BotSettings::named("Dia");
    settings.tools = vec![ToolKit::Leads];
    ToolContext {
        bot: Arc::new(BotProfile::create(
            setup.tenant.clone(),
            settings,
            Timestamp(0),
        )),
        channel,
        contact: Some(contact.to_owned()),
    }
}

fn call(name: &str, arguments: &str) -> ToolCall {
    ToolCall {
        id: "call_1".into(),
        name: name.into(),
        arguments: arguments.into(),
    }
}

#[tokio::test]
async fn the_bots_lead_tools_read_and_save_the_contacts_own_lead_only() {
    let setup = setup().await;
    let tools = LeadTools::new(setup.leads.clone());
    assert_eq!(tools.specs(&[ToolKit::Leads]).len(), 2);
    assert!(tools.specs(&[]).is_empty());
    let asha = tool_context(&setup, Channel::WhatsApp, "919876543210");

    let unknown: Value =
        serde_json::from_str(&tools.call(&asha, &call("get_lead", "")).await).expect("json");
    assert_eq!(unknown, json!({"found": false}));

    let arguments = r#"{"fullName": "Asha Rao", "scope": "fullHome", "budgetFits": true,
        "startBy": "2027-01-10"}"#;
    let saved: Value =
        serde_json::from_str(&tools.call(&asha, &call("update_lead", arguments)).await)
            .expect("json");
    assert_eq!(saved["stage"], "Real", "{saved}");
    assert_eq!(saved["qualification"]["verdict"], "qualified");
    let lead = setup
        .store
        .find_lead_by_phone(&setup.tenant, "919876543210")
        .await
        .expect("store")
        .expect("added by the bot");
    let events = history(&setup, &lead).await;
    assert!(events.iter().all(|(by, _)| by == BY_BOT), "{events:?}");

    let read: Value =
        serde_json::from_str(&tools.call(&asha, &call("get_lead", "{}")).await).expect("json");
    assert_eq!(read["details"]["fullName"], "Asha Rao");

    // Someone else's conversation sees only their own (no) lead; the web has no number.
    let ravi = tool_context(&setup, Channel::WhatsApp, "919876543211");
    let theirs: Value =
        serde_json::from_str(&tools.call(&ravi, &call("get_lead", "{}")).await).expect("json");
    assert_eq!(theirs, json!({"found": false}));
    let web = tool_context(&setup, Channel::Web, "visitor-1");
    assert!(
        tools
            .call(&web, &call("get_lead", "{}"))
            .await
            .contains("error")
    );

    for (name, arguments) in [
        ("update_lead", r#"{"phone": "919876543211"}"#),
        ("update_lead", r#"{"startBy": "soon"}"#),
        ("delete_lead", "{}"),
    ] {
        let refused: Value =
            serde_json::from_str(&tools.call(&asha, &call(name, arguments)).await).expect("json");
        assert!(
            refused["error"].is_string(),
            "{name} {arguments}: {refused}"
        );
    }
    let kept = reread(&setup, &lead).await;
    assert_eq!(kept.details.start_by.as_deref(), Some("2027-01-10"));
}
