//! The scenario book: hand-computed cases, each asserting the figure and the finding
//! (issue 5's acceptance; rules.md Part G readings). Amounts in yuan unless said.

use chrono::NaiveDate;
use huajie_core::Money;
use huajie_rules::graph::{GraphParty, Holding};
use huajie_rules::indicators::{
    CashFlow, Channel, Exposure, ExposureKind, Funding, Investment, InvestmentKind, LiquidAsset, LiquidKind, NoRatio,
    Payment, RulesError,
};
use huajie_rules::{Indicator, Ledger, RuleId, RuleParameters, Status, indicators};

const COMPANY: i64 = 1;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y).unwrap()
}

/// A company with net assets of 100,000,000 yuan at every quarter-end of 2025–2026.
fn company() -> Ledger {
    let mut l = Ledger { company: COMPANY, founded: Some(d("2018-01-01")), ..Ledger::default() };
    for q in
        ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31", "2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]
    {
        l.net_assets.insert(d(q), yuan(100_000_000));
    }
    l.parties.push(GraphParty { id: COMPANY, person: false, state_organ: false });
    l
}

fn run(l: &Ledger, as_of: &str) -> Vec<Indicator> {
    indicators(l, &RuleParameters::default(), d(as_of)).unwrap()
}

fn get(all: &[Indicator], id: RuleId) -> &Indicator {
    all.iter().find(|i| i.id == id).unwrap()
}

fn party(l: &mut Ledger, id: i64, person: bool) {
    l.parties.push(GraphParty { id, person, state_organ: false });
}

fn claim(l: &mut Ledger, party: i64, fen: i64) {
    l.exposures.push(Exposure { party, kind: ExposureKind::AcquiredClaim, book_value: Money::from_fen(fen) });
}

fn funding(label: &str, channel: Channel, principal: Money) -> Funding {
    Funding { id: None, label: label.into(), channel, principal, payments: Vec::new() }
}

#[test]
fn leverage_exactly_at_the_limit_is_amber_and_one_fen_over_is_a_breach_in_transition() {
    let mut l = company();
    l.funding.push(funding("银行借款", Channel::FiLoan, yuan(200_000_000)));
    l.funding.push(funding("股东借款", Channel::ShareholderLoan, yuan(100_000_000)));
    let lev = get(&run(&l, "2026-09-30"), RuleId::Q1).clone();
    assert_eq!((lev.numerator, lev.denominator), (30_000_000_000, 10_000_000_000));
    assert_eq!(lev.status, Status::Amber);
    assert!(!lev.in_transition);
    l.funding.push(funding("债券", Channel::Bond, Money::from_fen(1)));
    let lev = get(&run(&l, "2026-09-30"), RuleId::Q1).clone();
    assert_eq!(lev.status, Status::Red);
    assert!(lev.in_transition, "before 2028-07-12 a breach is reported, not blocking");
    // After the transition it is a plain breach.
    let mut later = l.clone();
    later.net_assets.insert(d("2028-09-30"), yuan(100_000_000));
    later.net_assets.insert(d("2028-06-30"), yuan(100_000_000));
    let lev = get(&run(&later, "2028-09-30"), RuleId::Q1).clone();
    assert_eq!((lev.status, lev.in_transition), (Status::Red, false));
}

#[test]
fn net_assets_not_positive_make_every_na_based_indicator_red_without_a_ratio() {
    let mut l = company();
    l.net_assets.insert(d("2026-09-30"), Money::ZERO);
    l.net_assets.insert(d("2026-06-30"), yuan(-5));
    let all = run(&l, "2026-09-30");
    for id in [RuleId::Q1, RuleId::Q2, RuleId::Q3, RuleId::Q4] {
        let i = get(&all, id);
        assert_eq!((i.status, i.no_ratio), (Status::Red, Some(NoRatio::NetAssetsNotPositive)), "{id:?}");
        assert_eq!(i.ratio(), None);
    }
    // Liquidity and main business do not depend on net assets.
    assert_eq!(get(&all, RuleId::Q5).status, Status::Pass);
}

#[test]
fn a_missing_quarter_end_is_an_error_not_a_fallback() {
    let mut l = company();
    l.net_assets.remove(&d("2026-06-30"));
    assert_eq!(
        indicators(&l, &RuleParameters::default(), d("2026-09-30")),
        Err(RulesError::MissingNetAssets(d("2026-06-30")))
    );
}

#[test]
fn single_client_at_ten_per_cent_is_amber_one_fen_more_is_red() {
    let mut l = company();
    party(&mut l, 10, false);
    party(&mut l, 11, false);
    claim(&mut l, 10, 1_000_000_000); // 10,000,000 yuan = 10%
    claim(&mut l, 11, 500_000_000);
    let s = get(&run(&l, "2026-09-30"), RuleId::Q2).clone();
    assert_eq!((s.numerator, s.status), (1_000_000_000, Status::Amber));
    assert_eq!(s.lines[0].party, Some(10), "the largest client first");
    l.exposures.push(Exposure { party: 10, kind: ExposureKind::Equity, book_value: Money::from_fen(1) });
    assert_eq!(get(&run(&l, "2026-09-30"), RuleId::Q2).status, Status::Red, "equity counts for a client");
}

