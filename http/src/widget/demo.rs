//! The page at `/`: the widget running on a demo bot, and the snippet to put it on a site.

use crate::errors::AppError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_SECURITY_POLICY;
use axum::http::header::HOST;
use axum::response::{Html, IntoResponse};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use botwot_engine::bot::BotSettings;
use botwot_engine::ports::StoreError;
use botwot_engine::{BotId, BotProfile, TenantId};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// The demo bot's id in the default tenant.
pub const DEMO_BOT_ID: &str = "bot_demo";

const PAGE: &str = include_str!("../../assets/index.html");

/// Creates the demo bot in the default tenant unless it exists (or was deleted on purpose).
pub async fn ensure_demo_bot(state: &AppState) -> Result<(), StoreError> {
    let tenant = TenantId::from(state.config.default_tenant.as_str());
    let id = BotId::from(DEMO_BOT_ID);
    if state.store.get_bot(&tenant, &id).await?.is_some() {
        return Ok(());
    }
    let mut bot = BotProfile::create(tenant, demo_settings(), state.now());
    bot.id = id;
    state.store.insert_bot(&bot).await?;
    tracing::info!(bot_id = %bot.id, "demo bot created");
    Ok(())
}

/// What the demo bot says. It has no knowledge base, so it only greets and falls back, and
/// says so.
fn demo_settings() -> BotSettings {
    let mut settings = BotSettings::named("BotWot demo");
    settings.bot_greeting_message = "Hi! I'm the BotWot demo bot. I have no knowledge base yet, \
        so I can greet you and keep our conversation, but not answer questions."
        .to_owned();
    settings.fallback_message = "I can't answer that yet: this demo bot has no knowledge base. \
        Give a bot one and it will answer from it."
        .to_owned();
    settings
}

/// The widget demo page.
#[utoipa::path(get, path = "/", tag = "web",
    responses((status = 200, description = "the demo page", content_type = "text/html", body = String)))]
pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, AppError> {
    let tenant = TenantId::from(state.config.default_tenant.as_str());
    let demo = state
        .store
        .get_bot(&tenant, &BotId::from(DEMO_BOT_ID))
        .await?
        .filter(BotProfile::is_live);
    let base = public_base(&state, &headers);
    let policy = [(CONTENT_SECURITY_POLICY, content_security_policy())];
    Ok((policy, Html(render_page(demo.as_ref(), &base))))
}

/// The page's Content-Security-Policy: scripts only from this server plus the page's one inline
/// script, pinned by its hash; connections only back to this server.
fn content_security_policy() -> String {
    static POLICY: LazyLock<String> = LazyLock::new(|| {
        format!(
            "default-src 'none'; script-src 'self' '{}'; style-src 'self' 'unsafe-inline'; \
             connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
             frame-ancestors 'none'",
            inline_script_hash(PAGE)
        )
    });
    POLICY.clone()
}

/// `sha256-<base64>` of the page's inline script, as CSP spells a hash source.
fn inline_script_hash(page: &str) -> String {
    let script = page
        .split_once("<script>")
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .map_or("", |(script, _)| script);
    format!(
        "sha256-{}",
        STANDARD.encode(Sha256::digest(script.as_bytes()))
    )
}

fn render_page(demo: Option<&BotProfile>, base: &str) -> String {
    let key = demo.map_or("wk_YOUR_WIDGET_KEY", |bot| bot.widget_key.as_str());
    let snippet =
        format!(r#"<script src="{base}/widget.js" data-widget-key="{key}" async></script>"#);
    let (intro, embed) = match demo {
        Some(bot) => (
            format!(
                "<p class=\"lead\">The chat in the corner of this page is the widget, talking to the \
                 demo bot <strong>{}</strong> on this server.</p>\n<p class=\"note\">The demo bot has no \
                 knowledge base yet: it greets you, and answers every question with its fallback \
                 message. Your conversation is kept: reload the page and it continues where you left \
                 it.</p>",
                escape(&bot.settings.bot_name)
            ),
            format!(
                r#"<script src="/widget.js" data-widget-key="{}" data-open="true" async></script>"#,
                escape(key)
            ),
        ),
        None => (
            "<p class=\"lead\">The demo bot is switched off on this server, so no widget runs \
             here.</p>"
                .to_owned(),
            String::new(),
        ),
    };
    PAGE.replace("{{intro}}", &intro)
        .replace("{{snippet}}", &escape(&snippet))
        .replace("{{embed}}", &embed)
}

/// Where visitors reach this server: the configured public URL, else the request's host.
fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|p| p.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::Timestamp;

    #[test]
    fn the_page_embeds_the_demo_bot_and_shows_an_escaped_snippet() {
        let bot = BotProfile::create(TenantId::from("default"), demo_settings(), Timestamp(0));
        let page = render_page(Some(&bot), "http://chat.test");
        let key = bot.widget_key.as_str();
        assert!(page.contains(&format!(
            r#"<script src="/widget.js" data-widget-key="{key}""#
        )));
        assert!(page.contains(&format!(
            "&lt;script src=&quot;http://chat.test/widget.js&quot; data-widget-key=&quot;{key}&quot;"
        )));
        assert!(!page.contains("{{"));
        assert!(
            !page.contains("https://cdn") && !page.contains("src=\"http"),
            "loads only from itself"
        );
    }

    #[test]
    fn without_a_demo_bot_no_widget_runs() {
        let page = render_page(None, "http://chat.test");
        assert!(!page.contains(r#"<script src="/widget.js""#));
        assert!(page.contains("wk_YOUR_WIDGET_KEY"));
    }

    #[test]
    fn the_demo_bot_is_valid_and_honest() {
        let settings = demo_settings();
        assert!(settings.validate().is_ok());
        assert!(settings.fallback_message.contains("no knowledge base"));
    }
}
