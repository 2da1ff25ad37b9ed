//! Property tests of the optimiser on random routes: permutations, precedence, never worse
//! than a valid input order, determinism, the tail of stops without coordinates, and schedules
//! that agree with `route_eta`.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;

use crate::{
    LatLng, Params, Plan, Schedule, Start, Stop, StopKind, TimeWindow, check_precedence, optimize,
    route_eta,
};

#[derive(Debug, Clone)]
struct Case {
    /// Input order (may break precedence unless `fixed` was applied).
    stops: Vec<Stop>,
    start: Start,
}

/// Raw material: orders as (pickups, drops), stand-alone stops, per-stop attributes, a shuffle.
#[allow(clippy::type_complexity)]
fn case(missing: bool, windows: bool) -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((1usize..=2, 1usize..=2), 0..10),
        0usize..6,
        prop::collection::vec(
            (
                0.0f64..1.0,
                0.0f64..1.0,
                0u8..10,
                0.0f64..7200.0,
                0.0f64..3600.0,
                0.0f64..600.0,
            ),
            50,
        ),
        any::<u64>(),
        any::<bool>(),
    )
        .prop_map(move |(orders, alone, attrs, shuffle, depot)| {
            let mut stops = Vec::new();
            for (o, &(np, nd)) in orders.iter().enumerate() {
                for p in 0..np {
                    stops.push(Stop::pickup(format!("o{o}p{p}"), format!("o{o}")));
                }
                for d in 0..nd {
                    stops.push(Stop::drop(format!("o{o}d{d}"), format!("o{o}")));
                }
            }
            for a in 0..alone {
                let kind = if a % 2 == 0 {
                    StopKind::Drop
                } else {
                    StopKind::Pickup
                };
                stops.push(Stop::new(format!("s{a}"), kind));
            }
            for (stop, &(x, y, roll, ws, wl, service)) in stops.iter_mut().zip(&attrs) {
                if !(missing && roll == 0) {
                    stop.location = Some(LatLng::new(52.3 + 0.4 * x, 13.2 + 0.4 * y));
                }
                if windows && roll >= 6 {
                    stop.window = Some(TimeWindow {
                        start_s: ws,
                        end_s: ws + wl,
                    });
                }
                stop.service_s = service;
            }
            // Fisher-Yates with a small generator.
            let mut state = shuffle | 1;
            for i in (1..stops.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                stops.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let start = if depot {
                Start::Depot(LatLng::new(52.5, 13.4))
            } else {
                Start::FirstStop
            };
            Case { stops, start }
        })
}

/// The input order made valid: drops wait for the last pickup of their order.
fn fixed(mut case: Case) -> Case {
    let mut pickups_left: HashMap<String, usize> = HashMap::new();
    for s in &case.stops {
        if let (Some(o), StopKind::Pickup) = (&s.order_id, s.kind) {
            *pickups_left.entry(o.clone()).or_default() += 1;
        }
    }
    let mut held: HashMap<String, Vec<Stop>> = HashMap::new();
    let mut out = Vec::new();
    for s in case.stops {
        let order = s.order_id.clone();
        match (order, s.kind) {
            (Some(o), StopKind::Drop) if pickups_left.get(&o).is_some_and(|&n| n > 0) => {
                held.entry(o).or_default().push(s)
            }
            (Some(o), StopKind::Pickup) => {
                out.push(s);
                let left = pickups_left.get_mut(&o).unwrap();
                *left -= 1;
                if *left == 0 {
                    out.extend(held.remove(&o).unwrap_or_default());
                }
            }
            _ => out.push(s),
        }
    }
    case.stops = out;
    case
}

fn reorder(stops: &[Stop], order: &[String]) -> Vec<Stop> {
    let by_id: HashMap<&str, &Stop> = stops.iter().map(|s| (s.id.as_str(), s)).collect();
    order.iter().map(|id| by_id[id.as_str()].clone()).collect()
}

