//! The blocking part: what a task must not do, on the current-thread
//! runtime where it shows most. A task that calls `std::thread::sleep`, or
//! computes for long, keeps its OS thread, and every other task on that
//! thread waits: three such tasks take the sum of their times. The fixes:
//! tokio's own sleep, `spawn_blocking` for a blocking call, rayon for CPU
//! work. Last, reqwest's blocking client called from a task.

use std::any::Any;
use std::panic;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lesson_06_scraper::fetch::chain;
use lesson_kit::{Plan, say};
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::timer::sleep;

/// Tasks per way, and what each one waits or computes.
pub const TASKS: usize = 3;
pub const PAUSE: Duration = Duration::from_millis(500);

/// The five ways, in the order the part shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    ThreadSleep,
    TokioSleep,
    SpawnBlocking,
    CpuInTask,
    CpuOnRayon,
}

impl Way {
    const ALL: [Way; 5] = [
        Way::ThreadSleep,
        Way::TokioSleep,
        Way::SpawnBlocking,
        Way::CpuInTask,
        Way::CpuOnRayon,
    ];

    /// Its name in the lines and the timeline.
    fn name(self) -> &'static str {
        match self {
            Way::ThreadSleep => "thread::sleep",
            Way::TokioSleep => "tokio::time::sleep",
            Way::SpawnBlocking => "spawn_blocking",
            Way::CpuInTask => "CPU in the task",
            Way::CpuOnRayon => "CPU on rayon",
        }
    }

    /// What the tasks do, as the line before theirs says it.
    fn intro(self) -> &'static str {
        match self {
            Way::ThreadSleep => "block their thread with std::thread::sleep",
            Way::TokioSleep => "await tokio::time::sleep instead",
            Way::SpawnBlocking => "hand the blocking sleep to spawn_blocking",
            Way::CpuInTask => "compute inside the task",
            Way::CpuOnRayon => "hand the computing to rayon",
        }
    }

    /// The best this way allows: the blocked ones on the runtime's one
    /// thread in turn, the others side by side (rayon on its threads).
    fn plan(self, rayon_threads: usize) -> Plan {
        match self {
            Way::ThreadSleep | Way::CpuInTask => Plan::new().worker([PAUSE; TASKS]),
            Way::TokioSleep | Way::SpawnBlocking => {
                (0..TASKS).fold(Plan::new(), |plan, _| plan.worker([PAUSE]))
            }
            Way::CpuOnRayon => Plan::pool(rayon_threads, [PAUSE; TASKS]),
        }
    }
}

/// The part's plan: the five ways one after another.
pub fn plan(rayon_threads: usize) -> Plan {
    (Way::ALL.into_iter())
        .fold(Plan::new(), |plan, way| plan.then(way.plan(rayon_threads)))
}

// ANCHOR: blocked
/// std's sleep inside a task: the thread itself stops, and every task
/// that shares it stops with it.
async fn thread_sleep(n: usize) {
    lesson_kit::sleep(PAUSE); // std::thread::sleep, on the lesson's clock
    say!("thread::sleep : {n}");
}

/// Computing inside a task: the same, the thread is busy until it is done.
async fn cpu_in_task(n: usize) {
    spin(PAUSE);
    say!("CPU in the task : {n}");
}
// ANCHOR_END: blocked

// ANCHOR: fixes
/// tokio's sleep: the task gives its thread back until the timer fires.
async fn tokio_sleep(n: usize) {
    sleep(PAUSE).await;
    say!("tokio::time::sleep : {n}");
}

/// A blocking call moved to tokio's blocking threads, a pool kept for
/// them; the task awaits its end without holding its own thread.
async fn spawn_blocking(n: usize) {
    let blocked = tokio::task::spawn_blocking(move || {
        lesson_kit::sleep(PAUSE);
        say!("spawn_blocking : {n}");
    });
    if blocked.await.is_err() {
        lesson_kit::fail(format!("blocking call {n} panicked"));
    }
}

/// CPU work handed to rayon's threads; a oneshot channel tells the task
/// when it is done (rayon knows nothing of tokio).
async fn cpu_on_rayon(rayon: &rayon::ThreadPool, n: usize) {
    let (done, finished) = oneshot::channel();
    rayon.spawn(move || {
        spin(PAUSE);
        say!("CPU on rayon : {n}");
        let _ = done.send(());
    });
    let _ = finished.await;
}
// ANCHOR_END: fixes

/// Keeps a core busy for `pause` times the time scale: CPU work of a
/// known length, in a bar of its own. Ctrl-C ends it early.
fn spin(pause: Duration) {
    lesson_kit::begin("computing");
    let end = Instant::now() + pause.mul_f64(lesson_kit::options().time_scale);
    while Instant::now() < end && !lesson_kit::stopped() {
        std::hint::spin_loop();
    }
}

