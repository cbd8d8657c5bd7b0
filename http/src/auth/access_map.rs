//! Which module of the PRD's map (§3.11.2) each `/v1` route belongs to, in one table, and the
//! middleware that enforces it. A signed-in route missing from the table is refused for everyone
//! (and logged), so a new route is closed until it is classified; the role suite walks the
//! OpenAPI document and checks every operation against this table.

use super::principal::{Principal, forbidden};
use crate::errors::{AppError, ErrorCode};
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use botwot_engine::access::{Module, Permissions};

/// What a route requires of a signed-in caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Any signed-in user (their own profile, say).
    SignedIn,
    Module(Module),
    /// Any one of these modules.
    AnyOf(&'static [Module]),
}

impl Access {
    pub fn allows(self, permissions: &Permissions) -> bool {
        match self {
            Access::SignedIn => true,
            Access::Module(module) => permissions.allows(module),
            Access::AnyOf(modules) => modules.iter().any(|module| permissions.allows(*module)),
        }
    }

    /// The module named in a refusal.
    fn first_module(self) -> Option<Module> {
        match self {
            Access::SignedIn => None,
            Access::Module(module) => Some(module),
            Access::AnyOf(modules) => modules.first().copied(),
        }
    }
}

/// Social Media 8.1, Facebook.
const FACEBOOK: Module = Module {
    major: 8,
    minor: Some(1),
};
/// Social Media 8.2, Instagram.
const INSTAGRAM: Module = Module {
    major: 8,
    minor: Some(2),
};

/// Channel integrations: WhatsApp, or Social Media and its Facebook and Instagram sub-modules.
pub const CHANNEL_MODULES: &[Module] =
    &[Module::WHATSAPP, Module::SOCIAL_MEDIA, FACEBOOK, INSTAGRAM];

const BOTS: Access = Access::Module(Module::BOT_CONFIGURATION);
const CONVERSATIONS: Access = Access::Module(Module::CONVERSATIONS);
const USERS: Access = Access::Module(Module::USER_MANAGEMENT);
const CHANNELS: Access = Access::AnyOf(CHANNEL_MODULES);
const SETTINGS: Access = Access::Module(Module::SYSTEM_SETTINGS);
const LIVE_CHAT: Access = Access::Module(Module::LIVE_CHAT);
const CAMPAIGNS: Access = Access::Module(Module::CAMPAIGNS);
const PAYMENTS: Access = Access::Module(Module::PAYMENTS);
/// Posts on pages and accounts: Social Media, or its Facebook or Instagram sub-module.
const SOCIAL_POSTS: Access = Access::AnyOf(&[Module::SOCIAL_MEDIA, FACEBOOK, INSTAGRAM]);
/// Analytics 5.1 (Dashboard) and 5.4 (Export); Analytics itself covers both.
const DASHBOARD: Access = Access::Module(Module {
    major: 5,
    minor: Some(1),
});
const EXPORT: Access = Access::Module(Module {
    major: 5,
    minor: Some(4),
});

/// Bot configuration 2.1: knowledge bases.
const KNOWLEDGE: Access = Access::Module(Module {
    major: 2,
    minor: Some(1),
});

/// Media Generation (module 13).
const MEDIA_GENERATION: Access = Access::Module(Module::MEDIA_GENERATION);
/// CRM Integrations (module 12): shops and their orders.
const CRM: Access = Access::Module(Module::CRM);

/// Reading one conversation: Conversations, or Live Chat (an agent answering needs the transcript).
const READ_CONVERSATION: Access = Access::AnyOf(&[Module::CONVERSATIONS, Module::LIVE_CHAT]);

