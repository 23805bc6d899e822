//! Configuration from the environment and `.env`.

use std::path::PathBuf;

use crate::i18n::Language;

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
}

/// How the bot runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub token: String,
    /// Base URL of the Bot API server.
    pub api_url: String,
    /// The sled database directory.
    pub db_path: PathBuf,
    /// User ids that are moderators in every chat.
    pub moderators: Vec<i64>,
    /// Language for chats that chose none.
    pub default_language: Language,
    /// The largest file the bot uploads (Telegram's limit; smaller in tests).
    pub upload_limit: u64,
}

impl Config {
    /// Reads the configuration from the process environment, after loading
    /// `.env` if present.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is not worth stopping for.
        let _ = dotenvy::dotenv();
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
        let db_path = PathBuf::from(var("POLLBOT_DB").unwrap_or_else(|| "./pollbot-data".into()));
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
        Ok(Self {
            token,
            api_url,
            db_path,
            moderators,
            default_language,
            upload_limit: crate::app::TELEGRAM_UPLOAD_LIMIT,
        })
    }
}

fn parse_moderators(list: &str) -> Option<Vec<i64>> {
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
        assert_eq!(c.db_path, PathBuf::from("./pollbot-data"));
        assert!(c.moderators.is_empty());
        assert_eq!(c.default_language, Language::English);
        let c = config(&[
            ("TELOXIDE_TOKEN", "1:x"),
            ("POLLBOT_MODERATORS", "12, 34"),
            ("POLLBOT_LOCALE", "zh"),
        ])
        .unwrap();
        assert_eq!(c.moderators, vec![12, 34]);
        assert_eq!(c.default_language, Language::Chinese);
    }

    #[test]
    fn errors_name_the_variable() {
        assert!(matches!(config(&[]), Err(ConfigError::MissingToken)));
        let e = config(&[("TELOXIDE_TOKEN", "1:x"), ("POLLBOT_MODERATORS", "12,abc")]).unwrap_err();
        assert!(e.to_string().starts_with("POLLBOT_MODERATORS="));
        let e = config(&[("TELOXIDE_TOKEN", "1:x"), ("POLLBOT_LOCALE", "xx")]).unwrap_err();
        assert!(e.to_string().starts_with("POLLBOT_LOCALE="));
    }
}
