package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// percentile interpolates linearly between closest ranks (what most dashboards show).
func percentile(v []int, p float64) float64 {
	if len(v) == 1 {
		return float64(v[0])
	}
	pos := p / 100 * float64(len(v)-1)
	lo := int(pos)
	if lo+1 >= len(v) {
		return float64(v[len(v)-1])
	}
	frac := pos - float64(lo)
	return float64(v[lo]) + frac*float64(v[lo+1]-v[lo])
}

func main() {
	data := map[string][]int{}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		if ms, err := strconv.Atoi(f[1]); err == nil {
			data[f[0]] = append(data[f[0]], ms)
		}
	}
	if len(data) == 0 {
		fmt.Println("none")
		return
	}
	keys := []string{}
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := data[k]
		sort.Ints(v)
		total := 0
		for _, x := range v {
			total += x
		}
		fmt.Printf("%s %d %.0f %.0f %.3f\n", k, len(v), percentile(v, 50), percentile(v, 95), float64(total)/float64(len(v)))
	}
}
