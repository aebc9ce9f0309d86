//! Reports fit to sign (issue 16, point 4): every PDF and workbook the platform produces says
//! what it is (the run, check or period), when it was prepared (北京时间), its status — draft,
//! reviewed, approved — and who prepared, reviewed and approved it, with a line to sign where
//! a signature is still to come. One type, [`Signoff`], filled by the caller and rendered here
//! alike for a PDF ([`pdf_head`], [`pdf_block`]) and a workbook ([`sign_workbook`]).

use chrono::{DateTime, Utc};
use huajie_core::Lang;
use huajie_core::clock::beijing_time;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::pdf::{Column, Layout, TableStyle};

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Reviewed,
    Approved,
}

impl Status {
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Status::Draft => lang.pick("草稿", "Draft"),
            Status::Reviewed => lang.pick("已复核", "Reviewed"),
            Status::Approved => lang.pick("已批准", "Approved"),
        }
    }
}

/// A person's (or a body's) signature: who, and when (UTC, shown in 北京时间); a person named
/// who has not signed yet has no time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub at: Option<DateTime<Utc>>,
}

impl Signature {
    pub fn new(name: impl Into<String>, at: DateTime<Utc>) -> Signature {
        Signature { name: name.into(), at: Some(at) }
    }

    /// Named, not yet signed.
    pub fn named(name: impl Into<String>) -> Signature {
        Signature { name: name.into(), at: None }
    }

    fn signed(s: &Option<Signature>) -> bool {
        s.as_ref().is_some_and(|s| s.at.is_some())
    }
}

/// The sign-off of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signoff {
    /// What the report is of: "估值记录 #12", "季末 2026-09-30", "交易前检查 #3".
    pub reference: String,
    /// When this file was produced (UTC).
    pub generated_at: DateTime<Utc>,
    /// 编制人: who made what the report shows (the run, the record), and when.
    pub prepared: Option<Signature>,
    /// 复核人: a second person who checked it.
    pub reviewed: Option<Signature>,
    /// 批准人: who approved it (a person, or the committee's decision).
    pub approved: Option<Signature>,
    /// Further lines after the three, in order, each with its label in both languages: the
    /// regulator's submission and acknowledgement of a quarterly report go here.
    pub further: Vec<((String, String), Option<Signature>)>,
}

impl Signoff {
    /// A report of `reference` produced at `generated_at`, nothing signed yet.
    pub fn new(reference: impl Into<String>, generated_at: DateTime<Utc>) -> Signoff {
        Signoff {
            reference: reference.into(),
            generated_at,
            prepared: None,
            reviewed: None,
            approved: None,
            further: Vec::new(),
        }
    }

    pub fn prepared_by(mut self, s: Signature) -> Signoff {
        self.prepared = Some(s);
        self
    }

    pub fn reviewed_by(mut self, s: Option<Signature>) -> Signoff {
        self.reviewed = s;
        self
    }

    pub fn approved_by(mut self, s: Option<Signature>) -> Signoff {
        self.approved = s;
        self
    }

    /// Approved once approved, reviewed once reviewed, a draft until then.
    pub fn status(&self) -> Status {
        if Signature::signed(&self.approved) {
            Status::Approved
        } else if Signature::signed(&self.reviewed) {
            Status::Reviewed
        } else {
            Status::Draft
        }
    }

    /// The facts at the head of a report: (label, value).
    pub fn head(&self, lang: Lang) -> Vec<(&'static str, String)> {
        vec![
            (lang.pick("编号", "Reference"), self.reference.clone()),
            (lang.pick("状态", "Status"), self.status().name(lang).to_string()),
            (lang.pick("生成时间", "Generated"), beijing_time(self.generated_at, lang, false)),
        ]
    }

    /// Each signature line: its role in `lang`, and the signature if any.
    pub fn entries(&self, lang: Lang) -> Vec<(String, Option<&Signature>)> {
        let mut out = vec![
            (lang.pick("编制人", "Prepared by").to_string(), self.prepared.as_ref()),
            (lang.pick("复核人", "Reviewed by").to_string(), self.reviewed.as_ref()),
            (lang.pick("批准人", "Approved by").to_string(), self.approved.as_ref()),
        ];
        for ((zh, en), s) in &self.further {
            out.push((if lang == Lang::Zh { zh.clone() } else { en.clone() }, s.as_ref()));
        }
        out
    }

