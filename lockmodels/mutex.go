package lockmodels

import (
	"fmt"

	"github.com/luosim/luosim/sim"
)

// Mutex is the kernel's sleeping mutex (kernel/locking/mutex.c), or at
// Ideal fidelity a strict FIFO lock with no overhead.
//
// At Kernel fidelity (cost-model.md §2):
//   - Lock's fast path is a cmpxchg of the owner word: one RMW on the lock's
//     line. A free lock is taken even if sleepers wait (stealing), unless it
//     has been handed to a waiter (PICKUP).
//   - A contender spins (keeping its CPU) while the owner runs and its
//     critical section has not slept; spinners queue in the OSQ and only the
//     head polls. Otherwise it sleeps at the tail of the FIFO wait list.
//   - Unlock clears the owner and wakes the first sleeper, which runs after
//     the profile's wake-up latency; meanwhile the lock is free and may be
//     stolen. A spinner, if any, takes the lock one line transfer after the
//     unlock. A woken waiter that finds the lock taken sets the HANDOFF flag
//     and spins while the owner runs (sleeps otherwise); the next Unlock
//     then hands the lock straight to it.
type Mutex struct {
	eng    *sim.Engine
	id     sim.HandlerID
	prof   *Profile
	notify Notify
	word   CacheLine // the owner word

	owner        int32 // thread holding (or handed) the lock; -1 if free
	ownerCPU     int32
	ownerRunning bool // owner on its CPU and its critical section has not slept
	granted      sim.Time
	handoff      bool // MUTEX_FLAG_HANDOFF: the next unlock hands to the first waiter
	lastSlept    bool // the last Lock that queued put its thread to sleep

	spinners ring[waiter] // OSQ: optimistic spinners, FIFO
	waiters  ring[waiter] // wait_list: FIFO

	// Class, if set, collects this mutex's wait and hold distributions.
	Class *ClassStats

	// OnSleep, if set, is told of each spinning waiter that gives up and
	// goes to sleep because the owner stopped running (so a model of CPUs
	// can take it off its CPU).
	OnSleep func(tid int32)

	stats Stats
}

// Stats returns the mutex's statistics so far.
func (m *Mutex) Stats() Stats {
	s := m.stats
	s.Transfers = m.word.Transfers
	return s
}

const opMutexWake int32 = 0

// NewMutex returns a free mutex that delivers grants to notify.
func NewMutex(eng *sim.Engine, prof *Profile, notify Notify) *Mutex {
	m := &Mutex{eng: eng, prof: prof, notify: notify, owner: -1}
	m.word.Init(prof, nil)
	m.id = eng.Register(m)
	return m
}

// Owner returns the thread holding the lock, or -1.
func (m *Mutex) Owner() int32 { return m.owner }

// Slept reports whether the last Lock that did not get the lock put its
// thread to sleep (off its CPU) rather than spinning on it.
func (m *Mutex) Slept() bool { return m.lastSlept }

// Queued returns the number of threads waiting (spinning or asleep).
func (m *Mutex) Queued() int { return m.spinners.len() + m.waiters.len() }

// Lock is mutex_lock by thread tid on cpu. If the lock is taken at once it
// returns true and the cost of the fast path; otherwise the thread waits
// and a grant event arrives when it owns the lock.
func (m *Mutex) Lock(tid int32, cpu int) (bool, sim.Time) {
	now := m.eng.Now()
	if m.owner < 0 {
		var cost sim.Time
		if m.prof.Fidelity == Kernel {
			cost = m.word.RMW(now, cpu)
			if m.waiters.len() > 0 && m.waiters.at(0).woken {
				m.stats.Stolen++
			}
		}
		m.take(tid, cpu, now+cost)
		m.stats.Acquisitions++
		m.Class.wait(cost)
		return true, cost
	}
	w := waiter{tid: tid, cpu: int32(cpu), since: now}
	// owner_on_cpu: a thread the lock was handed to is not running until
	// its grant time (a woken sleeper is still waking).
	if m.prof.Fidelity == Kernel && m.ownerRunning && now >= m.granted {
		w.spinning = true
		m.spinners.push(w)
	} else {
		m.waiters.push(w)
	}
	m.lastSlept = !w.spinning
	m.stats.MaxQueue = max(m.stats.MaxQueue, m.Queued())
	return false, 0
}

func (m *Mutex) take(tid int32, cpu int, at sim.Time) {
	m.owner, m.ownerCPU, m.ownerRunning, m.granted = tid, int32(cpu), true, at
}

