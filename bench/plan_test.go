package bench

import (
	"testing"

	"github.com/luosim/luosim/workload"
)

func TestPlan(t *testing.T) {
	sc := workload.Default()
	items := Plan(sc)
	if want := len(sc.Designs) * len(sc.CPUs) * sc.Replications; len(items) != want {
		t.Fatalf("%d items, want %d", len(items), want)
	}
	seeds := map[string]string{}
	for i, it := range items {
		if it.Index != i {
			t.Errorf("item %d has index %d", i, it.Index)
		}
		// Common random numbers: the same point and replication has the
		// same seed in every design, and different ones otherwise.
		key := it.Point + "/" + itoa(it.Replication)
		if s, ok := seeds[key]; ok && s != it.Seed {
			t.Errorf("%s: seed differs between designs", key)
		}
		seeds[key] = it.Seed
	}
	if len(seeds) != len(sc.CPUs)*sc.Replications {
		t.Errorf("%d distinct seeds, want %d", len(seeds), len(sc.CPUs)*sc.Replications)
	}
	if items[0].Design != sc.Designs[0].Name || items[1].Replication != 1 || items[sc.Replications].Point != "cpus=2" {
		t.Errorf("order: %+v %+v %+v", items[0], items[1], items[sc.Replications])
	}
}

// TestRunFollowsPlan: Run executes and combines items in Plan's order.
func TestRunFollowsPlan(t *testing.T) {
	sc := workload.Default()
	sc.CPUs, sc.Replications = []int{4, 2}, 2
	items := Plan(sc)
	doc := Run(sc, RunConfig{Workers: 2})
	for i, r := range doc.Results {
		it := items[i*sc.Replications]
		if r.Design != it.Design || "cpus="+itoa(r.CPUs) != it.Point {
			t.Errorf("result %d is %s/cpus=%d, plan says %s/%s", i, r.Design, r.CPUs, it.Design, it.Point)
		}
	}
}
