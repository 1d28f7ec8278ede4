//! The id of every entry of the journal, with its seq: how a repeated
//! request finds the answer of its first attempt, and how a replay refuses
//! an id seen before.
//!
//! One entry in two is a redemption with an id of its own, so a kiosk holds
//! as many ids as entries (50,000 after about five years). Held as one text
//! with a hash table of places in it, not as a map of strings: a checkpoint's
//! decode at open then makes no allocation per id (it had made 50,000, with
//! a string copied and checked for each).

use crate::entry::EntryId;
use hashbrown::HashTable;
use std::fmt;
use std::hash::BuildHasher;

#[derive(Clone, Default)]
pub struct EntryIds {
    /// Every id, one after the other: printable ASCII, so any part of it
    /// that is one id is also a `str`. Held as bytes so that a checkpoint's
    /// ids go in with the one check an id has, not a UTF-8 check before it.
    text: Vec<u8>,
    places: HashTable<Place>,
    /// Seeded per table at random, as the state's maps are, so crafted ids
    /// cannot pile up in one bucket.
    hasher: foldhash::fast::RandomState,
}

/// Where an id is in the text, and the seq of its entry.
#[derive(Clone, Copy)]
struct Place {
    start: usize,
    len: usize,
    seq: u64,
}

impl EntryIds {
    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Room for `count` more ids of `text_bytes` bytes in all.
    pub fn reserve(&mut self, count: usize, text_bytes: usize) {
        self.text.reserve(text_bytes);
        let (text, hasher) = (&self.text, &self.hasher);
        self.places
            .reserve(count, |place| hasher.hash_one(of(text, place)));
    }

    /// The seq of the entry with `id`.
    pub fn get(&self, id: &EntryId) -> Option<&u64> {
        self.seq_of(id.as_str())
    }

    pub fn contains_key(&self, id: &EntryId) -> bool {
        self.seq_of(id.as_str()).is_some()
    }

    fn seq_of(&self, id: &str) -> Option<&u64> {
        let id = id.as_bytes();
        let hash = self.hasher.hash_one(id);
        self.places
            .find(hash, |place| of(&self.text, place) == id)
            .map(|place| &place.seq)
    }

    /// Adds `id` with the seq of its entry; `false`, changing nothing, if it
    /// is already there.
    pub fn insert(&mut self, id: &EntryId, seq: u64) -> bool {
        self.insert_text(id.as_str().as_bytes(), seq)
    }

    /// [`insert`](Self::insert) of an id read from storage: `None` unless it
    /// is a valid entry id (checked as [`EntryId::new`] checks it, without a
    /// copy).
    pub fn insert_stored(&mut self, id: &[u8], seq: u64) -> Option<bool> {
        EntryId::is_valid_bytes(id).then(|| self.insert_text(id, seq))
    }

    fn insert_text(&mut self, id: &[u8], seq: u64) -> bool {
        let hash = self.hasher.hash_one(id);
        let (text, hasher) = (&self.text, &self.hasher);
        let entry = self.places.entry(
            hash,
            |place| of(text, place) == id,
            |place| hasher.hash_one(of(text, place)),
        );
        let hashbrown::hash_table::Entry::Vacant(vacant) = entry else {
            return false;
        };
        let place = Place {
            start: self.text.len(),
            len: id.len(),
            seq,
        };
        vacant.insert(place);
        self.text.extend_from_slice(id);
        true
    }

    /// Every id with its seq, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        self.places.iter().map(|place| {
            // Only valid ids, all ASCII, are pushed onto the text.
            let id = std::str::from_utf8(of(&self.text, place)).unwrap_or_default();
            (id, place.seq)
        })
    }
}

fn of<'a>(text: &'a [u8], place: &Place) -> &'a [u8] {
    // Places are only made for ids pushed whole onto the text.
    text.get(place.start..place.start + place.len)
        .unwrap_or_default()
}

impl fmt::Debug for EntryIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> EntryId {
        EntryId::new(text).expect("a valid id")
    }

    #[test]
    fn an_id_is_found_with_its_seq_and_added_once() {
        let mut ids = EntryIds::default();
        for seq in 1..=2_000u64 {
            assert!(ids.insert(&id(&format!("r{seq:08}")), seq));
        }
        assert_eq!(ids.len(), 2_000);
        for seq in [1u64, 777, 2_000] {
            assert_eq!(ids.get(&id(&format!("r{seq:08}"))), Some(&seq));
        }
        assert!(!ids.contains_key(&id("r00002001")));
        // A second insert of an id changes nothing, not even its seq.
        assert!(!ids.insert(&id("r00000777"), 5));
        assert_eq!(ids.get(&id("r00000777")), Some(&777));
        assert_eq!(ids.len(), 2_000);
        let mut all: Vec<_> = ids
            .iter()
            .map(|(text, seq)| (text.to_string(), seq))
            .collect();
        all.sort_by_key(|(_, seq)| *seq);
        assert_eq!(all[776], ("r00000777".to_string(), 777));
    }

    #[test]
    fn a_stored_id_is_checked_as_a_new_one_is() {
        let mut ids = EntryIds::default();
        assert_eq!(ids.insert_stored(b"setup:admin/pin", 3), Some(true));
        assert_eq!(ids.insert_stored(b"setup:admin/pin", 4), Some(false));
        for bad in [
            "",
            "with space",
            "tab\t",
            "中文",
            &"x".repeat(EntryId::LENGTH_MAX + 1),
        ] {
            assert_eq!(ids.insert_stored(bad.as_bytes(), 9), None, "{bad:?}");
        }
        // Bytes that are not UTF-8 at all.
        assert_eq!(ids.insert_stored(&[b'r', 0xff, 0xfe], 9), None);
        assert_eq!(ids.len(), 1);
        assert!(ids.contains_key(&id("setup:admin/pin")));
    }
}
