//! engram: a terminal browser for Markdown note vaults.
//!
//! Data flows one way: files → [`vault`] (notes, frontmatter) → [`markdown`] (links, headings, tags
//! with source ranges) → [`graph`] (resolved links, backlinks, tags) → [`fulltext`] (search),
//! [`tags`] (the tag tree) and [`loose`] (orphans, unresolved targets, diagnostics); [`live`] keeps
//! a loaded vault and its graph up to date with the folder. The domain modules hold no
//! terminal types, so the headless commands and the tests drive everything without a terminal.
//!
//! The browser builds on them: [`search`] (fuzzy matching of names), [`render`] (a note as styled
//! lines with link anchors), [`app`] (state, the key table and the one `update`) and [`ui`] (the
//! panes, drawn from the state by reference).

pub mod app;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod fulltext;
pub mod fxhash;
pub mod gen;
pub mod graph;
pub mod live;
pub mod loose;
pub mod markdown;
pub mod render;
pub mod search;
pub mod tags;
pub mod textpack;
pub mod theme;
pub mod ui;
pub mod vault;
