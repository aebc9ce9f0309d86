//! Disposal announcements as stored (rules.md A10.2, Q11): a version per draft, drafted from an
//! approved public plan and its subject; publishing checks the A10.2 checklist, masks personal
//! data (`huajie_decide::announce::for_publication`), hashes the body the public sees, counts
//! the period in working days on the calendar in force and supersedes the version before.
//! A published body is never edited: a correction is the next version.

use chrono::{DateTime, NaiveDate, Utc};
use huajie_core::{Money, Text};
use huajie_decide::announce::{AnnouncementStatus, AssetLine, Content, Obligor, for_publication, missing};
use huajie_decide::{DisposalMethod, PlanStatus};
use serde::Serialize;

use crate::audit::Audited;
use crate::disposal::{Plan, PlanSubject};
use crate::rows::{code, date_text, i64_col, money, opt_date, opt_text, opt_utc, text, utc};
use crate::status::StatusTable;
use crate::{Store, StoreError, WriteTx};

/// The asset type of a claim (collateral items carry their `CollateralType` code).
pub const CLAIM_KIND: &str = "claim";

/// One version of an announcement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Announcement {
    pub id: i64,
    pub plan_id: i64,
    pub version: i64,
    pub status: AnnouncementStatus,
    /// The body as stored: the draft as edited, or what the public saw (masked) once published.
    pub body: String,
    pub body_sha256: String,
    #[serde(skip)]
    pub content: Content,
    /// For the public filters: the province code of the first asset, the asset type's code,
    /// the method, the reserve.
    pub province: String,
    pub asset_kind: String,
    pub method: DisposalMethod,
    pub reserve: Money,
    #[serde(serialize_with = "crate::rows::opt_stored_time")]
    pub published_at: Option<DateTime<Utc>>,
    pub published_by: Option<String>,
    /// The last day of the announcement period, and the first day bidding may open (Beijing dates).
    pub period_ends_on: Option<NaiveDate>,
    pub bidding_opens_on: Option<NaiveDate>,
    pub created_by: String,
    #[serde(serialize_with = "crate::rows::stored_time")]
    pub created_at: DateTime<Utc>,
}

impl Audited for Announcement {
    const ENTITY: &'static str = "announcement";
    fn audit_id(&self) -> String {
        self.id.to_string()
    }
}

/// The free parts of a draft, as the asset manager edits them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnnouncementEdit {
    pub title: String,
    /// Each asset's location, in the order listed (empty: as drafted).
    pub locations: Vec<String>,
    pub conditions: String,
    pub buyer_requirements: String,
    pub contact: String,
    pub report_channel: String,
}

/// What the public list is filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicFilter {
    /// Words in the title or the assets' names and locations.
    pub text: Option<String>,
    pub province: Option<String>,
    pub asset_kind: Option<String>,
    pub method: Option<DisposalMethod>,
    pub reserve_min: Option<Money>,
    pub reserve_max: Option<Money>,
    pub published_from: Option<NaiveDate>,
    pub published_to: Option<NaiveDate>,
}

/// Announcements listed per page on the public portal.
pub const PUBLIC_PAGE: usize = 20;

const COLUMNS: &str = "id, plan_id, version, status, body, body_sha256, province, asset_kind, method, reserve_fen, published_at, published_by, period_ends_on, bidding_opens_on, created_by, created_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Announcement, StoreError> {
    let body = text(r, "body")?;
    let content: Content =
        serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("announcements.body: {e}")))?;
    Ok(Announcement {
        id: i64_col(r, "id")?,
        plan_id: i64_col(r, "plan_id")?,
        version: i64_col(r, "version")?,
        status: code(r, "status", AnnouncementStatus::from_code)?,
        body,
        body_sha256: text(r, "body_sha256")?,
        content,
        province: text(r, "province")?,
        asset_kind: text(r, "asset_kind")?,
        method: code(r, "method", DisposalMethod::from_code)?,
        reserve: money(r, "reserve_fen")?,
        published_at: opt_utc(r, "published_at")?,
        published_by: opt_text(r, "published_by")?,
        period_ends_on: opt_date(r, "period_ends_on")?,
        bidding_opens_on: opt_date(r, "bidding_opens_on")?,
        created_by: text(r, "created_by")?,
        created_at: utc(r, "created_at")?,
    })
}

