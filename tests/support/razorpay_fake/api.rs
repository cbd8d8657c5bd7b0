//! The HTTP side of the fake: each request checked, recorded and answered from the ledger.

use super::*;

// ---- the HTTP side ----

pub(super) type Reply = (StatusCode, Value);

pub(super) async fn answer(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let json_body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    };
    let mut ledger = shared.ledger();
    ledger.requests.push(RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        authorization: authorization.clone(),
        body: json_body.clone(),
    });
    if let Some((status, canned)) = ledger.canned.pop_front() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, [(header::CONTENT_TYPE, "application/json")], canned).into_response();
    }
    let (status, reply) = if ledger.unavailable {
        server_error()
    } else if authorization.as_deref()
        != Some(basic_authorization(&shared.key_id, &shared.key_secret).as_str())
    {
        (
            StatusCode::UNAUTHORIZED,
            error_body("BAD_REQUEST_ERROR", "Authentication failed", None),
        )
    } else {
        let segments: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
        ledger
            .route(&method, &segments, &json_body)
            .unwrap_or_else(|reply| reply)
    };
    (status, axum::Json(reply)).into_response()
}

impl Ledger {
    pub(super) fn now(&self) -> i64 {
        self.now.unwrap_or_else(system_now)
    }

    pub(super) fn route(
        &mut self,
        method: &Method,
        path: &[&str],
        body: &Value,
    ) -> Result<Reply, Reply> {
        let ok = |entity: Value| Ok((StatusCode::OK, entity));
        match (method.as_str(), path) {
            ("POST", ["v1", "plans"]) => ok(self.create_plan(object(body)?)?),
            ("GET", ["v1", "plans", id]) => {
                ok(self.plans.get(*id).ok_or_else(no_such_id)?.entity())
            }
            ("POST", ["v1", "subscriptions"]) => ok(self.create_subscription(object(body)?)?),
            ("GET", ["v1", "subscriptions", id]) => {
                ok(self.subscriptions.get(*id).ok_or_else(no_such_id)?.entity())
            }
            ("POST", ["v1", "subscriptions", id, "cancel"]) => {
                ok(self.cancel_subscription(id, object_or_empty(body)?)?)
            }
            ("POST", ["v1", "orders"]) => ok(self.create_order(object(body)?)?),
            ("GET", ["v1", "orders", id]) => {
                ok(self.orders.get(*id).ok_or_else(no_such_id)?.entity())
            }
            ("GET", ["v1", "payments", id]) => {
                ok(self.payments.get(*id).ok_or_else(no_such_id)?.entity())
            }
            ("POST", ["v1", "payments", id, "capture"]) => {
                ok(self.capture_payment(id, object(body)?)?)
            }
            _ => Err(refusal(
                "The requested URL was not found on the server.",
                None,
            )),
        }
    }

    pub(super) fn create_plan(&mut self, body: &Map<String, Value>) -> Result<Value, Reply> {
        let period = required_str(body, "period")?;
        if !matches!(period, "daily" | "weekly" | "monthly" | "yearly") {
            return Err(refusal("The selected period is invalid.", Some("period")));
        }
        let interval = match body.get("interval") {
            None => return Err(refusal("The interval field is required.", Some("interval"))),
            Some(value) => value
                .as_u64()
                .filter(|interval| *interval >= 1)
                .ok_or_else(|| refusal("The interval must be an integer.", Some("interval")))?,
        };
        let item = body
            .get("item")
            .and_then(Value::as_object)
            .ok_or_else(|| refusal("The item field is required.", Some("item")))?;
        let name = required_str(item, "name")?;
        let amount = amount(item)?;
        let currency = currency(item)?;
        let plan = Plan {
            id: fresh_id("plan_"),
            item_id: fresh_id("item_"),
            name: name.to_owned(),
            amount,
            currency,
            period: period.to_owned(),
            interval,
            notes: notes(body)?,
            created_at: self.now(),
        };
        let entity = plan.entity();
        self.plans.insert(plan.id.clone(), plan);
        Ok(entity)
    }

    pub(super) fn create_subscription(
        &mut self,
        body: &Map<String, Value>,
    ) -> Result<Value, Reply> {
        let plan_id = required_str(body, "plan_id")?;
        if !self.plans.contains_key(plan_id) {
            return Err(refusal(NO_SUCH_ID, Some("plan_id")));
        }
        let total_count = match body.get("total_count") {
            None => {
                return Err(refusal(
                    "The total count field is required.",
                    Some("total_count"),
                ));
            }
            Some(value) => value.as_u64().filter(|count| *count >= 1).ok_or_else(|| {
                refusal("The total count must be at least 1.", Some("total_count"))
            })?,
        };
        let quantity = match body.get("quantity") {
            None => 1,
            Some(value) => value
                .as_u64()
                .filter(|quantity| *quantity >= 1)
                .ok_or_else(|| refusal("The quantity must be at least 1.", Some("quantity")))?,
        };
        let customer_notify = flag(
            body,
            "customer_notify",
            true,
            "The customer notify field must be true or false.",
        )?;
        let now = self.now();
        let subscription = Subscription {
            id: fresh_id("sub_"),
            plan_id: plan_id.to_owned(),
            customer_id: None,
            status: "created".to_owned(),
            current_start: None,
            current_end: None,
            ended_at: None,
            quantity,
            notes: notes(body)?,
            charge_at: Some(now),
            start_at: None,
            end_at: None,
            total_count,
            paid_count: 0,
            customer_notify,
            created_at: now,
            short_url: format!("https://rzp.io/i/{}", &fresh_id("")[..9]),
            change_scheduled_at: None,
            payment_method: None,
        };
        let entity = subscription.entity();
        self.subscriptions
            .insert(subscription.id.clone(), subscription);
        Ok(entity)
    }

