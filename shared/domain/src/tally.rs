//! The ops dashboard's counts, kept exact by the writes themselves: what one write (an order
//! created, a decided [`Change`](crate::dispatch::Change), an exception's move) does to
//! - the number of orders created on a day in each status (by the order's creation day, UTC
//!   for now), and
//! - the number of OPEN exceptions of each type (tenant-wide: an exception stays open until
//!   someone acknowledges or resolves it, whatever day it was raised).
//!
//! The store adds a [`Tally`] to the transaction of the write it counts, one update per
//! counter item it touches ([`Tally::items`]), so the counts move exactly when the data does.

use std::collections::BTreeMap;

use time::{Date, OffsetDateTime, UtcOffset};

use crate::dispatch::Change;
use crate::*;

/// The day an order is counted under: its creation date in UTC (tenant time zones later).
pub fn order_day(created_at: OffsetDateTime) -> Date {
    created_at.to_offset(UtcOffset::UTC).date()
}

/// Counter deltas of one write; zero deltas are dropped, so an empty tally writes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    orders: BTreeMap<Date, BTreeMap<OrderStatus, i64>>,
    open_exceptions: BTreeMap<&'static str, i64>,
}

impl Tally {
    pub fn new() -> Self {
        Self::default()
    }

    fn add_order(&mut self, day: Date, status: OrderStatus, delta: i64) {
        let counts = self.orders.entry(day).or_default();
        let n = counts.entry(status).or_default();
        *n += delta;
        if *n == 0 {
            counts.remove(&status);
        }
        if counts.is_empty() {
            self.orders.remove(&day);
        }
    }

    fn add_open(&mut self, t: ExceptionType, delta: i64) {
        let n = self.open_exceptions.entry(t.as_str()).or_default();
        *n += delta;
        if *n == 0 {
            self.open_exceptions.remove(t.as_str());
        }
    }

    /// A new order, in its first status.
    pub fn order_created(&mut self, order: &Order) {
        self.add_order(order_day(order.created_at), order.status, 1);
    }

    /// An order written at `order.status` over a stored one at `from`.
    pub fn order_moved(&mut self, order: &Order, from: OrderStatus) {
        if from != order.status {
            let day = order_day(order.created_at);
            self.add_order(day, from, -1);
            self.add_order(day, order.status, 1);
        }
    }

    /// A new exception.
    pub fn exception_raised(&mut self, e: &OrderException) {
        if e.status == ExceptionStatus::Open {
            self.add_open(e.exception_type, 1);
        }
    }

    /// An exception written at `e.status` over a stored one at `from`.
    pub fn exception_moved(&mut self, e: &OrderException, from: ExceptionStatus) {
        let open = |s: ExceptionStatus| i64::from(s == ExceptionStatus::Open);
        let delta = open(e.status) - open(from);
        if delta != 0 {
            self.add_open(e.exception_type, delta);
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        for (day, counts) in &other.orders {
            for (status, n) in counts {
                self.add_order(*day, *status, *n);
            }
        }
        for (t, n) in &other.open_exceptions {
            let n0 = self.open_exceptions.entry(t).or_default();
            *n0 += n;
            if *n0 == 0 {
                self.open_exceptions.remove(t);
            }
        }
    }

    /// Per creation day, the non-zero deltas of orders in each status.
    pub fn orders(&self) -> &BTreeMap<Date, BTreeMap<OrderStatus, i64>> {
        &self.orders
    }

    /// The non-zero deltas of OPEN exceptions, by type (`DELAY`, ...).
    pub fn open_exceptions(&self) -> &BTreeMap<&'static str, i64> {
        &self.open_exceptions
    }

    /// How many counter items the tally updates: one per creation day, one for the exceptions.
    pub fn items(&self) -> usize {
        self.orders.len() + usize::from(!self.open_exceptions.is_empty())
    }

    pub fn is_empty(&self) -> bool {
        self.items() == 0
    }
}

