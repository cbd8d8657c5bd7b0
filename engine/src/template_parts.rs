//! The parts of a WhatsApp template message beyond its body's texts: the header's parameter (a
//! text, or an image, video or document by its address) and the parameters of its buttons (a
//! quick reply's payload, a URL button's suffix). The template itself, approved at Meta, says
//! which of them it has; these only fill them in.

use serde::{Deserialize, Serialize};

/// What fills the template's header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum TemplateHeader {
    Text { text: String },
    Image { url: String },
    Video { url: String },
    Document { url: String },
}

/// What fills one of the template's buttons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateButton {
    #[serde(rename = "type")]
    pub kind: TemplateButtonKind,
    /// The button's position in the template, from 0.
    pub index: u8,
    /// A quick reply's payload (it comes back when the contact taps it), or the text a URL
    /// button appends to its address.
    pub value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TemplateButtonKind {
    QuickReply,
    Url,
}
