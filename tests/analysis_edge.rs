//! Degenerate input through `analyze_file`: silence, a clip shorter than one gating block,
//! NaN samples. None may panic, none may leak -inf/NaN into the figures.
use lathe::analysis::{analyze_audio, analyze_file, TrackAnalysis};
use lathe::media::AudioBuffer;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Writes interleaved stereo f32 samples as a 32-bit float WAV.
fn write_float_wav(path: &Path, rate: u32, interleaved: &[f32]) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    interleaved.iter().for_each(|&s| w.write_sample(s).unwrap());
    w.finalize().unwrap();
}

fn analyse_samples(rate: u32, interleaved: &[f32]) -> TrackAnalysis {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edge.wav");
    write_float_wav(&path, rate, interleaved);
    analyze_file(&path, &AtomicBool::new(false)).unwrap()
}

fn sine(rate: u32, seconds: f64, amp: f32) -> Vec<f32> {
    let n = (seconds * rate as f64) as usize;
    (0..n)
        .flat_map(|i| {
            let s = amp * (2.0 * std::f32::consts::PI * 997.0 * i as f32 / rate as f32).sin();
            [s, s]
        })
        .collect()
}

/// Every number is finite and the analysis survives a JSON round trip (the cache format:
/// serde_json writes -inf/NaN as null, which would not read back).
fn assert_all_finite(a: &TrackAnalysis) {
    let json = serde_json::to_string(a).unwrap();
    let back: TrackAnalysis = serde_json::from_str(&json).unwrap();
    assert_eq!(back.notices, a.notices);
    assert_eq!(
        back.loudness.short_term_lufs.len(),
        a.loudness.short_term_lufs.len()
    );
    let l = &a.loudness;
    let numbers = [
        Some(l.lra_lu),
        l.integrated_lufs,
        l.true_peak_dbtp,
        l.sample_peak_dbfs,
        l.plr_db,
    ];
    assert!(numbers.iter().flatten().all(|v| v.is_finite()), "{l:?}");
    assert!(l.short_term_lufs.iter().flatten().all(|v| v.is_finite()));
    assert!(a
        .spectrum
        .mid_db
        .iter()
        .chain(&a.spectrum.side_db)
        .all(|v| v.is_finite()));
}

#[test]
fn digital_silence_has_no_loudness_and_says_so() {
    let a = analyse_samples(48000, &vec![0.0; 2 * 48000 * 5]);
    let l = &a.loudness;
    assert_eq!(l.integrated_lufs, None);
    assert_eq!(
        (l.true_peak_dbtp, l.sample_peak_dbfs, l.plr_db),
        (None, None, None)
    );
    assert_eq!(l.lra_lu, 0.0);
    assert_eq!(l.short_term_lufs.len(), 50);
    assert!(l.short_term_lufs.iter().all(Option::is_none));
    assert!(a.spectrum.mid_db.is_empty() && a.stereo.is_empty());
    assert!(
        a.notices.iter().any(|n| n.contains("no loudness")),
        "{:?}",
        a.notices
    );
    assert_all_finite(&a);
}

#[test]
fn clip_shorter_than_a_gating_block_has_peaks_but_no_loudness() {
    // 0.2 s of a loud sine: half a 400 ms gating block, so BS.1770 defines no loudness.
    let a = analyse_samples(44100, &sine(44100, 0.2, 0.5));
    let l = &a.loudness;
    assert_eq!(l.integrated_lufs, None);
    assert_eq!(l.plr_db, None);
    let sp = l.sample_peak_dbfs.unwrap();
    assert!((sp + 6.02).abs() < 0.05, "{sp}");
    assert!(l.true_peak_dbtp.unwrap() >= sp);
    assert!((a.duration_s - 0.2).abs() < 1e-3);
    assert!(
        a.notices.iter().any(|n| n.contains("no loudness")),
        "{:?}",
        a.notices
    );
    assert_all_finite(&a);
}

#[test]
fn nan_file_is_counted_and_reported() {
    // A float file of nothing but NaN: the decoder replaces it by silence and counts it.
    let frames = 48000 * 2;
    let a = analyse_samples(48000, &vec![f32::NAN; 2 * frames]);
    assert_eq!(a.nonfinite_samples, 2 * frames as u64);
    assert_eq!(a.loudness.integrated_lufs, None);
    assert!(
        a.notices.iter().any(|n| n.contains("NaN")),
        "{:?}",
        a.notices
    );
    assert!(
        a.notices.iter().any(|n| n.contains("no loudness")),
        "{:?}",
        a.notices
    );
    assert_all_finite(&a);
}

#[test]
fn a_few_nan_samples_leave_the_rest_measurable() {
    // A -20 dBFS 997 Hz sine with NaN and inf sprinkled in: still about -20 LUFS
    // (997 Hz gets ~ +0.69 dB from K-weighting, so the sine reads its peak level).
    let mut x = sine(48000, 10.0, 0.1);
    for i in (0..x.len()).step_by(9973) {
        x[i] = if i % 2 == 0 { f32::NAN } else { f32::INFINITY };
    }
    let a = analyse_samples(48000, &x);
    assert!(a.nonfinite_samples > 0);
    let i = a.loudness.integrated_lufs.unwrap();
    assert!((i + 20.0).abs() < 0.1, "{i}");
    assert!(a.notices.iter().any(|n| n.contains("NaN")));
    assert_all_finite(&a);
}

#[test]
fn analyze_audio_cleans_nonfinite_input_itself() {
    // Called directly (no decoder in between), the analysis must not trust its input.
    let mut l = vec![0.1f32; 48000];
    l[100] = f32::NAN;
    let a = analyze_audio(
        &AudioBuffer {
            sample_rate_hz: 48000,
            channels: [l.clone(), l],
        },
        1,
    );
    assert_eq!(a.nonfinite_samples, 2);
    assert_eq!(a.channels, 1);
    assert_all_finite(&a);
    let empty = analyze_audio(&AudioBuffer::default(), 2);
    assert_eq!(empty.loudness.integrated_lufs, None);
    assert!(!empty.notices.is_empty());
    assert_all_finite(&empty);
}

