//! POST /api/auth/register: starts a tenant's registration. The tenant and its first OPS_ADMIN
//! are created when the emailed link is followed (register_confirm.rs), so the answer never
//! tells whether an email already has an account; throttled per address and per email.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, client_ip, parse_json};
use cargoflow_store::tenancy::PendingRegistration;
use cargoflow_store::throttle::ThrottleRule;
use cargoflow_store::{StoreError, keys};
use serde::Deserialize;
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "Acme Logistics")]
    #[schema(max_length = 120)]
    pub tenant_name: String,
    #[schema(example = "acme")]
    #[schema(min_length = 3, max_length = 40)]
    pub tenant_slug: String,
    #[schema(example = "ops@acme.com")]
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(example = "StrongPass123!")]
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
    #[schema(example = "Ops Admin")]
    #[schema(max_length = 120)]
    pub full_name: String,
}

pub struct Registration {
    pub tenant_name: DisplayName,
    pub tenant_slug: TenantSlug,
    pub email: Email,
    pub password: Password,
    pub full_name: DisplayName,
}

impl TryFrom<RegisterRequest> for Registration {
    type Error = FieldErrors;
    fn try_from(r: RegisterRequest) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let tenant_name = e.check("tenant_name", DisplayName::parse(&r.tenant_name));
        let tenant_slug = e.check("tenant_slug", TenantSlug::parse(&r.tenant_slug));
        let email = e.check("email", Email::parse(&r.email));
        let password = e.check("password", Password::parse(&r.password));
        let full_name = e.check("full_name", DisplayName::parse(&r.full_name));
        match (tenant_name, tenant_slug, email, password, full_name) {
            (
                Some(tenant_name),
                Some(tenant_slug),
                Some(email),
                Some(password),
                Some(full_name),
            ) if e.is_empty() => Ok(Self {
                tenant_name,
                tenant_slug,
                email,
                password,
                full_name,
            }),
            _ => Err(e),
        }
    }
}

/// Registration answers this whether or not the email already has an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationAccepted {
    #[schema(example = "verification_sent")]
    pub status: &'static str,
}

const HOUR: i64 = 3600;

#[utoipa::path(post, path = "/api/auth/register", operation_id = "register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 202, description = "A confirmation link goes to the email (if the email already has an account, a sign-in reminder goes instead: the answer is the same)", body = RegistrationAccepted),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Slug already taken (slugs are public)", body = cargoflow_http::ErrorBody),
        (status = 429, description = "Too many registrations from this address; see Retry-After", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let reg: Registration =
        parse_json::<RegisterRequest>(&req, deps.config.max_body_bytes)?.try_into()?;
    let c = &deps.config;
    let now = time_util::now();
    let ip = client_ip(&req).unwrap_or_default();
    // A throttle refuses the hit that reaches its limit: limit + 1 lets `limit` through.
    let per_client = ThrottleRule {
        limit: c.register_limit_per_client + 1,
        window_secs: HOUR,
        block_secs: HOUR,
    };
    let d = deps
        .store
        .throttle_hit(
            &keys::throttle("register-client", &ip),
            per_client,
            now.unix_timestamp(),
        )
        .await?;
    if !d.allowed {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: d.retry_after_secs,
            message: "Too many registrations from this address; try again later.",
        });
    }
    if deps.store.slug_taken(&reg.tenant_slug).await? {
        return Err(StoreError::Taken {
            field: "tenant_slug",
        }
        .into());
    }
    // Hashed on both paths below, so the answer's timing does not tell them apart either.
    let password_hash = cargoflow_auth::hash_password(&reg.password)
        .map_err(|e| ApiError::internal("hashing password", e))?;
    let per_email = ThrottleRule {
        limit: c.register_limit_per_email + 1,
        window_secs: HOUR,
        block_secs: HOUR,
    };
    let quota = deps
        .store
        .throttle_hit(
            &keys::throttle("register-email", reg.email.as_str()),
            per_email,
            now.unix_timestamp(),
        )
        .await?;
    if !quota.allowed {
        // The same answer: an inbox is not flooded, and the caller learns nothing.
        tracing::info!("registration email quota reached; nothing sent");
        return accepted();
    }
    let web = c.web_url.trim_end_matches('/');
    if deps.store.email_taken(&reg.email).await? {
        deps.mailer()
            .send(
                reg.email.as_str(),
                "Your CargoFlow account",
                &format!(
                    "Someone, maybe you, tried to register a new organisation on CargoFlow with \
                     this email address. It already has an account: sign in at {web}/login \
                     (forgot your password? ask your organisation's admin).\n\n\
                     If it was not you, you can ignore this message."
                ),
            )
            .await?;
        tracing::info!("registration for an existing email: reminder sent");
        return accepted();
    }
    let token = RegistrationToken::generate();
    let pending = PendingRegistration {
        tenant_name: reg.tenant_name,
        tenant_slug: reg.tenant_slug,
        email: reg.email,
        full_name: reg.full_name,
        password_hash,
    };
    let expires_at = now + time::Duration::seconds(c.registration_ttl_secs);
    deps.store
        .put_pending_registration(&token.hash(), &pending, expires_at)
        .await?;
    deps.mailer()
        .send(
            pending.email.as_str(),
            "Confirm your CargoFlow registration",
            &format!(
                "Welcome to CargoFlow, {name}.\n\nConfirm your email to create {tenant}: \
                 {web}/register/confirm#token={token}\n\nThe link works for {hours} hours. \
                 If you did not register, ignore this message.",
                name = pending.full_name,
                tenant = pending.tenant_name,
                token = token.as_str(),
                hours = c.registration_ttl_secs / HOUR,
            ),
        )
        .await?;
    tracing::info!("registration pending email confirmation");
    accepted()
}

fn accepted() -> Result<Response<Body>, ApiError> {
    cargoflow_http::json(
        202,
        &RegistrationAccepted {
            status: "verification_sent",
        },
    )
}
