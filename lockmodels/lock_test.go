package lockmodels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/luosim/luosim/sim"
)

// harness drives threads against one lock: each thread requests the lock at
// a given time, holds it for a given time and releases it. It checks mutual
// exclusion (and reader/writer exclusion) on every grant and records who got
// the lock when.
type harness struct {
	t     *testing.T
	eng   *sim.Engine
	id    sim.HandlerID
	lock  lockUnderTest
	req   []request
	grant []sim.Time // per thread; -1 until granted
	rel   []sim.Time
	order []int32 // grant order

	writers, readers int
}

type request struct {
	at, hold sim.Time
	cpu      int
	read     bool // rwsem: down_read
	sleepsAt sim.Time
	sleeps   bool // the critical section sleeps (mutex owner not running)
}

type lockUnderTest interface {
	lock(h *harness, tid int32) (bool, sim.Time)
	unlock(h *harness, tid int32) sim.Time
	stats() Stats
}

const (
	opReq int32 = iota
	opGrant
	opRel
	opSleep
)

func newHarness(t *testing.T, reqs []request) *harness {
	h := &harness{t: t, eng: sim.New(), req: reqs}
	h.id = h.eng.Register(h)
	h.grant = make([]sim.Time, len(reqs))
	h.rel = make([]sim.Time, len(reqs))
	for i, r := range reqs {
		h.grant[i] = -1
		h.eng.ScheduleAt(r.at, h.id, opReq, int32(i))
	}
	return h
}

func (h *harness) notify() Notify { return Notify{H: h.id, Op: opGrant} }

func (h *harness) Handle(ev sim.Event) {
	tid := ev.Arg
	r := h.req[tid]
	switch ev.Op {
	case opReq:
		if ok, cost := h.lock.lock(h, tid); ok {
			h.eng.Schedule(cost, h.id, opGrant, tid)
		}
	case opGrant:
		if h.grant[tid] >= 0 {
			h.t.Fatalf("thread %d granted twice", tid)
		}
		h.grant[tid] = h.eng.Now()
		h.order = append(h.order, tid)
		if r.read {
			h.readers++
		} else {
			h.writers++
		}
		if h.writers > 1 || (h.writers == 1 && h.readers > 0) {
			h.t.Fatalf("t=%d: exclusion violated: %d writers, %d readers", h.eng.Now(), h.writers, h.readers)
		}
		if r.sleeps {
			h.eng.Schedule(r.sleepsAt, h.id, opSleep, tid)
		}
		h.eng.Schedule(r.hold, h.id, opRel, tid)
	case opSleep:
		if m, ok := h.lock.(*mutexUT); ok && m.Owner() == tid {
			m.SetOwnerRunning(false)
		}
	case opRel:
		if r.read {
			h.readers--
		} else {
			h.writers--
		}
		h.rel[tid] = h.eng.Now()
		h.lock.unlock(h, tid)
	}
}

// run runs to the end and checks that every thread got and released the
// lock once and that the statistics add up.
func (h *harness) run() {
	h.eng.Run()
	st := h.lock.stats()
	var wait sim.Time
	for i, g := range h.grant {
		if g < 0 {
			h.t.Fatalf("thread %d never granted", i)
		}
		wait += g - h.req[i].at
	}
	if int(st.Acquisitions) != len(h.req) {
		h.t.Errorf("Acquisitions = %d, want %d", st.Acquisitions, len(h.req))
	}
	if _, isRW := h.lock.(*rwsemUT); !isRW {
		// For exclusive locks the per-grant wait the lock reports is what
		// the threads saw, less the fast-path costs it charged them.
		if st.WaitTotal > wait {
			h.t.Errorf("WaitTotal = %d, more than the %d the threads waited", st.WaitTotal, wait)
		}
		var hold sim.Time
		for i := range h.req {
			hold += h.rel[i] - h.grant[i]
		}
		if d := hold - st.HoldTotal; d < 0 || d > sim.Time(len(h.req))*1000 {
			h.t.Errorf("HoldTotal = %d, threads held %d", st.HoldTotal, hold)
		}
	}
}

type mutexUT struct{ *Mutex }

func (m mutexUT) lock(h *harness, tid int32) (bool, sim.Time) { return m.Lock(tid, h.req[tid].cpu) }
func (m mutexUT) unlock(h *harness, tid int32) sim.Time       { return m.Unlock(tid, h.req[tid].cpu) }
func (m mutexUT) stats() Stats                                { return m.Stats() }

type rwsemUT struct{ *RWSem }

