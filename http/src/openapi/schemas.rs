//! OpenAPI schemas of the engine's types. The engine does not depend on utoipa, and a second,
//! hand-written copy of each type would drift; so each schema is drawn from a real value of the
//! type, serialized the way responses are, which also serves as its example.

use crate::openapi::examples;
use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ArrayItems, ObjectBuilder, Schema, Type};

/// The schema a JSON value is an instance of: objects list their properties, arrays take the
/// schema of their first item.
pub fn schema_of(value: &Value) -> Schema {
    let of_type = |kind: Type| ObjectBuilder::new().schema_type(kind).build().into();
    match value {
        Value::Null => of_type(Type::Null),
        Value::Bool(_) => of_type(Type::Boolean),
        Value::Number(number) if number.is_f64() => of_type(Type::Number),
        Value::Number(_) => of_type(Type::Integer),
        Value::String(_) => of_type(Type::String),
        Value::Array(items) => {
            let item = items
                .first()
                .map_or_else(|| of_type(Type::Object), schema_of);
            ArrayBuilder::new()
                .items(ArrayItems::RefOrSchema(Box::new(RefOr::T(item))))
                .build()
                .into()
        }
        Value::Object(fields) => fields
            .iter()
            .fold(ObjectBuilder::new(), |object, (name, field)| {
                object.property(name, schema_of(field))
            })
            .build()
            .into(),
    }
}

/// A named schema drawn from `example`, which it also shows; `required` lists the properties a
/// request must carry.
pub fn example_schema(example: &Value, description: &str, required: &[&str]) -> RefOr<Schema> {
    match schema_of(example) {
        Schema::Object(mut object) => {
            object.description = Some(description.to_owned());
            object.examples = vec![example.clone()];
            object.required = required.iter().map(|name| (*name).to_owned()).collect();
            RefOr::T(Schema::Object(object))
        }
        Schema::Array(mut array) => {
            array.description = Some(description.to_owned());
            array.examples = vec![example.clone()];
            RefOr::T(Schema::Array(array))
        }
        other => RefOr::T(other),
    }
}

