//! Checks that a request really comes from Twilio, before anything acts on it.
//!
//! Twilio signs every request it makes to the account's URLs with the account's auth token:
//! `X-Twilio-Signature` is the Base64 HMAC-SHA1 of the full URL Twilio requested (scheme, host,
//! path and query, exactly as configured) followed, for a form POST, by every parameter sorted
//! by name (ties by value), each name and value appended with nothing between. Twilio's own
//! validators also accept the signature of the same URL with its port removed, or with the
//! scheme's default port added when it has none (`https://host/` and `https://host:443/`), as
//! Twilio has signed both forms; so does [`verify_request`]. A pair given twice counts once, as
//! in Twilio's Python validator.

use crate::mac::claimed_base64;
use crate::meta::signature::SignatureError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// The header Twilio puts the request signature in.
pub const SIGNATURE_HEADER: &str = "x-twilio-signature";

/// An HMAC-SHA1 is 20 bytes (28 characters of padded Base64).
const SIGNATURE_LEN: usize = 20;

/// Verifies `header` (the value of `X-Twilio-Signature`, `None` when absent) against the
/// signature of `url` (the full URL Twilio requested) and the form parameters `params` (empty
/// for a GET) under the account's auth token.
pub fn verify_request(
    auth_token: &[u8],
    header: Option<&str>,
    url: &str,
    params: &[(String, String)],
) -> Result<(), SignatureError> {
    let claimed = claimed_base64(auth_token, header, SIGNATURE_LEN)?;
    let signed = signed_params(params);
    let matches = |url: &str| {
        mac_of(auth_token, url, &signed).is_some_and(|mac| mac.verify_slice(&claimed).is_ok())
    };
    if url_forms(url).iter().any(|form| matches(form)) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The `X-Twilio-Signature` Twilio would send for `url` and `params` (for simulators and
/// tests); `None` when the auth token is empty.
pub fn request_signature(
    auth_token: &[u8],
    url: &str,
    params: &[(String, String)],
) -> Option<String> {
    let mac = mac_of(auth_token, url, &signed_params(params))?;
    Some(STANDARD.encode(mac.finalize().into_bytes()))
}

/// The parameters in the order they are signed: by name, then by value, each pair once.
fn signed_params(params: &[(String, String)]) -> Vec<(&str, &str)> {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
}

fn mac_of(auth_token: &[u8], url: &str, params: &[(&str, &str)]) -> Option<Hmac<Sha1>> {
    if auth_token.is_empty() {
        return None;
    }
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token).ok()?;
    mac.update(url.as_bytes());
    for (name, value) in params {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    Some(mac)
}

/// The forms of `url` a genuine signature may have been made on: as given, without its port,
/// and with the scheme's default port when it has none. A URL that is not `scheme://...` has
/// only the form given.
fn url_forms(url: &str) -> Vec<String> {
    let mut forms = vec![url.to_owned()];
    let Some((scheme, rest)) = url.split_once("://") else {
        return forms;
    };
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_len);
    let host_start = authority.rfind('@').map_or(0, |at| at + 1);
    let (userinfo, host_port) = authority.split_at(host_start);
    match port_start(host_port) {
        Some(colon) => {
            let host = &host_port[..colon];
            forms.push(format!("{scheme}://{userinfo}{host}{tail}"));
        }
        None => {
            let port = if scheme.eq_ignore_ascii_case("https") {
                443
            } else {
                80
            };
            forms.push(format!("{scheme}://{userinfo}{host_port}:{port}{tail}"));
        }
    }
    forms
}

/// Where `:port` starts in `host[:port]` (the host may be a bracketed IPv6 address), when a
/// port of digits is there.
fn port_start(host_port: &str) -> Option<usize> {
    let host_end = if host_port.starts_with('[') {
        host_port.find(']')? + 1
    } else {
        host_port.rfind(':')?
    };
    let port = host_port.get(host_end..)?.strip_prefix(':')?;
    (!port.is_empty() && port.bytes().all(|byte| byte.is_ascii_digit())).then_some(host_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &[u8] = b"12345";
    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

    /// The parameters of the example in Twilio's security documentation.
    fn docs_params() -> Vec<(String, String)> {
        [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
    }

    #[test]
    fn twilios_documented_example_signs_and_verifies() {
        // Twilio's docs: auth token 12345, this URL and these parameters sign to this value.
        let expected = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
        assert_eq!(
            request_signature(TOKEN, URL, &docs_params()).as_deref(),
            Some(expected)
        );
        assert_eq!(
            verify_request(TOKEN, Some(expected), URL, &docs_params()),
            Ok(())
        );
        let mut shuffled = docs_params();
        shuffled.reverse();
        assert_eq!(
            verify_request(TOKEN, Some(expected), URL, &shuffled),
            Ok(())
        );
        // The same parameters on example.com sign to another value (checked against Twilio's
        // Python client, which gives vNe7KK2kJwCsxc9K3OLkkKB3qqI=).
        assert_eq!(
            request_signature(
                TOKEN,
                "https://example.com/myapp.php?foo=1&bar=2",
                &docs_params()
            )
            .as_deref(),
            Some("vNe7KK2kJwCsxc9K3OLkkKB3qqI=")
        );
    }

    #[test]
    fn anything_else_is_refused_with_its_reason() {
        use SignatureError::*;
        let params = docs_params();
        let good = request_signature(TOKEN, URL, &params).unwrap();
        let check = |token: &[u8], header: Option<&str>, url: &str, params: &[(String, String)]| {
            verify_request(token, header, url, params).unwrap_err()
        };
        let mut changed = docs_params();
        changed[2].1 = "1235".into();
        assert_eq!(check(TOKEN, Some(&good), URL, &changed), Mismatch);
        assert_eq!(check(TOKEN, Some(&good), URL, &params[1..]), Mismatch);
        assert_eq!(check(b"54321", Some(&good), URL, &params), Mismatch);
        let other_query = "https://mycompany.com/myapp.php?foo=1&bar=3";
        assert_eq!(check(TOKEN, Some(&good), other_query, &params), Mismatch);
        assert_eq!(check(TOKEN, None, URL, &params), MissingHeader);
        assert_eq!(check(b"", Some(&good), URL, &params), NoSecret);
        let malformed = [
            "not base64 at all, not at all",
            "!!!!!!!!!!!!!!!!!!!!!!!!!!!=",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "AAAA",
            "",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ];
        for header in malformed {
            assert_eq!(
                check(TOKEN, Some(header), URL, &params),
                MalformedHeader,
                "{header}"
            );
        }
        assert_eq!(request_signature(b"", URL, &params), None);
        let padded = format!("  {good}\n");
        assert_eq!(verify_request(TOKEN, Some(&padded), URL, &params), Ok(()));
    }

    #[test]
    fn the_default_port_may_be_added_or_removed() {
        let pairs = [
            (
                "https://host.example/voice?x=1",
                "https://host.example:443/voice?x=1",
            ),
            ("http://host.example/voice", "http://host.example:80/voice"),
            ("https://host.example", "https://host.example:443"),
            (
                "https://u:p@host.example/v",
                "https://u:p@host.example:443/v",
            ),
            ("https://[2001:db8::1]/v", "https://[2001:db8::1]:443/v"),
        ];
        let params = docs_params();
        for (bare, with_port) in pairs {
            let on_bare = request_signature(TOKEN, bare, &params).unwrap();
            let on_port = request_signature(TOKEN, with_port, &params).unwrap();
            assert_ne!(on_bare, on_port);
            for signature in [&on_bare, &on_port] {
                assert_eq!(
                    verify_request(TOKEN, Some(signature), bare, &params),
                    Ok(())
                );
                assert_eq!(
                    verify_request(TOKEN, Some(signature), with_port, &params),
                    Ok(())
                );
            }
        }
        let other_host = request_signature(TOKEN, "https://other.example/voice", &params).unwrap();
        assert_eq!(
            verify_request(
                TOKEN,
                Some(&other_host),
                "https://host.example/voice",
                &params
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn url_forms_follow_twilios_validators() {
        assert_eq!(
            url_forms("https://h.example:8443/a?b=c"),
            ["https://h.example:8443/a?b=c", "https://h.example/a?b=c"]
        );
        assert_eq!(
            url_forms("HTTPS://h.example"),
            ["HTTPS://h.example", "HTTPS://h.example:443"]
        );
        assert_eq!(url_forms("/relative"), ["/relative"]);
        assert_eq!(port_start("[::1]"), None);
        assert_eq!(port_start("[::1]:80"), Some(5));
        assert_eq!(port_start("[::1"), None);
        assert_eq!(port_start("h:x"), None);
    }

    #[test]
    fn a_repeated_pair_is_signed_once_and_values_of_one_name_in_order() {
        let pair = |name: &str, value: &str| (name.to_owned(), value.to_owned());
        let once = request_signature(TOKEN, URL, &[pair("A", "1"), pair("B", "2")]);
        let twice = request_signature(
            TOKEN,
            URL,
            &[pair("B", "2"), pair("A", "1"), pair("B", "2")],
        );
        assert_eq!(once, twice);
        let values = request_signature(TOKEN, URL, &[pair("A", "2"), pair("A", "1")]);
        let manual = mac_of(TOKEN, &format!("{URL}A1A2"), &[]).unwrap();
        assert_eq!(
            values,
            Some(STANDARD.encode(manual.finalize().into_bytes()))
        );
    }
}
