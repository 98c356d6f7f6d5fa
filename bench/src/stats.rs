//! What a run measured, shared by every connection task: latency histograms per phase (HDR, microseconds),
//! counters, and the send times that acks are timed against.

use crate::spread::Spread;
use hdrhistogram::Histogram;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;
use tokio::sync::watch;

/// Longest latency recorded exactly (one minute, in µs); longer ones are clamped.
const LATENCY_MAX_US: u64 = 60_000_000;
/// Errors kept verbatim for the report.
const ERRORS_KEPT: usize = 5;

/// One phase's measurements.
pub struct PhaseStats {
    /// Send -> deliver, per recipient.
    pub deliver: Mutex<Histogram<u64>>,
    /// Send -> ack, per send.
    pub ack: Mutex<Histogram<u64>>,
    /// Deliveries that arrived while this phase was sending.
    pub delivered_during: AtomicU64,
    /// Acks that arrived while this phase was sending, whichever phase sent them: the server's durable
    /// throughput in this phase. Acks arriving later, while a backlog drains, are not counted here.
    pub acked_during: AtomicU64,
    /// Refusals (pushback) that arrived while this phase was sending.
    pub refused_during: AtomicU64,
    /// Ack latency of the attempt the server accepted (from its last send, not the first): with pushback, the
    /// wait of a send the server took.
    pub accepted: Mutex<Histogram<u64>>,
}

/// Counters and histograms of a run.
pub struct Shared {
    start: Instant,
    /// Tells every connection to finish.
    pub stop: watch::Sender<bool>,
    /// The phase sending now (the number of phases once sending is over).
    pub current_phase: AtomicUsize,
    /// Per phase.
    pub phases: Vec<PhaseStats>,
    send_us: Box<[AtomicU64]>,
    send_phase: Box<[AtomicUsize]>,
    /// Every delivery.
    pub delivered_total: AtomicU64,
    /// Every ack.
    pub acked_total: AtomicU64,
    /// Every `chat.error` (or Socket.IO error packet) but pushback.
    pub errors: AtomicU64,
    /// Sends the server pushed back on (`overloaded`, `rate_limited`) and that were sent again, counted per
    /// refusal: the same send refused twice counts twice.
    pub refused: AtomicU64,
    /// The first few error frames.
    pub first_errors: Mutex<Vec<String>>,
    /// Connections the server closed, and how many of those as slow consumers (close code 4008).
    pub closed_by_server: AtomicU64,
    /// Of those, for being slow consumers.
    pub slow_consumer_closes: AtomicU64,
    /// Connections that failed without a close frame.
    pub disconnects: AtomicU64,
    /// `chat.typing` frames heard (with `--typing`), to show the server passed them on.
    pub typing_heard: AtomicU64,
    /// History request -> page.
    pub history: Mutex<Histogram<u64>>,
    /// The instances connections spread over, and delivery latency within and between them.
    pub spread: Spread,
}

/// An empty latency histogram (µs, up to a minute, three significant digits).
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, LATENCY_MAX_US, 3).expect("valid histogram bounds")
}

impl Shared {
    /// Room for `phases` phases and message numbers up to `max_number`, over `instances` server instances.
    pub fn new(phases: usize, max_number: usize, instances: usize) -> Self {
        Self {
            start: Instant::now(),
            stop: watch::channel(false).0,
            current_phase: AtomicUsize::new(0),
            phases: (0..phases)
                .map(|_| PhaseStats {
                    deliver: Mutex::new(histogram()),
                    ack: Mutex::new(histogram()),
                    delivered_during: AtomicU64::new(0),
                    acked_during: AtomicU64::new(0),
                    refused_during: AtomicU64::new(0),
                    accepted: Mutex::new(histogram()),
                })
                .collect(),
            send_us: (0..=max_number).map(|_| AtomicU64::new(0)).collect(),
            send_phase: (0..=max_number).map(|_| AtomicUsize::new(0)).collect(),
            delivered_total: AtomicU64::new(0),
            acked_total: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            first_errors: Mutex::new(Vec::new()),
            closed_by_server: AtomicU64::new(0),
            slow_consumer_closes: AtomicU64::new(0),
            disconnects: AtomicU64::new(0),
            typing_heard: AtomicU64::new(0),
            history: Mutex::new(histogram()),
            spread: Spread::new(instances, max_number),
        }
    }

    /// Microseconds since the run began: the clock of every timestamp in a body.
    pub fn now_us(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }

    /// Notes when message `number` was meant to be sent, for its ack, and through which instance.
    pub fn sending(&self, number: u64, sent_us: u64, phase: usize, instance: usize) {
        self.spread.sending(number, instance);
        if let (Some(at), Some(p)) = (self.send_us.get(number as usize), self.send_phase.get(number as usize)) {
            at.store(sent_us, Ordering::Relaxed);
            p.store(phase, Ordering::Relaxed);
        }
    }

