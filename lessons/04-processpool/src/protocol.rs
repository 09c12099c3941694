//! The pool's two messages, one line each over a worker's pipes: a task
//! goes down its stdin, its result comes back up its stdout. Text keeps the
//! protocol readable (`task 5 1 5`, `done 5 Square: 25`) and a bad line
//! easy to report.
//!
//! What a task carries is up to the lesson: anything that is [`Message`],
//! text on one line both ways. Lesson 04 sends a number and gets a line
//! back; lesson 08 sends a range of numbers and gets a count back.

/// A value that travels over a worker's pipe as text on one line.
pub trait Message: Sized {
    /// The value as text, on one line (no newline).
    fn encode(&self) -> String;

    /// Reads the value back; anything else is an error naming it.
    fn decode(text: &str) -> Result<Self, String>;

    /// How the pool names it in a notice: "number 5", "numbers 0..1000".
    fn describe(&self) -> String {
        self.encode()
    }

    /// What the timeline writes inside the task's bar.
    fn label(&self) -> String {
        self.encode()
    }
}

/// Lesson 04's task: a number, named as one in notices.
impl Message for u64 {
    fn encode(&self) -> String {
        self.to_string()
    }

    fn decode(text: &str) -> Result<Self, String> {
        text.parse().map_err(|_| format!("not a number: {text:?}"))
    }

    fn describe(&self) -> String {
        format!("number {self}")
    }
}

/// Lesson 04's result: a line of text, which is already one line.
impl Message for String {
    fn encode(&self) -> String {
        // A newline would end the message early: it travels as a space.
        self.replace('\n', " ")
    }

    fn decode(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }
}

/// Parent to worker: run task `task` (counted from 1) on `input`; this is
/// the task's `attempt`-th try (counted from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<Q> {
    pub task: usize,
    pub attempt: u32,
    pub input: Q,
}

/// Worker to parent: task `task` finished, and this is its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply<R> {
    pub task: usize,
    pub output: R,
}

impl<Q: Message> Request<Q> {
    /// The request as one line, without its newline.
    pub fn encode(&self) -> String {
        format!(
            "task {} {} {}",
            self.task,
            self.attempt,
            self.input.encode()
        )
    }

    /// Reads a request line; anything else is an error naming it.
    pub fn decode(line: &str) -> Result<Self, String> {
        let bad = || format!("not a task request: {line:?}");
        let mut words = line.splitn(4, ' ');
        if words.next() != Some("task") {
            return Err(bad());
        }
        let (Some(task), Some(attempt), Some(input)) =
            (words.next(), words.next(), words.next())
        else {
            return Err(bad());
        };
        Ok(Self {
            task: task.parse().map_err(|_| bad())?,
            attempt: attempt.parse().map_err(|_| bad())?,
            input: Q::decode(input).map_err(|why| format!("{}: {why}", bad()))?,
        })
    }
}

impl<R: Message> Reply<R> {
    /// The reply as one line, without its newline.
    pub fn encode(&self) -> String {
        format!("done {} {}", self.task, self.output.encode())
    }

    /// Reads a reply line; anything else is an error naming it.
    pub fn decode(line: &str) -> Result<Self, String> {
        let bad = || format!("not a result: {line:?}");
        let rest = line.strip_prefix("done ").ok_or_else(bad)?;
        let (task, text) = rest.split_once(' ').ok_or_else(bad)?;
        Ok(Self {
            task: task.parse().map_err(|_| bad())?,
            output: R::decode(text).map_err(|why| format!("{}: {why}", bad()))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_survive_a_round_trip() {
        let request = Request {
            task: 14,
            attempt: 2,
            input: 14_u64,
        };
        assert_eq!(request.encode(), "task 14 2 14");
        assert_eq!(Request::decode(&request.encode()), Ok(request));
    }

    #[test]
    fn replies_survive_a_round_trip() {
        let reply = Reply {
            task: 5,
            output: "Square: 25".to_owned(),
        };
        assert_eq!(reply.encode(), "done 5 Square: 25");
        assert_eq!(Reply::decode(&reply.encode()), Ok(reply));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for garbage in [
            "",
            "task",
            "task 1 1",
            "task 1 1 x",
            "task 1 1 1 1",
            "task x 1 1",
            "job 1 1 1",
        ] {
            assert!(
                Request::<u64>::decode(garbage).is_err(),
                "{garbage:?} was accepted"
            );
        }
        for garbage in ["", "done", "done 5", "done x Square: 1", "Square: 25"] {
            assert!(
                Reply::<String>::decode(garbage).is_err(),
                "{garbage:?} was accepted"
            );
        }
    }

    #[test]
    fn a_line_with_a_newline_still_travels_on_one_line() {
        let text = "two\nlines".to_owned();
        assert_eq!(text.encode(), "two lines");
        assert_eq!(5_u64.describe(), "number 5");
        assert_eq!(5_u64.label(), "5");
    }
}
