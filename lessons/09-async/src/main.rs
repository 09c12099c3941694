//! Lesson 09: tasks instead of threads. The notebook's two functions
//! again, as `async fn`s that wait on tokio's timer, run as two tasks on
//! one OS thread: the same lines in the same 10 s as lesson 01's two
//! threads. Then 10 000 waits of a second, on as many OS threads and then
//! on as many tasks, and what each costs.
//!
//! Run it: `cargo run -p lesson-09-async` (about 12 s; `-- --time-scale
//! 0.1` for a quick run). `--part runtimes` runs the same tasks on tokio's
//! current-thread runtime (N:1: every task on one thread) and on its
//! multi-thread runtime (M:N: `--workers K` threads); `--part blocking`
//! shows a task that blocks its thread, and the fixes; `--part scraper`
//! is lesson 06's scraper with a task per page (`--pages 1000 --limit 50`,
//! or URLs of your own). Watch the timeline's rows: one per task, each
//! naming the OS thread that ran it.

mod args;
mod blocking;
mod procfs;
mod refusal;
mod runtimes;
mod scraper;
mod timer;
mod waits;

use std::io;
use std::num::NonZero;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use args::{Args, Part};
use lesson_00_sequential::{LETTERS, NUMBERS, PAUSE, letter_pauses, number_pauses};
use lesson_06_scraper::site::Site;
use lesson_kit::{Plan, say};
use scraper::Fetcher;
use timer::sleep;
use tokio::runtime::{self, Runtime};

// ANCHOR: functions
/// Prints "Number : 0" to "Number : 3", waiting 2 s before each, as lesson
/// 00's function does; `.await` lends the thread to other tasks meanwhile.
async fn print_numbers() {
    for i in 0..NUMBERS {
        sleep(PAUSE).await;
        say!("Number : {i}");
    }
}

/// Prints "letter : a" to "letter : e", waiting 2 s before each.
async fn print_letters() {
    for letter in LETTERS.chars() {
        sleep(PAUSE).await;
        say!("letter : {letter}");
    }
}
// ANCHOR_END: functions

// ANCHOR: cell
/// The notebook's cell: the two functions as two tasks on one OS thread.
fn cell() -> io::Result<()> {
    // The current-thread runtime: every task runs on this thread, in turns.
    let runtime = runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    runtime.block_on(async {
        // spawn hands each future to the runtime as a task, and returns at once.
        let numbers = tokio::spawn(lesson_kit::task("numbers", print_numbers()));
        let letters = tokio::spawn(lesson_kit::task("letters", print_letters()));
        // A JoinHandle is a future too: awaiting it waits for its task. It
        // gives a Result: Err if the task panicked.
        for (name, handle) in [("numbers", numbers), ("letters", letters)] {
            if handle.await.is_err() {
                lesson_kit::fail(format!("the {name} task panicked"));
            }
        }
    });
    Ok(())
}
// ANCHOR_END: cell

// ANCHOR: multi_thread
/// The multi-thread runtime: `workers` OS threads, "worker 1", "worker
/// 2"..., that share the tasks out among themselves. `None` if the system
/// refused them (reported).
fn multi_thread(workers: usize) -> Option<Runtime> {
    // Built on a thread of its own, in case the system refuses a worker.
    refusal::build("tokio's worker threads", move || {
        let next = AtomicUsize::new(1);
        runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name_fn(move || {
                format!("worker {}", next.fetch_add(1, Ordering::Relaxed))
            })
            .enable_all()
            .build()
    })
}
// ANCHOR_END: multi_thread

/// "1 worker", "2 workers".
fn workers(count: usize) -> String {
    match count {
        1 => "1 worker".to_owned(),
        n => format!("{n} workers"),
    }
}

/// What the parts need, made before the lesson's clock starts: the
/// embedded site stands for the network, and building a client is setup.
struct Setup {
    workers: usize,
    tasks: u32,
    /// The scraper's pages and client, and whether they are the site's.
    urls: Vec<String>,
    on_site: bool,
    fetcher: Option<Arc<Fetcher>>,
    limit: usize,
    /// Kept alive as long as the lesson runs.
    _site: Option<Site>,
}

fn main() -> ExitCode {
    let args: Args = lesson_kit::args!();
    args.check();
    refusal::install();
    timer::install();
    let parts = match args.part {
        Some(part) => vec![part],
        None => vec![Part::Cell, Part::Waits],
    };
    let setup = match setup(&args, &parts) {
        Ok(setup) => setup,
        Err(err) => {
            lesson_kit::warn(err);
            return ExitCode::FAILURE;
        }
    };
    let plan = parts.iter().fold(Plan::new(), |plan, &part| {
        plan.then(part_plan(part, &setup))
    });

    lesson_kit::run!(plan, || {
        for part in parts {
            if let Err(err) = run_part(part, &setup) {
                lesson_kit::fail(err);
            }
            if lesson_kit::stopped() {
                break;
            }
        }
    })
}

/// The best each part can do, from its own waits.
fn part_plan(part: Part, setup: &Setup) -> Plan {
    match part {
        Part::Cell => Plan::new().worker(number_pauses()).worker(letter_pauses()),
        Part::Waits => waits::plan(setup.tasks),
        Part::Runtimes => runtimes::plan(),
        Part::Blocking => blocking::plan(setup.workers),
        Part::Scraper => scraper::plan(setup.on_site, setup.urls.len(), setup.limit),
    }
}

