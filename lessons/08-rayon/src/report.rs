//! What the lesson reports once every method has run: the check that all
//! counts agree, and the table of times and speedups (or, with `--json`,
//! the same figures in the document).

use std::io::{self, Write};
use std::time::Duration;

use crate::Method;
use crate::costs::Allowed;

/// A method's result.
pub struct Counting {
    pub method: Method,
    pub primes: u64,
    pub took: Duration,
}

/// How the numbers were cut and handed out, and what that allows.
pub struct ChunkPlan {
    pub chunks: usize,
    pub size: u64,
    /// First to last (`--in-order`), or the costliest first.
    pub in_order: bool,
    /// What the chunks' costs allow the run's threads; `None` if they
    /// cost nothing (a bound of 2 or less).
    pub allowed: Option<Allowed>,
}

/// Every method must find what the sequential run found.
pub fn check_counts(done: &[Counting], bound: u64) {
    let Some(sequential) = done.first().filter(|c| c.method == Method::Sequential)
    else {
        return;
    };
    for counting in &done[1..] {
        if counting.primes != sequential.primes {
            lesson_kit::fail(format!(
                "{} counted {} primes below {bound}, sequential {}",
                counting.method.name(),
                counting.primes,
                sequential.primes
            ));
        }
    }
}

/// The table of times and speedups (the JSON document's `methods` with
/// `--json`), and the best speedups the cores and the chunks allow.
pub fn report(done: &[Counting], cores: usize, threads: usize, plan: &ChunkPlan) {
    let sequential = (done.iter())
        .find(|c| c.method == Method::Sequential)
        .map(|c| c.took.as_secs_f64());
    let speedup =
        |took: Duration| sequential.map(|s| s / took.as_secs_f64().max(1e-9));
    let rows: Vec<serde_json::Value> = (done.iter())
        .map(|c| {
            serde_json::json!({
                "method": c.method.name(),
                "primes": c.primes,
                "ms": c.took.as_secs_f64() * 1e3,
                "speedup": speedup(c.took),
            })
        })
        .collect();
    lesson_kit::fact("methods", rows);
    lesson_kit::fact("cores", cores);
    lesson_kit::fact("threads", threads);
    let order = if plan.in_order {
        "first to last"
    } else {
        "costliest first"
    };
    lesson_kit::fact("chunks", plan.chunks);
    lesson_kit::fact("chunk", plan.size);
    lesson_kit::fact("order", order);
    lesson_kit::fact("ideal", threads.min(cores));
    let allowed = plan.allowed;
    lesson_kit::fact("best_in_order", allowed.map(|a| a.in_order));
    lesson_kit::fact("best_costliest_first", allowed.map(|a| a.costliest_first));
    lesson_kit::fact("best_any_order", allowed.map(|a| a.any_order));
    lesson_kit::fact("release", !cfg!(debug_assertions));
    if lesson_kit::options().json || done.is_empty() {
        return;
    }
    let mut table = String::from("\nmethod                     time   speedup\n");
    for c in done {
        let x = speedup(c.took).map_or("-".to_owned(), |x| format!("{x:.2}x"));
        // Milliseconds below a second, where "0.001 s" would say little.
        let secs = c.took.as_secs_f64();
        let time = if secs < 1.0 {
            format!("{:.2} ms", secs * 1e3)
        } else {
            format!("{secs:.3} s")
        };
        table.push_str(&format!("{:<20} {time:>10} {x:>8}\n", c.method.name()));
    }
    let ideal = threads.min(cores);
    table.push_str(&format!(
        "ideal: {ideal}.00x ({}, {})",
        counted(threads, "thread"),
        counted(cores, "core")
    ));
    // The chunks' own limit, whatever the cores: with more threads than
    // cores, the cores are the tighter one.
    if let Some(best) = allowed {
        let chunks = match plan.chunks {
            1 => "the 1 chunk allows".to_owned(),
            n => format!("the {n} chunks allow"),
        };
        table.push_str(&format!(
            "\non {}, {chunks} {:.2}x first to last, {:.2}x costliest first,\n\
             and at most {:.2}x in any order (this run: {order})",
            counted(threads, "thread"),
            best.in_order,
            best.costliest_first,
            best.any_order
        ));
    }
    table.push('\n');
    // A closed stdout loses the table; the kit ends the lesson at its
    // next write, quietly, as it does for every lesson.
    let _ = io::stdout().lock().write_all(table.as_bytes());
}

/// `1 thread`, `2 threads`.
fn counted(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}
