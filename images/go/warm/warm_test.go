// Package task is compiled once at image build so the build cache holds what most tests use.
package task

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWarm(t *testing.T) {
	b, _ := json.Marshal([]int{1})
	s := fmt.Sprint(math.Abs(-1), rand.Intn(2) >= 0, regexp.MustCompile("a").MatchString("a"), strconv.Itoa(1))
	xs := []int{2, 1}
	sort.Ints(xs)
	assert.Equal(t, "[1]", string(b))
	require.True(t, strings.Contains(s, "1") && unicode.IsDigit('1'))
}
