package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	inc, _ := strconv.Atoi(os.Args[1])
	def, _ := strconv.ParseFloat(os.Args[2], 64)
	rates := map[string]float64{}
	for _, a := range os.Args[3:] {
		kv := strings.Split(a, "=")
		rates[kv[0]], _ = strconv.ParseFloat(kv[1], 64)
	}
	mins := map[string]int{}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || f[0][0] == '#' {
			continue
		}
		var h1, m1, h2, m2 int
		fmt.Sscanf(f[2], "%d:%d", &h1, &m1)
		fmt.Sscanf(f[3], "%d:%d", &h2, &m2)
		d := (h2*60 + m2) - (h1*60 + m1)
		if d < 0 {
			d += 24 * 60
		}
		mins[f[1]] += d
	}
	keys := []string{}
	for k := range mins {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	totalMin, total := 0, 0.0
	for _, k := range keys {
		// Round the project's time up to the increment once, at the end.
		m := int(math.Ceil(float64(mins[k])/float64(inc))) * inc
		rate, ok := rates[k]
		if !ok {
			rate = def
		}
		amount := float64(m) * rate / 60
		totalMin += m
		total += amount
		fmt.Printf("%s %d:%02d %.2f\n", k, m/60, m%60, amount)
	}
	fmt.Printf("TOTAL %d:%02d %.2f\n", totalMin/60, totalMin%60, total)
}
