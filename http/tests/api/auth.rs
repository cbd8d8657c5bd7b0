//! Signing up with an emailed code, signing in, refreshing, signing out, resetting a password;
//! forged and expired tokens; one-time-code lockout; per-address rate limits.

use crate::support::{Reply, TestApp};
use axum::http::{Method, StatusCode};
use botwot_actors::SystemClock;
use botwot_adapters::auth::tokens::Subject;
use botwot_engine::TenantId;
use botwot_engine::time::{Clock, ManualClock, Timestamp};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const PASSWORD: &str = "correct horse battery";

async fn with_token(app: &TestApp, method: Method, path: &str, token: &str) -> Reply {
    let bearer = format!("Bearer {token}");
    app.call(method, path, None, &[("authorization", bearer.as_str())])
        .await
}

/// Signs up `email` as the owner of a new organisation; returns the reply body.
async fn sign_up(app: &TestApp, email: &str) -> Value {
    let asked = app
        .open_post("/v1/auth/signup", json!({"email": email}))
        .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{:?}", asked.body);
    let code = app.mailed_code(email).await;
    let verified = app
        .open_post(
            "/v1/auth/signup/verify",
            json!({"email": email, "code": code, "password": PASSWORD,
               "firstName": "Ana", "lastName": "Lima", "organisationName": "Acme"}),
        )
        .await;
    assert_eq!(verified.status, StatusCode::CREATED, "{:?}", verified.body);
    verified.body
}

#[tokio::test]
async fn signing_up_creates_an_organisation_whose_owner_can_use_the_api() {
    let app = TestApp::new().await;
    let signed_up = sign_up(&app, "Ana@Acme.test").await;
    assert_eq!(signed_up["organisation"]["subscriptionTier"], "BASE");
    assert_eq!(signed_up["organisation"]["limits"]["users"], 5);
    assert_eq!(signed_up["user"]["email"], "ana@acme.test");
    assert_eq!(signed_up["user"]["role"], "SUPERADMIN");
    assert_eq!(signed_up["tokenType"], "Bearer");
    assert_eq!(signed_up["expiresIn"], 3600);
    assert!(signed_up["user"].get("passwordHash").is_none());
    let token = signed_up["accessToken"].as_str().unwrap();

    let me = with_token(&app, Method::GET, "/v1/me", token).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["organisation"]["name"], "Acme");
    let bearer = format!("Bearer {token}");
    let created = app
        .call(
            Method::POST,
            "/v1/bots",
            Some(r#"{"botName": "Ava"}"#),
            &[("authorization", bearer.as_str())],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.body["tenantId"], signed_up["organisation"]["id"]);
    // The test app's own organisation does not see it.
    assert_eq!(app.get("/v1/bots").await.body["items"], json!([]));

    // The code was used up, and the address cannot found a second organisation.
    let again = app
        .open_post("/v1/auth/signup", json!({"email": "ana@acme.test"}))
        .await;
    assert_eq!(
        again.status,
        StatusCode::ACCEPTED,
        "no hint that the address exists"
    );
    let notice = app
        .call(
            Method::GET,
            "/v1/dev/mailbox?email=ana@acme.test",
            None,
            &[("authorization", "")],
        )
        .await;
    assert!(
        notice.body[0]["text"]
            .as_str()
            .unwrap()
            .contains("already has an account")
    );
}

