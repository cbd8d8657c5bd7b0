//! The fake Twilio's resources (incoming phone numbers and calls) and its error body, each
//! written as Twilio's API writes it: snake_case fields, times in RFC 2822, durations as
//! strings of seconds.

use super::fake_api::{Answer, fresh_hex, json_answer, pairs_named};
use serde_json::{Value, json};

pub(super) struct Number {
    pub(super) sid: String,
    pub(super) account_sid: String,
    pub(super) phone_number: String,
    voice_url: String,
    voice_method: String,
    status_callback: String,
    status_callback_method: String,
    date_created: i64,
}

pub(super) struct Call {
    pub(super) sid: String,
    pub(super) account_sid: String,
    phone_number_sid: String,
    to: String,
    from: String,
    pub(super) status: String,
    pub(super) duration: Option<u32>,
    pub(super) start_time: Option<i64>,
    pub(super) end_time: Option<i64>,
    date_created: i64,
    /// The form the call was placed with.
    pub(super) form: Vec<(String, String)>,
}

impl Number {
    pub(super) fn new(account_sid: &str, phone_number: &str, now: i64) -> Self {
        Self {
            sid: fresh_hex("PN", 32),
            account_sid: account_sid.to_owned(),
            phone_number: phone_number.to_owned(),
            voice_url: String::new(),
            voice_method: "POST".to_owned(),
            status_callback: String::new(),
            status_callback_method: "POST".to_owned(),
            date_created: now,
        }
    }

    /// Sets what the update form names, as Twilio does; other fields stay.
    pub(super) fn update(&mut self, form: &[(String, String)]) {
        let fields = [
            ("VoiceUrl", &mut self.voice_url),
            ("VoiceMethod", &mut self.voice_method),
            ("StatusCallback", &mut self.status_callback),
            ("StatusCallbackMethod", &mut self.status_callback_method),
        ];
        for (name, field) in fields {
            if let Some(value) = pairs_named(form, name).pop() {
                *field = value;
            }
        }
    }

    pub(super) fn resource(&self) -> Value {
        json!({
            "account_sid": self.account_sid,
            "address_requirements": "none",
            "api_version": "2010-04-01",
            "beta": false,
            "capabilities": {"voice": true, "sms": true, "mms": true, "fax": false},
            "date_created": rfc2822(self.date_created),
            "date_updated": rfc2822(self.date_created),
            "friendly_name": self.phone_number,
            "phone_number": self.phone_number,
            "sid": self.sid,
            "sms_url": "",
            "status": "in-use",
            "status_callback": self.status_callback,
            "status_callback_method": self.status_callback_method,
            "uri": format!("/2010-04-01/Accounts/{}/IncomingPhoneNumbers/{}.json", self.account_sid, self.sid),
            "voice_caller_id_lookup": false,
            "voice_fallback_url": null,
            "voice_method": self.voice_method,
            "voice_url": self.voice_url,
        })
    }
}

impl Call {
    pub(super) fn new(
        account_sid: &str,
        phone_number_sid: &str,
        to: String,
        from: String,
        form: Vec<(String, String)>,
        now: i64,
    ) -> Self {
        Self {
            sid: fresh_hex("CA", 32),
            account_sid: account_sid.to_owned(),
            phone_number_sid: phone_number_sid.to_owned(),
            to,
            from,
            status: "queued".to_owned(),
            duration: None,
            start_time: None,
            end_time: None,
            date_created: now,
            form,
        }
    }

    pub(super) fn resource(&self) -> Value {
        json!({
            "account_sid": self.account_sid,
            "answered_by": null,
            "api_version": "2010-04-01",
            "caller_name": null,
            "date_created": rfc2822(self.date_created),
            "date_updated": rfc2822(self.end_time.unwrap_or(self.date_created)),
            "direction": "outbound-api",
            "duration": self.duration.map(|secs| secs.to_string()),
            "end_time": self.end_time.map(rfc2822),
            "forwarded_from": null,
            "from": self.from,
            "from_formatted": self.from,
            "group_sid": null,
            "parent_call_sid": null,
            "phone_number_sid": self.phone_number_sid,
            "price": null,
            "price_unit": "USD",
            "queue_time": "0",
            "sid": self.sid,
            "start_time": self.start_time.map(rfc2822),
            "status": self.status,
            "to": self.to,
            "to_formatted": self.to,
            "trunk_sid": null,
            "uri": format!("/2010-04-01/Accounts/{}/Calls/{}.json", self.account_sid, self.sid),
        })
    }
}

/// Twilio's error answer: `{code, message, more_info, status}`.
pub(super) fn twilio_error(status: u16, code: u32, message: &str) -> Answer {
    json_answer(
        status,
        &json!({
            "code": code,
            "message": message,
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
            "status": status,
        }),
    )
}

/// `unix_secs` as Twilio writes times: `Tue, 10 Aug 2010 08:02:17 +0000`.
pub(super) fn rfc2822(unix_secs: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    // Days to a civil date (H. Hinnant's algorithm), counted from 0000-03-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} +0000",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}
