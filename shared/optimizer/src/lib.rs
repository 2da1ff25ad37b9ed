//! CargoFlow's route optimiser. Pure: no I/O, no clock except the optional time limit, no
//! randomness except a seeded generator, so the same input gives the same route.
//!
//! - [`optimize`] orders a route's stops from its start (a depot, or the first stop, which the
//!   optimiser chooses) so that every PICKUP of an order comes before every DROP of that order,
//!   time windows are met where possible (and the ones that cannot be are reported), and the
//!   haversine distance is short: nearest-neighbour construction, then 2-opt and Or-opt (both
//!   orientations) on neighbour lists with a work queue ("don't-look bits"), then an iterated
//!   local search (seeded segment-swap kicks, each repaired by the same local search).
//! - [`route_eta`] computes arrival offsets and distance for a route already in order (ops
//!   reordering by hand, status changes, a new position of the driver).
//! - [`check_precedence`] validates a hand-made order.
//! - [`solve_tsp`] is the same engine on any distance function (pure TSP, closed tour); it is
//!   what the TSPLIB benchmark (`src/bin/bench-tsplib.rs`) runs. [`optimize_with_metric`] is
//!   [`optimize`] with another metric than haversine.
//!
//! # Model
//! - Times are seconds from the route start (`t = 0`): departure from the depot, or arrival at
//!   the first stop without a depot. Callers convert absolute times (subtract the route's start
//!   time) and add the offsets back to get ETAs.
//! - A stop's arrival is the previous departure plus distance / speed; service starts at
//!   `max(arrival, window.start_s)` (early vehicles wait) and lasts `service_s`; a window is
//!   missed when service starts after `window.end_s`.
//! - Objective: total lateness first (one second late weighs as much as 1,000 km), then
//!   distance. Without windows: distance only.
//! - Precedence: stops sharing an `order_id` form an order; every PICKUP of the order must come
//!   before every DROP of it. A DROP whose order has no PICKUP in the list (already picked up)
//!   is free, as are stops without an `order_id`.
//! - Stops without coordinates go at the end, in their input order, and are reported. If a
//!   PICKUP has no coordinates, every stop of its order goes to that tail with it (in input
//!   order, DROPs moved after the order's last PICKUP if the input had them before), so
//!   precedence holds. Travel to and from stops without coordinates is unknown: it counts as
//!   zero (their arrival is the previous departure; the next leg is measured from the last
//!   stop with coordinates); their service time still counts.
//! - Never worse than the input: when the input order keeps precedence, the result is at least
//!   as good (less lateness, or as little lateness and no longer) as the input order, and
//!   [`Plan::kept_input_order`] says when the input order itself was returned.

#![forbid(unsafe_code)]

mod engine;

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use engine::{Budget, Problem, Times};

/// Mean Earth radius (IUGG), metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A point in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

impl LatLng {
    pub fn new(lat: f64, lng: f64) -> LatLng {
        LatLng { lat, lng }
    }
}

/// Great-circle distance in metres (haversine, mean Earth radius).
pub fn haversine_m(a: LatLng, b: LatLng) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lng - a.lng).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StopKind {
    Pickup,
    Drop,
}

/// When service may start, in seconds from the route start (see the crate docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeWindow {
    pub start_s: f64,
    pub end_s: f64,
}

/// One stop to visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// Opaque, unique within one call.
    pub id: String,
    pub kind: StopKind,
    /// Stops of one order share it: the order's PICKUPs come before its DROPs.
    pub order_id: Option<String>,
    pub location: Option<LatLng>,
    pub window: Option<TimeWindow>,
    /// Time spent at the stop, seconds.
    pub service_s: f64,
}