async fn one(c: &mut sqlx::AnyConnection, id: i64) -> Result<Announcement, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM announcements WHERE id = $1");
    let row = sqlx::query(crate::composed(sql)).bind(id).fetch_optional(&mut *c).await?;
    from_row(&row.ok_or_else(|| StoreError::NotFound(format!("公告 / announcement {id}")))?)
}

/// The latest published version of a plan's announcement, if any.
pub(crate) async fn latest_published(
    c: &mut sqlx::AnyConnection,
    plan_id: i64,
) -> Result<Option<Announcement>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM announcements WHERE plan_id = $1 AND status = $2 ORDER BY version DESC");
    let row = sqlx::query(crate::composed(sql))
        .bind(plan_id)
        .bind(AnnouncementStatus::Published.code())
        .fetch_optional(&mut *c)
        .await?;
    row.as_ref().map(from_row).transpose()
}

impl Store {
    /// Every version of every announcement, or of one plan, newest first.
    pub async fn announcements(&self, plan_id: Option<i64>) -> Result<Vec<Announcement>, StoreError> {
        let rows = match plan_id {
            Some(p) => {
                let sql = format!("SELECT {COLUMNS} FROM announcements WHERE plan_id = $1 ORDER BY id DESC");
                sqlx::query(crate::composed(sql)).bind(p).fetch_all(&self.pool).await?
            }
            None => {
                let sql = format!("SELECT {COLUMNS} FROM announcements ORDER BY id DESC");
                sqlx::query(crate::composed(sql)).fetch_all(&self.pool).await?
            }
        };
        rows.iter().map(from_row).collect()
    }

    pub async fn announcement(&self, id: i64) -> Result<Announcement, StoreError> {
        one(&mut *self.pool.acquire().await?, id).await
    }

    /// A version the public may see (published, or superseded and archived); `NotFound` for a
    /// draft, so that nothing unpublished leaks.
    pub async fn public_announcement(&self, id: i64) -> Result<Announcement, StoreError> {
        let a = self.announcement(id).await?;
        if a.status == AnnouncementStatus::Draft {
            return Err(StoreError::NotFound(format!("公告 / announcement {id}")));
        }
        Ok(a)
    }

    /// The published versions of a plan's announcement (the current one and the archive), newest first.
    pub async fn public_versions(&self, plan_id: i64) -> Result<Vec<Announcement>, StoreError> {
        Ok(self
            .announcements(Some(plan_id))
            .await?
            .into_iter()
            .filter(|a| a.status != AnnouncementStatus::Draft)
            .collect())
    }

