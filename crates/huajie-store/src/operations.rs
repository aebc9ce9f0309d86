//! The store's operations as the web layer calls them: each opens its own write transaction,
//! reads through it what it checks, writes, audits and commits. A refusal
//! (`StoreError::Refused`, `NotFound`, `Duplicate`) leaves the transaction to roll back when it
//! is dropped: the database is exactly as before. Callers never hold a `WriteTx` themselves
//! for these.

use huajie_core::{LiquidationAnalysis, Role, Stored};
use huajie_rules::checks::ProhibitedAsset;
use huajie_tape::Field;

use crate::book::BookEntry;
use crate::{
    AssetFlagRecord, AssumptionSet, CompanyProfileVersion, CrossRegionException, FlagTarget, LoginAttempt, NewUser,
    ProfileChange, RuleParameterSet, Store, StoreError, User, WriteTx,
};

impl Store {
    /// Runs `op` in a write transaction of its own, as `actor`: committed when it succeeds, rolled
    /// back (dropped) when it fails or is refused.
    pub async fn operate<T>(
        &self,
        actor: &str,
        op: impl AsyncFnOnce(&mut WriteTx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut tx = self.write(actor).await?;
        let out = op(&mut tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Records (or replaces) the legal basis on which claim `claim_id`, outside the home
    /// province, may be acquired. Refused without a basis.
    pub async fn record_cross_region_exception(
        &self,
        actor: &str,
        claim_id: i64,
        basis: &str,
    ) -> Result<CrossRegionException, StoreError> {
        self.operate(actor, async |tx| tx.set_cross_region_exception(claim_id, basis).await).await
    }

    /// Flags a claim or a package as a prohibited asset of category `code`, with the reason.
    pub async fn flag_asset(
        &self,
        actor: &str,
        target: FlagTarget,
        code: ProhibitedAsset,
        reason: &str,
    ) -> Result<AssetFlagRecord, StoreError> {
        self.operate(actor, async |tx| tx.set_asset_flag(target, code, reason).await).await
    }

    /// Lifts flag `flag` of `target`: `NotFound` when `target` carries no such flag (as the
    /// operation's transaction reads it).
    pub async fn lift_asset_flag(&self, actor: &str, target: FlagTarget, flag: i64) -> Result<(), StoreError> {
        self.operate(actor, async |tx| {
            if !crate::deals::flags_on(tx.conn(), target).await?.iter().any(|f| f.id == flag) {
                return Err(StoreError::NotFound(format!("flag {flag}")));
            }
            tx.remove_asset_flag(flag).await.map(drop)
        })
        .await
    }

    /// Records a party's hypothetical-liquidation analysis, replacing the one before.
    pub async fn record_liquidation(
        &self,
        actor: &str,
        analysis: &LiquidationAnalysis,
    ) -> Result<Stored<LiquidationAnalysis>, StoreError> {
        self.operate(actor, async |tx| tx.save_liquidation(analysis).await).await
    }

    /// Adds one entry to the compliance book (refused, with the reason, when a rule forbids it).
    pub async fn add_book_entry(&self, actor: &str, entry: &BookEntry) -> Result<(), StoreError> {
        self.operate(actor, async |tx| tx.apply_book_entry(entry).await.map(drop)).await
    }

    /// Creates a user account (a taken user name is `Duplicate`).
    pub async fn create_user(&self, actor: &str, user: &NewUser) -> Result<i64, StoreError> {
        self.operate(actor, async |tx| tx.insert_user(user).await).await
    }

    /// Changes a user's name, role and whether the account is active.
    pub async fn change_user(
        &self,
        actor: &str,
        id: i64,
        display_name: &str,
        role: Role,
        active: bool,
    ) -> Result<(), StoreError> {
        self.operate(actor, async |tx| tx.update_user(id, display_name, role, active).await.map(drop)).await
    }

    /// Sets a user's password hash (which ends the user's sessions).
    pub async fn change_password(&self, actor: &str, id: i64, password_hash: &str) -> Result<(), StoreError> {
        self.operate(actor, async |tx| tx.set_password_hash(id, password_hash).await.map(drop)).await
    }

    /// Records that a password check reserved by `reserve_login_attempt` failed: the reservation
    /// stays counted as a failure, and the chain gets the event.
    pub async fn record_login_failure(&self, attempt: LoginAttempt) -> Result<(), StoreError> {
        self.operate("anonymous", async |tx| tx.record_login_failure(attempt).await).await
    }

    /// Opens a session for `user` whose reserved password check succeeded: the session (its
    /// token and CSRF token hashed and kept as given), the reservation and this source's earlier
    /// failures forgotten, the login in the audit chain.
    pub async fn open_session(
        &self,
        token_hash: &str,
        user: &User,
        csrf_token: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
        attempt: LoginAttempt,
    ) -> Result<(), StoreError> {
        self.operate(&user.username, async |tx| {
            tx.create_session(token_hash, user, csrf_token, expires_at, attempt).await
        })
        .await
    }

    /// Ends the session whose token hashes to `token_hash` (the user logs out).
    pub async fn end_session(&self, token_hash: &str, user: &User) -> Result<(), StoreError> {
        self.operate(&user.username, async |tx| tx.delete_session(token_hash, user).await.map(drop)).await
    }

    /// Saves a new version of an assumption set (a blank name is refused).
    pub async fn record_assumption_set(
        &self,
        actor: &str,
        name: &str,
        based_on: Option<i64>,
        assumptions: &huajie_value::Assumptions,
        note: &str,
    ) -> Result<AssumptionSet, StoreError> {
        self.operate(actor, async |tx| tx.save_assumption_set(name, based_on, assumptions, note).await).await
    }

    /// Saves a transferor's reviewed column mapping: each header with its field (`None`: left out).
    pub async fn record_mapping(
        &self,
        actor: &str,
        transferor_identifier: &str,
        columns: &[(String, Option<Field>)],
    ) -> Result<(), StoreError> {
        self.operate(actor, async |tx| {
            for (header, field) in columns {
                tx.save_mapping(transferor_identifier, header, *field).await?;
            }
            Ok(())
        })
        .await
    }

    /// Saves a version of the company's profile, in force from `effective_from`.
    pub async fn record_company_profile(
        &self,
        actor: &str,
        effective_from: chrono::NaiveDate,
        change: ProfileChange,
        note: &str,
    ) -> Result<CompanyProfileVersion, StoreError> {
        self.operate(actor, async |tx| tx.save_company_profile(effective_from, change, note).await).await
    }

    /// Saves a new version of the rule parameters.
    pub async fn record_rule_parameters(
        &self,
        actor: &str,
        parameters: &huajie_rules::RuleParameters,
        note: &str,
    ) -> Result<RuleParameterSet, StoreError> {
        self.operate(actor, async |tx| tx.save_rule_parameters(parameters, note).await).await
    }
}
