//! POST /api/auth/login: email and password for tokens. Repeated failures for an account or
//! from a client address answer 429 for a while.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, client_ip, ok, parse_json};
use cargoflow_store::keys;
use cargoflow_store::throttle::ThrottleRule;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::dto::{TenantSummary, TokenResponse};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "ops@acme.com")]
    pub email: String,
    #[schema(example = "StrongPass123!")]
    pub password: String,
}

const BLOCKED: &str = "Too many failed logins; try again later.";

fn invalid() -> ApiError {
    ApiError::Unauthorized("Email or password is incorrect.")
}

#[utoipa::path(post, path = "/api/auth/login", operation_id = "login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 401, description = "Wrong email or password, or a deactivated account", body = cargoflow_http::ErrorBody),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let body: LoginRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let email = Email::parse(&body.email).map_err(|r| ApiError::field("email", r))?;
    if body.password.is_empty() {
        return Err(ApiError::field("password", "is required"));
    }
    if body.password.len() > 1024 {
        return Err(ApiError::field("password", "is too long"));
    }
    let c = &deps.config;
    let account_key = keys::throttle("login-account", email.as_str());
    let account_rule = ThrottleRule {
        limit: c.login_max_failures,
        window_secs: c.login_window_secs,
        block_secs: c.login_block_secs,
    };
    let ip = client_ip(&req).unwrap_or_default();
    let ip_key = keys::throttle("login-client", &ip);
    let ip_rule = ThrottleRule {
        limit: c.login_max_failures * 4,
        ..account_rule
    };

    let now = time_util::now().unix_timestamp();
    for key in [&account_key, &ip_key] {
        let status = deps.store.throttle_status(key, now).await?;
        if !status.allowed {
            return Err(ApiError::TooManyRequests {
                retry_after_secs: status.retry_after_secs,
                message: BLOCKED,
            });
        }
    }

    // Count the attempt before checking the password, so parallel guesses cannot all slip in
    // under the limit; a successful login resets the account's count.
    let pre = deps
        .store
        .throttle_hit(&account_key, account_rule, now)
        .await?;
    if !pre.allowed {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: pre.retry_after_secs,
            message: BLOCKED,
        });
    }
    let record = deps.store.find_login(&email).await?;
    let verified = match &record {
        Some(r) => cargoflow_auth::verify_password(&body.password, &r.password_hash),
        None => {
            cargoflow_auth::verify_against_dummy(&body.password);
            false
        }
    };
    if !verified {
        let b = deps.store.throttle_hit(&ip_key, ip_rule, now).await?;
        tracing::info!("login failed");
        if !b.allowed {
            return Err(ApiError::TooManyRequests {
                retry_after_secs: b.retry_after_secs,
                message: BLOCKED,
            });
        }
        return Err(invalid());
    }
    let record = record.ok_or_else(invalid)?;
    if !record.user.is_active {
        return Err(ApiError::Unauthorized("This account is deactivated."));
    }
    deps.store.throttle_reset(&account_key).await?;
    let tenant = deps.store.get_tenant(&record.user.tenant_id).await?;
    if !tenant.is_active {
        return Err(ApiError::Unauthorized("This account is deactivated."));
    }
    tracing::info!(tenant_id = %record.user.tenant_id, user_id = %record.user.id, "login");
    let tokens = crate::session::start(&deps, record.user, TenantSummary::from(&tenant)).await?;
    ok(&tokens)
}
