//! Investors who register on the portal (issue 14): the registration (an investor user and its
//! profile in one transaction, the profile linked to the party with its identifier, created
//! when unknown), the registration throttle per source, the KYC documents (kept with their
//! SHA-256, all or none), the screening against the party graph (`huajie_rules::pretrade::
//! screen_transferee`, no lot: TX3–TX5, TX8) and the staff's decisions — qualify (asked of
//! `huajie_decide::investor::may_qualify`), refuse with a reason, ask for more documents —
//! each a guarded change of status (`WriteTx::set_status`), audited.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use huajie_core::{Lifecycle, Party, PartyIdentifier, PartyStatus, Role, Text};
use huajie_decide::investor::{self, DocumentKind, InvestorKind, InvestorStatus};
use huajie_rules::checks::{Counterparty, Finding};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::rows::{code, i64_col, opt_text, opt_utc, text, utc};
use crate::status::StatusTable;
use crate::{NewUser, Store, StoreError, WriteTx};

/// An investor's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Investor {
    pub id: i64,
    pub user_id: i64,
    pub kind: InvestorKind,
    /// A person's name or a company's.
    pub name: String,
    /// Its resident ID or USCC, as registered.
    pub identifier: String,
    /// A company's legal representative.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_rep: Option<String>,
    pub phone: String,
    pub email: String,
    /// The party it is in the party graph (what the screening reads).
    pub party_id: i64,
    pub status: InvestorStatus,
    /// The staff's request for more documents (the investor reads it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// Why staff refused it (staff only: the investor reads `investor::refusal_for_investor`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub registered_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(serialize_with = "crate::rows::opt_stored_time", skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

impl Audited for Investor {
    const ENTITY: &'static str = "investor";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// A KYC document (its bytes are read apart, checked against the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvestorDocument {
    pub id: i64,
    pub investor_id: i64,
    pub kind: DocumentKind,
    pub name: String,
    pub bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub uploaded_at: DateTime<Utc>,
}

