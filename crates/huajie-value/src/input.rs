//! What the engine values: claims, the collateral items securing them (with the claims'
//! liens on each) and their guarantors, as plain numbers in yuan.

use huajie_core::{CollateralType, LitigationStage, PartyKind, PartyStatus};

use crate::assumptions::Betas;

/// An amount of money as the engine computes it: yuan, in f64 (rounded to fen at the edges by
/// [`crate::fen`]).
pub type Yuan = f64;

/// A party's standing as the model reads it (section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Operating (a company) or normal (a person).
    Normal,
    /// A company whose licence is revoked or which is deregistered.
    Ceased,
    Bankrupt,
    DeceasedOrMissing,
}

impl Standing {
    /// The model's reading of a recorded status. A dishonest judgment debtor (失信) still
    /// operates; a person cannot be "ceased" and counts as normal.
    pub fn of(kind: PartyKind, status: PartyStatus) -> Standing {
        match (kind, status) {
            (_, PartyStatus::Active | PartyStatus::Dishonest) => Standing::Normal,
            (PartyKind::Corporate, PartyStatus::Revoked | PartyStatus::Deregistered) => Standing::Ceased,
            (PartyKind::Individual, PartyStatus::Revoked | PartyStatus::Deregistered) => Standing::Normal,
            (_, PartyStatus::Bankrupt) => Standing::Bankrupt,
            (_, PartyStatus::Deceased) => Standing::DeceasedOrMissing,
        }
    }
}

/// A debtor or guarantor: its kind and standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DebtorIn {
    pub kind: PartyKind,
    pub standing: Standing,
}

impl DebtorIn {
    /// β from a table for this party.
    pub fn beta(self, betas: &Betas) -> f64 {
        match (self.kind, self.standing) {
            (PartyKind::Corporate, Standing::Normal) => betas.corporate_operating,
            (PartyKind::Corporate, Standing::Ceased) => betas.corporate_ceased,
            (PartyKind::Corporate, Standing::Bankrupt) => betas.corporate_bankrupt,
            (PartyKind::Corporate, Standing::DeceasedOrMissing) => betas.corporate_deceased_or_missing,
            (PartyKind::Individual, Standing::Normal | Standing::Ceased) => betas.individual_normal,
            (PartyKind::Individual, Standing::Bankrupt) => betas.individual_bankrupt,
            (PartyKind::Individual, Standing::DeceasedOrMissing) => betas.individual_deceased_or_missing,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GuarantorIn {
    pub party: DebtorIn,
    /// The most it answers for on this claim; `None` = unlimited.
    pub cap: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClaimIn {
    /// `C = Pr + In + Pe + Ad`.
    pub amount: Yuan,
    pub debtor: DebtorIn,
    /// Litigation stage at the valuation date; `None` reads as not sued.
    pub stage: Option<LitigationStage>,
    pub time_barred: bool,
    /// In the order they are pursued.
    pub guarantors: Vec<GuarantorIn>,
    /// A hypothetical-liquidation ratio the valuer entered for the debtor, replacing its β.
    pub unsecured_beta: Option<f64>,
}

/// A claim's lien on an item: lower rank numbers are paid first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lien {
    /// Index into the claims.
    pub claim: usize,
    pub rank: u8,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemIn {
    pub kind: CollateralType,
    /// Appraised value `A`.
    pub appraised: Yuan,
    /// Claims ahead of all our liens.
    pub prior: Yuan,
    pub liens: Vec<Lien>,
}