/// Declares a zero-sized type whose OpenAPI schema comes from an example value.
macro_rules! schema_from_example {
    ($(#[doc = $doc:literal])+ $type:ident, $name:literal, $example:path, required = [$($field:literal),*]) => {
        $(#[doc = $doc])+
        pub struct $type;

        impl utoipa::PartialSchema for $type {
            fn schema() -> RefOr<Schema> {
                let example = serde_json::to_value($example()).unwrap_or_default();
                example_schema(&example, concat!($($doc),+).trim(), &[$($field),*])
            }
        }

        impl utoipa::ToSchema for $type {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }
        }
    };
}

schema_from_example!(
    /// The editable settings of a bot (PRD field names). Only `botName` is required; unknown
    /// fields are refused.
    BotSettingsSchema, "BotSettings", examples::bot_settings, required = ["botName"]
);
schema_from_example!(
    /// A stored bot: its settings plus its id, tenant, widget key and timestamps.
    BotProfileSchema, "BotProfile", examples::bot, required = []
);
schema_from_example!(
    /// A page of bots, newest first.
    BotPageSchema, "BotPage", examples::bot_page, required = []
);
schema_from_example!(
    /// The settings of a voice agent (PRD §3.1.2 field names). Only `name` is required; every
    /// other field has a default; unknown fields are refused. Ranges: `llmConfig.temperature`
    /// 0 to 2, `llmConfig.maxTokens` 1 to 8,192, `ttsConfig.voiceStyle`, `stability` and
    /// `clarity` 0 to 1, `ttsConfig.speed` 0.5 to 2, `maxCallDurationSecs` 30 to 14,400;
    /// `webhooks` take `https` addresses only.
    VoiceAgentSettingsSchema, "VoiceAgentSettings", examples::voice_agent_settings, required = ["name"]
);
schema_from_example!(
    /// A stored voice agent: its settings plus its id, tenant and timestamps.
    VoiceAgentSchema, "VoiceAgent", examples::voice_agent, required = []
);
schema_from_example!(
    /// A page of voice agents, in name order.
    VoiceAgentPageSchema, "VoiceAgentPage", examples::voice_agent_page, required = []
);
schema_from_example!(
    /// One conversation: who it is with, its status, who answers and its timers.
    SessionSchema, "Session", examples::session, required = []
);
schema_from_example!(
    /// One analysis of a session by a language model: `result.kind` names it (`sentiment`,
    /// `emotion`, `intent`, `reason`, `sales`, `vulnerability`, `summary`, `cause`,
    /// `support-steps`, `suggestions`, `response-quality`) and its other fields are that
    /// analysis's; `throughSeq` is the last message it read.
    InsightSchema, "Insight", examples::insight, required = []
);
schema_from_example!(
    /// What one analysis found: `kind` names it and the other fields are that analysis's.
    InsightResultSchema, "InsightResult", examples::insight_result, required = []
);
schema_from_example!(
    /// The analyses kept of a session, one per kind.
    InsightListSchema, "InsightList", examples::insights, required = []
);
schema_from_example!(
    /// One message of a transcript: `direction` is `inbound`, `outbound` or `internal` (an
    /// agent's private note, never sent to the contact).
    MessageSchema, "Message", examples::message, required = []
);
schema_from_example!(
    /// The dashboard's figures over a range: counts, resolution rate (resolved / closed; a closed
    /// conversation is resolved when the contact's last message was answered), nearest-rank
    /// response-time percentiles in ms, channels, bot vs agent handling, conversations per hour or
    /// day. `averageSatisfaction` is the mean rating (1 to 5) of the rated conversations, null
    /// when none was rated. `agents`: per agent who replied in a conversation of the range, the
    /// busiest first, their conversations, resolved and rated ones and average rating.
    /// `topIntents` (`[{intent, conversations}]`, the most frequent first) and `sentiment`
    /// (`{analysed, positive, negative, neutral}`, mean percentages) count the conversations a
    /// language model analysed (`POST /v1/sessions/{sessionId}/insights/{kind}`). `widget`
    /// (`{loads, opens, conversations, openRate, conversationRate}`): the website widget's loads
    /// and opens on the range's days and the web conversations of the range.
    DashboardMetricsSchema, "DashboardMetrics", examples::dashboard_metrics, required = []
);
schema_from_example!(
    /// A user's dashboard widgets on a 12-column grid: a unique `id`, a `kind` (`totalConversations`,
    /// `activeSessions`, `conversationVolume`, `resolutionRate`, `responseTime`, `satisfaction`,
    /// `channelBreakdown`, `botVsAgent`, `topIntents`, `sentimentDistribution`, `widgetFunnel`),
    /// `x`, `y`, `width`, `height`.
    DashboardLayoutSchema, "DashboardLayout", examples::dashboard_layout, required = ["widgets"]
);
schema_from_example!(
    /// A page of sessions, newest first.
    SessionPageSchema, "SessionPage", examples::session_page, required = []
);
schema_from_example!(
    /// Messages of a session in order.
    TranscriptSchema, "Transcript", examples::transcript, required = []
);

schema_from_example!(
    /// A provider account to connect: channel, the provider's account id, the answering bot.
    /// Unknown fields are refused.
    IntegrationSettingsSchema, "IntegrationSettings", examples::integration_settings,
    required = ["channel", "accountId", "botId"]
);
schema_from_example!(
    /// A connected provider account.
    IntegrationSchema, "Integration", examples::integration, required = []
);
schema_from_example!(
    /// A page of integrations, newest first.
    IntegrationPageSchema, "IntegrationPage", examples::integration_page, required = []
);

schema_from_example!(
    /// The cluster as the answering node sees it: live members with their load (as of their
    /// last heartbeat), how many shards placement gives each, whether they drain; `pins` maps a
    /// shard number to the node an operator moved it to; `deadLetters` counts the events waiting
    /// in the dead-letter queue.
    ClusterStatusSchema, "ClusterStatus", examples::cluster_status, required = []
);
schema_from_example!(
    /// Every shard: where placement puts it (`placedOn`), who holds its lease now (`heldBy`,
    /// with the lease's `epoch`; they differ while it moves), whether an operator pinned it.
    ShardMapSchema, "ShardMap", examples::shard_map, required = []
);
schema_from_example!(
    /// Where one session runs: its key, the shard the key hashes to, where placement puts that
    /// shard and who holds its lease.
    SessionPlacementSchema, "SessionPlacement", examples::session_placement, required = []
);
schema_from_example!(
    /// Events that failed too often (or could not be read), oldest first: the shard they came
    /// from, the broker's reason, the envelope when it parses and the payload as text.
    DeadLetterListSchema, "DeadLetterList", examples::dead_letters, required = []
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_list_their_properties_with_types() {
        let schema =
            serde_json::to_value(schema_of(&json!({"a": 1, "b": ["x"], "c": {"d": true}})))
                .unwrap();
        assert_eq!(schema["properties"]["a"]["type"], "integer");
        assert_eq!(schema["properties"]["b"]["items"]["type"], "string");
        assert_eq!(
            schema["properties"]["c"]["properties"]["d"]["type"],
            "boolean"
        );
    }
}
