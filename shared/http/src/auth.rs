//! Who is calling: the bearer access token, verified, and the permission the route demands.

use cargoflow_auth::{Identity, TokenService};
use cargoflow_domain::Permission;
use lambda_http::Request;

use crate::ApiError;

pub fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Verifies the caller's access token and that its scope and role allow `permission`.
/// Bad or missing credentials answer 401; a valid token of the wrong scope or role, 403.
pub fn authenticate(
    req: &Request,
    tokens: &TokenService,
    permission: Permission,
) -> Result<Identity, ApiError> {
    let identity = identify(req, tokens)?;
    if identity.role.scope() != permission.scope() {
        return Err(ApiError::Forbidden(match permission.scope() {
            cargoflow_domain::Scope::Ops => {
                "This endpoint is for the ops console; driver tokens cannot use it."
            }
            cargoflow_domain::Scope::Driver => {
                "This endpoint is for the driver app; ops tokens cannot use it."
            }
        }));
    }
    if !permission.allows(identity.role) {
        return Err(ApiError::Forbidden("Your role does not allow this action."));
    }
    Ok(identity)
}

/// Verifies the access token without a permission check (e.g. `/api/auth/me`).
pub fn identify(req: &Request, tokens: &TokenService) -> Result<Identity, ApiError> {
    let token = bearer(req).ok_or(ApiError::Unauthorized("A bearer access token is required."))?;
    let identity = tokens.verify_access(token).map_err(|e| {
        tracing::info!(reason = %e, "access token refused");
        ApiError::Unauthorized("The access token is invalid or expired.")
    })?;
    let span = tracing::Span::current();
    span.record("tenant_id", identity.tenant_id.as_str());
    span.record("user_id", identity.user_id.as_str());
    Ok(identity)
}
