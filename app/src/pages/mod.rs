//! One file per route.

pub mod campaign;
pub mod campaigns;
pub mod home;
pub mod invite;
pub mod login;
pub mod not_found;
pub mod register;
