//! The minutes of a decision-committee meeting as a PDF (rules.md A11 IC5: the named votes are
//! kept): the company, the meeting, who was present, each item with its price or reserve, its
//! tier, who was recused and why, each member's vote (with the reason for a vote against), the
//! tally and the outcome, the minutes, and the sign-off (prepared by the secretary, approved by the chair).
//! The caller gives everything already in the reader's language; this lays it out.

use huajie_core::Lang;

use crate::pdf::{Column, Fonts, Layout, PdfError, TableStyle};

/// A member's named vote: who, the ballot, the reason (a vote against), when.
#[derive(Debug, Clone)]
pub struct MinutesVote {
    pub who: String,
    pub ballot: String,
    pub reason: String,
    pub when: String,
}

/// An item as the minutes record it.
#[derive(Debug, Clone)]
pub struct MinutesItem {
    pub number: i64,
    pub title: String,
    pub kind: String,
    /// "收购价格" or "保留价", and the amount.
    pub price_label: String,
    pub price: String,
    pub tier: String,
    /// Each member present who worked on it, with how.
    pub recused: Vec<String>,
    pub votes: Vec<MinutesVote>,
    /// The tally in words ("" when the item was not decided by a vote).
    pub tally: String,
    pub status: String,
}

/// A closed meeting, as its minutes record it.
#[derive(Debug, Clone)]
pub struct Minutes {
    pub company: String,
    pub meeting_id: i64,
    pub title: String,
    pub when: String,
    pub place: String,
    pub opened: String,
    pub closed: String,
    /// Each member present: name and title.
    pub present: Vec<(String, String)>,
    pub items: Vec<MinutesItem>,
    pub minutes: String,
    pub chair: String,
    pub secretary: String,
    /// 编制人: the secretary; 批准人: the chair (to sign).
    pub signoff: crate::signoff::Signoff,
}

/// The minutes' PDF.
pub fn minutes_pdf(m: &Minutes, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::find()?;
    minutes_layout(&fonts, m, lang).finish()
}

/// The minutes' pages, laid out and not yet drawn.
pub fn minutes_layout<'f>(fonts: &'f Fonts, m: &Minutes, lang: Lang) -> Layout<'f> {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let footer = format!("{} · {} #{}", m.company, t("决策委员会会议纪要", "Committee minutes"), m.meeting_id);
    let mut p = Layout::new(fonts, footer);
    p.block(18.0, true, &format!("{} {}", m.company, t("决策委员会会议纪要", "Decision committee: minutes")));
    crate::signoff::pdf_head(&mut p, &m.signoff, lang);
    let facts = [
        (t("会议", "Meeting"), format!("#{} {}", m.meeting_id, m.title)),
        (t("时间", "Time"), m.when.clone()),
        (t("地点", "Place"), m.place.clone()),
        (t("开会", "Opened"), m.opened.clone()),
        (t("散会", "Closed"), m.closed.clone()),
    ];
    let rows: Vec<Vec<String>> = facts.iter().map(|(k, v)| vec![k.to_string(), v.clone()]).collect();
    p.table_styled(TableStyle { size: 9.5, full_width: false }, &[Column::left("").bold(), Column::left("")], &rows);
    p.heading(&format!("{}（{}）", t("出席委员", "Members present"), m.present.len()));
    let present: Vec<Vec<String>> = m.present.iter().map(|(n, title)| vec![n.clone(), title.clone()]).collect();
    p.table(&[Column::left(t("委员", "Member")), Column::left(t("职务", "Title")).grow()], &present);
    for item in &m.items {
        item_section(&mut p, item, lang);
    }
    p.heading(t("会议纪要", "Minutes"));
    for para in m.minutes.lines().filter(|l| !l.trim().is_empty()) {
        p.paragraph(10.0, para.trim());
    }
    crate::signoff::pdf_ended(p, &m.signoff, lang)
}