impl Stop {
    pub fn new(id: impl Into<String>, kind: StopKind) -> Stop {
        Stop {
            id: id.into(),
            kind,
            order_id: None,
            location: None,
            window: None,
            service_s: 0.0,
        }
    }
    pub fn pickup(id: impl Into<String>, order_id: impl Into<String>) -> Stop {
        Stop::new(id, StopKind::Pickup).order(order_id)
    }
    pub fn drop(id: impl Into<String>, order_id: impl Into<String>) -> Stop {
        Stop::new(id, StopKind::Drop).order(order_id)
    }
    pub fn order(mut self, order_id: impl Into<String>) -> Stop {
        self.order_id = Some(order_id.into());
        self
    }
    pub fn at(mut self, lat: f64, lng: f64) -> Stop {
        self.location = Some(LatLng { lat, lng });
        self
    }
    pub fn window(mut self, start_s: f64, end_s: f64) -> Stop {
        self.window = Some(TimeWindow { start_s, end_s });
        self
    }
    pub fn service(mut self, service_s: f64) -> Stop {
        self.service_s = service_s;
        self
    }
}

/// Where the route begins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Start {
    /// A fixed point: the tenant's depot, or the driver's position when re-planning.
    Depot(LatLng),
    /// No depot: the route begins at its first stop, which the optimiser chooses (with orders
    /// complete, a PICKUP: precedence rules out a DROP first). To pin a given stop first, pass
    /// its location as the depot.
    FirstStop,
}

impl From<Option<LatLng>> for Start {
    fn from(depot: Option<LatLng>) -> Start {
        depot.map_or(Start::FirstStop, Start::Depot)
    }
}

/// Settings of one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Average speed of the vehicle type, km/h (> 0).
    pub speed_kmh: f64,
    /// The vehicle comes back to the depot at the end (counted in distance and `end_s`);
    /// only with [`Start::Depot`].
    pub return_to_start: bool,
    /// Perturbation rounds of the iterated local search; `None`: chosen by route size (25 per
    /// stop, at least 400 and at most 10,000; none under 8 stops), `Some(0)`: local search only.
    pub max_kicks: Option<u64>,
    /// Wall-clock bound on the improvement; `None`: the kick budget alone bounds it. A result
    /// cut short by the clock depends on the machine's speed (the only non-determinism).
    pub time_limit: Option<Duration>,
    /// Seed of the perturbations.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            speed_kmh: 30.0,
            return_to_start: false,
            max_kicks: None,
            time_limit: None,
            seed: 0xC4A6_0F10,
        }
    }
}

impl Params {
    pub fn with_speed(speed_kmh: f64) -> Params {
        Params {
            speed_kmh,
            ..Params::default()
        }
    }
}

/// When a stop is reached, seconds from the route start.
#[derive(Debug, Clone, PartialEq)]
pub struct StopEta {
    pub id: String,
    /// Arrival: what the ETA is made of.
    pub arrival_s: f64,
    /// Service start (after waiting for the window to open).
    pub service_start_s: f64,
    pub departure_s: f64,
    /// How late service starts after the window's end (0 when on time or without window).
    pub late_s: f64,
}

/// Times and distance of a route in a given order.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// In route order.
    pub stops: Vec<StopEta>,
    /// Metres between consecutive stops with coordinates, from the depot (and back with
    /// `return_to_start`).
    pub total_distance_m: f64,
    /// Departure from the last stop (arrival at the depot with `return_to_start`).
    pub end_s: f64,
    /// Stops whose window is missed, in route order.
    pub unmet_windows: Vec<String>,
    /// Stops without coordinates, in route order.
    pub without_coordinates: Vec<String>,
}

/// An optimised route.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Stop ids in driving order (a permutation of the input ids).
    pub order: Vec<String>,
    pub schedule: Schedule,
    /// The input order was returned: it was valid and nothing better was found.
    pub kept_input_order: bool,
}

/// Invalid input.
#[derive(Debug, Clone, PartialEq)]
pub enum OptimizeError {
    /// Speed not a positive number.
    InvalidSpeed(f64),
    /// Two stops with this id.
    DuplicateId(String),
    /// Latitude/longitude out of range or not finite (the id, or "depot").
    InvalidCoordinates(String),
    /// A window not finite, or ending before it starts.
    InvalidWindow(String),
    /// A negative or non-finite service time.
    InvalidServiceTime(String),
}

