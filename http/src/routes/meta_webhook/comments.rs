//! Comments on the posts of an Instagram account or a Facebook page, answered by the
//! integration's engagement mode
//! ([`CommentReplies`]). Each comment is a conversation of its own, whose contact is
//! `comment:<comment id>` so replies are posted under it: `ai` lets the bot answer, `manual`
//! puts it in the agents' queue, `custom` posts the configured message once (the session's
//! one-time greeting carries it) and leaves the comment to the agents. The account's own
//! comments (its replies come back as `comments` webhooks too) are never answered, and a
//! redelivered comment is stored and answered once (its comment id is its provider id).

use super::accept;
use crate::errors::AppError;
use crate::state::AppState;
use botwot_adapters::meta::post_comment::PostComment;
use botwot_engine::integration::{CommentReplies, comment_contact};
use botwot_engine::session::{SessionEvent, SessionKey};
use tracing::{debug, info, warn};

pub(super) async fn engage(state: &AppState, comment: PostComment) -> Result<(), AppError> {
    if comment.is_own() {
        debug!(comment_id = %comment.comment_id, "the account's own comment; not answered");
        return Ok(());
    }
    let Some(body) = comment.body() else {
        debug!(comment_id = %comment.comment_id, "comment without text; not answered");
        return Ok(());
    };
    let (channel, account) = (comment.channel, &comment.account_id);
    let Some(integration) = state.store.find_integration(channel, account).await? else {
        warn!(
            account,
            "comment for an account no integration connects; ignored"
        );
        ::metrics::counter!("botwot_meta_events_unrouted_total").increment(1);
        return Ok(());
    };
    let settings = &integration.settings;
    let author = comment.from.as_ref().map(|from| from.id.as_str());
    if author.is_some_and(|author| !settings.accepts_contact(author)) {
        info!(
            account,
            "comment from a blocked or unlisted contact; ignored"
        );
        ::metrics::counter!("botwot_meta_events_filtered_total").increment(1);
        return Ok(());
    }
    let contact = comment_contact(&comment.comment_id);
    let key = SessionKey::new(integration.tenant_id.clone(), channel, account, &contact);
    let bot_id = &settings.bot_id;
    let mode = match &settings.comment_replies {
        CommentReplies::Ai if !settings.ai_enabled => &CommentReplies::Manual,
        mode => mode,
    };
    if !matches!(mode, CommentReplies::Ai) {
        let waiting = SessionEvent::AgentRequested { announce: false };
        if !accept(state, &key, bot_id, waiting).await? {
            return Ok(());
        }
    }
    let inbound = SessionEvent::Inbound {
        provider_message_id: Some(comment.comment_id.clone()),
        body,
    };
    if !accept(state, &key, bot_id, inbound).await? {
        return Ok(());
    }
    if let CommentReplies::Custom { message } = mode {
        let reply = SessionEvent::ContactJoined {
            greeting: Some(message.clone()),
        };
        accept(state, &key, bot_id, reply).await?;
    }
    ::metrics::counter!("botwot_post_comments_total", "channel" => channel.as_str()).increment(1);
    Ok(())
}
