//! Cross-stage properties of `dsp::Chain`: block-size independence, neutral transparency, EQ and
//! match-FIR responses, latency, limiter ceilings and distortion, smoothing, NaN safety.

use lathe::dsp::chain::GAIN_SMOOTH_S;
use lathe::dsp::units::db_to_gain;
use lathe::dsp::{Bell, Chain, ChainParams, MatchKernel};
use rustfft::num_complex::Complex;
use rustfft::FftPlanner;
use std::f64::consts::PI;

const RATES: [f64; 3] = [44_100.0, 48_000.0, 96_000.0];

/// Deterministic white-ish noise in [-1, 1).
fn noise(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 40) as f64 / (1u64 << 23) as f64 - 1.0) as f32
        })
        .collect()
}

/// `noise` with everything above 0.45 of the sample rate removed (ideal FFT low-pass).
fn bandlimited_noise(n: usize, seed: u64) -> Vec<f32> {
    let mut planner = FftPlanner::new();
    let mut buf: Vec<Complex<f64>> = noise(n, seed)
        .iter()
        .map(|&v| Complex::new(v as f64, 0.0))
        .collect();
    planner.plan_fft_forward(n).process(&mut buf);
    for (k, z) in buf.iter_mut().enumerate() {
        if k.min(n - k) as f64 > 0.45 * n as f64 {
            *z = Complex::new(0.0, 0.0);
        }
    }
    planner.plan_fft_inverse(n).process(&mut buf);
    buf.iter().map(|z| (z.re / n as f64) as f32).collect()
}

fn sine(n: usize, f: f64, fs: f64, amp: f64, phase: f64) -> Vec<f32> {
    (0..n)
        .map(|i| (amp * (2.0 * PI * f * i as f64 / fs + phase).sin()) as f32)
        .collect()
}

fn run(chain: &mut Chain, l: &[f32], r: &[f32], block: usize) -> (Vec<f32>, Vec<f32>) {
    let (mut l, mut r) = (l.to_vec(), r.to_vec());
    for (cl, cr) in l.chunks_mut(block).zip(r.chunks_mut(block)) {
        chain.process(cl, cr);
    }
    (l, r)
}

fn prepared(fs: f64, p: &ChainParams) -> Chain {
    let mut c = Chain::new();
    c.prepare(fs, 4096);
    c.set_params(p);
    c
}

/// Every stage on.
fn busy_params() -> ChainParams {
    let mut p = ChainParams {
        input_trim_db: 1.5,
        tilt_db: 2.0,
        tilt_pivot_hz: 800.0,
        low_shelf_freq_hz: 90.0,
        low_shelf_gain_db: 2.5,
        high_shelf_freq_hz: 9000.0,
        high_shelf_gain_db: -1.5,
        match_amount: 0.8,
        width: 1.3,
        mono_bass_hz: 120.0,
        gain_db: 8.0,
        ceiling_dbtp: -1.0,
        ..Default::default()
    };
    let bells = [
        (60.0, 3.0, 1.5),
        (400.0, -2.0, 0.8),
        (2500.0, 1.5, 2.0),
        (7000.0, -3.0, 4.0),
    ];
    for (b, (f, g, q)) in p.bells.iter_mut().zip(bells) {
        *b = Bell {
            enabled: true,
            freq_hz: f,
            gain_db: g,
            q,
        };
    }
    p
}

const OCTAVE_CENTRES: [f64; 10] = [
    31.25, 62.5, 125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0,
];
const CURVE_DB: [f64; 10] = [3.0, 2.0, 0.0, -1.5, -2.0, -1.0, 0.0, 1.5, 2.5, 1.0];

