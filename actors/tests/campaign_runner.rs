//! The campaign runner over the embedded store with a stand-in channel, on tokio's paused time
//! (the runner's clock follows it): a template the channel refuses is retried 12 hours apart,
//! three times, and the journey then fails and the campaign completes; a template decided before
//! a stop and never handed to the channel is sent once when a runner starts; a paused campaign
//! sends nothing until it is resumed, and a pause stops a campaign in the middle of its audience.

use async_trait::async_trait;
use botwot_actors::{
    CampaignRunner, CampaignRunnerConfig, CampaignRunnerDeps, NamedLocks, TokioClock,
};
use botwot_engine::campaign::{
    AudienceContact, Campaign, CampaignRecipient, CampaignStatus, CampaignWorkflow, NewCampaign,
    RecipientEvent, RecipientOutcome, StepTrigger, WorkflowStep,
};
use botwot_engine::coordination::SingleNode;
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{CampaignSender, DeliveryError, Storage};
use botwot_engine::time::{Clock, Timestamp};
use botwot_storage::open_embedded;
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;

/// A channel that records every template and refuses those it is told to.
#[derive(Default)]
struct StandInChannel {
    sent: Mutex<Vec<(String, String, Timestamp)>>,
    refuse: bool,
    clock: Mutex<Option<Arc<dyn Clock>>>,
}

#[async_trait]
impl CampaignSender for StandInChannel {
    async fn send_campaign_template(
        &self,
        _: &Campaign,
        recipient: &CampaignRecipient,
        template: &str,
    ) -> Result<String, DeliveryError> {
        let at = self.clock.lock().as_ref().map_or(Timestamp(0), |c| c.now());
        let mut sent = self.sent.lock();
        sent.push((recipient.phone.clone(), template.to_owned(), at));
        if self.refuse {
            return Err(DeliveryError::Permanent(
                "(#132001) Template name does not exist in the translation".into(),
            ));
        }
        Ok(format!("wamid.{}", sent.len()))
    }
}

struct Setup {
    store: Arc<dyn Storage>,
    channel: Arc<StandInChannel>,
    clock: Arc<dyn Clock>,
    _dir: tempfile::TempDir,
}

async fn setup(refuse: bool) -> Setup {
    let dir = tempfile::tempdir().expect("dir");
    let store: Arc<dyn Storage> = open_embedded(dir.path().join("db")).expect("store");
    let clock: Arc<dyn Clock> = Arc::new(TokioClock::starting_at(Timestamp(1_700_000_000_000)));
    let channel = Arc::new(StandInChannel {
        refuse,
        ..StandInChannel::default()
    });
    *channel.clock.lock() = Some(clock.clone());
    Setup {
        store,
        channel,
        clock,
        _dir: dir,
    }
}

/// A campaign of `phones` in `status`, stored with its audience.
async fn campaign(setup: &Setup, phones: &[&str]) -> Campaign {
    let input = NewCampaign {
        name: "Cart recovery".into(),
        channel_account: "106540352242922".into(),
        opening_template_id: "cart_reminder".into(),
        language: "en_US".into(),
        workflow: CampaignWorkflow {
            max_follow_ups: 1,
            steps: vec![WorkflowStep {
                name: "thanks".into(),
                on: StepTrigger::Read,
                wait_ms: 0,
                template_id: "cart_thanks".into(),
                terminal: true,
            }],
        },
    };
    let now = setup.clock.now();
    let mut campaign = Campaign::create(TenantId::from("acme"), input, now).expect("valid");
    setup
        .store
        .insert_campaign(&campaign)
        .await
        .expect("stored");
    let recipients: Vec<_> = phones
        .iter()
        .map(|phone| {
            let contact = AudienceContact::parse(phone, None).expect("a number");
            CampaignRecipient::join(&campaign, contact, now)
        })
        .collect();
    campaign
        .add_audience(recipients.len() as u32, now)
        .expect("a draft");
    setup
        .store
        .add_recipients(&campaign, &recipients)
        .await
        .expect("stored");
    campaign.launch(now).expect("launched");
    setup
        .store
        .update_campaign(&campaign)
        .await
        .expect("stored");
    campaign
}

fn runner(setup: &Setup) -> CampaignRunner {
    CampaignRunner::start(
        CampaignRunnerDeps {
            store: setup.store.clone(),
            sender: setup.channel.clone(),
            clock: setup.clock.clone(),
            locks: NamedLocks::default(),
            coordination: Arc::new(SingleNode),
        },
        CampaignRunnerConfig::default(),
    )
}

async fn status_of(setup: &Setup, campaign: &Campaign) -> CampaignStatus {
    let stored = setup
        .store
        .get_campaign(&campaign.tenant_id, &campaign.id)
        .await;
    stored.expect("read").expect("stored").status
}

