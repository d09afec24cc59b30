//! The analysis cache and the parallel batch: hits, misses, invalidation, order,
//! cancellation and progress.
use lathe::analysis::{analyze_batch, AnalysisCache, AnalysisError, BatchProgress};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// A stereo 16-bit sine of `seconds` at `dbfs` peak; the level tells the files apart.
fn write_tone(path: &Path, seconds: f64, dbfs: f64) {
    let rate = 44100;
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let amp = 10f64.powf(dbfs / 20.0) * 32767.0;
    for i in 0..(seconds * rate as f64) as usize {
        let s = (amp * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / rate as f64).sin()) as i16;
        w.write_sample(s).unwrap();
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
}

fn never() -> AtomicBool {
    AtomicBool::new(false)
}

#[test]
fn cache_hits_and_invalidates_on_size_and_mtime() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AnalysisCache::at(&dir.path().join("cache"));
    let file = dir.path().join("a.wav");
    write_tone(&file, 1.0, -20.0);
    assert_eq!(cache.get(&file), None, "empty cache misses");

    let mut analysis = lathe::analysis::analyze_file(&file, &never()).unwrap();
    // Mark the stored copy so a hit is told apart from a fresh analysis.
    analysis.notices.push("from the cache".into());
    cache.put(&file, &analysis);
    let hit = cache.get(&file).expect("hit");
    // Every figure comes back to the last bit (serde_json's float_roundtrip): a band grid one
    // ulp off made a cached track "not on the album's grid" next to a freshly analysed one.
    assert_eq!(hit, analysis);
    assert_eq!(cache.get(&dir.path().join("missing.wav")), None);

    // Same size, new mtime: miss.
    let f = std::fs::File::options().write(true).open(&file).unwrap();
    f.set_modified(SystemTime::now() + Duration::from_secs(10))
        .unwrap();
    drop(f);
    assert_eq!(cache.get(&file), None, "mtime change invalidates");

    // Store again, then change the size but restore the mtime: miss.
    cache.put(&file, &analysis);
    assert!(cache.get(&file).is_some());
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    write_tone(&file, 1.5, -20.0);
    let f = std::fs::File::options().write(true).open(&file).unwrap();
    f.set_modified(mtime).unwrap();
    drop(f);
    assert_eq!(cache.get(&file), None, "size change invalidates");

    // A corrupt entry is a miss, not an error; no temporary files are left behind.
    cache.put(&file, &analysis);
    for e in std::fs::read_dir(&cache.dir).unwrap() {
        let p = e.unwrap().path();
        assert_eq!(
            p.extension().and_then(|x| x.to_str()),
            Some("json"),
            "{p:?}"
        );
        std::fs::write(&p, b"{not json").unwrap();
    }
    assert_eq!(cache.get(&file), None);
}

#[test]
fn unwritable_cache_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let cache = AnalysisCache::at(&blocker.join("sub")); // a folder under a file: cannot exist
    let wav = dir.path().join("a.wav");
    write_tone(&wav, 0.5, -20.0);
    let a = lathe::analysis::analyze_file(&wav, &never()).unwrap();
    cache.put(&wav, &a);
    assert_eq!(cache.get(&wav), None);
}

#[test]
fn user_default_follows_xdg() {
    // Only reads the environment; the variable is set for this process alone.
    std::env::set_var("XDG_CACHE_HOME", "/tmp/lathe-xdg-test");
    assert_eq!(
        AnalysisCache::user_default().dir,
        PathBuf::from("/tmp/lathe-xdg-test/lathe/analysis")
    );
}

fn levels_of(results: &[Result<lathe::analysis::TrackAnalysis, AnalysisError>]) -> Vec<f64> {
    results
        .iter()
        .map(|r| r.as_ref().unwrap().loudness.sample_peak_dbfs.unwrap())
        .collect()
}

#[test]
fn batch_keeps_order_fills_the_cache_and_reaches_full_progress() {
    let dir = tempfile::tempdir().unwrap();
    let levels = [-10.0, -25.0, -15.0, -30.0, -20.0];
    let paths: Vec<PathBuf> = levels
        .iter()
        .enumerate()
        .map(|(i, &db)| {
            let p = dir.path().join(format!("{i}.wav"));
            write_tone(&p, 1.0 + i as f64 * 0.5, db);
            p
        })
        .collect();
    let mut with_missing = paths.clone();
    with_missing.insert(2, dir.path().join("missing.wav"));
    let cache = AnalysisCache::at(&dir.path().join("cache"));
    let reports = Mutex::new(Vec::<BatchProgress>::new());
    let results = analyze_batch(
        &with_missing,
        Some(&cache),
        &|p| reports.lock().unwrap().push(p),
        &never(),
    );
    assert_eq!(results.len(), 6);
    assert!(matches!(results[2], Err(AnalysisError::Media(_))));
    let found: Vec<_> = results
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, r)| r)
        .collect();
    for (got, want) in levels_of(&found).iter().zip(levels) {
        assert!((got - want).abs() < 0.01, "order: {got} vs {want}");
    }
    let reports = reports.into_inner().unwrap();
    let last = reports.last().unwrap();
    assert_eq!((last.done, last.total, last.fraction), (6, 6, 1.0));
    assert!(reports.iter().all(|p| (0.0..=1.0).contains(&p.fraction)));
    assert!(
        reports.iter().any(|p| p.fraction > 0.0 && p.done == 0),
        "partial progress within files"
    );

    // Second run: every file comes from the cache (marked entries prove it).
    for p in &paths {
        let mut a = cache.get(p).expect("cached by the batch");
        a.notices.push("cached".into());
        cache.put(p, &a);
    }
    let again = analyze_batch(&paths, Some(&cache), &|_| {}, &never());
    assert!(again
        .iter()
        .all(|r| r.as_ref().unwrap().notices.iter().any(|n| n == "cached")));
}

#[test]
fn cancellation_stops_the_batch_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..4)
        .map(|i| {
            let p = dir.path().join(format!("{i}.wav"));
            write_tone(&p, 60.0, -20.0);
            p
        })
        .collect();
    let cancel = AtomicBool::new(false);
    let cancelled_at = Mutex::new(None::<Instant>);
    let progress = |p: BatchProgress| {
        if p.fraction > 0.05 && !cancel.swap(true, Ordering::Relaxed) {
            *cancelled_at.lock().unwrap() = Some(Instant::now());
        }
    };
    let results = analyze_batch(&paths, None, &progress, &cancel);
    let latency = cancelled_at
        .lock()
        .unwrap()
        .expect("cancel was set")
        .elapsed();
    assert!(
        latency < Duration::from_millis(500),
        "took {latency:?} to stop"
    );
    assert!(results
        .iter()
        .all(|r| matches!(r, Err(AnalysisError::Cancelled))));

    // Cancelled before the start: nothing is analysed.
    let t = Instant::now();
    let results = analyze_batch(&paths, None, &|_| {}, &AtomicBool::new(true));
    assert!(results
        .iter()
        .all(|r| matches!(r, Err(AnalysisError::Cancelled))));
    assert!(t.elapsed() < Duration::from_millis(100));
    assert!(analyze_batch(&[], None, &|_| {}, &never()).is_empty());
}
