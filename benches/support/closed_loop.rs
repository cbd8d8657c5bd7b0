//! A closed-loop HTTP load driver: `senders` tasks share one `reqwest` client, and each posts
//! the next request as soon as its previous one is answered, until `duration` has passed.
//! Requests are numbered from one shared counter and built by the caller (`build(n)`), so two
//! runs with the same builder send the same requests in the same order. A latency is timed
//! around the send and the reading of the answer only (building the request is not counted);
//! an answer other than 200, or none at all, counts as non-200. The run lasts until the last
//! request in flight at the deadline is answered.

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

/// Posts to `url` from `senders` concurrent tasks for `duration`.
pub async fn run<B>(
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
