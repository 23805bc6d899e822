//! Configuration from the environment and `.env`.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::i18n::Language;
use crate::poll::UserId;
use crate::store::Location;

/// Telegram's own Bot API server.
pub const TELEGRAM_API_URL: &str = "https://api.telegram.org";

/// A setting that is missing or malformed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `TELOXIDE_TOKEN` is not set; the bot cannot log in without it.
    #[error(
        "TELOXIDE_TOKEN is not set: get a token from @BotFather and put it in .env or the environment"
    )]
    MissingToken,
    /// A variable is set but cannot be read as what it should hold.
    #[error("{variable}={value:?} is not valid: {expected}")]
    Invalid {
        variable: &'static str,
        value: String,
        expected: &'static str,
    },
    /// A line of `.env` cannot be read. Its value is not repeated: it may
    /// be the token.
    #[error(
        ".env line {line} ({variable}...) cannot be read: write it as NAME=value, quoting a value that has spaces or quotes"
    )]
    DotEnv { line: usize, variable: String },
    /// `.env` exists but cannot be read (permissions, not UTF-8, ...).
    #[error("cannot read .env: {0}")]
    DotEnvFile(String),
    /// `POLLBOT_WEBHOOK_URL` is set without `POLLBOT_WEBHOOK_SECRET`: anyone
    /// who found the address could post made-up votes.
    #[error(
        "POLLBOT_WEBHOOK_SECRET is not set: a webhook needs a secret of 1-256 characters A-Z a-z 0-9 _ - (Telegram sends it back with every update)"
    )]
    MissingWebhookSecret,
    /// `POLLBOT_WEBHOOK_SECRET` is set but not what Telegram accepts. Its
    /// value is not repeated: it is a secret.
    #[error(
        "POLLBOT_WEBHOOK_SECRET is not valid: it must be 1-256 characters, each one of A-Z a-z 0-9 _ - (it has {length} characters)"
    )]
    InvalidWebhookSecret { length: usize },
}

/// How the bot runs. Its `Debug` shows the token's bot id, never its
/// secret part.
#[derive(Clone)]
pub struct Config {
    pub token: String,
    /// Base URL of the Bot API server.
    pub api_url: String,
    /// The database: a sled directory or a PostgreSQL URL.
    pub db: Location,
    /// User ids that are moderators in every chat.
    pub moderators: Vec<UserId>,
    /// Language for chats that chose none.
    pub default_language: Language,
    /// The largest file the bot uploads (Telegram's limit; smaller in tests).
    pub upload_limit: u64,
    /// How long a chat's lane stays with nothing queued before it goes
    /// ([`crate::telegram::LANE_IDLE`]; shorter in tests).
    pub lane_idle: std::time::Duration,
    /// Where Telegram posts updates; `None`: the bot long-polls.
    pub webhook: Option<Webhook>,
    /// Where Prometheus reads `/metrics` in long-polling mode (webhook mode
    /// serves it beside `/healthz` as well).
    pub metrics: Option<SocketAddr>,
}

/// The webhook Telegram posts updates to.
#[derive(Clone, Debug)]
pub struct Webhook {
    /// The public address given to Telegram (`POLLBOT_WEBHOOK_URL`).
    pub url: url::Url,
    /// Where the bot's own HTTP server listens, behind the reverse proxy
    /// that does TLS (`POLLBOT_LISTEN`).
    pub listen: SocketAddr,
    pub secret: WebhookSecret,
}

/// What Telegram sends back in `X-Telegram-Bot-Api-Secret-Token`: 1 to
/// 256 characters of `A-Z a-z 0-9 _ -`. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    pub fn parse(secret: &str) -> Result<Self, ConfigError> {
        let valid = (1..=256).contains(&secret.len())
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !valid {
            return Err(ConfigError::InvalidWebhookSecret {
                length: secret.chars().count(),
            });
        }
        Ok(Self(secret.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(<hidden>)")
    }
}

/// Where the webhook server listens unless `POLLBOT_LISTEN` says otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The ports Telegram posts webhooks to.
const WEBHOOK_PORTS: [u16; 4] = [443, 80, 88, 8443];

