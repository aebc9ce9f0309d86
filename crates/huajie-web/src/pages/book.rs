//! The compliance book: what the indicators read (net assets, investments, funding,
//! cash calendar, liquid assets, other exposures, the party graph, party attributes),
//! shown kind by kind, entered by form or by an .xlsx workbook (all rows or none), and
//! exported in the workbook's own format. One description of each kind
//! (`huajie_store::book::BOOK_KINDS`) serves the forms, the workbook and the API.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use huajie_core::{Lang, Money, PartyKind, Permission};
use huajie_report::tables::{Cell, Table, signed_tables_xlsx};
use huajie_store::Store;
use huajie_store::book::{
    BOOK_KINDS, BookEntry, BookImport, BookKind, BookProblem, FieldKind, SCHEDULE_HEADERS, SCHEDULE_SHEET, book_kind,
    read_book_workbook, read_entry,
};

use super::{XLSX, download, render_form};
use crate::AppState;
use crate::ctx::{Authorized, Ctx, perm};
use crate::error::AppError;
use crate::form::{Confirmed, FieldErrors, FormView, Loose, Path, Query, Submitted, Upload};
use crate::i18n::tr;
use crate::view::Page;

/// A kind's section: its fields, its rows, and its form.
pub struct Section {
    pub code: &'static str,
    pub title: &'static str,
    /// Each field as its form shows it.
    pub fields: Vec<FieldView>,
    /// The rows of its page (`BOOK_ROWS_PER_PAGE`), of `total`.
    pub rows: Vec<Row>,
    pub total: usize,
    /// Its pages, each by `?{code}_page=N` (a book naming 100,000 parties is not one page).
    pub pager: super::Pager,
    /// Whether a row is flagged (the section then shows the flags' column).
    pub flagged: bool,
    /// The form adding an entry (`add-{code}`): as typed, with each field's message, when sent back.
    pub form: FormView,
    /// Whether the user may enter and remove this kind (the party graph is the risk role's).
    pub can_edit: bool,
}

/// A field of an entry's form: a choice among the codes the book knows (a category, a channel,
/// yes or no), an amount with its unit beside it, a date, lines, or text.
pub struct FieldView {
    pub key: &'static str,
    /// The unit's field (`{key}_unit`), for an amount.
    pub unit_key: String,
    pub label: String,
    pub required: bool,
    /// "select", "amount", "date", "lines" or "text".
    pub input: &'static str,
    /// A choice's (code, name), a blank first when the field may be left out.
    pub options: Vec<(String, String)>,
}

/// Rows of a section on one page.
const BOOK_ROWS_PER_PAGE: i64 = 50;

/// The page of each section, by `{code}_page` (the first when absent or nonsense).
#[derive(serde::Deserialize, Default)]
#[serde(transparent)]
pub struct BookPages(BTreeMap<String, String>);

/// Every section at its first page (a page sent back after a form or a workbook).
static FIRST_PAGES: BookPages = BookPages(BTreeMap::new());

impl BookPages {
    fn of(&self, code: &str) -> i64 {
        super::page_number(self.0.get(&format!("{code}_page")).and_then(|p| p.trim().parse().ok()))
    }
}

/// The units an amount may be typed in, as the shared parser reads their suffix (万元 unless said).
const UNITS: [(&str, &str, &str); 3] = [("万", "万元", "10k yuan"), ("元", "元", "yuan"), ("亿", "亿元", "100m yuan")];

impl FieldView {
    fn of(f: &huajie_store::book::FieldSpec, lang: Lang) -> FieldView {
        let yes_no = [("是", "是", "yes"), ("否", "否", "no")];
        let pick = |list: &[(&str, &str, &str)]| {
            let blank = (!f.required).then(|| (String::new(), String::new()));
            let name = |o: &(&str, &str, &str)| if lang == Lang::Zh { o.1 } else { o.2 }.to_string();
            blank.into_iter().chain(list.iter().map(|o| (o.0.to_string(), name(o)))).collect()
        };
        let (input, options) = match f.kind {
            FieldKind::Code(list) => ("select", pick(list)),
            FieldKind::YesNo => ("select", pick(&yes_no)),
            FieldKind::Amount => {
                ("amount", UNITS.iter().map(|u| (u.0.to_string(), lang.pick(u.1, u.2).to_string())).collect())
            }
            FieldKind::Date => ("date", Vec::new()),
            FieldKind::Schedule => ("lines", Vec::new()),
            _ => ("text", Vec::new()),
        };
        // The unit is chosen beside an amount: its label no longer names one.
        let mut label = lang.pick(f.zh, f.en).to_string();
        if input == "amount" {
            for unit in ["（万元）", "万元，", " (10k yuan)", "(10k yuan) "] {
                label = label.replace(unit, "");
            }
        }
        FieldView { key: f.key, unit_key: format!("{}_unit", f.key), label, required: f.required, input, options }
    }
}

