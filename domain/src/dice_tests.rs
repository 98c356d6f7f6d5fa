use super::*;

/// A seeded generator (SplitMix64), so every roll in these tests is repeatable.
struct Seeded(u64);

impl DiceRng for Seeded {
    fn face(&mut self, sides: u32) -> u32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % u64::from(sides)) as u32 + 1
    }
}

/// Faces given in advance, for exact keep/drop checks.
struct Scripted(Vec<u32>);

impl DiceRng for Scripted {
    fn face(&mut self, _sides: u32) -> u32 {
        self.0.remove(0)
    }
}

fn dice(count: u32, sides: u32, select: Option<Select>) -> TermKind {
    TermKind::Dice(DiceGroup { count, sides, select })
}

fn plus(kind: TermKind) -> Term {
    Term { sign: Sign::Plus, kind }
}

#[test]
fn reads_the_documented_forms() {
    let cases: &[(&str, Vec<Term>, Option<&str>)] = &[
        ("1d20", vec![plus(dice(1, 20, None))], None),
        ("d20", vec![plus(dice(1, 20, None))], None),
        ("D6", vec![plus(dice(1, 6, None))], None),
        ("d%", vec![plus(dice(1, 100, None))], None),
        ("4d6kh3", vec![plus(dice(4, 6, Some(Select::KeepHighest(3))))], None),
        ("4d6k3", vec![plus(dice(4, 6, Some(Select::KeepHighest(3))))], None),
        ("2d20kl1", vec![plus(dice(2, 20, Some(Select::KeepLowest(1))))], None),
        ("4d6dl1", vec![plus(dice(4, 6, Some(Select::DropLowest(1))))], None),
        ("4d6d1", vec![plus(dice(4, 6, Some(Select::DropLowest(1))))], None),
        ("3d8dh1", vec![plus(dice(3, 8, Some(Select::DropHighest(1))))], None),
        ("adv", vec![plus(dice(2, 20, Some(Select::KeepHighest(1))))], None),
        (
            "Disadvantage",
            vec![plus(dice(2, 20, Some(Select::KeepLowest(1))))],
            None,
        ),
        (
            "1d20 + 5 - 1d4 Stealth check",
            vec![
                plus(dice(1, 20, None)),
                plus(TermKind::Constant(5)),
                Term {
                    sign: Sign::Minus,
                    kind: dice(1, 4, None),
                },
            ],
            Some("Stealth check"),
        ),
        (
            "-2+adv",
            vec![
                Term {
                    sign: Sign::Minus,
                    kind: TermKind::Constant(2),
                },
                plus(dice(2, 20, Some(Select::KeepHighest(1)))),
            ],
            None,
        ),
        ("1d20 dagger", vec![plus(dice(1, 20, None))], Some("dagger")),
    ];
    for (input, terms, label) in cases {
        let parsed = parse(input).unwrap_or_else(|p| panic!("{input}: {p}"));
        assert_eq!(&parsed.terms, terms, "{input}");
        assert_eq!(parsed.label.as_deref(), *label, "{input}");
    }
}

#[test]
fn refuses_out_of_bounds_and_garbled_rolls_with_bad_arguments() {
    let too_long = format!("1d20 {}", "x".repeat(MAX_EXPRESSION_CHARS));
    let many_terms = vec!["1"; MAX_TERMS + 1].join("+");
    for input in [
        "",
        "   ",
        "0d6",
        "101d6",
        "60d6+60d6",
        "1d1",
        "1d1001",
        "d",
        "1d",
        "4d6kh5",
        "4d6kh0",
        "4d6dl4",
        "4d6kh",
        "1d20+",
        "1d20x",
        "+",
        "abc",
        "100001",
        "99999999999d6",
        "1d99999999999",
        too_long.as_str(),
        many_terms.as_str(),
    ] {
        let problem = parse(input).expect_err(input);
        assert_eq!(problem.code, ErrorCode::BadArguments, "{input}");
        assert!(problem.hint.contains("1d20+5"), "{input}: the hint shows the grammar");
    }
    let grows = vec!["d6"; 60].join("+");
    assert!(grows.len() < MAX_EXPRESSION_CHARS, "short as typed");
    assert_eq!(
        parse(&grows).unwrap_err().code,
        ErrorCode::BadArguments,
        "too long once rendered"
    );
    let long_label = format!("1d20 {}", "y".repeat(MAX_LABEL_CHARS + 1));
    assert_eq!(parse(&long_label).unwrap_err().code, ErrorCode::BadArguments);
}

