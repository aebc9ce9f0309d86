//! A run's engine inputs, recorded in a few bytes a claim, and each claim's result
//! recomputed from them (issue 17). A run keeps its package-level results and, per claim,
//! only what lists show (PV and cost basis in fen); a claim's routes, timeline and cash by
//! quarter are computed again from these bytes with the run's assumption set and options —
//! the same inputs through the same code, so the same figures, bit for bit, whatever has
//! changed in the book since.
//!
//! Format (version 1): `HVR1`, then the claims valued one by one, the collateral items, the
//! retail products and the segment claims, each list led by its length. Integers are LEB128
//! varints (ids as zigzag deltas from the one before); an amount is its fen count when it is
//! exactly fen / 100 (as every amount read from the store is), else its eight bytes.

use huajie_core::{CollateralType, LitigationStage, PartyKind};

use crate::appraisal::{ClaimResult, Inputs, Options, inputs, package_cash, results};
use crate::input::{ClaimIn, DebtorIn, GuarantorIn, ItemIn, Lien, Standing};
use crate::metrics::pv;
use crate::retail::RetailClaim;
use crate::stress::Stress;
use crate::{Assumptions, Book};

const MAGIC: &[u8; 4] = b"HVR1";
const STANDINGS: [Standing; 4] = [Standing::Normal, Standing::Ceased, Standing::Bankrupt, Standing::DeceasedOrMissing];

/// Bytes that are not a recording this version wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "recorded valuation inputs: {}", self.0)
    }
}

/// The engine's inputs from `book`, recorded.
pub fn record(book: &Book) -> Vec<u8> {
    encode(&inputs(book))
}

/// Each claim's result (in the engine's order: claims valued one by one, then segment claims)
/// recomputed from recorded inputs, under the run's assumption set and options: equal to the
/// `claims` of the `appraise` that saw those inputs. Only the base valuation is run (no
/// sensitivity, stresses or Monte Carlo).
pub fn claim_results(recorded: &[u8], a: &Assumptions, options: &Options) -> Result<Vec<ClaimResult>, Unreadable> {
    let i = decode(recorded)?;
    let stress = options.stress.as_deref().and_then(Stress::by_code).unwrap_or(Stress::NONE);
    let rate = options.target_irr + stress.rate_shift;
    let (claims_v, retail_v, quarterly) = package_cash(&i, a, &stress);
    let price = options.price.unwrap_or_else(|| pv(&quarterly, rate));
    Ok(results(&i, a, rate, price, &claims_v, &retail_v).1)
}

/// Each claim's `(id, PV, cost basis)` in fen, in id order: what lists show of a run, recorded
/// as zigzag varints (ids as deltas): a few bytes a claim.
pub fn record_summaries(rows: &[(i64, i64, i64)]) -> Vec<u8> {
    let mut w = Writer(b"HVS1".to_vec());
    w.ids(&rows.iter().map(|r| r.0).collect::<Vec<_>>());
    for (_, pv, allocation) in rows {
        w.int(*pv);
        w.int(*allocation);
    }
    w.0
}

/// What `record_summaries` recorded.
pub fn read_summaries(bytes: &[u8]) -> Result<Vec<(i64, i64, i64)>, Unreadable> {
    if bytes.get(..4) != Some(&b"HVS1"[..]) {
        return Err(bad("not summaries of version 1"));
    }
    let mut r = Reader { bytes, at: 4 };
    let ids = r.ids()?;
    let rows = ids.into_iter().map(|id| Ok((id, r.int()?, r.int()?))).collect::<Result<Vec<_>, Unreadable>>()?;
    if r.at != bytes.len() {
        return Err(bad("bytes left over"));
    }
    Ok(rows)
}

struct Writer(Vec<u8>);

impl Writer {
    fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }
    fn byte(&mut self, b: u8) {
        self.0.push(b);
    }
    /// An amount: `2 × zigzag(fen)` when exactly fen / 100, else 1 and its bits.
    fn amount(&mut self, x: f64) {
        let fen = (x * 100.0).round();
        if fen.abs() < 9.0e15 && ((fen as i64) as f64 / 100.0).to_bits() == x.to_bits() {
            let z = ((fen as i64) << 1) ^ ((fen as i64) >> 63);
            self.uint((z as u64) << 1);
        } else {
            self.uint(1);
            self.0.extend_from_slice(&x.to_bits().to_le_bytes());
        }
    }
    fn opt_amount(&mut self, x: Option<f64>) {
        match x {
            None => self.byte(0),
            Some(x) => {
                self.byte(1);
                self.amount(x);
            }
        }
    }
    fn party(&mut self, p: DebtorIn) {
        let kind = u8::from(p.kind == PartyKind::Individual);
        let standing = STANDINGS.iter().position(|s| *s == p.standing).unwrap_or(0) as u8;
        self.byte(kind | (standing << 1));
    }
    fn ids(&mut self, ids: &[i64]) {
        self.uint(ids.len() as u64);
        let mut last = 0i64;
        for id in ids {
            self.int(id.wrapping_sub(last));
            last = *id;
        }
    }
}

