//! A fake Telegram Bot API server for integration tests.
//!
//! Start it with [`FakeTelegram::start`], point a real teloxide `Bot` at it
//! with `Bot::new(TOKEN).set_api_url(fake.api_url().parse().unwrap())`, push
//! updates with [`FakeTelegram::push_update`] and inspect the calls the bot
//! made with [`FakeTelegram::calls`] / [`FakeTelegram::wait_for_call`].
//!
//! Every request is checked against the Bot API description in
//! `tests/data/telegram-bot-api.json`; see [`FakeTelegram::api_violations`].
//!
//! Like Telegram, while the bot has a webhook set (`setWebhook`) the fake
//! posts queued updates to it, one per post with the secret header, and
//! posts one again after any answer but 200; getUpdates then answers 409.
//! An update counts as acknowledged once its post got 200, so
//! [`FakeTelegram::all_acknowledged`] (and the tests' wait for an idle bot)
//! serve both modes. [`FakeTelegram::redeliver`] and
//! [`FakeTelegram::lose_webhook_answers`] make it post an update again.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use pollbot::clock::Clock;
use serde_json::{Map, Value, json};
use tokio::sync::Notify;

/// The bot token the fake accepts (any other token gets 401 Unauthorized).
pub const TOKEN: &str = "123456:TEST-TOKEN";
/// The bot's own user id (the numeric part of [`TOKEN`], as in real Telegram).
pub const BOT_USER_ID: i64 = 123456;
/// The bot's username, as returned by getMe.
pub const BOT_USERNAME: &str = "pollbot_test_bot";
/// The least time between two messages to one chat that Telegram (this
/// fake) takes without a 429.
pub const CHAT_GAP: Duration = Duration::from_millis(900);
/// The bot's first name, as returned by getMe.
pub const BOT_FIRST_NAME: &str = "Pollbot Test";
/// Title used for group chats (chat id < 0) in the fake's responses.
pub const GROUP_TITLE: &str = "Test group";

/// Update types Telegram does not send unless asked for explicitly.
const NOT_DEFAULT_UPDATES: &[&str] = &["chat_member", "message_reaction", "message_reaction_count"];

const BAD_GATEWAY_HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n";

/// A scripted failure for [`FakeTelegram::fail_next`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// 429 `Too Many Requests: retry after N` with `parameters.retry_after`.
    RetryAfter(u32),
    /// A JSON 5xx error with the given status code (note: teloxide sleeps
    /// 10 s after any 5xx response before returning the error).
    ServerError(u16),
    /// 403 `Forbidden: <text>` (e.g. "bot was blocked by the user").
    Forbidden(String),
    /// 400 `Bad Request: <text>` (e.g. "message is not modified").
    BadRequest(String),
    /// 400: the group became a supergroup with this id
    /// (`parameters.migrate_to_chat_id`).
    Migrated(i64),
}

/// A file part of a multipart request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadedFile {
    /// The API parameter the file was given for (e.g. `photo`): teloxide sends
    /// `photo=attach://<part>` plus a part named `<part>`; this is resolved to
    /// `photo`. Falls back to the part name when nothing refers to it.
    pub field: String,
    /// The multipart part's own name.
    pub part_name: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// One request received by the fake.
#[derive(Clone, Debug)]
pub struct Call {
    /// Canonical Bot API method name (`sendMessage`), or the name as sent
    /// when it is not a Bot API method.
    pub method: String,
    /// Parameters from the JSON body, multipart text parts, form body and
    /// query string. Multipart/form/query values are strings unless they
    /// parse as a JSON object or array.
    pub params: Map<String, Value>,
    pub files: Vec<UploadedFile>,
    pub at: Instant,
    /// True if the fake answered with an error (scripted failure, server
    /// down, unknown method, bad request).
    pub failed: bool,
    /// The `result` the fake answered with (Null for failures).
    pub response: Value,
}

impl Call {
    /// A string parameter (numbers are rendered as strings).
    pub fn str_param(&self, name: &str) -> Option<String> {
        match self.params.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// An integer parameter, whether sent as a JSON number or as a string
    /// (multipart/form requests send numbers as text).
    pub fn i64_param(&self, name: &str) -> Option<i64> {
        match self.params.get(name)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// A boolean parameter, whether sent as JSON bool or as "true"/"false".
    pub fn bool_param(&self, name: &str) -> Option<bool> {
        match self.params.get(name)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// `chat_id` as an integer.
    pub fn chat_id(&self) -> Option<i64> {
        self.i64_param("chat_id")
    }

    /// `text` (sendMessage / editMessageText) or `caption`.
    pub fn text(&self) -> Option<String> {
        self.str_param("text").or_else(|| self.str_param("caption"))
    }

    /// The message id the fake assigned to the message this call sent.
    pub fn sent_message_id(&self) -> Option<i64> {
        self.response.get("message_id")?.as_i64()
    }

    /// The `message_id` this call replied to (`reply_parameters`, sent as
    /// JSON or, in multipart requests, as text).
    pub fn replied_to(&self) -> Option<i64> {
        match self.params.get("reply_parameters")? {
            Value::Object(p) => p.get("message_id")?.as_i64(),
            Value::String(s) => serde_json::from_str::<Value>(s).ok()?["message_id"].as_i64(),
            _ => None,
        }
    }
}

/// A getUpdates request held open, marked as such in the fake's state
/// until it ends (answered, or dropped with its connection).
struct LongPoll<'a> {
    fake: &'a FakeTelegram,
    request: u64,
}

impl<'a> LongPoll<'a> {
    fn hold(fake: &'a FakeTelegram, request: u64) -> Self {
        fake.state().long_polls.insert(request);
        fake.inner.calls_changed.notify_waiters();
        Self { fake, request }
    }
}

impl Drop for LongPoll<'_> {
    fn drop(&mut self) {
        self.fake.state().long_polls.remove(&self.request);
        self.fake.inner.calls_changed.notify_waiters();
    }
}

/// A poll sent by the bot (via sendPoll).
#[derive(Clone, Debug, PartialEq)]
pub struct SentPoll {
    pub chat_id: i64,
    pub message_id: i64,
    pub poll_id: String,
    pub question: String,
    pub options: Vec<String>,
    pub is_anonymous: bool,
    pub allows_multiple_answers: bool,
    pub is_closed: bool,
    /// The full Poll object as last returned.
    pub poll: Value,
}

#[derive(Clone)]
struct QueuedUpdate {
    id: i64,
    kind: String,
    /// The update serialized once, when pushed: serving it is a copy.
    json: String,
}

#[derive(Default)]
struct State {
    /// Callback queries answered (Telegram takes one answer per query).
    answered_callbacks: HashSet<String>,
    next_update_id: i64,
    queue: VecDeque<QueuedUpdate>,
    dropped_updates: Vec<i64>,
    allowed_updates: Option<Vec<String>>,
    filter_allowed_updates: bool,
    get_updates_calls: u64,
    calls: Vec<Call>,
    violations: Vec<String>,
    failures: HashMap<String, VecDeque<Failure>>,
    down: bool,
    next_message_id: HashMap<i64, i64>,
    messages: HashMap<(i64, i64), Value>,
    polls: Vec<SentPoll>,
    next_poll_id: u64,
    next_file_id: u64,
    admins: HashMap<i64, (i64, Vec<i64>)>,
    /// getChatMemberCount's answers; a chat not set answers "chat not
    /// found", so that results show voters alone.
    member_counts: HashMap<i64, u32>,
    bot_admin: HashMap<i64, bool>,
    commands: Value,
    /// Telegram's message limits are enforced with 429s (on by default).
    limits_off: bool,
    /// When messages were accepted, per chat and overall (for the limits).
    sent_to_chat: HashMap<i64, VecDeque<Instant>>,
    sent_overall: VecDeque<Instant>,
    /// Messages refused with a 429 because a limit was exceeded: (method, chat).
    rate_limited: Vec<(String, i64)>,
    /// Methods whose next answer is lost after the call took effect.
    drop_response: HashMap<String, usize>,
    /// Methods whose next answer is held until released.
    hold_response: HashMap<String, Arc<Notify>>,
    /// getMe answers with JSON teloxide cannot parse.
    get_me_malformed: bool,
    /// Methods whose next answer (after the call took effect) is JSON
    /// teloxide cannot parse.
    malformed_response: HashSet<String>,
    /// Requests being answered (getUpdates aside).
    in_flight: usize,
    /// getUpdates requests (by their number, counted from 1) held open
    /// with nothing to deliver yet.
    long_polls: HashSet<u64>,
    /// Telegram's time: the dates of messages and when a poll's
    /// close_date has come (the system clock unless a test sets one).
    clock: Clock,
    /// The webhook set with setWebhook, if any: while one is set, queued
    /// updates are posted to it and getUpdates answers 409.
    webhook: Option<WebhookSetting>,
    /// Updates to post again (already acknowledged once), before the queue.
    redeliveries: VecDeque<QueuedUpdate>,
    /// Every update posted so far, by id, to post again on request.
    posted: HashMap<i64, String>,
    /// A post to the webhook is waiting for its answer.
    webhook_in_flight: bool,
    /// Every post to the webhook: the update id and the answer's status
    /// (0: no answer, the connection failed).
    webhook_posts: Vec<(i64, u16)>,
    /// Instances behind a load balancer: while set, each post goes to the
    /// next of these addresses in turn (a post that failed is tried again
    /// on the next one), instead of the webhook's URL.
    balanced: Vec<String>,
    /// Posts made to `balanced` so far.
    balanced_posts: usize,
    /// Each post to `balanced`: the address and the answer's status.
    balanced_log: Vec<(String, u16)>,
    /// How many of the next 200 answers to the webhook's posts are lost
    /// (Telegram sees no answer, and posts the update again).
    lose_webhook_answers: usize,
}

/// What setWebhook set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookSetting {
    pub url: String,
    pub secret_token: Option<String>,
    pub allowed_updates: Option<Vec<String>>,
}

