//! Roles and the token scopes they belong to.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Runs the tenant: users, settings, and everything a dispatcher does.
    OpsAdmin,
    /// Runs operations: orders, routes, drivers, vehicles, exceptions.
    OpsDispatcher,
    /// Works assigned routes from the driver app.
    Driver,
}

/// The roles an ops user may be given (DRIVER logins belong to driver records). Documents
/// the `role` of the user requests, which read it as text to answer a field error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OpsRole {
    OpsAdmin,
    OpsDispatcher,
}

/// Which app a token is good for. Ops routes refuse driver tokens and the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Ops,
    Driver,
}

impl Role {
    pub fn scope(self) -> Scope {
        match self {
            Role::OpsAdmin | Role::OpsDispatcher => Scope::Ops,
            Role::Driver => Scope::Driver,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::OpsAdmin => "OPS_ADMIN",
            Role::OpsDispatcher => "OPS_DISPATCHER",
            Role::Driver => "DRIVER",
        }
    }

    /// Who may manage users and tenant settings.
    pub fn can_manage_users(self) -> bool {
        matches!(self, Role::OpsAdmin)
    }

    /// Who may run day-to-day operations (orders, routes, drivers, vehicles, exceptions).
    pub fn can_operate(self) -> bool {
        matches!(self, Role::OpsAdmin | Role::OpsDispatcher)
    }
}

/// A permission an endpoint demands; checked against the caller's role in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Any ops user (admin or dispatcher).
    Operate,
    /// Ops admins only: users, roles, settings.
    Administer,
    /// Drivers only.
    Drive,
}

impl Permission {
    pub fn scope(self) -> Scope {
        match self {
            Permission::Operate | Permission::Administer => Scope::Ops,
            Permission::Drive => Scope::Driver,
        }
    }

    pub fn allows(self, role: Role) -> bool {
        match self {
            Permission::Operate => role.can_operate(),
            Permission::Administer => role.can_manage_users(),
            Permission::Drive => role == Role::Driver,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: [Role; 3] = [Role::OpsAdmin, Role::OpsDispatcher, Role::Driver];

    #[test]
    fn permission_table_is_exact() {
        let expected = [
            (Permission::Operate, [true, true, false]),
            (Permission::Administer, [true, false, false]),
            (Permission::Drive, [false, false, true]),
        ];
        for (perm, allowed) in expected {
            for (role, want) in ROLES.iter().zip(allowed) {
                assert_eq!(perm.allows(*role), want, "{perm:?} for {role:?}");
            }
        }
    }

    #[test]
    fn scopes() {
        assert_eq!(Role::OpsAdmin.scope(), Scope::Ops);
        assert_eq!(Role::OpsDispatcher.scope(), Scope::Ops);
        assert_eq!(Role::Driver.scope(), Scope::Driver);
        for role in ROLES {
            // a permission is only ever granted inside its own scope
            for perm in [
                Permission::Operate,
                Permission::Administer,
                Permission::Drive,
            ] {
                if perm.allows(role) {
                    assert_eq!(perm.scope(), role.scope());
                }
            }
        }
    }

    #[test]
    fn serde_names_match_the_seed() {
        assert_eq!(
            serde_json::to_string(&Role::OpsDispatcher).unwrap(),
            "\"OPS_DISPATCHER\""
        );
        let r: Role = serde_json::from_str("\"DRIVER\"").unwrap();
        assert_eq!(r, Role::Driver);
        assert_eq!(Role::OpsAdmin.as_str(), "OPS_ADMIN");
    }
}
