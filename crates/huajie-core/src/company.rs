//! The AMC itself: the one company a Huajie installation runs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{Province, Uscc};

/// A licensed local AMC (地方资产管理公司).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub name: String,
    pub uscc: Uscc,
    /// The province it is licensed in; the territorial rules are judged against it.
    pub province: Province,
    /// The approval document that licensed it for batch NPA acquisition (批复文号).
    pub licence_no: String,
    pub licensed_on: NaiveDate,
}
