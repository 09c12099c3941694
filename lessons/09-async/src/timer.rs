//! tokio's sleep on the lesson's clock: scaled by `--time-scale`, drawn in
//! the timeline as the kit's own sleep is, and cut short by Ctrl-C, which
//! reaches async code through a `watch` channel.

use std::sync::LazyLock;
use std::time::Duration;

use tokio::sync::watch;

/// Raised once, by the kit's stop hook; every task can watch it.
static STOP: LazyLock<watch::Sender<bool>> =
    LazyLock::new(|| watch::Sender::new(false));

/// Makes Ctrl-C (the kit's stop) end every wait in [`sleep`] and [`stopped`].
/// Call it before the lesson runs.
pub fn install() {
    lesson_kit::on_stop(|| {
        STOP.send_replace(true);
    });
}

/// Ready once a stop has come: at once if it came before.
pub async fn stopped() {
    let mut stop = STOP.subscribe();
    // Err only if the sender were gone: it is a static, and never is.
    let _ = stop.wait_for(|&stopped| stopped).await;
}

// ANCHOR: sleep
/// Waits `pause` (times the time scale) on tokio's timer: the task gives
/// its thread back until then. Opens the task's bar in the timeline, as
/// the kit's `sleep` does; `false` if Ctrl-C cut it short.
pub async fn sleep(pause: Duration) -> bool {
    let Some(deadline) = lesson_kit::deadline(pause) else {
        return false;
    };
    // Whichever is ready first wins; the other future is dropped, and a
    // dropped future is cancelled: nothing of it runs any more.
    tokio::select! {
        () = tokio::time::sleep_until(deadline.into()) => true,
        () = stopped() => false,
    }
}
// ANCHOR_END: sleep
