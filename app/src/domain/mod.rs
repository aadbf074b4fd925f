//! Pure types and rules shared by browser and server: ids, roles, validated inputs.
//! No I/O, no Leptos, no SQL: this is the most-tested code in the project.

/// An enum stored and posted as text: `as_str`/`parse` for the stored spelling, `label` for
/// the words a person reads.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

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

pub mod demo_goals;
pub mod demo_org;
pub mod demo_reviews;
pub mod goals;
pub mod people;
pub mod reviews;
