//! Lesson 08: CPU-bound work, where Python needs processes and Rust does
//! not. One job with a checkable answer, the primes below a bound counted
//! by trial division, done six ways: sequentially, on scope threads (one per
//! core), with rayon over the chunks, over the numbers, and over the numbers
//! one per task, and on lesson 04's pool of worker processes. Each is timed
//! against the sequential run, and every count must agree.
//!
//! Run it: `cargo run --release -p lesson-08-rayon` (the timings mean
//! little in a debug build). `--bound B`, `--chunk K` (numbers per chunk)
//! and `--threads N` change the job, and `--in-order` hands out the chunks
//! first to last instead of the costliest first; watch how much the chunk
//! size and their order matter to each method, the timeline of chunks on
//! the threads and processes, and the last line: what the chunks allow.

mod args;
mod costs;
mod primes;
mod report;

use std::cell::OnceCell;
use std::num::NonZero;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use args::{Args, MAX_CHUNKS};
use costs::Divisions;
use lesson_04_processpool::pool::Pool;
use lesson_04_processpool::worker::{self, Staged};
use lesson_kit::{Plan, children, say};
use primes::{Chunk, Counted, count_primes, is_prime};
use rayon::prelude::*;
use report::Counting;

/// The ways to count, in the order the lesson runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    Sequential,
    ScopeThreads,
    RayonChunks,
    RayonNumbers,
    RayonOnePerTask,
    Processes,
}

impl Method {
    const ALL: [Self; 6] = [
        Self::Sequential,
        Self::ScopeThreads,
        Self::RayonChunks,
        Self::RayonNumbers,
        Self::RayonOnePerTask,
        Self::Processes,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Sequential => "sequential",
            Self::ScopeThreads => "scope threads",
            Self::RayonChunks => "rayon, chunks",
            Self::RayonNumbers => "rayon, numbers",
            Self::RayonOnePerTask => "rayon, one per task",
            Self::Processes => "processes",
        }
    }
}

// ANCHOR: sequential
/// One chunk after another on this thread.
fn sequential(chunks: &[Chunk]) -> u64 {
    chunks.iter().map(|&chunk| count_on("main", chunk)).sum()
}
// ANCHOR_END: sequential

