//! XObjects the text extractor would follow are checked whatever their `/Subtype` says: a
//! stream that paints itself without claiming to be a form is refused as too deeply nested
//! instead of recursing until the stack runs out (found by fuzzing: a mutated `/Subtype`).

use crate::{DeclaredType, DocumentFormat, ExtractError, ExtractLimits, extract};
use pdf_extract::{Dictionary, Document, Object, Stream};

/// A one-page PDF whose page paints `/Fm0`, a stream that paints itself; `subtype` is written
/// on it when given.
fn self_painting_pdf(subtype: Option<&str>) -> Vec<u8> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let form_id = document.new_object_id();
    let mut form_dict = Dictionary::new();
    form_dict.set("Type", Object::Name(b"XObject".to_vec()));
    if let Some(subtype) = subtype {
        form_dict.set("Subtype", Object::Name(subtype.as_bytes().to_vec()));
    }
    let mut own = Dictionary::new();
    own.set("Fm0", Object::Reference(form_id));
    let mut form_resources = Dictionary::new();
    form_resources.set("XObject", Object::Dictionary(own.clone()));
    form_dict.set("Resources", Object::Dictionary(form_resources.clone()));
    document.objects.insert(
        form_id,
        Object::Stream(Stream::new(form_dict, b"/Fm0 Do".to_vec())),
    );
    let content_id = document.add_object(Stream::new(Dictionary::new(), b"/Fm0 Do".to_vec()));
    let mut page = Dictionary::new();
    page.set("Type", Object::Name(b"Page".to_vec()));
    page.set("Parent", Object::Reference(pages_id));
    page.set("Contents", Object::Reference(content_id));
    page.set("Resources", Object::Dictionary(form_resources));
    page.set(
        "MediaBox",
        Object::Array(vec![0.into(), 0.into(), 612.into(), 792.into()]),
    );
    let page_id = document.add_object(page);
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Kids", Object::Array(vec![Object::Reference(page_id)]));
    pages.set("Count", Object::Integer(1));
    document.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", Object::Reference(pages_id));
    let catalog_id = document.add_object(catalog);
    document.trailer.set("Root", Object::Reference(catalog_id));
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).expect("a pdf is written");
    bytes
}

fn refusal(subtype: Option<&str>) -> ExtractError {
    let bytes = self_painting_pdf(subtype);
    extract(
        &bytes,
        DeclaredType::Format(DocumentFormat::Pdf),
        &ExtractLimits::default(),
    )
    .expect_err("a stream that paints itself is refused")
}

#[test]
fn a_form_that_paints_itself_is_refused() {
    assert!(matches!(
        refusal(Some("Form")),
        ExtractError::TooDeeplyNested { .. }
    ));
}

#[test]
fn a_stream_that_paints_itself_without_saying_it_is_a_form_is_refused_too() {
    for subtype in [None, Some("Forn"), Some("Image")] {
        assert!(
            matches!(refusal(subtype), ExtractError::TooDeeplyNested { .. }),
            "{subtype:?}"
        );
    }
}