    pub(super) fn cancel_subscription(
        &mut self,
        id: &str,
        body: &Map<String, Value>,
    ) -> Result<Value, Reply> {
        let at_cycle_end = flag(
            body,
            "cancel_at_cycle_end",
            false,
            "The cancel at cycle end field must be 0 or 1.",
        )?;
        let now = self.now();
        let subscription = self.subscriptions.get_mut(id).ok_or_else(no_such_id)?;
        if matches!(
            subscription.status.as_str(),
            "cancelled" | "completed" | "expired"
        ) {
            return Err(refusal(
                &format!(
                    "Subscription is not cancellable in {} status.",
                    subscription.status
                ),
                None,
            ));
        }
        match subscription.current_end {
            Some(end) if at_cycle_end => subscription.change_scheduled_at = Some(end),
            _ => {
                subscription.status = "cancelled".to_owned();
                subscription.ended_at = Some(now);
                subscription.charge_at = None;
                subscription.change_scheduled_at = None;
            }
        }
        Ok(subscription.entity())
    }

    pub(super) fn create_order(&mut self, body: &Map<String, Value>) -> Result<Value, Reply> {
        let amount = amount(body)?;
        let currency = currency(body)?;
        let receipt = match body.get("receipt") {
            None | Some(Value::Null) => None,
            Some(Value::String(receipt)) if receipt.chars().count() <= 40 => Some(receipt.clone()),
            Some(_) => {
                return Err(refusal(
                    "The receipt may not be greater than 40 characters.",
                    Some("receipt"),
                ));
            }
        };
        let order = Order {
            id: fresh_id("order_"),
            amount,
            amount_paid: 0,
            currency,
            receipt,
            status: "created".to_owned(),
            attempts: 0,
            notes: notes(body)?,
            created_at: self.now(),
        };
        let entity = order.entity();
        self.orders.insert(order.id.clone(), order);
        Ok(entity)
    }

    pub(super) fn capture_payment(
        &mut self,
        id: &str,
        body: &Map<String, Value>,
    ) -> Result<Value, Reply> {
        let amount = amount(body)?;
        let currency = currency(body)?;
        let payment = self.payments.get_mut(id).ok_or_else(no_such_id)?;
        match payment.status.as_str() {
            "authorized" => {}
            "captured" | "refunded" => {
                return Err(refusal("This payment has already been captured", None));
            }
            _ => {
                return Err(refusal(
                    "Only payments which have been authorized and not yet captured can be captured",
                    None,
                ));
            }
        }
        if amount != payment.amount {
            return Err(refusal(
                "Capture amount must be equal to the amount authorized",
                Some("amount"),
            ));
        }
        if currency != payment.currency {
            return Err(refusal(
                "Currency should be same as payment currency",
                Some("currency"),
            ));
        }
        payment.status = "captured".to_owned();
        let entity = payment.entity();
        if let Some(order) = payment
            .order_id
            .clone()
            .and_then(|order_id| self.orders.get_mut(&order_id))
        {
            order.status = "paid".to_owned();
            order.amount_paid = order.amount;
        }
        Ok(entity)
    }

    pub(super) fn subscription_mut(&mut self, id: &str) -> &mut Subscription {
        self.subscriptions
            .get_mut(id)
            .unwrap_or_else(|| panic!("no subscription {id} at the fake razorpay"))
    }

    /// One cycle's charge of a subscription: its plan's amount times its quantity.
    pub(super) fn subscription_price(&self, id: &str) -> (u64, String) {
        let subscription = self
            .subscriptions
            .get(id)
            .unwrap_or_else(|| panic!("no subscription {id} at the fake razorpay"));
        let plan = &self.plans[&subscription.plan_id];
        (plan.amount * subscription.quantity, plan.currency.clone())
    }

    pub(super) fn entity_of(&self, id: &str) -> Option<(&'static str, Value)> {
        let prefix = id.split('_').next().unwrap_or_default();
        match prefix {
            "sub" => Some(("subscription", self.subscriptions.get(id)?.entity())),
            "pay" => Some(("payment", self.payments.get(id)?.entity())),
            "order" => Some(("order", self.orders.get(id)?.entity())),
            "plan" => Some(("plan", self.plans.get(id)?.entity())),
            _ => None,
        }
    }
}
