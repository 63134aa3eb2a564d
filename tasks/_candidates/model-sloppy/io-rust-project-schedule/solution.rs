use std::collections::HashMap;
use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let mut lines = input.lines();
    let n: usize = lines.next().unwrap().parse().unwrap();
    let mut names = vec![];
    let mut days = vec![];
    let mut deps: Vec<Vec<String>> = vec![];
    for l in lines.take(n) {
        let f: Vec<&str> = l.split(' ').collect();
        names.push(f[0].to_string());
        days.push(f[1].parse::<i64>().unwrap());
        deps.push(if f[2] == "-" { vec![] } else { f[2].split(',').map(String::from).collect() });
    }
    let pos: HashMap<String, usize> = names.iter().cloned().zip(0..).collect();
    for d in deps.iter().flatten() {
        if !pos.contains_key(d) {
            println!("error unknown task {d}");
            return;
        }
    }
    // Relax earliest starts n times: enough for any chain of n tasks.
    let mut es = vec![0i64; n];
    for _ in 0..n {
        for i in 0..n {
            for d in &deps[i] {
                let j = pos[d];
                es[i] = es[i].max(es[j] + days[j]);
            }
        }
    }
    let ef: Vec<i64> = (0..n).map(|i| es[i] + days[i]).collect();
    let total = *ef.iter().max().unwrap();
    println!("duration {total}");
    let mut chain = vec![];
    let mut t = total;
    while let Some(i) = (0..n).find(|&i| ef[i] == t && (t > 0 || chain.is_empty())) {
        chain.push(names[i].clone());
        if es[i] == 0 {
            break;
        }
        t = es[i];
    }
    chain.reverse();
    println!("critical {}", chain.join(" "));
    for i in 0..n {
        println!("{} {} {} {}", names[i], es[i], ef[i], total - ef[i]);
    }
}
