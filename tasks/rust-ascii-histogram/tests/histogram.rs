use task::histogram;

#[test]
fn largest_value_fills_the_width() {
    assert_eq!(
        histogram(&[("go", 10), ("rust", 5)], 10),
        "go   | ########## 10\nrust | ##### 5\n"
    );
}

#[test]
fn bars_round_half_up() {
    // 1 * 4 / 8 = 0.5 -> 1 ; 3 * 4 / 8 = 1.5 -> 2 ; 5 * 4 / 8 = 2.5 -> 3
    assert_eq!(
        histogram(&[("a", 1), ("b", 3), ("c", 5), ("d", 8)], 4),
        "a | # 1\nb | ## 3\nc | ### 5\nd | #### 8\n"
    );
}

#[test]
fn small_values_can_round_to_nothing() {
    assert_eq!(histogram(&[("x", 1), ("y", 100)], 10), "x |  1\ny | ########## 100\n");
}

#[test]
fn all_zero_values() {
    assert_eq!(histogram(&[("p", 0), ("q", 0)], 5), "p |  0\nq |  0\n");
}

#[test]
fn empty_data() {
    assert_eq!(histogram(&[], 20), "");
}

#[test]
fn labels_are_padded_by_chars_not_bytes() {
    assert_eq!(
        histogram(&[("été", 2), ("hiver", 4)], 2),
        "été   | # 2\nhiver | ## 4\n"
    );
}
