//! A campaign's workflow: the follow-up steps that come after the opening template, each waiting
//! for the delivery status the recipient's last message reached (`sent`, `delivered`, `read` or
//! `failed`), then a fixed time, before sending its own approved template. It is written in the
//! PRD's JSON shape (`{maxFollowUps, steps: [{name, on, waitMs, templateId, terminal}]}`), and
//! [`CampaignWorkflow::validate`] names every field that breaks a limit, so the person writing it
//! learns all of them at once.

use crate::message::Delivery;
use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

/// The most steps a workflow may hold.
pub const MAX_STEPS: usize = 20;
/// The longest step name.
pub const MAX_STEP_NAME_CHARS: usize = 80;
/// The longest template id.
pub const MAX_TEMPLATE_ID_CHARS: usize = 512;
/// The longest a step may wait after the status it follows.
pub const MAX_WAIT: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// The most follow-up messages one recipient may receive after the opening template.
pub const MAX_FOLLOW_UPS: u32 = 20;

/// The follow-up steps of a campaign and how many follow-ups a recipient may get at most.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CampaignWorkflow {
    /// How many follow-up messages one recipient receives at most, whatever the steps say.
    pub max_follow_ups: u32,
    /// The follow-up steps, at most one per status.
    pub steps: Vec<WorkflowStep>,
}

/// One follow-up: once the recipient's last message reaches the status `on`, wait `wait_ms`,
/// then send the template `template_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkflowStep {
    /// Shown to whoever runs the campaign; unique within the workflow.
    pub name: String,
    /// The delivery status of the last message that arms this step.
    pub on: StepTrigger,
    /// How long after that status the template is sent, in milliseconds.
    pub wait_ms: u64,
    /// The approved WhatsApp template this step sends.
    pub template_id: String,
    /// Whether the recipient's journey ends with this step's message.
    pub terminal: bool,
}

/// The delivery status that arms a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepTrigger {
    /// The channel accepted the message.
    Sent,
    /// The message reached the contact's phone.
    Delivered,
    /// The contact opened it.
    Read,
    /// The provider could not deliver it.
    Failed,
}

impl StepTrigger {
    /// Every trigger, in the order statuses move.
    pub const ALL: [StepTrigger; 4] = [
        StepTrigger::Sent,
        StepTrigger::Delivered,
        StepTrigger::Read,
        StepTrigger::Failed,
    ];

    /// The trigger's name, as it is written in a workflow.
    pub fn as_str(self) -> &'static str {
        match self {
            StepTrigger::Sent => "sent",
            StepTrigger::Delivered => "delivered",
            StepTrigger::Read => "read",
            StepTrigger::Failed => "failed",
        }
    }

    /// The trigger a message's delivery state stands for; `None` for the states no step
    /// follows (not yet handed to the channel, inbound, internal).
    pub fn from_delivery(delivery: &Delivery) -> Option<Self> {
        match delivery {
            Delivery::Sent => Some(StepTrigger::Sent),
            Delivery::Delivered => Some(StepTrigger::Delivered),
            Delivery::Read => Some(StepTrigger::Read),
            Delivery::Failed { .. } => Some(StepTrigger::Failed),
            Delivery::Pending | Delivery::Received | Delivery::Kept => None,
        }
    }

    /// How far along the way a status is, in the same order as [`Delivery::may_become`]: sent,
    /// then delivered, then read or failed, both final.
    fn progress(self) -> u8 {
        match self {
            StepTrigger::Sent => 1,
            StepTrigger::Delivered => 2,
            StepTrigger::Read | StepTrigger::Failed => 3,
        }
    }

    /// Whether a message that reached `self` may still reach `next`. Statuses only move
    /// forward: a repeated or earlier status is a late report, and read and failed are final.
    pub fn may_become(self, next: StepTrigger) -> bool {
        next.progress() > self.progress()
    }
}

impl CampaignWorkflow {
    /// The step armed when the last message reaches `status`, with its position.
    pub fn step_for(&self, status: StepTrigger) -> Option<(usize, &WorkflowStep)> {
        self.steps
            .iter()
            .enumerate()
            .find(|(_, step)| step.on == status)
    }

    /// Whether some step could still be armed for a message that reached `status`: a later
    /// status it may yet reach has a step.
    pub fn has_step_after(&self, status: StepTrigger) -> bool {
        StepTrigger::ALL
            .into_iter()
            .any(|later| status.may_become(later) && self.step_for(later).is_some())
    }

    /// Every limit the workflow breaks, each named by its field path (`steps[2].waitMs`).
    ///
    /// At most one step may follow each status. The step to arm is chosen by the status the
    /// recipient's last message reached, so two steps on the same status would compete for one
    /// message and only the first could ever be sent; the workflow is refused rather than
    /// silently keeping one of them.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.check_range("maxFollowUps", self.max_follow_ups, 1..=MAX_FOLLOW_UPS);
        if self.steps.is_empty() {
            errors.add("steps", "must hold at least one step");
        }
        errors.check_max_items("steps", self.steps.len(), MAX_STEPS);
        let max_wait_ms = u64::try_from(MAX_WAIT.as_millis()).unwrap_or(u64::MAX);
        let mut names: HashMap<&str, usize> = HashMap::new();
        let mut triggers: HashMap<StepTrigger, usize> = HashMap::new();
        for (index, step) in self.steps.iter().enumerate() {
            let field = |name: &str| format!("steps[{index}].{name}");
            errors.check_text(&field("name"), &step.name, MAX_STEP_NAME_CHARS);
            let name = step.name.trim();
            if !name.is_empty() {
                if let Some(first) = names.get(name) {
                    errors.add(
                        &field("name"),
                        format!("must be unique: steps[{first}] has the same name"),
                    );
                } else {
                    names.insert(name, index);
                }
            }
            if let Some(first) = triggers.get(&step.on) {
                errors.add(
                    &field("on"),
                    format!(
                        "steps[{first}] already follows '{}': each status may have one step",
                        step.on.as_str()
                    ),
                );
            } else {
                triggers.insert(step.on, index);
            }
            errors.check_range(&field("waitMs"), step.wait_ms, 0..=max_wait_ms);
            errors.check_text(
                &field("templateId"),
                &step.template_id,
                MAX_TEMPLATE_ID_CHARS,
            );
        }
        errors.into_result(())
    }
}
