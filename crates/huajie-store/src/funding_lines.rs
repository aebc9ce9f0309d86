//! The funding lines of the book (funding instruments with a limit, 授信额度) as a purchase
//! draws on them: read as `huajie_rules::funding_line::FundingLine` by the pre-trade check and
//! by the recording of the purchase, both in their write transaction, and drawn by one guarded
//! update that applies the same `Drawing` the check's pro forma applied.

use huajie_core::{Money, Text};
use huajie_rules::funding_line::{Drawing, FundingLine};
use huajie_rules::indicators::Channel;
use sqlx::AnyConnection;

use crate::rows::{date, date_text, i64_col, money, opt_i64, text};
use crate::{FundingRecord, Store, StoreError, WriteTx};

fn not_a_line(id: i64) -> StoreError {
    StoreError::Refused(Text::new(
        format!("融资 #{id} 不是可提款的授信额度（未登记额度）。"),
        format!("Funding #{id} is not a line that may be drawn (it has no limit)."),
    ))
}

/// Funding instrument `id` as a line: refused when it has no limit, not found when it is not in
/// the book.
pub(crate) async fn funding_line(c: &mut AnyConnection, id: i64) -> Result<FundingLine, StoreError> {
    let r = sqlx::query(
        "SELECT f.id, f.label, f.channel, f.lender_id, f.principal_fen, f.maturity_date, f.line_limit_fen, \
         COALESCE(a.licensed_fi, 0) AS licensed_fi \
         FROM funding_instruments f LEFT JOIN party_attributes a ON a.party_id = f.lender_id WHERE f.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("融资 / funding {id}")))?;
    let limit = opt_i64(&r, "line_limit_fen")?.ok_or_else(|| not_a_line(id))?;
    let channel = text(&r, "channel")?;
    Ok(FundingLine {
        id,
        label: text(&r, "label")?,
        channel: Channel::from_code(&channel)
            .ok_or_else(|| StoreError::Corrupt(format!("funding_instruments.channel: unknown code {channel}")))?,
        lender: i64_col(&r, "lender_id")?,
        lender_licensed_fi: i64_col(&r, "licensed_fi")? != 0,
        limit: Money::from_fen(limit),
        drawn: money(&r, "principal_fen")?,
        maturity: date(&r, "maturity_date")?,
    })
}

impl Store {
    /// The book's funding lines, by id, for choosing how a purchase is paid.
    pub async fn funding_lines(&self) -> Result<Vec<FundingLine>, StoreError> {
        let mut c = self.pool.acquire().await?;
        let ids: Vec<i64> =
            sqlx::query("SELECT id FROM funding_instruments WHERE line_limit_fen IS NOT NULL ORDER BY id")
                .fetch_all(&mut *c)
                .await?
                .iter()
                .map(|r| i64_col(r, "id"))
                .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(funding_line(&mut c, id).await?);
        }
        Ok(out)
    }
}

impl WriteTx {
    /// Makes `drawing` in the book: the line's principal outstanding, and the repayment due at its
    /// maturity, grow by the amount (`Drawing::principal_after`, `Drawing::repayment`). Guarded on
    /// the principal the drawing was computed from, and audited as an update of the instrument.
    pub(crate) async fn draw_on_line(&mut self, drawing: &Drawing) -> Result<(), StoreError> {
        let line = drawing.line();
        let before = self
            .funding_record(line.id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("融资 / funding {}", line.id)))?;
        let updated = sqlx::query(
            "UPDATE funding_instruments SET principal_fen = $1 WHERE id = $2 AND principal_fen = $3 AND line_limit_fen >= $1",
        )
        .bind(drawing.principal_after().fen())
        .bind(line.id)
        .bind(line.drawn.fen())
        .execute(self.conn())
        .await?
        .rows_affected();
        if updated != 1 {
            return Err(StoreError::Refused(Text::new(
                format!("授信“{}”的余额已被他人改动，请重新提交。", line.label),
                format!("The funding line “{}” changed meanwhile: submit again.", line.label),
            )));
        }
        let repayment = drawing.repayment();
        let due = date_text(repayment.date);
        let raised = sqlx::query(
            "UPDATE funding_payments SET principal_fen = principal_fen + $1 WHERE instrument_id = $2 AND due_date = $3",
        )
        .bind(repayment.principal.fen())
        .bind(line.id)
        .bind(&due)
        .execute(self.conn())
        .await?
        .rows_affected();
        if raised == 0 {
            sqlx::query(
                "INSERT INTO funding_payments (instrument_id, due_date, principal_fen, interest_fen) VALUES ($1, $2, $3, $4)",
            )
            .bind(line.id)
            .bind(&due)
            .bind(repayment.principal.fen())
            .bind(repayment.interest.fen())
            .execute(self.conn())
            .await?;
        }
        let after = self.funding_record(line.id).await?.ok_or_else(|| StoreError::NotFound(format!("{}", line.id)))?;
        self.audit_update(&before, &after).await?;
        Ok(())
    }

    /// Funding instrument `id` with its schedule, as this transaction reads it.
    async fn funding_record(&mut self, id: i64) -> Result<Option<FundingRecord>, StoreError> {
        Ok(crate::ledger::funding_book(self.conn()).await?.into_iter().find(|f| f.id == id))
    }
}
