use anyhow::Context;
use clap::Parser;
use tracing::info;

use pollbot::cli::{self, Cli, Command};
use pollbot::config::Config;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Run) {
        Command::Run => run_bot(),
        Command::Demo { out, lang } => {
            cli::demo_with_lang(&out, &lang).map(|()| println!("wrote {}", out.display()))
        }
        Command::Report {
            db,
            poll,
            out,
            lang,
            by,
            trend: false,
        } => cli::location(&db).and_then(|db| cli::report(&db, poll, by, &out, &lang)),
        Command::Report {
            db,
            poll,
            out,
            lang,
            trend: true,
            ..
        } => cli::location(&db).and_then(|db| cli::trend(&db, poll, &out, &lang)),
        Command::Export {
            db,
            poll,
            format,
            out,
        } => cli::location(&db).and_then(|db| cli::export(&db, poll, format, &out)),
        Command::Migrate { from, to } => cli::location(&from)
            .and_then(|from| Ok((from, cli::location(&to)?)))
            .and_then(|(from, to)| cli::migrate(&from, &to)),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pollbot: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `pollbot run`: configuration from the environment, logs, signals.
fn run_bot() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    pollbot::logging::init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(pollbot::telegram::run(config, shutdown_signal()))
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => info!("Ctrl-C: shutting down"),
        _ = terminate => info!("SIGTERM: shutting down"),
    }
}