    /// The announcements in force (published, not superseded) that pass `f`, newest first: one
    /// page (`PUBLIC_PAGE`) from `page` (0-based), and how many pass in all.
    pub async fn public_announcements(
        &self,
        f: &PublicFilter,
        page: usize,
    ) -> Result<(Vec<Announcement>, usize), StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM announcements WHERE status = $1 ORDER BY published_at DESC, id DESC");
        let rows =
            sqlx::query(crate::composed(sql)).bind(AnnouncementStatus::Published.code()).fetch_all(&self.pool).await?;
        let all: Vec<Announcement> = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        let passing: Vec<Announcement> = all.into_iter().filter(|a| passes(a, f)).collect();
        let total = passing.len();
        Ok((passing.into_iter().skip(page * PUBLIC_PAGE).take(PUBLIC_PAGE).collect(), total))
    }

    /// Drafts the next version of a plan's announcement: from the plan and its subject for the
    /// first, from the version before for a correction. Refused unless the plan is approved and
    /// its method public, and while a draft is open.
    pub async fn draft_announcement(&self, actor: &str, plan_id: i64) -> Result<Announcement, StoreError> {
        self.operate(actor, async |tx| {
            let plan = crate::disposal::read::plan(&mut tx.tx, plan_id).await?;
            if plan.status != PlanStatus::Approved || !plan.method.is_public() {
                return Err(StoreError::Refused(Text::fixed(
                    "只有经决策委员会批准的公开处置方案才能起草公告。",
                    "Only an approved plan with a public method is announced.",
                )));
            }
            let versions =
                sqlx::query("SELECT version, status, body FROM announcements WHERE plan_id = $1 ORDER BY version DESC")
                    .bind(plan_id)
                    .fetch_all(&mut *tx.tx)
                    .await?;
            if versions.iter().any(|r| text(r, "status").is_ok_and(|s| s == AnnouncementStatus::Draft.code())) {
                return Err(StoreError::Refused(Text::fixed(
                    "该方案已有公告草稿，请编辑草稿。",
                    "The plan has a draft announcement already: edit it.",
                )));
            }
            let content = tx.content_of(&plan).await?;
            let version = versions.first().map(|r| i64_col(r, "version")).transpose()?.unwrap_or(0) + 1;
            tx.insert_announcement(&plan, version, &content).await
        })
        .await
    }

    /// Edits a draft's free parts.
    pub async fn edit_announcement(
        &self,
        actor: &str,
        id: i64,
        edit: &AnnouncementEdit,
    ) -> Result<Announcement, StoreError> {
        self.operate(actor, async |tx| {
            let before = one(&mut tx.tx, id).await?;
            if before.status != AnnouncementStatus::Draft {
                return Err(StoreError::Refused(Text::fixed(
                    "已发布的公告不能修改；更正请起草新版本。",
                    "A published announcement is never edited: draft a correction (the next version).",
                )));
            }
            let mut assets = before.content.assets.clone();
            for (a, l) in assets.iter_mut().zip(&edit.locations) {
                a.location = l.trim().to_string();
            }
            let content = Content {
                assets,
                title: edit.title.trim().to_string(),
                conditions: edit.conditions.trim().to_string(),
                buyer_requirements: edit.buyer_requirements.trim().to_string(),
                contact: edit.contact.trim().to_string(),
                report_channel: edit.report_channel.trim().to_string(),
                ..before.content.clone()
            };
            let (body, sha) = crate::json_body(&content)?;
            let changed =
                sqlx::query("UPDATE announcements SET body = $1, body_sha256 = $2 WHERE id = $3 AND status = $4")
                    .bind(body.as_str())
                    .bind(sha.as_str())
                    .bind(id)
                    .bind(AnnouncementStatus::Draft.code())
                    .execute(&mut *tx.tx)
                    .await?
                    .rows_affected();
            if changed != 1 {
                return Err(StoreError::Refused(refusal_to_edit(before.status)));
            }
            let after = one(&mut tx.tx, id).await?;
            tx.audit_update(&before, &after).await?;
            Ok(after)
        })
        .await
    }

    /// Publishes a draft: refused while the A10.2 checklist finds anything missing; the body
    /// becomes what the public sees (masked) with its hash; the period ends on the
    /// `announcement_working_days`-th working day after today (Beijing), bidding opens the day
    /// after; the version before is superseded (archived, unchanged).
    pub async fn publish_announcement(&self, actor: &str, id: i64) -> Result<Announcement, StoreError> {
        self.operate(actor, async |tx| {
            let before = one(&mut tx.tx, id).await?;
            let gaps = missing(&before.content);
            if let Some((_, first)) = gaps.first() {
                return Err(StoreError::Refused(Text::new(
                    format!("公告内容不全，不能发布：{}（共 {} 项）", first.zh, gaps.len()),
                    format!(
                        "The announcement is incomplete and cannot be published: {} ({} in all)",
                        first.en,
                        gaps.len()
                    ),
                )));
            }
            let params = tx.rule_parameters().await?.parameters;
            let calendar = tx.calendar_in().await?;
            let now = crate::stored_time(tx.clock.now());
            let today = huajie_core::clock::beijing_date(now);
            let ends = calendar
                .calendar
                .announcement_period(today, params.announcement_working_days)
                .map_err(|e| StoreError::Refused(e.message()))?;
            let opens = ends.succ_opt().ok_or_else(|| StoreError::Corrupt("a date past the calendar".into()))?;
            let (body, sha) = crate::json_body(&for_publication(&before.content))?;
            for old in sqlx::query("SELECT id FROM announcements WHERE plan_id = $1 AND status = $2")
                .bind(before.plan_id)
                .bind(AnnouncementStatus::Published.code())
                .fetch_all(&mut *tx.tx)
                .await?
            {
                let old = one(&mut tx.tx, i64_col(&old, "id")?).await?;
                tx.set_status(StatusTable::Announcements, old.id, old.status, AnnouncementStatus::Superseded, &[])
                    .await?;
                let after = Announcement { status: AnnouncementStatus::Superseded, ..old.clone() };
                tx.audit_update(&old, &after).await?;
            }
            tx.set_status(
                StatusTable::Announcements,
                id,
                before.status,
                AnnouncementStatus::Published,
                &[
                    ("body", Some(body)),
                    ("body_sha256", Some(sha)),
                    ("published_at", Some(crate::timestamp(now))),
                    ("published_by", Some(tx.actor().to_string())),
                    ("period_ends_on", Some(date_text(ends))),
                    ("bidding_opens_on", Some(date_text(opens))),
                ],
            )
            .await?;
            let after = one(&mut tx.tx, id).await?;
            tx.audit_update(&before, &after).await?;
            Ok(after)
        })
        .await
    }
}

