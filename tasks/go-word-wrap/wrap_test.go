package task

import (
	"reflect"
	"testing"
)

func expectWrap(t *testing.T, text string, width int, want []string) {
	t.Helper()
	got, err := Wrap(text, width)
	if err != nil {
		t.Fatalf("Wrap(%q, %d) returned error %v", text, width, err)
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Wrap(%q, %d) = %q, want %q", text, width, got, want)
	}
}

func TestGreedyFill(t *testing.T) {
	expectWrap(t, "the quick brown fox jumps over the lazy dog", 10,
		[]string{"the quick", "brown fox", "jumps over", "the lazy", "dog"})
}

func TestExactWidthFits(t *testing.T) {
	expectWrap(t, "abcde fghij", 5, []string{"abcde", "fghij"})
	expectWrap(t, "ab cd", 5, []string{"ab cd"})
}

func TestWhitespaceCollapses(t *testing.T) {
	expectWrap(t, "  one\t\ttwo \n three  ", 80, []string{"one two three"})
}

func TestLongWordIsSplit(t *testing.T) {
	expectWrap(t, "a supercalifragilistic b", 8, []string{"a", "supercal", "ifragili", "stic b"})
}

func TestRunesNotBytes(t *testing.T) {
	expectWrap(t, "café crème brûlée", 10, []string{"café crème", "brûlée"})
}

func TestEmptyAndInvalidWidth(t *testing.T) {
	expectWrap(t, "", 10, nil)
	expectWrap(t, "   \n\t ", 10, nil)
	if _, err := Wrap("text", 0); err == nil {
		t.Fatal("Wrap(\"text\", 0) returned no error")
	}
}