#[test]
fn missing_file_is_an_error_not_a_panic() {
    let err = analyze_file(Path::new("/nonexistent/lathe.wav"), &AtomicBool::new(false));
    assert!(err.is_err());
}

#[test]
fn a_dc_offset_is_flagged_with_its_size_and_a_clean_track_is_not() {
    let clean = sine(48_000, 2.0, 0.3);
    assert!(
        !analyse_samples(48_000, &clean)
            .notices
            .iter()
            .any(|n| n.contains("DC")),
        "a sine has no DC"
    );
    // +0.05 of full scale (−26 dBFS) on the left only.
    let offset: Vec<f32> = clean.chunks(2).flat_map(|f| [f[0] + 0.05, f[1]]).collect();
    let a = analyse_samples(48_000, &offset);
    let note = a
        .notices
        .iter()
        .find(|n| n.contains("DC offset"))
        .unwrap_or_else(|| panic!("{:?}", a.notices));
    assert!(
        note.contains("\u{2212}26.0 dBFS") && note.contains("left +0.050"),
        "{note}"
    );
    assert!(note.contains("high-pass"), "it says what to do: {note}");
}

#[test]
fn a_flipped_channel_is_flagged_and_wide_or_mono_stereo_is_not() {
    let mono = sine(48_000, 2.0, 0.3);
    let flipped: Vec<f32> = mono.chunks(2).flat_map(|f| [f[0], -f[1]]).collect();
    let a = analyse_samples(48_000, &flipped);
    let note = a
        .notices
        .iter()
        .find(|n| n.starts_with("Out of polarity"))
        .unwrap_or_else(|| panic!("{:?}", a.notices));
    assert!(note.contains("correlation \u{2212}1.00"), "{note}");
    assert!(
        note.contains("flip one channel"),
        "it says what to do: {note}"
    );
    // Uncorrelated channels (as wide as stereo gets) and mono are a mix's own business.
    let mut seed = 7u32;
    let mut noise = move || {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
    };
    let wide: Vec<f32> = (0..2 * 96_000).map(|_| 0.3 * noise()).collect();
    for (name, samples) in [("mono", &mono), ("wide", &wide)] {
        let a = analyse_samples(48_000, samples);
        assert!(
            !a.notices.iter().any(|n| n.contains("polarity")),
            "{name}: {:?}",
            a.notices
        );
    }
}

#[test]
fn a_clipped_source_is_flagged_with_where_it_starts_and_a_full_scale_peak_is_not() {
    // A sine driven 3.5 dB into full scale: flat tops (about 0.1 ms) on every half cycle after 1 s.
    let clean = sine(48_000, 1.0, 0.99);
    let hot: Vec<f32> = sine(48_000, 1.0, 1.5)
        .iter()
        .map(|s| s.clamp(-1.0, 1.0))
        .collect();
    let clipped: Vec<f32> = clean.iter().chain(&hot).copied().collect();
    let a = analyse_samples(48_000, &clipped);
    let note = a
        .notices
        .iter()
        .find(|n| n.starts_with("Clipped"))
        .unwrap_or_else(|| panic!("{:?}", a.notices));
    // 1994 half cycles above full scale in one second (both channels alike: counted once).
    let runs: usize = note["Clipped: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1990..=1994).contains(&runs), "{note}");
    assert!(note.contains("the first at 0:01.0"), "{note}");
    // A peak that only touches full scale is not a clip.
    let touching: Vec<f32> = sine(48_000, 2.0, 1.0);
    let a = analyse_samples(48_000, &touching);
    assert!(
        !a.notices.iter().any(|n| n.starts_with("Clipped")),
        "{:?}",
        a.notices
    );
}

/// A 16-bit stereo WAV of `frames` (both channels alike) at `rate`, values in −32768..=32767.
fn analyse_16_bit(rate: u32, frames: &[i16]) -> TrackAnalysis {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("16.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for &s in frames {
        w.write_sample(s).unwrap();
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
    analyze_file(&path, &AtomicBool::new(false)).unwrap()
}

#[test]
fn a_slow_16_bit_wave_touching_full_scale_is_no_clip_at_any_rate_but_a_clipped_one_is() {
    for rate in [44_100u32, 96_000, 192_000] {
        // 40 Hz peaking at 32767, quantised: near each peak it stays on one step for about
        // 60 µs (three samples at 44.1 kHz, six at 96 kHz).
        let wave = |drive: f64| -> Vec<i16> {
            (0..2 * rate as usize)
                .map(|i| {
                    let x =
                        drive * (2.0 * std::f64::consts::PI * 40.0 * i as f64 / rate as f64).sin();
                    (x * 32767.0).round().clamp(-32768.0, 32767.0) as i16
                })
                .collect()
        };
        let touching = analyse_16_bit(rate, &wave(1.0));
        assert!(
            !touching.notices.iter().any(|n| n.starts_with("Clipped")),
            "{rate} Hz: {:?}",
            touching.notices
        );
        // Driven 1 dB into full scale: flat for about 1.3 ms on each of its 160 half cycles.
        let clipped = analyse_16_bit(rate, &wave(1.122));
        let note = clipped
            .notices
            .iter()
            .find(|n| n.starts_with("Clipped: 160 flat tops"))
            .unwrap_or_else(|| panic!("{rate} Hz: {:?}", clipped.notices));
        assert!(note.contains("the first at 0:00.0"), "{note}");
    }
}
