//! The outage drills' runner: a steady webhook load (the chaos suite's driver), a dependency
//! cut off behind its proxy for a while in the middle of it, what the server answered to a probe
//! while it was away, and the checks every drill makes afterwards.

#![allow(dead_code)] // each drill uses its own part

use crate::chaos::load::{self, LoadPlan, Outcome, Refusal};
use crate::chaos::verify::{self, Tally};
use crate::proxy::Proxy;
use crate::support::Server;
use crate::support::meta::GraphRequest;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::time::Instant;

/// When the dependency goes away after the load starts, and for how long.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    pub cut_after: Duration,
    pub outage: Duration,
}

impl Schedule {
    /// The service goes away a second into the load, for `secs` seconds.
    pub fn cut_for(secs: u64) -> Self {
        Self {
            cut_after: Duration::from_secs(1),
            outage: Duration::from_secs(secs),
        }
    }
}

/// A request the drill makes to the server while the dependency is away, to see what an
/// operator (or a load balancer's probe) is told.
pub struct Probe {
    pub path: &'static str,
    pub bearer: Option<String>,
}

impl Probe {
    /// `GET /readyz`, as a load balancer asks.
    pub fn readiness() -> Self {
        Self {
            path: "/readyz",
            bearer: None,
        }
    }
}

/// What one probe got: the status and error code, or no answer at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeAnswer {
    Answered { status: u16, code: Option<String> },
    NoAnswer(String),
}

/// What happened during a drill.
pub struct DrillRun {
    pub outcomes: Vec<Outcome>,
    pub probes: Vec<ProbeAnswer>,
    /// How long after the dependency came back the last webhook was acknowledged.
    pub load_finished_after_restore: Duration,
}

/// Runs `plan` against `bases`, cuts `proxy` on `schedule` and probes the first base every
/// half second while it is cut.
pub async fn run(
    plan: LoadPlan,
    bases: Vec<String>,
    proxy: &Proxy,
    schedule: Schedule,
    probe: Probe,
) -> DrillRun {
    run_with(plan, bases, proxy, schedule, probe, async {})
        .await
        .0
}

/// [`run`], doing `during` too while the service is cut off; the outage lasts until both its
/// time is up and `during` is done.
pub async fn run_with<T>(
    plan: LoadPlan,
    bases: Vec<String>,
    proxy: &Proxy,
    schedule: Schedule,
    probe: Probe,
    during: impl Future<Output = T>,
) -> (DrillRun, T) {
    let load = tokio::spawn(load::run(plan, bases.clone()));
    tokio::time::sleep(schedule.cut_after).await;
    assert!(!load.is_finished(), "the load outlasts the cut");
    proxy.cut().await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("http client");
    let back_at = Instant::now() + schedule.outage;
    let probing = async {
        let mut probes = Vec::new();
        while Instant::now() < back_at {
            probes.push(ask(&http, &bases[0], &probe).await);
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        probes
    };
    let (probes, done) = tokio::join!(probing, during);
    proxy.restore();
    let restored = Instant::now();
    let outcomes = load.await.expect("load driver");
    let run = DrillRun {
        outcomes,
        probes,
        load_finished_after_restore: restored.elapsed(),
    };
    (run, done)
}

async fn ask(http: &reqwest::Client, base: &str, probe: &Probe) -> ProbeAnswer {
    let mut request = http.get(format!("{base}{}", probe.path));
    if let Some(token) = &probe.bearer {
        request = request.bearer_auth(token);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let code = body["error"]["code"].as_str().map(str::to_owned);
            ProbeAnswer::Answered { status, code }
        }
        Err(error) => ProbeAnswer::NoAnswer(error.to_string()),
    }
}

impl DrillRun {
    /// Every webhook refusal by its answer (`503 storage_unavailable`, `no answer`, ...).
    pub fn refusals(&self) -> BTreeMap<String, usize> {
        counted(
            self.outcomes
                .iter()
                .flat_map(|o| &o.refusals)
                .map(|refusal| match refusal {
                    Refusal::Answered(answer) => format!(
                        "{} {}",
                        answer.status,
                        answer.code.as_deref().unwrap_or("(no code)")
                    ),
                    Refusal::NoAnswer(_) => "no answer".to_owned(),
                }),
        )
    }

    /// The probes' answers, counted the same way.
    pub fn probe_answers(&self) -> BTreeMap<String, usize> {
        counted(self.probes.iter().map(|answer| match answer {
            ProbeAnswer::Answered { status, code } => {
                format!("{status} {}", code.as_deref().unwrap_or(""))
            }
            ProbeAnswer::NoAnswer(_) => "no answer".to_owned(),
        }))
    }

    /// Every webhook was answered 200 or plainly refused (a 503 with a stable code): never a
    /// 500, a reset connection or a request left hanging.
    pub fn assert_refusals_are_clear(&self, label: &str) {
        let unclear: Vec<&Refusal> = self
            .outcomes
            .iter()
            .flat_map(|o| &o.refusals)
            .filter(|r| !r.is_clear_unavailable())
            .collect();
        assert!(
            unclear.is_empty(),
            "{label}: webhooks answered other than 200 or a clear 503: {unclear:?}"
        );
    }

    pub fn refused_webhooks(&self) -> usize {
        self.outcomes.iter().map(|o| o.refusals.len()).sum()
    }
}

/// How many times each label occurs.
fn counted(labels: impl Iterator<Item = String>) -> BTreeMap<String, usize> {
    let mut counted = BTreeMap::new();
    for label in labels {
        *counted.entry(label).or_default() += 1;
    }
    counted
}

/// Waits until the server has stored and answered everything, then checks that nothing was
/// lost, stored twice, reordered, left unanswered or sent twice (no process died, so no send
/// may repeat), and prints the figures.
pub async fn assert_recovered(
    label: &str,
    server: &Server,
    run: &DrillRun,
    contacts: usize,
    graph: impl Fn() -> Vec<GraphRequest>,
) -> Tally {
    let (tally, _) = verify::settle(
        &format!("outage[{label}]"),
        server,
        &run.outcomes,
        contacts,
        graph,
    )
    .await;
    println!(
        "outage[{label}]: webhooks acked={} refused={} ({:?}); probes during the outage: {:?}; load done {:.1} s after the restore; lost={} duplicated={} replies_sent={} duplicate_sends={} unanswered={}",
        tally.acked,
        run.refused_webhooks(),
        run.refusals(),
        run.probe_answers(),
        run.load_finished_after_restore.as_secs_f64(),
        tally.lost,
        tally.duplicated,
        tally.replies_sent,
        tally.duplicate_sends,
        tally.unanswered,
    );
    assert_eq!(
        tally.unacked, 0,
        "{label}: every webhook acknowledged in the end"
    );
    assert_eq!(
        tally.lost, 0,
        "{label}: nothing acknowledged is lost: {tally:?}"
    );
    assert_eq!(
        tally.duplicated, 0,
        "{label}: nothing stored twice: {tally:?}"
    );
    assert_eq!(tally.out_of_order, 0, "{label}: send order kept: {tally:?}");
    assert_eq!(
        tally.replies_unsent, 0,
        "{label}: every reply sent: {tally:?}"
    );
    assert_eq!(
        tally.unanswered, 0,
        "{label}: every message answered: {tally:?}"
    );
    assert_eq!(
        tally.duplicate_sends, 0,
        "{label}: no reply sent twice: {tally:?}"
    );
    tally
}
