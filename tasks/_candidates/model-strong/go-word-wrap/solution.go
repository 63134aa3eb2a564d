package task

import (
	"fmt"
	"strings"
)

func Wrap(text string, width int) ([]string, error) {
	if width < 1 {
		return nil, fmt.Errorf("width must be at least 1, got %d", width)
	}
	lines := []string{}
	var line []rune
	for _, word := range strings.Fields(text) {
		w := []rune(word)
		// Hard-split words that cannot fit on any line.
		for len(w) > width {
			if len(line) > 0 {
				lines = append(lines, string(line))
				line = nil
			}
			lines = append(lines, string(w[:width]))
			w = w[width:]
		}
		if len(w) == 0 {
			continue
		}
		if len(line) > 0 && len(line)+1+len(w) > width {
			lines = append(lines, string(line))
			line = nil
		}
		if len(line) > 0 {
			line = append(line, ' ')
		}
		line = append(line, w...)
	}
	if len(line) > 0 {
		lines = append(lines, string(line))
	}
	return lines, nil
}
