//! A pool of worker processes fed over pipes, in the manner of Python's
//! `ProcessPoolExecutor`: `submit` queues a task, `as_completed` yields the
//! results as they arrive, `map` yields them in input order. A task is an
//! input of type `Q` and a result of type `R`, each a [`Message`] that
//! travels as a line of text: lesson 04 squares numbers (`u64` in, a
//! `String` out), lesson 08 counts primes in ranges of numbers.
//!
//! Unlike Python's pool it survives a worker's death. Every worker has a
//! thread that reads its stdout and turns each line, and the end of the
//! pipe, into an event on one channel. The pool's owner drives everything
//! else from its own thread (sending tasks, starting replacements), so on
//! Linux each worker's parent-death signal is tied to a thread that lives
//! as long as the pool. When a worker's pipe ends with a task on it, the
//! task goes back in the queue for another worker, up to [`MAX_ATTEMPTS`].
//! A worker that holds a task far longer than a task takes (hung, or
//! stopped with SIGSTOP) is killed, and its task goes back the same way;
//! time during which the whole pool was stopped (Ctrl-Z) does not count.
//! A worker that dies of a stop signal (SIGINT, SIGTERM, SIGHUP) is taken
//! for part of a Ctrl-C until a second has passed without one (the kit's
//! [`Child::wait`]): a worker killed that way from outside holds the pool
//! up for that second before its task goes back in the queue.
//!
//! This is the Rust Book's message passing (chapter 16.2, "Using Message
//! Passing to Transfer Data Between Threads"): the reader threads own the
//! pipes and send what they read; one thread owns the state and receives.
//! No lock is needed, because no state is shared.
//!
//! Workers start on demand, as Python's pool starts them: the first when
//! the pool is made (so that a command that cannot start is reported at
//! once), the others when a task is waiting and no worker is free. A worker
//! that cannot be started later (the system refuses the process, or the
//! thread that reads it) is one failure, reported once: the pool goes on
//! with the workers it has and starts no more.
//!
//! A worker holds one task at a time unless [`Pool::set_in_flight`] says
//! more: for tasks of seconds one is right (a task queued behind a slow one
//! would wait for it), but for tasks of microseconds the round trip of
//! each task over the pipes is most of the cost, and a worker that has its
//! next tasks waiting in its pipe never waits for the pool. A worker runs
//! its tasks in the order sent, so only the first of them is running; if
//! the worker dies, that one counts an attempt and the others go back in
//! the queue as they were. (A worker that dies after an answer and before
//! reading its next task costs that task an attempt too: the pool cannot
//! tell the two apart.) The pool writes at most [`MAX_UNANSWERED_BYTES`]
//! ahead of a worker's answers, so that a write never blocks.
//!
//! Dropping the pool ends it as Python's `shutdown(wait=True)` does: every
//! worker's stdin is closed, idle workers finish their loop and exit on
//! their own, and each is reaped before the pool is gone.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use lesson_kit::children::{self, Child};

use crate::protocol::{Message, Reply, Request};

/// How many workers may die running one task before the pool gives up on
/// it: a task that kills every worker must not kill them forever.
pub const MAX_ATTEMPTS: u32 = 3;

/// How often the pool's clock notes that the process is running.
const TICK: Duration = Duration::from_millis(100);

/// A gap between two notes this much longer than [`TICK`] means nothing in
/// the process ran: its group was stopped (Ctrl-Z, SIGSTOP) and resumed. A
/// busy machine delays a wake-up by milliseconds, not half a second.
const SUSPENDED_AFTER: Duration = Duration::from_millis(500);

/// The most the pool writes to a worker ahead of its answers. A pipe holds
/// 64 KiB on Linux: below that, a write never blocks, even to a worker
/// that has stopped reading (hung, or stopped with SIGSTOP), so the pool's
/// thread is always free to notice the worker's deadline.
const MAX_UNANSWERED_BYTES: usize = 32 * 1024;

/// How long a dropped pool waits for its idle workers to exit on their own
/// once their stdin is closed; a worker's exit takes a millisecond or so.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// A task the pool is done with: its result, or why it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished<R> {
    /// The task's number, counted from 1 in the order submitted.
    pub task: usize,
    /// The result, or the reason the pool gave up.
    pub result: Result<R, String>,
}

/// Starts the command for a new worker.
type Spawn = Box<dyn FnMut() -> io::Result<Command>>;

/// The pool: its workers, the tasks (inputs `Q`, results `R`) and what is
/// known about each.
pub struct Pool<Q, R> {
    size: usize,
    /// How many tasks each worker may hold at once.
    in_flight: usize,
    spawn: Spawn,
    /// How long a worker may hold a task before the pool gives up on it.
    answer_within: Duration,
    workers: Vec<Worker>,
    /// Workers started so far, to number the next one.
    started: usize,
    /// The input and the attempts so far of every task submitted.
    tasks: Vec<(Q, u32)>,
    /// Indices of the tasks waiting for a worker.
    queue: VecDeque<usize>,
    /// Tasks done but not yet handed to the caller.
    finished: VecDeque<Finished<R>>,
    /// Tasks submitted and not yet handed to the caller.
    unreported: usize,
    sender: Sender<Event>,
    events: Receiver<Event>,
    pids: Vec<u32>,
    recovered: Vec<String>,
    /// Whether a worker could not be started: the pool starts no more.
    full: bool,
    /// The time deadlines are kept in: the lesson's, less its stops.
    clock: RunningClock,
}

