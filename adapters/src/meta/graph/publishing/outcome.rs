//! Why an attempt did not publish, and what the engine makes of it: try again later, or give up.

use super::kind_of_account;
use crate::meta::graph::errors::GraphError;
use crate::meta::graph::token::TokenError;
use botwot_engine::social::{AttemptOutcome, PostNetwork};

/// Instagram's "the media is not ready for publishing" (subcode 2207027): a container
/// published before Meta finished it, which a later attempt can publish.
const MEDIA_NOT_READY: i64 = 9007;

/// What stopped an attempt.
#[derive(Debug)]
pub(super) enum Failure {
    /// A Graph call failed, or no token could be had for the account.
    Graph(GraphError),
    /// Meta could not make a container into media (`ERROR`), or it went stale (`EXPIRED`).
    ContainerFailed {
        container: String,
        status_code: String,
        detail: Option<String>,
    },
    /// Containers still processing after the last poll.
    StillProcessing {
        what: &'static str,
        containers: String,
        polls: u32,
    },
    /// The post cannot be put on its network as it stands.
    Unpublishable(String),
}

impl From<GraphError> for Failure {
    fn from(error: GraphError) -> Self {
        Failure::Graph(error)
    }
}

impl Failure {
    pub(super) fn into_outcome(self, network: PostNetwork) -> AttemptOutcome {
        match self {
            Failure::Graph(GraphError::Token(TokenError::NotConfigured { .. })) => {
                AttemptOutcome::Refused {
                    reason: format!(
                        "no access token for this {}: connect it again",
                        kind_of_account(network)
                    ),
                }
            }
            Failure::Graph(error)
                if network == PostNetwork::Instagram && error.code() == Some(MEDIA_NOT_READY) =>
            {
                AttemptOutcome::Retry {
                    reason: format!("Instagram has not finished preparing the media: {error}"),
                }
            }
            Failure::Graph(error) if error.is_retriable() => AttemptOutcome::Retry {
                reason: error.to_string(),
            },
            Failure::Graph(error) => AttemptOutcome::Refused {
                reason: error.to_string(),
            },
            Failure::ContainerFailed {
                container,
                status_code,
                detail,
            } => AttemptOutcome::Refused {
                reason: format!(
                    "Instagram could not process the media (container {container} is \
                     {status_code}){}",
                    detail
                        .map(|detail| format!(": {detail}"))
                        .unwrap_or_default()
                ),
            },
            Failure::StillProcessing {
                what,
                containers,
                polls,
            } => AttemptOutcome::Retry {
                reason: format!(
                    "the {what} is still being processed (container {containers} not finished \
                     after {polls} checks)"
                ),
            },
            Failure::Unpublishable(reason) => AttemptOutcome::Refused { reason },
        }
    }
}
