//! Holding the work among several instances on one PostgreSQL (the rules
//! are [`crate::app::leadership`]'s): this task takes and renews the work
//! lease and tells the rest of the bot whether it holds it.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;
use tracing::{error, info, warn};

use crate::app::leadership::{self, Standing};
use crate::store::Store;

/// Takes the work lease for `holder` when it is free and renews it while
/// held; `holds` says whether this instance holds it. Returns once the
/// lease is lost (another instance may hold it now: this one must stop
/// working). Renewals go on while the bot stops; [`give_up`] ends them.
pub async fn keep_work(store: Arc<Store>, holder: String, holds: watch::Sender<bool>) -> Lost {
    let mut renewed_at = Instant::now();
    // Held, or held before a pause.
    let mut held = false;
    loop {
        let try_store = Arc::clone(&store);
        let try_holder = holder.clone();
        let tried = tokio::task::spawn_blocking(move || {
            try_store.lease(leadership::WORK, &try_holder, leadership::LEASE_SECONDS)
        })
        .await;
        let renewed = match tried {
            Ok(Ok(renewed)) => Some(renewed),
            Ok(Err(error)) => {
                warn!(%error, "cannot renew the work lease");
                None
            }
            Err(_) => None,
        };
        match leadership::standing(held, renewed, renewed_at.elapsed()) {
            Standing::Holds => {
                if renewed == Some(true) {
                    renewed_at = Instant::now();
                }
                if !*holds.borrow() {
                    info!(holder, "this instance holds the work");
                }
                held = true;
                holds.send_replace(true);
            }
            Standing::Waits => {}
            Standing::Paused => {
                if *holds.borrow() {
                    warn!(
                        holder,
                        "the database does not answer: no new work until it does"
                    );
                }
                holds.send_replace(false);
            }
            Standing::Lost => {
                error!(
                    holder,
                    "lost the work lease: another instance may hold it; stopping"
                );
                holds.send_replace(false);
                return Lost;
            }
        }
        tokio::time::sleep(leadership::RENEW_EVERY).await;
    }
}

/// Gives the work up once this instance has stopped answering (a
/// SIGTERM): another instance takes it at once rather than when the lease
/// runs out.
pub async fn give_up(store: Arc<Store>, holder: String) {
    let released =
        tokio::task::spawn_blocking(move || store.release(leadership::WORK, &holder)).await;
    if let Ok(Err(error)) = released {
        warn!(%error, "cannot give the work lease up; it runs out by itself");
    }
}

/// The work lease was lost.
#[derive(Debug)]
pub struct Lost;
