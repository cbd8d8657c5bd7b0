use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::access::{
    ApiKey, DEFAULT_REFRESH_TTL, Module, Organisation, OtpChallenge, OtpPolicy, OtpPurpose,
    Permissions, PlanTier, RefreshDigest, RefreshFamily, Role, UserAccount, UserStatus,
};
use botwot_engine::ids::{ApiKeyId, RefreshFamilyId, TenantId, UserId};
use botwot_engine::ports::{PageRequest, StoreError};

fn user(tenant: &TenantId, email: &str, at: i64) -> UserAccount {
    UserAccount::create(
        tenant.clone(),
        email.to_owned(),
        ("Ana".to_owned(), "Lima".to_owned()),
        Permissions::of(Role::Agent),
        UserStatus::Active,
        Timestamp(at),
    )
}

pub async fn organisations_and_users_are_created_together_and_emails_are_unique(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = Organisation::create("Acme", "ana@acme.test", Timestamp(1));
    let owner = user(&acme.id, "ana@acme.test", 1);
    store.create_organisation(&acme, &owner).await?;
    assert_eq!(store.get_organisation(&acme.id).await?, Some(acme.clone()));
    // An operator moves it to another plan; an organisation never stored cannot be updated.
    let mut upgraded = acme.clone();
    upgraded.subscription_tier = PlanTier::Pro;
    upgraded.updated_at = Timestamp(3);
    store.update_organisation(&upgraded).await?;
    assert_eq!(store.get_organisation(&acme.id).await?, Some(upgraded));
    let stranger = Organisation::create("Initech", "peter@initech.test", Timestamp(4));
    assert!(matches!(
        store.update_organisation(&stranger).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.get_organisation(&stranger.id).await?, None);
    assert_eq!(
        store.find_user_by_email("ana@acme.test").await?,
        Some(owner.clone())
    );

    // The same email cannot found a second organisation, and nothing of it is stored.
    let globex = Organisation::create("Globex", "ana@acme.test", Timestamp(2));
    let second_owner = user(&globex.id, "ana@acme.test", 2);
    assert!(matches!(
        store.create_organisation(&globex, &second_owner).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.get_organisation(&globex.id).await?, None);
    // Nor be invited into another one.
    assert!(matches!(
        store
            .insert_user(&user(&globex.id, "ana@acme.test", 3))
            .await,
        Err(StoreError::Conflict(_))
    ));

    let agent = user(&acme.id, "bo@acme.test", 5);
    store.insert_user(&agent).await?;
    let page = PageRequest {
        limit: 10,
        cursor: None,
    };
    let listed = store.list_users(&acme.id, &page).await?;
    assert_eq!(listed.items, [owner.clone(), agent.clone()]);
    assert_eq!(store.count_users(&acme.id, 10).await?, 2);
    assert_eq!(store.count_users(&acme.id, 1).await?, 1);
    assert_eq!(store.count_users(&globex.id, 10).await?, 0);
    Ok(())
}

pub async fn users_are_read_updated_and_deleted_only_in_their_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let mut agent = user(&acme, "bo@acme.test", 1);
    store.insert_user(&agent).await?;
    assert_eq!(store.get_user(&globex, &agent.id).await?, None);
    assert_eq!(store.get_user(&acme, &agent.id).await?, Some(agent.clone()));

    let mut foreign = agent.clone();
    foreign.tenant_id = globex.clone();
    assert!(matches!(
        store.update_user(&foreign).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_user(&globex, &agent.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.update_user(&user(&acme, "new@acme.test", 2)).await,
        Err(StoreError::NotFound)
    ));

    agent.status = UserStatus::Disabled;
    agent.permissions = Permissions::of(Role::Manager);
    store.update_user(&agent).await?;
    assert_eq!(store.get_user(&acme, &agent.id).await?, Some(agent.clone()));

    let family = RefreshFamily::start(
        RefreshFamilyId::generate(),
        acme.clone(),
        agent.id.clone(),
        RefreshDigest::new("d1"),
        Timestamp(3),
        DEFAULT_REFRESH_TTL,
    );
    store.put_refresh_family(&family).await?;
    let second = RefreshFamily::start(
        RefreshFamilyId::generate(),
        acme.clone(),
        agent.id.clone(),
        RefreshDigest::new("d2"),
        Timestamp(3),
        DEFAULT_REFRESH_TTL,
    );
    store.put_refresh_family(&second).await?;
    assert_eq!(
        store
            .revoke_sign_ins(&globex, &agent.id, Timestamp(4))
            .await?,
        0
    );
    assert_eq!(
        store
            .revoke_sign_ins(&acme, &agent.id, Timestamp(4))
            .await?,
        2
    );
    assert_eq!(
        store
            .revoke_sign_ins(&acme, &agent.id, Timestamp(5))
            .await?,
        0
    );
    let revoked = store.get_refresh_family(&second.id).await?;
    assert!(revoked.is_some_and(|family| family.is_revoked()));
    store.delete_user(&acme, &agent.id).await?;
    assert_eq!(store.get_user(&acme, &agent.id).await?, None);
    assert_eq!(store.find_user_by_email("bo@acme.test").await?, None);
    assert_eq!(store.get_refresh_family(&family.id).await?, None);
    // The email is free again.
    store.insert_user(&user(&globex, "bo@acme.test", 4)).await?;
    assert!(
        store
            .get_user(&acme, &UserId::from("usr_missing"))
            .await?
            .is_none()
    );
    Ok(())
}

pub async fn one_time_codes_are_kept_per_purpose_and_email(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let policy = OtpPolicy::default();
    let mut signup = OtpChallenge::issue("digest-1".to_owned(), Timestamp(1), &policy);
    store
        .put_otp(OtpPurpose::Signup, "ana@acme.test", &signup)
        .await?;
    assert_eq!(
        store.get_otp(OtpPurpose::Signup, "ana@acme.test").await?,
        Some(signup.clone())
    );
    assert_eq!(
        store
            .get_otp(OtpPurpose::PasswordReset, "ana@acme.test")
            .await?,
        None
    );
    assert_eq!(
        store.get_otp(OtpPurpose::Signup, "bo@acme.test").await?,
        None
    );

    assert!(signup.verify("wrong", Timestamp(2), &policy).is_err());
    store
        .put_otp(OtpPurpose::Signup, "ana@acme.test", &signup)
        .await?;
    let stored = store.get_otp(OtpPurpose::Signup, "ana@acme.test").await?;
    assert_eq!(stored.map(|c| c.failed_attempts), Some(1));

    store
        .delete_otp(OtpPurpose::Signup, "ana@acme.test")
        .await?;
    assert_eq!(
        store.get_otp(OtpPurpose::Signup, "ana@acme.test").await?,
        None
    );
    Ok(())
}

pub async fn a_refresh_token_is_spent_once_even_by_racing_rotations(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let acme = tenant("acme");
    let first = RefreshDigest::new("first");
    let mut family = RefreshFamily::start(
        RefreshFamilyId::generate(),
        acme.clone(),
        UserId::from("usr_1"),
        first.clone(),
        Timestamp(0),
        DEFAULT_REFRESH_TTL,
    );
    store.put_refresh_family(&family).await?;
    assert_eq!(
        store.get_refresh_family(&family.id).await?,
        Some(family.clone())
    );

    // Two requests read the family before either wrote: both rotate the same token.
    let mut racing = family.clone();
    family.rotate(&first, RefreshDigest::new("second"), Timestamp(1))?;
    racing.rotate(&first, RefreshDigest::new("other"), Timestamp(1))?;
    store.rotate_refresh_family(&family, &first).await?;
    assert!(matches!(
        store.rotate_refresh_family(&racing, &first).await,
        Err(StoreError::Conflict(_))
    ));
    let stored = store.get_refresh_family(&family.id).await?;
    assert_eq!(
        stored.map(|f| f.current),
        Some(RefreshDigest::new("second"))
    );
    Ok(())
}

pub async fn api_keys_are_found_by_id_listed_per_tenant_and_revoked_in_their_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let key = |tenant: &TenantId, name: &str, at: i64| ApiKey {
        id: ApiKeyId::generate(),
        tenant_id: tenant.clone(),
        name: name.to_owned(),
        modules: [Module::CONVERSATIONS].into_iter().collect(),
        digest: format!("digest-{name}"),
        created_by: UserId::from("usr_1"),
        created_at: Timestamp(at),
        revoked_at: None,
    };
    let first = key(&acme, "crm", 1);
    let second = key(&acme, "billing", 2);
    let theirs = key(&globex, "theirs", 3);
    for key in [&first, &second, &theirs] {
        store.insert_api_key(key).await?;
    }
    assert_eq!(store.get_api_key(&first.id).await?, Some(first.clone()));
    let page = PageRequest {
        limit: 10,
        cursor: None,
    };
    let listed = store.list_api_keys(&acme, &page).await?;
    assert_eq!(listed.items, [second.clone(), first.clone()]);

    let mut revoked = first.clone();
    revoked.revoked_at = Some(Timestamp(5));
    let mut foreign = revoked.clone();
    foreign.tenant_id = globex.clone();
    assert!(matches!(
        store.update_api_key(&foreign).await,
        Err(StoreError::NotFound)
    ));
    store.update_api_key(&revoked).await?;
    assert_eq!(store.get_api_key(&first.id).await?, Some(revoked));
    Ok(())
}
