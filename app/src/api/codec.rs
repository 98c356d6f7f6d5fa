//! The JSON encoding of every server function's answer, read from text.
//!
//! Why not server_fn's own `Json`: it reads answers with `serde_json::from_slice`, while hydrated resources and the
//! live feed read theirs with `serde_json::from_str`. serde_json compiles a separate deserializer for each reader, so
//! the browser bundle carried two copies of the deserializer of every view type (BENCHMARKS.md, "Browser"). Reading
//! answers from text as well lets all three share one copy. The bytes on the wire are the same JSON as before.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Server function answers as JSON in the body of the `POST` response, decoded from text.
pub type TextJson = Post<TextJsonEncoding>;

/// Serializes with `serde_json::to_vec`; deserializes by checking the bytes are UTF-8, then `serde_json::from_str`.
pub struct TextJsonEncoding;

impl ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for TextJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(value).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for TextJsonEncoding {
    type Error = TextJsonError;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(|_| TextJsonError::NotUtf8)?;
        serde_json::from_str(text).map_err(TextJsonError::Json)
    }
}

/// Why an answer could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TextJsonError {
    /// JSON is text; bytes that are not UTF-8 are not an answer of ours.
    #[error("the answer is not UTF-8 text")]
    NotUtf8,
    /// The text is not the JSON of the expected type.
    #[error("{0}")]
    Json(serde_json::Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ErrorCode, Problem};

    #[test]
    fn answers_round_trip_through_text() {
        let problem = Problem::new(ErrorCode::NotFound, "No such campaign.", "Check the link.");
        let bytes = <TextJsonEncoding as Encodes<Problem>>::encode(&problem).unwrap();
        let back: Problem = <TextJsonEncoding as Decodes<Problem>>::decode(bytes).unwrap();
        assert_eq!(back, problem);
    }

    #[test]
    fn every_server_function_answers_through_text_json() {
        for source in [include_str!("auth.rs"), include_str!("campaigns.rs")] {
            let declared = source.matches("#[server").count();
            assert!(declared > 0);
            assert_eq!(source.matches("#[server(output = TextJson)]").count(), declared);
        }
    }

    #[test]
    fn bytes_that_are_not_text_are_refused() {
        let result: Result<Problem, _> = TextJsonEncoding::decode(Bytes::from_static(b"\"\xff\""));
        assert!(matches!(result, Err(TextJsonError::NotUtf8)));
        let result: Result<Problem, _> = TextJsonEncoding::decode(Bytes::from_static(b"{\"code\":"));
        assert!(matches!(result, Err(TextJsonError::Json(_))));
    }
}