impl Config {
    /// Reads the configuration from the process environment, after loading
    /// `.env` if present.
    pub fn from_env() -> Result<Self, ConfigError> {
        load_dotenv()?;
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the configuration from any source of variables (a map in tests).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let token = var("TELOXIDE_TOKEN")
            .filter(|t| !t.trim().is_empty())
            .ok_or(ConfigError::MissingToken)?;
        let api_url = var("TELOXIDE_API_URL")
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| TELEGRAM_API_URL.to_owned());
        if !(api_url.starts_with("http://") || api_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                variable: "TELOXIDE_API_URL",
                value: api_url,
                expected: "a URL starting with http:// or https://",
            });
        }
        if api_url.starts_with("http://") && !is_local(&api_url) {
            // Plain HTTP would carry the token (it is in every request's
            // path) in clear across the network.
            return Err(ConfigError::Invalid {
                variable: "TELOXIDE_API_URL",
                value: api_url,
                expected: "https:// for a server on another machine (http:// only for 127.0.0.1, localhost or [::1])",
            });
        }
        let db = var("POLLBOT_DB")
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| "./pollbot-data".into())
            .parse::<Location>()
            .map_err(|error| ConfigError::Invalid {
                variable: "POLLBOT_DB",
                value: error.shown().to_owned(),
                expected: "a directory, or postgres://user:password@host:port/database",
            })?;
        let moderators = match var("POLLBOT_MODERATORS") {
            Some(list) => parse_moderators(&list).ok_or(ConfigError::Invalid {
                variable: "POLLBOT_MODERATORS",
                value: list,
                expected: "comma-separated numeric user ids, e.g. 12345,67890",
            })?,
            None => Vec::new(),
        };
        let default_language = match var("POLLBOT_LOCALE").filter(|l| !l.trim().is_empty()) {
            Some(code) => Language::from_code(&code).ok_or(ConfigError::Invalid {
                variable: "POLLBOT_LOCALE",
                value: code,
                expected: "one of en, zh, ru",
            })?,
            None => Language::English,
        };
        let webhook = webhook_from_vars(&var)?;
        let metrics = match var("POLLBOT_METRICS").filter(|m| !m.trim().is_empty()) {
            Some(address) => Some(socket_address("POLLBOT_METRICS", address)?),
            None => None,
        };
        if let (Some(webhook), Some(metrics)) = (&webhook, metrics)
            && webhook.listen == metrics
        {
            return Err(ConfigError::Invalid {
                variable: "POLLBOT_METRICS",
                value: metrics.to_string(),
                expected: "an address other than POLLBOT_LISTEN's (webhook mode serves /metrics there already): leave it unset",
            });
        }
        Ok(Self {
            token,
            api_url,
            db,
            moderators,
            default_language,
            upload_limit: crate::app::TELEGRAM_UPLOAD_LIMIT,
            lane_idle: crate::telegram::LANE_IDLE,
            webhook,
            metrics,
        })
    }
}

