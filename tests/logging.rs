//! Log records of crates that use the `log` crate (teloxide's rate-limit
//! warnings) reach the bot's tracing output. Its own test binary: logging
//! is global to a process.

use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn log_records_of_teloxide_reach_the_tracing_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    pollbot::logging::try_init_with_writer(move || writer.clone()).unwrap();

    log::warn!(target: "teloxide::adaptors::throttle", "rate limit hit: waiting 3s");
    log::debug!(target: "teloxide::net", "below the default filter");
    tracing::info!("our own event");

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        output.contains("WARN teloxide::adaptors::throttle: rate limit hit: waiting 3s"),
        "{output}"
    );
    assert!(output.contains("our own event"), "{output}");
    if std::env::var_os("RUST_LOG").is_none() {
        assert!(!output.contains("below the default filter"), "{output}");
    }
}
