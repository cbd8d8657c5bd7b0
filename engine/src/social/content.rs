//! What a post says and shows, checked against its network's rules before it is stored.

use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};

/// Items of a carousel, at least two and at most this many (both networks' limit).
pub const MAX_CAROUSEL_ITEMS: usize = 10;
/// Longest Instagram caption.
const MAX_INSTAGRAM_CAPTION: usize = 2_200;
/// Longest Facebook post text.
const MAX_FACEBOOK_TEXT: usize = 63_206;
/// Longest media address kept.
const MAX_URL: usize = 2_048;

/// Where a post goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostNetwork {
    /// A Facebook page (the integration of a Messenger page).
    Facebook,
    /// An Instagram professional account.
    Instagram,
}

impl PostNetwork {
    /// The longest text a post on the network carries (an Instagram caption, a Facebook post).
    pub fn max_text_chars(self) -> usize {
        match self {
            PostNetwork::Facebook => MAX_FACEBOOK_TEXT,
            PostNetwork::Instagram => MAX_INSTAGRAM_CAPTION,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PostNetwork::Facebook => "facebook",
            PostNetwork::Instagram => "instagram",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Video,
}

/// One image or video, fetched by the network from its public `https` address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostMedia {
    pub kind: MediaKind,
    pub url: String,
}

/// A post's text (Facebook's message, Instagram's caption), link and media.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostContent {
    #[serde(default)]
    pub text: String,
    /// A link shared with the text (Facebook only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// None (Facebook text or link), one image or video, or a carousel of 2 to 10.
    #[serde(default)]
    pub media: Vec<PostMedia>,
}

impl PostContent {
    /// Checks the content against `network`'s rules: Instagram needs media and has no links;
    /// a Facebook carousel is of images; text within the network's length; media and links
    /// on `https`.
    pub fn validate(self, network: PostNetwork) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let text_limit = network.max_text_chars();
        if self.text.chars().count() > text_limit {
            errors.add(
                "text",
                format!(
                    "must be at most {text_limit} characters on {}",
                    network.as_str()
                ),
            );
        }
        if let Some(link) = &self.link {
            if network == PostNetwork::Instagram {
                errors.add(
                    "link",
                    "Instagram posts cannot carry a link; put it in the text",
                );
            } else if !is_https(link) {
                errors.add("link", "must be an https address");
            }
            if !self.media.is_empty() {
                errors.add("link", "a post shares a link or shows media, not both");
            }
        }
        for (index, media) in self.media.iter().enumerate() {
            if !is_https(&media.url) {
                errors.add(
                    &format!("media[{index}].url"),
                    "must be an https address the network can fetch",
                );
            }
        }
        match self.media.len() {
            0 if network == PostNetwork::Instagram => {
                errors.add(
                    "media",
                    "an Instagram post needs an image, a video or a carousel",
                );
            }
            0 if self.text.trim().is_empty() && self.link.is_none() => {
                errors.add("text", "a post without media needs text or a link");
            }
            0 | 1 => {}
            count if count > MAX_CAROUSEL_ITEMS => {
                errors.add(
                    "media",
                    format!("a carousel has at most {MAX_CAROUSEL_ITEMS} items"),
                );
            }
            _ if network == PostNetwork::Facebook
                && self
                    .media
                    .iter()
                    .any(|media| media.kind == MediaKind::Video) =>
            {
                errors.add(
                    "media",
                    "a Facebook carousel is made of images; post a video on its own",
                );
            }
            _ => {}
        }
        errors.into_result(self)
    }

    /// More than one media item.
    pub fn is_carousel(&self) -> bool {
        self.media.len() > 1
    }
}

fn is_https(url: &str) -> bool {
    url.len() <= MAX_URL
        && url.strip_prefix("https://").is_some_and(|rest| {
            !rest.is_empty() && !rest.starts_with('/') && !rest.contains(char::is_whitespace)
        })
}
