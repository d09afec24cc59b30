//! "As on …" playback at update level, through the null backend: a platform's normalisation is
//! heard at the platform's loudness, the original follows it, and a live edit keeps it there.
use super::app::{Message, Shortcut};
use super::tests::null_engine;
use super::tests_playback::{integrated_lufs, play_until, real_album_with};
use super::transport;
use crate::assist::Platform;
use crate::engine::Monitor;

#[test]
fn as_on_spotify_a_master_planned_at_minus_9_is_heard_at_minus_14_and_the_original_follows() {
    let (engine, mut backend) = null_engine();
    let (mut app, _dir) = real_album_with(engine, |project| {
        project.settings.target_lufs = -9.0;
    });
    assert!((app.figures()[0].mastered_lufs.unwrap() - -9.0).abs() < 1e-9);
    let _ = app.update(Message::Shortcut(Shortcut::PlayPause));
    play_until(&mut app, &mut backend, |app| {
        app.position().playing && !app.position().waiting
    });
    backend.render(4_800);
    let exported = integrated_lufs(&backend.render(48_000));
    assert!((exported - -9.0).abs() < 0.2, "as exported {exported:.2}");

    let spotify = Message::Transport(transport::Message::PlayAs(Some(Platform::Spotify)));
    let _ = app.update(spotify);
    let (gain_db, words) = app
        .platform_gain()
        .expect("the transport says what it does");
    assert!((gain_db - -5.0).abs() < 0.1, "{words}");
    assert!(words.contains("turned down"), "{words}");
    backend.render(4_800);
    let heard = integrated_lufs(&backend.render(48_000));
    assert!(
        (heard - -14.0).abs() <= 0.1,
        "as on Spotify {heard:.2} LUFS"
    );

    let _ = app.update(Message::Shortcut(Shortcut::ToggleOriginal));
    assert_eq!(app.monitor(), Monitor::Original);
    backend.render(4_800);
    let original = integrated_lufs(&backend.render(48_000));
    assert!((original - heard).abs() <= 0.2, "original {original:.2}");

    // A fresh program loads through the provider: still as on Spotify.
    let _ = app.update(Message::Shortcut(Shortcut::ToggleOriginal));
    let _ = app.update(Message::Transport(transport::Message::Stop));
    // The audio thread takes the stop before Space (no tick in between: the desk must not still
    // believe it plays, or Space would pause).
    backend.render(480);
    let _ = app.update(Message::Transport(transport::Message::PlayAs(None)));
    let _ = app.update(Message::Transport(transport::Message::PlayAs(Some(
        Platform::Youtube,
    ))));
    let _ = app.update(Message::Shortcut(Shortcut::PlayPause));
    play_until(&mut app, &mut backend, |app| {
        app.position().playing && !app.position().waiting
    });
    backend.render(4_800);
    let youtube = integrated_lufs(&backend.render(48_000));
    assert!((youtube - -14.0).abs() <= 0.1, "as on YouTube {youtube:.2}");
    let _ = app.update(Message::Transport(transport::Message::PlayAs(None)));
    backend.render(4_800);
    let off = integrated_lufs(&backend.render(48_000));
    assert!((off - -9.0).abs() <= 0.2, "as exported again {off:.2}");
}

#[test]
fn a_live_edit_of_the_target_keeps_playing_at_the_platforms_loudness() {
    let (engine, mut backend) = null_engine();
    let (mut app, _dir) = real_album_with(engine, |project| {
        project.settings.target_lufs = -9.0;
    });
    let spotify = Message::Transport(transport::Message::PlayAs(Some(Platform::Spotify)));
    let _ = app.update(spotify);
    let _ = app.update(Message::Shortcut(Shortcut::PlayPause));
    play_until(&mut app, &mut backend, |app| {
        app.position().playing && !app.position().waiting
    });
    backend.render(4_800);
    let before = integrated_lufs(&backend.render(48_000));
    assert!((before - -14.0).abs() <= 0.1, "{before:.2}");
    // Mastered 2 dB quieter: Spotify turns it down 2 dB less, so it is heard as before.
    let mut settings = app.document().unwrap().project.settings.clone();
    settings.target_lufs = -11.0;
    let _ = app.apply_edit(crate::ui::edit::Edit::Album(settings));
    let (gain_db, words) = app.platform_gain().unwrap();
    assert!((gain_db - -3.0).abs() < 0.1, "{words}");
    backend.render(9_600); // the chain's gain glide
    let after = integrated_lufs(&backend.render(48_000));
    assert!((after - -14.0).abs() <= 0.15, "after the edit {after:.2}");
}
