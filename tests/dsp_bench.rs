//! Cost of the chain with every stage on: `cargo test --release --test dsp_bench -- --ignored --nocapture`.

use lathe::dsp::{Bell, Chain, ChainParams};
use std::time::Instant;

#[test]
#[ignore]
fn cost_of_one_second_48k_stereo_in_512_frame_blocks() {
    let fs = 48_000.0;
    let mut c = Chain::new();
    c.prepare(fs, 512);
    let mut p = ChainParams {
        input_trim_db: 1.0,
        tilt_db: 2.0,
        low_shelf_gain_db: 2.0,
        high_shelf_gain_db: -1.0,
        match_amount: 1.0,
        width: 1.2,
        mono_bass_hz: 120.0,
        gain_db: 10.0,
        ..Default::default()
    };
    for (i, b) in p.bells.iter_mut().enumerate() {
        *b = Bell {
            enabled: true,
            freq_hz: 100.0 * 4f64.powi(i as i32),
            gain_db: 2.0,
            q: 1.0,
        };
    }
    c.set_params(&p);
    c.set_match_curve(
        &[2.0, -1.0, 1.0, 0.0, 2.0],
        &[50.0, 200.0, 1000.0, 4000.0, 12000.0],
    );
    let secs = 60;
    let mut s: u32 = 1;
    let mut l: Vec<f32> = (0..512)
        .map(|_| {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        })
        .collect();
    let mut r = l.clone();
    let blocks = secs * 48_000 / 512;
    let (mut a, mut b) = (l.clone(), r.clone());
    let t = Instant::now();
    for _ in 0..blocks {
        a.copy_from_slice(&l);
        b.copy_from_slice(&r);
        c.process(&mut a, &mut b);
    }
    l.copy_from_slice(&a);
    r.copy_from_slice(&b);
    assert!(l.iter().chain(&r).all(|x| x.is_finite()));
    let per_sec = t.elapsed().as_secs_f64() / secs as f64;
    eprintln!(
        "chain cost: {:.3} ms per second of 48 kHz stereo = {:.2} % of a core (GR max {:.1} dB)",
        per_sec * 1e3,
        per_sec * 100.0,
        c.gain_reduction().max_db
    );
}

#[test]
#[ignore]
fn cost_of_the_limiter_alone() {
    let fs = 48_000.0;
    let mut lim = lathe::dsp::limiter::Limiter::new(fs);
    let src: Vec<f32> = (0..512).map(|i| (i as f32 * 0.07).sin() * 1.5).collect();
    let (mut a, mut b) = (src.clone(), src.clone());
    let secs = 20;
    let t = Instant::now();
    for _ in 0..secs * 48_000 / 512 {
        a.copy_from_slice(&src);
        b.copy_from_slice(&src);
        lim.process(&mut a, &mut b);
    }
    let per_sec = t.elapsed().as_secs_f64() / secs as f64;
    eprintln!("limiter alone: {:.2} % of a core", per_sec * 100.0);
    assert!(a.iter().all(|x| x.is_finite()));
}