/// Method, route as written in the router, what it requires.
pub const ACCESS_MAP: &[(&str, &str, Access)] = &[
    ("GET", "/v1/me", Access::SignedIn),
    ("GET", "/v1/billing", PAYMENTS),
    ("GET", "/v1/billing/plans", PAYMENTS),
    ("POST", "/v1/billing/subscriptions", PAYMENTS),
    (
        "POST",
        "/v1/billing/subscriptions/{subscriptionId}/confirm",
        PAYMENTS,
    ),
    (
        "POST",
        "/v1/billing/subscriptions/{subscriptionId}/cancel",
        PAYMENTS,
    ),
    ("POST", "/v1/billing/orders", PAYMENTS),
    ("GET", "/v1/voice/numbers", BOTS),
    ("POST", "/v1/voice/numbers", BOTS),
    ("GET", "/v1/voice/numbers/{numberId}", BOTS),
    ("PATCH", "/v1/voice/numbers/{numberId}", BOTS),
    ("DELETE", "/v1/voice/numbers/{numberId}", BOTS),
    ("GET", "/v1/voice/calls", CONVERSATIONS),
    ("POST", "/v1/voice/calls", CONVERSATIONS),
    ("GET", "/v1/voice/calls/{callId}", CONVERSATIONS),
    ("GET", "/v1/voice/calls/{callId}/recording", CONVERSATIONS),
    ("GET", "/v1/voice/stats", DASHBOARD),
    ("GET", "/v1/shopify/shops", CRM),
    ("POST", "/v1/shopify/shops", CRM),
    ("GET", "/v1/shopify/shops/{shopDomain}", CRM),
    ("PATCH", "/v1/shopify/shops/{shopDomain}", CRM),
    ("DELETE", "/v1/shopify/shops/{shopDomain}", CRM),
    ("POST", "/v1/shopify/shops/{shopDomain}/sync", CRM),
    ("GET", "/v1/shopify/orders", CRM),
    (
        "GET",
        "/v1/shopify/shops/{shopDomain}/orders/{orderId}",
        CRM,
    ),
    ("GET", "/v1/leads", CRM),
    ("POST", "/v1/leads", CRM),
    ("GET", "/v1/leads/settings", CRM),
    ("PUT", "/v1/leads/settings", CRM),
    ("GET", "/v1/leads/by-phone/{phoneNumber}", CRM),
    ("GET", "/v1/leads/{leadId}", CRM),
    ("PATCH", "/v1/leads/{leadId}", CRM),
    ("DELETE", "/v1/leads/{leadId}", CRM),
    ("PUT", "/v1/leads/{leadId}/status", CRM),
    ("PUT", "/v1/leads/{leadId}/automation", CRM),
    ("POST", "/v1/leads/{leadId}/interactions", CRM),
    ("GET", "/v1/leads/{leadId}/history", CRM),
    ("GET", "/v1/social/posts", SOCIAL_POSTS),
    ("POST", "/v1/social/posts", SOCIAL_POSTS),
    ("GET", "/v1/social/posts/{postId}", SOCIAL_POSTS),
    ("POST", "/v1/social/posts/optimize", SOCIAL_POSTS),
    ("POST", "/v1/media/prompts/enhance", MEDIA_GENERATION),
    ("POST", "/v1/social/posts/{postId}/cancel", SOCIAL_POSTS),
    ("PUT", "/v1/social/posts/{postId}/schedule", SOCIAL_POSTS),
    ("POST", "/v1/billing/orders/{orderId}/capture", PAYMENTS),
    ("GET", "/v1/knowledge-bases", KNOWLEDGE),
    ("POST", "/v1/knowledge-bases", KNOWLEDGE),
    ("GET", "/v1/knowledge-bases/{knowledgeBaseId}", KNOWLEDGE),
    ("PUT", "/v1/knowledge-bases/{knowledgeBaseId}", KNOWLEDGE),
    ("DELETE", "/v1/knowledge-bases/{knowledgeBaseId}", KNOWLEDGE),
    (
        "GET",
        "/v1/knowledge-bases/{knowledgeBaseId}/documents",
        KNOWLEDGE,
    ),
    (
        "POST",
        "/v1/knowledge-bases/{knowledgeBaseId}/documents",
        KNOWLEDGE,
    ),
    (
        "POST",
        "/v1/knowledge-bases/{knowledgeBaseId}/urls",
        KNOWLEDGE,
    ),
    (
        "GET",
        "/v1/knowledge-bases/{knowledgeBaseId}/documents/{documentId}",
        KNOWLEDGE,
    ),
    (
        "DELETE",
        "/v1/knowledge-bases/{knowledgeBaseId}/documents/{documentId}",
        KNOWLEDGE,
    ),
    (
        "POST",
        "/v1/knowledge-bases/{knowledgeBaseId}/query",
        KNOWLEDGE,
    ),
    (
        "PUT",
        "/v1/bots/{botId}/knowledge-bases/{knowledgeBaseId}",
        KNOWLEDGE,
    ),
    (
        "DELETE",
        "/v1/bots/{botId}/knowledge-bases/{knowledgeBaseId}",
        KNOWLEDGE,
    ),
    ("POST", "/v1/bots/{botId}/answer", BOTS),
    ("POST", "/v1/answer", BOTS),
    ("GET", "/v1/bots", BOTS),
    ("POST", "/v1/bots", BOTS),
    ("GET", "/v1/bots/{botId}", BOTS),
    ("PUT", "/v1/bots/{botId}", BOTS),
    ("PATCH", "/v1/bots/{botId}", BOTS),
    ("DELETE", "/v1/bots/{botId}", BOTS),
    ("GET", "/v1/voice-agents", BOTS),
    ("GET", "/v1/voice-agents/voices", BOTS),
    ("POST", "/v1/voice-agents", BOTS),
    ("GET", "/v1/voice-agents/{voiceAgentId}", BOTS),
    ("PATCH", "/v1/voice-agents/{voiceAgentId}", BOTS),
    ("DELETE", "/v1/voice-agents/{voiceAgentId}", BOTS),
    ("GET", "/v1/sessions", CONVERSATIONS),
    ("GET", "/v1/sessions/{sessionId}", READ_CONVERSATION),
    (
        "GET",
        "/v1/sessions/{sessionId}/transcript",
        READ_CONVERSATION,
    ),
    (
        "GET",
        "/v1/sessions/{sessionId}/messages/{messageId}/media",
        READ_CONVERSATION,
    ),
    (
        "GET",
        "/v1/sessions/{sessionId}/insights",
        READ_CONVERSATION,
    ),
    (
        "POST",
        "/v1/sessions/{sessionId}/insights/{kind}",
        READ_CONVERSATION,
    ),
    ("POST", "/v1/insights/{kind}", CONVERSATIONS),
    ("POST", "/v1/sessions/{sessionId}/close", CONVERSATIONS),
    ("POST", "/v1/sessions/{sessionId}/rating", CONVERSATIONS),
    ("POST", "/v1/sessions/{sessionId}/takeover", LIVE_CHAT),
    ("POST", "/v1/sessions/{sessionId}/messages", LIVE_CHAT),
    ("POST", "/v1/media", LIVE_CHAT),
    (
        "POST",
        "/v1/sessions/{sessionId}/messages/{messageId}/reaction",
        LIVE_CHAT,
    ),
    ("POST", "/v1/sessions/{sessionId}/templates", LIVE_CHAT),
    ("POST", "/v1/sessions/{sessionId}/read", LIVE_CHAT),
    ("POST", "/v1/sessions/{sessionId}/notes", LIVE_CHAT),
    ("POST", "/v1/sessions/{sessionId}/handback", LIVE_CHAT),
    ("POST", "/v1/sessions/{sessionId}/transfer", LIVE_CHAT),
    ("GET", "/v1/conversations", LIVE_CHAT),
    ("GET", "/v1/canned-responses", LIVE_CHAT),
    ("POST", "/v1/canned-responses", LIVE_CHAT),
    ("GET", "/v1/canned-responses/{cannedResponseId}", LIVE_CHAT),
    ("PUT", "/v1/canned-responses/{cannedResponseId}", LIVE_CHAT),
    (
        "DELETE",
        "/v1/canned-responses/{cannedResponseId}",
        LIVE_CHAT,
    ),
    ("GET", "/v1/campaigns", CAMPAIGNS),
    ("POST", "/v1/campaigns", CAMPAIGNS),
    ("GET", "/v1/campaigns/{campaignId}", CAMPAIGNS),
    ("PUT", "/v1/campaigns/{campaignId}", CAMPAIGNS),
    ("DELETE", "/v1/campaigns/{campaignId}", CAMPAIGNS),
    ("POST", "/v1/campaigns/{campaignId}/launch", CAMPAIGNS),
    ("POST", "/v1/campaigns/{campaignId}/schedule", CAMPAIGNS),
    ("POST", "/v1/campaigns/{campaignId}/pause", CAMPAIGNS),
    ("POST", "/v1/campaigns/{campaignId}/resume", CAMPAIGNS),
    ("POST", "/v1/campaigns/{campaignId}/cancel", CAMPAIGNS),
    ("POST", "/v1/campaigns/{campaignId}/audience", CAMPAIGNS),
    ("GET", "/v1/campaigns/{campaignId}/recipients", CAMPAIGNS),
    ("GET", "/v1/campaigns/{campaignId}/metrics", CAMPAIGNS),
    ("GET", "/v1/dashboard/metrics", DASHBOARD),
    ("GET", "/v1/dashboard/export", EXPORT),
    ("GET", "/v1/dashboard/layout", DASHBOARD),
    ("PUT", "/v1/dashboard/layout", DASHBOARD),
    ("GET", "/v1/integrations", CHANNELS),
    ("POST", "/v1/integrations", CHANNELS),
    ("GET", "/v1/integrations/{integrationId}", CHANNELS),
    ("PUT", "/v1/integrations/{integrationId}", CHANNELS),
    (
        "GET",
        "/v1/integrations/{integrationId}/templates",
        CHANNELS,
    ),
    (
        "POST",
        "/v1/integrations/{integrationId}/templates",
        CHANNELS,
    ),
    ("GET", "/v1/users", USERS),
    ("POST", "/v1/users", USERS),
    ("GET", "/v1/users/{userId}", USERS),
    ("PATCH", "/v1/users/{userId}", USERS),
    ("DELETE", "/v1/users/{userId}", USERS),
    ("GET", "/v1/api-keys", SETTINGS),
    ("POST", "/v1/api-keys", SETTINGS),
    ("DELETE", "/v1/api-keys/{keyId}", SETTINGS),
    ("GET", "/v1/data/contact-export", SETTINGS),
    ("DELETE", "/v1/data/contact", SETTINGS),
    ("GET", "/v1/data/organisation-export", SETTINGS),
    ("DELETE", "/v1/data/organisation", SETTINGS),
    ("GET", "/v1/audit", SETTINGS),
    ("GET", "/v1/audit/export", SETTINGS),
];

/// What `method` on the route `path` requires, if the table knows it.
pub fn access_of(method: &Method, path: &str) -> Option<Access> {
    ACCESS_MAP
        .iter()
        .find(|(m, p, _)| *m == method.as_str() && *p == path)
        .map(|(_, _, access)| *access)
}

/// Middleware (after [`super::authenticate`]): lets the caller through when the table allows it.
pub async fn authorize(
    principal: Principal,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let path = matched.as_ref().map_or("", MatchedPath::as_str);
    let Some(access) = access_of(request.method(), path) else {
        tracing::error!(method = %request.method(), path, "route has no entry in the access map; refused");
        return Err(AppError::new(
            ErrorCode::Forbidden,
            "this route has no access rule yet; nobody may call it",
        ));
    };
    if access.allows(&principal.user.permissions) {
        return Ok(next.run(request).await);
    }
    Err(access.first_module().map_or_else(
        || AppError::new(ErrorCode::Forbidden, "not allowed"),
        forbidden,
    ))
}