/// The lesson's time less the time its process spent stopped (Ctrl-Z then
/// `fg`), when its workers were stopped too and could not answer: a
/// deadline in this time never expires for a stop of the whole job.
///
/// A thread notes the time every [`TICK`]. Whoever reads the clock notes it
/// too, so a stop is counted by the first reader after it, whichever thread
/// runs first on `fg`.
struct RunningClock {
    ticks: Arc<Mutex<Ticks>>,
}

/// The last note and the time found stopped so far.
struct Ticks {
    last: Instant,
    stopped: Duration,
}

impl Ticks {
    /// Notes `now`; a gap far longer than a tick was time stopped.
    fn note(&mut self, now: Instant) {
        let gap = now.saturating_duration_since(self.last);
        if gap > TICK + SUSPENDED_AFTER {
            self.stopped += gap - TICK;
        }
        self.last = self.last.max(now);
    }
}

impl RunningClock {
    /// Starts the clock and its thread; `Err` if the system refuses the
    /// thread, without which a long wait would look like a stop.
    fn start() -> io::Result<Self> {
        let ticks = Arc::new(Mutex::new(Ticks {
            last: Instant::now(),
            stopped: Duration::ZERO,
        }));
        let weak = Arc::downgrade(&ticks);
        // The thread ends with the pool: it holds only a weak reference.
        let ticking = thread::Builder::new().spawn(move || {
            loop {
                thread::sleep(TICK);
                let Some(ticks) = weak.upgrade() else { break };
                ticks
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .note(Instant::now());
            }
        });
        ticking.map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("cannot start its clock thread: {err}"),
            )
        })?;
        Ok(Self { ticks })
    }

    /// The lesson's time so far, less the time it was stopped.
    fn now(&self) -> Duration {
        let mut ticks = self.ticks.lock().unwrap_or_else(PoisonError::into_inner);
        ticks.note(Instant::now());
        lesson_kit::elapsed().saturating_sub(ticks.stopped)
    }
}

/// One worker process and the tasks it holds.
struct Worker {
    id: usize,
    /// The task pipe. Closing it (the pool's drop) ends the worker's loop.
    stdin: Option<ChildStdin>,
    /// Requests not yet written: [`Pool::dispatch`] writes them at once.
    outbox: Vec<u8>,
    child: Child,
    /// The tasks sent and not answered, in the order sent: the first is
    /// the one running.
    held: VecDeque<Held>,
    /// Why the pool stopped this worker, if it did.
    trouble: Option<String>,
}

/// A task a worker holds (times since the lesson started).
#[derive(Debug, Clone, Copy)]
struct Held {
    /// The task's index.
    index: usize,
    /// When the worker began it, as far as the pool knows: when it was sent,
    /// or when the task before it was answered.
    began: Duration,
    /// When the pool gives up on an answer, in the pool's running clock
    /// (which leaves out stops): counted from when it was sent, and again
    /// from when the task before it is answered.
    deadline: Duration,
    /// The size of its request, newline included.
    bytes: usize,
}

impl Worker {
    /// The bytes of the requests it holds: those it may not have read yet.
    fn unanswered_bytes(&self) -> usize {
        self.held.iter().map(|held| held.bytes).sum()
    }
}

/// What a worker's reader thread saw: a line (or a line that is not text),
/// or the end of the pipe.
enum Event {
    Line(usize, Result<String, String>),
    Closed(usize),
}

impl<Q: Message + Clone, R: Message> Pool<Q, R> {
    /// A pool of up to `size` workers, each from the command `spawn` makes;
    /// the first starts now, the others when tasks need them. A task takes
    /// `task_time` at time scale 1: a worker that has not answered within
    /// twice that time scaled, plus one second (not scaled), is stopped.
    pub fn new(
        size: usize,
        task_time: Duration,
        spawn: impl FnMut() -> io::Result<Command> + 'static,
    ) -> io::Result<Self> {
        let scaled = task_time.mul_f64(lesson_kit::options().time_scale);
        let (sender, events) = mpsc::channel();
        let mut pool = Self {
            size,
            in_flight: 1,
            spawn: Box::new(spawn),
            answer_within: scaled * 2 + Duration::from_secs(1),
            workers: Vec::new(),
            started: 0,
            tasks: Vec::new(),
            queue: VecDeque::new(),
            finished: VecDeque::new(),
            unreported: 0,
            sender,
            events,
            pids: Vec::new(),
            recovered: Vec::new(),
            full: false,
            clock: RunningClock::start()?,
        };
        // Present, if empty, in every run's JSON document.
        lesson_kit::fact("recovered", Vec::<String>::new());
        pool.start_worker()?;
        Ok(pool)
    }

    /// Gives each task `limit` to answer, whatever the time scale: for
    /// work whose length the scale does not change (computing, not
    /// sleeping).
    pub fn set_task_deadline(&mut self, limit: Duration) {
        self.answer_within = limit;
    }

