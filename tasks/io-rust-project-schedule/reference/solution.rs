use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let mut lines = input.lines().filter(|l| !l.trim().is_empty());
    let n: usize = lines.next().unwrap().trim().parse().unwrap();
    let mut names = Vec::with_capacity(n);
    let mut days = Vec::with_capacity(n);
    let mut dep_names: Vec<Vec<String>> = Vec::with_capacity(n);
    for line in lines.take(n) {
        let f: Vec<&str> = line.split_whitespace().collect();
        names.push(f[0].to_string());
        days.push(f[1].parse::<i64>().unwrap());
        dep_names.push(match f.get(2) {
            None | Some(&"-") => Vec::new(),
            Some(d) => d.split(',').map(str::to_string).collect(),
        });
    }
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    // Unknown names first: they are reported even when the rest also has a cycle.
    let mut deps = vec![Vec::new(); n];
    for (i, ds) in dep_names.iter().enumerate() {
        for d in ds {
            match index.get(d.as_str()) {
                Some(&j) => deps[i].push(j),
                None => {
                    println!("error unknown task {d}");
                    return;
                }
            }
        }
    }
    let mut succ = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for i in 0..n {
        for &j in &deps[i] {
            succ[j].push(i);
            indegree[i] += 1;
        }
    }
    // Kahn's algorithm: whatever it cannot order lies on or behind a cycle.
    let mut queue: VecDeque<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = queue.pop_front() {
        order.push(i);
        for &s in &succ[i] {
            indegree[s] -= 1;
            if indegree[s] == 0 {
                queue.push_back(s);
            }
        }
    }
    if order.len() < n {
        println!("error cycle");
        return;
    }
    let mut es = vec![0i64; n];
    for &i in &order {
        es[i] = deps[i].iter().map(|&j| es[j] + days[j]).max().unwrap_or(0);
    }
    let ef: Vec<i64> = (0..n).map(|i| es[i] + days[i]).collect();
    let total = ef.iter().copied().max().unwrap_or(0);
    let mut lf = vec![total; n];
    for &i in order.iter().rev() {
        if let Some(m) = succ[i].iter().map(|&s| lf[s] - days[s]).min() {
            lf[i] = m;
        }
    }
    let slack: Vec<i64> = (0..n).map(|i| lf[i] - ef[i]).collect();
    // A zero-slack task always has a zero-slack successor starting when it ends, or none.
    let mut chain = Vec::new();
    let mut at = (0..n).find(|&i| deps[i].is_empty() && slack[i] == 0);
    while let Some(i) = at {
        chain.push(names[i].as_str());
        at = succ[i].iter().copied().filter(|&s| slack[s] == 0 && es[s] == ef[i]).min();
    }
    let mut out = String::new();
    writeln!(out, "duration {total}").unwrap();
    writeln!(out, "critical {}", chain.join(" ")).unwrap();
    for i in 0..n {
        writeln!(out, "{} {} {} {}", names[i], es[i], ef[i], slack[i]).unwrap();
    }
    print!("{out}");
}
