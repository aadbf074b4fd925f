//! Checks on what people type, shared by every form: a required text with a maximum length, and
//! an optional one with a maximum length. Lengths count characters (not bytes), after trimming.

use crate::FieldError;

/// The trimmed text when it is not empty and at most `max` characters long; otherwise
/// `message` at `field`.
pub fn required(field: &str, text: &str, max: usize, message: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > max {
        return Err(FieldError::new(field, message));
    }
    Ok(text.to_string())
}

/// The trimmed text (possibly empty) when it is at most `max` characters long; otherwise
/// `message` at `field`.
pub fn at_most(field: &str, text: &str, max: usize, message: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(FieldError::new(field, message));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_after_trimming() {
        assert_eq!(required("name", "  Ada  ", 3, "m"), Ok("Ada".into()));
        assert_eq!(
            required("name", "   ", 3, "m"),
            Err(FieldError::new("name", "m"))
        );
        assert_eq!(required("name", "Adam", 3, "m").unwrap_err().field, "name");
        // Four characters, eight bytes.
        assert_eq!(at_most("c", "éééé", 4, "m"), Ok("éééé".into()));
        assert!(at_most("c", "ééééé", 4, "m").is_err());
        assert_eq!(at_most("c", "  ", 4, "m"), Ok(String::new()));
    }
}
