//! `seed-demo`: demo tenants, ops users of both roles, drivers with logins, vehicles. Safe to
//! run again: a tenant whose slug exists is left as it is. Prints the demo logins.

use anyhow::{Context, Result};
use cargoflow_domain::*;
use cargoflow_store::{Store, StoreError};

const OPS_PASSWORD: &str = "DemoPass123!";
const DRIVER_PASSWORD: &str = "DriverPass123!";

struct DemoTenant {
    name: &'static str,
    slug: &'static str,
    drivers: &'static [(&'static str, &'static str)],
    vehicles: &'static [(&'static str, VehicleType, i64)],
}

const TENANTS: &[DemoTenant] = &[
    DemoTenant {
        name: "Acme Logistics",
        slug: "acme",
        drivers: &[
            ("Ravi Kumar", "+919900001111"),
            ("Priya Nair", "+919900001112"),
            ("Arjun Mehta", "+919900001113"),
            ("Sara Thomas", "+919900001114"),
            ("Vikram Rao", "+919900001115"),
        ],
        vehicles: &[
            ("KA01AB1234", VehicleType::Van, 1200),
            ("KA01AB1235", VehicleType::Van, 1200),
            ("KA02CD5678", VehicleType::Truck, 5000),
            ("KA03EF9012", VehicleType::Car, 300),
            ("KA04GH3456", VehicleType::Bike, 40),
        ],
    },
    DemoTenant {
        name: "Globex Freight",
        slug: "globex",
        drivers: &[
            ("Hank Scorpio", "+14155550101"),
            ("Mona Lee", "+14155550102"),
        ],
        vehicles: &[
            ("GLX-001", VehicleType::Truck, 8000),
            ("GLX-002", VehicleType::Van, 1500),
        ],
    },
];

fn user(
    tenant: &TenantId,
    email: &str,
    name: &str,
    role: Role,
    driver: Option<&DriverId>,
) -> Result<User> {
    let now = time_util::now();
    Ok(User {
        id: UserId::generate(),
        tenant_id: tenant.clone(),
        email: Email::parse(email).map_err(anyhow::Error::msg)?,
        full_name: DisplayName::parse(name).map_err(anyhow::Error::msg)?,
        role,
        is_active: true,
        driver_id: driver.cloned(),
        created_at: now,
        updated_at: now,
        version: 1,
    })
}

async fn seed_tenant(store: &Store, t: &DemoTenant) -> Result<bool> {
    let now = time_util::now();
    let tenant = Tenant {
        id: TenantId::generate(),
        name: DisplayName::parse(t.name).map_err(anyhow::Error::msg)?,
        slug: TenantSlug::parse(t.slug).map_err(anyhow::Error::msg)?,
        is_active: true,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let ops_hash =
        cargoflow_auth::hash_password(&Password::parse(OPS_PASSWORD).map_err(anyhow::Error::msg)?)?;
    let admin = user(
        &tenant.id,
        &format!("admin@{}.example", t.slug),
        "Demo Admin",
        Role::OpsAdmin,
        None,
    )?;
    match store
        .register_tenant(&tenant, &admin, ops_hash.clone())
        .await
    {
        Ok(()) => {}
        Err(StoreError::Taken { .. }) => return Ok(false),
        Err(e) => return Err(e).context("registering tenant"),
    }
    let dispatcher = user(
        &tenant.id,
        &format!("dispatch@{}.example", t.slug),
        "Demo Dispatcher",
        Role::OpsDispatcher,
        None,
    )?;
    store.create_user(&dispatcher, ops_hash).await?;
    let driver_hash = cargoflow_auth::hash_password(
        &Password::parse(DRIVER_PASSWORD).map_err(anyhow::Error::msg)?,
    )?;
    for (i, (name, phone)) in t.drivers.iter().enumerate() {
        let email = format!("driver{}@{}.example", i + 1, t.slug);
        let mut driver = Driver {
            id: DriverId::generate(),
            name: DisplayName::parse(name).map_err(anyhow::Error::msg)?,
            phone: Phone::parse(phone).map_err(anyhow::Error::msg)?,
            email: None,
            user_id: None,
            is_active: true,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let login = user(&tenant.id, &email, name, Role::Driver, Some(&driver.id))?;
        driver.email = Some(login.email.clone());
        driver.user_id = Some(login.id.clone());
        store
            .create_driver(&tenant.id, &driver, Some((&login, driver_hash.clone())))
            .await?;
    }
    for (plate, ty, cap) in t.vehicles {
        let vehicle = Vehicle {
            id: VehicleId::generate(),
            plate_number: PlateNumber::parse(plate).map_err(anyhow::Error::msg)?,
            vehicle_type: *ty,
            capacity_kg: CapacityKg::parse(*cap).map_err(anyhow::Error::msg)?,
            is_active: true,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        store.create_vehicle(&tenant.id, &vehicle).await?;
    }
    Ok(true)
}

#[tokio::main]
async fn main() -> Result<()> {
    let table = std::env::var("TABLE_NAME").unwrap_or_else(|_| "cargoflow-local".into());
    let store = Store::from_env(table).await;
    for t in TENANTS {
        let created = seed_tenant(&store, t)
            .await
            .with_context(|| format!("seeding {}", t.slug))?;
        println!(
            "  tenant {:<8} {}",
            t.slug,
            if created {
                "seeded"
            } else {
                "already there, left as is"
            }
        );
    }
    println!();
    println!("  Demo logins (ops console /login):");
    for t in TENANTS {
        println!(
            "    {:<26} {OPS_PASSWORD}   OPS_ADMIN, {}",
            format!("admin@{}.example", t.slug),
            t.name
        );
        println!(
            "    {:<26} {OPS_PASSWORD}   OPS_DISPATCHER",
            format!("dispatch@{}.example", t.slug)
        );
    }
    println!("  Driver logins (driver app /driver/login):");
    for t in TENANTS {
        println!(
            "    driver1..{}@{}.example     {DRIVER_PASSWORD}",
            t.drivers.len(),
            t.slug
        );
    }
    Ok(())
}
