//! The curves against the chain, the readout, caching, hovering, the snapshot and draw time.

use super::*;

#[test]
fn processed_is_the_original_plus_the_chains_response_at_each_band() {
    let input = input();
    let model = Model::new(&input);
    let params = crate::render::params::tone_params(&input.tone);
    let target = match_target(
        MatchTarget::Blend,
        0.5,
        &input.album,
        input.references.as_ref(),
    );
    let curve = match_curve_db(&input.analysis, &target, input.tone.match_eq.max_db);
    let bands = &input.analysis.spectrum.bands_hz;
    // The match stage as its FIR applies the curve: the curve itself wherever it is smooth.
    let realised = crate::dsp::MatchKernel::design(&curve, bands, 48_000.0).realised_db(bands);
    let mut largest_match: f64 = 0.0;
    for (b, &f) in bands.iter().enumerate() {
        if (300.0..12_000.0).contains(&f) {
            assert!((realised[b] - curve[b]).abs() < 0.1, "{f} Hz");
        }
        let tone_db = params.tone_response_db(f, 48_000.0);
        let match_db = params.match_response_db(realised[b]);
        largest_match = largest_match.max(match_db.abs());
        let expected = input.analysis.spectrum.mid_db[b] + tone_db + match_db;
        assert!((model.mid.processed[b] - expected).abs() < 1e-9, "{f} Hz");
        let side = input.analysis.spectrum.side_db[b] + tone_db + match_db;
        assert!((model.side.processed[b] - side).abs() < 1e-9, "side {f} Hz");
    }
    assert!(
        largest_match > 0.1,
        "the match stage takes part: {largest_match} dB"
    );
    // The strip's dense curve is the same response between bands.
    let i = model.dense_hz.len() / 3;
    let f = model.dense_hz[i];
    let tone_db = params.tone_response_db(f, 48_000.0);
    assert!((model.dense_db[i] - model.dense_match_db[i] - tone_db).abs() < 1e-9);
    // The mid target is the blend; the side target blends the sides alike.
    let t = model.mid.target.as_ref().unwrap();
    assert!((t[20] - target.mid_db[20]).abs() < 1e-12);
    let side_t = model.side.target.as_ref().unwrap();
    let refs = input.references.as_ref().unwrap();
    assert!((side_t[20] - 0.5 * (input.album.side_db[20] + refs.side_db[20])).abs() < 1e-9);
}

#[test]
fn a_stored_curve_is_drawn_in_place_of_the_measured_one_at_its_amount() {
    let mut input = input();
    // A stored curve: +3 dB at 50 Hz falling to −2 dB at 5 kHz, held beyond its ends.
    input.tone.match_eq.amount = 0.5;
    input.tone.match_eq.curve = vec![
        crate::project::CurvePoint {
            freq_hz: 50.0,
            gain_db: 3.0,
        },
        crate::project::CurvePoint {
            freq_hz: 5000.0,
            gain_db: -2.0,
        },
    ];
    let model = Model::new(&input);
    let params = crate::render::params::tone_params(&input.tone);
    let bands = &input.analysis.spectrum.bands_hz;
    let stored: Vec<f64> = bands
        .iter()
        .map(|&f| {
            if f <= 50.0 {
                3.0
            } else if f >= 5000.0 {
                -2.0
            } else {
                3.0 - 5.0 * (f / 50.0).log2() / 100f64.log2()
            }
        })
        .collect();
    // As the FIR designed from the stored points applies them: the points themselves along the
    // ramp, not the measured curve.
    let realised = crate::dsp::MatchKernel::design(&stored, bands, 48_000.0).realised_db(bands);
    for (b, &f) in bands.iter().enumerate() {
        if (100.0..4000.0).contains(&f) {
            assert!((realised[b] - stored[b]).abs() < 0.1, "{f} Hz");
        }
        let expected = input.analysis.spectrum.mid_db[b]
            + params.tone_response_db(f, 48_000.0)
            + params.match_response_db(realised[b]);
        assert!(
            (model.mid.processed[b] - expected).abs() < 1e-9,
            "{f} Hz: {} vs {expected}",
            model.mid.processed[b]
        );
    }
}

