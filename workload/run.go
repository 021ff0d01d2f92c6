package workload

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
)

// Point is one cell of a scenario's grid: a design at a CPU count and, when
// the scenario has sweep axes, a value on each (Scenario.Points lists
// them).
type Point struct {
	Design lockmodels.Design
	CPUs   int
	Coords []Coord // one per sweep axis, in the scenario's order
}

// Key names the point's position in the grid without the design, so that
// every design of a replication draws the same random numbers (common
// random numbers, product.md §6): "cpus=16" without sweep axes, else
// "cpus=16/sessions.count=32/handlers.memfd.preserve.mean=100us", each
// value in canonical form. Every random stream derives from it.
func (p Point) Key() string {
	if len(p.Coords) == 0 {
		return "cpus=" + strconv.Itoa(p.CPUs)
	}
	var b strings.Builder
	b.WriteString("cpus=")
	b.WriteString(strconv.Itoa(p.CPUs))
	for _, c := range p.Coords {
		b.WriteByte('/')
		b.WriteString(c.Path)
		b.WriteByte('=')
		// Rates drop their "/s": a key is a list of /key=value parts
		// (benchstat reads them as such), so values hold no '/'.
		b.WriteString(strings.TrimSuffix(c.Value.Text, "/s"))
	}
	return b.String()
}

// Sample is one measured operation.
type Sample struct {
	Latency  sim.Time // issue (or arrival) to completion
	Wait     sim.Time // waiting for locks and shared cache lines
	Callback sim.Time // in handler and FLB callbacks
	Transfer sim.Time // part of Wait spent fetching shared cache lines
	LockCost sim.Time // lock primitives' local atomics
	CPUWait  sim.Time // runnable, waiting for a CPU
	CPU      int      // the CPU the op completed on; -1 for machine-wide ops (reboot, deserialize)
	Failed   bool
}

// Recorder receives each measured operation.
type Recorder interface {
	Record(op lockmodels.Op, s Sample)
}

// Result is what one run measured besides its operations.
type Result struct {
	// Window is the span over which throughput is counted: duration −
	// warmup for steady runs; for lifecycle runs the whole run (each op's
	// own phase span is OpWindow).
	Window sim.Time
	// OpWindow is the span over which each op's throughput is counted:
	// the measurement window for steady runs; for lifecycle runs the
	// phase the op belongs to (create and preserve: the preserve phase;
	// retrieve-session, retrieve and finish: the restore phase; reboot:
	// the blackout; deserialize: its own duration).
	OpWindow [lockmodels.NumOps]sim.Time
	Elapsed  sim.Time // simulated time of the whole run (lock utilisation's denominator)
	Phases   Phases
	Blocked  int // rmmod attempts refused (unload_blocked)
	Hazards  int // rmmod attempts that succeeded while LUO needed the module (unload_hazards)
	Locks    []lockmodels.LockClass
	Events   uint64
}

// Phases are the spans of a lifecycle run.
type Phases struct {
	Preserve sim.Time // from the start until the last client preserved its last file
	Blackout sim.Time // reboot: serialize and freeze, single-threaded
	Restore  sim.Time // from deserialize until the last client finished
}

// Run simulates replication rep of point pt of sc and reports every
// measured op to rec. It is a pure function of (sc, pt, rep). When sc has
// sweep axes, pt must be one of sc.Points() (with a design): Run applies
// its coordinates to a copy of sc (see At) and leaves sc untouched, so
// several points may run at once on one scenario.
func Run(sc *Scenario, pt Point, rep int, rec Recorder) Result {
	return RunWith(sc, pt, rep, rec, Options{})
}

// Options are how to run, beyond what to run: nothing in them changes a
// result.
type Options struct {
	// Check turns on the kernel model's invariant checks (lockmodels
	// check.go); a broken invariant panics with the event that broke it.
	Check bool
}

