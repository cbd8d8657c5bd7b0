//! The Twilio request signature checked against Twilio's own Python client (PyPI `twilio`,
//! installed by `deploy/test-services.sh`): for URLs and parameters with Unicode, `+`, `&`, `=`,
//! repeated names and ports, the signature computed here is the one Twilio's `RequestValidator`
//! computes, each verifies the other's, and the port forms Twilio's validators accept are
//! accepted here too. Without the client the test fails, never skips.

use botwot_webhooks::twilio::{request_signature, verify_request};
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

const TOKEN: &str = "f3b1c0ffee0ddba11f3b1c0ffee0ddba";

const SCRIPT: &str = r#"
import json, sys
from twilio.request_validator import RequestValidator

class Multi(dict):
    """Form parameters with repeated names, as Flask's MultiDict hands them over."""
    def __init__(self, pairs):
        super().__init__()
        self.lists = {}
        for name, value in pairs:
            self.lists.setdefault(name, []).append(value)
            self[name] = value
    def getall(self, name):
        return self.lists[name]

request = json.load(sys.stdin)
validator = RequestValidator(request["token"])
answers = []
for case in request["cases"]:
    params = Multi(case["params"])
    answers.append({
        "signature": validator.compute_signature(case["url"], params),
        "accepts_ours": [
            validator.validate(url, params, case["ours"]) for url in case["urls"]
        ],
    })
print(json.dumps(answers))
"#;

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

/// Runs Twilio's Python validator over the cases: its signature of each case's URL and
/// parameters, and whether it accepts ours when checking each of the case's URLs. Fails, saying
/// what to run, without the client.
fn ask_python(request: &Value) -> Vec<Value> {
    let missing = "Twilio's Python client is not importable: run `bash deploy/test-services.sh` \
                   (it installs PyPI twilio) and run this test again";
    let probe = Command::new("python3")
        .args(["-c", "import twilio.request_validator"])
        .output()
        .unwrap_or_else(|error| panic!("python3 does not run ({error}). {missing}"));
    assert!(
        probe.status.success(),
        "{missing}\n{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let mut python = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    python
        .stdin
        .take()
        .expect("stdin")
        .write_all(request.to_string().as_bytes())
        .expect("written");
    let output = python.wait_with_output().expect("python finished");
    assert!(
        output.status.success(),
        "Twilio's Python validator failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the validator's answers as JSON")
}

#[test]
fn signatures_agree_with_twilios_python_client() {
    // Each case: the URL signed, its parameters, and the other URLs it may be checked as.
    type Case = (&'static str, Vec<(String, String)>, Vec<&'static str>);
    let cases: Vec<Case> = vec![
        (
            "https://mycompany.com/myapp.php?foo=1&bar=2",
            pairs(&[
                ("CallSid", "CA1234567890ABCDE"),
                ("Caller", "+12349013030"),
                ("Digits", "1234"),
                ("From", "+12349013030"),
                ("To", "+18005551212"),
            ]),
            vec!["https://mycompany.com:443/myapp.php?foo=1&bar=2"],
        ),
        (
            "https://botwot.example/webhooks/twilio/voice?org=ten_1&x=%E2%9C%93",
            pairs(&[
                ("From", "+919812345678"),
                ("CallerName", "Zoë Ångström ✓ 😀"),
                ("SpeechResult", "1+1=2 & a b%20c"),
                ("To", "a&b=c"),
                ("Empty", ""),
                ("City", "São Paulo"),
            ]),
            vec!["https://botwot.example:443/webhooks/twilio/voice?org=ten_1&x=%E2%9C%93"],
        ),
        (
            "https://botwot.example:443/webhooks/twilio/status",
            pairs(&[
                ("Tag", "b"),
                ("Tag", "a"),
                ("Tag", "b"),
                ("A", "z"),
                ("a", "Z"),
                ("Ä", "1"),
                ("Z", "2"),
            ]),
            vec!["https://botwot.example/webhooks/twilio/status"],
        ),
        (
            "http://localhost/voice?From=%2B14155550100",
            vec![],
            vec!["http://localhost:8080/voice?From=%2B14155550100"],
        ),
        (
            "http://botwot.example/voice",
            pairs(&[("CallStatus", "in-progress")]),
            vec!["http://botwot.example:80/voice"],
        ),
    ];
    let request = json!({
        "token": TOKEN,
        "cases": cases.iter().map(|(url, params, forms)| {
            let mut urls = vec![*url];
            urls.extend(forms);
            json!({
                "url": url,
                "params": params,
                "urls": urls,
                "ours": request_signature(TOKEN.as_bytes(), url, params).unwrap(),
            })
        }).collect::<Vec<_>>(),
    });
    let answers = ask_python(&request);
    assert_eq!(answers.len(), cases.len());
    for ((url, params, forms), answer) in cases.iter().zip(&answers) {
        let theirs = answer["signature"].as_str().expect("a signature");
        let ours = request_signature(TOKEN.as_bytes(), url, params).unwrap();
        assert_eq!(ours, theirs, "{url} {params:?}");
        for form in std::iter::once(url).chain(forms) {
            assert_eq!(
                verify_request(TOKEN.as_bytes(), Some(theirs), form, params),
                Ok(()),
                "Python's signature on {url}, checked as {form}"
            );
        }
        let accepted = answer["accepts_ours"].as_array().expect("verdicts");
        assert!(
            accepted.iter().all(|verdict| verdict == &json!(true)),
            "Twilio's validator refused our signature of {url}: {accepted:?}"
        );
    }
}

#[test]
fn a_signature_for_other_parameters_is_refused_by_both() {
    let url = "https://botwot.example/webhooks/twilio/voice";
    let params = pairs(&[("From", "+14155550100"), ("To", "+14155550123")]);
    let tampered = pairs(&[("From", "+14155550199"), ("To", "+14155550123")]);
    let signature = request_signature(TOKEN.as_bytes(), url, &params).unwrap();
    let request = json!({
        "token": TOKEN,
        "cases": [{"url": url, "params": tampered, "urls": [url], "ours": signature}],
    });
    let answers = ask_python(&request);
    assert_eq!(answers[0]["accepts_ours"], json!([false]));
    assert!(verify_request(TOKEN.as_bytes(), Some(&signature), url, &tampered).is_err());
}
