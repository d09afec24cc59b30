//! What [`Engine::poll_events`] does besides collecting events: hand finished loads to the audio
//! thread, keep the program's tracks loaded ahead of the play head (and let go of the rest), and
//! notice a lost output, then reopen it.

use super::{link_and_processor, Engine, EngineEvent, EngineStatus, Link, REOPEN_INTERVAL};
use crate::engine::program::Segment;
use crate::engine::shared::{AudioEvent, Command};
use crate::engine::source::SourceKey;
use crate::engine::stream;
use std::time::Instant;

impl Engine {
    /// Events since the last call. Also hands finished loads to the audio thread, keeps the
    /// program's tracks loaded ahead of the play head, drops what the audio thread let go of,
    /// and tries to reopen a lost output.
    pub fn poll_events(&mut self) -> Vec<EngineEvent> {
        self.collect_retired();
        self.try_reopen();
        let mut events = std::mem::take(&mut self.local_events);
        let finished: Vec<_> = self.loader.finished().collect();
        for (key, result) in finished {
            // The loader finishes jobs in request order: this is the key's oldest request.
            let wanted = match self.requested.iter().position(|(k, _)| *k == key) {
                Some(i) => self.requested.remove(i).1,
                None => false,
            };
            match result {
                Ok(source) if wanted => {
                    let provided = self.provider.is_some() && self.program.uses(key);
                    self.queued.push_back((Box::new(source), provided));
                    events.push(EngineEvent::Loaded(key));
                }
                Ok(_) => {}
                Err(reason) => events.push(EngineEvent::LoadFailed(key, reason)),
            }
        }
        while let Some((source, provided)) = self.queued.pop_front() {
            let link_ok = self.link.is_some();
            if !link_ok {
                break;
            }
            let link = self.link.as_mut().expect("checked");
            if link.sources.slots() == 0 || link.commands.slots() == 0 {
                self.queued.push_front((source, provided));
                break;
            }
            let _ = self.push_source(source, provided);
        }
        let mut lost = None;
        if let Some(link) = self.link.as_mut() {
            while let Ok(event) = link.events.pop() {
                events.push(match event {
                    AudioEvent::Ended => EngineEvent::Ended,
                    AudioEvent::Waiting(key) => EngineEvent::Waiting(key),
                });
            }
            if let Some(output) = link.output.as_mut() {
                lost = output.drain_faults(&mut events);
            }
        }
        if let Some(reason) = lost {
            self.lose_output(reason, &mut events);
        }
        events.dedup();
        self.manage_residency();
        events
    }

    /// Keeps loaded: the current track, the next track of the program, the reference and every
    /// source loaded by hand; lets go of provider-made sources the program no longer needs.
    pub(super) fn manage_residency(&mut self) {
        let Some(provider) = self.provider.clone() else {
            return;
        };
        let here = self.position().segment;
        let upcoming: Vec<SourceKey> = self
            .program
            .segments()
            .iter()
            .skip(here)
            .filter_map(|s| match s {
                Segment::Track { key, .. } => Some(*key),
                Segment::Gap { .. } => None,
            })
            .take(2)
            .collect();
        let stale: Vec<SourceKey> = self
            .resident
            .iter()
            .filter(|(k, provided)| {
                *provided && !upcoming.contains(k) && Some(*k) != self.reference
            })
            .map(|(k, _)| *k)
            .collect();
        for key in stale {
            self.unload(key);
        }
        for key in upcoming {
            let known = self.resident.iter().any(|(k, _)| *k == key)
                || self.requested.iter().any(|&(k, wanted)| k == key && wanted)
                || self.queued.iter().any(|(s, _)| s.key == key);
            if !known && self.link.is_some() {
                let job = provider(key);
                self.request(key, job);
            }
        }
    }

    fn lose_output(&mut self, reason: String, events: &mut Vec<EngineEvent>) {
        // Dropping the link stops the stream; the processor and its sources are freed here.
        self.link = None;
        self.resident.clear();
        self.queued.clear();
        let text = format!("audio output lost ({reason}) — playback disabled until it returns");
        self.status = EngineStatus::NoDevice(text.clone());
        self.reopen_at = Some(Instant::now() + REOPEN_INTERVAL);
        events.push(EngineEvent::DeviceLost(text));
    }