    /// The signature lines: (role, name, time), blank lines to sign where not yet signed.
    pub fn lines(&self, lang: Lang) -> Vec<[String; 3]> {
        let time = |s: &Signature| s.at.map_or_else(|| BLANK.to_string(), |at| beijing_time(at, lang, false));
        self.entries(lang)
            .into_iter()
            .map(|(role, s)| match s {
                Some(s) => [role, s.name.clone(), time(s)],
                None => [role, BLANK.to_string(), BLANK.to_string()],
            })
            .collect()
    }
}

/// A line to sign on.
pub const BLANK: &str = "________________";

/// "第 N 页 / 共 M 页" (Page N of M).
pub fn page_number(n: usize, of: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("第 {n} 页 / 共 {of} 页"),
        Lang::En => format!("Page {n} of {of}"),
    }
}

/// The head of a PDF report: reference, status and the time it was generated, under its
/// title; the pages are numbered in `lang` from here on.
pub fn pdf_head(p: &mut Layout, s: &Signoff, lang: Lang) {
    p.y += 4.0;
    p.set_lang(lang);
    let text = s.head(lang).iter().map(|(k, v)| format!("{k}：{v}")).collect::<Vec<_>>().join("　");
    let text = if lang == Lang::En { text.replace('：', ": ").replace('　', " · ") } else { text };
    p.paragraph(9.0, &text);
    p.y += 2.0;
}

/// The signature block at the end of a PDF report: the status, then 编制人 / 复核人 / 批准人
/// (and any further line) with name, time and a line to sign.
pub fn pdf_block(p: &mut Layout, s: &Signoff, lang: Lang) {
    p.heading(lang.pick("签署", "Sign-off"));
    p.paragraph(9.0, &format!("{}{} · {}", lang.pick("状态：", "Status: "), s.status().name(lang), s.reference));
    let rows: Vec<Vec<String>> =
        s.lines(lang).into_iter().map(|[role, name, at]| vec![role, name, at, BLANK.to_string()]).collect();
    p.table_styled(
        TableStyle { size: 9.5, full_width: true },
        &[
            Column::left(lang.pick("角色", "Role")),
            Column::left(lang.pick("姓名", "Name")).grow(),
            Column::left(lang.pick("时间（北京时间）", "Time (Beijing time)")),
            Column::left(lang.pick("签字", "Signature")),
        ],
        &rows,
    );
}

/// A PDF report's pages with the signature block added at the end.
pub fn pdf_ended<'f>(mut p: Layout<'f>, s: &Signoff, lang: Lang) -> Layout<'f> {
    pdf_block(&mut p, s, lang);
    p
}

/// A workbook signed (`sign_workbook`) and saved to bytes.
pub fn signed_book(mut book: Workbook, title: &str, s: &Signoff, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    sign_workbook(&mut book, title, s, lang)?;
    book.save_to_buffer()
}

/// An Excel header or footer text: `&` doubled so that it is not read as a code.
fn escaped(text: &str) -> String {
    text.replace('&', "&&")
}

