//! The chain's real-time entry points allocate nothing (checked by `assert_no_alloc` in debug builds).

use assert_no_alloc::*;
use lathe::dsp::{Bell, Chain, ChainParams, MatchKernel};

#[cfg(debug_assertions)]
#[global_allocator]
static A: AllocDisabler = AllocDisabler;

#[test]
fn process_set_params_and_swap_do_not_allocate() {
    let fs = 48_000.0;
    let mut chain = Chain::new();
    chain.prepare(fs, 1024);
    let mut p = ChainParams {
        tilt_db: 2.0,
        low_shelf_gain_db: 3.0,
        high_shelf_gain_db: -2.0,
        match_amount: 1.0,
        width: 1.4,
        mono_bass_hz: 100.0,
        gain_db: 12.0,
        ..Default::default()
    };
    p.bells[0] = Bell {
        enabled: true,
        freq_hz: 300.0,
        gain_db: 4.0,
        q: 2.0,
    };
    let kernel = MatchKernel::design(&[2.0, -1.0, 3.0], &[100.0, 1000.0, 8000.0], fs);
    let mut kernel2 = Some(MatchKernel::design(
        &[-2.0, 1.0, 0.0],
        &[100.0, 1000.0, 8000.0],
        fs,
    ));
    let mut l: Vec<f32> = (0..1024).map(|i| ((i as f32) * 0.05).sin() * 0.9).collect();
    let mut r = l.clone();
    let mut returned = Vec::with_capacity(4);
    assert_no_alloc(|| {
        chain.set_params(&p);
        returned.push(chain.swap_match_kernel(kernel).ok());
        // Several hops so the FFT path, crossfades and limiter all run.
        for i in 0..40 {
            if let Some(k) = kernel2.take_if(|_| i == 20) {
                returned.push(chain.swap_match_kernel(k).ok());
                p.gain_db = 6.0;
                p.bells[0].enabled = false;
                chain.set_params(&p);
            }
            let n = 1 + (i * 97) % 1024;
            chain.process(&mut l[..n], &mut r[..n]);
        }
        let _ = chain.gain_reduction();
        let _ = chain.latency_frames();
        chain.reset();
        chain.process(&mut l, &mut r);
    });
    assert!(chain.gain_reduction().max_db >= 0.0);
    // The old kernels come back to be dropped here, off the audio thread.
    assert_eq!(returned.len(), 2);
}
