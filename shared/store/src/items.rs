//! Stored item shapes. Each has `PK`, `SK`, `entity_type`, timestamps and `version`, and
//! converts to its domain type with `TryFrom` (checking `entity_type`).

use cargoflow_domain::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::StoreError;
use crate::keys::Key;

fn check_type(found: &str, want: &str) -> Result<(), StoreError> {
    if found == want {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "expected {want}, found {found}"
        )))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TenantItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    /// Every tenant is listed in GSI1 under `TENANTS`, for the scheduled jobs.
    #[serde(rename = "GSI1PK", default)]
    pub gsi1pk: Option<String>,
    #[serde(rename = "GSI1SK", default)]
    pub gsi1sk: Option<String>,
    pub id: String,
    pub name: String,
    pub slug: String,
    pub is_active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

impl TenantItem {
    pub const TYPE: &'static str = "TENANT";

    pub fn new(key: Key, t: &Tenant) -> Self {
        Self {
            pk: key.pk,
            sk: key.sk,
            entity_type: Self::TYPE.into(),
            gsi1pk: Some(crate::keys::GSI1_TENANTS.into()),
            gsi1sk: Some(t.id.to_string()),
            id: t.id.to_string(),
            name: t.name.to_string(),
            slug: t.slug.to_string(),
            is_active: t.is_active,
            created_at: t.created_at,
            updated_at: t.updated_at,
            version: t.version,
        }
    }
}

impl TryFrom<TenantItem> for Tenant {
    type Error = StoreError;
    fn try_from(i: TenantItem) -> Result<Self, StoreError> {
        check_type(&i.entity_type, TenantItem::TYPE)?;
        Ok(Tenant {
            id: TenantId::from_stored(i.id),
            name: DisplayName::from_stored(i.name),
            slug: TenantSlug::from_stored(i.slug),
            is_active: i.is_active,
            created_at: i.created_at,
            updated_at: i.updated_at,
            version: i.version,
        })
    }
}

/// A uniqueness marker (slug, email, plate). The email marker doubles as the login lookup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MarkerItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    pub tenant_id: String,
    /// The id of the entity holding the unique value.
    pub owner_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

impl MarkerItem {
    pub const TYPE: &'static str = "UNIQUE_MARKER";

