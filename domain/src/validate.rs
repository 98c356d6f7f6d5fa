//! Input rules shared by the forms (instant feedback) and the server (enforcement), and the protocol limits.

use super::error::{ErrorCode, Problem};

/// Shortest allowed username.
pub const USERNAME_MIN: usize = 3;
/// Longest allowed username.
pub const USERNAME_MAX: usize = 32;
/// Shortest allowed password: long enough to resist guessing, short enough to type at a table.
pub const PASSWORD_MIN: usize = 8;
/// Longest accepted password; hashing cost grows with length, so unbounded input would be a denial of service.
pub const PASSWORD_MAX: usize = 256;
/// Longest name of a campaign, session or character.
pub const NAME_MAX: usize = 80;
/// Longest message body in characters (a long in-character speech fits; a pasted novel does not).
pub const BODY_MAX_CHARS: usize = 4000;
/// Largest accepted client frame in bytes; larger frames are answered with `frame_too_large`.
pub const FRAME_MAX_BYTES: usize = 64 * 1024;
/// Largest history page a client may ask for.
pub const HISTORY_PAGE_MAX: u32 = 200;
/// The most messages one `chat.history.around` answer carries: a jump further back takes a few answers, each
/// continuing from the oldest message the last one brought, so the timeline never has a hole.
pub const HISTORY_AROUND_MAX: u32 = 500;
/// How many visible messages a jump shows above the message it jumps to.
pub const HISTORY_AROUND_CONTEXT: usize = 10;
/// History page size used when the client does not say.
pub const HISTORY_PAGE_DEFAULT: u32 = 50;

/// Checks a username and returns it normalised (trimmed, lower-case): names compare case-insensitively.
pub fn username(raw: &str) -> Result<String, Problem> {
    let name = raw.trim().to_lowercase();
    let count = name.chars().count();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&count) {
        return Err(Problem::invalid(
            format!("A username has {USERNAME_MIN} to {USERNAME_MAX} characters."),
            "Pick a name such as \"alice\" or \"gm_bob\".",
        ));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.');
    if !name.chars().all(allowed) || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(Problem::invalid(
            "A username uses letters, digits, '_', '-' and '.', and starts with a letter or digit.",
            "Remove spaces and other symbols.",
        ));
    }
    Ok(name)
}

/// Checks a new password's length; the password itself is never changed or trimmed.
pub fn password(raw: &str) -> Result<(), Problem> {
    let count = raw.chars().count();
    if count < PASSWORD_MIN {
        return Err(Problem::invalid(
            format!("A password has at least {PASSWORD_MIN} characters."),
            "A short phrase is easy to remember and hard to guess.",
        ));
    }
    if count > PASSWORD_MAX {
        return Err(Problem::invalid(
            format!("A password has at most {PASSWORD_MAX} characters."),
            "Use a shorter phrase.",
        ));
    }
    Ok(())
}