/// Runs one part; `Err` says what could not start. A multi-thread runtime
/// that could not start has been reported already.
fn run_part(part: Part, setup: &Setup) -> Result<(), String> {
    let no_runtime = |err: io::Error| format!("cannot start a tokio runtime: {err}");
    match part {
        Part::Cell => cell().map_err(no_runtime)?,
        Part::Waits => {
            let Some(runtime) = multi_thread(setup.workers) else {
                return Ok(());
            };
            let how = format!("tokio tasks, {}", workers(setup.workers));
            waits::run(setup.tasks, &runtime, how);
        }
        Part::Runtimes => {
            // ANCHOR: runtimes
            // N:1: every task on the one thread that calls block_on.
            let current = runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .map_err(no_runtime)?;
            runtimes::run_on(&current, "the current-thread runtime (N:1)", "n_to_1");
            if lesson_kit::stopped() {
                return Ok(());
            }
            // M:N: the tasks shared among the workers; a task that wakes
            // may go to another worker than the one it ran on before. With
            // one worker it is N:1 again, on the runtime's own thread.
            let Some(multi) = multi_thread(setup.workers) else {
                return Ok(());
            };
            let kind = if setup.workers == 1 { "N:1" } else { "M:N" };
            let what = format!(
                "the multi-thread runtime, {} ({kind})",
                workers(setup.workers)
            );
            runtimes::run_on(&multi, &what, "m_to_n");
            // ANCHOR_END: runtimes
        }
        Part::Blocking => {
            // One thread for the tasks, so that a blocked one stops them all;
            // spawn_blocking's threads are named for the timeline.
            let runtime = runtime::Builder::new_current_thread()
                .thread_name("blocking")
                .enable_all()
                .build()
                .map_err(no_runtime)?;
            let rayon = rayon::ThreadPoolBuilder::new()
                .num_threads(setup.workers)
                .thread_name(|_| "rayon".to_owned())
                .build()
                .map_err(|err| format!("cannot start rayon's threads: {err}"))?;
            let url = setup.urls.first().cloned().unwrap_or_default();
            blocking::run(&runtime, &Arc::new(rayon), &url);
        }
        Part::Scraper => {
            let (urls, fetcher) = (setup.urls.clone(), setup.fetcher.clone());
            let (Some(runtime), Some(fetcher)) =
                (multi_thread(setup.workers), fetcher)
            else {
                return Ok(());
            };
            let asked = urls.len();
            // ANCHOR: scraper
            // Ctrl-C wins the race: the scrape is dropped, and with it every
            // fetch still under way.
            let fetched = runtime.block_on(async {
                tokio::select! {
                    fetched = scraper::scrape(urls, setup.limit, fetcher) => Some(fetched),
                    () = timer::stopped() => None,
                }
            });
            match fetched {
                Some(n) if n == asked => say!("All web pages fetched"),
                Some(n) => say!("{n} of {asked} web pages fetched"),
                None => {} // stopped: the kit says what finished
            }
            // ANCHOR_END: scraper
            finish(runtime);
        }
    }
    Ok(())
}

/// Ends the scraper's runtime without waiting for its blocking threads. A
/// fetch may have been dropped inside a host-name lookup, which reqwest
/// runs on them and which nothing can cancel: dropping the runtime would
/// wait for it, Ctrl-C and `--timeout` or not, as long as the resolver
/// takes (10 s by default).
fn finish(runtime: Runtime) {
    runtime.shutdown_background();
}

/// Starts what the chosen parts need before the clock: the embedded site
/// (for the scraper, and the blocking client's one request) and the client.
fn setup(args: &Args, parts: &[Part]) -> Result<Setup, String> {
    let workers = args.workers.map_or_else(
        || thread::available_parallelism().map_or(1, NonZero::get),
        usize::from,
    );
    let scale = lesson_kit::options().time_scale;
    let scraping = parts.contains(&Part::Scraper);
    let needs_site =
        (scraping && args.urls.is_empty()) || parts.contains(&Part::Blocking);
    let site = match needs_site {
        true => Some(
            Site::start(0, scraper::LATENCY.mul_f64(scale))
                .map_err(|err| format!("cannot start the embedded site: {err}"))?,
        ),
        false => None,
    };
    let urls = match &site {
        Some(site) if args.urls.is_empty() => {
            scraper::site_urls(site, args.pages as usize)
        }
        _ => args.urls.clone(),
    };
    let on_site = site.is_some() && args.urls.is_empty();
    let fetcher = match scraping {
        true => {
            let max_bytes = usize::try_from(args.max_bytes).unwrap_or(usize::MAX);
            Some(Arc::new(Fetcher::new(args.timeout, max_bytes, on_site)?))
        }
        false => None,
    };
    // Once the site and the client have their files open.
    let files = procfs::FileLimits::here();
    let limit = match scraping {
        true => {
            scraper::limit(args.limit, urls.len(), args.max_bytes, on_site, files)?
        }
        false => 1,
    };
    Ok(Setup {
        workers,
        tasks: args.tasks,
        on_site,
        urls,
        fetcher,
        limit,
        _site: site,
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn finishing_the_scraper_does_not_wait_for_a_lookup_still_under_way() {
        let runtime = multi_thread(1).expect("a runtime");
        // A blocking thread busy for 3 s, as a lookup whose resolver
        // never answers is.
        runtime.spawn_blocking(|| thread::sleep(Duration::from_secs(3)));
        let began = Instant::now();
        finish(runtime);
        let took = began.elapsed();
        assert!(took < Duration::from_secs(1), "finish waited {took:?}");
    }
}
