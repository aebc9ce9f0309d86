//! Counter-based random numbers (valuation.md section 4): a draw is a pure function of
//! (seed, scenario, entity, draw), so a scenario gives the same numbers whichever thread
//! runs it and in whatever order. The mixing function is SplitMix64's finaliser. Normal
//! draws use Marsaglia and Tsang's ziggurat (128 layers, Doornik's variant), which takes
//! one 64-bit word nearly always and the next counters when it must retry. Φ⁻¹ is
//! Acklam's approximation refined by one Halley step (for the probit shift).

use std::sync::LazyLock;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A second odd constant, so that entity and draw counters step through different sequences.
const STEP: u64 = 0xD1B5_4A32_D192_ED03;

/// Folds one more part of the key into `h`: for a given `h`, distinct parts give distinct
/// results (an odd multiple added, then a bijective mix).
pub fn fold(h: u64, part: u64) -> u64 {
    mix(h.wrapping_add(part.wrapping_add(1).wrapping_mul(GOLDEN)))
}

/// The word of draw counter `draw` in a stream: SplitMix64's sequence from `stream`.
fn word(stream: u64, draw: u64) -> u64 {
    mix(stream.wrapping_add(draw.wrapping_add(1).wrapping_mul(STEP)))
}

/// The 64 random bits of (seed, scenario, entity, draw).
pub fn bits(seed: u64, scenario: u64, entity: u64, draw: u64) -> u64 {
    bits_in(scenario_key(seed, scenario), entity, draw)
}

/// The bits of (entity, draw) within a scenario whose key is `scenario_key(seed, scenario)`.
pub fn bits_in(scenario: u64, entity: u64, draw: u64) -> u64 {
    let stream = fold(scenario, entity);
    if draw == 0 { stream } else { word(stream, draw) }
}

/// The part of the key a whole scenario shares, folded once per scenario.
pub fn scenario_key(seed: u64, scenario: u64) -> u64 {
    fold(fold(0, seed), scenario)
}

/// A uniform number strictly between 0 and 1 from 64 random bits.
pub fn uniform(bits: u64) -> f64 {
    ((bits >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// Acklam's rational approximation of the inverse normal distribution function, for p in (0, 1).
#[expect(clippy::excessive_precision, reason = "Acklam's published coefficients, kept digit for digit")]
pub fn normal_quantile_fast(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.383577518672690e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    const LOW: f64 = 0.02425;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p <= 1.0 - LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    }
}

/// The standard normal distribution function Φ.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Φ⁻¹ to full precision: Acklam's approximation and one Halley step.
pub fn normal_quantile(p: f64) -> f64 {
    let x = normal_quantile_fast(p);
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// The ziggurat's layers: right edges `x` (129, the last 0) and `x[i+1] / x[i]`.
struct Ziggurat {
    x: [f64; LAYERS + 1],
    ratio: [f64; LAYERS],
}

const LAYERS: usize = 128;
/// Where the tail begins, and the area of each layer, for 128 layers.
const TAIL: f64 = 3.442_619_855_899;
const AREA: f64 = 9.912_563_035_262_17e-3;

static ZIGGURAT: LazyLock<Ziggurat> = LazyLock::new(|| {
    let mut x = [0.0; LAYERS + 1];
    let mut f = (-0.5 * TAIL * TAIL).exp();
    x[0] = AREA / f;
    x[1] = TAIL;
    for i in 2..LAYERS {
        x[i] = (-2.0 * (AREA / x[i - 1] + f).ln()).sqrt();
        f = (-0.5 * x[i] * x[i]).exp();
    }
    let mut ratio = [0.0; LAYERS];
    for i in 0..LAYERS {
        ratio[i] = x[i + 1] / x[i];
    }
    Ziggurat { x, ratio }
});

/// A standard normal draw for (entity, draw 0, 1, …) within a scenario key: the ziggurat,
/// moving to the next draw counter whenever it needs more bits.
pub fn normal_in(scenario: u64, entity: u64) -> f64 {
    let z = &*ZIGGURAT;
    let stream = fold(scenario, entity);
    // Draw 0 is the stream's own word (one mix fewer on the common path); draws 1, 2, … follow.
    let mut draw = 0u64;
    let mut next = || {
        let b = if draw == 0 { stream } else { word(stream, draw) };
        draw += 1;
        b
    };
    loop {
        let b = next();
        let i = (b & 0x7F) as usize;
        let u = 2.0 * uniform(b) - 1.0;
        // Inside the layer's rectangle: the common case.
        if u.abs() < z.ratio[i] {
            return u * z.x[i];
        }
        if i == 0 {
            // The base layer's tail beyond TAIL.
            loop {
                let x = uniform(next()).ln() / TAIL;
                let y = uniform(next()).ln();
                if -2.0 * y >= x * x {
                    return if u < 0.0 { x - TAIL } else { TAIL - x };
                }
            }
        }
        // The wedge between the rectangle and the curve.
        let x = u * z.x[i];
        let f0 = (-0.5 * (z.x[i] * z.x[i] - x * x)).exp();
        let f1 = (-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x)).exp();
        if f1 + uniform(next()) * (f0 - f1) < 1.0 {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_the_normal() {
        assert_eq!(normal_quantile(0.5), 0.0);
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((normal_quantile(0.001) + 3.090_232_306_167_813_5).abs() < 1e-11);
        for p in [1e-10, 0.01, 0.02425, 0.2, 0.6, 0.97575, 0.999] {
            assert!((normal_cdf(normal_quantile(p)) - p).abs() < 1e-14 * p.max(1e-3), "{p}");
            assert!(
                (normal_quantile_fast(p) - normal_quantile(p)).abs() < 1e-8 * normal_quantile(p).abs().max(1.0),
                "{p}"
            );
        }
    }

    #[test]
    fn draws_depend_on_every_part_of_the_key_and_nothing_else() {
        let a = bits(7, 1, 2, 0);
        assert_eq!(a, bits(7, 1, 2, 0));
        assert_ne!(a, bits(8, 1, 2, 0));
        assert_ne!(a, bits(7, 2, 2, 0));
        assert_ne!(a, bits(7, 1, 3, 0));
        assert_ne!(a, bits(7, 1, 2, 1));
        assert_ne!(bits(0, 0, 0, 0), 0);
    }

    #[test]
    fn draws_look_normal() {
        // 400,000 draws: mean and variance, and the empirical distribution function against Φ
        // (Kolmogorov–Smirnov: 1.95 / √n is the 0.1% critical value).
        let n = 400_000;
        let key = scenario_key(42, 3);
        let mut xs: Vec<f64> = (0..n).map(|i| normal_in(key, i)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.005, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
        xs.sort_by(f64::total_cmp);
        let ks = xs.iter().enumerate().map(|(i, x)| (normal_cdf(*x) - i as f64 / n as f64).abs()).fold(0.0, f64::max);
        assert!(ks < 1.95 / (n as f64).sqrt(), "{ks}");
        // The tail beyond the base layer is drawn too: P(|Z| > 3.5) ≈ 4.65e-4.
        let tail = xs.iter().filter(|x| x.abs() > 3.5).count() as f64 / n as f64;
        assert!((tail - 4.65e-4).abs() < 1.5e-4, "{tail}");
    }
}
