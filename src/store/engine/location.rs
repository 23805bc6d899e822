//! Where a database is: a sled folder or a PostgreSQL URL.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A database's place, as `POLLBOT_DB` and `--db` give it. Shown (logs,
/// errors, `Debug`) without a password.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// A sled database directory.
    Folder(PathBuf),
    /// A PostgreSQL database, `postgres://user:password@host:port/name`.
    Postgres(String),
}

/// A `postgres://` value that is not a URL.
#[derive(Debug, thiserror::Error)]
#[error("{shown} is not a PostgreSQL URL (postgres://user:password@host:port/database)")]
pub struct LocationError {
    shown: String,
}

impl LocationError {
    /// The value as given, without its password.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

impl Location {
    pub fn folder(path: impl Into<PathBuf>) -> Self {
        Location::Folder(path.into())
    }

    /// The value as given, password included: to hand to a child process
    /// as `POLLBOT_DB`. Never log it.
    pub fn as_given(&self) -> String {
        match self {
            Location::Folder(path) => path.display().to_string(),
            Location::Postgres(url) => url.clone(),
        }
    }

    /// The folder, for a sled database.
    pub fn as_folder(&self) -> Option<&Path> {
        match self {
            Location::Folder(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Self {
        Location::Folder(path)
    }
}

impl From<&PathBuf> for Location {
    fn from(path: &PathBuf) -> Self {
        Location::Folder(path.clone())
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Self {
        Location::Folder(path.to_path_buf())
    }
}

impl FromStr for Location {
    type Err = LocationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if !(text.starts_with("postgres://") || text.starts_with("postgresql://")) {
            return Ok(Location::Folder(PathBuf::from(text)));
        }
        match url::Url::parse(text) {
            Ok(url) if url.host_str().is_some_and(|h| !h.is_empty()) => {
                Ok(Location::Postgres(text.to_owned()))
            }
            _ => Err(LocationError {
                shown: without_password(text),
            }),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Folder(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(&without_password(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// The URL with its password (and any `password=` parameter) as `***`.
fn without_password(text: &str) -> String {
    let Ok(mut url) = url::Url::parse(text) else {
        // Not a URL: whatever follows the scheme may hold the password.
        let scheme = text.split("://").next().unwrap_or("postgres");
        return format!("{scheme}://***");
    };
    if url.password().is_some() {
        let _ = url.set_password(Some("***"));
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k.eq_ignore_ascii_case("password") {
                "***".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    if !pairs.is_empty() {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_any_value_that_is_not_a_postgres_url() {
        assert_eq!(
            "./pollbot-data".parse::<Location>().unwrap(),
            Location::folder("./pollbot-data")
        );
        assert_eq!(
            "/var/lib/pollbot".parse::<Location>().unwrap().as_folder(),
            Some(Path::new("/var/lib/pollbot"))
        );
    }

    #[test]
    fn a_postgres_url_is_shown_without_its_password() {
        let location: Location = "postgres://bot:s3cret@db.example:5432/pollbot?password=s3cret"
            .parse()
            .unwrap();
        assert_eq!(
            location.to_string(),
            "postgres://bot:***@db.example:5432/pollbot?password=***"
        );
        assert_eq!(format!("{location:?}"), location.to_string());
        assert!(!format!("{location:?}").contains("s3cret"));
        let plain: Location = "postgresql://bot@localhost/pollbot".parse().unwrap();
        assert_eq!(plain.to_string(), "postgresql://bot@localhost/pollbot");
    }

    #[test]
    fn a_postgres_url_without_a_host_is_refused_without_its_password() {
        let error = "postgres://:s3cret@/x".parse::<Location>().unwrap_err();
        assert!(!error.to_string().contains("s3cret"), "{error}");
        assert!(error.to_string().contains("is not a PostgreSQL URL"));
    }
}