/// Checks a display name (campaign, session, character) and returns it trimmed.
pub fn name(field: &str, raw: &str) -> Result<String, Problem> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Problem::invalid(format!("The {field} needs a name."), "Type a name."));
    }
    if trimmed.chars().count() > NAME_MAX {
        return Err(Problem::invalid(
            format!("The {field} name has at most {NAME_MAX} characters."),
            "Shorten the name.",
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Problem::invalid(
            format!("The {field} name contains control characters."),
            "Remove line breaks and tabs.",
        ));
    }
    if let Some(hidden) = trimmed.chars().find(|c| invisible(*c)) {
        return Err(Problem::invalid(
            format!(
                "The {field} name contains an invisible character (U+{:04X}).",
                u32::from(hidden)
            ),
            "Retype the name instead of pasting it.",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Whether `c` renders as nothing: Unicode's default-ignorable code points (zero-width spaces and joiners,
/// direction marks and overrides, variation selectors, fillers, tags). A name with one looks exactly like a
/// name without it, so two people would look the same.
pub fn invisible(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF
        | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// The form in which two names count as the same: compatibility-normalised (NFKC: full-width and styled
/// letters become plain ones), lower case, with Unicode's confusable characters mapped to one skeleton (UTS #39:
/// a Cyrillic "а" reads as a Latin "a") and runs of spaces as one. "Lyra", "LYRA", "lyra" and "Lуra" (with a
/// Cyrillic у) share a key; a name is refused when its key is taken.
pub fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_security::skeleton;
    let folded: String = name.nfkc().flat_map(char::to_lowercase).collect();
    let skeleton: String = skeleton(&folded).collect();
    skeleton.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Most characters in a table channel's name.
pub const CHANNEL_NAME_MAX: usize = 32;

/// Checks a table channel's name and returns its canonical form: without a leading `#`, lower case, spaces as
/// dashes, only letters, digits, `-` and `_` (the names people type after `#` in chat).
pub fn channel_name(raw: &str) -> Result<String, Problem> {
    use unicode_normalization::UnicodeNormalization;
    // Compatibility-normalised first, so a full-width "ｇｅｎｅｒａｌ" is the "general" it looks like.
    let normalised: String = raw.nfkc().collect();
    let canonical: String = normalised
        .trim()
        .trim_start_matches('#')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase();
    if canonical.is_empty() {
        return Err(Problem::invalid(
            "The channel needs a name.",
            "Type a name such as scheduling.",
        ));
    }
    if canonical.chars().count() > CHANNEL_NAME_MAX {
        return Err(Problem::invalid(
            format!("A channel name has at most {CHANNEL_NAME_MAX} characters."),
            "Shorten the name.",
        ));
    }
    if let Some(bad) = canonical
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(Problem::invalid(
            format!("A channel name cannot contain \"{bad}\"."),
            "Use letters, digits, - and _.",
        ));
    }
    Ok(canonical)
}

/// Checks a message body: not blank, not longer than [`BODY_MAX_CHARS`]. The body is stored as typed.
pub fn body(raw: &str) -> Result<(), Problem> {
    if raw.trim().is_empty() {
        return Err(Problem::new(
            ErrorCode::InvalidBody,
            "The message is empty.",
            "Type something before sending.",
        ));
    }
    let count = raw.chars().count();
    if count > BODY_MAX_CHARS {
        return Err(Problem::new(
            ErrorCode::InvalidBody,
            format!("The message has {count} characters; the limit is {BODY_MAX_CHARS}."),
            "Split it into several messages.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(username("  Alice ").unwrap(), "alice");
        assert_eq!(username("gm_bob.2").unwrap(), "gm_bob.2");
        for bad in ["ab", "has space", "_leading", "émile", &"x".repeat(33), ""] {
            let err = username(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(password("1234567").is_err());
        assert!(password("12345678").is_ok());
        assert!(password(&"x".repeat(PASSWORD_MAX + 1)).is_err());
    }

    #[test]
    fn channel_names_are_canonical() {
        assert_eq!(channel_name(" #Game Night ").unwrap(), "game-night");
        assert_eq!(channel_name("scheduling").unwrap(), "scheduling");
        for bad in ["", "#", "a/b", "x".repeat(CHANNEL_NAME_MAX + 1).as_str(), "no.dots"] {
            assert_eq!(channel_name(bad).unwrap_err().code, ErrorCode::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("campaign", "  Curse of Strahd ").unwrap(), "Curse of Strahd");
        assert!(name("campaign", "   ").is_err());
        assert!(name("campaign", "a\nb").is_err());
        assert!(name("campaign", &"x".repeat(NAME_MAX + 1)).is_err());
    }

    #[test]
    fn bodies_are_not_blank_and_bounded() {
        assert_eq!(body(" \n ").unwrap_err().code, ErrorCode::InvalidBody);
        assert!(body("hello").is_ok());
        assert!(body(&"é".repeat(BODY_MAX_CHARS)).is_ok());
        assert!(body(&"é".repeat(BODY_MAX_CHARS + 1)).is_err());
    }
}
