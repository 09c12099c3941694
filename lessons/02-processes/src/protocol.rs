//! The lines a child writes on its stdout for the parent: one message per
//! line, a word and then the text. The parent timestamps each message as it
//! arrives, so the child needs no clock of its own.

/// One message from a child to its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A task starts now.
    Start,
    /// The task running ends, and this is the line it prints.
    Done(String),
    /// A line to print that ends no task (the PIDs, the counter).
    Say(String),
}

impl Message {
    /// The message as one line, without its newline.
    pub fn encode(&self) -> String {
        match self {
            Message::Start => "start".to_owned(),
            Message::Done(line) => format!("done {line}"),
            Message::Say(line) => format!("say {line}"),
        }
    }

    /// Reads a line the child wrote; anything else is an error naming it.
    pub fn decode(line: &str) -> Result<Self, String> {
        match line.split_once(' ') {
            _ if line == "start" => Ok(Message::Start),
            Some(("done", text)) => Ok(Message::Done(text.to_owned())),
            Some(("say", text)) => Ok(Message::Say(text.to_owned())),
            _ => Err(format!("unexpected line from a child: {line:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_survive_a_round_trip() {
        for message in [
            Message::Start,
            Message::Done("Square: 16".to_owned()),
            Message::Say("cubes: pid 12, parent pid 10".to_owned()),
            Message::Say(String::new()),
        ] {
            assert_eq!(Message::decode(&message.encode()), Ok(message));
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for garbage in ["", "start now", "finished x", "done", "\u{0}"] {
            assert!(
                Message::decode(garbage).is_err(),
                "{garbage:?} was accepted"
            );
        }
    }
}