impl Audited for InvestorDocument {
    const ENTITY: &'static str = "investor_document";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// The largest KYC document taken.
pub const INVESTOR_DOCUMENT_BYTES_MAX: usize = 20 * 1024 * 1024;

/// Who an investor is, as the registration form read it (every field checked by its rule).
#[derive(Debug, Clone)]
pub struct InvestorProfile {
    pub kind: InvestorKind,
    pub name: String,
    pub identifier: PartyIdentifier,
    pub legal_rep: Option<String>,
    pub phone: String,
    pub email: String,
}

/// A registration: the account (its password already hashed) and the profile.
#[derive(Debug, Clone)]
pub struct Registration {
    pub username: String,
    pub password_hash: String,
    pub profile: InvestorProfile,
}

/// What a registration came to: the investor, or the fields already taken (the user name, the
/// identifier), each with its message.
#[derive(Debug)]
pub enum Registered {
    Done(Box<Investor>),
    Taken(Vec<(&'static str, Text)>),
}

const COLUMNS: &str = "id, user_id, kind, name, identifier, legal_rep, phone, email, party_id, status, request, refusal, registered_at, decided_by, decided_at";
const DOCUMENT_COLUMNS: &str = "id, investor_id, kind, name, bytes, sha256, uploaded_by, uploaded_at";

fn investor_from_row(r: &AnyRow) -> Result<Investor, StoreError> {
    Ok(Investor {
        id: i64_col(r, "id")?,
        user_id: i64_col(r, "user_id")?,
        kind: code(r, "kind", InvestorKind::from_code)?,
        name: text(r, "name")?,
        identifier: text(r, "identifier")?,
        legal_rep: opt_text(r, "legal_rep")?,
        phone: text(r, "phone")?,
        email: text(r, "email")?,
        party_id: i64_col(r, "party_id")?,
        status: code(r, "status", InvestorStatus::from_code)?,
        request: opt_text(r, "request")?,
        refusal: opt_text(r, "refusal")?,
        registered_at: utc(r, "registered_at")?,
        decided_by: opt_text(r, "decided_by")?,
        decided_at: opt_utc(r, "decided_at")?,
    })
}

fn document_from_row(r: &AnyRow) -> Result<InvestorDocument, StoreError> {
    Ok(InvestorDocument {
        id: i64_col(r, "id")?,
        investor_id: i64_col(r, "investor_id")?,
        kind: code(r, "kind", DocumentKind::from_code)?,
        name: text(r, "name")?,
        bytes: i64_col(r, "bytes")?,
        sha256: text(r, "sha256")?,
        uploaded_by: text(r, "uploaded_by")?,
        uploaded_at: utc(r, "uploaded_at")?,
    })
}

async fn investor_where(c: &mut AnyConnection, column: &str, value: i64) -> Result<Option<Investor>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM investors WHERE {column} = $1");
    let row = sqlx::query(crate::composed(sql)).bind(value).fetch_optional(&mut *c).await?;
    row.as_ref().map(investor_from_row).transpose()
}

async fn investor_by_id(c: &mut AnyConnection, id: i64) -> Result<Investor, StoreError> {
    investor_where(c, "id", id).await?.ok_or_else(|| StoreError::NotFound(format!("投资者 / investor {id}")))
}

async fn documents_of(c: &mut AnyConnection, investor_id: Option<i64>) -> Result<Vec<InvestorDocument>, StoreError> {
    let rows = match investor_id {
        Some(id) => {
            let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM investor_documents WHERE investor_id = $1 ORDER BY id");
            sqlx::query(crate::composed(sql)).bind(id).fetch_all(&mut *c).await?
        }
        None => {
            let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM investor_documents ORDER BY id");
            sqlx::query(crate::composed(sql)).fetch_all(&mut *c).await?
        }
    };
    rows.iter().map(document_from_row).collect()
}

/// The screening of an investor against the party graph, as it stands on `c` on `as_of`: the
/// transferee rules that do not depend on a lot (the staff register, their relatives and the
/// entities they take part in, related parties, the dishonest-debtor list).
async fn screening(c: &mut AnyConnection, investor: &Investor, as_of: NaiveDate) -> Result<Vec<Finding>, StoreError> {
    let company = crate::company::company(c).await?.ok_or_else(|| StoreError::NotFound("公司 / company".into()))?;
    let params = match crate::parameters::latest(c).await? {
        Some(set) => set.parameters,
        None => huajie_rules::RuleParameters::default(),
    };
    let ledger = crate::ledger::compliance_ledger(c, as_of).await?;
    let parties = crate::deals::check_parties(c).await?;
    let Some(party) = parties.get(&investor.party_id).cloned() else {
        return Err(StoreError::Corrupt(format!("investor {}: party {} not found", investor.id, investor.party_id)));
    };
    let names: BTreeMap<i64, String> = parties.iter().map(|(id, p)| (*id, p.name.clone())).collect();
    let setting = huajie_rules::pretrade::Setting { home: company.province, as_of, names: &names };
    let transferee = Counterparty::Registered(party);
    Ok(huajie_rules::pretrade::screen_transferee(&setting, &ledger, &params, &transferee, &[], false))
}

impl Store {
    /// Counts a registration attempt from `client` against the throttle
    /// (`huajie_core::throttle::registration`), in its own transaction, so that an attempt
    /// refused later still counts. `Throttled` past the limit.
    pub async fn reserve_registration(&self, client: &str) -> Result<(), StoreError> {
        use sqlx::Row;
        self.operate("anonymous", async |tx| {
            let now = tx.clock.now();
            let since = now - chrono::Duration::minutes(huajie_core::throttle::REGISTRATION_WINDOW_MINUTES);
            sqlx::query("DELETE FROM registration_attempts WHERE at < $1")
                .bind(crate::timestamp(since))
                .execute(tx.conn())
                .await?;
            let row = sqlx::query("SELECT COUNT(*), MIN(at) FROM registration_attempts WHERE client = $1")
                .bind(client)
                .fetch_one(tx.conn())
                .await?;
            let oldest = row.try_get::<Option<String>, _>(1)?.as_deref().map(crate::parse_timestamp).transpose()?;
            huajie_core::throttle::registration(row.try_get(0)?, oldest, now)
                .map_err(|wait| StoreError::Throttled(huajie_core::throttle::minutes_to_wait(wait)))?;
            sqlx::query("INSERT INTO registration_attempts (client, at) VALUES ($1, $2)")
                .bind(client)
                .bind(crate::timestamp(now))
                .execute(tx.conn())
                .await?;
            Ok(())
        })
        .await
    }