struct Inner {
    state: Mutex<State>,
    updates_changed: Notify,
    calls_changed: Notify,
    acks_changed: Notify,
    shutdown: Notify,
}

/// The fake server. Cheap to clone; all clones share the same state.
#[derive(Clone)]
pub struct FakeTelegram {
    inner: Arc<Inner>,
    addr: SocketAddr,
}

// ---------------------------------------------------------------------------
// The API description

struct MethodSpec {
    name: String,
    fields: Vec<(String, bool)>,
    returns: Vec<String>,
}

struct Spec {
    /// lowercase method name -> spec
    methods: HashMap<String, MethodSpec>,
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/telegram-bot-api.json"
        );
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("fake_telegram: cannot read {path}: {e}"));
        let doc: Value = serde_json::from_str(&text).expect("fake_telegram: bad API spec JSON");
        let mut methods = HashMap::new();
        for (name, m) in doc["methods"].as_object().expect("spec has methods") {
            let name = m["name"].as_str().unwrap_or(name).to_string();
            let fields = m["fields"]
                .as_array()
                .map(|fs| {
                    fs.iter()
                        .filter_map(|f| {
                            Some((
                                f["name"].as_str()?.to_string(),
                                f["required"].as_bool().unwrap_or(false),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let returns = m["returns"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            methods.insert(
                name.to_lowercase(),
                MethodSpec {
                    name,
                    fields,
                    returns,
                },
            );
        }
        Spec { methods }
    })
}

/// Canonical camelCase name of a Bot API method (case-insensitive lookup).
pub fn canonical_method(name: &str) -> Option<&'static str> {
    spec()
        .methods
        .get(&name.to_lowercase())
        .map(|m| m.name.as_str())
}

// ---------------------------------------------------------------------------
// Public API

impl FakeTelegram {
    /// Binds 127.0.0.1:0 and serves on the current tokio runtime.
    pub async fn start() -> FakeTelegram {
        spec(); // fail early if the spec file is missing
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake_telegram: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local_addr");
        let inner = Arc::new(Inner {
            state: Mutex::new(State {
                next_update_id: 1,
                filter_allowed_updates: true,
                next_poll_id: 5_000_000_000_000_000_001,
                next_file_id: 1,
                commands: json!([]),
                ..State::default()
            }),
            updates_changed: Notify::new(),
            calls_changed: Notify::new(),
            acks_changed: Notify::new(),
            shutdown: Notify::new(),
        });
        let fake = FakeTelegram { inner, addr };
        tokio::spawn(fake.clone().deliver_by_webhook());
        let handler_fake = fake.clone();
        let app = Router::new().fallback(move |req: Request| {
            let fake = handler_fake.clone();
            async move { fake.handle(req).await }
        });
        let shutdown_fake = fake.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    shutdown_fake.inner.shutdown.notified().await;
                })
                .await;
        });
        fake
    }

    /// Base URL for teloxide's `set_api_url`, e.g. `http://127.0.0.1:PORT/`.
    pub fn api_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections (in-flight requests finish).
    pub fn shutdown(&self) {
        self.inner.shutdown.notify_waiters();
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not make every later call panic too.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ----- updates -----

    /// Queues an update (without `update_id`; any given one is replaced).
    /// Returns the assigned update_id (consecutive, starting at 1).
    pub fn push_update(&self, update: Value) -> i64 {
        let id = {
            let mut st = self.state();
            let id = st.next_update_id;
            st.next_update_id += 1;
            let mut obj = match update {
                Value::Object(o) => o,
                other => panic!("push_update: update must be a JSON object, got {other}"),
            };
            obj.remove("update_id");
            let kind = obj.keys().next().cloned().unwrap_or_default();
            let mut full = Map::new();
            full.insert("update_id".into(), json!(id));
            full.extend(obj);
            st.queue.push_back(QueuedUpdate {
                id,
                kind,
                json: Value::Object(full).to_string(),
            });
            id
        };
        self.inner.updates_changed.notify_waiters();
        id
    }

    /// Queues several updates; returns (first id, last id). For an empty
    /// vector returns (next id, next id - 1).
    pub fn push_updates(&self, updates: Vec<Value>) -> (i64, i64) {
        let first = self.state().next_update_id;
        let mut last = first - 1;
        for u in updates {
            last = self.push_update(u);
        }
        (first, last)
    }

    /// Highest update id such that it and every update before it has been
    /// confirmed (via getUpdates offset) or dropped; 0 if none.
    pub fn acknowledged_through(&self) -> i64 {
        let st = self.state();
        Self::acked(&st)
    }

    fn acked(st: &State) -> i64 {
        match st.queue.front() {
            Some(u) => u.id - 1,
            None => st.next_update_id - 1,
        }
    }

    /// Waits until [`Self::acknowledged_through`] >= `update_id`.
    pub async fn wait_acknowledged(&self, update_id: i64, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.acks_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.acknowledged_through() >= update_id {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.acknowledged_through() >= update_id;
            }
        }
    }

    /// Updates pushed but not yet confirmed (delivered or not).
    pub fn pending(&self) -> usize {
        self.state().queue.len()
    }

    /// `allowed_updates` of the last getUpdates call that specified it
    /// (Telegram keeps the previous setting when it is omitted).
    pub fn last_allowed_updates(&self) -> Option<Vec<String>> {
        self.state().allowed_updates.clone()
    }

    /// Number of getUpdates requests received.
    pub fn get_updates_calls(&self) -> u64 {
        self.state().get_updates_calls
    }

    /// Like Telegram, by default updates of a type excluded by the current
    /// `allowed_updates` are not delivered (they are dropped, and count as
    /// acknowledged). With no/empty `allowed_updates`, chat_member,
    /// message_reaction and message_reaction_count are excluded. Pass false
    /// to deliver everything.
    pub fn set_filter_allowed_updates(&self, on: bool) {
        self.state().filter_allowed_updates = on;
    }

    /// Update ids dropped because of `allowed_updates`.
    pub fn dropped_updates(&self) -> Vec<i64> {
        self.state().dropped_updates.clone()
    }

    // ----- recorded calls -----

    /// Every recorded call except getUpdates, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.state()
            .calls
            .iter()
            .filter(|c| c.method != "getUpdates")
            .cloned()
            .collect()
    }

    /// Every recorded call including getUpdates.
    pub fn all_calls(&self) -> Vec<Call> {
        self.state().calls.clone()
    }

    /// Recorded calls of one method (case-insensitive).
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.state()
            .calls
            .iter()
            .filter(|c| c.method.eq_ignore_ascii_case(method))
            .cloned()
            .collect()
    }

    /// The calls of `method` to `chat` that the fake took (not failed).
    pub fn sent_to(&self, method: &str, chat: i64) -> Vec<Call> {
        self.calls_to(method)
            .into_iter()
            .filter(|c| c.chat_id() == Some(chat) && !c.failed)
            .collect()
    }

    /// Forgets recorded calls (not violations).
    pub fn clear_calls(&self) {
        self.state().calls.clear();
    }

    /// Waits for a call (already recorded or future) of `method` matching `pred`.
    pub async fn wait_for_call(
        &self,
        method: &str,
        timeout: Duration,
        pred: impl Fn(&Call) -> bool,
    ) -> Option<Call> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.calls_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            // `pred` runs without the lock held (it may call back into the fake).
            let found = self.calls_to(method).into_iter().find(|c| pred(c));
            if found.is_some() {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }

    /// Waits until at least `n` calls of `method` were recorded; returns all
    /// calls of that method recorded so far (fewer than `n` on timeout).
    pub async fn wait_for_calls(&self, method: &str, n: usize, timeout: Duration) -> Vec<Call> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.calls_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let calls = self.calls_to(method);
            if calls.len() >= n {
                return calls;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.calls_to(method);
            }
        }
    }

    /// Bot API conformance problems found in the recorded requests.
    pub fn api_violations(&self) -> Vec<String> {
        self.state().violations.clone()
    }

    // ----- scripting -----

    /// The next `times` calls of `method` get `failure` instead of a result.
    pub fn fail_next(&self, method: &str, times: usize, failure: Failure) {
        let key = canonical_method(method).unwrap_or(method).to_lowercase();
        let mut st = self.state();
        let q = st.failures.entry(key).or_default();
        q.extend(std::iter::repeat_n(failure, times));
    }

    /// Telegram's time follows `clock` (the bot's manual clock in a test
    /// of deadlines): message dates, and whether a close_date has come.
    pub fn follow_clock(&self, clock: Clock) {
        self.state().clock = clock;
    }

    /// While down, every request gets a 502 with nginx's HTML body.
    pub fn set_down(&self, down: bool) {
        self.state().down = down;
    }

    /// Sets the creator and administrators of a chat (for
    /// getChatAdministrators / getChatMember). Unknown chats have creator 1.
    /// What getChatMemberCount answers for `chat_id` from now on.
    pub fn set_member_count(&self, chat_id: i64, count: u32) {
        self.state().member_counts.insert(chat_id, count);
    }

    pub fn set_admins(&self, chat_id: i64, creator: i64, admins: &[i64]) {
        self.state()
            .admins
            .insert(chat_id, (creator, admins.to_vec()));
    }

    /// Whether the bot is an administrator of the chat (default: member).
    pub fn set_bot_admin(&self, chat_id: i64, is_admin: bool) {
        self.state().bot_admin.insert(chat_id, is_admin);
    }

    // ----- Telegram's limits and odd answers -----

    /// Turns the enforcement of Telegram's message limits off (or on again).
    pub fn set_limits_enforced(&self, on: bool) {
        self.state().limits_off = !on;
    }

    /// Waits until a message to `chat` would not meet the per-chat gap
    /// (the last one is [`CHAT_GAP`] old): a bot restarted at once has
    /// forgotten its pace, and would otherwise be refused with a 429.
    pub async fn wait_chat_gap(&self, chat: i64) {
        let last = self
            .state()
            .sent_to_chat
            .get(&chat)
            .and_then(|s| s.back().copied());
        if let Some(last) = last {
            tokio::time::sleep(CHAT_GAP.saturating_sub(last.elapsed())).await;
        }
    }

    /// Every message refused because the bot exceeded a limit: (method, chat).
    pub fn rate_limited(&self) -> Vec<(String, i64)> {
        self.state().rate_limited.clone()
    }

    /// The next `times` calls of `method` take effect, but their answer is
    /// lost (the connection breaks before the response is complete).
    pub fn drop_response_next(&self, method: &str, times: usize) {
        self.state()
            .drop_response
            .insert(method.to_lowercase(), times);
    }

    /// The next call of `method` takes effect, but its answer is held until
    /// the returned `Notify` is notified (or forever).
    pub fn hold_response_next(&self, method: &str) -> Arc<Notify> {
        let release = Arc::new(Notify::new());
        self.state()
            .hold_response
            .insert(method.to_lowercase(), Arc::clone(&release));
        release
    }

    /// The next call of `method` takes effect, but its answer is a result
    /// teloxide cannot parse (another Bot API server, a newer version).
    pub fn malformed_response_next(&self, method: &str) {
        self.state()
            .malformed_response
            .insert(method.to_lowercase());
    }

    /// getMe answers with a result teloxide cannot parse.
    pub fn set_get_me_malformed(&self, on: bool) {
        self.state().get_me_malformed = on;
    }

    /// Requests the fake is answering right now, getUpdates aside.
    pub fn in_flight(&self) -> usize {
        self.state().in_flight
    }

    /// Waits until a getUpdates request after the first `seen` is held open
    /// with nothing to deliver while no other request is being answered:
    /// the bot is idle, waiting for updates. False on timeout.
    pub async fn wait_long_poll_beyond(&self, seen: u64, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.calls_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let st = self.state();
                if st.in_flight == 0 && st.long_polls.iter().any(|&r| r > seen) {
                    return true;
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return false;
            }
        }
    }

    /// Whether every pushed update has been acknowledged (and, with a
    /// webhook, nothing is waiting to be posted again or being posted).
    pub fn all_acknowledged(&self) -> bool {
        let st = self.state();
        Self::acked(&st) >= st.next_update_id - 1
            && st.redeliveries.is_empty()
            && !st.webhook_in_flight
    }

    /// How many callback queries the bot has answered (each once).
    pub fn answered_callbacks(&self) -> usize {
        self.state().answered_callbacks.len()
    }

    // ----- webhook -----

    /// The webhook the bot set, if one is set.
    pub fn webhook(&self) -> Option<WebhookSetting> {
        self.state().webhook.clone()
    }

    /// Every post to the webhook so far: (update id, the answer's status;
    /// 0 when there was no answer).
    pub fn webhook_posts(&self) -> Vec<(i64, u16)> {
        self.state().webhook_posts.clone()
    }

    /// Posts update `update_id` (posted before) to the webhook again, as
    /// Telegram does when it did not see an answer.
    pub fn redeliver(&self, update_id: i64) {
        {
            let mut st = self.state();
            let json = st
                .posted
                .get(&update_id)
                .cloned()
                .unwrap_or_else(|| panic!("update {update_id} was never posted"));
            st.redeliveries.push_back(QueuedUpdate {
                id: update_id,
                kind: String::new(),
                json,
            });
        }
        self.inner.updates_changed.notify_waiters();
    }

    /// Posts to these instances in turn rather than to the webhook's URL,
    /// as a load balancer in front of them would (the webhook must still
    /// be set).
    pub fn balance_webhook(&self, instances: Vec<String>) {
        self.state().balanced = instances;
    }

    /// How many posts went to the instance at `url` (see
    /// [`FakeTelegram::balance_webhook`]) with each status.
    pub fn posts_to(&self, url: &str) -> Vec<u16> {
        self.state()
            .balanced_log
            .iter()
            .filter(|(to, _)| to == url)
            .map(|(_, status)| *status)
            .collect()
    }

    /// The next `times` 200 answers to the webhook's posts are lost on the
    /// way: the update is posted again, as by Telegram.
    pub fn lose_webhook_answers(&self, times: usize) {
        self.state().lose_webhook_answers = times;
    }

    /// Waits until the webhook has been posted `n` times in all.
    pub async fn wait_webhook_posts(&self, n: usize, timeout: Duration) -> Vec<(i64, u16)> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.inner.acks_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let posts = self.webhook_posts();
            if posts.len() >= n {
                return posts;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.webhook_posts();
            }
        }
    }

    /// Posts queued updates (and redeliveries) to the webhook while one is
    /// set, one update per post, in order; an update whose post gets no
    /// 200 is posted again after a moment (Telegram's behaviour).
    async fn deliver_by_webhook(self) {
        let mut failures: u32 = 0;
        loop {
            let notified = self.inner.updates_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let next = {
                let mut st = self.state();
                match st.webhook.clone() {
                    None => None,
                    Some(hook) => {
                        Self::drop_unwanted(&mut st);
                        let next = match st.redeliveries.front() {
                            Some(again) => Some((again.clone(), true)),
                            None => st.queue.front().map(|u| (u.clone(), false)),
                        };
                        if next.is_some() {
                            st.webhook_in_flight = true;
                        }
                        let url = if st.balanced.is_empty() {
                            hook.url.clone()
                        } else {
                            let at = st.balanced_posts % st.balanced.len();
                            st.balanced_posts += 1;
                            st.balanced[at].clone()
                        };
                        next.map(|next| (hook, url, next))
                    }
                }
            };
            let Some((hook, url, (update, again))) = next else {
                self.inner.acks_changed.notify_waiters();
                let _ = tokio::time::timeout(Duration::from_secs(1), notified).await;
                continue;
            };
            let mut headers = vec![("content-type", "application/json".to_owned())];
            if let Some(secret) = &hook.secret_token {
                headers.push(("x-telegram-bot-api-secret-token", secret.clone()));
            }
            let status = http_request(&url, "POST", &headers, update.json.as_bytes())
                .await
                .map_or(0, |(status, _)| status);
            let delivered = {
                let mut st = self.state();
                st.webhook_posts.push((update.id, status));
                if !st.balanced.is_empty() {
                    st.balanced_log.push((url.clone(), status));
                }
                let mut delivered = status == 200;
                if delivered && st.lose_webhook_answers > 0 {
                    st.lose_webhook_answers -= 1;
                    delivered = false;
                }
                if delivered {
                    st.posted.insert(update.id, update.json.clone());
                    if again {
                        st.redeliveries.pop_front();
                    } else if st.queue.front().is_some_and(|u| u.id == update.id) {
                        st.queue.pop_front();
                    }
                }
                st.webhook_in_flight = false;
                delivered
            };
            self.inner.acks_changed.notify_waiters();
            self.inner.calls_changed.notify_waiters();
            if delivered {
                failures = 0;
            } else {
                failures += 1;
                // Telegram waits longer each time; a test cannot.
                let wait = Duration::from_millis(50 * u64::from(failures.min(4)));
                tokio::time::sleep(wait).await;
            }
        }
    }

    // ----- what the bot sent -----

    /// Polls sent by the bot, in order.
    pub fn polls(&self) -> Vec<SentPoll> {
        self.state().polls.clone()
    }

    /// The poll sent as message `message_id` in `chat_id`.
    pub fn poll_at(&self, chat_id: i64, message_id: i64) -> Option<SentPoll> {
        self.state()
            .polls
            .iter()
            .find(|p| p.chat_id == chat_id && p.message_id == message_id)
            .cloned()
    }

    /// Sets the counts of a poll the bot sent, as Telegram keeps them
    /// (what `stopPoll` answers with): `counts` per option, and the voters.
    pub fn set_poll_counts(&self, chat_id: i64, message_id: i64, counts: &[u32], voters: u32) {
        let mut st = self.state();
        let Some(sp) = st
            .polls
            .iter_mut()
            .find(|p| p.chat_id == chat_id && p.message_id == message_id)
        else {
            panic!("no poll at {chat_id}:{message_id}");
        };
        if let Some(Value::Array(options)) = sp.poll.get_mut("options") {
            for (option, &count) in options.iter_mut().zip(counts) {
                option["voter_count"] = json!(count);
            }
        }
        sp.poll["total_voter_count"] = json!(voters);
        let poll = sp.poll.clone();
        if let Some(Value::Object(m)) = st.messages.get_mut(&(chat_id, message_id)) {
            m.insert("poll".into(), poll);
        }
    }

    /// The current state of a message the bot sent (after edits), if it
    /// still exists.
    pub fn message(&self, chat_id: i64, message_id: i64) -> Option<Value> {
        self.state().messages.get(&(chat_id, message_id)).cloned()
    }

    /// All messages the bot sent to a chat that still exist, by message id.
    pub fn messages_in(&self, chat_id: i64) -> Vec<Value> {
        let st = self.state();
        let mut v: Vec<(i64, Value)> = st
            .messages
            .iter()
            .filter(|((c, _), _)| *c == chat_id)
            .map(|((_, m), v)| (*m, v.clone()))
            .collect();
        v.sort_by_key(|(m, _)| *m);
        v.into_iter().map(|(_, v)| v).collect()
    }

    /// The bot's User object.
    pub fn bot_user() -> Value {
        json!({
            "id": BOT_USER_ID,
            "is_bot": true,
            "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME,
        })
    }
}

