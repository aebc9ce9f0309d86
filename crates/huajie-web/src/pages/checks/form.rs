//! The checks pages' forms as typed, each parsed into what is checked, every bad field named.

use chrono::NaiveDate;
use huajie_core::{Money, Text};
use huajie_rules::indicators::{Channel, ExposureKind, InvestmentKind, Payment};
use huajie_store::book::{CHANNELS, EXPOSURE_KINDS, INVESTMENT_KINDS, read_schedule};

use crate::form::FieldErrors;
use crate::form::fields::{amount, date_or, option, required};
use crate::i18n::text;

/// The checks page's proposal form as typed (funding or investment).
#[derive(serde::Deserialize, serde::Serialize, Default)]
#[serde(default)]
pub struct ProposalForm {
    /// funding or investment.
    pub(super) kind: String,
    label: String,
    channel: String,
    investment_kind: String,
    exposure: String,
    /// The lender's or counterparty's identifier, and its name.
    party: String,
    party_name: String,
    amount: String,
    schedule: String,
    as_of: String,
}

impl ProposalForm {
    /// Whether it proposes funding (else an investment).
    pub(super) fn funding(&self) -> bool {
        self.kind == "funding"
    }

    /// The proposal (`as_of` blank: `today`), or every field that cannot be read.
    pub(super) fn parse(&self, today: NaiveDate) -> Result<Proposal, FieldErrors> {
        let mut e = FieldErrors::default();
        let label = e.read("label", &text("checks.label"), required(&self.label));
        let kind = if self.funding() {
            let channel = e.read("channel", &text("checks.channel"), option(&self.channel, CHANNELS));
            e.read("party", &text("checks.lender"), required(&self.party));
            let payments = e.read("schedule", &text("checks.schedule"), read_schedule(&self.schedule));
            channel.and_then(Channel::from_code).zip(payments).map(|(channel, payments)| ProposalKind::Funding {
                channel,
                payments: payments
                    .into_iter()
                    .map(|(date, principal, interest)| Payment { date, principal, interest })
                    .collect(),
            })
        } else {
            let kind = e.read(
                "investment_kind",
                &text("checks.investment_kind"),
                option(&self.investment_kind, INVESTMENT_KINDS),
            );
            let exposure = e.read("exposure", &text("checks.exposure"), option(&self.exposure, EXPOSURE_KINDS));
            kind.and_then(InvestmentKind::from_code)
                .zip(exposure.and_then(ExposureKind::from_code))
                .map(|(kind, exposure)| ProposalKind::Investment { kind, exposure })
        };
        let amount = e.read("amount", &text("checks.amount"), amount(&self.amount));
        let as_of = e.read("as_of", &text("checks.as_of"), date_or(&self.as_of, today));
        e.finish(|| {
            Some(Proposal {
                kind: kind?,
                label: label?,
                amount: amount?,
                as_of: as_of?,
                counterparty: self.party.trim().to_string(),
                counterparty_name: self.party_name.trim().to_string(),
            })
        })
    }
}

/// What a funding or investment proposal is, besides its label, amount and counterparty.
pub enum ProposalKind {
    Funding { channel: Channel, payments: Vec<huajie_rules::indicators::Payment> },
    Investment { kind: InvestmentKind, exposure: ExposureKind },
}

/// A proposed funding instrument or investment, read from the checks page's form or the API.
pub struct Proposal {
    pub kind: ProposalKind,
    pub label: String,
    pub amount: Money,
    pub as_of: NaiveDate,
    /// The lender's or counterparty's USCC or ID, and its name (used when it is not yet known).
    pub counterparty: String,
    pub counterparty_name: String,
}

/// A package's check form as typed: acquisition (price) or disposal (transferee, price).
#[derive(serde::Deserialize, serde::Serialize, Default)]
#[serde(default)]
pub struct PackageCheckForm {
    kind: String,
    price: String,
    as_of: String,
    transferee: String,
    transferee_name: String,
    /// An acquisition's funding line to draw on (blank: paid out of cash).
    funding_line: String,
}

impl PackageCheckForm {
    /// The proposed deal (`as_of` blank: `today`), or every field that cannot be read.
    pub(super) fn parse(&self, today: NaiveDate) -> Result<PackageProposal, FieldErrors> {
        let mut e = FieldErrors::default();
        let price = e.read("price", &text("checks.price"), amount(&self.price));
        let as_of = e.read("as_of", &text("checks.as_of"), date_or(&self.as_of, today));
        let deal = if self.kind == "disposal" {
            e.read("transferee", &text("checks.transferee"), required(&self.transferee))
                .map(|identifier| PackageDeal::Disposal { identifier, name: self.transferee_name.trim().to_string() })
        } else {
            e.read("funding_line", &text("checks.paid_by"), chosen_id(&self.funding_line))
                .map(|funding_line| PackageDeal::Acquisition { funding_line })
        };
        e.finish(|| Some(PackageProposal { deal: deal?, price: price?, as_of: as_of? }))
    }
}

/// An optional choice by its id (blank: none), such as the funding line an acquisition draws on.
pub fn chosen_id(s: &str) -> Result<Option<i64>, Text> {
    match s.trim() {
        "" => Ok(None),
        id => huajie_core::input::parse_int(id).map(Some).map_err(|_| text("form.bad_option")),
    }
}

/// What a package's check proposes: to buy it (paid out of cash, or drawn on a funding line),
/// or to sell it to the transferee (its USCC or ID, and its name, used when it is not yet known).
pub enum PackageDeal {
    Acquisition { funding_line: Option<i64> },
    Disposal { identifier: String, name: String },
}

/// A proposed acquisition or disposal of a package, read from its page's form or the API.
pub struct PackageProposal {
    pub deal: PackageDeal,
    pub price: Money,
    pub as_of: NaiveDate,
}