    /// Lets each worker hold up to `tasks` tasks at once (at least one):
    /// for tiny tasks, whose cost is mostly the trip over the pipes.
    pub fn set_in_flight(&mut self, tasks: usize) {
        self.in_flight = tasks.max(1);
    }

    /// Queues a task on `input` and returns its task number.
    pub fn submit(&mut self, input: Q) -> usize {
        self.tasks.push((input, 0));
        self.queue.push_back(self.tasks.len() - 1);
        self.unreported += 1;
        self.tasks.len()
    }

    /// The submitted tasks, each as soon as it is done.
    pub fn as_completed(&mut self) -> impl Iterator<Item = Finished<R>> + '_ {
        std::iter::from_fn(|| self.next_finished())
    }

    /// Submits a task per input, and yields them in the inputs' order,
    /// each as soon as it and every one before it are done.
    pub fn map(&mut self, inputs: &[Q]) -> impl Iterator<Item = Finished<R>> + '_ {
        let ids: Vec<usize> =
            inputs.iter().map(|i| self.submit(i.clone())).collect();
        let mut next = ids.first().copied().unwrap_or(1);
        let mut early = BTreeMap::new();
        // `move`: the iterator owns its place in the order and the results
        // that came early, and keeps them between calls.
        std::iter::from_fn(move || {
            loop {
                if let Some(done) = early.remove(&next) {
                    next += 1;
                    return Some(done);
                }
                let done = self.next_finished()?;
                early.insert(done.task, done);
            }
        })
    }

    /// Runs the pool until a task is done; `None` when none is left, or
    /// after Ctrl-C.
    fn next_finished(&mut self) -> Option<Finished<R>> {
        loop {
            if lesson_kit::stopped() {
                self.queue.clear();
                self.workers.clear(); // dropping a Child kills and reaps it
                return None;
            }
            self.dispatch();
            if let Some(done) = self.finished.pop_front() {
                self.unreported -= 1;
                return Some(done);
            }
            if self.unreported == 0 {
                return None;
            }
            // A task is running, so a worker lives and will answer, die or
            // miss its deadline; Ctrl-C kills the workers, which ends their
            // pipes too. The pool holds a sender itself, so the channel
            // never disconnects: an error is always the timeout.
            let wait = self.until_next_deadline();
            match self.events.recv_timeout(wait) {
                Ok(event) => self.handle(event),
                Err(_) => {
                    // Answers that came in since the wait gave up count.
                    while let Ok(event) = self.events.try_recv() {
                        self.handle(event);
                    }
                    self.stop_late_workers();
                }
            }
        }
    }

    /// The time left until the first running task's deadline.
    fn until_next_deadline(&self) -> Duration {
        let now = self.clock.now();
        let running = self.workers.iter().filter_map(|worker| worker.held.front());
        running
            .map(|held| held.deadline.saturating_sub(now))
            .min()
            .unwrap_or(self.answer_within)
    }

    /// Stops every worker that has held its task past the deadline; its task
    /// goes back in the queue as if the worker had died.
    fn stop_late_workers(&mut self) {
        let now = self.clock.now();
        let within = self.answer_within;
        let why = format!("did not answer within {:.2} s", within.as_secs_f64());
        let late = (self.workers.iter_mut())
            .filter(|w| w.held.front().is_some_and(|held| now >= held.deadline));
        let mut ids = Vec::new();
        for worker in late {
            // A worker already in trouble keeps its first reason.
            worker.trouble.get_or_insert_with(|| why.clone());
            ids.push(worker.id);
        }
        for id in ids {
            // Its pipe may never end (a stopped process keeps it open): the
            // pool lets the worker go now, and ignores anything it sends later.
            self.on_closed(id);
        }
    }

    /// Gives each waiting task to an idle worker, starting a new worker
    /// (up to the pool's size) when none is idle, and then, if workers may
    /// hold several tasks, to the worker that holds the fewest. Each task
    /// goes out as soon as its worker exists, not after every worker has
    /// started.
    fn dispatch(&mut self) {
        while !self.queue.is_empty() {
            // The worker with room that holds the fewest tasks, and whether
            // it holds none.
            let least = (self.workers.iter().enumerate())
                .filter(|(_, worker)| self.has_room(worker))
                .min_by_key(|(_, worker)| worker.held.len())
                .map(|(at, worker)| (at, worker.held.is_empty()));
            let at = match least {
                Some((at, true)) => at,
                _ if self.workers.len() < self.size && !self.full => {
                    // The tasks already given go out first: a worker's start
                    // takes a millisecond, which they need not wait for.
                    self.write_outboxes();
                    if let Err(err) = self.start_worker() {
                        self.full = true;
                        let left = self.workers.len();
                        lesson_kit::fail(format!(
                            "{err}; the pool goes on with {left} of {} workers",
                            self.size
                        ));
                        if self.workers.is_empty() {
                            self.give_up_all(&err.to_string());
                        }
                        break;
                    }
                    self.workers.len() - 1
                }
                Some((at, false)) => at,
                None if self.workers.is_empty() => {
                    // No worker left, and none may be started.
                    self.give_up_all("no worker was left to run it");
                    break;
                }
                None => break,
            };
            self.send_next_task(at);
        }
        self.write_outboxes();
    }

    /// Whether `worker` may be given one more task: it is not being
    /// stopped, holds fewer than it may, and has not been written so much
    /// ahead that a write could block.
    fn has_room(&self, worker: &Worker) -> bool {
        worker.trouble.is_none()
            && worker.held.len() < self.in_flight
            && worker.unanswered_bytes() < MAX_UNANSWERED_BYTES
    }

    /// Puts the task at the front of the queue in the outbox of the worker
    /// at `at`.
    fn send_next_task(&mut self, at: usize) {
        let Some(index) = self.queue.pop_front() else {
            return;
        };
        let worker = &mut self.workers[at];
        let (input, attempts) = &mut self.tasks[index];
        *attempts += 1;
        let request = Request {
            task: index + 1,
            attempt: *attempts,
            input: input.clone(),
        };
        let line = request.encode();
        worker.outbox.extend_from_slice(line.as_bytes());
        worker.outbox.push(b'\n');
        // Begun now, in the lesson's time (for the timeline), if the worker
        // is free; answered by a deadline in the clock that leaves out the
        // lesson's stops (reset when the task before it is answered).
        let deadline = self.clock.now() + self.answer_within;
        let began = lesson_kit::elapsed();
        worker.held.push_back(Held {
            index,
            began,
            deadline,
            bytes: line.len() + 1,
        });
    }

    /// Writes each worker's waiting requests down its pipe, all at once.
    fn write_outboxes(&mut self) {
        for worker in &mut self.workers {
            if worker.outbox.is_empty() {
                continue;
            }
            let sent = (worker.stdin.as_mut()).map(|stdin| {
                stdin.write_all(&worker.outbox).and_then(|()| stdin.flush())
            });
            worker.outbox.clear();
            if let Some(Err(err)) = sent {
                // Its reader will see the pipe end and report the task lost.
                // A worker already in trouble keeps its first reason.
                worker.trouble.get_or_insert_with(|| {
                    format!("could not be sent its task ({err})")
                });
                worker.child.kill();
            }
        }
    }

    /// Starts the next worker; `Err` says which and why not.
    fn start_worker(&mut self) -> io::Result<()> {
        self.started += 1;
        let (id, name) = (self.started, format!("worker {}", self.started));
        let named =
            |err: io::Error| io::Error::new(err.kind(), format!("{name}: {err}"));
        let mut command = (self.spawn)().map_err(named)?;
        command.stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = Child::spawn(&name, command).map_err(named)?;
        let stdout = child.take_stdout();
        let sender = self.sender.clone();
        // `move`: the thread owns the pipe and its own sender of the
        // channel, and lives as long as the worker's stdout. If the system
        // refuses it, `child` is dropped: the worker is killed and reaped.
        let reading = thread::Builder::new().spawn(move || {
            if let Some(stdout) = stdout {
                // A failed send means the pool is gone: stop reading.
                children::read_lines(stdout, |line| {
                    sender.send(Event::Line(id, line)).is_ok()
                });
            }
            let _ = sender.send(Event::Closed(id));
        });
        reading.map_err(|err| {
            named(io::Error::new(
                err.kind(),
                format!("cannot start the thread that reads it: {err}"),
            ))
        })?;
        self.pids.push(child.pid());
        lesson_kit::fact("worker_pids", self.pids.clone());
        self.workers.push(Worker {
            id,
            stdin: child.take_stdin(),
            outbox: Vec::new(),
            child,
            held: VecDeque::new(),
            trouble: None,
        });
        Ok(())
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Line(id, line) => self.on_line(id, line),
            Event::Closed(id) => self.on_closed(id),
        }
    }

    fn on_line(&mut self, id: usize, line: Result<String, String>) {
        // A worker the pool has let go of may still have lines in flight,
        // and one it is stopping cannot be trusted with what it still sends.
        let Some(worker) = self.workers.iter_mut().find(|w| w.id == id) else {
            return;
        };
        if worker.trouble.is_some() {
            return;
        }
        // A worker answers its tasks in the order they were sent.
        let running = worker.held.front().map(|held| held.index + 1);
        match line.and_then(|line| Reply::<R>::decode(&line)) {
            Ok(reply) if running == Some(reply.task) => {
                let end = lesson_kit::elapsed();
                if let Some(held) = worker.held.pop_front() {
                    let label = reply.output.label();
                    lesson_kit::record_task(
                        worker.child.name(),
                        &label,
                        held.began,
                        end,
                    );
                }
                // The next task it holds begins now, and its time with it.
                if let Some(next) = worker.held.front_mut() {
                    next.began = next.began.max(end);
                    next.deadline = self.clock.now() + self.answer_within;
                }
                self.finished.push_back(Finished {
                    task: reply.task,
                    result: Ok(reply.output),
                });
            }
            // A worker that talks nonsense cannot be trusted with the task:
            // stop it, and its reader reports the task lost.
            Ok(reply) => {
                worker.trouble =
                    Some(format!("answered task {} it was not given", reply.task));
                worker.child.kill();
            }
            Err(err) => {
                worker.trouble = Some(format!("sent garbage ({err})"));
                worker.child.kill();
            }
        }
    }

    // ANCHOR: closed
    /// A worker's stdout has ended: the worker exited, crashed or was
    /// stopped. A task it was running goes back in the queue, unless it has
    /// already ended [`MAX_ATTEMPTS`] workers.
    fn on_closed(&mut self, id: usize) {
        let Some(at) = self.workers.iter().position(|w| w.id == id) else {
            return;
        };
        let mut worker = self.workers.remove(at);
        // The pipe ends as the process exits: kill only reaps it here, and
        // the status says how it died.
        let status = worker.child.kill();
        if lesson_kit::stopped() {
            return;
        }
        // Only the first task it held was running; the others go back in
        // the queue, in their order, as if never sent: no attempt counted.
        let running = worker.held.pop_front();
        for held in worker.held.iter().rev() {
            self.tasks[held.index].1 -= 1;
            self.queue.push_front(held.index);
        }
        if let Some(held) = running {
            // Its bar ends in an X here: the task was lost, not finished.
            let label = self.tasks[held.index].0.label();
            let now = lesson_kit::elapsed();
            lesson_kit::record_lost(worker.child.name(), &label, held.began, now);
        }
        let who = format!("{} (pid {})", worker.child.name(), worker.child.pid());
        let how = worker.trouble.take().unwrap_or_else(|| match status {
            Some(status) => format!("died ({})", children::describe(status)),
            None => "vanished".to_owned(),
        });
        let Some(Held { index, .. }) = running else {
            self.notice(format!("{who} {how} while idle"));
            return;
        };
        let (input, attempts) = &self.tasks[index];
        let (task, attempts) = (
            format!("task {} ({})", index + 1, input.describe()),
            *attempts,
        );
        if attempts < MAX_ATTEMPTS {
            self.notice(format!("{task} was lost: {who} {how}; running it again"));
            self.queue.push_front(index);
        } else {
            self.finished.push_back(Finished {
                task: index + 1,
                result: Err(format!(
                    "{task} failed: it ended {attempts} workers, the last one \
                     {who} {how}; giving up"
                )),
            });
        }
    }
    // ANCHOR_END: closed

    /// Reports what the pool recovered from: on stderr at once, and in the
    /// JSON document's `recovered`.
    fn notice(&mut self, text: String) {
        lesson_kit::warn(&text);
        self.recovered.push(text);
        lesson_kit::fact("recovered", self.recovered.clone());
    }

    /// With no worker left and none to be started, every queued task fails.
    fn give_up_all(&mut self, why: &str) {
        while let Some(index) = self.queue.pop_front() {
            self.finished.push_back(Finished {
                task: index + 1,
                result: Err(format!("task {} was never run: {why}", index + 1)),
            });
        }
    }
}