/// Signs a workbook: every sheet prints with a header naming the reference and the status
/// and a footer "第 &P 页 / 共 &N 页", and a last sheet holds the title block (reference,
/// status, time generated) and the signature lines.
pub fn sign_workbook(book: &mut Workbook, title: &str, s: &Signoff, lang: Lang) -> Result<(), XlsxError> {
    let header = format!("&L{}&R{} · {}", escaped(title), escaped(&s.reference), s.status().name(lang));
    let footer = match lang {
        Lang::Zh => "&L北京时间&C第 &P 页 / 共 &N 页".to_string(),
        Lang::En => "&LBeijing time&CPage &P of &N".to_string(),
    };
    for ws in book.worksheets_mut() {
        ws.set_header(&header);
        ws.set_footer(&footer);
    }
    let bold = Format::new().set_bold();
    let time = Format::new().set_num_format(time_format(lang));
    let ws = book.add_worksheet();
    ws.set_name(lang.pick("签署", "Sign-off"))?;
    ws.set_header(&header);
    ws.set_footer(&footer);
    for (c, width) in [28.0, 28.0, 26.0, 20.0].into_iter().enumerate() {
        ws.set_column_width(c as u16, width)?;
    }
    ws.write_string_with_format(0, 0, title, &bold)?;
    let head = [
        (lang.pick("编号", "Reference"), Some(s.reference.clone()), None),
        (lang.pick("状态", "Status"), Some(s.status().name(lang).to_string()), None),
        (lang.pick("生成时间", "Generated"), None, Some(s.generated_at)),
    ];
    for (r, (k, text, at)) in head.into_iter().enumerate() {
        let r = 2 + r as u32;
        ws.write_string_with_format(r, 0, k, &bold)?;
        match (text, at) {
            (Some(text), _) => ws.write_string(r, 1, text)?,
            (None, Some(at)) => ws.write_datetime_with_format(r, 1, &excel_time(at)?, &time)?,
            (None, None) => ws.write_string(r, 1, BLANK)?,
        };
    }
    let mut r = 6;
    let columns = [
        lang.pick("角色", "Role"),
        lang.pick("姓名", "Name"),
        lang.pick("时间（北京时间）", "Time (Beijing time)"),
        lang.pick("签字", "Signature"),
    ];
    for (c, h) in columns.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &bold)?;
    }
    for (role, sig) in s.entries(lang) {
        r += 1;
        ws.write_string(r, 0, role)?;
        ws.write_string(r, 1, sig.map_or(BLANK, |s| s.name.as_str()))?;
        match sig.and_then(|s| s.at) {
            Some(at) => ws.write_datetime_with_format(r, 2, &excel_time(at)?, &time)?,
            None => ws.write_string(r, 2, BLANK)?,
        };
        ws.write_string(r, 3, BLANK)?;
    }
    Ok(())
}

/// The number format of a time in a workbook: Beijing time to the minute, the zone named.
pub fn time_format(lang: Lang) -> &'static str {
    lang.pick("yyyy-mm-dd hh:mm \"北京时间\"", "yyyy-mm-dd hh:mm \"Beijing time\"")
}

/// A moment as Excel's date and time in Beijing (Excel has no zones: the format names it).
fn excel_time(at: DateTime<Utc>) -> Result<ExcelDateTime, XlsxError> {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    ExcelDateTime::parse_from_str(&at.with_timezone(&cst).format("%Y-%m-%d %H:%M:%S").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_status_follows_the_signatures_and_unsigned_lines_are_left_to_sign() {
        let s = Signoff::new("估值记录 #7", at("2026-12-07T02:30:00Z"))
            .prepared_by(Signature::new("张估", at("2026-12-06T16:05:00Z")));
        assert_eq!(s.status(), Status::Draft);
        let lines = s.lines(Lang::Zh);
        assert_eq!(lines[0], ["编制人".to_string(), "张估".into(), "2026-12-07 00:05 北京时间".into()]);
        assert_eq!(lines[1][1], BLANK, "no reviewer yet: a line to sign");
        let s = s.reviewed_by(Some(Signature::new("李审", at("2026-12-07T01:00:00Z"))));
        assert_eq!(s.status(), Status::Reviewed);
        assert_eq!(s.status().name(Lang::Zh), "已复核");
        let s = s.approved_by(Some(Signature::new("决策委员会", at("2026-12-08T01:00:00Z"))));
        assert_eq!(s.status().name(Lang::En), "Approved");
        let named = Signoff::new("会议 #1", at("2026-12-07T02:30:00Z")).approved_by(Some(Signature::named("主任")));
        assert_eq!(named.status(), Status::Draft, "named is not signed");
        assert_eq!(named.lines(Lang::Zh)[2][1..], ["主任".to_string(), BLANK.into()]);
        assert_eq!(page_number(2, 5, Lang::Zh), "第 2 页 / 共 5 页");
    }
}