    /// Registers an investor: its user (role investor) and its profile, awaiting review, in one
    /// transaction audited as the new user's. A user name or an identifier already registered
    /// is `Registered::Taken`, naming the field; nothing is written then.
    pub async fn register_investor(&self, r: &Registration) -> Result<Registered, StoreError> {
        let username = r.username.clone();
        let mut tx = self.write(&username).await?;
        let mut taken = Vec::new();
        if sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(&username)
            .fetch_optional(tx.conn())
            .await?
            .is_some()
        {
            taken.push((
                "username",
                Text::new(format!("用户名 {username} 已被使用"), format!("the user name {username} is taken")),
            ));
        }
        let id = r.profile.identifier.as_str();
        if sqlx::query("SELECT id FROM investors WHERE identifier = $1")
            .bind(id)
            .fetch_optional(tx.conn())
            .await?
            .is_some()
        {
            taken.push((
                "identifier",
                Text::new(format!("证件号码 {id} 已注册"), format!("the identifier {id} is already registered")),
            ));
        }
        if !taken.is_empty() {
            return Ok(Registered::Taken(taken));
        }
        let user = NewUser {
            username: username.clone(),
            display_name: r.profile.name.clone(),
            role: Role::Investor,
            password_hash: r.password_hash.clone(),
        };
        let user_id = tx.insert_user(&user).await?;
        let investor = tx.insert_investor(user_id, &r.profile).await?;
        tx.commit().await?;
        Ok(Registered::Done(Box::new(investor)))
    }

    /// Gives an existing investor user a profile, awaiting review (the demo's investor). Refused
    /// for a user who is not an investor; `Duplicate` for an identifier already registered.
    pub async fn add_investor_profile(
        &self,
        actor: &str,
        user_id: i64,
        profile: &InvestorProfile,
    ) -> Result<Investor, StoreError> {
        self.operate(actor, async |tx| {
            let user = tx.user_in_tx(user_id).await?;
            if user.role != Role::Investor {
                return Err(StoreError::Refused(Text::new(
                    format!("用户 {} 不是投资者", user.username),
                    format!("the user {} is not an investor", user.username),
                )));
            }
            tx.insert_investor(user_id, profile).await
        })
        .await
    }

    /// Every investor, newest first; with `status`, those in it.
    pub async fn investors(&self, status: Option<InvestorStatus>) -> Result<Vec<Investor>, StoreError> {
        let rows = match status {
            Some(s) => {
                let sql = format!("SELECT {COLUMNS} FROM investors WHERE status = $1 ORDER BY id DESC");
                sqlx::query(crate::composed(sql)).bind(s.code()).fetch_all(&self.pool).await?
            }
            None => {
                let sql = format!("SELECT {COLUMNS} FROM investors ORDER BY id DESC");
                sqlx::query(crate::composed(sql)).fetch_all(&self.pool).await?
            }
        };
        rows.iter().map(investor_from_row).collect()
    }

    pub async fn investor(&self, id: i64) -> Result<Investor, StoreError> {
        investor_by_id(&mut *self.pool.acquire().await?, id).await
    }

    /// The profile of investor user `user_id`, if it has registered one.
    pub async fn investor_of_user(&self, user_id: i64) -> Result<Option<Investor>, StoreError> {
        investor_where(&mut *self.pool.acquire().await?, "user_id", user_id).await
    }

    /// An investor's documents (every investor's with `None`), oldest first.
    pub async fn investor_documents(&self, investor_id: Option<i64>) -> Result<Vec<InvestorDocument>, StoreError> {
        documents_of(&mut *self.pool.acquire().await?, investor_id).await
    }

    /// A document's bytes, checked against the hash recorded at upload.
    pub async fn investor_document_content(&self, id: i64) -> Result<(InvestorDocument, Vec<u8>), StoreError> {
        let sql = format!("SELECT {DOCUMENT_COLUMNS}, content FROM investor_documents WHERE id = $1");
        let row = sqlx::query(crate::composed(sql)).bind(id).fetch_optional(&self.pool).await?;
        let row = row.ok_or_else(|| StoreError::NotFound(format!("文件 / document {id}")))?;
        let doc = document_from_row(&row)?;
        let content: Vec<u8> = sqlx::Row::try_get(&row, "content")?;
        if huajie_core::audit::sha256_hex(&content) != doc.sha256 {
            return Err(StoreError::Corrupt(format!("investor_documents {id}: the content does not match its hash")));
        }
        Ok((doc, content))
    }

