//! Lesson 04's process pool, as a library: lesson 04's binary uses it for
//! the notebook's `ProcessPoolExecutor` cell, and lesson 08 uses it again to
//! count primes on worker processes, as lesson 01 uses lesson 00's functions.
//!
//! - [`pool::Pool`]: the parent's side, `submit`, `as_completed` and `map`;
//! - [`worker::serve`]: the worker's side, a loop over its stdin;
//! - [`protocol::Message`]: what a task's input and result must be, text on
//!   one line, so that they can travel over the pipes.

pub mod pool;
pub mod protocol;
pub mod worker;
