//! Response shapes shared by several endpoints.

use cargoflow_domain::{Driver, Tenant, User, Vehicle};
use cargoflow_store::Page;
use serde::Serialize;
use utoipa::ToSchema;

/// The public part of a tenant.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantSummary {
    pub id: String,
    pub name: String,
    pub slug: String,
}

impl From<&Tenant> for TenantSummary {
    fn from(t: &Tenant) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.to_string(),
            slug: t.slug.to_string(),
        }
    }
}

/// Issued on register, login and refresh. The refresh token is not in the body: it travels
/// only in an httpOnly, Secure, SameSite=Strict cookie scoped to `/api/auth/refresh`
/// (`cf_rt_ops` or `cf_rt_driver`), so page scripts never see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT access token (about 15 minutes). Send as `Authorization: Bearer <token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: User,
    pub tenant: TenantSummary,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub user: User,
    pub tenant: TenantSummary,
}

macro_rules! page_schema {
    ($name:ident, $item:ty) => {
        /// One page of a list. Pass `next_cursor` back as `cursor` for the next page.
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub next_cursor: Option<String>,
        }

        impl From<Page<$item>> for $name {
            fn from(p: Page<$item>) -> Self {
                Self {
                    items: p.items,
                    next_cursor: p.next_cursor,
                }
            }
        }
    };
}

page_schema!(UserPage, User);
page_schema!(DriverPage, Driver);
page_schema!(VehiclePage, Vehicle);