// RunWith is Run with options.
func RunWith(sc *Scenario, pt Point, rep int, rec Recorder, opt Options) Result {
	if len(sc.Sweep) > 0 || len(pt.Coords) > 0 {
		sc = sc.At(pt)
	}
	d := newDriver(sc, pt, rep, rec, opt)
	if sc.Workload.Kind == Steady {
		d.runSteady()
	} else {
		d.runLifecycle()
	}
	// A lifecycle ends with every op complete; a steady run stops with
	// ops in flight.
	d.k.CheckEnd(sc.Workload.Kind != Steady)
	d.res.Locks = d.k.LockClasses()
	for _, b := range d.lockBaseline {
		for i := range d.res.Locks {
			if d.res.Locks[i].Name == b.Name {
				d.res.Locks[i].Stats.Sub(b.Stats)
			}
		}
	}
	d.res.Events = d.eng.Executed()
	return d.res
}

// driver plays the userspace side: LUOD clients, one per session.
type driver struct {
	sc  *Scenario
	pt  Point
	rep int
	rec Recorder
	eng *sim.Engine
	id  sim.HandlerID
	k   *lockmodels.LUO
	cfg lockmodels.LUOConfig

	threads []*lockmodels.Thread
	next    []int // steady closed loops: the file slot each thread replaces next
	res     Result

	// Lifecycle.
	phase       int // 0 preserve, 1 blackout, 2 restore, 3 done
	clientsLeft int
	phaseStart  sim.Time
	deserialize sim.Time // how long deserialize took

	lockBaseline []lockmodels.LockClass // steady: the locks' statistics at the warm-up

	// Steady.
	warmup, end sim.Time
	think       sim.Dist
	arrivals    *rand.Rand
	pick        *rand.Rand
	seeds       *rand.Rand  // open arrivals: seeds of each op's own stream
	pcgs        []*rand.PCG // open arrivals: each thread's generator
	free        []int32

	// Faults.
	rmmod     *rand.Rand
	rmmodNext int
	rmmodMods []int
}

const (
	evNext    int32 = iota // a lifecycle client issues its next op
	evArrive               // an open arrival
	evBoot                 // the new kernel is up: deserialize
	evRestore              // clients start retrieving
	evRmmod                // a module unload attempt
)

func (d *driver) stream(name ...string) *rand.Rand {
	key := append([]string{d.pt.Key(), "rep=" + strconv.Itoa(d.rep)}, name...)
	return sim.NewRNG(d.sc.Seed, key...)
}

func newDriver(sc *Scenario, pt Point, rep int, rec Recorder, opt Options) *driver {
	d := &driver{sc: sc, pt: pt, rep: rep, rec: rec, eng: sim.New()}
	d.id = d.eng.Register(d)
	d.cfg = LUOConfig(sc, pt.Design)
	d.cfg.Check = opt.Check
	d.cfg.RebootRNG = d.stream("reboot")
	d.cfg.FLBRNG = d.stream("flb")
	d.cfg.CASRNG = d.stream("cas")
	d.k = lockmodels.NewLUO(d.eng, d.cfg, pt.CPUs, d.opDone)
	for _, m := range sc.Faults.RmmodModules {
		for i, name := range d.cfg.Modules {
			if name == m {
				d.rmmodMods = append(d.rmmodMods, i)
			}
		}
	}
	if sc.Faults.RmmodRate > 0 && len(d.rmmodMods) > 0 {
		d.rmmod = d.stream("rmmod")
		d.eng.Schedule(d.rmmodGap(), d.id, evRmmod, 0)
	}
	return d
}

