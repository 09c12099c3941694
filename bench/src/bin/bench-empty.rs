//! An empty Rust program, for the floor of "process spawn + wait": what
//! exec, the dynamic loader and Rust's runtime cost before a `main` that
//! does nothing. The lesson binary's figure beside it is the floor plus
//! the lesson's own start-up.

fn main() {}
