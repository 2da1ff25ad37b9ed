//! Tenants, users and logins.

use aws_sdk_dynamodb::types::AttributeValue;
use cargoflow_domain::*;
use time::OffsetDateTime;

use crate::items::{MarkerItem, PendingRegistrationItem, TenantItem, UserItem};
use crate::store::{TxError, n, s};
use crate::{Page, Store, StoreError, keys};

/// What the login path needs: the user, its password hash and session epoch.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub user: User,
    pub password_hash: String,
    pub session_epoch: u64,
}

/// A registration waiting for its email to be confirmed.
#[derive(Debug, Clone)]
pub struct PendingRegistration {
    pub tenant_name: DisplayName,
    pub tenant_slug: TenantSlug,
    pub email: Email,
    pub full_name: DisplayName,
    pub password_hash: String,
}

/// What every authenticated request checks about its caller (cached for seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionState {
    pub session_epoch: u64,
    pub is_active: bool,
}

/// The mutable fields of a user; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub full_name: Option<DisplayName>,
    pub role: Option<Role>,
    pub is_active: Option<bool>,
}

impl Store {
    /// Creates a tenant and its first OPS_ADMIN in one transaction, with the slug and email
    /// markers that keep both globally unique.
    pub async fn register_tenant(
        &self,
        tenant: &Tenant,
        admin: &User,
        password_hash: String,
    ) -> Result<(), StoreError> {
        let tx = self.register_tenant_items(tenant, admin, password_hash)?;
        match self.transact(tx).await {
            Ok(()) => Ok(()),
            Err(e) => Err(map_unique(e, &[(1, "tenant_slug"), (2, "email")])),
        }
    }

    /// The items of a new tenant: tenant, slug marker, email marker, first admin (in this
    /// order: the uniqueness markers are items 1 and 2).
    fn register_tenant_items(
        &self,
        tenant: &Tenant,
        admin: &User,
        password_hash: String,
    ) -> Result<Vec<aws_sdk_dynamodb::types::TransactWriteItem>, StoreError> {
        Ok(vec![
            self.put_new(Self::to_item(&TenantItem::new(
                keys::tenant(&tenant.id),
                tenant,
            ))?)?,
            self.put_new(Self::to_item(&MarkerItem::new(
                keys::slug_marker(&tenant.slug),
                &tenant.id,
                tenant.id.as_str(),
                tenant.created_at,
            ))?)?,
            self.put_new(Self::to_item(&MarkerItem::new(
                keys::email_marker(&admin.email),
                &tenant.id,
                admin.id.as_str(),
                admin.created_at,
            ))?)?,
            self.put_new(Self::to_item(&UserItem::new(
                keys::user(&tenant.id, &admin.id),
                admin,
                password_hash,
            ))?)?,
        ])
    }

    /// Whether a slug or an email is taken (their uniqueness markers exist).
    pub async fn slug_taken(&self, slug: &TenantSlug) -> Result<bool, StoreError> {
        Ok(self
            .get::<MarkerItem>(&keys::slug_marker(slug))
            .await?
            .is_some())
    }

    pub async fn email_taken(&self, email: &Email) -> Result<bool, StoreError> {
        Ok(self
            .get::<MarkerItem>(&keys::email_marker(email))
            .await?
            .is_some())
    }

