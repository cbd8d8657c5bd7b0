//! Every HTTP test of `botwot-http`, in one binary: the REST API, its errors and OpenAPI
//! document, the operational endpoints, cluster administration, and the widget's Socket.IO
//! namespace.

mod access;
mod api_keys;
mod audit;
mod auth;
mod billing;
mod bots;
mod campaigns;
mod cluster_admin;
mod console;
mod dashboard;
mod data_rights;
mod escalation;
mod handover;
mod insights;
mod integration_templates;
mod integrations;
mod knowledge;
mod leads;
mod meta_webhook;
mod operations;
mod plan_admin;
mod ratings;
mod realtime;
mod sessions;
mod social_posts;
mod socket_isolation;
mod support;
mod typing;
mod upload_links;
mod voice;
mod voice_agents;
mod widget;
mod writing;
