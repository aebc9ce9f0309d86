//! Entering the compliance book: one description of each kind of entry (its fields, their
//! names in Chinese and English, how each is read), used alike by the web forms, the .xlsx
//! import (one sheet per kind) and the API. Amounts are in 万元 unless the cell says 元;
//! parties are named by their USCC or resident ID, and created from the name given when
//! they are not yet known.

use chrono::NaiveDate;
use huajie_core::{Money, Party, PartyIdentifier, PartyKind, PartyStatus, Permission, Text};
use huajie_rules::indicators::{Capacity, Channel, ExposureKind, InvestmentKind, LiquidKind};
use huajie_tape::coerce::{CoerceError, is_blank, parse_bool, parse_date, parse_money_exact};
use huajie_tape::{AmountUnit, CELL_CHARS_MAX};

use crate::checks::PartyAttributes;
use crate::{StoreError, WriteTx, rows::i64_col};

mod entry;
mod schedules;
pub use entry::audit_entity;
use entry::{Read, Values, build_entry};
use schedules::read_schedules;

/// How a field is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Date,
    /// 万元 unless the cell says 元.
    Amount,
    Text,
    /// A USCC or resident ID: of the kind given, when the field holds one kind only (a
    /// member of the staff is a person, an entity an organisation); else either, told apart
    /// by its form (`PartyIdentifier::parse`).
    Party(Option<PartyKind>),
    /// A party's name (used to create it when unknown).
    PartyName,
    YesNo,
    Percent,
    /// One of the listed (code, Chinese, English); any of the three is accepted.
    Code(&'static [(&'static str, &'static str, &'static str)]),
    /// Repayment lines: `YYYY-MM-DD 本金 利息` (万元), one per line.
    Schedule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

pub const INVESTMENT_KINDS: &[(&str, &str, &str)] = &[
    ("financial_npa", "金融不良资产收购", "Financial NPA acquisition"),
    ("non_financial_npa", "非金融不良资产收购", "Non-financial NPA acquisition"),
    ("debt_to_equity", "债转股", "Debt-to-equity"),
    ("other_equity", "其他股权投资", "Other equity investment"),
    ("other_debt", "其他债权投资", "Other debt investment"),
    ("treasury", "流动性管理（不计新增投资）", "Liquidity placement (not new investment)"),
];
pub const CHANNELS: &[(&str, &str, &str)] = &[
    ("fi_loan", "金融机构借款", "Loan from a financial institution"),
    ("shareholder_loan", "股东借款", "Shareholder loan"),
    ("bond", "发行债券", "Bond issue"),
    ("other_approved", "其他经批准的方式", "Other approved channel"),
    ("public_deposits", "吸收公众存款（禁止）", "Public deposits (prohibited)"),
    ("local_exchange", "地方交易场所融资（禁止）", "Local trading venue (prohibited)"),
    ("unlicensed_asset_manager", "非持牌资管机构融资（禁止）", "Unlicensed asset manager (prohibited)"),
    ("private_fund", "私募投资基金融资（禁止）", "Private investment fund (prohibited)"),
];
const LIQUID_KINDS: &[(&str, &str, &str)] = &[
    ("cash", "库存现金", "Cash"),
    ("demand_deposit", "活期及可随时支取存款", "Demand deposit"),
    ("government_bond", "国债", "Central-government bond"),
    ("policy_bank_bond", "政策性金融债", "Policy-bank bond"),
    ("other", "其他（非优质流动资产）", "Other (not high quality)"),
];
pub const CAPACITIES: &[(&str, &str, &str)] = &[
    ("control", "实际控制", "Actual controller"),
    ("director", "董事或监事", "Director or supervisor"),
    ("manager", "高级管理人员", "Senior manager"),
    ("shareholder", "股东（不控制）", "Shareholder (no control)"),
    ("other", "其他任职或参与", "Other part"),
];
pub const EXPOSURE_KINDS: &[(&str, &str, &str)] = &[
    ("loan", "贷款/借款", "Loan"),
    ("bond", "债券", "Bond"),
    ("receivable", "应收款项", "Receivable"),
    ("equity", "股权", "Equity"),
    ("acquired_claim", "收购债权（系统外）", "Acquired claim (outside Huajie)"),
];

