//! Drivers (with their optional DRIVER login) and vehicles.

use aws_sdk_dynamodb::types::AttributeValue;
use cargoflow_domain::*;
use time::OffsetDateTime;

use crate::items::{DriverItem, MarkerItem, UserItem, VehicleItem};
use crate::store::{n, s};
use crate::tenancy::{UserChanges, map_unique};
use crate::{Page, Store, StoreError, keys};

#[derive(Debug, Clone, Default)]
pub struct DriverChanges {
    pub name: Option<DisplayName>,
    pub phone: Option<Phone>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct VehicleChanges {
    pub plate_number: Option<PlateNumber>,
    pub vehicle_type: Option<VehicleType>,
    pub capacity_kg: Option<CapacityKg>,
    pub is_active: Option<bool>,
}

impl Store {
    /// Creates a driver and, when given, its DRIVER login (email marker + user): one
    /// transaction, so a taken email leaves no driver behind.
    pub async fn create_driver(
        &self,
        tenant: &TenantId,
        driver: &Driver,
        login: Option<(&User, String)>,
    ) -> Result<(), StoreError> {
        let mut tx = vec![self.put_new(Self::to_item(&DriverItem::new(
            keys::driver(tenant, &driver.id),
            tenant,
            driver,
        ))?)?];
        if let Some((user, hash)) = login {
            tx.push(self.put_new(Self::to_item(&MarkerItem::new(
                keys::email_marker(&user.email),
                tenant,
                user.id.as_str(),
                user.created_at,
            ))?)?);
            tx.push(self.put_new(Self::to_item(&UserItem::new(
                keys::user(tenant, &user.id),
                user,
                hash,
            ))?)?);
        }
        self.transact(tx)
            .await
            .map_err(|e| map_unique(e, &[(1, "email")]))
    }

    pub async fn get_driver(
        &self,
        tenant: &TenantId,
        driver: &DriverId,
    ) -> Result<Driver, StoreError> {
        let item: DriverItem = self
            .get(&keys::driver(tenant, driver))
            .await?
            .ok_or(StoreError::NotFound)?;
        item.try_into()
    }

    pub async fn list_drivers(
        &self,
        tenant: &TenantId,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<Page<Driver>, StoreError> {
        let page = self
            .query_prefix::<DriverItem>(
                &keys::tenant_pk(tenant),
                keys::DRIVER_PREFIX,
                cursor,
                limit,
            )
            .await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(Driver::try_from)
                .collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor,
        })
    }

    /// Updates a driver at `expected_version`. Deactivating (or reactivating) a driver does
    /// the same to its login in the same transaction.
    pub async fn update_driver(
        &self,
        tenant: &TenantId,
        current: &Driver,
        changes: &DriverChanges,
        now: OffsetDateTime,
    ) -> Result<Driver, StoreError> {
        let mut sets = vec!["updated_at = :now", "version = version + :one"];
        let mut values: Vec<(&str, AttributeValue)> = vec![
            (":now", s(time_util::rfc3339(now))),
            (":one", n(1)),
            (":expected", n(current.version)),
        ];
        if let Some(name) = &changes.name {
            sets.push("#name = :name");
            values.push((":name", s(name.as_str())));
        }
        if let Some(phone) = &changes.phone {
            sets.push("phone = :phone");
            values.push((":phone", s(phone.as_str())));
        }
        if let Some(active) = changes.is_active {
            sets.push("is_active = :active");
            values.push((":active", AttributeValue::Bool(active)));
        }
        // DynamoDB refuses declared names an expression does not use.
        let mut names = vec![("#pk", keys::PK)];
        if changes.name.is_some() {
            names.push(("#name", "name"));
        }
        let mut tx = vec![self.update(
            &keys::driver(tenant, &current.id),
            &format!("SET {}", sets.join(", ")),
            "attribute_exists(#pk) AND version = :expected",
            &names,
            values,
        )?];
        if let (Some(active), Some(user_id)) = (changes.is_active, &current.user_id)
            && active != current.is_active
        {
            let user = self.get_user(tenant, user_id).await?;
            let user_changes = UserChanges {
                is_active: Some(active),
                ..Default::default()
            };
            tx.push(self.user_update(tenant, user_id, user.version, &user_changes, now)?);
        }
        self.transact(tx).await.map_err(|e| map_unique(e, &[]))?;
        self.get_driver(tenant, &current.id).await
    }

    /// Creates a vehicle with its plate marker (plates are unique per tenant).
    pub async fn create_vehicle(
        &self,
        tenant: &TenantId,
        vehicle: &Vehicle,
    ) -> Result<(), StoreError> {
        let tx = vec![
            self.put_new(Self::to_item(&VehicleItem::new(
                keys::vehicle(tenant, &vehicle.id),
                tenant,
                vehicle,
            ))?)?,
            self.put_new(Self::to_item(&MarkerItem::new(
                keys::plate_marker(tenant, &vehicle.plate_number),
                tenant,
                vehicle.id.as_str(),
                vehicle.created_at,
            ))?)?,
        ];
        self.transact(tx)
            .await
            .map_err(|e| map_unique(e, &[(1, "plate_number")]))
    }

    pub async fn get_vehicle(
        &self,
        tenant: &TenantId,
        vehicle: &VehicleId,
    ) -> Result<Vehicle, StoreError> {
        let item: VehicleItem = self
            .get(&keys::vehicle(tenant, vehicle))
            .await?
            .ok_or(StoreError::NotFound)?;
        item.try_into()
    }

    pub async fn list_vehicles(
        &self,
        tenant: &TenantId,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<Page<Vehicle>, StoreError> {
        let page = self
            .query_prefix::<VehicleItem>(
                &keys::tenant_pk(tenant),
                keys::VEHICLE_PREFIX,
                cursor,
                limit,
            )
            .await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(Vehicle::try_from)
                .collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor,
        })
    }

    /// Updates a vehicle at `current.version`; a new plate swaps the plate marker in the same
    /// transaction.
    pub async fn update_vehicle(
        &self,
        tenant: &TenantId,
        current: &Vehicle,
        changes: &VehicleChanges,
        now: OffsetDateTime,
    ) -> Result<Vehicle, StoreError> {
        let mut next = current.clone();
        if let Some(p) = &changes.plate_number {
            next.plate_number = p.clone();
        }
        if let Some(t) = changes.vehicle_type {
            next.vehicle_type = t;
        }
        if let Some(c) = changes.capacity_kg {
            next.capacity_kg = c;
        }
        if let Some(a) = changes.is_active {
            next.is_active = a;
        }
        next.updated_at = now;
        next.version = current.version + 1;
        let mut tx = vec![self.put_versioned(
            Self::to_item(&VehicleItem::new(
                keys::vehicle(tenant, &current.id),
                tenant,
                &next,
            ))?,
            current.version,
        )?];
        let plate_changed = next.plate_number != current.plate_number;
        if plate_changed {
            tx.push(self.put_new(Self::to_item(&MarkerItem::new(
                keys::plate_marker(tenant, &next.plate_number),
                tenant,
                current.id.as_str(),
                now,
            ))?)?);
            tx.push(self.delete(&keys::plate_marker(tenant, &current.plate_number))?);
        }
        self.transact(tx)
            .await
            .map_err(|e| map_unique(e, &[(1, "plate_number")]))?;
        Ok(next)
    }
}
