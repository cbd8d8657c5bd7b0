//! Campaign sending: how fast a node's runner reaches a campaign's audience (each recipient's
//! opening template decided, stored as pending, handed to the channel, and its message id
//! stored) and takes Meta's delivery reports, over the embedded store, with an in-process
//! channel that answers at once. These are the runner's own costs: a real campaign is bounded
//! far lower by WhatsApp's throughput per number (80 messages a second by default).
//!
//! Compared in the same run with the store alone doing the runner's writes one recipient after
//! another (read the recipient, store it with its pending template, store it again with the
//! message id), and set beside the PRD's cron service, which processes 50 contacts a minute.
//! Also timed: one read of the campaign's metrics, which counts every recipient.
//! Run: `cargo bench --bench campaign_runner` (`RECIPIENTS` overrides 20,000).

mod support;

use async_trait::async_trait;
use botwot_actors::{
    CampaignRunner, CampaignRunnerConfig, CampaignRunnerDeps, NamedLocks, SystemClock,
    campaign_tally,
};
use botwot_engine::TenantId;
use botwot_engine::campaign::{
    AudienceContact, Campaign, CampaignMessageRef, CampaignRecipient, CampaignWorkflow,
    NewCampaign, RecipientEvent, StepTrigger, WorkflowStep,
};
use botwot_engine::coordination::SingleNode;
use botwot_engine::message::Delivery;
use botwot_engine::ports::{CampaignSender, DeliveryError, Storage};
use botwot_engine::time::Clock;
use futures::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{env_or, runtime};

const NUMBER: &str = "106540352242922";
/// Reports handled at once, as concurrent webhooks would bring them.
const REPORTS_AT_ONCE: usize = 64;

/// A channel that takes every template at once.
#[derive(Default)]
struct InstantChannel {
    sent: AtomicUsize,
}

#[async_trait]
impl CampaignSender for InstantChannel {
    async fn send_campaign_template(
        &self,
        _: &Campaign,
        recipient: &CampaignRecipient,
        _: &str,
    ) -> Result<String, DeliveryError> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        Ok(format!("wamid.{}", recipient.phone))
    }
}

fn main() {
    let recipients = env_or("RECIPIENTS", 20_000);
    runtime().block_on(async move {
        let dir = tempfile::tempdir().expect("tempdir");
        let store: Arc<dyn Storage> =
            botwot_storage::open_embedded(dir.path().join("runner")).expect("store");
        let campaign = launched(&store, recipients, "Runner").await;
        let channel = Arc::new(InstantChannel::default());
        let runner = CampaignRunner::start(
            CampaignRunnerDeps {
                store: store.clone(),
                sender: channel.clone(),
                clock: Arc::new(SystemClock),
                locks: NamedLocks::default(),
                coordination: Arc::new(SingleNode),
            },
            CampaignRunnerConfig {
                sweep_ms: 20,
                batch: 500,
                sends_per_second: u32::MAX,
                retry_pause_ms: 100,
            },
        );
        let started = Instant::now();
        while channel.sent.load(Ordering::Relaxed) < recipients {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let reached = started.elapsed();
        report("runner: audience reached", recipients, reached);

        let started = Instant::now();
        futures::stream::iter(0..recipients)
            .map(|n| {
                let runner = runner.clone();
                async move {
                    let wamid = format!("wamid.{}", phone(n));
                    let at = SystemClock.now();
                    let taken = runner
                        .report_status(NUMBER, &wamid, &Delivery::Delivered, at)
                        .await
                        .expect("report applied");
                    assert!(taken, "a campaign message");
                }
            })
            .buffer_unordered(REPORTS_AT_ONCE)
            .collect::<Vec<()>>()
            .await;
        report(
            "runner: delivery reports applied",
            recipients,
            started.elapsed(),
        );

        let started = Instant::now();
        let tally = campaign_tally(store.as_ref(), &campaign)
            .await
            .expect("counted");
        assert_eq!(tally.delivered as usize, recipients);
        report(
            "metrics: recipients counted for one read of the metrics",
            recipients,
            started.elapsed(),
        );

        let floor_dir = tempfile::tempdir().expect("tempdir");
        let floor_store: Arc<dyn Storage> =
            botwot_storage::open_embedded(floor_dir.path().join("floor")).expect("store");
        let floor = launched(&floor_store, recipients, "Floor").await;
        let started = Instant::now();
        for n in 0..recipients {
            store_alone(&floor_store, &floor, n).await;
        }
        report(
            "store alone: the runner's writes, one recipient after another",
            recipients,
            started.elapsed(),
        );
        println!("PRD cron service: 50 contacts a minute (0.83 a second)");
        println!(
            "checked: {} templates handed to the channel, none twice",
            channel.sent.load(Ordering::Relaxed)
        );
    });
}

fn report(what: &str, count: usize, took: Duration) {
    println!(
        "{what}: {count} in {:.2} s = {:.0} a second ({:.1} µs each)",
        took.as_secs_f64(),
        count as f64 / took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / count as f64
    );
}

fn phone(n: usize) -> String {
    format!("44770{n:07}")
}

/// A running campaign of `recipients` contacts whose workflow waits for `read`.
async fn launched(store: &Arc<dyn Storage>, recipients: usize, name: &str) -> Campaign {
    let now = SystemClock.now();
    let input = NewCampaign {
        name: name.to_owned(),
        channel_account: NUMBER.to_owned(),
        opening_template_id: "cart_reminder".to_owned(),
        language: "en_US".to_owned(),
        workflow: CampaignWorkflow {
            max_follow_ups: 1,
            steps: vec![WorkflowStep {
                name: "thanks".to_owned(),
                on: StepTrigger::Read,
                wait_ms: 60_000,
                template_id: "cart_thanks".to_owned(),
                terminal: true,
            }],
        },
    };
    let mut campaign = Campaign::create(TenantId::from("org_bench"), input, now).expect("valid");
    store.insert_campaign(&campaign).await.expect("stored");
    let all: Vec<usize> = (0..recipients).collect();
    for chunk in all.chunks(1_000) {
        let joining: Vec<_> = chunk
            .iter()
            .map(|n| {
                let contact = AudienceContact::parse(&phone(*n), None).expect("a number");
                CampaignRecipient::join(&campaign, contact, now)
            })
            .collect();
        campaign
            .add_audience(joining.len() as u32, now)
            .expect("a draft");
        store
            .add_recipients(&campaign, &joining)
            .await
            .expect("stored");
    }
    campaign.launch(now).expect("launched");
    store.update_campaign(&campaign).await.expect("stored");
    campaign
}

/// What the runner writes for one recipient, without the runner.
async fn store_alone(store: &Arc<dyn Storage>, campaign: &Campaign, n: usize) {
    let phone = phone(n);
    let mut recipient = store
        .get_recipient(&campaign.tenant_id, &campaign.id, &phone)
        .await
        .expect("read")
        .expect("stored");
    recipient.apply(
        campaign,
        RecipientEvent::Start {
            at: SystemClock.now(),
        },
    );
    store.save_recipient(&recipient, None).await.expect("saved");
    let pending = recipient.pending.remove(0);
    let sent = CampaignMessageRef {
        tenant_id: campaign.tenant_id.clone(),
        campaign_id: campaign.id.clone(),
        channel_account: NUMBER.to_owned(),
        provider_id: format!("wamid.{phone}"),
        phone,
        message: pending.message,
    };
    store
        .save_recipient(&recipient, Some(&sent))
        .await
        .expect("saved");
}
