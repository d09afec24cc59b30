//! The sources the audio thread holds: a fixed number of boxed slots, found by key. Nothing here
//! allocates or frees; a source leaves only by being handed back to the caller for retiring.

use super::shared::SLOTS;
use super::source::{Source, SourceKey};

/// Fixed-capacity storage of loaded sources. Real-time safe.
#[derive(Debug, Default)]
pub(crate) struct Slots {
    slots: [Option<Box<Source>>; SLOTS],
}

impl Slots {
    /// Index of the slot holding `key`.
    pub fn find(&self, key: SourceKey) -> Option<usize> {
        self.slots
            .iter()
            .position(|s| s.as_ref().is_some_and(|s| s.key == key))
    }

    pub fn get(&self, index: usize) -> Option<&Source> {
        self.slots.get(index).and_then(|s| s.as_deref())
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut Source> {
        self.slots.get_mut(index).and_then(|s| s.as_deref_mut())
    }

    pub fn by_key(&self, key: SourceKey) -> Option<&Source> {
        self.find(key).and_then(|i| self.get(i))
    }

    /// Whether `source` (with this key) can be stored: its key is loaded or a slot is free.
    pub fn has_room_for(&self, key: SourceKey) -> bool {
        self.find(key).is_some() || self.slots.iter().any(Option::is_none)
    }

    /// Stores `source`; returns what it replaced (same key), or the source itself when full.
    pub fn insert(&mut self, source: Box<Source>) -> Result<Option<Box<Source>>, Box<Source>> {
        if let Some(i) = self.find(source.key) {
            return Ok(self.slots[i].replace(source));
        }
        match self.slots.iter_mut().find(|s| s.is_none()) {
            Some(slot) => {
                *slot = Some(source);
                Ok(None)
            }
            None => Err(source),
        }
    }

    /// Takes the source with `key` out.
    pub fn remove(&mut self, key: SourceKey) -> Option<Box<Source>> {
        self.find(key).and_then(|i| self.slots[i].take())
    }
}
