//! A campaign's audience: the WhatsApp contacts it sends to, each a [`CampaignRecipient`] that
//! carries its own [`RecipientProgress`] once the campaign runs.
//!
//! A contact is named by its phone number as WhatsApp names it (`wa_id`): the country code and
//! the number, digits only. [`AudienceContact::parse`] takes a number as people write it
//! (`+44 7700 900123`, `0044-7700-900123`, `(447) 700 900 123`) and keeps the digits; it refuses
//! a number without its country code (a leading `0` after the separators and an international
//! `00` are gone), and one outside E.164's length. One phone number is one recipient of a
//! campaign: adding it twice adds it once.

use super::definition::Campaign;
use super::recipient::{RecipientAction, RecipientEvent, RecipientOutcome, RecipientProgress};
use crate::ids::{CampaignId, TenantId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;

/// How many digits a phone number has with its country code (E.164 allows at most 15).
pub const PHONE_DIGITS: RangeInclusive<usize> = 7..=15;
/// The longest contact name kept with a recipient.
pub const MAX_CONTACT_NAME_CHARS: usize = 120;
/// The most template parameters (`{{1}}`, `{{2}}`, ...) a recipient carries.
pub const MAX_TEMPLATE_PARAMETERS: usize = 20;
/// The longest template parameter WhatsApp takes.
pub const MAX_PARAMETER_CHARS: usize = 1_024;

/// One contact to add to an audience: its phone number, digits only, an optional name, and the
/// texts of the templates' `{{1}}`, `{{2}}`, ... for this contact (a first name, a cart link),
/// the same for every template of the workflow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AudienceContact {
    pub phone: String,
    pub name: Option<String>,
    pub parameters: Vec<String>,
}

/// Why a contact cannot join an audience, in words for the person who wrote the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContactError {
    /// No phone number at all.
    MissingPhone,
    /// Something other than digits, spaces, `+`, `-`, `.`, `(` and `)`.
    NotAPhoneNumber,
    /// The number starts with `0` once its `+` or `00` prefix is gone: no country code.
    NoCountryCode,
    /// Fewer or more digits than a phone number with its country code has.
    WrongLength(usize),
    /// The name is longer than [`MAX_CONTACT_NAME_CHARS`].
    NameTooLong,
    /// Template parameter `{{n}}` (from 1) is empty, too long, or holds a line break or tab,
    /// which WhatsApp refuses.
    BadParameter(usize),
}

impl fmt::Display for ContactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContactError::MissingPhone => f.write_str("the phone number is missing"),
            ContactError::NotAPhoneNumber => f.write_str(
                "the phone number may hold only digits, spaces, `+`, `-`, `.`, `(` and `)`",
            ),
            ContactError::NoCountryCode => f.write_str(
                "the phone number must start with its country code (such as +44), not with 0",
            ),
            ContactError::WrongLength(digits) => write!(
                f,
                "the phone number has {digits} digits; with its country code it must have {} to {}",
                PHONE_DIGITS.start(),
                PHONE_DIGITS.end()
            ),
            ContactError::NameTooLong => write!(
                f,
                "the name must be at most {MAX_CONTACT_NAME_CHARS} characters"
            ),
            ContactError::BadParameter(n) => write!(
                f,
                "the template parameter {{{{{n}}}}} must be 1 to {MAX_PARAMETER_CHARS} characters \
                 without line breaks or tabs"
            ),
        }
    }
}

impl std::error::Error for ContactError {}

impl AudienceContact {
    /// The contact of `phone` as people write it, with `name` trimmed (a blank name is none).
    pub fn parse(phone: &str, name: Option<&str>) -> Result<Self, ContactError> {
        let phone = normalise_phone(phone)?;
        let name = name.map(str::trim).filter(|name| !name.is_empty());
        if name.is_some_and(|name| name.chars().count() > MAX_CONTACT_NAME_CHARS) {
            return Err(ContactError::NameTooLong);
        }
        Ok(Self {
            phone,
            name: name.map(str::to_owned),
            parameters: Vec::new(),
        })
    }

