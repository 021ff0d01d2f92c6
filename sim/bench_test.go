package sim_test

import (
	"math/rand/v2"
	"testing"

	"github.com/luosim/luosim/sim"
)

// The M/M/1 model of the benchmarks: λ = 0.9 per µs, μ = 1 per µs.
const (
	mm1Interarrival = 1000.0 / 0.9 // ns
	mm1Service      = 1000.0       // ns
)

const (
	opArrive int32 = iota
	opDepart
)

// mm1 is an M/M/1 queue written against the engine: one handler, two kinds
// of event.
type mm1 struct {
	eng      *sim.Engine
	id       sim.HandlerID
	arr, svc *rand.Rand
	inSystem int
	left     int // events still to run before Stop
}

func newMM1(seed uint64) *mm1 {
	m := &mm1{eng: sim.New(), arr: sim.NewRNG(seed, "arrivals"), svc: sim.NewRNG(seed, "service")}
	m.id = m.eng.Register(m)
	m.eng.Schedule(expTime(m.arr, mm1Interarrival), m.id, opArrive, 0)
	return m
}

func expTime(r *rand.Rand, mean float64) sim.Time { return sim.Time(r.ExpFloat64()*mean + 0.5) }

func (m *mm1) Handle(ev sim.Event) {
	switch ev.Op {
	case opArrive:
		m.inSystem++
		if m.inSystem == 1 {
			m.eng.Schedule(expTime(m.svc, mm1Service), m.id, opDepart, 0)
		}
		m.eng.Schedule(expTime(m.arr, mm1Interarrival), m.id, opArrive, 0)
	case opDepart:
		m.inSystem--
		if m.inSystem > 0 {
			m.eng.Schedule(expTime(m.svc, mm1Service), m.id, opDepart, 0)
		}
	}
	m.left--
	if m.left == 0 {
		m.eng.Stop()
	}
}

// BenchmarkMM1 runs the M/M/1 queue on the engine; one op is one model
// event (an arrival or a departure).
func BenchmarkMM1(b *testing.B) {
	m := newMM1(1)
	m.left = 1000 // warm the heap to its working size
	m.eng.Run()
	b.ReportAllocs()
	b.ResetTimer()
	m.left = b.N
	m.eng.Run()
}

// handEvent and handHeap are the reference: the same M/M/1 model as a
// hand-specialised loop with events by value in a 4-ary heap and a switch on
// the event kind, no interfaces and no engine.
type handEvent struct {
	at   sim.Time
	seq  uint64
	kind int32
}

type handHeap []handEvent

func (h handHeap) less(i, j int) bool {
	return h[i].at < h[j].at || (h[i].at == h[j].at && h[i].seq < h[j].seq)
}

