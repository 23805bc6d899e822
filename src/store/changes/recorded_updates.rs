//! Updates recorded by webhook, remembered for a while so that a
//! redelivery is recorded once.
//!
//! Long polling needs only the last update id: updates come in order, and
//! everything at or below it was recorded. Webhook updates come
//! concurrently and in any order, and Telegram posts one again when its
//! answer was lost; so each recorded update's id is kept, in the same
//! atomic batch as its effects, until Telegram would no longer send it.

use chrono::{DateTime, Utc};

use super::Changes;
use crate::store::{Result, keys};

impl Changes<'_> {
    /// Whether update `id` was recorded (and is still remembered).
    pub fn was_recorded(&self, id: i64) -> Result<bool> {
        Ok(self.get_raw(&keys::recorded_update(id))?.is_some())
    }

    /// Which of the ids from `first` through `last` were recorded (and are
    /// still remembered): one range read for a whole batch.
    pub fn recorded_between(&self, first: i64, last: i64) -> Result<Vec<i64>> {
        let mut found = Vec::new();
        if first > last {
            return Ok(found);
        }
        let end = keys::recorded_update(last);
        for entry in self.tree.scan_from(&keys::recorded_update(first)) {
            let (key, _) = entry?;
            if key > end {
                break;
            }
            // Unless this batch forgets it.
            if !matches!(self.pending.get(&key), Some(None)) {
                found.push(keys::update_of_recorded_update(&key));
            }
        }
        // This batch's own, not applied yet.
        for (key, value) in &self.pending {
            if value.is_some() && key.first() == Some(&keys::RECORDED_UPDATE) {
                let id = keys::update_of_recorded_update(key);
                if (first..=last).contains(&id) && !found.contains(&id) {
                    found.push(id);
                }
            }
        }
        Ok(found)
    }

    /// Remembers that update `id` was recorded `at`.
    pub fn remember_recorded(&mut self, id: i64, at: DateTime<Utc>) {
        self.put_raw(
            keys::recorded_update(id),
            at.timestamp().to_be_bytes().to_vec(),
        );
    }

    /// Forgets updates recorded before `before`: Telegram gives up on an
    /// update long before that.
    pub fn forget_recorded_before(&mut self, before: DateTime<Utc>) -> Result<usize> {
        self.forget_stamped_before(&keys::all_recorded_updates(), before)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, Utc};

    use crate::store::Store;

    #[test]
    fn recorded_updates_are_remembered_in_order_and_forgotten_when_old() {
        let store = Store::temporary().unwrap();
        let now = Utc::now();
        store
            .write(|changes| {
                changes.remember_recorded(-3, now - TimeDelta::days(3));
                changes.remember_recorded(7, now);
                changes.remember_recorded(300, now);
                // Seen inside the batch that writes it.
                assert!(changes.was_recorded(7)?);
                assert_eq!(changes.recorded_between(-5, 8)?.len(), 2);
                Ok(())
            })
            .unwrap();
        store
            .write(|changes| {
                assert!(changes.was_recorded(-3)? && changes.was_recorded(300)?);
                assert!(!changes.was_recorded(8)?);
                let mut found = changes.recorded_between(-10, 299)?;
                found.sort();
                assert_eq!(found, [-3, 7]);
                assert_eq!(changes.recorded_between(8, 299)?, Vec::<i64>::new());
                assert_eq!(changes.recorded_between(9, 8)?, Vec::<i64>::new());
                assert_eq!(changes.forget_recorded_before(now - TimeDelta::days(1))?, 1);
                Ok(())
            })
            .unwrap();
        store
            .write(|changes| {
                assert!(!changes.was_recorded(-3)?);
                assert_eq!(changes.recorded_between(i64::MIN, i64::MAX)?, [7, 300]);
                Ok(())
            })
            .unwrap();
    }
}
