//! Operations: what a scraper, a load balancer and an operator ask of a running instance. `/healthz` says the
//! process answers; `/readyz` says it can do its work (its database answers), so a balancer sends it
//! players; `/metrics` is the Prometheus text format, with seed 003's names for the chat figures.
//!
//! The figures are kept by the `metrics` facade and rendered by `metrics-exporter-prometheus` (the facade's
//! own exporter, maintained with it: lock-free counters and histograms, and no text formatting of ours), and
//! `metrics-process` adds the usual process figures (CPU seconds, resident memory, open descriptors).
//! [`logs`] sets up where log lines and spans go.

pub mod logs;
pub mod names;

use crate::error::ProblemResponse;
use app::domain::Problem;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// Bucket bounds of every latency histogram, in milliseconds: from a fast fan-out to a send that waited.
const LATENCY_BUCKETS_MS: &[f64] = &[
    0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 250.0, 500.0, 1_000.0, 2_500.0, 5_000.0,
];

/// Bucket bounds of the writer's batch sizes, in rows (its largest batch is 1,024).
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1_024.0];

/// How long `/readyz` waits for the database before it says the instance is not ready.
const READY_WITHIN: Duration = Duration::from_secs(2);

/// How often histograms are folded into their totals even when no one scrapes, so they stay small.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The process's recorder, installed at most once (the `metrics` facade has one global recorder); `None` when
/// another recorder was installed first.
static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process figures, read at each scrape.
static PROCESS: OnceLock<metrics_process::Collector> = OnceLock::new();

/// Installs the recorder (once per process; later calls return the same handle) and starts its upkeep on the
/// current runtime. Every instance of the server in a process (tests start many) shares it.
pub fn install() -> Option<&'static PrometheusHandle> {
    let mut installed_now = false;
    let handle = RECORDER
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_ms".to_owned()), LATENCY_BUCKETS_MS)
                .and_then(|builder| builder.set_buckets_for_metric(Matcher::Suffix("_rows".to_owned()), BATCH_BUCKETS))
                .and_then(|builder| builder.install_recorder());
            match handle {
                Ok(handle) => {
                    installed_now = true;
                    Some(handle)
                }
                Err(error) => {
                    tracing::warn!(%error, "metrics are not recorded");
                    None
                }
            }
        })
        .as_ref();
    if installed_now {
        names::describe();
        PROCESS.get_or_init(metrics_process::Collector::default).describe();
        if let (Some(handle), Ok(runtime)) = (handle, tokio::runtime::Handle::try_current()) {
            runtime.spawn(async move {
                let mut tick = tokio::time::interval(UPKEEP_EVERY);
                loop {
                    tick.tick().await;
                    handle.run_upkeep();
                }
            });
        }
    }
    handle
}

/// Counts an open WebSocket session in [`names::WS_ACTIVE_SESSIONS`] for as long as it lives.
pub struct OpenSession(());

impl OpenSession {
    /// A session opened now.
    pub fn open() -> Self {
        metrics::gauge!(names::WS_ACTIVE_SESSIONS).increment(1.0);
        Self(())
    }
}

impl Drop for OpenSession {
    fn drop(&mut self) {
        metrics::gauge!(names::WS_ACTIVE_SESSIONS).decrement(1.0);
    }
}

/// `GET /metrics`: every figure of this process in Prometheus' text format.
pub async fn metrics() -> Response {
    let Some(handle) = install() else {
        return ProblemResponse(Problem::unavailable("its metrics recorder")).into_response();
    };
    if let Some(process) = PROCESS.get() {
        process.collect();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle.render(),
    )
        .into_response()
}

/// `GET /readyz`: `ready` when the database answers within [`READY_WITHIN`] and the bus to the other instances
/// (when there is one) is open, else `unavailable` (503), so a balancer stops sending players to an instance that
/// could not store what they say or could not tell the others.
pub async fn ready(State(state): State<crate::state::AppState>) -> Response {
    if !state.chat.bus_reachable() {
        tracing::warn!("not ready: the bus to the other instances is lost");
        return ProblemResponse(Problem::unavailable("the message bus between instances")).into_response();
    }
    let pool = state.pool;
    let answered = tokio::time::timeout(READY_WITHIN, sqlx::query("SELECT 1").execute(&pool)).await;
    match answered {
        Ok(Ok(_)) => "ready".into_response(),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready: the database refused");
            ProblemResponse(Problem::unavailable("its database")).into_response()
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            ProblemResponse(Problem::unavailable("its database")).into_response()
        }
    }
}
