//! POST /api/auth/login: email and password for tokens. Repeated failures for an account from
//! one address, or from one address, answer 429 for a while that grows while they go on.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, client_ip, parse_json};
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

fn blocked(retry_after_secs: u64) -> ApiError {
    ApiError::TooManyRequests {
        retry_after_secs,
        message: BLOCKED,
    }
}

#[utoipa::path(post, path = "/api/auth/login", operation_id = "login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in. The refresh token is set as an httpOnly cookie (`cf_rt_ops` or `cf_rt_driver`, path /api/auth/refresh).", body = TokenResponse),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 401, description = "Wrong email or password, or a deactivated account", body = cargoflow_http::ErrorBody),
        (status = 429, description = "Too many failed attempts for this account from this address, or from this address; see Retry-After", body = cargoflow_http::ErrorBody),
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
    // Failures count per (account, address), never per account alone: someone who knows an
    // email can only lock that account out for their own address, and each block in a row
    // grows (60 s, 120 s, ... at most an hour). Per address over all accounts: 4x the limit
    // (credential stuffing). Per-address request rates are AWS WAF's job in front.
    let ip = client_ip(&req).unwrap_or_default();
    let pair_key = keys::throttle("login-account-client", &format!("{}|{ip}", email.as_str()));
    let pair_rule = ThrottleRule {
        limit: c.login_max_failures,
        window_secs: c.login_window_secs,
        block_secs: c.login_block_secs,
    };
    let ip_key = keys::throttle("login-client", &ip);
    let ip_rule = ThrottleRule {
        limit: c.login_max_failures * 4,
        ..pair_rule
    };

    let now = time_util::now().unix_timestamp();
    for key in [&pair_key, &ip_key] {
        let status = deps.store.throttle_status(key, now).await?;
        if !status.allowed {
            return Err(blocked(status.retry_after_secs));
        }
    }

    // Count the attempt before checking the password, so parallel guesses cannot all slip in
    // under the limit; a successful login resets the pair's count.
    let pre = deps
        .store
        .throttle_hit_growing(&pair_key, pair_rule, c.login_block_max_secs, now)
        .await?;
    if !pre.allowed {
        return Err(blocked(pre.retry_after_secs));
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
        let b = deps
            .store
            .throttle_hit_growing(&ip_key, ip_rule, c.login_block_max_secs, now)
            .await?;
        tracing::info!("login failed");
        if !b.allowed {
            return Err(blocked(b.retry_after_secs));
        }
        return Err(invalid());
    }
    let record = record.ok_or_else(invalid)?;
    if !record.user.is_active {
        return Err(ApiError::Unauthorized("This account is deactivated."));
    }
    deps.store.throttle_reset(&pair_key).await?;
    let tenant = deps.store.get_tenant(&record.user.tenant_id).await?;
    if !tenant.is_active {
        return Err(ApiError::Unauthorized("This account is deactivated."));
    }
    tracing::info!(tenant_id = %record.user.tenant_id, user_id = %record.user.id, "login");
    crate::session::start(
        &deps,
        200,
        record.user,
        record.session_epoch,
        TenantSummary::from(&tenant),
    )
    .await
}
