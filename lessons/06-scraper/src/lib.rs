//! Lesson 06's parts, beside its `main.rs`: the BeautifulSoup-compatible
//! count, the embedded web site, a fetch that keeps its limits, and a parse
//! that bounds how deeply a page may nest.

pub mod count;
pub mod fetch;
pub mod parse;
pub mod site;
