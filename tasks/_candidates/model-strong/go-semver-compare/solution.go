package task

import (
	"fmt"
	"strconv"
	"strings"
)

type version struct {
	core [3]uint64
	pre  []string
}

func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func validIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func parse(s string) (version, error) {
	var v version
	text := strings.TrimPrefix(s, "v")
	if i := strings.IndexByte(text, '+'); i >= 0 {
		for _, id := range strings.Split(text[i+1:], ".") {
			if !validIdent(id) {
				return v, fmt.Errorf("version %q: bad build metadata", s)
			}
		}
		text = text[:i]
	}
	if i := strings.IndexByte(text, '-'); i >= 0 {
		v.pre = strings.Split(text[i+1:], ".")
		for _, id := range v.pre {
			if !validIdent(id) || (isNumeric(id) && len(id) > 1 && id[0] == '0') {
				return v, fmt.Errorf("version %q: bad pre-release identifier %q", s, id)
			}
		}
		text = text[:i]
	}
	parts := strings.Split(text, ".")
	if len(parts) != 3 {
		return v, fmt.Errorf("version %q: want MAJOR.MINOR.PATCH", s)
	}
	for i, p := range parts {
		if !isNumeric(p) || (len(p) > 1 && p[0] == '0') {
			return v, fmt.Errorf("version %q: bad number %q", s, p)
		}
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return v, fmt.Errorf("version %q: %v", s, err)
		}
		v.core[i] = n
	}
	return v, nil
}

func cmp[T int | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func comparePre(a, b []string) int {
	if len(a) == 0 || len(b) == 0 {
		// No pre-release ranks above any pre-release.
		return -cmp(len(a), len(b))
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		an, bn := isNumeric(a[i]), isNumeric(b[i])
		switch {
		case an:
			return -1
		case bn:
			return 1
		default:
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
	}
	return cmp(len(a), len(b))
}

func Compare(a, b string) (int, error) {
	va, err := parse(a)
	if err != nil {
		return 0, err
	}
	vb, err := parse(b)
	if err != nil {
		return 0, err
	}
	for i := range va.core {
		if c := cmp(va.core[i], vb.core[i]); c != 0 {
			return c, nil
		}
	}
	return comparePre(va.pre, vb.pre), nil
}
