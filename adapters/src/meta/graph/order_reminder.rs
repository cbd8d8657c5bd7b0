//! Order confirmation reminders on WhatsApp (PRD §3.8.2): the shop's approved template, its body
//! filled with the customer's name, the order's name and its total, and, when the shop asks,
//! its first two quick-reply buttons given payloads that bring a tap back to the order
//! ([`reminder_payload`]); from the shop's number, through the same request, throughput limit
//! and token handling as every other WhatsApp message.

use super::sender::{MetaGraphSender, delivery_error};
use super::template::Template;
use super::whatsapp::WhatsAppContent;
use async_trait::async_trait;
use botwot_engine::commerce::{CustomerAnswer, ShopConnection, TrackedOrder};
use botwot_engine::ports::{DeliveryError, ReminderSender};

/// The prefix of a reminder button's payload.
const PAYLOAD_PREFIX: &str = "order-reminder";

/// The payload of a reminder's button: `order-reminder:{answer}:{order key}`.
pub fn reminder_payload(answer: CustomerAnswer, order_key: &str) -> String {
    format!("{PAYLOAD_PREFIX}:{}:{order_key}", answer.as_str())
}

/// The answer and the order key a button's payload carries, if it is a reminder's.
pub fn read_reminder_payload(payload: &str) -> Option<(CustomerAnswer, &str)> {
    let rest = payload.strip_prefix(PAYLOAD_PREFIX)?.strip_prefix(':')?;
    let (answer, key) = rest.split_once(':')?;
    let answer = match answer {
        "confirm" => CustomerAnswer::Confirm,
        "cancel" => CustomerAnswer::Cancel,
        _ => return None,
    };
    (!key.is_empty()).then_some((answer, key))
}

#[async_trait]
impl ReminderSender for MetaGraphSender {
    async fn send_order_reminder(
        &self,
        shop: &ShopConnection,
        order: &TrackedOrder,
    ) -> Result<String, DeliveryError> {
        let Some(contact) = &order.contact else {
            return Err(DeliveryError::Permanent(
                "the order has no WhatsApp number".to_owned(),
            ));
        };
        let settings = &shop.reminders;
        let customer = order
            .order
            .customer_name
            .clone()
            .unwrap_or_else(|| "there".to_owned());
        let total = format!("{} {}", order.order.currency, order.order.total_price);
        let mut template = Template::new(settings.template.as_str(), settings.language.as_str())
            .body_texts([customer, order.order.name.clone(), total]);
        if settings.confirm_buttons {
            template = template
                .quick_reply_button(0, reminder_payload(CustomerAnswer::Confirm, &order.id))
                .quick_reply_button(1, reminder_payload(CustomerAnswer::Cancel, &order.id));
        }
        let content = WhatsAppContent::Template { template };
        self.send_whatsapp(&settings.channel_account, contact, content)
            .await
            .map(|sent| sent.provider_message_id)
            .map_err(delivery_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_carry_the_answer_and_the_order() {
        let key = "acme.myshopify.com:450789469";
        for answer in [CustomerAnswer::Confirm, CustomerAnswer::Cancel] {
            let payload = reminder_payload(answer, key);
            assert_eq!(read_reminder_payload(&payload), Some((answer, key)));
        }
        for other in [
            "",
            "order-reminder",
            "order-reminder:maybe:x",
            "order-reminder:confirm:",
            "campaign:stop",
        ] {
            assert_eq!(read_reminder_payload(other), None, "{other}");
        }
    }
}
