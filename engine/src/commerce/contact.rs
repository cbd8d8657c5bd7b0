//! The WhatsApp number of a shop's customer, read from the phone the shop has for the order.
//! Shops keep phones as customers typed them: with or without `+`, spaces, dashes or a trunk
//! `0`; a phone without its country code takes the shop's default one, and a phone that cannot
//! be read as an international number is no contact at all (reminding a wrong number is worse
//! than not reminding).

/// The digits WhatsApp knows the customer by (`919876543210`), or `None` when `phone` is not a
/// number an international message could reach.
pub fn whatsapp_contact(phone: &str, default_country_code: Option<&str>) -> Option<String> {
    let phone = phone.trim();
    let international = phone.starts_with('+') || phone.starts_with("00");
    let mut digits = String::with_capacity(phone.len());
    for c in phone.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '+' | ' ' | '-' | '(' | ')' | '.' | '/' => {}
            _ => return None,
        }
    }
    let digits = if phone.starts_with("00") {
        digits[2..].to_owned()
    } else if international {
        digits
    } else {
        let code = default_country_code?;
        if digits.starts_with(code) && digits.len() >= code.len() + 10 {
            digits
        } else {
            format!("{code}{}", digits.trim_start_matches('0'))
        }
    };
    ((8..=15).contains(&digits.len()) && !digits.starts_with('0')).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::whatsapp_contact;

    #[test]
    fn international_numbers_keep_their_digits() {
        assert_eq!(
            whatsapp_contact("+91 98765-43210", None).as_deref(),
            Some("919876543210")
        );
        assert_eq!(
            whatsapp_contact("0044 20 7946 0958", None).as_deref(),
            Some("442079460958")
        );
        assert_eq!(
            whatsapp_contact("+1 (415) 555-0100", Some("91")).as_deref(),
            Some("14155550100")
        );
    }

    #[test]
    fn local_numbers_take_the_shops_country_code() {
        assert_eq!(
            whatsapp_contact("98765 43210", Some("91")).as_deref(),
            Some("919876543210")
        );
        assert_eq!(
            whatsapp_contact("098765 43210", Some("91")).as_deref(),
            Some("919876543210")
        );
        assert_eq!(
            whatsapp_contact("919876543210", Some("91")).as_deref(),
            Some("919876543210")
        );
        assert_eq!(whatsapp_contact("98765 43210", None), None);
    }

    #[test]
    fn what_is_not_a_number_is_no_contact() {
        for phone in [
            "",
            "+",
            "call me",
            "+12 34",
            "+1234567890123456",
            "+0123456789",
        ] {
            assert_eq!(whatsapp_contact(phone, Some("91")), None, "{phone}");
        }
    }
}