/// A kind of book entry: its code, sheet names, fields, and who may enter it (the figures:
/// finance and risk; the party graph: risk alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookKind {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub fields: &'static [FieldSpec],
    pub permission: Permission,
}

const fn f(key: &'static str, zh: &'static str, en: &'static str, kind: FieldKind, required: bool) -> FieldSpec {
    FieldSpec { key, zh, en, kind, required }
}

use FieldKind::*;

/// Every kind, in the order the book page and the workbook list them.
pub const BOOK_KINDS: &[BookKind] = &[
    BookKind {
        code: "net_assets",
        zh: "季末净资产",
        en: "Net assets",
        fields: &[
            f("quarter_end", "季末日期", "Quarter-end", Date, true),
            f("amount", "净资产（万元）", "Net assets (10k yuan)", Amount, true),
            f("source", "来源", "Source", Text, true),
        ],
        permission: Permission::EditComplianceBook,
    },
    BookKind {
        code: "investment",
        zh: "投资台账",
        en: "Investments",
        fields: &[
            f("booked_on", "日期", "Date", Date, true),
            f("amount", "金额（万元）", "Amount (10k yuan)", Amount, true),
            f("kind", "类别", "Kind", Code(INVESTMENT_KINDS), true),
            f("description", "说明", "Description", Text, true),
        ],
        permission: Permission::EditComplianceBook,
    },
    BookKind {
        code: "funding",
        zh: "融资台账",
        en: "Funding",
        fields: &[
            f("label", "融资名称", "Instrument", Text, true),
            f("channel", "融资渠道", "Channel", Code(CHANNELS), true),
            f("lender", "出借人证件号", "Lender's USCC or ID", Party(None), true),
            f("lender_name", "出借人名称", "Lender's name", PartyName, false),
            f("principal", "本金余额（万元）", "Principal outstanding (10k yuan)", Amount, true),
            f("start_date", "起始日", "Start", Date, true),
            f("maturity_date", "到期日", "Maturity", Date, true),
            f("line_limit", "授信额度（万元，可提款者填）", "Line limit (10k yuan) if drawable", Amount, false),
            f(
                "schedule",
                "还款计划（每行：日期 本金 利息，万元）",
                "Schedule (one line each: date principal interest, 10k yuan)",
                Schedule,
                false,
            ),
        ],
        permission: Permission::EditComplianceBook,
    },
    BookKind {
        code: "cash_flow",
        zh: "现金流日历",
        en: "Cash calendar",
        fields: &[
            f("label", "事项", "Item", Text, true),
            f("due_date", "日期", "Date", Date, true),
            f("amount", "金额（万元）", "Amount (10k yuan)", Amount, true),
            f("inflow", "流入", "Inflow", YesNo, true),
        ],
        permission: Permission::EditComplianceBook,
    },
    BookKind {
        code: "liquid_asset",
        zh: "流动资产",
        en: "Liquid assets",
        fields: &[
            f("label", "账户/资产", "Account or asset", Text, true),
            f("kind", "类别", "Kind", Code(LIQUID_KINDS), true),
            f("amount", "金额（万元）", "Amount (10k yuan)", Amount, true),
            f("encumbered", "受限（质押/冻结）", "Encumbered", YesNo, true),
        ],
        permission: Permission::EditComplianceBook,
    },
    BookKind {
        code: "exposure",
        zh: "其他风险敞口",
        en: "Other exposures",
        fields: &[
            f("party", "交易对手证件号", "Counterparty's USCC or ID", Party(None), true),
            f("party_name", "交易对手名称", "Counterparty's name", PartyName, false),
            f("kind", "类别", "Kind", Code(EXPOSURE_KINDS), true),
            f("book_value", "账面价值（万元）", "Book value (10k yuan)", Amount, true),
            f("description", "说明", "Description", Text, true),
        ],
        permission: Permission::EditComplianceBook,
    },
    BookKind {
        code: "holding",
        zh: "股权与控制关系",
        en: "Ownership and control",
        fields: &[
            f("holder", "持有人证件号", "Holder's USCC or ID", Party(None), true),
            f("holder_name", "持有人名称", "Holder's name", PartyName, false),
            f("held", "被持有方证件号", "Held party's USCC or ID", Party(Some(PartyKind::Corporate)), true),
            f("held_name", "被持有方名称", "Held party's name", PartyName, false),
            f("stake", "持股比例", "Stake", Percent, true),
            f("control", "实际控制", "Actual control", YesNo, true),
        ],
        permission: Permission::EditPartyGraph,
    },
    BookKind {
        code: "officer",
        zh: "董监高",
        en: "Directors and managers",
        fields: &[
            f("party", "证件号", "USCC or ID", Party(None), true),
            f("party_name", "姓名", "Name", PartyName, false),
            f("role", "职务（董事、监事、高级管理人员等）", "Role (director, supervisor, senior manager…)", Text, true),
        ],
        permission: Permission::EditPartyGraph,
    },
    BookKind {
        code: "staff",
        zh: "员工名册",
        en: "Staff register",
        fields: &[
            f("party", "证件号", "Resident ID", Party(Some(PartyKind::Individual)), true),
            f("party_name", "姓名", "Name", PartyName, false),
            f("department", "部门及岗位", "Department and post", Text, true),
        ],
        permission: Permission::EditPartyGraph,
    },
    BookKind {
        code: "relative",
        zh: "近亲属",
        en: "Close relatives",
        fields: &[
            f("a", "本人证件号", "Person's ID", Party(Some(PartyKind::Individual)), true),
            f("b", "近亲属证件号", "Relative's ID", Party(Some(PartyKind::Individual)), true),
            f("b_name", "近亲属姓名", "Relative's name", PartyName, false),
        ],
        permission: Permission::EditPartyGraph,
    },
    BookKind {
        code: "staff_entity",
        zh: "员工及近亲属任职参与企业",
        en: "Entities the staff take part in",
        fields: &[
            f("person", "本人证件号", "Person's ID", Party(Some(PartyKind::Individual)), true),
            f("entity", "企业证件号", "Entity's USCC", Party(Some(PartyKind::Corporate)), true),
            f("entity_name", "企业名称", "Entity's name", PartyName, false),
            f("capacity", "身份", "Capacity", Code(CAPACITIES), true),
        ],
        permission: Permission::EditPartyGraph,
    },
    BookKind {
        code: "party_attributes",
        zh: "主体属性",
        en: "Party attributes",
        fields: &[
            f("party", "证件号", "USCC or ID", Party(None), true),
            f("party_name", "名称", "Name", PartyName, false),
            f("state_organ", "国家机关", "State organ", YesNo, true),
            f("lgfv", "地方政府融资平台", "LGFV", YesNo, true),
            f("licensed_fi", "持牌金融机构", "Licensed financial institution", YesNo, true),
        ],
        permission: Permission::EditPartyGraph,
    },
];

