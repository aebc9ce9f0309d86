//! The store suite: every test runs on SQLite, and again on PostgreSQL when
//! `HUAJIE_TEST_PG` names a server (`.ci/run` starts one and sets it).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use huajie_core::audit::ChainBreak;
use huajie_core::clock::{Clock, SystemClock};
use huajie_core::{
    Claim, CollateralType, FiveClass, LitigationStage, Money, Package, PackageStatus, Party, PartyIdentifier,
    PartyStatus, Role,
};
use huajie_store::book::BookImport;
use huajie_store::testing::{TestStore, corporate, postgres_url};
use huajie_store::{AuditFinding, NewUser, PartyFilter, ProposedDeal, Reservation, StoreError};

huajie_store::both_databases!(
    a_tape_naming_guarantors_without_valid_ids_loads_every_one_it_names,
    migrations_are_versioned_and_idempotent,
    schema_has_the_expected_columns,
    parties_round_trip_and_duplicates_are_refused,
    a_failed_write_leaves_nothing_behind,
    the_demo_loads_and_its_sums_are_exact,
    claim_detail_shows_shared_collateral_and_guarantors,
    the_audit_chain_verifies_and_catches_tampering,
    concurrent_writers_keep_one_chain,
    sessions_expire_and_end_with_the_account,
    login_failures_are_counted,
    an_audit_record_keeps_a_bounded_length_of_user_text,
    money_extremes_survive_storage,
    a_nationally_registered_party_has_no_province,
    a_streamed_import_is_written_in_chunks_and_audited_row_by_row,
    a_new_tape_lists_what_changed_in_collateral_and_guarantors,
    assumption_sets_are_versioned_and_old_versions_stay_readable,
    a_valuation_run_is_recorded_and_reproduced,
    a_runs_claims_are_recomputed_from_its_recorded_inputs_whatever_changed_since,
    a_liquidation_analysis_is_kept_per_debtor_and_read_into_the_book,
    the_compliance_book_is_recorded_audited_and_read_into_the_indicators,
    checks_overrides_results_and_book_imports_keep_to_their_rules,
    an_override_counts_only_once_a_second_risk_officer_approves_it,
    a_quarter_is_submitted_in_versions_and_acknowledged_once,
    a_claim_outside_the_province_blocks_until_an_exception_is_recorded,
    one_building_secures_three_claims_each_at_its_own_rank,
    a_state_organ_is_honoured_wherever_it_is_read,
    the_party_graph_and_the_exposures_refuse_what_cannot_be_true,
    a_claim_or_package_flagged_px2_to_px6_blocks_its_acquisition,
    an_acquisition_submitted_twice_at_once_is_recorded_once,
    the_staff_register_is_entered_read_into_the_ledger_and_removed,
    the_company_profile_is_versioned_each_part_by_its_owner,
    party_names_are_read_for_many_ids_at_once,
    the_party_list_is_in_pinyin_order_page_by_page,
    why_an_import_did_not_load_is_kept_whole_in_each_language,
    the_committee_sits_votes_by_name_and_recuses_who_worked_on_an_item,
    an_acquisition_needs_the_committee_and_moves_the_indicators_as_its_check_said,
    an_acquisition_drawn_on_a_funding_line_moves_the_indicators_as_its_check_said,
    a_plan_goes_to_the_committee_only_through_its_gate,
    an_approved_plan_is_announced_masked_in_versions_with_its_period_in_working_days,
    the_work_calendar_is_versioned_audited_and_keeps_every_year,
    a_quarter_end_is_recorded_from_the_book_as_it_stands_when_its_turn_comes,
    a_deal_check_is_made_on_the_book_as_it_stands_when_its_turn_comes,
    an_import_attempt_ends_once_and_only_its_end_is_audited,
    an_investor_registers_once_is_screened_and_qualified_through_its_life_cycle,
);

fn person(name: &str, id: &str) -> Party {
    Party {
        name: name.into(),
        identity: PartyIdentifier::parse(id, SystemClock.now().date_naive()).unwrap().into(),
        status: PartyStatus::Active,
        address: Some("杭州市西湖区文三路1号".into()),
        phone: Some("13812345678".into()),
    }
}

async fn migrations_are_versioned_and_idempotent(t: TestStore) {
    assert_eq!(t.store.schema_version().await.unwrap(), 38);
    assert!(t.store.migrate().await.unwrap().is_empty(), "a second migrate applies nothing");
    t.store.require_current_schema().await.unwrap();
}

async fn schema_has_the_expected_columns(t: TestStore) {
    // Both dialects must end with the same tables and columns.
    let expected: BTreeMap<&str, &[&str]> = BTreeMap::from([
        (
            "assumption_sets",
            &["based_on", "body", "body_sha256", "created_at", "created_by", "id", "name", "note", "version"][..],
        ),
        ("audit_head", &["book_seq", "hash", "id", "seq"][..]),
        ("cash_flows", &["amount_fen", "due_date", "id", "inflow", "label"][..]),
        ("exposures", &["book_value_fen", "description", "id", "kind", "party_id"][..]),
        (
            "funding_instruments",
            &["channel", "id", "label", "lender_id", "line_limit_fen", "maturity_date", "principal_fen", "start_date"]
                [..],
        ),
        ("funding_payments", &["due_date", "instrument_id", "interest_fen", "principal_fen"][..]),
        ("investments", &["amount_fen", "booked_on", "description", "id", "kind"][..]),
        ("liquid_assets", &["amount_fen", "encumbered", "id", "kind", "label"][..]),
        ("net_assets", &["amount_fen", "id", "quarter_end", "source"][..]),
        ("officers", &["party_id", "role"][..]),
        ("party_links", &["control", "held_id", "holder_id", "id", "stake_bps"][..]),
        ("relatives", &["a_id", "b_id"][..]),
        ("rule_parameter_sets", &["body", "body_sha256", "created_at", "created_by", "id", "note", "version"][..]),
        ("party_attributes", &["lgfv", "licensed_fi", "party_id", "state_organ"][..]),
        (
            "indicator_results",
            &["body", "body_sha256", "created_at", "created_by", "id", "parameter_version", "quarter_end"][..],
        ),
        (
            "deal_checks",
            &[
                "as_of",
                "blocked",
                "created_at",
                "created_by",
                "id",
                "kind",
                "label",
                "package_id",
                "parameter_version",
                "result",
                "terms",
            ][..],
        ),
        ("check_overrides", &["check_id", "created_at", "created_by", "finding", "id", "reason"][..]),
        ("check_override_approvals", &["approved_at", "approved_by", "check_id", "id", "override_id"][..]),
        (
            "report_submissions",
            &["body_sha256", "id", "quarter_end", "result_id", "submitted_at", "submitted_by", "version"][..],
        ),
        ("report_acknowledgements", &["acknowledged_at", "acknowledged_by", "comment", "id", "submission_id"][..]),
        ("cross_region_exceptions", &["basis", "claim_id", "created_at", "created_by"][..]),
        ("staff", &["department", "party_id"][..]),
        (
            "company_profiles",
            &["body", "body_sha256", "created_at", "created_by", "effective_from", "id", "note", "version"][..],
        ),
        ("staff_entities", &["capacity", "entity_id", "id", "person_id"][..]),
        ("work_calendars", &["body_sha256", "created_at", "created_by", "id", "note", "version"][..]),
        ("work_calendar_days", &["calendar_id", "day", "festival", "kind", "provisional", "source", "year"][..]),
        ("asset_flags", &["claim_id", "code", "created_at", "created_by", "id", "package_id", "reason"][..]),
        ("committee_members", &["created_at", "created_by", "id", "term_from", "term_to", "title", "username"][..]),
        (
            "committee_meetings",
            &[
                "closed_at",
                "created_at",
                "created_by",
                "id",
                "minutes",
                "opened_at",
                "place",
                "scheduled_for",
                "status",
                "title",
            ][..],
        ),
        ("meeting_attendance", &["meeting_id", "username"][..]),
        (
            "committee_items",
            &[
                "check_id",
                "created_at",
                "created_by",
                "decided_at",
                "id",
                "kind",
                "meeting_id",
                "outcome",
                "package_id",
                "plan_id",
                "price_fen",
                "status",
                "tier",
                "title",
            ][..],
        ),
        ("item_workers", &["capacity", "item_id", "username"][..]),
        ("committee_votes", &["ballot", "cast_at", "id", "item_id", "reason", "username"][..]),
        (
            "disposal_plans",
            &[
                "below_reason",
                "check_id",
                "claim_id",
                "collateral_id",
                "cost_fen",
                "created_at",
                "exception_code",
                "exception_reason",
                "id",
                "method",
                "package_id",
                "prepared_by",
                "reserve_fen",
                "status",
                "subject_kind",
                "summary",
                "tier",
                "title",
                "valuation_fen",
                "valuation_run_id",
                "valuer",
            ][..],
        ),
        ("plan_team", &["plan_id", "username"][..]),
        ("plan_documents", &["bytes", "content", "id", "name", "plan_id", "sha256", "uploaded_at", "uploaded_by"][..]),
        (
            "investors",
            &[
                "decided_at",
                "decided_by",
                "email",
                "id",
                "identifier",
                "kind",
                "legal_rep",
                "name",
                "party_id",
                "phone",
                "refusal",
                "registered_at",
                "request",
                "status",
                "user_id",
            ][..],
        ),
        (
            "investor_documents",
            &["bytes", "content", "id", "investor_id", "kind", "name", "sha256", "uploaded_at", "uploaded_by"][..],
        ),
        ("registration_attempts", &["at", "client", "id"][..]),
        (
            "lots",
            &[
                "announcement_id",
                "closed_at",
                "closed_by",
                "created_at",
                "created_by",
                "deposit_fen",
                "ends_at",
                "extension_minutes",
                "id",
                "increment_fen",
                "last_seq",
                "mode",
                "outcome",
                "plan_id",
                "price_fen",
                "reserve_fen",
                "scheduled_end",
                "start_price_fen",
                "starts_at",
                "status",
                "title",
                "winner_id",
            ][..],
        ),
        (
            "lot_deposits",
            &[
                "amount_fen",
                "confirmed_at",
                "confirmed_by",
                "id",
                "investor_id",
                "lot_id",
                "recorded_at",
                "reference",
                "settled_at",
                "status",
            ][..],
        ),
        (
            "ledger_entries",
            &[
                "entry_date",
                "id",
                "kind",
                "memo",
                "package_id",
                "posted_at",
                "posted_by",
                "reverses_id",
                "valuation_run_id",
            ][..],
        ),
        ("ledger_lines", &["account", "amount_fen", "case_id", "claim_id", "entry_id", "line_no", "side"][..]),
        (
            "ledger_receipts",
            &[
                "amount_fen",
                "case_id",
                "claim_id",
                "costs_fen",
                "court_ordered",
                "entry_id",
                "interest_fen",
                "payer",
                "principal_fen",
                "source",
            ][..],
        ),
        ("ledger_expenses", &["amount_fen", "case_id", "claim_id", "entry_id", "kind", "payee"][..]),
        (
            "statement_lines",
            &[
                "amount_fen",
                "candidates",
                "entry_id",
                "file_name",
                "fingerprint",
                "id",
                "imported_at",
                "imported_by",
                "line_date",
                "note",
                "payer",
                "reference",
                "status",
            ][..],
        ),
        ("lot_bidders", &["admitted_at", "investor_id", "lot_id", "number"][..]),
        ("lot_bids", &["amount_fen", "at", "investor_id", "lot_id", "seq"][..]),
        ("lot_sealed_bids", &["amount_fen", "at", "investor_id", "lot_id", "replaced_by", "salt", "seq"][..]),
        ("lot_openings", &["lot_id", "opened_at", "opened_by", "opening", "requested_at", "requested_by"][..]),
        (
            "sales",
            &[
                "balance_due_fen",
                "buyer_id",
                "claim_id",
                "collateral_id",
                "cost_fen",
                "deposit_applied_fen",
                "id",
                "lot_id",
                "package_id",
                "plan_id",
                "price_fen",
                "recorded_at",
                "recorded_by",
                "recovery_fen",
                "reserve_fen",
                "sold_on",
                "subject_kind",
                "valuation_fen",
            ][..],
        ),
        ("case_agencies", &["created_at", "created_by", "fee_model", "fixed_fen", "id", "kind", "name", "rate_bp"][..]),
        ("cases", &["agency_id", "claim_id", "court", "id", "note", "opened_at", "opened_by", "opened_on"][..]),
        (
            "case_stages",
            &["case_id", "case_no", "happened_on", "id", "note", "recorded_at", "recorded_by", "seq", "stage"][..],
        ),
        ("case_interruptions", &["case_id", "happened_on", "id", "kind", "note", "recorded_at", "recorded_by"][..]),
        ("case_stage_withdrawals", &["case_id", "id", "reason", "stage_id", "withdrawn_at", "withdrawn_by"][..]),
        (
            "case_tasks",
            &[
                "assignee",
                "case_id",
                "created_at",
                "created_by",
                "done_at",
                "done_by",
                "due_on",
                "id",
                "status",
                "title",
            ][..],
        ),
        (
            "announcements",
            &[
                "asset_kind",
                "bidding_opens_on",
                "body",
                "body_sha256",
                "created_at",
                "created_by",
                "id",
                "method",
                "period_ends_on",
                "plan_id",
                "province",
                "published_at",
                "published_by",
                "reserve_fen",
                "status",
                "version",
            ][..],
        ),
        (
            "audit_log",
            &["action", "actor", "after_json", "at", "before_json", "entity", "entity_id", "hash", "prev_hash", "seq"]
                [..],
        ),
        ("claim_collateral", &["claim_id", "collateral_id", "lien_rank"][..]),
        (
            "claims",
            &[
                "advanced_costs_fen",
                "contract_no",
                "days_past_due",
                "debtor_id",
                "default_date",
                "five_class",
                "id",
                "interest_fen",
                "limitation_date",
                "litigation_stage",
                "package_id",
                "penalty_fen",
                "principal_fen",
                "product",
                "province",
                "written_off",
            ][..],
        ),
        (
            "collateral",
            &[
                "address",
                "appraisal_date",
                "appraised_value_fen",
                "collateral_type",
                "description",
                "id",
                "owner_id",
                "prior_claims_fen",
                "province",
            ][..],
        ),
        ("company", &["id", "licence_no", "licensed_on", "name", "province", "uscc"][..]),
        ("guarantees", &["cap_fen", "claim_id", "guarantor_id", "id", "kind"][..]),
        (
            "liquidation_analyses",
            &[
                "basis",
                "effective_assets_fen",
                "effective_liabilities_fen",
                "id",
                "party_id",
                "priority_deductions_fen",
                "secured_claims_fen",
                "secured_recoveries_fen",
            ][..],
        ),
        ("login_failures", &["at", "client", "id", "username"][..]),
        ("mapping_profiles", &["field", "header", "id", "transferor_identifier"][..]),
        (
            "packages",
            &[
                "acquired_on",
                "code",
                "cutoff_date",
                "id",
                "name",
                "price_fen",
                "status",
                "transferor_id",
                "valuation_basis",
            ][..],
        ),
        (
            "parties",
            &[
                "address",
                "id",
                "id_as_written",
                "identifier",
                "kind",
                "name",
                "name_key",
                "phone",
                "province",
                "status",
            ][..],
        ),
        ("schema_migrations", &["applied_at", "name", "version"][..]),
        ("schema_restatements", &["restated_at", "version"][..]),
        // Background runs (issue 17, migration 0036).
        (
            "runs",
            &[
                "created_at",
                "done",
                "error",
                "finished_at",
                "id",
                "kind",
                "package_code",
                "package_id",
                "process",
                "requested_by",
                "result_id",
                "stage",
                "state",
                "total",
                "updated_at",
            ][..],
        ),
        ("sessions", &["created_at", "csrf_token", "expires_at", "last_seen_at", "token_hash", "user_id"][..]),
        (
            "tape_import_attempts",
            &[
                "detail",
                "file_name",
                "file_sha256",
                "finished_at",
                "id",
                "import_id",
                "outcome",
                "package_code",
                "process",
                "started_at",
                "started_by",
            ][..],
        ),
        (
            "tape_imports",
            &[
                "claims_loaded",
                "completeness_pct",
                "cutoff_date",
                "diff_json",
                "file_name",
                "file_sha256",
                "id",
                "imported_at",
                "imported_by",
                "package_id",
                "policy",
                "report_json",
                "rows_read",
                "rows_rejected",
                "version",
                "warnings",
            ][..],
        ),
        ("users", &["active", "created_at", "display_name", "id", "password_hash", "role", "username"][..]),
        ("valuation_claims", &["allocation_fen", "claim_id", "pv_fen", "result", "run_id"][..]),
        ("valuation_reviews", &["id", "reviewed_at", "reviewed_by", "run_id"][..]),
        ("valuation_run_claims", &["inputs", "run_id", "summary"][..]),
        (
            "valuation_runs",
            &[
                "assumption_set_id",
                "assumption_sha256",
                "bid_fen",
                "created_at",
                "created_by",
                "id",
                "input_sha256",
                "model_version",
                "package_id",
                "price_fen",
                "results",
                "scenarios",
                "seed",
                "stress",
                "tape_import_id",
                "target_irr_bps",
                "valuation_date",
            ][..],
        ),
    ]);
    let actual = t.store.schema_columns().await.unwrap();
    let actual: BTreeMap<&str, Vec<&str>> =
        actual.iter().map(|(t, cols)| (t.as_str(), cols.iter().map(String::as_str).collect())).collect();
    let expected: BTreeMap<&str, Vec<&str>> = expected.into_iter().map(|(t, c)| (t, c.to_vec())).collect();
    assert_eq!(actual, expected);
}

