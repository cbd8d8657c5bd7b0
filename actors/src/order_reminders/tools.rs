//! The Shopify agent's order tools a bot may call (PRD §3.3.2: `get_order_details`,
//! `cancel_order`): where one of the contact's orders stands, read fresh from the shop, and
//! cancelling one the contact asked to cancel and confirmed.
//!
//! They act on the conversation's contact alone, on WhatsApp, where the contact is known by
//! their number: an order is found among the orders BotWot follows for that number only, so an
//! order name a contact types never reaches anyone else's order.

use super::OrderReminders;
use async_trait::async_trait;
use botwot_engine::commerce::TrackedOrder;
use botwot_engine::ports::ShopifyError;
use botwot_engine::tools::{ToolCall, ToolContext, ToolKit, ToolSpec, Toolbox, tool_error};
use serde::Deserialize;
use serde_json::{Value, json};

const GET_ORDER: &str = "get_order_details";
const CANCEL_ORDER: &str = "cancel_order";
/// Orders listed when the contact names none.
const LISTED: usize = 5;

/// The order tools, over the node's shops.
pub struct ShopTools {
    orders: OrderReminders,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OrderArguments {
    #[serde(default)]
    order_name: Option<String>,
    #[serde(default)]
    confirmed: bool,
}

impl ShopTools {
    pub fn new(orders: OrderReminders) -> Self {
        Self { orders }
    }

    async fn theirs(
        &self,
        context: &ToolContext,
        phone: &str,
    ) -> Result<Vec<TrackedOrder>, String> {
        self.orders
            .deps()
            .store
            .contact_orders(&context.bot.tenant_id, phone)
            .await
            .map_err(|error| {
                tracing::warn!(%error, "the contact's orders could not be read");
                "the orders could not be read just now".to_owned()
            })
    }

    async fn details(
        &self,
        context: &ToolContext,
        phone: &str,
        name: Option<&str>,
    ) -> Result<Value, String> {
        let theirs = self.theirs(context, phone).await?;
        let Some(name) = name else {
            let listed: Vec<Value> = theirs.iter().take(LISTED).map(shown).collect();
            return Ok(json!({"orders": listed}));
        };
        let Some(order) = find(&theirs, name) else {
            let names: Vec<&str> = theirs
                .iter()
                .take(LISTED)
                .map(|order| order.order.name.as_str())
                .collect();
            return Ok(json!({"found": false, "theirOrders": names}));
        };
        Ok(shown(&self.fresh(order).await))
    }

    /// The order as the shop has it now, kept; as last seen when the shop does not answer.
    async fn fresh(&self, order: &TrackedOrder) -> TrackedOrder {
        let deps = self.orders.deps();
        let Ok(Some(shop)) = deps.store.get_shop(&order.tenant_id, &order.shop).await else {
            return order.clone();
        };
        let Ok(access) = self.orders.access(&shop) else {
            return order.clone();
        };
        match deps.shopify.order(&access, &order.order.order_id).await {
            Ok(Some(snapshot)) => self
                .orders
                .observe(&shop, snapshot)
                .await
                .unwrap_or_else(|_| order.clone()),
            _ => order.clone(),
        }
    }

