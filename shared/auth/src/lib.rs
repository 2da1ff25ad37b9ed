//! Authentication rules, pure and testable: token issue and verification, password hashing.
//!
//! Access tokens: HS256 JWTs, header `typ: at+jwt`, audience `cargoflow-ops` or
//! `cargoflow-driver` (matching the role's scope), about 15 minutes. Refresh tokens: HS256
//! JWTs, header `typ: rt+jwt`, audience `cargoflow-refresh`, carrying their family id; the
//! store keeps each family's current token id so that reuse of an old one is detected and
//! revokes the family. The two kinds are validated by mutually exclusive rules (RFC 8725 §3.11):
//! a refresh token is never accepted as an access token and the reverse.

pub mod password;
pub mod tokens;

pub use password::*;
pub use tokens::*;
