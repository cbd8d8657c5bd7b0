//! HTTP load drivers sharing one `reqwest` client. Requests are numbered from one counter and
//! built by the caller (`build(n)`), so two runs with the same builder send the same requests in
//! the same order; an answer other than 200, or none at all, counts as non-200.
//!
//! - [`closed_loop`]: `senders` tasks each post the next request as soon as the previous one is
//!   answered, until `duration` has passed (the most a target takes with that many clients). A
//!   latency is timed around the send and the reading of the answer only. The run lasts until
//!   the last request in flight at the deadline is answered.
//! - [`at_rate`]: requests start at a fixed rate whatever the answers do (open loop, as
//!   webhooks arrive), each timed from the moment it was due, so a target that falls behind
//!   shows it in its latencies instead of slowing the load down. It stops sending at the
//!   deadline and waits at most [`GRACE`] for the answers still due; those count as non-200.

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// One request to post: its body and its headers.
pub struct Post {
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

/// What a run measured.
pub struct Figures {
    /// Every request's latency, sorted.
    pub latencies: Vec<Duration>,
    /// Requests answered other than 200, or not answered.
    pub non_200: usize,
    /// From the first send to the last answer.
    pub elapsed: Duration,
}

impl Figures {
    pub fn requests_per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// How long [`at_rate`] waits after its deadline for answers still due.
pub const GRACE: Duration = Duration::from_secs(10);
/// The most requests [`at_rate`] keeps waiting at once: past it, a target has fallen hopelessly
/// behind, and a request that falls due is counted non-200 unsent rather than opening yet
/// another connection.
pub const MAX_IN_FLIGHT: usize = 2_000;

/// Posts to `url` from `senders` concurrent tasks for `duration`.
pub async fn closed_loop<B>(
    http: &reqwest::Client,
    url: &str,
    senders: usize,
    duration: Duration,
    build: B,
) -> Figures
where
    B: Fn(usize) -> Post + Send + Sync + 'static,
{
    let build = Arc::new(build);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..senders)
        .map(|_| {
            let (http, url) = (http.clone(), url.to_owned());
            let (build, next) = (build.clone(), next.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut non_200 = 0;
                while started.elapsed() < duration {
                    let post = build(next.fetch_add(1, Ordering::Relaxed));
                    let sent = Instant::now();
                    if !answered_200(&http, &url, post).await {
                        non_200 += 1;
                    }
                    latencies.push(sent.elapsed());
                }
                (latencies, non_200)
            })
        })
        .collect();
    let mut figures = Figures {
        latencies: Vec::new(),
        non_200: 0,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (latencies, non_200) = task.await.expect("sender task");
        figures.latencies.extend(latencies);
        figures.non_200 += non_200;
    }
    figures.elapsed = started.elapsed();
    figures.latencies.sort_unstable();
    figures
}

/// Starts `per_second` posts a second to `url` for `duration`, each on its own task.
pub async fn at_rate<B>(
    http: &reqwest::Client,
    url: &str,
    per_second: f64,
    duration: Duration,
    build: B,
) -> Figures
where
    B: Fn(usize) -> Post,
{
    let started = Instant::now();
    let total = (per_second * duration.as_secs_f64()).round() as usize;
    let mut answers = tokio::task::JoinSet::new();
    let mut figures = Figures {
        latencies: Vec::with_capacity(total),
        non_200: 0,
        elapsed: Duration::ZERO,
    };
    for n in 0..total {
        let due = started + Duration::from_secs_f64(n as f64 / per_second);
        tokio::time::sleep_until(due.into()).await;
        while let Some(answer) = answers.try_join_next() {
            record(&mut figures, answer.expect("request task"));
        }
        if answers.len() >= MAX_IN_FLIGHT {
            figures.non_200 += 1;
            continue;
        }
        let (http, url, post) = (http.clone(), url.to_owned(), build(n));
        answers.spawn(async move { (answered_200(&http, &url, post).await, due.elapsed()) });
    }
    let give_up = Instant::now() + GRACE;
    while let Ok(Some(answer)) = tokio::time::timeout_at(give_up.into(), answers.join_next()).await
    {
        record(&mut figures, answer.expect("request task"));
    }
    figures.non_200 += answers.len();
    answers.abort_all();
    figures.elapsed = started.elapsed();
    figures.latencies.sort_unstable();
    figures
}

/// Counts one answered request of [`at_rate`]: whether it was a 200, and its latency.
fn record(figures: &mut Figures, (ok, latency): (bool, Duration)) {
    figures.non_200 += usize::from(!ok);
    figures.latencies.push(latency);
}

/// Posts `post` and reads the whole answer; whether it was a 200.
async fn answered_200(http: &reqwest::Client, url: &str, post: Post) -> bool {
    let mut request = http.post(url).body(post.body);
    for (name, value) in post.headers {
        request = request.header(name, value);
    }
    match request.send().await {
        Ok(response) => {
            let ok = response.status() == reqwest::StatusCode::OK;
            response.bytes().await.is_ok() && ok
        }
        Err(_) => false,
    }
}
