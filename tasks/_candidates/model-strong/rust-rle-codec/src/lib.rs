//! Run-length codec: each run is `<count><char>`.

pub fn encode(input: &str) -> String {
    let mut out = String::new();
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        let mut run = 1;
        while chars.peek() == Some(&c) {
            chars.next();
            run += 1;
        }
        out.push_str(&run.to_string());
        out.push(c);
    }
    out
}

pub fn decode(input: &str) -> Option<String> {
    let mut out = String::new();
    let mut count = String::new();
    for c in input.chars() {
        if c.is_ascii_digit() {
            count.push(c);
            continue;
        }
        if count.is_empty() || count.starts_with('0') {
            return None;
        }
        let n: usize = count.parse().ok()?;
        out.extend(std::iter::repeat(c).take(n));
        count.clear();
    }
    if count.is_empty() {
        Some(out)
    } else {
        None
    }
}