// ANCHOR: shutdown
impl<Q, R> Drop for Pool<Q, R> {
    /// Ends the pool as Python's `shutdown(wait=True)` does: every worker
    /// sees its stdin close, ends its loop and exits on its own, and is
    /// reaped. A worker that is slow to go is killed after a short grace.
    fn drop(&mut self) {
        // A worker still on a task would finish it for no one: dropping its
        // `Child` kills and reaps it now.
        self.workers.retain(|worker| worker.held.is_empty());
        for worker in &mut self.workers {
            worker.stdin = None; // the end of its input: its loop ends
        }
        let grace = Instant::now() + SHUTDOWN_GRACE;
        while !self.workers.is_empty() {
            let left = grace.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                // Its stdout ended as it exited: dropping it reaps it.
                Ok(Event::Closed(id)) => self.workers.retain(|w| w.id != id),
                Ok(Event::Line(..)) => {}
                Err(_) => break,
            }
        }
        // Any worker still here did not exit in time: killed and reaped.
        self.workers.clear();
    }
}
// ANCHOR_END: shutdown

#[cfg(test)]
mod tests {
    use super::*;

    /// Long enough for any of these tests on a busy machine, short enough
    /// that a pool which loses a task fails the suite instead of hanging it.
    const LIMIT: Duration = Duration::from_secs(20);

