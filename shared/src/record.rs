//! What a run leaves behind: the workers, their task spans, the lines printed
//! and the errors. Plain data behind one lock in the kit, so any thread (and,
//! through the parent, any child process) can add to it.

use std::time::Duration;

/// One task: from the start of its first sleep to the line that reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// Index into [`Recording::workers`].
    pub worker: usize,
    /// The line the task printed, or empty while it runs.
    pub label: String,
    /// Time since the lesson started.
    pub start: Duration,
    /// When it ended: `None` while it runs, and for good if Ctrl-C stopped
    /// the lesson while it ran on the main thread.
    pub end: Option<Duration>,
    /// Whether it ended with its line. A task that ended without one was
    /// cut short: by Ctrl-C, or by a panic on its thread.
    pub finished: bool,
    /// Whether it was lost with its worker (a child process that died or
    /// was stopped while it ran the task): it ends where the worker did.
    pub lost: bool,
    /// For a task of an async runtime (see [`crate::task`]): the OS thread
    /// that ran it when it ended, an index into [`Recording::task_threads`].
    pub thread: Option<usize>,
}

/// Everything a run has recorded so far.
#[derive(Debug, Default, Clone)]
pub struct Recording {
    /// Worker names in the order they first did something: the timeline's rows.
    pub workers: Vec<String>,
    /// Task spans in the order they started.
    pub spans: Vec<Span>,
    /// The lesson's own lines, in the order they were printed.
    pub lines: Vec<String>,
    /// Failures reported with [`crate::fail`].
    pub errors: Vec<String>,
    /// Rows of threads that have no name, each with a key that orders
    /// threads by when they were spawned; see [`Recording::number_threads`].
    pub unnamed_threads: Vec<(u64, usize)>,
    /// Rows of named threads, with the same kind of key: threads that
    /// share a name (a pool's) are numbered like the unnamed ones.
    pub named_threads: Vec<(u64, usize)>,
    /// The OS threads that ran async tasks, each a name and a key as for
    /// [`Recording::add_named_thread`]: [`Recording::number_threads`]
    /// numbers the names that several threads share.
    pub task_threads: Vec<(String, u64)>,
}

impl Recording {
    /// The index of the worker with this name, adding it if it is new.
    pub fn worker(&mut self, name: &str) -> usize {
        match self.workers.iter().position(|w| w == name) {
            Some(index) => index,
            None => {
                self.workers.push(name.to_owned());
                self.workers.len() - 1
            }
        }
    }

    /// Adds a row of its own for a thread, even if another thread has the
    /// same name, and returns its index.
    pub fn add_row(&mut self, name: &str) -> usize {
        self.workers.push(name.to_owned());
        self.workers.len() - 1
    }

    /// Adds a row for a thread without a name. `spawn_order` is any key
    /// that grows with each thread spawned; the row is named by
    /// [`Recording::number_threads`].
    pub fn add_unnamed_thread(&mut self, spawn_order: u64) -> usize {
        let index = self.add_row("thread");
        self.unnamed_threads.push((spawn_order, index));
        index
    }

    /// Adds a row for a named thread. `spawn_order` is a key as for
    /// [`Recording::add_unnamed_thread`]: if other threads have the same
    /// name, [`Recording::number_threads`] numbers them all.
    pub fn add_named_thread(&mut self, name: &str, spawn_order: u64) -> usize {
        let index = self.add_row(name);
        self.named_threads.push((spawn_order, index));
        index
    }

    /// Names the unnamed threads' rows "thread 1", "thread 2", ... in the
    /// order the threads were spawned, and puts their rows in that order,
    /// whichever thread happened to record something first. Named threads
    /// that share a name (the threads of a pool, "pool thread") are
    /// numbered the same way ("pool thread 1", ...); a name used once stays
    /// as it is.
    pub fn number_threads(&mut self) {
        let unnamed = self.unnamed_threads.clone();
        self.number_rows(&unnamed, "thread");
        let mut groups: Vec<(String, Vec<(u64, usize)>)> = Vec::new();
        for &(key, row) in &self.named_threads {
            let name = &self.workers[row];
            match groups.iter_mut().find(|(n, _)| n == name) {
                Some((_, group)) => group.push((key, row)),
                None => groups.push((name.clone(), vec![(key, row)])),
            }
        }
        // Numbering a group only moves rows within it: the other groups'
        // rows stay where they were found.
        for (name, group) in groups.iter().filter(|(_, group)| group.len() > 1) {
            self.number_rows(group, name);
        }
        self.number_task_threads();
    }

