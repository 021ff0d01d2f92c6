package bench

import (
	"fmt"
	"strconv"

	"github.com/luosim/luosim/sim"
	"github.com/luosim/luosim/workload"
)

// Item is one unit of work of a sweep: a design at a point, one
// replication. Its result is a pure function of (scenario, item).
type Item struct {
	Index       int    `json:"index"`
	Design      string `json:"design"`
	Point       string `json:"point"` // e.g. "cpus=16"
	Replication int    `json:"replication"`
	// Seed identifies the item's random streams: every stream of the
	// item derives from (scenario seed, point, replication), never from
	// the design, so all designs of a replication share their numbers.
	Seed string `json:"seed"`

	pt workload.Point
}

// Plan returns the work items of sc in canonical order: designs, then
// CPU counts, then replications, as the scenario lists them. Run executes
// exactly this order.
func Plan(sc *workload.Scenario) []Item {
	var items []Item
	for _, d := range sc.Designs {
		for _, c := range sc.CPUs {
			pt := workload.Point{Design: d, CPUs: c}
			for r := 0; r < sc.Replications; r++ {
				s1, s2 := sim.Seed(sc.Seed, pt.Key(), "rep="+strconv.Itoa(r))
				items = append(items, Item{Index: len(items), Design: d.Name, Point: pt.Key(), Replication: r,
					Seed: fmt.Sprintf("%016x%016x", s1, s2), pt: pt})
			}
		}
	}
	return items
}

// params returns the sweep coordinates of pt by path, nil without sweep
// axes.
func params(pt workload.Point) map[string]float64 {
	return nil
}
