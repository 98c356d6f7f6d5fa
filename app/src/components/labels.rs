//! Icons for the words of [`crate::domain::describe`], shared by the timeline and the composer's preview so both
//! show a message the same way.

use super::icon::IconKind;
use crate::domain::audience::{Audience, AudienceScope};
use crate::domain::policy::TableFacts;

pub use crate::domain::describe::speaker;

/// The icon and words of an audience: "Everyone", "GM only", "Whisper to Alice, Bob".
pub fn visibility(audience: &Audience, facts: Option<&TableFacts>) -> (IconKind, String) {
    let icon = match audience.scope {
        AudienceScope::All => IconKind::Eye,
        AudienceScope::GmOnly => IconKind::Lock,
        AudienceScope::Targets => IconKind::Whisper,
    };
    (icon, crate::domain::describe::audience(audience, facts))
}
