//! The 95% Wilson score interval of a share.
//!
//! A model-based interval: it assumes the voters were a random sample of a
//! larger population, each choosing an option independently. A chat poll
//! is self-selected, so the interval describes sampling noise only, never
//! the bias of who chose to vote. The Wilson interval rather than the
//! textbook `p ± z·√(p(1−p)/n)` because it stays inside 0–100% and keeps
//! its coverage for small polls and for shares near 0 or 100%.

use super::Share;

/// The standard normal quantile for a two-sided 95% interval, Φ⁻¹(0.975).
pub const Z_95: f64 = 1.959963984540054;

/// The 95% Wilson score interval of `successes` of `trials`, as fractions
/// `(low, high)` between 0 and 1. `None` when there are no trials (or,
/// impossibly, more successes than trials).
pub fn wilson_interval(successes: u64, trials: u64) -> Option<(f64, f64)> {
    if trials == 0 || successes > trials {
        return None;
    }
    let (k, n) = (successes as f64, trials as f64);
    let p = k / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    // At k = 0 and k = n one end is exactly 0 or 1; floating point would
    // leave it a hair off.
    let low = if successes == 0 { 0.0 } else { centre - half };
    let high = if successes == trials {
        1.0
    } else {
        centre + half
    };
    Some((low.clamp(0.0, 1.0), high.clamp(0.0, 1.0)))
}

/// A share's interval in tenths of a percent, as reports print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShareInterval {
    pub low: Share,
    pub high: Share,
}

/// The 95% Wilson interval of `successes` of `trials`, each end rounded to
/// the nearest tenth of a percent; `None` when there are no trials.
pub fn wilson_share_interval(successes: u64, trials: u64) -> Option<ShareInterval> {
    let (low, high) = wilson_interval(successes, trials)?;
    let tenths = |fraction: f64| Share((fraction * 1000.0).round() as u32);
    Some(ShareInterval {
        low: tenths(low),
        high: tenths(high),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(k, n, low, high)`, computed independently with statsmodels 0.15.0
    /// (Python 3.11.7):
    ///
    /// ```text
    /// pip install statsmodels
    /// python3 -c "from statsmodels.stats.proportion import proportion_confint
    /// for k, n in [(0,1),(1,1),(0,10),(10,10),(1,2),(3,7),(5,20),(672,1601),
    ///              (472,1601),(304,1601),(153,1601),(500000,1000000)]:
    ///     print(k, n, *proportion_confint(k, n, alpha=0.05, method='wilson'))"
    /// ```
    ///
    /// and checked against the closed formula evaluated with Python's
    /// `decimal` module at 50 digits and z = 1.959963984540054 (they agree
    /// to 1e-15).
    const STATSMODELS: [(u64, u64, f64, f64); 12] = [
        (0, 1, 0.0, 0.7934506856227627),
        (1, 1, 0.2065493143772374, 1.0),
        (0, 10, 0.0, 0.27753279986288926),
        (10, 10, 0.7224672001371106, 1.0),
        (1, 2, 0.09453120573423068, 0.9054687942657693),
        (3, 7, 0.15821985525146964, 0.7495416354723428),
        (5, 20, 0.11186170140766563, 0.4687008776187441),
        // The demo's published poll: Energy, Trade, Military, Food.
        (672, 1601, 0.39578368886924165, 0.44407588193917047),
        (472, 1601, 0.2729935787223868, 0.3176201878967834),
        (304, 1601, 0.17142050774730386, 0.20982678335290325),
        (153, 1601, 0.08211711092321622, 0.11094959801411325),
        (500000, 1000000, 0.4990200198900048, 0.5009799801099952),
    ];

    #[test]
    fn wilson_intervals_match_statsmodels() {
        for (k, n, low, high) in STATSMODELS {
            let (l, h) = wilson_interval(k, n).unwrap();
            assert!((l - low).abs() < 1e-12, "{k} of {n}: low {l}, not {low}");
            assert!((h - high).abs() < 1e-12, "{k} of {n}: high {h}, not {high}");
        }
    }

    #[test]
    fn none_voted_no_interval() {
        assert_eq!(wilson_interval(0, 0), None);
        assert_eq!(wilson_share_interval(0, 0), None);
        assert_eq!(wilson_interval(3, 2), None);
    }

    #[test]
    fn all_or_none_reach_exactly_the_end() {
        assert_eq!(wilson_interval(0, 10).unwrap().0, 0.0);
        assert_eq!(wilson_interval(10, 10).unwrap().1, 1.0);
        let all = wilson_share_interval(10, 10).unwrap();
        assert_eq!(
            (all.low.to_string(), all.high.to_string()),
            ("72.2%".into(), "100.0%".into())
        );
    }

    #[test]
    fn the_demo_s_intervals_to_a_tenth_of_a_percent() {
        let text = |k| {
            let i = wilson_share_interval(k, 1601).unwrap();
            format!("{}–{}", i.low, i.high)
        };
        assert_eq!(text(672), "39.6%–44.4%");
        assert_eq!(text(472), "27.3%–31.8%");
        assert_eq!(text(304), "17.1%–21.0%");
        assert_eq!(text(153), "8.2%–11.1%");
    }
}
