use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, Read, Write};

fn main() {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text).unwrap();
    let mut it = text.split_ascii_whitespace().map(|w| w.parse::<usize>().unwrap());
    let (n, m) = (it.next().unwrap(), it.next().unwrap());
    let mut graph = vec![Vec::new(); n + 1];
    for _ in 0..m {
        let (u, v, w) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap() as u64);
        graph[u].push((v, w));
        graph[v].push((u, w));
    }
    let (s, t) = (it.next().unwrap(), it.next().unwrap());
    let mut dist = vec![u64::MAX; n + 1];
    let mut prev = vec![0usize; n + 1];
    let mut heap = BinaryHeap::new();
    dist[s] = 0;
    heap.push(Reverse((0u64, s)));
    while let Some(Reverse((d, u))) = heap.pop() {
        if d > dist[u] {
            continue;
        }
        for &(v, w) in &graph[u] {
            if d + w < dist[v] {
                dist[v] = d + w;
                prev[v] = u;
                heap.push(Reverse((d + w, v)));
            }
        }
    }
    let mut out = io::stdout().lock();
    if dist[t] == u64::MAX {
        writeln!(out, "-1").unwrap();
        return;
    }
    let mut path = vec![t];
    while *path.last().unwrap() != s {
        path.push(prev[*path.last().unwrap()]);
    }
    path.reverse();
    let names: Vec<String> = path.iter().map(|p| p.to_string()).collect();
    writeln!(out, "{}\n{}", dist[t], names.join(" ")).unwrap();
}
