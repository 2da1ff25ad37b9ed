//! The dispatch core's rules, in milliseconds: every actor x status x route state, assignment
//! limits, bulk changes, and properties of random driver days.

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::status_machine;
use crate::*;

fn settings() -> Settings {
    Settings {
        speed_kmh: [20.0, 30.0, 28.0, 25.0],
        stop_service_secs: 300,
    }
}

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-12-03 09:00 UTC)
}

fn order(i: usize, weight: f64) -> Order {
    let input: OrderInput = serde_json::from_value(json!({
        "reference_code": format!("CF-{i}"),
        "customer_name": "Ananya Sharma",
        "customer_phone": "+918888887777",
        "package": { "weight_kg": weight },
        "stops": [
            {"sequence_index": 1, "type": "PICKUP", "address_line": "Warehouse", "city": "Bengaluru",
             "lat": 12.97, "lng": 77.75},
            {"sequence_index": 2, "type": "DROP", "address_line": format!("Customer {i}"), "city": "Bengaluru",
             "lat": 12.90 + (i % 17) as f64 * 0.004, "lng": 77.60 + (i % 13) as f64 * 0.005}
        ]
    }))
    .unwrap();
    NewOrder::try_from(&input).unwrap().into_order(now())
}

fn crew(capacity: i64) -> Crew {
    let at = time::macros::datetime!(2026-12-01 00:00 UTC);
    Crew {
        driver: Driver {
            id: DriverId::generate(),
            name: DisplayName::parse("Ravi").unwrap(),
            phone: Phone::parse("+918888880000").unwrap(),
            email: None,
            user_id: None,
            is_active: true,
            created_at: at,
            updated_at: at,
            version: 3,
        },
        vehicle: Vehicle {
            id: VehicleId::generate(),
            plate_number: PlateNumber::parse("KA01AB1234").unwrap(),
            vehicle_type: VehicleType::Van,
            capacity_kg: CapacityKg::parse(capacity).unwrap(),
            is_active: true,
            created_at: at,
            updated_at: at,
            version: 2,
        },
    }
}

fn ops() -> Ctx {
    Ctx::new(settings(), Actor::ops(&UserId::generate()), now())
}

fn driver_ctx(c: &Crew) -> Ctx {
    Ctx::new(
        settings(),
        Actor::driver(&UserId::generate(), &c.driver.id),
        now(),
    )
}

/// A route with `n` orders assigned, as stored after the assignment.
fn route_with(n: usize, c: &Crew) -> (Route, Vec<Order>) {
    let orders: Vec<Order> = (0..n).map(|i| order(i, 1.0)).collect();
    let route = new_route(now().date(), c, None, now());
    let change = assign(&route, c, &orders, false, &ops()).unwrap();
    let mut r = change.routes[0].route.clone();
    r.applying = None;
    let orders = change.moves.iter().map(|m| m.write.order.clone()).collect();
    (r, orders)
}

fn apply_to(orders: &mut [Order], route: &mut Route, change: &Change) {
    for m in &change.moves {
        if let Some(o) = orders.iter_mut().find(|o| o.id == m.write.order.id) {
            assert_eq!(o.version, m.write.expected_version);
            assert_eq!(o.status, m.write.expected_status);
            *o = m.write.order.clone();
        }
    }
    for w in &change.routes {
        if w.route.id == route.id {
            assert_eq!(Some(route.version), w.expected_version);
            *route = w.route.clone();
        }
    }
}

fn request(to: OrderStatus) -> MoveRequest {
    let mut r = MoveRequest::to(to);
    r.reason = Some("because".into());
    if to == OrderStatus::Delivered {
        r.pod = Some(Pod {
            order_id: OrderId::generate(),
            receiver_name: "Asha".into(),
            notes: None,
            photo_key: None,
            signature_key: None,
            photo_version: None,
            signature_version: None,
            delivered_at: now(),
            created_by: UserId::generate(),
        });
    }
    r
}

