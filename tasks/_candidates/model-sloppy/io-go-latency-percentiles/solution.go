package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	data := map[string][]int{}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		var ms int
		fmt.Sscan(f[1], &ms)
		data[f[0]] = append(data[f[0]], ms)
	}
	unused := 0
	for k, v := range data {
		sort.Ints(v)
		fmt.Println(k, len(v), v[len(v)/2], v[len(v)*95/100])
	}
}
