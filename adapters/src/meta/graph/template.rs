//! WhatsApp message templates: the only messages a business may start a conversation with, or
//! send once the 24-hour customer service window has closed. A [`Template`] names an approved
//! template and language and fills its parameters, in the Cloud API's `template` object shape.
//! An engine `MessageBody::Template` (name, language, body texts, header parameter, button
//! parameters) becomes one of these when it is sent; currency and date-time parameters are built
//! directly and sent with [`MetaGraphSender::send_whatsapp`](super::MetaGraphSender::send_whatsapp).

use super::whatsapp::MediaObject;
use serde::Serialize;

/// `template`: which approved template, in which language, with which parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Template {
    pub name: String,
    pub language: TemplateLanguage,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<TemplateComponent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TemplateLanguage {
    /// The template's language and locale code, such as `en_US`.
    pub code: String,
}

/// The parameters of one part of a template.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum TemplateComponent {
    Header {
        parameters: Vec<TemplateParameter>,
    },
    Body {
        parameters: Vec<TemplateParameter>,
    },
    /// The button at `index` (from 0, as Meta's examples write it: a string).
    Button {
        sub_type: ButtonSubType,
        index: String,
        parameters: Vec<TemplateParameter>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonSubType {
    /// Its payload comes back in the contact's button reply.
    QuickReply,
    /// Its parameter is appended to the template's URL.
    Url,
}

/// One value put into a template.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TemplateParameter {
    Text {
        text: String,
    },
    Currency {
        currency: Currency,
    },
    DateTime {
        date_time: DateTimeValue,
    },
    Image {
        image: MediaObject,
    },
    Video {
        video: MediaObject,
    },
    Document {
        document: MediaObject,
    },
    /// A quick-reply button's payload.
    Payload {
        payload: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Currency {
    /// Shown where the currency cannot be localised.
    pub fallback_value: String,
    /// ISO 4217 code.
    pub code: String,
    /// The amount times 1000: 100.99 is 100990.
    pub amount_1000: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DateTimeValue {
    pub fallback_value: String,
}

impl TemplateParameter {
    pub fn text(text: impl Into<String>) -> Self {
        TemplateParameter::Text { text: text.into() }
    }
}

/// Whether `name` can be a template's name: lowercase letters, digits and `_`, at most 512.
pub fn is_template_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `code` is a template language code: `ll`, `lll` or `ll_CC` (`en`, `fil`, `en_US`).
pub fn is_language_code(code: &str) -> bool {
    let (language, country) = match code.split_once('_') {
        Some((language, country)) => (language, Some(country)),
        None => (code, None),
    };
    let language_ok =
        (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase());
    let country_ok = country.is_none_or(|country| {
        country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase())
    });
    language_ok && country_ok
}

impl Template {
    pub fn new(name: impl Into<String>, language_code: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            language: TemplateLanguage {
                code: language_code.into(),
            },
            components: Vec::new(),
        }
    }

    pub fn header(mut self, parameters: Vec<TemplateParameter>) -> Self {
        self.components
            .push(TemplateComponent::Header { parameters });
        self
    }

    pub fn body(mut self, parameters: Vec<TemplateParameter>) -> Self {
        self.components.push(TemplateComponent::Body { parameters });
        self
    }

    /// Fills the body's `{{1}}`, `{{2}}`, ... with texts, in order.
    pub fn body_texts<I, S>(self, texts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.body(texts.into_iter().map(TemplateParameter::text).collect())
    }

    pub fn quick_reply_button(mut self, index: u8, payload: impl Into<String>) -> Self {
        self.components.push(TemplateComponent::Button {
            sub_type: ButtonSubType::QuickReply,
            index: index.to_string(),
            parameters: vec![TemplateParameter::Payload {
                payload: payload.into(),
            }],
        });
        self
    }

    pub fn url_button(mut self, index: u8, url_suffix: impl Into<String>) -> Self {
        self.components.push(TemplateComponent::Button {
            sub_type: ButtonSubType::Url,
            index: index.to_string(),
            parameters: vec![TemplateParameter::text(url_suffix)],
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::super::whatsapp::{WhatsAppContent, WhatsAppRequest};
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_language_codes_follow_meta() {
        for good in ["en", "en_US", "pt_BR", "fil"] {
            assert!(is_language_code(good), "{good}");
        }
        for bad in ["", "EN", "en_us", "en-US", "english", "en_USA", "e"] {
            assert!(!is_language_code(bad), "{bad}");
        }
        assert!(is_template_name("order_update_2"));
        for bad in ["", "Order", "order update", "order-update"] {
            assert!(!is_template_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_template_send_matches_the_cloud_api_example() {
        let template = Template::new("order_confirmation", "en_US")
            .header(vec![TemplateParameter::Image {
                image: MediaObject::from_url("https://cdn.example.com/order.png", None),
            }])
            .body(vec![
                TemplateParameter::text("Pablo"),
                TemplateParameter::Currency {
                    currency: Currency {
                        fallback_value: "$100.99".into(),
                        code: "USD".into(),
                        amount_1000: 100_990,
                    },
                },
                TemplateParameter::DateTime {
                    date_time: DateTimeValue {
                        fallback_value: "February 25, 1977".into(),
                    },
                },
            ])
            .quick_reply_button(0, "TRACK_ORDER")
            .url_button(1, "9rwnB8RbYmPF5t2Mn09x4h");
        let request = WhatsAppRequest::new("16505551234", WhatsAppContent::Template { template });
        assert_eq!(
            serde_json::to_value(request).unwrap(),
            json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "16505551234",
                "type": "template",
                "template": {
                    "name": "order_confirmation",
                    "language": {"code": "en_US"},
                    "components": [
                        {"type": "header", "parameters": [
                            {"type": "image", "image": {"link": "https://cdn.example.com/order.png"}}
                        ]},
                        {"type": "body", "parameters": [
                            {"type": "text", "text": "Pablo"},
                            {"type": "currency", "currency": {
                                "fallback_value": "$100.99", "code": "USD", "amount_1000": 100990
                            }},
                            {"type": "date_time", "date_time": {"fallback_value": "February 25, 1977"}}
                        ]},
                        {"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": [
                            {"type": "payload", "payload": "TRACK_ORDER"}
                        ]},
                        {"type": "button", "sub_type": "url", "index": "1", "parameters": [
                            {"type": "text", "text": "9rwnB8RbYmPF5t2Mn09x4h"}
                        ]}
                    ]
                }
            })
        );
    }

    #[test]
    fn a_template_without_parameters_has_no_components() {
        let value = serde_json::to_value(Template::new("hello_world", "en_US")).unwrap();
        assert_eq!(
            value,
            json!({"name": "hello_world", "language": {"code": "en_US"}})
        );
    }
}
