//! The bridge to the route optimiser (shared/optimizer, pure): route stops in, stops in
//! driving order with ETAs out, plus the windows the plan cannot meet. Routes keep each stop's
//! time window, so re-planning needs no order reads.

use std::collections::{HashMap, HashSet};

use cargoflow_optimizer as opt;
use time::OffsetDateTime;

use super::Settings;
use crate::*;

pub struct PlanResult {
    pub stops: Vec<RouteStop>,
    pub total_distance_m: f64,
    pub unmet_windows: Vec<StopId>,
}

fn window_secs(w: Option<TimeWindow>, start_at: OffsetDateTime) -> Option<opt::TimeWindow> {
    w.map(|w| opt::TimeWindow {
        start_s: (w.start - start_at).as_seconds_f64(),
        end_s: (w.end - start_at).as_seconds_f64(),
    })
}

/// Orders `pending` (optimised, or as given) from `origin` (the last visited stop, or none:
/// the optimiser picks the first pickup) and gives each stop an ETA from `start_at`.
pub fn plan(
    pending: &[RouteStop],
    origin: Option<(f64, f64)>,
    start_at: OffsetDateTime,
    speed_kmh: f64,
    service_secs: i64,
    optimize: bool,
) -> PlanResult {
    if pending.is_empty() {
        return PlanResult {
            stops: vec![],
            total_distance_m: 0.0,
            unmet_windows: vec![],
        };
    }
    let stops: Vec<opt::Stop> = pending
        .iter()
        .map(|s| opt::Stop {
            id: s.stop_id.to_string(),
            kind: match s.stop_type {
                StopType::Pickup => opt::StopKind::Pickup,
                StopType::Drop => opt::StopKind::Drop,
            },
            order_id: Some(s.order_id.to_string()),
            location: s
                .lat
                .zip(s.lng)
                .map(|(lat, lng)| opt::LatLng::new(lat, lng)),
            window: window_secs(s.window, start_at),
            service_s: service_secs.max(0) as f64,
        })
        .collect();
    let start = opt::Start::from(origin.map(|(lat, lng)| opt::LatLng::new(lat, lng)));
    let params = opt::Params::with_speed(speed_kmh);
    let result = if optimize {
        opt::optimize(start, &stops, &params).map(|p| (p.order, p.schedule))
    } else {
        opt::route_eta(start, &stops, &params)
            .map(|s| (stops.iter().map(|st| st.id.clone()).collect(), s))
    };
    let Ok((order, schedule)) = result else {
        // Input is validated before it gets here; keep the given order without ETAs.
        return PlanResult {
            stops: pending.to_vec(),
            total_distance_m: 0.0,
            unmet_windows: vec![],
        };
    };
    let by_id: HashMap<&str, &RouteStop> =
        pending.iter().map(|s| (s.stop_id.as_str(), s)).collect();
    let etas: HashMap<&str, f64> = schedule
        .stops
        .iter()
        .map(|e| (e.id.as_str(), e.arrival_s))
        .collect();
    let unplaced: HashSet<&str> = schedule
        .without_coordinates
        .iter()
        .map(String::as_str)
        .collect();
    let stops = order
        .iter()
        .filter_map(|id| by_id.get(id.as_str()))
        .map(|s| {
            let mut s = (*s).clone();
            s.scheduled_eta = etas
                .get(s.stop_id.as_str())
                .filter(|_| !unplaced.contains(s.stop_id.as_str()))
                .map(|secs| start_at + time::Duration::seconds_f64(*secs));
            s
        })
        .collect();
    PlanResult {
        stops,
        total_distance_m: (schedule.total_distance_m * 10.0).round() / 10.0,
        unmet_windows: schedule
            .unmet_windows
            .iter()
            .map(|id| StopId::from_stored(id.clone()))
            .collect(),
    }
}

/// Re-plans the route in place: visited stops keep their place at the front; the pending ones
/// are optimised (or kept in their order) and get ETAs from the start (or from now once the
/// route is under way, or from `position`, the driver's live location); windows the plan
/// cannot meet are recorded.
pub fn replan(
    route: &mut Route,
    settings: &Settings,
    optimize: bool,
    position: Option<(f64, f64)>,
    now: OffsetDateTime,
) {
    let (visited, pending): (Vec<RouteStop>, Vec<RouteStop>) = route
        .stops
        .drain(..)
        .partition(|s| s.status != StopStatus::Pending);
    let start_at = match (route.status, route.start_time) {
        (RouteStatus::Planned, Some(t)) => t,
        _ => now,
    };
    let origin = position.or_else(|| visited.iter().rev().find_map(|s| s.lat.zip(s.lng)));
    let plan = plan(
        &pending,
        origin,
        start_at,
        settings.speed(route.vehicle_type),
        settings.stop_service_secs,
        optimize,
    );
    route.stops = visited;
    route.stops.extend(plan.stops);
    route.total_distance_m = plan.total_distance_m;
    route.unmet_windows = plan.unmet_windows;
    if optimize {
        route.optimized = true;
    }
}

/// An order's stops as route stops, in the order's sequence, with their windows.
pub fn route_stops_of(o: &Order) -> Vec<RouteStop> {
    o.stops
        .iter()
        .map(|s| RouteStop {
            stop_id: s.id.clone(),
            order_id: o.id.clone(),
            stop_type: s.stop_type,
            address_line: s.address_line.clone(),
            city: s.city.clone(),
            lat: s.lat,
            lng: s.lng,
            status: s.status,
            scheduled_eta: s.scheduled_eta,
            window: match s.stop_type {
                StopType::Pickup => o.pickup_window,
                StopType::Drop => o.drop_window,
            },
        })
        .collect()
}

/// Copies the route's ETAs onto the order's own stops (the order's copy is as of its last
/// write; readers take live ETAs from the route).
pub fn sync_order_etas(o: &mut Order, route: &Route) {
    let etas: HashMap<&StopId, Option<OffsetDateTime>> = route
        .stops
        .iter()
        .map(|s| (&s.stop_id, s.scheduled_eta))
        .collect();
    for s in &mut o.stops {
        if let Some(eta) = etas.get(&s.id) {
            s.scheduled_eta = *eta;
        }
    }
}

/// Every PICKUP of an order comes before its DROPs, in this sequence of stops.
pub fn precedence_holds(stops: &[RouteStop]) -> bool {
    let mut dropped: HashSet<&OrderId> = HashSet::new();
    for s in stops {
        match s.stop_type {
            StopType::Drop => {
                dropped.insert(&s.order_id);
            }
            StopType::Pickup => {
                if dropped.contains(&s.order_id) {
                    return false;
                }
            }
        }
    }
    true
}
