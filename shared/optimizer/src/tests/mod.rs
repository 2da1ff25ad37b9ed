use super::*;

mod properties;

fn planar(a: LatLng, b: LatLng) -> f64 {
    (a.lat - b.lat).hypot(a.lng - b.lng)
}

/// 36 km/h = 10 m/s: planar units are metres, so 1,000 units take 100 s.
fn ten_mps() -> Params {
    Params::with_speed(36.0)
}

fn ids(plan: &Plan) -> Vec<&str> {
    plan.order.iter().map(String::as_str).collect()
}

#[test]
fn haversine_matches_known_distances() {
    // Nashville (BNA) to Los Angeles (LAX): 2,887.26 km (the classic haversine example).
    let bna = LatLng::new(36.12, -86.67);
    let lax = LatLng::new(33.94, -118.40);
    let d = haversine_m(bna, lax);
    assert!((d / 2_887_260.0 - 1.0).abs() < 0.005, "{d}");
    // A quarter of the equator.
    let q = haversine_m(LatLng::new(0.0, 0.0), LatLng::new(0.0, 90.0));
    assert!((q / 10_007_543.0 - 1.0).abs() < 0.005, "{q}");
    assert_eq!(haversine_m(bna, bna), 0.0);
    assert!((haversine_m(bna, lax) - haversine_m(lax, bna)).abs() < 1e-6);
}

#[test]
fn pickups_come_before_their_drops() {
    // The drop is next to the depot, its pickup far away: the drop must still wait.
    let stops = vec![
        Stop::drop("d1", "o1").at(0.0, 1.0),
        Stop::pickup("p1", "o1").at(0.0, 100.0),
        Stop::new("x", StopKind::Drop).at(0.0, 2.0),
    ];
    let plan = optimize_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &stops,
        &ten_mps(),
        planar,
    )
    .unwrap();
    assert_eq!(ids(&plan), ["x", "p1", "d1"]);
    assert_eq!(plan.schedule.total_distance_m, 2.0 + 98.0 + 99.0);
    // A drop whose pickup is not on the route (already picked up) is free.
    let plan = optimize_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &stops[..1],
        &ten_mps(),
        planar,
    )
    .unwrap();
    assert_eq!(ids(&plan), ["d1"]);
}

#[test]
fn every_pickup_of_an_order_precedes_every_drop() {
    let stops = vec![
        Stop::pickup("pa", "o").at(0.0, 10.0),
        Stop::drop("da", "o").at(0.0, 11.0),
        Stop::pickup("pb", "o").at(0.0, 50.0),
        Stop::drop("db", "o").at(0.0, 12.0),
    ];
    let plan = optimize_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &stops,
        &ten_mps(),
        planar,
    )
    .unwrap();
    let pos = |id: &str| plan.order.iter().position(|x| x == id).unwrap();
    assert!(
        pos("pa").max(pos("pb")) < pos("da").min(pos("db")),
        "{:?}",
        plan.order
    );
}

#[test]
fn stops_without_coordinates_go_last_in_input_order() {
    let stops = vec![
        Stop::new("n1", StopKind::Drop),
        Stop::pickup("p1", "o1").at(0.0, 5.0),
        Stop::drop("d1", "o1"), // pickup located, drop not: fine at the end
        Stop::new("a", StopKind::Drop).at(0.0, 1.0),
        Stop::new("n2", StopKind::Pickup),
    ];
    let plan = optimize_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &stops,
        &ten_mps(),
        planar,
    )
    .unwrap();
    assert_eq!(ids(&plan), ["a", "p1", "n1", "d1", "n2"]);
    assert_eq!(plan.schedule.without_coordinates, ["n1", "d1", "n2"]);
    assert_eq!(plan.schedule.total_distance_m, 5.0);
}

#[test]
fn an_order_whose_pickup_lacks_coordinates_moves_to_the_end_whole() {
    let stops = vec![
        Stop::drop("d1", "o1").at(0.0, 1.0), // located, but its pickup is not
        Stop::new("a", StopKind::Drop).at(0.0, 3.0),
        Stop::pickup("p1", "o1"),
        Stop::new("n", StopKind::Drop),
    ];
    let plan = optimize_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &stops,
        &ten_mps(),
        planar,
    )
    .unwrap();
    // The input had d1 before p1: in the tail d1 follows its pickup.
    assert_eq!(ids(&plan), ["a", "p1", "d1", "n"]);
    assert_eq!(plan.schedule.without_coordinates, ["p1", "n"]);
    // d1 has coordinates: the leg from `a` to it counts.
    assert_eq!(plan.schedule.total_distance_m, 3.0 + 2.0);
    assert!(check_precedence(&reorder(&stops, &plan.order)).is_ok());
}

