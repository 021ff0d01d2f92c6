package lockmodels

import (
	"math"
	"math/rand/v2"

	"github.com/luosim/luosim/sim"
)

// CacheLine is one shared cache line that CPUs update with atomic
// read-modify-writes (a refcount, a lock word, an rwsem count). An RMW needs
// the line exclusive, so the line is a FIFO server: each access waits for
// the ones before it, then pays the transfer from the line's last writer
// (zero if that was the same CPU) plus the local RMW cost (cost-model.md
// §5.3). Accesses are computed arithmetically (a Lindley recursion), not as
// events, which is exact for a FIFO server whose requests arrive in time
// order, as they do in a discrete-event run.
type CacheLine struct {
	prof      *Profile
	owner     int      // CPU that wrote the line last; -1 if none
	busyUntil sim.Time // when the last queued access completes
	last      sim.Time // time of the last access
	gap       float64  // EWMA of the gaps between transfers, ns
	rng       *rand.Rand

	// Class, if set, collects the distributions of queueing (wait) and
	// service (hold) of the line's accesses.
	Class *ClassStats

	Accesses  uint64
	Queued    uint64 // accesses that found the line busy
	Transfers uint64
	WaitTotal sim.Time // time spent queued for the line
	BusyTotal sim.Time // time the line spent serving accesses
}

// NewCacheLine returns an untouched line costed by prof. rng drives the
// retries of compare-and-swap loops (see CASLoop); it may be nil if the
// line only sees plain RMWs.
func NewCacheLine(prof *Profile, rng *rand.Rand) *CacheLine {
	l := &CacheLine{}
	l.Init(prof, rng)
	return l
}

// Init resets l to an untouched line (for lines embedded in other values).
func (l *CacheLine) Init(prof *Profile, rng *rand.Rand) {
	*l = CacheLine{prof: prof, owner: -1, gap: math.Inf(1), rng: rng}
}

// RMW performs one atomic read-modify-write by cpu at now and returns how
// long cpu is busy with it: queueing for the line, the transfer and the
// local RMW.
func (l *CacheLine) RMW(now sim.Time, cpu int) sim.Time {
	busy := l.busyUntil // before the access moves it
	return l.record(now, busy, l.access(now, cpu, 1))
}

// record adds to the line's class an access issued at now, when the line
// was busy until busy, that kept the CPU d: the queueing is the wait, the
// rest (transfer and RMW) the hold.
func (l *CacheLine) record(now, busy, d sim.Time) sim.Time {
	if l.Class != nil {
		wait := max(busy-now, 0)
		l.Class.wait(wait)
		l.Class.hold(d - wait)
	}
	return d
}

// CASLoop performs an atomic_inc_not_zero / atomic_dec_if_positive: a read
// and a cmpxchg that is retried when another CPU wrote the line in between.
// The retry happens with probability 1 − exp(−λ·t_x), where λ is the recent
// rate of transfers of the line (cost-model.md §5.3); each retry costs
// another transfer and RMW. The number of rounds is drawn at once, capped at
// 16, never as a chain of events.
func (l *CacheLine) CASLoop(now sim.Time, cpu int) sim.Time {
	rounds := 1
	tx := float64(l.prof.Transfer(l.owner, cpu))
	if l.rng != nil && tx > 0 && !math.IsInf(l.gap, 1) {
		// Decay the rate estimate when the line has been quiet, and never
		// let it exceed one transfer per transfer time (simultaneous
		// accesses must not make the retry certain).
		gap := math.Max(math.Max(l.gap, float64(now-l.last)), tx)
		pFail := -math.Expm1(-tx / gap)
		for rounds < 16 && l.rng.Float64() < pFail {
			rounds++
		}
	}
	busy := l.busyUntil // before the access moves it
	return l.record(now, busy, l.access(now, cpu, rounds))
}

// Hold takes a lock whose word lives on this line and holds it for d
// without blocking: a spinlock around a short, non-sleeping critical
// section (the xarray's xa_lock). Spinners are served FIFO and each
// hand-off costs one transfer (qspinlock, cost-model.md §4), so the lock
// is a FIFO server with service transfer + RMW + d, computed arithmetically
// like RMW. It returns how long cpu spends: spinning, the transfer, the
// critical section.
func (l *CacheLine) Hold(now sim.Time, cpu int, d sim.Time) sim.Time {
	busy := l.busyUntil
	done := l.access(now, cpu, 1)
	l.busyUntil += d
	l.BusyTotal += d
	return l.record(now, busy, done+d)
}

func (l *CacheLine) access(now sim.Time, cpu int, rounds int) sim.Time {
	start := max(now, l.busyUntil)
	var service sim.Time
	if l.owner != cpu && l.owner >= 0 {
		l.Transfers += uint64(rounds)
		if l.rng != nil { // the transfer rate only matters to CAS loops
			const alpha = 0.125
			g := float64(now - l.last)
			if math.IsInf(l.gap, 1) {
				l.gap = g
			} else {
				l.gap += alpha * (g - l.gap)
			}
		}
	} else if rounds > 1 {
		l.Transfers += uint64(rounds - 1)
	}
	// The first round pays the transfer from the last writer; a retry
	// pays it again, as another CPU took the line in between.
	first := l.prof.Transfer(l.owner, cpu)
	retry := l.prof.LineLLC
	service = first + l.prof.RMW + sim.Time(rounds-1)*(retry+l.prof.RMW)
	l.Accesses++
	if start > now {
		l.Queued++
	}
	l.WaitTotal += start - now
	l.BusyTotal += service
	l.busyUntil = start + service
	l.owner = cpu
	l.last = now
	return l.busyUntil - now
}

// Owner returns the CPU that wrote the line last, or -1.
func (l *CacheLine) Owner() int { return l.owner }