#[test]
fn a_group_formed_through_a_two_level_ownership_chain() {
    // A person (20) holds 60% of B (21); B holds 80% of C (22): {20, 21, 22} is one group.
    let mut l = company();
    party(&mut l, 20, true);
    party(&mut l, 21, false);
    party(&mut l, 22, false);
    party(&mut l, 23, false);
    l.holdings.push(Holding { holder: 20, held: 21, stake_bps: 6_000, control: false });
    l.holdings.push(Holding { holder: 21, held: 22, stake_bps: 8_000, control: false });
    claim(&mut l, 21, 800_000_000); // 8%
    claim(&mut l, 22, 750_000_000); // 7.5%
    claim(&mut l, 23, 900_000_000); // 9%, not in the group
    let g = get(&run(&l, "2026-09-30"), RuleId::Q3).clone();
    assert_eq!(g.numerator, 1_550_000_000);
    assert_eq!(g.status, Status::Red, "15.5% of net assets");
    let members: Vec<Option<i64>> = g.lines.iter().take(3).map(|x| x.party).collect();
    assert_eq!(members, vec![Some(20), Some(21), Some(22)]);
    // Each client alone stays within 10%.
    assert_eq!(get(&run(&l, "2026-09-30"), RuleId::Q2).status, Status::Amber);
    // Control by a state organ does not join its entities.
    let mut state = company();
    state.parties.push(GraphParty { id: 30, person: false, state_organ: true });
    party(&mut state, 31, false);
    party(&mut state, 32, false);
    state.holdings.push(Holding { holder: 30, held: 31, stake_bps: 10_000, control: false });
    state.holdings.push(Holding { holder: 30, held: 32, stake_bps: 10_000, control: false });
    claim(&mut state, 31, 900_000_000);
    claim(&mut state, 32, 900_000_000);
    assert_eq!(get(&run(&state, "2026-09-30"), RuleId::Q3).numerator, 0);
}

#[test]
fn related_parties_through_a_shareholder_on_the_previous_quarter_ends_net_assets() {
    // Shareholder S (40) holds 20% of the company and 70% of E (41). Claims on E: 25,000,000
    // yuan. Net assets: 50,000,000 at 2026-06-30 (the previous quarter-end), 100,000,000 at
    // 2026-09-30: the ratio is 50% of the previous quarter-end — exactly the limit.
    let mut l = company();
    l.net_assets.insert(d("2026-06-30"), yuan(50_000_000));
    party(&mut l, 40, false);
    party(&mut l, 41, false);
    l.holdings.push(Holding { holder: 40, held: COMPANY, stake_bps: 2_000, control: false });
    l.holdings.push(Holding { holder: 40, held: 41, stake_bps: 7_000, control: false });
    claim(&mut l, 41, 2_500_000_000);
    // Equity in E is not a claim.
    l.exposures.push(Exposure { party: 41, kind: ExposureKind::Equity, book_value: yuan(10_000_000) });
    let r = get(&run(&l, "2026-09-30"), RuleId::Q4).clone();
    assert_eq!((r.numerator, r.denominator, r.basis_date), (2_500_000_000, 5_000_000_000, Some(d("2026-06-30"))));
    assert_eq!(r.status, Status::Amber);
    claim(&mut l, 41, 1);
    assert_eq!(get(&run(&l, "2026-09-30"), RuleId::Q4).status, Status::Red);
    // A 4% shareholder is not related.
    let mut small = company();
    party(&mut small, 40, false);
    small.holdings.push(Holding { holder: 40, held: COMPANY, stake_bps: 400, control: false });
    claim(&mut small, 40, 2_500_000_000);
    assert_eq!(get(&run(&small, "2026-09-30"), RuleId::Q4).numerator, 0);
}

#[test]
fn related_parties_through_a_director_and_a_close_relative() {
    // Director D (50); D's spouse R (51) explicitly controls F (52).
    let mut l = company();
    party(&mut l, 50, true);
    party(&mut l, 51, true);
    party(&mut l, 52, false);
    party(&mut l, 53, false);
    l.officers.push(50);
    l.relatives.push((50, 51));
    l.holdings.push(Holding { holder: 51, held: 52, stake_bps: 3_000, control: true });
    claim(&mut l, 52, 1_000_000_000);
    claim(&mut l, 53, 1_000_000_000); // unrelated
    let r = get(&run(&l, "2026-09-30"), RuleId::Q4).clone();
    assert_eq!(r.numerator, 1_000_000_000);
    assert_eq!(r.lines.iter().map(|x| x.party).collect::<Vec<_>>(), vec![Some(52)]);
    assert_eq!(r.status, Status::Pass, "10% of the previous quarter-end's net assets");
}

#[test]
fn main_business_with_one_year_of_history() {
    // Founded in March 2025: at 2026-09-30 the window is 2025 alone.
    let mut l = company();
    l.founded = Some(d("2025-03-01"));
    let inv = |date: &str, amount: i64, kind| Investment { date: d(date), amount: yuan(amount), kind };
    l.investments = vec![
        inv("2025-04-10", 30_000_000, InvestmentKind::FinancialNpa),
        inv("2025-08-01", 50_000_000, InvestmentKind::NonFinancialNpa),
        inv("2025-11-20", 20_000_000, InvestmentKind::OtherEquity),
        inv("2025-12-01", 99_000_000, InvestmentKind::Treasury), // not new investment
        inv("2026-02-01", 90_000_000, InvestmentKind::NonFinancialNpa), // this year: outside the window
    ];
    let m = get(&run(&l, "2026-09-30"), RuleId::Q6).clone();
    assert_eq!((m.numerator, m.denominator), (3_000_000_000, 10_000_000_000));
    assert_eq!(m.status, Status::Amber, "exactly 30%");
    l.investments[0].amount = Money::from_fen(3_000_000_000 - 1);
    assert_eq!(get(&run(&l, "2026-09-30"), RuleId::Q6).status, Status::Red);
    // No investment in the window: passes, no ratio.
    l.investments.clear();
    let m = get(&run(&l, "2026-09-30"), RuleId::Q6).clone();
    assert_eq!((m.status, m.no_ratio), (Status::Pass, Some(NoRatio::NoInvestment)));
}