fn encode(i: &Inputs) -> Vec<u8> {
    let mut w = Writer(MAGIC.to_vec());
    w.ids(&i.claim_ids);
    for c in &i.claims {
        w.amount(c.amount);
        w.party(c.debtor);
        let stage = c.stage.and_then(|s| LitigationStage::ALL.iter().position(|x| *x == s)).map_or(0, |k| k + 1);
        w.byte(stage as u8 | (u8::from(c.time_barred) << 7));
        w.opt_amount(c.unsecured_beta);
        w.uint(c.guarantors.len() as u64);
        for g in &c.guarantors {
            w.party(g.party);
            w.opt_amount(g.cap);
        }
    }
    w.uint(i.items.len() as u64);
    for it in &i.items {
        w.byte(CollateralType::ALL.iter().position(|k| *k == it.kind).unwrap_or(0) as u8);
        w.amount(it.appraised);
        w.amount(it.prior);
        w.uint(it.liens.len() as u64);
        for l in &it.liens {
            w.uint(l.claim as u64);
            w.byte(l.rank);
        }
    }
    w.uint(i.products.len() as u64);
    for p in &i.products {
        w.uint(p.len() as u64);
        w.0.extend_from_slice(p.as_bytes());
    }
    w.ids(&i.retail_ids);
    for r in &i.retail {
        w.uint(u64::from(r.product));
        w.uint(u64::from(r.days_past_due));
        w.amount(r.amount);
        w.byte(u8::from(r.litigated));
    }
    w.0
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn bad(what: &str) -> Unreadable {
    Unreadable(what.to_string())
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, Unreadable> {
        let b = *self.bytes.get(self.at).ok_or_else(|| bad("cut short"))?;
        self.at += 1;
        Ok(b)
    }
    fn uint(&mut self) -> Result<u64, Unreadable> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(bad("a number too long"))
    }
    fn int(&mut self) -> Result<i64, Unreadable> {
        let z = self.uint()?;
        Ok((z >> 1) as i64 ^ -((z & 1) as i64))
    }
    fn len(&mut self) -> Result<usize, Unreadable> {
        let n = self.uint()?;
        // Every element takes at least a byte: a longer list than the bytes left is corrupt.
        usize::try_from(n).ok().filter(|n| *n <= self.bytes.len() - self.at).ok_or_else(|| bad("a list too long"))
    }
    fn amount(&mut self) -> Result<f64, Unreadable> {
        let v = self.uint()?;
        if v & 1 == 0 {
            let z = v >> 1;
            let fen = (z >> 1) as i64 ^ -((z & 1) as i64);
            return Ok(fen as f64 / 100.0);
        }
        let end = self.at + 8;
        let b = self.bytes.get(self.at..end).ok_or_else(|| bad("cut short"))?;
        self.at = end;
        Ok(f64::from_bits(u64::from_le_bytes(b.try_into().map_err(|_| bad("cut short"))?)))
    }
    fn opt_amount(&mut self) -> Result<Option<f64>, Unreadable> {
        match self.byte()? {
            0 => Ok(None),
            _ => self.amount().map(Some),
        }
    }
    fn party(&mut self) -> Result<DebtorIn, Unreadable> {
        let b = self.byte()?;
        let kind = if b & 1 == 1 { PartyKind::Individual } else { PartyKind::Corporate };
        let standing = *STANDINGS.get(usize::from(b >> 1)).ok_or_else(|| bad("a standing"))?;
        Ok(DebtorIn { kind, standing })
    }
    fn ids(&mut self) -> Result<Vec<i64>, Unreadable> {
        let n = self.len()?;
        let mut last = 0i64;
        (0..n)
            .map(|_| {
                last = last.wrapping_add(self.int()?);
                Ok(last)
            })
            .collect()
    }
    fn claim(&mut self) -> Result<ClaimIn, Unreadable> {
        let amount = self.amount()?;
        let debtor = self.party()?;
        let b = self.byte()?;
        let stage = match usize::from(b & 0x7f) {
            0 => None,
            k => Some(*LitigationStage::ALL.get(k - 1).ok_or_else(|| bad("a litigation stage"))?),
        };
        let unsecured_beta = self.opt_amount()?;
        let n = self.len()?;
        let guarantors = (0..n)
            .map(|_| Ok(GuarantorIn { party: self.party()?, cap: self.opt_amount()? }))
            .collect::<Result<_, Unreadable>>()?;
        Ok(ClaimIn { amount, debtor, stage, time_barred: b & 0x80 != 0, guarantors, unsecured_beta })
    }
    fn item(&mut self, claims: usize) -> Result<ItemIn, Unreadable> {
        let kind = *CollateralType::ALL.get(usize::from(self.byte()?)).ok_or_else(|| bad("a collateral type"))?;
        let (appraised, prior) = (self.amount()?, self.amount()?);
        let n = self.len()?;
        let liens = (0..n)
            .map(|_| {
                let claim = usize::try_from(self.uint()?).ok().filter(|c| *c < claims).ok_or_else(|| bad("a lien"))?;
                Ok(Lien { claim, rank: self.byte()? })
            })
            .collect::<Result<_, Unreadable>>()?;
        Ok(ItemIn { kind, appraised, prior, liens })
    }
}