// ---------------------------------------------------------------------------
// Request handling

enum Reply {
    Ok(Value),
    /// getUpdates' result: the updates' JSON, comma-separated, as queued.
    Updates(String),
    Err(StatusCode, Value),
    Html502,
}

fn api_error(code: u16, description: &str) -> Reply {
    Reply::Err(
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        json!({"ok": false, "error_code": code, "description": description}),
    )
}

fn failure_reply(f: &Failure) -> Reply {
    match f {
        Failure::RetryAfter(s) => Reply::Err(
            StatusCode::TOO_MANY_REQUESTS,
            json!({
                "ok": false,
                "error_code": 429,
                "description": format!("Too Many Requests: retry after {s}"),
                "parameters": {"retry_after": s},
            }),
        ),
        Failure::ServerError(code) => {
            let desc = match code {
                502 => "Bad Gateway",
                503 => "Service Unavailable",
                504 => "Gateway Timeout",
                _ => "Internal Server Error",
            };
            api_error(*code, desc)
        }
        Failure::Forbidden(t) => api_error(403, &prefixed("Forbidden: ", t)),
        Failure::BadRequest(t) => api_error(400, &prefixed("Bad Request: ", t)),
        Failure::Migrated(to) => Reply::Err(
            StatusCode::BAD_REQUEST,
            json!({
                "ok": false,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": to},
            }),
        ),
    }
}

