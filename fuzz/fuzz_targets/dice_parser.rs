//! Any roll expression: parsed within its bounds or refused with `bad_arguments`, never a panic or an overflow;
//! a parsed roll renders to text that parses back to itself, and every die it throws stays on its faces.
#![no_main]

use libfuzzer_sys::fuzz_target;
use domain::dice::{parse, roll, DiceRng, MAX_DICE};

/// Faces from the fuzzer's own bytes, so it can steer toward edge values.
struct Faces(u64);

impl DiceRng for Faces {
    fn face(&mut self, sides: u32) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32 % sides + 1
    }
}

fuzz_target!(|input: &str| {
    let Ok(expr) = parse(input) else { return };
    assert_eq!(
        parse(&expr.render()),
        Ok(expr.clone()),
        "render of {input:?} reads back"
    );
    let result = roll(&expr, &mut Faces(input.len() as u64));
    let thrown: usize = result.terms.iter().map(|t| t.dice.len()).sum();
    assert!(thrown <= MAX_DICE as usize);
    for die in result.terms.iter().flat_map(|t| &t.dice) {
        assert!((1..=die.sides).contains(&die.value));
    }
});
