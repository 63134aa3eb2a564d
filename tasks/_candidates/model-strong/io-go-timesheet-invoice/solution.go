package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

func parseCents(s string) int {
	parts := strings.SplitN(s, ".", 2)
	whole, _ := strconv.Atoi(parts[0])
	c := whole * 100
	if len(parts) == 2 {
		frac := parts[1]
		if len(frac) == 1 {
			frac += "0"
		}
		f, _ := strconv.Atoi(frac)
		c += f
	}
	return c
}

func minutesOf(hhmm string) int {
	var h, m int
	fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	return h*60 + m
}

func main() {
	inc, _ := strconv.Atoi(os.Args[1])
	def := parseCents(os.Args[2])
	rate := map[string]int{}
	for _, a := range os.Args[3:] {
		kv := strings.SplitN(a, "=", 2)
		rate[kv[0]] = parseCents(kv[1])
	}
	billed := map[string]int{}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) < 4 || strings.HasPrefix(f[0], "#") {
			continue
		}
		d := minutesOf(f[3]) - minutesOf(f[2])
		if d < 0 {
			d += 1440
		}
		if r := d % inc; r != 0 {
			d += inc - r
		}
		billed[f[1]] += d
	}
	names := []string{}
	for p := range billed {
		names = append(names, p)
	}
	sort.Strings(names)
	totalM, totalC := 0, 0
	for _, p := range names {
		r, ok := rate[p]
		if !ok {
			r = def
		}
		c := (billed[p]*r + 30) / 60
		totalM += billed[p]
		totalC += c
		fmt.Printf("%s %d:%02d %d.%02d\n", p, billed[p]/60, billed[p]%60, c/100, c%100)
	}
	fmt.Printf("TOTAL %d:%02d %d.%02d\n", totalM/60, totalM%60, totalC/100, totalC%100)
}
