//! POST /api/ops/drivers: a driver record and, with email and password, its DRIVER login,
//! created together in one transaction.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, created, parse_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDriverRequest {
    #[schema(example = "Ravi Kumar")]
    #[schema(max_length = 120)]
    pub name: String,
    #[schema(example = "+919900001111")]
    pub phone: String,
    /// With `password`, creates the driver's login.
    #[schema(example = "ravi@acme.com")]
    #[schema(max_length = 254)]
    pub email: Option<String>,
    #[schema(example = "DriverPass123!")]
    #[schema(min_length = 10, max_length = 128)]
    pub password: Option<String>,
    pub is_active: Option<bool>,
}

#[utoipa::path(post, path = "/api/ops/drivers", operation_id = "create_driver", tag = "drivers",
    security(("bearer" = [])), request_body = CreateDriverRequest,
    responses(
        (status = 201, description = "Created", body = Driver),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Email taken", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let body: CreateDriverRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let mut e = FieldErrors::new();
    let name = e.check("name", DisplayName::parse(&body.name));
    let phone = e.check("phone", Phone::parse(&body.phone));
    let login = match (&body.email, &body.password) {
        (Some(email), Some(password)) => {
            let email = e.check("email", Email::parse(email));
            let password = e.check("password", Password::parse(password));
            email.zip(password)
        }
        (Some(_), None) => {
            e.add("password", "is required when email is given");
            None
        }
        (None, Some(_)) => {
            e.add("email", "is required when password is given");
            None
        }
        (None, None) => None,
    };
    let (Some(name), Some(phone)) = (name, phone) else {
        return Err(e.into());
    };
    if !e.is_empty() {
        return Err(e.into());
    }
    let now = time_util::now();
    let is_active = body.is_active.unwrap_or(true);
    let mut driver = Driver {
        id: DriverId::generate(),
        name: name.clone(),
        phone,
        email: None,
        user_id: None,
        is_active,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let user = match login {
        Some((email, password)) => {
            let user = User {
                id: UserId::generate(),
                tenant_id: caller.tenant_id.clone(),
                email: email.clone(),
                full_name: name,
                role: Role::Driver,
                is_active,
                driver_id: Some(driver.id.clone()),
                created_at: now,
                updated_at: now,
                version: 1,
            };
            driver.email = Some(email);
            driver.user_id = Some(user.id.clone());
            let hash = cargoflow_auth::hash_password(&password)
                .map_err(|e| ApiError::internal("hashing password", e))?;
            Some((user, hash))
        }
        None => None,
    };
    deps.store
        .create_driver(
            &caller.tenant_id,
            &driver,
            user.as_ref().map(|(u, h)| (u, h.clone())),
        )
        .await?;
    created(&driver)
}
