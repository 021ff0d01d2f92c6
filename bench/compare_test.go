package bench

import (
	"strings"
	"testing"
)

// TestCompareRefcount: two designs that differ only in module refcounting
// compare as "no significant difference" where callbacks dominate, and as
// significantly slower in a near-zero-callback scenario.
func TestCompareRefcount(t *testing.T) {
	compare := func(callback, think string) Comparison {
		sc := refcountScenario(t, callback, think, 5)
		cs, err := Compare(Run(sc, RunConfig{Workers: 2}), "session+norefcount", "session+refcount", 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Op == "preserve" && c.Metric == "latency_mean" {
				t.Logf("callbacks %s: %+.3f%% %v p=%.3g: %s", callback, c.DeltaPct, c.CI95Pct, c.P, c.Verdict)
				return c
			}
		}
		t.Fatal("no preserve comparison")
		return Comparison{}
	}
	if c := compare("{dist: lognormal, mean: 500us, cv: 0.5}", "1ms"); !strings.HasPrefix(c.Verdict, "no significant difference") {
		t.Errorf("callbacks dominate: verdict %q", c.Verdict)
	}
	if c := compare("{dist: const, value: 0}", "50us"); c.P >= 0.05 || c.DeltaPct < 5 || !strings.Contains(c.Verdict, "slower on average") {
		t.Errorf("near-zero callbacks: delta %+.2f%% p %.3g verdict %q; want a significant slowdown", c.DeltaPct, c.P, c.Verdict)
	}
}

func TestCompareErrors(t *testing.T) {
	doc := smallDoc(t)
	if _, err := Compare(doc, "v3-merged", "nonesuch", 1); err == nil {
		t.Error("comparing with a design that did not run succeeded")
	}
	cs, err := Compare(doc, "v2-no-refcount", "v2-no-refcount", 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.DeltaPct != 0 || c.P != 1 || c.Verdict != "no significant difference" {
			t.Errorf("a design against itself: %+v", c)
		}
	}
}
