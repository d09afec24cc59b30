//! The album panel's widgets through iced_test's simulator: clicks, a double click, typing,
//! a simulated drag, and two tiny-skia snapshots (tests/snapshots/album_panel-tiny-skia.png
//! and album_overview-tiny-skia.png; delete one to re-record it).

use super::list::ROW_H;
use super::tests::{figures, id, project};
use super::*;
use crate::ui::demo;
use iced::{Font, Point, Settings};
use iced_test::Simulator;

const PANEL: (f32, f32) = (480.0, 430.0);
const OVERVIEW: (f32, f32) = (480.0, 170.0);

fn simulator<'a>(element: Element<'a, Message>, size: (f32, f32)) -> Simulator<'a, Message> {
    // Reproducible pixels: pin the software renderer (wgpu output differs by driver).
    std::env::set_var("ICED_TEST_BACKEND", "tiny-skia");
    let settings = Settings {
        default_font: Font::with_name("Fira Sans"),
        ..Settings::default()
    };
    Simulator::with_size(settings, size, element)
}

/// The demo album as the snapshot shows it: gaps and a fade on some tracks.
fn shown_project() -> (Project, tempfile::TempDir) {
    let (mut p, dir) = project();
    p.tracks[1].gap_before_s = 2.0;
    p.tracks[1].fade_out_s = 3.0;
    p.tracks[2].gap_before_s = 1.5;
    p.tracks[5].gap_before_s = 4.0;
    (p, dir)
}

#[test]
fn the_panel_shows_every_title_figure_and_state() {
    let (p, _dir) = shown_project();
    let f = figures();
    let album = Album::default();
    let mut ui = simulator(album.view(&p, &f, &[], Some(id(1)), Some(id(0))), PANEL);
    for title in demo::TITLES {
        ui.find(title).unwrap_or_else(|_| panic!("{title} shown"));
    }
    for text in [
        "\u{2212}9.8",
        "\u{2212}14.0",
        "≈\u{2212}14.0",
        "\u{2212}1.2",
        "≤\u{2212}1.0",
        "3:52",
        "2.0 s",
        "file missing",
        "Locate…",
        "Remove",
        "3.0 s",
        "!",
        "6 tracks",
    ] {
        ui.find(text).unwrap_or_else(|_| panic!("{text} shown"));
    }
    ui.click("Locate…").unwrap();
    ui.click("Northbound").unwrap();
    ui.click("Add tracks…").unwrap();
    ui.click("↓").unwrap();
    let messages: Vec<Message> = ui.into_messages().collect();
    assert_eq!(
        messages,
        [
            Message::Locate(id(3)),
            Message::Select(id(5)),
            Message::PickFiles,
            Message::MoveSelected(1),
        ]
    );
}

#[test]
fn the_window_opens_wide_enough_to_read_a_twenty_character_title_whole() {
    let (mut p, _dir) = project();
    let long = "crushed-ice-cocktail"; // openclonk's longest, ellipsized at 1280 px
    p.tracks[0].title = long.into();
    let f = figures();
    let album = Album::default();
    for (window_w, whole) in [(crate::ui::DEFAULT_WINDOW.width, true), (1280.0, false)] {
        let width = crate::ui::album_width_in_window(window_w);
        let mut ui = simulator(album.view(&p, &f, &[], None, None), (width, PANEL.1));
        assert_eq!(ui.find(long).is_ok(), whole, "{window_w} px wide");
    }
}

#[test]
fn the_selected_row_tells_what_the_analysis_noticed_about_its_source() {
    let (p, _dir) = project();
    let mut f = figures();
    let note = "Clipped: 40 runs of 3 or more samples flat at the peak level, the first at 0:12.5";
    f[1].notices.push(note.into());
    let album = Album::default();
    let mut ui = simulator(album.view(&p, &f, &[], Some(id(1)), None), PANEL);
    ui.find(note).expect("the selected track's notice");
    // Another track selected: its row shows its own (none), not track 2's.
    let mut ui = simulator(album.view(&p, &f, &[], Some(id(0)), None), PANEL);
    assert!(ui.find(note).is_err());
}

#[test]
fn an_empty_album_says_how_to_add_tracks() {
    let (mut p, _dir) = project();
    p.tracks.clear();
    let album = Album::default();
    let mut ui = simulator(album.view(&p, &[], &[], None, None), PANEL);
    ui.find("or drop audio files on the window").unwrap();
    ui.click("Add tracks…").unwrap();
    assert_eq!(ui.into_messages().collect::<Vec<_>>(), [Message::PickFiles]);
}

#[test]
fn a_double_click_on_a_title_starts_renaming_it() {
    let (p, _dir) = project();
    let f = figures();
    let album = Album::default();
    let mut ui = simulator(album.view(&p, &f, &[], None, None), PANEL);
    ui.click("Paper Boats").unwrap();
    ui.click("Paper Boats").unwrap();
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(
        messages.contains(&Message::StartRename(id(2))),
        "{messages:?}"
    );
}