#[test]
fn liquidity_exactly_covered_and_what_counts_in_the_window() {
    let mut l = company();
    l.liquid_assets = vec![
        LiquidAsset {
            label: "基本户".into(),
            kind: LiquidKind::DemandDeposit,
            amount: yuan(700_000),
            encumbered: false,
        },
        LiquidAsset {
            label: "国债".into(),
            kind: LiquidKind::GovernmentBond,
            amount: yuan(300_000),
            encumbered: false,
        },
        LiquidAsset { label: "冻结户".into(), kind: LiquidKind::Cash, amount: yuan(5_000_000), encumbered: true },
        LiquidAsset {
            label: "定期存款".into(), kind: LiquidKind::Other, amount: yuan(5_000_000), encumbered: false
        },
    ];
    let mut loan = funding("银行借款", Channel::FiLoan, yuan(10_000_000));
    loan.payments = vec![
        Payment { date: d("2026-10-15"), principal: yuan(800_000), interest: yuan(50_000) },
        Payment { date: d("2026-09-30"), principal: yuan(9_000_000), interest: Money::ZERO }, // the as-of day: outside
        Payment { date: d("2026-10-31"), principal: yuan(9_000_000), interest: Money::ZERO }, // day 31: outside
    ];
    l.funding.push(loan);
    l.cash_flows = vec![
        CashFlow { label: "收购尾款".into(), date: d("2026-10-30"), amount: yuan(300_000), inflow: false }, // day 30: inside
        CashFlow { label: "重组还款".into(), date: d("2026-10-05"), amount: yuan(150_000), inflow: true },
    ];
    // HQLA 1,000,000; outflow 850,000 + 300,000 − 150,000 = 1,000,000: exactly 100%.
    let q = get(&run(&l, "2026-09-30"), RuleId::Q5).clone();
    assert_eq!((q.numerator, q.denominator), (100_000_000, 100_000_000));
    assert_eq!(q.status, Status::Amber);
    l.liquid_assets[1].amount = Money::from_fen(30_000_000 - 1);
    assert_eq!(get(&run(&l, "2026-09-30"), RuleId::Q5).status, Status::Red);
    // No net outflow: passes with no ratio.
    l.cash_flows[1].amount = yuan(10_000_000);
    let q = get(&run(&l, "2026-09-30"), RuleId::Q5).clone();
    assert_eq!((q.status, q.no_ratio), (Status::Pass, Some(NoRatio::NoNetOutflow)));
}

#[test]
fn funding_from_a_private_fund_counts_in_leverage_and_is_flagged() {
    let mut l = company();
    l.funding.push(funding("银行借款", Channel::FiLoan, yuan(100_000_000)));
    l.funding.push(funding("某私募基金", Channel::PrivateFund, yuan(20_000_000)));
    let lev = get(&run(&l, "2026-09-30"), RuleId::Q1).clone();
    assert_eq!(lev.numerator, 12_000_000_000);
    assert_eq!(lev.status, Status::Pass, "1.2 × net assets");
    let flagged: Vec<&str> = lev.lines.iter().filter(|x| x.flagged).map(|x| x.label.as_str()).collect();
    assert_eq!(flagged, vec!["某私募基金"]);
    // Already in the book, it stands as a finding of its own (with the exit watch: no acquisition since 2018).
    let found = huajie_rules::pretrade::book_findings(&l, &RuleParameters::default(), d("2026-09-30"));
    assert_eq!(
        found.iter().map(|f| (f.rule, f.subject.as_deref())).collect::<Vec<_>>(),
        vec![(RuleId::Q10, Some("某私募基金")), (RuleId::Q15, None)]
    );
}

mod checks {
    use huajie_core::{Money, Province};
    use huajie_rules::RuleId;
    use huajie_rules::checks::{CheckParty, Effect, ProposedClaim, funding_channel, prohibited_assets, territorial};
    use huajie_rules::indicators::Channel;

    fn province(code: &str) -> Option<Province> {
        Some(Province::from_code(code).unwrap())
    }

    fn party(name: &str, code: &str) -> CheckParty {
        CheckParty { name: name.into(), province: province(code), ..CheckParty::default() }
    }

    fn claim(no: &str, yuan: i64, debtor: CheckParty, collateral: Vec<Option<Province>>) -> ProposedClaim {
        ProposedClaim {
            contract_no: no.into(),
            amount: Money::from_yuan(yuan).unwrap(),
            debtor,
            guarantors: Vec::new(),
            collateral_provinces: collateral,
            cross_region_exception: None,
            flags: vec![],
        }
    }

    #[test]
    fn a_package_with_claims_in_two_provinces() {
        // A Zhejiang company buys from a Jiangsu bank: claims pass only through their debtor or collateral.
        let zj = Province::from_code("33").unwrap();
        let bank = party("江苏某银行", "32");
        let claims = vec![
            claim("A", 6_000_000, party("杭州甲公司", "33"), vec![]), // debtor at home
            claim("B", 3_000_000, party("南京乙公司", "32"), vec![province("33")]), // collateral at home
            claim("C", 1_000_000, party("苏州丙公司", "32"), vec![province("32")]), // fails
        ];
        let (t, findings) = territorial(zj, &bank, &claims);
        assert_eq!(t.failing, vec!["C".to_string()]);
        assert_eq!(
            (t.failing_amount, t.total_amount),
            (Money::from_yuan(1_000_000).unwrap(), Money::from_yuan(10_000_000).unwrap())
        );
        assert_eq!(findings.len(), 1);
        assert_eq!((findings[0].rule, findings[0].effect), (RuleId::Q7, Effect::Block));
        assert!(findings[0].zh.contains("浙江") && findings[0].en.contains("home province"));
        // With a recorded exception it warns; a home-province transferor passes everything.
        let mut excepted = claims.clone();
        excepted[2].cross_region_exception = Some("省地方金融管理局批复〔2026〕12号".into());
        assert_eq!(territorial(zj, &bank, &excepted).1[0].effect, Effect::Warn);
        assert!(territorial(zj, &party("浙江某银行", "33"), &claims).0.failing.is_empty());
    }

