use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::access::{AuditActor, AuditEntry, AuditFilter};
use botwot_engine::ids::{AuditId, TenantId};
use botwot_engine::ports::PageRequest;

fn entry(tenant: &TenantId, actor: &str, at: i64) -> AuditEntry {
    AuditEntry {
        id: AuditId::generate(),
        tenant_id: tenant.clone(),
        at: Timestamp(at),
        actor: AuditActor {
            kind: "user".into(),
            id: actor.into(),
            label: format!("{actor}@acme.test"),
        },
        action: "POST /v1/bots".into(),
        target: "/v1/bots".into(),
        status: 201,
        ip: Some("10.0.0.1".into()),
        request_id: Some(format!("req-{at}")),
    }
}

pub async fn audit_entries_list_newest_first_by_time_and_actor(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let entries = [
        entry(&acme, "usr_a", 1_000),
        entry(&acme, "usr_b", 2_000),
        entry(&acme, "usr_a", 3_000),
        entry(&globex, "usr_a", 4_000),
    ];
    for entry in &entries {
        store.record_audit(entry).await?;
    }
    let page = PageRequest {
        limit: 10,
        cursor: None,
    };
    let all = store
        .list_audit(&acme, &AuditFilter::default(), &page)
        .await?;
    assert_eq!(
        all.items,
        [entries[2].clone(), entries[1].clone(), entries[0].clone()]
    );
    let of_a = AuditFilter {
        actor_id: Some("usr_a".into()),
        ..AuditFilter::default()
    };
    let listed = store.list_audit(&acme, &of_a, &page).await?;
    assert_eq!(listed.items, [entries[2].clone(), entries[0].clone()]);
    let window = AuditFilter {
        from: Some(Timestamp(2_000)),
        until: Some(Timestamp(3_000)),
        ..AuditFilter::default()
    };
    let listed = store.list_audit(&acme, &window, &page).await?;
    assert_eq!(listed.items, [entries[1].clone()]);

    let first = PageRequest {
        limit: 2,
        cursor: None,
    };
    let page_one = store
        .list_audit(&acme, &AuditFilter::default(), &first)
        .await?;
    let rest = PageRequest {
        limit: 2,
        cursor: page_one.next_cursor.clone(),
    };
    let page_two = store
        .list_audit(&acme, &AuditFilter::default(), &rest)
        .await?;
    assert_eq!(page_one.items.len(), 2);
    assert_eq!(page_two.items, [entries[0].clone()]);
    assert_eq!(page_two.next_cursor, None);
    Ok(())
}