    /// The screening of investor `id` as the book stands now (what the staff page shows).
    pub async fn investor_screening(&self, id: i64) -> Result<Vec<Finding>, StoreError> {
        let mut c = self.pool.acquire().await?;
        let investor = investor_by_id(&mut c, id).await?;
        screening(&mut c, &investor, self.clock.today()).await
    }

    /// Adds KYC documents to investor `investor_id`'s application, all or none: none sent, an
    /// empty file or one over `INVESTOR_DOCUMENT_BYTES_MAX` refuses them all, naming it; an
    /// application already decided takes none. Documents sent after a request for more go
    /// back for review (待补充材料 → 待审核).
    pub async fn add_investor_documents(
        &self,
        actor: &str,
        investor_id: i64,
        files: &[(DocumentKind, &str, &[u8])],
    ) -> Result<Vec<InvestorDocument>, StoreError> {
        let mb = INVESTOR_DOCUMENT_BYTES_MAX / 1024 / 1024;
        if files.is_empty() {
            return Err(StoreError::Refused(Text::fixed("请选择要上传的文件。", "Choose the files to upload.")));
        }
        if let Some((_, name, _)) = files.iter().find(|(_, _, c)| c.is_empty() || c.len() > INVESTOR_DOCUMENT_BYTES_MAX)
        {
            return Err(StoreError::Refused(Text::new(
                format!("文件“{name}”为空或超过 {mb} MB：本次上传的文件均未保存。"),
                format!("The file “{name}” is empty or over {mb} MB: none of the files sent was saved."),
            )));
        }
        self.operate(actor, async |tx| {
            let before = investor_by_id(tx.conn(), investor_id).await?;
            if !matches!(before.status, InvestorStatus::Applied | InvestorStatus::MoreDocuments) {
                return Err(StoreError::Refused(Text::new(
                    format!("申请当前为“{}”，不能再添加材料。", before.status.zh()),
                    format!("The application is “{}”: no more documents.", before.status.en()),
                )));
            }
            let mut out = Vec::with_capacity(files.len());
            for (kind, name, content) in files {
                out.push(tx.add_investor_document(investor_id, *kind, name, content).await?);
            }
            if before.status == InvestorStatus::MoreDocuments {
                tx.move_investor(&before, InvestorStatus::Applied, None, None).await?;
            }
            Ok(out)
        })
        .await
    }

    /// Qualifies investor `id`: its documents and its screening, read through this transaction,
    /// must pass `investor::may_qualify` (a refusal says why, for staff).
    pub async fn qualify_investor(&self, actor: &str, id: i64) -> Result<Investor, StoreError> {
        self.operate(actor, async |tx| {
            let before = investor_by_id(tx.conn(), id).await?;
            if !before.status.can_become(InvestorStatus::Qualified) {
                return Err(StoreError::Refused(before.status.refusal(InvestorStatus::Qualified)));
            }
            let kinds: Vec<DocumentKind> = documents_of(tx.conn(), Some(id)).await?.iter().map(|d| d.kind).collect();
            let today = tx.clock.today();
            let findings = screening(tx.conn(), &before, today).await?;
            investor::may_qualify(before.kind, &kinds, &findings).map_err(StoreError::Refused)?;
            tx.move_investor(&before, InvestorStatus::Qualified, None, None).await
        })
        .await
    }

    /// Refuses investor `id`'s application, with the reason (staff read it; the investor is
    /// told only that it cannot be accepted).
    pub async fn refuse_investor(&self, actor: &str, id: i64, reason: &str) -> Result<Investor, StoreError> {
        let reason = required(reason, ("请填写不予通过的理由。", "Give the reason for refusing."))?;
        self.operate(actor, async |tx| {
            let before = investor_by_id(tx.conn(), id).await?;
            tx.move_investor(&before, InvestorStatus::Refused, None, Some(reason)).await
        })
        .await
    }

    /// Asks investor `id` for more documents; the investor reads `message` on the portal.
    pub async fn request_investor_documents(
        &self,
        actor: &str,
        id: i64,
        message: &str,
    ) -> Result<Investor, StoreError> {
        let message = required(message, ("请写明需要补充的材料。", "Say which documents are needed."))?;
        self.operate(actor, async |tx| {
            let before = investor_by_id(tx.conn(), id).await?;
            tx.move_investor(&before, InvestorStatus::MoreDocuments, Some(message), None).await
        })
        .await
    }