/// The webhook, if `POLLBOT_WEBHOOK_URL` is set: its URL must be https://
/// (http:// only for this machine, as in tests), with the secret and the
/// address to listen on.
fn webhook_from_vars(
    var: &impl Fn(&str) -> Option<String>,
) -> Result<Option<Webhook>, ConfigError> {
    let Some(value) = var("POLLBOT_WEBHOOK_URL").filter(|u| !u.trim().is_empty()) else {
        return Ok(None);
    };
    let invalid = |expected| ConfigError::Invalid {
        variable: "POLLBOT_WEBHOOK_URL",
        value: value.clone(),
        expected,
    };
    let url = url::Url::parse(value.trim())
        .map_err(|_| invalid("a URL such as https://bot.example.org/telegram"))?;
    if url.host().is_none() {
        return Err(invalid(
            "a URL with a host, such as https://bot.example.org/telegram",
        ));
    }
    match url.scheme() {
        "https" => {}
        // Updates carry users' names and messages: plain HTTP only where
        // they never cross a network.
        "http" if is_local(url.as_str()) => {}
        "http" => {
            return Err(invalid(
                "https:// (a reverse proxy does TLS; http:// only for 127.0.0.1, localhost or [::1])",
            ));
        }
        _ => return Err(invalid("a URL starting with https://")),
    }
    if url.scheme() == "https"
        && !is_local(url.as_str())
        && !WEBHOOK_PORTS.contains(&url.port_or_known_default().unwrap_or(443))
    {
        return Err(invalid("a port Telegram posts to: 443, 80, 88 or 8443"));
    }
    let secret = var("POLLBOT_WEBHOOK_SECRET").ok_or(ConfigError::MissingWebhookSecret)?;
    let secret = WebhookSecret::parse(&secret)?;
    let listen = var("POLLBOT_LISTEN")
        .filter(|l| !l.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let listen = socket_address("POLLBOT_LISTEN", listen)?;
    Ok(Some(Webhook {
        url,
        listen,
        secret,
    }))
}

/// An `IP:port` address to listen on.
fn socket_address(variable: &'static str, value: String) -> Result<SocketAddr, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::Invalid {
        variable,
        value,
        expected: "an IP address and port to listen on, such as 127.0.0.1:8080 or [::]:8080",
    })
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let token = match self.token.split_once(':') {
            Some((bot, _)) => format!("{bot}:<hidden>"),
            None => "<hidden>".to_owned(),
        };
        f.debug_struct("Config")
            .field("token", &token)
            .field("api_url", &self.api_url)
            .field("db", &self.db)
            .field("moderators", &self.moderators)
            .field("default_language", &self.default_language)
            .field("webhook", &self.webhook)
            .field("metrics", &self.metrics)
            .finish()
    }
}

