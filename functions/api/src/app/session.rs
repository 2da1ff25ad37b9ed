//! Login sessions: the access token in the body, the refresh token in an httpOnly cookie.
//!
//! The refresh cookie is `cf_rt_ops` or `cf_rt_driver` (the two web apps keep separate
//! sessions in one browser), `HttpOnly; Secure; SameSite=Strict; Path=/api/auth/refresh`:
//! page scripts cannot read it (an XSS cannot steal a 30-day credential), other sites cannot
//! make the browser send it, and it goes to no other endpoint. The apps and the API share one
//! origin (CloudFront in AWS, the local host here), so no CORS credentials are involved.

use cargoflow_auth::Subject;
use cargoflow_domain::{Scope, TokenFamilyId, TokenId, User, time_util};
use cargoflow_http::{ApiError, Body, Request, Response};

use crate::Deps;
use crate::dto::{TenantSummary, TokenResponse};

pub const REFRESH_COOKIE_PATH: &str = "/api/auth/refresh";

/// The refresh cookie of a realm.
pub fn cookie_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Ops => "cf_rt_ops",
        Scope::Driver => "cf_rt_driver",
    }
}

fn cookie(name: &str, value: &str, max_age: i64) -> String {
    format!(
        "{name}={value}; Path={REFRESH_COOKIE_PATH}; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"
    )
}

/// The `Set-Cookie` value that removes a realm's refresh cookie.
pub fn clear_cookie(scope: Scope) -> String {
    cookie(cookie_name(scope), "", 0)
}

/// The value of cookie `name` in the request (API Gateway v2 joins the `cookies` array into
/// one `cookie` header for lambda_http).
pub fn read_cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

pub fn subject(user: &User, session_epoch: u64) -> Subject<'_> {
    Subject {
        user_id: &user.id,
        tenant_id: &user.tenant_id,
        role: user.role,
        driver_id: user.driver_id.as_ref(),
        session_epoch,
    }
}

/// Where a session stands: the family, its current token and when that token was issued.
pub struct SessionPoint<'a> {
    pub family: &'a TokenFamilyId,
    pub token_id: &'a TokenId,
    pub issued_at: time::OffsetDateTime,
}

/// The response carrying a fresh access token and the session's current refresh token.
pub async fn respond(
    deps: &Deps,
    status: u16,
    user: User,
    session_epoch: u64,
    tenant: TenantSummary,
    at: SessionPoint<'_>,
) -> Result<Response<Body>, ApiError> {
    let key = deps.signing_key().await?;
    let now = time_util::now();
    let rules = deps.tokens();
    let scope = user.role.scope();
    let access = rules.issue_access(&key, &subject(&user, session_epoch), at.family, now);
    let refresh = rules.issue_refresh(
        &key,
        &subject(&user, session_epoch),
        at.family,
        at.token_id,
        at.issued_at,
    );
    let body = TokenResponse {
        access_token: access.token,
        token_type: "Bearer",
        expires_in: rules.access_ttl().whole_seconds(),
        user,
        tenant,
    };
    let max_age = (refresh.expires_at - now).whole_seconds().max(0);
    let mut response = cargoflow_http::json(status, &body)?;
    let value = cookie(cookie_name(scope), &refresh.token, max_age)
        .parse()
        .map_err(|e| ApiError::internal("building the refresh cookie", e))?;
    response
        .headers_mut()
        .append(http::header::SET_COOKIE, value);
    Ok(response)
}

/// A new session (family) for a user who just proved who they are.
pub async fn start(
    deps: &Deps,
    status: u16,
    user: User,
    session_epoch: u64,
    tenant: TenantSummary,
) -> Result<Response<Body>, ApiError> {
    // Load the key first: a login never leaves a session behind that it could not sign for.
    deps.signing_key().await?;
    let now = time_util::now();
    let family = TokenFamilyId::generate();
    let token_id = TokenId::generate();
    let expires_at = now + deps.tokens().refresh_ttl();
    let start = cargoflow_store::sessions::SessionStart {
        tenant: &user.tenant_id,
        family: &family,
        user: &user.id,
        token: &token_id,
        session_epoch,
        expires_at,
    };
    deps.store.create_token_family(&start, now).await?;
    respond(
        deps,
        status,
        user,
        session_epoch,
        tenant,
        SessionPoint {
            family: &family,
            token_id: &token_id,
            issued_at: now,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_cookie_is_http_only_secure_strict_and_scoped() {
        let c = cookie("cf_rt_ops", "abc", 60);
        for part in [
            "cf_rt_ops=abc",
            "Path=/api/auth/refresh",
            "Max-Age=60",
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
        ] {
            assert!(c.split("; ").any(|p| p == part), "{part} missing in {c}");
        }
        assert!(clear_cookie(Scope::Driver).starts_with("cf_rt_driver=; "));
        assert!(clear_cookie(Scope::Driver).contains("Max-Age=0"));
    }

    #[test]
    fn reads_the_named_cookie_only() {
        let req = http::Request::builder()
            .header("cookie", "a=1; cf_rt_driver=xyz; cf_rt_ops=")
            .body(Body::Empty)
            .unwrap();
        assert_eq!(read_cookie(&req, "cf_rt_driver").as_deref(), Some("xyz"));
        assert_eq!(read_cookie(&req, "cf_rt_ops"), None);
        assert_eq!(read_cookie(&req, "cf_rt"), None);
    }
}