#[test]
fn windows_are_met_when_possible() {
    // Nearest first would be a, b, c; c closes early, so it has to go first.
    let stops = vec![
        Stop::new("a", StopKind::Drop).at(0.0, 1000.0),
        Stop::new("b", StopKind::Drop).at(0.0, 2000.0),
        Stop::new("c", StopKind::Drop)
            .at(0.0, -3000.0)
            .window(0.0, 400.0),
    ];
    let plan = optimize_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &stops,
        &ten_mps(),
        planar,
    )
    .unwrap();
    assert_eq!(ids(&plan), ["c", "a", "b"]);
    assert!(plan.schedule.unmet_windows.is_empty());
    assert_eq!(plan.schedule.stops[0].arrival_s, 300.0);
}

#[test]
fn windows_that_cannot_be_met_are_reported() {
    // 10 km away at 10 m/s: 1,000 s, the window closes at 100 s.
    let stops = vec![
        Stop::new("far", StopKind::Drop)
            .at(0.0, 10_000.0)
            .window(0.0, 100.0),
        Stop::new("near", StopKind::Drop)
            .at(0.0, -10.0)
            .window(0.0, 100_000.0),
    ];
    let plan = optimize_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &stops,
        &ten_mps(),
        planar,
    )
    .unwrap();
    assert_eq!(plan.schedule.unmet_windows, ["far"]);
    // It is still visited as early as it can be (the near stop first would make it 2 s later).
    assert_eq!(ids(&plan), ["far", "near"]);
    assert_eq!(plan.schedule.stops[0].late_s, 900.0);
}

#[test]
fn early_arrivals_wait_for_the_window() {
    let stops = vec![
        Stop::new("a", StopKind::Drop)
            .at(0.0, 1000.0)
            .window(500.0, 900.0)
            .service(60.0),
        Stop::new("b", StopKind::Drop).at(0.0, 2000.0).service(30.0),
    ];
    let eta = route_eta_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &stops,
        &ten_mps(),
        planar,
    )
    .unwrap();
    let a = &eta.stops[0];
    assert_eq!(
        (a.arrival_s, a.service_start_s, a.departure_s, a.late_s),
        (100.0, 500.0, 560.0, 0.0)
    );
    let b = &eta.stops[1];
    assert_eq!((b.arrival_s, b.departure_s), (660.0, 690.0));
    assert_eq!(eta.total_distance_m, 2000.0);
    assert_eq!(eta.end_s, 690.0);
}

#[test]
fn route_eta_follows_the_given_order() {
    let stops = vec![
        Stop::new("b", StopKind::Drop).at(0.0, 2000.0).service(10.0),
        Stop::new("n", StopKind::Drop).service(20.0), // no coordinates: no travel, service counts
        Stop::new("a", StopKind::Drop)
            .at(0.0, 1000.0)
            .window(0.0, 200.0),
    ];
    let eta = route_eta_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &stops,
        &ten_mps(),
        planar,
    )
    .unwrap();
    let arrivals: Vec<f64> = eta.stops.iter().map(|s| s.arrival_s).collect();
    assert_eq!(arrivals, [200.0, 210.0, 330.0]);
    assert_eq!(eta.total_distance_m, 3000.0);
    assert_eq!(eta.unmet_windows, ["a"]);
    assert_eq!(eta.without_coordinates, ["n"]);
    // Without a depot the clock starts at the first stop.
    let eta = route_eta_with_metric(Start::FirstStop, &stops, &ten_mps(), planar).unwrap();
    assert_eq!(eta.stops[0].arrival_s, 0.0);
    assert_eq!(eta.total_distance_m, 1000.0);
}

#[test]
fn return_to_start_counts_the_way_back() {
    let stops = vec![Stop::new("a", StopKind::Drop).at(0.0, 1000.0)];
    let params = Params {
        return_to_start: true,
        ..ten_mps()
    };
    let plan =
        optimize_with_metric(Start::Depot(LatLng::new(0.0, 0.0)), &stops, &params, planar).unwrap();
    assert_eq!(plan.schedule.total_distance_m, 2000.0);
    assert_eq!(plan.schedule.end_s, 200.0);
}

#[test]
fn the_first_stop_is_chosen_without_a_depot() {
    // On a line the best open path starts at an end; precedence makes it start at the pickup.
    let stops = vec![
        Stop::new("m", StopKind::Drop).at(0.0, 5.0),
        Stop::drop("d", "o").at(0.0, 0.0),
        Stop::pickup("p", "o").at(0.0, 10.0),
    ];
    let plan = optimize_with_metric(Start::FirstStop, &stops, &ten_mps(), planar).unwrap();
    assert_eq!(ids(&plan), ["p", "m", "d"]);
    assert_eq!(plan.schedule.total_distance_m, 10.0);
    assert_eq!(plan.schedule.stops[0].arrival_s, 0.0);
}

#[test]
fn the_input_order_is_kept_when_nothing_is_better() {
    let stops: Vec<Stop> = (1..=5)
        .map(|i| Stop::new(format!("s{i}"), StopKind::Drop).at(0.0, i as f64))
        .collect();
    let plan = optimize_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &stops,
        &ten_mps(),
        planar,
    )
    .unwrap();
    assert!(plan.kept_input_order);
    assert_eq!(ids(&plan), ["s1", "s2", "s3", "s4", "s5"]);
    let mut reversed = stops.clone();
    reversed.reverse();
    let plan = optimize_with_metric(
        Start::Depot(LatLng::new(0.0, 0.0)),
        &reversed,
        &ten_mps(),
        planar,
    )
    .unwrap();
    assert!(!plan.kept_input_order);
    assert_eq!(ids(&plan), ["s1", "s2", "s3", "s4", "s5"]);
}

