//! Posts on an organisation's Facebook page and Instagram account (PRD §3.4.2, §3.4.3, §3.7.2):
//! published now or at a time of its choosing, as a pure model.
//!
//! A post is made from a validated [`PostContent`] (text, a link, one image or video, or a
//! carousel; each network's rules checked before anything is sent) and lives through its
//! lifecycle in [`SocialPost`]: scheduled (due at its time), publishing (an attempt under way),
//! published (the network's id kept), failed (the network's reason kept) or cancelled. A
//! failed attempt the network may accept later is scheduled again after a growing pause, a few
//! times, never silently dropped. Nothing here calls a network, stores a post or reads the clock.

mod content;
mod post;

#[cfg(test)]
mod post_tests;

pub use content::{MAX_CAROUSEL_ITEMS, MediaKind, PostContent, PostMedia, PostNetwork};
pub use post::{AttemptOutcome, MAX_ATTEMPTS, PostRefusal, PostStatus, SocialPost};
