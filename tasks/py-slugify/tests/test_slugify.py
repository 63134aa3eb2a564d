from solution import slugify


def test_basic_title():
    assert slugify("Hello, World!") == "hello-world"


def test_accents_are_removed():
    assert slugify("Crème Brûlée à la carte") == "creme-brulee-a-la-carte"


def test_runs_of_symbols_and_underscores_collapse():
    assert slugify("  --Rust & Go__2024--  ") == "rust-go-2024"


def test_non_latin_script_is_dropped():
    assert slugify("日本 travel guide") == "travel-guide"


def test_truncates_at_word_boundary():
    assert slugify("The quick brown fox jumps", 15) == "the-quick-brown"
    assert slugify("The quick brown fox", 12) == "the-quick"


def test_hard_cut_when_first_word_too_long():
    assert slugify("abcdefghijkl mno", 5) == "abcde"


def test_nothing_usable_gives_empty():
    assert slugify("") == ""
    assert slugify("!!! ??? ---") == ""
