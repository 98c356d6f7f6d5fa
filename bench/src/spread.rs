//! Several instances under one load: which instance each connection talks to, and delivery latency split by
//! whether the message crossed from its sender's instance to another (through the bus) or stayed on it. The
//! split is what issue 15's goal compares: cross-instance p99 against one instance's p99.

use crate::stats::histogram;
use hdrhistogram::Histogram;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

/// The instances of a run and the latency of deliveries between and within them.
pub struct Spread {
    instances: usize,
    sender_instance: Box<[AtomicU8]>,
    /// Send -> deliver where the recipient's instance is not the sender's.
    pub cross: Mutex<Histogram<u64>>,
    /// Send -> deliver where both sit on the same instance.
    pub local: Mutex<Histogram<u64>>,
}

impl Spread {
    /// Room for message numbers up to `max_number` over `instances` instances (1: nothing is split).
    pub fn new(instances: usize, max_number: usize) -> Self {
        let slots = if instances > 1 { max_number + 1 } else { 0 };
        Self {
            instances: instances.max(1),
            sender_instance: (0..slots).map(|_| AtomicU8::new(0)).collect(),
            cross: Mutex::new(histogram()),
            local: Mutex::new(histogram()),
        }
    }

    /// The instance a room's member connects to: members of one room go to different instances in turn, so
    /// most of a room's deliveries cross between instances.
    pub fn instance_of(&self, room: usize, member: usize) -> usize {
        (room + member) % self.instances
    }

    /// How many instances the run spreads over.
    pub fn instances(&self) -> usize {
        self.instances
    }

    /// Notes that message `number` is sent through `instance`.
    pub fn sending(&self, number: u64, instance: usize) {
        if let Some(slot) = self.sender_instance.get(number as usize) {
            slot.store(instance as u8, Ordering::Relaxed);
        }
    }

    /// A delivery of message `number` on `instance`, `latency_us` after its send.
    pub fn delivered(&self, number: u64, instance: usize, latency_us: u64) {
        let Some(sender) = self.sender_instance.get(number as usize) else {
            return;
        };
        let split = if usize::from(sender.load(Ordering::Relaxed)) == instance {
            &self.local
        } else {
            &self.cross
        };
        let _ = split.lock().unwrap_or_else(|e| e.into_inner()).record(latency_us);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A delivery on the sender's instance is local, any other crosses; with one instance nothing is split.
    #[test]
    fn deliveries_split_by_the_senders_instance() {
        let spread = Spread::new(3, 10);
        assert_eq!(
            (
                spread.instance_of(0, 0),
                spread.instance_of(0, 1),
                spread.instance_of(1, 2)
            ),
            (0, 1, 0)
        );
        spread.sending(4, 2);
        spread.delivered(4, 2, 100);
        spread.delivered(4, 0, 900);
        spread.delivered(4, 1, 800);
        assert_eq!(
            (spread.local.lock().unwrap().len(), spread.cross.lock().unwrap().len()),
            (1, 2)
        );

        let alone = Spread::new(1, 10);
        alone.sending(4, 0);
        alone.delivered(4, 0, 100);
        assert_eq!(alone.local.lock().unwrap().len() + alone.cross.lock().unwrap().len(), 0);
    }
}
