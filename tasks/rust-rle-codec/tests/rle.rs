use task::{decode, encode};

#[test]
fn encodes_runs() {
    assert_eq!(encode("AAABCC"), "3A1B2C");
    assert_eq!(encode("abc"), "1a1b1c");
}

#[test]
fn long_runs_use_multi_digit_counts() {
    assert_eq!(encode(&"x".repeat(12)), "12x");
    assert_eq!(decode("12x").as_deref(), Some("xxxxxxxxxxxx"));
}

#[test]
fn empty_input() {
    assert_eq!(encode(""), "");
    assert_eq!(decode("").as_deref(), Some(""));
}

#[test]
fn unicode_chars_are_single_symbols() {
    assert_eq!(encode("ééé🙂"), "3é1🙂");
    assert_eq!(decode("2ü1 ").as_deref(), Some("üü "));
}

#[test]
fn round_trip() {
    for s in ["a", "aaaaaaaaaaab", "  zz  ", "ababab", "ÅÅÅ!!"] {
        assert_eq!(decode(&encode(s)).as_deref(), Some(s), "round trip of {s:?}");
    }
}

#[test]
fn malformed_input_is_rejected() {
    for bad in ["A", "3", "3A2", "0A", "03A", "2A B"] {
        assert_eq!(decode(bad), None, "decode({bad:?}) should be None");
    }
}