func (s *rwsemUT) lock(h *harness, tid int32) (bool, sim.Time) {
	if h.req[tid].read {
		return s.RLock(tid, h.req[tid].cpu)
	}
	return s.Lock(tid, h.req[tid].cpu)
}
func (s *rwsemUT) unlock(h *harness, tid int32) sim.Time {
	if h.req[tid].read {
		return s.RUnlock(tid, h.req[tid].cpu)
	}
	return s.Unlock(tid, h.req[tid].cpu)
}
func (s *rwsemUT) stats() Stats { return s.Stats() }

type spinUT struct{ *Spinlock }

func (l spinUT) lock(h *harness, tid int32) (bool, sim.Time) { return l.Lock(tid, h.req[tid].cpu) }
func (l spinUT) unlock(h *harness, tid int32) sim.Time       { return l.Unlock(tid, h.req[tid].cpu) }
func (l spinUT) stats() Stats                                { return l.Stats() }

// testProfile has round numbers so expected times are easy to read.
func testProfile() *Profile {
	return &Profile{Name: "test", Fidelity: Kernel, Sockets: 2, CPUsPerSocket: 4,
		LineLLC: 50, LineSocket: 50, LineRemote: 150, RMW: 5, Wakeup: 3000, IdleExit: 1000, CtxSwitch: 1000}
}

func newMutexHarness(t *testing.T, prof *Profile, reqs []request) (*harness, *Mutex) {
	h := newHarness(t, reqs)
	m := NewMutex(h.eng, prof, h.notify())
	h.lock = &mutexUT{m}
	return h, m
}

func TestMutexIdealFIFO(t *testing.T) {
	var reqs []request
	for i := 0; i < 6; i++ {
		reqs = append(reqs, request{at: sim.Time(i), hold: 100, cpu: i})
	}
	h, m := newMutexHarness(t, IdealProfile(), reqs)
	h.run()
	for i, g := range h.grant {
		if want := sim.Time(100 * i); g != want {
			t.Errorf("thread %d granted at %d, want %d", i, g, want)
		}
	}
	st := m.Stats()
	if st.Contended != 5 || st.HandoffSleeper != 5 || st.Stolen != 0 {
		t.Errorf("stats %+v", st)
	}
	// Thread i waits 100i - i.
	if want := sim.Time(0 + 99 + 198 + 297 + 396 + 495); st.WaitTotal != want {
		t.Errorf("WaitTotal = %d, want %d", st.WaitTotal, want)
	}
	if st.HoldTotal != 600 || st.MaxQueue != 5 {
		t.Errorf("HoldTotal = %d, MaxQueue = %d; want 600, 5", st.HoldTotal, st.MaxQueue)
	}
}

// TestMutexKernelSpinHandoff: while the owner runs, contenders spin and get
// the lock one line transfer after each unlock, in FIFO order.
func TestMutexKernelSpinHandoff(t *testing.T) {
	p := testProfile()
	reqs := []request{
		{at: 0, hold: 1000, cpu: 0},
		{at: 100, hold: 1000, cpu: 1}, // same socket: 50 ns transfer
		{at: 200, hold: 1000, cpu: 5}, // other socket: 150 ns
	}
	h, m := newMutexHarness(t, p, reqs)
	h.run()
	if fmt.Sprint(h.order) != "[0 1 2]" {
		t.Fatalf("grant order %v", h.order)
	}
	// Thread 0: fast path, a cold line costs RMW only: granted at 5.
	if h.grant[0] != 5 {
		t.Errorf("thread 0 granted at %d, want 5", h.grant[0])
	}
	// Unlock at 1005: cmpxchg (line back from... cpu0 owned it: 5) then the
	// transfer to cpu 1 (50).
	if want := sim.Time(1005 + 5 + 50); h.grant[1] != want {
		t.Errorf("thread 1 granted at %d, want %d", h.grant[1], want)
	}
	st := m.Stats()
	if st.HandoffSpinner != 2 || st.HandoffSleeper != 0 || st.Contended != 2 {
		t.Errorf("stats %+v", st)
	}
}