#[derive(Debug, Clone, Copy)]
enum RouteState {
    None,
    Planned,
    InProgress,
    Completed,
}

#[test]
fn every_actor_status_and_route_state() {
    let c = crew(1000);
    let actors = [ActorType::Ops, ActorType::Driver, ActorType::System];
    let states = [
        RouteState::None,
        RouteState::Planned,
        RouteState::InProgress,
        RouteState::Completed,
    ];
    let mut decided = 0;
    for from in OrderStatus::ALL {
        for to in OrderStatus::ALL {
            for actor in actors {
                for state in states {
                    let (mut route, orders) = route_with(2, &c);
                    let mut o = orders[0].clone();
                    o.status = from;
                    route.status = match state {
                        RouteState::Planned | RouteState::None => RouteStatus::Planned,
                        RouteState::InProgress => RouteStatus::InProgress,
                        RouteState::Completed => RouteStatus::Completed,
                    };
                    if matches!(state, RouteState::None) {
                        o.route_id = None;
                    }
                    let ctx = Ctx::new(
                        settings(),
                        Actor {
                            actor_type: actor,
                            user: Some(UserId::generate()),
                            driver: (actor == ActorType::Driver).then(|| c.driver.id.clone()),
                        },
                        now(),
                    );
                    let r = move_order(&o, Some(&route), request(to), &ctx);
                    let allowed = status_machine::check(from, to, actor).is_ok();
                    assert_eq!(
                        r.is_ok(),
                        allowed,
                        "{from:?} -> {to:?} by {actor:?} on {state:?}: {r:?}"
                    );
                    let Ok(change) = r else {
                        let e = r.unwrap_err();
                        let expected = match status_machine::check(from, to, actor).unwrap_err() {
                            TransitionError::NotPermitted { .. } => "forbidden",
                            _ => "invalid_transition",
                        };
                        assert_eq!(e.code(), expected);
                        continue;
                    };
                    decided += 1;
                    let m = &change.moves[0];
                    assert_eq!(change.moves.len(), 1);
                    assert_eq!(m.write.expected_version, o.version);
                    assert_eq!(m.write.expected_status, from);
                    assert_eq!(m.write.order.status, to);
                    assert_eq!(m.write.order.version, o.version + 1);
                    assert_eq!(m.history.from_status, Some(from));
                    assert_eq!(m.history.to_status, to);
                    assert_eq!(m.write.driver.is_some(), actor == ActorType::Driver);
                    let follows = matches!(state, RouteState::Planned | RouteState::InProgress);
                    assert_eq!(change.routes.len(), usize::from(follows), "{state:?}");
                    assert_eq!(
                        change.exceptions.len(),
                        usize::from(to == OrderStatus::Failed)
                    );
                    assert_eq!(change.pod.is_some(), to == OrderStatus::Delivered);
                    if let Some(w) = change.routes.first() {
                        assert_eq!(w.expected_version, Some(route.version));
                        // One order of two is final: the route is not complete yet.
                        assert_ne!(w.route.status, RouteStatus::Completed);
                        assert_eq!(w.route.finished_order_ids.contains(&o.id), to.is_terminal());
                    }
                }
            }
        }
    }
    assert!(decided > 0);
}

#[test]
fn another_drivers_order_is_not_there() {
    let c = crew(1000);
    let (route, orders) = route_with(1, &c);
    let other = Ctx::new(
        settings(),
        Actor::driver(&UserId::generate(), &DriverId::generate()),
        now(),
    );
    let e = move_order(
        &orders[0],
        Some(&route),
        request(OrderStatus::PickedUp),
        &other,
    )
    .unwrap_err();
    assert_eq!(e, DispatchError::NotFound("order"));
}

