//! The draft of a claim transfer agreement (债权转让协议（草稿）) for a lot sold on the
//! portal (issue 14): the company as transferor, the buyer as transferee (named in full: a
//! staff document), the claims sold with their principal and interest at the announcement's
//! base date, the price in figures and in capitals (大写), the deposit applied and the balance
//! due, and the payment and handover terms as draft clauses with blanks for legal to settle.
//! A contract in Chinese: the binding language of the parties; the caller gives the dates
//! already written in Beijing time.

use huajie_core::Money;

use crate::pdf::{Column, Fonts, Layout, PdfError, TableStyle};

/// A party to the agreement.
#[derive(Debug, Clone)]
pub struct AgreementParty {
    pub name: String,
    /// "统一社会信用代码" or "身份证号码", and the number.
    pub id_label: String,
    pub identifier: String,
    /// A company's legal representative (blank when not known).
    pub representative: String,
    /// Address or contact, as known (blank otherwise).
    pub contact: String,
}

/// A claim (or a collateral item) the agreement transfers.
#[derive(Debug, Clone)]
pub struct AgreementAsset {
    /// The contract number or the item's description.
    pub name: String,
    /// The debtor (blank for an item).
    pub debtor: String,
    pub principal: Money,
    pub interest: Money,
}

/// What the draft says.
#[derive(Debug, Clone)]
pub struct Agreement {
    pub sale_id: i64,
    pub lot_id: i64,
    pub lot_title: String,
    /// The announcement it was sold under: its number and version, and when it was published.
    pub announcement: String,
    /// The method, as the announcement named it (网络拍卖, 招标…).
    pub method: String,
    pub transferor: AgreementParty,
    pub transferee: AgreementParty,
    pub assets: Vec<AgreementAsset>,
    /// The date the balances are stated at.
    pub base_date: String,
    pub price: Money,
    pub deposit_applied: Money,
    pub balance_due: Money,
    /// When the lot closed, and when this draft was made.
    pub closed_at: String,
    pub drafted_at: String,
    /// The draft's own sign-off (who drafted it; 法务 to review): apart from the parties' seals.
    pub signoff: crate::signoff::Signoff,
}

/// `1,435,000.00 元（大写：人民币壹佰肆拾叁万伍仟元整）`.
fn amount(m: Money) -> String {
    format!("人民币 {} 元（大写：人民币{}）", m.yuan_string(), m.in_capitals())
}

/// The draft's PDF.
pub fn agreement_pdf(a: &Agreement) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::find()?;
    agreement_layout(&fonts, a).finish()
}

/// The draft's pages, laid out and not yet drawn.
pub fn agreement_layout<'f>(fonts: &'f Fonts, a: &Agreement) -> Layout<'f> {
    let footer = format!("{} · 债权转让协议（草稿） · 成交 #{}", a.transferor.name, a.sale_id);
    let mut p = Layout::new(fonts, footer);
    p.block(18.0, true, "债权转让协议（草稿）");
    crate::signoff::pdf_head(&mut p, &a.signoff, huajie_core::Lang::Zh);
    p.paragraph(
        9.5,
        "本草稿由系统依据成交结果生成，仅供起草之用：须经法务审核、双方协商确认并签字盖章后方生效。\
         以“＿＿”标出的空白及标明“草拟”的条款待双方商定。",
    );
    p.paragraph(9.5, &format!("协议编号：HJ-SALE-{}　　草稿生成时间：{}", a.sale_id, a.drafted_at));
    parties(&mut p, a);
    p.heading("鉴于");
    p.paragraph(
        10.0,
        &format!(
            "甲方依据{}，以{}方式公开处置下列债权（标的 #{} {}）。乙方经资格审核、缴纳竞买保证金后参与竞价，\
             于 {} 以最高有效报价竞得。双方就债权转让事宜，订立本协议。",
            a.announcement, a.method, a.lot_id, a.lot_title, a.closed_at
        ),
    );
    assets(&mut p, a);
    clauses(&mut p, a);
    signatures(&mut p, a);
    crate::signoff::pdf_ended(p, &a.signoff, huajie_core::Lang::Zh)
}

