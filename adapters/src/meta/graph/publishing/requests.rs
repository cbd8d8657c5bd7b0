//! The bodies of publishing calls and Meta's answers to them, and the account they are made for.

use crate::meta::graph::client::GraphClient;
use crate::meta::graph::errors::GraphError;
use crate::meta::graph::token::AccessToken;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Calls on one page's or Instagram account's edges, with its token.
pub(super) struct Call<'a> {
    client: &'a GraphClient,
    token: &'a AccessToken,
    account: &'a str,
}

impl<'a> Call<'a> {
    /// `account` must be a [`node_id`]: it becomes part of request paths.
    pub(super) fn new(client: &'a GraphClient, token: &'a AccessToken, account: &'a str) -> Self {
        Self {
            client,
            token,
            account,
        }
    }

    /// `POST /{account}/{edge}` with `body` as JSON.
    pub(super) async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        edge: &str,
        body: &B,
    ) -> Result<R, GraphError> {
        let path = format!("{}/{edge}", self.account);
        self.client.post_json(&path, self.token, body).await
    }

    /// `GET /{node}?fields={fields}`; `node` must be a [`node_id`].
    pub(super) async fn fields<R: DeserializeOwned>(
        &self,
        node: &str,
        fields: &str,
    ) -> Result<R, GraphError> {
        let path = format!("{node}?fields={fields}");
        self.client.get_json(&path, self.token).await
    }
}

/// `id` when it is a Graph node id (decimal digits), which may go into a path or a list.
pub(super) fn node_id(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_digit())).then_some(id)
}

/// `text` unless it is blank (Meta is sent no empty message or caption).
pub(super) fn non_blank(text: &str) -> Option<&str> {
    (!text.trim().is_empty()).then_some(text)
}

/// A page post: `POST /{page-id}/feed`.
#[derive(Debug, Serialize)]
pub(super) struct FeedPost<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<&'a str>,
    /// Unpublished photos shown together (a carousel).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attached_media: Vec<AttachedMedia<'a>>,
}

#[derive(Debug, Serialize)]
pub(super) struct AttachedMedia<'a> {
    pub media_fbid: &'a str,
}

/// A page photo: `POST /{page-id}/photos`, published at once unless `published` is `false`.
#[derive(Debug, Serialize)]
pub(super) struct PagePhoto<'a> {
    pub url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<bool>,
}

/// A page video fetched from an address: `POST /{page-id}/videos`.
#[derive(Debug, Serialize)]
pub(super) struct PageVideo<'a> {
    pub file_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
}

/// An Instagram media container: `POST /{ig-user-id}/media`.
#[derive(Debug, Default, Serialize)]
pub(super) struct MediaContainer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_carousel_item: Option<bool>,
    /// A carousel's children, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<String>,
}

/// Publishes a finished container: `POST /{ig-user-id}/media_publish`.
#[derive(Debug, Serialize)]
pub(super) struct MediaPublish<'a> {
    pub creation_id: &'a str,
}

/// Meta's answer to a call that made something: its `id`, and a photo's `post_id`.
#[derive(Debug, Deserialize)]
pub(super) struct Created {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    post_id: Option<String>,
}

impl Created {
    /// The id of what was made (a photo, a container), used in later calls.
    pub(super) fn node_id(self, what: &str) -> Result<String, GraphError> {
        match self.id {
            Some(id) if node_id(&id).is_some() => Ok(id),
            other => Err(unreadable(format!(
                "Meta answered without the {what}'s id (got {other:?})"
            ))),
        }
    }

    /// The published post's id: a photo's `post_id` when Meta gave one, else `id`.
    pub(super) fn post_id(self) -> Result<String, GraphError> {
        self.post_id
            .into_iter()
            .chain(self.id)
            .find(|id| !id.trim().is_empty())
            .ok_or_else(|| unreadable("Meta answered without the post's id".into()))
    }
}

/// A container's processing state: `status_code` is `IN_PROGRESS`, `FINISHED`, `ERROR`,
/// `EXPIRED` or `PUBLISHED`; `status` says more when it failed.
#[derive(Debug, Deserialize)]
pub(super) struct ContainerStatus {
    #[serde(default)]
    pub status_code: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

fn unreadable(detail: String) -> GraphError {
    GraphError::UnreadableResponse {
        status: 200,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_decimal_ids_go_into_paths() {
        assert_eq!(node_id("17841400008460056"), Some("17841400008460056"));
        assert_eq!(node_id("1022/../me"), None);
        assert_eq!(node_id(""), None);
        assert_eq!(non_blank("  "), None);
    }

    #[test]
    fn answers_without_ids_are_unreadable() {
        let photo: Created = serde_json::from_str(r#"{"id":"11","post_id":"9_11"}"#).expect("json");
        assert_eq!(photo.post_id().ok().as_deref(), Some("9_11"));
        let empty: Created = serde_json::from_str("{}").expect("json");
        assert_eq!(
            empty.node_id("photo").map_err(|e| e.kind()),
            Err("unreadable_response")
        );
    }
}
