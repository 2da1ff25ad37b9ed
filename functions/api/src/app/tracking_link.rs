//! Shared by rotate-tracking-link and revoke-tracking-link: replaces the order's tracking
//! token (or removes it) with the markers and an order.updated event, in one transaction;
//! then closes the old link's WebSockets (DeleteConnection) and deletes their items at once.
//! A connect racing the change cannot slip in: its write is conditioned on the old link's
//! marker, which the transaction deleted (crate::ws_connect).

use cargoflow_domain::*;
use cargoflow_http::{ApiError, NotFoundAs, Request, authenticate, path_id};

use crate::Deps;

pub async fn replace(
    deps: &Deps,
    req: &Request,
    new: Option<TrackingToken>,
) -> Result<Order, ApiError> {
    let caller = authenticate(req, &deps.auth, Permission::Operate).await?;
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
        return Err(crate::dispatch::write_error(
            cargoflow_store::orders::OrderWriteError::Stale,
            Some(&current),
        ));
    }
    // Always (not only when a token was replaced): if this fails after the write, the error
    // makes ops retry, and the retry closes what is left.
    close_link_sockets(deps, &caller.tenant_id, &id).await?;
    Ok(next)
}

/// Closes the order's tracking sockets (all of them belong to the link just replaced: a new
/// link has none yet, and connects with the old one are refused from the write on).
async fn close_link_sockets(
    deps: &Deps,
    tenant: &TenantId,
    order: &OrderId,
) -> Result<(), ApiError> {
    let partition = cargoflow_store::keys::ws_order_subscribers(tenant, order);
    let ids: Vec<String> = deps
        .store
        .ws_subscribers(&partition, i64::MIN)
        .await?
        .into_iter()
        .filter(|s| s.channel == cargoflow_store::live::Channel::Tracking)
        .map(|s| s.connection_id)
        .collect();
    let closed = crate::live::close_connections(deps, &ids).await;
    tracing::info!(order_id = %order, sockets = ids.len(), closed, "tracking link replaced: its sockets closed");
    Ok(())
}