#[test]
fn output_is_independent_of_block_size() {
    let fs = 48_000.0;
    let n = 80_000;
    let switch_at = 69_632; // a multiple of 1, 17, 64, 512 and 4096: params change at the same frame
    let l: Vec<f32> = noise(n, 1)
        .iter()
        .zip(sine(n, 50.0, fs, 0.3, 0.0))
        .map(|(a, b)| 0.4 * a + b)
        .collect();
    let r: Vec<f32> = noise(n, 2)
        .iter()
        .zip(sine(n, 3000.0, fs, 0.3, 1.0))
        .map(|(a, b)| 0.4 * a + b)
        .collect();
    let mut p2 = busy_params();
    p2.gain_db = 12.0;
    p2.tilt_db = -3.0;
    p2.bells[1].freq_hz = 700.0;
    let mut reference: Option<(Vec<f32>, Vec<f32>)> = None;
    for block in [1, 17, 64, 512, 4096] {
        let mut c = prepared(fs, &busy_params());
        c.set_match_curve(&CURVE_DB, &OCTAVE_CENTRES);
        let (mut a, mut b) = run(&mut c, &l[..switch_at], &r[..switch_at], block);
        assert!(c.gain_reduction().max_db > 3.0, "limiter must be working");
        c.set_params(&p2);
        let (a2, b2) = run(&mut c, &l[switch_at..], &r[switch_at..], block);
        a.extend(a2);
        b.extend(b2);
        match &reference {
            None => reference = Some((a, b)),
            Some((ra, rb)) => {
                let d = ra
                    .iter()
                    .zip(&a)
                    .chain(rb.iter().zip(&b))
                    .map(|(x, y)| (x - y).abs())
                    .fold(0.0f32, f32::max);
                assert!(d <= 1e-6, "block {block}: max difference {d}");
            }
        }
    }
}

#[test]
fn neutral_chain_is_a_pure_delay() {
    for fs in RATES {
        let mut c = prepared(fs, &ChainParams::default());
        let lat = c.latency_frames();
        let n = lat + 20_000;
        let l: Vec<f32> = noise(n, 3).iter().map(|x| 0.3 * x).collect();
        let r: Vec<f32> = noise(n, 4).iter().map(|x| 0.3 * x).collect();
        let (a, b) = run(&mut c, &l, &r, 512);
        assert!(a[..lat].iter().chain(&b[..lat]).all(|&x| x == 0.0));
        assert_eq!(&a[lat..], &l[..n - lat], "left at {fs}");
        assert_eq!(&b[lat..], &r[..n - lat], "right at {fs}");
        assert_eq!(c.gain_reduction().max_db, 0.0);
    }
}

#[test]
fn latency_figures() {
    let lat: Vec<usize> = RATES
        .iter()
        .map(|&fs| prepared(fs, &ChainParams::default()).latency_frames())
        .collect();
    eprintln!("latency frames at 44.1/48/96 kHz: {lat:?}");
    assert_eq!(lat, vec![6261, 6269, 12_509]);
}

/// Magnitude response (dB) of the chain's left channel from an impulse, over `fft_len` bins.
fn measured_response(c: &mut Chain, fft_len: usize) -> (Vec<f64>, usize) {
    let lat = c.latency_frames();
    let n = lat + fft_len;
    let amp = 0.01f32;
    let mut l = vec![0.0f32; n];
    l[0] = amp;
    let r = l.clone();
    let (a, _) = run(c, &l, &r, 1024);
    let mut buf: Vec<Complex<f64>> = a[lat.saturating_sub(fft_len / 2)..][..fft_len]
        .iter()
        .map(|&x| Complex::new(x as f64 / amp as f64, 0.0))
        .collect();
    FftPlanner::new()
        .plan_fft_forward(fft_len)
        .process(&mut buf);
    (buf.iter().map(|z| 20.0 * z.norm().log10()).collect(), lat)
}

fn log_freqs(lo: f64, hi: f64, per_octave: usize) -> Vec<f64> {
    let n = ((hi / lo).log2() * per_octave as f64) as usize;
    (0..=n)
        .map(|i| lo * 2f64.powf(i as f64 / per_octave as f64))
        .collect()
}

/// Magnitude of the RBJ analog prototypes (bilinear with pre-warping: Ω = tan(πf/fs)/tan(πf0/fs)).
fn rbj_analog_db(kind: &str, f: f64, f0: f64, gain_db: f64, q_or_s: f64, fs: f64) -> f64 {
    let w = (PI * f / fs).tan() / (PI * f0 / fs).tan();
    let s = Complex::new(0.0, w);
    let a = 10f64.powf(gain_db / 40.0);
    let h = match kind {
        "bell" => {
            let q = q_or_s;
            (s * s + s * (a / q) + 1.0) / (s * s + s / (a * q) + 1.0)
        }
        "low" => {
            let inv_q = ((a + 1.0 / a) * (1.0 / q_or_s - 1.0) + 2.0).sqrt();
            (s * s + s * (a.sqrt() * inv_q) + a) / (s * s * a + s * (a.sqrt() * inv_q) + 1.0) * a
        }
        "high" => {
            let inv_q = ((a + 1.0 / a) * (1.0 / q_or_s - 1.0) + 2.0).sqrt();
            (s * s * a + s * (a.sqrt() * inv_q) + 1.0) / (s * s + s * (a.sqrt() * inv_q) + a) * a
        }
        _ => unreachable!(),
    };
    20.0 * h.norm().log10()
}