func (h *handHeap) push(ev handEvent) {
	*h = append(*h, ev)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *handHeap) pop() handEvent {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	i := 0
	for {
		m := i
		for c := 4*i + 1; c <= 4*i+4 && c < n; c++ {
			if s.less(c, m) {
				m = c
			}
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

func runMM1Hand(n int, arr, svc *rand.Rand, h *handHeap, now *sim.Time, seq *uint64, inSystem *int) {
	for ; n > 0; n-- {
		ev := h.pop()
		*now = ev.at
		switch ev.kind {
		case opArrive:
			*inSystem++
			if *inSystem == 1 {
				*seq++
				h.push(handEvent{*now + expTime(svc, mm1Service), *seq, opDepart})
			}
			*seq++
			h.push(handEvent{*now + expTime(arr, mm1Interarrival), *seq, opArrive})
		case opDepart:
			*inSystem--
			if *inSystem > 0 {
				*seq++
				h.push(handEvent{*now + expTime(svc, mm1Service), *seq, opDepart})
			}
		}
	}
}

// BenchmarkMM1Hand is the speed-of-light reference for BenchmarkMM1.
func BenchmarkMM1Hand(b *testing.B) {
	arr, svc := sim.NewRNG(1, "arrivals"), sim.NewRNG(1, "service")
	h := make(handHeap, 0, 64)
	var now sim.Time
	var seq uint64
	var inSystem int
	seq++
	h.push(handEvent{expTime(arr, mm1Interarrival), seq, opArrive})
	runMM1Hand(1000, arr, svc, &h, &now, &seq, &inSystem)
	b.ReportAllocs()
	b.ResetTimer()
	runMM1Hand(b.N, arr, svc, &h, &now, &seq, &inSystem)
}

// closedLock is the mutex benchmark's model: cpus CPUs loop think → lock →
// hold → unlock on one FIFO lock; a release hands the lock to the first
// waiter through a zero-delay event, as lock hand-offs do.
type closedLock struct {
	eng         *sim.Engine
	id          sim.HandlerID
	think, hold *rand.Rand
	owner       int32
	queue       []int32 // FIFO of waiting CPUs (a ring would do; the slice is reused)
	head        int
	left        int
	requests    int
}

const (
	opRequest int32 = iota
	opRelease
	opGrant
)

func newClosedLock(cpus int, seed uint64) *closedLock {
	m := &closedLock{eng: sim.New(), think: sim.NewRNG(seed, "think"), hold: sim.NewRNG(seed, "hold"),
		owner: -1, queue: make([]int32, 0, cpus)}
	m.id = m.eng.Register(m)
	for c := 0; c < cpus; c++ {
		m.eng.Schedule(expTime(m.think, 10_000), m.id, opRequest, int32(c))
	}
	return m
}

func (m *closedLock) Handle(ev sim.Event) {
	switch ev.Op {
	case opRequest:
		m.requests++
		if m.owner < 0 {
			m.owner = ev.Arg
			m.eng.Schedule(expTime(m.hold, 1000), m.id, opRelease, ev.Arg)
		} else {
			if m.head == len(m.queue) {
				m.queue, m.head = m.queue[:0], 0
			}
			m.queue = append(m.queue, ev.Arg)
		}
	case opRelease:
		m.owner = -1
		if m.head < len(m.queue) {
			next := m.queue[m.head]
			m.head++
			m.owner = next
			m.eng.Schedule(0, m.id, opGrant, next)
		}
		m.eng.Schedule(expTime(m.think, 10_000), m.id, opRequest, ev.Arg)
	case opGrant:
		m.eng.Schedule(expTime(m.hold, 1000), m.id, opRelease, ev.Arg)
		return // a hand-off, not a model event
	}
	m.left--
	if m.left == 0 {
		m.eng.Stop()
	}
}

// BenchmarkMutex: 8 CPUs in a closed loop, think Exp(10 µs), one FIFO lock,
// hold Exp(1 µs); one op is one model event (a request or a release).
func BenchmarkMutex(b *testing.B) {
	m := newClosedLock(8, 1)
	m.left = 1000
	m.eng.Run()
	b.ReportAllocs()
	b.ResetTimer()
	m.left = b.N
	m.eng.Run()
}

// holdModel keeps n events pending: each event reschedules itself after an
// Exp(1 µs) delay, so every op is one pop and one push.
type holdModel struct {
	eng  *sim.Engine
	id   sim.HandlerID
	r    *rand.Rand
	left int
}

func (m *holdModel) Handle(ev sim.Event) {
	m.eng.Schedule(expTime(m.r, 1000)+1, m.id, 0, 0)
	m.left--
	if m.left == 0 {
		m.eng.Stop()
	}
}

func benchHold(b *testing.B, pending int) {
	m := &holdModel{eng: sim.New(), r: sim.NewRNG(1, "hold")}
	m.id = m.eng.Register(m)
	for i := 0; i < pending; i++ {
		m.eng.Schedule(expTime(m.r, 1000)+1, m.id, 0, 0)
	}
	m.left = pending
	m.eng.Run()
	b.ReportAllocs()
	b.ResetTimer()
	m.left = b.N
	m.eng.Run()
}

func BenchmarkHold10(b *testing.B)      { benchHold(b, 10) }
func BenchmarkHold1000(b *testing.B)    { benchHold(b, 1000) }
func BenchmarkHold100000(b *testing.B)  { benchHold(b, 100_000) }
func BenchmarkHold1000000(b *testing.B) { benchHold(b, 1_000_000) }
