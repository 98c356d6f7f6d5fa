//! Throwing a parsed roll ([`super::dice::DiceExpr`]): every die, which of them count, and the total. The
//! face source is a parameter, so the server passes a real random source and tests a seeded one.

use super::dice::{DiceExpr, DiceGroup, Select, Sign, TermKind};
use serde::{Deserialize, Serialize};

/// The source of die faces. The server passes a real random source; tests pass a seeded one.
pub trait DiceRng {
    /// A face from 1 to `sides`, uniformly.
    fn face(&mut self, sides: u32) -> u32;
}

/// One die as thrown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Die {
    /// Its sides.
    pub sides: u32,
    /// The face it showed.
    pub value: u32,
    /// Whether it counts (keep/drop).
    pub kept: bool,
}

/// One term as rolled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermRoll {
    /// Adds or subtracts.
    pub sign: Sign,
    /// The term as written canonically (`4d6kh3`, `5`).
    pub notation: String,
    /// Every die thrown (empty for numbers), in the order thrown.
    pub dice: Vec<Die>,
    /// The term's unsigned value.
    pub value: i64,
}

/// A roll's full result: every die and the total, for the roll card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollResult {
    /// The expression without the label, canonical.
    pub notation: String,
    /// The label, if any.
    pub label: Option<String>,
    /// Each term.
    pub terms: Vec<TermRoll>,
    /// The signed sum.
    pub total: i64,
}

/// Throws the dice of `expr`.
pub fn roll(expr: &DiceExpr, rng: &mut dyn DiceRng) -> RollResult {
    let terms: Vec<TermRoll> = expr
        .terms
        .iter()
        .map(|term| {
            let (dice, value) = match term.kind {
                TermKind::Constant(n) => (Vec::new(), i64::from(n)),
                TermKind::Dice(group) => throw(group, rng),
            };
            TermRoll {
                sign: term.sign,
                notation: term.kind.render(),
                dice,
                value,
            }
        })
        .collect();
    let total = terms
        .iter()
        .map(|t| if t.sign == Sign::Minus { -t.value } else { t.value })
        .sum();
    RollResult {
        notation: expr.notation(),
        label: expr.label.clone(),
        terms,
        total,
    }
}

fn throw(group: DiceGroup, rng: &mut dyn DiceRng) -> (Vec<Die>, i64) {
    let mut dice: Vec<Die> = (0..group.count)
        .map(|_| Die {
            sides: group.sides,
            value: rng.face(group.sides).clamp(1, group.sides),
            kept: true,
        })
        .collect();
    if let Some(select) = group.select {
        let (highest_first, kept) = match select {
            Select::KeepHighest(n) => (true, n),
            Select::KeepLowest(n) => (false, n),
            Select::DropHighest(n) => (false, group.count - n),
            Select::DropLowest(n) => (true, group.count - n),
        };
        let mut order: Vec<usize> = (0..dice.len()).collect();
        order.sort_by_key(|&i| {
            if highest_first {
                -i64::from(dice[i].value)
            } else {
                i64::from(dice[i].value)
            }
        });
        for (rank, &index) in order.iter().enumerate() {
            dice[index].kept = (rank as u32) < kept;
        }
    }
    let value = dice.iter().filter(|d| d.kept).map(|d| i64::from(d.value)).sum();
    (dice, value)
}
