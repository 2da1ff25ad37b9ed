//! The entities CargoFlow stores, as the API shows them. Store items are separate structs
//! (see cargoflow-store's `items`), converted with `TryFrom`, so storage details never leak.

use crate::ids::*;
use crate::roles::Role;
use crate::validation::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Tenant {
    pub id: TenantId,
    pub name: DisplayName,
    pub slug: TenantSlug,
    pub is_active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

/// A login. The password hash lives only in the store's credential item.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    #[serde(skip)]
    pub tenant_id: TenantId,
    pub email: Email,
    pub full_name: DisplayName,
    pub role: Role,
    pub is_active: bool,
    /// Set for DRIVER logins: the driver record this login drives as.
    pub driver_id: Option<DriverId>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Driver {
    pub id: DriverId,
    pub name: DisplayName,
    pub phone: Phone,
    /// The driver's login email, when the driver has a login.
    pub email: Option<Email>,
    pub user_id: Option<UserId>,
    pub is_active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VehicleType {
    Bike,
    Car,
    Van,
    Truck,
}

impl VehicleType {
    pub fn as_str(self) -> &'static str {
        match self {
            VehicleType::Bike => "BIKE",
            VehicleType::Car => "CAR",
            VehicleType::Van => "VAN",
            VehicleType::Truck => "TRUCK",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_uppercase().as_str() {
            "BIKE" => Ok(Self::Bike),
            "CAR" => Ok(Self::Car),
            "VAN" => Ok(Self::Van),
            "TRUCK" => Ok(Self::Truck),
            _ => Err("must be one of BIKE, CAR, VAN, TRUCK".into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Vehicle {
    pub id: VehicleId,
    pub plate_number: PlateNumber,
    #[serde(rename = "type")]
    pub vehicle_type: VehicleType,
    pub capacity_kg: CapacityKg,
    pub is_active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vehicle_type_parse() {
        assert_eq!(VehicleType::parse("van"), Ok(VehicleType::Van));
        assert!(VehicleType::parse("SPACESHIP").is_err());
        for t in [
            VehicleType::Bike,
            VehicleType::Car,
            VehicleType::Van,
            VehicleType::Truck,
        ] {
            assert_eq!(VehicleType::parse(t.as_str()), Ok(t));
        }
    }
}