    /// Runs a test's body on a thread of its own, and fails the test if it
    /// has not ended within [`LIMIT`]. The pool is made inside the body, so
    /// its workers belong to that thread, which lives as long as they do.
    fn within_limit(body: impl FnOnce() + Send + 'static) {
        let (done, ended) = mpsc::channel();
        let runner = thread::spawn(move || {
            body();
            let _ = done.send(());
        });
        // A panic in the body drops `done`: the wait ends at once.
        if ended.recv_timeout(LIMIT).is_err() && !runner.is_finished() {
            panic!("the test did not end within {LIMIT:?}");
        }
        if let Err(panic) = runner.join() {
            std::panic::resume_unwind(panic);
        }
    }

    /// A pool whose workers are small shell scripts that speak the protocol,
    /// so that each way a worker can misbehave is easy to stage.
    fn pool_of(size: usize, script: &'static str) -> Pool<u64, String> {
        // `move`: the pool keeps the closure, which keeps the script.
        let spawn = move || {
            let mut command = Command::new("sh");
            command.args(["-c", script]);
            Ok(command)
        };
        Pool::new(size, Duration::ZERO, spawn).expect("sh starts")
    }

    fn results(
        finished: impl Iterator<Item = Finished<String>>,
    ) -> Vec<Result<String, String>> {
        finished.map(|done| done.result).collect()
    }