#[test]
fn delivery_needs_a_pod_and_failure_a_reason() {
    let c = crew(1000);
    let (route, orders) = route_with(1, &c);
    let mut o = orders[0].clone();
    o.status = OrderStatus::InTransit;
    let d = driver_ctx(&c);
    let e = move_order(
        &o,
        Some(&route),
        MoveRequest::to(OrderStatus::Delivered),
        &d,
    )
    .unwrap_err();
    assert_eq!(e.code(), "pod_required");
    let e = move_order(&o, Some(&route), MoveRequest::to(OrderStatus::Failed), &d).unwrap_err();
    assert_eq!(e.code(), "validation_failed");
    let mut unknown_stop = request(OrderStatus::Failed);
    unknown_stop.stop = Some(StopId::generate());
    let e = move_order(&o, Some(&route), unknown_stop, &d).unwrap_err();
    assert_eq!(
        e,
        DispatchError::field("stop_id", "is not a stop of this order")
    );
}

#[test]
fn the_last_final_order_completes_the_route() {
    let c = crew(1000);
    let (mut route, mut orders) = route_with(3, &c);
    let d = driver_ctx(&c);
    route = start_route(&route, &d).unwrap().routes[0].route.clone();
    for i in 0..3 {
        for to in [
            OrderStatus::PickedUp,
            OrderStatus::InTransit,
            OrderStatus::Delivered,
        ] {
            let change = move_order(&orders[i], Some(&route), request(to), &d).unwrap();
            apply_to(&mut orders, &mut route, &change);
            let last = i == 2 && to == OrderStatus::Delivered;
            assert_eq!(route.status == RouteStatus::Completed, last);
            // The driver's stops are told by the order's event; the route speaks when it
            // completes.
            let route_event = change.events.iter().find(|e| {
                matches!(
                    e.event_type,
                    EventType::RouteCompleted | EventType::RouteUpdated
                )
            });
            assert_eq!(
                route_event.map(|e| e.event_type),
                last.then_some(EventType::RouteCompleted)
            );
        }
    }
    assert!(
        route
            .stops
            .iter()
            .all(|s| s.status == StopStatus::Completed)
    );
}

#[test]
fn a_cancelled_orders_pending_stops_leave_the_plan() {
    let c = crew(1000);
    let (route, orders) = route_with(2, &c);
    let change = move_order(
        &orders[0],
        Some(&route),
        request(OrderStatus::Cancelled),
        &ops(),
    )
    .unwrap();
    let next = &change.routes[0].route;
    assert!(next.stops.iter().all(|s| s.order_id != orders[0].id));
    assert!(
        change
            .events
            .iter()
            .any(|e| e.event_type == EventType::RouteUpdated),
        "the plan changed"
    );
    assert_eq!(
        change.moves[0].write.order.cancel_reason.as_deref(),
        Some("because")
    );
    assert_eq!(change.moves[0].event.event_type, EventType::OrderCancelled);
}

#[test]
fn assignment_limits() {
    let c = crew(10);
    let empty = new_route(now().date(), &c, None, now());
    let heavy: Vec<Order> = (0..3).map(|i| order(i, 4.0)).collect();
    assert_eq!(
        assign(&empty, &c, &heavy, false, &ops())
            .unwrap_err()
            .code(),
        "capacity_exceeded"
    );
    let mut assigned = order(9, 1.0);
    assigned.status = OrderStatus::Assigned;
    assert_eq!(
        assign(&empty, &c, &[assigned], false, &ops())
            .unwrap_err()
            .code(),
        "order_not_assignable"
    );
    let big = crew(100_000);
    let many: Vec<Order> = (0..=MAX_ORDERS_PER_ROUTE).map(|i| order(i, 0.1)).collect();
    let empty = new_route(now().date(), &big, None, now());
    assert_eq!(
        assign(&empty, &big, &many, false, &ops())
            .unwrap_err()
            .code(),
        "route_full"
    );
    let mut inactive = big.clone();
    inactive.driver.is_active = false;
    assert_eq!(
        assign(&empty, &inactive, &many[..2], false, &ops())
            .unwrap_err()
            .code(),
        "driver_inactive"
    );
}

