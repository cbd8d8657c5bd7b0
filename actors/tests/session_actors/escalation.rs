//! Escalation through real session actors: the durable SLA timer survives a restart and fires
//! once, a take-over removes it, and auto-assignment goes round-robin among available agents
//! below capacity.

use super::{Harness, applied, inbound};
use async_trait::async_trait;
use botwot_actors::NodeConfig;
use botwot_engine::TenantId;
use botwot_engine::handover::{AgentDirectory, AgentLoad};
use botwot_engine::ports::{PageRequest, SessionFilter, Storage};
use botwot_engine::session::{Responder, SessionEvent, SessionQueue, SessionStatus};
use botwot_engine::time::Clock;
use botwot_engine::timer::TimerKind;
use std::sync::Arc;
use std::time::Duration;

impl Harness {
    /// Changes the bot's handover policy before its first session starts.
    async fn set_handover(
        &mut self,
        edit: impl FnOnce(&mut botwot_engine::handover::HandoverPolicy),
    ) {
        edit(&mut self.bot.settings.handover);
        self.store.update_bot(&self.bot).await.expect("bot updated");
    }

    async fn sla_timers(&self) -> usize {
        self.store
            .all_timers()
            .await
            .expect("timers")
            .iter()
            .filter(|timer| timer.kind == TimerKind::AgentSla)
            .count()
    }
}

#[tokio::test]
async fn the_sla_timer_survives_a_restart_and_escalates_once() {
    let mut h = Harness::start(NodeConfig::default()).await;
    h.set_handover(|policy| policy.sla_minutes = 1).await;
    let (session, messages) = applied(h.send("v1", inbound("I want a human", "c-1")).await);
    assert_eq!(session.queue(), SessionQueue::Waiting);
    assert_eq!(messages.len(), 2, "the question and the hand-off message");
    assert_eq!(h.sla_timers().await, 1);

    let stopped = h.stop().await;
    stopped.clock.advance(Duration::from_secs(90)); // down past the SLA, not past the auto-close
    let h = stopped.start().await;
    h.until("the overdue SLA escalates the conversation", || async {
        h.session("v1").await.escalated_at.is_some()
    })
    .await;
    let escalated = h.session("v1").await;
    assert_eq!(escalated.queue(), SessionQueue::Waiting, "still waiting");
    assert_eq!(escalated.escalated_at, Some(h.clock.now()));
    h.until("the SLA record is gone", || async {
        h.sla_timers().await == 0
    })
    .await;

    h.advance(10);
    h.send("v2", inbound("a later visitor", "c-9"))
        .await
        .expect("applied");
    assert_eq!(
        h.session("v1").await.escalated_at,
        escalated.escalated_at,
        "fired once"
    );
}

#[tokio::test]
async fn taking_over_cancels_the_sla_and_its_record_is_swept_at_its_time() {
    let mut h = Harness::start(NodeConfig::default()).await;
    h.set_handover(|policy| policy.sla_minutes = 1).await;
    applied(h.send("v1", inbound("agent please", "c-1")).await);
    assert_eq!(h.sla_timers().await, 1);
    applied(
        h.send(
            "v1",
            SessionEvent::AgentTookOver {
                agent_id: "ana".into(),
            },
        )
        .await,
    );
    assert_eq!(
        h.sla_timers().await,
        1,
        "a cancelled timer's record ahead of the clock is kept (ADR 0025)"
    );
    // Past the SLA and the inactivity warning (both one minute), before the auto-close.
    h.advance(90);
    h.until("the inactivity warning fired", || {
        h.status_is("v1", SessionStatus::Warned)
    })
    .await;
    h.until("the SLA record is swept", || async {
        h.sla_timers().await == 0
    })
    .await;
    let taken = h.session("v1").await;
    assert_eq!(taken.escalated_at, None);
    assert_eq!(taken.assigned_agent(), Some("ana"));
}

/// Fixed agents at a console, each with the open conversations the store says they own.
struct FixedAgents {
    agents: Vec<&'static str>,
    store: Arc<dyn Storage>,
}

#[async_trait]
impl AgentDirectory for FixedAgents {
    async fn available_agents(&self, tenant: &TenantId) -> Vec<AgentLoad> {
        let mut loads = Vec::new();
        for agent_id in &self.agents {
            let filter = SessionFilter {
                queue: Some(SessionQueue::Agent),
                assigned_agent: Some((*agent_id).to_owned()),
                ..SessionFilter::default()
            };
            let owned = self
                .store
                .list_sessions(tenant, &filter, &PageRequest::default())
                .await
                .expect("listing")
                .items
                .len();
            loads.push(AgentLoad {
                agent_id: (*agent_id).to_owned(),
                open_assignments: u32::try_from(owned).expect("small"),
            });
        }
        loads
    }
}

#[tokio::test]
async fn waiting_conversations_go_round_robin_to_agents_below_capacity() {
    let mut h = Harness::start(NodeConfig::default()).await;
    h.set_handover(|policy| {
        policy.auto_assign = true;
        policy.agent_capacity = 2;
        policy.sla_minutes = 0;
    })
    .await;
    let directory = FixedAgents {
        agents: vec!["bob", "alice"],
        store: h.store.clone(),
    };
    assert!(h.node.set_agent_directory(Arc::new(directory)));

    for (visitor, expected) in [
        ("v1", "alice"),
        ("v2", "bob"),
        ("v3", "alice"),
        ("v4", "bob"),
    ] {
        applied(h.send(visitor, inbound("talk to a person", visitor)).await);
        h.until(&format!("{visitor} goes to {expected}"), || async {
            h.session(visitor).await.assigned_agent() == Some(expected)
        })
        .await;
    }

    applied(h.send("v5", inbound("human", "v5")).await);
    // Both agents are at capacity: v5 keeps waiting. Give the assigner time to try.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(matches!(
        h.session("v5").await.responder,
        Responder::WaitingForAgent { .. }
    ));
}

/// Alice and Bob on the first look; Alice has gone by the time anyone checks again.
#[derive(Default)]
struct AliceLeaves {
    looks: std::sync::atomic::AtomicUsize,
}

#[async_trait]
impl AgentDirectory for AliceLeaves {
    async fn available_agents(&self, _tenant: &TenantId) -> Vec<AgentLoad> {
        let first = self.looks.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0;
        let agents: &[&str] = if first { &["alice", "bob"] } else { &["bob"] };
        agents
            .iter()
            .map(|agent_id| AgentLoad {
                agent_id: (*agent_id).to_owned(),
                open_assignments: 0,
            })
            .collect()
    }
}

#[tokio::test]
async fn an_agent_who_left_meanwhile_is_passed_over_for_the_next() {
    let mut h = Harness::start(NodeConfig::default()).await;
    h.set_handover(|policy| policy.auto_assign = true).await;
    assert!(h.node.set_agent_directory(Arc::new(AliceLeaves::default())));
    applied(h.send("v1", inbound("representative", "c-1")).await);
    h.until("bob gets the conversation", || async {
        h.session("v1").await.assigned_agent() == Some("bob")
    })
    .await;
}
