//! The thirteen tasks, as the lesson's options shape them: which one is
//! slow (`--slow-task`) and which one panics (`--panic-task`).

use std::time::Duration;

use crate::args::Args;
use crate::{NUMBERS, PAUSE};

/// How long the task chosen with `--slow-task` takes.
const SLOW_PAUSE: Duration = Duration::from_secs(3);

// ANCHOR: task
/// One task: its place in the input (from 1), its number, how long it
/// takes, and whether it panics (`--panic-task`).
#[derive(Debug, Clone, Copy)]
pub struct Task {
    pub index: usize,
    pub number: u64,
    pub pause: Duration,
    pub panics: bool,
}
// ANCHOR_END: task

/// The notebook's numbers as tasks, with the options' slow and panicking
/// task marked.
pub fn tasks(args: &Args) -> Vec<Task> {
    let chosen = |option: Option<u8>, index| option.map(usize::from) == Some(index);
    (1..)
        .zip(NUMBERS)
        .map(|(index, number)| {
            let slow = chosen(args.slow_task, index);
            Task {
                index,
                number,
                pause: if slow { SLOW_PAUSE } else { PAUSE },
                panics: chosen(args.panic_task, index),
            }
        })
        .collect()
}
