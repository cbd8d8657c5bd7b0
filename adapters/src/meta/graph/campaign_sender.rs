//! Campaign templates on WhatsApp: the template a recipient's journey decided, by its approved
//! name in the campaign's language, with the recipient's texts for its body's `{{1}}`, `{{2}}`,
//! ..., from the campaign's number, through the same request, throughput limit and token
//! handling as every other WhatsApp message.

use super::sender::{MetaGraphSender, delivery_error};
use super::template::Template;
use super::whatsapp::WhatsAppContent;
use async_trait::async_trait;
use botwot_engine::campaign::{Campaign, CampaignRecipient};
use botwot_engine::ports::{CampaignSender, DeliveryError};

#[async_trait]
impl CampaignSender for MetaGraphSender {
    async fn send_campaign_template(
        &self,
        campaign: &Campaign,
        recipient: &CampaignRecipient,
        template: &str,
    ) -> Result<String, DeliveryError> {
        let mut template = Template::new(template, campaign.language.as_str());
        if !recipient.parameters.is_empty() {
            template = template.body_texts(recipient.parameters.iter().cloned());
        }
        let content = WhatsAppContent::Template { template };
        self.send_whatsapp(&campaign.channel_account, &recipient.phone, content)
            .await
            .map(|sent| sent.provider_message_id)
            .map_err(delivery_error)
    }
}