    #[test]
    fn a_state_organ_guarantor_blocks_and_an_lgfv_debtor_needs_review() {
        let mut c = claim("D", 1_000_000, party("某城投公司", "33"), vec![]);
        c.debtor.lgfv = true;
        c.guarantors.push(CheckParty { name: "某县财政局".into(), state_organ: true, ..CheckParty::default() });
        let f = prohibited_assets(&[c]);
        assert_eq!(
            f.iter().map(|x| (x.rule, x.effect)).collect::<Vec<_>>(),
            vec![(RuleId::Q8, Effect::Block), (RuleId::Q9, Effect::Warn)]
        );
        assert!(f[0].zh.contains("某县财政局"));
    }

    #[test]
    fn a_funding_instrument_from_a_private_fund_is_blocked() {
        let f = funding_channel("某私募借款", Channel::PrivateFund, false, false);
        assert_eq!((f[0].rule, f[0].effect), (RuleId::Q10, Effect::Block));
        assert!(f[0].zh.contains("私募投资基金"));
        assert_eq!(funding_channel("银行借款", Channel::FiLoan, true, false), vec![]);
        assert_eq!(funding_channel("股东借款", Channel::ShareholderLoan, false, false)[0].effect, Effect::Warn);
    }
}

/// Pre-trade checks: each hand-computed on the 100,000,000-yuan company above.
mod pretrade {
    use std::collections::BTreeMap;

    use huajie_core::{Money, Province};
    use huajie_rules::checks::{CheckParty, Counterparty, Effect, ProposedClaim};
    use huajie_rules::funding_line::{FundingLine, PaidFrom};
    use huajie_rules::graph::{GraphParty, Holding};
    use huajie_rules::indicators::{Channel, Funding, InvestmentKind, LiquidAsset, LiquidKind, Payment};
    use huajie_rules::pretrade::{Deal, Setting, SoldClaim, check, exit_watch};
    use huajie_rules::{RuleId, RuleParameters, Status};

    use super::{COMPANY, claim, company, d, funding, party, yuan};

    fn zj() -> Province {
        Province::from_code("33").unwrap()
    }

    fn cp(id: i64, name: &str) -> CheckParty {
        CheckParty { id, name: name.into(), province: Some(zj()), ..CheckParty::default() }
    }

    fn names() -> BTreeMap<i64, String> {
        BTreeMap::from([
            (10, "甲公司".to_string()),
            (11, "乙公司".to_string()),
            (20, "丙投资".to_string()),
            (30, "王某某".to_string()),
        ])
    }

    fn rules(findings: &[huajie_rules::checks::Finding]) -> Vec<(RuleId, Effect)> {
        findings.iter().map(|f| (f.rule, f.effect)).collect()
    }

    /// A purchase of 2,500,000 drawn on a bank's line of 30,000,000 (10,000,000 drawn, due
    /// 2026-10-15): leverage rises by the price, no cash leaves, and the repayment at the
    /// line's maturity (inside the 30-day window) grows by the price. The same drawing on a
    /// private-fund line is blocked (A7, Q10).
    #[test]
    fn an_acquisition_drawn_on_a_funding_line_borrows_the_price_instead_of_paying_cash() {
        let mut l = company();
        party(&mut l, 10, false);
        l.liquid_assets.push(LiquidAsset {
            label: "现金".into(),
            kind: LiquidKind::Cash,
            amount: yuan(20_000_000),
            encumbered: false,
        });
        let line = |channel| FundingLine {
            id: 7,
            label: "并购贷款授信".into(),
            channel,
            lender: 40,
            lender_licensed_fi: true,
            limit: yuan(30_000_000),
            drawn: yuan(10_000_000),
            maturity: d("2026-10-15"),
        };
        l.funding.push(Funding {
            id: Some(7),
            label: "并购贷款授信".into(),
            channel: Channel::FiLoan,
            principal: yuan(10_000_000),
            payments: vec![Payment { date: d("2026-10-15"), principal: yuan(10_000_000), interest: yuan(100_000) }],
        });
        let names = names();
        let s = Setting { home: zj(), as_of: d("2026-09-30"), names: &names };
        let deal = |channel| Deal::Acquisition {
            transferor: cp(0, "某银行"),
            claims: vec![ProposedClaim {
                contract_no: "HT-1".into(),
                amount: yuan(4_000_000),
                debtor: cp(10, "甲公司"),
                guarantors: vec![],
                collateral_provinces: vec![],
                cross_region_exception: None,
                flags: vec![],
            }],
            price: yuan(2_500_000),
            kind: InvestmentKind::FinancialNpa,
            flags: vec![],
            paid_from: PaidFrom::Line(line(channel).draw(yuan(2_500_000), d("2026-09-30")).unwrap()),
            cost: None,
        };
        let r = check(&l, &RuleParameters::default(), &s, &deal(Channel::FiLoan)).unwrap();
        let (lev0, lev1) = (super::get(&r.before, RuleId::Q1), super::get(&r.after, RuleId::Q1));
        assert_eq!((lev0.numerator, lev1.numerator), (1_000_000_000, 1_250_000_000));
        let (liq0, liq1) = (super::get(&r.before, RuleId::Q5), super::get(&r.after, RuleId::Q5));
        assert_eq!(liq1.numerator, liq0.numerator, "no cash leaves");
        assert_eq!((liq0.denominator, liq1.denominator), (1_010_000_000, 1_260_000_000));
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        let r = check(&l, &RuleParameters::default(), &s, &deal(Channel::PrivateFund)).unwrap();
        assert_eq!(rules(&r.findings), vec![(RuleId::Q10, Effect::Block)]);
        assert!(r.blocked());
    }