    /// Keeps a registration until its email is confirmed (or `expires_at`).
    pub async fn put_pending_registration(
        &self,
        token_hash: &str,
        r: &PendingRegistration,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let k = keys::pending_registration(token_hash);
        let item = PendingRegistrationItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: PendingRegistrationItem::TYPE.into(),
            tenant_name: r.tenant_name.to_string(),
            tenant_slug: r.tenant_slug.to_string(),
            email: r.email.to_string(),
            full_name: r.full_name.to_string(),
            password_hash: r.password_hash.clone(),
            expires_at,
            ttl: expires_at.unix_timestamp() + 86_400,
        };
        self.transact_one(self.put_new(Self::to_item(&item)?)?)
            .await
    }

    /// The registration a confirmation token stands for, if it has not expired.
    pub async fn pending_registration(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<PendingRegistration>, StoreError> {
        Ok(self
            .get::<PendingRegistrationItem>(&keys::pending_registration(token_hash))
            .await?
            .filter(|i| i.expires_at > now)
            .map(|i| PendingRegistration {
                tenant_name: DisplayName::from_stored(i.tenant_name),
                tenant_slug: TenantSlug::from_stored(i.tenant_slug),
                email: Email::from_stored(i.email),
                full_name: DisplayName::from_stored(i.full_name),
                password_hash: i.password_hash,
            }))
    }

    /// [`Self::register_tenant`] for a confirmed registration: the pending item is consumed in
    /// the same transaction, so one confirmation link makes one tenant however often it is
    /// followed.
    pub async fn confirm_registration(
        &self,
        token_hash: &str,
        tenant: &Tenant,
        admin: &User,
        password_hash: String,
    ) -> Result<(), StoreError> {
        let mut tx = self.register_tenant_items(tenant, admin, password_hash)?;
        tx.push(self.delete_existing(&keys::pending_registration(token_hash))?);
        match self.transact(tx).await {
            Ok(()) => Ok(()),
            Err(e) => Err(map_unique(e, &[(1, "tenant_slug"), (2, "email")])),
        }
    }

    pub async fn get_tenant(&self, tenant: &TenantId) -> Result<Tenant, StoreError> {
        let item: TenantItem = self
            .get(&keys::tenant(tenant))
            .await?
            .ok_or(StoreError::NotFound)?;
        item.try_into()
    }

    /// Email -> user and hash (two reads: the marker, then the user).
    pub async fn find_login(&self, email: &Email) -> Result<Option<LoginRecord>, StoreError> {
        let Some(marker) = self.get::<MarkerItem>(&keys::email_marker(email)).await? else {
            return Ok(None);
        };
        let tenant = TenantId::from_stored(marker.tenant_id);
        let user = UserId::from_stored(marker.owner_id);
        let Some(item) = self.get::<UserItem>(&keys::user(&tenant, &user)).await? else {
            return Ok(None);
        };
        let password_hash = item.password_hash.clone();
        let session_epoch = item.session_epoch;
        Ok(Some(LoginRecord {
            user: item.try_into()?,
            password_hash,
            session_epoch,
        }))
    }

    /// The user and their session epoch, from one read (refresh).
    pub async fn get_user_session(
        &self,
        tenant: &TenantId,
        user: &UserId,
    ) -> Result<(User, u64), StoreError> {
        let item: UserItem = self
            .get(&keys::user(tenant, user))
            .await?
            .ok_or(StoreError::NotFound)?;
        let epoch = item.session_epoch;
        Ok((item.try_into()?, epoch))
    }

    /// The user's session epoch and whether they are active (two attributes of the user
    /// item); `None` when the user does not exist.
    pub async fn session_state(
        &self,
        tenant: &TenantId,
        user: &UserId,
    ) -> Result<Option<SessionState>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .set_key(Some(crate::store::key_map(&keys::user(tenant, user))))
            .projection_expression("session_epoch, is_active")
            .send()
            .await
            .map_err(|e| StoreError::backend("GetItem", e))?;
        Ok(out.item.map(|i| SessionState {
            session_epoch: i
                .get("session_epoch")
                .and_then(|v| v.as_n().ok())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0),
            is_active: i
                .get("is_active")
                .and_then(|v| v.as_bool().ok())
                .copied()
                .unwrap_or(false),
        }))
    }

    pub async fn get_user(&self, tenant: &TenantId, user: &UserId) -> Result<User, StoreError> {
        let item: UserItem = self
            .get(&keys::user(tenant, user))
            .await?
            .ok_or(StoreError::NotFound)?;
        item.try_into()
    }

    pub async fn list_users(
        &self,
        tenant: &TenantId,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<Page<User>, StoreError> {
        let page = self
            .query_prefix::<UserItem>(&keys::tenant_pk(tenant), keys::USER_PREFIX, cursor, limit)
            .await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(User::try_from)
                .collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor,
        })
    }

    /// A new login in an existing tenant (email marker + user).
    pub async fn create_user(&self, user: &User, password_hash: String) -> Result<(), StoreError> {
        let tx = vec![
            self.put_new(Self::to_item(&MarkerItem::new(
                keys::email_marker(&user.email),
                &user.tenant_id,
                user.id.as_str(),
                user.created_at,
            ))?)?,
            self.put_new(Self::to_item(&UserItem::new(
                keys::user(&user.tenant_id, &user.id),
                user,
                password_hash,
            ))?)?,
        ];
        self.transact(tx)
            .await
            .map_err(|e| map_unique(e, &[(0, "email")]))
    }

    /// Applies `changes` if the user is still at `expected_version`; returns the new user.
    pub async fn update_user(
        &self,
        tenant: &TenantId,
        user: &UserId,
        expected_version: u64,
        changes: &UserChanges,
        now: OffsetDateTime,
    ) -> Result<User, StoreError> {
        let item = self.user_update(tenant, user, expected_version, changes, now)?;
        self.transact_one(item).await?;
        self.get_user(tenant, user).await
    }

    pub(crate) fn user_update(
        &self,
        tenant: &TenantId,
        user: &UserId,
        expected_version: u64,
        changes: &UserChanges,
        now: OffsetDateTime,
    ) -> Result<aws_sdk_dynamodb::types::TransactWriteItem, StoreError> {
        let mut sets = vec!["updated_at = :now", "version = version + :one"];
        let mut values: Vec<(&str, AttributeValue)> = vec![
            (":now", s(cargoflow_domain::time_util::rfc3339(now))),
            (":one", n(1)),
            (":expected", n(expected_version)),
        ];
        if let Some(name) = &changes.full_name {
            sets.push("full_name = :full_name");
            values.push((":full_name", s(name.as_str())));
        }
        if let Some(role) = changes.role {
            sets.push("#role = :role");
            values.push((":role", s(role.as_str())));
        }
        if let Some(active) = changes.is_active {
            sets.push("is_active = :active");
            values.push((":active", AttributeValue::Bool(active)));
        }
        // A new role or a deactivation ends every session and access token of the user in
        // the same write (their epoch no longer matches).
        if changes.role.is_some() || changes.is_active == Some(false) {
            sets.push("session_epoch = if_not_exists(session_epoch, :zero) + :one");
            values.push((":zero", n(0)));
        }
        let expr = format!("SET {}", sets.join(", "));
        // DynamoDB refuses declared names an expression does not use.
        let mut names = vec![("#pk", keys::PK)];
        if changes.role.is_some() {
            names.push(("#role", "role"));
        }
        self.update(
            &keys::user(tenant, user),
            &expr,
            "attribute_exists(#pk) AND version = :expected",
            &names,
            values,
        )
    }
}

