package workload

import (
	"fmt"
	"math"
)

// DefaultMaxEvents is the event budget of a whole run (all designs, CPU
// counts and replications) unless the user raises it.
const DefaultMaxEvents = 1_000_000_000

// Events per operation, measured on the embedded scenarios: a lifecycle
// file costs 21–27 events over its preserve, retrieve and finish; a
// steady op about 3.
const (
	eventsPerLifecycleFile = 40
	eventsPerSteadyOp      = 4
)

// EstimateEvents estimates the simulation events of running every design,
// point (CPU count and sweep values) and replication of sc. It errs on the
// high side; its purpose is to refuse a run that would take hours before
// it starts.
func (sc *Scenario) EstimateEvents() float64 {
	reps := float64(len(sc.Designs) * sc.Replications)
	if len(sc.Sweep) == 0 {
		var total float64
		for _, cpus := range sc.CPUs {
			total += sc.pointEvents(cpus)
		}
		return total * reps
	}
	// One scratch copy takes the coordinates of every point in turn: each
	// point sets every axis, so what a point leaves does not matter.
	s := sc.clone()
	s.Sweep = nil
	fields := make([]*sweepField, len(sc.Sweep))
	for i, a := range sc.Sweep {
		if fields[i], _ = resolveSweep(s, a.Path); fields[i] == nil {
			return math.Inf(1) // not a parsed scenario: refuse it
		}
	}
	coords := make([]Coord, len(sc.Sweep))
	var total float64
	for _, cpus := range sc.CPUs {
		forEachCombination(sc.Sweep, func(idx []int) bool {
			for i, j := range idx {
				coords[i] = Coord{Path: sc.Sweep[i].Path, Value: sc.Sweep[i].Values[j]}
			}
			applySweep(s, fields, coords)
			total += s.pointEvents(cpus)
			return true
		})
	}
	return total * reps
}

// pointEvents estimates the events of one replication of sc on one design
// at the given CPU count.
func (sc *Scenario) pointEvents(cpus int) float64 {
	if sc.Workload.Kind == Steady {
		w := sc.Workload
		window := float64(w.Duration)
		var rate float64 // ops per ns
		if w.Arrival.Kind == Open {
			rate = w.Arrival.Rate / 1e9
		} else {
			// Each CPU does at most one op per think time plus the
			// cheapest op; take the think time alone (an upper bound).
			rate = float64(cpus) / math.Max(w.Arrival.Think.Mean(), 100)
		}
		return rate * window * eventsPerSteadyOp
	}
	files := float64(sc.Sessions.Count) * float64(sc.Sessions.FilesPerSession())
	return files*eventsPerLifecycleFile + 10*float64(sc.Sessions.Count)
}

// CheckBudget refuses a scenario whose estimated events exceed max.
func (sc *Scenario) CheckBudget(max float64) error {
	if est := sc.EstimateEvents(); est > max {
		return fmt.Errorf("scenario %q needs about %.3g simulation events, over the budget of %.3g: shorten the run, "+
			"reduce sessions, files, CPU counts, sweep values or replications, or raise the budget with -max-events", sc.Name, est, max)
	}
	return nil
}