impl fmt::Display for OptimizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptimizeError::InvalidSpeed(v) => {
                write!(f, "speed must be a positive number of km/h, got {v}")
            }
            OptimizeError::DuplicateId(id) => write!(f, "stop id {id} appears more than once"),
            OptimizeError::InvalidCoordinates(id) => write!(f, "stop {id} has invalid coordinates"),
            OptimizeError::InvalidWindow(id) => write!(f, "stop {id} has an invalid time window"),
            OptimizeError::InvalidServiceTime(id) => {
                write!(f, "stop {id} has an invalid service time")
            }
        }
    }
}

impl std::error::Error for OptimizeError {}

/// A DROP placed before a PICKUP of its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrecedenceViolation {
    pub order_id: String,
    pub drop_id: String,
    pub pickup_id: String,
}

impl fmt::Display for PrecedenceViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "order {}: drop {} comes before pickup {}",
            self.order_id, self.drop_id, self.pickup_id
        )
    }
}

impl std::error::Error for PrecedenceViolation {}

/// Checks that, for every order, every PICKUP in `stops` comes before every DROP of it.
/// Reports the first violation in list order.
pub fn check_precedence(stops: &[Stop]) -> Result<(), PrecedenceViolation> {
    let mut first_drop: HashMap<&str, &str> = HashMap::new();
    for stop in stops {
        let Some(order) = stop.order_id.as_deref() else {
            continue;
        };
        match stop.kind {
            StopKind::Drop => {
                first_drop.entry(order).or_insert(&stop.id);
            }
            StopKind::Pickup => {
                if let Some(drop) = first_drop.get(order) {
                    return Err(PrecedenceViolation {
                        order_id: order.to_string(),
                        drop_id: drop.to_string(),
                        pickup_id: stop.id.clone(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Orders `stops` from `start` with haversine distances. See the crate docs for the model.
///
/// ```
/// use cargoflow_optimizer::{optimize, LatLng, Params, Start, Stop};
/// let stops = vec![
///     Stop::drop("o1-drop", "o1").at(52.52, 13.45).service(120.0),
///     Stop::pickup("o1-pick", "o1").at(52.50, 13.40).service(300.0),
///     Stop::pickup("o2-pick", "o2").at(52.51, 13.38).window(0.0, 3600.0),
///     Stop::drop("o2-drop", "o2"), // no coordinates: goes last, reported
/// ];
/// let depot = Start::Depot(LatLng::new(52.49, 13.39));
/// let plan = optimize(depot, &stops, &Params::with_speed(25.0)).unwrap();
/// assert_eq!(plan.order.len(), 4);
/// assert_eq!(plan.order.last().unwrap(), "o2-drop");
/// assert!(plan.schedule.unmet_windows.is_empty());
/// assert_eq!(plan.schedule.without_coordinates, ["o2-drop"]);
/// ```
pub fn optimize(start: Start, stops: &[Stop], params: &Params) -> Result<Plan, OptimizeError> {
    plan(start, stops, params, &haversine_m, true)
}

/// [`optimize`] with another metric (e.g. planar coordinates): `metric(a, b)` must be
/// symmetric and non-negative; coordinates only need to be finite and are given to it as they
/// are. Its unit is taken as metres for travel times.
pub fn optimize_with_metric(
    start: Start,
    stops: &[Stop],
    params: &Params,
    metric: impl Fn(LatLng, LatLng) -> f64,
) -> Result<Plan, OptimizeError> {
    plan(start, stops, params, &metric, false)
}

/// Arrival offsets, distance and missed windows of `stops` driven in the given order.
pub fn route_eta(start: Start, stops: &[Stop], params: &Params) -> Result<Schedule, OptimizeError> {
    validate(start, stops, params, true)?;
    let refs: Vec<&Stop> = stops.iter().collect();
    Ok(schedule(start, &refs, params, &haversine_m))
}

/// [`route_eta`] with another metric (see [`optimize_with_metric`]).
pub fn route_eta_with_metric(
    start: Start,
    stops: &[Stop],
    params: &Params,
    metric: impl Fn(LatLng, LatLng) -> f64,
) -> Result<Schedule, OptimizeError> {
    validate(start, stops, params, false)?;
    let refs: Vec<&Stop> = stops.iter().collect();
    Ok(schedule(start, &refs, params, &metric))
}

/// Closed tour through nodes `0..n`, starting at node 0, for a symmetric distance function
/// (pure TSP: no precedence, no windows). Uses `params.max_kicks`, `time_limit` and `seed`.
pub fn solve_tsp(n: usize, dist: impl Fn(usize, usize) -> f64, params: &Params) -> Vec<usize> {
    if n <= 3 {
        return (0..n).collect();
    }
    let k = n - 1;
    let from_start = |i: usize| dist(0, i + 1);
    let problem = Problem::new(k, |i, j| dist(i + 1, j + 1), Some(&from_start), true);
    let sol = engine::solve(&problem, None, budget(params, k, Instant::now()));
    std::iter::once(0)
        .chain(sol.order.into_iter().map(|i| i + 1))
        .collect()
}

fn budget(params: &Params, k: usize, began: Instant) -> Budget {
    Budget {
        kicks: params.max_kicks.unwrap_or_else(|| engine::auto_kicks(k)),
        deadline: params.time_limit.map(|limit| began + limit),
        seed: params.seed,
    }
}

fn validate(
    start: Start,
    stops: &[Stop],
    params: &Params,
    geographic: bool,
) -> Result<(), OptimizeError> {
    if !(params.speed_kmh.is_finite() && params.speed_kmh > 0.0) {
        return Err(OptimizeError::InvalidSpeed(params.speed_kmh));
    }
    let point_ok = |p: LatLng| {
        p.lat.is_finite()
            && p.lng.is_finite()
            && (!geographic || (p.lat.abs() <= 90.0 && p.lng.abs() <= 180.0))
    };
    if let Start::Depot(p) = start
        && !point_ok(p)
    {
        return Err(OptimizeError::InvalidCoordinates("depot".into()));
    }
    let mut seen = HashMap::with_capacity(stops.len());
    for stop in stops {
        if seen.insert(stop.id.as_str(), ()).is_some() {
            return Err(OptimizeError::DuplicateId(stop.id.clone()));
        }
        if stop.location.is_some_and(|p| !point_ok(p)) {
            return Err(OptimizeError::InvalidCoordinates(stop.id.clone()));
        }
        if let Some(w) = stop.window
            && !(w.start_s.is_finite() && w.end_s.is_finite() && w.start_s <= w.end_s)
        {
            return Err(OptimizeError::InvalidWindow(stop.id.clone()));
        }
        if !(stop.service_s.is_finite() && stop.service_s >= 0.0) {
            return Err(OptimizeError::InvalidServiceTime(stop.id.clone()));
        }
    }
    Ok(())
}

fn plan(
    start: Start,
    stops: &[Stop],
    params: &Params,
    metric: &dyn Fn(LatLng, LatLng) -> f64,
    geographic: bool,
) -> Result<Plan, OptimizeError> {
    let began = Instant::now();
    validate(start, stops, params, geographic)?;

    // Orders, numbered by first appearance.
    let mut order_ids: HashMap<&str, usize> = HashMap::new();
    let group: Vec<Option<usize>> = stops
        .iter()
        .map(|s| {
            s.order_id.as_deref().map(|o| {
                let next = order_ids.len();
                *order_ids.entry(o).or_insert(next)
            })
        })
        .collect();
    // Orders with a PICKUP lacking coordinates go to the tail whole.
    let mut to_tail = vec![false; order_ids.len()];
    for (s, g) in stops.iter().zip(&group) {
        if let (Some(g), StopKind::Pickup, None) = (g, s.kind, s.location) {
            to_tail[*g] = true;
        }
    }
    let in_tail = |i: usize| stops[i].location.is_none() || group[i].is_some_and(|g| to_tail[g]);
    let located: Vec<usize> = (0..stops.len()).filter(|&i| !in_tail(i)).collect();
    let input_tail: Vec<usize> = (0..stops.len()).filter(|&i| in_tail(i)).collect();
    let tail_info =
        |t: usize| group[input_tail[t]].map(|g| (g, stops[input_tail[t]].kind == StopKind::Pickup));
    let tail: Vec<usize> = engine::precedence_fix(input_tail.len(), tail_info)
        .into_iter()
        .map(|t| input_tail[t])
        .collect();

    // The engine's problem over the located stops.
    let k = located.len();
    let point = |i: usize| stops[located[i]].location.expect("located");
    let closed = params.return_to_start && matches!(start, Start::Depot(_));
    let mut problem = match start {
        Start::Depot(depot) => {
            let from_depot = |i: usize| metric(depot, point(i));
            Problem::new(
                k,
                |i, j| metric(point(i), point(j)),
                Some(&from_depot),
                closed,
            )
        }
        Start::FirstStop => Problem::new(k, |i, j| metric(point(i), point(j)), None, false),
    };
    let groups: Vec<Option<(usize, bool)>> = located
        .iter()
        .map(|&i| group[i].map(|g| (g, stops[i].kind == StopKind::Pickup)))
        .collect();
    problem.set_groups(&groups);
    if located.iter().any(|&i| stops[i].window.is_some()) {
        let (mut ready, mut due, mut service) = (
            vec![0.0; k + 2],
            vec![f64::INFINITY; k + 2],
            vec![0.0; k + 2],
        );
        for (x, &i) in located.iter().enumerate() {
            if let Some(w) = stops[i].window {
                ready[x] = w.start_s;
                due[x] = w.end_s;
            }
            service[x] = stops[i].service_s;
        }
        problem.times = Some(Times {
            ready,
            due,
            service,
            s_per_unit: 3.6 / params.speed_kmh,
        });
    }

    // The input order is a candidate when it keeps precedence (checked by the engine).
    let input: Vec<usize> = (0..k).collect();
    let sol = engine::solve(&problem, Some(&input), budget(params, k, began));

    let route: Vec<&Stop> = sol
        .order
        .iter()
        .map(|&x| &stops[located[x]])
        .chain(tail.iter().map(|&i| &stops[i]))
        .collect();
    let schedule = schedule(start, &route, params, metric);
    Ok(Plan {
        order: route.iter().map(|s| s.id.clone()).collect(),
        schedule,
        kept_input_order: sol.kept_input && tail == input_tail,
    })
}

fn schedule(
    start: Start,
    route: &[&Stop],
    params: &Params,
    metric: &dyn Fn(LatLng, LatLng) -> f64,
) -> Schedule {
    let speed_mps = params.speed_kmh / 3.6;
    let mut here = match start {
        Start::Depot(p) => Some(p),
        Start::FirstStop => None,
    };
    let (mut t, mut total) = (0.0, 0.0);
    let mut out = Schedule {
        stops: Vec::with_capacity(route.len()),
        total_distance_m: 0.0,
        end_s: 0.0,
        unmet_windows: Vec::new(),
        without_coordinates: Vec::new(),
    };
    for stop in route {
        match stop.location {
            Some(p) => {
                if let Some(h) = here {
                    let d = metric(h, p);
                    total += d;
                    t += d / speed_mps;
                }
                here = Some(p);
            }
            None => out.without_coordinates.push(stop.id.clone()),
        }
        let arrival = t;
        let begin = stop.window.map_or(arrival, |w| arrival.max(w.start_s));
        let late = stop.window.map_or(0.0, |w| (begin - w.end_s).max(0.0));
        if late > engine::LATE_EPS {
            out.unmet_windows.push(stop.id.clone());
        }
        t = begin + stop.service_s;
        out.stops.push(StopEta {
            id: stop.id.clone(),
            arrival_s: arrival,
            service_start_s: begin,
            departure_s: t,
            late_s: late,
        });
    }
    if let (Start::Depot(depot), true, Some(h)) = (start, params.return_to_start, here) {
        let d = metric(h, depot);
        total += d;
        t += d / speed_mps;
    }
    out.total_distance_m = total;
    out.end_s = t;
    out
}

#[cfg(test)]
mod tests;
