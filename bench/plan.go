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

// Plan returns the work items of sc in canonical order: designs as the
// scenario lists them, then the points of the grid (CPU counts, then the
// sweep axes, the last varying fastest), then replications. RunChecked
// executes exactly this order.
func Plan(sc *workload.Scenario) []Item {
	var items []Item
	points := sc.Points()
	for _, d := range sc.Designs {
		for _, p := range points {
			pt := p
			pt.Design = d
			key := pt.Key()
			for r := 0; r < sc.Replications; r++ {
				s1, s2 := sim.Seed(sc.Seed, key, "rep="+strconv.Itoa(r))
				items = append(items, Item{Index: len(items), Design: d.Name, Point: key, Replication: r,
					Seed: fmt.Sprintf("%016x%016x", s1, s2), pt: pt})
			}
		}
	}
	return items
}

// params returns the sweep coordinates of pt by path, nil without sweep
// axes.
func params(pt workload.Point) map[string]float64 {
	if len(pt.Coords) == 0 {
		return nil
	}
	m := make(map[string]float64, len(pt.Coords))
	for _, c := range pt.Coords {
		m[c.Path] = c.Value.Num
	}
	return m
}