pub fn book_kind(code: &str) -> Option<&'static BookKind> {
    BOOK_KINDS.iter().find(|k| k.code == code)
}

/// A party named in an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyRef {
    pub identifier: PartyIdentifier,
    pub name: Option<String>,
}

/// An entry, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookEntry {
    NetAssets {
        quarter_end: NaiveDate,
        amount: Money,
        source: String,
    },
    Investment {
        booked_on: NaiveDate,
        amount: Money,
        kind: InvestmentKind,
        description: String,
    },
    Funding {
        label: String,
        channel: Channel,
        lender: PartyRef,
        principal: Money,
        start_date: NaiveDate,
        maturity_date: NaiveDate,
        payments: Vec<(NaiveDate, Money, Money)>,
        line_limit: Option<Money>,
    },
    CashFlow {
        label: String,
        due_date: NaiveDate,
        amount: Money,
        inflow: bool,
    },
    LiquidAsset {
        label: String,
        kind: LiquidKind,
        amount: Money,
        encumbered: bool,
    },
    Exposure {
        party: PartyRef,
        kind: ExposureKind,
        book_value: Money,
        description: String,
    },
    Holding {
        holder: PartyRef,
        held: PartyRef,
        stake_bps: u32,
        control: bool,
    },
    Officer {
        party: PartyRef,
        role: String,
    },
    Relative {
        a: PartyRef,
        b: PartyRef,
    },
    Staff {
        party: PartyRef,
        department: String,
    },
    StaffEntity {
        person: PartyRef,
        entity: PartyRef,
        capacity: Capacity,
    },
    Attributes {
        party: PartyRef,
        state_organ: bool,
        lgfv: bool,
        licensed_fi: bool,
    },
}