    #[test]
    fn map_returns_every_result_in_input_order() {
        within_limit(|| {
            let mut pool = pool_of(
                2,
                r#"while read word task try n; do echo "done $task Square: $((n*n))"; done"#,
            );
            let got = results(pool.map(&[3, 1, 2]));
            let want =
                ["Square: 9", "Square: 1", "Square: 4"].map(|s| Ok(s.to_owned()));
            assert_eq!(got, want);
            assert!(pool.recovered.is_empty());
        });
    }

    #[test]
    fn a_task_whose_worker_dies_runs_again_on_a_new_worker() {
        within_limit(|| {
            // The worker kills itself on the first try at task 2.
            let mut pool = pool_of(
                1,
                r#"while read word task try n; do
                     if [ "$task" = 2 ] && [ "$try" = 1 ]; then kill -9 $$; fi
                     echo "done $task ok $n"
                   done"#,
            );
            let got = results(pool.map(&[1, 2, 3]));
            let want = ["ok 1", "ok 2", "ok 3"].map(|s| Ok(s.to_owned()));
            assert_eq!(got, want);
            assert_eq!(pool.recovered.len(), 1, "{:?}", pool.recovered);
            assert!(pool.recovered[0].contains("task 2 (number 2) was lost"));
            assert!(pool.recovered[0].contains("killed by SIGKILL"));
            assert_eq!(pool.pids.len(), 2, "the worker and its replacement");
        });
    }

    #[test]
    fn a_worker_may_hold_several_tasks_at_once() {
        within_limit(|| {
            // It answers only once it holds three tasks: with one task at a
            // time it would wait for a second that never comes.
            let mut pool = pool_of(
                1,
                r#"while read w1 t1 a1 n1 && read w2 t2 a2 n2 && read w3 t3 a3 n3; do
                     for t in "$t1 $n1" "$t2 $n2" "$t3 $n3"; do
                       set -- $t; echo "done $1 ok $2"
                     done
                   done"#,
            );
            pool.set_in_flight(3);
            pool.answer_within = Duration::from_secs(5);
            let got = results(pool.map(&[5, 1, 4, 2, 3, 6]));
            let want = ["ok 5", "ok 1", "ok 4", "ok 2", "ok 3", "ok 6"]
                .map(|s| Ok(s.to_owned()));
            assert_eq!(got, want);
            assert!(pool.recovered.is_empty(), "{:?}", pool.recovered);
        });
    }

    #[test]
    fn a_worker_holds_no_more_than_it_may() {
        within_limit(|| {
            // It never reads: whatever the pool writes stays in the pipe.
            let mut pool = pool_of(1, "sleep 30");
            pool.set_in_flight(2);
            for n in 1..=6 {
                pool.submit(n);
            }
            pool.dispatch();
            assert_eq!(pool.workers[0].held.len(), 2);
            assert_eq!(pool.queue.len(), 4);
            // Many tiny tasks: the bytes written ahead stop it first, or the
            // write would block on the full pipe and hang the pool.
            pool.set_in_flight(100_000);
            for n in 1..=20_000 {
                pool.submit(n);
            }
            pool.dispatch();
            let ahead = pool.workers[0].unanswered_bytes();
            assert!(ahead <= MAX_UNANSWERED_BYTES + 64, "{ahead} bytes");
            assert!(ahead >= MAX_UNANSWERED_BYTES, "{ahead} bytes");
        });
    }

    #[test]
    fn nothing_a_worker_sends_after_garbage_is_taken() {
        within_limit(|| {
            // On its first try it sends garbage and a good answer in one write:
            // the answer is in the pipe before the pool reads the garbage.
            let mut pool = pool_of(
                1,
                r#"while read word task try n; do
                     if [ "$try" = 1 ]; then printf 'forty-two\ndone %s ok %s try 1\n' "$task" "$n"
                     else echo "done $task ok $n try $try"; fi
                   done"#,
            );
            let got = results(pool.map(&[7]));
            assert_eq!(got, [Ok("ok 7 try 2".to_owned())]);
            assert_eq!(pool.recovered.len(), 1, "{:?}", pool.recovered);
            assert!(
                pool.recovered[0].contains("sent garbage"),
                "{:?}",
                pool.recovered
            );
        });
    }

    #[test]
    fn a_task_goes_out_before_the_next_worker_starts() {
        within_limit(|| {
            // Worker 1 leaves a mark when it reads a task. Worker 2 is started
            // only after the mark appears (or 5 s): task 1 must not wait in the
            // pool while worker 2 starts.
            let mark = std::env::temp_dir()
                .join(format!("pool-first-task-{}", std::process::id()));
            let _ = std::fs::remove_file(&mark);
            let script = format!(
                r#"while read word task try n; do touch "{}"; echo "done $task ok $n"; done"#,
                mark.display()
            );
            let (seen, saw) = mpsc::channel();
            let mut started = 0;
            let watched = mark.clone();
            // `move`: the pool keeps the closure, which owns what it uses.
            let spawn = move || {
                started += 1;
                if started == 2 {
                    let limit = Instant::now() + Duration::from_secs(5);
                    while !watched.exists() && Instant::now() < limit {
                        thread::sleep(Duration::from_millis(1));
                    }
                    let _ = seen.send(watched.exists());
                }
                let mut command = Command::new("sh");
                command.args(["-c", &script]);
                Ok(command)
            };
            let mut pool: Pool<u64, String> =
                Pool::new(2, Duration::ZERO, spawn).expect("sh starts");
            let got = results(pool.map(&[1, 2]));
            assert_eq!(got, ["ok 1", "ok 2"].map(|s| Ok(s.to_owned())));
            let _ = std::fs::remove_file(&mark);
            assert_eq!(saw.try_recv(), Ok(true), "task 1 waited for worker 2");
        });
    }

