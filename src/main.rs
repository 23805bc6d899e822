use clap::Parser;

use pollbot::cli::{self, Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Run) {
        Command::Run => pollbot::telegram::run_from_env(),
        Command::Demo { out } => cli::demo(&out).map(|()| println!("wrote {}", out.display())),
        Command::Report {
            db,
            poll,
            out,
            lang,
        } => cli::report(&db, poll, &out, &lang),
        Command::Export {
            db,
            poll,
            format,
            out,
        } => cli::export(&db, poll, format, &out),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pollbot: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