/// Runs the five ways on `runtime` (a current-thread one) and reports how
/// long each took, then tries reqwest's blocking client in a task.
pub fn run(runtime: &Runtime, rayon: &Arc<rayon::ThreadPool>, url: &str) {
    let mut facts = Vec::new();
    for way in Way::ALL {
        say!("{TASKS} tasks {}:", way.intro());
        let began = Instant::now();
        let all_ran = runtime.block_on(async {
            let mut tasks = JoinSet::new();
            for n in 1..=TASKS {
                let rayon = Arc::clone(rayon);
                let task = async move {
                    match way {
                        Way::ThreadSleep => thread_sleep(n).await,
                        Way::TokioSleep => tokio_sleep(n).await,
                        Way::SpawnBlocking => spawn_blocking(n).await,
                        Way::CpuInTask => cpu_in_task(n).await,
                        Way::CpuOnRayon => cpu_on_rayon(&rayon, n).await,
                    }
                };
                // A row of its own, unless its work runs on another pool's
                // thread, which has a row of its own.
                match row(way) {
                    Some(name) => {
                        tasks.spawn(lesson_kit::task(&format!("{name} {n}"), task))
                    }
                    None => tasks.spawn(task),
                };
            }
            let mut all_ran = true;
            while let Some(done) = tasks.join_next().await {
                if let Err(err) = done {
                    all_ran = false;
                    crate::refusal::report_task(
                        &format!("a {} task", way.name()),
                        err,
                    );
                }
            }
            all_ran
        });
        if lesson_kit::stopped() {
            return;
        }
        // A way whose tasks did not all run took a time that means nothing.
        if all_ran {
            facts.push(report(way, began.elapsed()));
        }
    }
    lesson_kit::fact("blocking", facts);
    blocking_client(runtime, url);
}

/// The timeline's row for a way's tasks ("sleeps 1", "spins 2"): none
/// for those whose work is drawn on the pool thread that does it.
fn row(way: Way) -> Option<&'static str> {
    match way {
        Way::ThreadSleep => Some("sleeps"),
        Way::TokioSleep => Some("awaits"),
        Way::CpuInTask => Some("spins"),
        Way::SpawnBlocking | Way::CpuOnRayon => None,
    }
}

/// "thread::sleep: 1.502 s, 3.00 times one task's 0.5 s".
fn report(way: Way, took: Duration) -> Value {
    let pause = PAUSE.mul_f64(lesson_kit::options().time_scale);
    lesson_kit::measured(format!(
        "{:<20} {:>9.3} s   {} times one task's {:.3} s",
        format!("{}:", way.name()),
        took.as_secs_f64(),
        times(took, pause),
        pause.as_secs_f64()
    ));
    json!({
        "way": way.name(),
        "elapsed_ms": took.as_secs_f64() * 1e3,
        "pause_ms": pause.as_secs_f64() * 1e3,
    })
}

/// How long the blocking client may take: the site's answer, which comes
/// after its latency, and a second to spare; not reqwest's default 30 s,
/// for which the lesson would hold Ctrl-C if the site stopped answering.
fn client_timeout(time_scale: f64) -> Duration {
    crate::scraper::LATENCY.mul_f64(time_scale) + Duration::from_secs(1)
}

/// `took` over `pause`, "3.00"; "n/a" for a pause of no time (a tiny
/// `--time-scale`), where the ratio means nothing.
fn times(took: Duration, pause: Duration) -> String {
    match pause.is_zero() {
        true => "n/a".to_owned(),
        false => format!("{:.2}", took.as_secs_f64() / pause.as_secs_f64()),
    }
}

/// reqwest's blocking client, called from a task: it blocks the thread
/// while it waits, and it runs a runtime of its own, which tokio refuses
/// to let go of inside another (in a debug build reqwest checks, and
/// panics). The task's JoinHandle brings the panic back as an error.
fn blocking_client(runtime: &Runtime, url: &str) {
    let url = url.to_owned();
    let bound = client_timeout(lesson_kit::options().time_scale);
    // The panic is the lesson's point: report it as a line of its own
    // rather than with the default hook's message and backtrace note.
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let began = Instant::now();
    // ANCHOR: client
    let outcome = runtime.block_on(async {
        tokio::spawn(async move {
            // Bounded: a blocking call sees no Ctrl-C until it returns.
            let client = reqwest::blocking::Client::builder()
                .timeout(bound)
                .build()?;
            client.get(&url).send().map(|r| r.status())
        })
        .await
    });
    // ANCHOR_END: client
    panic::set_hook(hook);
    let took = began.elapsed();
    match outcome {
        Err(err) if err.is_panic() => {
            let message = panic_message(err.into_panic());
            say!("reqwest::blocking in a task panicked: {message}");
        }
        Err(err) => lesson_kit::fail(format!("the blocking client's task: {err}")),
        Ok(Ok(status)) => {
            say!("reqwest::blocking in a task did not panic (a release build)");
            lesson_kit::measured(format!(
                "reqwest::blocking answered HTTP {status} after holding the \
                 runtime's only thread for {:.3} s",
                took.as_secs_f64()
            ));
        }
        // Before any check of its own: it could not start its thread, say.
        Ok(Err(err)) => lesson_kit::fail(format!(
            "reqwest::blocking in a task failed: {}",
            chain(&err)
        )),
    }
}

/// A panic's message: `panic!` gives a `&str` or a `String`.
fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => (payload.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)")
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_of_no_time_has_no_ratio() {
        let half = Duration::from_millis(500);
        assert_eq!(times(Duration::from_millis(1501), half), "3.00");
        assert_eq!(times(Duration::from_millis(3), Duration::ZERO), "n/a");
    }

    #[test]
    fn the_blocking_client_waits_for_the_sites_answer_and_a_second_more() {
        assert_eq!(client_timeout(4.0), Duration::from_secs(3));
        assert_eq!(client_timeout(0.1), Duration::from_millis(1050));
    }
}