#[test]
fn a_large_assignment_is_a_bulk_change_recorded_on_the_route() {
    let c = crew(100_000);
    let orders: Vec<Order> = (0..MAX_ORDERS_PER_ROUTE).map(|i| order(i, 0.5)).collect();
    let route = new_route(now().date(), &c, None, now());
    let change = assign(&route, &c, &orders, true, &ops()).unwrap();
    assert!(change.is_bulk());
    assert_eq!(change.moves.len(), MAX_ORDERS_PER_ROUTE);
    let written = &change.routes[0].route;
    let applying = written
        .applying
        .as_ref()
        .expect("bulk changes are recorded");
    assert_eq!(applying.kind, BulkKind::Assign);
    assert_eq!(applying.order_ids.len(), MAX_ORDERS_PER_ROUTE);
    assert_eq!(written.stops.len(), 2 * MAX_ORDERS_PER_ROUTE);
    assert!(precedence_holds(&written.stops));
    assert!(matches!(change.markers[0], DayMarker::Claim(_)));
    // Resuming decides the same moves from the orders as they are.
    for o in &orders[..3] {
        let m = resume_move(o, written, applying, &ops()).unwrap();
        assert_eq!(m.write.order.status, OrderStatus::Assigned);
        assert_eq!(m.write.order.route_id.as_ref(), Some(&written.id));
    }
    // Finishing drops the orders the change lost and clears the record.
    let lost = vec![orders[0].id.clone()];
    let done = finish_bulk(written, &lost, &ops());
    assert!(done.route.applying.is_none());
    assert!(!done.route.order_ids.contains(&orders[0].id));
    assert_eq!(done.expected_version, Some(written.version));
    // A small change fits one transaction and leaves no record.
    let small = assign(&route, &c, &orders[..5], false, &ops()).unwrap();
    assert!(!small.is_bulk());
    assert!(small.routes[0].route.applying.is_none());
    // A route being applied takes no other change.
    assert_eq!(
        optimize_route(written, &ops()).unwrap_err().code(),
        "route_busy"
    );
}

#[test]
fn assigning_orders_already_on_the_route_changes_nothing() {
    let c = crew(1000);
    let (route, orders) = route_with(3, &c);
    let change = assign(&route, &c, &orders, false, &ops()).unwrap();
    assert!(change.is_empty());
}

#[test]
fn reassign_is_unassign_plus_assign() {
    let c1 = crew(1000);
    let c2 = crew(3);
    let (source, orders) = route_with(2, &c1);
    let (target, _) = route_with(1, &c2);
    let change = reassign(&orders[0], &source, &target, &c2, Some("swap"), &ops()).unwrap();
    assert_eq!(change.moves.len(), 1);
    let moved = &change.moves[0].write.order;
    assert_eq!(moved.route_id.as_ref(), Some(&target.id));
    assert_eq!(moved.driver_id.as_ref(), Some(&c2.driver.id));
    assert_eq!(moved.status, OrderStatus::Assigned);
    assert_eq!(change.moves[0].event.event_type, EventType::OrderReassigned);
    let s = change.route(&source.id).unwrap();
    let t = change.route(&target.id).unwrap();
    assert!(!s.order_ids.contains(&moved.id));
    assert!(t.order_ids.contains(&moved.id));
    assert!(t.stops.iter().any(|st| st.order_id == moved.id));
    assert_eq!(change.routes.len(), 2);
    // Capacity holds on the target: 2 kg + 1 kg + 1 kg > 3 kg.
    let (target_full, _) = route_with(3, &c2);
    assert_eq!(
        reassign(&orders[1], &source, &target_full, &c2, None, &ops())
            .unwrap_err()
            .code(),
        "capacity_exceeded"
    );
    assert_eq!(
        reassign(&orders[1], &source, &source, &c1, None, &ops())
            .unwrap_err()
            .code(),
        "validation_failed"
    );
}

