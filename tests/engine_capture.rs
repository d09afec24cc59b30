//! The real cpal path, end to end: `lathe play` of a demo track through ALSA's default device,
//! which a test-only config (tests/fixtures/alsa/asoundrc-capture) turns into a raw file
//! (S16_LE, 48 kHz, stereo). What it wrote must be the exported track: same loudness within
//! 0.1 LU, correlation above 0.999 once aligned. And with no device, `lathe play` says so.

use lathe::media::AudioBuffer;
use lathe::project::Document;
use lathe::render::album::plan_album;
use lathe::render::track::{integrated_lufs, render_track};
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::AtomicBool;

const CAPTURE_RATE: u32 = 48_000;

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("projects/demo.json")
}

/// The export's float render (before any dither) of track `index` at `rate_hz`.
fn exported(index: usize, rate_hz: u32) -> AudioBuffer {
    let doc = Document::load(&demo()).unwrap();
    let cancel = AtomicBool::new(false);
    let plan = plan_album(&doc, &doc.project.settings, None, &cancel).unwrap();
    let job = plan.track_job(&doc, index, rate_hz);
    let decoded = lathe::media::decode_file(&plan.sources[index])
        .unwrap()
        .audio;
    let mut audio = render_track(&decoded, &job, &cancel).unwrap().audio;
    let gap = (job.gap_before_s * f64::from(rate_hz)).round() as usize;
    for ch in audio.channels.iter_mut() {
        ch.drain(..gap.min(ch.len()));
    }
    audio
}

/// Reads the raw capture from shortly before its first non-zero frame, at most `frames` frames.
/// The capture device is not clocked: it writes silence as fast as it can until playback starts,
/// so the leading silence can be long.
fn read_capture(path: &std::path::Path, frames: usize) -> AudioBuffer {
    const LEAD: usize = 4_800;
    let mut file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut lead: std::collections::VecDeque<[f32; 2]> = std::collections::VecDeque::new();
    let mut kept: Vec<[f32; 2]> = Vec::new();
    let mut frame = [0u8; 4];
    while kept.len() < frames && file.read_exact(&mut frame).is_ok() {
        let l = f32::from(i16::from_le_bytes([frame[0], frame[1]])) / 32768.0;
        let r = f32::from(i16::from_le_bytes([frame[2], frame[3]])) / 32768.0;
        if kept.is_empty() && l == 0.0 && r == 0.0 {
            lead.push_back([l, r]);
            if lead.len() > LEAD {
                lead.pop_front();
            }
            continue;
        }
        if kept.is_empty() {
            kept.extend(lead.drain(..));
        }
        kept.push([l, r]);
    }
    AudioBuffer {
        sample_rate_hz: CAPTURE_RATE,
        channels: [
            kept.iter().map(|f| f[0]).collect(),
            kept.iter().map(|f| f[1]).collect(),
        ],
    }
}

fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    ab / (aa * bb).sqrt().max(1e-30)
}

fn first_sound(x: &[f32]) -> usize {
    x.iter().position(|s| s.abs() > 1e-3).unwrap_or(0)
}

#[test]
fn lathe_play_through_cpal_writes_the_exported_track() {
    let dir = tempfile::tempdir().unwrap();
    let capture = dir.path().join("capture.raw");
    let config =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/alsa/asoundrc-capture");
    let output = Command::new(env!("CARGO_BIN_EXE_lathe"))
        .args(["play", demo().to_str().unwrap(), "--track", "1"])
        .env(
            "ALSA_CONFIG_PATH",
            format!("/usr/share/alsa/alsa.conf:{}", config.display()),
        )
        .env("ALSA_CAPTURE_FILE", &capture)
        .env("XDG_CACHE_HOME", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "lathe play failed: {stderr}");
    // "Preparing track 1 … at 48000 Hz…": the device rate the chain ran at.
    let rate: u32 = stderr
        .split(" at ")
        .nth(1)
        .and_then(|s| s.split(" Hz").next())
        .and_then(|s| s.trim().parse().ok())
        .expect("the device rate is printed");
    let mut expected = exported(0, rate);
    if rate != CAPTURE_RATE {
        // ALSA's plug converted the stream to the capture rate; compare at that rate.
        expected = lathe::media::resample(&expected, CAPTURE_RATE).unwrap();
    }
    let frames = expected.frames();
    let heard = read_capture(&capture, frames + 10 * CAPTURE_RATE as usize);
    let start = first_sound(&heard.channels[0]);
    let lead = first_sound(&expected.channels[0]);
    // Refine the alignment by correlation around the first sound.
    let (mut best, mut best_lag) = (f64::MIN, 0usize);
    for lag in start.saturating_sub(lead + 64)..=start.saturating_sub(lead) + 64 {
        if lag + frames > heard.frames() {
            break;
        }
        let c = correlation(
            &heard.channels[0][lag..lag + 48_000],
            &expected.channels[0][..48_000],
        );
        if c > best {
            (best, best_lag) = (c, lag);
        }
    }
    assert!(
        best_lag + frames <= heard.frames(),
        "the capture holds the whole track"
    );
    let aligned = AudioBuffer {
        sample_rate_hz: CAPTURE_RATE,
        channels: [
            heard.channels[0][best_lag..best_lag + frames].to_vec(),
            heard.channels[1][best_lag..best_lag + frames].to_vec(),
        ],
    };
    for c in 0..2 {
        let r = correlation(&aligned.channels[c], &expected.channels[c]);
        assert!(r > 0.999, "channel {c}: correlation {r}");
    }
    let (heard_lufs, exported_lufs) = (
        integrated_lufs(&aligned).unwrap(),
        integrated_lufs(&expected).unwrap(),
    );
    eprintln!("captured {heard_lufs:.2} LUFS, exported {exported_lufs:.2} LUFS at {rate} Hz");
    assert!((heard_lufs - exported_lufs).abs() <= 0.1);
}

#[test]
fn lathe_play_without_a_device_exits_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    // An ALSA configuration whose default device does not exist.
    let config = dir.path().join("asoundrc-none");
    std::fs::write(
        &config,
        "pcm.!default { type hw card 99 }\nctl.!default { type hw card 99 }\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_lathe"))
        .args(["play", demo().to_str().unwrap(), "--track", "2"])
        .env(
            "ALSA_CONFIG_PATH",
            format!("/usr/share/alsa/alsa.conf:{}", config.display()),
        )
        .env("XDG_CACHE_HOME", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no audio output"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
