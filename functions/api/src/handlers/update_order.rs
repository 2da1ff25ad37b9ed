//! PATCH /api/ops/orders/{id}: edit customer, notes, windows and package while the order is
//! not final; stops only while it is CREATED (not yet on a route). Status is never patched
//! here: it moves only through the status machine.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, parse_json, path_id,
};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use crate::Deps;
use crate::dispatch::write_error;

/// Present-and-null (`Some(None)`) clears a field; absent (`None`) keeps it.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrderRequest {
    #[schema(max_length = 120)]
    pub customer_name: Option<String>,
    pub customer_phone: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 1000)]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<WindowInput>)]
    pub pickup_window: Option<Option<WindowInput>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<WindowInput>)]
    pub drop_window: Option<Option<WindowInput>>,
    pub package: Option<PackageInput>,
    /// Replaces every stop; only while the order is CREATED.
    #[schema(min_items = 2, max_items = 25)]
    pub stops: Option<Vec<StopInput>>,
    /// The version the client edited; when given and stale, 409 (nothing is overwritten).
    pub version: Option<u64>,
    /// Refused (even as null): status changes go through cancel and the status endpoints.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub status: Option<Option<serde_json::Value>>,
}

#[utoipa::path(patch, path = "/api/ops/orders/{id}", operation_id = "update_order", tag = "orders",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = UpdateOrderRequest,
    responses(
        (status = 200, description = "Updated", body = Order),
        (status = 400, description = "Invalid fields (status is never patchable)", body = cargoflow_http::ErrorBody),
        (status = 404, description = "No such order in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Final order, stops of an assigned order, or a concurrent change", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", OrderId::parse, "order")?;
    let body: UpdateOrderRequest = parse_json(&req, deps.config.max_body_bytes)?;
    if body.status.is_some() {
        return Err(ApiError::field(
            "status",
            "cannot be changed here; use cancel or the status endpoints",
        ));
    }
    let current = deps
        .store
        .get_order(&caller.tenant_id, &id)
        .await
        .not_found_as("order")?;
    if body.version.is_some_and(|v| v != current.version) {
        return Err(write_error(
            cargoflow_store::orders::OrderWriteError::Stale,
            Some(&current),
        ));
    }
    if current.status.is_terminal() {
        return Err(ApiError::conflict(
            "order_final",
            format!(
                "The order is {}; final orders cannot be edited.",
                current.status.as_str()
            ),
        ));
    }
    let mut next = current.clone();
    let mut changed = Vec::new();
    let mut e = FieldErrors::new();
    if let Some(v) = &body.customer_name
        && let Some(n) = e.check("customer_name", DisplayName::parse(v))
    {
        next.customer_name = n;
        changed.push("customer_name");
    }
    if let Some(v) = &body.customer_phone
        && let Some(p) = e.check("customer_phone", Phone::parse(v))
    {
        next.customer_phone = p;
        changed.push("customer_phone");
    }
    if let Some(v) = &body.notes
        && let Some(n) = e.check("notes", parse_notes(v.as_deref()))
    {
        next.notes = n;
        changed.push("notes");
    }
    if let Some(v) = &body.pickup_window {
        next.pickup_window = v
            .as_ref()
            .and_then(|w| e.check("pickup_window", parse_window(w)));
        changed.push("pickup_window");
    }
    if let Some(v) = &body.drop_window {
        next.drop_window = v
            .as_ref()
            .and_then(|w| e.check("drop_window", parse_window(w)));
        changed.push("drop_window");
    }
    if let Some(p) = &body.package {
        next.package = parse_package(Some(p), &mut e);
        changed.push("package");
    }
    if let Some(stops) = &body.stops {
        if current.status != OrderStatus::Created {
            return Err(ApiError::conflict(
                "order_assigned",
                "Stops can only change while the order is CREATED (not on a route).",
            ));
        }
        next.stops = parse_stops(stops, &mut e);
        changed.push("stops");
    }
    if let (Some(p), Some(d)) = (next.pickup_window, next.drop_window)
        && p.start >= d.end
    {
        e.add("drop_window", "must end after the pickup window starts");
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    if changed.is_empty() {
        return Err(ApiError::bad_request(
            "empty_update",
            "Send at least one field to change.",
        ));
    }
    next.updated_at = time_util::now();
    next.version = current.version + 1;
    let event = events::order_updated(&next, &changed);
    deps.store
        .update_order(&caller.tenant_id, &next, current.version, &event)
        .await
        .map_err(|e| write_error(e, Some(&current)))?;
    ok(&next)
}
