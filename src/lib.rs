//! engram: a terminal browser for Markdown note vaults.
//!
//! Data flows one way: files → [`vault`] (notes, frontmatter) → [`markdown`] (links, headings, tags
//! with source ranges) → [`graph`] (resolved links, backlinks, tags). The domain modules hold no
//! terminal types, so the headless commands and the tests drive everything without a terminal.

pub mod cache;
pub mod cli;
pub mod commands;
pub mod gen;
pub mod graph;
pub mod markdown;
pub mod render;
pub mod theme;
pub mod vault;
