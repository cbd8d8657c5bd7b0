//! Connecting a Twilio number (the PRD's `POST /twilio`): the number is stored first (so a
//! number connected twice is refused before Twilio is touched), then found in the account and
//! pointed at BotWot's webhooks; if Twilio refuses, the stored number is removed again.
//! Disconnecting points it away first, then forgets it.

use super::{VoiceCalls, VoiceError};
use botwot_engine::ids::{TenantId, VoiceAgentId, VoiceNumberId};
use botwot_engine::ports::{StoreError, TwilioCredentials};
use botwot_engine::validation::ValidationErrors;
use botwot_engine::voice::{NumberSettings, TwilioAccount, VoiceNumber, is_account_sid};
use tracing::warn;

impl VoiceCalls {
    /// Connects `settings.phone_number` of the Twilio account `account_sid`.
    pub async fn connect_number(
        &self,
        tenant: &TenantId,
        settings: NumberSettings,
        account_sid: &str,
        auth_token: &str,
    ) -> Result<VoiceNumber, VoiceError> {
        let mut errors = settings.validate().err().unwrap_or_default();
        if !is_account_sid(account_sid) {
            errors.add("twilioAccountSid", "must be AC followed by 32 hex digits");
        }
        if auth_token.trim().is_empty() {
            errors.add("twilioAuthToken", "must not be empty");
        }
        if !errors.is_empty() {
            return Err(VoiceError::Invalid(errors));
        }
        if self.deps.public_url.is_empty() {
            return Err(VoiceError::NoPublicUrl);
        }
        self.agent_of(tenant, &settings.agent_id).await?;
        let id = VoiceNumberId::generate();
        let twilio = TwilioAccount {
            account_sid: account_sid.to_owned(),
            sealed_auth_token: self.seal(&id, auth_token)?,
            number_sid: String::new(),
        };
        let mut number = VoiceNumber::new(tenant.clone(), settings, twilio, self.deps.clock.now());
        number.id = id;
        match self.deps.store.insert_voice_number(&number).await {
            Err(StoreError::Conflict(_)) => {
                return Err(VoiceError::NumberTaken(number.phone_number));
            }
            other => other?,
        }
        let credentials = TwilioCredentials {
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
        };
        let hooks = self.hooks(&number.id, None);
        match self
            .deps
            .telephony
            .connect_number(&credentials, &number.phone_number, &hooks)
            .await
        {
            Ok(number_sid) => {
                number.twilio.number_sid = number_sid;
                self.deps.store.save_voice_number(&number).await?;
                Ok(number)
            }
            Err(error) => {
                self.deps
                    .store
                    .delete_voice_number(tenant, &number.id)
                    .await?;
                Err(error.into())
            }
        }
    }

    /// Moves a number to another agent or relabels it.
    pub async fn update_number(
        &self,
        tenant: &TenantId,
        id: &VoiceNumberId,
        label: Option<String>,
        agent_id: Option<VoiceAgentId>,
    ) -> Result<VoiceNumber, VoiceError> {
        let mut number = self.number_of(tenant, id).await?;
        if let Some(agent_id) = agent_id {
            self.agent_of(tenant, &agent_id).await?;
            number.agent_id = agent_id;
        }
        if let Some(label) = label {
            let mut errors = ValidationErrors::default();
            errors.check_max_len("label", &label, botwot_engine::voice::MAX_LABEL_CHARS);
            errors.into_result(()).map_err(VoiceError::Invalid)?;
            number.label = label;
        }
        number.updated_at = self.deps.clock.now();
        self.deps.store.save_voice_number(&number).await?;
        Ok(number)
    }

    /// Points the number away from BotWot at Twilio (best effort: an account closed meanwhile
    /// must not keep the number here) and forgets it.
    pub async fn disconnect_number(
        &self,
        tenant: &TenantId,
        id: &VoiceNumberId,
    ) -> Result<(), VoiceError> {
        let number = self.number_of(tenant, id).await?;
        let credentials = self.credentials(&number)?;
        if let Err(error) = self
            .deps
            .telephony
            .disconnect_number(&credentials, &number.twilio.number_sid)
            .await
        {
            warn!(number = %id, %error, "the number could not be pointed away at Twilio; forgotten here anyway");
        }
        self.deps.store.delete_voice_number(tenant, id).await?;
        Ok(())
    }

    pub(super) async fn number_of(
        &self,
        tenant: &TenantId,
        id: &VoiceNumberId,
    ) -> Result<VoiceNumber, VoiceError> {
        self.deps
            .store
            .get_voice_number(tenant, id)
            .await?
            .ok_or(VoiceError::NumberNotFound)
    }

    pub(super) async fn agent_of(
        &self,
        tenant: &TenantId,
        id: &VoiceAgentId,
    ) -> Result<botwot_engine::voice_agent::VoiceAgent, VoiceError> {
        self.deps
            .store
            .get_voice_agent(tenant, id)
            .await?
            .ok_or(VoiceError::AgentNotFound)
    }
}