fn tilt_analog_db(f: f64, pivot: f64, tilt_db: f64, fs: f64) -> f64 {
    let g = 10f64.powf(tilt_db / 3.0 / 40.0);
    let kp = (PI * pivot / fs).tan();
    let w = (PI * f / fs).tan();
    (0..3)
        .map(|k| {
            let s = Complex::new(0.0, w / (kp * 4f64.powi(k - 1)));
            20.0 * ((s * g + 1.0) / (s + g)).norm().log10()
        })
        .sum()
}

/// An independent formula for the magnitude (dB) at a frequency (Hz).
type Analytic = Box<dyn Fn(f64) -> f64>;

#[test]
fn eq_response_matches_analytic_curves() {
    let fft_len = 1 << 16;
    for fs in RATES {
        let mut cases: Vec<(ChainParams, Analytic)> = Vec::new();
        let p = ChainParams {
            tilt_db: -5.0,
            tilt_pivot_hz: 1500.0,
            ..Default::default()
        };
        cases.push((p, Box::new(move |f| tilt_analog_db(f, 1500.0, -5.0, fs))));
        let p = ChainParams {
            low_shelf_freq_hz: 150.0,
            low_shelf_gain_db: 6.0,
            ..Default::default()
        };
        cases.push((
            p,
            Box::new(move |f| rbj_analog_db("low", f, 150.0, 6.0, 0.7, fs)),
        ));
        let p = ChainParams {
            high_shelf_freq_hz: 6000.0,
            high_shelf_gain_db: -4.0,
            ..Default::default()
        };
        cases.push((
            p,
            Box::new(move |f| rbj_analog_db("high", f, 6000.0, -4.0, 0.7, fs)),
        ));
        let mut p = ChainParams::default();
        p.bells[2] = Bell {
            enabled: true,
            freq_hz: 3000.0,
            gain_db: 7.0,
            q: 3.0,
        };
        cases.push((
            p,
            Box::new(move |f| rbj_analog_db("bell", f, 3000.0, 7.0, 3.0, fs)),
        ));
        let mut p = ChainParams::default();
        p.bells[0] = Bell {
            enabled: true,
            freq_hz: 45.0,
            gain_db: -9.0,
            q: 0.7,
        };
        cases.push((
            p,
            Box::new(move |f| rbj_analog_db("bell", f, 45.0, -9.0, 0.7, fs)),
        ));
        cases.push((
            busy_params_tone_only(),
            Box::new(move |f| busy_params_tone_only().tone_response_db(f, fs)),
        ));
        for (i, (p, analytic)) in cases.iter().enumerate() {
            let mut c = prepared(fs, p);
            let (mag, _) = measured_response(&mut c, fft_len);
            let mut worst: f64 = 0.0;
            for f in log_freqs(20.0, 20_000.0, 12) {
                let bin = (f * fft_len as f64 / fs).round() as usize;
                let fb = bin as f64 * fs / fft_len as f64;
                let want = p.tone_response_db(fb, fs);
                worst = worst.max((mag[bin] - want).abs());
                assert!(
                    (mag[bin] - want).abs() < 0.1,
                    "case {i} at {fs}: {fb} Hz measured {} vs {want}",
                    mag[bin]
                );
                assert!(
                    (analytic(fb) - want).abs() < 0.1,
                    "case {i} at {fs}: {fb} Hz analytic {} vs {want}",
                    analytic(fb)
                );
            }
            assert!(worst < 0.01, "case {i} at {fs}: worst {worst}");
        }
    }
}

fn busy_params_tone_only() -> ChainParams {
    ChainParams {
        input_trim_db: 0.0,
        match_amount: 0.0,
        width: 1.0,
        mono_bass_hz: 0.0,
        gain_db: 0.0,
        ..busy_params()
    }
}

