//! What the driver endpoints share: the caller must be a driver, the order one of their own
//! started route's, and the driver within their request rate.

use cargoflow_auth::Identity;
use cargoflow_domain::*;
use cargoflow_http::{ApiError, NotFoundAs, Request, authenticate, path_id};
use cargoflow_store::keys;
use cargoflow_store::throttle::ThrottleRule;

use crate::Deps;

/// An order the calling driver may act on, with its route.
pub struct DriverOrder {
    pub caller: Identity,
    pub driver: DriverId,
    pub order: Order,
    pub route: Route,
}

/// Hits of a busy counter written to the table at a time (see
/// `Store::throttle_hit_batched`): a write per five requests instead of one per request; an
/// instance may let up to four requests more through before another instance's block reaches
/// it.
pub const RATE_LIMIT_BATCH: u64 = 5;

/// Counts one request of `subject` against `per_minute`; 429 with Retry-After when over.
pub async fn rate_limit(
    deps: &Deps,
    scope: &str,
    subject: &str,
    per_minute: u64,
    message: &'static str,
) -> Result<(), ApiError> {
    let now = time_util::now().unix_timestamp();
    let rule = ThrottleRule {
        // The counter blocks on reaching `limit`: allow `per_minute` requests.
        limit: per_minute + 1,
        window_secs: 60,
        block_secs: 60,
    };
    let decision = deps
        .store
        .throttle_hit_batched(
            &deps.rate_counts,
            &keys::throttle(scope, subject),
            rule,
            now,
        )
        .await?;
    if decision.allowed {
        Ok(())
    } else {
        Err(ApiError::TooManyRequests {
            retry_after_secs: decision.retry_after_secs,
            message,
        })
    }
}

/// The calling driver (authenticated, rate-limited per driver).
pub async fn driver_caller(deps: &Deps, req: &Request) -> Result<(Identity, DriverId), ApiError> {
    let caller = authenticate(req, &deps.auth, Permission::Drive).await?;
    let driver = caller
        .driver_id
        .clone()
        .ok_or(ApiError::Forbidden("This token has no driver."))?;
    rate_limit(
        deps,
        "driver-actions",
        driver.as_str(),
        deps.config.driver_status_limit,
        "Too many updates from this driver; wait and retry.",
    )
    .await?;
    Ok((caller, driver))
}

/// The order of the path's `{id}`, if it is on one of the calling driver's routes (404
/// otherwise, never another driver's data) and that route has started (409).
pub async fn driver_order(deps: &Deps, req: &Request) -> Result<DriverOrder, ApiError> {
    let (caller, driver) = driver_caller(deps, req).await?;
    let id = path_id(req, "id", OrderId::parse, "order")?;
    let order = deps
        .store
        .get_order(&caller.tenant_id, &id)
        .await
        .not_found_as("order")?;
    if order.driver_id.as_ref() != Some(&driver) {
        return Err(ApiError::NotFound("order"));
    }
    let route_id = order.route_id.clone().ok_or(ApiError::NotFound("order"))?;
    let route = deps
        .store
        .get_route(&caller.tenant_id, &route_id)
        .await
        .not_found_as("order")?;
    if route.driver_id != driver {
        return Err(ApiError::NotFound("order"));
    }
    if route.status != RouteStatus::InProgress {
        return Err(ApiError::conflict(
            "route_not_started",
            "Start the route before updating its orders.",
        ));
    }
    Ok(DriverOrder {
        caller,
        driver,
        order,
        route,
    })
}
