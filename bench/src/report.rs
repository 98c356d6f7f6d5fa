//! The run's report: a readable summary on stdout and the same figures as JSON for scripts.

use crate::stats::{percentiles_ms, Shared};
use crate::verify::Verdict;
use crate::Options;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;

/// Everything the report needs besides the shared counters.
pub struct Summary<'a> {
    pub options: &'a Options,
    pub connections: usize,
    pub rooms: usize,
    pub connect_seconds: f64,
    pub send_seconds: &'a [f64],
    pub sent: u64,
    pub expected_deliveries: u64,
    pub verdict: Verdict,
    /// Server memory (RSS, peak) in KiB before connecting, once connected, and at the end.
    pub memory_before: Option<(u64, u64)>,
    pub memory_connected: Option<(u64, u64)>,
    pub memory_after: Option<(u64, u64)>,
}

impl Summary<'_> {
    /// Server memory added per connection while connecting, in KiB.
    fn kib_per_connection(&self) -> Option<f64> {
        let (before, _) = self.memory_before?;
        let (connected, _) = self.memory_connected?;
        Some(connected.saturating_sub(before) as f64 / self.connections.max(1) as f64)
    }
}

/// Prints the report.
pub fn print(summary: &Summary, shared: &Shared) {
    let o = summary.options;
    println!(
        "target {:?}: {} connections in {} rooms, joined in {:.1} s",
        o.target, summary.connections, summary.rooms, summary.connect_seconds
    );
    if let (Some((before, _)), Some((connected, _)), Some((after, peak))) =
        (summary.memory_before, summary.memory_connected, summary.memory_after)
    {
        println!(
            "server memory: {:.1} MiB idle, {:.1} MiB connected ({:.1} KiB per connection), {:.1} MiB at the end, peak {:.1} MiB",
            before as f64 / 1024.0,
            connected as f64 / 1024.0,
            summary.kib_per_connection().unwrap_or(0.0),
            after as f64 / 1024.0,
            peak as f64 / 1024.0
        );
    }
    for (phase, stats) in shared.phases.iter().enumerate() {
        let seconds = summary.send_seconds.get(phase).copied().unwrap_or(o.seconds);
        let deliver = stats.deliver.lock().unwrap_or_else(|e| e.into_inner());
        let ack = stats.ack.lock().unwrap_or_else(|e| e.into_inner());
        let [d50, d99, d999, dmax] = percentiles_ms(&deliver);
        let [a50, a99, a999, amax] = percentiles_ms(&ack);
        let accepted = stats.accepted.lock().unwrap_or_else(|e| e.into_inner());
        let [_, t99, _, _] = percentiles_ms(&accepted);
        println!(
            "phase {} at {} sends/s: {:.0} deliveries/s, {:.0} acks/s, {:.0} refused/s; deliver p50 {d50:.2} ms, p99 {d99:.2} ms, p99.9 {d999:.2} ms, max {dmax:.2} ms; ack p50 {a50:.2} ms, p99 {a99:.2} ms, p99.9 {a999:.2} ms, max {amax:.2} ms; accepted attempt p99 {t99:.2} ms",
            phase + 1,
            o.rates[phase],
            stats.delivered_during.load(Ordering::Relaxed) as f64 / seconds,
            stats.acked_during.load(Ordering::Relaxed) as f64 / seconds,
            stats.refused_during.load(Ordering::Relaxed) as f64 / seconds,
        );
    }
    let history = shared.history.lock().unwrap_or_else(|e| e.into_inner());
    if !history.is_empty() {
        let [h50, h99, h999, hmax] = percentiles_ms(&history);
        println!(
            "history page of 50: {} requests, p50 {h50:.2} ms, p99 {h99:.2} ms, p99.9 {h999:.2} ms, max {hmax:.2} ms",
            history.len()
        );
    }
    if shared.spread.instances() > 1 {
        for (name, split) in [
            ("between instances", &shared.spread.cross),
            ("within an instance", &shared.spread.local),
        ] {
            let split = split.lock().unwrap_or_else(|e| e.into_inner());
            let [p50, p99, p999, max] = percentiles_ms(&split);
            println!(
                "deliveries {name} ({} instances): {}, p50 {p50:.2} ms, p99 {p99:.2} ms, p99.9 {p999:.2} ms, max {max:.2} ms",
                shared.spread.instances(),
                split.len()
            );
        }
    }
    let heard = shared.typing_heard.load(Ordering::Relaxed);
    if heard > 0 {
        println!("typing frames heard: {heard}");
    }
    let v = summary.verdict;
    println!(
        "sent {}, acked {}, delivered {} of {} expected; lost {}, duplicated {}, misdelivered {}; refused and resent {}, errors {}, closed by server {} (slow consumer {}), broken {}",
        summary.sent,
        shared.acked_total.load(Ordering::Relaxed),
        shared.delivered_total.load(Ordering::Relaxed),
        summary.expected_deliveries,
        v.lost,
        v.duplicated,
        v.misdelivered,
        shared.refused.load(Ordering::Relaxed),
        shared.errors.load(Ordering::Relaxed),
        shared.closed_by_server.load(Ordering::Relaxed),
        shared.slow_consumer_closes.load(Ordering::Relaxed),
        shared.disconnects.load(Ordering::Relaxed),
    );
    for error in shared.first_errors.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        println!("  error: {error}");
    }
}

