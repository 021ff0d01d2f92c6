package lockmodels

import (
	"fmt"

	"github.com/luosim/luosim/sim"
)

// CheckAll turns on invariant checking in every LUO model built while it
// is set, whatever LUOConfig.Check says. Test binaries set it in TestMain
// so that every test run checks every invariant; set it before any model
// is built, never while models run.
var CheckAll bool

// checker shadows the model's state to check its invariants independently
// of the lock primitives' own bookkeeping (LUOConfig.Check):
//   - mutual exclusion: at most one owner per mutex; no reader inside an
//     rwsem while a writer holds it, and no writer beside readers;
//   - FIFO hand-off of mutexes where promised (the ideal machine);
//   - every op a thread starts completes exactly once (conservation);
//   - simulated time never goes backwards;
//   - module refcounts never go negative and are zero at every unload
//     that succeeds;
//   - Little's law per lock: the time integral of the number of waiters
//     equals the waits the primitive accounted, exactly on runs that end
//     with no one waiting.
//
// A broken invariant panics through LUO.broken with the time and what
// broke; the run fails with that message.
type checker struct {
	now     sim.Time
	mutexes map[*Mutex]*lockShadow
	rws     []lockShadow
	thread  []threadShadow
	started [NumOps]uint64
	ended   [NumOps]uint64
}

// lockShadow is one lock as the checker sees it.
type lockShadow struct {
	owner    int32 // mutex owner or rwsem writer, -1 if none
	readers  int
	queue    []int32 // waiters in arrival order
	area     sim.Time
	lastMove sim.Time
}

type threadShadow struct {
	active   bool
	rw       int // rwsem waited for, -1 if none
	write    bool
	pass     bool
	waitFrom sim.Time
}

func newChecker(k *LUO) *checker {
	c := &checker{mutexes: map[*Mutex]*lockShadow{}, rws: make([]lockShadow, len(k.rw))}
	for i := range c.rws {
		c.rws[i].owner = -1
	}
	return c
}

func (c *checker) mutex(m *Mutex) *lockShadow {
	s := c.mutexes[m]
	if s == nil {
		s = &lockShadow{owner: -1}
		c.mutexes[m] = s
	}
	return s
}

// shadow is mutex m's shadow, or rwsem rw's when m is nil.
func (c *checker) shadow(m *Mutex, rw int) *lockShadow {
	if m != nil {
		return c.mutex(m)
	}
	return &c.rws[rw]
}

func (c *checker) threadOf(tid int32) *threadShadow {
	for int(tid) >= len(c.thread) {
		c.thread = append(c.thread, threadShadow{rw: -1})
	}
	return &c.thread[tid]
}

// tick checks that time moved forward and accrues waiting time.
func (k *LUO) chkTick() {
	c := k.chk
	now := k.eng.Now()
	if now < c.now {
		k.broken("time went backwards from %d to %d", c.now, now)
	}
	c.now = now
}

// move accrues the waiters' time up to now.
func (s *lockShadow) move(now sim.Time) {
	s.area += sim.Time(len(s.queue)) * (now - s.lastMove)
	s.lastMove = now
}

func (k *LUO) chkStart(t *Thread) {
	c := k.chk
	k.chkTick()
	ts := c.threadOf(t.ID)
	if ts.active {
		k.broken("thread %d starts %s while its previous op is in flight", t.ID, t.Op)
	}
	ts.active = true
	c.started[t.Op]++
}

func (k *LUO) chkDone(t *Thread) {
	c := k.chk
	k.chkTick()
	ts := c.threadOf(t.ID)
	if !ts.active {
		k.broken("thread %d completes %s twice", t.ID, t.Op)
	}
	if t.Done < t.Issued {
		k.broken("thread %d: %s completes at %d before its issue at %d", t.ID, t.Op, t.Done, t.Issued)
	}
	ts.active = false
	c.ended[t.Op]++
}

// chkWait records t starting to wait for mutex m (rw < 0) or rwsem rw.
func (k *LUO) chkWait(t *Thread, m *Mutex, rw int, write, pass bool) {
	c := k.chk
	k.chkTick()
	s := c.shadow(m, rw)
	if m == nil {
		ts := c.threadOf(t.ID)
		ts.rw, ts.write, ts.pass = rw, write, pass
	}
	c.threadOf(t.ID).waitFrom = k.eng.Now()
	s.move(k.eng.Now())
	s.queue = append(s.queue, t.ID)
}

