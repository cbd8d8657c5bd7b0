//! The profile brain: what a bot says with no knowledge base attached. It knows nothing but the
//! bot's profile, so it answers every question with the bot's fallback message and support
//! contacts, within the bot's word limit, and says the answer is not grounded.

use async_trait::async_trait;
use botwot_engine::brain::{
    Brain, BrainAnswer, BrainError, BrainRequest, fallback_text, limit_words,
};

#[derive(Clone, Copy, Debug, Default)]
pub struct ProfileBrain;

#[async_trait]
impl Brain for ProfileBrain {
    async fn answer(&self, request: BrainRequest) -> Result<BrainAnswer, BrainError> {
        let text = fallback_text(&request.bot);
        Ok(BrainAnswer {
            text: limit_words(&text, request.bot.settings.word_limit_per_message),
            grounded: false,
            wants_human: false,
            sources: Vec::new(),
        })
    }

    fn uses_history(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::bot::{BotProfile, BotSettings};
    use botwot_engine::{Channel, TenantId, Timestamp};

    fn request(settings: BotSettings) -> BrainRequest {
        BrainRequest {
            bot: std::sync::Arc::new(BotProfile::create(
                TenantId::from("t"),
                settings,
                Timestamp(0),
            )),
            channel: Channel::Web,
            question: "what are your opening hours?".into(),
            history: Vec::new(),
            contact: None,
        }
    }

    fn answer(settings: BotSettings) -> BrainAnswer {
        futures_lite_block_on(ProfileBrain.answer(request(settings))).expect("answers")
    }

    /// Runs a future that never waits (the profile brain does no I/O).
    fn futures_lite_block_on<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("the profile brain never waits"),
        }
    }

    #[test]
    fn uses_the_configured_fallback_message() {
        let mut settings = BotSettings::named("Ava");
        settings.fallback_message = "Please ask our staff at the desk.".into();
        let answer = answer(settings);
        assert_eq!(answer.text, "Please ask our staff at the desk.");
        assert!(!answer.grounded);
    }

    #[test]
    fn offers_the_support_contacts_when_no_fallback_is_set() {
        let mut settings = BotSettings::named("Ava");
        settings.support_email = "help@shop.test".into();
        settings.support_number = "+44 20 7946 0000".into();
        let text = answer(settings).text;
        assert!(text.contains("help@shop.test"), "{text}");
        assert!(text.contains("+44 20 7946 0000"), "{text}");
    }

    #[test]
    fn keeps_within_the_word_limit() {
        let mut settings = BotSettings::named("Ava");
        settings.fallback_message = "one two three four five six".into();
        settings.word_limit_per_message = 3;
        assert_eq!(answer(settings).text, "one two three…");
    }
}
