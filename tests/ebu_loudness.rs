//! EBU Tech 3341 (loudness meters, 2023 edition, Table 1) and Tech 3342 (loudness range,
//! Table 1) minimum-requirement signals, synthesised here, written as WAV files and measured
//! through `analyze_file` at 44.1 kHz and 48 kHz.
//!
//! "dBFS" in those tables is the per-channel PEAK level of a sine applied in phase to both
//! channels, so a 1 kHz sine at -23 dBFS reads -23 LUFS. The tolerances are the documents'.
use lathe::analysis::{analyze_file, TrackAnalysis};
use std::f64::consts::PI;
use std::sync::atomic::AtomicBool;

const RATES: [u32; 2] = [44100, 48000];

/// A test case: its name, its 1 kHz tone segments `(seconds, peak dBFS)`, the expected value.
type ToneCase = (&'static str, Vec<(f64, f64)>, f64);

/// Writes the same samples to both channels of a 24-bit WAV and analyses the file.
fn measure(rate: u32, samples: &[f64]) -> TrackAnalysis {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("signal.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: rate,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for &s in samples {
        let v = (s * 8_388_608.0).round().clamp(-8_388_608.0, 8_388_607.0) as i32;
        w.write_sample(v).unwrap();
        w.write_sample(v).unwrap();
    }
    w.finalize().unwrap();
    analyze_file(&path, &AtomicBool::new(false)).unwrap()
}

/// Consecutive 1 kHz sine segments `(seconds, peak dBFS)`, continuous in phase.
fn tones(rate: u32, segments: &[(f64, f64)]) -> Vec<f64> {
    let mut out = Vec::new();
    for &(secs, dbfs) in segments {
        let amp = 10f64.powf(dbfs / 20.0);
        let n = (secs * rate as f64).round() as usize;
        let start = out.len();
        out.extend(
            (start..start + n).map(|i| amp * (2.0 * PI * 1000.0 * i as f64 / rate as f64).sin()),
        );
    }
    out
}

fn integrated(a: &TrackAnalysis) -> f64 {
    a.loudness
        .integrated_lufs
        .expect("these signals have a loudness")
}

#[test]
fn tech3341_cases_1_to_5_integrated_within_0_1_lu() {
    let cases: [ToneCase; 5] = [
        // 1: stereo 1 kHz sine, -23.0 dBFS, 20 s -> I = -23.0 ±0.1 LUFS.
        ("3341-1", vec![(20.0, -23.0)], -23.0),
        // 2: as #1 at -33.0 dBFS -> I = -33.0 ±0.1 LUFS.
        ("3341-2", vec![(20.0, -33.0)], -33.0),
        // 3: 10 s at -36.0, 60 s at -23.0, 10 s at -36.0 dBFS -> I = -23.0 ±0.1 (relative gate).
        (
            "3341-3",
            vec![(10.0, -36.0), (60.0, -23.0), (10.0, -36.0)],
            -23.0,
        ),
        // 4: 10 s -72, 10 s -36, 60 s -23, 10 s -36, 10 s -72 dBFS -> I = -23.0 ±0.1
        //    (absolute and relative gates).
        (
            "3341-4",
            vec![
                (10.0, -72.0),
                (10.0, -36.0),
                (60.0, -23.0),
                (10.0, -36.0),
                (10.0, -72.0),
            ],
            -23.0,
        ),
        // 5: 20 s at -26.0, 20.1 s at -20.0, 20 s at -26.0 dBFS -> I = -23.0 ±0.1.
        (
            "3341-5",
            vec![(20.0, -26.0), (20.1, -20.0), (20.0, -26.0)],
            -23.0,
        ),
    ];
    for rate in RATES {
        for (name, segments, expected) in &cases {
            let a = measure(rate, &tones(rate, segments));
            let i = integrated(&a);
            assert!(
                (i - expected).abs() <= 0.1,
                "{name} at {rate} Hz: I = {i}, expected {expected}"
            );
            assert!(a.notices.is_empty(), "{name}: {:?}", a.notices);
        }
    }
}

#[test]
fn tech3341_case_1_peaks_and_plr() {
    // Case 1 again: the sine's peak is -23.0 dBFS, so sample and true peak read -23.0 and
    // PLR = true peak - integrated = 0 (1 kHz is far below where inter-sample peaks grow).
    for rate in RATES {
        let a = measure(rate, &tones(rate, &[(20.0, -23.0)]));
        let l = &a.loudness;
        let sp = l.sample_peak_dbfs.unwrap();
        let tp = l.true_peak_dbtp.unwrap();
        assert!((sp + 23.0).abs() < 0.01, "sample peak {sp}");
        assert!((tp + 23.0).abs() < 0.05, "true peak {tp}");
        assert!((l.plr_db.unwrap() - (tp - integrated(&a))).abs() < 1e-12);
        assert!((a.duration_s - 20.0).abs() < 1e-9 && a.channels == 2 && a.sample_rate_hz == rate);
    }
}

#[test]
fn tech3341_case_9_short_term_constant_after_3_s() {
    // 9: (1.34 s at -20.0 dBFS; 1.66 s at -30.0 dBFS) repeated 5 times
    //    -> S = -23.0 ±0.1 LUFS, constant after 3 s.
    for rate in RATES {
        let segments: Vec<(f64, f64)> = (0..5)
            .flat_map(|_| [(1.34, -20.0), (1.66, -30.0)])
            .collect();
        let a = measure(rate, &tones(rate, &segments));
        let st = &a.loudness.short_term_lufs;
        assert_eq!(a.loudness.short_term_step_s, 0.1);
        assert_eq!(st.len(), 150, "15 s at 10 readings per second");
        // Reading k is taken at (k + 1) * 100 ms: from k = 29 on the 3 s window is full.
        for (k, s) in st.iter().enumerate().skip(29) {
            let s = s.expect("a reading") as f64;
            assert!((s + 23.0).abs() <= 0.1, "{rate} Hz, reading {k}: S = {s}");
        }
    }
}

/// Stereo sine at `rate / divisor` Hz, `amp` full scale, starting at `phase_deg`, 3 s long,
/// tapered with 10 ms linear fades as Tech 3341 asks.
fn true_peak_signal(rate: u32, divisor: f64, amp: f64, phase_deg: f64) -> Vec<f64> {
    let n = 3 * rate as usize;
    let fade = rate as usize / 100;
    (0..n)
        .map(|i| {
            let taper = (i.min(n - 1 - i) as f64 / fade as f64).min(1.0);
            let phase = 2.0 * PI * i as f64 / divisor + phase_deg.to_radians();
            taper * amp * phase.sin()
        })
        .collect()
}

#[test]
fn tech3341_cases_15_to_19_true_peak() {
    // Tech 3341 defines these relative to the sample rate ("fs/4 denotes 12 kHz for a
    // sample-rate of 48 kHz, etc."), so at 44.1 kHz the same fractions are used (fs/4 =
    // 11025 Hz, ...) with the same phases: the sample values, and the expected reading, are
    // the same as at 48 kHz. Tolerance +0.2/-0.4 dB.
    let cases = [
        // 15: fs/4, amplitude 0.50 FS, phase 0° -> -6.0 dBTP.
        ("3341-15", 4.0, 0.50, 0.0, -6.0),
        // 16: fs/4, 0.50, phase 45° -> -6.0 dBTP (samples peak at -9 dBFS).
        ("3341-16", 4.0, 0.50, 45.0, -6.0),
        // 17: fs/6, 0.50, phase 60° -> -6.0 dBTP.
        ("3341-17", 6.0, 0.50, 60.0, -6.0),
        // 18: fs/8, 0.50, phase 67.5° -> -6.0 dBTP.
        ("3341-18", 8.0, 0.50, 67.5, -6.0),
        // 19: fs/4, amplitude 1.41 FS, phase 45° -> +3.0 dBTP (samples at ±0.997).
        ("3341-19", 4.0, 1.41, 45.0, 3.0),
    ];
    for rate in RATES {
        for (name, divisor, amp, phase, expected) in cases {
            let a = measure(rate, &true_peak_signal(rate, divisor, amp, phase));
            let tp = a.loudness.true_peak_dbtp.unwrap();
            let d = tp - expected;
            assert!(
                (-0.4..=0.2).contains(&d),
                "{name} at {rate} Hz: {tp} dBTP, expected {expected}"
            );
        }
    }
}

#[test]
fn tech3342_cases_1_to_4_loudness_range_within_1_lu() {
    let cases: [ToneCase; 4] = [
        // 1: stereo 1 kHz sine, 20 s at -20.0 dBFS followed by 20 s at -30.0 -> LRA = 10 ±1.
        ("3342-1", vec![(20.0, -20.0), (20.0, -30.0)], 10.0),
        // 2: as #1 with -20.0 and -15.0 dBFS -> LRA = 5 ±1.
        ("3342-2", vec![(20.0, -20.0), (20.0, -15.0)], 5.0),
        // 3: as #1 with -40.0 and -20.0 dBFS -> LRA = 20 ±1.
        ("3342-3", vec![(20.0, -40.0), (20.0, -20.0)], 20.0),
        // 4: 20 s each at -50, -35, -20, -35, -50 dBFS -> LRA = 15 ±1.
        (
            "3342-4",
            vec![
                (20.0, -50.0),
                (20.0, -35.0),
                (20.0, -20.0),
                (20.0, -35.0),
                (20.0, -50.0),
            ],
            15.0,
        ),
    ];
    for rate in RATES {
        for (name, segments, expected) in &cases {
            let a = measure(rate, &tones(rate, segments));
            let lra = a.loudness.lra_lu;
            assert!(
                (lra - expected).abs() <= 1.0,
                "{name} at {rate} Hz: LRA = {lra}, expected {expected}"
            );
        }
    }
}