/// Why an announcement in `status` cannot be edited.
fn refusal_to_edit(status: AnnouncementStatus) -> Text {
    Text::new(
        format!("公告当前为“{}”，不能修改。", status.zh()),
        format!("The announcement is “{}”: it cannot be edited.", status.en()),
    )
}

/// Whether an announcement passes the public filter.
fn passes(a: &Announcement, f: &PublicFilter) -> bool {
    let published_on = a.published_at.map(huajie_core::clock::beijing_date);
    let words = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let matches_words = words.is_none_or(|w| {
        a.content.title.contains(w)
            || a.content.assets.iter().any(|x| x.name.contains(w) || x.location.contains(w) || x.kind.contains(w))
    });
    matches_words
        && f.province.as_deref().is_none_or(|p| a.province == p)
        && f.asset_kind.as_deref().is_none_or(|k| a.asset_kind == k)
        && f.method.is_none_or(|m| a.method == m)
        && f.reserve_min.is_none_or(|m| a.reserve >= m)
        && f.reserve_max.is_none_or(|m| a.reserve <= m)
        && f.published_from.is_none_or(|d| published_on.is_some_and(|p| p >= d))
        && f.published_to.is_none_or(|d| published_on.is_some_and(|p| p <= d))
}

impl WriteTx {
    async fn insert_announcement(
        &mut self,
        plan: &Plan,
        version: i64,
        content: &Content,
    ) -> Result<Announcement, StoreError> {
        let (body, sha) = crate::json_body(content)?;
        let first = content.assets.first();
        let created_at = crate::stored_time(self.clock.now());
        let r = sqlx::query("INSERT INTO announcements (plan_id, version, status, body, body_sha256, province, asset_kind, method, reserve_fen, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id")
            .bind(plan.id)
            .bind(version)
            .bind(AnnouncementStatus::Draft.code())
            .bind(body.as_str())
            .bind(sha.as_str())
            .bind(first.map(|a| a.province.clone()).unwrap_or_default())
            .bind(match plan.subject {
                PlanSubject::Collateral(_) => first.map(|a| a.kind.clone()).unwrap_or_default(),
                _ => CLAIM_KIND.to_string(),
            })
            .bind(plan.method.code())
            .bind(content.reserve.fen())
            .bind(self.actor().to_string())
            .bind(crate::timestamp(created_at))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(|e| StoreError::on_unique(e, || Text::new(format!("公告第 {version} 版"), format!("version {version} of the announcement"))))?;
        let a = one(&mut self.tx, i64_col(&r, "id")?).await?;
        self.audit_create(&a).await?;
        Ok(a)
    }

    /// An announcement's content for a plan: the version before's (a correction), else drafted
    /// from the subject (its assets, obligors and balances at the package's cut-off date).
    async fn content_of(&mut self, plan: &Plan) -> Result<Content, StoreError> {
        let last = sqlx::query("SELECT id FROM announcements WHERE plan_id = $1 ORDER BY version DESC LIMIT 1")
            .bind(plan.id)
            .fetch_optional(&mut *self.tx)
            .await?;
        if let Some(r) = last {
            // The published body is masked: the correction starts from the subject again and
            // keeps the free parts the asset manager wrote.
            let before = one(&mut self.tx, i64_col(&r, "id")?).await?;
            let fresh = self.drafted(plan).await?;
            return Ok(Content {
                title: before.content.title,
                conditions: before.content.conditions,
                buyer_requirements: before.content.buyer_requirements,
                contact: before.content.contact,
                report_channel: before.content.report_channel,
                ..fresh
            });
        }
        self.drafted(plan).await
    }

