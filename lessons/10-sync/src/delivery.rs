//! What a queue shared by producers and consumers must deliver, checked
//! after the fact: each item exactly once, and each consumer's items from
//! one producer in the order that producer put them (a queue is first in,
//! first out). The lesson checks its runs with it, and the queue's tests
//! theirs.

/// An item: its producer, and its number in that producer's sequence.
pub type Item = (usize, usize);

/// Checks what the consumers took (one list per consumer, in the order it
/// took them) against `producers` producers of `each` items: `Err` says
/// what is wrong.
pub fn check(
    taken: &[Vec<Item>],
    producers: usize,
    each: usize,
) -> Result<(), String> {
    for took in taken {
        for producer in 0..producers {
            let numbers: Vec<usize> = (took.iter())
                .filter(|i| i.0 == producer)
                .map(|i| i.1)
                .collect();
            if !numbers.is_sorted() {
                return Err(format!(
                    "a consumer took producer {producer}'s items out of order: {numbers:?}"
                ));
            }
        }
    }
    let mut all: Vec<Item> = taken.concat();
    all.sort_unstable();
    let expected: Vec<Item> = (0..producers)
        .flat_map(|p| (0..each).map(move |n| (p, n)))
        .collect();
    if all != expected {
        return Err(format!(
            "{} items taken, where each of the {} put should be taken once",
            all.len(),
            expected.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once_in_order_per_producer_passes() {
        // Three consumers, two producers of three items each: the items of
        // one producer may go to several consumers, in order within each.
        let taken = vec![
            vec![(0, 0), (1, 0), (0, 2)],
            vec![(0, 1), (1, 1)],
            vec![(1, 2)],
        ];
        assert_eq!(check(&taken, 2, 3), Ok(()));
        assert_eq!(check(&[], 0, 5), Ok(()));
    }

    #[test]
    fn a_lost_a_repeated_or_a_reordered_item_fails() {
        let lost = vec![vec![(0, 0)], vec![(0, 2)]];
        assert!(check(&lost, 1, 3).is_err());
        let extra = vec![vec![(0, 0), (0, 1), (0, 2)]];
        assert!(check(&extra, 1, 2).is_err());
        let twice = vec![vec![(0, 0), (0, 1)], vec![(0, 1), (0, 2)]];
        assert!(check(&twice, 1, 3).is_err());
        let reordered = vec![vec![(0, 1), (0, 0)]];
        let why = check(&reordered, 1, 2).expect_err("out of order");
        assert!(why.contains("out of order"), "{why}");
    }
}
