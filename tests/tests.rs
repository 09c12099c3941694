//! End-to-end tests: every lesson binary run the way a learner runs it.

mod util;

mod docs;
mod kit;
mod lesson_00;
mod lesson_01;
mod lesson_02;
mod lesson_04;
mod lesson_06;
mod procs;