#[test]
fn match_fir_follows_curve_and_is_linear_phase_at_latency() {
    for fs in [48_000.0, 96_000.0] {
        let p = ChainParams {
            match_amount: 1.0,
            ..Default::default()
        };
        let mut c = prepared(fs, &p);
        let k = MatchKernel::design(&CURVE_DB, &OCTAVE_CENTRES, fs);
        assert!(c.swap_match_kernel(k.clone()).is_ok());
        // Requested gains survive the smoothing approximately at the band centres.
        for (g, f) in CURVE_DB.iter().zip(OCTAVE_CENTRES) {
            assert!(
                (k.curve_db(f) - g).abs() < 1.0,
                "{f} Hz: {} vs {g}",
                k.curve_db(f)
            );
        }
        let fft_len = 1 << 17;
        let lat = c.latency_frames();
        let n = lat + fft_len;
        let mut l = vec![0.0f32; n];
        l[0] = 0.01;
        let (a, _) = run(&mut c, &l, &l.clone(), 1000);
        // Linear phase: the impulse response is symmetric around latency_frames and peaks there.
        let peak =
            a.iter().enumerate().fold(
                (0, 0.0f32),
                |m, (i, &x)| if x.abs() > m.1 { (i, x.abs()) } else { m },
            );
        assert_eq!(peak.0, lat, "impulse centre at the reported latency");
        for d in 1..4000 {
            assert!((a[lat + d] - a[lat - d]).abs() < 1e-7, "symmetric at ±{d}");
        }
        let mut buf: Vec<Complex<f64>> = a[..fft_len]
            .iter()
            .map(|&x| Complex::new(x as f64 / 0.01, 0.0))
            .collect();
        FftPlanner::new()
            .plan_fft_forward(fft_len)
            .process(&mut buf);
        let mut worst: f64 = 0.0;
        for f in log_freqs(30.0, 16_000.0, 24) {
            let bin = (f * fft_len as f64 / fs).round() as usize;
            let fb = bin as f64 * fs / fft_len as f64;
            let got = 20.0 * buf[bin].norm().log10();
            worst = worst.max((got - k.curve_db(fb)).abs());
        }
        eprintln!("match FIR at {fs}: worst deviation 30 Hz..16 kHz = {worst:.4} dB");
        assert!(worst < 0.3, "{worst}");
        // What the kernel says it realises per 1/6-octave band is what the impulse response gives.
        let bands = lathe::analysis::spectrum::band_centers_hz();
        let realised = k.realised_db(&bands);
        for (f, r) in bands.iter().zip(&realised) {
            if !(30.0..=16_000.0).contains(f) {
                continue;
            }
            let edge = 2f64.powf(1.0 / 12.0);
            let lo = (f / edge * fft_len as f64 / fs).ceil() as usize;
            let hi = (f * edge * fft_len as f64 / fs).floor() as usize;
            let p = (lo..=hi).map(|k| buf[k].norm_sqr()).sum::<f64>() / (hi + 1 - lo) as f64;
            let measured = 10.0 * p.log10();
            assert!(
                (measured - r).abs() < 0.05,
                "{f} Hz: {measured:.3} vs {r:.3}"
            );
        }
    }
}

#[test]
fn a_curve_turning_faster_than_the_fir_resolves_is_reported_as_realised() {
    // ±3 dB swings one octave apart at 40–80 Hz: the 8191-tap FIR at 44.1 kHz resolves ~16 Hz,
    // so it realises less than the curve asks there, and realised_db says so.
    let fs = 44_100.0;
    let centres = [31.5, 40.0, 56.0, 80.0, 112.0, 160.0, 1000.0];
    let gains = [0.0, 3.0, -3.0, 3.0, -3.0, 0.0, 0.0];
    let k = MatchKernel::design(&gains, &centres, fs);
    let at = |f: f64| k.realised_db(&[f])[0];
    assert!(
        at(56.0) > -2.5,
        "the dip at 56 Hz is shallower: {}",
        at(56.0)
    );
    assert!((at(1000.0) - 0.0).abs() < 0.05, "{}", at(1000.0));
}

