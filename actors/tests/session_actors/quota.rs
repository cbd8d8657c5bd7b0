//! The plan's sessions-a-month limit, where conversations start: past it a new conversation is
//! refused with the limit named, conversations already started go on, and a new month counts
//! from zero.

use super::{Harness, applied, inbound};
use botwot_actors::{NodeConfig, SessionError};
use botwot_engine::access::{
    LimitExceeded, LimitedResource, Organisation, Permissions, PlanTier, Role, UserAccount,
    UserStatus,
};
use botwot_engine::time::Clock;
use botwot_engine::time::Timestamp;

impl Harness {
    /// Gives the harness's tenant an organisation record allowing `sessions` a month.
    async fn limit_sessions_to(&self, sessions: u32) {
        let mut organisation = Organisation::create("Acme", "owner@acme.test", Timestamp(0));
        organisation.id = self.bot.tenant_id.clone();
        let mut limits = PlanTier::Base.limits();
        limits.sessions_per_month = Some(sessions);
        organisation.custom_limits = Some(limits);
        let owner = UserAccount::create(
            organisation.id.clone(),
            "owner@acme.test".to_owned(),
            ("Ada".to_owned(), "Owner".to_owned()),
            Permissions::of(Role::SuperAdmin),
            UserStatus::Active,
            Timestamp(0),
        );
        self.store
            .create_organisation(&organisation, &owner)
            .await
            .expect("organisation stored");
    }
}

#[tokio::test]
async fn past_the_monthly_limit_new_conversations_are_refused_and_started_ones_go_on() {
    let h = Harness::start(NodeConfig::default()).await;
    h.limit_sessions_to(2).await;
    applied(h.send("v1", inbound("hello", "c-1")).await);
    applied(h.send("v2", inbound("hello", "c-2")).await);

    let refused = h.send("v3", inbound("hello", "c-3")).await;
    match refused {
        Err(SessionError::PlanLimit(exceeded)) => assert_eq!(
            exceeded,
            LimitExceeded {
                resource: LimitedResource::SessionsPerMonth,
                limit: 2,
                in_use: 2,
            }
        ),
        other => panic!("expected the plan limit, got {other:?}"),
    }
    assert!(
        h.store
            .load_session(&h.key("v3"))
            .await
            .expect("load")
            .is_none(),
        "nothing of the refused conversation is stored"
    );
    // A conversation that started this month goes on.
    applied(h.send("v1", inbound("still there?", "c-4")).await);

    // Next month the count starts again.
    let now = h.clock.now();
    let next_month = Timestamp(now.start_of_month().0 + 32 * 24 * 3_600_000).start_of_month();
    h.advance(next_month.since(now).as_secs() + 1);
    applied(h.send("v3", inbound("hello again", "c-5")).await);
}