fn prefixed(prefix: &str, text: &str) -> String {
    if text.starts_with(prefix) {
        text.to_string()
    } else {
        format!("{prefix}{text}")
    }
}

fn percent_decode(s: &str) -> String {
    fn hex(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Text values from multipart/form/query: JSON objects/arrays are parsed.
fn text_value(s: String) -> Value {
    let t = s.trim_start();
    if (t.starts_with('{') || t.starts_with('['))
        && let Ok(v @ (Value::Object(_) | Value::Array(_))) = serde_json::from_str::<Value>(&s)
    {
        return v;
    }
    Value::String(s)
}

fn parse_urlencoded(s: &str, into: &mut Map<String, Value>) {
    for pair in s.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(&k.replace('+', " "));
        let v = percent_decode(&v.replace('+', " "));
        into.insert(k, text_value(v));
    }
}

fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Telegram's time, in unix seconds.
fn now(st: &State) -> i64 {
    st.clock.now().timestamp()
}

/// A plausible id for `@username` chat ids.
fn chat_id_of(v: Option<&Value>) -> i64 {
    if let Some(i) = int(v) {
        return i;
    }
    let name = string(v).unwrap_or_default();
    let h = name
        .bytes()
        .fold(0i64, |h, b| (h * 31 + b as i64) % 1_000_000_000);
    -1_001_000_000_000 - h
}

/// The Chat object the fake uses for a chat id.
pub fn chat_object(chat_id: i64) -> Value {
    if chat_id > 0 {
        json!({"id": chat_id, "type": "private", "first_name": format!("User{chat_id}")})
    } else {
        json!({"id": chat_id, "type": "supergroup", "title": GROUP_TITLE})
    }
}

fn user_object(id: i64) -> Value {
    if id == BOT_USER_ID {
        FakeTelegram::bot_user()
    } else {
        json!({"id": id, "is_bot": false, "first_name": format!("User{id}")})
    }
}

impl FakeTelegram {
    async fn handle(&self, req: Request) -> Response {
        let path = percent_decode(req.uri().path());
        let query = req.uri().query().map(str::to_string);
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();

        // /bot<token>/<method>
        let mut segs = path.trim_start_matches('/').splitn(2, '/');
        let bot_seg = segs.next().unwrap_or("");
        let method_raw = segs.next().unwrap_or("").trim_end_matches('/').to_string();
        let Some(token) = bot_seg.strip_prefix("bot") else {
            return to_response(api_error(404, "Not Found"));
        };

        let mut params = Map::new();
        let mut files = Vec::new();
        let mut parse_error = None;
        if let Some(q) = &query {
            parse_urlencoded(q, &mut params);
        }
        if content_type.starts_with("multipart/form-data") {
            match Multipart::from_request(req, &()).await {
                Ok(mut mp) => loop {
                    match mp.next_field().await {
                        Ok(Some(field)) => {
                            let name = field.name().unwrap_or("").to_string();
                            let file_name = field.file_name().map(str::to_string);
                            match field.bytes().await {
                                Ok(bytes) => match file_name {
                                    Some(file_name) => files.push(UploadedFile {
                                        field: name.clone(),
                                        part_name: name,
                                        file_name,
                                        bytes: bytes.to_vec(),
                                    }),
                                    None => {
                                        let s = String::from_utf8_lossy(&bytes).into_owned();
                                        params.insert(name, text_value(s));
                                    }
                                },
                                Err(e) => {
                                    parse_error = Some(e.to_string());
                                    break;
                                }
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            parse_error = Some(e.to_string());
                            break;
                        }
                    }
                },
                Err(e) => parse_error = Some(e.to_string()),
            }
            // Resolve `photo=attach://<part>` to the parameter name.
            for f in &mut files {
                let target = format!("attach://{}", f.part_name);
                if let Some((k, _)) = params.iter().find(|(_, v)| v.as_str() == Some(&target)) {
                    f.field = k.clone();
                }
            }
        } else {
            match axum::body::to_bytes(req.into_body(), 64 * 1024 * 1024).await {
                Ok(body) if !body.is_empty() => {
                    if content_type.starts_with("application/x-www-form-urlencoded") {
                        parse_urlencoded(&String::from_utf8_lossy(&body), &mut params);
                    } else {
                        match serde_json::from_slice::<Value>(&body) {
                            Ok(Value::Object(o)) => params.extend(o),
                            Ok(Value::Null) => {}
                            Ok(other) => {
                                parse_error = Some(format!("body is not an object: {other}"))
                            }
                            Err(e) => parse_error = Some(format!("invalid JSON body: {e}")),
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => parse_error = Some(e.to_string()),
            }
        }

        let canonical = canonical_method(&method_raw);
        let method = canonical
            .map(str::to_string)
            .unwrap_or_else(|| method_raw.clone());
        let is_get_updates = method == "getUpdates";

        let mut call = Call {
            method: method.clone(),
            params,
            files,
            at: Instant::now(),
            failed: true,
            response: Value::Null,
        };

        // Decide on a reply. Long polling happens outside the lock.
        let mut lose_answer = false;
        let mut hold = None;
        let mut request = 0;
        let reply = {
            let mut st = self.state();
            if is_get_updates {
                st.get_updates_calls += 1;
                request = st.get_updates_calls;
            } else {
                st.in_flight += 1;
            }
            self.check_conformance(&mut st, canonical, &method_raw, &call);
            if st.down {
                Some(Reply::Html502)
            } else if token != TOKEN {
                Some(api_error(401, "Unauthorized"))
            } else if canonical.is_none() {
                Some(api_error(404, "Not Found: method not found"))
            } else if is_get_updates && st.webhook.is_some() {
                Some(api_error(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
                ))
            } else if let Some(e) = parse_error {
                Some(api_error(400, &format!("Bad Request: {e}")))
            } else if let Some(f) = st
                .failures
                .get_mut(&method.to_lowercase())
                .and_then(|q| q.pop_front())
            {
                Some(failure_reply(&f))
            } else if is_get_updates {
                None
            } else if let Some(limited) = Self::over_limit(&mut st, &method, &call) {
                Some(limited)
            } else {
                let mut reply = self.respond(&mut st, &method, &call);
                if st.malformed_response.remove(&method.to_lowercase()) {
                    reply = Reply::Ok(json!({"not": "what the Bot API answers"}));
                }
                if let Some(times) = st.drop_response.get_mut(&method.to_lowercase())
                    && *times > 0
                {
                    *times -= 1;
                    lose_answer = true;
                }
                hold = st.hold_response.remove(&method.to_lowercase());
                Some(reply)
            }
        };
        // A held answer's call is recorded now: the bot may be killed while
        // it waits, and then this handler never finishes.
        let recorded_early = hold.is_some();
        if let Some(release) = hold {
            let mut early = call.clone();
            if let Some(Reply::Ok(v)) = &reply {
                early.failed = false;
                early.response = v.clone();
            }
            self.state().calls.push(early);
            self.inner.calls_changed.notify_waiters();
            release.notified().await;
        }
        let reply = match reply {
            Some(r) => r,
            None => self.get_updates(&call.params, request).await,
        };

        match &reply {
            Reply::Ok(v) => {
                call.failed = false;
                call.response = v.clone();
            }
            // Not kept: tests look at what the bot sent, and a million
            // served votes would otherwise stay in memory.
            Reply::Updates(_) => call.failed = false,
            _ => {}
        }
        {
            let mut st = self.state();
            if !recorded_early {
                st.calls.push(call);
            }
            if !is_get_updates {
                st.in_flight -= 1;
            }
        }
        self.inner.calls_changed.notify_waiters();
        if lose_answer {
            return broken_response();
        }
        to_response(reply)
    }

    /// Telegram's limits on messages: 1 a second per chat, 20 a minute per
    /// group or channel, 30 a second overall; a message over one gets a 429.
    /// Windows are a little shorter than Telegram's, so that a bot that
    /// paces itself exactly is not refused for network jitter.
    fn over_limit(st: &mut State, method: &str, call: &Call) -> Option<Reply> {
        // Edits count against a chat's limits too.
        const MESSAGES: [&str; 8] = [
            "editMessageText",
            "editMessageReplyMarkup",
            "sendMessage",
            "sendPhoto",
            "sendDocument",
            "sendPoll",
            "sendMediaGroup",
            "copyMessage",
        ];
        if st.limits_off || !MESSAGES.contains(&method) {
            return None;
        }
        let chat = chat_id_of(call.params.get("chat_id"));
        let now = Instant::now();
        let chat_gap = CHAT_GAP;
        let minute = Duration::from_secs(59);
        let second = Duration::from_millis(950);
        while st
            .sent_overall
            .front()
            .is_some_and(|at| now.duration_since(*at) >= second)
        {
            st.sent_overall.pop_front();
        }
        let sent = st.sent_to_chat.entry(chat).or_default();
        while sent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= minute)
        {
            sent.pop_front();
        }
        let retry_after = if sent
            .back()
            .is_some_and(|at| now.duration_since(*at) < chat_gap)
        {
            Some(1)
        } else if chat < 0 && sent.len() >= 20 {
            let oldest = sent[sent.len() - 20];
            Some((60 - now.duration_since(oldest).as_secs()).max(1))
        } else if st.sent_overall.len() >= 30 {
            Some(1)
        } else {
            None
        };
        match retry_after {
            Some(after) => {
                st.rate_limited.push((method.to_owned(), chat));
                Some(failure_reply(&Failure::RetryAfter(after as u32)))
            }
            None => {
                sent.push_back(now);
                st.sent_overall.push_back(now);
                None
            }
        }
    }

    fn check_conformance(&self, st: &mut State, canonical: Option<&str>, raw: &str, call: &Call) {
        let Some(name) = canonical else {
            st.violations.push(format!("{raw}: not a Bot API method"));
            return;
        };
        let m = &spec().methods[&name.to_lowercase()];
        for (field, required) in &m.fields {
            if *required && matches!(call.params.get(field), None | Some(Value::Null)) {
                st.violations
                    .push(format!("{name}: missing required parameter `{field}`"));
            }
        }
        for key in call.params.keys() {
            if !m.fields.iter().any(|(f, _)| f == key) {
                st.violations
                    .push(format!("{name}: unknown parameter `{key}`"));
            }
        }
        for f in &call.files {
            if f.field == f.part_name
                && !call
                    .params
                    .values()
                    .any(|v| v.as_str() == Some(&format!("attach://{}", f.part_name)))
                && !m.fields.iter().any(|(n, _)| n == &f.field)
            {
                st.violations.push(format!(
                    "{name}: file part `{}` is not referenced by any parameter",
                    f.field
                ));
            }
        }
    }

    /// Like Telegram, drops queued updates of a type the bot did not ask
    /// for (unless filtering is off).
    fn drop_unwanted(st: &mut State) {
        if !st.filter_allowed_updates {
            return;
        }
        let allowed = st.allowed_updates.clone().unwrap_or_default();
        let is_allowed = |kind: &str| {
            if allowed.is_empty() {
                !NOT_DEFAULT_UPDATES.contains(&kind)
            } else {
                allowed.iter().any(|a| a == kind)
            }
        };
        let mut dropped = Vec::new();
        st.queue.retain(|u| {
            let keep = is_allowed(&u.kind);
            if !keep {
                dropped.push(u.id);
            }
            keep
        });
        st.dropped_updates.extend(dropped);
    }

    /// Serves getUpdates request number `request`, holding it open (as a
    /// long poll) until there is something to deliver or its timeout.
    async fn get_updates(&self, params: &Map<String, Value>, request: u64) -> Reply {
        let offset = int(params.get("offset")).unwrap_or(0);
        let limit = int(params.get("limit")).unwrap_or(100).clamp(1, 100) as usize;
        let timeout = int(params.get("timeout")).unwrap_or(0).max(0) as u64;
        let allowed: Option<Vec<String>> = params.get("allowed_updates").and_then(|v| match v {
            Value::Array(a) => Some(
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
            ),
            _ => None,
        });
        {
            let mut st = self.state();
            if let Some(a) = allowed {
                st.allowed_updates = Some(a);
            }
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
        let mut held = None;
        loop {
            let notified = self.inner.updates_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let (result, acked_changed) = {
                let mut st = self.state();
                let before = Self::acked(&st);
                if offset > 0 {
                    while st.queue.front().is_some_and(|u| u.id < offset) {
                        st.queue.pop_front();
                    }
                }
                Self::drop_unwanted(&mut st);
                let result: String = if offset < 0 {
                    let n = (-offset) as usize;
                    let skip = st.queue.len().saturating_sub(n);
                    st.queue
                        .iter()
                        .skip(skip)
                        .take(limit)
                        .map(|u| u.json.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                } else {
                    st.queue
                        .iter()
                        .filter(|u| u.id >= offset)
                        .take(limit)
                        .map(|u| u.json.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                };
                (result, Self::acked(&st) != before)
            };
            if acked_changed {
                self.inner.acks_changed.notify_waiters();
            }
            if !result.is_empty() || tokio::time::Instant::now() >= deadline {
                return Reply::Updates(result);
            }
            if held.is_none() {
                held = Some(LongPoll::hold(self, request));
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Reply::Updates(String::new());
            }
        }
    }

    fn new_message(&self, st: &mut State, chat_id: i64) -> Map<String, Value> {
        let next = st.next_message_id.entry(chat_id).or_insert(1000);
        let id = *next;
        *next += 1;
        let mut m = Map::new();
        m.insert("message_id".into(), json!(id));
        m.insert("from".into(), Self::bot_user());
        m.insert("chat".into(), chat_object(chat_id));
        m.insert("date".into(), json!(now(st)));
        m
    }

    fn next_file_ids(st: &mut State, prefix: &str) -> (String, String) {
        let n = st.next_file_id;
        st.next_file_id += 1;
        (
            format!("{prefix}ACAgIAAxkDAAI{n:08}"),
            format!("AQAD{n:08}"),
        )
    }

    /// Telegram's rules for inline keyboards: every button's
    /// `callback_data` is 1 to 64 bytes.
    fn check_keyboard(st: &mut State, method: &str, params: &Map<String, Value>) {
        let Some(rows) = params
            .get("reply_markup")
            .and_then(|rm| rm.get("inline_keyboard"))
            .and_then(Value::as_array)
        else {
            return;
        };
        for button in rows.iter().filter_map(Value::as_array).flatten() {
            if let Some(data) = button.get("callback_data").and_then(Value::as_str)
                && !(1..=64).contains(&data.len())
            {
                st.violations.push(format!(
                    "{method}: callback_data of {} bytes (1-64 allowed)",
                    data.len()
                ));
            }
        }
    }

    fn copy_common(m: &mut Map<String, Value>, params: &Map<String, Value>) {
        if let Some(rm) = params.get("reply_markup")
            && rm.get("inline_keyboard").is_some()
        {
            m.insert("reply_markup".into(), rm.clone());
        }
        if boolean(params.get("protect_content")) == Some(true) {
            m.insert("has_protected_content".into(), json!(true));
        }
        if let Some(t) = int(params.get("message_thread_id")) {
            m.insert("message_thread_id".into(), json!(t));
            m.insert("is_topic_message".into(), json!(true));
        }
    }

    fn copy_caption(m: &mut Map<String, Value>, params: &Map<String, Value>) {
        if let Some(c) = string(params.get("caption")) {
            m.insert("caption".into(), json!(c));
            if let Some(e @ Value::Array(_)) = params.get("caption_entities") {
                m.insert("caption_entities".into(), e.clone());
            }
        }
    }

    fn store(st: &mut State, chat_id: i64, m: Map<String, Value>) -> Value {
        let v = Value::Object(m);
        let id = v["message_id"].as_i64().unwrap_or_default();
        st.messages.insert((chat_id, id), v.clone());
        v
    }

    fn respond(&self, st: &mut State, method: &str, call: &Call) -> Reply {
        let p = &call.params;
        let chat_id = chat_id_of(p.get("chat_id"));
        match method {
            "getMe" if st.get_me_malformed => {
                // Valid JSON, but not a User: teloxide cannot parse it.
                Reply::Ok(json!({"id": "not-a-number", "is_bot": "yes"}))
            }
            "getMe" => {
                let mut me = Self::bot_user();
                let o = me.as_object_mut().expect("object");
                o.insert("can_join_groups".into(), json!(true));
                o.insert("can_read_all_group_messages".into(), json!(false));
                o.insert("supports_inline_queries".into(), json!(false));
                o.insert("can_connect_to_business".into(), json!(false));
                o.insert("has_main_web_app".into(), json!(false));
                Reply::Ok(me)
            }
            "answerCallbackQuery" => {
                let id = string(p.get("callback_query_id")).unwrap_or_default();
                if string(p.get("text")).is_some_and(|t| t.chars().count() > 200) {
                    return api_error(400, "Bad Request: MESSAGE_TOO_LONG");
                }
                if !st.answered_callbacks.insert(id) {
                    return api_error(
                        400,
                        "Bad Request: query is too old and response timeout expired or query ID is invalid",
                    );
                }
                Reply::Ok(json!(true))
            }
            "sendMessage" => {
                Self::check_keyboard(st, method, p);
                let mut m = self.new_message(st, chat_id);
                m.insert(
                    "text".into(),
                    json!(string(p.get("text")).unwrap_or_default()),
                );
                if let Some(e @ Value::Array(_)) = p.get("entities") {
                    m.insert("entities".into(), e.clone());
                }
                Self::copy_common(&mut m, p);
                Reply::Ok(Self::store(st, chat_id, m))
            }
            "sendPoll" => {
                // country_codes: 0-12 two-letter codes (ISO 3166-1 alpha-2,
                // or FT), as the Bot API describes it.
                if let Some(codes) = p.get("country_codes") {
                    let valid = codes.as_array().is_some_and(|codes| {
                        codes.len() <= 12
                            && codes.iter().all(|c| {
                                c.as_str().is_some_and(|c| {
                                    c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())
                                })
                            })
                    });
                    if !valid {
                        return api_error(400, "Bad Request: invalid country code");
                    }
                }
                let poll_id = st.next_poll_id.to_string();
                st.next_poll_id += 1;
                let question = string(p.get("question")).unwrap_or_default();
                let options: Vec<String> = match p.get("options") {
                    Some(Value::Array(a)) => a
                        .iter()
                        .map(|o| match o {
                            Value::String(s) => s.clone(),
                            other => string(other.get("text")).unwrap_or_default(),
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let is_anonymous = boolean(p.get("is_anonymous")).unwrap_or(true);
                let poll_type = string(p.get("type")).unwrap_or_else(|| "regular".into());
                let multiple = boolean(p.get("allows_multiple_answers")).unwrap_or(false);
                let is_closed = boolean(p.get("is_closed")).unwrap_or(false);
                let opts: Vec<Value> = options
                    .iter()
                    .enumerate()
                    .map(|(i, t)| json!({"persistent_id": i.to_string(), "text": t, "voter_count": 0}))
                    .collect();
                let mut poll = json!({
                    "id": poll_id,
                    "question": question,
                    "options": opts,
                    "total_voter_count": 0,
                    "is_closed": is_closed,
                    "is_anonymous": is_anonymous,
                    "type": poll_type,
                    "allows_multiple_answers": multiple,
                    "allows_revoting": boolean(p.get("allows_revoting")).unwrap_or(true),
                    "members_only": boolean(p.get("members_only")).unwrap_or(false),
                });
                if let Some(codes) = p.get("country_codes") {
                    poll["country_codes"] = codes.clone();
                }
                let po = poll.as_object_mut().expect("object");
                for k in ["open_period", "close_date", "explanation", "description"] {
                    if let Some(v) = p.get(k) {
                        po.insert(
                            k.into(),
                            if k == "explanation" || k == "description" {
                                v.clone()
                            } else {
                                json!(int(Some(v)))
                            },
                        );
                    }
                }
                if let Some(c) = p.get("correct_option_id") {
                    po.insert("correct_option_id".into(), json!(int(Some(c))));
                }
                let mut m = self.new_message(st, chat_id);
                m.insert("poll".into(), poll.clone());
                Self::copy_common(&mut m, p);
                let msg = Self::store(st, chat_id, m);
                st.polls.push(SentPoll {
                    chat_id,
                    message_id: msg["message_id"].as_i64().unwrap_or_default(),
                    poll_id,
                    question,
                    options,
                    is_anonymous,
                    allows_multiple_answers: multiple,
                    is_closed,
                    poll,
                });
                Reply::Ok(msg)
            }
            "stopPoll" => {
                let message_id = int(p.get("message_id")).unwrap_or_default();
                let now = now(st);
                let Some(sp) = st
                    .polls
                    .iter_mut()
                    .find(|sp| sp.chat_id == chat_id && sp.message_id == message_id)
                else {
                    return api_error(400, "Bad Request: message with poll to stop not found");
                };
                // Telegram closes a poll by itself at its close_date.
                let expired = sp.poll["close_date"].as_i64().is_some_and(|d| d <= now);
                if expired && !sp.is_closed {
                    sp.is_closed = true;
                    sp.poll["is_closed"] = json!(true);
                }
                if sp.is_closed {
                    return api_error(400, "Bad Request: poll has already been closed");
                }
                sp.is_closed = true;
                sp.poll["is_closed"] = json!(true);
                let poll = sp.poll.clone();
                if let Some(Value::Object(m)) = st.messages.get_mut(&(chat_id, message_id)) {
                    m.insert("poll".into(), poll.clone());
                    if let Some(rm) = p.get("reply_markup") {
                        m.insert("reply_markup".into(), rm.clone());
                    }
                }
                Reply::Ok(poll)
            }
            "sendPhoto" => {
                let (w, h, size) = match call.files.iter().find(|f| f.field == "photo") {
                    Some(f) => {
                        let (w, h) = png_size(&f.bytes).unwrap_or((800, 600));
                        (w, h, Some(f.bytes.len()))
                    }
                    None => (800, 600, None),
                };
                let given = string(p.get("photo"))
                    .filter(|s| !s.starts_with("attach://") && !s.contains("://"));
                let mut sizes = Vec::new();
                for (i, scale) in [(0, 320u32), (1, 800), (2, u32::MAX)] {
                    let (fid, fuid) = match (&given, i) {
                        (Some(g), 2) => (g.clone(), format!("AQAD{g}")),
                        _ => Self::next_file_ids(st, "AgAC"),
                    };
                    let factor = (scale as f64 / w.max(h) as f64).min(1.0);
                    let mut ps = json!({
                        "file_id": fid,
                        "file_unique_id": fuid,
                        "width": ((w as f64 * factor).round() as u32).max(1),
                        "height": ((h as f64 * factor).round() as u32).max(1),
                    });
                    if let (Some(s), 2) = (size, i) {
                        ps["file_size"] = json!(s);
                    }
                    sizes.push(ps);
                }
                let mut m = self.new_message(st, chat_id);
                m.insert("photo".into(), Value::Array(sizes));
                Self::copy_caption(&mut m, p);
                Self::copy_common(&mut m, p);
                Reply::Ok(Self::store(st, chat_id, m))
            }
            "sendDocument" => {
                let file = call.files.iter().find(|f| f.field == "document");
                let (fid, fuid) = match string(p.get("document")).filter(|s| !s.contains("://")) {
                    Some(g) => (g.clone(), format!("AQAD{g}")),
                    None => Self::next_file_ids(st, "BQAC"),
                };
                let mut doc = json!({"file_id": fid, "file_unique_id": fuid});
                if let Some(f) = file {
                    doc["file_name"] = json!(f.file_name);
                    doc["mime_type"] = json!(mime_of(&f.file_name));
                    doc["file_size"] = json!(f.bytes.len());
                }
                let mut m = self.new_message(st, chat_id);
                m.insert("document".into(), doc);
                Self::copy_caption(&mut m, p);
                Self::copy_common(&mut m, p);
                Reply::Ok(Self::store(st, chat_id, m))
            }
            "editMessageText" | "editMessageCaption" | "editMessageReplyMarkup" => {
                Self::check_keyboard(st, method, p);
                if p.contains_key("inline_message_id") {
                    return Reply::Ok(json!(true));
                }
                let message_id = int(p.get("message_id")).unwrap_or_default();
                let Some(Value::Object(m)) = st.messages.get(&(chat_id, message_id)).cloned()
                else {
                    return api_error(400, "Bad Request: message to edit not found");
                };
                let mut new = m.clone();
                match method {
                    "editMessageText" => {
                        if !new.contains_key("text") {
                            return api_error(
                                400,
                                "Bad Request: there is no text in the message to edit",
                            );
                        }
                        new.insert(
                            "text".into(),
                            json!(string(p.get("text")).unwrap_or_default()),
                        );
                        new.remove("entities");
                        if let Some(e @ Value::Array(_)) = p.get("entities") {
                            new.insert("entities".into(), e.clone());
                        }
                        new.remove("reply_markup");
                    }
                    "editMessageCaption" => {
                        new.remove("caption");
                        new.remove("caption_entities");
                        Self::copy_caption(&mut new, p);
                        new.remove("reply_markup");
                    }
                    _ => {
                        new.remove("reply_markup");
                    }
                }
                if let Some(rm) = p.get("reply_markup")
                    && rm.get("inline_keyboard").is_some()
                {
                    new.insert("reply_markup".into(), rm.clone());
                }
                if new == m {
                    return api_error(
                        400,
                        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
                    );
                }
                new.insert("edit_date".into(), json!(now(st)));
                Reply::Ok(Self::store(st, chat_id, new))
            }
            "deleteMessage" => {
                let message_id = int(p.get("message_id")).unwrap_or_default();
                if st.messages.remove(&(chat_id, message_id)).is_none() && chat_id > 0 {
                    // Bots may delete users' messages in groups; in private
                    // chats we only know our own messages, so be lenient too.
                }
                Reply::Ok(json!(true))
            }
            "getChatAdministrators" => {
                let (creator, admins) = st.admins.get(&chat_id).cloned().unwrap_or((1, Vec::new()));
                let mut list = vec![owner_member(creator)];
                for a in admins.iter().filter(|a| **a != creator) {
                    list.push(admin_member(*a));
                }
                if st.bot_admin.get(&chat_id).copied().unwrap_or(false)
                    && !admins.contains(&BOT_USER_ID)
                {
                    list.push(admin_member(BOT_USER_ID));
                }
                Reply::Ok(Value::Array(list))
            }
            "getChatMemberCount" => match st.member_counts.get(&chat_id) {
                Some(&count) => Reply::Ok(json!(count)),
                None => api_error(400, "Bad Request: chat not found"),
            },
            "getChatMember" => {
                let user_id = int(p.get("user_id")).unwrap_or_default();
                let (creator, admins) = st.admins.get(&chat_id).cloned().unwrap_or((1, Vec::new()));
                let member = if user_id == BOT_USER_ID {
                    if st.bot_admin.get(&chat_id).copied().unwrap_or(false) {
                        admin_member(user_id)
                    } else {
                        json!({"status": "member", "user": user_object(user_id)})
                    }
                } else if user_id == creator {
                    owner_member(user_id)
                } else if admins.contains(&user_id) {
                    admin_member(user_id)
                } else {
                    json!({"status": "member", "user": user_object(user_id)})
                };
                Reply::Ok(member)
            }
            "getChat" => {
                let mut c = chat_object(chat_id);
                let o = c.as_object_mut().expect("object");
                o.insert("accent_color_id".into(), json!(0));
                o.insert("max_reaction_count".into(), json!(11));
                o.insert(
                    "accepted_gift_types".into(),
                    json!({"unlimited_gifts": false, "limited_gifts": false, "unique_gifts": false,
                           "premium_subscription": false, "gifts_from_channels": false}),
                );
                Reply::Ok(c)
            }
            "setMyCommands" => {
                st.commands = p.get("commands").cloned().unwrap_or(json!([]));
                Reply::Ok(json!(true))
            }
            "deleteMyCommands" => {
                st.commands = json!([]);
                Reply::Ok(json!(true))
            }
            "getMyCommands" => Reply::Ok(st.commands.clone()),
            "setWebhook" => {
                let url = string(p.get("url")).unwrap_or_default();
                if url.is_empty() {
                    // Telegram's way of removing a webhook.
                    st.webhook = None;
                    return Reply::Ok(json!(true));
                }
                if !(url.starts_with("https://") || url.starts_with("http://127.0.0.1:")) {
                    return api_error(
                        400,
                        "Bad Request: bad webhook: HTTPS url must be provided for webhook",
                    );
                }
                let allowed_updates: Option<Vec<String>> = match p.get("allowed_updates") {
                    Some(Value::Array(a)) => Some(
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect(),
                    ),
                    _ => None,
                };
                if let Some(allowed) = &allowed_updates {
                    st.allowed_updates = Some(allowed.clone());
                }
                st.webhook = Some(WebhookSetting {
                    url,
                    secret_token: string(p.get("secret_token")),
                    allowed_updates,
                });
                self.inner.updates_changed.notify_waiters();
                Reply::Ok(json!(true))
            }
            "deleteWebhook" => {
                st.webhook = None;
                if boolean(p.get("drop_pending_updates")) == Some(true) {
                    let dropped: Vec<i64> = st.queue.drain(..).map(|u| u.id).collect();
                    st.dropped_updates.extend(dropped);
                }
                Reply::Ok(json!(true))
            }
            "getWebhookInfo" => {
                let mut info = json!({
                    "url": st.webhook.as_ref().map(|w| w.url.clone()).unwrap_or_default(),
                    "has_custom_certificate": false,
                    "pending_update_count": st.queue.len(),
                });
                if let Some(allowed) = st.webhook.as_ref().and_then(|w| w.allowed_updates.clone()) {
                    info["allowed_updates"] = json!(allowed);
                }
                Reply::Ok(info)
            }
            "copyMessage" => {
                let m = self.new_message(st, chat_id);
                Reply::Ok(json!({"message_id": m["message_id"]}))
            }
            _ => {
                let returns = &spec().methods[&method.to_lowercase()].returns;
                let first = returns.first().map(String::as_str).unwrap_or("Boolean");
                if first == "Message" {
                    let mut m = self.new_message(st, chat_id);
                    m.insert(
                        "text".into(),
                        json!(string(p.get("text")).unwrap_or_default()),
                    );
                    Self::copy_common(&mut m, p);
                    Reply::Ok(Self::store(st, chat_id, m))
                } else if first.starts_with("Array of") {
                    Reply::Ok(json!([]))
                } else {
                    Reply::Ok(json!(true))
                }
            }
        }
    }
}

fn owner_member(id: i64) -> Value {
    json!({"status": "creator", "user": user_object(id), "is_anonymous": false})
}

fn admin_member(id: i64) -> Value {
    administrator(user_object(id))
}

/// A ChatMemberAdministrator with the rights a group admin usually has.
pub fn administrator(user: Value) -> Value {
    json!({
        "status": "administrator",
        "user": user,
        "can_be_edited": false,
        "is_anonymous": false,
        "can_manage_chat": true,
        "can_delete_messages": true,
        "can_manage_video_chats": true,
        "can_restrict_members": true,
        "can_promote_members": false,
        "can_change_info": true,
        "can_invite_users": true,
        "can_post_stories": false,
        "can_edit_stories": false,
        "can_delete_stories": false,
        "can_pin_messages": true,
        "can_manage_topics": false,
    })
}

fn png_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.len() >= 24 && b.starts_with(b"\x89PNG\r\n\x1a\n") && &b[12..16] == b"IHDR" {
        let w = u32::from_be_bytes(b[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(b[20..24].try_into().ok()?);
        if w > 0 && h > 0 {
            return Some((w, h));
        }
    }
    None
}

fn mime_of(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "csv" => "text/csv",
        "txt" => "text/plain",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// A response whose body breaks off: the client sees the connection fail
/// after the server acted on the request.
fn broken_response() -> Response {
    let body = futures_lite_error_stream();
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, "1000")
        .body(body)
        .expect("response")
}

fn futures_lite_error_stream() -> Body {
    let chunks: Vec<Result<&'static [u8], std::io::Error>> = vec![
        Ok(b"{\"ok\":true,\"res"),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection lost",
        )),
    ];
    Body::from_stream(futures_util::stream::iter(chunks))
}

fn to_response(reply: Reply) -> Response {
    match reply {
        Reply::Ok(result) => (
            StatusCode::OK,
            axum::Json(json!({"ok": true, "result": result})),
        )
            .into_response(),
        Reply::Updates(updates) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(
                "{{\"ok\":true,\"result\":[{updates}]}}"
            )))
            .expect("response"),
        Reply::Err(status, body) => (status, axum::Json(body)).into_response(),
        Reply::Html502 => Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .header(header::CONTENT_TYPE, "text/html")
            .header(header::SERVER, "nginx/1.18.0")
            .body(Body::from(BAD_GATEWAY_HTML))
            .expect("response"),
    }
}

/// A plain HTTP/1.1 request to `url` (`http://HOST:PORT/PATH`, on this
/// machine only): the status and the body of the answer, or `None` when
/// the connection fails.
pub async fn http_request(
    url: &str,
    method: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    assert!(
        host.starts_with("127.0.0.1:") || host.starts_with("localhost:"),
        "tests post only to this machine: {url}"
    );
    let connect = tokio::net::TcpStream::connect(host);
    let mut stream = tokio::time::timeout(Duration::from_secs(10), connect)
        .await
        .ok()?
        .ok()?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    // A server may answer (413, 401) before the body is all sent.
    let _ = stream.write_all(body).await;
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    if tokio::time::timeout(Duration::from_secs(30), read)
        .await
        .ok()
        .is_none_or(|r| r.is_err())
        && answer.is_empty()
    {
        return None;
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Some((status, body))
}