    async fn cancel(
        &self,
        context: &ToolContext,
        phone: &str,
        arguments: OrderArguments,
    ) -> Result<Value, String> {
        if !arguments.confirmed {
            return Err("ask the customer to confirm they want the order cancelled, then call again with confirmed: true".into());
        }
        let name = arguments
            .order_name
            .ok_or_else(|| "name the order to cancel (orderName)".to_owned())?;
        let theirs = self.theirs(context, phone).await?;
        let order =
            find(&theirs, &name).ok_or_else(|| format!("the customer has no order {name:?}"))?;
        let order = self.fresh(order).await;
        if order.order.is_settled() {
            return Err(format!(
                "order {} can no longer be cancelled here (it is cancelled, closed or being shipped)",
                order.order.name
            ));
        }
        let deps = self.orders.deps();
        let shop = deps
            .store
            .get_shop(&order.tenant_id, &order.shop)
            .await
            .ok()
            .flatten()
            .ok_or_else(|| "the order's shop is no longer connected".to_owned())?;
        let access = self
            .orders
            .access(&shop)
            .map_err(|_| "the shop cannot be reached".to_owned())?;
        let snapshot = deps
            .shopify
            .cancel_order(&access, &order.order.order_id)
            .await
            .map_err(|error| match error {
                ShopifyError::Refused(reason) => format!("the shop refused to cancel it: {reason}"),
                other => format!("the shop could not be reached to cancel it: {other}"),
            })?;
        tracing::info!(order = %order.id, "an order was cancelled at the customer's request");
        let kept = self.orders.observe(&shop, snapshot).await.map_err(|_| {
            "the order was cancelled, but its new state could not be kept".to_owned()
        })?;
        Ok(shown(&kept))
    }
}

#[async_trait]
impl Toolbox for ShopTools {
    fn specs(&self, kits: &[ToolKit]) -> Vec<ToolSpec> {
        if !kits.contains(&ToolKit::Shopify) {
            return Vec::new();
        }
        vec![
            ToolSpec {
                name: GET_ORDER.to_owned(),
                description: "Where the customer's order stands (payment, shipping, \
                              cancellation), by its name such as #1001; without a name, their \
                              latest orders."
                    .to_owned(),
                parameters: json!({"type": "object", "additionalProperties": false,
                    "properties": {"orderName": {"type": "string"}}}),
            },
            ToolSpec {
                name: CANCEL_ORDER.to_owned(),
                description: "Cancels one of the customer's orders that is not shipped yet. \
                              Only after the customer asked for it and confirmed."
                    .to_owned(),
                parameters: json!({"type": "object", "additionalProperties": false,
                    "required": ["orderName", "confirmed"],
                    "properties": {"orderName": {"type": "string"},
                        "confirmed": {"type": "boolean",
                            "description": "true once the customer confirmed the cancellation"}}}),
            },
        ]
    }

    async fn call(&self, context: &ToolContext, call: &ToolCall) -> String {
        let phone = match context.whatsapp_number("order") {
            Ok(phone) => phone,
            Err(refusal) => return refusal,
        };
        let arguments: OrderArguments = match call.arguments_as() {
            Ok(arguments) => arguments,
            Err(refusal) => return refusal,
        };
        let done = match call.name.as_str() {
            GET_ORDER => {
                self.details(context, phone, arguments.order_name.as_deref())
                    .await
            }
            CANCEL_ORDER => self.cancel(context, phone, arguments).await,
            other => return tool_error(format!("there is no tool {other:?}")),
        };
        match done {
            Ok(value) => value.to_string(),
            Err(reason) => tool_error(reason),
        }
    }
}

/// The contact's order of that name (`#1001`, `1001`, `NK/12345`; case and a leading `#` aside).
fn find<'a>(theirs: &'a [TrackedOrder], name: &str) -> Option<&'a TrackedOrder> {
    let wanted = plain_name(name);
    theirs
        .iter()
        .find(|order| plain_name(&order.order.name) == wanted)
}

fn plain_name(name: &str) -> String {
    name.trim().trim_start_matches('#').trim().to_lowercase()
}

/// An order as the model is told of it.
fn shown(order: &TrackedOrder) -> Value {
    let snapshot = &order.order;
    json!({
        "found": true,
        "name": snapshot.name,
        "placedAt": snapshot.created_at.to_rfc3339(),
        "total": format!("{} {}", snapshot.currency, snapshot.total_price),
        "financialStatus": snapshot.financial_status,
        "fulfillmentStatus": snapshot.fulfillment_status,
        "cancelled": snapshot.cancelled_at.is_some(),
        "confirmation": order.reminder_status.as_str(),
    })
}
