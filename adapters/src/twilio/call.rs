//! A call as Twilio's REST API writes it (`GET /2010-04-01/Accounts/{AccountSid}/Calls/
//! {CallSid}.json`), read into the engine's [`StatusUpdate`]: the status (`initiated`, which
//! the REST API may show while Twilio dials, counts as `queued`), the duration Twilio writes as
//! a string of seconds (`"60"`, `null` until the call ends), and when: the call's `end_time`
//! (RFC 2822, `Tue, 10 Aug 2010 08:02:17 +0000`) once it ended, else the time of asking.

use botwot_engine::time::Timestamp;
use botwot_engine::voice::{CallStatus, StatusUpdate};
use botwot_webhooks::twilio::TwilioCallStatus;
use serde::Deserialize;
use serde_json::Value;

/// The fields of a call resource BotWot reads; Twilio sends many more.
#[derive(Deserialize)]
pub(crate) struct CallResource {
    status: String,
    #[serde(default)]
    duration: Value,
    #[serde(default)]
    end_time: Option<String>,
}

impl CallResource {
    /// The call's status as of `now`; an error names a status BotWot does not know.
    pub(crate) fn status_update(&self, now: Timestamp) -> Result<StatusUpdate, String> {
        let status = call_status(&self.status)
            .ok_or_else(|| format!("unknown call status {:?}", self.status))?;
        let ended = self.end_time.as_deref().and_then(rfc2822);
        Ok(StatusUpdate {
            status,
            duration_secs: seconds(&self.duration),
            at: ended.unwrap_or(now),
        })
    }
}

/// The engine's status for Twilio's name of one (read as Twilio's webhooks are).
pub fn call_status(name: &str) -> Option<CallStatus> {
    TwilioCallStatus::parse(name).map(CallStatus::from)
}

/// `"60"` or `60` as seconds; `null`, `""` and anything else as none.
fn seconds(value: &Value) -> Option<u32> {
    match value {
        Value::String(text) => text.trim().parse().ok(),
        Value::Number(number) => number.as_u64().and_then(|secs| u32::try_from(secs).ok()),
        _ => None,
    }
}

fn rfc2822(text: &str) -> Option<Timestamp> {
    let at = chrono::DateTime::parse_from_rfc2822(text.trim()).ok()?;
    Some(Timestamp::from_millis(at.timestamp_millis()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: Timestamp = Timestamp(1_700_000_000_000);

    fn read(resource: Value) -> Result<StatusUpdate, String> {
        serde_json::from_value::<CallResource>(resource)
            .map_err(|error| error.to_string())?
            .status_update(NOW)
    }

    #[test]
    fn a_completed_call_has_its_duration_and_end() {
        let update = read(json!({
            "sid": "CA0123456789abcdef0123456789abcdef", "status": "completed",
            "duration": "61", "end_time": "Tue, 10 Aug 2010 08:02:17 +0000",
            "start_time": "Tue, 10 Aug 2010 08:01:16 +0000"
        }));
        assert_eq!(
            update,
            Ok(StatusUpdate {
                status: CallStatus::Completed,
                duration_secs: Some(61),
                at: Timestamp::from_millis(1_281_427_337_000),
            })
        );
    }

    #[test]
    fn a_call_under_way_is_stamped_now() {
        for (name, status) in [
            ("queued", CallStatus::Queued),
            ("initiated", CallStatus::Queued),
            ("ringing", CallStatus::Ringing),
            ("in-progress", CallStatus::InProgress),
        ] {
            let update = read(json!({"status": name, "duration": null, "end_time": null}));
            assert_eq!(
                update,
                Ok(StatusUpdate {
                    status,
                    duration_secs: None,
                    at: NOW
                }),
                "{name}"
            );
        }
    }

    #[test]
    fn every_end_is_known_and_odd_fields_are_left_out() {
        for name in ["completed", "busy", "failed", "no-answer", "canceled"] {
            let update = read(json!({"status": name, "duration": 0, "end_time": "soon"}));
            let update = update.expect(name);
            assert!(update.status.is_final(), "{name}");
            assert_eq!((update.duration_secs, update.at), (Some(0), NOW));
        }
        assert!(read(json!({"status": "requested"})).is_err());
        assert!(read(json!({"status": "answered"})).is_err());
        assert_eq!(
            read(json!({"status": "busy", "duration": "n/a"})).map(|update| update.duration_secs),
            Ok(None)
        );
    }
}
