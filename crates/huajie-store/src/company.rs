//! The company row: the AMC this installation runs.

use chrono::NaiveDate;
use huajie_core::company::CompanyProfile;
use huajie_core::{Company, Text, Uscc};
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::rows::{date, date_text, i64_col, province, text};
use crate::{Store, StoreError, WriteTx};

impl Audited for Company {
    const ENTITY: &'static str = "company";
    fn audit_id(&self) -> String {
        "1".into()
    }
}

const SELECT_COMPANY: &str = "SELECT name, uscc, province, licence_no, licensed_on FROM company WHERE id = 1";

fn company_from_row(row: &AnyRow) -> Result<Company, StoreError> {
    Ok(Company {
        name: text(row, "name")?,
        uscc: Uscc::read_stored(&text(row, "uscc")?).map_err(|e| StoreError::Corrupt(format!("company.uscc: {e}")))?,
        province: province(row, "province")?,
        licence_no: text(row, "licence_no")?,
        licensed_on: date(row, "licensed_on")?,
    })
}

impl Store {
    pub async fn company(&self) -> Result<Option<Company>, StoreError> {
        company(&mut *self.pool.acquire().await?).await
    }
}

/// The company row on one connection (a pooled one, or a write transaction's).
pub(crate) async fn company(c: &mut sqlx::AnyConnection) -> Result<Option<Company>, StoreError> {
    let row = sqlx::query(SELECT_COMPANY).fetch_optional(&mut *c).await?;
    row.as_ref().map(company_from_row).transpose()
}

impl WriteTx {
    /// Creates or replaces the company row.
    pub async fn set_company(&mut self, company: &Company) -> Result<(), StoreError> {
        let old = self::company(&mut self.tx).await?;
        let sql = if old.is_some() {
            "UPDATE company SET name = $1, uscc = $2, province = $3, licence_no = $4, licensed_on = $5 WHERE id = 1"
        } else {
            "INSERT INTO company (id, name, uscc, province, licence_no, licensed_on) VALUES (1, $1, $2, $3, $4, $5)"
        };
        sqlx::query(sql)
            .bind(&company.name)
            .bind(company.uscc.as_str())
            .bind(company.province.code())
            .bind(&company.licence_no)
            .bind(date_text(company.licensed_on))
            .execute(&mut *self.tx)
            .await?;
        match old {
            Some(old) => self.audit_update(&old, company).await?,
            None => self.audit_create(company).await?,
        };
        Ok(())
    }
}

/// One saved version of the company's profile, in force from its date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompanyProfileVersion {
    pub id: i64,
    pub version: i64,
    pub effective_from: NaiveDate,
    pub profile: CompanyProfile,
    pub body_sha256: String,
    pub note: String,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Audited for CompanyProfileVersion {
    const ENTITY: &'static str = "company_profile";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// Which part of the profile a save changes, and so who may save it: finance the money
/// (capital, net-asset items), risk the main-business lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileChange {
    Capital {
        registered_capital: huajie_core::Money,
        paid_in_capital: huajie_core::Money,
        net_asset_items: Vec<(String, huajie_core::Money)>,
    },
    MainBusiness(Vec<huajie_core::company::BusinessLine>),
}

fn profile_from_row(r: &AnyRow) -> Result<CompanyProfileVersion, StoreError> {
    Ok(CompanyProfileVersion {
        id: i64_col(r, "id")?,
        version: i64_col(r, "version")?,
        effective_from: date(r, "effective_from")?,
        profile: serde_json::from_str(&text(r, "body")?)
            .map_err(|e| StoreError::Corrupt(format!("company_profiles.body: {e}")))?,
        body_sha256: text(r, "body_sha256")?,
        note: text(r, "note")?,
        created_by: text(r, "created_by")?,
        created_at: crate::rows::utc(r, "created_at")?,
    })
}

const PROFILE_COLUMNS: &str =
    "SELECT id, version, effective_from, body, body_sha256, note, created_by, created_at FROM company_profiles";

