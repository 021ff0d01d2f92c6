package lockmodels

import (
	"fmt"

	"github.com/luosim/luosim/sim"
)

// RWSemHandoffTimeout is how long the first waiter of an rw_semaphore waits
// before it asks for a hand-off (RWSEM_WAIT_TIMEOUT, at least 4 ms).
const RWSemHandoffTimeout = 4 * sim.Millisecond

// MaxReadersWakeup bounds one batched reader wake-up (MAX_READERS_WAKEUP).
const MaxReadersWakeup = 256

// RWSem is the kernel's rw_semaphore (kernel/locking/rwsem.c), or at Ideal
// fidelity a FIFO reader-writer lock with no overhead.
//
// Every reader entry and exit is an atomic on the count's cache line, with
// or without writers. Waiters form one FIFO of typed entries, and once any
// thread waits, new readers queue behind it (no reader barging). A release
// that leaves the lock free wakes the head: if it is a reader, every queued
// reader (up to MaxReadersWakeup, writers skipped over) is granted at once
// and runs after the wake-up latency; if it is a writer, it is woken and
// tries the lock when it runs, and another writer may steal the lock in
// between. A writer that has waited RWSemHandoffTimeout and lost sets the
// hand-off flag, after which the lock is handed straight to it.
type RWSem struct {
	eng    *sim.Engine
	id     sim.HandlerID
	prof   *Profile
	notify Notify
	count  CacheLine

	readers int
	writer  int32 // -1 if none
	granted sim.Time
	handoff bool
	queue   ring[waiter]

	// Class, if set, collects the wait and hold distributions.
	Class *ClassStats

	readHold  sim.Time // sum of reader-held periods
	readSince sim.Time // start of the current reader-held period
	stats     Stats
}

const opRWSemWake int32 = 0

// NewRWSem returns a free rw_semaphore that delivers grants to notify.
func NewRWSem(eng *sim.Engine, prof *Profile, notify Notify) *RWSem {
	s := &RWSem{eng: eng, prof: prof, notify: notify, writer: -1}
	s.count.Init(prof, nil)
	s.id = eng.Register(s)
	return s
}

// Readers returns the number of readers inside; Writer the writer or -1.
func (s *RWSem) Readers() int  { return s.readers }
func (s *RWSem) Writer() int32 { return s.writer }

// Stats returns the semaphore's statistics. HoldTotal counts the time the
// lock was held in either mode (reader-held periods once, however many
// readers shared them).
func (s *RWSem) Stats() Stats {
	st := s.stats
	st.Transfers = s.count.Transfers
	st.HoldTotal += s.readHold
	return st
}

func (s *RWSem) rmw(now sim.Time, cpu int) sim.Time {
	if s.prof.Fidelity == Ideal {
		return 0
	}
	return s.count.RMW(now, cpu)
}

// RLock is down_read.
func (s *RWSem) RLock(tid int32, cpu int) (bool, sim.Time) {
	now := s.eng.Now()
	cost := s.rmw(now, cpu)
	if s.writer < 0 && s.queue.len() == 0 && !s.handoff {
		s.addReader(now + cost)
		s.stats.Acquisitions++
		s.Class.wait(cost)
		return true, cost
	}
	s.enqueue(waiter{tid: tid, cpu: int32(cpu), since: now})
	return false, cost
}

func (s *RWSem) addReader(at sim.Time) {
	if s.readers == 0 || at < s.readSince {
		s.readSince = at
	}
	s.readers++
}

// ReadPass is down_read immediately followed by up_read, with nothing in
// between. If the read lock is free for readers it returns true and the
// cost of both atomics; otherwise the thread queues as RLock's would, and
// must call RUnlock once granted.
func (s *RWSem) ReadPass(tid int32, cpu int) (bool, sim.Time) {
	if s.writer >= 0 || s.queue.len() > 0 || s.handoff {
		return s.RLock(tid, cpu)
	}
	now := s.eng.Now()
	s.rmw(now, cpu)
	c := s.rmw(now, cpu) // queued behind the first: its delay covers both
	s.stats.Acquisitions++
	s.Class.wait(0)
	s.Class.hold(0)
	return true, c
}