// TestMutexKernelSleepStealHandoff: the owner's critical section sleeps, so
// the waiter sleeps; at unlock the lock is free while the waiter wakes and a
// newcomer steals it; the woken waiter then sets HANDOFF and gets the lock
// straight from the thief's unlock.
func TestMutexKernelSleepStealHandoff(t *testing.T) {
	p := testProfile()
	wake := p.WakeLatency() // 5000
	reqs := []request{
		{at: 0, hold: 1000, cpu: 0, sleeps: true, sleepsAt: 10},
		{at: 100, hold: 1000, cpu: 1},                              // sleeps in the wait list
		{at: 2000, hold: 10000, cpu: 2, sleeps: true, sleepsAt: 1}, // steals during the wake-up
	}
	h, m := newMutexHarness(t, p, reqs)
	h.run()
	if fmt.Sprint(h.order) != "[0 2 1]" {
		t.Fatalf("grant order %v, want thief 2 before waiter 1", h.order)
	}
	st := m.Stats()
	if st.Stolen != 1 {
		t.Errorf("Stolen = %d, want 1", st.Stolen)
	}
	// Thread 2 unlocks at grant+10000; HANDOFF hands to the sleeping
	// waiter, which runs after a wake-up.
	rel2 := h.grant[2] + 10000
	if want := rel2 + m.word.prof.RMW + wake; h.grant[1] < rel2+wake || h.grant[1] > want+200 {
		t.Errorf("waiter granted at %d, want about %d (hand-off after thief's unlock at %d)", h.grant[1], want, rel2)
	}
	if st.HandoffSleeper != 1 {
		t.Errorf("HandoffSleeper = %d, want 1", st.HandoffSleeper)
	}
}

// TestMutexKernelRandom runs many threads with random timings and sleeping
// critical sections: exclusion holds, everyone is served, stats add up.
func TestMutexKernelRandom(t *testing.T) {
	for _, prof := range []*Profile{testProfile(), IdealProfile()} {
		t.Run(prof.Name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var reqs []request
			for i := 0; i < 2000; i++ {
				reqs = append(reqs, request{at: sim.Time(r.IntN(2_000_000)), hold: sim.Time(r.IntN(3000)),
					cpu: r.IntN(16), sleeps: r.IntN(3) == 0, sleepsAt: sim.Time(r.IntN(500))})
			}
			h, m := newMutexHarness(t, prof, reqs)
			var class ClassStats
			m.Class = &class
			h.run()
			if m.Owner() != -1 || m.Queued() != 0 {
				t.Errorf("lock left owned by %d with %d queued", m.Owner(), m.Queued())
			}
			st := m.Stats()
			if class.Wait.Count() != st.Acquisitions || class.Hold.Count() != st.Acquisitions {
				t.Errorf("class saw %d waits and %d holds for %d acquisitions", class.Wait.Count(), class.Hold.Count(), st.Acquisitions)
			}
			if d := class.Hold.Mean()*float64(class.Hold.Count()) - float64(st.HoldTotal); d > 1 || d < -1 {
				t.Errorf("class hold total %g, stats %d", class.Hold.Mean()*float64(class.Hold.Count()), st.HoldTotal)
			}
		})
	}
}

func TestRWSem(t *testing.T) {
	for _, tt := range []struct {
		name  string
		prof  *Profile
		reqs  []request
		order string
		check func(t *testing.T, h *harness, s *RWSem)
	}{
		{
			name:  "readers share",
			prof:  IdealProfile(),
			reqs:  []request{{at: 0, hold: 100, read: true}, {at: 10, hold: 100, read: true}, {at: 20, hold: 100, read: true}},
			order: "[0 1 2]",
			check: func(t *testing.T, h *harness, s *RWSem) {
				if h.grant[1] != 10 || h.grant[2] != 20 {
					t.Errorf("readers waited: %v", h.grant)
				}
				if st := s.Stats(); st.Contended != 0 || st.HoldTotal != 120 {
					t.Errorf("stats %+v", st)
				}
			},
		},
		{
			name: "no reader barging past a queued writer; batched reader wake-up",
			prof: IdealProfile(),
			reqs: []request{
				{at: 0, hold: 100, read: true},
				{at: 10, hold: 50},             // writer waits for the reader
				{at: 20, hold: 30, read: true}, // must not barge past the writer
				{at: 30, hold: 30, read: true},
			},
			order: "[0 1 2 3]",
			check: func(t *testing.T, h *harness, s *RWSem) {
				if h.grant[1] != 100 || h.grant[2] != 150 || h.grant[3] != 150 {
					t.Errorf("grants %v, want writer at 100, both readers at 150", h.grant)
				}
			},
		},
		{
			name: "phase-fair: readers behind a writer are woken with the head reader",
			prof: IdealProfile(),
			reqs: []request{
				{at: 0, hold: 100},             // writer
				{at: 10, hold: 40, read: true}, // queued reader (head)
				{at: 20, hold: 40},             // queued writer
				{at: 30, hold: 40, read: true}, // reader behind the writer
			},
			order: "[0 1 3 2]",
			check: func(t *testing.T, h *harness, s *RWSem) {
				if h.grant[1] != 100 || h.grant[3] != 100 || h.grant[2] != 140 {
					t.Errorf("grants %v", h.grant)
				}
			},
		},
		{
			name:  "kernel: wake-up latency and a line RMW per reader",
			prof:  testProfile(),
			reqs:  []request{{at: 0, hold: 1000, cpu: 0}, {at: 10, hold: 10, read: true, cpu: 1}},
			order: "[0 1]",
			check: func(t *testing.T, h *harness, s *RWSem) {
				p := testProfile()
				if h.grant[1] < 1000+p.WakeLatency() {
					t.Errorf("reader granted at %d, before a wake-up could complete", h.grant[1])
				}
				if st := s.Stats(); st.Transfers == 0 {
					t.Errorf("no cache-line transfers counted: %+v", st)
				}
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.reqs)
			s := NewRWSem(h.eng, tt.prof, h.notify())
			h.lock = &rwsemUT{s}
			h.run()
			if got := fmt.Sprint(h.order); got != tt.order {
				t.Errorf("grant order %s, want %s", got, tt.order)
			}
			tt.check(t, h, s)
		})
	}
}

