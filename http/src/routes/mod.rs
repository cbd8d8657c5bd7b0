//! The routes, grouped by who may call them. Each is added with `routes!`, which documents it
//! in the OpenAPI document at the same time.

pub mod answers;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod bots;
pub mod campaigns;
pub mod canned_responses;
pub mod cluster_admin;
pub mod conversations;
pub mod dashboard;
pub mod data_rights;
pub mod dev_mailbox;
pub mod handover;
pub mod health;
pub mod insights;
pub mod integration_templates;
pub mod integrations;
pub mod knowledge_bases;
pub mod knowledge_documents;
pub mod leads;
pub mod me;
pub mod media;
pub mod meta_webhook;
pub mod paging;
pub mod plan_admin;
pub mod ratings;
pub mod reactions;
pub mod read_receipts;
pub mod reply_body;
pub mod reply_choices;
pub mod routing;
pub mod sessions;
pub mod settings_patch;
pub mod shopify;
pub mod social_posts;
pub mod templates;
pub mod upload_links;
pub mod uploads;
pub mod users;
pub mod voice;
pub mod voice_agents;
pub mod writing;

use crate::console::page;
use crate::errors::{AppError, ErrorCode};
use crate::openapi;
use crate::state::AppState;
use crate::widget::{assets, demo};
use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The `/v1` resources: for signed-in callers, acting in their organisation, as far as the
/// access map lets their role and modules.
pub fn resources() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me::me))
        .routes(routes!(api_keys::create_api_key, api_keys::list_api_keys))
        .routes(routes!(api_keys::revoke_api_key))
        .routes(routes!(data_rights::export_contact))
        .routes(routes!(data_rights::erase_contact))
        .routes(routes!(data_rights::export_organisation))
        .routes(routes!(data_rights::erase_organisation))
        .routes(routes!(audit::list_audit))
        .routes(routes!(audit::export_audit))
        .routes(routes!(users::list_users, users::invite_user))
        .routes(routes!(
            users::get_user,
            users::update_user,
            users::delete_user
        ))
        .routes(routes!(bots::create_bot, bots::list_bots))
        .routes(routes!(
            bots::get_bot,
            bots::replace_bot,
            bots::patch_bot,
            bots::delete_bot
        ))
        .routes(routes!(sessions::list_sessions))
        .routes(routes!(sessions::get_session))
        .routes(routes!(sessions::get_transcript))
        .routes(routes!(insights::analyse_session))
        .routes(routes!(insights::list_session_insights))
        .routes(routes!(insights::analyse_conversation))
        .routes(routes!(media::get_message_media))
        .routes(routes!(sessions::close_session))
        .routes(routes!(ratings::rate_session))
        .routes(routes!(handover::take_over))
        .routes(routes!(handover::reply))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(uploads::upload_media))
                .layer(DefaultBodyLimit::max(uploads::MAX_UPLOAD_BYTES)),
        )
        .routes(routes!(reactions::react))
        .routes(routes!(templates::send_template))
        .routes(routes!(read_receipts::mark_read))
        .routes(routes!(handover::add_note))
        .routes(routes!(handover::hand_back))
        .routes(routes!(handover::transfer))
        .routes(routes!(conversations::list_conversations))
        .routes(routes!(
            canned_responses::create_canned_response,
            canned_responses::list_canned_responses
        ))
        .routes(routes!(
            canned_responses::get_canned_response,
            canned_responses::replace_canned_response,
            canned_responses::delete_canned_response
        ))
        .routes(routes!(
            campaigns::definition::create_campaign,
            campaigns::definition::list_campaigns
        ))
        .routes(routes!(
            campaigns::definition::get_campaign,
            campaigns::definition::replace_campaign,
            campaigns::definition::delete_campaign
        ))
        .routes(routes!(campaigns::lifecycle::launch_campaign))
        .routes(routes!(campaigns::lifecycle::schedule_campaign))
        .routes(routes!(campaigns::lifecycle::pause_campaign))
        .routes(routes!(campaigns::lifecycle::resume_campaign))
        .routes(routes!(campaigns::lifecycle::cancel_campaign))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(campaigns::audience::upload_audience))
                .layer(DefaultBodyLimit::max(campaigns::MAX_CONTACT_LIST_BYTES)),
        )
        .routes(routes!(campaigns::audience::list_recipients))
        .routes(routes!(campaigns::metrics::campaign_metrics))
        .routes(routes!(billing::account::billing_account))
        .routes(routes!(billing::account::billing_plans))
        .routes(routes!(billing::subscriptions::subscribe))
        .routes(routes!(billing::subscriptions::confirm_subscription))
        .routes(routes!(billing::subscriptions::cancel_subscription))
        .routes(routes!(billing::orders::create_order))
        .routes(routes!(billing::orders::capture_order))
        .routes(routes!(
            shopify::shops::connect_shop,
            shopify::shops::list_shops
        ))
        .routes(routes!(
            shopify::shops::get_shop,
            shopify::shops::update_shop,
            shopify::shops::disconnect_shop
        ))
        .routes(routes!(shopify::shops::sync_shop))
        .routes(routes!(shopify::orders::list_orders))
        .routes(routes!(shopify::orders::get_order))
        .routes(routes!(
            leads::records::create_lead,
            leads::records::list_leads
        ))
        .routes(routes!(
            leads::settings::get_settings,
            leads::settings::put_settings
        ))
        .routes(routes!(leads::records::find_lead_by_phone))
        .routes(routes!(
            leads::records::get_lead,
            leads::records::update_lead,
            leads::records::delete_lead
        ))
        .routes(routes!(leads::stage::set_stage))
        .routes(routes!(leads::stage::set_automation))
        .routes(routes!(
            leads::history::log_interaction,
            leads::history::lead_history
        ))
        .routes(routes!(social_posts::create_post, social_posts::list_posts))
        .routes(routes!(social_posts::get_post))
        .routes(routes!(writing::optimize_post))
        .routes(routes!(writing::enhance_media_prompt))
        .routes(routes!(social_posts::cancel_post))
        .routes(routes!(social_posts::reschedule_post))
        .routes(routes!(
            voice::numbers::connect_number,
            voice::numbers::list_numbers
        ))
        .routes(routes!(
            voice::numbers::get_number,
            voice::numbers::update_number,
            voice::numbers::disconnect_number
        ))
        .routes(routes!(voice::calls::place_call, voice::calls::list_calls))
        .routes(routes!(voice::calls::get_call))
        .routes(routes!(voice::calls::call_recording))
        .routes(routes!(voice::stats::voice_stats))
        .routes(routes!(voice::voices::list_voices))
        .routes(routes!(dashboard::dashboard_metrics))
        .routes(routes!(dashboard::export_report))
        .routes(routes!(dashboard::get_layout, dashboard::put_layout))
        .routes(routes!(
            integrations::create_integration,
            integrations::list_integrations
        ))
        .routes(routes!(
            integrations::get_integration,
            integrations::replace_integration
        ))
        .routes(routes!(
            integration_templates::list_templates,
            integration_templates::submit_template
        ))
        .routes(routes!(
            knowledge_bases::create_knowledge_base,
            knowledge_bases::list_knowledge_bases
        ))
        .routes(routes!(
            knowledge_bases::get_knowledge_base,
            knowledge_bases::replace_knowledge_base,
            knowledge_bases::delete_knowledge_base
        ))
        .routes(routes!(
            knowledge_bases::attach_knowledge_base,
            knowledge_bases::detach_knowledge_base
        ))
        .routes(routes!(
            knowledge_documents::upload_document,
            knowledge_documents::list_documents
        ))
        .routes(routes!(knowledge_documents::add_url))
        .routes(routes!(
            knowledge_documents::get_document,
            knowledge_documents::delete_document
        ))
        .routes(routes!(
            voice_agents::create_voice_agent,
            voice_agents::list_voice_agents
        ))
        .routes(routes!(
            voice_agents::get_voice_agent,
            voice_agents::patch_voice_agent,
            voice_agents::delete_voice_agent
        ))
        .routes(routes!(answers::query_knowledge_base))
        .routes(routes!(answers::answer_question))
        .routes(routes!(routing::route_question))
}

