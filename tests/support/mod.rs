//! Running the real `botwot` binary for end-to-end tests, the npm `socket.io-client` visitor
//! (`tests/e2e/widget-client.mjs`) and the real-browser checks (`tests/e2e/*-browser.mjs`)
//! against it.

#![allow(dead_code)]

pub mod elevenlabs_fake;
pub mod fake_media;
pub mod llm;
pub mod meta;
pub mod razorpay_fake;
pub mod shopify_fake;
pub mod twilio_fake;

use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Where a test server keeps its data.
#[derive(Clone, Debug)]
pub enum Backend {
    Embedded(PathBuf),
    /// The resident store (documents in memory, a log and snapshots) in that directory.
    Resident(PathBuf),
    /// A database of the MongoDB-compatible test server (`deploy/test-services.sh` starts it).
    Mongo {
        uri: String,
        database: String,
    },
}

impl Backend {
    /// A fresh database on the test server named by `BOTWOT_TEST_MONGO_URI`.
    pub fn fresh_mongo(name: &str) -> Self {
        let uri = std::env::var("BOTWOT_TEST_MONGO_URI")
            .unwrap_or_else(|_| "mongodb://127.0.0.1:27018".to_owned());
        let database = format!("botwot_e2e_{name}_{}", std::process::id());
        Backend::Mongo { uri, database }
    }

    /// Removes a MongoDB backend's database (tests call it when they pass, so the shared test
    /// server does not fill up run after run); nothing for the embedded store.
    pub async fn drop_database(&self) {
        if let Backend::Mongo { uri, database } = self {
            let schema = botwot_storage::schema::SCHEMA;
            if let Ok(backend) = botwot_storage::MongoBackend::connect(uri, database, schema).await
            {
                let _ = backend.drop_database().await;
            }
        }
    }

    /// The `storage.backend` of a backend in a local directory.
    fn local_kind(&self) -> &'static str {
        match self {
            Backend::Resident(_) => "resident",
            _ => "embedded",
        }
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        match self {
            Backend::Embedded(dir) | Backend::Resident(dir) => vec![
                ("BOTWOT__STORAGE__BACKEND", self.local_kind().to_owned()),
                ("BOTWOT__STORAGE__DATA_DIR", dir.display().to_string()),
                ("BOTWOT__KNOWLEDGE__BLOBS__KIND", "local".to_owned()),
                (
                    "BOTWOT__KNOWLEDGE__BLOBS__DIR",
                    dir.join("blobs").display().to_string(),
                ),
            ],
            Backend::Mongo { uri, database } => {
                let blobs = std::env::temp_dir().join(format!("{database}_blobs"));
                vec![
                    ("BOTWOT__STORAGE__BACKEND", "mongo".to_owned()),
                    ("BOTWOT__STORAGE__URI", uri.clone()),
                    ("BOTWOT__STORAGE__DATABASE", database.clone()),
                    ("BOTWOT__KNOWLEDGE__BLOBS__KIND", "local".to_owned()),
                    ("BOTWOT__KNOWLEDGE__BLOBS__DIR", blobs.display().to_string()),
                ]
            }
        }
    }
}

/// Where a server's logs go: a file per port in `BOTWOT_TEST_LOG_DIR` when it is set (appended
/// across restarts; set `RUST_LOG` for more than warnings), else nowhere.
fn log_output(port: u16) -> Stdio {
    let Ok(dir) = std::env::var("BOTWOT_TEST_LOG_DIR") else {
        return Stdio::null();
    };
    let path = Path::new(&dir).join(format!("botwot-{port}.log"));
    match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        Ok(file) => Stdio::from(file),
        Err(error) => panic!("cannot open the log file {}: {error}", path.display()),
    }
}

/// A `botwot serve` process on a free loopback port with its own storage.
pub struct Server {
    child: Option<Child>,
    pub base: String,
    port: u16,
    backend: Backend,
    extra_env: Vec<(String, String)>,
    pub http: reqwest::Client,
    /// The access token of the organisation the server was signed up with at first start.
    token: Option<String>,
}

/// The sign-in of the organisation's owner, who signs up at first start.
pub const OWNER_EMAIL: &str = "owner@e2e.test";
pub const OWNER_PASSWORD: &str = "end-to-end password";