    /// The contact with the texts of `{{1}}`, `{{2}}`, ... in order, each trimmed.
    pub fn with_parameters<'a>(
        mut self,
        parameters: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, ContactError> {
        for (index, text) in parameters.into_iter().enumerate() {
            let text = text.trim();
            let fits = (1..=MAX_PARAMETER_CHARS).contains(&text.chars().count());
            if !fits || text.contains(['\n', '\r', '\t']) || index >= MAX_TEMPLATE_PARAMETERS {
                return Err(ContactError::BadParameter(index + 1));
            }
            self.parameters.push(text.to_owned());
        }
        Ok(self)
    }
}

/// The digits of a phone number with its country code, as WhatsApp's `wa_id` has them.
fn normalise_phone(written: &str) -> Result<String, ContactError> {
    let written = written.trim();
    if written.is_empty() {
        return Err(ContactError::MissingPhone);
    }
    let (plus, rest) = match written.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, written),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return Err(ContactError::NotAPhoneNumber),
        }
    }
    if digits.is_empty() {
        return Err(ContactError::MissingPhone);
    }
    let digits = match digits.strip_prefix("00") {
        Some(international) if !plus => international.to_owned(),
        _ => digits,
    };
    if digits.starts_with('0') {
        return Err(ContactError::NoCountryCode);
    }
    if !PHONE_DIGITS.contains(&digits.len()) {
        return Err(ContactError::WrongLength(digits.len()));
    }
    Ok(digits)
}

/// One contact in one campaign's audience, and how far its journey got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignRecipient {
    pub campaign_id: CampaignId,
    pub tenant_id: TenantId,
    /// The contact's phone number, digits only with the country code (its WhatsApp `wa_id`).
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The texts of the templates' `{{1}}`, `{{2}}`, ... for this contact.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<String>,
    /// When the contact joined the audience.
    pub added_at: Timestamp,
    /// Where the contact's journey is; not started until the campaign runs.
    #[serde(default)]
    pub progress: RecipientProgress,
    /// Templates decided for the contact and not yet handed to the channel: stored with the
    /// progress that decided them, so a runner that stops in between sends them on restart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<PendingSend>,
}

/// A campaign message the channel took, found again by the id the channel gave it when its
/// delivery reports arrive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignMessageRef {
    pub tenant_id: TenantId,
    pub campaign_id: CampaignId,
    /// The number it was sent from (the campaign's `channelAccount`).
    pub channel_account: String,
    /// The id the channel gave the message (a WhatsApp `wamid`).
    pub provider_id: String,
    /// The recipient's phone number.
    pub phone: String,
    /// The message's ordinal in the recipient's journey.
    pub message: u32,
}

impl CampaignMessageRef {
    /// The key of a message among all of them: the number it was sent from and its id there.
    pub fn key_of(channel_account: &str, provider_id: &str) -> String {
        format!("{channel_account}:{provider_id}")
    }

    pub fn key(&self) -> String {
        Self::key_of(&self.channel_account, &self.provider_id)
    }
}

/// A template a recipient's journey decided to send, waiting to be handed to the channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingSend {
    /// The message's ordinal in the recipient's journey.
    pub message: u32,
    /// The approved template to send.
    pub template_id: String,
}

impl CampaignRecipient {
    /// `contact`, not started yet, in the audience of `campaign`.
    pub fn join(campaign: &Campaign, contact: AudienceContact, now: Timestamp) -> Self {
        Self {
            campaign_id: campaign.id.clone(),
            tenant_id: campaign.tenant_id.clone(),
            phone: contact.phone,
            name: contact.name,
            parameters: contact.parameters,
            added_at: now,
            progress: RecipientProgress::new(),
            pending: Vec::new(),
        }
    }

