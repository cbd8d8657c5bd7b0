//! The WhatsApp webhook path against bare axum, measured in one run (issue 8).
//!
//! The same closed-loop load (`SENDERS` concurrent senders, default 32, sharing one `reqwest`
//! client over loopback HTTP, each posting for `SECONDS`, default 5) goes to three targets:
//! - (a) a bare axum handler that answers 200 to a POST, served by this benchmark;
//! - (b) an axum handler, served by this benchmark, that checks the `X-Hub-Signature-256`
//!   HMAC-SHA256 of the body under the app secret (BotWot's own `verify_signature`) and parses
//!   the body as a `serde_json::Value` before answering 200;
//! - (c) `POST /webhooks/meta` of the real `botwot` binary on the embedded store (or the
//!   resident one, `BACKEND=resident`), started as the
//!   end-to-end tests start it (fake Graph API, WhatsApp number connected), which answers 200
//!   once the message is appended and synced to its inbound log (ADR 0019) and applies it to
//!   the session behind; after each load on (c) the benchmark waits until the log's backlog is
//!   applied and prints how long that took, so the sustained rate is printed beside the
//!   acknowledgements.
//!
//! Every request is a new signed WhatsApp text (its own `wamid`) from one of `CONTACTS`
//! contacts (default 500, under the Base plan's 1,000 conversations a month), so (c) stores each
//! one; (a) and (b) get the same bodies in the same order. Printed per target: requests per
//! second, p50/p90/p99/max latency and non-200 answers; then (c) against (a) and (b). Then (b)
//! and (c) again, open loop at fixed rates (half of (c)'s closed-loop throughput, then half of
//! (b)'s), each latency timed from when its request was due, and their p99s compared. Run:
//! `cargo bench --bench webhook_baseline` (`WORKERS=n` sets the tokio workers;
//! `BOTWOT__INBOUND_LOG__ENABLED=false` runs (c) answering after the session's commit instead;
//! `BACKEND=resident` runs (c) on the resident store instead of redb).

mod support;

#[path = "../tests/support/mod.rs"]
mod e2e;
#[path = "support/http_load.rs"]
mod http_load;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use botwot_adapters::meta::signature::{SIGNATURE_HEADER, verify_signature};
use e2e::meta::{
    APP_SECRET, FakeGraph, connect_whatsapp, inbound_text_from, signature, start_server_on,
};
use http_load::{Figures, Post};
use std::time::Duration;
use support::{env_or, ms, percentile, runtime};

const WEBHOOK_PATH: &str = "/webhooks/meta";

/// Where (c) keeps its data: the embedded redb store, or the resident one with
/// `BACKEND=resident`.
fn storage(dir: &std::path::Path) -> e2e::Backend {
    match std::env::var("BACKEND").as_deref() {
        Ok("resident") => e2e::Backend::Resident(dir.to_owned()),
        Ok("embedded") | Err(_) => e2e::Backend::Embedded(dir.to_owned()),
        Ok(other) => panic!("BACKEND={other}: expected embedded or resident"),
    }
}

