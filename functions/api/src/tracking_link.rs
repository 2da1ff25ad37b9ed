//! Shared by rotate-tracking-link and revoke-tracking-link: replaces the order's tracking
//! token (or removes it) with the markers and an order.updated event, in one transaction.

use cargoflow_domain::*;
use cargoflow_http::{ApiError, NotFoundAs, Request, authenticate, path_id};

use crate::Deps;

pub async fn replace(
    deps: &Deps,
    req: &Request,
    new: Option<TrackingToken>,
) -> Result<Order, ApiError> {
    let caller = authenticate(req, &deps.tokens, Permission::Operate)?;
    let id = path_id(req, "id", OrderId::parse, "order")?;
    let current = deps
        .store
        .get_order(&caller.tenant_id, &id)
        .await
        .not_found_as("order")?;
    let mut next = current.clone();
    next.tracking_token = new;
    next.updated_at = time_util::now();
    next.version = current.version + 1;
    let event = events::order_updated(&next, &["tracking_token"]);
    let written = deps
        .store
        .replace_tracking_token(
            &caller.tenant_id,
            &next,
            current.version,
            current.tracking_token.as_ref(),
            &event,
        )
        .await?;
    if !written {
        return Err(crate::transitions::write_error(
            cargoflow_store::orders::OrderWriteError::Stale,
            Some(&current),
        ));
    }
    Ok(next)
}