    #[test]
    fn an_acquisition_that_takes_one_debtor_over_ten_per_cent_needs_an_override() {
        let mut l = company();
        party(&mut l, 10, false);
        claim(&mut l, 10, 800_000_000); // 8,000,000 yuan held: 8%
        let names = names();
        let s = Setting { home: zj(), as_of: d("2026-09-30"), names: &names };
        // Buying 4,000,000 of claims on the same debtor for 2,500,000: 10.5% after.
        let c = ProposedClaim {
            contract_no: "HT-1".into(),
            amount: yuan(4_000_000),
            debtor: cp(10, "甲公司"),
            guarantors: vec![],
            collateral_provinces: vec![],
            cross_region_exception: None,
            flags: vec![],
        };
        let deal = Deal::Acquisition {
            transferor: cp(0, "某银行"),
            claims: vec![c],
            price: yuan(2_500_000),
            kind: InvestmentKind::FinancialNpa,
            flags: vec![],
            paid_from: PaidFrom::Cash,
            cost: None,
        };
        let r = check(&l, &RuleParameters::default(), &s, &deal).unwrap();
        assert_eq!(r.before[3].numerator, 800_000_000);
        assert_eq!(r.after[3].numerator, 1_050_000_000);
        assert_eq!(r.after[3].status, Status::Red);
        assert_eq!(rules(&r.findings), vec![(RuleId::Q2, Effect::Override)]);
        assert!(r.findings[0].zh.contains("甲公司") && r.findings[0].zh.contains("10.50%"));
        assert!(!r.blocked());
        // At 2,000,000 it lands exactly on 10%: amber, no finding.
        let deal = Deal::Acquisition {
            transferor: cp(0, "某银行"),
            claims: vec![ProposedClaim {
                contract_no: "HT-1".into(),
                amount: yuan(4_000_000),
                debtor: cp(10, "甲公司"),
                guarantors: vec![],
                collateral_provinces: vec![],
                cross_region_exception: None,
                flags: vec![],
            }],
            price: yuan(2_000_000),
            kind: InvestmentKind::FinancialNpa,
            flags: vec![],
            paid_from: PaidFrom::Cash,
            cost: None,
        };
        let r = check(&l, &RuleParameters::default(), &s, &deal).unwrap();
        assert_eq!(r.after[3].status, Status::Amber);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
    }

    /// The pre-trade check counts a bought claim at the cost basis its purchase will be posted
    /// at (`Deal::Acquisition::cost`, spread by the valuation), not the price shared by what each
    /// claim owes: two claims owing the same, the valuation putting 2,100,000 of the 2,500,000
    /// on one debtor's claim, takes that debtor to 10.1% and needs an override.
    #[test]
    fn an_acquisition_counts_each_claim_at_the_cost_its_purchase_will_post() {
        let mut l = company();
        party(&mut l, 10, false);
        party(&mut l, 11, false);
        claim(&mut l, 10, 800_000_000); // 8,000,000 yuan held: 8%
        let names = names();
        let s = Setting { home: zj(), as_of: d("2026-09-30"), names: &names };
        let claim_on = |no: &str, debtor| ProposedClaim {
            contract_no: no.into(),
            amount: yuan(2_000_000),
            debtor,
            guarantors: vec![],
            collateral_provinces: vec![],
            cross_region_exception: None,
            flags: vec![],
        };
        let deal = |cost| Deal::Acquisition {
            transferor: cp(0, "某银行"),
            claims: vec![claim_on("HT-1", cp(10, "甲公司")), claim_on("HT-2", cp(11, "乙公司"))],
            price: yuan(2_500_000),
            kind: InvestmentKind::FinancialNpa,
            flags: vec![],
            paid_from: PaidFrom::Cash,
            cost,
        };
        // Shared by what each owes: 1,250,000 each, 甲 at 9.25%.
        let r = check(&l, &RuleParameters::default(), &s, &deal(None)).unwrap();
        assert_eq!(r.after[3].numerator, 925_000_000);
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        let r = check(&l, &RuleParameters::default(), &s, &deal(Some(vec![yuan(2_100_000), yuan(400_000)]))).unwrap();
        assert_eq!(r.after[3].numerator, 1_010_000_000);
        assert_eq!(rules(&r.findings), vec![(RuleId::Q2, Effect::Override)]);
    }

    #[test]
    fn a_private_fund_loan_blocks_and_a_bank_loan_past_three_times_needs_an_override() {
        let mut l = company();
        l.funding.push(funding("银行借款", Channel::FiLoan, yuan(290_000_000)));
        let names = names();
        let s = Setting { home: zj(), as_of: d("2026-09-30"), names: &names };
        let pf = Deal::Funding {
            label: "私募借款".into(),
            channel: Channel::PrivateFund,
            lender: Counterparty::Registered(cp(20, "丙投资")),
            lender_licensed_fi: false,
            principal: yuan(5_000_000),
            payments: vec![],
        };
        let r = check(&l, &RuleParameters::default(), &s, &pf).unwrap();
        assert!(r.blocked());
        assert_eq!(rules(&r.findings)[0], (RuleId::Q10, Effect::Block));
        // 290 + 20 = 310 million on 100 million: 3.10×, red in the transition; the 30-day repayment counts in liquidity.
        let loan = Deal::Funding {
            label: "某银行流动资金借款".into(),
            channel: Channel::FiLoan,
            lender: Counterparty::Registered(cp(21, "某银行")),
            lender_licensed_fi: true,
            principal: yuan(20_000_000),
            payments: vec![Payment { date: d("2027-09-30"), principal: yuan(20_000_000), interest: yuan(600_000) }],
        };
        let r = check(&l, &RuleParameters::default(), &s, &loan).unwrap();
        assert_eq!(
            (r.after[1].numerator, r.after[1].status, r.after[1].in_transition),
            (31_000_000_000, Status::Red, true)
        );
        assert_eq!(rules(&r.findings), vec![(RuleId::Q1, Effect::Override)]);
        assert!(r.findings[0].zh.contains("3.10×") && r.findings[0].zh.contains("过渡期"));
    }

