package lockmodels

import (
	"fmt"

	"github.com/luosim/luosim/sim"
)

// Spinlock is the queued spinlock (kernel/locking/qspinlock.c). Waiters
// spin in FIFO order on their own MCS nodes, keeping their CPUs busy; a
// release hands the lock to the next waiter in O(1) line transfers (the
// lock word, then the waiter's node), whatever the queue length. At Ideal
// fidelity the hand-off is free.
type Spinlock struct {
	eng     *sim.Engine
	prof    *Profile
	notify  Notify
	word    CacheLine
	owner   int32
	granted sim.Time
	queue   ring[waiter]
	stats   Stats
}

// NewSpinlock returns a free spinlock that delivers grants to notify.
func NewSpinlock(eng *sim.Engine, prof *Profile, notify Notify) *Spinlock {
	l := &Spinlock{eng: eng, prof: prof, notify: notify, owner: -1}
	l.word.Init(prof, nil)
	return l
}

// Owner returns the thread holding the lock, or -1.
func (l *Spinlock) Owner() int32 { return l.owner }

// Stats returns the lock's statistics.
func (l *Spinlock) Stats() Stats {
	s := l.stats
	s.Transfers = l.word.Transfers
	return s
}

// Lock is spin_lock. A waiter keeps spinning on its CPU until the grant.
func (l *Spinlock) Lock(tid int32, cpu int) (bool, sim.Time) {
	now := l.eng.Now()
	var cost sim.Time
	if l.prof.Fidelity == Kernel {
		cost = l.word.RMW(now, cpu)
	}
	if l.owner < 0 {
		l.owner, l.granted = tid, now+cost
		l.stats.Acquisitions++
		return true, cost
	}
	l.queue.push(waiter{tid: tid, cpu: int32(cpu), spinning: true, since: now})
	l.stats.MaxQueue = max(l.stats.MaxQueue, l.queue.len())
	return false, cost
}

// Unlock is spin_unlock; it returns the releaser's cost.
func (l *Spinlock) Unlock(tid int32, cpu int) sim.Time {
	now := l.eng.Now()
	if l.owner != tid {
		panic(fmt.Sprintf("lockmodels: thread %d unlocks a spinlock owned by %d", tid, l.owner))
	}
	l.stats.HoldTotal += now - l.granted
	l.owner = -1
	var cost sim.Time
	if l.prof.Fidelity == Kernel {
		cost = l.word.RMW(now, cpu) // the release store
	}
	if l.queue.len() == 0 {
		return cost
	}
	w := l.queue.pop()
	var delay sim.Time
	if l.prof.Fidelity == Kernel {
		// The next waiter sees the word change: one line transfer from
		// the releaser, whatever the queue length (MCS).
		delay = cost + l.prof.Transfer(cpu, int(w.cpu))
	}
	l.owner, l.granted = w.tid, now+delay
	l.stats.Acquisitions++
	l.stats.Contended++
	l.stats.HandoffSpinner++
	l.stats.WaitTotal += now + delay - w.since
	l.eng.Schedule(delay, l.notify.H, l.notify.Op, w.tid)
	return cost
}