    fn try_reopen(&mut self) {
        let Some(at) = self.reopen_at else {
            return;
        };
        if Instant::now() < at {
            return;
        }
        let (link, status) = open_output();
        if link.is_none() {
            self.reopen_at = Some(Instant::now() + REOPEN_INTERVAL);
            return;
        }
        self.reopen_at = None;
        self.link = link;
        self.status = status;
        self.requested.clear();
        let program = self.program;
        self.send(Command::Program(program));
        self.local_events.push(EngineEvent::DeviceRestored);
    }
}

/// Opens the default output with a fresh processor.
pub(super) fn open_output() -> (Option<Link>, EngineStatus) {
    let mut link = None;
    let opened = stream::CpalOutput::open(|rate_hz, channels| {
        let (new_link, processor) = link_and_processor(rate_hz, channels);
        link = Some(new_link);
        processor
    });
    match (opened, link) {
        (Ok((output, info)), Some(mut link)) => {
            link.output = Some(output);
            (
                Some(link),
                EngineStatus::Running {
                    device: info.name,
                    sample_rate_hz: info.sample_rate_hz,
                    channels: info.channels,
                },
            )
        }
        (Err(reason), _) => (None, EngineStatus::NoDevice(reason)),
        (Ok(_), None) => (
            None,
            EngineStatus::NoDevice("the output opened without a player".into()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::engine::program::Program;
    use crate::engine::shared::Monitor;
    use crate::engine::source::{Source, SourceKey};

    #[test]
    fn a_key_unloaded_and_requested_again_gets_the_new_jobs_result_not_the_old() {
        let (mut engine, _backend) = Engine::with_null_backend(48_000, 2);
        let key: SourceKey = 7;
        // The first job (the file that was under this key) succeeds slowly; the second (the
        // file now under it) fails. Only the second's result may count.
        engine.request(
            key,
            Box::new(move || {
                std::thread::sleep(std::time::Duration::from_millis(150));
                Ok(Source {
                    key,
                    audio: crate::media::AudioBuffer {
                        sample_rate_hz: 48_000,
                        channels: [vec![0.0; 480], vec![0.0; 480]],
                    },
                    settings: Default::default(),
                    kernel: None,
                })
            }),
        );
        engine.unload(key);
        engine.request(key, Box::new(|| Err("the new file is unreadable".into())));
        let mut events = Vec::new();
        for _ in 0..200 {
            events.extend(engine.poll_events());
            if engine.requested.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(engine.requested.is_empty(), "both jobs came back");
        assert!(
            matches!(&events[..], [EngineEvent::LoadFailed(k, why)] if *k == key && why.contains("new file")),
            "{events:?}"
        );
        assert!(engine.resident().is_empty(), "the old file is not loaded");
    }

    #[test]
    fn a_lost_output_disables_playback_reports_it_and_is_retried() {
        let (mut engine, _backend) = Engine::with_null_backend(48_000, 2);
        engine.set_program(Program::single(1), None);
        let mut events = Vec::new();
        engine.lose_output("device unplugged".into(), &mut events);
        assert!(
            matches!(&events[..], [EngineEvent::DeviceLost(text)] if text.contains("device unplugged"))
        );
        assert!(matches!(engine.status(), EngineStatus::NoDevice(_)));
        // Everything is a harmless no-op meanwhile.
        engine.play();
        engine.seek(3.0);
        engine.set_monitor(Monitor::Original);
        assert!(!engine.is_playing());
        assert_eq!(engine.output_rate_hz(), None);
        // Retried after the interval; the program is kept for when it returns.
        engine.reopen_at = Some(Instant::now());
        let _ = engine.poll_events();
        match engine.status() {
            EngineStatus::NoDevice(_) => assert!(engine.reopen_at.is_some(), "tried again later"),
            EngineStatus::Running { .. } => assert!(engine.reopen_at.is_none()),
            EngineStatus::Null { .. } => panic!("the null backend is gone"),
        }
        assert_eq!(engine.program(), &Program::single(1));
    }
}
