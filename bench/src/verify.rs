//! The exactly-once check: every connection must have received exactly the messages its member may see,
//! each once, and nothing else.

/// What the check found, summed over all connections.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    /// Expected deliveries that never arrived.
    pub lost: u64,
    /// Deliveries that arrived more than once (each extra copy counts).
    pub duplicated: u64,
    /// Deliveries to a member who should not have received them.
    pub misdelivered: u64,
}

impl Verdict {
    /// Whether delivery was exact.
    pub fn exact(&self) -> bool {
        *self == Self::default()
    }
}

/// Compares one connection's deliveries with what it should have received. `expected` is sorted and without
/// repeats (message numbers only grow); `received` is in arrival order.
pub fn check(expected: &[u64], mut received: Vec<u64>) -> Verdict {
    received.sort_unstable();
    let mut verdict = Verdict::default();
    let before = received.len();
    received.dedup();
    verdict.duplicated = (before - received.len()) as u64;
    let (mut e, mut r) = (0, 0);
    while e < expected.len() || r < received.len() {
        match (expected.get(e), received.get(r)) {
            (Some(want), Some(got)) if want == got => {
                e += 1;
                r += 1;
            }
            (Some(want), Some(got)) if want < got => {
                verdict.lost += 1;
                e += 1;
            }
            (Some(_), None) => {
                verdict.lost += 1;
                e += 1;
            }
            _ => {
                verdict.misdelivered += 1;
                r += 1;
            }
        }
    }
    verdict
}

/// Sums verdicts.
pub fn total(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
    verdicts.into_iter().fold(Verdict::default(), |sum, v| Verdict {
        lost: sum.lost + v.lost,
        duplicated: sum.duplicated + v.duplicated,
        misdelivered: sum.misdelivered + v.misdelivered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_mistake_is_counted() {
        assert!(check(&[1, 2, 3], vec![3, 1, 2]).exact());
        assert_eq!(check(&[1, 2, 3], vec![1, 3]).lost, 1);
        assert_eq!(check(&[1, 2], vec![1, 2, 2, 2]).duplicated, 2);
        assert_eq!(check(&[2], vec![1, 2, 5]).misdelivered, 2);
        let sum = total([check(&[1], vec![]), check(&[], vec![4])]);
        assert_eq!((sum.lost, sum.misdelivered), (1, 1));
    }
}