/// True peak of a signal by ideal band-limited interpolation (FFT zero padding, 8x), ignoring
/// `edge` samples at each end where the circular wrap rings.
fn true_peak(x: &[f32], edge: usize) -> f64 {
    let n = x.len();
    let up = 8;
    let mut planner = FftPlanner::new();
    let mut buf: Vec<Complex<f64>> = x.iter().map(|&v| Complex::new(v as f64, 0.0)).collect();
    planner.plan_fft_forward(n).process(&mut buf);
    let mut big = vec![Complex::new(0.0, 0.0); n * up];
    let half = n / 2;
    big[..half].copy_from_slice(&buf[..half]);
    big[n * up - (n - half)..].copy_from_slice(&buf[half..]);
    planner.plan_fft_inverse(n * up).process(&mut big);
    big[edge * up..(n - edge) * up]
        .iter()
        .fold(0.0, |m, z| m.max(z.re.abs() / n as f64))
}

fn check_ceiling(c: &mut Chain, l: &[f32], r: &[f32], what: &str) -> f64 {
    let ceiling_dbtp = c.params().ceiling_dbtp;
    let ceiling = db_to_gain(ceiling_dbtp) as f32;
    let lat = c.latency_frames();
    let mut l = l.to_vec();
    let mut r = r.to_vec();
    l.extend(std::iter::repeat_n(0.0, lat));
    r.extend(std::iter::repeat_n(0.0, lat));
    let (a, b) = run(c, &l, &r, 512);
    let sample_peak = a.iter().chain(&b).fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(
        sample_peak <= ceiling,
        "{what}: sample peak {sample_peak} > {ceiling}"
    );
    let tp = true_peak(&a[lat..], 64).max(true_peak(&b[lat..], 64));
    let over_db = 20.0 * tp.log10() - ceiling_dbtp;
    assert!(
        over_db <= 0.1,
        "{what}: true peak {over_db:+.3} dB over the ceiling"
    );
    over_db
}

#[test]
fn limiter_holds_the_ceiling_for_sines_and_steps() {
    let mut worst: f64 = -100.0;
    for fs in RATES {
        let p = ChainParams {
            ceiling_dbtp: -1.0,
            ..Default::default()
        };
        let n = (0.4 * fs) as usize;
        for f in [
            20.0, 40.0, 100.0, 1000.0, 5000.0, 10_000.0, 15_000.0, 19_000.0, 20_000.0,
        ] {
            let amp = db_to_gain(-1.0 + 6.0);
            let mut c = prepared(fs, &p);
            let l = sine(n, f, fs, amp, 0.3);
            let r = sine(n, f, fs, amp, 1.9);
            worst = worst.max(check_ceiling(
                &mut c,
                &l,
                &r,
                &format!("{f} Hz sine +6 dB at {fs}"),
            ));
        }
        for (before_db, after_db, f) in [
            (-20.0, 0.0, 1000.0),
            (-14.0, 6.0, 10_000.0),
            (-20.0, 20.0, 1000.0),
            (-20.0, 20.0, 15_000.0),
            (-30.0, 10.0, 20_000.0),
        ] {
            let mut c = prepared(fs, &p);
            let step_at = n / 2 + 7;
            let mk = |ph: f64| -> Vec<f32> {
                sine(n, f, fs, 1.0, ph)
                    .iter()
                    .enumerate()
                    .map(|(i, &x)| {
                        x * db_to_gain(-1.0 + if i < step_at { before_db } else { after_db }) as f32
                    })
                    .collect()
            };
            let (l, r) = (mk(0.0), mk(2.0));
            worst = worst.max(check_ceiling(
                &mut c,
                &l,
                &r,
                &format!("{f} Hz step {before_db}->{after_db} at {fs}"),
            ));
        }
        // Broadband: noise (band-limited to 0.45·fs, i.e. 19.8 kHz at 44.1 kHz) stepping up by 40 dB.
        let mut c = prepared(fs, &p);
        let l: Vec<f32> = bandlimited_noise(n, 5)
            .iter()
            .enumerate()
            .map(|(i, &x)| x * if i < n / 3 { 0.02 } else { 2.0 })
            .collect();
        let r: Vec<f32> = bandlimited_noise(n, 6)
            .iter()
            .enumerate()
            .map(|(i, &x)| x * if i < n / 3 { 0.02 } else { 2.0 })
            .collect();
        worst = worst.max(check_ceiling(
            &mut c,
            &l,
            &r,
            &format!("noise +40 dB step at {fs}"),
        ));
    }
    eprintln!("worst true peak relative to the ceiling: {worst:+.4} dB");
}