// grant gives the lock to w at now+delay and tells its thread.
func (m *Mutex) grant(w waiter, now, delay sim.Time) {
	m.take(w.tid, int(w.cpu), now+delay)
	m.stats.Acquisitions++
	m.stats.Contended++
	m.stats.WaitTotal += now + delay - w.since
	m.Class.wait(now + delay - w.since)
	m.eng.Schedule(delay, m.notify.H, m.notify.Op, w.tid)
}

// Unlock is mutex_unlock by the owner tid on cpu; it returns the cost.
func (m *Mutex) Unlock(tid int32, cpu int) sim.Time {
	now := m.eng.Now()
	if tid != m.owner {
		panic(fmt.Sprintf("lockmodels: thread %d unlocks a mutex owned by %d", tid, m.owner))
	}
	if now < m.granted {
		panic(fmt.Sprintf("lockmodels: thread %d unlocks at %d before its grant at %d", tid, now, m.granted))
	}
	m.stats.HoldTotal += now - m.granted
	m.Class.hold(now - m.granted)
	m.owner = -1
	if m.prof.Fidelity == Ideal {
		if m.waiters.len() > 0 {
			m.grant(m.waiters.pop(), now, 0)
			m.stats.HandoffSleeper++
		}
		return 0
	}
	cost := m.word.RMW(now, cpu)
	switch {
	case m.handoff && m.waiters.len() > 0:
		// __mutex_handoff: the first waiter gets the lock; nobody can
		// steal it until that waiter runs.
		m.handoff = false
		w := m.waiters.pop()
		if w.spinning {
			m.grant(w, now, cost+m.prof.Transfer(cpu, int(w.cpu)))
			m.stats.HandoffSpinner++
		} else {
			m.grant(w, now, cost+m.prof.WakeLatency())
			m.stats.HandoffSleeper++
		}
	case m.spinners.len() > 0:
		// The OSQ head sees the owner word clear and takes the lock.
		w := m.spinners.pop()
		m.grant(w, now, cost+m.prof.Transfer(cpu, int(w.cpu)))
		m.stats.HandoffSpinner++
		m.wakeFirst(now + cost)
	default:
		m.wakeFirst(now + cost)
	}
	return cost
}

// wakeFirst wakes the first sleeper (if it is not awake already): it will
// try the lock after the wake-up latency.
func (m *Mutex) wakeFirst(at sim.Time) {
	if m.waiters.len() == 0 {
		return
	}
	w := m.waiters.at(0)
	if w.woken || w.spinning {
		return
	}
	w.woken = true
	m.eng.ScheduleAt(at+m.prof.WakeLatency(), m.id, opMutexWake, w.tid)
}

func (m *Mutex) slept(tid int32) {
	if m.OnSleep != nil {
		m.OnSleep(tid)
	}
}

// Handle runs a woken waiter: __mutex_trylock_or_handoff.
func (m *Mutex) Handle(ev sim.Event) {
	if m.waiters.len() == 0 || m.waiters.at(0).tid != ev.Arg || !m.waiters.at(0).woken {
		panic(fmt.Sprintf("lockmodels: stale mutex wake-up of thread %d", ev.Arg))
	}
	w := m.waiters.at(0)
	w.woken = false
	now := m.eng.Now()
	if m.owner < 0 {
		m.grant(m.waiters.pop(), now, 0)
		m.stats.HandoffSleeper++
		return
	}
	// The lock was stolen while we were waking: ask for a hand-off, and
	// spin while the owner runs.
	m.handoff = true
	w.spinning = m.ownerRunning
}

// SetOwnerRunning tells the mutex whether its owner is on a CPU with a
// critical section that has not slept. When the owner sleeps, spinners give
// up and join the wait list (mutex_spin_on_owner returns false).
func (m *Mutex) SetOwnerRunning(running bool) {
	m.ownerRunning = running
	if running || m.prof.Fidelity == Ideal {
		return
	}
	if m.waiters.len() > 0 && m.waiters.at(0).spinning {
		m.waiters.at(0).spinning = false
		m.slept(m.waiters.at(0).tid)
	}
	for m.spinners.len() > 0 {
		w := m.spinners.pop()
		w.spinning = false
		m.waiters.push(w)
		m.slept(w.tid)
	}
	if m.owner < 0 {
		m.wakeFirst(m.eng.Now())
	}
}