    async fn drafted(&mut self, plan: &Plan) -> Result<Content, StoreError> {
        let package = self.package_in(plan.package_id).await?;
        let (claim_filter, id) = match plan.subject {
            PlanSubject::Package(p) => ("c.package_id = $1", p),
            PlanSubject::Claim(c) => ("c.id = $1", c),
            PlanSubject::Collateral(k) => {
                ("c.id IN (SELECT claim_id FROM claim_collateral WHERE collateral_id = $1)", k)
            }
        };
        let sql = format!(
            "SELECT c.id, c.contract_no, c.principal_fen, c.interest_fen, COALESCE(c.province, d.province) AS province, d.address, d.kind AS debtor_kind, c.debtor_id FROM claims c JOIN parties d ON d.id = c.debtor_id WHERE {claim_filter} ORDER BY c.id"
        );
        let claims = sqlx::query(crate::composed(sql)).bind(id).fetch_all(&mut *self.tx).await?;
        let mut assets = Vec::new();
        let mut obligor_ids: Vec<(i64, &'static str)> = Vec::new();
        for c in &claims {
            let province = opt_text(c, "province")?.unwrap_or_default();
            assets.push(AssetLine {
                name: format!("债权 {}", text(c, "contract_no")?),
                kind: "债权".into(),
                location: location_of(c, &province)?,
                province,
                principal: money(c, "principal_fen")?,
                interest: money(c, "interest_fen")?,
            });
            obligor_ids.push((i64_col(c, "debtor_id")?, "debtor"));
            let guarantors = sqlx::query("SELECT guarantor_id FROM guarantees WHERE claim_id = $1 ORDER BY id")
                .bind(i64_col(c, "id")?)
                .fetch_all(&mut *self.tx)
                .await?;
            for g in &guarantors {
                obligor_ids.push((i64_col(g, "guarantor_id")?, "guarantor"));
            }
        }
        if let PlanSubject::Collateral(k) = plan.subject {
            let r = sqlx::query("SELECT collateral_type, description, address, province FROM collateral WHERE id = $1")
                .bind(k)
                .fetch_one(&mut *self.tx)
                .await?;
            let province = opt_text(&r, "province")?.unwrap_or_default();
            let kind = code(&r, "collateral_type", huajie_core::CollateralType::from_code)?;
            assets = vec![AssetLine {
                name: text(&r, "description")?,
                kind: kind.zh().into(),
                location: opt_text(&r, "address")?.unwrap_or_else(|| province_name(&province)),
                province,
                principal: Money::ZERO,
                interest: Money::ZERO,
            }];
        }
        let obligors = self.obligors(obligor_ids).await?;
        Ok(Content {
            title: format!("关于{}的处置公告", plan.title),
            assets,
            obligors,
            base_date: package.data.cutoff_date,
            method: plan.method,
            reserve: plan.reserve.unwrap_or(Money::ZERO),
            conditions: String::new(),
            buyer_requirements: DEFAULT_BUYER_REQUIREMENTS.into(),
            contact: String::new(),
            report_channel: String::new(),
        })
    }
    /// The debtors and guarantors named, each once per role, as the parties' register has them.
    async fn obligors(&mut self, ids: Vec<(i64, &'static str)>) -> Result<Vec<Obligor>, StoreError> {
        let mut obligors = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (party, role) in ids {
            if !seen.insert((party, role)) {
                continue;
            }
            let p = sqlx::query("SELECT name, identifier, kind FROM parties WHERE id = $1")
                .bind(party)
                .fetch_one(&mut *self.tx)
                .await?;
            obligors.push(Obligor {
                role: role.into(),
                name: text(&p, "name")?,
                identifier: opt_text(&p, "identifier")?,
                person: text(&p, "kind")? == huajie_core::PartyKind::Individual.code(),
            });
        }
        Ok(obligors)
    }
}

/// Who may not buy (rules.md A10.4, TX1–TX8), as an announcement says it by default.
pub const DEFAULT_BUYER_REQUIREMENTS: &str = "受让方须为依法设立的法人、其他组织或具有完全民事行为能力的自然人。债务人、保证人及其控制或受同一实际控制人控制的企业，国家公务员、金融监管机构工作人员、政法干警、本公司员工及其近亲属、参与本次处置的中介机构人员，失信被执行人，不得购买或变相购买本公告资产。";

/// Where a claim's asset is, as an announcement says it: the debtor's address, or only the
/// district of a person's (a person's address is not published), or the province.
fn location_of(claim: &sqlx::any::AnyRow, province: &str) -> Result<String, StoreError> {
    let person = text(claim, "debtor_kind")? == huajie_core::PartyKind::Individual.code();
    Ok(match opt_text(claim, "address")? {
        Some(a) if person => huajie_core::mask::mask_address(&a),
        Some(a) => a,
        None => province_name(province),
    })
}

fn province_name(code: &str) -> String {
    huajie_core::Province::from_code(code).map(|p| p.name(huajie_core::Lang::Zh).to_string()).unwrap_or_default()
}
