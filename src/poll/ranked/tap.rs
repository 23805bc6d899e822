//! What a tap on a button ballot does: the voter's ballot after the tap, or
//! why the tap is refused. **Clear** is the caller's (an empty ballot is a
//! withdrawal).

/// Why a tap changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TapRefusal {
    /// The button names no option of the poll.
    UnknownOption,
    /// A ranked ballot already ranks this option.
    AlreadyRanked,
    /// A pick-K ballot already holds `limit` picks.
    LimitReached { limit: u8 },
}

/// A tap on `option` in a ranked poll of `option_count` options: the
/// option becomes the voter's next preference after `current`.
pub fn tap_ranked(current: &[u8], option: u8, option_count: usize) -> Result<Vec<u8>, TapRefusal> {
    if usize::from(option) >= option_count {
        return Err(TapRefusal::UnknownOption);
    }
    if current.contains(&option) {
        return Err(TapRefusal::AlreadyRanked);
    }
    let mut ranking = current.to_vec();
    ranking.push(option);
    Ok(ranking)
}

/// A tap on `option` in a pick-`limit` poll of `option_count` options: an
/// option already picked is dropped, any other is added, unless `current`
/// already holds `limit` picks. Picks are kept in ascending order.
pub fn tap_pick(
    current: &[u8],
    option: u8,
    option_count: usize,
    limit: u8,
) -> Result<Vec<u8>, TapRefusal> {
    if usize::from(option) >= option_count {
        return Err(TapRefusal::UnknownOption);
    }
    let mut picks = current.to_vec();
    picks.sort_unstable();
    picks.dedup();
    match picks.binary_search(&option) {
        Ok(at) => {
            picks.remove(at);
        }
        Err(_) if picks.len() >= usize::from(limit) => {
            return Err(TapRefusal::LimitReached { limit });
        }
        Err(at) => picks.insert(at, option),
    }
    Ok(picks)
}