    /// Applies `event` to the journey in `campaign`, and queues the templates it decides in
    /// [`pending`](Self::pending); a contact who opted out is sent nothing more, not even a
    /// template already queued. Returns what the journey did.
    pub fn apply(&mut self, campaign: &Campaign, event: RecipientEvent) -> Vec<RecipientAction> {
        let actions = self
            .progress
            .apply(&campaign.workflow, &campaign.opening_template_id, event);
        if self.progress.outcome == Some(RecipientOutcome::OptedOut) {
            self.pending.clear();
            return actions;
        }
        for action in &actions {
            if let RecipientAction::Send {
                message,
                template_id,
                ..
            } = action
            {
                self.pending.push(PendingSend {
                    message: *message,
                    template_id: template_id.clone(),
                });
            }
        }
        actions
    }

    /// When the campaign's runner must look at the recipient next: at once while a template
    /// waits to be sent, otherwise when its journey is due (see
    /// [`RecipientProgress::next_due`]; a recipient not reached yet is due from when it
    /// joined, so the audience is reached in the order it joined).
    pub fn due(&self) -> Option<Timestamp> {
        if !self.pending.is_empty() {
            return Some(Timestamp(0));
        }
        self.progress.next_due(self.added_at)
    }

    /// The key of the recipient among all of them: the campaign, then the phone number.
    pub fn key(&self) -> String {
        Self::key_of(&self.campaign_id, &self.phone)
    }

    /// The key of the recipient of `phone` in `campaign`.
    pub fn key_of(campaign: &CampaignId, phone: &str) -> String {
        format!("{campaign}:{phone}")
    }
}

impl Campaign {
    /// Counts one recipient fewer: its contact was erased from the audience (data rights).
    pub fn forget_recipient(&mut self) {
        self.audience_size = self.audience_size.saturating_sub(1);
    }