#[derive(Template)]
#[template(path = "book.html")]
struct BookPage {
    page: Page,
    title: &'static str,
    sections: Vec<Section>,
    can_edit: bool,
    error: Option<String>,
    problems: Vec<String>,
}

/// 万元 as the workbook and forms read them back (up to six decimals, no grouping).
fn wan(m: Money) -> String {
    let s = format!("{:.6}", m.fen() as f64 / 1_000_000.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn yes(b: bool, lang: Lang) -> String {
    if b { lang.pick("是", "yes") } else { lang.pick("否", "no") }.to_string()
}

fn code_label(kind: &BookKind, key: &str, code: &str, lang: Lang) -> String {
    kind.fields
        .iter()
        .find(|f| f.key == key)
        .and_then(|f| match f.kind {
            FieldKind::Code(options) => options.iter().find(|o| o.0 == code).map(|o| lang.pick(o.1, o.2).to_string()),
            _ => None,
        })
        .unwrap_or_else(|| code.to_string())
}

/// Every kind's rows in its fields' order, as text; individuals' names and ID numbers masked
/// without the personal-data permission. Also the schedule lines of each instrument.
/// An entry's id (the party's for officers and attributes), its cells, and the finding it
/// is flagged with (a prohibited funding channel), if any.
pub(crate) type Row = (i64, Vec<String>, Option<String>);

pub(crate) async fn book_rows(store: &Store, ctx: &Ctx) -> Result<(Vec<Vec<Row>>, Vec<Vec<String>>), AppError> {
    let lang = ctx.lang;
    let personal = ctx.can(Permission::ViewPersonalData);
    let parties: BTreeMap<i64, (String, String)> = store
        .book_parties()
        .await?
        .into_iter()
        .map(|p| {
            let person = p.data.kind() == PartyKind::Individual && !personal;
            let id = p.data.identity.id_text().unwrap_or_default().to_string();
            let (id, name) = if person {
                (huajie_core::mask::mask_id_number(&id), huajie_core::mask::mask_person_name(&p.data.name))
            } else {
                (id, p.data.name)
            };
            (p.id, (id, name))
        })
        .collect();
    let who = |id: i64| parties.get(&id).cloned().unwrap_or_else(|| (format!("#{id}"), String::new()));
    let k = |code: &str| book_kind(code).expect("a kind");
    let mut out: Vec<Vec<Row>> = Vec::new();
    out.push(
        store
            .net_assets()
            .await?
            .into_iter()
            .map(|n| (n.id, vec![n.quarter_end.to_string(), wan(n.amount), n.source], None))
            .collect(),
    );
    out.push(
        store
            .investments()
            .await?
            .into_iter()
            .map(|i| {
                (
                    i.id,
                    vec![
                        i.booked_on.to_string(),
                        wan(i.amount),
                        code_label(k("investment"), "kind", &i.kind, lang),
                        i.description,
                    ],
                    None,
                )
            })
            .collect(),
    );
    let mut schedule = Vec::new();
    let mut rows = Vec::new();
    for f in store.funding_book().await? {
        let (id, name) = who(f.lender_id);
        let lines: Vec<String> = f.payments.iter().map(|(d, p, i)| format!("{d} {} {}", wan(*p), wan(*i))).collect();
        schedule.extend(f.payments.iter().map(|(d, p, i)| vec![f.label.clone(), d.to_string(), wan(*p), wan(*i)]));
        // A prohibited channel is recorded as it is and flagged (rules.md Part G: a finding on
        // an instrument already in the book; it counts in leverage and is an open item).
        let flag = huajie_rules::indicators::Channel::from_code(&f.channel)
            .filter(|c| c.prohibited())
            .map(|_| tr(lang, "book.prohibited_channel").to_string());
        rows.push((
            f.id,
            vec![
                f.label.clone(),
                code_label(k("funding"), "channel", &f.channel, lang),
                id,
                name,
                wan(f.principal),
                f.start_date.to_string(),
                f.maturity_date.to_string(),
                f.line_limit.map(wan).unwrap_or_default(),
                lines.join("\n"),
            ],
            flag,
        ));
    }
    out.push(rows);
    out.push(
        store
            .cash_calendar()
            .await?
            .into_iter()
            .map(|c| (c.id, vec![c.label, c.due_date.to_string(), wan(c.amount), yes(c.inflow, lang)], None))
            .collect(),
    );
    out.push(
        store
            .liquid_assets()
            .await?
            .into_iter()
            .map(|a| {
                (
                    a.id,
                    vec![
                        a.label,
                        code_label(k("liquid_asset"), "kind", &a.kind, lang),
                        wan(a.amount),
                        yes(a.encumbered, lang),
                    ],
                    None,
                )
            })
            .collect(),
    );
    out.push(
        store
            .exposures()
            .await?
            .into_iter()
            .map(|e| {
                let (id, name) = who(e.party_id);
                (
                    e.id,
                    vec![id, name, code_label(k("exposure"), "kind", &e.kind, lang), wan(e.book_value), e.description],
                    None,
                )
            })
            .collect(),
    );
    out.push(
        store
            .party_links()
            .await?
            .into_iter()
            .map(|l| {
                let ((a, an), (b, bn)) = (who(l.holder_id), who(l.held_id));
                (l.id, vec![a, an, b, bn, format!("{}%", l.stake_bps as f64 / 100.0), yes(l.control, lang)], None)
            })
            .collect(),
    );
    out.push(
        store
            .officers()
            .await?
            .into_iter()
            .map(|o| {
                let (id, name) = who(o.party_id);
                (o.party_id, vec![id, name, o.role], None)
            })
            .collect(),
    );
    out.push(
        store
            .staff()
            .await?
            .into_iter()
            .map(|m| {
                let (id, name) = who(m.party_id);
                (m.party_id, vec![id, name, m.department], None)
            })
            .collect(),
    );
    out.push(
        store
            .relatives()
            .await?
            .into_iter()
            .map(|r| {
                let ((a, _), (b, bn)) = (who(r.a_id), who(r.b_id));
                (r.id, vec![a, b, bn], None)
            })
            .collect(),
    );
    out.push(
        store
            .staff_entities()
            .await?
            .into_iter()
            .map(|e| {
                let ((a, _), (b, bn)) = (who(e.person_id), who(e.entity_id));
                (e.id, vec![a, b, bn, code_label(k("staff_entity"), "capacity", &e.capacity, lang)], None)
            })
            .collect(),
    );
    out.push(
        store
            .party_attributes()
            .await?
            .into_iter()
            .map(|a| {
                let (id, name) = who(a.party_id);
                (
                    a.party_id,
                    vec![id, name, yes(a.state_organ, lang), yes(a.lgfv, lang), yes(a.licensed_fi, lang)],
                    None,
                )
            })
            .collect(),
    );
    Ok((out, schedule))
}

fn allowed(ctx: &Ctx) -> Result<(), AppError> {
    ctx.require(Permission::ViewComplianceBook).map(drop)
}

/// The book's page; with an entry's form sent back, that form as typed with each field's
/// message; with a workbook refused, `error` and its `problems`.
async fn book_page(
    ctx: &Ctx,
    state: &AppState,
    pages: &BookPages,
    mut sent_back: Option<FormView>,
    error: Option<String>,
    problems: Vec<String>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (rows, _) = book_rows(&state.store, ctx).await?;
    let sections: Vec<Section> = BOOK_KINDS
        .iter()
        .zip(rows)
        .map(|(k, rows)| {
            let form = FormView::new(format!("add-{}", k.code), lang).unless(&mut sent_back);
            let (n, total) = (pages.of(k.code), rows.len());
            let href = |p: i64| format!("/compliance/book?{}_page={p}#book-{}", k.code, k.code);
            let pager = super::Pager::new(lang, n, BOOK_ROWS_PER_PAGE, total as i64, href);
            let skip = usize::try_from((n - 1) * BOOK_ROWS_PER_PAGE).unwrap_or(usize::MAX);
            Section {
                code: k.code,
                title: lang.pick(k.zh, k.en),
                fields: k.fields.iter().map(|f| FieldView::of(f, lang)).collect(),
                can_edit: ctx.can(k.permission),
                flagged: rows.iter().any(|r| r.2.is_some()),
                rows: rows.into_iter().skip(skip).take(BOOK_ROWS_PER_PAGE as usize).collect(),
                total,
                pager,
                form,
            }
        })
        .collect();
    let mut page = Page::new(ctx, state).await?;
    let refused = page.sent_back(sections.iter().map(|s| &s.form)) || error.is_some();
    render_form(
        &BookPage {
            title: page.t("book.title"),
            sections,
            can_edit: ctx.can(Permission::EditComplianceBook),
            error,
            problems,
            page,
        },
        refused,
    )
}

/// `GET /compliance/book`.
pub async fn show(
    ctx: Ctx,
    State(state): State<AppState>,
    Query(pages): Query<BookPages>,
) -> Result<Response, AppError> {
    allowed(&ctx)?;
    book_page(&ctx, &state, &pages, None, None, Vec::new()).await
}

/// A book entry's fields as typed, on the page or in the API (strings, numbers or yes/no),
/// by the keys `BOOK_KINDS` gives each kind's fields; read only through `entry`.
#[derive(serde::Deserialize, serde::Serialize, Default)]
#[serde(transparent)]
pub struct EntryFields(BTreeMap<String, Loose>);

impl EntryFields {
    /// The entry of `kind`, or every field that cannot be read, named (`read_entry`).
    /// An amount typed without a unit takes the one chosen beside it (`{key}_unit`: 万, 元 or
    /// 亿, read by the shared parser as a suffix); one typed with its unit keeps it.
    pub fn entry(&self, kind: &BookKind, today: chrono::NaiveDate) -> Result<BookEntry, FieldErrors> {
        let get = |key: &str| {
            let typed = self.0.get(key).map(|v| v.as_str().to_string())?;
            let amount = kind.fields.iter().any(|f| f.key == key && f.kind == FieldKind::Amount);
            let unit = self.0.get(&format!("{key}_unit")).map(|u| u.as_str().trim().to_string());
            let unit = unit.filter(|u| UNITS.iter().any(|x| x.0 == u));
            let said = typed.trim_end().ends_with(['元', '万', '亿']);
            Some(match unit {
                Some(u) if amount && !said && !typed.trim().is_empty() => format!("{}{u}", typed.trim()),
                _ => typed,
            })
        };
        read_entry(kind, &get, today).map_err(FieldErrors::from)
    }
}

/// `POST /compliance/book/{kind}`: one entry from its form; every wrong field is named beside
/// it, a refusal above the form, which keeps what was typed; nothing is saved.
pub async fn add(
    Path(code): Path<String>,
    Authorized(ctx, _, _): Authorized<perm::EditComplianceBook>,
    State(state): State<AppState>,
    Submitted(fields): Submitted<EntryFields>,
) -> Result<Response, AppError> {
    let kind = book_kind(&code).ok_or(AppError::NotFound)?;
    let user = ctx.require(kind.permission)?;
    let added = async {
        let entry = fields.entry(kind, state.store.clock().today()).map_err(AppError::Invalid)?;
        state.store.add_book_entry(&user.username, &entry).await?;
        Ok(Redirect::to(&format!("/compliance/book#book-{code}")).into_response())
    }
    .await;
    let page = |form| book_page(&ctx, &state, &FIRST_PAGES, Some(form), None, Vec::new());
    super::or_refused(added, ctx.lang, (format!("add-{}", kind.code), &fields), page).await
}

/// One problem of a workbook as a line: sheet, row, field, what.
fn problem_line(p: &BookProblem, lang: Lang) -> String {
    let mut at = p.sheet.clone();
    if p.row > 0 {
        at.push_str(&tr(lang, "book.row").replace("{n}", &p.row.to_string()));
    }
    // The message names the field itself.
    format!("{at}：{}", p.message.get(lang))
}

/// `POST /compliance/book/import`: a workbook of the book, every row or none.
pub async fn import(
    Authorized(ctx, user, _): Authorized<perm::EditComplianceBook>,
    State(state): State<AppState>,
    Upload { file, .. }: Upload<Confirmed>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let sheets = match huajie_tape::read_workbook(file.bytes.to_vec()) {
        Ok(s) => s,
        Err(e) => {
            return book_page(
                &ctx,
                &state,
                &FIRST_PAGES,
                None,
                Some(tr(lang, "book.import_refused").into()),
                vec![e.message(lang)],
            )
            .await;
        }
    };
    let entries = match read_book_workbook(sheets, state.store.clock().today()) {
        Ok(e) => e,
        Err(problems) => {
            return book_page(
                &ctx,
                &state,
                &FIRST_PAGES,
                None,
                Some(tr(lang, "book.import_refused").into()),
                problems.iter().take(50).map(|p| problem_line(p, lang)).collect(),
            )
            .await;
        }
    };
    // A sheet of the party graph is the risk role's alone: named, and nothing is kept.
    let mut not_theirs: Vec<String> = entries
        .iter()
        .filter_map(|e| {
            let kind = BOOK_KINDS.iter().find(|k| k.zh == e.sheet || k.en.eq_ignore_ascii_case(&e.sheet))?;
            (!ctx.can(kind.permission)).then(|| format!("{}：{}", e.sheet, tr(lang, "book.graph_is_risks")))
        })
        .collect();
    not_theirs.dedup();
    if !not_theirs.is_empty() {
        return book_page(&ctx, &state, &FIRST_PAGES, None, Some(tr(lang, "book.import_refused").into()), not_theirs)
            .await;
    }
    match state.store.import_book(&user.username, &entries).await? {
        BookImport::Recorded(_) => Ok(Redirect::to("/compliance/book").into_response()),
        BookImport::Refused(problems) => {
            book_page(
                &ctx,
                &state,
                &FIRST_PAGES,
                None,
                Some(tr(lang, "book.import_refused").into()),
                problems.iter().map(|p| problem_line(p, lang)).collect(),
            )
            .await
        }
    }
}

/// `POST /compliance/book/{kind}/{id}/delete`: removes one entry (audited).
pub async fn remove(
    Path((kind, id)): Path<(String, i64)>,
    Authorized(ctx, _, _): Authorized<perm::EditComplianceBook>,
    State(state): State<AppState>,
    Submitted(Confirmed {}): Submitted<Confirmed>,
) -> Result<Response, AppError> {
    let user = ctx.require(book_kind(&kind).ok_or(AppError::NotFound)?.permission)?;
    state.store.remove_book_entry(&user.username, &kind, id).await?;
    Ok(Redirect::to(&format!("/compliance/book#book-{kind}")).into_response())
}

/// A cell of the exported book as its field reads it back: amounts (万元, kept to the fen)
/// as numbers, dates as dates, the rest as text.
fn typed(kind: FieldKind, v: String) -> Cell {
    match kind {
        FieldKind::Amount => v.parse::<f64>().map_or(Cell::Text(v), Cell::Wan),
        FieldKind::Date => Cell::Date(v),
        _ => Cell::Text(v),
    }
}

/// `GET /compliance/book.xlsx`: the book in the workbook format its import reads.
pub async fn export(ctx: Ctx, State(state): State<AppState>) -> Result<Response, AppError> {
    allowed(&ctx)?;
    let (rows, schedule) = book_rows(&state.store, &ctx).await?;
    let mut tables: Vec<Table> = BOOK_KINDS
        .iter()
        .zip(rows)
        .map(|(k, rows)| Table {
            sheet: k.zh.to_string(),
            title: Vec::new(),
            header: k.fields.iter().filter(|f| f.kind != FieldKind::Schedule).map(|f| f.zh.to_string()).collect(),
            rows: rows
                .into_iter()
                .map(|(_, r, _)| {
                    k.fields
                        .iter()
                        .zip(r)
                        .filter(|(f, _)| f.kind != FieldKind::Schedule)
                        .map(|(f, v)| typed(f.kind, v))
                        .collect()
                })
                .collect(),
        })
        .collect();
    tables.push(Table {
        sheet: SCHEDULE_SHEET.0.into(),
        title: Vec::new(),
        header: SCHEDULE_HEADERS.iter().map(|h| h.0.to_string()).collect(),
        rows: schedule
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .zip([FieldKind::Text, FieldKind::Date, FieldKind::Amount, FieldKind::Amount])
                    .map(|(v, kind)| typed(kind, v))
                    .collect()
            })
            .collect(),
    });
    // Signed by who exports it (a sheet of its own, which the import passes over).
    let today = state.store.clock().today();
    let signoff =
        super::signoffs::export(&ctx, &state, format!("{} {today}", ctx.lang.pick("合规台账", "Compliance book")));
    let bytes = signed_tables_xlsx(&tables, ctx.lang.pick("合规台账", "Compliance book"), &signoff, ctx.lang)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(bytes, XLSX, format!("compliance-book-{today}.xlsx")))
}
