package sim_test

import (
	"fmt"

	"github.com/luosim/luosim/sim"
)

// greeter prints each event it handles and, for the first one, schedules a
// zero-delay follow-up: it runs at the same instant, after the events that
// were already due.
type greeter struct {
	eng *sim.Engine
	id  sim.HandlerID
}

func (g *greeter) Handle(ev sim.Event) {
	fmt.Printf("%v op=%d arg=%d\n", ev.At, ev.Op, ev.Arg)
	if ev.Op == 1 {
		g.eng.Schedule(0, g.id, 2, ev.Arg)
	}
}

func Example() {
	eng := sim.New()
	g := &greeter{eng: eng}
	g.id = eng.Register(g)
	eng.Schedule(2*sim.Microsecond, g.id, 1, 7)
	eng.Schedule(2*sim.Microsecond, g.id, 3, 8) // same instant: runs second, FIFO
	eng.Schedule(500*sim.Nanosecond, g.id, 4, 9)
	eng.Run()
	fmt.Println("events:", eng.Executed(), "now:", eng.Now())
	// Output:
	// 500ns op=4 arg=9
	// 2µs op=1 arg=7
	// 2µs op=3 arg=8
	// 2µs op=2 arg=7
	// events: 4 now: 2µs
}

func ExampleEngine_RunUntil() {
	eng := sim.New()
	g := &greeter{eng: eng}
	g.id = eng.Register(g)
	for i := int32(1); i <= 3; i++ {
		eng.Schedule(sim.Time(i)*sim.Millisecond, g.id, 0, i)
	}
	eng.RunUntil(2500 * sim.Microsecond)
	fmt.Println("now:", eng.Now(), "pending:", eng.Pending())
	// Output:
	// 1ms op=0 arg=1
	// 2ms op=0 arg=2
	// now: 2.5ms pending: 1
}

func ExampleNewRNG() {
	// Streams are named: the same (root, key) always gives the same draws,
	// and other keys give independent ones.
	a := sim.NewRNG(1, "arrivals")
	b := sim.NewRNG(1, "arrivals")
	fmt.Println(a.Uint64() == b.Uint64())
	// Output: true
}

func ExampleDist() {
	d := sim.LogNormalDist(400_000, 0.5) // 400 µs mean, cv 0.5
	r := sim.NewRNG(1, "callbacks")
	fmt.Println(d)
	fmt.Printf("mean %.0fns cv %.1f\n", d.Mean(), d.CV())
	x := d.Sample(r)
	fmt.Println(x > 0)
	// Output:
	// {dist: lognormal, mean: 400µs, cv: 0.5}
	// mean 400000ns cv 0.5
	// true
}

// A histogram's compact form keeps only its non-empty buckets: what a
// sweep holds per item, and what its shard files carry.
func ExampleHistogram_Compact() {
	var h sim.Histogram
	for _, v := range []int64{100, 100, 2500, 1_000_000} {
		h.Record(v)
	}
	c := h.Compact()
	fmt.Println(len(c.Buckets), "buckets; median", c.Quantile(0.5), "max", c.Quantile(1))
	var merged sim.Histogram
	merged.MergeCompact(&c)
	fmt.Println(merged.Count(), "values, mean", merged.Mean())
	// Output:
	// 3 buckets; median 100 max 1e+06
	// 4 values, mean 250675
}
