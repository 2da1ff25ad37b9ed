//! GET /api/auth/jwks: the public keys access tokens are signed with (an RFC 7517 JWK Set),
//! for integrators who verify CargoFlow tokens themselves. Public; during a key rotation it
//! lists both the new key and the old one until the old one is withdrawn.

use std::sync::Arc;

use cargoflow_domain::time_util;
use cargoflow_http::{ApiError, Body, Request, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

/// An RFC 7517 JWK Set of Ed25519 (`kty: OKP`, `crv: Ed25519`) signature keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct JwksResponse {
    /// Each key has `kid` (its RFC 7638 thumbprint), `use: sig` and `alg: EdDSA`.
    #[schema(value_type = Vec<Object>)]
    pub keys: Vec<serde_json::Value>,
}

#[utoipa::path(get, path = "/api/auth/jwks", operation_id = "get_jwks", tag = "auth",
    responses((status = 200, description = "The published signing keys", body = JwksResponse)))]
pub async fn handle(deps: Arc<Deps>, _req: Request) -> Result<Response<Body>, ApiError> {
    let published = deps.store.published_keys(time_util::now()).await?;
    let set = cargoflow_http::jwks(&published);
    let body = JwksResponse {
        keys: set
            .keys
            .iter()
            .map(|k| serde_json::to_value(k).map_err(|e| ApiError::internal("encoding a JWK", e)))
            .collect::<Result<_, _>>()?,
    };
    let mut response = cargoflow_http::ok(&body)?;
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}
