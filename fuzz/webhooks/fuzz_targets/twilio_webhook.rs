//! Feeds arbitrary bytes, as a Twilio request body, to the form reader, the call event reader
//! and the `X-Twilio-Signature` check, with a URL and header values cut from the same bytes (the
//! seeds in fuzz/webhooks/seeds include a voice request shaped like Twilio's examples).
//!
//! Must hold: nothing panics; a refused body has a stable `twilio_*` code; a read form has at
//! most `MAX_FIELDS` fields; an accepted call has well-formed SIDs; the signature Twilio would
//! send always verifies, in any parameter order and with the URL's default port added or
//! removed; a header that is not 28 characters is `signature_malformed`.

#![no_main]

use botwot_webhooks::meta::signature::SignatureError;
use botwot_webhooks::twilio::{
    MAX_FIELDS, parse_call_event, parse_form, request_signature, verify_request,
};
use libfuzzer_sys::fuzz_target;

const TOKEN: &[u8] = b"fuzzing-auth-token";

fuzz_target!(|body: &[u8]| {
    let params = match parse_form(body) {
        Ok(params) => params,
        Err(error) => {
            assert!(error.code().starts_with("twilio_form_"), "{error:?}");
            return;
        }
    };
    assert!(params.len() <= MAX_FIELDS);
    match parse_call_event(&params) {
        Ok(call) => {
            assert!(is_sid(&call.call_sid, "CA"), "{call:?}");
            assert!(is_sid(&call.account_sid, "AC"), "{call:?}");
        }
        Err(error) => assert!(error.code().starts_with("twilio_"), "{error:?}"),
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(80)]);
    check_signature(&params, &head);
});

fn check_signature(params: &[(String, String)], head: &str) {
    let bare = format!("https://botwot.example/{head}");
    let with_port = format!("https://botwot.example:443/{head}");
    for url in [bare.as_str(), with_port.as_str(), head] {
        let genuine = request_signature(TOKEN, url, params).expect("a non-empty token signs");
        assert_eq!(verify_request(TOKEN, Some(&genuine), url, params), Ok(()));
        let mut reversed = params.to_vec();
        reversed.reverse();
        assert_eq!(
            verify_request(TOKEN, Some(&genuine), url, &reversed),
            Ok(())
        );
        let verdict = verify_request(TOKEN, Some(head), url, params);
        if head.trim().len() != 28 {
            assert_eq!(verdict, Err(SignatureError::MalformedHeader), "{head:?}");
        }
        assert_eq!(
            verify_request(b"", Some(&genuine), url, params),
            Err(SignatureError::NoSecret)
        );
    }
    let on_port = request_signature(TOKEN, &with_port, params).expect("signed");
    assert_eq!(verify_request(TOKEN, Some(&on_port), &bare, params), Ok(()));
    let on_bare = request_signature(TOKEN, &bare, params).expect("signed");
    assert_eq!(
        verify_request(TOKEN, Some(&on_bare), &with_port, params),
        Ok(())
    );
}

fn is_sid(sid: &str, prefix: &str) -> bool {
    sid.strip_prefix(prefix)
        .is_some_and(|digits| digits.len() == 32 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
}
