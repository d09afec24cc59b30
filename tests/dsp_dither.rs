//! TPDF dither: keeps a -90 dBFS sine free of harmonics at 16 bits, with noise power LSB²/4;
//! plain rounding turns the same sine into harmonic distortion.

use lathe::dsp::dither::{quantize_undithered, Tpdf};
use rustfft::num_complex::Complex;
use rustfft::FftPlanner;
use std::f64::consts::PI;

const FS: usize = 48_000;

/// Average power spectrum over `secs` one-second frames (1 Hz bins, coherent 1 kHz).
fn spectrum(q: &[i32], secs: usize) -> Vec<f64> {
    let fft = FftPlanner::new().plan_fft_forward(FS);
    let mut acc = vec![0.0; FS / 2];
    for s in 0..secs {
        let mut buf: Vec<Complex<f64>> = q[s * FS..(s + 1) * FS]
            .iter()
            .map(|&v| Complex::new(v as f64, 0.0))
            .collect();
        fft.process(&mut buf);
        for (a, z) in acc.iter_mut().zip(&buf) {
            *a += z.norm_sqr() / secs as f64;
        }
    }
    acc
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn tpdf_keeps_low_level_sine_clean_and_noise_matches_theory() {
    let secs = 16;
    let amp = 10f64.powf(-90.0 / 20.0);
    let x: Vec<f32> = (0..secs * FS)
        .map(|i| (amp * (2.0 * PI * 1000.0 * i as f64 / FS as f64).sin()) as f32)
        .collect();
    let mut tpdf = Tpdf::new(12345);
    let dithered: Vec<i32> = x.iter().map(|&v| tpdf.quantize(v, 16)).collect();
    let plain: Vec<i32> = x.iter().map(|&v| quantize_undithered(v, 16)).collect();

    // Total error power in LSB² (TPDF theory: 1/12 rounding + 1/6 dither = 1/4).
    let err: f64 = dithered
        .iter()
        .zip(&x)
        .map(|(&q, &v)| (q as f64 - v as f64 * 32768.0).powi(2))
        .sum::<f64>()
        / x.len() as f64;
    let err_db = 10.0 * (err / 0.25).log10();
    eprintln!("TPDF noise power {err:.4} LSB² ({err_db:+.3} dB vs LSB²/4)");
    assert!(err_db.abs() < 1.0);

    let sd = spectrum(&dithered, secs);
    let floor = median(&sd[200..20_000]);
    let fund_db = 10.0 * (sd[1000] / floor).log10();
    let h3_db = 10.0 * (sd[3000] / floor).log10();
    let h5_db = 10.0 * (sd[5000] / floor).log10();
    eprintln!(
        "dithered: 1 kHz {fund_db:.1} dB over the floor, 3 kHz {h3_db:.1} dB, 5 kHz {h5_db:.1} dB"
    );
    assert!(fund_db > 40.0);
    // Averaged over 16 frames the noise bins scatter by about ±2 dB; a harmonic would stand far above.
    assert!(h3_db < 6.0 && h5_db < 6.0);

    let sp = spectrum(&plain, secs);
    let p3_db = 10.0 * (sp[3000] / sp[1000]).log10();
    let p5_db = 10.0 * (sp[5000] / sp[1000]).log10();
    let over3 = 10.0 * (sp[3000] / floor).log10();
    let over5 = 10.0 * (sp[5000] / floor).log10();
    eprintln!("undithered: 3 kHz at {p3_db:.1} dB and 5 kHz at {p5_db:.1} dB re the fundamental ({over3:.1} / {over5:.1} dB over the dithered floor)");
    assert!(
        p3_db > -30.0 && over3 > 15.0,
        "rounding alone makes a 3 kHz harmonic"
    );
    assert!(p5_db > -40.0 && over5 > 10.0, "and a 5 kHz harmonic");
}
