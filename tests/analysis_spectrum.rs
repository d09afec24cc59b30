//! Spectral balance and stereo bands on synthetic signals with known spectra.
use lathe::analysis::spectrum::FLOOR_DB;
use lathe::analysis::{analyze_audio, TrackAnalysis};
use lathe::media::AudioBuffer;

const RATE: u32 = 44100;

/// xorshift64* with a fixed seed: the tests see the same noise every run.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (x >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// Pink noise: white noise through Paul Kellett's "refined" filter, a weighted sum of
/// first-order low-passes within ±0.05 dB of -3 dB/octave above 9.2 Hz at 44.1 kHz.
fn pink(seconds: f64, seed: u64) -> Vec<f32> {
    let mut rng = Rng(seed);
    let mut b = [0.0f64; 7];
    (0..(seconds * RATE as f64) as usize)
        .map(|_| {
            let w = rng.uniform();
            b[0] = 0.99886 * b[0] + w * 0.0555179;
            b[1] = 0.99332 * b[1] + w * 0.0750759;
            b[2] = 0.96900 * b[2] + w * 0.1538520;
            b[3] = 0.86650 * b[3] + w * 0.3104856;
            b[4] = 0.55000 * b[4] + w * 0.5329522;
            b[5] = -0.7616 * b[5] - w * 0.0168980;
            let out = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362;
            b[6] = w * 0.115926;
            (out * 0.05) as f32
        })
        .collect()
}

