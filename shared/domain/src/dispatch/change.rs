//! What an operation decides: [`Change`], and the refusal it answers instead: [`DispatchError`].

use serde_json::Value;
use time::OffsetDateTime;

use crate::*;

/// Road speeds and stop times the planner uses (from the deployment's configuration).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// km/h for bike, car, van, truck.
    pub speed_kmh: [f64; 4],
    /// Seconds spent at each stop.
    pub stop_service_secs: i64,
}

impl Settings {
    /// The speed for a vehicle type (a car's for routes stored before routes kept their type).
    pub fn speed(&self, t: Option<VehicleType>) -> f64 {
        let [bike, car, van, truck] = self.speed_kmh;
        match t {
            Some(VehicleType::Bike) => bike,
            Some(VehicleType::Car) | None => car,
            Some(VehicleType::Van) => van,
            Some(VehicleType::Truck) => truck,
        }
    }
}

/// Who makes a change.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub actor_type: ActorType,
    pub user: Option<UserId>,
    /// A driver's change: only on that driver's orders and routes (checked on the state read
    /// and again in the write's condition).
    pub driver: Option<DriverId>,
}

impl Actor {
    pub fn ops(user: &UserId) -> Self {
        Self {
            actor_type: ActorType::Ops,
            user: Some(user.clone()),
            driver: None,
        }
    }

    pub fn driver(user: &UserId, driver: &DriverId) -> Self {
        Self {
            actor_type: ActorType::Driver,
            user: Some(user.clone()),
            driver: Some(driver.clone()),
        }
    }

    pub fn system() -> Self {
        Self {
            actor_type: ActorType::System,
            user: None,
            driver: None,
        }
    }
}

/// What every decision is made with.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub settings: Settings,
    pub now: OffsetDateTime,
    pub actor: Actor,
}

impl Ctx {
    pub fn new(settings: Settings, actor: Actor, now: OffsetDateTime) -> Self {
        Self {
            settings,
            now,
            actor,
        }
    }
}

/// An order's new state, written only while the stored one is still at `expected_version` and
/// `expected_status` (and, for a driver's write, still that driver's).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderWrite {
    pub order: Order,
    pub expected_version: u64,
    pub expected_status: OrderStatus,
    pub driver: Option<DriverId>,
}

/// One order's status move: its new state, its history row and its event, always together.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderMove {
    pub write: OrderWrite,
    pub history: StatusHistoryEntry,
    pub event: NewEvent,
}

/// A route's new state; `expected_version` None for a new route.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteWrite {
    pub route: Route,
    pub expected_version: Option<u64>,
}

/// Conditions the change holds only while they do.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// The driver is active and unchanged since read.
    DriverActive { id: DriverId, version: u64 },
    /// The vehicle is active and unchanged since read (so its capacity still holds).
    VehicleActive { id: VehicleId, version: u64 },
    /// The order exists (a new exception beside it).
    OrderExists { id: OrderId },
}

/// The one-route-per-driver-per-date marker.
#[derive(Debug, Clone, PartialEq)]
pub enum DayMarker {
    Claim(Route),
    Release(Route),
}

/// One decided change. Applied all or nothing (see `UnitOfWork::apply` for changes larger than
/// one transaction).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    pub moves: Vec<OrderMove>,
    pub routes: Vec<RouteWrite>,
    /// Events besides the moves' own (route, exception, POD events).
    pub events: Vec<NewEvent>,
    pub exceptions: Vec<OrderException>,
    pub pod: Option<Pod>,
    pub markers: Vec<DayMarker>,
    pub checks: Vec<Check>,
}

/// DynamoDB's limit on items in one transaction.
pub const MAX_TRANSACTION_ITEMS: usize = 100;

impl Change {
    /// The number of items the change writes or checks (the dashboard counters it updates
    /// included: [`crate::tally`]).
    pub fn items(&self) -> usize {
        self.moves.len() * 3
            + self.routes.len()
            + self.events.len()
            + self.exceptions.len()
            + usize::from(self.pod.is_some())
            + self.markers.len()
            + self.checks.len()
            + self.tally().items()
    }

    pub fn is_empty(&self) -> bool {
        self.items() == 0
    }

    /// Too large for one transaction: applied as a bulk change (the route carries `applying`).
    pub fn is_bulk(&self) -> bool {
        self.items() > MAX_TRANSACTION_ITEMS
    }

    /// The decided state of route `id`.
    pub fn route(&self, id: &RouteId) -> Option<&Route> {
        self.routes.iter().map(|w| &w.route).find(|r| &r.id == id)
    }

    /// The decided state of order `id`.
    pub fn order(&self, id: &OrderId) -> Option<&Order> {
        self.moves
            .iter()
            .map(|m| &m.write.order)
            .find(|o| &o.id == id)
    }

    pub fn merge(&mut self, other: Change) {
        self.moves.extend(other.moves);
        self.routes.extend(other.routes);
        self.events.extend(other.events);
        self.exceptions.extend(other.exceptions);
        if other.pod.is_some() {
            self.pod = other.pod;
        }
        self.markers.extend(other.markers);
        self.checks.extend(other.checks);
    }
}

/// Why a change is refused; the HTTP layer maps it to 400/403/404/409.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DispatchError {
    /// The thing is not there for this caller (a foreign tenant's, another driver's).
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        details: Option<Value>,
    },
    #[error("{field} {reason}")]
    Field { field: String, reason: String },
}

impl DispatchError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Field {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The code of a conflict (tests and logs).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict { code, .. } => code,
            Self::Field { .. } => "validation_failed",
        }
    }
}

/// Grams-precise weights (the route's running total).
pub fn round_kg(kg: f64) -> f64 {
    (kg * 1000.0).round() / 1000.0
}

pub fn weight_of(o: &Order) -> f64 {
    o.package.weight_kg.unwrap_or(0.0)
}