/// Stores a campaign an action changed and wakes the runner, as the API does.
async fn store_and_wake(setup: &Setup, runner: &CampaignRunner, campaign: &Campaign) {
    setup.store.update_campaign(campaign).await.expect("stored");
    runner.wake(&campaign.id);
}

async fn recipient(setup: &Setup, campaign: &Campaign, phone: &str) -> CampaignRecipient {
    let stored = setup
        .store
        .get_recipient(&campaign.tenant_id, &campaign.id, phone)
        .await;
    stored.expect("read").expect("stored")
}

/// Waits (on paused time) until `done` holds, for at most a simulated week.
async fn within_a_week(what: &str, mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..(7 * 24 * 60) {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    panic!("{what} never happened");
}

#[tokio::test(start_paused = true)]
async fn a_refused_template_is_tried_three_more_times_twelve_hours_apart_then_fails() {
    let setup = setup(true).await;
    let campaign = campaign(&setup, &["447700900123"]).await;
    let _runner = runner(&setup);
    within_a_week("the campaign completes", async || {
        status_of(&setup, &campaign).await == CampaignStatus::Completed
    })
    .await;
    let sent = setup.channel.sent.lock().clone();
    assert_eq!(sent.len(), 4, "the first try and three retries: {sent:?}");
    for pair in sent.windows(2) {
        let apart = pair[1].2.since(pair[0].2);
        assert!(apart >= Duration::from_secs(12 * 3600), "{apart:?}");
        // Never early. Paused time jumps ahead while the store's writer thread works (more so
        // on a loaded machine), so late is only bounded by not missing a whole interval.
        assert!(apart < Duration::from_secs(24 * 3600), "{apart:?}");
    }
    let recipient = recipient(&setup, &campaign, "447700900123").await;
    assert_eq!(recipient.progress.outcome, Some(RecipientOutcome::Failed));
    assert!(recipient.pending.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_template_decided_before_a_stop_is_sent_once_when_a_runner_starts() {
    let setup = setup(false).await;
    let campaign = campaign(&setup, &["447700900123", "447700900124"]).await;
    // A runner decided the first recipient's opening template, stored it, and stopped.
    let mut decided = recipient(&setup, &campaign, "447700900123").await;
    decided.apply(
        &campaign,
        RecipientEvent::Start {
            at: setup.clock.now(),
        },
    );
    setup
        .store
        .save_recipient(&decided, None)
        .await
        .expect("saved");

    let _runner = runner(&setup);
    within_a_week("both recipients got their opening template", async || {
        setup.channel.sent.lock().len() >= 2
    })
    .await;
    tokio::time::sleep(Duration::from_secs(600)).await;
    let sent = setup.channel.sent.lock().clone();
    let mut phones: Vec<_> = sent
        .iter()
        .map(|(phone, template, _)| (phone.clone(), template.clone()))
        .collect();
    phones.sort();
    assert_eq!(
        phones,
        [
            ("447700900123".to_owned(), "cart_reminder".to_owned()),
            ("447700900124".to_owned(), "cart_reminder".to_owned()),
        ]
    );
    let recipient = recipient(&setup, &campaign, "447700900123").await;
    assert!(recipient.pending.is_empty());
    assert_eq!(recipient.progress.last_message, 1, "one message, not two");
}

#[tokio::test(start_paused = true)]
async fn a_paused_campaign_sends_nothing_until_it_is_resumed() {
    let setup = setup(false).await;
    let mut campaign = campaign(&setup, &["447700900123"]).await;
    campaign.pause(setup.clock.now()).expect("running");
    setup
        .store
        .update_campaign(&campaign)
        .await
        .expect("stored");
    let runner = runner(&setup);
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert!(
        setup.channel.sent.lock().is_empty(),
        "a paused campaign sends nothing"
    );

    campaign.resume(setup.clock.now()).expect("paused");
    store_and_wake(&setup, &runner, &campaign).await;
    within_a_week("the resumed campaign sends", async || {
        !setup.channel.sent.lock().is_empty()
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_pause_stops_a_campaign_in_the_middle_of_its_audience() {
    let setup = setup(false).await;
    let phones: Vec<String> = (0..100).map(|n| format!("4477009{n:05}")).collect();
    let phones: Vec<&str> = phones.iter().map(String::as_str).collect();
    let mut campaign = campaign(&setup, &phones).await;
    let runner = runner(&setup);
    within_a_week("a few recipients were reached", async || {
        setup.channel.sent.lock().len() >= 10
    })
    .await;
    campaign.pause(setup.clock.now()).expect("running");
    store_and_wake(&setup, &runner, &campaign).await;
    let at_pause = setup.channel.sent.lock().len();
    tokio::time::sleep(Duration::from_secs(3600)).await;
    let after = setup.channel.sent.lock().len();
    assert!(
        after <= at_pause + 1,
        "{after} sent after pausing at {at_pause}"
    );
    assert!(after < phones.len(), "paused in the middle");
}