/// A field that cannot be read: its key and what is wrong, in both languages.
pub type FieldProblem = (&'static str, Text);

pub fn read_code(options: &[(&'static str, &'static str, &'static str)], text: &str) -> Option<&'static str> {
    let t = text.trim();
    options
        .iter()
        .find(|(c, zh, en)| *c == t || *zh == t || en.eq_ignore_ascii_case(t) || zh.split('（').next() == Some(t))
        .map(|o| o.0)
}

/// A repayment schedule, one payment a line: “date principal interest” (万元).
pub fn read_schedule(text: &str) -> Result<Vec<(NaiveDate, Money, Money)>, Text> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split([' ', ',', '，', '\t']).filter(|s| !s.is_empty()).collect();
        let n = i + 1;
        let bad = || {
            Text::new(
                format!("第 {n} 行应为“日期 本金 利息”（万元）"),
                format!("line {n}: expected “date principal interest” (10k yuan)"),
            )
        };
        let [d, p, r] = parts.as_slice() else { return Err(bad()) };
        let date = parse_date(d).map_err(|_| bad())?;
        let amount = |t: &str| match parse_money_exact(t, AmountUnit::Wan) {
            Ok(m) => Ok(m),
            Err(CoerceError::FractionOfFen) => Err(Text::new(
                format!("第 {n} 行：“{t}”有不足一分的尾数"),
                format!("line {n}: “{t}” has a fraction of a fen"),
            )),
            Err(_) => Err(bad()),
        };
        let principal = amount(p)?;
        let interest = amount(r)?;
        if principal.fen() < 0 || interest.fen() < 0 {
            return Err(bad());
        }
        out.push((date, principal, interest));
    }
    out.sort();
    if out.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(Text::fixed("还款计划有重复日期", "the schedule repeats a date"));
    }
    Ok(out)
}

/// Reads one entry of `kind` from its fields (`get` gives a field's text by key), on `today`
/// (a resident ID's birth date may not be after it). Every field that cannot be read is
/// named; nothing is partly read.
pub fn read_entry(
    kind: &BookKind,
    get: &dyn Fn(&str) -> Option<String>,
    today: NaiveDate,
) -> Result<BookEntry, Vec<FieldProblem>> {
    let mut problems: Vec<FieldProblem> = Vec::new();
    let mut values = Values::default();
    for spec in kind.fields {
        let text = get(spec.key).unwrap_or_default();
        let blank = is_blank(&text);
        if blank {
            if spec.required {
                problems.push((spec.key, Text::new(format!("{}：必填", spec.zh), format!("{}: required", spec.en))));
            }
            continue;
        }
        let typed = text.trim();
        let bad = |what_zh: &str, what_en: &str| {
            (
                spec.key,
                Text::new(
                    format!("{}：“{typed}”不是{what_zh}", spec.zh),
                    format!("{}: “{typed}” is not {what_en}", spec.en),
                ),
            )
        };
        let ok = match spec.kind {
            Date => parse_date(&text).map(Read::Date).map_err(|_| bad("日期", "a date")),
            Amount => match parse_money_exact(&text, AmountUnit::Wan) {
                Ok(m) if m.fen() >= 0 || kind.code == "net_assets" => Ok(Read::Money(m)),
                Err(CoerceError::FractionOfFen) => Err((
                    spec.key,
                    Text::new(
                        format!("{}：“{typed}”有不足一分的尾数，请按分填写", spec.zh),
                        format!("{}: “{typed}” has a fraction of a fen; amounts are kept to the fen", spec.en),
                    ),
                )),
                _ => Err(bad("非负金额", "a non-negative amount")),
            },
            Text | PartyName => Ok(Read::Text(typed.to_string())),
            Party(party_kind) => {
                let read = match party_kind {
                    Some(k) => PartyIdentifier::parse_as(k, &text, today),
                    None => PartyIdentifier::parse(&text, today),
                };
                match read {
                    Ok(id) => Ok(Read::Party(id)),
                    Err(e) => {
                        let (what_zh, what_en) = match party_kind {
                            None => ("统一社会信用代码或身份证号", "a valid USCC or resident ID"),
                            Some(PartyKind::Corporate) => ("统一社会信用代码", "a valid USCC"),
                            Some(PartyKind::Individual) => ("身份证号", "a valid resident ID"),
                        };
                        Err((
                            spec.key,
                            Text::new(
                                format!(
                                    "{}：“{typed}”不是有效的{what_zh}（{}）",
                                    spec.zh,
                                    e.message(huajie_core::Lang::Zh)
                                ),
                                format!(
                                    "{}: “{typed}” is not {what_en} ({})",
                                    spec.en,
                                    e.message(huajie_core::Lang::En)
                                ),
                            ),
                        ))
                    }
                }
            }
            YesNo => parse_bool(&text).map(Read::Yes).map_err(|_| bad("是/否", "yes or no")),
            Percent => huajie_core::input::parse_number(huajie_core::input::normalized(&text).trim_end_matches('%'))
                .ok()
                .filter(|x| (0.0..=100.0).contains(x))
                .map(|x| Read::Bps((x * 100.0).round() as u32))
                .ok_or_else(|| bad("0–100 之间的百分比", "a percentage from 0 to 100")),
            Code(options) => read_code(options, &text).map(Read::Code).ok_or_else(|| {
                let listed: Vec<&str> = options.iter().map(|o| o.1).collect();
                (
                    spec.key,
                    Text::new(
                        format!("{}：“{typed}”不在可选项中（{}）", spec.zh, listed.join("、")),
                        format!("{}: “{typed}” is not one of the options", spec.en),
                    ),
                )
            }),
            Schedule => read_schedule(&text)
                .map(Read::Schedule)
                .map_err(|m| (spec.key, Text::new(format!("{}：{}", spec.zh, m.zh), format!("{}: {}", spec.en, m.en)))),
        };
        match ok {
            Ok(v) => {
                values.0.insert(spec.key, v);
            }
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Every field was read into its type above: the entry is built from those values.
    build_entry(kind, &values)
}

impl WriteTx {
    /// The id of the party with this identifier, created from its name when unknown.
    async fn book_party(&mut self, r: &PartyRef) -> Result<i64, StoreError> {
        let id = r.identifier.as_str();
        if let Some(row) =
            sqlx::query("SELECT id FROM parties WHERE identifier = $1").bind(id).fetch_optional(&mut *self.tx).await?
        {
            return i64_col(&row, "id");
        }
        let Some(name) = r.name.clone().filter(|n| !n.is_empty()) else {
            return Err(StoreError::Refused(Text::new(
                format!("主体 {id} 尚未登记，请同时填写名称"),
                format!("party {id} is not known: give its name too"),
            )));
        };
        self.insert_party(&Party {
            name,
            identity: r.identifier.clone().into(),
            status: PartyStatus::Active,
            address: None,
            phone: None,
        })
        .await
    }

    /// Records a funding entry of the compliance book (`apply_book_entry`'s arm for one).
    async fn add_book_funding(&mut self, e: &BookEntry) -> Result<(), StoreError> {
        let BookEntry::Funding { label, channel, lender, principal, start_date, maturity_date, payments, line_limit } =
            e
        else {
            return Err(StoreError::Corrupt("add_book_funding: not a funding entry".into()));
        };
        let lender = self.book_party(lender).await?;
        let (start, end) = (*start_date, *maturity_date);
        self.add_funding(label, *channel, lender, *principal, start, end, payments, *line_limit).await.map(drop)
    }

    /// Records one entry of the compliance book.
    pub async fn apply_book_entry(&mut self, e: &BookEntry) -> Result<(), StoreError> {
        match e {
            BookEntry::NetAssets { quarter_end, amount, source } => {
                if huajie_rules::indicators::latest_quarter_end(*quarter_end) != *quarter_end {
                    return Err(StoreError::Refused(Text::new(
                        format!("{quarter_end} 不是季末日"),
                        format!("{quarter_end} is not a quarter-end"),
                    )));
                }
                self.set_net_assets(*quarter_end, *amount, source).await.map(drop)
            }
            BookEntry::Investment { booked_on, amount, kind, description } => {
                self.add_investment(*booked_on, *amount, *kind, description).await.map(drop)
            }
            BookEntry::Funding { .. } => self.add_book_funding(e).await,
            BookEntry::CashFlow { label, due_date, amount, inflow } => {
                self.add_cash_flow(label, *due_date, *amount, *inflow).await.map(drop)
            }
            BookEntry::LiquidAsset { label, kind, amount, encumbered } => {
                self.add_liquid_asset(label, *kind, *amount, *encumbered).await.map(drop)
            }
            BookEntry::Exposure { party, kind, book_value, description } => {
                let party = self.book_party(party).await?;
                self.add_exposure(party, *kind, *book_value, description).await.map(drop)
            }
            BookEntry::Holding { holder, held, stake_bps, control } => {
                let (holder, held) = (self.book_party(holder).await?, self.book_party(held).await?);
                self.add_party_link(holder, held, *stake_bps, *control)
                    .await
                    .map_err(already("该股权关系已登记", "this holding is already recorded"))
                    .map(drop)
            }
            BookEntry::Officer { party, role } => {
                let party = self.book_party(party).await?;
                self.add_officer(party, role)
                    .await
                    .map_err(already("该人员已登记", "this person is already recorded"))
                    .map(drop)
            }
            BookEntry::Relative { a, b } => {
                let (a, b) = (self.book_party(a).await?, self.book_party(b).await?);
                self.add_relatives(a, b)
                    .await
                    .map_err(already("该近亲属关系已登记", "these relatives are already recorded"))
                    .map(drop)
            }
            BookEntry::Staff { party, department } => {
                let party = self.book_party(party).await?;
                self.add_staff(party, department).await.map(drop)
            }
            BookEntry::StaffEntity { person, entity, capacity } => {
                let (person, entity) = (self.book_party(person).await?, self.book_party(entity).await?);
                self.add_staff_entity(person, entity, *capacity).await.map(drop)
            }
            BookEntry::Attributes { party, state_organ, lgfv, licensed_fi } => {
                let party_id = self.book_party(party).await?;
                self.set_party_attributes(PartyAttributes {
                    party_id,
                    state_organ: *state_organ,
                    lgfv: *lgfv,
                    licensed_fi: *licensed_fi,
                })
                .await
            }
        }
    }
}

/// The sheet of repayment schedules in a book workbook: one row per payment of a funding
/// instrument, named by its 融资名称.
pub const SCHEDULE_SHEET: (&str, &str) = ("还款计划", "Schedule");
pub const SCHEDULE_HEADERS: [(&str, &str); 4] = [
    ("融资名称", "Instrument"),
    ("日期", "Date"),
    ("本金（万元）", "Principal (10k yuan)"),
    ("利息（万元）", "Interest (10k yuan)"),
];

/// Something wrong in a book workbook: where, and what (in both languages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookProblem {
    pub sheet: String,
    /// The row as Excel numbers it (0: the sheet as a whole).
    pub row: usize,
    pub field: String,
    pub message: Text,
}

/// An entry read from a workbook, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetEntry {
    pub sheet: String,
    pub row: usize,
    pub entry: BookEntry,
}

fn header_key(kind: &BookKind, cell: &str) -> Option<&'static str> {
    let t = cell.trim();
    kind.fields.iter().find(|f| f.zh == t || f.en.eq_ignore_ascii_case(t) || f.key == t).map(|f| f.key)
}

