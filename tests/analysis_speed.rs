//! Timing of a full analysis, to compare with `ffmpeg -af ebur128=peak=true` on the same file.
//!
//! Ignored by default (it needs a long file and a release build):
//! `LATHE_BENCH_FILE=/tmp/five_min.wav cargo test --release --test analysis_speed -- --ignored --nocapture`
use lathe::analysis::loudness::LoudnessMeter;
use lathe::analysis::spectrum::SpectrumAnalyzer;
use lathe::analysis::true_peak::TruePeakMeter;
use lathe::analysis::{analyze_audio, analyze_file};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

#[test]
#[ignore = "timing: set LATHE_BENCH_FILE and run in release"]
fn time_full_analysis() {
    let path = std::env::var_os("LATHE_BENCH_FILE").expect("LATHE_BENCH_FILE");
    let path = std::path::Path::new(&path);
    let t = Instant::now();
    let decoded = lathe::media::decode_file(path).unwrap();
    let decode_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let a = analyze_audio(&decoded.audio, decoded.source_channels);
    let analyse_s = t.elapsed().as_secs_f64();
    // The two halves of the pass, timed alone.
    let [l, r] = &decoded.audio.channels;
    let rate = decoded.audio.sample_rate_hz;
    let t = Instant::now();
    let mut meter = LoudnessMeter::new(rate).unwrap();
    let chunk = LoudnessMeter::chunk_frames(rate);
    for (cl, cr) in l.chunks(chunk).zip(r.chunks(chunk)) {
        meter.push(cl, cr);
    }
    let _ = meter.finish(0.0);
    let loudness_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut tp = TruePeakMeter::new(rate);
    for (cl, cr) in l.chunks(chunk).zip(r.chunks(chunk)) {
        tp.push(cl, cr);
    }
    let true_peak_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let _ = SpectrumAnalyzer::new(rate).finish(l, r, a.loudness.integrated_lufs);
    let spectrum_s = t.elapsed().as_secs_f64();
    println!("alone: loudness {loudness_s:.3} s, true peak {true_peak_s:.3} s, spectrum {spectrum_s:.3} s");
    let t = Instant::now();
    let _ = analyze_file(path, &AtomicBool::new(false)).unwrap();
    let total_s = t.elapsed().as_secs_f64();
    println!(
        "{:.1} s of audio: decode {decode_s:.3} s, analyse {analyse_s:.3} s ({:.0}x real time), \
         analyze_file {total_s:.3} s; I = {:?} LUFS, LRA = {:.1} LU, TP = {:?} dBTP",
        a.duration_s,
        a.duration_s / analyse_s,
        a.loudness.integrated_lufs,
        a.loudness.lra_lu,
        a.loudness.true_peak_dbtp
    );
}