fn params() -> Params {
    Params {
        speed_kmh: 25.0,
        max_kicks: Some(200),
        ..Params::default()
    }
}

fn run(case: &Case) -> Plan {
    optimize(case.start, &case.stops, &params()).expect("valid input")
}

/// Stops that belong in the tail: no coordinates, or an order with a pickup lacking them.
fn tail_ids(stops: &[Stop]) -> Vec<String> {
    let bad: HashSet<&str> = stops
        .iter()
        .filter(|s| s.kind == StopKind::Pickup && s.location.is_none())
        .filter_map(|s| s.order_id.as_deref())
        .collect();
    stops
        .iter()
        .filter(|s| s.location.is_none() || s.order_id.as_deref().is_some_and(|o| bad.contains(o)))
        .map(|s| s.id.clone())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn output_is_a_permutation_that_keeps_precedence(case in case(true, true)) {
        // Any input, even one that breaks precedence.
        let plan = run(&case);
        let mut got = plan.order.clone();
        let mut want: Vec<String> = case.stops.iter().map(|s| s.id.clone()).collect();
        got.sort();
        want.sort();
        prop_assert_eq!(got, want);
        let routed = reorder(&case.stops, &plan.order);
        prop_assert!(check_precedence(&routed).is_ok(), "{:?}", check_precedence(&routed));
    }

    #[test]
    fn never_longer_than_a_valid_input_order(case in case(false, false).prop_map(fixed)) {
        prop_assert!(check_precedence(&case.stops).is_ok());
        let plan = run(&case);
        let input = route_eta(case.start, &case.stops, &params()).unwrap();
        prop_assert!(
            plan.schedule.total_distance_m <= input.total_distance_m + 1e-6,
            "{} > {}", plan.schedule.total_distance_m, input.total_distance_m
        );
    }

    #[test]
    fn never_later_than_a_valid_input_order(case in case(false, true).prop_map(fixed)) {
        let plan = run(&case);
        let input = route_eta(case.start, &case.stops, &params()).unwrap();
        let late = |s: &Schedule| s.stops.iter().map(|e| e.late_s).sum::<f64>();
        let (mine, theirs) = (late(&plan.schedule), late(&input));
        prop_assert!(mine <= theirs + 1e-6, "lateness {} > {}", mine, theirs);
        if theirs <= 1e-9 {
            prop_assert!(plan.schedule.total_distance_m <= input.total_distance_m + 1e-6);
        }
    }

    #[test]
    fn same_input_same_plan(case in case(true, true)) {
        prop_assert_eq!(run(&case), run(&case));
    }

    #[test]
    fn stops_without_coordinates_end_the_route_in_input_order(case in case(true, false).prop_map(fixed)) {
        let plan = run(&case);
        let tail = tail_ids(&case.stops);
        let n = plan.order.len();
        prop_assert_eq!(&plan.order[n - tail.len()..], &tail[..]);
        let unlocated: Vec<String> = plan.order.iter()
            .filter(|id| case.stops.iter().any(|s| &s.id == *id && s.location.is_none()))
            .cloned()
            .collect();
        prop_assert_eq!(&plan.schedule.without_coordinates, &unlocated);
    }

    #[test]
    fn the_schedule_is_route_eta_of_the_order(case in case(true, true)) {
        let plan = run(&case);
        let eta = route_eta(case.start, &reorder(&case.stops, &plan.order), &params()).unwrap();
        prop_assert_eq!(&plan.schedule, &eta);
        let late: Vec<String> = eta.stops.iter().filter(|e| e.late_s > 1e-6).map(|e| e.id.clone()).collect();
        prop_assert_eq!(&plan.schedule.unmet_windows, &late);
        for (i, e) in eta.stops.iter().enumerate() {
            prop_assert!(e.arrival_s <= e.service_start_s && e.service_start_s <= e.departure_s);
            if i > 0 {
                prop_assert!(e.arrival_s >= eta.stops[i - 1].departure_s - 1e-9);
            }
        }
    }
}