// RUnlock is up_read; it returns the reader's cost.
func (s *RWSem) RUnlock(tid int32, cpu int) sim.Time {
	now := s.eng.Now()
	if s.readers <= 0 {
		panic(fmt.Sprintf("lockmodels: thread %d up_read on an rwsem with no reader", tid))
	}
	cost := s.rmw(now, cpu)
	s.readers--
	if s.readers == 0 {
		if now > s.readSince {
			s.readHold += now - s.readSince
			s.Class.hold(now - s.readSince)
		}
		s.wakeHead(now + cost)
	}
	return cost
}

// Lock is down_write.
func (s *RWSem) Lock(tid int32, cpu int) (bool, sim.Time) {
	now := s.eng.Now()
	free := s.writer < 0 && s.readers == 0
	// Fast path: count 0 (no waiters); or optimistic stealing past a woken
	// writer that has not run yet, unless it asked for a hand-off.
	if free && (s.queue.len() == 0 || (s.prof.Fidelity == Kernel && !s.handoff && s.queue.at(0).woken)) {
		cost := s.rmw(now, cpu)
		if s.queue.len() > 0 {
			s.stats.Stolen++
		}
		s.writer, s.granted = tid, now+cost
		s.stats.Acquisitions++
		s.Class.wait(cost)
		return true, cost
	}
	s.enqueue(waiter{tid: tid, cpu: int32(cpu), write: true, since: now})
	return false, s.rmw(now, cpu)
}

// Unlock is up_write; it returns the writer's cost.
func (s *RWSem) Unlock(tid int32, cpu int) sim.Time {
	now := s.eng.Now()
	if s.writer != tid {
		panic(fmt.Sprintf("lockmodels: thread %d up_write on an rwsem held by %d", tid, s.writer))
	}
	cost := s.rmw(now, cpu)
	s.stats.HoldTotal += now - s.granted
	s.Class.hold(now - s.granted)
	s.writer = -1
	s.wakeHead(now + cost)
	return cost
}

func (s *RWSem) enqueue(w waiter) {
	s.queue.push(w)
	s.stats.MaxQueue = max(s.stats.MaxQueue, s.queue.len())
}

func (s *RWSem) latency() sim.Time {
	if s.prof.Fidelity == Ideal {
		return 0
	}
	return s.prof.WakeLatency()
}

func (s *RWSem) grant(w waiter, at sim.Time) {
	now := s.eng.Now()
	s.stats.Acquisitions++
	s.stats.Contended++
	s.stats.WaitTotal += at - w.since
	s.Class.wait(at - w.since)
	s.stats.HandoffSleeper++
	s.eng.Schedule(at-now, s.notify.H, s.notify.Op, w.tid)
}

// wakeHead is rwsem_mark_wake after a release that left the lock free.
func (s *RWSem) wakeHead(at sim.Time) {
	if s.queue.len() == 0 || s.writer >= 0 || s.readers > 0 {
		return
	}
	head := s.queue.at(0)
	if !head.write {
		// Wake every queued reader, skipping writers (phase-fair).
		at += s.latency()
		woke := 0
		for i := 0; i < s.queue.len() && woke < MaxReadersWakeup; {
			if s.queue.at(i).write {
				i++
				continue
			}
			w := s.queue.removeAt(i)
			s.addReader(at)
			s.grant(w, at)
			woke++
		}
		return
	}
	if s.prof.Fidelity == Ideal || s.handoff {
		w := s.queue.pop()
		s.handoff = false
		s.writer, s.granted = w.tid, at+s.latency()
		s.grant(w, at+s.latency())
		return
	}
	if !head.woken {
		head.woken = true
		s.eng.ScheduleAt(at+s.latency(), s.id, opRWSemWake, head.tid)
	}
}

// Handle runs a woken writer: rwsem_try_write_lock.
func (s *RWSem) Handle(ev sim.Event) {
	if s.queue.len() == 0 || s.queue.at(0).tid != ev.Arg || !s.queue.at(0).woken {
		panic(fmt.Sprintf("lockmodels: stale rwsem wake-up of thread %d", ev.Arg))
	}
	now := s.eng.Now()
	head := s.queue.at(0)
	head.woken = false
	if s.writer < 0 && s.readers == 0 {
		w := s.queue.pop()
		s.writer, s.granted = w.tid, now
		s.grant(w, now)
		return
	}
	if now-head.since >= RWSemHandoffTimeout {
		s.handoff = true
	}
}