fn parties(p: &mut Layout, a: &Agreement) {
    p.heading("协议双方");
    let mut rows = Vec::new();
    for (role, party) in [("甲方（转让方）", &a.transferor), ("乙方（受让方）", &a.transferee)] {
        rows.push(vec![role.to_string(), party.name.clone()]);
        rows.push(vec![party.id_label.clone(), party.identifier.clone()]);
        let rep =
            if party.representative.is_empty() { "＿＿＿＿".to_string() } else { party.representative.clone() };
        rows.push(vec!["法定代表人／授权代表".to_string(), rep]);
        let contact = if party.contact.is_empty() { "＿＿＿＿".to_string() } else { party.contact.clone() };
        rows.push(vec!["住所／联系方式".to_string(), contact]);
    }
    p.table_styled(
        TableStyle { size: 10.0, full_width: true },
        &[Column::left("").bold(), Column::left("").grow()],
        &rows,
    );
}

fn assets(p: &mut Layout, a: &Agreement) {
    p.heading("第一条　转让标的");
    p.paragraph(10.0, &format!("甲方向乙方转让下列债权及其从权利，本金、利息以基准日 {} 为准：", a.base_date));
    let mut rows: Vec<Vec<String>> = a
        .assets
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let total = Money::from_fen(x.principal.fen().saturating_add(x.interest.fen()));
            vec![
                (i + 1).to_string(),
                x.name.clone(),
                x.debtor.clone(),
                x.principal.yuan_string(),
                x.interest.yuan_string(),
                total.yuan_string(),
            ]
        })
        .collect();
    let sum = |f: fn(&AgreementAsset) -> i64| Money::from_fen(a.assets.iter().map(f).fold(0, i64::saturating_add));
    let (principal, interest) = (sum(|x| x.principal.fen()), sum(|x| x.interest.fen()));
    rows.push(vec![
        "合计".into(),
        String::new(),
        String::new(),
        principal.yuan_string(),
        interest.yuan_string(),
        Money::from_fen(principal.fen().saturating_add(interest.fen())).yuan_string(),
    ]);
    p.table(
        &[
            Column::left("序号"),
            Column::left("债权（合同编号）").grow(),
            Column::left("债务人"),
            Column::right("本金（元）"),
            Column::right("利息（元）"),
            Column::right("合计（元）"),
        ],
        &rows,
    );
}

fn clauses(p: &mut Layout, a: &Agreement) {
    p.heading("第二条　转让价款");
    p.paragraph(10.0, &format!("本协议项下债权的转让价款为{}。", amount(a.price)));
    p.heading("第三条　保证金抵作价款及余款");
    p.paragraph(
        10.0,
        &format!("乙方已缴纳的竞买保证金{}，自本协议签署之日起抵作转让价款。", amount(a.deposit_applied)),
    );
    p.paragraph(10.0, &format!("乙方尚应支付的余款为{}。", amount(a.balance_due)));
    p.heading("第四条　付款（草拟）");
    p.paragraph(
        10.0,
        "乙方应于本协议签署之日起＿＿个工作日内，将余款一次性支付至甲方指定账户（户名：＿＿＿＿；开户行：＿＿＿＿；\
         账号：＿＿＿＿）。乙方逾期付款的，每逾期一日按未付金额的＿＿‰向甲方支付违约金；逾期超过＿＿日的，\
         甲方有权解除本协议，已缴纳的保证金不予退还。",
    );
    p.heading("第五条　交割（草拟）");
    p.paragraph(
        10.0,
        "甲方在收到全部转让价款后＿＿个工作日内，向乙方移交债权相关的合同、借据、担保文件及诉讼、执行材料原件或复印件\
         （移交清单另附）。自甲方收到全部价款之日（交割日）起，标的债权及其从权利转移至乙方；甲方应于交割日后＿＿日内\
         以＿＿方式通知债务人及担保人。",
    );
    p.heading("第六条　现状转让（草拟）");
    p.paragraph(
        10.0,
        "乙方确认已阅读处置公告，已自行了解标的债权的现状及其瑕疵、风险，按现状受让。甲方不保证债权的可回收金额，\
         但保证其合法持有标的债权，且未将其转让、质押给任何第三方。",
    );
    p.heading("第七条　其他（草拟）");
    p.paragraph(
        10.0,
        "因本协议发生的争议，双方协商解决；协商不成的，提交＿＿＿＿人民法院诉讼解决。本协议一式＿＿份，双方各执＿＿份，\
         自双方签字盖章之日起生效。",
    );
}

