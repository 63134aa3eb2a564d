package task

import (
	"fmt"
	"strconv"
	"strings"
)

type Row struct {
	Name       string
	Qty        int
	PriceCents int64
}

// money formats cents as $1,234.50.
func money(cents int64) string {
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("$%s.%02d", b.String(), cents%100)
}

func RenderReport(title string, rows []Row) string {
	cells := [][3]string{{"Name", "Qty", "Amount"}}
	totalQty, totalCents := 0, int64(0)
	for _, r := range rows {
		amount := int64(r.Qty) * r.PriceCents
		totalQty += r.Qty
		totalCents += amount
		cells = append(cells, [3]string{r.Name, strconv.Itoa(r.Qty), money(amount)})
	}
	cells = append(cells, [3]string{"TOTAL", strconv.Itoa(totalQty), money(totalCents)})
	var w [3]int
	for _, c := range cells {
		for i := range c {
			if len(c[i]) > w[i] {
				w[i] = len(c[i])
			}
		}
	}
	var b strings.Builder
	b.WriteString(title + "\n" + strings.Repeat("=", len(title)) + "\n")
	for _, c := range cells {
		fmt.Fprintf(&b, "%-*s  %*s  %*s\n", w[0], c[0], w[1], c[1], w[2], c[2])
	}
	return b.String()
}
