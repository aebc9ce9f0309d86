use super::*;
use Stage::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ev(stage: Stage, on: &str) -> StageEvent {
    StageEvent { stage, on: d(on) }
}

#[test]
fn a_litigation_runs_to_enforcement_the_auctions_and_a_resumption_after_zhongben() {
    let today = d("2026-12-07");
    let walk = [
        ev(Filed, "2024-03-01"),
        ev(Hearing, "2024-06-10"),
        ev(Judgment, "2024-08-01"),
        ev(Effective, "2024-08-20"),
        ev(EnforcementFiled, "2024-10-08"),
        ev(Seizure, "2024-10-20"),
        ev(Appraisal, "2025-01-15"),
        ev(FirstAuction, "2025-03-01"),
        ev(SecondAuction, "2025-04-01"),
        ev(SaleOff, "2025-06-01"),
        ev(Terminated, "2025-09-01"),
        ev(Resumed, "2026-05-01"),
        ev(Seizure, "2026-05-10"),
    ];
    for i in 0..walk.len() {
        assert_eq!(check_next(&walk[..i], walk[i].stage, walk[i].on, today), Ok(()), "step {i}: {:?}", walk[i]);
    }
    assert_eq!(current(&walk), Some(Seizure));
}

#[test]
fn a_stage_out_of_order_is_refused_with_what_may_come_next_chinese_first() {
    let today = d("2026-12-07");
    let history = [ev(Filed, "2024-03-01"), ev(Hearing, "2024-06-10")];
    let refusal = check_next(&history, FirstAuction, d("2024-07-01"), today).unwrap_err();
    assert_eq!(refusal.zh, "案件当前阶段为“开庭”，其后不能记录“拍卖（一拍）”；可记录：开庭、判决、破产申报。");
    assert!(
        refusal.en.starts_with("The case is at “Hearing”: “Auction (first round)” cannot follow it"),
        "{}",
        refusal.en
    );
    let first = check_next(&[], Judgment, d("2024-07-01"), today).unwrap_err();
    assert!(first.zh.contains("第一个阶段须为：立案、执行立案、破产申报"), "{}", first.zh);
    // Resumption only after 终本; distribution only after a lodged claim.
    assert!(check_next(&history, Resumed, d("2024-07-01"), today).is_err());
    assert!(check_next(&[], BankruptcyDistribution, d("2024-07-01"), today).is_err());
}

#[test]
fn dates_never_go_backwards_and_only_an_auction_round_is_dated_ahead() {
    let today = d("2026-12-07");
    let history = [ev(EnforcementFiled, "2026-01-05"), ev(Appraisal, "2026-03-01")];
    let back = check_next(&history, FirstAuction, d("2026-02-28"), today).unwrap_err();
    assert!(back.zh.contains("阶段日期不能倒退"), "{}", back.zh);
    assert_eq!(check_next(&history, FirstAuction, d("2026-03-01"), today), Ok(()), "the same day is not backwards");
    assert_eq!(check_next(&history, FirstAuction, d("2027-01-20"), today), Ok(()), "an announced auction day");
    let ahead = check_next(&history, Terminated, d("2026-12-08"), today).unwrap_err();
    assert!(ahead.en.contains("after today"), "{}", ahead.en);
}

#[test]
fn bankruptcy_may_follow_any_stage_outside_it_and_nothing_but_distributions_follow_it() {
    for s in Stage::ALL.iter().copied().filter(|s| s.phase() != Phase::Bankruptcy) {
        assert!(Stage::may_follow(Some(s), BankruptcyClaim), "{s:?}");
    }
    assert_eq!(BankruptcyClaim.successors(), vec![BankruptcyDistribution]);
    assert_eq!(BankruptcyDistribution.successors(), vec![BankruptcyDistribution]);
}

proptest::proptest! {
    #[test]
    fn a_recorded_history_is_always_in_order_and_never_goes_backwards(
        picks in proptest::collection::vec((0usize..15, 0i64..400), 0..30)
    ) {
        let today = d("2026-12-07");
        let mut history: Vec<StageEvent> = Vec::new();
        let mut day = d("2020-01-01");
        for (i, gap) in picks {
            let stage = Stage::ALL[i];
            day += chrono::Duration::days(gap - 50);
            if check_next(&history, stage, day, today).is_ok() {
                history.push(StageEvent { stage, on: day });
            }
        }
        for w in history.windows(2) {
            proptest::prop_assert!(w[0].on <= w[1].on);
            proptest::prop_assert!(Stage::may_follow(Some(w[0].stage), w[1].stage));
        }
        if let Some(first) = history.first() {
            proptest::prop_assert!(Stage::FIRST.contains(&first.stage));
        }
    }
}
