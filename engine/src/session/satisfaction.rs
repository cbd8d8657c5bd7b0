//! The contact's satisfaction rating of a conversation (CSAT): a score from 1 (poor) to 5
//! (excellent) with an optional comment. The widget asks for it when a conversation ends; a
//! channel or an integration may pass one in through the API. A later rating replaces an
//! earlier one; rating changes nothing else of the conversation (a closed one stays closed).

use super::apply::Step;
use super::effect::Rejection;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The scores a rating may have.
pub const SCORES: std::ops::RangeInclusive<u8> = 1..=5;
/// The longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 1_000;

/// What the contact gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Rating {
    /// A rating, when `score` is 1 to 5 and the comment (blank means none) is not too long.
    pub fn new(score: u8, comment: Option<String>) -> Result<Self, Rejection> {
        let comment = comment.filter(|text| !text.trim().is_empty());
        let rating = Self { score, comment };
        rating.check()?;
        Ok(rating)
    }

    fn check(&self) -> Result<(), Rejection> {
        let long = self
            .comment
            .as_ref()
            .is_some_and(|text| text.chars().count() > MAX_COMMENT_CHARS);
        if SCORES.contains(&self.score) && !long {
            Ok(())
        } else {
            Err(Rejection::InvalidRating)
        }
    }
}

/// A rating as the session keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Satisfaction {
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub rated_at: Timestamp,
}

impl Step {
    /// Keeps the contact's rating (checked again: events also arrive from other nodes).
    pub(super) fn rated(&mut self, rating: Rating) -> Result<(), Rejection> {
        rating.check()?;
        self.state.satisfaction = Some(Satisfaction {
            score: rating.score,
            comment: rating.comment,
            rated_at: self.now,
        });
        Ok(())
    }
}