/// Whether a URL's host is this machine: 127.0.0.0/8, `localhost` or `::1`.
fn is_local(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Loads `.env` (from the current directory or the nearest parent that
/// has one) into the environment, without overriding variables already
/// set. A missing file is normal; a line that cannot be read is an error
/// that names it, rather than a setting silently skipped.
fn load_dotenv() -> Result<(), ConfigError> {
    let Some(path) = find_dotenv() else {
        return Ok(());
    };
    let contents =
        std::fs::read_to_string(&path).map_err(|e| ConfigError::DotEnvFile(e.to_string()))?;
    check_dotenv(&contents)?;
    dotenvy::from_path(&path).map_err(|e| ConfigError::DotEnvFile(e.to_string()))
}

fn find_dotenv() -> Option<PathBuf> {
    let here = std::env::current_dir().ok()?;
    here.ancestors()
        .map(|dir| dir.join(".env"))
        .find(|path| path.is_file())
}

/// Reads `.env` text the way dotenvy will, and names the first line it
/// cannot read.
fn check_dotenv(contents: &str) -> Result<(), ConfigError> {
    for item in dotenvy::from_read_iter(contents.as_bytes()) {
        match item {
            Ok(_) => {}
            Err(dotenvy::Error::LineParse(text, _)) => {
                let first = text.lines().next().unwrap_or_default();
                let line = contents
                    .lines()
                    .position(|l| l == first)
                    .map_or(0, |i| i + 1);
                let name = first.trim_start();
                let name = name.strip_prefix("export ").unwrap_or(name);
                let name = name.split(['=', ' ', '\t']).next().unwrap_or_default();
                // Only a variable's name is shown, never a stray value.
                let variable = if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    name.chars().take(40).collect()
                } else {
                    String::new()
                };
                return Err(ConfigError::DotEnv { line, variable });
            }
            Err(error) => return Err(ConfigError::DotEnvFile(error.to_string())),
        }
    }
    Ok(())
}

fn parse_moderators(list: &str) -> Option<Vec<UserId>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_and_overrides() {
        let c = config(&[("TELOXIDE_TOKEN", "1:x")]).unwrap();
        assert_eq!(c.api_url, TELEGRAM_API_URL);
        assert_eq!(c.db, Location::folder("./pollbot-data"));
        assert!(c.moderators.is_empty());
        assert_eq!(c.default_language, Language::English);
        let c = config(&[
            ("TELOXIDE_TOKEN", "1:x"),
            ("POLLBOT_MODERATORS", "12, 34"),
            ("POLLBOT_LOCALE", "zh"),
        ])
        .unwrap();
        assert_eq!(c.moderators, vec![UserId(12), UserId(34)]);
        assert_eq!(c.default_language, Language::Chinese);
    }

    #[test]
    fn debug_output_does_not_show_the_token() {
        let c = config(&[("TELOXIDE_TOKEN", "123456:AAHsecretPART-of_the_token")]).unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("AAHsecret"), "{shown}");
        assert!(!shown.contains("secretPART"), "{shown}");
        assert!(
            shown.contains("123456:"),
            "the bot's id still shows: {shown}"
        );
        assert!(shown.contains("pollbot-data"), "{shown}");
        let shown = format!("{c:#?}");
        assert!(!shown.contains("AAHsecret"), "{shown}");
    }

    #[test]
    fn plain_http_is_only_for_a_local_api_server() {
        let url = |u: &str| config(&[("TELOXIDE_TOKEN", "1:x"), ("TELOXIDE_API_URL", u)]);
        for local in [
            "http://127.0.0.1:8081",
            "http://127.8.9.10:8081/",
            "http://localhost:8081",
            "http://LOCALHOST",
            "http://[::1]:8081",
            "https://api.example.org",
            "https://10.0.0.5:8443",
        ] {
            assert_eq!(url(local).unwrap().api_url, local);
        }
        for remote in [
            "http://api.telegram.org",
            "http://10.0.0.5:8081",
            "http://128.0.0.1",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
            "http://[::2]:8081",
            "http://0.0.0.0:8081",
        ] {
            let error = url(remote).unwrap_err();
            assert!(
                error.to_string().starts_with("TELOXIDE_API_URL="),
                "{remote}: {error}"
            );
            assert!(error.to_string().contains("https://"), "{error}");
        }
        assert!(url("http://").is_err());
        assert!(url("ftp://127.0.0.1").is_err());
    }

    #[test]
    fn a_malformed_env_file_line_is_an_error_naming_the_line() {
        let good = "# settings\nTELOXIDE_TOKEN=1:x\n\nPOLLBOT_LOCALE=zh\n";
        assert!(check_dotenv(good).is_ok());
        let bad = "# settings\nTELOXIDE_TOKEN=1:x\nPOLLBOT_LOCALE zh\nPOLLBOT_DB=/data\n";
        let error = check_dotenv(bad).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("line 3"), "{text}");
        assert!(text.contains(".env"), "{text}");
        // A broken line may hold the token: its value is not repeated.
        let bad = "# settings\n  1:secret-token-pasted-alone'\n";
        let text = check_dotenv(bad).unwrap_err().to_string();
        assert!(text.contains("line 2"), "{text}");
        assert!(!text.contains("secret"), "{text}");
        let bad = "export TELOXIDE_TOKEN=1:secret value'\n";
        let text = check_dotenv(bad).unwrap_err().to_string();
        assert!(text.contains("line 1"), "{text}");
        assert!(text.contains("TELOXIDE_TOKEN"), "{text}");
        assert!(!text.contains("secret"), "{text}");
    }

    #[test]
    fn errors_name_the_variable() {
        assert!(matches!(config(&[]), Err(ConfigError::MissingToken)));
        let e = config(&[("TELOXIDE_TOKEN", "1:x"), ("POLLBOT_MODERATORS", "12,abc")]).unwrap_err();
        assert!(e.to_string().starts_with("POLLBOT_MODERATORS="));
        let e = config(&[("TELOXIDE_TOKEN", "1:x"), ("POLLBOT_LOCALE", "xx")]).unwrap_err();
        assert!(e.to_string().starts_with("POLLBOT_LOCALE="));
    }

    fn webhook(vars: &[(&str, &str)]) -> Result<Option<Webhook>, ConfigError> {
        let mut all = vec![("TELOXIDE_TOKEN", "1:x")];
        all.extend_from_slice(vars);
        config(&all).map(|c| c.webhook)
    }

    #[test]
    fn without_a_webhook_url_the_bot_long_polls() {
        let c = config(&[("TELOXIDE_TOKEN", "1:x"), ("POLLBOT_WEBHOOK_SECRET", "s")]).unwrap();
        assert!(c.webhook.is_none());
        assert!(c.metrics.is_none());
        let c = config(&[
            ("TELOXIDE_TOKEN", "1:x"),
            ("POLLBOT_METRICS", "127.0.0.1:9100"),
        ])
        .unwrap();
        assert_eq!(c.metrics, Some("127.0.0.1:9100".parse().unwrap()));
    }

    #[test]
    fn a_webhook_needs_https_a_secret_and_an_address() {
        let hook = webhook(&[
            ("POLLBOT_WEBHOOK_URL", "https://bot.example.org/telegram"),
            ("POLLBOT_WEBHOOK_SECRET", "Abc_123-xyz"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(hook.url.as_str(), "https://bot.example.org/telegram");
        assert_eq!(hook.secret.as_str(), "Abc_123-xyz");
        assert_eq!(hook.listen, DEFAULT_LISTEN.parse().unwrap());
        let hook = webhook(&[
            ("POLLBOT_WEBHOOK_URL", "http://127.0.0.1:4000/hook"),
            ("POLLBOT_WEBHOOK_SECRET", &"s".repeat(256)),
            ("POLLBOT_LISTEN", "[::]:9000"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(hook.listen, "[::]:9000".parse().unwrap());
        for (url, says) in [
            ("http://bot.example.org/telegram", "https://"),
            ("http://10.0.0.5/telegram", "https://"),
            ("ftp://bot.example.org/", "https://"),
            ("bot.example.org/telegram", "a URL"),
            ("https://bot.example.org:8080/", "443, 80, 88 or 8443"),
        ] {
            let error = webhook(&[
                ("POLLBOT_WEBHOOK_URL", url),
                ("POLLBOT_WEBHOOK_SECRET", "s"),
            ])
            .unwrap_err()
            .to_string();
            assert!(error.starts_with("POLLBOT_WEBHOOK_URL="), "{url}: {error}");
            assert!(error.contains(says), "{url}: {error}");
        }
    }

    #[test]
    fn a_missing_or_malformed_secret_is_named_and_not_repeated() {
        let url = ("POLLBOT_WEBHOOK_URL", "https://bot.example.org/telegram");
        let error = webhook(&[url]).unwrap_err();
        assert!(matches!(error, ConfigError::MissingWebhookSecret));
        assert!(
            error
                .to_string()
                .starts_with("POLLBOT_WEBHOOK_SECRET is not set")
        );
        let too_long = "s".repeat(257);
        for bad in [
            "",
            "has space",
            "dots.are.out",
            "semi;colon",
            "ключ",
            too_long.as_str(),
        ] {
            let error = webhook(&[url, ("POLLBOT_WEBHOOK_SECRET", bad)]).unwrap_err();
            let text = error.to_string();
            assert!(
                text.starts_with("POLLBOT_WEBHOOK_SECRET is not valid"),
                "{bad:?}: {text}"
            );
            assert!(text.contains("A-Z a-z 0-9 _ -"), "{text}");
            if !bad.is_empty() {
                assert!(!text.contains(bad), "the secret is not repeated: {text}");
            }
        }
        let c = config(&[
            ("TELOXIDE_TOKEN", "1:x"),
            url,
            ("POLLBOT_WEBHOOK_SECRET", "TopSecret42"),
        ])
        .unwrap();
        assert!(!format!("{c:?}").contains("TopSecret42"));
    }

    #[test]
    fn listen_and_metrics_addresses_must_be_ip_and_port() {
        let url = ("POLLBOT_WEBHOOK_URL", "https://bot.example.org/telegram");
        let secret = ("POLLBOT_WEBHOOK_SECRET", "s");
        for bad in ["localhost:8080", "8080", "127.0.0.1", "127.0.0.1:99999"] {
            let error = webhook(&[url, secret, ("POLLBOT_LISTEN", bad)]).unwrap_err();
            assert!(error.to_string().starts_with("POLLBOT_LISTEN="), "{error}");
            let error = config(&[("TELOXIDE_TOKEN", "1:x"), ("POLLBOT_METRICS", bad)]).unwrap_err();
            assert!(error.to_string().starts_with("POLLBOT_METRICS="), "{error}");
        }
        let error = config(&[
            ("TELOXIDE_TOKEN", "1:x"),
            url,
            secret,
            ("POLLBOT_METRICS", DEFAULT_LISTEN),
        ])
        .unwrap_err();
        assert!(error.to_string().starts_with("POLLBOT_METRICS="), "{error}");
    }
}
