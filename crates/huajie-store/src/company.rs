//! The company row: the AMC this installation runs.

use huajie_core::{Company, Uscc};
use sqlx::any::AnyRow;

use crate::audit::Audited;
use crate::rows::{date, date_text, province, text};
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
        uscc: Uscc::parse(&text(row, "uscc")?).map_err(|e| StoreError::Corrupt(format!("company.uscc: {e}")))?,
        province: province(row, "province")?,
        licence_no: text(row, "licence_no")?,
        licensed_on: date(row, "licensed_on")?,
    })
}

impl Store {
    pub async fn company(&self) -> Result<Option<Company>, StoreError> {
        let row = sqlx::query(SELECT_COMPANY).fetch_optional(&self.pool).await?;
        row.as_ref().map(company_from_row).transpose()
    }
}

impl WriteTx {
    /// Creates or replaces the company row.
    pub async fn set_company(&mut self, company: &Company) -> Result<(), StoreError> {
        let old = sqlx::query(SELECT_COMPANY).fetch_optional(&mut *self.tx).await?;
        let old = old.as_ref().map(company_from_row).transpose()?;
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
