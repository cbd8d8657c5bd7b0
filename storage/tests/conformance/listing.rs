use crate::fixtures::Fixture;
use crate::paging::walk;
use crate::records::{bot, commit, key, session, session_ids, tenant, with_status};
use botwot_engine::SessionState;
use botwot_engine::Timestamp;
use botwot_engine::channel::Channel;
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{PageRequest, SessionFilter, Storage};
use botwot_engine::session::{Responder, SessionQueue, SessionStatus};
use std::sync::Arc;

const STATUSES: [SessionStatus; 3] = [
    SessionStatus::Open,
    SessionStatus::Warned,
    SessionStatus::Closed,
];
const CHANNELS: [Channel; 3] = [Channel::Web, Channel::WhatsApp, Channel::Messenger];

/// Who answers session `n`: agents `agent-a` and `agent-b`, a wait for an agent, or the bot.
fn responder(n: usize) -> Responder {
    match n % 5 {
        0 => Responder::Agent {
            agent_id: "agent-a".to_owned(),
        },
        1 => Responder::Agent {
            agent_id: "agent-b".to_owned(),
        },
        2 => Responder::WaitingForAgent {
            since: Timestamp(900),
        },
        _ => Responder::Bot,
    }
}

/// 30 sessions of `tenant` over every channel, status, responder and two bots, with repeated
/// creation times.
async fn populate(
    store: &Arc<dyn Storage>,
    tenant: &TenantId,
) -> anyhow::Result<Vec<SessionState>> {
    let bots = [bot(tenant, "one", 1), bot(tenant, "two", 2)];
    let mut sessions = Vec::new();
    for n in 0..30 {
        let key = key(tenant, CHANNELS[n % 3], &format!("contact-{n}"));
        let created = 1_000 + (n as i64 % 8) * 100;
        let mut state = with_status(session(key, &bots[n % 2], created), STATUSES[(n / 3) % 3]);
        state.responder = responder(n);
        store.commit(commit(&state, Vec::new())).await?;
        sessions.push(state);
    }
    Ok(sessions)
}

fn filters(sessions: &[SessionState]) -> Vec<SessionFilter> {
    let bot = Some(sessions[1].bot_id.clone());
    vec![
        SessionFilter::default(),
        SessionFilter {
            status: Some(SessionStatus::Open),
            ..Default::default()
        },
        SessionFilter {
            channel: Some(Channel::WhatsApp),
            ..Default::default()
        },
        SessionFilter {
            bot_id: bot.clone(),
            ..Default::default()
        },
        SessionFilter {
            created_from: Some(Timestamp(1_300)),
            ..Default::default()
        },
        SessionFilter {
            created_until: Some(Timestamp(1_500)),
            ..Default::default()
        },
        SessionFilter {
            status: Some(SessionStatus::Closed),
            channel: Some(Channel::Web),
            created_from: Some(Timestamp(1_100)),
            created_until: Some(Timestamp(1_700)),
            ..Default::default()
        },
        SessionFilter {
            bot_id: bot,
            status: Some(SessionStatus::Warned),
            ..Default::default()
        },
        SessionFilter {
            channel: Some(Channel::Voice),
            ..Default::default()
        },
        SessionFilter {
            contact: Some("contact-4".to_owned()),
            ..Default::default()
        },
        SessionFilter {
            channel: Some(Channel::WhatsApp),
            contact: Some("contact-4".to_owned()),
            ..Default::default()
        },
        SessionFilter {
            channel: Some(Channel::Web),
            contact: Some("contact-4".to_owned()),
            ..Default::default()
        },
        SessionFilter {
            queue: Some(SessionQueue::Bot),
            ..Default::default()
        },
        SessionFilter {
            queue: Some(SessionQueue::Waiting),
            ..Default::default()
        },
        SessionFilter {
            queue: Some(SessionQueue::Agent),
            ..Default::default()
        },
        SessionFilter {
            queue: Some(SessionQueue::Closed),
            channel: Some(Channel::Web),
            ..Default::default()
        },
        SessionFilter {
            queue: Some(SessionQueue::Agent),
            assigned_agent: Some("agent-a".to_owned()),
            ..Default::default()
        },
        SessionFilter {
            assigned_agent: Some("agent-b".to_owned()),
            bot_id: sessions[0].bot_id.clone().into(),
            ..Default::default()
        },
    ]
}

fn matches(session: &SessionState, filter: &SessionFilter) -> bool {
    filter.status.is_none_or(|status| session.status == status)
        && filter
            .channel
            .is_none_or(|channel| session.key.channel == channel)
        && filter
            .bot_id
            .as_ref()
            .is_none_or(|bot| session.bot_id == *bot)
        && filter
            .contact
            .as_ref()
            .is_none_or(|contact| session.key.contact == *contact)
        && filter.queue.is_none_or(|queue| session.queue() == queue)
        && filter
            .assigned_agent
            .as_deref()
            .is_none_or(|agent| session.assigned_agent() == Some(agent))
        && filter
            .created_from
            .is_none_or(|from| session.created_at >= from)
        && filter
            .created_until
            .is_none_or(|until| session.created_at < until)
}

pub async fn session_listing_filters_and_pages(fixture: &mut impl Fixture) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let mut sessions = populate(&store, &acme).await?;
    populate(&store, &tenant("globex")).await?;
    sessions.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));

    for filter in filters(&sessions) {
        let expected: Vec<_> = sessions
            .iter()
            .filter(|session| matches(session, &filter))
            .cloned()
            .collect();
        for limit in [3, 7, 100] {
            let listed = walk(limit, |page| {
                let (store, acme, filter) = (store.clone(), acme.clone(), filter.clone());
                async move { store.list_sessions(&acme, &filter, &page).await }
            })
            .await?;
            assert_eq!(
                session_ids(&listed),
                session_ids(&expected),
                "{filter:?}, pages of {limit}"
            );
            assert_eq!(listed, expected);
        }
    }
    Ok(())
}

pub async fn cursors_only_resume_their_own_listing(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    populate(&store, &acme).await?;
    let open = SessionFilter {
        status: Some(SessionStatus::Open),
        ..Default::default()
    };
    let first = store
        .list_sessions(
            &acme,
            &open,
            &PageRequest {
                limit: 2,
                cursor: None,
            },
        )
        .await?;
    let cursor = first.next_cursor.clone();
    assert!(cursor.is_some());
    let resume = PageRequest { limit: 2, cursor };
    let second = store.list_sessions(&acme, &open, &resume).await?;
    assert_eq!(second.items.len(), 2);
    assert!(
        second
            .items
            .iter()
            .all(|session| !first.items.contains(session))
    );

    let web = SessionFilter {
        channel: Some(Channel::Web),
        ..Default::default()
    };
    assert!(store.list_sessions(&acme, &web, &resume).await.is_err());
    assert!(
        store
            .list_sessions(&tenant("globex"), &open, &resume)
            .await
            .is_err()
    );
    assert!(store.list_bots(&acme, true, &resume).await.is_err());
    let garbage = PageRequest {
        limit: 2,
        cursor: Some("not a cursor".to_owned()),
    };
    assert!(store.list_sessions(&acme, &open, &garbage).await.is_err());
    Ok(())
}