fn item_section(p: &mut Layout, item: &MinutesItem, lang: Lang) {
    let t = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    p.heading(&format!("{} #{} {}", t("议题", "Item"), item.number, item.title));
    let mut facts = vec![
        (t("类型", "Kind").to_string(), item.kind.clone()),
        (item.price_label.clone(), item.price.clone()),
        (t("审批层级", "Tier").to_string(), item.tier.clone()),
        (t("结果", "Outcome").to_string(), item.status.clone()),
    ];
    let recused = if item.recused.is_empty() { t("无", "none").to_string() } else { item.recused.join("；") };
    facts.push((t("回避委员", "Recused").to_string(), recused));
    let rows: Vec<Vec<String>> = facts.into_iter().map(|(k, v)| vec![k, v]).collect();
    p.table_styled(
        TableStyle { size: 9.5, full_width: true },
        &[Column::left("").bold(), Column::left("").grow()],
        &rows,
    );
    p.y += 4.0;
    if item.votes.is_empty() {
        p.paragraph(9.5, t("无人表决。", "No votes cast."));
    } else {
        let votes: Vec<Vec<String>> = item
            .votes
            .iter()
            .map(|v| vec![v.who.clone(), v.ballot.clone(), v.reason.clone(), v.when.clone()])
            .collect();
        p.table(
            &[
                Column::left(t("委员", "Member")),
                Column::left(t("表决", "Vote")).bold(),
                Column::left(t("理由", "Reason")).grow(),
                Column::left(t("时间", "Time")),
            ],
            &votes,
        );
    }
    if !item.tally.is_empty() {
        p.y += 4.0;
        p.paragraph(9.5, &format!("{}{}", t("表决结果：", "Tally: "), item.tally));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minutes_lay_out_every_vote_and_its_reason_on_numbered_pages() {
        let fonts = Fonts::find().expect("a CJK font (fonts-noto-cjk)");
        let vote = |who: &str, ballot: &str, reason: &str| MinutesVote {
            who: who.into(),
            ballot: ballot.into(),
            reason: reason.into(),
            when: "2026-10-10 09:30 北京时间".into(),
        };
        let item = |n| MinutesItem {
            number: n,
            title: format!("收购 ZJ-{n}"),
            kind: "收购决策".into(),
            price_label: "收购价格".into(),
            price: "500.00 万元".into(),
            tier: "常规审批".into(),
            recused: vec!["风控（risk）：合规检查".into()],
            votes: (0..5)
                .map(|i| {
                    vote(
                        &format!("委员{i}"),
                        if i == 0 { "反对" } else { "同意" },
                        if i == 0 { "价格偏高" } else { "" },
                    )
                })
                .collect(),
            tally: "同意 4 票，反对 1 票".into(),
            status: "通过".into(),
        };
        let m = Minutes {
            company: "浙江化解资产管理有限公司".into(),
            meeting_id: 7,
            title: "第 7 次会议".into(),
            when: "2026-10-10 09:00 北京时间".into(),
            place: "会议室".into(),
            opened: "2026-10-10 09:05 北京时间".into(),
            closed: "2026-10-10 11:00 北京时间".into(),
            present: (0..6).map(|i| (format!("委员{i}"), "委员".to_string())).collect(),
            items: (1..=12).map(item).collect(),
            minutes: "会议审议了十二项收购。\n一致同意。".into(),
            chair: "主任（committee）".into(),
            secretary: "秘书".into(),
            signoff: crate::signoff::Signoff::new("会议 #7", chrono::DateTime::UNIX_EPOCH)
                .prepared_by(crate::signoff::Signature::new("秘书", chrono::DateTime::UNIX_EPOCH))
                .approved_by(Some(crate::signoff::Signature::named("主任（committee）"))),
        };
        let layout = minutes_layout(&fonts, &m, Lang::Zh);
        assert!(layout.page_count() > 1, "twelve items fill more than a page");
        assert!(layout.faults().is_empty(), "{:?}", layout.faults());
        let text: String = layout.text_boxes().iter().map(|b| b.text.clone()).collect::<Vec<_>>().join("\n");
        for needle in
            ["价格偏高", "同意 4 票，反对 1 票", "风控（risk）：合规检查", "批准人", "主任（committee）", "一致同意。"]
        {
            assert!(text.contains(needle), "{needle} missing");
        }
    }
}
