package task

import (
	"reflect"
	"testing"
)

func expectSpiral(t *testing.T, m [][]int, want []int) {
	t.Helper()
	got := Spiral(m)
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Spiral(%v) = %v, want %v", m, got, want)
	}
}

func TestSquare(t *testing.T) {
	expectSpiral(t, [][]int{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, []int{1, 2, 3, 6, 9, 8, 7, 4, 5})
}

func TestWide(t *testing.T) {
	expectSpiral(t, [][]int{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}},
		[]int{1, 2, 3, 4, 8, 12, 11, 10, 9, 5, 6, 7})
}

func TestTall(t *testing.T) {
	expectSpiral(t, [][]int{{1, 2}, {3, 4}, {5, 6}, {7, 8}}, []int{1, 2, 4, 6, 8, 7, 5, 3})
}

func TestSingleRowAndColumn(t *testing.T) {
	expectSpiral(t, [][]int{{1, 2, 3}}, []int{1, 2, 3})
	expectSpiral(t, [][]int{{1}, {2}, {3}}, []int{1, 2, 3})
	expectSpiral(t, [][]int{{7}}, []int{7})
}

func TestEmpty(t *testing.T) {
	expectSpiral(t, nil, nil)
	expectSpiral(t, [][]int{}, nil)
	expectSpiral(t, [][]int{{}, {}}, nil)
}

func TestInputUntouched(t *testing.T) {
	m := [][]int{{1, 2}, {3, 4}}
	Spiral(m)
	if !reflect.DeepEqual(m, [][]int{{1, 2}, {3, 4}}) {
		t.Fatalf("input was modified: %v", m)
	}
}
