//! Reading a contact list: a CSV file (UTF-8, comma- or semicolon-separated, as spreadsheets
//! export it) whose header names a `phone` column (`phone_number` and `wa_id` are read too),
//! optionally a `name` column, and optionally the templates' parameters as columns `{{1}}`,
//! `{{2}}`, ... (from `{{1}}` without gaps; each line fills every one); other columns are
//! reported as ignored. Blank lines are skipped, a
//! phone number listed twice is kept once. A list with any unreadable line is refused whole,
//! each bad line named with its number (the first [`MAX_REPORTED_LINES`]), so nothing of a
//! broken list is added.

use crate::errors::{AppError, ErrorCode, FieldProblem};
use botwot_engine::campaign::{AudienceContact, MAX_TEMPLATE_PARAMETERS};
use std::collections::HashSet;

/// The largest contact list one request may carry.
pub const MAX_CONTACT_LIST_BYTES: usize = 8 * 1024 * 1024;
/// The most contacts one list may hold.
pub const MAX_CONTACTS_PER_LIST: usize = 100_000;
/// How many bad lines a refusal names.
pub const MAX_REPORTED_LINES: usize = 20;

const PHONE_COLUMNS: [&str; 3] = ["phone", "phone_number", "wa_id"];
const NAME_COLUMN: &str = "name";

/// The contacts of a list that could be read whole.
#[derive(Debug, PartialEq, Eq)]
pub struct ContactList {
    /// In the order of the file, each phone number once.
    pub contacts: Vec<AudienceContact>,
    /// Lines whose phone number an earlier line already listed.
    pub repeated: usize,
    /// Header columns that are neither the phone nor the name.
    pub ignored_columns: Vec<String>,
}

/// Reads `bytes` as a contact list, or explains what is wrong with it.
pub fn read_contact_list(bytes: &[u8]) -> Result<ContactList, AppError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| refusal("the contact list is not UTF-8 text; save it as CSV UTF-8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if !first_line.contains(',') && first_line.contains(';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|error| refusal(format!("the header line cannot be read: {error}")))?
        .clone();
    let columns = Columns::of(&header)?;
    let mut list = ContactList {
        contacts: Vec::new(),
        repeated: 0,
        ignored_columns: columns.ignored,
    };
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    let mut bad_lines = 0usize;
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |at| at.line());
                bad_lines += 1;
                note(&mut problems, line, format!("cannot be read: {error}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |at| at.line());
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let phone = record.get(columns.phone).unwrap_or_default();
        let name = columns.name.and_then(|at| record.get(at));
        let parameters = columns
            .parameters
            .iter()
            .map(|at| record.get(*at).unwrap_or_default());
        let contact = AudienceContact::parse(phone, name)
            .and_then(|contact| contact.with_parameters(parameters));
        match contact {
            Ok(contact) if seen.insert(contact.phone.clone()) => list.contacts.push(contact),
            Ok(_) => list.repeated += 1,
            Err(error) => {
                bad_lines += 1;
                note(&mut problems, line, error.to_string());
            }
        }
        if list.contacts.len() > MAX_CONTACTS_PER_LIST {
            return Err(refusal(format!(
                "the contact list holds more than {MAX_CONTACTS_PER_LIST} contacts; split it"
            )));
        }
    }
    if bad_lines > 0 {
        let mut error = refusal(format!(
            "{bad_lines} line(s) of the contact list cannot be read; nothing was added"
        ));
        error.details = problems;
        return Err(error);
    }
    if list.contacts.is_empty() {
        return Err(refusal("the contact list holds no contacts"));
    }
    Ok(list)
}

/// Where the phone, the name and the template parameters are in each line.
struct Columns {
    phone: usize,
    name: Option<usize>,
    /// The columns of `{{1}}`, `{{2}}`, ..., in that order.
    parameters: Vec<usize>,
    ignored: Vec<String>,
}

impl Columns {
    fn of(header: &csv::StringRecord) -> Result<Self, AppError> {
        let names: Vec<String> = header
            .iter()
            .map(|column| column.trim().to_lowercase())
            .collect();
        let phone = names
            .iter()
            .position(|name| PHONE_COLUMNS.contains(&name.as_str()))
            .ok_or_else(|| {
                refusal(format!(
                    "the first line must name the columns, one of them `phone`; it reads `{}`",
                    header.iter().collect::<Vec<_>>().join(",")
                ))
            })?;
        let name = names.iter().position(|name| name == NAME_COLUMN);
        let parameters = parameter_columns(&names)?;
        let ignored = names
            .iter()
            .enumerate()
            .filter(|(at, column)| {
                *at != phone && Some(*at) != name && !parameters.contains(at) && !column.is_empty()
            })
            .map(|(_, column)| column.clone())
            .collect();
        Ok(Self {
            phone,
            name,
            parameters,
            ignored,
        })
    }
}

