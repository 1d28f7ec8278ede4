//! The one sort in the wasm. Each `sort_by` on a type of its own is a copy
//! of the standard library's sort in the binary (about 2.5 KB of wasm
//! each); every list the core sorts goes through [`sorted_places`] instead:
//! a sort of `u32` places under a comparison passed by reference, then the
//! items moved to their places.

use std::cmp::Ordering;

/// The places `0..len` in the order of `cmp`, places that compare equal in
/// their own order: the order a stable sort of the items gives.
#[inline(never)]
pub fn sorted_places(len: usize, cmp: &dyn Fn(u32, u32) -> Ordering) -> Vec<u32> {
    let mut places: Vec<u32> = (0..len as u32).collect();
    places.sort_unstable_by(|&a, &b| cmp(a, b).then(a.cmp(&b)));
    places
}

/// Sorts `items` by `cmp`, stably (what `sort_by` does).
pub fn sort_by<T>(items: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let places = sorted_places(items.len(), &|a, b| {
        cmp(&items[a as usize], &items[b as usize])
    });
    move_to_places(items, &places);
}

/// Puts the item at `places[k]` at `k`, for every `k`, one cycle of swaps
/// at a time.
fn move_to_places<T>(items: &mut [T], places: &[u32]) {
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        let mut at = start;
        while !done[at] {
            done[at] = true;
            let from = places[at] as usize;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_stable_sort_does() {
        // Every list of up to 7 items over 3 keys, each item tagged with
        // its first place: ties must keep that order.
        for len in 0..=7u32 {
            for code in 0..3u32.pow(len) {
                let items: Vec<(u32, u32)> =
                    (0..len).map(|i| ((code / 3u32.pow(i)) % 3, i)).collect();
                let mut expected = items.clone();
                expected.sort_by(|a, b| b.0.cmp(&a.0));
                let mut mine = items.clone();
                sort_by(&mut mine, |a, b| b.0.cmp(&a.0));
                assert_eq!(mine, expected, "{items:?}");
            }
        }
    }

    #[test]
    fn moves_every_item_along_any_permutation() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        move_to_places(&mut items, &[2, 0, 1, 5, 3, 4]);
        assert_eq!(items, vec!['c', 'a', 'b', 'f', 'd', 'e']);
        let mut big: Vec<u32> = (0..1000).collect();
        let places: Vec<u32> = (0..1000).map(|k| (k * 7 + 3) % 1000).collect();
        move_to_places(&mut big, &places);
        assert_eq!(big, places);
    }
}