#[test]
fn the_readout_reads_every_curve_at_the_frequency_under_the_cursor() {
    let mut view = view();
    let input = input();
    let bands = &input.analysis.spectrum.bands_hz;
    let b = bands.iter().position(|&f| f > 990.0).unwrap();
    let f = bands[b];
    view.set_live(Some(vec![-30.0; bands.len()]));
    // The cursor over that band, as the canvas maps it.
    let x = layout().strip_scale().x(f);
    let freq_hz = layout().strip_scale().freq_hz(x);
    let readings = view.readout(freq_hz);
    let value = |name: &str| {
        readings
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name} in {readings:?}"))
            .level_db
    };
    let model = Model::new(&input);
    assert!((value("Mix") - input.analysis.spectrum.mid_db[b]).abs() < 1e-3);
    assert!((value("Master") - model.mid.processed[b]).abs() < 1e-3);
    assert!((value("Album average") - input.album.mid_db[b]).abs() < 1e-3);
    let refs = input.references.as_ref().unwrap();
    assert!((value("References") - refs.mid_db[b]).abs() < 1e-3);
    assert!((value("Match target") - model.mid.target.as_ref().unwrap()[b]).abs() < 1e-3);
    assert!((value("Live") + 30.0).abs() < 1e-9);
    assert!(
        (value("EQ") - model.response_db[b]).abs() < 0.05,
        "{}",
        value("EQ")
    );
    let deviation = model.mid.processed[b] - model.mid.target.as_ref().unwrap()[b];
    assert!((value("Deviation") - deviation).abs() < 1e-3);
    assert!(
        deviation.abs() > 0.1,
        "a real difference is read: {deviation}"
    );

    // Between two bands: linear in log frequency.
    let mid = (bands[b] * bands[b + 1]).sqrt();
    let half = 0.5 * (input.analysis.spectrum.mid_db[b] + input.analysis.spectrum.mid_db[b + 1]);
    let original = view
        .readout(mid)
        .into_iter()
        .find(|r| r.name == "Mix")
        .unwrap();
    assert!((original.level_db - half).abs() < 1e-9);

    // The side toggle reads the side curves.
    assert_eq!(view.update(Message::ShowSide(true)), Action::None);
    assert!(view.shows_side());
    let side = view.readout(f);
    let original = side.iter().find(|r| r.name == "Mix").unwrap();
    assert!((original.level_db - input.analysis.spectrum.side_db[b]).abs() < 1e-9);
    assert!(
        side.iter().all(|r| r.name != "Live"),
        "the live spectrum is the mid's: not read over the side"
    );
    // A note has nothing to read.
    view.set_note("Analysing…");
    assert!(view.readout(f).is_empty());
}

#[test]
fn caches_are_kept_when_the_same_input_is_set_again() {
    let mut view = ToneView::default();
    view.set(input());
    let r = view.revision;
    view.set(input());
    assert_eq!(view.revision, r, "same input: caches kept");
    view.set_live(Some(vec![-20.0; 61]));
    assert_eq!(view.revision, r, "the live spectrum has its own layer");
    // An edit is adopted at once, so the app's following `set` of the same settings is free.
    let tone = tone_of(view.update(Message::Reset(Handle::LowShelf)));
    assert_eq!(view.revision, r + 1);
    let mut after = input();
    after.tone = tone;
    view.set(after);
    assert_eq!(view.revision, r + 1);
    view.update(Message::ShowSide(false));
    assert_eq!(view.revision, r + 1, "already showing mid");
    view.update(Message::ShowSide(true));
    assert_eq!(view.revision, r + 2);
    view.set_note("Select a track…");
    view.set_note("Select a track…");
    assert_eq!(view.revision, r + 3);
    assert_eq!(
        view.update(Message::Reset(Handle::Tilt)),
        Action::None,
        "no track, no edit"
    );
    view.set(input());
    assert_eq!(view.revision, r + 4);
}

#[test]
fn hovering_requests_a_redraw_and_leaving_clears_it_once() {
    let view = view();
    let mut state = Pointer::default();
    let inside = layout().plot.center();
    let cursor = |p: Point| Cursor::Available(Point::new(p.x + BOUNDS.x, p.y + BOUNDS.y));
    let moved = |p: Point| {
        Event::Mouse(mouse::Event::CursorMoved {
            position: Point::new(p.x + BOUNDS.x, p.y + BOUNDS.y),
        })
    };
    let redraws = |state: &mut Pointer, p: Point| {
        iced_canvas::Program::update(&view, state, &moved(p), BOUNDS, cursor(p)).is_some()
    };
    assert!(redraws(&mut state, inside));
    let outside = Point::new(-50.0, -50.0);
    assert!(
        redraws(&mut state, outside),
        "one redraw to clear the crosshair"
    );
    assert!(!redraws(&mut state, outside), "then none while outside");
    // Leaving the window from over the plot: no move is reported elsewhere, so the leave itself
    // clears the crosshair, once.
    assert!(redraws(&mut state, inside));
    let left = Event::Mouse(mouse::Event::CursorLeft);
    let leave = |state: &mut Pointer| {
        iced_canvas::Program::update(&view, state, &left, BOUNDS, Cursor::Unavailable).is_some()
    };
    assert!(leave(&mut state), "the crosshair is cleared");
    assert!(!leave(&mut state), "once");
}