fn decode(bytes: &[u8]) -> Result<Inputs, Unreadable> {
    if bytes.get(..4) != Some(&MAGIC[..]) {
        return Err(bad("not version 1"));
    }
    let mut r = Reader { bytes, at: 4 };
    let claim_ids = r.ids()?;
    let claims = (0..claim_ids.len()).map(|_| r.claim()).collect::<Result<Vec<_>, _>>()?;
    let n = r.len()?;
    let items = (0..n).map(|_| r.item(claims.len())).collect::<Result<Vec<_>, _>>()?;
    let n = r.len()?;
    let products = (0..n)
        .map(|_| {
            let len = r.len()?;
            let s = r.bytes.get(r.at..r.at + len).ok_or_else(|| bad("cut short"))?;
            r.at += len;
            String::from_utf8(s.to_vec()).map_err(|_| bad("a product name"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let retail_ids = r.ids()?;
    let retail = (0..retail_ids.len())
        .map(|_| {
            let product = u16::try_from(r.uint()?).ok().filter(|p| usize::from(*p) < products.len());
            let product = product.ok_or_else(|| bad("a product"))?;
            let days_past_due = u32::try_from(r.uint()?).map_err(|_| bad("days past due"))?;
            Ok(RetailClaim { product, days_past_due, amount: r.amount()?, litigated: r.byte()? != 0 })
        })
        .collect::<Result<Vec<_>, Unreadable>>()?;
    if r.at != bytes.len() {
        return Err(bad("bytes left over"));
    }
    Ok(Inputs { claims, claim_ids, items, retail, retail_ids, products })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_package_reads_back_as_recorded() {
        let (claims, items) = crate::sample::corporate_package(2_000, 11);
        let retail = (0..300u32)
            .map(|k| RetailClaim {
                product: (k % 3) as u16,
                days_past_due: k * 7,
                amount: f64::from(k) * 10.01,
                litigated: k % 2 == 0,
            })
            .collect();
        let i = Inputs {
            claim_ids: (0..claims.len() as i64).map(|k| 5 + k * 3).collect(),
            claims,
            items,
            retail_ids: (0..300).map(|k| 90_000 - k).collect(),
            retail,
            products: vec!["信用卡".into(), "消费贷".into(), "经营贷".into()],
        };
        let bytes = encode(&i);
        assert_eq!(decode(&bytes).unwrap(), i);
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode(&[&bytes[..], &[0]].concat()).is_err());
    }

    #[test]
    fn summaries_read_back() {
        let rows = vec![(3, 0, 0), (4, 123_456_789, 98_765), (900, -5, i64::MAX), (901, i64::MIN, 1)];
        assert_eq!(read_summaries(&record_summaries(&rows)).unwrap(), rows);
        assert!(read_summaries(&record_summaries(&rows)[..10]).is_err());
    }

    #[test]
    fn amounts_that_are_not_whole_fen_keep_their_bits() {
        for x in [0.0, -0.0, 1.23, 1e300, f64::MAX, 0.1 + 0.2, -7.5, 1.0 / 3.0] {
            let mut w = Writer(Vec::new());
            w.amount(x);
            let mut r = Reader { bytes: &w.0, at: 0 };
            assert_eq!(r.amount().unwrap().to_bits(), x.to_bits(), "{x}");
        }
    }
}