/// A uniqueness conflict, said as: this is already recorded.
fn already(zh: &'static str, en: &'static str) -> impl FnOnce(StoreError) -> StoreError {
    move |e| StoreError::on_unique_db(e, || Text::fixed(zh, en))
}

/// A row of a sheet with its number.
type NumberedRow = (usize, Vec<String>);

/// Reads a book workbook: each sheet named after a kind (in Chinese or English), its first
/// row the field names; the schedule sheet's rows join their instruments. Sheets of other
/// names are left alone. Every problem is listed; nothing is returned while there is one.
pub fn read_book_workbook(
    workbook: Vec<huajie_tape::Sheet>,
    today: NaiveDate,
) -> Result<Vec<SheetEntry>, Vec<BookProblem>> {
    let mut problems = Vec::new();
    let mut sheets: Vec<(String, Vec<NumberedRow>)> = Vec::new();
    for s in workbook {
        let mut rows = Vec::new();
        for r in s.rows {
            match r {
                Ok(r) => rows.push(r),
                Err(e) => problems.push(BookProblem {
                    sheet: s.name.clone(),
                    row: 0,
                    field: String::new(),
                    message: Text::new(e.message(huajie_core::Lang::Zh), e.message(huajie_core::Lang::En)),
                }),
            }
        }
        sheets.push((s.name, rows));
    }
    struct Named<'a> {
        name: &'a str,
        rows: &'a [(usize, Vec<String>)],
    }
    let sheets: Vec<Named> = sheets.iter().map(|(n, r)| Named { name: n, rows: r }).collect();
    let mut out = Vec::new();
    // The schedules first: instrument name → lines.
    let schedules = read_schedules(sheets.iter().map(|s| (s.name, s.rows)), &mut problems);
    let mut scheduled: std::collections::HashSet<String> = std::collections::HashSet::new();
    for sheet in &sheets {
        let Some(kind) = BOOK_KINDS.iter().find(|k| k.zh == sheet.name || k.en.eq_ignore_ascii_case(sheet.name)) else {
            continue;
        };
        let Some((_, header)) = sheet.rows.first() else { continue };
        let keys: Vec<Option<&'static str>> = header.iter().map(|c| header_key(kind, c)).collect();
        for spec in kind.fields.iter().filter(|f| f.required && f.kind != FieldKind::Schedule) {
            if !keys.contains(&Some(spec.key)) {
                problems.push(BookProblem {
                    sheet: sheet.name.to_string(),
                    row: 1,
                    field: spec.zh.into(),
                    message: Text::new(format!("缺少“{}”列", spec.zh), format!("the column “{}” is missing", spec.en)),
                });
            }
        }
        for (row, cells) in sheet.rows.iter().skip(1) {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            // A value longer than a cell may hold is refused; columns the book does not read are left alone.
            let long: Vec<&'static str> = keys
                .iter()
                .zip(cells)
                .filter(|(k, c)| k.is_some() && c.chars().count() > CELL_CHARS_MAX)
                .filter_map(|(k, _)| kind.fields.iter().find(|f| Some(f.key) == *k).map(|f| f.zh))
                .collect();
            if !long.is_empty() {
                for field in long {
                    problems.push(BookProblem {
                        sheet: sheet.name.to_string(),
                        row: *row,
                        field: field.into(),
                        message: Text::new(
                            format!("超过 {CELL_CHARS_MAX} 个字符"),
                            format!("longer than {CELL_CHARS_MAX} characters"),
                        ),
                    });
                }
                continue;
            }
            let get = |k: &str| -> Option<String> {
                if kind.code == "funding" && k == "schedule" {
                    let label = keys
                        .iter()
                        .position(|x| *x == Some("label"))
                        .and_then(|i| cells.get(i))
                        .map(|c| c.trim().to_string())?;
                    return schedules.get(&label).cloned();
                }
                keys.iter().position(|x| *x == Some(k)).and_then(|i| cells.get(i)).cloned()
            };
            match read_entry(kind, &get, today) {
                Ok(entry) => {
                    if let BookEntry::Funding { label, .. } = &entry {
                        scheduled.insert(label.clone());
                    }
                    out.push(SheetEntry { sheet: sheet.name.to_string(), row: *row, entry });
                }
                Err(ps) => {
                    for (key, message) in ps {
                        let field = kind.fields.iter().find(|f| f.key == key).map_or(key, |f| f.zh);
                        problems.push(BookProblem {
                            sheet: sheet.name.to_string(),
                            row: *row,
                            field: field.into(),
                            message,
                        });
                    }
                }
            }
        }
    }
    for label in schedules.keys().filter(|l| !scheduled.contains(*l)) {
        problems.push(BookProblem {
            sheet: SCHEDULE_SHEET.0.into(),
            row: 0,
            field: SCHEDULE_HEADERS[0].0.into(),
            message: Text::new(format!("“{label}”不在融资台账中"), format!("“{label}” is not in the funding sheet")),
        });
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(BookProblem {
            sheet: String::new(),
            row: 0,
            field: String::new(),
            message: Text::fixed("工作簿中没有可识别的台账工作表", "the workbook has no sheet of the book"),
        });
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// What an import of the book came to: every entry recorded, or none and the rows refused.
#[derive(Debug)]
pub enum BookImport {
    Recorded(usize),
    Refused(Vec<BookProblem>),
}

impl crate::Store {
    /// Records entries read from a workbook, all or none: a row the store refuses (an unknown
    /// party without a name, a holding already recorded…) is named, and nothing is kept.
    pub async fn import_book(&self, actor: &str, entries: &[SheetEntry]) -> Result<BookImport, StoreError> {
        let mut tx = self.write(actor).await?;
        for e in entries {
            if let Err(refused) = tx.apply_book_entry(&e.entry).await {
                // The transaction rolls back when dropped: nothing is kept.
                let Some(message) = refused.refusal() else { return Err(refused) };
                return Ok(BookImport::Refused(vec![BookProblem {
                    sheet: e.sheet.clone(),
                    row: e.row,
                    field: String::new(),
                    message,
                }]));
            }
        }
        tx.commit().await?;
        Ok(BookImport::Recorded(entries.len()))
    }
}

impl crate::Store {
    /// Removes one entry of the book, by its kind and id (an officer and party attributes by
    /// the party's id), audited as a deletion. `NotFound` when there is no such entry.
    pub async fn remove_book_entry(&self, actor: &str, kind: &str, id: i64) -> Result<(), StoreError> {
        let missing = || StoreError::NotFound(format!("{kind} {id}"));
        let mut tx = self.write(actor).await?;
        macro_rules! remove {
            ($list:expr, $sql:literal, $key:expr) => {{
                let before = $list.into_iter().find(|r| r.id == id).ok_or_else(missing)?;
                sqlx::query($sql).bind($key(&before)).execute(&mut *tx.tx).await?;
                tx.audit_delete(&before).await?;
            }};
        }
        match kind {
            "net_assets" => {
                remove!(self.net_assets().await?, "DELETE FROM net_assets WHERE id = $1", |r: &crate::NetAssets| r.id)
            }
            "investment" => remove!(
                self.investments().await?,
                "DELETE FROM investments WHERE id = $1",
                |r: &crate::InvestmentRecord| r.id
            ),
            "funding" => {
                sqlx::query("DELETE FROM funding_payments WHERE instrument_id = $1")
                    .bind(id)
                    .execute(&mut *tx.tx)
                    .await?;
                remove!(
                    self.funding_book().await?,
                    "DELETE FROM funding_instruments WHERE id = $1",
                    |r: &crate::FundingRecord| r.id
                )
            }
            "cash_flow" => remove!(
                self.cash_calendar().await?,
                "DELETE FROM cash_flows WHERE id = $1",
                |r: &crate::CashFlowRecord| r.id
            ),
            "liquid_asset" => remove!(
                self.liquid_assets().await?,
                "DELETE FROM liquid_assets WHERE id = $1",
                |r: &crate::LiquidAssetRecord| r.id
            ),
            "exposure" => {
                remove!(self.exposures().await?, "DELETE FROM exposures WHERE id = $1", |r: &crate::ExposureRecord| r
                    .id)
            }
            "holding" => {
                remove!(self.party_links().await?, "DELETE FROM party_links WHERE id = $1", |r: &crate::PartyLink| r.id)
            }
            "officer" => {
                remove!(self.officers().await?, "DELETE FROM officers WHERE party_id = $1", |r: &crate::Officer| r
                    .party_id)
            }
            "staff" => {
                remove!(self.staff().await?, "DELETE FROM staff WHERE party_id = $1", |r: &crate::StaffMember| r
                    .party_id)
            }
            "staff_entity" => remove!(
                self.staff_entities().await?,
                "DELETE FROM staff_entities WHERE id = $1",
                |r: &crate::StaffEntityRecord| r.id
            ),
            "relative" => {
                let before = self.relatives().await?.into_iter().find(|r| r.id == id).ok_or_else(missing)?;
                sqlx::query("DELETE FROM relatives WHERE a_id = $1 AND b_id = $2")
                    .bind(before.a_id)
                    .bind(before.b_id)
                    .execute(&mut *tx.tx)
                    .await?;
                tx.audit_delete(&before).await?;
            }
            "party_attributes" => {
                let before =
                    self.party_attributes().await?.into_iter().find(|r| r.party_id == id).ok_or_else(missing)?;
                sqlx::query("DELETE FROM party_attributes WHERE party_id = $1").bind(id).execute(&mut *tx.tx).await?;
                tx.audit_delete(&before).await?;
            }
            _ => return Err(missing()),
        }
        tx.commit().await
    }
}

#[cfg(test)]
mod tests;