fn signatures(p: &mut Layout, a: &Agreement) {
    p.heading("签署");
    let line = "＿＿＿＿＿＿＿＿＿＿";
    let rows = vec![
        vec![
            format!("甲方（盖章）：{}", a.transferor.name),
            format!("法定代表人或授权代表：{line}"),
            "日期：".to_string(),
        ],
        vec![
            format!("乙方（签章）：{}", a.transferee.name),
            format!("法定代表人或授权代表：{line}"),
            "日期：".to_string(),
        ],
    ];
    p.table_styled(
        TableStyle { size: 10.0, full_width: true },
        &[Column::left("").grow(), Column::left(""), Column::left("")],
        &rows,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Agreement {
        let party = |name: &str, label: &str, id: &str| AgreementParty {
            name: name.into(),
            id_label: label.into(),
            identifier: id.into(),
            representative: String::new(),
            contact: String::new(),
        };
        Agreement {
            sale_id: 3,
            lot_id: 5,
            lot_title: "杭州某贸易公司债权".into(),
            announcement: "处置公告 #9 第 1 版（2026-11-20 10:00 北京时间发布）".into(),
            method: "网络拍卖".into(),
            transferor: party("浙江化解资产管理有限公司", "统一社会信用代码", "91330000MA2XXXXX0X"),
            transferee: party("钱潮投资有限公司", "统一社会信用代码", "91330106MA2YYYYY1Y"),
            assets: vec![AgreementAsset {
                name: "债权 HZ-2021-001".into(),
                debtor: "杭州某贸易有限公司".into(),
                principal: Money::from_yuan(1_000_000).unwrap(),
                interest: Money::from_yuan(85_000).unwrap(),
            }],
            base_date: "2026-06-30".into(),
            price: Money::from_yuan(1_435_000).unwrap(),
            deposit_applied: Money::from_yuan(20_000).unwrap(),
            balance_due: Money::from_yuan(1_415_000).unwrap(),
            closed_at: "2026-12-21 16:00 北京时间".into(),
            drafted_at: "2026-12-21 16:05 北京时间".into(),
            signoff: crate::signoff::Signoff::new("成交 #3", chrono::DateTime::UNIX_EPOCH),
        }
    }

    #[test]
    fn the_draft_lays_out_without_faults_and_states_the_price_in_capitals() {
        let fonts = Fonts::find().expect("a CJK font (fonts-noto-cjk)");
        let layout = agreement_layout(&fonts, &sample());
        assert!(layout.faults().is_empty(), "{:?}", layout.faults());
        let text: String = layout.text_boxes().iter().map(|b| b.text.clone()).collect::<Vec<_>>().join("\n");
        assert!(text.contains("壹佰肆拾叁万伍仟元整"), "{text}");
        assert!(text.contains("壹佰肆拾壹万伍仟元整"), "the balance in capitals: {text}");
        assert!(text.contains("钱潮投资有限公司"));
        assert!(layout.finish().unwrap().starts_with(b"%PDF"));
    }
}