// TestRWSemWriterHandoff: writers keep stealing the lock from a woken writer
// until it has waited 4 ms; then the lock is handed to it.
func TestRWSemWriterHandoff(t *testing.T) {
	p := testProfile()
	reqs := []request{{at: 0, hold: 1000, cpu: 0}, {at: 100, hold: 100, cpu: 1}}
	// A stream of writers arriving just after each release, each stealing
	// the lock during the victim's wake-up.
	for i := 0; i < 800; i++ {
		reqs = append(reqs, request{at: sim.Time(1100 + i*6000), hold: 5500, cpu: 2 + i%4})
	}
	h := newHarness(t, reqs)
	s := NewRWSem(h.eng, p, h.notify())
	h.lock = &rwsemUT{s}
	h.run()
	st := s.Stats()
	if st.Stolen == 0 {
		t.Fatalf("no steals: %+v (grants %v)", st, h.grant)
	}
	waited := h.grant[1] - reqs[1].at
	if waited < RWSemHandoffTimeout || waited > RWSemHandoffTimeout+2*6000+p.WakeLatency() {
		t.Errorf("victim waited %v; want just past the %v hand-off timeout", waited, RWSemHandoffTimeout)
	}
	// Once handed off, the lock waits idle for the victim's wake-up:
	// nobody else is granted in that window.
	for i := 2; i < len(reqs); i++ {
		if h.grant[i] > h.grant[1]-p.WakeLatency() && h.grant[i] < h.grant[1] {
			t.Errorf("writer %d got the lock at %d, inside the hand-off to the victim (granted %d)", i, h.grant[i], h.grant[1])
		}
	}
}

