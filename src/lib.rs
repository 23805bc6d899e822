//! pollbot: a Telegram bot for community opinion polls.
//!
//! Data flows one way: a Telegram update ([`telegram`]) becomes a domain
//! change ([`poll`]) applied to the [`store`], and results are rendered
//! ([`report`]) into messages, charts and files.

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod i18n;
pub mod ingest;
pub mod logging;
pub mod poll;
pub mod report;
pub mod store;
pub mod telegram;
