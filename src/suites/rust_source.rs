//! Just enough Rust lexing to count the `#[test]` functions a HumanEval-X test module really has:
//! the suite ships some tests commented out (Rust/32's uses rand 0.7's `gen_range(a, b)`), and a
//! commented-out `#[test]` must not be declared as a test case.

/// `text` without `//` line comments and (nested) `/* */` block comments. String and char
/// literals are kept verbatim so a `"//"` inside one does not start a comment.
pub fn strip_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut start = 0; // start of the current run of kept text
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        if depth > 0 {
            if b == b'/' && next == Some(b'*') {
                depth += 1;
                i += 2;
            } else if b == b'*' && next == Some(b'/') {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    start = i;
                }
            } else {
                i += 1;
            }
            continue;
        }
        if in_string {
            match b {
                b'\\' => i += 2,
                b'"' => {
                    in_string = false;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        match (b, next) {
            (b'"', _) => {
                in_string = true;
                i += 1;
            }
            (b'\'', _) => i += char_literal_len(&text[i..]).unwrap_or(1),
            (b'/', Some(b'/')) => {
                out.push_str(&text[start..i]);
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                start = i;
            }
            (b'/', Some(b'*')) => {
                out.push_str(&text[start..i]);
                depth = 1;
                i += 2;
            }
            _ => i += 1,
        }
    }
    if depth == 0 {
        out.push_str(&text[start.min(text.len())..]);
    }
    out
}

/// Length in bytes of the char literal `text` starts with (`'x'`, `'\''`, `'\u{..}'`), or None
/// when the quote starts a lifetime or label.
fn char_literal_len(text: &str) -> Option<usize> {
    let mut chars = text.char_indices().skip(1);
    let (_, first) = chars.next()?;
    if first == '\\' {
        chars.next()?; // the escaped character, which may itself be a quote
        return chars
            .find(|&(_, c)| c == '\'' || c == '\n')
            .and_then(|(at, c)| (c == '\'').then_some(at + 1));
    }
    let (at, second) = chars.next()?;
    (second == '\'').then_some(at + 1)
}

/// How many `#[test]` attributes remain once comments are removed.
pub fn count_active_tests(test_module: &str) -> u32 {
    strip_comments(test_module).matches("#[test]").count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commented_out_module_has_no_tests() {
        let text = "\n/*\n#[cfg(test)]\nmod tests {\n#[test]\n fn t() {}\n}\n*/\n";
        assert_eq!(count_active_tests(text), 0);
    }

    #[test]
    fn line_comments_and_nested_blocks_are_removed() {
        let text =
            "#[test]\nfn a() {}\n// #[test]\n/* /* #[test] */ #[test] */\n#[test] fn b() {}\n";
        assert_eq!(count_active_tests(text), 2);
        assert_eq!(strip_comments("x // y\nz"), "x \nz");
    }

    #[test]
    fn comment_markers_inside_strings_are_kept() {
        let text = "let s = \"/* not a comment \\\" still */\";\n#[test]\nfn a() {}\n";
        assert_eq!(count_active_tests(text), 1);
        assert_eq!(strip_comments(text), text);
    }

    #[test]
    fn char_literals_with_quotes_are_not_strings() {
        let text = "if c == '\"' || c == '\\'' { x::<'a>() }\n// #[test]\n#[test]\nfn a() {}\n";
        assert_eq!(count_active_tests(text), 1);
        assert_eq!(char_literal_len("'é' rest"), Some(4));
        assert_eq!(char_literal_len("'a>"), None);
        assert_eq!(char_literal_len("'\\u{1F600}'"), Some(11));
    }

    #[test]
    fn unterminated_comments_and_multibyte_text_do_not_panic() {
        assert_eq!(strip_comments("ä /* é"), "ä ");
        assert_eq!(strip_comments("\"é"), "\"é");
        assert_eq!(count_active_tests("#[test] /*"), 1);
    }
}
