//! keel-core: Keel's pure types and rules, shared by browser and server: ids, roles, validated
//! inputs, progress and scoring, anonymity, calendar arithmetic, statistics. No I/O, no Leptos,
//! no SQL, no tokio: the compiler keeps it that way (this crate depends on serde alone), and
//! `cargo test -p keel-core` runs every rule in seconds.

use serde::{Deserialize, Serialize};

/// An enum stored and posted as text: `as_str`/`parse` for the stored spelling, `label` for
/// the words a person reads. Written `Name in "field" { … }`, it is a *choice* posted in that
/// form field (see `choice_serde!`).
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }
        text_enum!(@methods $name { $($variant = $text / $label),+ });
    };
    ($(#[$meta:meta])* $name:ident in $field:literal { $($variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }
        text_enum!(@methods $name { $($variant = $text / $label),+ });
        choice_serde!($name in $field);
    };
    (@methods $name:ident { $($variant:ident = $text:literal / $label:literal),+ }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored (and form) spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
            /// The words a person reads.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
    };
}

/// Serde for a choice posted in one form field (a decision, a direction, a role, …): it travels
/// as its form spelling (`as_str`), so a plain HTML form and the hydrated page post the same
/// thing. An unknown value fails with a message that names the field (`invalid_choice`), which
/// the app answers with 422 at that field. The Rust variant name is still read, for JSON that
/// was stored before the type became a choice.
macro_rules! choice_serde {
    ($name:ident in $field:literal) => {
        impl $name {
            /// The form field this choice is posted in.
            pub const FIELD: &'static str = $field;
        }
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(text.trim())
                    .or_else(|| {
                        $name::ALL
                            .iter()
                            .copied()
                            .find(|c| format!("{c:?}") == text)
                    })
                    .ok_or_else(|| {
                        let choices: Vec<&str> = $name::ALL.iter().map(|c| c.label()).collect();
                        serde::de::Error::custom($crate::invalid_choice($field, &text, &choices))
                    })
            }
        }
    };
}

const INVALID_CHOICE: &str = "invalid choice for `";

/// The message of a choice that is not one of the allowed ones (`choices` are the words a person
/// reads); `field_of_invalid_choice` reads it back, wherever a decoder has wrapped it.
pub fn invalid_choice(field: &str, text: &str, choices: &[&str]) -> String {
    let shown: String = text.chars().take(40).collect();
    format!(
        "{INVALID_CHOICE}{field}`: \"{shown}\" is not one of: {}.",
        choices.join(", ")
    )
}

/// The field error inside a decoding error message that `invalid_choice` wrote, if any.
pub fn field_of_invalid_choice(message: &str) -> Option<FieldError> {
    let start = message.find(INVALID_CHOICE)? + INVALID_CHOICE.len();
    let rest = &message[start..];
    let end = rest.find('`')?;
    let field = &rest[..end];
    let choices = rest[end..].split(" is not one of: ").nth(1)?;
    let choices = choices.split('.').next().unwrap_or(choices);
    Some(FieldError::new(field, format!("Choose one of: {choices}")))
}

pub mod analytics;
pub mod anonymity;
pub mod calendar;
pub mod goals;
pub mod notifications;
pub mod org;
pub mod people;
pub mod reviews;
pub mod signin;
pub mod text;

/// A problem with one form field, shown next to that field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    text_enum!(
        #[allow(dead_code)]
        Sample in "decision" {
            Approve = "approve" / "Approve",
            Decline = "decline" / "Decline",
        }
    );

    #[derive(Debug, Deserialize)]
    struct Form {
        decision: Sample,
    }

    fn read(text: &str) -> Result<Sample, String> {
        serde_json::from_str::<Form>(&format!("{{\"decision\": \"{text}\"}}"))
            .map(|f| f.decision)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_choice_travels_as_its_form_spelling() {
        assert_eq!(Sample::FIELD, "decision");
        assert_eq!(Sample::Approve.label(), "Approve");
        assert_eq!(
            serde_json::to_string(&Sample::Decline).unwrap(),
            "\"decline\""
        );
        assert_eq!(read("approve"), Ok(Sample::Approve));
        // JSON stored before the type was a choice spelled the variant.
        assert_eq!(read("Decline"), Ok(Sample::Decline));
    }

    #[test]
    fn an_unknown_choice_names_its_field() {
        let error = read("aprove").unwrap_err();
        let field = field_of_invalid_choice(&error).expect("names the field");
        assert_eq!(field.field, "decision");
        assert_eq!(field.message, "Choose one of: Approve, Decline");
        assert!(field_of_invalid_choice("missing field `decision`").is_none());
    }
}