    #[test]
    fn a_transferee_under_the_debtors_controller_is_blocked_and_a_related_one_needs_an_override() {
        let mut l = company();
        for id in [10, 11, 20] {
            party(&mut l, id, false);
        }
        party(&mut l, 30, true);
        // 王某某 holds 60% of the debtor 甲公司 and 70% of 丙投资: one controller.
        l.holdings.push(Holding { holder: 30, held: 10, stake_bps: 6_000, control: false });
        l.holdings.push(Holding { holder: 30, held: 20, stake_bps: 7_000, control: false });
        claim(&mut l, 10, 100_000_000);
        // Acquired in June: no exit-watch finding.
        l.investments.push(huajie_rules::indicators::Investment {
            date: d("2026-06-01"),
            amount: yuan(1),
            kind: InvestmentKind::FinancialNpa,
        });
        let names = names();
        let s = Setting { home: zj(), as_of: d("2026-09-30"), names: &names };
        let sold = vec![SoldClaim {
            contract_no: "HT-9".into(),
            debtor: 10,
            guarantors: vec![11],
            book_value: yuan(1_000_000),
        }];
        let sale = |t: CheckParty| Deal::Disposal {
            transferee: Counterparty::Registered(t),
            claims: sold.clone(),
            price: yuan(1_200_000),
            retail_batch: false,
        };
        let p = RuleParameters::default();
        let r = check(&l, &p, &s, &sale(cp(20, "丙投资"))).unwrap();
        assert_eq!(rules(&r.findings), vec![(RuleId::Q12, Effect::Block)]);
        assert!(r.findings[0].zh.contains("同一实际控制人"), "{}", r.findings[0].zh);
        // The guarantor itself is blocked.
        assert!(check(&l, &p, &s, &sale(cp(11, "乙公司"))).unwrap().findings[0].zh.contains("保证人"));
        // A 6% shareholder of the company is related: override, not block.
        l.holdings.push(Holding { holder: 40, held: COMPANY, stake_bps: 600, control: false });
        l.parties.push(GraphParty { id: 40, person: false, state_organ: false });
        let r = check(&l, &p, &s, &sale(cp(40, "丁集团"))).unwrap();
        assert_eq!(rules(&r.findings), vec![(RuleId::Q12, Effect::Override)]);
        // A retail batch may not be sold on at all; a dishonest buyer needs an override.
        let retail = Deal::Disposal {
            transferee: Counterparty::Registered(CheckParty { dishonest: true, ..cp(50, "戊公司") }),
            claims: sold.clone(),
            price: yuan(1),
            retail_batch: true,
        };
        assert_eq!(
            rules(&check(&l, &p, &s, &retail).unwrap().findings),
            vec![(RuleId::Q12, Effect::Block), (RuleId::Q12, Effect::Override)]
        );
        // The sale takes the book value off the debtor: 1,000,000 → 0.
        assert_eq!(r.after[3].numerator, 0);
    }

    #[test]
    fn a_state_organ_controlling_the_debtor_and_the_transferee_joins_neither_as_one_controller() {
        let mut l = company();
        for id in [10, 20] {
            party(&mut l, id, false);
        }
        // 某国资委 (60) holds 60% of the debtor 甲公司 and 70% of 丙投资.
        l.parties.push(GraphParty { id: 60, person: false, state_organ: true });
        l.holdings.push(Holding { holder: 60, held: 10, stake_bps: 6_000, control: false });
        l.holdings.push(Holding { holder: 60, held: 20, stake_bps: 7_000, control: false });
        // It also holds 51% of the company: it is related, its other companies are not.
        l.holdings.push(Holding { holder: 60, held: COMPANY, stake_bps: 5_100, control: false });
        claim(&mut l, 10, 100_000_000);
        l.investments.push(huajie_rules::indicators::Investment {
            date: d("2026-06-01"),
            amount: yuan(1),
            kind: InvestmentKind::FinancialNpa,
        });
        let names = names();
        let s = Setting { home: zj(), as_of: d("2026-09-30"), names: &names };
        let sale = Deal::Disposal {
            transferee: Counterparty::Registered(cp(20, "丙投资")),
            claims: vec![SoldClaim {
                contract_no: "HT-9".into(),
                debtor: 10,
                guarantors: vec![],
                book_value: yuan(1_000_000),
            }],
            price: yuan(1_200_000),
            retail_batch: false,
        };
        let r = check(&l, &RuleParameters::default(), &s, &sale).unwrap();
        assert_eq!(rules(&r.findings), vec![], "{:?}", r.findings);
        // Flagged as an ordinary company instead, the same holder is one controller: blocked.
        l.parties.iter_mut().find(|p| p.id == 60).unwrap().state_organ = false;
        let r = check(&l, &RuleParameters::default(), &s, &sale).unwrap();
        assert_eq!(rules(&r.findings)[0], (RuleId::Q12, Effect::Block));
    }

