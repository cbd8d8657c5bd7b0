//! Field-level validation errors, collected so a caller learns every problem at once.

use serde::Serialize;
use std::fmt;
use std::ops::RangeInclusive;

/// One field that failed validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every field that failed validation in one input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(value)` when nothing was added, the errors otherwise.
    pub fn into_result<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
    /// Checks a required, bounded text field.
    pub fn check_text(&mut self, field: &str, value: &str, max_chars: usize) {
        if value.trim().is_empty() {
            self.add(field, "must not be empty");
        } else {
            self.check_max_len(field, value, max_chars);
        }
    }
    /// Checks an optional text field's length.
    pub fn check_max_len(&mut self, field: &str, value: &str, max_chars: usize) {
        if value.chars().count() > max_chars {
            self.add(field, format!("must be at most {max_chars} characters"));
        }
    }
    /// Checks that a number lies in `range`, both ends included (NaN never does).
    pub fn check_range<T: PartialOrd + fmt::Display>(
        &mut self,
        field: &str,
        value: T,
        range: RangeInclusive<T>,
    ) {
        if !range.contains(&value) {
            let (low, high) = (range.start(), range.end());
            self.add(field, format!("must be between {low} and {high}"));
        }
    }
    /// Checks how many items a list holds.
    pub fn check_max_items(&mut self, field: &str, count: usize, max_items: usize) {
        if count > max_items {
            self.add(field, format!("must hold at most {max_items} items"));
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|error| format!("{}: {}", error.field, error.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}
