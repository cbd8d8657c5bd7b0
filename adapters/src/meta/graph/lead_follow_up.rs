//! Lead follow-ups on WhatsApp (PRD §3.8.1): the step's approved template, its body given the
//! lead's first name, from the organisation's number, through the same request, throughput limit
//! and token handling as every other WhatsApp message.

use super::sender::{MetaGraphSender, delivery_error};
use super::template::Template;
use super::whatsapp::WhatsAppContent;
use async_trait::async_trait;
use botwot_engine::leads::{FollowUpWork, Lead};
use botwot_engine::ports::{DeliveryError, FollowUpSender};

#[async_trait]
impl FollowUpSender for MetaGraphSender {
    async fn send_lead_follow_up(
        &self,
        lead: &Lead,
        work: &FollowUpWork,
    ) -> Result<String, DeliveryError> {
        let template = Template::new(work.template.as_str(), work.language.as_str())
            .body_texts([lead.details.first_name().to_owned()]);
        let content = WhatsAppContent::Template { template };
        self.send_whatsapp(&work.channel_account, &lead.phone, content)
            .await
            .map(|sent| sent.provider_message_id)
            .map_err(delivery_error)
    }
}
