//! Pieces the pages are made of.

pub mod actions;
pub mod autocomplete;
pub mod channels;
pub mod composer;
pub mod connection;
pub mod gm_tools;
pub mod icon;
pub mod labels;
pub mod markup_view;
pub mod message_actions;
pub mod message_row;
pub mod nav;
pub mod problem;
pub mod reactions;
pub mod replies;
pub mod sidebar;
pub mod speak_as;
pub mod timeline;
pub mod times;
pub mod typing;