#[test]
fn bad_input_is_refused() {
    let ok = Stop::new("a", StopKind::Drop).at(52.0, 13.0);
    let depot = Start::Depot(LatLng::new(52.0, 13.0));
    assert_eq!(
        optimize(depot, std::slice::from_ref(&ok), &Params::with_speed(0.0)),
        Err(OptimizeError::InvalidSpeed(0.0))
    );
    assert_eq!(
        optimize(depot, &[ok.clone(), ok.clone()], &Params::default()),
        Err(OptimizeError::DuplicateId("a".into()))
    );
    let far = Stop::new("b", StopKind::Drop).at(95.0, 13.0);
    assert_eq!(
        optimize(depot, &[far], &Params::default()),
        Err(OptimizeError::InvalidCoordinates("b".into()))
    );
    let bad = Stop::new("c", StopKind::Drop).window(10.0, 5.0);
    assert_eq!(
        optimize(depot, &[bad], &Params::default()),
        Err(OptimizeError::InvalidWindow("c".into()))
    );
    let neg = Stop::new("d", StopKind::Drop).service(-1.0);
    assert_eq!(
        optimize(depot, &[neg], &Params::default()),
        Err(OptimizeError::InvalidServiceTime("d".into()))
    );
    assert!(
        optimize(depot, &[], &Params::default())
            .unwrap()
            .order
            .is_empty()
    );
}

#[test]
fn check_precedence_names_the_offending_stops() {
    let stops = vec![
        Stop::pickup("p1", "o1"),
        Stop::drop("d2", "o2"),
        Stop::drop("d1", "o1"),
        Stop::pickup("p2", "o2"),
    ];
    let err = check_precedence(&stops).unwrap_err();
    assert_eq!(
        (
            err.order_id.as_str(),
            err.drop_id.as_str(),
            err.pickup_id.as_str()
        ),
        ("o2", "d2", "p2")
    );
    assert!(check_precedence(&stops[..3]).is_ok());
}

#[test]
fn solve_tsp_finds_the_square() {
    let pts = [(0.0, 0.0), (1.0, 1.0), (0.0, 1.0), (1.0, 0.0), (0.5, 0.0)];
    let tour = solve_tsp(
        pts.len(),
        |i, j| {
            planar(
                LatLng::new(pts[i].0, pts[i].1),
                LatLng::new(pts[j].0, pts[j].1),
            )
        },
        &Params::default(),
    );
    assert_eq!(tour[0], 0);
    let len: f64 = (0..5)
        .map(|i| {
            let (a, b): ((f64, f64), (f64, f64)) = (pts[tour[i]], pts[tour[(i + 1) % 5]]);
            (a.0 - b.0).hypot(a.1 - b.1)
        })
        .sum();
    assert!((len - 4.0).abs() < 1e-9, "{tour:?}");
}

#[test]
fn same_input_same_route() {
    let stops: Vec<Stop> = (0..120)
        .map(|i| {
            let x = ((i * 7919) % 113) as f64 * 0.001;
            let y = ((i * 104_729) % 97) as f64 * 0.001;
            let s = if i % 2 == 0 {
                Stop::pickup(format!("p{i}"), format!("o{}", i / 2))
            } else {
                Stop::drop(format!("d{i}"), format!("o{}", i / 2))
            };
            s.at(52.4 + x, 13.3 + y)
        })
        .collect();
    let a = optimize(Start::FirstStop, &stops, &Params::default()).unwrap();
    let b = optimize(Start::FirstStop, &stops, &Params::default()).unwrap();
    assert_eq!(a, b);
    assert!(check_precedence(&reorder(&stops, &a.order)).is_ok());
}

#[test]
fn a_zero_time_limit_still_gives_a_valid_route() {
    let stops: Vec<Stop> = (0..300)
        .map(|i| {
            let s = if i % 2 == 0 {
                Stop::pickup(format!("p{i}"), format!("o{}", i / 2))
            } else {
                Stop::drop(format!("d{i}"), format!("o{}", i / 2))
            };
            s.at(
                52.4 + ((i * 37) % 101) as f64 * 0.002,
                13.3 + ((i * 53) % 89) as f64 * 0.003,
            )
        })
        .collect();
    let params = Params {
        time_limit: Some(Duration::ZERO),
        ..Params::default()
    };
    let plan = optimize(Start::FirstStop, &stops, &params).unwrap();
    assert_eq!(plan.order.len(), stops.len());
    assert!(check_precedence(&reorder(&stops, &plan.order)).is_ok());
}

fn reorder(stops: &[Stop], order: &[String]) -> Vec<Stop> {
    order
        .iter()
        .map(|id| stops.iter().find(|s| &s.id == id).unwrap().clone())
        .collect()
}
