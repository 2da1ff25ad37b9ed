//! The order status machine, exactly the seed's, and who may make each move.
//!
//! ```text
//! CREATED -> ASSIGNED -> PICKED_UP -> IN_TRANSIT -> DELIVERED
//!                                              \-> FAILED
//! CREATED | ASSIGNED | PICKED_UP -> CANCELLED   (ops only)
//! ASSIGNED -> CREATED                           (taken off a route: ops or the system)
//! ```
//! The seed's machine, plus ASSIGNED -> CREATED, which issue 4 needs (an order taken off its
//! route goes back to the pool, with history and an event). Who makes each move:
//! ```text
//! CREATED -> ASSIGNED, ASSIGNED -> CREATED     OPS, SYSTEM
//! ASSIGNED -> PICKED_UP -> IN_TRANSIT           DRIVER
//! IN_TRANSIT -> DELIVERED | FAILED              DRIVER
//! CREATED | ASSIGNED | PICKED_UP -> CANCELLED   OPS
//! ```
//! DELIVERED, FAILED and CANCELLED are terminal: nothing leaves them.

use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    Created,
    Assigned,
    PickedUp,
    InTransit,
    Delivered,
    Failed,
    Cancelled,
}

/// Who makes a move: an ops user, a driver, or CargoFlow itself (jobs, route changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActorType {
    Ops,
    Driver,
    System,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Created,
        OrderStatus::Assigned,
        OrderStatus::PickedUp,
        OrderStatus::InTransit,
        OrderStatus::Delivered,
        OrderStatus::Failed,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Created => "CREATED",
            OrderStatus::Assigned => "ASSIGNED",
            OrderStatus::PickedUp => "PICKED_UP",
            OrderStatus::InTransit => "IN_TRANSIT",
            OrderStatus::Delivered => "DELIVERED",
            OrderStatus::Failed => "FAILED",
            OrderStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim().to_uppercase())
            .ok_or_else(|| "must be one of CREATED, ASSIGNED, PICKED_UP, IN_TRANSIT, DELIVERED, FAILED, CANCELLED".into())
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            OrderStatus::Delivered | OrderStatus::Failed | OrderStatus::Cancelled
        )
    }
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("The order is {}, a final status.", .0.as_str())]
    Terminal(OrderStatus),
    #[error("An order cannot move from {} to {}.", from.as_str(), to.as_str())]
    NotAllowed { from: OrderStatus, to: OrderStatus },
    #[error("This caller may not move an order from {} to {}.", from.as_str(), to.as_str())]
    NotPermitted {
        from: OrderStatus,
        to: OrderStatus,
        actor: ActorType,
    },
}

/// Who may make the move `from -> to`; empty when the move does not exist.
pub fn allowed_actors(from: OrderStatus, to: OrderStatus) -> &'static [ActorType] {
    use ActorType::*;
    use OrderStatus::*;
    match (from, to) {
        (Created, Assigned) => &[Ops, System],
        (Assigned, Created) => &[Ops, System],
        (Assigned, PickedUp) => &[Driver],
        (PickedUp, InTransit) => &[Driver],
        (InTransit, Delivered) => &[Driver],
        (InTransit, Failed) => &[Driver],
        (Created | Assigned | PickedUp, Cancelled) => &[Ops],
        _ => &[],
    }
}

/// Checks one move by one actor.
pub fn check(from: OrderStatus, to: OrderStatus, actor: ActorType) -> Result<(), TransitionError> {
    if from.is_terminal() {
        return Err(TransitionError::Terminal(from));
    }
    let actors = allowed_actors(from, to);
    if actors.is_empty() {
        return Err(TransitionError::NotAllowed { from, to });
    }
    if !actors.contains(&actor) {
        return Err(TransitionError::NotPermitted { from, to, actor });
    }
    Ok(())
}

/// Every status `from` can move to (for any actor).
pub fn next_statuses(from: OrderStatus) -> Vec<OrderStatus> {
    OrderStatus::ALL
        .into_iter()
        .filter(|to| !allowed_actors(from, *to).is_empty() && !from.is_terminal())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActorType::*;
    use OrderStatus::*;

    /// The whole table, written out: (from, to, actors allowed). Every pair not listed is refused.
    const TABLE: &[(OrderStatus, OrderStatus, &[ActorType])] = &[
        (Created, Assigned, &[Ops, System]),
        (Assigned, Created, &[Ops, System]),
        (Assigned, PickedUp, &[Driver]),
        (PickedUp, InTransit, &[Driver]),
        (InTransit, Delivered, &[Driver]),
        (InTransit, Failed, &[Driver]),
        (Created, Cancelled, &[Ops]),
        (Assigned, Cancelled, &[Ops]),
        (PickedUp, Cancelled, &[Ops]),
    ];

    #[test]
    fn every_pair_and_actor_is_exactly_as_tabled() {
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let allowed = TABLE
                    .iter()
                    .find(|(f, t, _)| *f == from && *t == to)
                    .map(|(_, _, a)| *a)
                    .unwrap_or(&[]);
                for actor in [Ops, Driver, System] {
                    let got = check(from, to, actor);
                    assert_eq!(
                        got.is_ok(),
                        allowed.contains(&actor),
                        "{from:?} -> {to:?} by {actor:?}: {got:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn terminal_states_never_change() {
        for from in [Delivered, Failed, Cancelled] {
            assert!(from.is_terminal());
            assert!(next_statuses(from).is_empty());
            for to in OrderStatus::ALL {
                for actor in [Ops, Driver, System] {
                    assert_eq!(check(from, to, actor), Err(TransitionError::Terminal(from)));
                }
            }
        }
    }

    #[test]
    fn drivers_cannot_cancel_and_nobody_skips_steps() {
        for from in [Created, Assigned, PickedUp] {
            assert!(matches!(
                check(from, Cancelled, Driver),
                Err(TransitionError::NotPermitted { .. })
            ));
            assert!(check(from, Cancelled, System).is_err());
        }
        assert!(matches!(
            check(Created, PickedUp, Ops),
            Err(TransitionError::NotAllowed { .. })
        ));
        assert!(matches!(
            check(Assigned, Delivered, Driver),
            Err(TransitionError::NotAllowed { .. })
        ));
        assert!(matches!(
            check(InTransit, Cancelled, Ops),
            Err(TransitionError::NotAllowed { .. })
        ));
        assert!(matches!(
            check(Created, Created, Ops),
            Err(TransitionError::NotAllowed { .. })
        ));
    }

    #[test]
    fn names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Ok(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        assert!(OrderStatus::parse("LOST").is_err());
    }
}
