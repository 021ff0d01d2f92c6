package lockmodels

import (
	"math/rand/v2"
	"testing"

	"github.com/luosim/luosim/sim"
)

// closedLoop is sim's BenchmarkMutex model on the real Mutex: cpus CPUs
// loop think Exp(10 µs) → lock → hold Exp(1 µs) → unlock.
type closedLoop struct {
	eng  *sim.Engine
	id   sim.HandlerID
	mu   *Mutex
	r    *rand.Rand
	left int
}

const (
	clRequest int32 = iota
	clGrant
	clRelease
)

func (m *closedLoop) exp(mean float64) sim.Time { return sim.Time(m.r.ExpFloat64()*mean + 0.5) }

func (m *closedLoop) Handle(ev sim.Event) {
	switch ev.Op {
	case clRequest:
		if ok, cost := m.mu.Lock(ev.Arg, int(ev.Arg)); ok {
			m.eng.Schedule(cost+m.exp(1000), m.id, clRelease, ev.Arg)
		}
	case clGrant:
		m.eng.Schedule(m.exp(1000), m.id, clRelease, ev.Arg)
		return // a hand-off, not a model event
	case clRelease:
		m.eng.Schedule(m.mu.Unlock(ev.Arg, int(ev.Arg))+m.exp(10_000), m.id, clRequest, ev.Arg)
	}
	m.left--
	if m.left == 0 {
		m.eng.Stop()
	}
}

func benchMutex(b *testing.B, prof *Profile) {
	m := &closedLoop{eng: sim.New(), r: rand.New(rand.NewPCG(1, 1))}
	m.id = m.eng.Register(m)
	m.mu = NewMutex(m.eng, prof, Notify{H: m.id, Op: clGrant})
	for c := int32(0); c < 8; c++ {
		m.eng.Schedule(m.exp(10_000), m.id, clRequest, c)
	}
	m.left = 10_000
	m.eng.Run()
	b.ReportAllocs()
	b.ResetTimer()
	m.left = b.N
	m.eng.Run()
}

// BenchmarkMutexIdeal and BenchmarkMutexKernel: one op is one model event
// (a request or a release) on the lockmodels Mutex.
func BenchmarkMutexIdeal(b *testing.B) { benchMutex(b, IdealProfile()) }

func BenchmarkMutexKernel(b *testing.B) { benchMutex(b, testProfile()) }
