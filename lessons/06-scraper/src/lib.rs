//! Lesson 06's parts, beside its `main.rs`: its options (lesson 09 takes
//! URLs and timeouts as it does), the BeautifulSoup-compatible count, the
//! embedded web site, a fetch that keeps its limits, and a parse that
//! bounds how deeply a page may nest.

pub mod args;
pub mod count;
pub mod fetch;
pub mod parse;
pub mod site;
