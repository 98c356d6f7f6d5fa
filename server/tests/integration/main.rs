//! The integration tests, linked as one binary: each module drives a real server (or its services) the way a
//! client would; `support` starts them. One binary links the server once instead of once per file.

mod support;

mod accounts_and_campaigns;
mod audience_property;
mod bad_database_url;
mod batch_idempotency;
mod chaos;
mod chat_socket;
mod checkpoint;
mod commands_socket;
mod copy_install;
mod database_lost;
mod event_stream;
mod exports;
mod game_journal;
mod history_paging;
mod http_surface;
mod lanes;
mod lookalike_names;
mod markup_socket;
mod message_changes;
mod message_changes_later;
mod message_layout_migration;
mod message_rules;
mod notices;
mod off_game_channels;
mod operations;
mod overload;
mod replies_and_pins;
mod roster_freshness;
mod sessions_and_limits;
mod several_instances;
mod shared_database;
mod slow_consumer;
mod socket_access;
mod tracing_spans;
mod typing;
mod wire_privacy;
