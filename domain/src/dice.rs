//! Dice: a d20-style grammar, parsed the same way in the composer (preview) and on the server (which alone rolls).
//!
//! Grammar (case-insensitive, spaces allowed around `+` and `-`):
//! ```text
//! roll     := term (("+" | "-") term)* [whitespace label]
//! term     := dice | number | "adv" | "advantage" | "dis" | "disadvantage"
//! dice     := [count] "d" (sides | "%") [select]
//! select   := ("kh" | "k" | "kl" | "dh" | "dl" | "d") number
//! ```
//! `adv` is `2d20kh1`, `dis` is `2d20kl1`, `d%` is `1d100`, `k` keeps highest and a bare `d` drops lowest. Text
//! after the expression, separated by a space, is the label ("1d20+5 Stealth"). Every bound below is enforced
//! with a typed `bad_arguments` error, so no input can make the server roll a million dice.

pub use super::dice_roll::{roll, DiceRng, Die, RollResult, TermRoll};
use super::error::{ErrorCode, Problem};
use serde::{Deserialize, Serialize};

/// Longest roll (label included) in its canonical form ([`DiceExpr::render`]), in characters. Measured on the
/// canonical form so that whatever parses also parses again after rendering (`d6` renders as `1d6`).
pub const MAX_EXPRESSION_CHARS: usize = 200;
/// Longest raw input read at all, in characters: a cheap guard before parsing.
const MAX_INPUT_CHARS: usize = 1000;
/// Most dice one roll may throw, over all its terms.
pub const MAX_DICE: u32 = 100;
/// Most sides of one die.
pub const MAX_SIDES: u32 = 1000;
/// Most terms (dice and numbers) in one roll.
pub const MAX_TERMS: usize = 20;
/// Largest number term.
pub const MAX_CONSTANT: u32 = 100_000;
/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 100;

/// Whether a term adds or subtracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    /// Adds.
    Plus,
    /// Subtracts.
    Minus,
}

/// Which dice of a group count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "n", rename_all = "snake_case")]
pub enum Select {
    /// Keep the n highest.
    KeepHighest(u32),
    /// Keep the n lowest.
    KeepLowest(u32),
    /// Drop the n highest.
    DropHighest(u32),
    /// Drop the n lowest.
    DropLowest(u32),
}

/// `NdM` with an optional keep/drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiceGroup {
    /// How many dice.
    pub count: u32,
    /// Sides of each.
    pub sides: u32,
    /// Which count toward the total.
    pub select: Option<Select>,
}

/// One term of a roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TermKind {
    /// Dice to throw.
    Dice(DiceGroup),
    /// A fixed number.
    Constant(u32),
}

/// A signed term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// Adds or subtracts.
    pub sign: Sign,
    /// What it is.
    pub kind: TermKind,
}

/// A parsed roll: terms and an optional label. [`DiceExpr::render`] gives its canonical text, which parses back
/// to the same value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiceExpr {
    /// At least one, at most [`MAX_TERMS`].
    pub terms: Vec<Term>,
    /// What the roll is for ("Stealth").
    pub label: Option<String>,
}

fn bad(message: impl Into<String>) -> Problem {
    Problem::new(
        ErrorCode::BadArguments,
        message,
        "Write dice like 1d20+5, 4d6kh3, 2d20kl1, adv+3 or d% and add a label after a space: 1d20+5 Stealth.",
    )
}

