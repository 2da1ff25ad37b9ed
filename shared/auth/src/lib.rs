//! Authentication rules, pure and testable: token issue and verification, password hashing.
//!
//! Access tokens: EdDSA (Ed25519) JWTs with a `kid`, header `typ: at+jwt`, audience
//! `cargoflow-ops` or `cargoflow-driver` (matching the role's scope), about 15 minutes, carrying
//! the session id (`sid`) and the user's session epoch (`ver`). Refresh tokens: EdDSA JWTs,
//! header `typ: rt+jwt`, audience `cargoflow-refresh`, carrying their family id; the store keeps
//! each family's current token id so that reuse of an old one is detected and revokes the
//! family. The two kinds are validated by mutually exclusive rules (RFC 8725 §3.11): a refresh
//! token is never accepted as an access token and the reverse. Only the issuers hold the
//! private key; verifiers hold the published public keys (docs/ARCHITECTURE.md, "Tokens").

pub mod password;
pub mod tokens;

pub use password::*;
pub use tokens::*;