    #[test]
    fn a_held_task_has_its_full_time_once_it_is_running() {
        within_limit(|| {
            // Two tasks of 0.6 s sent at once: the second ends 1.2 s after
            // it was sent, within the 1 s it has from its own start.
            let mut pool = pool_of(
                1,
                r#"while read word task try n; do sleep 0.6; echo "done $task ok $n"; done"#,
            );
            pool.set_in_flight(2);
            pool.answer_within = Duration::from_secs(1);
            let got = results(pool.map(&[1, 2]));
            assert_eq!(got, ["ok 1", "ok 2"].map(|s| Ok(s.to_owned())));
            assert!(pool.recovered.is_empty(), "{:?}", pool.recovered);
        });
    }

    #[test]
    fn tasks_held_behind_a_crash_go_back_without_an_attempt() {
        within_limit(|| {
            // It takes all five tasks at once, answers task 1, then dies on
            // the first try at task 2, holding 3, 4 and 5 unstarted.
            let mut pool = pool_of(
                1,
                r#"while read word task try n; do
                     if [ "$task" = 2 ] && [ "$try" = 1 ]; then kill -9 $$; fi
                     echo "done $task ok $n try $try"
                   done"#,
            );
            pool.set_in_flight(5);
            let got = results(pool.map(&[10, 20, 30, 40, 50]));
            let want = [
                "ok 10 try 1",
                "ok 20 try 2",
                "ok 30 try 1",
                "ok 40 try 1",
                "ok 50 try 1",
            ]
            .map(|s| Ok(s.to_owned()));
            assert_eq!(got, want);
            // One notice, for the task that was running; none for the others.
            assert_eq!(pool.recovered.len(), 1, "{:?}", pool.recovered);
            assert!(pool.recovered[0].contains("task 2 (number 20) was lost"));
        });
    }

    #[test]
    fn tasks_held_behind_a_crash_go_back_in_their_order() {
        within_limit(|| {
            // As above, read as they complete: the worker's replacement runs
            // task 2 again, then 3, 4 and 5 in the order they were
            // submitted, not reversed by their trip back to the queue.
            let mut pool = pool_of(
                1,
                r#"while read word task try n; do
                     if [ "$task" = 2 ] && [ "$try" = 1 ]; then kill -9 $$; fi
                     echo "done $task ok $n"
                   done"#,
            );
            pool.set_in_flight(5);
            let order: Vec<usize> = pool
                .as_completed_after(&[10, 20, 30, 40, 50])
                .map(|done| done.task)
                .collect();
            assert_eq!(order, [1, 2, 3, 4, 5]);
        });
    }

