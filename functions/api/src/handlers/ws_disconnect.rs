//! WebSocket `$disconnect`: forgets the connection and its subscriptions.

use std::sync::Arc;

use cargoflow_http::{ApiError, Body, Request, Response, no_content};

use crate::Deps;

pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let id = crate::ws_connect::connection_id(&req)?;
    deps.store.delete_ws_connection(&id).await?;
    no_content()
}
