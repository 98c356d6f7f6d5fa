use super::*;

fn text(s: &str) -> Span {
    Span::Text(s.into())
}

fn one(body: &str) -> Vec<Span> {
    match parse(body, &[], 0).as_slice() {
        [Block::Paragraph(spans)] => spans.clone(),
        other => panic!("one paragraph expected from {body:?}, got {other:?}"),
    }
}

#[test]
fn emphasis_strikethrough_and_code() {
    assert_eq!(
        one("**bold** *it* ~~gone~~ `x < y`"),
        vec![
            Span::Strong(vec![text("bold")]),
            text(" "),
            Span::Emphasis(vec![text("it")]),
            text(" "),
            Span::Strike(vec![text("gone")]),
            text(" "),
            Span::Code("x < y".into()),
        ]
    );
}

#[test]
fn spoilers_hide_what_is_between_bars_even_across_formatting() {
    assert_eq!(
        one("the ||**butler** did it|| ok"),
        vec![
            text("the "),
            Span::Spoiler(vec![Span::Strong(vec![text("butler")]), text(" did it")]),
            text(" ok"),
        ]
    );
    assert_eq!(one("`||not a spoiler||`"), vec![Span::Code("||not a spoiler||".into())]);
}

#[test]
fn only_http_links_are_links() {
    assert_eq!(
        one("see https://example.com/a?b=1."),
        vec![
            text("see "),
            Span::Link {
                href: "https://example.com/a?b=1".into(),
                children: vec![text("https://example.com/a?b=1")]
            },
            text("."),
        ]
    );
    // Link syntax is not read: it stays text, and only an address typed in the open becomes a link.
    assert_eq!(one("[x](javascript:alert(1))"), vec![text("[x](javascript:alert(1))")]);
    assert_eq!(one("[x](data:text/html,hi)"), vec![text("[x](data:text/html,hi)")]);
    assert_eq!(
        one("![map](http://evil/track.png)"),
        vec![
            text("![map]("),
            Span::Link {
                href: "http://evil/track.png".into(),
                children: vec![text("http://evil/track.png")]
            },
            text(")"),
        ]
    );
    assert_eq!(
        one("(see https://en.wikipedia.org/wiki/Owl_bear_(monster)) *wow*")[1],
        Span::Link {
            href: "https://en.wikipedia.org/wiki/Owl_bear_(monster)".into(),
            children: vec![text("https://en.wikipedia.org/wiki/Owl_bear_(monster)")]
        }
    );
    assert!(!safe_href("javascript:alert(1)") && !safe_href("https://") && safe_href("HTTPS://x.org"));
}

#[test]
fn raw_html_stays_text() {
    let spans = one("<img src=x onerror=alert(1)> and <script>alert(2)</script>");
    let flat: String = spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => t.clone(),
            other => panic!("only text expected, got {other:?}"),
        })
        .collect();
    assert_eq!(flat, "<img src=x onerror=alert(1)> and <script>alert(2)</script>");
    assert_eq!(parse("<svg onload=alert(1)>", &[], 0).len(), 1);
}

#[test]
fn quotes_code_blocks_and_lines() {
    let blocks = parse("> said the mayor\n\n```\nlet x = 1;\n```\nline one\nline two", &[], 0);
    assert_eq!(
        blocks,
        vec![
            Block::Quote(vec![Block::Paragraph(vec![text("said the mayor")])]),
            Block::CodeBlock("let x = 1;".into()),
            Block::Paragraph(vec![text("line one"), Span::Break, text("line two")]),
        ]
    );
}

#[test]
fn mentions_and_inline_rolls_are_picked_out() {
    let mentions = vec![Mention {
        kind: "character".into(),
        id: "c1".into(),
        label: "Sir Brynn".into(),
    }];
    let spans = match parse("@Sir Brynn rolls [[1d20+5]] and [[2d6]]", &mentions, 1).as_slice() {
        [Block::Paragraph(spans)] => spans.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        spans,
        vec![
            Span::Mention(0),
            text(" rolls "),
            Span::Roll {
                index: 0,
                text: "1d20+5".into()
            },
            text(" and "),
            text("[[2d6]]"),
        ]
    );
    assert_eq!(
        inline_rolls("a [[1d20]] b `[[1d6]]` [[ ]] [[2d8+1]]"),
        vec!["1d20", "2d8+1"]
    );
    assert_eq!(one("mail me@example.com"), vec![text("mail me@example.com")]);
}

#[test]
fn inline_dice_are_checked_and_edits_keep_them() {
    assert_eq!(inline_dice("hit [[1d20+5]] for [[2d6+3]]").unwrap().len(), 2);
    let bad = inline_dice("hit [[1d20+banana]]").unwrap_err();
    assert_eq!(bad.code, ErrorCode::BadArguments);
    assert!(bad.message.starts_with("[[1d20+banana]] is not a roll"));
    let many = "[[1d4]] ".repeat(INLINE_ROLLS_MAX + 1);
    assert_eq!(inline_dice(&many).unwrap_err().code, ErrorCode::BadArguments);
    assert!(same_inline_rolls("I hit [[1d20+5]]!", "I  hit, [[ 1D20+5 ]] !"));
    assert!(!same_inline_rolls("I hit [[1d20+5]]", "I hit [[1d20+6]]"));
    assert!(!same_inline_rolls("I hit", "I hit [[1d20]]"));
}

proptest::proptest! {
    /// Whatever is typed, reading it never panics.
    #[test]
    fn any_body_can_be_read(body in "[a-z @|\\[\\]*_~`>#<:/.()\n-]{0,80}") {
        let mentions = vec![Mention { kind: "participant".into(), id: "u".into(), label: "ann".into() }];
        let _ = parse(&body, &mentions, 3);
        let _ = inline_dice(&body);
    }
}
