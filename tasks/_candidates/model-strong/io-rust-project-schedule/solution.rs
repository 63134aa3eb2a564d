use std::collections::HashMap;
use std::io::{self, Read, Write};

// Depth-first topological order with three colours: a grey node met again is a cycle.
fn visit(i: usize, deps: &[Vec<usize>], colour: &mut [u8], order: &mut Vec<usize>) -> bool {
    let mut stack = vec![(i, 0usize)];
    colour[i] = 1;
    while let Some(&mut (node, ref mut next)) = stack.last_mut() {
        if *next < deps[node].len() {
            let d = deps[node][*next];
            *next += 1;
            match colour[d] {
                0 => {
                    colour[d] = 1;
                    stack.push((d, 0));
                }
                1 => return false,
                _ => {}
            }
        } else {
            colour[node] = 2;
            order.push(node);
            stack.pop();
        }
    }
    true
}

fn main() {
    let mut s = String::new();
    io::stdin().read_to_string(&mut s).unwrap();
    let mut it = s.lines();
    let n: usize = it.next().unwrap().trim().parse().unwrap();
    let rows: Vec<Vec<&str>> = it.take(n).map(|l| l.split_whitespace().collect()).collect();
    let id: HashMap<&str, usize> = rows.iter().enumerate().map(|(i, r)| (r[0], i)).collect();
    let dur: Vec<i64> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    let mut deps = vec![vec![]; n];
    for (i, r) in rows.iter().enumerate() {
        if r.len() > 2 && r[2] != "-" {
            for d in r[2].split(',') {
                match id.get(d) {
                    Some(&j) => deps[i].push(j),
                    None => {
                        println!("error unknown task {d}");
                        return;
                    }
                }
            }
        }
    }
    let mut colour = vec![0u8; n];
    let mut order = vec![];
    for i in 0..n {
        if colour[i] == 0 && !visit(i, &deps, &mut colour, &mut order) {
            println!("error cycle");
            return;
        }
    }
    let mut es = vec![0i64; n];
    for &i in &order {
        es[i] = deps[i].iter().map(|&d| es[d] + dur[d]).max().unwrap_or(0);
    }
    let ef: Vec<i64> = (0..n).map(|i| es[i] + dur[i]).collect();
    let total = *ef.iter().max().unwrap();
    let mut ls: Vec<i64> = (0..n).map(|i| total - dur[i]).collect();
    let mut has_succ = vec![false; n];
    for &i in order.iter().rev() {
        for &d in &deps[i] {
            has_succ[d] = true;
            ls[d] = ls[d].min(ls[i] - dur[d]);
        }
    }
    let slack: Vec<i64> = (0..n).map(|i| ls[i] - es[i]).collect();
    let mut succ = vec![vec![]; n];
    for i in 0..n {
        for &d in &deps[i] {
            succ[d].push(i);
        }
    }
    let mut path = vec![];
    let mut cur = (0..n).filter(|&i| deps[i].is_empty() && slack[i] == 0).last();
    while let Some(c) = cur {
        path.push(rows[c][0]);
        cur = succ[c].iter().copied().find(|&s| slack[s] == 0 && es[s] == ef[c]);
    }
    let out = io::stdout();
    let mut w = io::BufWriter::new(out.lock());
    writeln!(w, "duration {total}").unwrap();
    writeln!(w, "critical {}", path.join(" ")).unwrap();
    for i in 0..n {
        writeln!(w, "{} {} {} {}", rows[i][0], es[i], ef[i], slack[i]).unwrap();
    }
    let _ = has_succ;
}