/// Signing up, in and out: anyone may call these (each is charged to the caller's IP).
pub fn sign_in() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth::signup::signup))
        .routes(routes!(auth::signup::verify_signup))
        .routes(routes!(auth::session::login))
        .routes(routes!(auth::session::refresh))
        .routes(routes!(auth::session::logout))
        .routes(routes!(auth::password::request_reset))
        .routes(routes!(auth::password::confirm_reset))
        .routes(routes!(auth::password::accept_invitation))
        .routes(routes!(dev_mailbox::mailbox))
}

/// What anyone may read: probes, metrics, the API document, the widget and its demo page, the
/// agents' console page (which signs in through the API).
pub fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .routes(routes!(openapi::openapi_json))
        .routes(routes!(demo::index))
        .routes(routes!(assets::widget_js))
        .routes(routes!(assets::licenses))
        .routes(routes!(page::console_page))
        .routes(routes!(page::console_asset))
}

/// Platform administration (the cluster, organisations' plans): for the platform's operators,
/// who send the operators' token (no tenant user, whatever their role); not in the access map.
pub fn cluster_admin() -> OpenApiRouter<AppState> {
    use cluster_admin::dead_letters;
    OpenApiRouter::new()
        .routes(routes!(cluster_admin::cluster_status))
        .routes(routes!(cluster_admin::shard_map))
        .routes(routes!(cluster_admin::session_location))
        .routes(routes!(cluster_admin::drain_node))
        .routes(routes!(cluster_admin::move_shard))
        .routes(routes!(cluster_admin::unpin_shard))
        .routes(routes!(dead_letters::list_dead_letters))
        .routes(routes!(dead_letters::replay_dead_letter))
        .routes(routes!(dead_letters::discard_dead_letter))
        .routes(routes!(plan_admin::set_plan))
        .routes(routes!(billing::plans::price_tier))
}

/// Provider webhooks, open to the providers, which sign their calls; and the signed links the
/// providers fetch uploaded files by.
pub fn webhooks() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(meta_webhook::subscribe, meta_webhook::receive))
        .routes(routes!(billing::webhook::receive))
        .routes(routes!(shopify::webhook::receive))
        .routes(routes!(voice::twilio_webhook::voice_request))
        .routes(routes!(voice::twilio_webhook::status_callback))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(voice::post_call_webhook::receive))
                .layer(DefaultBodyLimit::max(
                    voice::post_call_webhook::MAX_BODY_BYTES,
                )),
        )
        .routes(routes!(upload_links::linked_upload))
}

/// Any path no route serves.
pub async fn no_route() -> AppError {
    AppError::new(ErrorCode::NotFound, "no such route")
}

/// A route that exists, called with a method it does not serve.
pub async fn wrong_method() -> AppError {
    AppError::new(
        ErrorCode::MethodNotAllowed,
        "this route does not serve that method",
    )
}
