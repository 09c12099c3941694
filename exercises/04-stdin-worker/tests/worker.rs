//! The tests of exercise 04-stdin-worker: the worker, started as a child
//! process as a pool starts it, answers each request as soon as it comes,
//! answers a bad request with an error and goes on, and exits when its
//! input ends. And `serve` answers exactly one line per request.

use std::io::{Cursor, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use exercise::serve;
use exercise_support::{Lines, Next, within};

/// The worker program, built from src/main.rs (cargo names it after the
/// package and tells the tests where it is).
const WORKER: &str = env!(concat!("CARGO_BIN_EXE_", env!("CARGO_PKG_NAME")));
/// How long the tests wait for an answer, or for the worker to exit.
const PATIENCE: Duration = Duration::from_secs(2);

/// A worker process, as a pool's parent sees it: a pipe to its stdin, the
/// lines of its stdout (and of its stderr, to tell why it died). Dropping
/// it kills the worker and waits for it.
struct Worker {
    child: Child,
    requests: Option<ChildStdin>,
    answers: Lines,
    errors: Lines,
}

impl Worker {
    fn start() -> Worker {
        let mut child = Command::new(WORKER)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the worker program starts");
        let requests = child.stdin.take();
        let answers = Lines::read(child.stdout.take().expect("its stdout"));
        let errors = Lines::read(child.stderr.take().expect("its stderr"));
        Worker {
            child,
            requests,
            answers,
            errors,
        }
    }

    /// Sends one request, and waits for its answer as a pool would.
    fn ask(&mut self, request: &str) -> String {
        let pipe = self.requests.as_mut().expect("the worker's stdin is open");
        if writeln!(pipe, "{request}").is_err() {
            self.died(&format!("before the request {request:?} could be sent"));
        }
        match self.answers.next_within(PATIENCE) {
            Next::Line(answer) => answer,
            Next::Silent => panic!(
                "no answer within {} s to the request {request:?}: the worker must \
                 answer each request as it comes, since its parent waits for \
                 the answer before it sends more.\n\
                 hint: requests.lines() hands you each line as soon as it has \
                 come; read_to_string waits for the end of the input. Write \
                 each answer at once (and flush, if through a BufWriter).",
                PATIENCE.as_secs()
            ),
            Next::Ended => {
                self.died(&format!("on the request {request:?}, without an answer"))
            }
        }
    }

    /// Fails the test: the worker has died, `when`.
    fn died(&mut self, when: &str) -> ! {
        panic!(
            "the worker died {when} ({}): its parent would lose it. It said:\n{}\n\
             hint: never panic in the worker. parse() returns a Result: answer \
             its Err with an \"error: \" line; checked_mul gives None where \
             the square does not fit in a u64.",
            self.status(),
            self.said()
        )
    }

    /// What the worker wrote on its stderr (a panic's message), once it has
    /// ended.
    fn said(&self) -> String {
        let mut said = Vec::new();
        while let Next::Line(line) = self.errors.next_within(PATIENCE) {
            if !line.is_empty() && !line.starts_with("note: run with") {
                said.push(format!("    {line}"));
            }
        }
        said.join("\n")
    }

    /// How the worker ended, once its output has ended.
    fn status(&mut self) -> String {
        match wait_at_most(&mut self.child, PATIENCE) {
            Some(status) => status.to_string(),
            None => "still running".to_owned(),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child's exit status, if it exits within `limit`.
fn wait_at_most(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let began = Instant::now();
    while began.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        thread::sleep(Duration::from_millis(10));
    }
    None
}

#[test]
fn answers_each_request_as_it_comes() {
    let mut worker = Worker::start();
    assert_eq!(worker.ask("3"), "Square: 9");
    assert_eq!(
        worker.ask(" 12 "),
        "Square: 144",
        "spaces around a number are allowed"
    );
    assert_eq!(worker.ask("0"), "Square: 0");
}

#[test]
fn a_bad_request_gets_an_error_and_the_worker_goes_on() {
    let mut worker = Worker::start();
    for request in ["seven", "5000000000", "-3", ""] {
        let answer = worker.ask(request);
        assert!(
            answer.starts_with("error: ") && answer.contains(request),
            "the request {request:?} should get an answer that starts with \
             \"error: \" and quotes it; got {answer:?}"
        );
    }
    assert_eq!(
        worker.ask("4"),
        "Square: 16",
        "after the errors, the worker goes on"
    );
}

#[test]
fn the_worker_exits_when_its_input_ends() {
    let mut worker = Worker::start();
    assert_eq!(worker.ask("2"), "Square: 4");
    // What a pool does to end a worker: close its stdin.
    drop(worker.requests.take());
    let status = wait_at_most(&mut worker.child, PATIENCE);
    assert!(
        status.is_some(),
        "the worker was still running {} s after its input ended: the parent \
         would wait for it for ever.\n\
         hint: return when requests.lines() runs out (read_line returns 0 \
         bytes at the end of the input).",
        PATIENCE.as_secs()
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "the worker should exit with status 0 when its input ends: {status:?}"
    );
}

#[test]
fn serve_writes_one_line_per_request() {
    let answers = within(PATIENCE, "serve", || {
        let mut answers = Vec::new();
        serve(Cursor::new("1\n2\nten\n"), &mut answers).map(|()| answers)
    });
    let answers =
        String::from_utf8(answers.expect("serve returns Ok")).expect("UTF-8");
    let lines: Vec<&str> = answers.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "three requests, three answer lines: {answers:?}"
    );
    assert_eq!(lines[..2], ["Square: 1", "Square: 4"]);
    assert!(lines[2].starts_with("error: "), "{answers:?}");
}