impl Store {
    /// Every version of the profile, oldest first.
    pub async fn company_profiles(&self) -> Result<Vec<CompanyProfileVersion>, StoreError> {
        let rows =
            sqlx::query(crate::composed(format!("{PROFILE_COLUMNS} ORDER BY version"))).fetch_all(&self.pool).await?;
        rows.iter().map(profile_from_row).collect()
    }

    /// The version in force on `on`: the latest saved among those in force from that date or
    /// earlier (as a quarter-end's net assets are read for a date).
    pub async fn company_profile_at(&self, on: NaiveDate) -> Result<Option<CompanyProfileVersion>, StoreError> {
        let row = sqlx::query(crate::composed(format!(
            "{PROFILE_COLUMNS} WHERE effective_from <= $1 ORDER BY effective_from DESC, version DESC LIMIT 1"
        )))
        .bind(date_text(on))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(profile_from_row).transpose()
    }
}

impl WriteTx {
    /// Saves the next version of the profile, in force from `effective_from`: the latest
    /// version with one part changed. Earlier versions never change, and a version cannot be
    /// dated before the latest one (history is added at its end). `Invalid` names what is wrong
    /// (a date before the latest version's, paid-in above registered capital, a line outside BS1–BS7…).
    pub async fn save_company_profile(
        &mut self,
        effective_from: NaiveDate,
        change: ProfileChange,
        note: &str,
    ) -> Result<CompanyProfileVersion, StoreError> {
        let base = sqlx::query(crate::composed(format!("{PROFILE_COLUMNS} ORDER BY version DESC LIMIT 1")))
            .fetch_optional(&mut *self.tx)
            .await?;
        let base = base.as_ref().map(profile_from_row).transpose()?;
        if let Some(b) = base.as_ref().filter(|b| b.effective_from > effective_from) {
            return Err(StoreError::Refused(Text::new(
                format!("生效日 {effective_from} 早于最新版本（v{}）的生效日 {}", b.version, b.effective_from),
                format!("{effective_from} is before the latest version's (v{}) date {}", b.version, b.effective_from),
            )));
        }
        let mut profile = base.map(|v| v.profile).unwrap_or_default();
        match change {
            ProfileChange::Capital { registered_capital, paid_in_capital, net_asset_items } => {
                profile.registered_capital = registered_capital;
                profile.paid_in_capital = paid_in_capital;
                profile.net_asset_items = net_asset_items;
            }
            ProfileChange::MainBusiness(lines) => profile.main_business = lines,
        }
        let problems = profile.problems();
        if !problems.is_empty() {
            return Err(StoreError::Refused(Text::new(
                problems.iter().map(|p| p.zh.as_ref()).collect::<Vec<_>>().join("；"),
                problems.iter().map(|p| p.en.as_ref()).collect::<Vec<_>>().join("; "),
            )));
        }
        let last: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM company_profiles")
            .fetch_one(&mut *self.tx)
            .await
            .map(|r| crate::rows::opt_i64(&r, "v"))??;
        let (body, body_sha256) = crate::json_body(&profile)?;
        let created_at = crate::stored_time(self.clock.now());
        let version = last.unwrap_or(0) + 1;
        let r = sqlx::query("INSERT INTO company_profiles (version, effective_from, body, body_sha256, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(version)
            .bind(date_text(effective_from))
            .bind(body.as_str())
            .bind(body_sha256.as_str())
            .bind(note.trim())
            .bind(self.actor().to_string())
            .bind(crate::timestamp(created_at))
            .fetch_one(&mut *self.tx)
            .await?;
        let saved = CompanyProfileVersion {
            id: i64_col(&r, "id")?,
            version,
            effective_from,
            profile,
            body_sha256,
            note: note.trim().into(),
            created_by: self.actor().to_string(),
            created_at,
        };
        self.audit_create(&saved).await?;
        Ok(saved)
    }
}
