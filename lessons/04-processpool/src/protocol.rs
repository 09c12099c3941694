//! The pool's two messages, one line each over a worker's pipes: a task
//! goes down its stdin, its result comes back up its stdout. Text keeps the
//! protocol readable (`task 5 1 5`, `done 5 Square: 25`) and a bad line
//! easy to report.

/// Parent to worker: run task `task` (counted from 1) on `number`; this is
/// the task's `attempt`-th try (counted from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    pub task: usize,
    pub attempt: u32,
    pub number: u64,
}

/// Worker to parent: task `task` finished, and this is its result line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub task: usize,
    pub line: String,
}

impl Request {
    /// The request as one line, without its newline.
    pub fn encode(&self) -> String {
        format!("task {} {} {}", self.task, self.attempt, self.number)
    }

    /// Reads a request line; anything else is an error naming it.
    pub fn decode(line: &str) -> Result<Self, String> {
        let bad = || format!("not a task request: {line:?}");
        let mut words = line.split(' ');
        if words.next() != Some("task") {
            return Err(bad());
        }
        let mut number = || words.next().and_then(|word| word.parse::<u64>().ok());
        let (Some(task), Some(attempt), Some(value), None) =
            (number(), number(), number(), number())
        else {
            return Err(bad());
        };
        Ok(Self {
            task: usize::try_from(task).map_err(|_| bad())?,
            attempt: u32::try_from(attempt).map_err(|_| bad())?,
            number: value,
        })
    }
}

impl Reply {
    /// The reply as one line, without its newline.
    pub fn encode(&self) -> String {
        format!("done {} {}", self.task, self.line)
    }

    /// Reads a reply line; anything else is an error naming it.
    pub fn decode(line: &str) -> Result<Self, String> {
        let bad = || format!("not a result: {line:?}");
        let rest = line.strip_prefix("done ").ok_or_else(bad)?;
        let (task, text) = rest.split_once(' ').ok_or_else(bad)?;
        Ok(Self {
            task: task.parse().map_err(|_| bad())?,
            line: text.to_owned(),
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
            number: 14,
        };
        assert_eq!(request.encode(), "task 14 2 14");
        assert_eq!(Request::decode(&request.encode()), Ok(request));
    }

    #[test]
    fn replies_survive_a_round_trip() {
        let reply = Reply {
            task: 5,
            line: "Square: 25".to_owned(),
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
            "job 1 1 1",
        ] {
            assert!(
                Request::decode(garbage).is_err(),
                "{garbage:?} was accepted"
            );
        }
        for garbage in ["", "done", "done 5", "done x Square: 1", "Square: 25"] {
            assert!(Reply::decode(garbage).is_err(), "{garbage:?} was accepted");
        }
    }
}