#[test]
fn renders_canonically_and_reads_back() {
    for (input, canonical) in [
        ("d20 + 5", "1d20+5"),
        ("4d6k3", "4d6kh3"),
        ("adv-1 to hit", "2d20kh1-1 to hit"),
        ("d%", "1d100"),
    ] {
        let parsed = parse(input).unwrap();
        assert_eq!(parsed.render(), canonical);
        assert_eq!(parse(&parsed.render()).unwrap(), parsed);
    }
}

#[test]
fn keep_and_drop_choose_the_right_dice() {
    let expr = parse("4d6kh3").unwrap();
    let result = roll(&expr, &mut Scripted(vec![2, 6, 1, 4]));
    let kept: Vec<bool> = result.terms[0].dice.iter().map(|d| d.kept).collect();
    assert_eq!(kept, [true, true, false, true]);
    assert_eq!(result.total, 12);

    let result = roll(&parse("2d20kl1+3").unwrap(), &mut Scripted(vec![15, 7]));
    assert_eq!(result.total, 10);
    let result = roll(&parse("3d8dh1").unwrap(), &mut Scripted(vec![8, 3, 5]));
    assert_eq!(result.total, 8);
    let result = roll(&parse("4d6dl1-1d4").unwrap(), &mut Scripted(vec![3, 3, 3, 6, 2]));
    assert_eq!(result.total, 12 - 2, "ties drop exactly one die");
    assert_eq!(result.terms[0].dice.iter().filter(|d| !d.kept).count(), 1);
    assert_eq!(result.notation, "4d6dl1-1d4");
}

#[test]
fn every_die_and_the_total_stay_in_bounds() {
    let mut rng = Seeded(7);
    for input in ["1d20", "4d6kh3", "100d1000", "adv+5", "-3d6dl1-4", "dis-20"] {
        let expr = parse(input).unwrap();
        let (min, max) = bounds(&expr);
        for _ in 0..500 {
            let result = roll(&expr, &mut rng);
            for die in result.terms.iter().flat_map(|t| &t.dice) {
                assert!((1..=die.sides).contains(&die.value), "{input}: {die:?}");
            }
            assert!((min..=max).contains(&result.total), "{input}: {}", result.total);
        }
    }
}

fn bounds(expr: &DiceExpr) -> (i64, i64) {
    let (mut min, mut max) = (0, 0);
    for term in &expr.terms {
        let (low, high) = match term.kind {
            TermKind::Constant(n) => (i64::from(n), i64::from(n)),
            TermKind::Dice(group) => {
                let counted = match group.select {
                    None => group.count,
                    Some(Select::KeepHighest(n) | Select::KeepLowest(n)) => n,
                    Some(Select::DropHighest(n) | Select::DropLowest(n)) => group.count - n,
                };
                (i64::from(counted), i64::from(counted * group.sides))
            }
        };
        match term.sign {
            Sign::Plus => (min, max) = (min + low, max + high),
            Sign::Minus => (min, max) = (min - high, max - low),
        }
    }
    (min, max)
}

#[test]
fn a_d20_is_fair_and_advantage_shifts_the_mean_up() {
    let mut rng = Seeded(42);
    let d20 = parse("1d20").unwrap();
    let mut counts = [0u32; 20];
    let throws = 40_000;
    for _ in 0..throws {
        counts[(roll(&d20, &mut rng).total - 1) as usize] += 1;
    }
    let expected = f64::from(throws) / 20.0;
    let chi_square: f64 = counts
        .iter()
        .map(|&c| (f64::from(c) - expected).powi(2) / expected)
        .sum();
    // 19 degrees of freedom: 43.8 is the 0.1% critical value.
    assert!(chi_square < 43.8, "chi-square {chi_square} for {counts:?}");

    let mean = |input: &str, rng: &mut Seeded| {
        let expr = parse(input).unwrap();
        (0..20_000).map(|_| roll(&expr, rng).total as f64).sum::<f64>() / 20_000.0
    };
    let advantage = mean("adv", &mut rng);
    let disadvantage = mean("dis", &mut rng);
    // Exact means: 13.825 and 7.175.
    assert!((advantage - 13.825).abs() < 0.2, "advantage mean {advantage}");
    assert!((disadvantage - 7.175).abs() < 0.2, "disadvantage mean {disadvantage}");
    let four_d6_keep_three = mean("4d6kh3", &mut rng);
    assert!(
        (four_d6_keep_three - 12.24).abs() < 0.15,
        "4d6kh3 mean {four_d6_keep_three}"
    );
}
