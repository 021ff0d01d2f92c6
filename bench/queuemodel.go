package bench

import (
	"math/rand/v2"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
)

// queueModel is the validation workhorse: threads take mutexes from
// lockmodels and hold them for a sampled critical section, arriving either
// as an open Poisson stream (each arrival a fresh thread) or from a closed
// population of CPUs that think between requests. With the ideal profile it
// is a textbook queueing network.
type queueModel struct {
	eng   *sim.Engine
	id    sim.HandlerID
	locks []exclusive

	open  bool
	rate  float64  // open: arrivals per ns
	think sim.Dist // closed
	hold  sim.Dist
	arr   *rand.Rand
	svc   *rand.Rand
	thk   *rand.Rand

	// Per thread.
	lockOf  []int
	arrived []sim.Time
	granted []sim.Time
	free    []int32 // open model: idle thread slots

	warmup, end sim.Time

	// Measurements over [warmup, end): ops that arrived after warmup and
	// completed before end.
	resp, wait sim.Histogram
	done       uint64
	inSystem   int
	area       float64 // ∫ inSystem dt over the window
	lastChange sim.Time
}

const (
	qmArrive  int32 = iota // open arrival
	qmThink                // closed: thread ends its think time
	qmGrant                // a lock granted to a waiting thread
	qmRelease              // end of a critical section
)

type queueSpec struct {
	open    bool
	lambda  float64 // open: per ns
	threads int     // closed population
	locks   int     // thread i uses lock i mod locks
	think   sim.Dist
	hold    sim.Dist
	ops     int // measured ops (approximately, for open models)
	seed    uint64
	newLock func(*sim.Engine, lockmodels.Notify) exclusive // nil: an ideal lockmodels.Mutex
}

// exclusive is the part of a mutex the queue model uses; tests substitute
// deliberately wrong locks to prove validation catches them.
type exclusive interface {
	Lock(tid int32, cpu int) (bool, sim.Time)
	Unlock(tid int32, cpu int) sim.Time
	Stats() lockmodels.Stats
}

// runQueue runs one replication and returns its measurements.
func runQueue(sp queueSpec, rep int) queueSample {
	m := &queueModel{eng: sim.New(), open: sp.open, rate: sp.lambda, think: sp.think, hold: sp.hold}
	key := []string{"validate", itoa(rep)}
	m.arr = sim.NewRNG(sp.seed, append(key, "arrivals")...)
	m.svc = sim.NewRNG(sp.seed, append(key, "service")...)
	m.thk = sim.NewRNG(sp.seed, append(key, "think")...)
	m.id = m.eng.Register(m)
	notify := lockmodels.Notify{H: m.id, Op: qmGrant}
	for i := 0; i < max(sp.locks, 1); i++ {
		if sp.newLock != nil {
			m.locks = append(m.locks, sp.newLock(m.eng, notify))
		} else {
			m.locks = append(m.locks, lockmodels.NewMutex(m.eng, lockmodels.IdealProfile(), notify))
		}
	}
	var cycle float64 // mean time between measured ops
	if sp.open {
		cycle = 1 / sp.lambda
		m.eng.Schedule(m.interarrival(), m.id, qmArrive, 0)
	} else {
		n := sp.threads
		m.lockOf = make([]int, n)
		m.arrived = make([]sim.Time, n)
		m.granted = make([]sim.Time, n)
		for i := 0; i < n; i++ {
			m.lockOf[i] = i % len(m.locks)
			m.eng.Schedule(sp.think.Sample(m.thk), m.id, qmThink, int32(i))
		}
		// A closed population completes at most n ops per (think + hold).
		cycle = (sp.think.Mean() + sp.hold.Mean()) / float64(n)
		cycle = max(cycle, sp.hold.Mean()/float64(len(m.locks)))
	}
	span := sim.Time(cycle * float64(sp.ops))
	m.warmup = span / 10
	m.end = m.warmup + span
	m.lastChange = m.warmup
	m.eng.RunUntil(m.end)
	m.account(m.end)
	T := float64(m.end - m.warmup)
	return queueSample{
		throughput: float64(m.done) / T,
		meanResp:   m.resp.Mean(),
		meanWait:   m.wait.Mean(),
		p99Resp:    m.resp.Quantile(0.99),
		p99Wait:    m.wait.Quantile(0.99),
		timeAvgL:   m.area / T,
		lockUtil:   lockUtil(m.locks, m.end),
	}
}

func lockUtil(locks []exclusive, elapsed sim.Time) float64 {
	var s lockmodels.Stats
	for _, l := range locks {
		s.Add(l.Stats())
	}
	return s.Utilization(elapsed) / float64(len(locks))
}

func (m *queueModel) interarrival() sim.Time {
	return sim.Time(m.arr.ExpFloat64()/m.rate + 0.5)
}