async fn parties_round_trip_and_duplicates_are_refused(t: TestStore) {
    let s = &t.store;
    let p = person("张三", "11010519491231002X");
    let mut tx = s.write("acquisition").await.unwrap();
    let id = tx.insert_party(&p).await.unwrap();
    tx.commit().await.unwrap();
    let back = s.party(id).await.unwrap().unwrap();
    assert_eq!(back.data, p);
    assert_eq!(s.party_by_identifier("11010519491231002X").await.unwrap().unwrap().id, id);

    let mut tx = s.write("acquisition").await.unwrap();
    let err = tx.insert_party(&person("张三丰", "11010519491231002X")).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate(ref what) if what.zh.contains("11010519491231002X") && what.en.contains("11010519491231002X")),
        "{err}"
    );
    drop(tx);

    let (found, total) =
        s.parties(&PartyFilter { query: Some("张".into()), limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!((found.len(), total), (1, 1));
    // An ID number as people write it, spaces and hyphens and all, finds its party.
    for q in ["110105 19491231 002X", "110105-1949", "11010519491231002x"] {
        let (found, _) =
            s.parties(&PartyFilter { query: Some(q.into()), limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(found.iter().map(|r| r.party.id).collect::<Vec<_>>(), [id], "{q}");
    }
    let records = s.audit_of("party", &id.to_string()).await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].actor, "acquisition");
    assert_eq!(records[0].action, "create");
}

async fn a_failed_write_leaves_nothing_behind(t: TestStore) {
    let s = &t.store;
    let audit_before = s.audit_count().await.unwrap();
    let mut tx = s.write("acquisition").await.unwrap();
    let party = tx.insert_party(&person("李四", "11010519491231002X")).await.unwrap();
    let bad = Package {
        code: "X-1".into(),
        name: "no such transferor".into(),
        transferor_id: party + 1_000,
        cutoff_date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        status: PackageStatus::Screening,
        acquired_on: None,
        price: None,
        valuation_basis: huajie_core::ValuationBasis::ClaimByClaim,
    };
    assert!(tx.insert_package(&bad).await.is_err(), "a package with an unknown transferor is refused");
    drop(tx); // rolled back
    assert!(s.party(party).await.unwrap().is_none());
    assert_eq!(s.audit_count().await.unwrap(), audit_before);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn load_demo(t: &TestStore) -> huajie_demo::DemoCompany {
    let demo = huajie_demo::generate();
    let outcome = huajie_demo::load(&t.store, &demo, |_| "not-a-real-hash".to_string()).await.unwrap();
    assert!(matches!(outcome, huajie_demo::LoadOutcome::Loaded { .. }));
    demo
}

async fn the_demo_loads_and_its_sums_are_exact(t: TestStore) {
    let demo = load_demo(&t).await;
    let s = &t.store;
    // A second load writes nothing.
    let audit = s.audit_count().await.unwrap();
    assert_eq!(
        huajie_demo::load(s, &demo, |_| "x".to_string()).await.unwrap(),
        huajie_demo::LoadOutcome::AlreadyLoaded
    );
    assert_eq!(s.audit_count().await.unwrap(), audit);

    let claims: Vec<&huajie_demo::DemoClaim> = demo.packages.iter().flat_map(|p| &p.claims).collect();
    let fen = |f: fn(&huajie_demo::DemoClaim) -> Money| claims.iter().map(|c| f(c).fen() as i128).sum::<i128>();
    let total = fen(|c| c.principal) + fen(|c| c.interest) + fen(|c| c.penalty) + fen(|c| c.advanced_costs);

    let d = s.dashboard().await.unwrap();
    assert_eq!(d.packages, 3);
    assert_eq!(d.claims as usize, claims.len());
    assert_eq!(d.principal.fen() as i128, fen(|c| c.principal));
    assert_eq!(d.total_claim.fen() as i128, total);
    assert_eq!(d.collateral_items as usize, demo.collateral.len());
    let appraised: i128 = demo.collateral.iter().map(|c| c.appraised_value.fen() as i128).sum();
    assert_eq!(d.appraised_collateral.fen() as i128, appraised);
    // The breakdowns add up to the totals.
    assert_eq!(d.by_province.iter().map(|s| s.amount.fen() as i128).sum::<i128>(), total);
    assert_eq!(d.by_collateral_type.iter().map(|s| s.count).sum::<i64>(), d.collateral_items);
    assert!(d.by_province.iter().any(|s| s.key == "33"));
    assert!(d.by_province.iter().any(|s| s.key != "33"), "some debtors are outside Zhejiang");
    assert!(d.by_collateral_type.iter().any(|s| s.key == CollateralType::Industrial.code()));

    let packages = s.packages().await.unwrap();
    assert_eq!(packages.len(), 3);
    for (summary, generated) in packages.iter().zip(&demo.packages) {
        assert_eq!(summary.package.data.code, generated.code);
        assert_eq!(summary.claim_count as usize, generated.claims.len());
        let principal: i64 = generated.claims.iter().map(|c| c.principal.fen()).sum();
        assert_eq!(summary.principal.fen(), principal);
        assert_eq!(summary.transferor.data.name, demo.parties[generated.transferor].name);
    }
    assert_eq!(s.claims_of_package(packages[0].package.id).await.unwrap().len(), demo.packages[0].claims.len());

    let (parties, total) = s.parties(&PartyFilter { limit: 10_000, ..Default::default() }).await.unwrap();
    // The tapes' parties, those of the compliance book (company, shareholders, officers, their
    // companies), and the investors new to the graph.
    assert_eq!(total as usize, demo.parties.len() + huajie_demo::compliance::PARTIES + huajie_demo::investors::PARTIES);
    assert_eq!(parties.iter().map(|r| r.debts).sum::<i64>() as usize, claims.len());
    let guarantees: usize = claims.iter().map(|c| c.guarantees.len()).sum();
    assert_eq!(parties.iter().map(|r| r.guarantees).sum::<i64>() as usize, guarantees);

    // Through the tapes, nothing the demo draws is lost: every party as drawn, each
    // package's standing and price, each claim's guarantees (kind and cap) and collateral.
    let as_drawn = |p: &Party| {
        (
            p.identity.id_text().unwrap_or_default().to_string(),
            p.name.clone(),
            p.status,
            p.address.clone(),
            p.phone.clone(),
        )
    };
    let mut drawn: Vec<_> = demo.parties.iter().map(as_drawn).collect();
    let tapes: std::collections::HashSet<String> = drawn.iter().map(|d| d.0.clone()).collect();
    let mut stored: Vec<_> = parties.iter().map(|r| as_drawn(&r.party.data)).filter(|p| tapes.contains(&p.0)).collect();
    stored.sort();
    drawn.sort();
    assert_eq!(stored, drawn);
    for (summary, generated) in packages.iter().zip(&demo.packages) {
        let p = &summary.package.data;
        assert_eq!(
            (p.status, p.acquired_on, p.price),
            (generated.status, generated.acquired_on, generated.price),
            "{}",
            p.code
        );
        let rows = s.claims_of_package(summary.package.id).await.unwrap();
        for c in &generated.claims {
            let row = rows.iter().find(|r| r.claim.data.contract_no == c.contract_no).unwrap();
            assert_eq!(row.claim.data.advanced_costs, c.advanced_costs);
            assert_eq!(row.claim.data.limitation_date, c.limitation_date);
            let mut got: Vec<_> = s
                .guarantees_of_claim(row.claim.id)
                .await
                .unwrap()
                .into_iter()
                .map(|g| {
                    (
                        g.guarantor.data.identity.id_text().unwrap_or_default().to_string(),
                        g.guarantee.data.kind,
                        g.guarantee.data.cap,
                    )
                })
                .collect();
            let mut want: Vec<_> = c
                .guarantees
                .iter()
                .map(|g| {
                    (demo.parties[g.guarantor].identity.id_text().unwrap_or_default().to_string(), Some(g.kind), g.cap)
                })
                .collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{}", c.contract_no);
        }
    }
    for m in &demo.collateral {
        let (pi, ci) = m.secures[0];
        let contract = &demo.packages[pi].claims[ci].contract_no;
        let row = s
            .claims_of_package(packages[pi].package.id)
            .await
            .unwrap()
            .into_iter()
            .find(|r| &r.claim.data.contract_no == contract)
            .unwrap();
        let items = s.collateral_of_claim(row.claim.id).await.unwrap();
        let item = items
            .iter()
            .find(|i| i.collateral.data.description == m.description)
            .unwrap_or_else(|| panic!("{contract}: {}", m.description));
        let d = &item.collateral.data;
        assert_eq!(
            (d.collateral_type, d.appraised_value, item.rank_for(row.claim.id), d.prior_claims),
            (m.collateral_type, m.appraised_value, Some(m.lien_rank), m.prior_claims)
        );
        assert_eq!(item.secures.len(), m.secures.len());
        assert!(item.secures.iter().all(|l| l.lien_rank == m.lien_rank), "each link at the rank the tape gave");
    }
}

async fn claim_detail_shows_shared_collateral_and_guarantors(t: TestStore) {
    let demo = load_demo(&t).await;
    let s = &t.store;
    let (pi, ci) = demo.collateral.iter().find(|c| c.secures.len() > 1).unwrap().secures[0];
    let package = &s.packages().await.unwrap()[pi];
    let contract = &demo.packages[pi].claims[ci].contract_no;
    let rows = s.claims_of_package(package.package.id).await.unwrap();
    let row = rows.iter().find(|r| &r.claim.data.contract_no == contract).unwrap();
    let collateral = s.collateral_of_claim(row.claim.id).await.unwrap();
    assert!(collateral.iter().any(|c| c.secures.len() > 1), "the shared item lists every claim it secures");
    assert!(collateral.iter().all(|c| c.secures.iter().any(|l| l.claim_id == row.claim.id)));

    let (gpi, gci) = demo
        .packages
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| p.claims.iter().enumerate().map(move |(ci, c)| (pi, ci, c)))
        .find(|(_, _, c)| !c.guarantees.is_empty())
        .map(|(pi, ci, _)| (pi, ci))
        .unwrap();
    let generated = &demo.packages[gpi].claims[gci];
    let package = &s.packages().await.unwrap()[gpi];
    let rows = s.claims_of_package(package.package.id).await.unwrap();
    let row = rows.iter().find(|r| r.claim.data.contract_no == generated.contract_no).unwrap();
    let guarantees = s.guarantees_of_claim(row.claim.id).await.unwrap();
    assert_eq!(guarantees.len(), generated.guarantees.len());
    assert_eq!(guarantees[0].guarantor.data.name, demo.parties[generated.guarantees[0].guarantor].name);
    assert_eq!(guarantees[0].guarantee.data.cap, generated.guarantees[0].cap);
    assert!(!s.guarantees_by(guarantees[0].guarantor.id).await.unwrap().is_empty());
}

async fn the_audit_chain_verifies_and_catches_tampering(t: TestStore) {
    load_demo(&t).await;
    let s = &t.store;
    let report = s.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{:?}", report.findings);
    // Every row of the demo is checked, those the tapes created in bulk included.
    assert!(report.rows_checked > 1_000, "{} rows", report.rows_checked);
    assert!(report.records > 20, "{} records", report.records);

    // A claim altered by hand, outside the store.
    t.tamper("UPDATE claims SET principal_fen = principal_fen + 1 WHERE id = 5").await;
    let report = s.verify_audit().await.unwrap();
    assert!(
        matches!(&report.findings[..], [AuditFinding::RowChanged { entity, entity_id, .. }] if entity == "claim" && entity_id == "5"),
        "{:?}",
        report.findings
    );
    t.tamper("UPDATE claims SET principal_fen = principal_fen - 1 WHERE id = 5").await;
    assert!(s.verify_audit().await.unwrap().is_intact());

    // An audit record altered by hand.
    t.tamper("UPDATE audit_log SET actor = 'mallory' WHERE seq = 10").await;
    let report = s.verify_audit().await.unwrap();
    assert_eq!(report.findings, vec![AuditFinding::Chain { seq: 10, problem: ChainBreak::Altered { seq: 10 } }]);
    assert!(report.findings[0].describe().contains("#10"));
    t.tamper("UPDATE audit_log SET actor = 'system' WHERE seq = 10").await;
    assert!(s.verify_audit().await.unwrap().is_intact());

    // The last records deleted.
    let last = s.audit_count().await.unwrap();
    t.tamper(&format!("DELETE FROM audit_log WHERE seq = {last}")).await;
    let report = s.verify_audit().await.unwrap();
    assert_eq!(report.findings, vec![AuditFinding::Head { head_seq: last, last_seq: last - 1 }]);
}

async fn concurrent_writers_keep_one_chain(t: TestStore) {
    let store = t.store.clone();
    let mut tasks = Vec::new();
    for w in 0..6u32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..5u32 {
                let n = w * 5 + i;
                let id = huajie_core::ResidentId::with_check_char(&format!("33010619800101{n:03}")).unwrap();
                let mut tx = store.write(&format!("writer{w}")).await.unwrap();
                tx.insert_party(&person("并发", id.as_str())).await.unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(store.audit_count().await.unwrap(), 30);
    let report = store.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{:?}", report.findings);
}

async fn new_user(t: &TestStore, username: &str) -> huajie_store::User {
    let mut tx = t.store.write("admin").await.unwrap();
    let id = tx
        .insert_user(&NewUser {
            username: username.into(),
            display_name: "测试".into(),
            role: Role::Valuer,
            password_hash: "h".into(),
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    t.store.user(id).await.unwrap().unwrap()
}

async fn sessions_expire_and_end_with_the_account(t: TestStore) {
    let s = &t.store;
    let user = new_user(&t, "valuer1").await;
    let live_attempt =
        s.reserve_login_attempt(&user.username, "127.0.0.1", |_, _| Ok(())).await.unwrap().granted().unwrap();
    let stale_attempt =
        s.reserve_login_attempt(&user.username, "127.0.0.1", |_, _| Ok(())).await.unwrap().granted().unwrap();
    s.open_session("live", &user, "csrf1", SystemClock.now() + Duration::hours(1), live_attempt).await.unwrap();
    s.open_session("stale", &user, "csrf2", SystemClock.now() - Duration::seconds(1), stale_attempt).await.unwrap();
    let idle = Duration::minutes(30);
    let live = s.session("live", idle).await.unwrap().unwrap();
    assert_eq!((live.user.id, live.csrf_token.as_str()), (user.id, "csrf1"));
    assert!(s.session("stale", idle).await.unwrap().is_none(), "an expired session is refused");
    assert!(s.session("nonsense", idle).await.unwrap().is_none());
    assert!(s.session("live", Duration::zero()).await.unwrap().is_none(), "an idle session is refused");

    let mut tx = s.write("admin").await.unwrap();
    tx.update_user(user.id, "测试", Role::Valuer, false).await.unwrap();
    tx.commit().await.unwrap();
    assert!(s.session("live", idle).await.unwrap().is_none(), "disabling an account ends its sessions");
    let history = s.audit_of("user", &user.id.to_string()).await.unwrap();
    assert_eq!(history.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(), ["create", "update"]);
    assert!(!history[0].after.as_deref().unwrap().contains("\"h\""), "the password hash is not in the audit log");
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn login_failures_are_counted(t: TestStore) {
    let s = &t.store;
    let allow = |_: &huajie_core::throttle::Tally, _| Ok(());
    for _ in 0..3 {
        let attempt = s.reserve_login_attempt("risk", "10.0.0.1", allow).await.unwrap().granted().unwrap();
        s.record_login_failure(attempt).await.unwrap();
    }
    // An attempt under way counts as a failure until it succeeds.
    let _pending = s.reserve_login_attempt("finance", "10.0.0.1", allow).await.unwrap().granted().unwrap();
    let t1 = s.login_tally("risk", "10.0.0.1").await.unwrap();
    assert_eq!((t1.pair, t1.account, t1.source), (3, 3, 4));
    assert!(t1.pair_latest.is_some() && t1.account_oldest <= t1.pair_latest);
    let t2 = s.login_tally("risk", "10.0.0.2").await.unwrap();
    assert_eq!((t2.pair, t2.account, t2.source), (0, 3, 0));
    assert_eq!(t2.pair_latest, None);
    // The decision is taken with the tally of this very transaction, and a refusal reserves nothing.
    let refused = s
        .reserve_login_attempt("risk", "10.0.0.1", |t, _| if t.pair >= 3 { Err(Duration::minutes(1)) } else { Ok(()) })
        .await
        .unwrap();
    assert!(matches!(refused, Reservation::Wait(w) if w == Duration::minutes(1)), "{refused:?}");
    assert_eq!(s.login_tally("risk", "10.0.0.1").await.unwrap().pair, 3);
    // A success forgets the failures from its own source only.
    let user = new_user(&t, "risk").await;
    let elsewhere = s.reserve_login_attempt("risk", "10.0.0.9", allow).await.unwrap().granted().unwrap();
    s.record_login_failure(elsewhere).await.unwrap();
    let attempt = s.reserve_login_attempt("risk", "10.0.0.1", allow).await.unwrap().granted().unwrap();
    s.open_session("tok", &user, "csrf", SystemClock.now() + Duration::hours(1), attempt).await.unwrap();
    let after = s.login_tally("risk", "10.0.0.1").await.unwrap();
    assert_eq!((after.pair, after.account), (0, 1), "the failure from 10.0.0.9 still counts");
    let failed = s.audit_log(20, 0).await.unwrap().iter().filter(|r| r.action == "login_failed").count();
    assert_eq!(failed, 4);
}

async fn an_audit_record_keeps_a_bounded_length_of_user_text(t: TestStore) {
    use huajie_store::audit::AUDIT_TEXT_CHARS_MAX;
    let s = &t.store;
    // 3.9 MB of user name, as a failed login once wrote it whole; multi-byte, to cut on a boundary.
    let huge = "名".repeat(1_300_000);
    let mut tx = s.write(&huge).await.unwrap();
    tx.audit_event("login_failed", "session", &huge, serde_json::json!({ "username": huge, "nested": [huge] }))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let r = s.audit_log(1, 0).await.unwrap().remove(0);
    let stored = r.actor.len() + r.entity_id.len() + r.after.as_deref().unwrap().len();
    assert!(stored < 5 * 4 * AUDIT_TEXT_CHARS_MAX, "{stored} bytes kept");
    assert!(r.entity_id.starts_with(&"名".repeat(AUDIT_TEXT_CHARS_MAX)) && r.entity_id.contains("1300000"));
    let detail: serde_json::Value = serde_json::from_str(r.after.as_deref().unwrap()).unwrap();
    assert_eq!(detail["username"], detail["nested"][0]);
    assert!(detail["username"].as_str().unwrap().contains("已截断"));
    assert!(s.verify_audit().await.unwrap().is_intact(), "the chain holds what was written");
}

async fn money_extremes_survive_storage(t: TestStore) {
    let s = &t.store;
    let mut tx = s.write("system").await.unwrap();
    let bank = tx.insert_party(&person("银行", "91440300708461136T")).await.unwrap();
    let package = tx
        .insert_package(&Package {
            code: "MAX".into(),
            name: "极值".into(),
            transferor_id: bank,
            cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            status: PackageStatus::Screening,
            acquired_on: None,
            price: Some(Money::from_fen(1)),
            valuation_basis: huajie_core::ValuationBasis::ClaimByClaim,
        })
        .await
        .unwrap();
    let claim = Claim {
        package_id: package,
        contract_no: "C-MAX".into(),
        debtor_id: bank,
        principal: Money::from_fen(i64::MAX / 4),
        interest: Money::from_fen(1),
        penalty: Money::ZERO,
        advanced_costs: Money::from_fen(99),
        five_class: Some(FiveClass::Loss),
        litigation_stage: Some(LitigationStage::Terminated),
        default_date: None,
        limitation_date: None,
        province: None,
        product: None,
        days_past_due: None,
        written_off: None,
    };
    let id = tx.insert_claim(&claim).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(s.claim(id).await.unwrap().unwrap().claim.data, claim);
    let summary = s.package(package).await.unwrap().unwrap();
    assert_eq!(summary.total, claim.total().unwrap());
}

async fn a_nationally_registered_party_has_no_province(t: TestStore) {
    let s = &t.store;
    let bank = Party {
        name: "某国有大型商业银行".into(),
        identity: PartyIdentifier::Uscc(huajie_core::Uscc::parse("91100000100003962T").unwrap()).into(),
        status: PartyStatus::Active,
        address: None,
        phone: None,
    };
    let mut tx = s.write("system").await.unwrap();
    let id = tx.insert_party(&bank).await.unwrap();
    let package = tx
        .insert_package(&Package {
            code: "N-1".into(),
            name: "national".into(),
            transferor_id: id,
            cutoff_date: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            status: PackageStatus::Screening,
            acquired_on: None,
            price: None,
            valuation_basis: huajie_core::ValuationBasis::ClaimByClaim,
        })
        .await
        .unwrap();
    let claim = Claim {
        package_id: package,
        contract_no: "N-C-1".into(),
        debtor_id: id,
        principal: Money::from_fen(100),
        interest: Money::ZERO,
        penalty: Money::ZERO,
        advanced_costs: Money::ZERO,
        five_class: None,
        litigation_stage: None,
        default_date: None,
        limitation_date: None,
        province: None,
        product: None,
        days_past_due: None,
        written_off: None,
    };
    tx.insert_claim(&claim).await.unwrap();
    tx.commit().await.unwrap();
    let back = s.party(id).await.unwrap().unwrap();
    assert_eq!(back.data, bank);
    assert_eq!(back.data.province(), None);
    let d = s.dashboard().await.unwrap();
    assert_eq!(d.by_province.len(), 1);
    assert_eq!((d.by_province[0].key.as_str(), d.by_province[0].count), ("", 1), "unknown province is its own slice");
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// A tape of `rows` claims: row 1 and the last row are the same borrower giving the same
/// house, so one collateral item secures two claims written in different chunks; every
/// tenth row has a guarantor.
fn chunked_tape(rows: usize) -> String {
    // A distinct resident ID per n: the birth date moves on every thousand.
    let person = |n: usize| {
        let born = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + Duration::days((n / 1000) as i64);
        huajie_core::ResidentId::with_check_char(&format!("330106{}{:03}", born.format("%Y%m%d"), n % 1000)).unwrap()
    };
    let company = "91330100MA2AYA1GX3";
    let mut csv = String::from(
        "借款合同编号,借款人名称,证件号码,本金余额,抵押物类型,抵押物地址,评估价值,保证人名称,保证人证件号码\n",
    );
    for i in 0..rows {
        let (debtor, id) = if i == 0 || i == rows - 1 {
            ("杭州某某公司".to_string(), company.to_string())
        } else {
            (format!("借款人{i}"), person(i).as_str().to_string())
        };
        let collateral = if i == 0 || i == rows - 1 { "住宅,杭州市西湖区文三路1号,1200000" } else { ",," };
        let guarantor = if i % 10 == 5 { format!("保证人{i},{}", person(i + 100_000).as_str()) } else { ",".into() };
        csv.push_str(&format!("HT{i:05},{debtor},{id},{}.00,{collateral},{guarantor}\n", 10_000 + i));
    }
    csv
}

async fn a_streamed_import_is_written_in_chunks_and_audited_row_by_row(t: TestStore) {
    use huajie_store::{FileImport, ImportOutcome, PackageTarget, TapeFile};
    let s = &t.store;
    // More claims than one chunk of the writer (5,000), fewer than a million: the
    // shared house's second claim is in the second chunk.
    let rows = 5_003;
    let csv = chunked_tape(rows);
    let transferor = person("某银行", "91330100MA2AYA1GX3");
    let bytes = csv.clone().into_bytes();
    let tape = TapeFile {
        name: "chunked.csv".into(),
        sha256: "0".repeat(64),
        reader: std::io::Cursor::new(bytes.clone()),
        bytes: Box::new(move || Ok(bytes)),
        options: huajie_tape::SheetOptions {
            cutoff_date: NaiveDate::from_ymd_opt(2026, 6, 30),
            today: s.clock().today(),
            personal_batch: false,
        },
        profile: Default::default(),
    };
    let target = PackageTarget::New { code: "BULK-1".into(), name: "分块".into(), transferor };
    let FileImport::Read { read, outcome: ImportOutcome::Loaded { counts, .. }, .. } =
        s.import_tape_file("acquisition", target, huajie_tape::ImportPolicy::Strict, tape).await.unwrap()
    else {
        panic!("the tape loads")
    };
    assert_eq!(read.valid_claims, rows, "{:?}", read.problems.first());
    assert!(read.claims.is_empty(), "streamed: the claims are not held");
    assert_eq!(counts.claims, rows);
    assert_eq!(counts.collateral, 1, "the same house of the same borrower is one item");
    // The borrower of rows 1 and 5,003 is the transferor's own identifier here: reused.
    assert_eq!(counts.parties_reused, 1);
    assert_eq!(counts.guarantees, rows / 10 + usize::from(rows % 10 > 5));

    let package = s.package_id_by_code("BULK-1").await.unwrap().unwrap();
    let claims = s.claims_of_package(package).await.unwrap();
    let first = claims.iter().find(|c| c.claim.data.contract_no == "HT00000").unwrap();
    let last = claims.iter().find(|c| c.claim.data.contract_no == format!("HT{:05}", rows - 1)).unwrap();
    let items = s.collateral_of_claim(last.claim.id).await.unwrap();
    assert_eq!(items.len(), 1);
    let mut secured: Vec<i64> = items[0].secures.iter().map(|l| l.claim_id).collect();
    secured.sort();
    assert_eq!(secured, vec![first.claim.id, last.claim.id], "one item securing claims of two chunks");
    assert_eq!(last.claim.data.principal, Money::from_fen((10_000 + rows as i64 - 1) * 100));

    // Bulk records, not one per row; and every row is still checked.
    let records = s.audit_count().await.unwrap();
    assert!(records < 40, "{records} audit records");
    let report = s.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{:?}", report.findings);
    assert!(report.rows_checked > 2 * rows, "{} rows checked", report.rows_checked);

    // A bulk-written claim altered by hand is named.
    t.tamper(&format!("UPDATE claims SET principal_fen = principal_fen + 1 WHERE id = {}", last.claim.id)).await;
    let report = s.verify_audit().await.unwrap();
    assert!(
        matches!(&report.findings[..], [AuditFinding::RowChanged { entity, entity_id, .. }] if entity == "claim" && *entity_id == last.claim.id.to_string()),
        "{:?}",
        report.findings
    );
    t.tamper(&format!("UPDATE claims SET principal_fen = principal_fen - 1 WHERE id = {}", last.claim.id)).await;
    // A link removed by hand is missed.
    t.tamper(&format!("DELETE FROM claim_collateral WHERE claim_id = {}", first.claim.id)).await;
    let report = s.verify_audit().await.unwrap();
    assert!(
        matches!(&report.findings[..], [AuditFinding::RowMissing { entity, .. }] if entity == "claim_collateral"),
        "{:?}",
        report.findings
    );
}

async fn a_new_tape_lists_what_changed_in_collateral_and_guarantors(t: TestStore) {
    use huajie_store::{ImportOutcome, PackageTarget};
    let s = &t.store;
    let header = "借款合同编号,借款人名称,证件号码,本金余额,抵押物类型,抵押物地址,评估价值,保证人名称,保证人证件号码";
    let g1 = huajie_core::ResidentId::with_check_char("33010619800101001").unwrap();
    let g2 = huajie_core::ResidentId::with_check_char("33010619800101002").unwrap();
    let read = |csv: String| {
        let options = huajie_tape::SheetOptions {
            cutoff_date: NaiveDate::from_ymd_opt(2026, 6, 30),
            today: s.clock().today(),
            personal_batch: false,
        };
        let (_, rows) = huajie_tape::open_csv(std::io::Cursor::new(csv.into_bytes())).unwrap();
        huajie_tape::read_claims(rows, options).unwrap()
    };
    let v1 = read(format!(
        "{header}\nHT-1,杭州某某公司,91330100MA2AYA1GX3,1000000,住宅,杭州市西湖区文三路1号,1000000,张保,{}\n",
        g1.as_str()
    ));
    let target = PackageTarget::New {
        code: "SEC-1".into(),
        name: "担保变化".into(),
        transferor: person("某银行", "91110000100006522R"),
    };
    let loaded =
        s.import_tape("acquisition", &target, "v1.csv", "a", huajie_tape::ImportPolicy::Strict, &v1).await.unwrap();
    assert!(matches!(loaded, ImportOutcome::Loaded { .. }));
    let package = s.package_id_by_code("SEC-1").await.unwrap().unwrap();

    // The house revalued; the first guarantor gone, another one instead.
    let v2 = read(format!(
        "{header}\nHT-1,杭州某某公司,91330100MA2AYA1GX3,1000000,住宅,杭州市西湖区文三路1号,1200000,李保,{}\n",
        g2.as_str()
    ));
    let ImportOutcome::Loaded { diff: Some(d), counts, .. } = s
        .import_tape(
            "acquisition",
            &PackageTarget::Existing(package),
            "v2.csv",
            "b",
            huajie_tape::ImportPolicy::Strict,
            &v2,
        )
        .await
        .unwrap()
    else {
        panic!("the second tape loads")
    };
    assert_eq!((d.unchanged, d.changed.len(), counts.claims_updated), (0, 1, 0), "{d:?}");
    let changes: Vec<(&str, &str, &str)> =
        d.changed[0].changes.iter().map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str())).collect();
    assert_eq!(
        changes,
        vec![
            ("appraised_value", "residential 杭州市西湖区文三路1号 1,000,000.00", "1,200,000.00"),
            ("guarantor_name", "—", &*format!("李保 {}", g2.as_str())),
            ("guarantor_name", &*format!("张保 {}", g1.as_str()), "—"),
        ]
    );
    // Listed, not applied.
    let claim = s.claims_of_package(package).await.unwrap().remove(0);
    let items = s.collateral_of_claim(claim.claim.id).await.unwrap();
    assert_eq!(items[0].collateral.data.appraised_value, Money::from_fen(100_000_000));

    // A tape without collateral or guarantor columns says nothing about them.
    let v3 = read("借款合同编号,借款人名称,证件号码,本金余额\nHT-1,杭州某某公司,91330100MA2AYA1GX3,1000000\n".into());
    let ImportOutcome::Loaded { diff: Some(d), .. } = s
        .import_tape(
            "acquisition",
            &PackageTarget::Existing(package),
            "v3.csv",
            "c",
            huajie_tape::ImportPolicy::Strict,
            &v3,
        )
        .await
        .unwrap()
    else {
        panic!("the third tape loads")
    };
    assert!(d.changed.is_empty() && d.unchanged == 1, "{d:?}");
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn assumption_sets_are_versioned_and_old_versions_stay_readable(t: TestStore) {
    let s = &t.store;
    let default = s.default_assumption_set().await.unwrap();
    assert_eq!((default.name.as_str(), default.version), (huajie_store::DEFAULT_ASSUMPTION_SET, 1));
    assert_eq!(default.assumptions, huajie_value::Assumptions::default());
    // Asking again does not save it twice.
    assert_eq!(s.default_assumption_set().await.unwrap().id, default.id);

    // A valuer edits a copy: a new name, then a second version of it.
    let mut edited = default.assumptions.clone();
    edited.legal_costs = 0.10;
    let mut tx = s.write("valuer").await.unwrap();
    let v1 = tx.save_assumption_set("保守参数", Some(default.id), &edited, "律师费按 10%").await.unwrap();
    edited.ladder.market_value = 0.9;
    let v2 = tx.save_assumption_set("保守参数", Some(v1.id), &edited, "市场价值下调 10%").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    assert_ne!(v1.body_sha256, v2.body_sha256);
    let old = s.assumption_set(v1.id).await.unwrap().unwrap();
    assert_eq!(old.assumptions.legal_costs, 0.10);
    assert_eq!(old.assumptions.ladder.market_value, 1.0);
    assert_eq!(s.latest_assumption_set("保守参数").await.unwrap().unwrap().id, v2.id);
    assert_eq!(s.assumption_sets().await.unwrap().len(), 3);
    // A nameless set is refused, and nothing is written.
    let audit = s.audit_count().await.unwrap();
    let mut tx = s.write("valuer").await.unwrap();
    assert!(matches!(tx.save_assumption_set("  ", None, &edited, "").await, Err(StoreError::Refused(_))));
    drop(tx);
    assert_eq!(s.audit_count().await.unwrap(), audit);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn a_valuation_run_is_recorded_and_reproduced(t: TestStore) {
    load_demo(&t).await;
    let s = &t.store;
    let options = huajie_value::Options { scenarios: 20, ..Default::default() };
    for summary in s.packages().await.unwrap() {
        let package = &summary.package;
        let book = s.valuation_book(package.id, package.data.cutoff_date).await.unwrap();
        assert_eq!(book.claims.len() as i64, summary.claim_count);
        let req = huajie_store::ValuationRequest {
            package_id: package.id,
            assumption_set_id: None,
            valuation_date: None,
            options: options.clone(),
        };
        let (set, appraisal, run) = s.value_package("valuer", &req, true).await.unwrap();
        let run = run.unwrap();
        assert_eq!(run.assumption_set_id, set.id);
        assert_eq!(run.tape_import_id, s.tape_imports(package.id).await.unwrap().iter().map(|t| t.id).max());

        let stored = s.valuation_run(run.id).await.unwrap().unwrap();
        assert_eq!(stored, run);
        let results = stored.appraisal().unwrap();
        assert_eq!(results.bid, appraisal.bid);
        assert_eq!(results.quarterly, appraisal.quarterly);
        assert_eq!(results.monte_carlo, appraisal.monte_carlo);
        let claims = s.valuation_claims(run.id).await.unwrap();
        let mut expected = appraisal.claims.clone();
        expected.sort_by_key(|c| c.id);
        assert_eq!(claims, expected);
        let (latest, one) = s.latest_claim_valuation(claims[0].id).await.unwrap().unwrap();
        assert_eq!((latest.id, &one), (run.id, &claims[0]));

        // Re-running reproduces every number exactly.
        let rerun = s.rerun_valuation(run.id).await.unwrap();
        assert!(rerun.same_inputs && rerun.identical, "package {}", package.data.code);
    }
    // A claim changed after the run: the re-run says the inputs are not the same.
    let package = &s.packages().await.unwrap()[0].package;
    let run = s.valuation_runs(package.id).await.unwrap()[0].clone();
    let claim = s.claims_of_package(package.id).await.unwrap().remove(0).claim;
    let mut tx = s.write("valuer").await.unwrap();
    let changed = Claim { principal: Money::from_fen(claim.data.principal.fen() + 100_000), ..claim.data.clone() };
    tx.update_claim(claim.id, &changed).await.unwrap();
    tx.commit().await.unwrap();
    let rerun = s.rerun_valuation(run.id).await.unwrap();
    assert!(!rerun.same_inputs && !rerun.identical);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// A run keeps its engine inputs and each claim's PV and cost basis, and computes each claim's
/// result again from them (issue 17): what the engine gave when the run was made, to the bit,
/// after the book has changed; a run recorded before (a result per claim in JSON) reads as before.
async fn a_runs_claims_are_recomputed_from_its_recorded_inputs_whatever_changed_since(t: TestStore) {
    load_demo(&t).await;
    let s = &t.store;
    let package = s.packages().await.unwrap().into_iter().max_by_key(|p| p.claim_count).unwrap().package;
    let options = huajie_value::Options { scenarios: 10, target_irr: 0.12, ..Default::default() };
    let req = huajie_store::ValuationRequest {
        package_id: package.id,
        assumption_set_id: None,
        valuation_date: None,
        options,
    };
    let (_, appraisal, run) = s.value_package("valuer", &req, true).await.unwrap();
    let run = run.unwrap();
    let mut expected = appraisal.claims.clone();
    expected.sort_by_key(|c| c.id);
    assert!(expected.len() > 1 && expected.iter().any(|c| !c.cash.is_empty()));

    // The book changes after the run: a claim's principal, a debtor's standing.
    let claim = s.claims_of_package(package.id).await.unwrap().remove(0);
    let mut tx = s.write("valuer").await.unwrap();
    let changed =
        Claim { principal: Money::from_fen(claim.claim.data.principal.fen() * 3 + 1), ..claim.claim.data.clone() };
    tx.update_claim(claim.claim.id, &changed).await.unwrap();
    tx.commit().await.unwrap();
    assert_ne!(s.value_package("valuer", &req, false).await.unwrap().1.claims, appraisal.claims);

    // The run's claims are still what the engine gave, every field of every claim.
    assert_eq!(s.valuation_claims(run.id).await.unwrap(), expected);
    let one = expected.iter().find(|c| c.id == claim.claim.id).unwrap();
    assert_eq!(s.valuation_claim(run.id, claim.claim.id).await.unwrap().as_ref(), Some(one));
    let (latest, mine) = s.latest_claim_valuation(claim.claim.id).await.unwrap().unwrap();
    assert_eq!((latest.id, &mine), (run.id, one));
    let r = s.verify_audit().await.unwrap();
    assert!(r.is_intact(), "{:?}", &r.findings[..r.findings.len().min(5)]);

    // Tampering with the recorded inputs is found by the audit.
    t.tamper(&format!("UPDATE valuation_run_claims SET inputs = summary WHERE run_id = {}", run.id)).await;
    let report = s.verify_audit().await.unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| matches!(f, AuditFinding::RowChanged { entity, .. } if entity == "valuation_run_claims")),
        "{:?}",
        report.findings
    );

    // A run recorded before the inputs were kept: its rows in `valuation_claims` are read.
    t.tamper(&format!("DELETE FROM valuation_run_claims WHERE run_id = {}", run.id)).await;
    for c in &expected {
        let json = serde_json::to_string(c).unwrap();
        t.tamper(&format!(
            "INSERT INTO valuation_claims (run_id, claim_id, pv_fen, allocation_fen, result) VALUES ({}, {}, {}, {}, '{json}')",
            run.id,
            c.id,
            huajie_store::fen(c.pv),
            huajie_store::fen(c.allocation)
        ))
        .await;
    }
    assert_eq!(s.valuation_claims(run.id).await.unwrap(), expected);
    assert_eq!(s.valuation_claim(run.id, claim.claim.id).await.unwrap().as_ref(), Some(one));
}

async fn a_liquidation_analysis_is_kept_per_debtor_and_read_into_the_book(t: TestStore) {
    load_demo(&t).await;
    let s = &t.store;
    let package = &s.packages().await.unwrap()[0].package;
    let claim = s.claims_of_package(package.id).await.unwrap().remove(0);
    let debtor = claim.debtor.id;
    let analysis = |assets: i64| huajie_core::LiquidationAnalysis {
        party_id: debtor,
        effective_assets: Money::from_wan(assets).unwrap(),
        priority_deductions: Money::from_wan(10).unwrap(),
        secured_recoveries: Money::ZERO,
        effective_liabilities: Money::from_wan(1_000).unwrap(),
        secured_claims: Money::ZERO,
        basis: "2025 年审计报告".into(),
    };
    let mut tx = s.write("valuer").await.unwrap();
    let first = tx.save_liquidation(&analysis(300)).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = s.write("valuer").await.unwrap();
    let second = tx.save_liquidation(&analysis(500)).await.unwrap();
    tx.commit().await.unwrap();
    // One per debtor: the second replaces the first.
    assert_eq!(first.id, second.id);
    assert_eq!(s.liquidation_of(debtor).await.unwrap().unwrap().data, analysis(500));
    let book = s.valuation_book(package.id, package.data.cutoff_date).await.unwrap();
    assert_eq!(book.liquidations, vec![analysis(500)]);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn the_compliance_book_is_recorded_audited_and_read_into_the_indicators(t: TestStore) {
    use huajie_rules::indicators::{Channel, InvestmentKind, LiquidKind};
    use huajie_rules::{RuleId, Status};
    load_demo(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    let wan = |x: i64| Money::from_wan(x).unwrap();
    let params = s.rule_parameters().await.unwrap();
    assert_eq!((params.version, &params.parameters), (1, &huajie_rules::RuleParameters::default()));
    let bank = s.packages().await.unwrap()[0].transferor.id;
    // The demo has its own book: what follows is measured against it.
    let before = huajie_rules::indicators(
        &s.compliance_ledger(d("2026-09-30")).await.unwrap(),
        &params.parameters,
        d("2026-09-30"),
    )
    .unwrap();
    let was = |id| before.iter().find(|i: &&huajie_rules::Indicator| i.id == id).unwrap().numerator;
    let mut tx = s.write("risk").await.unwrap();
    let company = tx.ensure_company_party().await.unwrap();
    for q in ["2026-06-30", "2026-09-30"] {
        tx.set_net_assets(d(q), wan(100_000), "季报").await.unwrap();
    }
    // Replacing a quarter-end's figure is an audited update.
    tx.set_net_assets(d("2026-09-30"), wan(80_000), "季报（更正）").await.unwrap();
    tx.add_funding(
        "银行借款",
        Channel::FiLoan,
        bank,
        wan(200_000),
        d("2025-01-01"),
        d("2028-01-01"),
        &[(d("2026-10-20"), wan(1_000), wan(100))],
        None,
    )
    .await
    .unwrap();
    tx.add_funding("某私募借款", Channel::PrivateFund, bank, wan(50_000), d("2026-01-01"), d("2027-01-01"), &[], None)
        .await
        .unwrap();
    tx.add_investment(d("2025-05-01"), wan(30_000), InvestmentKind::FinancialNpa, "收购某包").await.unwrap();
    tx.add_investment(d("2025-09-01"), wan(70_000), InvestmentKind::OtherDebt, "委托贷款").await.unwrap();
    tx.add_liquid_asset("基本户", LiquidKind::DemandDeposit, wan(2_000), false).await.unwrap();
    tx.add_cash_flow("收购尾款", d("2026-10-10"), wan(500), false).await.unwrap();
    let shareholder = tx.insert_party(&person("股东甲", "330106198001010013")).await.unwrap();
    tx.add_party_link(shareholder, company, 2_000, false).await.unwrap();
    tx.add_exposure(shareholder, huajie_rules::indicators::ExposureKind::Loan, wan(45_000), "股东借款给股东")
        .await
        .unwrap();
    assert!(matches!(tx.add_party_link(company, company, 100, false).await, Err(StoreError::Refused(_))));
    tx.commit().await.unwrap();

    let ledger = s.compliance_ledger(d("2026-09-30")).await.unwrap();
    assert_eq!(ledger.company, company);
    let all = huajie_rules::indicators(&ledger, &params.parameters, d("2026-09-30")).unwrap();
    let get = |id| all.iter().find(|i| i.id == id).unwrap();
    // Leverage: 250,000 万 more funding, over the corrected 80,000 万 net assets — red, in transition.
    let lev = get(RuleId::Q1);
    assert_eq!((lev.numerator - was(RuleId::Q1), lev.denominator), (250_000_000_000, 80_000_000_000));
    assert_eq!((lev.status, lev.in_transition), (Status::Red, true));
    assert!(lev.lines.iter().any(|l| l.flagged && l.label == "某私募借款"));
    // Related parties: the 20% shareholder's loan adds 45,000 万, over 100,000 万 at the previous quarter-end.
    let rp = get(RuleId::Q4);
    assert_eq!(
        (rp.numerator - was(RuleId::Q4), rp.denominator, rp.status),
        (45_000_000_000, 100_000_000_000, Status::Red)
    );
    assert!(rp.lines.iter().any(|l| l.party == Some(shareholder)));
    // Main business: 30,000 万 more financial NPAs.
    assert_eq!(get(RuleId::Q6).numerator - was(RuleId::Q6), 30_000_000_000);
    // The demo's acquired packages are exposures at their cost, claim by claim.
    let held: i64 = ledger
        .exposures
        .iter()
        .filter(|e| e.kind == huajie_rules::indicators::ExposureKind::AcquiredClaim)
        .map(|e| e.book_value.fen())
        .sum();
    let priced: i64 = s
        .packages()
        .await
        .unwrap()
        .iter()
        .filter(|p| matches!(p.package.data.status, PackageStatus::Acquired | PackageStatus::Disposing))
        .filter_map(|p| p.package.data.price.map(|m| m.fen()))
        .sum();
    // Since issue 15 the demo has a history: each claim is held at its remaining cost in the
    // recovery ledger, the price less the cost its receipts recovered (to the fen: the cost
    // bases sum to the price) — the receipts dated by 2026-09-30, the date the book is read at.
    let mut recovered = 0i64;
    let entries = s.ledger_entries(None).await.unwrap();
    let by_then = |e: &&huajie_store::LedgerEntry| e.entry.date() <= d("2026-09-30");
    for e in entries.iter().filter(by_then).filter(|e| e.kind != huajie_store::EntryKind::Purchase) {
        for l in e.entry.lines().iter().filter(|l| l.account == huajie_ledger::Account::ClaimCost) {
            recovered += if l.side == huajie_ledger::Side::Credit { l.amount.fen() } else { -l.amount.fen() };
        }
    }
    assert!(priced > 0 && recovered > 0, "{priced}, {recovered}");
    assert_eq!(held, priced - recovered, "the prices less the cost recovered");
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn an_override_counts_only_once_a_second_risk_officer_approves_it(t: TestStore) {
    use huajie_store::CheckStanding;
    load_demo(&t).await;
    let s = &t.store;
    // The demo's funding check: each override proposed by risk, approved by risk2 (four eyes).
    let checks = s.deal_checks(None, 10).await.unwrap();
    let funding = checks.iter().find(|c| c.kind.code() == "funding").unwrap();
    assert_eq!(funding.standing(), CheckStanding::Cleared);
    assert!(!funding.overrides.is_empty());
    for o in &funding.overrides {
        assert_eq!(
            (o.created_by.as_str(), o.approval.as_ref().map(|a| a.approved_by.as_str())),
            ("risk", Some("risk2"))
        );
    }
    // 1 亿 for the package in screening takes liquidity below its limit: one finding to override.
    let screening = s
        .packages()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.package.data.status == PackageStatus::Screening)
        .unwrap()
        .package
        .id;
    let deal = ProposedDeal::Acquisition {
        package_id: screening,
        price: Money::from_yuan(100_000_000).unwrap(),
        funding_line: None,
    };
    let check = s.run_deal_check("acquisition", "四眼", "2026-09-30".parse().unwrap(), &deal).await.unwrap();
    assert_eq!(check.standing(), CheckStanding::AwaitingOverride);
    let o = s.override_finding("risk", check.id, 0, "中期票据到账").await.unwrap();
    let read = |s: &'_ huajie_store::Store| {
        let s = s.clone();
        async move { s.deal_check(check.id).await.unwrap().unwrap() }
    };
    assert_eq!(read(s).await.standing(), CheckStanding::AwaitingOverride, "a proposed override does not count");
    assert!(s.record_acquisition("acquisition", check.id, "2026-10-08".parse().unwrap(), None).await.is_err());
    // The proposer cannot approve it; nor can a role that may not override; nor a user unknown.
    for who in ["risk", "finance", "nobody"] {
        match s.approve_override(who, check.id, o.id).await {
            Err(StoreError::Refused(t)) => {
                assert!(t.zh.contains(if who == "risk" { "四眼" } else { "风险合规部" }), "{who}: {t}")
            }
            other => panic!("{who}: expected a refusal, got {other:?}"),
        }
    }
    assert!(matches!(s.approve_override("risk2", check.id, 999_999).await, Err(StoreError::NotFound(_))));
    assert_eq!(read(s).await.standing(), CheckStanding::AwaitingOverride);
    // Twice at once (two officers, or two tabs): one approval stands.
    let (a, b) = tokio::join!(s.approve_override("risk2", check.id, o.id), s.approve_override("risk2", check.id, o.id));
    assert_eq!([&a, &b].iter().filter(|r| r.is_ok()).count(), 1, "{a:?} {b:?}");
    let approved = read(s).await;
    assert_eq!(approved.standing(), CheckStanding::Cleared);
    let approval = approved.overrides[0].approval.clone().unwrap();
    assert_eq!(approval.approved_by, "risk2");
    let audited = s.audit_of("check_override_approval", &approval.id.to_string()).await.unwrap();
    assert_eq!((audited.len(), audited[0].actor.as_str()), (1, "risk2"));
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn a_quarter_is_submitted_in_versions_and_acknowledged_once(t: TestStore) {
    load_demo(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    // The demo: the second quarter submitted and acknowledged, the third submitted and awaiting.
    let all = s.report_submissions().await.unwrap();
    let shown: Vec<(String, i64, bool)> =
        all.iter().map(|x| (x.quarter_end.to_string(), x.version, x.acknowledgement.is_some())).collect();
    assert_eq!(shown, vec![("2026-09-30".into(), 1, false), ("2026-06-30".into(), 1, true)]);
    let q3 = all[0].clone();
    let recorded = s.indicator_result(d("2026-09-30")).await.unwrap().unwrap();
    assert_eq!(
        (q3.result_id, q3.body_sha256.as_str(), q3.submitted_by.as_str()),
        (recorded.id, recorded.body_sha256.as_str(), "risk")
    );
    // Not a quarter never recorded; not the same recorded figures twice.
    for q in ["2026-03-31", "2026-09-30"] {
        assert!(matches!(s.submit_report("risk", d(q)).await, Err(StoreError::Refused(_))), "{q}");
    }
    // Not a submission that does not exist; not one acknowledged already.
    assert!(matches!(s.acknowledge_report("regulator", 999_999, "").await, Err(StoreError::NotFound(_))));
    match s.acknowledge_report("regulator", all[1].id, "").await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("已经确认"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // A correction: the quarter recorded again and submitted is version 2; version 1 can no
    // longer be acknowledged, version 2 is, once, with its comment.
    s.record_quarter_end("risk", d("2026-09-30")).await.unwrap();
    let v2 = s.submit_report("risk", d("2026-09-30")).await.unwrap();
    assert_eq!(v2.version, 2);
    match s.acknowledge_report("regulator", q3.id, "").await {
        Err(StoreError::Refused(t)) => assert!(t.en.contains("corrected version"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let (a, b) = tokio::join!(
        s.acknowledge_report("regulator", v2.id, " 已收悉更正版 "),
        s.acknowledge_report("regulator", v2.id, "again")
    );
    assert_eq!([&a, &b].iter().filter(|r| r.is_ok()).count(), 1, "{a:?} {b:?}");
    let read = s.report_submission(v2.id).await.unwrap().unwrap();
    let ack = read.acknowledgement.unwrap();
    assert_eq!(ack.acknowledged_by, "regulator");
    assert!(ack.comment == "已收悉更正版" || ack.comment == "again");
    assert_eq!(s.audit_of("report_submission", &v2.id.to_string()).await.unwrap().len(), 1);
    assert_eq!(s.audit_of("report_acknowledgement", &ack.id.to_string()).await.unwrap().len(), 1);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn checks_overrides_results_and_book_imports_keep_to_their_rules(t: TestStore) {
    use huajie_store::CheckStanding;
    use huajie_store::book::{SheetEntry, book_kind, read_entry};
    load_demo(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    // The demo's three checks: cleared, overridden (so cleared), blocked.
    let checks = s.deal_checks(None, 10).await.unwrap();
    let standing: Vec<(&str, CheckStanding)> = checks.iter().rev().map(|c| (c.kind.code(), c.standing())).collect();
    assert_eq!(
        standing,
        vec![
            ("acquisition", CheckStanding::Cleared),
            ("funding", CheckStanding::Cleared),
            ("disposal", CheckStanding::Blocked)
        ]
    );
    let funding = &checks[1];
    assert_eq!((funding.overrides.len(), funding.result.after[1].numerator), (1, 335_000_000_000));
    // A block cannot be overridden; a finding is overridden once.
    let blocked = &checks[0];
    let block = blocked.result.findings.iter().position(|f| f.effect == huajie_rules::checks::Effect::Block).unwrap();
    match s.override_finding("risk", blocked.id, block, "理由").await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("硬性禁止事项不能豁免"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Twice at once (two tabs): the first reason stands, the second is refused.
    let (a, b) = tokio::join!(
        s.override_finding("risk", funding.id, 0, "再次"),
        s.override_finding("risk", funding.id, 0, "又一次")
    );
    for r in [a, b] {
        match r {
            Err(StoreError::Refused(t)) => assert!(t.en.contains("overridden already"), "{t}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert!(matches!(s.override_finding("risk", funding.id, 99, "理由").await, Err(StoreError::NotFound(_))));
    assert_eq!(s.deal_check(funding.id).await.unwrap().unwrap().overrides.len(), 1);
    // The recorded quarter-end reads back exactly as computed, lines and all.
    let recorded = s.indicator_result(d("2026-09-30")).await.unwrap().unwrap();
    let params = s.rule_parameters().await.unwrap();
    // Recomputed on the book as it stood: the checks changed nothing in it.
    let again = huajie_rules::indicators(
        &s.compliance_ledger(d("2026-09-30")).await.unwrap(),
        &params.parameters,
        d("2026-09-30"),
    )
    .unwrap();
    assert_eq!(recorded.indicators, again);
    assert_eq!(recorded.parameter_version, 1);
    // A book import is all rows or none: a holding already recorded refuses the whole batch.
    let link = s.party_links().await.unwrap()[0].clone();
    let parties = s.all_parties().await.unwrap();
    let ident = |id: i64| parties.iter().find(|p| p.id == id).unwrap().data.identity.id_text().unwrap().to_string();
    let entry = |kind: &str, pairs: Vec<(&str, String)>| {
        let get = move |k: &str| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone());
        read_entry(book_kind(kind).unwrap(), &get, s.clock().today()).unwrap()
    };
    let cash = SheetEntry {
        sheet: "流动资产".into(),
        row: 2,
        entry: entry(
            "liquid_asset",
            vec![
                ("label", "新户".into()),
                ("kind", "cash".into()),
                ("amount", "10".into()),
                ("encumbered", "否".into()),
            ],
        ),
    };
    let twice = SheetEntry {
        sheet: "股权与控制关系".into(),
        row: 2,
        entry: entry(
            "holding",
            vec![
                ("holder", ident(link.holder_id)),
                ("held", ident(link.held_id)),
                ("stake", "10".into()),
                ("control", "否".into()),
            ],
        ),
    };
    let before = s.liquid_assets().await.unwrap().len();
    let BookImport::Refused(problems) = s.import_book("finance", &[cash.clone(), twice]).await.unwrap() else {
        panic!("a holding recorded twice is refused")
    };
    assert_eq!((problems[0].sheet.as_str(), problems[0].row), ("股权与控制关系", 2));
    assert_eq!(s.liquid_assets().await.unwrap().len(), before);
    assert!(matches!(s.import_book("finance", &[cash]).await.unwrap(), BookImport::Recorded(1)));
    assert_eq!(s.liquid_assets().await.unwrap().len(), before + 1);
    // Entries are removed one by one, audited: an instrument with its schedule, a party's attributes, an officer.
    let with_schedule = s.funding_book().await.unwrap().into_iter().find(|f| !f.payments.is_empty()).unwrap();
    s.remove_book_entry("finance", "funding", with_schedule.id).await.unwrap();
    let attributes = s.party_attributes().await.unwrap()[0];
    s.remove_book_entry("risk", "party_attributes", attributes.party_id).await.unwrap();
    let officer = s.officers().await.unwrap()[0].party_id;
    s.remove_book_entry("risk", "officer", officer).await.unwrap();
    assert!(matches!(s.remove_book_entry("risk", "officer", officer).await, Err(StoreError::NotFound(_))));
    assert!(s.funding_book().await.unwrap().iter().all(|f| f.id != with_schedule.id));
    assert!(!s.party_attributes().await.unwrap().contains(&attributes));
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn a_claim_outside_the_province_blocks_until_an_exception_is_recorded(t: TestStore) {
    use huajie_rules::RuleId;
    use huajie_rules::checks::Effect;
    load_demo(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    // A Guangdong bank selling a claim on itself, with no collateral: nothing in Zhejiang.
    let mut tx = s.write("acquisition").await.unwrap();
    let bank = tx
        .insert_party(&Party { address: None, phone: None, ..person("广东某银行", "91440300708461136T") })
        .await
        .unwrap();
    let package = tx
        .insert_package(&Package {
            code: "GD-1".into(),
            name: "广东包".into(),
            transferor_id: bank,
            cutoff_date: d("2026-06-30"),
            status: PackageStatus::Screening,
            acquired_on: None,
            price: None,
            valuation_basis: huajie_core::ValuationBasis::ClaimByClaim,
        })
        .await
        .unwrap();
    let claim = tx
        .insert_claim(&Claim {
            package_id: package,
            contract_no: "GD-C1".into(),
            debtor_id: bank,
            principal: Money::from_yuan(1_000_000).unwrap(),
            interest: Money::ZERO,
            penalty: Money::ZERO,
            advanced_costs: Money::ZERO,
            five_class: None,
            litigation_stage: None,
            default_date: None,
            limitation_date: None,
            province: None,
            product: None,
            days_past_due: None,
            written_off: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let check = |label: &'static str| async move {
        let deal = ProposedDeal::Acquisition {
            package_id: package,
            price: Money::from_yuan(100_000).unwrap(),
            funding_line: None,
        };
        s.run_deal_check("acquisition", label, d("2026-09-30"), &deal).await.unwrap()
    };
    let first = check("GD-1").await;
    let q7 = first.result.findings.iter().find(|f| f.rule == RuleId::Q7).unwrap();
    assert_eq!((q7.effect, first.blocked), (Effect::Block, true));
    let mut tx = s.write("risk").await.unwrap();
    assert!(matches!(tx.set_cross_region_exception(claim, "  ").await, Err(StoreError::Refused(_))));
    tx.set_cross_region_exception(claim, "省地方金融管理局批复〔2026〕12号").await.unwrap();
    tx.commit().await.unwrap();
    let second = check("GD-1 again").await;
    let q7 = second.result.findings.iter().find(|f| f.rule == RuleId::Q7).unwrap();
    assert_eq!((q7.effect, second.blocked), (Effect::Warn, false));
    assert!(q7.zh.contains("批复〔2026〕12号"));
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn one_building_secures_three_claims_each_at_its_own_rank(t: TestStore) {
    use huajie_store::{ImportOutcome, PackageTarget};
    let s = &t.store;
    // One borrower, one building: a first mortgage for HT-1, a second for HT-2, a third for
    // HT-3 (the same item on three rows, each with the rank of its own loan).
    let header = "借款合同编号,借款人名称,证件号码,本金余额,抵押物类型,抵押物地址,评估价值,抵押顺位";
    let row = |n: u32, rank: u32| {
        format!(
            "HT-{n},杭州顺位测试有限公司,91330100MA2AYA1GX3,10000000,商业用房,杭州市上城区解放路1号,20000000,{rank}"
        )
    };
    let csv = format!("{header}\n{}\n{}\n{}\n", row(3, 3), row(1, 1), row(2, 2));
    let options = huajie_tape::SheetOptions {
        cutoff_date: NaiveDate::from_ymd_opt(2026, 6, 30),
        today: s.clock().today(),
        personal_batch: false,
    };
    let (_, rows) = huajie_tape::open_csv(std::io::Cursor::new(csv.into_bytes())).unwrap();
    let read = huajie_tape::read_claims(rows, options).unwrap();
    let target = PackageTarget::New {
        code: "RANK-1".into(),
        name: "顺位".into(),
        transferor: person("某银行", "91110000100006522R"),
    };
    let ImportOutcome::Loaded { counts, .. } =
        s.import_tape("acquisition", &target, "rank.csv", "r", huajie_tape::ImportPolicy::Strict, &read).await.unwrap()
    else {
        panic!("the tape loads")
    };
    assert_eq!((counts.claims, counts.collateral), (3, 1), "one item for the three rows");
    let package = s.package_id_by_code("RANK-1").await.unwrap().unwrap();
    let claims = s.claims_of_package(package).await.unwrap();
    let id = |contract: &str| claims.iter().find(|c| c.claim.data.contract_no == contract).unwrap().claim.id;
    for (contract, rank) in [("HT-1", 1), ("HT-2", 2), ("HT-3", 3)] {
        let items = s.collateral_of_claim(id(contract)).await.unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].rank_for(id(contract)), Some(rank), "{contract}");
        let ranks: Vec<(String, u8)> = items[0].secures.iter().map(|l| (l.contract_no.clone(), l.lien_rank)).collect();
        assert_eq!(ranks, [("HT-1".to_string(), 1), ("HT-2".to_string(), 2), ("HT-3".to_string(), 3)]);
    }
    // The valuation reads each link's rank: the first lien recovers most, the third least.
    let book = s.valuation_book(package, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()).await.unwrap();
    let mut liens: Vec<(i64, u8)> = book.items[0].liens.iter().map(|l| (l.claim_id, l.rank)).collect();
    liens.sort_by_key(|l| l.1);
    assert_eq!(liens, [(id("HT-1"), 1), (id("HT-2"), 2), (id("HT-3"), 3)]);
    let r = huajie_value::appraise(&book, &huajie_value::Assumptions::default(), &huajie_value::Options::default());
    let collateral = |c: &str| r.claims.iter().find(|x| x.id == id(c)).unwrap().collateral;
    assert!(collateral("HT-1") > collateral("HT-2") && collateral("HT-2") > collateral("HT-3"));
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// A company with its party and net assets of 10,000 万 at 2026-06-30 and 2026-09-30, and
/// nothing else in its book: the compliance tests below build on it.
async fn small_company(t: &TestStore) -> i64 {
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    let mut tx = t.store.write("risk").await.unwrap();
    tx.set_company(&huajie_core::Company {
        name: "浙江某资产管理有限公司".into(),
        uscc: huajie_core::Uscc::with_check_chars("91330000MA2TW000").unwrap(),
        province: huajie_core::Province::from_code("33").unwrap(),
        licence_no: "浙金管〔2016〕1号".into(),
        licensed_on: d("2016-06-01"),
    })
    .await
    .unwrap();
    let me = tx.ensure_company_party().await.unwrap();
    for q in ["2026-06-30", "2026-09-30"] {
        tx.set_net_assets(d(q), Money::from_wan(10_000).unwrap(), "季报").await.unwrap();
    }
    tx.commit().await.unwrap();
    me
}

async fn a_state_organ_is_honoured_wherever_it_is_read(t: TestStore) {
    use huajie_rules::RuleId;
    use huajie_rules::indicators::ExposureKind;
    small_company(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    // A bureau (USCC registered as 机关, code 11) and a body flagged a state organ in the book
    // each hold 60% of two companies the AMC has lent 600 万 to (6% of net assets each).
    let mut tx = s.write("risk").await.unwrap();
    let bureau = tx.insert_party(&corporate("某市财政局", "11330100MB0TW001")).await.unwrap();
    let office = tx.insert_party(&corporate("某省国资委", "12330000MB0TW002")).await.unwrap();
    tx.set_party_attributes(huajie_store::PartyAttributes {
        party_id: office,
        state_organ: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut firms = Vec::new();
    for (n, owner) in [(1, bureau), (2, bureau), (3, office), (4, office)] {
        let firm = tx.insert_party(&corporate(&format!("国企{n}"), &format!("91330100MB0TX00{n}"))).await.unwrap();
        tx.add_party_link(owner, firm, 6_000, false).await.unwrap();
        tx.add_exposure(firm, ExposureKind::Loan, Money::from_wan(600).unwrap(), "贷款").await.unwrap();
        firms.push(firm);
    }
    tx.commit().await.unwrap();
    // The checks and the indicators read the same flag.
    let checks = s.check_parties().await.unwrap();
    let ledger = s.compliance_ledger(s.clock().today()).await.unwrap();
    for organ in [bureau, office] {
        assert!(checks[&organ].state_organ);
        assert!(
            ledger.parties.iter().any(|p| p.id == organ && p.state_organ),
            "the ledger reads {organ} as a state organ"
        );
    }
    // Control by a state organ does not join its companies into a group: no group at all, so
    // the group indicator is 0 (it was 1,200 万, 12%, when the flag was read as false).
    let params = s.rule_parameters().await.unwrap();
    let all = huajie_rules::indicators(&ledger, &params.parameters, d("2026-09-30")).unwrap();
    let group = all.iter().find(|i| i.id == RuleId::Q3).unwrap();
    assert_eq!(group.numerator, 0, "{:?}", group.lines);
}

async fn the_party_graph_and_the_exposures_refuse_what_cannot_be_true(t: TestStore) {
    use huajie_rules::indicators::ExposureKind;
    let company = small_company(&t).await;
    let s = &t.store;
    let mut tx = s.write("risk").await.unwrap();
    let zhang = tx.insert_party(&person("张某", "330106198001010013")).await.unwrap();
    let li = tx.insert_party(&person("李某", "330106198203040026")).await.unwrap();
    let a = tx.insert_party(&corporate("甲公司", "91330100MB0TX001")).await.unwrap();
    let b = tx.insert_party(&corporate("乙公司", "91330100MB0TX002")).await.unwrap();
    tx.add_relatives(zhang, li).await.unwrap();
    tx.add_party_link(a, company, 6_000, false).await.unwrap();
    tx.add_party_link(b, company, 4_000, false).await.unwrap();
    tx.add_exposure(a, ExposureKind::Loan, Money::from_fen(i64::MAX - 10), "贷款").await.unwrap();
    tx.commit().await.unwrap();
    let audit = s.audit_count().await.unwrap();
    let refused = |r: Result<_, StoreError>| match r {
        Err(e @ (StoreError::Refused(_) | StoreError::Duplicate(_))) => e.refusal().unwrap().zh.into_owned(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    // A person as their own relative; the same pair again in reverse order.
    let mut tx = s.write("risk").await.unwrap();
    assert!(refused(tx.add_relatives(zhang, zhang).await.map(drop)).contains("不能是自己的近亲属"));
    drop(tx);
    let mut tx = s.write("risk").await.unwrap();
    assert!(refused(tx.add_relatives(li, zhang).await.map(drop)).contains("已登记"));
    drop(tx);
    // 60% + 40% are recorded: one basis point more is above 100%.
    let mut tx = s.write("risk").await.unwrap();
    let m = refused(tx.add_party_link(li, company, 1, false).await.map(drop));
    assert!(m.contains("已登记的持股合计 100%") && m.contains("100.01%"), "{m}");
    drop(tx);
    // Eleven fen more than the largest amount: refused, never clamped.
    let mut tx = s.write("risk").await.unwrap();
    let m = refused(tx.add_exposure(b, ExposureKind::Loan, Money::from_fen(11), "贷款").await.map(drop));
    assert!(m.contains("超出可记录的金额范围"), "{m}");
    drop(tx);
    assert_eq!(s.audit_count().await.unwrap(), audit, "nothing written");
    assert_eq!(s.relatives().await.unwrap().len(), 1);
    assert_eq!(s.party_links().await.unwrap().len(), 2);
    assert_eq!(s.exposures().await.unwrap().len(), 1);
    // Ten fen more fit exactly.
    let mut tx = s.write("risk").await.unwrap();
    tx.add_exposure(b, ExposureKind::Loan, Money::from_fen(10), "贷款").await.unwrap();
    tx.commit().await.unwrap();
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// A Zhejiang bank's package of two claims on one debtor, in due diligence: (package, claims).
async fn small_package(t: &TestStore) -> (i64, Vec<i64>) {
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    let mut tx = t.store.write("acquisition").await.unwrap();
    let bank = tx.insert_party(&corporate("浙江某银行", "91330100MB0BK001")).await.unwrap();
    let debtor = tx.insert_party(&corporate("杭州某实业", "91330100MB0DB001")).await.unwrap();
    let package = tx
        .insert_package(&Package {
            code: "ZJ-T1".into(),
            name: "测试包".into(),
            transferor_id: bank,
            cutoff_date: d("2026-06-30"),
            status: PackageStatus::Screening,
            acquired_on: None,
            price: None,
            valuation_basis: huajie_core::ValuationBasis::ClaimByClaim,
        })
        .await
        .unwrap();
    let mut claims = Vec::new();
    for (no, yuan) in [("ZJ-T1-1", 3_000_000), ("ZJ-T1-2", 1_000_000)] {
        claims.push(
            tx.insert_claim(&Claim {
                package_id: package,
                contract_no: no.into(),
                debtor_id: debtor,
                principal: Money::from_yuan(yuan).unwrap(),
                interest: Money::from_yuan(yuan / 10).unwrap(),
                penalty: Money::from_yuan(yuan / 100).unwrap(),
                advanced_costs: Money::ZERO,
                five_class: None,
                litigation_stage: None,
                default_date: None,
                limitation_date: None,
                province: None,
                product: None,
                days_past_due: None,
                written_off: None,
            })
            .await
            .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    (package, claims)
}

async fn a_claim_or_package_flagged_px2_to_px6_blocks_its_acquisition(t: TestStore) {
    use huajie_rules::RuleId;
    use huajie_rules::checks::{Effect, ProhibitedAsset};
    use huajie_store::FlagTarget;
    small_company(&t).await;
    let (package, claims) = small_package(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    let check = || async {
        let deal = ProposedDeal::Acquisition {
            package_id: package,
            price: Money::from_yuan(500_000).unwrap(),
            funding_line: None,
        };
        s.run_deal_check("acquisition", "ZJ-T1", d("2026-09-30"), &deal).await.unwrap()
    };
    let cleared = check().await;
    assert_eq!(cleared.standing(), huajie_store::CheckStanding::Cleared, "unflagged, the package passes");
    // The acquisition team flags a claim PX5 with the clause; a reason is required, a flag is set once.
    let mut tx = s.write("acquisition").await.unwrap();
    assert!(matches!(
        tx.set_asset_flag(FlagTarget::Claim(claims[0]), ProhibitedAsset::Px5, " ").await,
        Err(StoreError::Refused(_))
    ));
    let flag = tx
        .set_asset_flag(FlagTarget::Claim(claims[0]), ProhibitedAsset::Px5, "借款合同第 12 条：未经同意不得转让")
        .await
        .unwrap();
    assert!(matches!(
        tx.set_asset_flag(FlagTarget::Claim(claims[0]), ProhibitedAsset::Px5, "再次").await,
        Err(StoreError::Duplicate(_))
    ));
    tx.commit().await.unwrap();
    // The check cleared before the flag no longer lets the package be bought.
    let cash = approve_purchase(&t, cleared.id).await;
    match s.record_acquisition("acquisition", cleared.id, d("2026-10-08"), Some(cash)).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("PX5") && t.zh.contains("重新检查"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let c = check().await;
    assert!(c.blocked);
    let q8: Vec<_> = c.result.findings.iter().filter(|f| f.rule == RuleId::Q8).collect();
    assert_eq!(q8.len(), 1);
    assert_eq!((q8[0].effect, q8[0].subject.as_deref()), (Effect::Block, Some("ZJ-T1-1")));
    assert!(q8[0].zh.contains("PX5") && q8[0].zh.contains("第 12 条") && q8[0].zh.contains("acquisition 标记"));
    // A package flag blocks the whole package.
    let mut tx = s.write("risk").await.unwrap();
    tx.remove_asset_flag(flag.id).await.unwrap();
    tx.set_asset_flag(FlagTarget::Package(package), ProhibitedAsset::Px3, "债务人为军工企业").await.unwrap();
    tx.commit().await.unwrap();
    let c = check().await;
    let q8: Vec<_> = c.result.findings.iter().filter(|f| f.rule == RuleId::Q8).collect();
    assert_eq!(q8.len(), 1);
    assert!(q8[0].zh.starts_with("本资产包标记为 PX3") && q8[0].zh.contains("risk 标记"), "{}", q8[0].zh);
    assert_eq!(s.flags_on(FlagTarget::Claim(claims[0])).await.unwrap().len(), 0);
    assert_eq!(s.flags_on(FlagTarget::Package(package)).await.unwrap()[0].created_by, "risk");
    // A flag is lifted from what it is set on: named through a claim, the package's flag is not found.
    let px3 = s.flags_on(FlagTarget::Package(package)).await.unwrap()[0].id;
    let lifted = s.lift_asset_flag("risk", FlagTarget::Claim(claims[0]), px3).await;
    assert!(matches!(lifted, Err(StoreError::NotFound(_))), "{lifted:?}");
    s.lift_asset_flag("risk", FlagTarget::Package(package), px3).await.unwrap();
    assert!(s.flags_on(FlagTarget::Package(package)).await.unwrap().is_empty());
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// Two quick submissions of the same purchase (a double click, two tabs): the package is
/// bought once, with one investment; the other is refused, saying why.
async fn an_acquisition_submitted_twice_at_once_is_recorded_once(t: TestStore) {
    small_company(&t).await;
    let (package, _) = small_package(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    let price = Money::from_yuan(500_000).unwrap();
    let deal = ProposedDeal::Acquisition { package_id: package, price, funding_line: None };
    let check = s.run_deal_check("acquisition", "ZJ-T1", d("2026-09-30"), &deal);
    let check = check.await.unwrap();
    assert_eq!(check.standing(), huajie_store::CheckStanding::Cleared);
    let cash = approve_purchase(&t, check.id).await;
    let investments_before = s.investments().await.unwrap().len();
    let (a, b) = tokio::join!(
        s.record_acquisition("acquisition", check.id, d("2026-10-08"), Some(cash)),
        s.record_acquisition("acquisition", check.id, d("2026-10-08"), Some(cash)),
    );
    let (won, refused): (Vec<_>, Vec<_>) = [a, b].into_iter().partition(Result::is_ok);
    assert_eq!(won.len(), 1, "exactly one submission records the purchase: {won:?} {refused:?}");
    match &refused[0] {
        Err(StoreError::Refused(t)) => {
            assert!(t.zh.contains("已收购") && t.en.contains("Acquired"), "the refusal says why: {t}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(s.investments().await.unwrap().len(), investments_before + 1, "one investment");
    let p = s.package(package).await.unwrap().unwrap().package.data;
    assert_eq!((p.status, p.acquired_on, p.price), (PackageStatus::Acquired, Some(d("2026-10-08")), Some(price)));
    let audit = s.audit_of("package", &package.to_string()).await.unwrap();
    let acquired_once = audit.iter().filter(|e| e.action == "update").count();
    assert_eq!(acquired_once, 1, "the package's acquisition is audited once");
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn the_staff_register_is_entered_read_into_the_ledger_and_removed(t: TestStore) {
    use huajie_store::book::{BookEntry, book_kind, read_entry};
    small_company(&t).await;
    let s = &t.store;
    let entry = |kind: &str, pairs: Vec<(&str, &str)>| {
        let get = move |k: &str| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string());
        read_entry(book_kind(kind).unwrap(), &get, s.clock().today())
    };
    let firm = huajie_core::Uscc::with_check_chars("91330100MB0QF000").unwrap().as_str().to_string();
    let mut tx = s.write("risk").await.unwrap();
    for e in [
        entry("staff", vec![("party", "330106198001010013"), ("party_name", "张某"), ("department", "资产处置部")]),
        entry("relative", vec![("a", "330106198001010013"), ("b", "330106198203040026"), ("b_name", "李某")]),
        entry(
            "staff_entity",
            vec![
                ("person", "330106198203040026"),
                ("entity", &firm),
                ("entity_name", "某咨询公司"),
                ("capacity", "董事或监事"),
            ],
        ),
    ] {
        tx.apply_book_entry(&e.unwrap()).await.unwrap();
    }
    tx.commit().await.unwrap();
    // A company on the staff register, a person as an entity: refused as the entry is read,
    // the field named (a member of the staff has a resident ID, an entity a USCC)…
    let wrong = entry("staff", vec![("party", &firm), ("department", "x")]).unwrap_err();
    assert_eq!(wrong[0].0, "party");
    assert!(
        wrong[0].1.zh
            == "证件号：“91330100MB0QF00063”不是有效的身份证号（应为身份证号码，所填却是有效的统一社会信用代码）",
        "{wrong:?}"
    );
    let wrong = entry("staff_entity", vec![("person", &firm), ("entity", "330106198203040026"), ("capacity", "other")])
        .unwrap_err();
    assert_eq!(wrong.iter().map(|p| p.0).collect::<Vec<_>>(), ["person", "entity"]);
    // … and by the store, should an entry be made without reading it.
    let mut tx = s.write("risk").await.unwrap();
    let firm_id = huajie_core::PartyIdentifier::Uscc(huajie_core::Uscc::parse(&firm).unwrap());
    let staff = BookEntry::Staff {
        party: huajie_store::book::PartyRef { identifier: firm_id, name: None },
        department: "x".into(),
    };
    assert!(matches!(tx.apply_book_entry(&staff).await, Err(StoreError::Refused(_))));
    drop(tx);
    let ledger = s.compliance_ledger(s.clock().today()).await.unwrap();
    let zhang = s.party_by_identifier("330106198001010013").await.unwrap().unwrap().id;
    let li = s.party_by_identifier("330106198203040026").await.unwrap().unwrap().id;
    let entity = s.party_by_identifier(&firm).await.unwrap().unwrap().id;
    assert_eq!(ledger.staff, vec![zhang]);
    assert_eq!(ledger.relatives, vec![(zhang, li)]);
    assert_eq!(
        ledger.staff_entities,
        vec![huajie_rules::indicators::StaffEntity {
            person: li,
            entity,
            capacity: huajie_rules::indicators::Capacity::Director
        }]
    );
    // Removed one by one, audited.
    let part = s.staff_entities().await.unwrap()[0].id;
    s.remove_book_entry("risk", "staff_entity", part).await.unwrap();
    s.remove_book_entry("risk", "staff", zhang).await.unwrap();
    assert!(s.staff().await.unwrap().is_empty() && s.staff_entities().await.unwrap().is_empty());
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn the_company_profile_is_versioned_each_part_by_its_owner(t: TestStore) {
    use huajie_core::company::BusinessLine;
    use huajie_store::ProfileChange;
    small_company(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    let wan = |x: i64| Money::from_wan(x).unwrap();
    let capital = |registered: i64, paid: i64, retained: i64| ProfileChange::Capital {
        registered_capital: wan(registered),
        paid_in_capital: wan(paid),
        net_asset_items: vec![("paid_in_capital".into(), wan(paid)), ("retained_earnings".into(), wan(retained))],
    };
    assert!(s.company_profile_at(d("2026-09-30")).await.unwrap().is_none());
    // Finance records the capital and what stands behind the net assets; risk the main business.
    let mut tx = s.write("finance").await.unwrap();
    tx.save_company_profile(d("2026-03-31"), capital(100_000, 80_000, 5_000), "2026 年一季报").await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = s.write("risk").await.unwrap();
    let lines = vec![
        BusinessLine { code: "BS1".into(), description: "金融不良资产收购处置".into() },
        BusinessLine { code: "BS3".into(), description: "市场化债转股".into() },
    ];
    tx.save_company_profile(d("2026-06-30"), ProfileChange::MainBusiness(lines.clone()), "董事会决议").await.unwrap();
    tx.commit().await.unwrap();
    // Wrong: paid-in above registered; a line outside BS1–BS7; a date before the latest version.
    let mut tx = s.write("finance").await.unwrap();
    let refused = |r: Result<_, StoreError>| match r {
        Err(StoreError::Refused(m)) => m.zh.into_owned(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(
        refused(tx.save_company_profile(d("2026-09-30"), capital(1, 2, 0), "").await)
            .contains("实缴资本不能超过注册资本")
    );
    drop(tx);
    let mut tx = s.write("risk").await.unwrap();
    let bs9 = ProfileChange::MainBusiness(vec![BusinessLine { code: "BS9".into(), description: String::new() }]);
    assert!(refused(tx.save_company_profile(d("2026-09-30"), bs9, "").await).contains("BS9"));
    drop(tx);
    let mut tx = s.write("finance").await.unwrap();
    assert!(refused(tx.save_company_profile(d("2026-03-31"), capital(1, 1, 0), "").await).contains("早于最新版本"));
    drop(tx);
    let mut tx = s.write("finance").await.unwrap();
    tx.save_company_profile(d("2026-09-30"), capital(100_000, 100_000, 8_000), "增资到位").await.unwrap();
    tx.commit().await.unwrap();
    // Every version kept; the one in force at a date is the latest dated on or before it, and a
    // part not changed is carried over.
    let all = s.company_profiles().await.unwrap();
    assert_eq!(
        all.iter().map(|v| (v.version, v.created_by.as_str())).collect::<Vec<_>>(),
        vec![(1, "finance"), (2, "risk"), (3, "finance")]
    );
    let at = |x: &'static str| async move { s.company_profile_at(d(x)).await.unwrap().unwrap() };
    assert_eq!(at("2026-05-15").await.version, 1);
    let v2 = at("2026-08-15").await;
    assert_eq!((v2.version, v2.profile.paid_in_capital, &v2.profile.main_business), (2, wan(80_000), &lines));
    let v3 = at("2026-09-30").await;
    assert_eq!(
        (v3.profile.paid_in_capital, v3.profile.net_assets(), &v3.profile.main_business),
        (wan(100_000), Some(wan(108_000)), &lines)
    );
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// A resident ID with its check character broken.
fn broken(id: &str) -> String {
    let mut s = id.to_string();
    let last = s.pop().unwrap();
    s.push(if last == '0' { '1' } else { '0' });
    s
}

/// The guarantor fixture: natural-person guarantors without IDs, with IDs that fail their
/// check, and cells naming several, on the claims sheet and on a guarantor sheet alike.
fn guarantor_fixture() -> (Vec<u8>, [String; 5]) {
    let pid = |n: u32| huajie_core::ResidentId::with_check_char(&format!("33010619800101{n:03}")).unwrap().to_string();
    let (p1, p2) = (pid(1), pid(2));
    let (bad_wang, bad_sun, bad_zhou) = (broken(&pid(3)), broken(&pid(4)), broken(&pid(5)));
    let company = huajie_core::Uscc::with_check_chars("91330102MA200020").unwrap().to_string();
    let mut book = rust_xlsxwriter::Workbook::new();
    let claims = book.add_worksheet();
    claims.set_name("债权").unwrap();
    let header =
        ["借款合同编号", "借款人名称", "统一社会信用代码", "本金余额", "保证人名称", "保证人证件号码", "保证人类型"];
    for (c, h) in header.iter().enumerate() {
        claims.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [[&str; 7]; 4] = [
        ["G-1", "杭州保证测试有限公司", &company, "100000", "张三、李四", &p1, ""],
        ["G-2", "杭州保证测试有限公司", &company, "200000", "王五；赵六\n钱七", &format!("{bad_wang}，，{p2}"), ""],
        ["G-3", "杭州保证测试有限公司", &company, "300000", "孙八商贸", &bad_sun, "企业"],
        ["G-4", "杭州保证测试有限公司", &company, "400000", "李四", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            claims.write_string(1 + r as u32, c as u16, *v).unwrap();
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name("保证人").unwrap();
    for (c, h) in ["合同编号", "保证人名称", "保证人证件号码", "保证金额（万元）"].iter().enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [[&str; 4]; 3] = [
        ["G-1", "周九、吴十", &format!("{bad_zhou}、"), "50"],
        ["G-2、G-3", "郑十一", "", ""],
        ["G-4", "王五", &bad_wang, ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(1 + r as u32, c as u16, *v).unwrap();
        }
    }
    (book.save_to_buffer().unwrap(), [p1, p2, bad_wang, bad_sun, bad_zhou])
}

async fn import_fixture(s: &huajie_store::Store, code: &str, bytes: Vec<u8>) -> huajie_tape::TapeRead {
    use huajie_store::{FileImport, ImportOutcome, PackageTarget, TapeFile};
    let target = match s.package_id_by_code(code).await.unwrap() {
        Some(id) => PackageTarget::Existing(id),
        None => PackageTarget::New {
            code: code.into(),
            name: code.into(),
            transferor: person("某银行", "91330100MA2AYA1GX3"),
        },
    };
    let tape = TapeFile {
        name: "guarantors.xlsx".into(),
        sha256: "0".repeat(64),
        reader: std::io::Cursor::new(bytes.clone()),
        bytes: Box::new(move || Ok(bytes)),
        options: huajie_tape::SheetOptions {
            cutoff_date: NaiveDate::from_ymd_opt(2026, 6, 30),
            today: s.clock().today(),
            personal_batch: false,
        },
        profile: Default::default(),
    };
    match s.import_tape_file("acquisition", target, huajie_tape::ImportPolicy::Strict, tape).await.unwrap() {
        FileImport::Read { read, outcome: ImportOutcome::Loaded { .. }, .. } => *read,
        other => panic!("the tape loads: {other:?}"),
    }
}

/// Each claim's guarantors as (contract, name, ID as it stands, flaw), sorted.
async fn guarantors_by_contract(
    s: &huajie_store::Store,
    code: &str,
) -> Vec<(String, String, String, Option<huajie_core::IdFlaw>)> {
    let package = s.package_id_by_code(code).await.unwrap().unwrap();
    let mut out = Vec::new();
    for c in s.claims_of_package(package).await.unwrap() {
        for g in s.guarantees_of_claim(c.claim.id).await.unwrap() {
            let p = &g.guarantor.data;
            out.push((
                c.claim.data.contract_no.clone(),
                p.name.clone(),
                p.identity.id_text().unwrap_or("").to_string(),
                p.identity.flaw(),
            ));
        }
    }
    out.sort();
    out
}

async fn a_tape_naming_guarantors_without_valid_ids_loads_every_one_it_names(t: TestStore) {
    use huajie_core::IdFlaw::{FailsCheck, Missing};
    let s = &t.store;
    let (bytes, [p1, p2, bad_wang, bad_sun, bad_zhou]) = guarantor_fixture();
    let read = import_fixture(s, "GF-1", bytes.clone()).await;
    let g = |c: &str, n: &str, id: &str, f| (c.to_string(), n.to_string(), id.to_string(), f);
    let mut expected = vec![
        g("G-1", "张三", &p1, None),
        g("G-1", "李四", "", Some(Missing)),
        g("G-1", "周九", &bad_zhou, Some(FailsCheck)),
        g("G-1", "吴十", "", Some(Missing)),
        g("G-2", "王五", &bad_wang, Some(FailsCheck)),
        g("G-2", "赵六", "", Some(Missing)),
        g("G-2", "钱七", &p2, None),
        g("G-2", "郑十一", "", Some(Missing)),
        g("G-3", "孙八商贸", &bad_sun, Some(FailsCheck)),
        g("G-3", "郑十一", "", Some(Missing)),
        g("G-4", "李四", "", Some(Missing)),
        g("G-4", "王五", &bad_wang, Some(FailsCheck)),
    ];
    expected.sort();
    assert_eq!(guarantors_by_contract(s, "GF-1").await, expected, "exactly the guarantors the tape names");

    // One party per guarantor of the package: the same name without an ID, or the same
    // flawed ID, on two rows (or two sheets) is one guarantor.
    let parties = s.all_parties().await.unwrap();
    let unverified: Vec<&Party> = parties.iter().map(|p| &p.data).filter(|p| p.identifier().is_none()).collect();
    let mut names: Vec<&str> = unverified.iter().map(|p| p.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["吴十", "周九", "孙八商贸", "李四", "王五", "赵六", "郑十一"]);
    let sun = unverified.iter().find(|p| p.name == "孙八商贸").unwrap();
    assert_eq!(sun.kind(), huajie_core::PartyKind::Corporate, "the kind the tape's column gives");
    let li = unverified.iter().find(|p| p.name == "李四").unwrap();
    assert_eq!(li.kind(), huajie_core::PartyKind::Individual, "no kind given: a natural person");
    let zhou = unverified.iter().find(|p| p.name == "周九").unwrap();
    let caps: Vec<Option<Money>> = {
        let package = s.package_id_by_code("GF-1").await.unwrap().unwrap();
        let g1 = s
            .claims_of_package(package)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.claim.data.contract_no == "G-1")
            .unwrap();
        let gs = s.guarantees_of_claim(g1.claim.id).await.unwrap();
        gs.iter()
            .filter(|g| g.guarantor.data.name == zhou.name || g.guarantor.data.name == "吴十")
            .map(|g| g.guarantee.data.cap)
            .collect()
    };
    assert_eq!(caps, [Some(Money::from_fen(50_000_000)); 2], "one cap for the row's two guarantors");

    // Every warning is in the stored report: W116 for each guarantor without an ID, W118 for each flawed one.
    let counted = |code: &str| read.problems.iter().filter(|p| p.rule.code() == code).count();
    assert_eq!((counted("W116"), counted("W118")), (5, 4), "{:?}", read.problems);
    let package = s.package_id_by_code("GF-1").await.unwrap().unwrap();
    let import = s.tape_imports(package).await.unwrap().remove(0);
    let stored = s.tape_report(import.id).await.unwrap().unwrap();
    assert_eq!(stored.problems, read.problems, "the stored report carries what the screen shows");
    assert_eq!(import.warnings, 9);

    // The valuation and the compliance checks read such guarantors like any other.
    let req = huajie_store::ValuationRequest {
        package_id: package,
        assumption_set_id: None,
        valuation_date: None,
        options: huajie_value::Options { scenarios: 10, ..Default::default() },
    };
    let (_, appraisal, _) = s.value_package("valuer", &req, true).await.unwrap();
    assert_eq!(appraisal.claims.len(), 4);
    assert!(appraisal.claims.iter().all(|c| c.guarantors > 0.0), "every claim has guarantors to recover from");
    let checked = s.check_parties().await.unwrap();
    let li_id = parties.iter().find(|p| p.data.name == "李四").unwrap().id;
    assert_eq!(checked[&li_id].name, "李*", "a natural person, masked in the findings");
    small_company(&t).await;
    let deal = ProposedDeal::Acquisition { package_id: package, price: Money::from_fen(100_000), funding_line: None };
    let check = s.run_deal_check("acquisition", "GF-1", "2026-09-30".parse().unwrap(), &deal).await.unwrap();
    assert!(check.result.territory.is_some(), "the check read the package's claims and their guarantors");
    s.compliance_ledger(s.clock().today()).await.unwrap();

    // The same tape again: the same guarantors, no new party, nothing changed.
    let before = s.all_parties().await.unwrap().len();
    import_fixture(s, "GF-1", bytes.clone()).await;
    assert_eq!(s.all_parties().await.unwrap().len(), before, "matched within the package");
    let versions = s.tape_imports(package).await.unwrap();
    let diff = s.tape_diff(versions[1].id).await.unwrap().unwrap();
    assert!(diff.changed.is_empty(), "{:?}", diff.changed);
    assert_eq!(guarantors_by_contract(s, "GF-1").await, expected);

    // Another package's tape naming the same people: the verified ones are the same
    // parties, those without a valid ID are never merged across packages.
    import_fixture(s, "GF-2", bytes).await;
    assert_eq!(s.all_parties().await.unwrap().len(), before + 7);
    let report = s.verify_audit().await.unwrap();
    assert!(report.is_intact(), "{:?}", report.findings);
}

/// A database at schema 10, with parties referred to from every kind of table, upgraded:
/// every party keeps its id and every reference still holds; a party without an
/// identifier can then be stored; a reference to no party is still refused.
async fn upgrading_keeps_every_party_and_reference(t: TestStore) {
    let s = &t.store;
    assert_eq!(s.schema_version().await.unwrap(), 10);
    for sql in [
        "INSERT INTO parties (id, kind, name, identifier, province, status) VALUES (7, 'corporate', '某银行', '91330100MA2AYA1GX3', '33', 'active')",
        "INSERT INTO parties (id, kind, name, identifier, province, status) VALUES (9, 'individual', '张三', '11010519491231002X', '11', 'active')",
        "INSERT INTO packages (id, code, name, transferor_id, cutoff_date, status) VALUES (1, 'U-1', '升级', 7, '2026-06-30', 'screening')",
        "INSERT INTO claims (id, package_id, contract_no, debtor_id, principal_fen, interest_fen, penalty_fen, advanced_costs_fen) VALUES (1, 1, 'U-1', 9, 100, 0, 0, 0)",
        "INSERT INTO guarantees (id, claim_id, guarantor_id) VALUES (1, 1, 7)",
        "INSERT INTO party_links (id, holder_id, held_id, stake_bps, control) VALUES (1, 9, 7, 100, 0)",
    ] {
        t.tamper(sql).await;
    }
    s.migrate().await.unwrap();
    s.require_current_schema().await.unwrap();
    let parties = s.all_parties().await.unwrap();
    assert_eq!(parties.iter().map(|p| p.id).collect::<Vec<_>>(), [7, 9]);
    assert_eq!(parties[1].data.identifier().map(|i| i.as_str()), Some("11010519491231002X"));
    let g = s.guarantees_of_claim(1).await.unwrap();
    assert_eq!(g[0].guarantor.id, 7);
    let mut tx = s.write("test").await.unwrap();
    let id = tx
        .insert_party(&Party {
            name: "李四".into(),
            identity: huajie_core::Identity::Unverified {
                kind: huajie_core::PartyKind::Individual,
                id_as_written: None,
            },
            status: PartyStatus::Active,
            address: None,
            phone: None,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(![7, 9].contains(&id), "a new party, stored without an identifier: {id}");
    assert_eq!(s.party(id).await.unwrap().unwrap().data.identity.flaw(), Some(huajie_core::IdFlaw::Missing));
    let orphan =
        huajie_store::testing::try_raw(s, "INSERT INTO guarantees (claim_id, guarantor_id) VALUES (1, 999)").await;
    assert!(orphan.is_err(), "foreign keys still hold");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrading_to_0011_keeps_every_party_and_reference_sqlite() {
    let t = TestStore::sqlite_at(std::sync::Arc::new(huajie_core::clock::SystemClock), 10).await;
    upgrading_keeps_every_party_and_reference(t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrading_to_0011_keeps_every_party_and_reference_postgres() {
    let Some(url) = postgres_url() else { return };
    upgrading_keeps_every_party_and_reference(TestStore::postgres_at(&url, 10).await).await;
}

async fn party_names_are_read_for_many_ids_at_once(t: TestStore) {
    load_demo(&t).await;
    let s = &t.store;
    let all: Vec<i64> = s.check_parties().await.unwrap().into_keys().collect();
    assert!(all.len() > 2 * huajie_store::IDS_PER_QUERY, "more ids than two queries take: {}", all.len());
    // Every id twice, and one that does not exist.
    let asked: Vec<i64> = all.iter().chain(&all).copied().chain([i64::MAX]).collect();
    let names = s.party_names(&asked).await.unwrap();
    assert_eq!(names.len(), all.len());
    assert!(!names.contains_key(&i64::MAX));
    for id in all.iter().step_by(37) {
        let party = s.party(*id).await.unwrap().unwrap().data;
        assert_eq!(names[id], (party.kind(), party.name), "party {id}");
    }
}

/// Issue 16, point 8: the party list, paged in SQL, comes in pinyin order (not by code point,
/// where 重 < 长 < 北 < 安 < 浙 would not hold), across pages; a row from before the key
/// (migration 0035) gets its key when the store migrates.
async fn the_party_list_is_in_pinyin_order_page_by_page(t: TestStore) {
    let s = &t.store;
    let names =
        ["浙江甲贸易有限公司", "重庆乙实业有限公司", "北京丙科技有限公司", "长沙丁建设有限公司", "安徽戊投资有限公司"];
    let mut tx = s.write("acquisition").await.unwrap();
    for (i, name) in names.iter().enumerate() {
        tx.insert_party(&corporate(name, &format!("91330100MB0PY00{i}"))).await.unwrap();
    }
    tx.commit().await.unwrap();
    let want =
        ["安徽戊投资有限公司", "北京丙科技有限公司", "长沙丁建设有限公司", "重庆乙实业有限公司", "浙江甲贸易有限公司"];
    let read = |offset: i64| async move {
        let filter = PartyFilter { query: Some("有限公司".into()), limit: 2, offset, ..Default::default() };
        let (rows, total) = s.parties(&filter).await.unwrap();
        assert_eq!(total, 5);
        rows.into_iter().map(|r| r.party.data.name).collect::<Vec<_>>()
    };
    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        paged.extend(read(offset).await);
    }
    assert_eq!(paged, want);

    // A row without its key (as written before migration 0035) is keyed when the store migrates.
    t.tamper("UPDATE parties SET name_key = '' WHERE name LIKE '浙江%'").await;
    assert_ne!(read(0).await[0], want[0], "unkeyed rows sort first: the test can tell");
    s.migrate().await.unwrap();
    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        paged.extend(read(offset).await);
    }
    assert_eq!(paged, want);
    assert!(s.verify_audit().await.unwrap().is_intact(), "the key is not part of the audited party");
}

/// Why an attempt did not load is kept in both languages apart: a sheet or column named by the
/// bank with " / " in it stays whole (it was one "中文 / English" string split at its first slash).
async fn why_an_import_did_not_load_is_kept_whole_in_each_language(t: TestStore) {
    let s = &t.store;
    let id = s.start_import_attempt("valuer", "ZJ-X", "tape.xlsx", &"0".repeat(64)).await.unwrap();
    let why =
        huajie_core::Text::new("缺少“本金 / 余额”列".to_string(), "the column “本金 / 余额” is missing".to_string());
    s.end_import_attempt(id, huajie_store::AttemptState::NotImportable, &why).await.unwrap();
    let attempts = s.import_attempts("ZJ-X").await.unwrap();
    let detail = attempts[0].detail.as_ref().unwrap();
    assert_eq!(detail.get(huajie_core::Lang::Zh), "缺少“本金 / 余额”列");
    assert_eq!(detail.get(huajie_core::Lang::En), "the column “本金 / 余额” is missing");
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// Five committee members (users of the roles that serve), serving from 2025.
async fn committee_of_five(t: &TestStore) -> Vec<String> {
    use huajie_decide::committee::Term;
    let s = &t.store;
    let names: Vec<String> =
        ["chair", "m_risk", "m_finance", "m_valuer", "m_ops"].iter().map(|n| n.to_string()).collect();
    for (name, role) in names.iter().zip([Role::Committee, Role::Risk, Role::Finance, Role::Valuer, Role::AssetManager])
    {
        if s.user_by_username(name).await.unwrap().is_none() {
            let user = NewUser { username: name.clone(), display_name: name.clone(), role, password_hash: "h".into() };
            s.create_user("admin", &user).await.unwrap();
        }
        let term = Term::new("2025-01-01".parse().unwrap(), None).unwrap();
        s.add_committee_member("chair", name, "委员", term).await.unwrap();
    }
    names
}

/// The committee approves buying the package of acquisition check `check_id`, and the company
/// holds 1,000 万 in cash: the id of the cash entry to pay from.
async fn approve_purchase(t: &TestStore, check_id: i64) -> i64 {
    use huajie_decide::committee::Ballot;
    let s = &t.store;
    let members = committee_of_five(t).await;
    let when = s.clock().now() + Duration::days(1);
    let meeting = s.schedule_meeting("chair", "第 1 次会议", when, "会议室").await.unwrap();
    let item = s
        .table_item("acquisition", meeting.id, huajie_store::ItemSubject::Acquisition { check_id }, &[])
        .await
        .unwrap();
    s.open_meeting("chair", meeting.id, &members).await.unwrap();
    for m in &members {
        s.cast_vote(m, item.id, Ballot::For).await.unwrap();
    }
    assert_eq!(s.committee_item(item.id).await.unwrap().status, huajie_decide::ItemStatus::Passed);
    let mut tx = s.write("finance").await.unwrap();
    let cash = tx
        .add_liquid_asset(
            "基本户",
            huajie_rules::indicators::LiquidKind::DemandDeposit,
            Money::from_wan(1_000).unwrap(),
            false,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    cash.id
}

async fn the_committee_sits_votes_by_name_and_recuses_who_worked_on_an_item(t: TestStore) {
    use huajie_decide::committee::Ballot;
    use huajie_decide::{ItemStatus, MeetingStatus};
    small_company(&t).await;
    let (package, _) = small_package(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    let members = committee_of_five(&t).await;
    let deal = huajie_store::ProposedDeal::Acquisition {
        package_id: package,
        price: Money::from_yuan(500_000).unwrap(),
        funding_line: None,
    };
    // The risk member ran the check: recused on its item.
    let check = s.run_deal_check("m_risk", "ZJ-T1", d("2026-09-30"), &deal).await.unwrap();
    let meeting = s.schedule_meeting("chair", "第 2 次会议", s.clock().now(), "会议室").await.unwrap();
    let item = s
        .table_item(
            "acquisition",
            meeting.id,
            huajie_store::ItemSubject::Acquisition { check_id: check.id },
            &["m_ops".to_string()],
        )
        .await
        .unwrap();
    // No quorum with four present: the meeting cannot sit, and nothing changed.
    match s.open_meeting("chair", meeting.id, &members[..4]).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("法定人数"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(s.meeting_record(meeting.id).await.unwrap().meeting.status, MeetingStatus::Scheduled);
    // Nobody outside the committee is recorded present.
    assert!(matches!(
        s.open_meeting("chair", meeting.id, &["acquisition".to_string()]).await,
        Err(StoreError::Refused(_) | StoreError::NotFound(_))
    ));
    s.open_meeting("chair", meeting.id, &members).await.unwrap();
    // The checker and the deal-team member may not vote; a vote before the meeting sat, twice, or
    // against without a reason is refused.
    for conflicted in ["m_risk", "m_ops"] {
        match s.cast_vote(conflicted, item.id, Ballot::For).await {
            Err(StoreError::Refused(t)) => assert!(t.zh.contains("回避"), "{t}"),
            other => panic!("expected a refusal for {conflicted}, got {other:?}"),
        }
    }
    assert!(Ballot::read("against", "").is_err());
    s.cast_vote("chair", item.id, Ballot::For).await.unwrap();
    assert!(matches!(s.cast_vote("chair", item.id, Ballot::Abstain).await, Err(StoreError::Refused(_))));
    assert_eq!(s.my_pending_votes("m_finance").await.unwrap().len(), 1);
    assert!(s.my_pending_votes("m_risk").await.unwrap().is_empty(), "the recused member has nothing to vote on");
    s.cast_vote("m_finance", item.id, Ballot::Against { reason: "价格偏高".into() }).await.unwrap();
    // Three entitled (5 present, 2 recused): 2 for of 3 is exactly two thirds.
    let decided = s.cast_vote("m_valuer", item.id, Ballot::For).await.unwrap();
    assert_eq!(decided.status, ItemStatus::Passed);
    assert!(decided.outcome.unwrap().zh.contains("同意 2"));
    s.close_meeting("chair", meeting.id, "会议审议通过收购议题。").await.unwrap();
    let record = s.meeting_record(meeting.id).await.unwrap();
    assert_eq!(record.meeting.status, MeetingStatus::Closed);
    let votes = &record.items[0].1;
    assert_eq!(votes.iter().map(|v| v.username.as_str()).collect::<Vec<_>>(), vec!["chair", "m_finance", "m_valuer"]);
    assert_eq!(votes[1].reason, "价格偏高");
    // Every vote is in the audit chain, and the chain holds.
    assert_eq!(s.audit_of("committee_vote", &votes[1].id.to_string()).await.unwrap().len(), 1);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn an_acquisition_needs_the_committee_and_moves_the_indicators_as_its_check_said(t: TestStore) {
    small_company(&t).await;
    let (package, _) = small_package(&t).await;
    let s = &t.store;
    let today = s.clock().today();
    let price = Money::from_yuan(500_000).unwrap();
    let deal = huajie_store::ProposedDeal::Acquisition { package_id: package, price, funding_line: None };
    let check = s.run_deal_check("acquisition", "ZJ-T1", today, &deal).await.unwrap();
    let mut tx = s.write("finance").await.unwrap();
    let cash = tx
        .add_liquid_asset(
            "基本户",
            huajie_rules::indicators::LiquidKind::DemandDeposit,
            Money::from_wan(1_000).unwrap(),
            false,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Without the committee's approval: refused, nothing written.
    match s.record_acquisition("acquisition", check.id, today, Some(cash.id)).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("决策委员会"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // The check was run before the cash entry: run it again so that its pro forma sees the book
    // as it stands when the purchase is recorded.
    let check = s.run_deal_check("acquisition", "ZJ-T1", today, &deal).await.unwrap();
    let members = committee_of_five(&t).await;
    let meeting = s.schedule_meeting("chair", "第 3 次会议", s.clock().now(), "会议室").await.unwrap();
    let item = s
        .table_item("acquisition", meeting.id, huajie_store::ItemSubject::Acquisition { check_id: check.id }, &[])
        .await
        .unwrap();
    s.open_meeting("chair", meeting.id, &members).await.unwrap();
    for m in &members {
        s.cast_vote(m, item.id, huajie_decide::committee::Ballot::For).await.unwrap();
    }
    // Paid from an entry short of the price: refused.
    let mut tx = s.write("finance").await.unwrap();
    let petty = tx
        .add_liquid_asset("备用金", huajie_rules::indicators::LiquidKind::Cash, Money::from_yuan(1_000).unwrap(), false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(
        s.record_acquisition("acquisition", check.id, today, Some(petty.id)).await,
        Err(StoreError::Refused(_))
    ));
    // Recorded: the indicators are what the check's pro forma said, figure for figure. (The
    // petty-cash entry was added after the check: its amount is in both sides of the liquidity
    // ratio's HQLA only after, so compare the indicators the entry does not touch, and the
    // liquidity numerator less that entry.)
    s.record_acquisition("acquisition", check.id, today, Some(cash.id)).await.unwrap();
    let params = s.rule_parameters().await.unwrap().parameters;
    let after = huajie_rules::indicators(&s.compliance_ledger(today).await.unwrap(), &params, today).unwrap();
    for (said, now) in check.result.after.iter().zip(&after) {
        assert_eq!(said.id, now.id);
        if said.id == huajie_rules::RuleId::Q5 {
            assert_eq!(now.numerator - said.numerator, petty.amount.fen() as i128, "HQLA: the price out of cash");
            assert_eq!(now.denominator, said.denominator);
        } else {
            assert_eq!(
                (now.numerator, now.denominator, now.status),
                (said.numerator, said.denominator, said.status),
                "{:?}",
                said.id
            );
        }
    }
    let paid = s.liquid_assets().await.unwrap().into_iter().find(|a| a.id == cash.id).unwrap();
    assert_eq!(paid.amount, Money::from_fen(Money::from_wan(1_000).unwrap().fen() - price.fen()));
    // A price above the approved one, or a stale check, is refused (the rule's own test has
    // the edges: huajie_decide::acquire).
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// A purchase checked as a drawing on a funding line is recorded as that drawing: the line's
/// principal and its repayment at maturity grow by the price, no cash leaves, and the six
/// indicators are what the check's pro forma said, figure for figure.
async fn an_acquisition_drawn_on_a_funding_line_moves_the_indicators_as_its_check_said(t: TestStore) {
    use huajie_rules::indicators::Channel;
    small_company(&t).await;
    let (package, _) = small_package(&t).await;
    let s = &t.store;
    let today = s.clock().today();
    let maturity = today + Duration::days(20);
    let price = Money::from_yuan(500_000).unwrap();
    let mut tx = s.write("finance").await.unwrap();
    let bank = tx.insert_party(&corporate("某银行杭州分行", "91330100MA2TWB01")).await.unwrap();
    tx.set_party_attributes(huajie_store::PartyAttributes {
        party_id: bank,
        state_organ: false,
        lgfv: false,
        licensed_fi: true,
    })
    .await
    .unwrap();
    let wan = |w| Money::from_wan(w).unwrap();
    let line = tx
        .add_funding("并购贷款授信", Channel::FiLoan, bank, wan(100), today, maturity, &[], Some(wan(200)))
        .await
        .unwrap();
    let full = tx
        .add_funding("流贷授信", Channel::FiLoan, bank, wan(100), today, maturity, &[], Some(wan(120)))
        .await
        .unwrap();
    tx.add_liquid_asset("一般户", huajie_rules::indicators::LiquidKind::DemandDeposit, wan(500), false).await.unwrap();
    tx.commit().await.unwrap();
    // A line without the headroom for the price: the check is refused, naming what is left.
    let short = huajie_store::ProposedDeal::Acquisition { package_id: package, price, funding_line: Some(full.id) };
    match s.run_deal_check("acquisition", "ZJ-T1", today, &short).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("可用额度 200,000.00 元"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let deal = huajie_store::ProposedDeal::Acquisition { package_id: package, price, funding_line: Some(line.id) };
    let check = s.run_deal_check("acquisition", "ZJ-T1", today, &deal).await.unwrap();
    match &check.terms {
        huajie_rules::terms::DealTerms::Acquisition { funding_line: Some(l), .. } => assert_eq!(l.id, line.id),
        other => panic!("the terms name the line: {other:?}"),
    }
    let cash = approve_purchase(&t, check.id).await;
    // Paid from cash instead of the line the check drew on: refused, nothing written.
    match s.record_acquisition("acquisition", check.id, today, Some(cash)).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("并购贷款授信"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let book = async || s.funding_book().await.unwrap().into_iter().find(|f| f.id == line.id).unwrap();
    assert_eq!(book().await.principal, wan(100), "the refusal wrote nothing");
    s.record_acquisition("acquisition", check.id, today, None).await.unwrap();
    let drawn = book().await;
    assert_eq!(drawn.principal, wan(150));
    assert_eq!(drawn.payments, vec![(maturity, price, Money::ZERO)], "repaid at the line's maturity");
    let cash_now = s.liquid_assets().await.unwrap().into_iter().find(|a| a.id == cash).unwrap();
    assert_eq!(cash_now.amount, wan(1_000), "no cash leaves");
    // The check's pro forma, figure for figure (the cash entry of the approval came after the
    // check: it is in the HQLA now, not in what the check said).
    let params = s.rule_parameters().await.unwrap().parameters;
    let after = huajie_rules::indicators(&s.compliance_ledger(today).await.unwrap(), &params, today).unwrap();
    for (said, now) in check.result.after.iter().zip(&after) {
        let hqla = if said.id == huajie_rules::RuleId::Q5 { cash_now.amount.fen() as i128 } else { 0 };
        assert_eq!((now.numerator - hqla, now.denominator), (said.numerator, said.denominator), "{:?}", said.id);
    }
    let q5 = after.iter().find(|i| i.id == huajie_rules::RuleId::Q5).unwrap();
    assert_eq!(q5.denominator, price.fen() as i128, "the drawing's repayment falls in the window");
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn a_plan_goes_to_the_committee_only_through_its_gate(t: TestStore) {
    use huajie_decide::committee::Ballot;
    use huajie_decide::{DisposalMethod, PlanStatus};
    use huajie_store::{PlanInput, PlanSubject};
    small_company(&t).await;
    let (package, claims) = small_package(&t).await;
    let s = &t.store;
    let today = s.clock().today();
    let price = Money::from_yuan(500_000).unwrap();
    let deal = huajie_store::ProposedDeal::Acquisition { package_id: package, price, funding_line: None };
    let check = s.run_deal_check("acquisition", "ZJ-T1", today, &deal).await.unwrap();
    let cash = approve_purchase(&t, check.id).await;
    s.record_acquisition("acquisition", check.id, today, Some(cash)).await.unwrap();
    // The purchase stands in the recovery ledger, posted in the acquisition's transaction: bought
    // without a valuation, its price spread over the claims by principal, to the fen.
    let posted = s.ledger_entries(Some(package)).await.unwrap();
    assert_eq!(posted.iter().map(|e| e.kind).collect::<Vec<_>>(), [huajie_store::EntryKind::Purchase]);
    let rows = s.trial_balance(today, today).await.unwrap();
    let cost = rows.iter().find(|r| r.account == huajie_ledger::Account::ClaimCost).unwrap();
    assert_eq!((cost.debits, cost.credits), (i128::from(price.fen()), 0));
    for c in &claims {
        assert!(s.claim_position(*c).await.unwrap().cost.fen() > 0, "claim {c} carries a cost");
    }
    // No valuation yet: the plan is saved as a draft but its gate says what is missing.
    let input = PlanInput {
        title: "ZJ-T1-1 网络拍卖".into(),
        subject: PlanSubject::Claim(claims[0]),
        method: DisposalMethod::OnlineAuction,
        exception: None,
        exception_reason: String::new(),
        reserve: Some(Money::from_yuan(2_000_000).unwrap()),
        below_reason: String::new(),
        check_id: None,
        summary: "公开拍卖".into(),
        team: vec![],
    };
    let plan = s.create_plan("m_ops", &input).await.unwrap();
    assert_eq!(plan.status, PlanStatus::Draft);
    // Its documents come several at once, all or none: an empty one refuses the lot, naming it.
    let files: [(&str, &[u8]); 2] = [("评估报告.pdf", b"%PDF-1.4 a"), ("空白.docx", b"")];
    match s.add_plan_documents("m_ops", plan.id, &files).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("“空白.docx”为空"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(s.plan_documents(Some(plan.id)).await.unwrap().is_empty(), "none saved");
    let files: [(&str, &[u8]); 2] = [("评估报告.pdf", b"%PDF-1.4 a"), ("尽调报告.docx", b"PK docx")];
    let docs = s.add_plan_documents("m_ops", plan.id, &files).await.unwrap();
    assert_eq!(docs.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), vec!["评估报告.pdf", "尽调报告.docx"]);
    let (doc, bytes) = s.plan_document_content(docs[1].id).await.unwrap();
    assert_eq!(
        (doc.sha256.as_str(), bytes.as_slice()),
        (huajie_core::audit::sha256_hex(b"PK docx").as_str(), &b"PK docx"[..])
    );
    let gate = s.plan_gate(plan.id).await.unwrap();
    assert_eq!(gate.problems.iter().map(|(f, _)| *f).collect::<Vec<_>>(), vec!["valuation"]);
    let meeting = s.schedule_meeting("chair", "第 4 次会议", s.clock().now(), "会议室").await.unwrap();
    match s.table_item("m_ops", meeting.id, huajie_store::ItemSubject::Plan { plan_id: plan.id }, &[]).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("合规关口"), "{t}"),
        other => panic!("expected the gate to refuse, got {other:?}"),
    }
    assert_eq!(s.plan(plan.id).await.unwrap().status, PlanStatus::Draft, "refused: nothing moved");
    // A plan on a collateral item is valued by its appraisal; one for the whole package with a
    // write-off needs no reserve. Withdrawn, a draft goes nowhere.
    let w = s
        .create_plan(
            "m_ops",
            &PlanInput {
                subject: PlanSubject::Package(package),
                method: DisposalMethod::WriteOff,
                reserve: None,
                ..input.clone()
            },
        )
        .await
        .unwrap();
    assert!(s.plan_gate(w.id).await.unwrap().passed());
    let item = s.table_item("m_ops", meeting.id, huajie_store::ItemSubject::Plan { plan_id: w.id }, &[]).await.unwrap();
    assert_eq!(s.plan(w.id).await.unwrap().status, PlanStatus::Submitted);
    let members: Vec<String> =
        ["chair", "m_risk", "m_finance", "m_valuer", "m_ops"].iter().map(|m| m.to_string()).collect();
    s.open_meeting("chair", meeting.id, &members).await.unwrap();
    // The preparer (m_ops) is recused: four entitled; three for and one against is 3/4 ≥ 2/3.
    for (m, b) in [
        ("chair", Ballot::For),
        ("m_risk", Ballot::For),
        ("m_finance", Ballot::For),
        ("m_valuer", Ballot::Against { reason: "应先诉讼".into() }),
    ] {
        s.cast_vote(m, item.id, b).await.unwrap();
    }
    assert_eq!(s.plan(w.id).await.unwrap().status, PlanStatus::Approved);
    assert!(
        matches!(s.withdraw_plan("m_ops", w.id).await, Err(StoreError::Refused(_))),
        "an approved plan is not withdrawn"
    );
    s.withdraw_plan("m_ops", plan.id).await.unwrap();
    let doc = s.add_plan_documents("m_ops", w.id, &[("方案.pdf", b"%PDF-1.4")]).await;
    assert!(matches!(doc, Err(StoreError::Refused(_))), "documents are added before the decision");
    assert!(s.verify_audit().await.unwrap().is_intact());
}

async fn the_work_calendar_is_versioned_audited_and_keeps_every_year(t: TestStore) {
    use huajie_core::calendar::{CalendarDay, DayKind, WorkCalendar};
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    assert!(s.work_calendars().await.unwrap().is_empty());
    // Version 1, the shipped table, is saved on first use, once, by the system (two first
    // uses at once save it once).
    let (v1, again) = tokio::join!(s.work_calendar(), s.work_calendar());
    let v1 = v1.unwrap();
    assert_eq!(again.unwrap().id, v1.id);
    assert_eq!((v1.version, v1.created_by.as_str()), (1, "system"));
    assert_eq!(s.work_calendar().await.unwrap().id, v1.id, "read again, not saved again");
    assert_eq!(v1.calendar.years(), vec![2024, 2025, 2026, 2027]);
    assert_eq!(v1.body_sha256, huajie_core::audit::sha256_hex(v1.calendar.to_csv().as_bytes()));
    assert_eq!(v1.calendar.announcement_period(d("2026-02-12"), 7).unwrap(), d("2026-02-28"));
    // The 2028 notice comes out: risk saves it as version 2, every earlier year kept.
    let mut days = WorkCalendar::shipped_rows();
    let notice = "国办发明电〔2027〕X号";
    let day = |day: &str, kind| CalendarDay {
        year: 2028,
        day: d(day),
        kind,
        festival: "元旦".into(),
        provisional: false,
        source: notice.into(),
    };
    days.push(day("2028-01-01", DayKind::Holiday));
    let refused = |r: Result<_, StoreError>| match r {
        Err(StoreError::Refused(m)) => m.zh.into_owned(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    let audit_before = s.audit_count().await.unwrap();
    assert!(refused(s.record_work_calendar("risk", days.clone(), " ").await).contains("依据"));
    let tuesday = vec![day("2028-01-04", DayKind::MakeupWorkday)];
    let dropped = refused(s.record_work_calendar("risk", tuesday, notice).await);
    assert!(dropped.contains("第 2 行") && dropped.contains("不是周六或周日"), "{dropped}");
    let only_2028 = refused(s.record_work_calendar("risk", vec![day("2028-01-01", DayKind::Holiday)], notice).await);
    assert!(only_2028.contains("缺少现行第 1 版已涵盖的 2024–2027 年"), "{only_2028}");
    let same = refused(s.record_work_calendar("risk", WorkCalendar::shipped_rows(), notice).await);
    assert!(same.contains("完全相同"), "{same}");
    assert_eq!(s.audit_count().await.unwrap(), audit_before, "a refusal writes nothing");
    let v2 = s.record_work_calendar("risk", days, notice).await.unwrap();
    assert_eq!((v2.version, v2.note.as_str(), v2.created_by.as_str()), (2, notice, "risk"));
    assert!(v2.calendar.covers(2028));
    assert_eq!(s.work_calendar().await.unwrap().version, 2);
    // Version 1 is unchanged and still readable.
    let all = s.work_calendars().await.unwrap();
    assert_eq!(all.iter().map(|c| c.version).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(all[0], v1);
    assert!(s.verify_audit().await.unwrap().is_intact());
    // A day changed behind the chain's back is found.
    t.tamper(&format!(
        "UPDATE work_calendar_days SET kind = 'holiday' WHERE calendar_id = {} AND day = '2026-02-28'",
        v1.id
    ))
    .await;
    let report = s.verify_audit().await.unwrap();
    assert_eq!(
        report.findings,
        vec![AuditFinding::RowChanged {
            entity: "work_calendar".into(),
            entity_id: v1.id.to_string(),
            last_seq: s.audit_of("work_calendar", &v1.id.to_string()).await.unwrap()[0].seq,
        }]
    );
}

async fn an_approved_plan_is_announced_masked_in_versions_with_its_period_in_working_days(t: TestStore) {
    use huajie_decide::announce::AnnouncementStatus;
    use huajie_decide::committee::Ballot;
    use huajie_decide::{DisposalMethod, PlanStatus};
    use huajie_store::{AnnouncementEdit, PlanInput, PlanSubject, PublicFilter};
    small_company(&t).await;
    let (package, claims) = small_package(&t).await;
    let s = &t.store;
    let today = s.clock().today();
    let price = Money::from_yuan(500_000).unwrap();
    let deal = huajie_store::ProposedDeal::Acquisition { package_id: package, price, funding_line: None };
    let check = s.run_deal_check("acquisition", "ZJ-T1", today, &deal).await.unwrap();
    let cash = approve_purchase(&t, check.id).await;
    s.record_acquisition("acquisition", check.id, today, Some(cash)).await.unwrap();
    // A person guarantees the first claim: named and numbered in the draft, masked in public.
    let mut tx = s.write("acquisition").await.unwrap();
    let guarantor = tx.insert_party(&person("王小明", "11010519491231002X")).await.unwrap();
    tx.insert_guarantee(&huajie_core::Guarantee {
        claim_id: claims[0],
        guarantor_id: guarantor,
        kind: None,
        cap: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let req = huajie_store::ValuationRequest {
        package_id: package,
        assumption_set_id: None,
        valuation_date: None,
        options: huajie_value::Options { scenarios: 20, ..Default::default() },
    };
    s.value_package("m_valuer", &req, true).await.unwrap();
    let input = PlanInput {
        title: "ZJ-T1-1 债权".into(),
        subject: PlanSubject::Claim(claims[0]),
        method: DisposalMethod::OnlineAuction,
        exception: None,
        exception_reason: String::new(),
        reserve: Some(Money::from_yuan(1).unwrap()),
        below_reason: String::new(),
        check_id: None,
        summary: "网络拍卖".into(),
        team: vec![],
    };
    let probe = s.create_plan("m_ops", &input).await.unwrap();
    let valuation = probe.valuation.expect("the claim's value in the run");
    assert_eq!(probe.valuer.as_deref(), Some("m_valuer"));
    s.withdraw_plan("m_ops", probe.id).await.unwrap();
    let plan = s.create_plan("m_ops", &PlanInput { reserve: Some(valuation), ..input }).await.unwrap();
    let meeting = s.schedule_meeting("chair", "第 5 次会议", s.clock().now(), "会议室").await.unwrap();
    let item =
        s.table_item("m_ops", meeting.id, huajie_store::ItemSubject::Plan { plan_id: plan.id }, &[]).await.unwrap();
    let members: Vec<String> =
        ["chair", "m_risk", "m_finance", "m_valuer", "m_ops"].iter().map(|m| m.to_string()).collect();
    // Not before it is approved.
    assert!(matches!(s.draft_announcement("m_ops", plan.id).await, Err(StoreError::Refused(_))));
    s.open_meeting("chair", meeting.id, &members).await.unwrap();
    for m in ["chair", "m_risk", "m_finance"] {
        s.cast_vote(m, item.id, Ballot::For).await.unwrap();
    }
    assert_eq!(s.plan(plan.id).await.unwrap().status, PlanStatus::Approved, "the preparer and the valuer were recused");
    let v1 = s.draft_announcement("m_ops", plan.id).await.unwrap();
    assert!(v1.body.contains("王小明"), "the draft names the guarantor for the staff");
    assert!(matches!(s.draft_announcement("m_ops", plan.id).await, Err(StoreError::Refused(_))), "one draft at a time");
    assert!(matches!(s.public_announcement(v1.id).await, Err(StoreError::NotFound(_))), "a draft is not public");
    match s.publish_announcement("m_ops", v1.id).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("交易条件") && t.zh.contains("共 3 项"), "{t}"),
        other => panic!("expected the checklist to refuse, got {other:?}"),
    }
    let edit = AnnouncementEdit {
        locations: vec!["浙江省杭州市".into()],
        title: v1.content.title.clone(),
        conditions: "竞买保证金 10 万元；成交后 5 个工作日内付清".into(),
        buyer_requirements: v1.content.buyer_requirements.clone(),
        contact: "资产经营部 王经理 0571-88888888".into(),
        report_channel: "纪检监察室 0571-66666666".into(),
    };
    s.edit_announcement("m_ops", v1.id, &edit).await.unwrap();
    let v1 = s.publish_announcement("m_ops", v1.id).await.unwrap();
    assert_eq!(v1.status, AnnouncementStatus::Published);
    assert!(!v1.body.contains("王小明") && !v1.body.contains("11010519491231002X"), "{}", v1.body);
    assert_eq!(v1.body_sha256, huajie_core::audit::sha256_hex(v1.body.as_bytes()));
    let calendar = s.work_calendar().await.unwrap().calendar;
    let ends = calendar.announcement_period(today, 7).unwrap();
    assert_eq!((v1.period_ends_on, v1.bidding_opens_on), (Some(ends), ends.succ_opt()));
    assert!(matches!(s.edit_announcement("m_ops", v1.id, &edit).await, Err(StoreError::Refused(_))), "never edited");
    // A correction is the next version; the first stays in the archive as it was published.
    let v2 = s.draft_announcement("m_ops", plan.id).await.unwrap();
    assert_eq!((v2.version, v2.content.contact.as_str()), (2, edit.contact.as_str()));
    s.edit_announcement("m_ops", v2.id, &AnnouncementEdit { conditions: "竞买保证金 20 万元".into(), ..edit.clone() })
        .await
        .unwrap();
    s.publish_announcement("m_ops", v2.id).await.unwrap();
    let archived = s.public_announcement(v1.id).await.unwrap();
    assert_eq!(
        (archived.status, &archived.body, &archived.body_sha256),
        (AnnouncementStatus::Superseded, &v1.body, &v1.body_sha256)
    );
    let (listed, total) = s.public_announcements(&PublicFilter::default(), 0).await.unwrap();
    assert_eq!((total, listed[0].id), (1, v2.id), "only the version in force is listed");
    assert_eq!(s.public_versions(plan.id).await.unwrap().len(), 2);
    // The public filters.
    let none = |f: PublicFilter| async move { s.public_announcements(&f, 0).await.unwrap().1 };
    assert_eq!(none(PublicFilter { method: Some(DisposalMethod::Tender), ..Default::default() }).await, 0);
    assert_eq!(none(PublicFilter { method: Some(DisposalMethod::OnlineAuction), ..Default::default() }).await, 1);
    assert_eq!(
        none(PublicFilter { reserve_min: valuation.checked_add(Money::from_fen(1)).ok(), ..Default::default() }).await,
        0
    );
    assert_eq!(none(PublicFilter { reserve_max: Some(valuation), ..Default::default() }).await, 1);
    assert_eq!(none(PublicFilter { text: Some("ZJ-T1-1".into()), ..Default::default() }).await, 1);
    assert_eq!(none(PublicFilter { published_from: today.succ_opt(), ..Default::default() }).await, 0);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// Waits long enough for a spawned operation to read all it reads before asking for its turn
/// to write (the old shape): the tests below then change the book while it waits.
async fn let_it_read_first() {
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
}

/// A quarter-end is recorded from the book and the parameters as they stand when its
/// transaction takes the write lock: a correction committed while it waited its turn is in the
/// recorded result, and the version recorded is the version it was computed with.
async fn a_quarter_end_is_recorded_from_the_book_as_it_stands_when_its_turn_comes(t: TestStore) {
    small_company(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    let q = d("2026-09-30");
    s.rule_parameters().await.unwrap();
    // Finance holds the write lock while it corrects the quarter's net assets and risk changes
    // the parameters; risk asks for the quarter-end to be recorded meanwhile.
    let mut tx = s.write("finance").await.unwrap();
    let recording = tokio::spawn({
        let s = s.clone();
        async move { s.record_quarter_end("risk", q).await }
    });
    let_it_read_first().await;
    tx.set_net_assets(q, Money::from_wan(4_000).unwrap(), "季报（更正）").await.unwrap();
    let stricter = huajie_rules::RuleParameters { leverage_max_bps: 20_000, ..Default::default() };
    tx.save_rule_parameters(&stricter, "杠杆上限 2 倍").await.unwrap();
    tx.commit().await.unwrap();
    let recorded = recording.await.unwrap().unwrap();
    let params = s.rule_parameters().await.unwrap();
    assert_eq!((recorded.parameter_version, params.version), (2, 2), "recorded with the version in force");
    let now = huajie_rules::indicators(&s.compliance_ledger(q).await.unwrap(), &params.parameters, q).unwrap();
    assert_eq!(recorded.indicators, now, "the recorded result is the book's as it stood when it was written");
    assert_eq!(s.indicator_result(q).await.unwrap().unwrap().indicators, now);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// A pre-trade check is made on the book as it stands when its transaction takes the write
/// lock: a claim flagged PX5, the net assets corrected and the parameters changed while the
/// check waited its turn are all in what it records.
async fn a_deal_check_is_made_on_the_book_as_it_stands_when_its_turn_comes(t: TestStore) {
    use huajie_rules::RuleId;
    use huajie_rules::checks::ProhibitedAsset;
    use huajie_store::FlagTarget;
    small_company(&t).await;
    let (package, claims) = small_package(&t).await;
    let s = &t.store;
    let d = |x: &str| x.parse::<NaiveDate>().unwrap();
    let q = d("2026-09-30");
    s.rule_parameters().await.unwrap();
    let mut tx = s.write("acquisition").await.unwrap();
    let checking = tokio::spawn({
        let s = s.clone();
        async move {
            let deal = ProposedDeal::Acquisition {
                package_id: package,
                price: Money::from_yuan(500_000).unwrap(),
                funding_line: None,
            };
            s.run_deal_check("acquisition", "ZJ-T1", q, &deal).await
        }
    });
    let_it_read_first().await;
    tx.set_asset_flag(FlagTarget::Claim(claims[0]), ProhibitedAsset::Px5, "借款合同第 12 条：未经同意不得转让")
        .await
        .unwrap();
    tx.set_net_assets(q, Money::from_wan(4_000).unwrap(), "季报（更正）").await.unwrap();
    let stricter = huajie_rules::RuleParameters { leverage_max_bps: 20_000, ..Default::default() };
    tx.save_rule_parameters(&stricter, "杠杆上限 2 倍").await.unwrap();
    tx.commit().await.unwrap();
    let check = checking.await.unwrap().unwrap();
    assert!(check.blocked, "the flag set while the check waited blocks it");
    assert!(check.result.findings.iter().any(|f| f.rule == RuleId::Q8 && f.zh.contains("PX5")));
    let params = s.rule_parameters().await.unwrap();
    assert_eq!((check.parameter_version, params.version), (2, 2), "checked with the version in force");
    let now = huajie_rules::indicators(&s.compliance_ledger(s.clock().today()).await.unwrap(), &params.parameters, q)
        .unwrap();
    let strip = |v: &[huajie_rules::Indicator]| {
        v.iter().map(|i| huajie_rules::Indicator { lines: Vec::new(), ..i.clone() }).collect::<Vec<_>>()
    };
    assert_eq!(check.result.before, strip(&now), "the indicators before the deal are the book's at the lock");
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// An import attempt ends once: a second end is refused and recorded nowhere (neither in the
/// attempt, which keeps its first end and why, nor in the audit chain), and an attempt that
/// does not exist is not found.
async fn an_import_attempt_ends_once_and_only_its_end_is_audited(t: TestStore) {
    use huajie_core::Text;
    use huajie_store::AttemptState;
    let s = &t.store;
    let id = s.start_import_attempt("valuer", "ZJ-X", "tape.xlsx", &"0".repeat(64)).await.unwrap();
    let why = Text::fixed("文件无法读取", "the file cannot be read");
    s.end_import_attempt(id, AttemptState::Unreadable, &why).await.unwrap();
    match s.end_import_attempt(id, AttemptState::Failed, &Text::fixed("导入出错", "the import failed")).await {
        Err(StoreError::Refused(t)) => {
            assert!(t.zh.contains("未载入：文件无法读取") && t.en.contains("the import failed"), "{t}")
        }
        other => panic!("a second end is refused: {other:?}"),
    }
    let attempt = s.import_attempts("ZJ-X").await.unwrap().remove(0);
    assert_eq!((attempt.state, attempt.detail), (AttemptState::Unreadable, Some(why.clone())));
    let ends = s.audit_of("tape_import_attempt", &id.to_string()).await.unwrap();
    let ends: Vec<_> = ends.iter().filter(|r| r.action == "import_ended").collect();
    assert_eq!(ends.len(), 1, "only the real end is in the chain");
    assert_eq!(ends[0].actor, "valuer", "recorded in the name of who started the import");
    assert!(matches!(s.end_import_attempt(id + 1, AttemptState::Failed, &why).await, Err(StoreError::NotFound(_))));
    assert!(s.verify_audit().await.unwrap().is_intact());
}

/// Issue 14: an investor registers once (a user name or an identifier taken is refused by
/// field, nothing written), is linked to its party, uploads documents all or none, waits for
/// more, and is qualified only when its documents are in and its screening does not block; a
/// staff member's relative is refused with the screening's reason. Every step is audited and
/// the chain verifies; a source registering too often is throttled.
async fn an_investor_registers_once_is_screened_and_qualified_through_its_life_cycle(t: TestStore) {
    use huajie_decide::investor::{DocumentKind, InvestorKind, InvestorStatus};
    use huajie_store::book::{book_kind, read_entry};
    use huajie_store::{InvestorProfile, Registered, Registration};
    small_company(&t).await;
    let s = &t.store;
    let today = s.clock().today();
    let person = |id: &str| PartyIdentifier::parse(id, today).unwrap();
    let reg = |username: &str, id: &str, name: &str| Registration {
        username: username.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        profile: InvestorProfile {
            kind: InvestorKind::Individual,
            name: name.into(),
            identifier: person(id),
            legal_rep: None,
            phone: "13800138000".into(),
            email: "wang@example.cn".into(),
        },
    };
    let users_before = s.users().await.unwrap().len();
    let Registered::Done(wang) = s.register_investor(&reg("wang", "11010519491231002X", "王某")).await.unwrap()
    else {
        panic!("registered");
    };
    assert_eq!(wang.status, InvestorStatus::Applied);
    let user = s.user(wang.user_id).await.unwrap().unwrap();
    assert_eq!((user.role, user.username.as_str()), (Role::Investor, "wang"));
    let party = s.party_by_identifier("11010519491231002X").await.unwrap().unwrap();
    assert_eq!((party.id, party.data.name.as_str()), (wang.party_id, "王某"), "linked to a party made for it");
    // The same user name and the same ID number again: both named, nothing written.
    match s.register_investor(&reg("wang", "11010519491231002X", "王某")).await.unwrap() {
        Registered::Taken(fields) => {
            assert_eq!(fields.iter().map(|f| f.0).collect::<Vec<_>>(), ["username", "identifier"])
        }
        Registered::Done(_) => panic!("registered twice"),
    }
    assert_eq!(s.users().await.unwrap().len(), users_before + 1);
    assert_eq!(s.investors(None).await.unwrap().len(), 1);

    // Not qualified without its documents; documents all or none.
    match s.qualify_investor("risk", wang.id).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("身份证明") && t.zh.contains("资金证明"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let files: [(DocumentKind, &str, &[u8]); 2] =
        [(DocumentKind::Identity, "身份证.jpg", b"JPEG id"), (DocumentKind::ProofOfFunds, "空.pdf", b"")];
    assert!(matches!(s.add_investor_documents("wang", wang.id, &files).await, Err(StoreError::Refused(_))));
    assert!(s.investor_documents(Some(wang.id)).await.unwrap().is_empty(), "none saved");
    let docs = s.add_investor_documents("wang", wang.id, &files[..1]).await.unwrap();
    let (doc, bytes) = s.investor_document_content(docs[0].id).await.unwrap();
    assert_eq!((doc.kind, bytes.as_slice()), (DocumentKind::Identity, &b"JPEG id"[..]));

    // More documents requested; uploading them sends it back for review.
    let asked = s.request_investor_documents("risk", wang.id, "请补充资金证明").await.unwrap();
    assert_eq!((asked.status, asked.request.as_deref()), (InvestorStatus::MoreDocuments, Some("请补充资金证明")));
    match s.qualify_investor("risk", wang.id).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("待补充材料"), "{t}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    s.add_investor_documents("wang", wang.id, &[(DocumentKind::ProofOfFunds, "存款证明.pdf", b"%PDF funds")])
        .await
        .unwrap();
    assert_eq!(s.investor(wang.id).await.unwrap().status, InvestorStatus::Applied);
    let qualified = s.qualify_investor("risk", wang.id).await.unwrap();
    assert_eq!((qualified.status, qualified.decided_by.as_deref()), (InvestorStatus::Qualified, Some("risk")));
    // Final: not refused afterwards, no more documents.
    assert!(matches!(s.refuse_investor("risk", wang.id, "x").await, Err(StoreError::Refused(_))));
    assert!(matches!(
        s.add_investor_documents("wang", wang.id, &[(DocumentKind::Other, "x.pdf", b"x")]).await,
        Err(StoreError::Refused(_))
    ));

    // A close relative of a member of the staff: the screening blocks, staff read why.
    let entry = |kind: &str, pairs: Vec<(&str, &str)>| {
        let get = move |k: &str| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string());
        read_entry(book_kind(kind).unwrap(), &get, today).unwrap()
    };
    let mut tx = s.write("risk").await.unwrap();
    tx.apply_book_entry(&entry(
        "staff",
        vec![("party", "330106198001010013"), ("party_name", "张某"), ("department", "处置部")],
    ))
    .await
    .unwrap();
    tx.apply_book_entry(&entry(
        "relative",
        vec![("a", "330106198001010013"), ("b", "330106198203040026"), ("b_name", "李某")],
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let Registered::Done(li) = s.register_investor(&reg("li", "330106198203040026", "李某")).await.unwrap() else {
        panic!("registered");
    };
    assert_eq!(
        li.party_id,
        s.party_by_identifier("330106198203040026").await.unwrap().unwrap().id,
        "the existing party"
    );
    let screening = s.investor_screening(li.id).await.unwrap();
    assert!(screening.iter().any(|f| f.zh.contains("近亲属")), "{screening:?}");
    let both: [(DocumentKind, &str, &[u8]); 2] =
        [(DocumentKind::Identity, "id.jpg", b"id"), (DocumentKind::ProofOfFunds, "funds.pdf", b"funds")];
    s.add_investor_documents("li", li.id, &both).await.unwrap();
    match s.qualify_investor("risk", li.id).await {
        Err(StoreError::Refused(t)) => assert!(t.zh.contains("筛查未通过") && t.zh.contains("近亲属"), "{t}"),
        other => panic!("expected the screening to refuse, got {other:?}"),
    }
    assert!(matches!(s.refuse_investor("risk", li.id, "  ").await, Err(StoreError::Refused(_))), "a reason is needed");
    let refused = s.refuse_investor("risk", li.id, "本公司员工近亲属（TX4）").await.unwrap();
    assert_eq!(
        (refused.status, refused.refusal.as_deref()),
        (InvestorStatus::Refused, Some("本公司员工近亲属（TX4）"))
    );

    // Every step is in the chain, and the rows match it.
    let report = s.verify_audit().await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    let audit = s.audit_log(1000, 0).await.unwrap();
    let investor_updates = audit.iter().filter(|r| r.entity == "investor" && r.action == "update").count();
    assert_eq!(investor_updates, 4, "the request, back to review, qualified; the refusal");

    // A source may make so many attempts an hour.
    for _ in 0..huajie_core::throttle::REGISTRATIONS_PER_SOURCE_MAX {
        s.reserve_registration("203.0.113.9").await.unwrap();
    }
    assert!(matches!(s.reserve_registration("203.0.113.9").await, Err(StoreError::Throttled(_))));
    s.reserve_registration("203.0.113.10").await.unwrap();
}