/// THD (harmonics 2..=10 over the fundamental) of the settled last second, bins coherent.
fn thd(x: &[f32], f: f64, fs: f64) -> f64 {
    let n = fs as usize;
    let seg = &x[x.len() - n..];
    let mut buf: Vec<Complex<f64>> = seg.iter().map(|&v| Complex::new(v as f64, 0.0)).collect();
    FftPlanner::new().plan_fft_forward(n).process(&mut buf);
    let bin = |h: f64| buf[(h * f * n as f64 / fs).round() as usize].norm();
    let harm: f64 = (2..=10).map(|h| bin(h as f64).powi(2)).sum();
    harm.sqrt() / bin(1.0)
}

#[test]
fn limiter_distortion_on_sines_3_db_over() {
    let fs = 48_000.0;
    for (f, limit_pct) in [(1000.0, 0.1), (40.0, 1.0), (100.0, 0.5)] {
        let p = ChainParams {
            ceiling_dbtp: -1.0,
            ..Default::default()
        };
        let mut c = prepared(fs, &p);
        let x = sine(3 * fs as usize, f, fs, db_to_gain(-1.0 + 3.0), 0.0);
        let (a, _) = run(&mut c, &x, &x, 512);
        let pct = 100.0 * thd(&a, f, fs);
        let gr = c.gain_reduction();
        eprintln!("THD at {f} Hz, 3 dB over: {pct:.2e} % ({:.1} dB; limit {limit_pct} %), GR now {:.2} dB", 20.0 * (pct / 100.0).log10(), gr.current_db);
        assert!(pct < limit_pct, "{f} Hz: THD {pct} %");
        assert!((gr.current_db - 3.0).abs() < 0.2, "gain reduction {gr:?}");
    }
}

