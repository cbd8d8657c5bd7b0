//! A WhatsApp Business Account's message templates, managed through the Graph API: listing them
//! (`GET /{waba-id}/message_templates`, a page at a time with Meta's cursors) and submitting a
//! new one for review (`POST /{waba-id}/message_templates` with its name, category, language and
//! components). Meta is the record of templates and their review status, so a list is always
//! read from it rather than from a copy that could go stale.

use super::client::GraphClient;
use super::errors::GraphError;
use super::token::AccessTokenSource;
use crate::llm::sigv4::uri_encode;
use botwot_engine::Channel;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// Templates per page asked of Meta.
const PAGE_SIZE: usize = 100;

/// A template as Meta describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageTemplate {
    pub id: String,
    pub name: String,
    pub language: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`...
    pub status: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    #[serde(default)]
    pub components: Vec<Value>,
}

/// One page of templates and the cursor of the next, if any.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplatePage {
    pub items: Vec<MessageTemplate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A template submitted for review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewTemplate {
    pub name: String,
    pub category: String,
    pub language: String,
    pub components: Vec<Value>,
}

/// Meta's answer to a submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmittedTemplate {
    pub id: String,
    pub status: String,
    pub category: String,
}

#[derive(Deserialize)]
struct ListAnswer {
    data: Vec<MessageTemplate>,
    #[serde(default)]
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Paging {
    #[serde(default)]
    cursors: Option<Cursors>,
    /// Present only when there is a next page.
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize)]
struct Cursors {
    #[serde(default)]
    after: Option<String>,
}

/// The message templates of the business accounts behind the connected WhatsApp numbers.
pub struct TemplateLibrary {
    client: GraphClient,
    tokens: Arc<dyn AccessTokenSource>,
}

impl TemplateLibrary {
    pub fn new(client: GraphClient, tokens: Arc<dyn AccessTokenSource>) -> Self {
        Self { client, tokens }
    }

    /// A page of the business account's templates, with the token of the number
    /// `phone_number_id`; `after` is the previous page's `next_cursor`.
    pub async fn list(
        &self,
        phone_number_id: &str,
        business_account_id: &str,
        after: Option<&str>,
    ) -> Result<TemplatePage, GraphError> {
        let token = self
            .tokens
            .access_token(Channel::WhatsApp, phone_number_id)
            .await?;
        let mut path = format!(
            "{}/message_templates?limit={PAGE_SIZE}",
            numeric(business_account_id)?
        );
        if let Some(after) = after {
            path.push_str("&after=");
            path.push_str(&uri_encode(after));
        }
        let answer: ListAnswer = self.client.get_json(&path, &token).await?;
        let paging = answer.paging.unwrap_or(Paging {
            cursors: None,
            next: None,
        });
        let next_cursor = paging
            .next
            .and(paging.cursors)
            .and_then(|cursors| cursors.after);
        Ok(TemplatePage {
            items: answer.data,
            next_cursor,
        })
    }

    /// Submits `template` for Meta's review.
    pub async fn submit(
        &self,
        phone_number_id: &str,
        business_account_id: &str,
        template: &NewTemplate,
    ) -> Result<SubmittedTemplate, GraphError> {
        let token = self
            .tokens
            .access_token(Channel::WhatsApp, phone_number_id)
            .await?;
        let path = format!("{}/message_templates", numeric(business_account_id)?);
        self.client.post_json(&path, &token, template).await
    }
}

/// Graph node ids are decimal; anything else could change the request path.
fn numeric(id: &str) -> Result<&str, GraphError> {
    if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_digit()) {
        Ok(id)
    } else {
        Err(GraphError::Unsendable(format!(
            "business account id {id:?} is not numeric"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_escaped_and_ids_checked() {
        assert_eq!(uri_encode("QVFIU=/+ x"), "QVFIU%3D%2F%2B%20x");
        assert!(numeric("102290129340398").is_ok());
        assert!(numeric("1022/../me").is_err());
        assert!(numeric("").is_err());
    }
}
