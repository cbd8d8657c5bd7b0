//! Whether a lead is worth a salesperson's time, by the organisation's rules. The PRD's Decorpot
//! rules are the defaults: the budget (₹3 lakh) suits them, the project covers the full home or
//! the kitchen and a bedroom (no decoration or civil work alone), and it starts within three
//! months.

use super::lead::{LeadDetails, ProjectScope};
use crate::time::Timestamp;
use crate::validation::ValidationErrors;
use chrono::{DateTime, Duration as Days, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QualificationRules {
    /// The scopes a project must have to qualify; empty: any.
    #[serde(default = "default_scopes")]
    pub qualifying_scopes: Vec<ProjectScope>,
    /// Whether the lead must say the budget suits them.
    #[serde(default = "default_true")]
    pub budget_required: bool,
    /// The latest start, in days from today, that qualifies; 0: any start.
    #[serde(default = "default_start_within")]
    pub start_within_days: u32,
}

fn default_scopes() -> Vec<ProjectScope> {
    vec![ProjectScope::FullHome, ProjectScope::KitchenAndBedroom]
}
fn default_true() -> bool {
    true
}
fn default_start_within() -> u32 {
    90
}

impl Default for QualificationRules {
    fn default() -> Self {
        Self {
            qualifying_scopes: default_scopes(),
            budget_required: default_true(),
            start_within_days: default_start_within(),
        }
    }
}

/// What the rules say about a lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "verdict")]
pub enum Assessment {
    Qualified,
    /// A rule fails on what is known; why, in words a salesperson reads.
    NotQualified {
        reasons: Vec<String>,
    },
    /// Nothing known fails, but these details are still missing.
    Incomplete {
        missing: Vec<&'static str>,
    },
}

impl QualificationRules {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.check_range(
            "qualification.startWithinDays",
            self.start_within_days,
            0..=3_650,
        );
        errors.check_max_items(
            "qualification.qualifyingScopes",
            self.qualifying_scopes.len(),
            7,
        );
        errors.into_result(())
    }

    /// Assesses `details` on the UTC day of `now`.
    pub fn assess_at(&self, details: &LeadDetails, now: Timestamp) -> Assessment {
        let today = DateTime::from_timestamp_millis(now.millis())
            .unwrap_or_default()
            .date_naive();
        self.assess(details, today)
    }

    /// Assesses `details` on `today`.
    pub fn assess(&self, details: &LeadDetails, today: NaiveDate) -> Assessment {
        let mut reasons = Vec::new();
        let mut missing = Vec::new();
        if !self.qualifying_scopes.is_empty() {
            match details.scope {
                None => missing.push("scope"),
                Some(scope) if !self.qualifying_scopes.contains(&scope) => {
                    reasons.push(format!("the project's scope ({scope:?}) does not qualify"));
                }
                Some(_) => {}
            }
        }
        if self.budget_required {
            match details.budget_fits {
                None => missing.push("budgetFits"),
                Some(false) => reasons.push("the budget does not suit them".to_owned()),
                Some(true) => {}
            }
        }
        if self.start_within_days > 0 {
            match details.start_date() {
                None => missing.push("startBy"),
                Some(start) => {
                    let latest = today + Days::days(i64::from(self.start_within_days));
                    if start > latest {
                        reasons.push(format!(
                            "the project starts after {} days",
                            self.start_within_days
                        ));
                    }
                }
            }
        }
        if !reasons.is_empty() {
            Assessment::NotQualified { reasons }
        } else if !missing.is_empty() {
            Assessment::Incomplete { missing }
        } else {
            Assessment::Qualified
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn details(scope: ProjectScope, budget_fits: bool, start_by: &str) -> LeadDetails {
        LeadDetails {
            full_name: "Asha Rao".into(),
            scope: Some(scope),
            budget_fits: Some(budget_fits),
            start_by: Some(start_by.into()),
            ..LeadDetails::default()
        }
    }

    #[test]
    fn the_prd_rules_qualify_a_full_home_within_three_months() {
        let rules = QualificationRules::default();
        let today = day("2026-11-28");
        assert_eq!(
            rules.assess(&details(ProjectScope::FullHome, true, "2027-01-15"), today),
            Assessment::Qualified
        );
        assert_eq!(
            rules.assess(
                &details(ProjectScope::KitchenAndBedroom, true, "2027-02-26"),
                today
            ),
            Assessment::Qualified
        );
    }

    #[test]
    fn every_failing_rule_is_named() {
        let rules = QualificationRules::default();
        let verdict = rules.assess(
            &details(ProjectScope::Decor, false, "2027-06-01"),
            day("2026-11-28"),
        );
        let Assessment::NotQualified { reasons } = verdict else {
            panic!("{verdict:?}");
        };
        assert_eq!(reasons.len(), 3, "{reasons:?}");
    }

    #[test]
    fn missing_details_leave_the_lead_undecided_unless_a_known_one_fails() {
        let rules = QualificationRules::default();
        let mut lead = LeadDetails {
            full_name: "Asha".into(),
            ..LeadDetails::default()
        };
        assert_eq!(
            rules.assess(&lead, day("2026-11-28")),
            Assessment::Incomplete {
                missing: vec!["scope", "budgetFits", "startBy"]
            }
        );
        lead.budget_fits = Some(false);
        assert!(matches!(
            rules.assess(&lead, day("2026-11-28")),
            Assessment::NotQualified { .. }
        ));
    }

    #[test]
    fn relaxed_rules_ask_for_less() {
        let rules = QualificationRules {
            qualifying_scopes: Vec::new(),
            budget_required: false,
            start_within_days: 0,
        };
        let lead = LeadDetails {
            full_name: "Asha".into(),
            ..LeadDetails::default()
        };
        assert_eq!(
            rules.assess(&lead, day("2026-11-28")),
            Assessment::Qualified
        );
    }
}
