//! [`TwilioClient`]: the engine's [`Telephony`] over Twilio's REST API (2010-04-01). Each
//! organisation connects its own Twilio account, so every call signs in with HTTP Basic as the
//! account it is for (account SID and auth token, the token only ever in that header). Fields
//! go form-encoded, answers come as JSON, and every call is made exactly once with the
//! configured timeout: whoever asked decides whether to ask again. Sids handed in are checked
//! before they go into a path.

use super::call::CallResource;
use super::config::TwilioConfig;
use super::errors::read_refusal;
use crate::system_clock::SystemClock;
use crate::voice_api::{ProviderHttp, VoiceConfigError};
use async_trait::async_trait;
use botwot_engine::ports::{CallHooks, Telephony, TwilioCredentials, VoiceProviderError};
use botwot_engine::time::Clock;
use botwot_engine::voice::{StatusUpdate, is_account_sid};
use reqwest::{Method, RequestBuilder};
use serde::Deserialize;
use std::fmt;
use std::sync::Arc;

const PROVIDER: &str = "Twilio";
/// The call progress events reported to a placed call's status callback.
const STATUS_EVENTS: [&str; 4] = ["initiated", "ringing", "answered", "completed"];

/// A Twilio REST API client: the timeout and a pooled HTTP connection set, for any account.
/// Cheap to clone.
#[derive(Clone)]
pub struct TwilioClient {
    api: ProviderHttp,
    config: TwilioConfig,
    clock: Arc<dyn Clock>,
}

/// A created or updated resource: only its sid is read.
#[derive(Deserialize)]
struct Resource {
    sid: String,
}

#[derive(Deserialize)]
struct NumberList {
    incoming_phone_numbers: Vec<NumberEntry>,
}

#[derive(Deserialize)]
struct NumberEntry {
    sid: String,
    #[serde(default)]
    phone_number: String,
}

impl TwilioClient {
    pub fn new(config: TwilioConfig) -> Result<Self, VoiceConfigError> {
        let api = ProviderHttp::new(PROVIDER, &config.api_url, config.timeout, read_refusal)?;
        Ok(Self {
            api,
            config,
            clock: Arc::new(SystemClock),
        })
    }

    /// The same client stamping a call's status with `clock`'s time, when Twilio gives none,
    /// instead of the system clock's (tests that move time).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &TwilioConfig {
        &self.config
    }

    /// A request to `path` under the account's resources, signed in as the account.
    fn request(
        &self,
        account: &TwilioCredentials,
        method: Method,
        path: &str,
    ) -> Result<RequestBuilder, VoiceProviderError> {
        let sid = &account.account_sid;
        if !is_account_sid(sid) {
            return Err(self.api.invalid_id("account", sid));
        }
        let request = self
            .api
            .request(method, &format!("/2010-04-01/Accounts/{sid}/{path}"))
            // Marks the header sensitive, so no debug output of the request shows the token.
            .basic_auth(sid, Some(&account.auth_token));
        Ok(request)
    }

    /// Points the number's calls at `voice_url` and its statuses at `status_url` (empty: at
    /// nothing).
    async fn point_number(
        &self,
        account: &TwilioCredentials,
        number_sid: &str,
        voice_url: &str,
        status_url: &str,
    ) -> Result<(), VoiceProviderError> {
        let sid = self.checked_sid("number", "PN", number_sid)?;
        let form = [
            ("VoiceUrl", voice_url),
            ("VoiceMethod", "POST"),
            ("StatusCallback", status_url),
            ("StatusCallbackMethod", "POST"),
        ];
        let request = self
            .request(
                account,
                Method::POST,
                &format!("IncomingPhoneNumbers/{sid}.json"),
            )?
            .form(&form);
        self.api.send(request).await?;
        Ok(())
    }

    /// `sid` when it is Twilio's `prefix` and 32 hex digits, which then goes into a path as it is.
    fn checked_sid<'a>(
        &self,
        what: &str,
        prefix: &str,
        sid: &'a str,
    ) -> Result<&'a str, VoiceProviderError> {
        if is_sid(prefix, sid) {
            Ok(sid)
        } else {
            Err(self.api.invalid_id(what, sid))
        }
    }
}