/// The columns named `{{1}}`, `{{2}}`, ... in parameter order; refused when one is missing
/// between them or named twice.
fn parameter_columns(names: &[String]) -> Result<Vec<usize>, AppError> {
    let mut numbered: Vec<(usize, usize)> = names
        .iter()
        .enumerate()
        .filter_map(|(at, name)| {
            let number = name.strip_prefix("{{")?.strip_suffix("}}")?;
            Some((number.trim().parse().ok()?, at))
        })
        .collect();
    numbered.sort();
    for (expected, (number, _)) in (1..).zip(&numbered) {
        if *number != expected || expected > MAX_TEMPLATE_PARAMETERS {
            return Err(refusal(format!(
                "template parameter columns must be {{{{1}}}}, {{{{2}}}}, ... without gaps, at \
                 most {MAX_TEMPLATE_PARAMETERS}; {{{{{expected}}}}} is missing or repeated"
            )));
        }
    }
    Ok(numbered.into_iter().map(|(_, at)| at).collect())
}

fn note(problems: &mut Vec<FieldProblem>, line: u64, message: String) {
    if problems.len() < MAX_REPORTED_LINES {
        problems.push(FieldProblem {
            field: format!("line {line}"),
            message,
        });
    }
}

fn refusal(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::InvalidContactList, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<ContactList, AppError> {
        read_contact_list(text.as_bytes())
    }

    fn phones(list: &ContactList) -> Vec<&str> {
        list.contacts.iter().map(|c| c.phone.as_str()).collect()
    }

    #[test]
    fn a_spreadsheet_export_is_read_with_names_and_without_repeats() {
        let list = read(
            "\u{feff}Name,Phone,City\r\nAsha,+44 7700 900123,Leeds\r\n\r\nBen,14155550100,\r\n\
             Asha again,0044 7700 900123,York\r\n",
        )
        .unwrap();
        assert_eq!(phones(&list), ["447700900123", "14155550100"]);
        assert_eq!(list.contacts[0].name.as_deref(), Some("Asha"));
        assert_eq!(list.repeated, 1);
        assert_eq!(list.ignored_columns, ["city"]);
    }

    #[test]
    fn semicolons_and_quoted_fields_are_read() {
        let list = read("phone_number;name\n\"+1 (415) 555-0100\";\"Doe; Jane\"\n").unwrap();
        assert_eq!(phones(&list), ["14155550100"]);
        assert_eq!(list.contacts[0].name.as_deref(), Some("Doe; Jane"));
    }

    #[test]
    fn template_parameter_columns_fill_each_contact_in_order() {
        let list =
            read("phone,{{2}},{{1}},name\n447700900123,https://shop.example/c/1,Asha,A\n").unwrap();
        assert_eq!(
            list.contacts[0].parameters,
            ["Asha", "https://shop.example/c/1"]
        );
        assert!(list.ignored_columns.is_empty());
        let gap = read("phone,{{1}},{{3}}\n447700900123,a,b\n").unwrap_err();
        assert!(gap.message.contains("{{2}} is missing"), "{}", gap.message);
        let empty = read("phone,{{1}}\n447700900123,\n").unwrap_err();
        assert_eq!(empty.details[0].field, "line 2");
        assert!(
            empty.details[0].message.contains("{{1}}"),
            "{:?}",
            empty.details
        );
    }

    #[test]
    fn a_list_without_a_phone_column_is_refused() {
        let error = read("name,email\nAsha,asha@example.com\n").unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidContactList);
        assert!(error.message.contains("`phone`"), "{}", error.message);
    }

    #[test]
    fn every_bad_line_is_named_and_nothing_is_accepted() {
        let error =
            read("phone\n447700900123\n07700 900123\nnot a number\n447700900124\n").unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidContactList);
        assert!(error.message.starts_with("2 line(s)"), "{}", error.message);
        let fields: Vec<_> = error.details.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["line 3", "line 4"]);
        assert!(error.details[0].message.contains("country code"));
    }

    #[test]
    fn only_the_first_bad_lines_are_named() {
        let mut text = String::from("phone\n");
        for _ in 0..50 {
            text.push_str("x\n");
        }
        let error = read(&text).unwrap_err();
        assert_eq!(error.details.len(), MAX_REPORTED_LINES);
        assert!(error.message.starts_with("50 line(s)"), "{}", error.message);
    }

    #[test]
    fn an_empty_list_and_binary_bytes_are_refused() {
        assert_eq!(
            read("phone\n\n").unwrap_err().code,
            ErrorCode::InvalidContactList
        );
        assert_eq!(read("").unwrap_err().code, ErrorCode::InvalidContactList);
        let binary = read_contact_list(&[0xff, 0xfe, 0x00, 0x41]).unwrap_err();
        assert!(binary.message.contains("UTF-8"), "{}", binary.message);
    }

    #[test]
    fn a_list_longer_than_the_limit_is_refused() {
        let mut text = String::from("phone\n");
        for n in 0..=MAX_CONTACTS_PER_LIST {
            text.push_str(&format!("44{n:010}\n"));
        }
        let error = read(&text).unwrap_err();
        assert!(error.message.contains("more than"), "{}", error.message);
    }
}
