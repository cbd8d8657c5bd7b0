//! The storage conformance suite. Every case is a generic function over a [`fixtures::Fixture`]
//! and runs against every backend: `embedded::<case>` on a fresh redb directory, `lsm::<case>` on
//! a fresh fjall directory, `resident::<case>` on a fresh resident store's directory, `mongo::<case>`
//! on a fresh database of the MongoDB test server (`BOTWOT_TEST_MONGO_URI`, default
//! `mongodb://127.0.0.1:27018`; the tests fail when it is not running).

/// A MongoDB-only case: runs `case` on a fresh MongoDB fixture and removes it afterwards.
macro_rules! mongo_case {
    ($name:ident, $case:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() -> anyhow::Result<()> {
            let fixture = crate::fixtures::MongoFixture::new().await?;
            let outcome = $case(&fixture).await;
            crate::fixtures::Fixture::cleanup(fixture).await?;
            outcome
        }
    };
}

mod accounts;
mod audit;
mod billing;
mod bots;
mod campaigns;
mod canned;
mod dedup;
mod durability;
mod erasure;
mod fencing;
mod fixtures;
mod insights;
mod integrations;
mod isolation;
mod journal;
mod knowledge;
mod leads;
mod listing;
mod outbox;
mod paging;
mod records;
mod sessions;
mod shards;
mod shops;
mod social_posts;
mod stale_writer;
mod timers;
mod transcript;
mod voice;
mod voice_agents;

/// One test module per backend, one test per case.
macro_rules! suite {
    ($backend:ident, $fixture:ty, $($module:ident :: $case:ident),* $(,)?) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() -> anyhow::Result<()> {
                    let mut fixture = <$fixture>::new().await?;
                    let outcome = crate::$module::$case(&mut fixture).await;
                    crate::fixtures::Fixture::cleanup(fixture).await?;
                    outcome
                }
            )*
        }
    };
}

macro_rules! conformance {
    ($($module:ident :: $case:ident),* $(,)?) => {
        suite!(embedded, crate::fixtures::EmbeddedFixture, $($module::$case),*);
        suite!(lsm, crate::fixtures::LsmFixture, $($module::$case),*);
        suite!(resident, crate::fixtures::ResidentFixture, $($module::$case),*);
        suite!(mongo, crate::fixtures::MongoFixture, $($module::$case),*);
    };
}

conformance!(
    bots::bots_crud_and_widget_key_lookup,
    bots::bot_listing_pages_newest_first_and_hides_deleted,
    sessions::session_commit_load_and_get,
    sessions::sessions_are_counted_from_a_time_per_tenant,
    listing::session_listing_filters_and_pages,
    listing::cursors_only_resume_their_own_listing,
    transcript::transcript_order_and_after_seq,
    dedup::duplicate_inbound_writes_nothing,
    dedup::concurrent_duplicates_commit_once,
    dedup::a_redelivery_among_new_messages_writes_nothing,
    dedup::provider_ids_are_scoped_to_tenant_channel_and_inbound,
    fencing::a_stale_epoch_writes_nothing,
    fencing::equal_and_higher_epochs_pass_and_shards_are_independent,
    fencing::unfenced_commits_still_work_after_fenced_ones,
    fencing::a_stale_redelivery_is_fenced_not_duplicate,
    fencing::concurrent_first_commits_of_a_shard_all_pass,
    timers::timers_set_move_cancel_sorted,
    shards::timers_and_outbox_are_found_by_shard,
    outbox::outbox_pending_delivered_retry,
    outbox::delivered_messages_are_found_by_their_provider_id,
    outbox::delivery_never_goes_backwards,
    outbox::a_report_that_overtook_its_send_is_applied_when_the_send_is_recorded,
    outbox::unclaimed_early_reports_are_purged_after_a_day,
    outbox::reports_parked_at_the_same_moment_are_all_kept,
    isolation::tenants_never_see_each_other,
    durability::reopen_keeps_everything,
    integrations::integrations_are_found_by_account_and_listed_per_tenant,
    integrations::an_updated_integration_keeps_its_health_and_a_missing_one_is_not_found,
    accounts::organisations_and_users_are_created_together_and_emails_are_unique,
    accounts::users_are_read_updated_and_deleted_only_in_their_tenant,
    accounts::one_time_codes_are_kept_per_purpose_and_email,
    accounts::a_refresh_token_is_spent_once_even_by_racing_rotations,
    accounts::api_keys_are_found_by_id_listed_per_tenant_and_revoked_in_their_tenant,
    audit::audit_entries_list_newest_first_by_time_and_actor,
    erasure::erasing_a_session_removes_its_messages_deliveries_and_timers_only,
    erasure::erasing_an_organisation_removes_all_of_it_and_nothing_else,
    canned::canned_responses_have_unique_shortcuts_per_tenant,
    knowledge::knowledge_bases_and_documents_live_in_their_tenant,
    knowledge::unfinished_ingestions_are_found_until_they_finish,
    voice_agents::voice_agents_live_in_their_tenant_in_name_order,
    campaigns::campaigns_live_in_their_tenant_newest_first_and_by_status,
    campaigns::a_phone_number_joins_an_audience_once_counted_with_its_campaign,
    campaigns::deleting_a_campaign_takes_its_whole_audience_and_nothing_else,
    campaigns::erasing_a_contact_takes_it_out_of_every_audience_of_its_tenant,
    campaigns::a_runner_finds_due_recipients_and_their_messages_by_provider_id,
    billing::plans_are_replaced_per_tier_and_listed_in_tier_order,
    billing::an_account_is_stored_whole_and_read_in_its_tenant,
    billing::accounts_are_due_earliest_first_once_their_grant_runs_out,
    billing::a_provider_id_is_linked_to_one_organisation,
    billing::a_provider_event_is_recorded_once,
    billing::erasing_billing_takes_one_organisations_account_and_references,
    social_posts::posts_are_stored_whole_and_read_in_their_tenant,
    social_posts::posts_list_latest_first_by_status_a_page_at_a_time,
    social_posts::posts_are_due_earliest_first_in_every_tenant,
    social_posts::erasing_an_organisation_takes_its_posts_only,
    voice::a_phone_number_is_connected_once_and_lives_in_its_tenant,
    voice::numbers_list_most_recently_connected_first_a_page_at_a_time,
    voice::a_call_is_stored_once_per_twilio_id_and_read_in_its_tenant,
    voice::calls_list_latest_requested_first_by_every_filter,
    voice::calls_are_due_earliest_first_in_every_tenant,
    voice::erasing_an_organisation_takes_its_numbers_and_calls_only,
    insights::one_analysis_of_each_kind_is_kept_per_session_in_its_tenant,
    insights::analyses_go_with_their_session_and_their_organisation,
    shops::a_shop_is_connected_once_and_lives_in_its_tenant,
    shops::orders_list_latest_placed_first_by_shop_and_status,
    shops::orders_are_due_earliest_first_in_every_tenant_and_erased_with_it,
    leads::a_phone_number_is_one_lead_per_tenant,
    leads::leads_list_newest_first_by_stage_a_page_at_a_time,
    leads::due_leads_are_found_in_every_tenant_until_nothing_is_planned,
    leads::a_leads_history_lists_newest_first_and_goes_with_it,
    leads::lead_settings_are_kept_per_organisation_and_erased_with_it,
);
