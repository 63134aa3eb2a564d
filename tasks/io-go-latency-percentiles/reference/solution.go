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
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	for in.Scan() {
		fields := strings.Fields(in.Text())
		if len(fields) != 2 {
			continue
		}
		ms, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		byEndpoint[fields[0]] = append(byEndpoint[fields[0]], ms)
	}
	if len(byEndpoint) == 0 {
		fmt.Println("none")
		return
	}
	names := make([]string, 0, len(byEndpoint))
	for name := range byEndpoint {
		names = append(names, name)
	}
	sort.Strings(names)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, name := range names {
		v := byEndpoint[name]
		sort.Ints(v)
		n := len(v)
		rank := func(p float64) int {
			r := int(math.Ceil(p * float64(n) / 100))
			if r < 1 {
				r = 1
			}
			return v[r-1]
		}
		sum := 0
		for _, x := range v {
			sum += x
		}
		fmt.Fprintf(out, "%s %d %d %d %.3f\n", name, n, rank(50), rank(95), float64(sum)/float64(n))
	}
}