    /// A delivery on `instance` of message `number`, sent at `sent_us` in `phase`.
    pub fn delivered(&self, number: u64, sent_us: u64, phase: usize, instance: usize) {
        let latency = self.now_us().saturating_sub(sent_us).clamp(1, LATENCY_MAX_US);
        self.spread.delivered(number, instance, latency);
        if let Some(stats) = self.phases.get(phase) {
            let _ = stats.deliver.lock().unwrap_or_else(|e| e.into_inner()).record(latency);
        }
        let now = self.current_phase.load(Ordering::Relaxed);
        if let Some(stats) = self.phases.get(now) {
            stats.delivered_during.fetch_add(1, Ordering::Relaxed);
        }
        self.delivered_total.fetch_add(1, Ordering::Relaxed);
    }

    /// A delivery on `instance` of message `number`, timed from when it was handed to its connection.
    pub fn delivered_as_sent(&self, number: u64, instance: usize) {
        let index = number as usize;
        if let (Some(at), Some(phase)) = (self.send_us.get(index), self.send_phase.get(index)) {
            self.delivered(
                number,
                at.load(Ordering::Relaxed),
                phase.load(Ordering::Relaxed),
                instance,
            );
        }
    }

    /// The ack of message `number`.
    pub fn acked(&self, number: u64) {
        self.acked_total.fetch_add(1, Ordering::Relaxed);
        if let Some(stats) = self.phases.get(self.current_phase.load(Ordering::Relaxed)) {
            stats.acked_during.fetch_add(1, Ordering::Relaxed);
        }
        let index = number as usize;
        let (Some(at), Some(phase)) = (self.send_us.get(index), self.send_phase.get(index)) else {
            return;
        };
        let latency = self
            .now_us()
            .saturating_sub(at.load(Ordering::Relaxed))
            .clamp(1, LATENCY_MAX_US);
        if let Some(stats) = self.phases.get(phase.load(Ordering::Relaxed)) {
            let _ = stats.ack.lock().unwrap_or_else(|e| e.into_inner()).record(latency);
        }
    }

    /// A refusal.
    pub fn error(&self, frame: &str) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let mut kept = self.first_errors.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() < ERRORS_KEPT {
            kept.push(frame.chars().take(300).collect());
        }
    }

    /// The server pushed back on a send; it goes again after the wait.
    pub fn refused(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
        if let Some(stats) = self.phases.get(self.current_phase.load(Ordering::Relaxed)) {
            stats.refused_during.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The server acked the attempt it accepted `latency` after that attempt was sent.
    pub fn accepted_after(&self, latency: std::time::Duration) {
        let us = (latency.as_micros() as u64).clamp(1, LATENCY_MAX_US);
        if let Some(stats) = self.phases.get(self.current_phase.load(Ordering::Relaxed)) {
            let _ = stats.accepted.lock().unwrap_or_else(|e| e.into_inner()).record(us);
        }
    }

    /// The server closed a connection with `code`.
    pub fn closed_by_server(&self, code: Option<u16>) {
        self.closed_by_server.fetch_add(1, Ordering::Relaxed);
        if code == Some(4008) {
            self.slow_consumer_closes.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A connection broke.
    pub fn disconnected(&self) {
        self.disconnects.fetch_add(1, Ordering::Relaxed);
    }

    /// A history page asked for at `asked_us` arrived.
    pub fn history_answered(&self, asked_us: u64) {
        let latency = self.now_us().saturating_sub(asked_us).clamp(1, LATENCY_MAX_US);
        let _ = self.history.lock().unwrap_or_else(|e| e.into_inner()).record(latency);
    }
}

/// p50, p99, p99.9 and max of a histogram, in milliseconds.
pub fn percentiles_ms(histogram: &Histogram<u64>) -> [f64; 4] {
    let ms = |us: u64| us as f64 / 1000.0;
    [
        ms(histogram.value_at_quantile(0.5)),
        ms(histogram.value_at_quantile(0.99)),
        ms(histogram.value_at_quantile(0.999)),
        ms(histogram.max()),
    ]
}

/// The resident and peak memory of process `pid`, in KiB, from `/proc`.
pub fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|value| value.parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A phase's ack rate counts what the server acked while that phase was sending, not acks of its sends
    /// that arrive later, and nothing that arrives while the run drains.
    #[test]
    fn acks_count_toward_the_phase_in_which_they_arrive() {
        let shared = Shared::new(2, 10, 1);
        shared.sending(1, shared.now_us(), 0, 0);
        shared.sending(2, shared.now_us(), 0, 0);
        shared.acked(1);
        shared.current_phase.store(1, Ordering::Relaxed);
        shared.sending(3, shared.now_us(), 1, 0);
        shared.acked(2);
        shared.current_phase.store(2, Ordering::Relaxed);
        shared.acked(3);
        shared.delivered(3, shared.now_us(), 1, 0);

        let during = |phase: usize| shared.phases[phase].acked_during.load(Ordering::Relaxed);
        assert_eq!((during(0), during(1)), (1, 1));
        assert_eq!(shared.phases[1].delivered_during.load(Ordering::Relaxed), 0);
        assert_eq!(shared.acked_total.load(Ordering::Relaxed), 3);
        // Latency still belongs to the phase that sent.
        let timed = |phase: usize| shared.phases[phase].ack.lock().unwrap().len();
        assert_eq!((timed(0), timed(1)), (2, 1));
    }
}