#[tokio::test]
async fn bad_sign_up_input_names_every_field_at_fault() {
    let app = TestApp::new().await;
    let bad = app
        .open_post("/v1/auth/signup", json!({"email": "not-an-address"}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields_at_fault(), ["email"]);
    let weak = app
        .open_post(
            "/v1/auth/signup/verify",
            json!({"email": "x@y.test", "code": "123456", "password": "short",
               "firstName": "", "organisationName": ""}),
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        weak.fields_at_fault(),
        ["password", "firstName", "organisationName"]
    );
    let unknown = app
        .open_post("/v1/auth/login", json!({"email": "a@b.test", "pass": "x"}))
        .await;
    assert_eq!(unknown.code(), "invalid_json");
}

#[tokio::test]
async fn login_refresh_reuse_and_logout() {
    let app = TestApp::new().await;
    sign_up(&app, "bo@acme.test").await;
    let wrong = app
        .open_post(
            "/v1/auth/login",
            json!({"email": "bo@acme.test", "password": "wrong password"}),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    let nobody = app
        .open_post(
            "/v1/auth/login",
            json!({"email": "nobody@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        nobody.body, wrong.body,
        "unknown addresses look like wrong passwords"
    );

    let login = app
        .open_post(
            "/v1/auth/login",
            json!({"email": "BO@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{:?}", login.body);
    let first = login.body["refreshToken"].as_str().unwrap().to_owned();
    assert!(login.body["user"]["lastLoginAt"].is_string());

    let refreshed = app
        .open_post("/v1/auth/refresh", json!({"refreshToken": first}))
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{:?}", refreshed.body);
    let second = refreshed.body["refreshToken"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let new_access = refreshed.body["accessToken"].as_str().unwrap();
    assert_eq!(
        with_token(&app, Method::GET, "/v1/me", new_access)
            .await
            .status,
        StatusCode::OK
    );

    // The spent token again: someone copied it, so the whole sign-in ends.
    let reused = app
        .open_post("/v1/auth/refresh", json!({"refreshToken": first}))
        .await;
    assert_eq!(
        (reused.status, reused.code()),
        (StatusCode::UNAUTHORIZED, "invalid_refresh_token")
    );
    assert!(
        reused.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("refresh_reused")
    );
    let after = app
        .open_post("/v1/auth/refresh", json!({"refreshToken": second}))
        .await;
    assert_eq!(after.code(), "invalid_refresh_token");
    assert!(
        after.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("refresh_revoked")
    );

    // A fresh sign-in, then signing out ends it.
    let login = app
        .open_post(
            "/v1/auth/login",
            json!({"email": "bo@acme.test", "password": PASSWORD}),
        )
        .await;
    let token = login.body["refreshToken"].as_str().unwrap().to_owned();
    let out = app
        .open_post("/v1/auth/logout", json!({"refreshToken": token}))
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let refused = app
        .open_post("/v1/auth/refresh", json!({"refreshToken": token}))
        .await;
    assert_eq!(refused.code(), "invalid_refresh_token");
    for junk in ["", "nonsense", "rtf_0.abc", "usr_1.abc"] {
        let reply = app
            .open_post("/v1/auth/refresh", json!({"refreshToken": junk}))
            .await;
        assert_eq!(reply.code(), "invalid_refresh_token", "{junk}");
    }
}

#[tokio::test]
async fn a_password_reset_needs_the_emailed_code() {
    let app = TestApp::new().await;
    let signed_up = sign_up(&app, "cy@acme.test").await;
    let asked = app
        .open_post("/v1/auth/password-reset", json!({"email": "cy@acme.test"}))
        .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED);
    let code = app.mailed_code("cy@acme.test").await;
    let unknown = app
        .open_post(
            "/v1/auth/password-reset",
            json!({"email": "nobody@acme.test"}),
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::ACCEPTED,
        "no hint that the address is unknown"
    );

    let wrong = app
        .open_post(
            "/v1/auth/password-reset/confirm",
            json!({"email": "cy@acme.test", "code": "000000", "password": "a brand new password"}),
        )
        .await;
    if code != "000000" {
        assert_eq!(wrong.code(), "invalid_code");
    }
    let done = app
        .open_post(
            "/v1/auth/password-reset/confirm",
            json!({"email": "cy@acme.test", "code": code, "password": "a brand new password"}),
        )
        .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{:?}", done.body);
    let old = app
        .open_post(
            "/v1/auth/login",
            json!({"email": "cy@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(old.code(), "invalid_credentials");
    let new = app
        .open_post(
            "/v1/auth/login",
            json!({"email": "cy@acme.test", "password": "a brand new password"}),
        )
        .await;
    assert_eq!(new.status, StatusCode::OK);
    // The reset ended the sign-in made before it.
    let old_refresh = signed_up["refreshToken"].as_str().unwrap();
    let ended = app
        .open_post("/v1/auth/refresh", json!({"refreshToken": old_refresh}))
        .await;
    assert_eq!(ended.code(), "invalid_refresh_token");
}

#[tokio::test]
async fn guessing_a_code_locks_the_address() {
    let app = TestApp::new().await;
    app.open_post("/v1/auth/signup", json!({"email": "eve@acme.test"}))
        .await;
    let code = app.mailed_code("eve@acme.test").await;
    let wrong = if code == "111111" { "222222" } else { "111111" };
    let attempt = |code: String| {
        let app = &app;
        async move {
            app.open_post(
                "/v1/auth/signup/verify",
                json!({"email": "eve@acme.test", "code": code, "password": PASSWORD,
                       "firstName": "Eve", "organisationName": "Evil"}),
            )
            .await
        }
    };
    for remaining in (1..5).rev() {
        let reply = attempt(wrong.to_owned()).await;
        assert_eq!(reply.code(), "invalid_code");
        assert!(
            reply.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{remaining} attempts left"))
        );
    }
    let locked = attempt(wrong.to_owned()).await;
    assert_eq!(
        (locked.status, locked.code()),
        (StatusCode::TOO_MANY_REQUESTS, "code_locked")
    );
    assert!(locked.headers.contains_key("retry-after"));
    // Even the right code is refused now, and asking for a new one does not unlock it.
    assert_eq!(attempt(code).await.code(), "code_locked");
    let resend = app
        .open_post("/v1/auth/signup", json!({"email": "eve@acme.test"}))
        .await;
    assert_eq!(resend.code(), "code_locked");
}

#[tokio::test]
async fn attempts_per_address_are_rate_limited_and_recover() {
    let start = SystemClock.now();
    let clock = Arc::new(ManualClock::starting_at(start));
    let app = TestApp::with_http_clock(clock.clone()).await;
    let login = || {
        app.open_post(
            "/v1/auth/login",
            json!({"email": "flood@acme.test", "password": "whatever it is"}),
        )
    };
    for _ in 0..10 {
        assert_eq!(login().await.code(), "invalid_credentials");
    }
    let limited = login().await;
    assert_eq!(
        (limited.status, limited.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert!(limited.headers.contains_key("retry-after"));
    // Another address is not affected.
    let other = app
        .open_post(
            "/v1/auth/login",
            json!({"email": "calm@acme.test", "password": "whatever it is"}),
        )
        .await;
    assert_eq!(other.code(), "invalid_credentials");
    clock.advance(Duration::from_secs(7));
    assert_eq!(
        login().await.code(),
        "invalid_credentials",
        "one attempt earned back"
    );
}

#[tokio::test]
async fn forged_expired_and_foreign_tokens_are_refused() {
    let app = TestApp::new().await;
    let valid = app.owner.token.clone();
    assert_eq!(
        with_token(&app, Method::GET, "/v1/me", &valid).await.status,
        StatusCode::OK
    );

    let missing = app
        .call(Method::GET, "/v1/me", None, &[("authorization", "")])
        .await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let basic = app
        .call(
            Method::GET,
            "/v1/me",
            None,
            &[("authorization", "Basic abc")],
        )
        .await;
    assert_eq!(basic.code(), "unauthorized");

    let (header, rest) = valid.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let mut tampered_payload = payload.to_owned();
    let last = tampered_payload.pop().unwrap();
    tampered_payload.push(if last == 'A' { 'B' } else { 'A' });
    let none_header = base64_url(r#"{"alg":"none","typ":"JWT","kid":"test"}"#);
    let hs512_header = base64_url(r#"{"alg":"HS512","typ":"JWT","kid":"test"}"#);
    let cases = [
        (
            format!("{header}.{tampered_payload}.{signature}"),
            "token_bad_signature",
        ),
        (format!("{none_header}.{payload}."), "token_alg_none"),
        (
            format!("{hs512_header}.{payload}.{signature}"),
            "token_alg_unsupported",
        ),
        ("not.a.jwt".to_owned(), "token_malformed"),
    ];
    for (token, detail) in cases {
        let reply = with_token(&app, Method::GET, "/v1/me", &token).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::UNAUTHORIZED, "invalid_token"),
            "{detail}"
        );
        assert!(
            reply.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(detail),
            "{:?}",
            reply.body
        );
    }

    let subject = Subject {
        user_id: app.owner.user.id.to_string(),
        email_id: app.owner.user.email.clone(),
        org_id: TenantId::from("default"),
        role_id: "SUPERADMIN".into(),
    };
    let two_hours_ago = Timestamp::from_millis(SystemClock.now().millis() - 2 * 3600 * 1000);
    let expired = app
        .state
        .auth
        .tokens
        .issue(subject.clone(), two_hours_ago)
        .unwrap();
    let reply = with_token(&app, Method::GET, "/v1/me", &expired).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::UNAUTHORIZED, "token_expired")
    );

    // Signed by another deployment's key (same kid, different secret).
    let elsewhere = TestApp::with_config(botwot_http::HttpConfig {
        auth: botwot_http::auth::AuthConfig {
            jwt_keys: vec![botwot_http::auth::JwtKey {
                kid: "test".into(),
                secret: "another-deployments-secret-also-32-bytes-long".into(),
            }],
            ..crate::support::test_auth()
        },
        ..botwot_http::HttpConfig::default()
    })
    .await;
    let foreign = elsewhere
        .state
        .auth
        .tokens
        .issue(subject.clone(), SystemClock.now())
        .unwrap();
    let reply = with_token(&app, Method::GET, "/v1/me", &foreign).await;
    assert_eq!(reply.code(), "invalid_token");

    // A valid token of a user who no longer exists, or names another organisation.
    let ghost = Subject {
        user_id: "usr_gone".into(),
        ..subject.clone()
    };
    let token = app
        .state
        .auth
        .tokens
        .issue(ghost, SystemClock.now())
        .unwrap();
    assert_eq!(
        with_token(&app, Method::GET, "/v1/me", &token).await.code(),
        "invalid_token"
    );
    let moved = Subject {
        org_id: TenantId::from("acme"),
        ..subject
    };
    let token = app
        .state
        .auth
        .tokens
        .issue(moved, SystemClock.now())
        .unwrap();
    assert_eq!(
        with_token(&app, Method::GET, "/v1/me", &token).await.code(),
        "invalid_token"
    );
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}