impl Server {
    /// A server on the embedded store in `data_dir`.
    pub async fn start(data_dir: &Path, extra_env: &[(&str, &str)]) -> Self {
        Self::start_on(Backend::Embedded(data_dir.to_owned()), extra_env).await
    }

    pub async fn start_on(backend: Backend, extra_env: &[(&str, &str)]) -> Self {
        let mut server = Self::spawned(backend, extra_env, None).await;
        server.token = Some(server.sign_up().await);
        server
    }

    /// A server on storage an organisation already signed up on (another node of a cluster),
    /// calling the API with that organisation's `token`.
    pub async fn start_signed_in(
        backend: Backend,
        extra_env: &[(&str, &str)],
        token: String,
    ) -> Self {
        Self::spawned(backend, extra_env, Some(token)).await
    }

    /// The owner's access token.
    pub fn token(&self) -> String {
        self.token.clone().expect("signed in")
    }

    async fn spawned(backend: Backend, extra_env: &[(&str, &str)], token: Option<String>) -> Self {
        let port = free_port();
        let mut server = Self {
            child: None,
            base: format!("http://127.0.0.1:{port}"),
            port,
            backend,
            extra_env: extra_env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            http: reqwest::Client::new(),
            token,
        };
        server.spawn().await;
        server
    }

    /// Creates an organisation through the API, reading the emailed code from the development
    /// mailbox, and returns its owner's access token.
    async fn sign_up(&self) -> String {
        let (status, _) = self
            .post("/v1/auth/signup", json!({"email": OWNER_EMAIL}))
            .await;
        assert_eq!(status, 202, "sign-up code sent");
        let (_, mailbox) = self
            .get(&format!("/v1/dev/mailbox?email={OWNER_EMAIL}"))
            .await;
        let text = mailbox[0]["text"].as_str().expect("a mail").to_owned();
        let start = text.find("code is ").expect("a code") + "code is ".len();
        let body = json!({"email": OWNER_EMAIL, "code": &text[start..start + 6],
            "password": OWNER_PASSWORD, "firstName": "Owner", "organisationName": "E2E"});
        let (status, signed_up) = self.post("/v1/auth/signup/verify", body).await;
        assert_eq!(status, 201, "signed up: {signed_up}");
        signed_up["accessToken"]
            .as_str()
            .expect("access token")
            .to_owned()
    }

