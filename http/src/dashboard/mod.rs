//! The dashboard's data work behind `/v1/dashboard/...`: reading a report's time range from the
//! query, gathering the sessions and transcripts of that range from storage, and writing the
//! report files. The figures themselves are computed by `botwot_engine::analytics`.

pub mod gather;
pub mod range;
pub mod report;
pub mod report_csv;
pub mod report_xlsx;

pub use gather::{Gathered, MAX_REPORT_SESSIONS, gather};
pub use range::ReportScope;
