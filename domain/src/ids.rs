//! Typed identifiers. Every id is a ULID rendered as a 26-character string: sortable by creation time, safe in
//! URLs, and generated on either side without coordination.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn generate() -> Self {
                Self(ulid::Ulid::generate().to_string())
            }

            /// The id as text, as stored and sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

id_type!(
    /// An account.
    UserId
);
id_type!(
    /// A group that plays together.
    CampaignId
);
id_type!(
    /// One sitting of a campaign.
    SessionId
);
id_type!(
    /// A timeline: a session room, a table channel or a direct conversation.
    ChannelId
);
id_type!(
    /// A character in a campaign, controlled by one or more members.
    CharacterId
);
id_type!(
    /// A message fact; also the de-duplication key of the client timeline.
    MessageId
);
