package lockmodels

import "github.com/luosim/luosim/sim"

// Stats counts what happened on one lock (or, added up, a class of locks).
type Stats struct {
	Acquisitions uint64   // grants, contended or not
	Contended    uint64   // grants that had to wait
	WaitTotal    sim.Time // sum over grants of (grant time - request time)
	HoldTotal    sim.Time // sum over releases of (release time - grant time)
	Transfers    uint64   // cache-line transfers of the lock's own word(s)

	// Hand-offs by kind: to a spinning waiter (one line transfer), to a
	// sleeping waiter (a wake-up), and acquisitions that stole the lock
	// from a woken waiter still on its way to run.
	HandoffSpinner uint64
	HandoffSleeper uint64
	Stolen         uint64

	MaxQueue int // most threads queued at once
}

// Add accumulates o into s (for per-class totals).
func (s *Stats) Add(o Stats) {
	s.Acquisitions += o.Acquisitions
	s.Contended += o.Contended
	s.WaitTotal += o.WaitTotal
	s.HoldTotal += o.HoldTotal
	s.Transfers += o.Transfers
	s.HandoffSpinner += o.HandoffSpinner
	s.HandoffSleeper += o.HandoffSleeper
	s.Stolen += o.Stolen
	s.MaxQueue = max(s.MaxQueue, o.MaxQueue)
}

// Sub removes o, an earlier snapshot of the same locks, from s: what
// happened since (MaxQueue stays the maximum over the whole run).
func (s *Stats) Sub(o Stats) {
	s.Acquisitions -= o.Acquisitions
	s.Contended -= o.Contended
	s.WaitTotal -= o.WaitTotal
	s.HoldTotal -= o.HoldTotal
	s.Transfers -= o.Transfers
	s.HandoffSpinner -= o.HandoffSpinner
	s.HandoffSleeper -= o.HandoffSleeper
	s.Stolen -= o.Stolen
}

// MeanWait returns the mean wait per acquisition.
func (s *Stats) MeanWait() float64 { return ratio(float64(s.WaitTotal), s.Acquisitions) }

// MeanHold returns the mean hold time per acquisition.
func (s *Stats) MeanHold() float64 { return ratio(float64(s.HoldTotal), s.Acquisitions) }

// Utilization returns the share of elapsed during which the lock was held.
func (s *Stats) Utilization(elapsed sim.Time) float64 {
	if elapsed <= 0 {
		return 0
	}
	return float64(s.HoldTotal) / float64(elapsed)
}

func ratio(x float64, n uint64) float64 {
	if n == 0 {
		return 0
	}
	return x / float64(n)
}

// ClassStats collects the wait and hold distributions of a class of locks
// (all session mutexes, say): memory per class, not per lock. A lock
// records into it when its Class field is set.
type ClassStats struct {
	Wait sim.Histogram // per acquisition: request to grant
	Hold sim.Histogram // per release: grant to release (reader-held periods for rwsems)
}

// Reset forgets every sample (the end of a warm-up).
func (c *ClassStats) Reset() { *c = ClassStats{} }

func (c *ClassStats) wait(d sim.Time) {
	if c != nil {
		c.Wait.Record(int64(d))
	}
}

func (c *ClassStats) hold(d sim.Time) {
	if c != nil {
		c.Hold.Record(int64(d))
	}
}

// Notify says where a lock delivers a grant: an event (H, Op, thread id).
type Notify struct {
	H  sim.HandlerID
	Op int32
}

// waiter is a queued thread.
type waiter struct {
	tid      int32
	cpu      int32
	write    bool // rwsem: a writer
	spinning bool // on its CPU, polling the lock, rather than asleep
	woken    bool // woken and on its way to run
	since    sim.Time
}