    /// The index of the OS thread called `name`, with spawn key `key`, among
    /// those that ran async tasks, adding it if it is new.
    pub fn task_thread(&mut self, name: &str, key: u64) -> usize {
        let known = self
            .task_threads
            .iter()
            .position(|(n, k)| n == name && *k == key);
        match known {
            Some(index) => index,
            None => {
                self.task_threads.push((name.to_owned(), key));
                self.task_threads.len() - 1
            }
        }
    }

    /// Names the task threads that share a name "`name` 1", "`name` 2"...
    /// in spawn order, as rows of threads are named.
    fn number_task_threads(&mut self) {
        let mut names: Vec<String> = Vec::new();
        for (name, _) in &self.task_threads {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        for name in names {
            let mut keys: Vec<u64> = (self.task_threads.iter())
                .filter(|(n, _)| *n == name)
                .map(|(_, key)| *key)
                .collect();
            if keys.len() < 2 {
                continue;
            }
            keys.sort_unstable();
            for (n, key) in &mut self.task_threads {
                if *n == name {
                    let place = keys.iter().position(|k| k == key).unwrap_or(0);
                    *n = format!("{name} {}", place + 1);
                }
            }
        }
    }

    /// The OS threads that ran the async task of row `worker`, in the order
    /// it first ended a span on each: empty for a row of a thread.
    pub fn threads_of(&self, worker: usize) -> Vec<&str> {
        let mut threads: Vec<&str> = Vec::new();
        for span in self.spans.iter().filter(|s| s.worker == worker) {
            let name = span.thread.and_then(|t| self.task_threads.get(t));
            if let Some((name, _)) = name
                && !threads.contains(&name.as_str())
            {
                threads.push(name);
            }
        }
        threads
    }

    /// Names the rows of `threads` (spawn key, row) "`name` 1", "`name` 2",
    /// ... in spawn order, and moves them into that order among themselves.
    fn number_rows(&mut self, threads: &[(u64, usize)], name: &str) {
        let mut rows: Vec<usize> = threads.iter().map(|t| t.1).collect();
        rows.sort_unstable();
        let mut by_spawn = threads.to_vec();
        by_spawn.sort_unstable();
        // new_row[old] is where the thread that had row `old` goes.
        let mut new_row: Vec<usize> = (0..self.workers.len()).collect();
        for (n, (&row, &(_, old))) in rows.iter().zip(&by_spawn).enumerate() {
            new_row[old] = row;
            self.workers[row] = format!("{name} {}", n + 1);
        }
        for span in &mut self.spans {
            span.worker = new_row[span.worker];
        }
        let threads = self.unnamed_threads.iter_mut();
        for thread in threads.chain(self.named_threads.iter_mut()) {
            thread.1 = new_row[thread.1];
        }
    }

    /// Gives a pool of `size` threads all its rows, once the threads are
    /// numbered: where the threads' rows of one kind ("pool thread 1",
    /// "pool thread 2"...: the kind with the most) are fewer than `size`,
    /// adds the missing ones after them, numbered on, without tasks. A pool
    /// thread that never ran a task never recorded anything, yet it was
    /// there, idle: the timeline shows it (idle rows side by side share one
    /// line). Rows of other workers (child processes, which a pool may
    /// never have started) are left as they are.
    pub fn fill_pool(&mut self, size: usize) {
        let numbered = |name: &str| {
            let (kind, number) = name.rsplit_once(' ')?;
            Some((kind.to_owned(), number.parse::<u64>().ok()?))
        };
        // The threads' kind with the most rows.
        let threads = self.unnamed_threads.iter().chain(&self.named_threads);
        let mut kinds: Vec<(String, usize)> = Vec::new();
        for (kind, _) in threads.filter_map(|&(_, row)| numbered(&self.workers[row]))
        {
            match kinds.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, rows)) => *rows += 1,
                None => kinds.push((kind, 1)),
            }
        }
        let Some((kind, _)) = kinds.into_iter().max_by_key(|&(_, rows)| rows) else {
            return;
        };
        // Its rows so far, those added before included, and their highest
        // number.
        let numbers: Vec<u64> = (self.workers.iter().filter_map(|w| numbered(w)))
            .filter(|(k, _)| *k == kind)
            .map(|(_, number)| number)
            .collect();
        let highest = numbers.iter().copied().max().unwrap_or(0);
        for n in (highest + 1..).take(size.saturating_sub(numbers.len())) {
            self.add_row(&format!("{kind} {n}"));
        }
    }

    /// Opens a task span for `worker` and returns its index.
    pub fn open(&mut self, worker: usize, start: Duration) -> usize {
        self.spans.push(Span {
            worker,
            label: String::new(),
            start,
            end: None,
            finished: false,
            lost: false,
            thread: None,
        });
        self.spans.len() - 1
    }

    /// Closes the span at `index` with the line that reports the task.
    pub fn close(&mut self, index: usize, label: &str, end: Duration) {
        if let Some(span) = self.spans.get_mut(index) {
            span.label = label.to_owned();
            span.end = Some(end);
            span.finished = true;
        }
    }

    /// Ends the span at `index` without its line: the task was cut short.
    pub fn abandon(&mut self, index: usize, end: Duration) {
        if let Some(span) = self.spans.get_mut(index).filter(|s| !s.finished) {
            span.end = Some(end);
        }
    }

    /// Records a whole span at once (for work timed elsewhere, such as in a
    /// child process).
    pub fn add(
        &mut self,
        worker: usize,
        label: &str,
        start: Duration,
        end: Duration,
    ) {
        let index = self.open(worker, start);
        self.close(index, label, end);
    }

    /// Records a task that `worker` held from `start` until it died at
    /// `end`: not finished, and marked lost, so that the timeline shows
    /// where the work stopped (the task may run again on another worker).
    pub fn lost(
        &mut self,
        worker: usize,
        label: &str,
        start: Duration,
        end: Duration,
    ) {
        let index = self.open(worker, start);
        if let Some(span) = self.spans.get_mut(index) {
            span.label = label.to_owned();
            span.end = Some(end);
            span.lost = true;
        }
    }

    /// Spans that ended with their line.
    pub fn finished(&self) -> impl Iterator<Item = &Span> {
        self.spans.iter().filter(|span| span.finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn workers_are_numbered_by_first_appearance() {
        let mut rec = Recording::default();
        assert_eq!(rec.worker("thread 1"), 0);
        assert_eq!(rec.worker("thread 2"), 1);
        assert_eq!(rec.worker("thread 1"), 0);
        assert_eq!(rec.workers, ["thread 1", "thread 2"]);
    }

    #[test]
    fn a_span_is_open_until_closed() {
        let mut rec = Recording::default();
        let main = rec.worker("main");
        let first = rec.open(main, ms(0));
        let second = rec.open(main, ms(5));
        rec.close(first, "Number : 0", ms(100));
        assert_eq!(rec.finished().count(), 1);
        assert_eq!(rec.spans[first].label, "Number : 0");
        assert_eq!(rec.spans[first].end, Some(ms(100)));
        assert_eq!(rec.spans[second].end, None);
    }

    #[test]
    fn an_abandoned_span_ends_but_does_not_finish() {
        let mut rec = Recording::default();
        let worker = rec.worker("thread 1");
        let task = rec.open(worker, ms(0));
        rec.abandon(task, ms(30));
        assert_eq!(rec.spans[task].end, Some(ms(30)));
        assert_eq!(rec.finished().count(), 0);
        // A finished task stays finished.
        let done = rec.open(worker, ms(40));
        rec.close(done, "Number : 1", ms(50));
        rec.abandon(done, ms(60));
        assert_eq!(rec.spans[done].end, Some(ms(50)));
        assert_eq!(rec.finished().count(), 1);
    }

    #[test]
    fn threads_are_numbered_in_spawn_order_not_first_come() {
        let mut rec = Recording::default();
        let main = rec.add_row("main");
        // The thread spawned second (key 7) records something first.
        let second = rec.add_unnamed_thread(7);
        let first = rec.add_unnamed_thread(4);
        rec.add(first, "Number : 0", ms(0), ms(100));
        rec.add(second, "letter : a", ms(0), ms(100));
        rec.add(main, "done", ms(100), ms(101));
        rec.number_threads();
        assert_eq!(rec.workers, ["main", "thread 1", "thread 2"]);
        let row_of = |label: &str| {
            let span = rec.spans.iter().find(|s| s.label == label).expect("a span");
            rec.workers[span.worker].clone()
        };
        assert_eq!(row_of("Number : 0"), "thread 1");
        assert_eq!(row_of("letter : a"), "thread 2");
        assert_eq!(row_of("done"), "main");
    }

    #[test]
    fn threads_that_share_a_name_are_numbered_in_spawn_order() {
        let mut rec = Recording::default();
        let main = rec.add_named_thread("main", 1);
        // A pool's threads, recording in another order than they were spawned.
        let third = rec.add_named_thread("pool thread", 9);
        let first = rec.add_named_thread("pool thread", 3);
        let second = rec.add_named_thread("pool thread", 5);
        let helper = rec.add_unnamed_thread(4);
        rec.add(first, "Number :1", ms(0), ms(100));
        rec.add(second, "Number :2", ms(0), ms(100));
        rec.add(third, "Number :3", ms(0), ms(100));
        rec.add(helper, "Number :4", ms(0), ms(100));
        rec.number_threads();
        assert_eq!(
            rec.workers,
            [
                "main",
                "pool thread 1",
                "pool thread 2",
                "pool thread 3",
                "thread 1"
            ]
        );
        let row_of = |label: &str| {
            let span = rec.spans.iter().find(|s| s.label == label).expect("a span");
            rec.workers[span.worker].clone()
        };
        assert_eq!(row_of("Number :1"), "pool thread 1");
        assert_eq!(row_of("Number :2"), "pool thread 2");
        assert_eq!(row_of("Number :3"), "pool thread 3");
        assert_eq!(row_of("Number :4"), "thread 1");
        assert_eq!(rec.workers[main], "main");
    }

    #[test]
    fn threads_with_one_name_keep_rows_of_their_own() {
        let mut rec = Recording::default();
        assert_ne!(rec.add_row("worker"), rec.add_row("worker"));
        assert_eq!(rec.workers.len(), 2);
    }

    #[test]
    fn a_pool_gets_a_row_for_each_worker_that_never_ran_a_task() {
        let mut rec = Recording::default();
        rec.add_named_thread("main", 1);
        for key in [4, 2, 3] {
            let row = rec.add_named_thread("pool thread", key);
            rec.add(row, "Number :1", ms(0), ms(100));
        }
        rec.number_threads();
        rec.fill_pool(6);
        assert_eq!(
            rec.workers[4..],
            ["pool thread 4", "pool thread 5", "pool thread 6"]
        );
        assert_eq!(rec.spans.len(), 3, "no task for the idle rows");
        // A full pool (or one that replaced a worker) gets nothing more.
        let before = rec.workers.clone();
        rec.fill_pool(6);
        rec.fill_pool(2);
        assert_eq!(rec.workers, before);
        // Rows of workers that are not threads may never have started.
        let mut processes = Recording::default();
        processes.worker("worker 1");
        processes.fill_pool(3);
        assert_eq!(processes.workers, ["worker 1"]);
    }

    #[test]
    fn a_lost_span_ends_where_its_worker_died_and_is_not_finished() {
        let mut rec = Recording::default();
        let worker = rec.worker("worker 3");
        rec.lost(worker, "5", ms(400), ms(410));
        assert_eq!(rec.finished().count(), 0);
        let span = &rec.spans[0];
        assert!(span.lost && !span.finished, "{span:?}");
        assert_eq!((span.start, span.end), (ms(400), Some(ms(410))));
        assert_eq!(span.label, "5");
    }

    #[test]
    fn task_threads_that_share_a_name_are_numbered_in_spawn_order() {
        let mut rec = Recording::default();
        let late = rec.task_thread("worker", 12);
        let main = rec.task_thread("main", 1);
        let early = rec.task_thread("worker", 9);
        assert_eq!(rec.task_thread("worker", 12), late, "known: the same index");
        let row = rec.add_row("task 1");
        for (thread, at) in [(late, 0), (early, 10), (late, 20)] {
            rec.add(row, "step", ms(at), ms(at + 5));
            rec.spans.last_mut().expect("a span").thread = Some(thread);
        }
        rec.number_threads();
        assert_eq!(rec.task_threads[late].0, "worker 2");
        assert_eq!(rec.task_threads[early].0, "worker 1");
        assert_eq!(rec.task_threads[main].0, "main", "a name used once");
        // In the order the task first ran on each.
        assert_eq!(rec.threads_of(row), ["worker 2", "worker 1"]);
        let unrelated = rec.add_row("thread");
        assert!(rec.threads_of(unrelated).is_empty());
    }

    #[test]
    fn add_records_a_finished_span() {
        let mut rec = Recording::default();
        let worker = rec.worker("process 1");
        rec.add(worker, "Square: 4", ms(10), ms(20));
        let span = rec.finished().next().expect("one finished span");
        assert_eq!((span.start, span.end), (ms(10), Some(ms(20))));
    }
}