/// Renders the panel alone at 760×420 (its share of a 1280×800 window) with the demo track,
/// its album and references, a few EQ moves and a live spectrum, on tiny-skia.
#[test]
fn tone_view_snapshot() {
    use iced::{Font, Settings};
    use iced_test::simulator::Simulator;
    let mut view = view();
    view.set_live(Some(live_spectrum(0)));
    std::env::set_var("ICED_TEST_BACKEND", "tiny-skia");
    let settings = Settings {
        default_font: Font::with_name("Fira Sans"),
        ..Settings::default()
    };
    let mut ui = Simulator::with_size(settings, (760.0, 420.0), view.view());
    ui.find("Mid").expect("the Mid/Side toggle");
    ui.find(demo::TITLES[0]).expect("the track's title");
    let snapshot = ui.snapshot(&crate::ui::theme()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/tone_view");
    assert!(
        snapshot.matches_image(path).unwrap(),
        "tone view differs from {path}-tiny-skia.png"
    );
}

/// A plausible live spectrum (a short-term snapshot wobbles around the long-term curve);
/// `frame` shifts the wobble so successive frames differ.
fn live_spectrum(frame: u32) -> Vec<f64> {
    let input = input();
    let spectrum = &input.analysis.spectrum;
    spectrum
        .mid_db
        .iter()
        .enumerate()
        .map(|(i, m)| m - 3.0 + 3.5 * ((i as f64 + f64::from(frame)) * 1.7).sin())
        .collect()
}

/// Prints how long the canvas takes at 760×420 on tiny-skia, per frame: the panel's update
/// (`set`/`update`: the model), building the layers' geometry (`Program::draw`) and
/// rasterising them into a pixmap, in four situations: the first draw after a new input,
/// a handle being dragged (an edit per frame: model recomputed, every layer rebuilt),
/// playing (only the live layer rebuilt) and hovering (only the overlay). Rasterising is of
/// the whole canvas (a window's damage tracking redraws less); "nothing" is the cost of
/// clearing and reading back the pixmap alone. Figures are this thread's CPU time per frame
/// (averaged over 100 frames), so other work on the machine disturbs them less.
#[test]
#[ignore = "prints timings: cargo test --lib draw_time -- --ignored --nocapture"]
fn draw_time_at_760_by_420_on_tiny_skia() {
    use iced::widget::canvas::Program;
    use iced::{Font, Pixels, Size};
    use iced_test::core::renderer::Headless;
    use iced_test::core::Renderer as _;
    use iced_test::renderer::geometry::Renderer as _;
    use std::time::Instant;

    let mut renderer =
        iced_test::futures::futures::executor::block_on(<iced::Renderer as Headless>::new(
            Font::with_name("Fira Sans"),
            Pixels(16.0),
            Some("tiny-skia"),
        ))
        .expect("a tiny-skia renderer");
    let size = Size::new(760.0, 420.0);
    let bounds = Rectangle::new(Point::ORIGIN, size);
    let hover = Cursor::Available(Layout::new(size).plot.center());
    let theme = crate::ui::theme();
    let state = Pointer::default();
    let frames = 100;
    let mean = |ms: Vec<f64>| format!("{:6.2}", ms.iter().sum::<f64>() / ms.len() as f64);
    // CPU time of this thread (Linux schedstat, ns), so four other builds sharing the two
    // cores do not count; wall-clock time elsewhere.
    let cpu_ms = || -> f64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
            .map_or_else(
                || START.with(|t| t.elapsed().as_secs_f64() * 1e3),
                |ns| ns / 1e6,
            )
    };
    thread_local!(static START: Instant = Instant::now());
    let elapsed = |since: f64| cpu_ms() - since;
    // `layers`: which of grid, live, curves, overlay to rasterise (all for a real frame).
    let mut measure =
        |name: &str, view: &mut ToneView, layers: &[usize], step: &dyn Fn(&mut ToneView, u32)| {
            let (mut update, mut geometry, mut raster) = (Vec::new(), Vec::new(), Vec::new());
            for i in 0..frames {
                let t = cpu_ms();
                step(view, i);
                update.push(elapsed(t));
                let t = cpu_ms();
                let drawn = <ToneView as Program<Message>>::draw(
                    view, &state, &renderer, &theme, bounds, hover,
                );
                geometry.push(elapsed(t));
                let t = cpu_ms();
                renderer.reset(bounds);
                for (k, layer) in drawn.into_iter().enumerate() {
                    if layers.contains(&k) {
                        renderer.draw_geometry(layer);
                    }
                }
                let _ = renderer.screenshot(iced::Size::new(760, 420), 1.0, theme::BACKGROUND);
                raster.push(elapsed(t));
            }
            println!(
                "{name:<34} update {}   geometry {}   rasterise {}   (CPU ms per frame)",
                mean(update),
                mean(geometry),
                mean(raster)
            );
        };
    let mut view = view();
    view.set_live(Some(live_spectrum(0)));
    let all = [0, 1, 2, 3];
    measure("new input (uncached)", &mut view, &all, &|view, i| {
        let mut input = input();
        input.tone.tilt_db = f64::from(i % 7) * 0.1;
        view.set(input);
    });
    measure(
        "dragging a bell (edit per frame)",
        &mut view,
        &all,
        &|view, i| {
            let _ = view.update(Message::DragTo {
                handle: Handle::Bell(1),
                freq_hz: 2_000.0 + 10.0 * f64::from(i),
                gain_db: 2.0,
            });
        },
    );
    measure(
        "playing (live layer per frame)",
        &mut view,
        &all,
        &|view, i| {
            view.set_live(Some(live_spectrum(i + 1)));
        },
    );
    measure("hovering (overlay only)", &mut view, &all, &|_, _| {});
    for (name, layers) in [
        ("  nothing", &[][..]),
        ("  grid, labels, legend", &[0]),
        ("  live spectrum", &[1]),
        ("  curves and strip", &[2]),
        ("  hover overlay", &[3]),
    ] {
        measure(name, &mut view, layers, &|_, _| {});
    }
}

