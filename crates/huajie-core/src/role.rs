//! Roles and what each may do. Every route names the permission it needs; this file
//! is the one place that says which roles hold which permission.

use crate::named_enum;

named_enum! {
    /// A user's role. One role per user.
    pub enum Role {
        Admin = ("admin", "系统管理员", "Administrator"),
        Acquisition = ("acquisition", "收购/投资部", "Acquisition"),
        Valuer = ("valuer", "估值/评估", "Valuer"),
        Risk = ("risk", "风险合规部", "Risk & compliance"),
        AssetManager = ("asset_manager", "资产经营/处置部", "Asset manager"),
        Committee = ("committee", "决策委员会", "Committee"),
        Finance = ("finance", "财务部", "Finance"),
        Auditor = ("auditor", "审计（只读）", "Auditor (read-only)"),
        Regulator = ("regulator", "监管机构（只读）", "Regulator (read-only)"),
        Investor = ("investor", "投资者", "Investor"),
    }
}

/// Something a route or an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// The company dashboard (aggregates only).
    ViewDashboard,
    /// Package list and detail.
    ViewPackages,
    /// Claim detail: debtor, collateral, guarantors.
    ViewClaims,
    /// Party list and detail.
    ViewParties,
    /// Personal data unmasked (individuals' names, ID numbers, phones).
    ViewPersonalData,
    /// The audit log.
    ViewAudit,
    /// Create users, change roles, disable accounts, reset passwords.
    ManageUsers,
    /// The investor portal.
    UsePortal,
    /// Upload a bank's data tape and load it into a package.
    ImportTapes,
    /// Valuation runs, their reports, and the assumption sets.
    ViewValuations,
    /// Value a package (a run is recorded).
    RunValuations,
    /// Mark a valuation run reviewed (a second person: never the run's preparer).
    ReviewValuations,
    /// Save a new version of an assumption set.
    EditAssumptions,
    /// The regulatory indicators, their drill-down and the rule catalogue.
    ViewCompliance,
    /// Save a new version of the rule parameters.
    EditRuleParameters,
    /// The compliance book behind the indicators (not the regulator's: it sees indicators,
    /// findings and reports).
    ViewComplianceBook,
    /// Enter the compliance book's figures: net assets, investments, funding, cash calendar,
    /// liquid assets, exposures.
    EditComplianceBook,
    /// Edit the party graph: holdings and control, officers, the staff register with its
    /// relatives and entities, party attributes (state organ, LGFV, licensed FI).
    EditPartyGraph,
    /// Save a version of the company's capital and the items behind its net assets.
    EditCompanyCapital,
    /// Save a version of the company's main-business lines.
    EditMainBusiness,
    /// Record the official quarter-end indicators for reporting, and submit a recorded
    /// quarter's report to the regulator.
    RecordIndicators,
    /// Acknowledge a quarterly report the company submitted (the regulator's one write: it
    /// says what it received, and when; it changes nothing of the company's).
    AcknowledgeReports,
    /// Read the pre-trade checks: deals under negotiation, with their prices. Not the
    /// regulator's: it sees the indicators, the recorded quarter-ends and the reports (with
    /// the quarter's findings), not what the company is negotiating.
    ViewDealChecks,
    /// Run a pre-trade check of a proposed deal.
    CheckDeals,
    /// Check a proposed disposal, which screens its transferee (whether a person or company
    /// is the debtor's, a related party, on the dishonest-debtor list…).
    ScreenTransferees,
    /// Override a limit or warning a check found (never a hard block).
    OverrideFindings,
    /// Record that a package was bought (after a cleared check).
    RecordAcquisitions,
    /// Flag a claim or a package as a prohibited asset (PX2–PX6), with the reason.
    FlagProhibitedAssets,
    /// Remove such a flag (the flag blocks an acquisition: removing it is the risk team's call).
    ClearProhibitedFlags,
    /// Disposal plans and announcements as the staff see them (the gate, valuation, cost).
    ViewPlans,
    /// Draft a disposal plan, attach its documents, withdraw it.
    PreparePlans,
    /// Draft, edit, publish and correct a disposal announcement.
    ManageAnnouncements,
    /// The decision committee's pages: members, meetings, agenda items, named votes, minutes.
    ViewCommittee,
    /// The committee's secretary and chair: members and their terms, meetings, attendance,
    /// opening, closing with the minutes, cancelling, withdrawing an item from the agenda.
    ManageCommittee,
    /// Vote as a member of the committee (membership, its term and recusal are the store's check).
    CastVotes,
    /// Put an acquisition or a disposal plan on a meeting's agenda (which kind: `Role::tables`).
    TableItems,
    /// Review the investors who registered on the portal: their profiles and KYC documents,
    /// the screening against the party graph (TX3–TX5, TX8), and qualify, refuse or ask for more
    /// documents. At a local AMC the asset managers, who sell to them, receive the applications;
    /// the risk team, which keeps the party graph and screens transferees, reviews any. The same
    /// two roles as `ScreenTransferees`: qualifying is the screening done once, before any bid.
    QualifyInvestors,
    /// The lots on the investor portal as staff see them: terms, deposits, bidders by name and
    /// number, every bid, the screening's refusals and why, the outcome.
    ViewLots,
    /// Put an approved auction or tender plan up as a lot (its terms), close it once its end has
    /// passed, draft its transfer agreement: the asset managers, who sell.
    ManageLots,
    /// Confirm an investor's deposit arrived (保证金到账确认): finance, which sees the bank account.
    ConfirmDeposits,
    /// Be one of the two staff who open a sealed tender's bids together (开标): an asset manager
    /// and someone from risk or finance, never one person alone (`huajie_auction::sealed`).
    OpenTenders,
    /// A claim's cases as the staff see them: stages, court and case numbers, the firm handling
    /// it and its fee terms, deadlines and their alerts, tasks (issue 15).
    ViewCases,
    /// Open a case on a claim, record its stages and the interruptions of its limitation period,
    /// engage law firms and agencies, add and complete its tasks: the asset managers, who recover.
    ManageCases,
    /// Import bank statements and court payment notices, and assign or dismiss the lines the
    /// matching queued (issue 15): finance, which keeps the bank account.
    Reconcile,
    /// Read the reconciliation: the statement files imported with their lines counted, and the
    /// queue with its candidates (issue 15). Finance, which works it; the auditor and the risk
    /// team, who check that the money came in and went where the books say (internal control);
    /// the administrator. Never a posting: that is `Reconcile`.
    ViewReconcile,
    /// A package's back-test: the underwriting's projection against what came in (issue 15): whoever
    /// sees the valuations sees how they fared.
    ViewBacktests,
    /// The recovery ledger as the staff who answer for the money read it: entries and their
    /// lines, the trial balance, the general-ledger export, each claim's position and each
    /// package's returns (issue 15).
    ViewLedger,
    /// Post receipts and expenses to the ledger and reverse entries: finance, which keeps the
    /// books and sees the bank account (the asset managers, risk, the committee, audit and the
    /// administrator read the ledger; the acquisition team and the valuers do not).
    PostLedger,
}