fn max_step(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

#[test]
fn parameter_steps_do_not_click_and_settle_in_time() {
    let fs = 48_000.0;
    let n = 96_000;
    let x = sine(n, 200.0, fs, 0.2, 0.0);
    let change_at = 24_000;
    let start = ChainParams {
        limiter_enabled: false,
        ..Default::default()
    };
    for (name, end) in [
        (
            "gain +6 dB",
            ChainParams {
                gain_db: 6.0,
                ..start
            },
        ),
        (
            "tilt +6 dB",
            ChainParams {
                tilt_db: 6.0,
                ..start
            },
        ),
        ("bell +9 dB at 200 Hz", {
            let mut p = start;
            p.bells[0] = Bell {
                enabled: true,
                freq_hz: 200.0,
                gain_db: 9.0,
                q: 1.0,
            };
            p
        }),
        (
            "width 0",
            ChainParams {
                width: 0.0,
                ..start
            },
        ),
    ] {
        let mut c = prepared(fs, &start);
        let lat = c.latency_frames();
        let (mut a, _) = run(&mut c, &x[..change_at], &x[..change_at], 256);
        c.set_params(&end);
        let (a2, _) = run(&mut c, &x[change_at..], &x[change_at..], 256);
        a.extend(a2);
        // Reference: the end state from the start (snapped).
        let mut c2 = prepared(fs, &end);
        let (b, _) = run(&mut c2, &x, &x, 256);
        let steady = max_step(&b[n - 20_000..]).max(max_step(&a[lat + 1000..change_at]));
        let worst = max_step(&a[change_at..]);
        // A click is a step several times the signal's own. A glide is allowed a few percent:
        // while the tilt's coefficients move, its phase at 200 Hz moves too, which briefly
        // steepens the sine by up to ~3 % depending on where in its cycle the change lands.
        assert!(
            worst <= steady * 1.05,
            "{name}: step {worst} vs signal's own {steady}"
        );
        // Settled: the gain/width smoothers take 50 ms, tone 30 ms; allow filter memory 50 ms more.
        let settled = change_at + lat + (0.1 * fs) as usize;
        let diff = a[settled..]
            .iter()
            .zip(&b[settled..])
            .map(|(p, q)| (p - q).abs())
            .fold(0.0f32, f32::max);
        assert!(diff < 1e-4, "{name}: not settled, diff {diff}");
    }
    // Gain has no memory: exactly settled right after its 50 ms ramp.
    let mut c = prepared(fs, &start);
    let lat = c.latency_frames();
    let (mut a, _) = run(&mut c, &x[..change_at], &x[..change_at], 256);
    c.set_params(&ChainParams {
        gain_db: -6.0,
        ..start
    });
    a.extend(run(&mut c, &x[change_at..], &x[change_at..], 256).0);
    let g = db_to_gain(-6.0) as f32;
    // Ramp = frames that are neither at the old gain (1) nor exactly at the new one.
    let first = (lat..n).find(|&i| a[i] != x[i - lat]).unwrap();
    let last = (lat..n).rev().find(|&i| a[i] != x[i - lat] * g).unwrap();
    let ramp_frames = last + 1 - first;
    eprintln!("gain ramp: {ramp_frames} frames");
    assert!(
        ramp_frames <= (GAIN_SMOOTH_S * fs) as usize,
        "reaches its target within 50 ms"
    );
    assert!(
        ramp_frames >= (GAIN_SMOOTH_S * fs) as usize - 60,
        "and really ramps ({ramp_frames})"
    );
    assert!(
        first >= change_at,
        "nothing changes before the parameter does"
    );
}

#[test]
fn nan_and_inf_input_are_sanitised() {
    let fs = 48_000.0;
    let n = 30_000;
    let x: Vec<f32> = noise(n, 9).iter().map(|v| 0.5 * v).collect();
    let mut bad = x.clone();
    let mut clean = x.clone();
    for (i, v) in [
        (1000, f32::NAN),
        (1001, f32::INFINITY),
        (5000, f32::NEG_INFINITY),
    ] {
        bad[i] = v;
        clean[i] = 0.0;
    }
    let mut c1 = prepared(fs, &busy_params());
    c1.set_match_curve(&CURVE_DB, &OCTAVE_CENTRES);
    let mut c2 = prepared(fs, &busy_params());
    c2.set_match_curve(&CURVE_DB, &OCTAVE_CENTRES);
    let (a, _) = run(&mut c1, &bad, &bad, 512);
    let (b, _) = run(&mut c2, &clean, &clean, 512);
    assert!(a.iter().all(|v| v.is_finite()));
    assert_eq!(a, b);
}

#[test]
fn swapping_match_kernels_crossfades_without_clicks() {
    let fs = 48_000.0;
    let n = 60_000;
    let f = 300.0;
    let x = sine(n, f, fs, 0.3, 0.0);
    let p = ChainParams {
        match_amount: 1.0,
        limiter_enabled: false,
        ..Default::default()
    };
    let mut c = prepared(fs, &p);
    let up = MatchKernel::design(&[4.0, 4.0], &[100.0, 1000.0], fs);
    let down = MatchKernel::design(&[-4.0, -4.0], &[100.0, 1000.0], fs);
    let (up_db, down_db) = (up.curve_db(f), down.curve_db(f));
    assert!(c.swap_match_kernel(up).is_ok());
    let swap_at = 30_011;
    let (mut a, _) = run(&mut c, &x[..swap_at], &x[..swap_at], 333);
    let old = c.swap_match_kernel(down).expect("same rate");
    assert!(
        (old.curve_db(f) - up_db).abs() < 1e-12,
        "the previous kernel comes back"
    );
    a.extend(run(&mut c, &x[swap_at..], &x[swap_at..], 333).0);
    let lat = c.latency_frames();
    let steady_up = max_step(&a[lat + 3000..swap_at]);
    let worst = max_step(&a[swap_at..]);
    assert!(
        worst <= steady_up * 1.01,
        "swap step {worst} vs {steady_up}"
    );
    // After the crossfade the new curve applies.
    let tail = &a[n - 9600..];
    let rms = (tail.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / tail.len() as f64).sqrt();
    let got_db = 20.0 * (rms * 2f64.sqrt() / 0.3).log10();
    assert!((got_db - down_db).abs() < 0.05, "{got_db} vs {down_db}");
    // A kernel for another rate is refused and handed back.
    let wrong = MatchKernel::design(&[1.0], &[100.0], 96_000.0);
    assert!(c.swap_match_kernel(wrong).is_err());
}