/// Reads a roll expression (with its optional label).
pub fn parse(input: &str) -> Result<DiceExpr, Problem> {
    let input = input.trim();
    if input.is_empty() {
        return Err(bad("Say what to roll."));
    }
    let too_long = || bad(format!("A roll may have at most {MAX_EXPRESSION_CHARS} characters."));
    if input.chars().count() > MAX_INPUT_CHARS {
        return Err(too_long());
    }
    let mut cursor = Cursor { text: input, at: 0 };
    let mut terms = Vec::new();
    let mut sign = match cursor.peek() {
        Some('-') => {
            cursor.at += 1;
            Sign::Minus
        }
        Some('+') => {
            cursor.at += 1;
            Sign::Plus
        }
        _ => Sign::Plus,
    };
    loop {
        cursor.skip_spaces();
        terms.push(Term {
            sign,
            kind: cursor.term()?,
        });
        if terms.len() > MAX_TERMS {
            return Err(bad(format!("A roll may have at most {MAX_TERMS} terms.")));
        }
        let before_spaces = cursor.at;
        cursor.skip_spaces();
        sign = match cursor.peek() {
            Some('+') => Sign::Plus,
            Some('-') => Sign::Minus,
            None => break,
            Some(other) if cursor.at == before_spaces => {
                return Err(bad(format!(
                    "Unexpected \"{other}\" in the roll; put a space before a label."
                )))
            }
            Some(_) => break,
        };
        cursor.at += 1;
    }
    let dice: u32 = terms
        .iter()
        .map(|t| match t.kind {
            TermKind::Dice(group) => group.count,
            TermKind::Constant(_) => 0,
        })
        .sum();
    if dice > MAX_DICE {
        return Err(bad(format!("A roll may throw at most {MAX_DICE} dice.")));
    }
    let label = cursor.rest().trim();
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(bad(format!(
            "A roll label may have at most {MAX_LABEL_CHARS} characters."
        )));
    }
    let expr = DiceExpr {
        terms,
        label: (!label.is_empty()).then(|| label.to_owned()),
    };
    if expr.render().chars().count() > MAX_EXPRESSION_CHARS {
        return Err(too_long());
    }
    Ok(expr)
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += self.peek().map_or(0, char::len_utf8);
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let rest = self.rest();
        let matches = rest.len() >= word.len()
            && rest.is_char_boundary(word.len())
            && rest[..word.len()].eq_ignore_ascii_case(word)
            && !rest[word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric());
        if matches {
            self.at += word.len();
        }
        matches
    }

    fn eat_char(&mut self, wanted: char) -> bool {
        let found = self.peek().is_some_and(|c| c.eq_ignore_ascii_case(&wanted));
        if found {
            self.at += 1;
        }
        found
    }

    /// A run of digits, or `None` when there is none. Numbers past `u32` are refused, not wrapped.
    fn number(&mut self) -> Result<Option<u32>, Problem> {
        let digits = self.rest().chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return Ok(None);
        }
        let raw = &self.text[self.at..self.at + digits];
        self.at += digits;
        raw.parse::<u32>()
            .map(Some)
            .map_err(|_| bad(format!("{raw} is too large for a roll.")))
    }

    fn term(&mut self) -> Result<TermKind, Problem> {
        for (word, select) in [
            ("advantage", Select::KeepHighest(1)),
            ("adv", Select::KeepHighest(1)),
            ("disadvantage", Select::KeepLowest(1)),
            ("dis", Select::KeepLowest(1)),
        ] {
            if self.eat_word(word) {
                return Ok(TermKind::Dice(DiceGroup {
                    count: 2,
                    sides: 20,
                    select: Some(select),
                }));
            }
        }
        let count = self.number()?;
        if !self.eat_char('d') {
            return match count {
                Some(n) if n > MAX_CONSTANT => Err(bad(format!("Numbers in a roll may be at most {MAX_CONSTANT}."))),
                Some(n) => Ok(TermKind::Constant(n)),
                None => Err(bad(match self.peek() {
                    Some(c) => format!("Expected dice or a number, found \"{c}\"."),
                    None => "Expected dice or a number after the sign.".to_owned(),
                })),
            };
        }
        let count = count.unwrap_or(1);
        let sides = if self.eat_char('%') {
            100
        } else {
            self.number()?
                .ok_or_else(|| bad("Say how many sides the dice have, as in 1d20."))?
        };
        if count == 0 || count > MAX_DICE {
            return Err(bad(format!("Roll between 1 and {MAX_DICE} dice.")));
        }
        if !(2..=MAX_SIDES).contains(&sides) {
            return Err(bad(format!("Dice have between 2 and {MAX_SIDES} sides.")));
        }
        let select = self.select(count)?;
        Ok(TermKind::Dice(DiceGroup { count, sides, select }))
    }

    fn select(&mut self, count: u32) -> Result<Option<Select>, Problem> {
        let start = self.at;
        let make: fn(u32) -> Select = if self.eat_char('k') {
            if self.eat_char('l') {
                Select::KeepLowest
            } else {
                self.eat_char('h');
                Select::KeepHighest
            }
        } else if self.eat_char('d') {
            if self.eat_char('h') {
                Select::DropHighest
            } else {
                self.eat_char('l');
                Select::DropLowest
            }
        } else {
            return Ok(None);
        };
        let n = self.number()?.ok_or_else(|| {
            self.at = start;
            bad("Say how many dice to keep or drop, as in 4d6kh3.")
        })?;
        let keeps = matches!(make(n), Select::KeepHighest(_) | Select::KeepLowest(_));
        let valid = if keeps { (1..=count).contains(&n) } else { n < count };
        if !valid {
            return Err(bad(format!(
                "Cannot {} {n} of {count} dice.",
                if keeps { "keep" } else { "drop" }
            )));
        }
        Ok(Some(make(n)))
    }
}

impl DiceExpr {
    /// The canonical text: explicit counts, `kh`/`kl`/`dh`/`dl`, single spaces only before the label.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (index, term) in self.terms.iter().enumerate() {
            match (index, term.sign) {
                (0, Sign::Plus) => {}
                (_, Sign::Plus) => out.push('+'),
                (_, Sign::Minus) => out.push('-'),
            }
            out.push_str(&term.kind.render());
        }
        if let Some(label) = &self.label {
            out.push(' ');
            out.push_str(label);
        }
        out
    }

    /// The expression without its label.
    pub fn notation(&self) -> String {
        DiceExpr {
            terms: self.terms.clone(),
            label: None,
        }
        .render()
    }
}

impl TermKind {
    /// `4d6kh3` or `5`.
    pub fn render(&self) -> String {
        match self {
            Self::Constant(n) => n.to_string(),
            Self::Dice(group) => {
                let select = match group.select {
                    None => String::new(),
                    Some(Select::KeepHighest(n)) => format!("kh{n}"),
                    Some(Select::KeepLowest(n)) => format!("kl{n}"),
                    Some(Select::DropHighest(n)) => format!("dh{n}"),
                    Some(Select::DropLowest(n)) => format!("dl{n}"),
                };
                format!("{}d{}{select}", group.count, group.sides)
            }
        }
    }
}

#[cfg(test)]
#[path = "dice_tests.rs"]
mod tests;