// LUOConfig translates a scenario and a design into the kernel model's
// configuration (without its RNG streams).
func LUOConfig(sc *Scenario, design lockmodels.Design) lockmodels.LUOConfig {
	cfg := lockmodels.LUOConfig{Design: design, Profile: sc.Machine.Profile, Sessions: sc.Sessions.Count,
		MaxSessions: sc.Limits.Sessions, MaxFilesPerSession: sc.Limits.FilesPerSession}
	seen := map[string]bool{}
	for _, h := range sc.Handlers {
		seen[h.Module], seen[h.FileOwner] = true, true
	}
	for _, f := range sc.FLBs {
		seen[f.Module] = true
	}
	for m := range seen {
		if m != Builtin && m != "" {
			cfg.Modules = append(cfg.Modules, m)
		}
	}
	sort.Strings(cfg.Modules)
	mod := func(name string) int {
		if name == Builtin || name == "" {
			return -1
		}
		return sort.SearchStrings(cfg.Modules, name)
	}
	flbIndex := map[string]int{}
	for i, f := range sc.FLBs {
		flbIndex[f.Name] = i
		lf := lockmodels.LUOFLB{Name: f.Name, Module: mod(f.Module)}
		copy(lf.Cost[:], f.Cost[:])
		cfg.FLBs = append(cfg.FLBs, lf)
	}
	handlerIndex := map[string]int{}
	for i, h := range sc.Handlers {
		handlerIndex[h.Name] = i
		lh := lockmodels.LUOHandler{Name: h.Name, Module: mod(h.Module), FileOwner: mod(h.FileOwner)}
		copy(lh.Cost[:], h.Cost[:])
		for cb := range lh.Extra {
			lh.Extra[cb] = sim.Time(h.Folios()) * h.PerFolio[cb]
		}
		for _, f := range h.FLBs {
			lh.FLBs = append(lh.FLBs, flbIndex[f])
		}
		cfg.Handlers = append(cfg.Handlers, lh)
	}
	for _, g := range sc.Sessions.Files {
		for i := 0; i < g.Count; i++ {
			cfg.Files = append(cfg.Files, handlerIndex[g.Handler])
		}
	}
	return cfg
}

func (d *driver) addThread(pinned int, rng *rand.Rand) *lockmodels.Thread {
	t := &lockmodels.Thread{ID: int32(len(d.threads)), Pinned: pinned, RNG: rng}
	d.threads = append(d.threads, t)
	d.next = append(d.next, 0)
	d.k.AddThread(t)
	return t
}

func (d *driver) rmmodGap() sim.Time {
	return sim.Time(d.rmmod.ExpFloat64()*1e9/d.sc.Faults.RmmodRate + 0.5)
}

// opDone is told of every completed op. A lifecycle client's next op is
// started from an event, never synchronously (see NewLUO).
func (d *driver) opDone(t *lockmodels.Thread) {
	if d.sc.Workload.Kind == Steady {
		d.steadyDone(t)
		return
	}
	d.eng.Schedule(0, d.id, evNext, t.ID)
}

// Handle runs the driver's events.
func (d *driver) Handle(ev sim.Event) {
	switch ev.Op {
	case evNext:
		d.lifecycleDone(d.threads[ev.Arg])
	case evArrive:
		d.arrive()
	case evBoot:
		d.phase = 2
		dz := d.k.Deserialize()
		d.deserialize = dz
		d.rec.Record(lockmodels.OpDeserialize, Sample{Latency: dz, CPU: -1})
		d.eng.Schedule(dz, d.id, evRestore, 0)
	case evRestore:
		// Clients whose session was never created (-ENOSPC) have nothing
		// to retrieve.
		d.clientsLeft = 0
		for _, t := range d.threads {
			if d.k.Live(t.Session) {
				d.clientsLeft++
				t.Op = lockmodels.OpRetrieveSession
				d.k.Start(t)
			}
		}
		if d.clientsLeft == 0 {
			d.finishLifecycle()
		}
	case evRmmod:
		if d.phase == 3 || d.eng.Pending() == 0 {
			// Done, or nothing else can happen: attempts alone must not
			// keep the run going.
			return
		}
		if d.phase == 1 {
			// Nobody can rmmod while the machine reboots: the attempts
			// resume, as a fresh Poisson stream, when the new kernel is up.
			d.eng.ScheduleAt(d.phaseStart+d.rmmodGap(), d.id, evRmmod, 0)
			return
		}
		res := d.k.Rmmod(d.rmmodMods[d.rmmodNext%len(d.rmmodMods)])
		if d.eng.Now() >= d.warmup { // steady runs discard the warm-up from every statistic
			switch res {
			case lockmodels.RmmodBlocked:
				d.res.Blocked++
			case lockmodels.RmmodHazard:
				d.res.Hazards++
			}
		}
		d.rmmodNext++
		d.eng.Schedule(d.rmmodGap(), d.id, evRmmod, 0)
	}
}