func TestSpinlockFIFO(t *testing.T) {
	p := testProfile()
	reqs := []request{{at: 0, hold: 1000, cpu: 0}, {at: 10, hold: 1000, cpu: 5}, {at: 20, hold: 1000, cpu: 1}}
	h := newHarness(t, reqs)
	l := NewSpinlock(h.eng, p, h.notify())
	h.lock = spinUT{l}
	h.run()
	if fmt.Sprint(h.order) != "[0 1 2]" {
		t.Fatalf("order %v", h.order)
	}
	// Hand-off cost is a constant number of transfers, independent of the
	// number of waiters: grant gaps are hold + O(t_x).
	for i := 1; i < 3; i++ {
		gap := h.grant[i] - h.grant[i-1] - 1000
		if gap <= 0 || gap > 2*p.LineRemote+2*p.RMW {
			t.Errorf("hand-off %d took %d ns", i, gap)
		}
	}
	if st := l.Stats(); st.HandoffSpinner != 2 || st.Contended != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestCacheLineServer(t *testing.T) {
	p := testProfile()
	eng := sim.New()
	l := NewCacheLine(p, nil)
	// Four CPUs of one socket hit a line CPU 0 owns, all at t=0: they are
	// served one after another, 55 ns each.
	if d := l.RMW(eng.Now(), 0); d != p.RMW {
		t.Fatalf("first touch costs %d, want %d", d, p.RMW)
	}
	for i, cpu := range []int{1, 2, 3} {
		want := p.RMW + sim.Time(i+1)*(p.LineLLC+p.RMW)
		if d := l.RMW(eng.Now(), cpu); d != want {
			t.Errorf("cpu %d: stalled %d, want %d", cpu, d, want)
		}
	}
	if l.Transfers != 3 || l.Accesses != 4 {
		t.Errorf("transfers %d accesses %d", l.Transfers, l.Accesses)
	}
	// The owner writing again pays only the local RMW once the queue drains.
	eng.RunUntil(10_000)
	if d := l.RMW(eng.Now(), 3); d != p.RMW {
		t.Errorf("owner re-write costs %d, want %d", d, p.RMW)
	}
	// Cross socket.
	eng.RunUntil(20_000)
	if d := l.RMW(eng.Now(), 6); d != p.LineRemote+p.RMW {
		t.Errorf("cross-socket RMW costs %d, want %d", d, p.LineRemote+p.RMW)
	}
}

// TestCASLoopRetries: under heavy transfer traffic, a CAS loop sometimes
// needs more than one round; on a quiet line it never does.
func TestCASLoopRetries(t *testing.T) {
	p := testProfile()
	l := NewCacheLine(p, rand.New(rand.NewPCG(3, 4)))
	var now sim.Time
	for i := 0; i < 10000; i++ {
		now += 200 // accesses every 200 ns from alternating CPUs: p_fail ≈ 1−e^{−50/200} ≈ 0.22
		l.CASLoop(now, i%2)
	}
	retries := float64(l.Transfers-9999) / 10000
	if retries < 0.15 || retries > 0.45 {
		t.Errorf("%.3f retries per access, want about 0.22/(1-0.22) = 0.28", retries)
	}
	if l.BusyTotal > 10000*16*(p.LineLLC+p.RMW) {
		t.Errorf("CAS loops ran more than 16 rounds")
	}
	q := NewCacheLine(p, rand.New(rand.NewPCG(3, 4)))
	now = 0
	for i := 0; i < 1000; i++ {
		now += 1_000_000 // quiet line
		q.CASLoop(now, i%2)
	}
	if q.Transfers > 1000 {
		t.Errorf("a quiet line retried: %d transfers for 1000 accesses", q.Transfers)
	}
}

// TestMutexNoSpinOnWakingOwner: a thread the lock was handed to is not on
// a CPU until its wake-up completes, so a contender arriving meanwhile must
// sleep rather than spin (owner_on_cpu is false).
func TestMutexNoSpinOnWakingOwner(t *testing.T) {
	p := testProfile()
	reqs := []request{
		{at: 0, hold: 1000, cpu: 0, sleeps: true, sleepsAt: 10},
		{at: 100, hold: 1000, cpu: 1},
		{at: 2000, hold: 10000, cpu: 2, sleeps: true, sleepsAt: 1}, // steals; its unlock hands off to thread 1
		{at: 12100, hold: 1000, cpu: 3},                            // arrives while thread 1 is waking
	}
	h, m := newMutexHarness(t, p, reqs)
	h.run()
	if fmt.Sprint(h.order) != "[0 2 1 3]" {
		t.Fatalf("order %v", h.order)
	}
	if st := m.Stats(); st.HandoffSpinner != 0 || st.HandoffSleeper != 2 {
		t.Errorf("hand-offs spinner %d sleeper %d; want 0, 2 (thread 3 must have slept)", st.HandoffSpinner, st.HandoffSleeper)
	}
}

func TestCacheLineHold(t *testing.T) {
	p := testProfile()
	l := NewCacheLine(p, nil)
	// Three CPUs take the lock at t=0 for 100 ns each: FIFO, one transfer
	// per hand-off.
	d0 := l.Hold(0, 0, 100)
	d1 := l.Hold(0, 1, 100)
	d2 := l.Hold(0, 5, 100)
	if d0 != p.RMW+100 || d1 != d0+p.LineLLC+p.RMW+100 || d2 != d1+p.LineRemote+p.RMW+100 {
		t.Errorf("holds took %d, %d, %d", d0, d1, d2)
	}
	if l.BusyTotal != d2 {
		t.Errorf("busy %d, want %d", l.BusyTotal, d2)
	}
}

// TestRWSemReadPass: a pass through a free read lock costs two atomics and
// counts one acquisition; with a writer inside it queues like down_read.
func TestRWSemReadPass(t *testing.T) {
	p := testProfile()
	h := newHarness(t, nil)
	s := NewRWSem(h.eng, p, h.notify())
	if ok, c := s.ReadPass(0, 0); !ok || c != 2*p.RMW || s.Readers() != 0 || s.Stats().Acquisitions != 1 {
		t.Fatalf("free pass: ok %v cost %d readers %d stats %+v", ok, c, s.Readers(), s.Stats())
	}
	if ok, _ := s.Lock(1, 1); !ok {
		t.Fatal("writer did not get a free lock")
	}
	if ok, _ := s.ReadPass(2, 2); ok {
		t.Fatal("a pass went through a write-held lock")
	}
}