impl fmt::Debug for TwilioClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Telephony for TwilioClient {
    async fn connect_number(
        &self,
        account: &TwilioCredentials,
        phone_number: &str,
        hooks: &CallHooks,
    ) -> Result<String, VoiceProviderError> {
        let request = self
            .request(account, Method::GET, "IncomingPhoneNumbers.json")?
            .query(&[("PhoneNumber", phone_number)]);
        let body = self.api.send(request).await?;
        let list: NumberList = self.api.json("number list", &body)?;
        let sid = list
            .incoming_phone_numbers
            .into_iter()
            .find(|number| number.phone_number == phone_number && is_sid("PN", &number.sid))
            .map(|number| number.sid)
            .ok_or_else(|| {
                VoiceProviderError::NotFound(format!(
                    "the phone number {phone_number} is not in the Twilio account {}",
                    account.account_sid
                ))
            })?;
        self.point_number(account, &sid, &hooks.voice_url, &hooks.status_url)
            .await?;
        Ok(sid)
    }

    async fn disconnect_number(
        &self,
        account: &TwilioCredentials,
        number_sid: &str,
    ) -> Result<(), VoiceProviderError> {
        self.point_number(account, number_sid, "", "").await
    }

    async fn place_call(
        &self,
        account: &TwilioCredentials,
        from: &str,
        to: &str,
        hooks: &CallHooks,
        time_limit_secs: u32,
    ) -> Result<String, VoiceProviderError> {
        let time_limit = time_limit_secs.to_string();
        let mut form = vec![
            ("To", to),
            ("From", from),
            ("Url", hooks.voice_url.as_str()),
            ("Method", "POST"),
            ("StatusCallback", hooks.status_url.as_str()),
            ("StatusCallbackMethod", "POST"),
        ];
        form.extend(STATUS_EVENTS.map(|event| ("StatusCallbackEvent", event)));
        form.push(("TimeLimit", &time_limit));
        let request = self
            .request(account, Method::POST, "Calls.json")?
            .form(&form);
        let body = self.api.send(request).await?;
        let call: Resource = self.api.json("placed call", &body)?;
        if !is_sid("CA", &call.sid) {
            return Err(self.api.unreadable("placed call", "no usable sid"));
        }
        Ok(call.sid)
    }

    async fn call_status(
        &self,
        account: &TwilioCredentials,
        call_sid: &str,
    ) -> Result<StatusUpdate, VoiceProviderError> {
        let sid = self.checked_sid("call", "CA", call_sid)?;
        let request = self.request(account, Method::GET, &format!("Calls/{sid}.json"))?;
        let body = self.api.send(request).await?;
        let call: CallResource = self.api.json("call", &body)?;
        call.status_update(self.clock.now())
            .map_err(|error| self.api.unreadable("call", error))
    }
}

/// Whether `sid` is one of Twilio's: a two-letter `prefix` and 32 hex digits.
fn is_sid(prefix: &str, sid: &str) -> bool {
    sid.len() == 34
        && sid.starts_with(prefix)
        && sid[prefix.len()..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_twilio_shaped_sids_go_into_paths() {
        assert!(is_sid("CA", "CA0123456789abcdef0123456789ABCDEF"));
        assert!(is_sid("PN", "PN0123456789abcdef0123456789abcdef"));
        for bad in [
            "PN0123456789abcdef0123456789abcdef",
            "CA0123456789abcdef0123456789abcde",
            "CA0123456789abcdef0123456789abcdeg",
            "CA../0123456789abcdef0123456789abc",
            "",
        ] {
            assert!(!is_sid("CA", bad), "{bad}");
        }
    }

    #[test]
    fn the_client_shows_no_credentials() {
        let client = TwilioClient::new(TwilioConfig::default()).expect("usable defaults");
        let text = format!("{client:?}");
        assert!(text.contains("https://api.twilio.com"), "{text}");
    }
}
