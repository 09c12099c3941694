//! End-to-end tests: every lesson binary run the way a learner runs it.

mod util;