    pub(crate) async fn all_investors(&self) -> Result<Vec<Investor>, StoreError> {
        self.investors(None).await
    }
}

fn required(typed: &str, (zh, en): (&'static str, &'static str)) -> Result<String, StoreError> {
    match typed.trim() {
        "" => Err(StoreError::Refused(Text::fixed(zh, en))),
        t => Ok(t.to_string()),
    }
}

impl WriteTx {
    /// Inserts investor user `user_id`'s profile, awaiting review, linked to the party with its
    /// identifier (created from the profile when the graph has none), audited.
    async fn insert_investor(&mut self, user_id: i64, p: &InvestorProfile) -> Result<Investor, StoreError> {
        let identifier = p.identifier.as_str().to_string();
        let party_id = match sqlx::query("SELECT id FROM parties WHERE identifier = $1")
            .bind(&identifier)
            .fetch_optional(self.conn())
            .await?
        {
            Some(row) => i64_col(&row, "id")?,
            None => {
                let party = Party {
                    name: p.name.clone(),
                    identity: p.identifier.clone().into(),
                    status: PartyStatus::Active,
                    address: None,
                    phone: None,
                };
                self.insert_party(&party).await?
            }
        };
        let now = crate::stored_time(self.clock.now());
        let row = sqlx::query(
            "INSERT INTO investors (user_id, kind, name, identifier, legal_rep, phone, email, party_id, status, registered_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(user_id)
        .bind(p.kind.code())
        .bind(&p.name)
        .bind(&identifier)
        .bind(p.legal_rep.clone())
        .bind(&p.phone)
        .bind(&p.email)
        .bind(party_id)
        .bind(InvestorStatus::Applied.code())
        .bind(crate::timestamp(now))
        .fetch_one(self.conn())
        .await
        .map_err(|e| {
            StoreError::on_unique(e, || {
                Text::new(format!("证件号码 {identifier} 的投资者"), format!("an investor with identifier {identifier}"))
            })
        })?;
        let investor = investor_by_id(self.conn(), i64_col(&row, "id")?).await?;
        self.audit_create(&investor).await?;
        Ok(investor)
    }

    async fn add_investor_document(
        &mut self,
        investor_id: i64,
        kind: DocumentKind,
        name: &str,
        content: &[u8],
    ) -> Result<InvestorDocument, StoreError> {
        let name = match name.trim() {
            "" => "document",
            name => name,
        };
        let uploaded_at = crate::stored_time(self.clock.now());
        let sha256 = huajie_core::audit::sha256_hex(content);
        let r = sqlx::query(
            "INSERT INTO investor_documents (investor_id, kind, name, content, bytes, sha256, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(investor_id)
        .bind(kind.code())
        .bind(name)
        .bind(content.to_vec())
        .bind(content.len() as i64)
        .bind(sha256.as_str())
        .bind(self.actor().to_string())
        .bind(crate::timestamp(uploaded_at))
        .fetch_one(self.conn())
        .await?;
        let doc = InvestorDocument {
            id: i64_col(&r, "id")?,
            investor_id,
            kind,
            name: name.to_string(),
            bytes: content.len() as i64,
            sha256,
            uploaded_by: self.actor().to_string(),
            uploaded_at,
        };
        self.audit_create(&doc).await?;
        Ok(doc)
    }

    /// Moves an investor's application to `next` (guarded by the life cycle), recording the
    /// request for documents or the refusal's reason with it, and who decided; audited.
    async fn move_investor(
        &mut self,
        before: &Investor,
        next: InvestorStatus,
        request: Option<String>,
        refusal: Option<String>,
    ) -> Result<Investor, StoreError> {
        let decided = matches!(next, InvestorStatus::Qualified | InvestorStatus::Refused);
        let now = crate::stored_time(self.clock.now());
        let (decided_by, decided_at) = if decided { (Some(self.actor().to_string()), Some(now)) } else { (None, None) };
        let request = request.or_else(|| before.request.clone());
        let also = [
            ("request", request.clone()),
            ("refusal", refusal.clone()),
            ("decided_by", decided_by.clone()),
            ("decided_at", decided_at.map(crate::timestamp)),
        ];
        self.set_status(StatusTable::Investors, before.id, before.status, next, &also).await?;
        let after = Investor { status: next, request, refusal, decided_by, decided_at, ..before.clone() };
        self.audit_update(before, &after).await?;
        Ok(after)
    }
}
