//! The names of the figures this server keeps, in one place so a dashboard and the code agree. The chat
//! names are seed 003's.

use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};

/// Open WebSocket sessions on this instance (gauge).
pub const WS_ACTIVE_SESSIONS: &str = "chat_ws_active_sessions";
/// Messages committed by this instance's writer, notices and companions included (counter).
pub const MESSAGES_INGESTED: &str = "chat_messages_ingested_total";
/// From a batch's commit to its message queued for every recipient on this instance (histogram, ms).
pub const FANOUT_LATENCY: &str = "chat_messages_fanout_latency_ms";
/// Sends refused before anything was done, by code (counter; `code` is `overloaded`).
pub const SENDS_REFUSED: &str = "chat_sends_refused_total";
/// Sends decided again because a table change (on any instance) committed between their decision and their
/// commit (counter).
pub const SENDS_REDECIDED: &str = "chat_sends_redecided_total";
/// Sends a batch left for the next because another instance's batch held their channel's sequence counter
/// (counter; Postgres, `chat::counters`): how much the instances' writers get in each other's way.
pub const SENDS_DEFERRED: &str = "chat_sends_deferred_total";
/// The writer's transaction for one batch, from its start to its commit (histogram, ms).
pub const COMMIT_LATENCY: &str = "db_commit_latency_ms";
/// Sends stored per batch (histogram, rows).
pub const BATCH_ROWS: &str = "db_batch_rows";

/// Events the relay handed to the broker and saw acknowledged (counter; `crate::events`).
pub const EVENTS_RELAYED: &str = "events_relayed_total";

/// Registers each figure's help text and unit with the recorder.
pub(super) fn describe() {
    describe_gauge!(
        WS_ACTIVE_SESSIONS,
        Unit::Count,
        "Open WebSocket sessions on this instance."
    );
    describe_counter!(MESSAGES_INGESTED, Unit::Count, "Messages committed by this instance.");
    describe_histogram!(
        FANOUT_LATENCY,
        Unit::Milliseconds,
        "From a batch's commit to its message queued for every recipient on this instance."
    );
    describe_counter!(
        SENDS_REDECIDED,
        Unit::Count,
        "Sends decided again because a table change committed between their decision and their commit."
    );
    describe_counter!(
        SENDS_REFUSED,
        Unit::Count,
        "Sends refused before anything was done, by code."
    );
    describe_counter!(
        SENDS_DEFERRED,
        Unit::Count,
        "Sends left for the next batch because another instance held their channel's counter."
    );
    describe_histogram!(
        COMMIT_LATENCY,
        Unit::Milliseconds,
        "The writer's transaction for one batch."
    );
    describe_histogram!(BATCH_ROWS, Unit::Count, "Sends stored per batch.");
    describe_counter!(
        EVENTS_RELAYED,
        Unit::Count,
        "Events the relay handed to the broker and saw acknowledged."
    );
}
