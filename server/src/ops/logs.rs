//! Where log lines and spans go: standard error, as readable text or as JSON for a collector. `RUST_LOG`
//! chooses what is written (`info,sqlx=warn` unless set); the spans of each send, commit and fan-out are at
//! `debug` (`RUST_LOG=info,server=debug`), so a busy server pays for them only when asked.

use crate::cli::LogFormat;
use tracing_subscriber::EnvFilter;

/// Installs the process's log subscriber; called once at start-up.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let lines = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => lines.init(),
        LogFormat::Json => lines.json().with_current_span(true).with_span_list(false).init(),
    }
}