    pub fn new(key: Key, tenant: &TenantId, owner_id: &str, now: OffsetDateTime) -> Self {
        Self {
            pk: key.pk,
            sk: key.sk,
            entity_type: Self::TYPE.into(),
            tenant_id: tenant.to_string(),
            owner_id: owner_id.to_string(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    pub id: String,
    pub tenant_id: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub is_active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_id: Option<String>,
    /// argon2id PHC string. Only the login path reads it.
    pub password_hash: String,
    /// Moves on when the user is deactivated or their role changes: access tokens and
    /// sessions of an older epoch stop working (shared/http/src/auth.rs).
    #[serde(default)]
    pub session_epoch: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

impl UserItem {
    pub const TYPE: &'static str = "USER";

    pub fn new(key: Key, u: &User, password_hash: String) -> Self {
        Self {
            pk: key.pk,
            sk: key.sk,
            entity_type: Self::TYPE.into(),
            id: u.id.to_string(),
            tenant_id: u.tenant_id.to_string(),
            email: u.email.to_string(),
            full_name: u.full_name.to_string(),
            role: u.role,
            is_active: u.is_active,
            driver_id: u.driver_id.as_ref().map(ToString::to_string),
            password_hash,
            session_epoch: 0,
            created_at: u.created_at,
            updated_at: u.updated_at,
            version: u.version,
        }
    }
}

impl TryFrom<UserItem> for User {
    type Error = StoreError;
    fn try_from(i: UserItem) -> Result<Self, StoreError> {
        check_type(&i.entity_type, UserItem::TYPE)?;
        Ok(User {
            id: UserId::from_stored(i.id),
            tenant_id: TenantId::from_stored(i.tenant_id),
            email: Email::from_stored(i.email),
            full_name: DisplayName::from_stored(i.full_name),
            role: i.role,
            is_active: i.is_active,
            driver_id: i.driver_id.map(DriverId::from_stored),
            created_at: i.created_at,
            updated_at: i.updated_at,
            version: i.version,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DriverItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub is_active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

impl DriverItem {
    pub const TYPE: &'static str = "DRIVER";

    pub fn new(key: Key, tenant: &TenantId, d: &Driver) -> Self {
        Self {
            pk: key.pk,
            sk: key.sk,
            entity_type: Self::TYPE.into(),
            id: d.id.to_string(),
            tenant_id: tenant.to_string(),
            name: d.name.to_string(),
            phone: d.phone.to_string(),
            email: d.email.as_ref().map(ToString::to_string),
            user_id: d.user_id.as_ref().map(ToString::to_string),
            is_active: d.is_active,
            created_at: d.created_at,
            updated_at: d.updated_at,
            version: d.version,
        }
    }
}

impl TryFrom<DriverItem> for Driver {
    type Error = StoreError;
    fn try_from(i: DriverItem) -> Result<Self, StoreError> {
        check_type(&i.entity_type, DriverItem::TYPE)?;
        Ok(Driver {
            id: DriverId::from_stored(i.id),
            name: DisplayName::from_stored(i.name),
            phone: Phone::from_stored(i.phone),
            email: i.email.map(Email::from_stored),
            user_id: i.user_id.map(UserId::from_stored),
            is_active: i.is_active,
            created_at: i.created_at,
            updated_at: i.updated_at,
            version: i.version,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VehicleItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    pub id: String,
    pub tenant_id: String,
    pub plate_number: String,
    pub vehicle_type: VehicleType,
    pub capacity_kg: u32,
    pub is_active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

impl VehicleItem {
    pub const TYPE: &'static str = "VEHICLE";

    pub fn new(key: Key, tenant: &TenantId, v: &Vehicle) -> Self {
        Self {
            pk: key.pk,
            sk: key.sk,
            entity_type: Self::TYPE.into(),
            id: v.id.to_string(),
            tenant_id: tenant.to_string(),
            plate_number: v.plate_number.to_string(),
            vehicle_type: v.vehicle_type,
            capacity_kg: v.capacity_kg.get(),
            is_active: v.is_active,
            created_at: v.created_at,
            updated_at: v.updated_at,
            version: v.version,
        }
    }
}

impl TryFrom<VehicleItem> for Vehicle {
    type Error = StoreError;
    fn try_from(i: VehicleItem) -> Result<Self, StoreError> {
        check_type(&i.entity_type, VehicleItem::TYPE)?;
        Ok(Vehicle {
            id: VehicleId::from_stored(i.id),
            plate_number: PlateNumber::from_stored(i.plate_number),
            vehicle_type: i.vehicle_type,
            capacity_kg: CapacityKg::parse(i64::from(i.capacity_kg))
                .map_err(StoreError::Corrupt)?,
            is_active: i.is_active,
            created_at: i.created_at,
            updated_at: i.updated_at,
            version: i.version,
        })
    }
}

/// A refresh-token family: the current token id, who it belongs to, whether it is revoked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenFamilyItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    pub family_id: String,
    pub user_id: String,
    pub current_token_id: String,
    /// The token the current one replaced, and when: presented again within the grace
    /// window it answers the same successor instead of counting as reuse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_token_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub rotated_at: Option<OffsetDateTime>,
    /// The user's session epoch at login: a later epoch ends the session.
    #[serde(default)]
    pub session_epoch: u64,
    pub revoked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// DynamoDB TTL (epoch seconds): cleanup only, expiry is checked on read.
    pub ttl: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

impl TokenFamilyItem {
    pub const TYPE: &'static str = "REFRESH_TOKEN_FAMILY";
}

/// A registration waiting for its email to be confirmed (the password already hashed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingRegistrationItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    pub tenant_name: String,
    pub tenant_slug: String,
    pub email: String,
    pub full_name: String,
    pub password_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// DynamoDB TTL (epoch seconds): cleanup only, `expires_at` is checked on read.
    pub ttl: i64,
}

impl PendingRegistrationItem {
    pub const TYPE: &'static str = "PENDING_REGISTRATION";
}

/// The published public signing keys (the JWKS), one global item: every function verifies
/// with one GetItem, and no tenant's data is involved.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SigningKeysItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    /// By `kid`.
    pub keys: std::collections::HashMap<String, SigningKeyEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SigningKeyEntry {
    /// The public JWK, as JSON.
    pub jwk: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// Set when a newer key replaced it: verifiers stop accepting it after this.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub withdraw_at: Option<OffsetDateTime>,
}

impl SigningKeysItem {
    pub const TYPE: &'static str = "SIGNING_KEYS";
}

/// A fixed-window counter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThrottleItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    pub count: u64,
    pub window_start: i64,
    #[serde(default)]
    pub blocked_until: i64,
    /// Blocks in a row (growing delays): each block lasts twice the one before, up to the
    /// rule's maximum; forgotten once the subject stayed quiet that long after a block.
    #[serde(default)]
    pub strikes: u32,
    pub ttl: i64,
}

impl ThrottleItem {
    pub const TYPE: &'static str = "THROTTLE";
}
