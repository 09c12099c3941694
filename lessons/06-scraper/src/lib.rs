//! Lesson 06's parts, beside its `main.rs`: the BeautifulSoup-compatible
//! count, the embedded web site, and a fetch that keeps its limits.

pub mod count;
pub mod fetch;
pub mod site;
