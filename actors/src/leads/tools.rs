//! The lead tools a bot may call (the Decorpot agent's `get_lead` and `update_lead`, PRD
//! §3.3.3): read the contact's lead, and save what they tell about their project, which adds
//! them as a lead when they are not one yet and qualifies them when it satisfies the rules.
//!
//! They act on the conversation's contact alone, and only on WhatsApp, where the contact is
//! known by their number: no argument names a lead, so nothing a contact writes can make the
//! bot read or change someone else's.

use super::{BY_BOT, LeadError, Leads};
use async_trait::async_trait;
use botwot_engine::leads::{Lead, LeadDetails, LeadPatch, LeadSettings};
use botwot_engine::tools::{ToolCall, ToolContext, ToolKit, ToolSpec, Toolbox, tool_error};
use serde_json::{Value, json};

const GET_LEAD: &str = "get_lead";
const UPDATE_LEAD: &str = "update_lead";

/// The lead tools, over the node's leads.
pub struct LeadTools {
    leads: Leads,
}

impl LeadTools {
    pub fn new(leads: Leads) -> Self {
        Self { leads }
    }

    async fn get_lead(&self, context: &ToolContext, phone: &str) -> Result<Value, LeadError> {
        let tenant = &context.bot.tenant_id;
        let settings = self.leads.settings(tenant).await?;
        match self.leads.find_by_phone(tenant, phone).await? {
            None => Ok(json!({"found": false})),
            Some(lead) => Ok(self.shown(&lead, &settings)),
        }
    }

    async fn update_lead(
        &self,
        context: &ToolContext,
        phone: &str,
        patch: LeadPatch,
    ) -> Result<Value, LeadError> {
        let tenant = &context.bot.tenant_id;
        let lead = match self.leads.find_by_phone(tenant, phone).await? {
            Some(lead) => self.leads.update(tenant, &lead.id, &patch, BY_BOT).await?,
            None => {
                let (details, _) = patch.apply_to(&LeadDetails::default());
                // WhatsApp knows the contact by their international digits.
                let international = format!("+{phone}");
                self.leads
                    .create(tenant, &international, details, true, BY_BOT)
                    .await?
            }
        };
        let settings = self.leads.settings(tenant).await?;
        Ok(self.shown(&lead, &settings))
    }

    /// The lead as the model is told of it.
    fn shown(&self, lead: &Lead, settings: &LeadSettings) -> Value {
        json!({
            "found": true,
            "stage": lead.stage.as_str(),
            "details": lead.details,
            "qualification": self.leads.assess(settings, &lead.details),
        })
    }
}

#[async_trait]
impl Toolbox for LeadTools {
    fn specs(&self, kits: &[ToolKit]) -> Vec<ToolSpec> {
        if !kits.contains(&ToolKit::Leads) {
            return Vec::new();
        }
        vec![
            ToolSpec {
                name: GET_LEAD.to_owned(),
                description: "What is known about the contact as a sales lead: their details, \
                              stage and whether they qualify (and what is still missing)."
                    .to_owned(),
                parameters: json!({"type": "object", "properties": {}, "additionalProperties": false}),
            },
            ToolSpec {
                name: UPDATE_LEAD.to_owned(),
                description: "Saves what the contact told about themselves and their project; \
                              adds them as a lead if they are not one. Give only what they said."
                    .to_owned(),
                parameters: update_schema(),
            },
        ]
    }

    async fn call(&self, context: &ToolContext, call: &ToolCall) -> String {
        let phone = match context.whatsapp_number("lead") {
            Ok(phone) => phone,
            Err(refusal) => return refusal,
        };
        let done = match call.name.as_str() {
            GET_LEAD => self.get_lead(context, phone).await,
            UPDATE_LEAD => match call.arguments_as::<LeadPatch>() {
                Ok(patch) => self.update_lead(context, phone, patch).await,
                Err(refusal) => return refusal,
            },
            other => return tool_error(format!("there is no tool {other:?}")),
        };
        match done {
            Ok(value) => value.to_string(),
            Err(LeadError::Invalid(errors)) => tool_error(errors),
            Err(error) => {
                tracing::warn!(tool = %call.name, %error, "a lead tool failed");
                tool_error("the lead could not be read or saved just now")
            }
        }
    }
}

fn update_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "fullName": {"type": "string"},
            "email": {"type": "string"},
            "location": {"type": "string", "description": "city or area of the home"},
            "projectNeeds": {"type": "string", "description": "what they want done, in their words"},
            "scope": {"type": "string", "enum": ["fullHome", "kitchenAndBedroom", "kitchen",
                "bedroom", "decor", "civil", "other"]},
            "budgetFits": {"type": "boolean", "description": "whether the budget asked about suits them"},
            "startBy": {"type": "string", "description": "when they want to start, YYYY-MM-DD"}
        }
    })
}