    #[test]
    fn a_claim_or_a_package_flagged_px2_to_px6_is_refused_saying_who_set_it_and_why() {
        use huajie_rules::checks::{AssetFlag, ProhibitedAsset};
        let l = company();
        let names = names();
        let s = Setting { home: zj(), as_of: d("2026-09-30"), names: &names };
        let claim = |no: &str, flags: Vec<AssetFlag>| ProposedClaim {
            contract_no: no.into(),
            amount: yuan(1_000_000),
            debtor: cp(10, "甲公司"),
            guarantors: vec![],
            collateral_provinces: vec![],
            cross_region_exception: None,
            flags,
        };
        let px5 = AssetFlag {
            code: ProhibitedAsset::Px5,
            reason: "借款合同第 12 条约定未经借款人同意不得转让".into(),
            set_by: "acquisition".into(),
        };
        let deal = |claims, flags| Deal::Acquisition {
            transferor: cp(0, "某银行"),
            claims,
            price: yuan(300_000),
            kind: InvestmentKind::FinancialNpa,
            flags,
            paid_from: PaidFrom::Cash,
            cost: None,
        };
        let p = RuleParameters::default();
        let r = check(&l, &p, &s, &deal(vec![claim("HT-1", vec![px5]), claim("HT-2", vec![])], vec![])).unwrap();
        assert!(r.blocked());
        assert_eq!(rules(&r.findings), vec![(RuleId::Q8, Effect::Block)]);
        let f = &r.findings[0];
        assert_eq!(f.subject.as_deref(), Some("HT-1"));
        assert!(
            f.zh.contains("PX5") && f.zh.contains("第 12 条") && f.zh.contains("acquisition 标记"),
            "who and why: {}",
            f.zh
        );
        // A package flag blocks the whole package, once.
        let px3 = AssetFlag { code: ProhibitedAsset::Px3, reason: "军工企业债权".into(), set_by: "risk".into() };
        let r = check(&l, &p, &s, &deal(vec![claim("HT-1", vec![]), claim("HT-2", vec![])], vec![px3])).unwrap();
        assert_eq!(rules(&r.findings), vec![(RuleId::Q8, Effect::Block)]);
        assert!(r.findings[0].zh.starts_with("本资产包标记为 PX3"), "{}", r.findings[0].zh);
        // Unflagged, the same package passes (all in Zhejiang: nothing fails the territorial test).
        let r = check(&l, &p, &s, &deal(vec![claim("HT-1", vec![]), claim("HT-2", vec![])], vec![])).unwrap();
        assert!(!r.blocked(), "{:?}", r.findings);
        let t = r.territory.unwrap();
        assert_eq!((t.failing.len(), t.failing_amount.fen(), t.total_amount.fen()), (0, 0, 200_000_000));
    }

    #[test]
    fn staff_their_relatives_and_the_entities_they_take_part_in_may_not_buy() {
        use huajie_rules::indicators::{Capacity, ExposureKind, StaffEntity};
        let mut l = company();
        for (id, person) in [(10, false), (70, true), (71, true), (72, false), (73, false), (74, true), (75, false)] {
            party(&mut l, id, person);
        }
        // 70 works in the disposal department (not an officer); 71 is 70's declared relative and a
        // director of 72; 74 is a director of the company who declares 73 as a firm he controls.
        l.staff.push(70);
        l.relatives.push((70, 71));
        l.staff_entities.push(StaffEntity { person: 71, entity: 72, capacity: Capacity::Director });
        l.officers.push(74);
        l.staff_entities.push(StaffEntity { person: 74, entity: 73, capacity: Capacity::Control });
        claim(&mut l, 10, 100_000_000);
        l.investments.push(huajie_rules::indicators::Investment {
            date: d("2026-06-01"),
            amount: yuan(1),
            kind: InvestmentKind::FinancialNpa,
        });
        let names = names();
        let s = Setting { home: zj(), as_of: d("2026-09-30"), names: &names };
        let p = RuleParameters::default();
        let sale = |t: CheckParty| Deal::Disposal {
            transferee: Counterparty::Registered(t),
            claims: vec![SoldClaim {
                contract_no: "HT-9".into(),
                debtor: 10,
                guarantors: vec![],
                book_value: yuan(1_000_000),
            }],
            price: yuan(1_200_000),
            retail_batch: false,
        };
        for (id, says) in [(70, "员工"), (71, "近亲属"), (72, "任职或参与"), (73, "控制的企业"), (74, "员工")]
        {
            let r = check(&l, &p, &s, &sale(cp(id, "某受让方"))).unwrap();
            assert_eq!(rules(&r.findings), vec![(RuleId::Q12, Effect::Block)], "{id}");
            assert!(r.findings[0].zh.contains(says), "{id}: {}", r.findings[0].zh);
        }
        assert!(check(&l, &p, &s, &sale(cp(75, "无关公司"))).unwrap().findings.is_empty());
        // Related parties read the officers only: a loan to 73 (declared controlled by a director)
        // is a related-party claim; a loan to 72 (a staff relative's directorship) is not.
        let loan = |party: CheckParty| Deal::Investment {
            label: "委托贷款".into(),
            party: Counterparty::Registered(party),
            kind: InvestmentKind::OtherDebt,
            exposure: ExposureKind::Loan,
            amount: yuan(100_000),
        };
        let r = check(&l, &p, &s, &loan(cp(73, "某企业"))).unwrap();
        assert_eq!(rules(&r.findings), vec![(RuleId::Q4, Effect::Override)]);
        assert!(check(&l, &p, &s, &loan(cp(72, "某企业"))).unwrap().findings.is_empty());
    }

