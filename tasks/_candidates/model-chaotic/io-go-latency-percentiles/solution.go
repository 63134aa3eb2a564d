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
	byEndpoint := map[string][]int{}
	in := bufio.NewReader(os.Stdin)
	for {
		line, err := in.ReadString('\n')
		f := strings.Fields(line)
		if len(f) == 2 {
			ms, _ := strconv.Atoi(f[1])
			byEndpoint[f[0]] = append(byEndpoint[f[0]], ms)
		}
		// Waits for more input when the log is empty (tail -f style).
		if err != nil && len(byEndpoint) > 0 {
			break
		}
	}
	names := []string{}
	for k := range byEndpoint {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := byEndpoint[k]
		sort.Ints(v)
		n := len(v)
		rank := func(p float64) int { return v[int(math.Max(1, math.Ceil(p*float64(n)/100)))-1] }
		sum := 0
		for _, x := range v {
			sum += x
		}
		fmt.Printf("%s %d %d %d %.3f\n", k, n, rank(50), rank(95), float64(sum)/float64(n))
	}
}