// account integrates the number in system up to now.
func (m *queueModel) account(now sim.Time) {
	if now > m.warmup {
		from := max(m.lastChange, m.warmup)
		m.area += float64(m.inSystem) * float64(now-from)
	}
	m.lastChange = now
}

func (m *queueModel) Handle(ev sim.Event) {
	now := m.eng.Now()
	tid := ev.Arg
	switch ev.Op {
	case qmArrive:
		tid = m.newThread()
		m.eng.Schedule(m.interarrival(), m.id, qmArrive, 0)
		m.request(tid, now)
	case qmThink:
		m.request(tid, now)
	case qmGrant:
		m.granted[tid] = now
		m.eng.Schedule(m.hold.Sample(m.svc), m.id, qmRelease, tid)
	case qmRelease:
		m.locks[m.lockOf[tid]].Unlock(tid, int(tid))
		m.account(now)
		m.inSystem--
		if a := m.arrived[tid]; a >= m.warmup && now < m.end {
			m.resp.Record(int64(now - a))
			m.wait.Record(int64(m.granted[tid] - a))
			m.done++
		}
		if m.open {
			m.free = append(m.free, tid)
		} else {
			m.eng.Schedule(m.think.Sample(m.thk), m.id, qmThink, tid)
		}
	}
}

func (m *queueModel) newThread() int32 {
	if n := len(m.free); n > 0 {
		tid := m.free[n-1]
		m.free = m.free[:n-1]
		return tid
	}
	m.lockOf = append(m.lockOf, 0)
	m.arrived = append(m.arrived, 0)
	m.granted = append(m.granted, 0)
	return int32(len(m.lockOf) - 1)
}

func (m *queueModel) request(tid int32, now sim.Time) {
	m.account(now)
	m.inSystem++
	m.arrived[tid] = now
	if ok, _ := m.locks[m.lockOf[tid]].Lock(tid, int(tid)); ok {
		m.granted[tid] = now
		m.eng.Schedule(m.hold.Sample(m.svc), m.id, qmRelease, tid)
	}
}

// lineModel is n CPUs in a closed loop doing one atomic RMW on a shared
// cache line between think times: the line is a FIFO server whose service
// is one transfer (cost-model.md §5.3).
type lineModel struct {
	eng   *sim.Engine
	id    sim.HandlerID
	line  *lockmodels.CacheLine
	think sim.Dist
	thk   *rand.Rand
	start []sim.Time

	warmup, end sim.Time
	done        uint64
	respSum     float64
	inSystem    int
	area        float64
	lastChange  sim.Time
}

const (
	lmRequest int32 = iota
	lmDone
)

func runLine(n int, think sim.Dist, prof *lockmodels.Profile, ops int, seed uint64, rep int) queueSample {
	m := &lineModel{eng: sim.New(), think: think, thk: sim.NewRNG(seed, "validate", itoa(rep), "think"), start: make([]sim.Time, n)}
	m.line = lockmodels.NewCacheLine(prof, nil)
	m.id = m.eng.Register(m)
	for i := 0; i < n; i++ {
		m.eng.Schedule(think.Sample(m.thk), m.id, lmRequest, int32(i))
	}
	cycle := max((think.Mean()+float64(prof.LineLLC))/float64(n), float64(prof.LineLLC))
	span := sim.Time(cycle * float64(ops))
	m.warmup, m.end = span/10, span/10+span
	m.lastChange = m.warmup
	m.eng.RunUntil(m.end)
	m.account(m.end)
	T := float64(m.end - m.warmup)
	return queueSample{throughput: float64(m.done) / T, meanResp: m.respSum / float64(m.done), timeAvgL: m.area / T}
}

func (m *lineModel) account(now sim.Time) {
	if now > m.warmup {
		m.area += float64(m.inSystem) * float64(now-max(m.lastChange, m.warmup))
	}
	m.lastChange = now
}

func (m *lineModel) Handle(ev sim.Event) {
	now := m.eng.Now()
	m.account(now)
	switch ev.Op {
	case lmRequest:
		m.inSystem++
		m.start[ev.Arg] = now
		m.eng.Schedule(m.line.RMW(now, int(ev.Arg)), m.id, lmDone, ev.Arg)
	case lmDone:
		m.inSystem--
		if s := m.start[ev.Arg]; s >= m.warmup && now < m.end {
			m.done++
			m.respSum += float64(now - s)
		}
		m.eng.Schedule(m.think.Sample(m.thk), m.id, lmRequest, ev.Arg)
	}
}

// queueSample is what one replication measured. Times are ns, rates per ns.
type queueSample struct {
	throughput         float64
	meanResp, meanWait float64
	p99Resp, p99Wait   float64
	timeAvgL           float64 // time-average number in system
	lockUtil           float64
}
