//! A Shopify shop an organisation connected (the PRD's `POST /shopify/save`): its Admin API
//! token and the app's client secret that signs its webhooks, both kept sealed, and how its
//! cash-on-delivery orders are confirmed on WhatsApp.

use crate::ids::TenantId;
use crate::integration::SealedSecret;
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The longest delay before a reminder: a week.
pub const MAX_REMINDER_DELAY_MINS: u32 = 7 * 24 * 60;

/// A connected shop. Its id is its `*.myshopify.com` domain, which Shopify names in every
/// webhook; a shop is connected by one organisation at most.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopConnection {
    pub domain: String,
    pub tenant_id: TenantId,
    /// The shop's name, as its Admin API gave it when connected.
    pub name: String,
    pub currency: String,
    pub sealed_access_token: SealedSecret,
    /// The app's client secret: Shopify signs the shop's webhooks with it.
    pub sealed_webhook_secret: SealedSecret,
    pub reminders: ReminderSettings,
    /// Set when the Admin API refused the token; cleared by the next call it accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhealthy: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// How a shop's cash-on-delivery orders are confirmed: an approved WhatsApp template sent from
/// one of the organisation's numbers, once `first_after_mins` after the order was placed and
/// again `second_after_mins` after, until the customer answers or the order is settled.
///
/// The template's body takes the customer's name, the order's name and its total as `{{1}}`,
/// `{{2}}`, `{{3}}`; with `confirm_buttons`, its first two buttons are quick replies (confirm,
/// cancel) whose payloads BotWot fills in, so a tap comes back to the order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReminderSettings {
    pub enabled: bool,
    /// The WhatsApp phone number id the reminders are sent from.
    #[serde(default)]
    pub channel_account: String,
    #[serde(default)]
    pub template: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_first")]
    pub first_after_mins: u32,
    #[serde(default = "default_second")]
    pub second_after_mins: u32,
    #[serde(default = "default_true")]
    pub confirm_buttons: bool,
    /// Digits put before a customer's phone written without its country code (`91`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_country_code: Option<String>,
}

fn default_language() -> String {
    "en".to_owned()
}
fn default_first() -> u32 {
    60
}
fn default_second() -> u32 {
    360
}
fn default_true() -> bool {
    true
}

impl Default for ReminderSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            channel_account: String::new(),
            template: String::new(),
            language: default_language(),
            first_after_mins: default_first(),
            second_after_mins: default_second(),
            confirm_buttons: true,
            default_country_code: None,
        }
    }
}

impl ReminderSettings {
    /// How long after the order its reminder number `number` (1 or 2) is due.
    pub fn delay(&self, number: u8) -> Option<Duration> {
        let mins = match number {
            1 => self.first_after_mins,
            2 => self.second_after_mins,
            _ => return None,
        };
        Some(Duration::from_secs(u64::from(mins) * 60))
    }

    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if self.enabled {
            if self.channel_account.trim().is_empty() {
                errors.add(
                    "reminders.channelAccount",
                    "the WhatsApp phone number id the reminders are sent from is required",
                );
            }
            if self.template.trim().is_empty() {
                errors.add(
                    "reminders.template",
                    "the approved template's name is required",
                );
            }
        }
        errors.check_max_len("reminders.template", &self.template, 512);
        errors.check_max_len("reminders.language", &self.language, 15);
        errors.check_range(
            "reminders.firstAfterMins",
            self.first_after_mins,
            1..=MAX_REMINDER_DELAY_MINS,
        );
        errors.check_range(
            "reminders.secondAfterMins",
            self.second_after_mins,
            1..=MAX_REMINDER_DELAY_MINS,
        );
        if self.second_after_mins <= self.first_after_mins {
            errors.add(
                "reminders.secondAfterMins",
                "must be later than firstAfterMins",
            );
        }
        if let Some(code) = &self.default_country_code
            && (code.is_empty() || code.len() > 3 || !code.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.add(
                "reminders.defaultCountryCode",
                "must be 1 to 3 digits, such as 91",
            );
        }
        errors.into_result(())
    }
}

/// Whether `domain` is a shop's Shopify domain: `name.myshopify.com`, the name of lower-case
/// letters, digits and hyphens.
pub fn is_shop_domain(domain: &str) -> bool {
    let Some(name) = domain.strip_suffix(".myshopify.com") else {
        return false;
    };
    (1..=60).contains(&name.len())
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
