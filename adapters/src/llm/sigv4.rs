//! AWS Signature Version 4 for JSON POSTs to AWS services: the canonical request, the string to
//! sign, the derived signing key and the `Authorization` header, as AWS's "Create a signed AWS
//! API request" guide describes. Paths are URI-encoded once more per segment (every service but
//! S3 signs the doubly-encoded path), headers are lower-cased, trimmed and sorted.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Static AWS credentials. `Debug` never shows the secret or token.
#[derive(Clone)]
pub struct AwsCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    /// The token of temporary credentials, sent as `x-amz-security-token`.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for AwsCredentials {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AwsCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// What a signature is over.
#[derive(Clone, Debug)]
pub struct SignableRequest<'a> {
    pub method: &'a str,
    /// The path as sent on the wire (already percent-encoded), such as `/model/x%3A0/converse`.
    pub path: &'a str,
    /// The query as `name=value` pairs joined by `&`, not yet percent-encoded; empty when none.
    pub query: &'a str,
    /// Every header to sign, `host` and `x-amz-date` included; names in any case.
    pub headers: &'a [(String, String)],
    pub payload: &'a [u8],
}

/// Who signs, where and when.
#[derive(Clone, Copy, Debug)]
pub struct SigningScope<'a> {
    pub region: &'a str,
    pub service: &'a str,
    /// `YYYYMMDD'T'HHMMSS'Z'`, the request's `x-amz-date`.
    pub amz_date: &'a str,
}

impl SigningScope<'_> {
    fn date(&self) -> &str {
        self.amz_date.get(..8).unwrap_or(self.amz_date)
    }
    fn credential_scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date(),
            self.region,
            self.service
        )
    }
}

/// The canonical request of step 1 of the signing process.
pub fn canonical_request(request: &SignableRequest<'_>) -> String {
    let (canonical_headers, signed_headers) = canonical_headers(request.headers);
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_uri(request.path),
        canonical_query(request.query),
        canonical_headers,
        signed_headers,
        hex::encode(Sha256::digest(request.payload))
    )
}

/// The string to sign of step 2.
pub fn string_to_sign(request: &SignableRequest<'_>, scope: &SigningScope<'_>) -> String {
    format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        scope.amz_date,
        scope.credential_scope(),
        hex::encode(Sha256::digest(canonical_request(request).as_bytes()))
    )
}

/// The hex signature of steps 3 and 4.
pub fn signature(
    request: &SignableRequest<'_>,
    scope: &SigningScope<'_>,
    secret_access_key: &str,
) -> String {
    let key = signing_key(secret_access_key, scope);
    hex::encode(hmac_sha256(&key, string_to_sign(request, scope).as_bytes()))
}

/// The `Authorization` header value for `request`.
pub fn authorization(
    request: &SignableRequest<'_>,
    scope: &SigningScope<'_>,
    credentials: &AwsCredentials,
) -> String {
    let (_, signed_headers) = canonical_headers(request.headers);
    format!(
        "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={}",
        credentials.access_key_id,
        scope.credential_scope(),
        signed_headers,
        signature(request, scope, &credentials.secret_access_key)
    )
}

fn signing_key(secret_access_key: &str, scope: &SigningScope<'_>) -> Vec<u8> {
    let date = hmac_sha256(
        format!("AWS4{secret_access_key}").as_bytes(),
        scope.date().as_bytes(),
    );
    let region = hmac_sha256(&date, scope.region.as_bytes());
    let service = hmac_sha256(&region, scope.service.as_bytes());
    hmac_sha256(&service, b"aws4_request")
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this never fails.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// Each segment of the wire path encoded again; `/` when empty.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    path.split('/')
        .map(uri_encode)
        .collect::<Vec<_>>()
        .join("/")
}

/// Query parameters encoded and sorted by name, then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (uri_encode(name), uri_encode(value))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical header block (each `name:value\n`) and the signed header list.
fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            (name.to_ascii_lowercase(), value)
        })
        .collect();
    headers.sort();
    let block = headers
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let names = headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    (block, names)
}

/// RFC 3986 encoding of everything but the unreserved characters, hex in upper case.
pub fn uri_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The credentials of AWS's Signature Version 4 test suite.
    fn suite_credentials() -> AwsCredentials {
        AwsCredentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
        }
    }

    fn suite_scope() -> SigningScope<'static> {
        SigningScope {
            region: "us-east-1",
            service: "service",
            amz_date: "20150830T123600Z",
        }
    }

    fn suite_headers() -> Vec<(String, String)> {
        vec![
            ("Host".into(), "example.amazonaws.com".into()),
            ("X-Amz-Date".into(), "20150830T123600Z".into()),
        ]
    }

    /// The test suite's `get-vanilla`: canonical request, string to sign and signature as
    /// published.
    #[test]
    fn get_vanilla_matches_the_aws_test_suite() {
        let headers = suite_headers();
        let request = SignableRequest {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            payload: b"",
        };
        assert_eq!(
            canonical_request(&request),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            string_to_sign(&request, &suite_scope()),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
             bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
        assert_eq!(
            authorization(&request, &suite_scope(), &suite_credentials()),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    /// The test suite's `post-vanilla`.
    #[test]
    fn post_vanilla_matches_the_aws_test_suite() {
        let headers = suite_headers();
        let request = SignableRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            payload: b"",
        };
        assert_eq!(
            signature(
                &request,
                &suite_scope(),
                &suite_credentials().secret_access_key
            ),
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        );
    }

    /// A Converse-shaped request (a model id with `:`), its signature computed independently
    /// with Python's `hmac`/`hashlib` when this test was written.
    #[test]
    fn a_converse_request_matches_an_independent_computation() {
        let headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            (
                "Host".to_owned(),
                "bedrock-runtime.us-east-1.amazonaws.com".to_owned(),
            ),
            ("X-Amz-Date".to_owned(), "20240101T000000Z".to_owned()),
        ];
        let request = SignableRequest {
            method: "POST",
            path: "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
            query: "",
            headers: &headers,
            payload: br#"{"messages":[{"role":"user","content":[{"text":"Hello!"}]}]}"#,
        };
        let scope = SigningScope {
            region: "us-east-1",
            service: "bedrock",
            amz_date: "20240101T000000Z",
        };
        assert_eq!(
            signature(&request, &scope, &suite_credentials().secret_access_key),
            "4b82fcbdea46d28edfd2292ae0d24c466c576b35a21c5b1a085d7340a4c4d159"
        );
    }

    #[test]
    fn paths_are_encoded_again_and_queries_sorted() {
        assert_eq!(
            canonical_uri("/model/anthropic.claude-v2%3A1/converse"),
            "/model/anthropic.claude-v2%253A1/converse"
        );
        assert_eq!(canonical_query("b=2&a=x y"), "a=x%20y&b=2");
    }

    #[test]
    fn debug_hides_the_secret() {
        let text = format!("{:?}", suite_credentials());
        assert!(text.contains("AKIDEXAMPLE") && !text.contains("EXAMPLEKEY"));
    }
}
