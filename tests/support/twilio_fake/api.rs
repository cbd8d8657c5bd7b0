//! The HTTP side of the fake Twilio: each request signed in as the account in its path, then
//! routed to the account's numbers and calls, or refused as Twilio refuses it.

use super::fake_api::{Answer, RecordedRequest, basic_authorization, json_answer, pairs_named};
use super::resources::{Call, twilio_error};
use super::{INVALID_TO, State};

impl State {
    pub(super) fn answer(&mut self, request: &RecordedRequest) -> Answer {
        let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
        let ["2010-04-01", "Accounts", account, rest @ ..] = segments.as_slice() else {
            return not_found(&request.path);
        };
        let signed_in = self.accounts.get(*account).is_some_and(|token| {
            request.authorization() == Some(basic_authorization(account, token).as_str())
        });
        if !signed_in {
            return twilio_error(401, 20003, "Authenticate");
        }
        let form = request.form();
        let found = match (request.method.as_str(), rest) {
            ("GET", ["IncomingPhoneNumbers.json"]) => {
                Some(self.list_numbers(account, request.query_value("PhoneNumber")))
            }
            ("GET", ["IncomingPhoneNumbers", file]) => self
                .numbers
                .get(sid_of(file))
                .filter(|number| number.account_sid == *account)
                .map(|number| json_answer(200, &number.resource())),
            ("POST", ["IncomingPhoneNumbers", file]) => self
                .numbers
                .get_mut(sid_of(file))
                .filter(|number| number.account_sid == *account)
                .map(|number| {
                    number.update(&form);
                    json_answer(200, &number.resource())
                }),
            ("POST", ["Calls.json"]) => Some(self.place_call(account, form)),
            ("GET", ["Calls", file]) => self
                .calls
                .get(sid_of(file))
                .filter(|call| call.account_sid == *account)
                .map(|call| json_answer(200, &call.resource())),
            _ => None,
        };
        found.unwrap_or_else(|| not_found(&request.path))
    }

    fn list_numbers(&self, account: &str, phone_number: Option<&str>) -> Answer {
        let numbers: Vec<_> = self
            .numbers
            .values()
            .filter(|number| number.account_sid == account)
            .filter(|number| phone_number.is_none_or(|wanted| number.phone_number == wanted))
            .map(|number| number.resource())
            .collect();
        let uri =
            format!("/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json?PageSize=50&Page=0");
        json_answer(
            200,
            &serde_json::json!({
                "end": numbers.len().saturating_sub(1),
                "first_page_uri": uri,
                "incoming_phone_numbers": numbers,
                "next_page_uri": null,
                "page": 0,
                "page_size": 50,
                "previous_page_uri": null,
                "start": 0,
                "uri": uri,
            }),
        )
    }

    fn place_call(&mut self, account: &str, form: Vec<(String, String)>) -> Answer {
        let first = |name: &str| pairs_named(&form, name).into_iter().next();
        let Some(to) = first("To").filter(|to| !to.is_empty()) else {
            return twilio_error(400, 21201, "No 'To' number is specified");
        };
        if self.invalid_to.contains(&to) {
            return twilio_error(400, INVALID_TO, "Invalid 'To' Phone Number");
        }
        let from = first("From").unwrap_or_default();
        let Some(number_sid) = self
            .numbers
            .values()
            .find(|number| number.account_sid == account && number.phone_number == from)
            .map(|number| number.sid.clone())
        else {
            return twilio_error(
                400,
                21210,
                &format!(
                    "The source phone number provided, {from}, is not yet verified for your account."
                ),
            );
        };
        if first("Url").is_none_or(|url| url.is_empty()) {
            return twilio_error(400, 21205, "Url parameter is required.");
        }
        let call = Call::new(account, &number_sid, to, from, form, self.now());
        let resource = call.resource();
        self.placed.push(call.sid.clone());
        self.calls.insert(call.sid.clone(), call);
        json_answer(201, &resource)
    }
}

/// `PN….json` as `PN…`.
fn sid_of(file: &str) -> &str {
    file.strip_suffix(".json").unwrap_or(file)
}

fn not_found(path: &str) -> Answer {
    twilio_error(
        404,
        20404,
        &format!("The requested resource {path} was not found"),
    )
}
