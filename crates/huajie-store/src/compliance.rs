//! Compliance records: net assets by quarter-end, the investment ledger, the funding book with its payment schedule,
//! the cash calendar, liquid assets, exposures beyond the claims held, and the party graph (holdings and control,
//! officers, close relatives). Every record is audited; `ledger.rs` reads them (and `compliance_ledger` assembles them
//! with the claims held into the `Ledger` the indicators read).

use chrono::NaiveDate;
use huajie_core::{Money, Party, PartyIdentifier, PartyStatus, Text};
use huajie_rules::indicators::{Capacity, Channel, ExposureKind, InvestmentKind, LiquidKind};
use serde::Serialize;

use crate::audit::Audited;
pub use crate::parameters::RuleParameterSet;
use crate::rows::{date, date_text, i64_col, money, text};
use crate::{StoreError, WriteTx};

/// Defines a compliance record: its row type, audit entity, and how it is read.
macro_rules! record {
    ($(#[$m:meta])* $name:ident, $entity:literal, { $($(#[$fm:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        pub struct $name {
            pub id: i64,
            $($(#[$fm])* pub $field: $ty),+
        }

        impl Audited for $name {
            const ENTITY: &'static str = $entity;
            fn audit_id(&self) -> String {
                self.id.to_string()
            }
        }
    };
}

record!(
    /// Net assets (standalone) at a quarter-end.
    NetAssets, "net_assets", { quarter_end: NaiveDate, amount: Money, source: String }
);
record!(InvestmentRecord, "investment", { booked_on: NaiveDate, amount: Money, kind: String, description: String });
record!(
    /// A funding instrument: principal outstanding and its schedule (due date, principal, interest).
    FundingRecord, "funding_instrument", {
        label: String,
        channel: String,
        lender_id: i64,
        principal: Money,
        start_date: NaiveDate,
        maturity_date: NaiveDate,
        payments: Vec<(NaiveDate, Money, Money)>,
        /// A line's limit (授信额度): it may be drawn up to it. Absent from the audited form of
        /// an instrument without one, as it was before lines.
        #[serde(skip_serializing_if = "Option::is_none")]
        line_limit: Option<Money>,
    }
);
record!(CashFlowRecord, "cash_flow", { label: String, due_date: NaiveDate, amount: Money, inflow: bool });
record!(LiquidAssetRecord, "liquid_asset", { label: String, kind: String, amount: Money, encumbered: bool });
record!(ExposureRecord, "exposure", { party_id: i64, kind: String, book_value: Money, description: String });
record!(PartyLink, "party_link", { holder_id: i64, held_id: i64, stake_bps: i64, control: bool });
record!(Officer, "officer", { party_id: i64, role: String });
record!(Relative, "relative", { a_id: i64, b_id: i64 });
record!(
    /// A member of the staff register (its id is the party's).
    StaffMember, "staff", { party_id: i64, department: String }
);
record!(
    /// An entity a member of the staff, or a declared relative of one, takes part in.
    StaffEntityRecord, "staff_entity", { person_id: i64, entity_id: i64, capacity: String }
);

impl WriteTx {
    /// Records (or replaces) the net assets of a quarter-end.
    pub async fn set_net_assets(
        &mut self,
        quarter_end: NaiveDate,
        amount: Money,
        source: &str,
    ) -> Result<NetAssets, StoreError> {
        let existing = sqlx::query("SELECT id, quarter_end, amount_fen, source FROM net_assets WHERE quarter_end = $1")
            .bind(date_text(quarter_end))
            .fetch_optional(&mut *self.tx)
            .await?;
        match existing {
            Some(r) => {
                let before = NetAssets {
                    id: i64_col(&r, "id")?,
                    quarter_end: date(&r, "quarter_end")?,
                    amount: money(&r, "amount_fen")?,
                    source: text(&r, "source")?,
                };
                sqlx::query("UPDATE net_assets SET amount_fen = $1, source = $2 WHERE id = $3")
                    .bind(amount.fen())
                    .bind(source)
                    .bind(before.id)
                    .execute(&mut *self.tx)
                    .await?;
                let after = NetAssets { amount, source: source.to_string(), ..before.clone() };
                self.audit_update(&before, &after).await?;
                Ok(after)
            }
            None => {
                let r = sqlx::query(
                    "INSERT INTO net_assets (quarter_end, amount_fen, source) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(date_text(quarter_end))
                .bind(amount.fen())
                .bind(source)
                .fetch_one(&mut *self.tx)
                .await?;
                let created = NetAssets { id: i64_col(&r, "id")?, quarter_end, amount, source: source.to_string() };
                self.audit_create(&created).await?;
                Ok(created)
            }
        }
    }

    pub async fn add_investment(
        &mut self,
        booked_on: NaiveDate,
        amount: Money,
        kind: InvestmentKind,
        description: &str,
    ) -> Result<InvestmentRecord, StoreError> {
        let r = sqlx::query(
            "INSERT INTO investments (booked_on, amount_fen, kind, description) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(date_text(booked_on))
        .bind(amount.fen())
        .bind(kind.code())
        .bind(description)
        .fetch_one(&mut *self.tx)
        .await?;
        let created = InvestmentRecord {
            id: i64_col(&r, "id")?,
            booked_on,
            amount,
            kind: kind.code().into(),
            description: description.into(),
        };
        self.audit_create(&created).await?;
        Ok(created)
    }

    /// Adds a funding instrument with its schedule (and its limit when it is a line that may be
    /// drawn). A prohibited channel is recorded as it is (the indicators count it and flag it);
    /// refusing new ones is the pre-trade check's job.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_funding(
        &mut self,
        label: &str,
        channel: Channel,
        lender_id: i64,
        principal: Money,
        start_date: NaiveDate,
        maturity_date: NaiveDate,
        payments: &[(NaiveDate, Money, Money)],
        line_limit: Option<Money>,
    ) -> Result<FundingRecord, StoreError> {
        let r = sqlx::query(
            "INSERT INTO funding_instruments (label, channel, lender_id, principal_fen, start_date, maturity_date, line_limit_fen) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(label)
        .bind(channel.code())
        .bind(lender_id)
        .bind(principal.fen())
        .bind(date_text(start_date))
        .bind(date_text(maturity_date))
        .bind(line_limit.map(Money::fen))
        .fetch_one(&mut *self.tx)
        .await?;
        let id = i64_col(&r, "id")?;
        for (due, p, i) in payments {
            sqlx::query("INSERT INTO funding_payments (instrument_id, due_date, principal_fen, interest_fen) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(date_text(*due))
                .bind(p.fen())
                .bind(i.fen())
                .execute(&mut *self.tx)
                .await?;
        }
        let created = FundingRecord {
            id,
            label: label.into(),
            channel: channel.code().into(),
            lender_id,
            principal,
            start_date,
            maturity_date,
            payments: payments.to_vec(),
            line_limit,
        };
        self.audit_create(&created).await?;
        Ok(created)
    }

    pub async fn add_cash_flow(
        &mut self,
        label: &str,
        due_date: NaiveDate,
        amount: Money,
        inflow: bool,
    ) -> Result<CashFlowRecord, StoreError> {
        let r = sqlx::query(
            "INSERT INTO cash_flows (label, due_date, amount_fen, inflow) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(label)
        .bind(date_text(due_date))
        .bind(amount.fen())
        .bind(i64::from(inflow))
        .fetch_one(&mut *self.tx)
        .await?;
        let created = CashFlowRecord { id: i64_col(&r, "id")?, label: label.into(), due_date, amount, inflow };
        self.audit_create(&created).await?;
        Ok(created)
    }

    pub async fn add_liquid_asset(
        &mut self,
        label: &str,
        kind: LiquidKind,
        amount: Money,
        encumbered: bool,
    ) -> Result<LiquidAssetRecord, StoreError> {
        let r = sqlx::query(
            "INSERT INTO liquid_assets (label, kind, amount_fen, encumbered) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(label)
        .bind(kind.code())
        .bind(amount.fen())
        .bind(i64::from(encumbered))
        .fetch_one(&mut *self.tx)
        .await?;
        let created = LiquidAssetRecord {
            id: i64_col(&r, "id")?,
            label: label.into(),
            kind: kind.code().into(),
            amount,
            encumbered,
        };
        self.audit_create(&created).await?;
        Ok(created)
    }

    /// Adds an exposure. Refused (`Invalid`) when the book's exposures would no longer add up
    /// within the range of an amount (they were clamped to the largest integer).
    pub async fn add_exposure(
        &mut self,
        party_id: i64,
        kind: ExposureKind,
        book_value: Money,
        description: &str,
    ) -> Result<ExposureRecord, StoreError> {
        let values = sqlx::query("SELECT book_value_fen FROM exposures").fetch_all(&mut *self.tx).await?;
        let mut total = book_value;
        for r in &values {
            total = total.checked_add(money(r, "book_value_fen")?).map_err(|_| {
                StoreError::Refused(Text::new(
                    format!("账面价值 {} 元：加上已登记的风险敞口后合计超出可记录的金额范围", book_value.yuan_string()),
                    format!(
                        "book value {} yuan: with the exposures already recorded the total is beyond the range of an amount",
                        book_value.yuan_string()
                    ),
                ))
            })?;
        }
        let r = sqlx::query(
            "INSERT INTO exposures (party_id, kind, book_value_fen, description) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(party_id)
        .bind(kind.code())
        .bind(book_value.fen())
        .bind(description)
        .fetch_one(&mut *self.tx)
        .await?;
        let created = ExposureRecord {
            id: i64_col(&r, "id")?,
            party_id,
            kind: kind.code().into(),
            book_value,
            description: description.into(),
        };
        self.audit_create(&created).await?;
        Ok(created)
    }

    /// Records that `holder` holds `stake_bps` of `held` (and whether it is explicit control).
    pub async fn add_party_link(
        &mut self,
        holder_id: i64,
        held_id: i64,
        stake_bps: u32,
        control: bool,
    ) -> Result<PartyLink, StoreError> {
        if holder_id == held_id || stake_bps > 10_000 {
            return Err(StoreError::Refused(Text::fixed(
                "持股比例应在 0 至 100% 之间，且不能持有自己",
                "a stake is 0–100% of another party",
            )));
        }
        // The stakes recorded in one company cannot sum above 100%.
        let held = sqlx::query("SELECT stake_bps FROM party_links WHERE held_id = $1")
            .bind(held_id)
            .fetch_all(&mut *self.tx)
            .await?;
        let mut recorded = 0i64;
        for r in &held {
            recorded += i64_col(r, "stake_bps")?;
        }
        if recorded + i64::from(stake_bps) > 10_000 {
            let pct = |bps: i64| format!("{}%", bps as f64 / 100.0);
            let (recorded, more, sum) =
                (pct(recorded), pct(i64::from(stake_bps)), pct(recorded + i64::from(stake_bps)));
            return Err(StoreError::Refused(Text::new(
                format!("被持有方已登记的持股合计 {recorded}，再加 {more} 为 {sum}，超过 100%"),
                format!(
                    "the stakes recorded in this company already sum to {recorded}; another {more} makes {sum}, above 100%"
                ),
            )));
        }
        let r = sqlx::query(
            "INSERT INTO party_links (holder_id, held_id, stake_bps, control) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(holder_id)
        .bind(held_id)
        .bind(i64::from(stake_bps))
        .bind(i64::from(control))
        .fetch_one(&mut *self.tx)
        .await?;
        let created =
            PartyLink { id: i64_col(&r, "id")?, holder_id, held_id, stake_bps: i64::from(stake_bps), control };
        self.audit_create(&created).await?;
        Ok(created)
    }

    pub async fn add_officer(&mut self, party_id: i64, role: &str) -> Result<Officer, StoreError> {
        sqlx::query("INSERT INTO officers (party_id, role) VALUES ($1, $2)")
            .bind(party_id)
            .bind(role)
            .execute(&mut *self.tx)
            .await?;
        let created = Officer { id: party_id, party_id, role: role.into() };
        self.audit_create(&created).await?;
        Ok(created)
    }

    /// Records that two natural persons are close relatives. Refused: a person as their own
    /// relative (`Invalid`), and the pair already recorded in either order (`Duplicate`).
    pub async fn add_relatives(&mut self, a_id: i64, b_id: i64) -> Result<Relative, StoreError> {
        if a_id == b_id {
            return Err(StoreError::Refused(Text::fixed(
                "本人不能是自己的近亲属",
                "a person cannot be their own relative",
            )));
        }
        let existing =
            sqlx::query("SELECT a_id FROM relatives WHERE (a_id = $1 AND b_id = $2) OR (a_id = $2 AND b_id = $1)")
                .bind(a_id)
                .bind(b_id)
                .fetch_optional(&mut *self.tx)
                .await?;
        if existing.is_some() {
            return Err(StoreError::Duplicate(Text::fixed(
                "该近亲属关系已登记（顺序不论）",
                "these relatives are already recorded (in either order)",
            )));
        }
        sqlx::query("INSERT INTO relatives (a_id, b_id) VALUES ($1, $2)")
            .bind(a_id)
            .bind(b_id)
            .execute(&mut *self.tx)
            .await?;
        let created = Relative { id: a_id * 1_000_000_007 + b_id, a_id, b_id };
        self.audit_create(&created).await?;
        Ok(created)
    }

    async fn is_person(&mut self, party_id: i64) -> Result<bool, StoreError> {
        let r = sqlx::query("SELECT kind FROM parties WHERE id = $1")
            .bind(party_id)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("主体 / party {party_id}")))?;
        Ok(text(&r, "kind")? == "individual")
    }

    /// Adds a natural person to the staff register, with the department they work in.
    pub async fn add_staff(&mut self, party_id: i64, department: &str) -> Result<StaffMember, StoreError> {
        if !self.is_person(party_id).await? {
            return Err(StoreError::Refused(Text::fixed(
                "员工名册只登记自然人（身份证号）",
                "the staff register lists natural persons (resident ID)",
            )));
        }
        sqlx::query("INSERT INTO staff (party_id, department) VALUES ($1, $2)")
            .bind(party_id)
            .bind(department)
            .execute(&mut *self.tx)
            .await
            .map_err(|e| {
                StoreError::on_unique(e, || Text::fixed("该员工已登记", "this person is already on the staff register"))
            })?;
        let created = StaffMember { id: party_id, party_id, department: department.into() };
        self.audit_create(&created).await?;
        Ok(created)
    }

    /// Records that a person (of the staff, or a declared relative) takes part in an entity.
    pub async fn add_staff_entity(
        &mut self,
        person_id: i64,
        entity_id: i64,
        capacity: Capacity,
    ) -> Result<StaffEntityRecord, StoreError> {
        if person_id == entity_id || !self.is_person(person_id).await? || self.is_person(entity_id).await? {
            return Err(StoreError::Refused(Text::fixed(
                "本人应为自然人，任职或参与的应为企业或其他组织",
                "the person is a natural person and the entity an organisation",
            )));
        }
        let r =
            sqlx::query("INSERT INTO staff_entities (person_id, entity_id, capacity) VALUES ($1, $2, $3) RETURNING id")
                .bind(person_id)
                .bind(entity_id)
                .bind(capacity.code())
                .fetch_one(&mut *self.tx)
                .await
                .map_err(|e| {
                    StoreError::on_unique(e, || Text::fixed("该任职或参与关系已登记", "this part is already recorded"))
                })?;
        let created =
            StaffEntityRecord { id: i64_col(&r, "id")?, person_id, entity_id, capacity: capacity.code().into() };
        self.audit_create(&created).await?;
        Ok(created)
    }

    /// The company as a party of the graph, entered on first use from the company row.
    pub async fn ensure_company_party(&mut self) -> Result<i64, StoreError> {
        let company = sqlx::query("SELECT name, uscc FROM company WHERE id = 1")
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or_else(|| StoreError::NotFound("公司 / company".into()))?;
        let (name, uscc) = (text(&company, "name")?, text(&company, "uscc")?);
        if let Some(r) = sqlx::query("SELECT id FROM parties WHERE identifier = $1")
            .bind(uscc.as_str())
            .fetch_optional(&mut *self.tx)
            .await?
        {
            return i64_col(&r, "id");
        }
        let identifier = huajie_core::Uscc::read_stored(&uscc)
            .map(PartyIdentifier::Uscc)
            .map_err(|e| StoreError::Corrupt(format!("company.uscc: {e}")))?;
        let party =
            Party { name, identity: identifier.into(), status: PartyStatus::Active, address: None, phone: None };
        self.insert_party(&party).await
    }
}
