//! The bridge to the route optimiser (shared/optimizer, pure): route stops in, stops in
//! driving order with ETAs out, plus the windows the plan cannot meet.

use std::collections::HashMap;

use cargoflow_domain::*;
use cargoflow_optimizer as opt;
use time::OffsetDateTime;

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
    windows: &HashMap<OrderId, (Option<TimeWindow>, Option<TimeWindow>)>,
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
        .map(|s| {
            let (pickup_w, drop_w) = windows.get(&s.order_id).copied().unwrap_or((None, None));
            opt::Stop {
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
                window: window_secs(
                    if s.stop_type == StopType::Pickup {
                        pickup_w
                    } else {
                        drop_w
                    },
                    start_at,
                ),
                service_s: service_secs.max(0) as f64,
            }
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
    let (order, schedule) = match result {
        Ok(r) => r,
        Err(e) => {
            // Input is validated before it gets here; keep the given order without ETAs.
            tracing::error!(error = %e, "route planning failed");
            return PlanResult {
                stops: pending.to_vec(),
                total_distance_m: 0.0,
                unmet_windows: vec![],
            };
        }
    };
    let by_id: HashMap<&str, &RouteStop> =
        pending.iter().map(|s| (s.stop_id.as_str(), s)).collect();
    let etas: HashMap<&str, f64> = schedule
        .stops
        .iter()
        .map(|e| (e.id.as_str(), e.arrival_s))
        .collect();
    let stops = order
        .iter()
        .filter_map(|id| by_id.get(id.as_str()))
        .map(|s| {
            let mut s = (*s).clone();
            let placed = !schedule
                .without_coordinates
                .iter()
                .any(|w| w == s.stop_id.as_str());
            s.scheduled_eta = etas
                .get(s.stop_id.as_str())
                .filter(|_| placed)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(order: &OrderId, t: StopType, lat: f64, lng: f64) -> RouteStop {
        RouteStop {
            stop_id: StopId::generate(),
            order_id: order.clone(),
            stop_type: t,
            address_line: "a".into(),
            city: "c".into(),
            lat: Some(lat),
            lng: Some(lng),
            status: StopStatus::Pending,
            scheduled_eta: None,
        }
    }

    #[test]
    fn optimised_plans_keep_precedence_and_give_etas() {
        let (a, b) = (OrderId::generate(), OrderId::generate());
        let stops = vec![
            stop(&a, StopType::Drop, 12.99, 77.70),
            stop(&b, StopType::Pickup, 12.90, 77.60),
            stop(&a, StopType::Pickup, 12.97, 77.75),
            stop(&b, StopType::Drop, 12.95, 77.62),
        ];
        let start = time_util::now();
        let p = plan(&stops, None, &HashMap::new(), start, 30.0, 300, true);
        assert_eq!(p.stops.len(), 4);
        assert!(crate::routing::precedence_holds(&p.stops));
        assert!(p.total_distance_m > 0.0);
        let etas: Vec<OffsetDateTime> = p.stops.iter().map(|s| s.scheduled_eta.unwrap()).collect();
        assert!(
            etas.windows(2).all(|w| w[0] <= w[1]),
            "ETAs grow along the route"
        );
        assert!(etas[0] >= start);
    }
}
