//! Phone numbers as the telephony providers take them: E.164, a `+` and 7 to 15 digits, the
//! first not 0.

/// Whether `number` is written in E.164 (`+14155550100`).
pub fn is_e164(number: &str) -> bool {
    let Some(digits) = number.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::is_e164;

    #[test]
    fn only_plus_and_seven_to_fifteen_digits_pass() {
        assert!(is_e164("+14155550100"));
        assert!(is_e164("+919812345678"));
        assert!(is_e164("+1415555"));
        for bad in [
            "14155550100",
            "+141555",
            "+0123456789",
            "+1 415 555 0100",
            "+1234567890123456",
            "",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }
}