#[test]
fn unassign_and_cancel() {
    let c = crew(1000);
    let (route, mut orders) = route_with(40, &c);
    let change = unassign(&route, &orders[0], "removed", &ops()).unwrap();
    assert_eq!(change.moves[0].write.order.status, OrderStatus::Created);
    assert!(change.moves[0].write.order.route_id.is_none());
    assert_eq!(change.routes[0].route.order_ids.len(), 39);
    orders[1].status = OrderStatus::PickedUp;
    assert_eq!(
        cancel_route(&route, &orders, "x", &ops())
            .unwrap_err()
            .code(),
        "orders_on_board"
    );
    orders[1].status = OrderStatus::Assigned;
    let change = cancel_route(&route, &orders, "storm", &ops()).unwrap();
    assert_eq!(change.moves.len(), 40);
    assert!(change.is_bulk());
    let written = &change.routes[0].route;
    assert_eq!(written.status, RouteStatus::Cancelled);
    assert_eq!(written.applying.as_ref().unwrap().kind, BulkKind::Unassign);
    assert!(matches!(change.markers[0], DayMarker::Release(_)));
}

#[test]
fn reorder_checks_the_permutation() {
    let c = crew(1000);
    let (route, _) = route_with(2, &c);
    let ids: Vec<String> = route.stops.iter().map(|s| s.stop_id.to_string()).collect();
    let mut reversed = ids.clone();
    reversed.reverse();
    assert_eq!(
        reorder_route(&route, &reversed, &ops()).unwrap_err().code(),
        "validation_failed"
    );
    assert_eq!(
        reorder_route(&route, &ids[..2], &ops()).unwrap_err().code(),
        "validation_failed"
    );
    let change = reorder_route(&route, &ids, &ops()).unwrap();
    let order: Vec<String> = change.routes[0]
        .route
        .stops
        .iter()
        .map(|s| s.stop_id.to_string())
        .collect();
    assert_eq!(order, ids);
}

#[test]
fn only_the_routes_driver_starts_it() {
    let c = crew(1000);
    let (route, _) = route_with(1, &c);
    let other = Ctx::new(
        settings(),
        Actor::driver(&UserId::generate(), &DriverId::generate()),
        now(),
    );
    assert_eq!(
        start_route(&route, &other).unwrap_err(),
        DispatchError::NotFound("route")
    );
    let started = start_route(&route, &driver_ctx(&c)).unwrap();
    assert_eq!(started.routes[0].route.status, RouteStatus::InProgress);
    assert_eq!(started.events[0].event_type, EventType::RouteStarted);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random driver days: whatever order the moves come in, the route completes exactly when
    /// every order is final, pickups precede drops in every plan, and ETAs never go backwards.
    #[test]
    fn random_driver_days(n in 1usize..12, seed in proptest::collection::vec(0u8..4, 1..60)) {
        let c = crew(100_000);
        let (mut route, mut orders) = route_with(n, &c);
        let d = driver_ctx(&c);
        route = start_route(&route, &d).unwrap().routes[0].route.clone();
        for (k, step) in seed.iter().enumerate() {
            let i = k % n;
            let o = orders[i].clone();
            let to = match (o.status, step) {
                (OrderStatus::Assigned, _) => OrderStatus::PickedUp,
                (OrderStatus::PickedUp, _) => OrderStatus::InTransit,
                (OrderStatus::InTransit, 0) => OrderStatus::Failed,
                (OrderStatus::InTransit, _) => OrderStatus::Delivered,
                _ => continue,
            };
            if route.status.is_final() { break; }
            let change = move_order(&o, Some(&route), request(to), &d).unwrap();
            apply_to(&mut orders, &mut route, &change);
            prop_assert!(precedence_holds(&route.stops));
            let etas: Vec<_> = route.stops.iter().filter(|s| s.status == StopStatus::Pending).filter_map(|s| s.scheduled_eta).collect();
            prop_assert!(etas.windows(2).all(|w| w[0] <= w[1]));
            let all_final = orders.iter().all(|o| o.status.is_terminal());
            prop_assert_eq!(route.status == RouteStatus::Completed, all_final);
        }
    }
}