/// Maps a cancelled transaction to `Taken { field }` when the failed item is one of the
/// uniqueness markers, else to `Conflict`.
pub(crate) fn map_unique(e: TxError, markers: &[(usize, &'static str)]) -> StoreError {
    match e {
        TxError::Store(e) => e,
        cancelled => {
            let failed = cancelled.failed_conditions();
            markers
                .iter()
                .find(|(i, _)| failed.contains(i))
                .map(|(_, field)| StoreError::Taken { field })
                .unwrap_or(StoreError::Conflict)
        }
    }
}

impl Store {
    /// Every tenant id (GSI1 `TENANTS`), for the scheduled jobs.
    pub async fn all_tenants(&self) -> Result<Vec<TenantId>, StoreError> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(keys::GSI1)
                .key_condition_expression("GSI1PK = :pk")
                .expression_attribute_values(":pk", s(keys::GSI1_TENANTS))
                // The tenant's id is in its key (GSI1 projects no `id`).
                .projection_expression("PK, SK")
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| StoreError::backend("Query", e))?;
            for item in page.items.unwrap_or_default() {
                let pk = item.get(keys::PK).and_then(|v| v.as_s().ok());
                let sk = item.get(keys::SK).and_then(|v| v.as_s().ok());
                if let Some(t) = pk.zip(sk).and_then(|(pk, sk)| keys::tenant_of(pk, sk)) {
                    out.push(t);
                }
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(out);
            }
        }
    }
}
