//! `POST /v1/sessions/{sessionId}/templates`: the owning agent sends an approved WhatsApp message
//! template, the one message Meta accepts once the 24-hour customer service window has closed
//! (a free-form reply is refused then with `messaging_window_closed`). The template is named as
//! approved in the WhatsApp Manager, in one of its languages, with the texts for its body's
//! `{{1}}`, `{{2}}`, ..., what fills its header (a text, or media by address) and its buttons
//! (quick reply payloads, URL suffixes); Meta checks the rest when it receives it.

use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::JsonBody;
use crate::routes::handover::{PostedMessage, posted};
use crate::routes::reply_body::is_public_https_address;
use crate::routes::sessions::{SessionPath, TenantSession};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_adapters::meta::graph::template::{is_language_code, is_template_name};
use botwot_engine::template_parts::{TemplateButton, TemplateHeader};
use botwot_engine::validation::ValidationErrors;
use botwot_engine::{Channel, MessageBody, SessionEvent};
use serde::Deserialize;
use utoipa::ToSchema;

/// The most parameters one template body takes here.
const MAX_PARAMETERS: usize = 20;
/// Meta's limit on one body parameter.
const MAX_PARAMETER_CHARS: usize = 1_024;

/// An approved template to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendTemplate {
    /// The template's name: lowercase letters, digits and underscores (`order_update`).
    pub name: String,
    /// One of its languages: `en`, `en_US`, `pt_BR`...
    pub language: String,
    /// The texts of the body's `{{1}}`, `{{2}}`, ..., in order.
    #[serde(default)]
    pub body_parameters: Vec<String>,
    /// What fills the header: `{"type": "text", "text"}`, or `{"type": "image" | "video" |
    /// "document", "url"}` with a public https address.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub header: Option<TemplateHeader>,
    /// What fills its buttons: `[{"type": "quickReply" | "url", "index", "value"}]`, a quick
    /// reply's payload or a URL button's suffix.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub buttons: Vec<TemplateButton>,
    /// The console's own id for the message, echoed back in the stored message.
    #[serde(default)]
    pub client_message_id: Option<String>,
}

impl SendTemplate {
    fn validate(&self, channel: Channel) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if channel != Channel::WhatsApp {
            errors.add("name", "templates are sent on WhatsApp conversations only");
        }
        if !is_template_name(&self.name) {
            errors.add(
                "name",
                "must be the template's name: lowercase letters, digits and _",
            );
        }
        if !is_language_code(&self.language) {
            errors.add("language", "must be a language code such as en or en_US");
        }
        let blank_or_long = self.body_parameters.iter().any(|parameter| {
            parameter.trim().is_empty() || parameter.chars().count() > MAX_PARAMETER_CHARS
        });
        if self.body_parameters.len() > MAX_PARAMETERS || blank_or_long {
            errors.add(
                "bodyParameters",
                format!("at most {MAX_PARAMETERS} texts of 1 to {MAX_PARAMETER_CHARS} characters"),
            );
        }
        check_header(self.header.as_ref(), &mut errors);
        check_buttons(&self.buttons, &mut errors);
        errors.into_result(())
    }
}

/// Meta's limit on a header's text parameter.
const MAX_HEADER_CHARS: usize = 60;
/// The most buttons a template has.
const MAX_BUTTONS: usize = 10;
/// The longest button parameter taken here.
const MAX_BUTTON_VALUE_CHARS: usize = 256;

fn check_header(header: Option<&TemplateHeader>, errors: &mut ValidationErrors) {
    let refused = |text: &str| text.trim().is_empty() || text.chars().count() > MAX_HEADER_CHARS;
    match header {
        Some(TemplateHeader::Text { text }) if refused(text) => errors.add(
            "header.text",
            format!("must be 1 to {MAX_HEADER_CHARS} characters"),
        ),
        Some(
            TemplateHeader::Image { url }
            | TemplateHeader::Video { url }
            | TemplateHeader::Document { url },
        ) if !is_public_https_address(url) => {
            errors.add("header.url", "must be a public https address")
        }
        _ => {}
    }
}

fn check_buttons(buttons: &[TemplateButton], errors: &mut ValidationErrors) {
    let mut indexes: Vec<u8> = buttons.iter().map(|button| button.index).collect();
    indexes.sort_unstable();
    indexes.dedup();
    let bad_value = buttons.iter().any(|button| {
        button.value.trim().is_empty() || button.value.chars().count() > MAX_BUTTON_VALUE_CHARS
    });
    let bad_index = indexes.len() != buttons.len()
        || buttons
            .iter()
            .any(|button| usize::from(button.index) >= MAX_BUTTONS);
    if buttons.len() > MAX_BUTTONS || bad_index || bad_value {
        errors.add(
            "buttons",
            format!(
                "at most {MAX_BUTTONS} buttons, each at its own index 0 to 9, with a value of 1 to \
                 {MAX_BUTTON_VALUE_CHARS} characters"
            ),
        );
    }
}

/// The owning agent sends an approved WhatsApp template to the contact.
#[utoipa::path(
    post, path = "/v1/sessions/{sessionId}/templates", tag = "handover", params(SessionPath),
    request_body = SendTemplate,
    responses(
        (status = 201, description = "the template message, stored and on its way", body = PostedMessage),
        (status = 409, description = "`not_assigned`: the caller does not own the conversation"),
        (status = 422, description = "not a WhatsApp conversation, or the template is malformed", body = crate::errors::ErrorBody),
    ),
)]
pub async fn send_template(
    State(state): State<AppState>,
    principal: Principal,
    TenantSession(session): TenantSession,
    JsonBody(template): JsonBody<SendTemplate>,
) -> Result<(StatusCode, Json<PostedMessage>), AppError> {
    template.validate(session.key.channel)?;
    let event = SessionEvent::AgentReplied {
        agent_id: principal.user.id.to_string(),
        body: MessageBody::Template {
            name: template.name,
            language: template.language,
            body_parameters: template.body_parameters,
            header: template.header,
            buttons: template.buttons,
        },
        client_message_id: template.client_message_id,
    };
    posted(&state, session, event).await
}
