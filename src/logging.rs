//! Logs: `tracing` records, and the `log` records of the crates that use
//! the `log` crate (teloxide's rate-limit and network warnings among them),
//! to one output filtered by `RUST_LOG`.

use tracing_subscriber::fmt::MakeWriter;

/// The filter when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info";

/// Starts logging to standard error, as `pollbot run` does.
pub fn init() {
    // Fails only if logging was started already; then it stays as it is.
    let _ = try_init_with_writer(std::io::stderr);
}

/// Starts logging to `writer`: `tracing` events, and `log` records turned
/// into `tracing` events (tracing-subscriber's `tracing-log` bridge). Fails
/// if this process already has a global logger.
pub fn try_init_with_writer<W>(writer: W) -> Result<(), Box<dyn std::error::Error + Send + Sync>>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_FILTER));
    // With the `tracing-log` feature, `try_init` also installs the
    // `LogTracer` that forwards `log` records.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
}