#[test]
fn a_corridor_is_drawn_at_the_tracks_level_with_its_width_on_mid_only() {
    let mut input = input();
    let bands = input.analysis.spectrum.bands_hz.clone();
    // A corridor at an arbitrary level: 40 dB above the track, ±3 dB wide, sloping.
    let middle: Vec<f64> = bands
        .iter()
        .map(|f| 40.0 - 3.0 * (f / 1000.0).log2())
        .collect();
    let lower: Vec<f64> = middle.iter().map(|m| m - 3.0).collect();
    let upper: Vec<f64> = middle.iter().map(|m| m + 3.0).collect();
    input.corridor = Some((lower.clone(), upper.clone()));
    let model = Model::new(&input);
    let (lo, hi) = model.mid.corridor.clone().expect("mid has the corridor");
    assert!(
        model.side.corridor.is_none(),
        "the corridor is of mid spectra"
    );
    let fitted: Vec<usize> = (0..bands.len())
        .filter(|&i| (40.0..=16_000.0).contains(&bands[i]))
        .collect();
    let mean =
        |v: &dyn Fn(usize) -> f64| fitted.iter().map(|&i| v(i)).sum::<f64>() / fitted.len() as f64;
    let track = &input.analysis.spectrum.mid_db;
    let offset = mean(&|i| 0.5 * (lo[i] + hi[i])) - mean(&|i| track[i]);
    assert!(
        offset.abs() < 1e-9,
        "its middle sits at the track's level: {offset}"
    );
    for i in 0..bands.len() {
        assert!((hi[i] - lo[i] - 6.0).abs() < 1e-9, "width kept");
        assert!(
            ((hi[i] - upper[i]) - (hi[0] - upper[0])).abs() < 1e-9,
            "shape kept"
        );
    }
    // The level axis reaches the corridor's top (its bottom may fall below the axis' span).
    let (_, db_max, _) = model.mid.range;
    assert!(fitted.iter().all(|&i| hi[i] <= db_max), "{db_max}");
    // Without one, nothing.
    assert!(Model::new(&super::input()).mid.corridor.is_none());
}