    #[test]
    fn a_disposals_price_stands_against_face_value_valuation_and_cost() {
        use huajie_rules::pretrade::{PriceContext, ValuationRef};
        // 30 million offered for claims of 174 million face, valued at 46.7 million, bought for 45 million.
        let p = PriceContext {
            price: yuan(30_000_000),
            face_value: yuan(174_000_000),
            valuation: Some(ValuationRef { run_id: 1, valuation_date: d("2025-03-31"), value: yuan(46_700_000) }),
            cost: Some(yuan(45_000_000)),
        };
        assert!((p.of_face().unwrap() - 30.0 / 174.0).abs() < 1e-15);
        assert!((p.of_valuation().unwrap() - 30.0 / 46.7).abs() < 1e-12);
        assert_eq!(p.gain(), Some(-1_500_000_000), "an expected loss of 15 million, in fen");
        // No face value, no valuation, an acquisition (no cost): nothing to compare with.
        let bare = PriceContext { price: yuan(1), face_value: Money::ZERO, valuation: None, cost: None };
        assert_eq!((bare.of_face(), bare.of_valuation(), bare.gain()), (None, None, None));
    }

    #[test]
    fn exit_watch_counts_whole_months_since_the_last_acquisition() {
        let mut l = company();
        l.investments.push(huajie_rules::indicators::Investment {
            date: d("2024-10-01"),
            amount: yuan(1),
            kind: InvestmentKind::FinancialNpa,
        });
        let p = RuleParameters::default();
        let (m, f) = exit_watch(&l, &p, d("2026-09-30"));
        assert_eq!(m, Some(23));
        assert!(f.unwrap().zh.contains("预警线 12"));
        let (m, f) = exit_watch(&l, &p, d("2026-10-01"));
        assert_eq!(m, Some(24));
        assert!(f.unwrap().zh.contains("退出观察线 24"));
        // No acquisition: from the founding date (2018).
        l.investments.clear();
        assert_eq!(exit_watch(&l, &p, d("2019-01-01")).0, Some(12));
    }
}

/// The regulator's workbook works each ratio out from the lines: every line says whether it
/// is in the numerator, the denominator or only shown, and they add up to the figures exactly.
#[test]
fn every_indicator_can_be_worked_out_from_its_lines() {
    use huajie_rules::indicators::{Denominator, Part};
    let mut l = company();
    l.founded = Some(d("2020-01-01"));
    let inv = |date: &str, amount: i64, kind| Investment { date: d(date), amount: yuan(amount), kind };
    l.investments = vec![
        inv("2024-04-10", 30_000_000, InvestmentKind::FinancialNpa),
        inv("2024-08-01", 50_000_000, InvestmentKind::NonFinancialNpa),
        inv("2025-11-20", 20_000_000, InvestmentKind::FinancialNpa),
        inv("2025-12-01", 99_000_000, InvestmentKind::Treasury),
    ];
    l.liquid_assets = vec![
        LiquidAsset {
            label: "基本户".into(),
            kind: LiquidKind::DemandDeposit,
            amount: yuan(700_000),
            encumbered: false,
        },
        LiquidAsset { label: "冻结户".into(), kind: LiquidKind::Cash, amount: yuan(5_000_000), encumbered: true },
    ];
    let mut loan = funding("银行借款", Channel::FiLoan, yuan(10_000_000));
    loan.payments = vec![Payment { date: d("2026-10-15"), principal: yuan(800_000), interest: yuan(50_000) }];
    l.funding.push(loan);
    l.funding.push(funding("股东借款", Channel::ShareholderLoan, yuan(30_000_000)));
    l.cash_flows = vec![
        CashFlow { label: "收购尾款".into(), date: d("2026-10-30"), amount: yuan(300_000), inflow: false },
        CashFlow { label: "重组还款".into(), date: d("2026-10-05"), amount: yuan(150_000), inflow: true },
    ];
    for id in 20..=24 {
        party(&mut l, id, false);
    }
    l.holdings.push(Holding { holder: 20, held: 21, stake_bps: 6_000, control: false });
    l.holdings.push(Holding { holder: 22, held: 23, stake_bps: 6_000, control: false });
    l.holdings.push(Holding { holder: 20, held: COMPANY, stake_bps: 2_000, control: false });
    claim(&mut l, 21, 800_000_000);
    claim(&mut l, 22, 300_000_000);
    claim(&mut l, 23, 750_000_000);
    claim(&mut l, 24, 900_000_000);
    let all = run(&l, "2026-09-30");
    for i in &all {
        assert!(i.lines_add_up(), "{:?}: {:?}", i.id, i.lines);
        assert!(i.lines.iter().all(|x| x.part.is_some()));
    }
    let part = |id, k: usize| get(&all, id).lines[k].part;
    // The largest client is the numerator; the others are shown beside it.
    assert_eq!((part(RuleId::Q2, 0), part(RuleId::Q2, 1)), (Some(Part::Numerator), Some(Part::Context)));
    // The largest group's members, then the other groups' totals shown beside.
    let q3 = get(&all, RuleId::Q3);
    assert_eq!(q3.numerator, 1_050_000_000, "22 and 23: 3,000,000 + 7,500,000 yuan");
    assert!(q3.lines.iter().any(|x| x.part == Some(Part::Context)));
    // Liquidity: the window's cash is the denominator, negated (outflows are negative lines).
    let q5 = get(&all, RuleId::Q5);
    assert_eq!(q5.denominator_from(), Denominator::NegatedLines);
    assert_eq!(q5.denominator, 100_000_000, "850,000 + 300,000 − 150,000 yuan");
    assert_eq!(get(&all, RuleId::Q6).denominator_from(), Denominator::Lines);
    assert_eq!(get(&all, RuleId::Q1).denominator_from(), Denominator::NetAssets);
    // A line recorded before the parts were kept: the ratio is not worked from the lines.
    let mut old = get(&all, RuleId::Q1).clone();
    old.lines[0].part = None;
    assert!(!old.lines_add_up());
    // Its stored form is as before: no `part` key.
    let json = serde_json::to_string(&old.lines[0]).unwrap();
    assert!(!json.contains("\"part\""), "{json}");
}