#[test]
fn the_rename_field_commits_on_enter() {
    let (p, _dir) = project();
    let f = figures();
    let mut album = Album::default();
    album.update(Message::StartRename(id(2)), &p, Some(id(2)));
    let mut ui = simulator(album.view(&p, &f, &[], Some(id(2)), None), PANEL);
    let field = ui.find(Id::new(RENAME_INPUT)).expect("the rename field");
    // The field has the row's room, not the title column's few characters.
    let width = field.visible_bounds().unwrap().width;
    assert!(width > 0.7 * PANEL.0, "{width}");
    ui.point_at(field.visible_bounds().unwrap().center());
    let _ = ui.simulate(iced_test::simulator::click());
    ui.typewrite("!");
    ui.tap_key(iced::keyboard::key::Named::Enter);
    let messages: Vec<Message> = ui.into_messages().collect();
    assert_eq!(
        messages.last(),
        Some(&Message::RenameCommit),
        "{messages:?}"
    );
    assert!(messages
        .iter()
        .any(|m| matches!(m, Message::RenameInput(_))));
}

/// With a drag under way, moving over the upper then the lower half of "Glasshouse" reports
/// slots 4 and 5, and a release anywhere over the list drops.
#[test]
fn the_rows_report_the_slot_under_the_pointer_while_dragging() {
    let (p, _dir) = project();
    let f = figures();
    let mut album = Album::default();
    album.update(Message::DragStart(id(0)), &p, None);
    let mut ui = simulator(album.view(&p, &f, &[], None, None), PANEL);
    let target = ui.find("Glasshouse").unwrap().visible_bounds().unwrap();
    let mouse = iced::Event::Mouse;
    for dy in [-ROW_H / 4.0, ROW_H / 4.0] {
        let at = Point::new(target.center_x(), target.center_y() + dy);
        ui.point_at(at);
        let _ = ui.simulate([mouse(iced::mouse::Event::CursorMoved { position: at })]);
    }
    // Released in the empty space below the last row (just above the references): still
    // over the list, still a drop.
    let references = ui.find("References").unwrap().visible_bounds().unwrap();
    let below = Point::new(target.center_x(), references.y - 12.0);
    assert!(below.y > target.y + 2.0 * ROW_H, "below the last row");
    ui.point_at(below);
    let _ = ui.simulate([mouse(iced::mouse::Event::CursorMoved { position: below })]);
    let _ = ui.simulate([mouse(iced::mouse::Event::ButtonReleased(
        iced::mouse::Button::Left,
    ))]);
    let messages: Vec<Message> = ui.into_messages().collect();
    assert_eq!(
        messages,
        [Message::DragOver(4), Message::DragOver(5), Message::DragEnd]
    );
}

/// The shown album with three references: one played, one read, one that could not be read.
fn with_references(p: &mut Project) -> Vec<ReferenceStatus> {
    let first = p.references[0].clone();
    for (k, title) in ["Loud Master", "Broken Copy"].into_iter().enumerate() {
        p.references.push(crate::project::Reference {
            id: TrackId(900 + k as u64),
            title: title.into(),
            source: format!("{title}.flac").into(),
            weight: 1.5,
        });
    }
    assert_eq!(p.references[0], first);
    vec![
        ReferenceStatus::Read {
            lufs: Some(-8.5),
            plays: true,
        },
        ReferenceStatus::Read {
            lufs: Some(-7.9),
            plays: false,
        },
        ReferenceStatus::Failed("Broken Copy.flac: corrupt or truncated audio".into()),
    ]
}

#[test]
fn panel_snapshot() {
    let (mut p, _dir) = shown_project();
    let statuses = with_references(&mut p);
    let f = figures();
    let album = Album::default();
    let mut ui = simulator(
        album.view(&p, &f, &statuses, Some(id(1)), Some(id(0))),
        (PANEL.0, PANEL.1 + 60.0),
    );
    let snapshot = ui.snapshot(&crate::ui::theme()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/album_panel");
    assert!(
        snapshot.matches_image(path).unwrap(),
        "panel differs from {path}-tiny-skia.png"
    );
}

#[test]
fn listen_and_add_reference_send_their_messages_and_a_file_not_read_says_so() {
    let (mut p, _dir) = shown_project();
    let statuses = with_references(&mut p);
    let f = figures();
    let album = Album::default();
    let size = (PANEL.0, PANEL.1 + 60.0);
    let mut ui = simulator(album.view(&p, &f, &statuses, None, None), size);
    ui.find("not read").expect("the broken copy says so");
    ui.click("Listen")
        .expect("one Listen: the read reference not played");
    ui.click("Add reference…").expect("the add button");
    assert_eq!(
        ui.into_messages().collect::<Vec<_>>(),
        [
            Message::ChooseReference(TrackId(900)),
            Message::PickReferences
        ]
    );
}

#[test]
fn overview_snapshot_and_a_click_selects_a_column() {
    let f = figures();
    let album = Album::default();
    let mut ui = simulator(album.overview(&f, -14.0, Some(1)), OVERVIEW);
    let snapshot = ui.snapshot(&crate::ui::theme()).unwrap();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/album_overview"
    );
    assert!(
        snapshot.matches_image(path).unwrap(),
        "overview differs from {path}-tiny-skia.png"
    );
    // The fifth of six columns, inside the panel's padding.
    ui.point_at(Point::new(8.0 + 36.0 + (464.0 - 42.0) * 4.5 / 6.0, 80.0));
    let _ = ui.simulate(iced_test::simulator::click());
    assert_eq!(
        ui.into_messages().collect::<Vec<_>>(),
        [Message::OverviewClicked(4)]
    );
}