func sampleOf(t *lockmodels.Thread) Sample {
	return Sample{Latency: t.Done - t.Issued, Wait: t.Wait, Callback: t.Callback, Transfer: t.Transfer,
		LockCost: t.LockCost, CPUWait: t.CPUWait, CPU: t.CPU(), Failed: t.Failed}
}

// runLifecycle: every session is created and its files preserved
// concurrently, one client per session; then reboot (the blackout), then
// deserialize, then every client retrieves its session and files and
// finishes (product.md §3).
func (d *driver) runLifecycle() {
	S := d.sc.Sessions.Count
	for s := 0; s < S; s++ {
		t := d.addThread(-1, d.stream("client", strconv.Itoa(s)))
		t.Session, t.Op = s, lockmodels.OpCreate
	}
	d.clientsLeft = S
	for _, t := range d.threads {
		d.k.Start(t)
	}
	d.eng.Run()
	if d.phase != 3 {
		panic(fmt.Sprintf("workload: lifecycle stopped in phase %d with %d clients left", d.phase, d.clientsLeft))
	}
	d.res.Window = d.res.Elapsed
	ph := d.res.Phases
	for op := range d.res.OpWindow {
		switch lockmodels.Op(op) {
		case lockmodels.OpCreate, lockmodels.OpPreserve, lockmodels.OpUnpreserve:
			d.res.OpWindow[op] = ph.Preserve
		case lockmodels.OpReboot:
			d.res.OpWindow[op] = ph.Blackout
		case lockmodels.OpDeserialize:
			d.res.OpWindow[op] = d.deserialize
		default:
			d.res.OpWindow[op] = ph.Restore - d.deserialize
		}
	}
}

func (d *driver) lifecycleDone(t *lockmodels.Thread) {
	d.rec.Record(t.Op, sampleOf(t))
	F := len(d.cfg.Files)
	if d.phase == 2 {
		F = d.k.Files(t.Session) // retrieve only what was preserved
	}
	next := func(op lockmodels.Op, file int) {
		t.Op, t.File = op, file
		d.k.Start(t)
	}
	switch t.Op {
	case lockmodels.OpCreate:
		if !t.Failed && F > 0 {
			next(lockmodels.OpPreserve, 0)
			return
		}
	case lockmodels.OpPreserve:
		if t.File+1 < F {
			next(lockmodels.OpPreserve, t.File+1)
			return
		}
	case lockmodels.OpRetrieveSession:
		if F > 0 {
			next(lockmodels.OpRetrieve, 0)
			return
		}
		next(lockmodels.OpFinish, 0)
		return
	case lockmodels.OpRetrieve:
		if t.File+1 < F {
			next(lockmodels.OpRetrieve, t.File+1)
		} else {
			next(lockmodels.OpFinish, 0)
		}
		return
	}
	// This client is done with its phase.
	d.clientsLeft--
	if d.clientsLeft > 0 {
		return
	}
	now := d.eng.Now()
	if d.phase == 0 {
		d.res.Phases.Preserve = now
		d.phase = 1
		blackout, cb := d.k.Reboot()
		d.rec.Record(lockmodels.OpReboot, Sample{Latency: blackout, Callback: cb, CPU: -1})
		d.res.Phases.Blackout = blackout
		d.phaseStart = now + blackout
		d.eng.Schedule(blackout, d.id, evBoot, 0)
		return
	}
	d.finishLifecycle()
}

