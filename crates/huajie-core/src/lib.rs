//! # huajie-core
//!
//! The domain of a local AMC as plain data and pure functions: `Money` in fen,
//! identifiers that cannot be invalid (`Uscc`, `ResidentId`, `RegionCode`, `Province`),
//! parties, packages, claims, collateral, guarantees, roles and permissions, masking of
//! personal data, and the audit-chain hash.
//!
//! Architecture invariant: this crate does no I/O (no files, network, database or
//! clock reads outside the `Clock` trait) and depends on no other Huajie crate.
//! Start reading at `package.rs` (the entities) and `ids/` (the identifiers).

#[doc(hidden)]
/// For `named_enum!` in crates that do not depend on serde themselves.
pub use serde as __serde;

pub mod audit;
pub mod calendar;
mod capitals;
pub mod clock;
pub mod collate;
pub mod company;
pub mod ids;
pub mod input;
pub mod lang;
pub mod lifecycle;
pub mod liquidation;
pub mod mask;
pub mod money;
pub mod package;
pub mod party;
pub mod role;
pub mod throttle;

pub use calendar::{CalendarDay, DayKind, OutOfRange, WorkCalendar};
pub use company::Company;
pub use ids::{IdError, Province, RegionCode, ResidentId, Uscc};
pub use lang::{Lang, Text};
pub use lifecycle::Lifecycle;
pub use liquidation::LiquidationAnalysis;
pub use money::Money;
pub use package::{
    Claim, Collateral, CollateralType, FiveClass, Guarantee, GuaranteeKind, LitigationStage, Package, PackageStatus,
    ValuationBasis,
};
pub use party::{IdFlaw, Identity, Party, PartyIdentifier, PartyKind, PartyStatus};
pub use role::{Permission, Role, Tabled};

/// A value as stored, with the id the database gave it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stored<T> {
    pub id: i64,
    #[serde(flatten)]
    pub data: T,
}
