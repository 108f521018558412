//! The draft's examples and test vectors (§4.1, Appendix "Test vectors
//! for Status List encoding"), and the bounds of decoding.

use super::*;

/// The 2^20-entry vectors: the statuses set, and `lst` as the draft gives it.
const ONE_BIT: (&[(usize, u8)], &str) = (
    &[(0, 1), (1993, 1), (25460, 1), (159495, 1), (495669, 1), (554353, 1), (645645, 1), (723232, 1), (854545, 1), (934534, 1), (1000345, 1)],
    "eNrt3AENwCAMAEGogklACtKQPg9LugC9k_ACvreiogEAAKkeCQAAAAAAAAAAAAAAAAAAAIBylgQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAXG9IAAAAAAAAAPwsJAAAAAAAAAAAAAAAvhsSAAAAAAAAAAAA7KpLAAAAAAAAAAAAAAAAAAAAAJsLCQAAAAAAAAAAADjelAAAAAAAAAAAKjDMAQAAAACAZC8L2AEb",
);
const TWO_BITS: (&[(usize, u8)], &str) = (
    &[(0, 1), (1993, 2), (25460, 1), (159495, 3), (495669, 1), (554353, 1), (645645, 2), (723232, 1), (854545, 1), (934534, 2), (1000345, 3)],
    "eNrt2zENACEQAEEuoaBABP5VIO01fCjIHTMStt9ovGVIAAAAAABAbiEBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEB5WwIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAID0ugQAAAAAAAAAAAAAAAAAQG12SgAAAAAAAAAAAAAAAAAAAAAAAAAAAOCSIQEAAAAAAAAAAAAAAAAAAAAAAAD8ExIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwJEuAQAAAAAAAAAAAAAAAAAAAAAAAMB9SwIAAAAAAAAAAAAAAAAAAACoYUoAAAAAAAAAAAAAAEBqH81gAQw",
);

#[test]
fn the_short_examples_pack_from_the_least_significant_bit() {
    let mut two = StatusList::new(Bits::Two, 12);
    for (idx, status) in [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3].into_iter().enumerate() {
        two.set(idx, Status(status)).unwrap();
    }
    assert_eq!(two.as_bytes(), [0xC9, 0x44, 0xF9]);
    let theirs = StatusList::from_lst(Bits::Two, "eNo76fITAAPfAgc", 12).unwrap();
    assert_eq!(theirs.as_bytes(), two.as_bytes());
    assert_eq!(theirs.get(3), Some(Status(3)));
    assert_eq!(theirs.get(12), None);
}

#[test]
fn the_long_vectors_decode_to_their_statuses_and_ours_round_trip() {
    for (bits, (set, lst)) in [(Bits::One, ONE_BIT), (Bits::Two, TWO_BITS)] {
        let theirs = StatusList::from_lst(bits, lst, 1 << 20).unwrap();
        assert_eq!(theirs.len(), 1 << 20);
        let mut ours = StatusList::new(bits, 1 << 20);
        for &(idx, status) in set {
            ours.set(idx, Status(status)).unwrap();
            assert_eq!(theirs.get(idx), Some(Status(status)), "{bits:?} {idx}");
        }
        assert_eq!(theirs, ours, "every other status is VALID");
        let again = StatusList::from_lst(bits, &ours.to_lst(), 1 << 20).unwrap();
        assert_eq!(again, ours);
        assert!(
            ours.to_lst().len() <= lst.len() + 16,
            "compressed as well as theirs"
        );
    }
}

#[test]
fn statuses_are_bounded_by_the_list_and_its_bits() {
    let mut list = StatusList::new(Bits::One, 9);
    assert_eq!(list.as_bytes().len(), 2);
    assert_eq!(
        list.set(9, Status::INVALID),
        Err(StatusListError::OutOfRange)
    );
    assert_eq!(
        list.set(0, Status::SUSPENDED),
        Err(StatusListError::TooWide)
    );
    list.set(8, Status::INVALID).unwrap();
    list.set(8, Status::VALID).unwrap();
    assert_eq!(list.get(8), Some(Status::VALID));
    let mut eight = StatusList::new(Bits::Eight, 3);
    eight.set(1, Status(0xAB)).unwrap();
    assert_eq!(eight.as_bytes(), [0, 0xAB, 0]);
    assert_eq!(
        format!("{eight:?}"),
        "StatusList { bits: 8, len: 3, not_valid: 1 }"
    );
}

#[test]
fn decoding_refuses_garbage_and_stops_at_the_limit() {
    assert_eq!(
        StatusList::from_lst(Bits::One, "!!", 8),
        Err(StatusListError::Malformed)
    );
    let not_zlib = URL_SAFE_NO_PAD.encode(b"plain bytes");
    assert_eq!(
        StatusList::from_lst(Bits::One, &not_zlib, 8),
        Err(StatusListError::Malformed)
    );
    // A million zero bytes compress to about a kilobyte: refused at a
    // limit below, read only up to the limit.
    let bomb = StatusList::new(Bits::Eight, 1_000_000).to_lst();
    assert!(bomb.len() < 2_000, "{}", bomb.len());
    assert_eq!(
        StatusList::from_lst(Bits::Eight, &bomb, 999_999),
        Err(StatusListError::TooLarge)
    );
    assert_eq!(
        StatusList::from_lst(Bits::Eight, &bomb, 1_000_000)
            .unwrap()
            .len(),
        1_000_000
    );
}
