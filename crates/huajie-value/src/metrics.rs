//! Package metrics (valuation.md 3.7 and section 7): present value, bid at a target IRR,
//! IRR at a price, MOIC, recovery ratio, price ratios, payback, weighted average life, and
//! the cost-basis allocation of a price to claims.

/// Present value at annual effective rate `y` of quarterly cash (index 0 = quarter 1),
/// discounted at the end of each quarter: `DF(q) = (1 + y)^(-q/4)`.
pub fn pv(quarterly: &[f64], y: f64) -> f64 {
    let step = (1.0 + y).powf(-0.25);
    let mut df = 1.0;
    quarterly
        .iter()
        .map(|cf| {
            df *= step;
            cf * df
        })
        .sum()
}

/// Bounds of the IRR search, and the bisection steps (enough for 1e-12 on the rate).
const IRR_LOW: f64 = -0.99;
const IRR_HIGH: f64 = 10.0;
const IRR_STEPS: usize = 200;

/// The rate at which the cash is worth `price`: bisection on `PV(y) − P` over [−0.99, 10];
/// `None` when both ends have the same sign.
pub fn irr(quarterly: &[f64], price: f64) -> Option<f64> {
    let f = |y: f64| pv(quarterly, y) - price;
    let (mut lo, mut hi) = (IRR_LOW, IRR_HIGH);
    let (mut f_lo, f_hi) = (f(lo), f(hi));
    if f_lo == 0.0 {
        return Some(lo);
    }
    if f_lo.signum() == f_hi.signum() {
        return None;
    }
    for _ in 0..IRR_STEPS {
        let mid = (lo + hi) / 2.0;
        if mid == lo || mid == hi {
            break;
        }
        let f_mid = f(mid);
        if f_mid == 0.0 {
            return Some(mid);
        }
        if f_mid.signum() == f_lo.signum() {
            lo = mid;
            f_lo = f_mid;
        } else {
            hi = mid;
        }
    }
    Some((lo + hi) / 2.0)
}

/// What a package is worth at a price.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PackageMetrics {
    pub price: f64,
    /// `None` when no rate in [−99%, 1000%] prices the cash at `price`.
    pub irr: Option<f64>,
    /// `Σ CF⁺ / (P + Σ |CF⁻|)` over the net quarterly cash.
    pub moic: f64,
    /// `Σ CF⁺ / Σ C`.
    pub recovery_ratio: f64,
    pub price_of_claim: f64,
    pub price_of_principal: f64,
    /// The first quarter where the undiscounted cash has paid the price back.
    pub payback_quarter: Option<usize>,
    /// Weighted average life of the collections, years.
    pub wal_years: f64,
}

/// The metrics of buying cash `quarterly` at `price`, for claims totalling `claim` of
/// which `principal` is principal.
pub fn metrics(quarterly: &[f64], price: f64, claim: f64, principal: f64) -> PackageMetrics {
    let positive: f64 = quarterly.iter().filter(|x| **x > 0.0).sum();
    let negative: f64 = quarterly.iter().filter(|x| **x < 0.0).map(|x| -x).sum();
    let mut running = -price;
    let payback_quarter = quarterly.iter().enumerate().find_map(|(i, cf)| {
        running += cf;
        (running >= 0.0).then_some(i + 1)
    });
    let weighted: f64 =
        quarterly.iter().enumerate().filter(|(_, x)| **x > 0.0).map(|(i, x)| (i + 1) as f64 / 4.0 * x).sum();
    let ratio = |a: f64, b: f64| if b == 0.0 { 0.0 } else { a / b };
    PackageMetrics {
        price,
        irr: irr(quarterly, price),
        moic: ratio(positive, price + negative),
        recovery_ratio: ratio(positive, claim),
        price_of_claim: ratio(price, claim),
        price_of_principal: ratio(price, principal),
        payback_quarter,
        wal_years: ratio(weighted, positive),
    }
}

/// Allocates a price to claims pro rata to their present values (a claim with a negative
/// present value — fees only — gets a negative share). Sums to the price.
pub fn allocate(price: f64, present_values: &[f64]) -> Vec<f64> {
    let total: f64 = present_values.iter().sum();
    if total == 0.0 {
        let n = present_values.len().max(1) as f64;
        return present_values.iter().map(|_| price / n).collect();
    }
    present_values.iter().map(|v| price * v / total).collect()
}