fn main() {
    let senders = env_or("SENDERS", 32);
    let seconds = env_or("SECONDS", 5);
    let contacts = env_or("CONTACTS", 500);
    let duration = Duration::from_secs(seconds as u64);
    println!(
        "webhook_baseline: {senders} concurrent senders, one shared reqwest client, {seconds} s \
         per target, loopback HTTP; every request a new signed WhatsApp text from one of \
         {contacts} contacts, the same bodies to every target"
    );
    println!("  (a) bare axum: 200 to any POST");
    println!("  (b) axum: X-Hub-Signature-256 HMAC-SHA256 check + serde_json::Value parse, 200");
    let store = std::env::var("BACKEND").unwrap_or_else(|_| "embedded".to_owned());
    println!(
        "  (c) botwot POST /webhooks/meta, {store} store: 200 after the synced append to its \
         inbound log, applied to the session behind"
    );
    runtime().block_on(async {
        let http = reqwest::Client::new();
        let load = |url: String| {
            let http = http.clone();
            async move {
                let build = move |n| signed_text(n, contacts);
                http_load::closed_loop(&http, &url, senders, duration, build).await
            }
        };

        let bare = serve(Router::new().route(WEBHOOK_PATH, post(|| async { StatusCode::OK })));
        let bare = load(bare.await).await;
        report("(a) bare axum", &bare);

        let checked_url = serve(Router::new().route(WEBHOOK_PATH, post(verify_and_parse))).await;
        let checked = load(checked_url.clone()).await;
        report("(b) axum + HMAC + JSON", &checked);

        let graph = FakeGraph::start().await;
        let data = tempfile::tempdir().expect("temporary directory");
        let server = start_server_on(storage(data.path()), &graph).await;
        connect_whatsapp(&server).await;
        let botwot_url = format!("{}{WEBHOOK_PATH}", server.base);
        let botwot = load(botwot_url.clone()).await;
        report("(c) botwot webhook", &botwot);
        let drain = applied_after(&server).await;
        let acknowledged = botwot.latencies.len() - botwot.non_200;
        let applied_rate = acknowledged as f64 / (botwot.elapsed + drain).as_secs_f64();
        println!(
            "    (c) applied behind the acknowledgements: the inbound log's backlog was empty \
             {:.2} s after the load stopped; acknowledged and applied over load + drain: \
             {applied_rate:.1} req/s",
            drain.as_secs_f64()
        );
        println!(
            "    (c) processed, not only acknowledged: {} bot replies already sent to the fake \
             Graph API",
            graph.requests().len()
        );

        println!(
            "ratios (c)/(a): throughput {:.3}, p50 latency {:.1}x",
            throughput_ratio(&botwot, &bare),
            p50_ratio(&botwot, &bare)
        );
        println!(
            "ratios (c)/(b): throughput {:.3}, p50 latency {:.1}x",
            throughput_ratio(&botwot, &checked),
            p50_ratio(&botwot, &checked)
        );

        // Open loop at fixed rates: half of what (b) and (c) each took closed-loop. The
        // requests of each run are new messages (their numbers start past every earlier run's).
        let mut first = 1_000_000_000;
        for (name, capacity) in [("(c)", &botwot), ("(b)", &checked)] {
            let rate = capacity.requests_per_second() / 2.0;
            println!("at a fixed {rate:.0} req/s, half of {name}'s closed-loop throughput:");
            let at_rate = |url: String, first: usize| {
                let http = http.clone();
                async move {
                    let build = move |n| signed_text(first + n, contacts);
                    http_load::at_rate(&http, &url, rate, duration, build).await
                }
            };
            let checked_here = at_rate(checked_url.clone(), first).await;
            report("  (b) axum + HMAC + JSON", &checked_here);
            let botwot_here = at_rate(botwot_url.clone(), first).await;
            report("  (c) botwot webhook", &botwot_here);
            println!(
                "      (c) backlog applied {:.2} s after the load stopped",
                applied_after(&server).await.as_secs_f64()
            );
            println!(
                "  p99 (c)/(b): {:.1}x (target at half load: at most 2x)",
                ms(percentile(&botwot_here.latencies, 99.0))
                    / ms(percentile(&checked_here.latencies, 99.0))
            );
            first += 1_000_000_000;
        }
    });
}

/// The `n`th request: a new WhatsApp text (its own `wamid`) from contact `n % contacts`, signed
/// with the app secret as Meta signs.
fn signed_text(n: usize, contacts: usize) -> Post {
    let wa_id = format!("4915{:08}", n % contacts);
    let payload = inbound_text_from(&wa_id, &format!("wamid.BASELINE{n:010}"), "hello");
    let body = serde_json::to_vec(&payload).expect("json");
    let headers = vec![
        ("content-type", "application/json".to_owned()),
        (SIGNATURE_HEADER, signature(&body)),
    ];
    Post { body, headers }
}

/// How long until the server has applied every webhook it acknowledged (its inbound log's
/// backlog is empty), timed to the 50 ms the test support polls at.
async fn applied_after(server: &e2e::Server) -> Duration {
    let started = std::time::Instant::now();
    server.webhooks_applied().await;
    started.elapsed()
}

/// Target (b): what any webhook receiver must do before trusting a body.
async fn verify_and_parse(headers: HeaderMap, body: Bytes) -> StatusCode {
    let claimed = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    if verify_signature(APP_SECRET.as_bytes(), claimed, &body).is_err() {
        return StatusCode::UNAUTHORIZED;
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(_) => StatusCode::OK,
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

/// Serves `app` on a free loopback port of this runtime; the webhook URL.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let url = format!(
        "http://{}{WEBHOOK_PATH}",
        listener.local_addr().expect("address")
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

fn report(label: &str, figures: &Figures) {
    let at = |p| ms(percentile(&figures.latencies, p));
    println!(
        "{label:<24} {:>9.1} req/s  p50 {:>7.2} ms  p90 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms  \
         {} requests, {} non-200",
        figures.requests_per_second(),
        at(50.0),
        at(90.0),
        at(99.0),
        at(100.0),
        figures.latencies.len(),
        figures.non_200
    );
}

fn throughput_ratio(of: &Figures, to: &Figures) -> f64 {
    of.requests_per_second() / to.requests_per_second()
}

fn p50_ratio(of: &Figures, to: &Figures) -> f64 {
    ms(percentile(&of.latencies, 50.0)) / ms(percentile(&to.latencies, 50.0))
}