    fn with_token(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    async fn spawn(&mut self) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_botwot"));
        command
            .arg("serve")
            .env("BOTWOT__KNOWLEDGE__EMBEDDER", "hashing")
            .env("BOTWOT__HTTP__LISTEN", format!("127.0.0.1:{}", self.port))
            .envs(self.backend.env())
            .env("BOTWOT__LOG__FILTER", "warn")
            // The tests poll the API; its rate limits are tested on their own.
            .env("BOTWOT__HTTP__RATE_LIMIT__PER_IP_PER_MINUTE", "0")
            .env("BOTWOT__HTTP__RATE_LIMIT__PER_USER_PER_MINUTE", "0")
            .env("BOTWOT__HTTP__RATE_LIMIT__PER_ORG_PER_MINUTE", "0")
            // Sign-up reads its code from the development mailbox; tokens survive restarts.
            .env("BOTWOT__HTTP__AUTH__DEV_MAILBOX", "true")
            .env("BOTWOT__HTTP__AUTH__PASSWORD_HASHING__MEMORY_KIB", "64")
            .env("BOTWOT__HTTP__AUTH__PASSWORD_HASHING__ITERATIONS", "1")
            .env("JWT_SECRET_KEY", "end-to-end-tests-signing-secret-32-bytes")
            .stdout(log_output(self.port))
            .stderr(Stdio::inherit());
        for (key, value) in &self.extra_env {
            command.env(key, value);
        }
        self.child = Some(command.spawn().expect("botwot starts"));
        for _ in 0..600 {
            if let Ok(response) = self.http.get(format!("{}/healthz", self.base)).send().await
                && response.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("botwot did not become healthy at {}", self.base);
    }

    /// Stops the server and removes its MongoDB database, if it has one (see
    /// [`Backend::drop_database`]); a running server would write it back.
    pub async fn stop_and_drop_database(&mut self) {
        self.kill();
        self.backend.drop_database().await;
    }

    /// `kill -9`, then start again on the same data directory and port.
    pub async fn kill_and_restart(&mut self) {
        self.kill();
        self.spawn().await;
    }

    /// Starts the server again after [`Server::kill`], on the same storage and port.
    pub async fn start_again(&mut self) {
        assert!(self.child.is_none(), "the server is still running");
        self.spawn().await;
    }

    /// Runs `botwot <args>` as an operator would, on this server's storage.
    pub fn operator(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_botwot"))
            .args(args)
            .envs(self.backend.env())
            .env("BOTWOT__LOG__FILTER", "warn")
            .output()
            .expect("botwot runs")
    }

    /// Sends `signal` (`STOP`, `CONT`, `TERM`...) to the process.
    pub fn signal(&self, signal: &str) {
        let child = self.child.as_ref().expect("running");
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits up to `bound` for the process to exit by itself; its exit code when it did.
    pub async fn exited_within(&mut self, bound: Duration) -> Option<i32> {
        let child = self.child.as_mut()?;
        let give_up = std::time::Instant::now() + bound;
        while std::time::Instant::now() < give_up {
            if let Ok(Some(status)) = child.try_wait() {
                self.child = None;
                return Some(status.code().unwrap_or(-1));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    /// Whether the process has exited (crashed, or stopped by itself) since it was started.
    pub fn has_exited(&mut self) -> bool {
        let Some(child) = self.child.as_mut() else {
            return true;
        };
        matches!(child.try_wait(), Ok(Some(_)))
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
        }
    }

    /// Sends `request` with the owner's token: the status and the JSON body (null if none).
    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = self.with_token(request).send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(self.http.post(self.url(path)).json(&body)).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.http.get(self.url(path))).await
    }

    /// GETs `path` with the owner's token: the status, the headers and the body's bytes.
    pub async fn get_bytes(&self, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let request = self.with_token(self.http.get(self.url(path)));
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body").to_vec();
        (status, headers, bytes)
    }

    /// Sends `bytes` as a file of `content_type` with the owner's token.
    pub async fn upload(&self, path: &str, bytes: Vec<u8>, content_type: &str) -> (u16, Value) {
        let request = self.http.post(self.url(path));
        self.send(request.header("content-type", content_type).body(bytes))
            .await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(self.http.delete(self.url(path))).await
    }

    pub async fn put(&self, path: &str) -> (u16, Value) {
        self.send(self.http.put(self.url(path))).await
    }

    pub async fn put_json(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(self.http.put(self.url(path)).json(&body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(self.http.patch(self.url(path)).json(&body)).await
    }

    /// Creates a bot and returns its JSON.
    pub async fn create_bot(&self, settings: Value) -> Value {
        let (status, bot) = self.post("/v1/bots", settings).await;
        assert_eq!(status, 201, "bot created: {bot}");
        bot
    }

    /// A new knowledge base holding `text` as the document `file_name` (Markdown), once the
    /// document is ingested; returns the base's id.
    pub async fn knowledge_base_with(&self, file_name: &str, text: &str) -> String {
        let (status, kb) = self
            .post("/v1/knowledge-bases", json!({ "name": "Help centre" }))
            .await;
        assert_eq!(status, 201, "{kb}");
        let kb = kb["id"].as_str().expect("id").to_owned();
        let upload = format!("/v1/knowledge-bases/{kb}/documents?fileName={file_name}");
        let (status, document) = self
            .upload(&upload, text.as_bytes().to_vec(), "text/markdown")
            .await;
        assert_eq!(status, 201, "{document}");
        let document_path = format!(
            "/v1/knowledge-bases/{kb}/documents/{}",
            document["id"].as_str().expect("id")
        );
        self.until("the document is ingested", || async {
            self.get(&document_path).await.1["stage"] == "ready"
        })
        .await;
        kb
    }

    /// Attaches the knowledge base `kb` to the bot `bot_id`.
    pub async fn attach_knowledge_base(&self, bot_id: &str, kb: &str) {
        let (status, attached) = self
            .put(&format!("/v1/bots/{bot_id}/knowledge-bases/{kb}"))
            .await;
        assert_eq!(status, 200, "{attached}");
    }

    /// The transcript's message texts, in order.
    pub async fn transcript_texts(&self, session_id: &str) -> Vec<String> {
        let (status, body) = self
            .get(&format!("/v1/sessions/{session_id}/transcript?limit=200"))
            .await;
        assert_eq!(status, 200, "transcript: {body}");
        body["items"]
            .as_array()
            .or_else(|| body["messages"].as_array())
            .expect("transcript items")
            .iter()
            .map(|m| m["body"]["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Waits until every webhook the server acknowledged is applied to its session: its inbound
    /// log's backlog gauge reads 0 (ADR 0019). A server without the log (MongoDB, a cluster)
    /// reports no gauge and applied each webhook before answering it.
    pub async fn webhooks_applied(&self) {
        let url = format!("{}/metrics", self.base);
        self.until("the acknowledged webhooks are applied", || async {
            let Ok(response) = self.http.get(&url).send().await else {
                return false;
            };
            let metrics = response.text().await.unwrap_or_default();
            metrics
                .lines()
                .find_map(|line| line.strip_prefix("botwot_inbound_log_backlog "))
                .is_none_or(|value| value.trim().parse::<f64>() == Ok(0.0))
        })
        .await;
    }

    /// Polls `condition` until it holds; fails after a generous bound.
    pub async fn until<F: std::future::Future<Output = bool>>(
        &self,
        what: &str,
        mut condition: impl FnMut() -> F,
    ) {
        for _ in 0..600 {
            if condition().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("gave up waiting until {what}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Runs the socket.io-client visitor and returns the JSON lines it printed.
pub fn widget_client(base: &str, widget_key: &str, args: &[&str]) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/widget-client.mjs");
    let output = Command::new("node")
        .arg(script)
        .args(["--url", base, "--key", widget_key])
        .args(args)
        .output()
        .expect("node runs (is Node.js installed, and `npm ci` done in tests/e2e?)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let events: Vec<Value> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    assert!(
        !events.is_empty(),
        "the widget client printed nothing; stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    events
}

/// What a real-browser check printed: one JSON line per step.
pub struct BrowserRun {
    pub steps: Vec<Value>,
    pub output: String,
}

impl BrowserRun {
    /// The names of the steps, in order.
    pub fn step_names(&self) -> Vec<&str> {
        self.steps
            .iter()
            .filter_map(|s| s["step"].as_str())
            .collect()
    }

    /// The step called `name`.
    pub fn step(&self, name: &str) -> &Value {
        self.steps
            .iter()
            .find(|s| s["step"] == name)
            .unwrap_or_else(|| panic!("no step {name}: {}", self.output))
    }
}

/// Runs `tests/e2e/<script>` (headless Chromium through playwright-core) with `args`; fails
/// the test with everything it printed when it exits non-zero.
pub fn browser_check(script: &str, args: &[&str]) -> BrowserRun {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/e2e")
        .join(script);
    let output = Command::new("node")
        .arg(path)
        .args(args)
        .output()
        .expect("node runs (Node.js, `npm ci` in tests/e2e and Debian chromium are installed by deploy/test.sh)");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let run = BrowserRun {
        steps: stdout
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect(),
        output: format!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr)),
    };
    assert!(
        output.status.success(),
        "browser check failed: {}",
        run.output
    );
    run
}

/// The data of every event with this name.
pub fn events_named<'a>(events: &'a [Value], name: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e["event"] == name)
        .map(|e| &e["data"])
        .collect()
}

/// Texts of the messages the server pushed, in order.
pub fn pushed_texts(events: &[Value]) -> Vec<String> {
    events_named(events, "message")
        .iter()
        .map(|m| m["body"]["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

pub fn bot_settings(name: &str, close_after_secs: u64) -> Value {
    json!({
        "botName": name,
        "botGreetingMessage": format!("Hi, I am {name}. How can I help?"),
        "fallbackMessage": "I can't answer that yet. Please email help@shop.test.",
        "sessionPolicy": {
            "inactivity": { "warnAfterSecs": 0, "closeAfterSecs": close_after_secs },
            "closingMessage": "This conversation was closed after a period of inactivity."
        }
    })
}

/// Runs `script` with `python3 -c`, `input` as JSON on its stdin (the providers' Python
/// clients, which `deploy/test-services.sh` installs, check or make signatures this way).
pub fn python_with(script: &str, input: &Value) -> std::process::Output {
    use std::io::Write;
    let mut python = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (deploy/test-services.sh installs the providers' clients)");
    python
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("written");
    python.wait_with_output().expect("python finished")
}