    #[test]
    fn garbage_from_a_worker_is_reported_and_the_task_given_up() {
        within_limit(|| {
            let mut pool =
                pool_of(1, r#"while read line; do echo "forty-two"; done"#);
            let got = results(pool.map(&[7]));
            let [Err(why)] = got.as_slice() else {
                panic!("expected one failure, got {got:?}");
            };
            assert!(why.starts_with("task 1 (number 7) failed"), "{why}");
            assert!(why.contains("sent garbage"), "{why}");
            assert_eq!(pool.recovered.len(), (MAX_ATTEMPTS - 1) as usize);
        });
    }

    #[test]
    fn an_answer_to_the_wrong_task_is_not_taken() {
        within_limit(|| {
            let mut pool =
                pool_of(1, r#"while read line; do echo "done 99 Square: 1"; done"#);
            let got = results(pool.as_completed_after(&[1]));
            assert!(
                matches!(&got[..], [Err(why)] if why.contains("not given")),
                "{got:?}"
            );
        });
    }

    #[test]
    fn a_pool_that_cannot_start_says_why() {
        within_limit(|| {
            let spawn = || Ok(Command::new("/nonexistent/worker"));
            assert!(Pool::<u64, String>::new(2, Duration::ZERO, spawn).is_err());
        });
    }

    #[test]
    fn a_worker_that_never_answers_is_stopped_and_the_task_given_up() {
        within_limit(|| {
            // It reads every task and answers none, as a hung worker would.
            let mut pool = pool_of(1, "while read line; do :; done");
            pool.answer_within = Duration::from_millis(100);
            let began = Instant::now();
            let got = results(pool.map(&[7]));
            let [Err(why)] = got.as_slice() else {
                panic!("expected one failure, got {got:?}");
            };
            assert!(why.starts_with("task 1 (number 7) failed"), "{why}");
            assert!(why.contains("did not answer within 0.10 s"), "{why}");
            assert_eq!(pool.recovered.len(), (MAX_ATTEMPTS - 1) as usize);
            assert_eq!(pool.pids.len(), MAX_ATTEMPTS as usize);
            // Three deadlines of 100 ms, not a hang.
            assert!(
                began.elapsed() < Duration::from_secs(5),
                "{:?}",
                began.elapsed()
            );
        });
    }

    #[test]
    fn a_task_whose_worker_hangs_runs_again_on_a_new_worker() {
        within_limit(|| {
            // The first attempt at each task gets no answer; later ones do.
            let mut pool = pool_of(
                1,
                r#"while read word task try n; do
                     if [ "$try" != 1 ]; then echo "done $task ok $n"; fi
                   done"#,
            );
            pool.answer_within = Duration::from_millis(100);
            let got = results(pool.map(&[4]));
            assert_eq!(got, [Ok("ok 4".to_owned())]);
            assert_eq!(pool.recovered.len(), 1, "{:?}", pool.recovered);
            assert!(
                pool.recovered[0].contains("did not answer"),
                "{:?}",
                pool.recovered
            );
        });
    }

    #[test]
    fn a_dropped_pool_lets_its_workers_end_on_their_own_and_reaps_them() {
        within_limit(|| {
            // Each worker leaves a mark once its loop ends, as it exits.
            let marks = std::env::temp_dir()
                .join(format!("pool-marks-{}", std::process::id()));
            std::fs::create_dir_all(&marks).expect("a temp folder");
            let script = format!(
                r#"while read word task try n; do echo "done $task ok $n"; done; echo bye > "{}/$$""#,
                marks.display()
            );
            // `move`: the pool keeps the closure, which owns the script.
            let spawn = move || {
                let mut command = Command::new("sh");
                command.args(["-c", &script]);
                Ok(command)
            };
            let mut pool: Pool<u64, String> =
                Pool::new(2, Duration::ZERO, spawn).expect("sh starts");
            assert_eq!(results(pool.map(&[1, 2, 3])).len(), 3);
            let pids = pool.pids.clone();
            let began = Instant::now();
            drop(pool);
            assert!(
                began.elapsed() < SHUTDOWN_GRACE,
                "took {:?}",
                began.elapsed()
            );
            for pid in pids {
                let mark = marks.join(pid.to_string());
                assert!(
                    mark.exists(),
                    "worker {pid} was killed before its loop ended"
                );
                // Reaped: not even a zombie is left in /proc.
                let proc = std::path::PathBuf::from(format!("/proc/{pid}"));
                assert!(!proc.exists(), "worker {pid} was not reaped");
            }
            let _ = std::fs::remove_dir_all(&marks);
        });
    }

    /// Workers that answer at once, except on the number 1, which takes
    /// 300 ms: the order results complete in is not the order submitted.
    const ONE_IS_SLOW: &str = r#"while read word task try n; do
             if [ "$n" = 1 ]; then sleep 0.3; fi
             echo "done $task ok $n"
           done"#;

    #[test]
    fn as_completed_yields_each_result_as_it_arrives() {
        within_limit(|| {
            let mut pool = pool_of(2, ONE_IS_SLOW);
            let got = results(pool.as_completed_after(&[1, 2, 3]));
            let want = ["ok 2", "ok 3", "ok 1"].map(|s| Ok(s.to_owned()));
            assert_eq!(got, want);
        });
    }

    #[test]
    fn map_holds_back_the_results_after_a_slow_one() {
        within_limit(|| {
            let mut pool = pool_of(2, ONE_IS_SLOW);
            let got = results(pool.map(&[1, 2, 3]));
            let want = ["ok 1", "ok 2", "ok 3"].map(|s| Ok(s.to_owned()));
            assert_eq!(got, want);
        });
    }

    #[test]
    fn workers_start_only_when_tasks_need_them() {
        within_limit(|| {
            let mut pool = pool_of(64, ONE_IS_SLOW);
            assert_eq!(pool.pids.len(), 1, "the first worker starts at once");
            assert_eq!(results(pool.map(&[2, 3])).len(), 2);
            // Two quick tasks: at most one more worker, not 63.
            assert!(pool.pids.len() <= 2, "{:?}", pool.pids);
            assert_eq!(results(pool.map(&[1, 1, 1])).len(), 3);
            assert!(pool.pids.len() >= 3, "three slow tasks at once");
            assert!(pool.pids.len() <= 4, "{:?}", pool.pids);
        });
    }

    #[test]
    fn time_the_process_was_stopped_is_left_out_of_the_clock() {
        let start = Instant::now();
        let mut ticks = Ticks {
            last: start,
            stopped: Duration::ZERO,
        };
        // Notes a tick apart, or late by a busy machine's delay: running.
        ticks.note(start + TICK);
        ticks.note(start + TICK * 2 + Duration::from_millis(150));
        assert_eq!(ticks.stopped, Duration::ZERO);
        // Three seconds without a note: stopped for all but one tick.
        let resumed = start + TICK * 2 + Duration::from_secs(3);
        ticks.note(resumed);
        let stopped = Duration::from_secs(3) - Duration::from_millis(150) - TICK;
        assert_eq!(ticks.stopped, stopped);
        // A note from before the last (another thread) changes nothing.
        ticks.note(start);
        assert_eq!(ticks.stopped, stopped);
    }

    impl Pool<u64, String> {
        fn as_completed_after(
            &mut self,
            numbers: &[u64],
        ) -> impl Iterator<Item = Finished<String>> {
            for &number in numbers {
                self.submit(number);
            }
            self.as_completed()
        }
    }
}