// finishLifecycle ends the run: the restore phase is over.
func (d *driver) finishLifecycle() {
	d.res.Phases.Restore = d.eng.Now() - d.phaseStart
	d.res.Elapsed = d.eng.Now()
	d.phase = 3
}

// runSteady runs a stationary load of preserves on sessions whose file
// sets stay full (product.md §3).
func (d *driver) runSteady() {
	w := d.sc.Workload
	d.warmup, d.end = w.Warmup, w.Duration
	d.res.Window = w.Duration - w.Warmup
	for op := range d.res.OpWindow {
		d.res.OpWindow[op] = d.res.Window
	}
	d.k.Prefill()
	if w.Arrival.Kind == Closed {
		d.think = w.Arrival.Think
		for c := 0; c < d.pt.CPUs; c++ {
			t := d.addThread(c, d.stream("cpu", strconv.Itoa(c)))
			t.Session = c % d.sc.Sessions.Count
			d.next[t.ID] = c % len(d.cfg.Files) // CPUs sharing a session start on different files
			d.thinkThenPreserve(t)
		}
	} else {
		d.arrivals, d.pick, d.seeds = d.stream("arrivals"), d.stream("sessions"), d.stream("callbacks")
		d.eng.Schedule(d.interarrival(), d.id, evArrive, 0)
	}
	// Ops before the warm-up are discarded from every statistic, the
	// locks' included: snapshot them at the warm-up and subtract.
	d.eng.RunUntil(d.warmup)
	before := d.k.LockClasses()
	d.k.ResetLockDistributions()
	d.eng.RunUntil(d.end)
	d.phase = 3
	d.res.Elapsed = d.res.Window
	d.lockBaseline = before
}

func (d *driver) interarrival() sim.Time {
	return sim.Time(d.arrivals.ExpFloat64()*1e9/d.sc.Workload.Arrival.Rate + 0.5)
}

// thinkThenPreserve has a closed-loop thread think, then preserve a new
// file in the slot after its last one, replacing the file there.
func (d *driver) thinkThenPreserve(t *lockmodels.Thread) {
	t.Op, t.Replace = lockmodels.OpPreserve, true
	t.File = d.next[t.ID]
	if d.next[t.ID]++; d.next[t.ID] == len(d.cfg.Files) {
		d.next[t.ID] = 0
	}
	d.k.StartAfter(t, d.think.Sample(t.RNG))
}

// arrive starts an open arrival as its own thread on any idle CPU.
func (d *driver) arrive() {
	var t *lockmodels.Thread
	if n := len(d.free); n > 0 {
		t = d.threads[d.free[n-1]]
		d.free = d.free[:n-1]
	} else {
		pcg := rand.NewPCG(0, 0)
		t = d.addThread(-1, rand.New(pcg))
		d.pcgs = append(d.pcgs, pcg)
	}
	// The op's own random numbers, seeded in arrival order, so that every
	// design draws the same callback costs for the same arrival.
	d.pcgs[t.ID].Seed(d.seeds.Uint64(), d.seeds.Uint64())
	t.Session = d.pick.IntN(d.sc.Sessions.Count)
	t.File = d.pick.IntN(len(d.cfg.Files))
	t.Op, t.Replace = lockmodels.OpPreserve, true
	d.k.Start(t)
	d.eng.Schedule(d.interarrival(), d.id, evArrive, 0)
}

func (d *driver) steadyDone(t *lockmodels.Thread) {
	if t.Issued >= d.warmup && t.Done <= d.end {
		d.rec.Record(t.Op, sampleOf(t))
	}
	if d.sc.Workload.Arrival.Kind == Closed {
		d.thinkThenPreserve(t)
		return
	}
	d.free = append(d.free, t.ID)
}