    /// Takes the count of recipients the store holds for the campaign, `stored`, as its
    /// audience size. A backend without atomic batches may have stored recipients and then
    /// stopped before their campaign; counting what is stored before adding more heals that.
    pub fn count_stored_audience(&mut self, stored: u32) {
        self.audience_size = stored;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(written: &str) -> Result<String, ContactError> {
        AudienceContact::parse(written, None).map(|contact| contact.phone)
    }

    #[test]
    fn a_number_written_with_plus_spaces_dashes_and_brackets_keeps_its_digits() {
        assert_eq!(phone("+44 7700 900123"), Ok("447700900123".into()));
        assert_eq!(phone("+1 (415) 555-0100"), Ok("14155550100".into()));
        assert_eq!(phone(" 91.98765.43210 "), Ok("919876543210".into()));
    }

    #[test]
    fn an_international_double_zero_prefix_is_dropped() {
        assert_eq!(phone("0044 7700 900123"), Ok("447700900123".into()));
    }

    #[test]
    fn a_number_without_its_country_code_is_refused() {
        assert_eq!(phone("07700 900123"), Err(ContactError::NoCountryCode));
        assert_eq!(phone("+0 7700 900123"), Err(ContactError::NoCountryCode));
        assert_eq!(phone("+0044 7700 900123"), Err(ContactError::NoCountryCode));
    }

    #[test]
    fn letters_and_other_signs_are_refused() {
        assert_eq!(phone("+44 7700 9001x3"), Err(ContactError::NotAPhoneNumber));
        assert_eq!(phone("44/7700/900123"), Err(ContactError::NotAPhoneNumber));
        assert_eq!(phone("+4477009001２3"), Err(ContactError::NotAPhoneNumber));
    }

    #[test]
    fn too_short_and_too_long_numbers_are_refused_with_their_length() {
        assert_eq!(phone("+44 123"), Err(ContactError::WrongLength(5)));
        assert_eq!(phone("1234567"), Ok("1234567".into()));
        assert_eq!(phone("123456789012345"), Ok("123456789012345".into()));
        assert_eq!(
            phone("1234567890123456"),
            Err(ContactError::WrongLength(16))
        );
    }

    #[test]
    fn an_empty_number_is_missing() {
        assert_eq!(phone(""), Err(ContactError::MissingPhone));
        assert_eq!(phone("  + ( ) "), Err(ContactError::MissingPhone));
    }

    #[test]
    fn a_blank_name_is_none_and_a_long_one_is_refused() {
        let contact = AudienceContact::parse("447700900123", Some("  ")).unwrap();
        assert_eq!(contact.name, None);
        let contact = AudienceContact::parse("447700900123", Some(" Asha ")).unwrap();
        assert_eq!(contact.name.as_deref(), Some("Asha"));
        let long = "n".repeat(MAX_CONTACT_NAME_CHARS + 1);
        assert_eq!(
            AudienceContact::parse("447700900123", Some(&long)),
            Err(ContactError::NameTooLong)
        );
    }

    fn draft() -> Campaign {
        use crate::campaign::{CampaignWorkflow, NewCampaign, StepTrigger, WorkflowStep};
        let input = NewCampaign {
            name: "Cart recovery".into(),
            channel_account: "106540352242922".into(),
            opening_template_id: "cart_reminder".into(),
            language: "en_US".into(),
            workflow: CampaignWorkflow {
                max_follow_ups: 1,
                steps: vec![WorkflowStep {
                    name: "thanks".into(),
                    on: StepTrigger::Read,
                    wait_ms: 0,
                    template_id: "cart_thanks".into(),
                    terminal: true,
                }],
            },
        };
        Campaign::create(TenantId::from("acme"), input, Timestamp(0)).expect("valid")
    }

    #[test]
    fn a_decided_template_waits_as_pending_and_makes_the_recipient_due_at_once() {
        let campaign = draft();
        let contact = AudienceContact::parse("447700900123", None).unwrap();
        let mut recipient = CampaignRecipient::join(&campaign, contact, Timestamp(5));
        assert_eq!(
            recipient.due(),
            Some(Timestamp(5)),
            "due from when it joined"
        );
        recipient.apply(&campaign, RecipientEvent::Start { at: Timestamp(10) });
        assert_eq!(
            recipient.pending,
            vec![PendingSend {
                message: 1,
                template_id: "cart_reminder".into()
            }]
        );
        assert_eq!(recipient.due(), Some(Timestamp(0)));
        recipient.pending.clear();
        assert_eq!(recipient.due(), None, "waits for a report");
    }

    #[test]
    fn opting_out_drops_a_template_not_yet_sent() {
        let campaign = draft();
        let contact = AudienceContact::parse("447700900123", None).unwrap();
        let mut recipient = CampaignRecipient::join(&campaign, contact, Timestamp(5));
        recipient.apply(&campaign, RecipientEvent::Start { at: Timestamp(10) });
        recipient.apply(&campaign, RecipientEvent::OptedOut { at: Timestamp(11) });
        assert!(recipient.pending.is_empty());
        assert_eq!(recipient.due(), None);
    }

    #[test]
    fn template_parameters_are_kept_in_order_and_checked() {
        let contact = AudienceContact::parse("447700900123", None).unwrap();
        let with = contact
            .clone()
            .with_parameters([" Asha ", "https://shop.example/cart/81"])
            .unwrap();
        assert_eq!(with.parameters, ["Asha", "https://shop.example/cart/81"]);
        let refused = |texts: &[&str]| contact.clone().with_parameters(texts.iter().copied());
        assert_eq!(refused(&["Asha", " "]), Err(ContactError::BadParameter(2)));
        assert_eq!(refused(&["two\nlines"]), Err(ContactError::BadParameter(1)));
        let long = "x".repeat(MAX_PARAMETER_CHARS + 1);
        assert_eq!(refused(&[&long]), Err(ContactError::BadParameter(1)));
        let many = vec!["x"; MAX_TEMPLATE_PARAMETERS + 1];
        assert_eq!(
            refused(&many),
            Err(ContactError::BadParameter(MAX_TEMPLATE_PARAMETERS + 1))
        );
        assert_eq!(
            ContactError::BadParameter(2).to_string(),
            "the template parameter {{2}} must be 1 to 1024 characters without line breaks or tabs"
        );
    }

    #[test]
    fn every_error_reads_as_a_sentence_about_the_number() {
        for error in [
            ContactError::MissingPhone,
            ContactError::NotAPhoneNumber,
            ContactError::NoCountryCode,
            ContactError::WrongLength(3),
        ] {
            assert!(error.to_string().starts_with("the phone number"), "{error}");
        }
    }
}
