//! Pieces the pages are made of.

pub mod composer;
pub mod connection;
pub mod gm_tools;
pub mod icon;
pub mod nav;
pub mod problem;
pub mod sidebar;
pub mod timeline;