/// The report as JSON.
pub fn json(summary: &Summary, shared: &Shared) -> Value {
    let o = summary.options;
    let phases: Vec<Value> = shared
        .phases
        .iter()
        .enumerate()
        .map(|(phase, stats)| {
            let seconds = summary.send_seconds.get(phase).copied().unwrap_or(o.seconds);
            let deliver = stats.deliver.lock().unwrap_or_else(|e| e.into_inner());
            let ack = stats.ack.lock().unwrap_or_else(|e| e.into_inner());
            json!({
                "rate": o.rates[phase],
                "deliveries_per_s": stats.delivered_during.load(Ordering::Relaxed) as f64 / seconds,
                "acks_per_s": stats.acked_during.load(Ordering::Relaxed) as f64 / seconds,
                "refused_per_s": stats.refused_during.load(Ordering::Relaxed) as f64 / seconds,
                "deliver_ms": percentiles_ms(&deliver),
                "ack_ms": percentiles_ms(&ack),
                "accepted_attempt_ms": percentiles_ms(&stats.accepted.lock().unwrap_or_else(|e| e.into_inner())),
            })
        })
        .collect();
    let history = shared.history.lock().unwrap_or_else(|e| e.into_inner());
    let split = |h: &std::sync::Mutex<hdrhistogram::Histogram<u64>>| {
        let h = h.lock().unwrap_or_else(|e| e.into_inner());
        (!h.is_empty()).then(|| json!({ "deliveries": h.len(), "ms": percentiles_ms(&h) }))
    };
    json!({
        "instances": shared.spread.instances(),
        "between_instances": split(&shared.spread.cross),
        "within_an_instance": split(&shared.spread.local),
        "target": format!("{:?}", o.target).to_lowercase(),
        "connections": summary.connections,
        "rooms": summary.rooms,
        "connect_seconds": summary.connect_seconds,
        "phases": phases,
        "history_ms": (!history.is_empty()).then(|| percentiles_ms(&history)),
        "sent": summary.sent,
        "acked": shared.acked_total.load(Ordering::Relaxed),
        "delivered": shared.delivered_total.load(Ordering::Relaxed),
        "expected": summary.expected_deliveries,
        "verdict": summary.verdict,
        "errors": shared.errors.load(Ordering::Relaxed),
        "refused": shared.refused.load(Ordering::Relaxed),
        "slow_consumer_closes": shared.slow_consumer_closes.load(Ordering::Relaxed),
        "memory_kib": { "before": summary.memory_before, "connected": summary.memory_connected, "after": summary.memory_after },
        "kib_per_connection": summary.kib_per_connection(),
    })
}