/// What an agenda item decides, as far as who may table it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tabled {
    Acquisition,
    Plan,
}

impl Role {
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match permission {
            // The regulator's window is the compliance pages, not the company's own dashboard.
            ViewDashboard => !matches!(self, Investor | Regulator),
            ViewPackages | ViewClaims | ViewValuations | ViewBacktests => {
                matches!(self, Admin | Acquisition | Valuer | Risk | AssetManager | Committee | Finance | Auditor)
            }
            ViewParties => matches!(self, Admin | Acquisition | Valuer | Risk | AssetManager | Committee | Auditor),
            // The teams that deal with the debtors own their personal data.
            ViewPersonalData => matches!(self, Acquisition | AssetManager),
            ViewAudit => matches!(self, Admin | Risk | Auditor),
            ManageUsers => matches!(self, Admin),
            UsePortal => matches!(self, Investor),
            // The acquisition team receives and cleans the tapes.
            ImportTapes => matches!(self, Acquisition),
            // Pricing is the valuers' work; the acquisition team prices the packages it brings in.
            RunValuations => matches!(self, Valuer | Acquisition),
            // A run is reviewed by another valuer or by the risk team before its report is signed.
            ReviewValuations => matches!(self, Valuer | Risk),
            EditAssumptions => matches!(self, Valuer),
            // The risk team runs compliance; management, audit and the regulator read it.
            ViewCompliance => matches!(self, Admin | Risk | Committee | Finance | Auditor | Regulator),
            EditRuleParameters => matches!(self, Risk),
            ViewComplianceBook => matches!(self, Admin | Risk | Committee | Finance | Auditor),
            // Finance keeps the funding book and net assets; risk keeps the party graph, alone.
            EditComplianceBook => matches!(self, Finance | Risk),
            EditPartyGraph => matches!(self, Risk),
            // The profile: finance the money, risk the business lines; risk submits, the regulator acknowledges.
            EditCompanyCapital => matches!(self, Finance),
            EditMainBusiness | RecordIndicators => matches!(self, Risk),
            AcknowledgeReports => matches!(self, Regulator),
            ViewDealChecks => {
                matches!(self, Admin | Acquisition | Risk | AssetManager | Committee | Finance | Auditor)
            }
            // Whoever proposes a deal checks it; the risk team checks any.
            CheckDeals => matches!(self, Acquisition | AssetManager | Finance | Risk),
            // Disposals are the asset managers' deals; the risk team screens any.
            ScreenTransferees => matches!(self, AssetManager | Risk),
            OverrideFindings => matches!(self, Risk),
            RecordAcquisitions => matches!(self, Acquisition),
            // Due diligence finds a no-transfer clause; risk reviews. Only risk lifts a flag.
            FlagProhibitedAssets => matches!(self, Acquisition | Risk),
            ClearProhibitedFlags => matches!(self, Risk),
            ViewCommittee => {
                matches!(self, Admin | Acquisition | Valuer | Risk | AssetManager | Committee | Finance | Auditor)
            }
            ManageCommittee => matches!(self, Committee),
            // The staff who may serve; whether they do, and when, is the member list's.
            CastVotes => matches!(self, Acquisition | Valuer | Risk | AssetManager | Committee | Finance),
            // The staff who see packages see their plans; the committee decides them.
            ViewPlans => {
                matches!(self, Admin | Acquisition | Valuer | Risk | AssetManager | Committee | Finance | Auditor)
            }
            // Disposal is the asset managers' work (A11 IC5: not the valuers').
            PreparePlans | ManageAnnouncements => matches!(self, AssetManager),
            TableItems => matches!(self, Acquisition | AssetManager | Committee),
            QualifyInvestors => matches!(self, AssetManager | Risk),
            // Every staff team sees lots and where a claim's recovery stands (finance pays the fees).
            ViewLots | ViewCases => {
                matches!(self, Admin | Acquisition | Valuer | Risk | AssetManager | Committee | Finance | Auditor)
            }
            ManageLots | ManageCases => matches!(self, AssetManager),
            ConfirmDeposits | Reconcile | PostLedger => matches!(self, Finance),
            OpenTenders => matches!(self, AssetManager | Risk | Finance),
            ViewLedger | ViewReconcile => self.reads_the_books(permission),
        }
    }

    /// Who reads the recovery ledger (those who answer for the money: the asset managers, risk, the
    /// committee, finance, audit, the administrator) and, of them, the reconciliation (the bank's
    /// lines: finance, which works it, and those who check it — risk, audit, the administrator).
    fn reads_the_books(self, permission: Permission) -> bool {
        use Role::*;
        let checks = matches!(self, Admin | Risk | Finance | Auditor);
        match permission {
            Permission::ViewReconcile => checks,
            _ => checks || matches!(self, AssetManager | Committee),
        }
    }

    /// Whether the role may table an item of kind `kind`: the acquisition team its purchases,
    /// the asset managers their plans, the committee's secretary either.
    pub fn tables(self, kind: Tabled) -> bool {
        self.can(Permission::TableItems)
            && match kind {
                Tabled::Acquisition => matches!(self, Role::Acquisition | Role::Committee),
                Tabled::Plan => matches!(self, Role::AssetManager | Role::Committee),
            }
    }

    /// Staff roles use the internal pages; investors use the portal only.
    pub fn is_staff(self) -> bool {
        self != Role::Investor
    }

    /// Roles that may change nothing of the company's (the regulator acknowledges the reports
    /// it receives, `AcknowledgeReports`, which is its own record, not the company's).
    pub fn is_read_only(self) -> bool {
        matches!(self, Role::Auditor | Role::Regulator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_roles_write_nothing() {
        for r in [Role::Auditor, Role::Regulator] {
            assert!(r.is_read_only());
            assert!(!r.can(Permission::ManageUsers));
        }
        assert!(!Role::Regulator.can(Permission::ViewClaims));
        assert!(!Role::Regulator.can(Permission::ViewDealChecks), "no prices of deals under negotiation");
        assert!(Role::Regulator.can(Permission::ViewCompliance));
        assert!(!Role::Investor.can(Permission::ViewDashboard));
        assert!(Role::Investor.can(Permission::UsePortal));
        assert!(!Role::Regulator.can(Permission::ViewPlans), "no valuations or costs of plans");
        assert!(!Role::Valuer.can(Permission::PreparePlans), "the valuer does not prepare the disposal (A11 IC5)");
        let holders = |p: Permission| Role::ALL.iter().filter(|r| r.can(p)).map(|r| r.code()).collect::<Vec<_>>();
        assert_eq!(holders(Permission::AcknowledgeReports), ["regulator"], "the regulator acknowledges, alone");
        assert_eq!(holders(Permission::RecordIndicators), ["risk"], "the risk team submits");
    }

    #[test]
    fn the_committee_is_read_by_staff_run_by_its_secretary_and_voted_by_who_may_serve() {
        use Permission::*;
        let holders = |p: Permission| Role::ALL.iter().filter(|r| r.can(p)).map(|r| r.code()).collect::<Vec<_>>();
        assert_eq!(
            holders(ViewCommittee),
            ["admin", "acquisition", "valuer", "risk", "asset_manager", "committee", "finance", "auditor"]
        );
        assert_eq!(holders(ManageCommittee), ["committee"]);
        assert_eq!(holders(CastVotes), ["acquisition", "valuer", "risk", "asset_manager", "committee", "finance"]);
        assert_eq!(holders(TableItems), ["acquisition", "asset_manager", "committee"]);
        let tabling = |k: Tabled| Role::ALL.iter().filter(|r| r.tables(k)).map(|r| r.code()).collect::<Vec<_>>();
        assert_eq!(tabling(Tabled::Acquisition), ["acquisition", "committee"]);
        assert_eq!(tabling(Tabled::Plan), ["asset_manager", "committee"]);
    }

    #[test]
    fn investors_are_qualified_by_the_asset_managers_and_the_risk_team_only() {
        let holders = |p: Permission| Role::ALL.iter().filter(|r| r.can(p)).map(|r| r.code()).collect::<Vec<_>>();
        assert_eq!(holders(Permission::QualifyInvestors), ["risk", "asset_manager"]);
        assert!(!Role::Investor.can(Permission::QualifyInvestors));
    }

    #[test]
    fn lots_are_set_up_by_the_asset_managers_deposits_confirmed_by_finance_tenders_opened_by_two() {
        use Permission::*;
        let holders = |p: Permission| Role::ALL.iter().filter(|r| r.can(p)).map(|r| r.code()).collect::<Vec<_>>();
        assert_eq!(holders(ManageLots), ["asset_manager"]);
        assert_eq!(holders(ConfirmDeposits), ["finance"]);
        assert_eq!(holders(OpenTenders), ["risk", "asset_manager", "finance"]);
        assert!(!Role::Investor.can(ViewLots) && !Role::Regulator.can(ViewLots));
    }

    #[test]
    fn cases_are_managed_by_the_asset_managers_and_seen_by_every_staff_team() {
        use Permission::*;
        let holders = |p: Permission| Role::ALL.iter().filter(|r| r.can(p)).map(|r| r.code()).collect::<Vec<_>>();
        assert_eq!(holders(ManageCases), ["asset_manager"]);
        assert!(Role::Finance.can(ViewCases) && Role::Auditor.can(ViewCases));
        assert!(!Role::Investor.can(ViewCases) && !Role::Regulator.can(ViewCases));
    }

    #[test]
    fn statements_are_reconciled_by_finance_read_by_audit_and_risk_and_back_tests_read_by_the_staff() {
        use Permission::*;
        let holders = |p: Permission| Role::ALL.iter().filter(|r| r.can(p)).map(|r| r.code()).collect::<Vec<_>>();
        assert_eq!(holders(Reconcile), ["finance"]);
        assert_eq!(holders(ViewReconcile), ["admin", "risk", "finance", "auditor"]);
        assert!(Role::ALL.iter().all(|r| !r.can(Reconcile) || r.can(ViewReconcile)), "who posts reads");
        assert!(Role::Auditor.can(ViewReconcile) && !Role::Auditor.can(Reconcile), "the auditor reads, never posts");
        assert_eq!(holders(ViewBacktests), holders(ViewValuations));
        assert!(!Role::Regulator.can(ViewBacktests) && !Role::Investor.can(ViewBacktests));
    }

    #[test]
    fn the_ledger_is_posted_by_finance_and_read_by_those_who_answer_for_the_money() {
        use Permission::*;
        let holders = |p: Permission| Role::ALL.iter().filter(|r| r.can(p)).map(|r| r.code()).collect::<Vec<_>>();
        assert_eq!(holders(PostLedger), ["finance"]);
        assert!(Role::AssetManager.can(ViewLedger) && Role::Auditor.can(ViewLedger) && Role::Committee.can(ViewLedger));
        assert!(!Role::Valuer.can(ViewLedger) && !Role::Investor.can(ViewLedger) && !Role::Regulator.can(ViewLedger));
    }
}
