//! End-to-end tests: every lesson binary run the way a learner runs it.

mod util;

mod bench;
mod compile_fail;
mod docs;
mod kit;
mod lesson_00;
mod lesson_01;
mod lesson_02;
mod lesson_03;
mod lesson_04;
mod lesson_05;
mod lesson_06;
mod lesson_07;
mod lesson_08;
mod lesson_09;
mod lesson_10;
mod lesson_11;
mod plain;
mod procs;
mod refusals;
mod stops;