/// RBJ Audio EQ Cookbook high shelf (shelf slope S = 1), direct form I.
fn high_shelf(x: &[f32], f0: f64, gain_db: f64) -> Vec<f32> {
    let a = 10f64.powf(gain_db / 40.0);
    let w0 = 2.0 * std::f64::consts::PI * f0 / RATE as f64;
    let alpha = w0.sin() / 2.0 * 2f64.sqrt(); // S = 1: sqrt((A + 1/A)(1/S - 1) + 2) = sqrt(2)
    let sa = 2.0 * a.sqrt() * alpha;
    let (c, ap, am) = (w0.cos(), a + 1.0, a - 1.0);
    let b0 = a * (ap + am * c + sa);
    let b1 = -2.0 * a * (am + ap * c);
    let b2 = a * (ap + am * c - sa);
    let a0 = ap - am * c + sa;
    let a1 = 2.0 * (am - ap * c);
    let a2 = ap - am * c - sa;
    let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
    x.iter()
        .map(|&v| {
            let v = v as f64;
            let y = (b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
            (x2, x1, y2, y1) = (x1, v, y1, y);
            y as f32
        })
        .collect()
}

fn analyse(left: Vec<f32>, right: Vec<f32>) -> TrackAnalysis {
    analyze_audio(
        &AudioBuffer {
            sample_rate_hz: RATE,
            channels: [left, right],
        },
        2,
    )
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn pink_noise_reads_flat_from_20_hz_to_20_khz() {
    // 120 s: the 20 Hz band is only 2.3 Hz wide, so its estimate has B*T ≈ 270 degrees of
    // freedom (±0.26 dB standard deviation); shorter noise would fail by chance, not by bug.
    let x = pink(120.0, 1);
    let a = analyse(x.clone(), x);
    let mid = &a.spectrum.mid_db;
    assert_eq!(mid.len(), 61);
    let m = mean(mid);
    let worst = mid.iter().map(|d| (d - m).abs()).fold(0.0, f64::max);
    eprintln!("pink: mean band level {m:.2} dB re integrated, worst deviation {worst:.2} dB");
    for (f, db) in a.spectrum.bands_hz.iter().zip(mid) {
        assert!(
            (db - m).abs() <= 0.5,
            "{f:.1} Hz: {:+.2} dB from the mean",
            db - m
        );
    }
    // Normalised to loudness: each of the ~60 bands holds 1/60 of the mid power (-17.8 dB);
    // loudness adds -0.691 + 3.01 (two channels) and ~+1 dB of K-weighting gain on pink
    // noise's spectrum, so the bands sit around -21.5 dB re integrated.
    assert!(
        (-23.0..=-20.0).contains(&m),
        "mean band level {m} dB re integrated"
    );
}

#[test]
fn high_shelf_shows_up_above_and_not_below() {
    let x = pink(60.0, 2);
    let shelved = high_shelf(&x, 1000.0, 6.0);
    let plain = analyse(x.clone(), x);
    let lifted = analyse(shelved.clone(), shelved);
    // Undo the loudness normalisation to compare absolute band levels.
    let (ip, il) = (
        plain.loudness.integrated_lufs.unwrap(),
        lifted.loudness.integrated_lufs.unwrap(),
    );
    for ((f, p), l) in plain
        .spectrum
        .bands_hz
        .iter()
        .zip(&plain.spectrum.mid_db)
        .zip(&lifted.spectrum.mid_db)
    {
        let gain = (l + il) - (p + ip);
        if *f >= 8000.0 {
            assert!(
                (gain - 6.0).abs() <= 0.5,
                "{f:.0} Hz: {gain:+.2} dB, expected +6"
            );
        } else if *f <= 125.0 {
            assert!(gain.abs() <= 0.5, "{f:.0} Hz: {gain:+.2} dB, expected 0");
        }
    }
    // Normalised, the lifted track reads brighter and (by the loudness it gained) darker below.
    assert!(il > ip + 1.0);
}

#[test]
fn level_does_not_change_the_normalised_spectrum() {
    let (l, r) = (pink(20.0, 3), pink(20.0, 4));
    let quiet = |v: &[f32]| v.iter().map(|s| s * 10f32.powf(-0.5)).collect::<Vec<f32>>();
    let loud = analyse(l.clone(), r.clone());
    let soft = analyse(quiet(&l), quiet(&r));
    let (il, is) = (
        loud.loudness.integrated_lufs.unwrap(),
        soft.loudness.integrated_lufs.unwrap(),
    );
    assert!((il - is - 10.0).abs() < 0.01, "{il} vs {is}");
    let pairs = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    };
    assert!(pairs(&loud.spectrum.mid_db, &soft.spectrum.mid_db) < 0.05);
    assert!(pairs(&loud.spectrum.side_db, &soft.spectrum.side_db) < 0.05);
}

#[test]
fn mono_has_no_side_and_full_correlation() {
    let x = pink(10.0, 5);
    let a = analyse(x.clone(), x);
    assert!(
        a.spectrum.side_db.iter().all(|&s| s == FLOOR_DB),
        "{:?}",
        a.spectrum.side_db
    );
    assert_eq!(a.stereo.len(), 5);
    for b in &a.stereo {
        assert!(b.correlation > 0.999, "{b:?}");
        assert!(b.side_to_mid_db <= -100.0, "{b:?}");
    }
}

#[test]
fn independent_channels_are_uncorrelated_and_as_wide_as_they_are_deep() {
    let a = analyse(pink(30.0, 6), pink(30.0, 7));
    for b in &a.stereo {
        assert!(b.correlation.abs() < 0.05, "{b:?}");
        assert!(b.side_to_mid_db.abs() < 0.3, "{b:?}");
    }
    // Equal, independent L and R: mid and side carry the same power in every band.
    for (m, s) in a.spectrum.mid_db.iter().zip(&a.spectrum.side_db) {
        assert!((m - s).abs() < 1.5, "mid {m} side {s}");
    }
}

#[test]
fn silence_and_quiet_tails_are_gated_out_of_the_spectrum() {
    // 20 s of pink noise, then 20 s of silence and 20 s of the same noise 40 dB down (below
    // integrated - 20 LU): the curve must match the noise alone. Without gating the silence
    // alone would pull every band down by 10 log10(60/20) ≈ 4.8 dB.
    let x = pink(20.0, 8);
    let mut padded = x.clone();
    padded.extend(std::iter::repeat_n(0.0, 20 * RATE as usize));
    padded.extend(pink(20.0, 9).iter().map(|s| s * 0.01));
    let alone = analyse(x.clone(), x);
    let with_tail = analyse(padded.clone(), padded);
    for (a, b) in alone.spectrum.mid_db.iter().zip(&with_tail.spectrum.mid_db) {
        assert!((a - b).abs() < 0.2, "{a} vs {b}");
    }
}