// ANCHOR: scope
/// `threads` scoped threads; each takes the next chunk until none is left.
fn on_scope_threads(chunks: &[Chunk], threads: usize) -> u64 {
    let next = AtomicUsize::new(0);
    thread::scope(|scope| {
        // `map_while`: a thread the system refuses is reported as one line
        // (`spawn_scoped`), and no more are started; the others take its
        // chunks.
        let handles: Vec<_> = (1..=threads)
            .map_while(|t| {
                // `move` takes `t`; `next` and `chunks` are borrowed, which a
                // scoped thread may do: the scope outlives it.
                let next = &next;
                let what = format!("thread {t} of {threads}");
                lesson_kit::spawn_scoped(scope, &what, move || {
                    let mut primes = 0;
                    // fetch_add hands each chunk to one thread only.
                    while let Some(&chunk) =
                        chunks.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        primes += count_on(&format!("thread {t}"), chunk);
                    }
                    primes
                })
            })
            .collect();
        // A thread that panicked counted nothing: the check below says so.
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}
// ANCHOR_END: scope

// ANCHOR: pool_size
/// Runs `count` on rayon's pool of `threads` threads (rayon's default is
/// one per core), which the first rayon method starts: `--only processes`
/// starts none. `None` if the system refused the threads.
fn on_rayon(
    pool: &OnceCell<Option<rayon::ThreadPool>>,
    threads: usize,
    count: impl FnOnce() -> u64 + Send,
) -> Option<u64> {
    let pool = pool.get_or_init(|| {
        let built = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            // Named, so that `top -H` shows which threads are rayon's.
            .thread_name(|i| format!("rayon {}", i + 1))
            .build();
        // Said once; the methods that need no rayon still run.
        let refused =
            |err| lesson_kit::fail(format!("cannot start rayon's threads: {err}"));
        built.map_err(refused).ok()
    });
    Some(pool.as_ref()?.install(count))
}
// ANCHOR_END: pool_size

// ANCHOR: rayon
/// Rayon over the chunks: one task per chunk, stolen by idle threads.
fn rayon_chunks(chunks: &[Chunk]) -> u64 {
    chunks
        .par_iter()
        // Without it, rayon cuts the list only as often as a thread steals,
        // and runs the rest two or more chunks to a task: on a few uneven
        // chunks, a costly pair can end the run alone.
        .with_max_len(1)
        .map(|&chunk| count_on(&rayon_thread(), chunk))
        .sum()
}

/// Rayon over the numbers themselves: no chunks at all; rayon splits the
/// range in halves, and halves again only while other threads are idle.
fn rayon_numbers(bound: u64) -> u64 {
    (0..bound)
        .into_par_iter()
        // `None` once Ctrl-C is pressed: `while_some` then stops every thread.
        .map(|n| (!lesson_kit::stopped()).then(|| u64::from(is_prime(n))))
        .while_some()
        .sum()
}

/// The same, forced to one number per task: the cost of a task, paid for
/// every number.
fn rayon_one_per_task(bound: u64) -> u64 {
    // A range of usize knows its length, which `with_max_len` needs (u64
    // does not: on a 32-bit machine its length might not fit).
    (0..bound as usize)
        .into_par_iter()
        .with_max_len(1)
        .map(|n| (!lesson_kit::stopped()).then(|| u64::from(is_prime(n as u64))))
        .while_some()
        .sum()
}
// ANCHOR_END: rayon

// ANCHOR: processes
/// Lesson 04's pool: `workers` processes, each chunk sent down a pipe and
/// its count sent back, in the order chunks complete.
fn on_processes(
    chunks: &[Chunk],
    workers: usize,
    limit: Duration,
) -> Result<u64, String> {
    // Every worker is this binary again, started in its worker role.
    let spawn = || children::command_for_self(["--worker"]);
    let mut pool: Pool<Chunk, Counted> =
        Pool::new(workers, Duration::ZERO, spawn)
            .map_err(|err| format!("cannot start the pool: {err}"))?;
    pool.set_task_deadline(limit);
    for &chunk in chunks {
        pool.submit(chunk);
    }
    let mut primes = 0;
    for done in pool.as_completed() {
        primes += done.result?.primes;
    }
    Ok(primes)
}
// ANCHOR_END: processes

/// Counts one chunk on the worker called `who`, and records it in the
/// timeline (unless Ctrl-C cut it short).
fn count_on(who: &str, chunk: Chunk) -> u64 {
    let start = lesson_kit::elapsed();
    let primes = count_primes(chunk.numbers());
    if !lesson_kit::stopped() {
        let label = chunk.index.to_string();
        lesson_kit::record_task(who, &label, start, lesson_kit::elapsed());
    }
    primes
}

/// The timeline's name for the rayon thread running this.
fn rayon_thread() -> String {
    let index = rayon::current_thread_index().map_or(0, |i| i + 1);
    format!("rayon {index}")
}

fn main() -> ExitCode {
    let args: Args = lesson_kit::args!();
    // Started with --worker, this process counts the chunks it is sent.
    if args.worker {
        return worker::serve(primes::count_chunk, Staged::default());
    }
    let cores = thread::available_parallelism().map_or(1, NonZero::get);
    let threads = args.threads.map_or(cores, usize::from);
    // ANCHOR: chunks
    // The chunks' costs, counted in divisions before any is made: they
    // choose how many chunks the threads need, and say what they allow.
    let divisions = Divisions::below(args.bound);
    let chunk_size = args.chunk_size(|| {
        divisions.default_chunk_size(args.bound, threads, MAX_CHUNKS)
    });
    let chunks = primes::chunks(args.bound, chunk_size);
    let allowed = costs::allowed(&divisions.of_chunks(&chunks), threads);
    // ANCHOR_END: chunks
    // ANCHOR: order
    // The order the workers take the chunks in: the costliest first, unless
    // --in-order asks to see what first to last costs.
    let handed_out = if args.in_order {
        chunks.clone()
    } else {
        primes::costliest_first(&chunks)
    };
    // ANCHOR_END: order
    if cfg!(debug_assertions) {
        lesson_kit::warn(
            "this is a debug build, several times slower than a release \
             build: time it with `cargo run --release -p lesson-08-rayon`",
        );
    }

    lesson_kit::run!(Plan::new(), || {
        let rayon_pool = OnceCell::new();
        let mut done: Vec<Counting> = Vec::new();
        let methods = Method::ALL
            .into_iter()
            .filter(|&m| args.only.is_none_or(|o| o == m));
        for method in methods {
            add_rows(method, threads);
            let start = lesson_kit::elapsed();
            let counted = match method {
                Method::Sequential => Some(sequential(&chunks)),
                Method::ScopeThreads => Some(on_scope_threads(&handed_out, threads)),
                Method::RayonChunks => {
                    on_rayon(&rayon_pool, threads, || rayon_chunks(&handed_out))
                }
                Method::RayonNumbers => {
                    on_rayon(&rayon_pool, threads, || rayon_numbers(args.bound))
                }
                Method::RayonOnePerTask => {
                    on_rayon(&rayon_pool, threads, || rayon_one_per_task(args.bound))
                }
                Method::Processes => {
                    // Ten times the run so far (the sequential run, when
                    // it ran), and at least a minute: a worker that takes
                    // longer than that has hung.
                    let limit =
                        (lesson_kit::elapsed() * 10).max(Duration::from_secs(60));
                    on_processes(&handed_out, threads, limit)
                        .map_err(|why| lesson_kit::fail(format!("processes: {why}")))
                        .ok()
                }
            };
            let took = lesson_kit::elapsed() - start;
            // Cut short by Ctrl-C: a partial count, neither shown nor checked.
            if lesson_kit::stopped() {
                break;
            }
            // A method that could not start has said why; the rest still run.
            let Some(primes) = counted else { continue };
            if matches!(method, Method::RayonNumbers | Method::RayonOnePerTask) {
                // No chunks to draw: the whole count, on all of rayon's threads.
                let row = format!("rayon 1-{threads}");
                let label = if method == Method::RayonNumbers {
                    "all numbers"
                } else {
                    "one per task"
                };
                lesson_kit::record_task(&row, label, start, start + took);
            }
            let primes = primes + u64::from(args.miscount == Some(method));
            say!(
                "{:<20} {primes} primes below {}",
                format!("{}:", method.name()),
                args.bound
            );
            done.push(Counting {
                method,
                primes,
                took,
            });
        }
        report::check_counts(&done, args.bound);
        let plan = report::ChunkPlan {
            chunks: chunks.len(),
            size: chunk_size,
            in_order: args.in_order,
            allowed,
        };
        report::report(&done, cores, threads, &plan);
    })
}

/// Gives the rows of `method`'s workers their place in the timeline, in
/// order, before any of them records a chunk.
fn add_rows(method: Method, threads: usize) {
    let prefix = match method {
        Method::Sequential => return lesson_kit::add_worker("main"),
        Method::ScopeThreads => "thread",
        Method::RayonChunks => "rayon",
        // The pool names its own rows as it starts its workers.
        Method::RayonNumbers | Method::RayonOnePerTask | Method::Processes => return,
    };
    for t in 1..=threads {
        lesson_kit::add_worker(&format!("{prefix} {t}"));
    }
}
