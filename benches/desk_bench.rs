//! `cargo bench --bench desk_bench` — frame time of the desk for a 16-track album while playing:
//! building the widget tree (`App::view`), layout, and drawing + rasterising it with iced's
//! tiny-skia software renderer (the renderer this 2-core, GPU-less machine falls back to).
//!
//! The whole window is drawn and rasterised every frame (a running window redraws only what
//! changed, so this is an upper bound).
//! No corpus needed: the album is the hand-built demo analysis, 16 tracks.

use iced::{mouse, Font, Pixels, Size};
use iced_test::core::renderer::Headless;
use iced_test::runtime::{user_interface, UserInterface};
use lathe::engine::{Engine, Meters, Monitor, PlayPosition};
use lathe::ui::{demo, AnalysisEvent, App, Message};
use std::sync::Arc;
use std::time::{Duration, Instant};

const FRAMES: usize = 40;
const SIZE: (f32, f32) = (1280.0, 800.0);

fn main() {
    std::env::set_var("ICED_TEST_BACKEND", "tiny-skia");
    let dir = tempfile::tempdir().expect("temp dir");
    let (document, outcome) = demo::large_album(dir.path(), 16).expect("demo album");
    let mut app = App::new(document, Engine::disabled("bench"));
    let _ = app.start_analysis();
    let generation = app.analysis_generation();
    let event = AnalysisEvent::Finished(Arc::new(outcome));
    let _ = app.update(Message::Analysis { generation, event });
    let theme = app.theme();

    // One renderer and one layout cache for all frames, as in a running window (warm glyph
    // caches); the pixels are rasterised at scale 1, the real window's size.
    let mut renderer: iced::Renderer =
        iced::futures::executor::block_on(<iced::Renderer as Headless>::new(
            Font::with_name("Fira Sans"),
            Pixels(16.0),
            Some("tiny-skia"),
        ))
        .expect("tiny-skia renderer");
    let mut cache = user_interface::Cache::default();
    let size = Size::new(SIZE.0, SIZE.1);
    let style = iced_test::core::renderer::Style {
        text_color: theme.palette().text,
    };
    let background = theme.palette().background;
    let (mut view, mut layout, mut raster) = (Vec::new(), Vec::new(), Vec::new());
    for frame in 0..FRAMES + 5 {
        // Playing: the playhead and the meters move every frame.
        let seconds = 30.0 + frame as f64 / 30.0;
        app.pose_playing(
            PlayPosition {
                segment: 0,
                key: Some(101),
                position_s: seconds,
                duration_s: 193.0,
                playing: true,
                waiting: false,
                monitor: Monitor::Mastered,
            },
            meters(frame),
        );
        let t0 = Instant::now();
        let element = app.view();
        let t1 = Instant::now();
        let mut ui = UserInterface::build(element, size, cache, &mut renderer);
        let t2 = Instant::now();
        ui.draw(&mut renderer, &theme, &style, mouse::Cursor::Unavailable);
        let pixels = renderer.screenshot(Size::new(SIZE.0 as u32, SIZE.1 as u32), 1.0, background);
        let t3 = Instant::now();
        assert_eq!(pixels.len(), 1280 * 800 * 4);
        cache = ui.into_cache();
        if frame >= 5 {
            // The first frames warm the glyph and geometry caches.
            view.push(t1 - t0);
            layout.push(t2 - t1);
            raster.push(t3 - t2);
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (v, l, r) = (
        ms(median(&mut view)),
        ms(median(&mut layout)),
        ms(median(&mut raster)),
    );
    println!("== desk frame, 16-track album, playing, 1280×800 at scale 1, tiny-skia, median of {FRAMES} frames");
    println!("view (widget tree)     {v:7.2} ms");
    println!("layout                 {l:7.2} ms");
    println!("draw + rasterise       {r:7.2} ms   (whole window, every frame)");
    println!(
        "frame                  {:7.2} ms   → {:.0} fps; aim 8 ms (60 fps with room)",
        v + l + r,
        1e3 / (v + l + r)
    );
}

fn meters(frame: usize) -> Meters {
    let bands: Vec<f64> = (0..61).map(|k| 20.0 * 2f64.powf(k as f64 / 6.0)).collect();
    let wobble = (frame as f64 * 0.3).sin();
    Meters {
        momentary_lufs: Some(-13.0 + wobble),
        short_term_lufs: Some(-13.8 + wobble * 0.3),
        true_peak_dbtp: Some(-1.2),
        gain_reduction_db: 1.5 + wobble,
        spectrum_db: bands
            .iter()
            .map(|f| -20.0 - 3.0 * (f / 1000.0).log2() + wobble)
            .collect(),
        bands_hz: bands,
        ..Meters::default()
    }
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}
