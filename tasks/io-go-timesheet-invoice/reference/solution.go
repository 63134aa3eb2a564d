package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// cents parses a decimal with up to two places exactly: floats would lose cents on big invoices.
func cents(s string) int64 {
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		fmt.Fprintf(os.Stderr, "bad rate %q\n", s)
		os.Exit(2)
	}
	return w*100 + f
}

func clock(s string) int64 {
	h, m, _ := strings.Cut(s, ":")
	hh, _ := strconv.ParseInt(h, 10, 64)
	mm, _ := strconv.ParseInt(m, 10, 64)
	return hh*60 + mm
}

func money(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }
func hours(m int64) string { return fmt.Sprintf("%d:%02d", m/60, m%60) }

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: prog INCREMENT DEFAULT_RATE [PROJECT=RATE ...]")
		os.Exit(2)
	}
	increment, err := strconv.ParseInt(os.Args[1], 10, 64)
	if err != nil || increment < 1 {
		fmt.Fprintln(os.Stderr, "bad increment")
		os.Exit(2)
	}
	defaultRate := cents(os.Args[2])
	rates := map[string]int64{}
	for _, a := range os.Args[3:] {
		p, r, _ := strings.Cut(a, "=")
		rates[p] = cents(r)
	}
	minutes := map[string]int64{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		start, end := clock(f[2]), clock(f[3])
		if end < start {
			end += 24 * 60
		}
		d := end - start
		d = (d + increment - 1) / increment * increment
		minutes[f[1]] += d
	}
	projects := make([]string, 0, len(minutes))
	for p := range minutes {
		projects = append(projects, p)
	}
	sort.Strings(projects)
	var totalMin, totalCents int64
	for _, p := range projects {
		rate, ok := rates[p]
		if !ok {
			rate = defaultRate
		}
		// Half up: add half of the divisor before the integer division.
		amount := (minutes[p]*rate*2 + 60) / 120
		totalMin += minutes[p]
		totalCents += amount
		fmt.Printf("%s %s %s\n", p, hours(minutes[p]), money(amount))
	}
	fmt.Printf("TOTAL %s %s\n", hours(totalMin), money(totalCents))
}