// chkGrant records t getting mutex m or (m nil) the rwsem it waited for;
// waited says whether it had queued.
func (k *LUO) chkGrant(t *Thread, m *Mutex, rw int, write, pass, waited bool) {
	c := k.chk
	k.chkTick()
	if m == nil && waited {
		ts := c.threadOf(t.ID)
		rw, write, pass = ts.rw, ts.write, ts.pass
		ts.rw = -1
	}
	s := c.shadow(m, rw)
	name := func() string { // only for messages: no formatting on the way
		if m != nil {
			return "mutex"
		}
		return fmt.Sprintf("rwsem %d", rw)
	}
	if !waited && m != nil && len(s.queue) > 0 && k.prof.Fidelity == Ideal {
		k.broken("FIFO: thread %d took %s on the fast path past %d waiter(s)", t.ID, name(), len(s.queue))
	}
	if waited {
		i := indexOf(s.queue, t.ID)
		if i < 0 {
			k.broken("thread %d granted %s it was not waiting for", t.ID, name())
		}
		if m != nil && i != 0 && k.prof.Fidelity == Ideal {
			k.broken("FIFO: thread %d granted %s ahead of %d earlier waiter(s)", t.ID, name(), i)
		}
		s.move(k.eng.Now())
		s.queue = append(s.queue[:i], s.queue[i+1:]...)
	}
	switch {
	case m != nil || write:
		if s.owner >= 0 || s.readers > 0 {
			k.broken("mutual exclusion: thread %d granted %s held by thread %d and %d reader(s)", t.ID, name(), s.owner, s.readers)
		}
		s.owner = t.ID
	default:
		if s.owner >= 0 {
			k.broken("thread %d reads %s while thread %d writes", t.ID, name(), s.owner)
		}
		if !pass {
			s.readers++
		}
	}
}

// chkRelease records t releasing mutex m, or rwsem rw.
func (k *LUO) chkRelease(t *Thread, m *Mutex, rw int, write bool) {
	k.chkTick()
	s := k.chk.shadow(m, rw)
	switch {
	case m != nil || write:
		if s.owner != t.ID {
			k.broken("thread %d releases a lock owned by %d", t.ID, s.owner)
		}
		s.owner = -1
	default:
		if s.readers <= 0 {
			k.broken("thread %d releases rwsem %d with no reader inside", t.ID, rw)
		}
		s.readers--
	}
}

// chkUnload checks a module that unloaded: no reference left, and, for a
// design that takes module references (everything but none), no LUO
// state that needs it: such designs promise that unload is safe.
func (k *LUO) chkUnload(mod int, r RmmodResult) {
	if k.modRefs[mod] != 0 {
		k.broken("module %s unloaded with refcount %d", k.cfg.Modules[mod], k.modRefs[mod])
	}
	if r == RmmodHazard && k.cfg.Design.Refcount != RefNone {
		k.broken("module %s unloaded while LUO needs it, under %s module references", k.cfg.Modules[mod], k.cfg.Design.Refcount)
	}
}

// CheckEnd checks the invariants that hold at the end of a run: every op
// started has completed (finished, when no op may still be in flight),
// and Little's law for every lock. It does nothing unless the model
// checks invariants.
func (k *LUO) CheckEnd(finished bool) {
	c := k.chk
	if c == nil {
		return
	}
	k.chkTick()
	inFlight := uint64(0)
	for _, ts := range c.thread {
		if ts.active {
			inFlight++
		}
	}
	var started, ended uint64
	for op := range c.started {
		started += c.started[op]
		ended += c.ended[op]
		if finished && c.started[op] != c.ended[op] {
			k.broken("conservation: %d %s ops started, %d completed", c.started[op], Op(op), c.ended[op])
		}
	}
	if started != ended+inFlight {
		k.broken("conservation: %d ops started, %d completed, %d in flight", started, ended, inFlight)
	}
	little := func(name string, s *lockShadow, st Stats) {
		s.move(k.eng.Now())
		var partial sim.Time
		for _, tid := range s.queue {
			partial += k.eng.Now() - c.threadOf(tid).waitFrom
		}
		got, want := s.area-partial, st.WaitTotal
		if len(s.queue) == 0 && finished {
			if got != want {
				k.broken("Little's law, %s: waiters integrate to %dns, the lock accounted %dns of waits", name, got, want)
			}
			return
		}
		// Grants already decided but not yet delivered make the lock's
		// account run ahead of the waiters' by at most their delays.
		if d := want - got; want > 1_000_000 && (d < 0 || float64(d) > 0.01*float64(want)) {
			k.broken("Little's law, %s: waiters integrate to %dns, the lock accounted %dns of waits", name, got, want)
		}
	}
	for i, m := range k.session {
		if s := c.mutexes[m]; s != nil {
			little(fmt.Sprintf("session mutex %d", i), s, m.Stats())
		}
	}
	if s := c.mutexes[k.global]; s != nil {
		little("global mutex", s, k.global.Stats())
	}
	for i, m := range k.flbMu {
		if s := c.mutexes[m]; s != nil {
			little(fmt.Sprintf("FLB mutex %d", i), s, m.Stats())
		}
	}
	for i := range c.rws {
		little(fmt.Sprintf("rwsem %d", i), &c.rws[i], k.rw[i].Stats())
	}
}

func indexOf(q []int32, tid int32) int {
	for i, x := range q {
		if x == tid {
			return i
		}
	}
	return -1
}