impl Change {
    /// What the change does to the dashboard counts: each move from the status it expects to
    /// its new one, each new exception.
    pub fn tally(&self) -> Tally {
        let mut t = Tally::new();
        for m in &self.moves {
            t.order_moved(&m.write.order, m.write.expected_status);
        }
        for e in &self.exceptions {
            t.exception_raised(e);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn order(status: OrderStatus, created_at: OffsetDateTime) -> Order {
        let input: OrderInput = serde_json::from_value(serde_json::json!({
            "reference_code": "CF-1",
            "customer_name": "Ananya Sharma",
            "customer_phone": "+918888887777",
            "stops": [
                {"sequence_index": 1, "type": "PICKUP", "address_line": "Warehouse",
                 "city": "Bengaluru", "lat": 12.97, "lng": 77.75},
                {"sequence_index": 2, "type": "DROP", "address_line": "Customer",
                 "city": "Bengaluru", "lat": 12.9, "lng": 77.6}
            ]
        }))
        .unwrap();
        let mut o = NewOrder::try_from(&input).unwrap().into_order(created_at);
        o.status = status;
        o
    }

    #[test]
    fn the_day_is_the_utc_creation_date() {
        let late = datetime!(2026-11-20 23:30 -05:00);
        assert_eq!(order_day(late), time::macros::date!(2026 - 11 - 21));
        assert_eq!(
            order_day(datetime!(2026-11-20 00:00 UTC)),
            time::macros::date!(2026 - 11 - 20)
        );
    }

    #[test]
    fn moves_shift_one_order_between_statuses_of_its_day() {
        let day1 = datetime!(2026-11-20 10:00 UTC);
        let day2 = datetime!(2026-11-21 10:00 UTC);
        let mut t = Tally::new();
        t.order_created(&order(OrderStatus::Created, day1));
        t.order_moved(&order(OrderStatus::Assigned, day1), OrderStatus::Created);
        t.order_moved(&order(OrderStatus::Assigned, day2), OrderStatus::Created);
        // A write in the same status changes nothing.
        t.order_moved(&order(OrderStatus::Assigned, day2), OrderStatus::Assigned);
        let d1 = t.orders()[&order_day(day1)].clone();
        assert_eq!(d1, BTreeMap::from([(OrderStatus::Assigned, 1)]));
        let d2 = t.orders()[&order_day(day2)].clone();
        assert_eq!(
            d2,
            BTreeMap::from([(OrderStatus::Created, -1), (OrderStatus::Assigned, 1)])
        );
        assert_eq!(t.items(), 2);
        // Moving back cancels out: nothing left to write for that day.
        t.order_moved(&order(OrderStatus::Created, day2), OrderStatus::Assigned);
        assert_eq!(t.items(), 1);
        assert!(!t.orders().contains_key(&order_day(day2)));
    }

    #[test]
    fn only_open_exceptions_are_counted() {
        let o = order(OrderStatus::Assigned, datetime!(2026-11-20 10:00 UTC));
        let mut e = OrderException {
            id: ExceptionId::generate(),
            order_id: o.id.clone(),
            exception_type: ExceptionType::Delay,
            status: ExceptionStatus::Open,
            notes: None,
            ack_note: None,
            resolution: None,
            created_by: None,
            created_at: o.created_at,
            acknowledged_at: None,
            resolved_at: None,
            updated_at: o.created_at,
            version: 1,
        };
        let mut t = Tally::new();
        t.exception_raised(&e);
        assert_eq!(t.open_exceptions(), &BTreeMap::from([("DELAY", 1)]));
        assert_eq!(t.items(), 1);
        e.status = ExceptionStatus::Acknowledged;
        let mut ack = Tally::new();
        ack.exception_moved(&e, ExceptionStatus::Open);
        assert_eq!(ack.open_exceptions(), &BTreeMap::from([("DELAY", -1)]));
        // Resolving an acknowledged one leaves the open count alone.
        e.status = ExceptionStatus::Resolved;
        let mut resolve = Tally::new();
        resolve.exception_moved(&e, ExceptionStatus::Acknowledged);
        assert!(resolve.is_empty());
        t.merge(&ack);
        assert!(t.is_empty(), "raised then acknowledged: no change");
    }
}
