use crate::fixtures::Fixture;
use crate::records::{commit, conversation, inbound, tenant};
use botwot_engine::Timestamp;
use botwot_engine::bot::LlmProvider;
use botwot_engine::channel::Channel;
use botwot_engine::insight::{InsightKind, InsightResult, SessionInsight};
use botwot_engine::session::SessionState;

fn insight(session: &SessionState, result: InsightResult, through_seq: u64) -> SessionInsight {
    SessionInsight {
        tenant_id: session.key.tenant_id.clone(),
        session_id: session.id.clone(),
        result,
        through_seq,
        provider: LlmProvider::Openai,
        analysed_at: Timestamp(1_000 + through_seq as i64),
    }
}

fn cause(text: &str) -> InsightResult {
    InsightResult::Cause { cause: text.into() }
}

pub async fn one_analysis_of_each_kind_is_kept_per_session_in_its_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let session = conversation(&acme, Channel::WhatsApp, "+1555");
    let summary = InsightResult::Summary {
        summary: "asked where the order is".into(),
    };
    store
        .put_insight(&insight(&session, cause("late order"), 2))
        .await?;
    store.put_insight(&insight(&session, summary, 2)).await?;
    // A later analysis of a kind replaces the earlier one.
    let later = insight(&session, cause("order lost by the courier"), 4);
    store.put_insight(&later).await?;

    let kept = store
        .get_insight(&acme, &session.id, InsightKind::Cause)
        .await?;
    assert_eq!(kept, Some(later.clone()));
    assert_eq!(
        store
            .get_insight(&globex, &session.id, InsightKind::Cause)
            .await?,
        None
    );
    assert_eq!(
        store
            .get_insight(&acme, &session.id, InsightKind::Intent)
            .await?,
        None
    );
    let all = store.session_insights(&acme, &session.id).await?;
    let kinds: Vec<InsightKind> = all.iter().map(SessionInsight::kind).collect();
    assert_eq!(kinds, [InsightKind::Summary, InsightKind::Cause]);
    assert!(
        store
            .session_insights(&globex, &session.id)
            .await?
            .is_empty()
    );
    Ok(())
}

pub async fn analyses_go_with_their_session_and_their_organisation(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let erased = conversation(&acme, Channel::WhatsApp, "+1555");
    let kept = conversation(&acme, Channel::WhatsApp, "+1666");
    let other = conversation(&globex, Channel::WhatsApp, "+1555");
    for (n, session) in [&erased, &kept, &other].into_iter().enumerate() {
        let provider_id = format!("wamid.{n}");
        let question = inbound(session, 1, "where is my order", Some(&provider_id));
        store.commit(commit(session, vec![question])).await?;
        store
            .put_insight(&insight(session, cause("late order"), 1))
            .await?;
    }

    store.erase_session(&acme, &erased.id).await?;
    assert!(store.session_insights(&acme, &erased.id).await?.is_empty());
    assert_eq!(store.session_insights(&acme, &kept.id).await?.len(), 1);

    store.erase_organisation(&acme).await?;
    assert!(store.session_insights(&acme, &kept.id).await?.is_empty());
    assert_eq!(store.session_insights(&globex, &other.id).await?.len(), 1);
    Ok(())
}
