//! PLACEHOLDER until the chart renderer lands.
pub struct ChartBar {
    pub label: String,
    pub count: u64,
    pub count_text: String,
    pub share_text: String,
}
pub struct ChartInput {
    pub title: String,
    pub bars: Vec<ChartBar>,
    pub leading: Vec<usize>,
    pub footer: String,
}
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("x")]
    X,
}
pub fn render_png(_input: &ChartInput) -> Result<Vec<u8>, ChartError> {
    Ok(Vec::new())
}
