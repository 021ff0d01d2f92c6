package workload

import (
	"strings"
	"testing"

	"github.com/luosim/luosim/lockmodels"
)

// eventCounter counts nothing; Run's Result carries the event count.
type eventCounter struct{}

func (eventCounter) Record(lockmodels.Op, Sample) {}

// TestEstimateEventsBounds: the estimate is an upper bound of what runs
// take, within an order of magnitude, for both workload kinds.
func TestEstimateEventsBounds(t *testing.T) {
	life := fleet("xeon2s-icx", 50)
	life.Designs = []lockmodels.Design{mustDesign(t, "v3-merged")}
	life.Replications = 1
	steady, err := Parse("s.yaml", []byte(`
name: s
machine: ideal
cpus: 8
designs: [global-mutex]
replications: 1
handlers: [{name: h, preserve: {dist: exp, mean: 1us}}]
sessions: {count: 4, files: [{handler: h, count: 2}]}
workload: {kind: steady, arrival: {kind: closed, think: {dist: exp, mean: 10us}}, mix: {preserve: 1}, duration: 20ms, warmup: 1ms}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []*Scenario{life, steady} {
		sc.Faults = Faults{}
		var actual float64
		for _, c := range sc.CPUs {
			actual += float64(Run(sc, Point{Design: sc.Designs[0], CPUs: c}, 0, eventCounter{}).Events)
		}
		est := sc.EstimateEvents()
		if est < actual || est > 10*actual {
			t.Errorf("%s: estimate %.3g for %.3g actual events", sc.Name, est, actual)
		}
	}
}

func TestCheckBudget(t *testing.T) {
	sc := Default()
	if err := sc.CheckBudget(DefaultMaxEvents); err != nil {
		t.Fatalf("the default scenario is over budget: %v", err)
	}
	sc.Sessions.Count, sc.Sessions.Files = 100_000, []FileGroup{{Handler: "memfd", Count: 500}}
	err := sc.CheckBudget(DefaultMaxEvents)
	if err == nil || !strings.Contains(err.Error(), "-max-events") {
		t.Errorf("huge scenario: %v", err)
	}
}

func mustDesign(t *testing.T, name string) lockmodels.Design {
	d, ok := lockmodels.LookupDesign(name)
	if !ok {
		t.Fatalf("no design %s", name)
	}
	return d
}
