//! Ending a user's access at once: after a deactivation or a role change has moved the user's
//! session epoch on (in the same write as the change), their open WebSockets are closed here.
//! Their access tokens stop working within `AUTH_STATE_CACHE_SECS` on every instance (the
//! epoch check in shared/http/src/auth.rs) and their sessions cannot refresh (the family
//! records the epoch it was started in).

use cargoflow_domain::{TenantId, UserId, time_util};
use cargoflow_store::keys;

use crate::Deps;
use crate::live::Pushed;

/// Closes every WebSocket the user holds; returns how many were closed. Failures are logged:
/// a socket left open still cannot authenticate anything new, and expires with its TTL.
pub async fn close_user_sockets(deps: &Deps, tenant: &TenantId, user: &UserId) -> usize {
    deps.auth.forget(tenant, user);
    let partition = keys::ws_user_connections(tenant, user);
    let subscribers = match deps
        .store
        .ws_subscribers(&partition, time_util::now().unix_timestamp())
        .await
    {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = ?e, "reading the user's sockets failed");
            return 0;
        }
    };
    let pusher = deps.pusher().await;
    let mut closed = 0;
    for s in &subscribers {
        if matches!(
            pusher.close(&s.connection_id).await,
            Pushed::Sent | Pushed::Gone
        ) {
            closed += 1;
        }
        // $disconnect deletes these too; deleting here keeps no stale subscriber behind if
        // it is late.
        if let Err(e) = deps.store.delete_ws_connection(&s.connection_id).await {
            tracing::warn!(connection_id = %s.connection_id, error = ?e, "deleting a closed socket's items failed");
        }
    }
    tracing::info!(tenant_id = %tenant, target_user = %user, closed, "user's sockets closed");
    closed
}
