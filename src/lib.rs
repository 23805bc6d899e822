//! pollbot: a Telegram bot for community opinion polls.
//!
//! Data flows one way: a Telegram update ([`telegram`]) becomes either an
//! event ([`ingest`]) that changes the [`store`] by the domain's rules
//! ([`poll`]), or a command that a use case ([`app`]) answers; results are
//! rendered ([`report`]) into messages, charts and files. `ARCHITECTURE.md`
//! at the top of the repository maps the layers.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod i18n;
pub mod ingest;
pub mod logging;
pub mod metrics;
pub mod poll;
pub mod report;
pub mod store;
pub mod telegram;
