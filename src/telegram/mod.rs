//! The Telegram edge (in progress).
pub fn run_from_env() -> anyhow::Result<()> {
    anyhow::bail!("the bot is not built yet")
}
