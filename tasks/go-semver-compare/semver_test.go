package task

import "testing"

func expectCompare(t *testing.T, a, b string, want int) {
	t.Helper()
	got, err := Compare(a, b)
	if err != nil {
		t.Fatalf("Compare(%q, %q) returned error %v", a, b, err)
	}
	if got != want {
		t.Fatalf("Compare(%q, %q) = %d, want %d", a, b, got, want)
	}
}

func TestCoreOrdering(t *testing.T) {
	expectCompare(t, "1.2.3", "1.2.4", -1)
	expectCompare(t, "2.0.0", "1.9.9", 1)
	expectCompare(t, "1.2.3", "1.2.3", 0)
}

func TestNumericNotLexical(t *testing.T) {
	expectCompare(t, "1.10.0", "1.9.0", 1)
	expectCompare(t, "0.0.10", "0.0.2", 1)
}

func TestPrereleaseBeforeRelease(t *testing.T) {
	expectCompare(t, "1.0.0-alpha", "1.0.0", -1)
	expectCompare(t, "1.0.0", "1.0.0-rc.1", 1)
}

func TestPrereleasePrecedenceChain(t *testing.T) {
	chain := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"}
	for i := 0; i+1 < len(chain); i++ {
		expectCompare(t, chain[i], chain[i+1], -1)
		expectCompare(t, chain[i+1], chain[i], 1)
	}
}

func TestBuildMetadataIgnored(t *testing.T) {
	expectCompare(t, "1.0.0+build.5", "1.0.0+build.9", 0)
	expectCompare(t, "1.0.0-rc.1+exp", "1.0.0-rc.1", 0)
}

func TestLeadingV(t *testing.T) {
	expectCompare(t, "v1.4.0", "1.4.0", 0)
	expectCompare(t, "v1.4.0", "v1.3.99", 1)
}

func TestInvalidVersions(t *testing.T) {
	for _, bad := range []string{"", "1.2", "1.2.x", "01.2.3", "1.2.3-", "1.2.3-a..b", "1.2.3.4", "1.-2.3"} {
		if _, err := Compare(bad, "1.0.0"); err == nil {
			t.Errorf("Compare(%q, \"1.0.0\") returned no error", bad)
		}
		if _, err := Compare("1.0.0", bad); err == nil {
			t.Errorf("Compare(\"1.0.0\", %q) returned no error", bad)
		}
	}
}
