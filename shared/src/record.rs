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
    /// `None` while the task runs, and for good if Ctrl-C cut it short.
    pub end: Option<Duration>,
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

    /// Opens a task span for `worker` and returns its index.
    pub fn open(&mut self, worker: usize, start: Duration) -> usize {
        self.spans.push(Span {
            worker,
            label: String::new(),
            start,
            end: None,
        });
        self.spans.len() - 1
    }

    /// Closes the span at `index` with the line that reports the task.
    pub fn close(&mut self, index: usize, label: &str, end: Duration) {
        if let Some(span) = self.spans.get_mut(index) {
            span.label = label.to_owned();
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

    /// Spans that ended with their line.
    pub fn finished(&self) -> impl Iterator<Item = &Span> {
        self.spans.iter().filter(|span| span.end.is_some())
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
    fn add_records_a_finished_span() {
        let mut rec = Recording::default();
        let worker = rec.worker("process 1");
        rec.add(worker, "Square: 4", ms(10), ms(20));
        let span = rec.finished().next().expect("one finished span");
        assert_eq!((span.start, span.end), (ms(10), Some(ms(20))));
    }
}
