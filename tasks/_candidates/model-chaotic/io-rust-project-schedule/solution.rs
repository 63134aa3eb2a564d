use std::collections::HashMap;
use std::io::Read;

fn main() {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).unwrap();
    let mut it = s.lines();
    let n: usize = it.next().unwrap().trim().parse().unwrap();
    let rows: Vec<Vec<&str>> = it.take(n).map(|l| l.split_whitespace().collect()).collect();
    let at: HashMap<&str, usize> = rows.iter().enumerate().map(|(i, r)| (r[0], i)).collect();
    let days: Vec<i64> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    let mut deps = vec![vec![]; n];
    for (i, r) in rows.iter().enumerate() {
        if r[2] == "-" {
            continue;
        }
        for d in r[2].split(',') {
            let Some(&j) = at.get(d) else {
                println!("error unknown task {d}");
                return;
            };
            deps[i].push(j);
        }
    }
    // Relax until nothing changes: no topological sort needed.
    let mut es = vec![0i64; n];
    loop {
        let mut changed = false;
        for i in 0..n {
            for &j in &deps[i] {
                if es[j] + days[j] > es[i] {
                    es[i] = es[j] + days[j];
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let ef: Vec<i64> = (0..n).map(|i| es[i] + days[i]).collect();
    let total = *ef.iter().max().unwrap();
    let mut succ = vec![vec![]; n];
    for i in 0..n {
        for &j in &deps[i] {
            succ[j].push(i);
        }
    }
    let mut lf = vec![total; n];
    loop {
        let mut changed = false;
        for i in 0..n {
            for &s in &succ[i] {
                if lf[s] - days[s] < lf[i] {
                    lf[i] = lf[s] - days[s];
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let slack: Vec<i64> = (0..n).map(|i| lf[i] - ef[i]).collect();
    let mut chain = vec![];
    let mut cur = (0..n).find(|&i| deps[i].is_empty() && slack[i] == 0);
    while let Some(c) = cur {
        chain.push(rows[c][0]);
        cur = succ[c].iter().copied().find(|&s| slack[s] == 0 && es[s] == ef[c]);
    }
    let mut out = format!("duration {total}\ncritical {}\n", chain.join(" "));
    for i in 0..n {
        out += &format!("{} {} {} {}\n", rows[i][0], es[i], ef[i], slack[i]);
    }
    print!("{out}");
}
