package lockmodels

import (
	"slices"
	"strconv"
	"testing"

	"github.com/luosim/luosim/sim"
)

// Tests of the LUO kernel model (luo.go, luo_ops.go) against luo-model.md
// §2 and product.md §2. A tiny driver (luoRig) plays userspace: each
// thread runs a script of ops, the next one starting (from an engine
// event) when the kernel reports the last one done.

// luoCall is one op a thread issues.
type luoCall struct {
	op      Op
	session int
	file    int
	replace bool
}

func opCreate(s int) luoCall          { return luoCall{op: OpCreate, session: s} }
func opPreserve(s, f int) luoCall     { return luoCall{op: OpPreserve, session: s, file: f} }
func opReplace(s, f int) luoCall      { return luoCall{op: OpPreserve, session: s, file: f, replace: true} }
func opUnpreserve(s int) luoCall      { return luoCall{op: OpUnpreserve, session: s} }
func opRetrieveSession(s int) luoCall { return luoCall{op: OpRetrieveSession, session: s} }
func opRetrieve(s, f int) luoCall     { return luoCall{op: OpRetrieve, session: s, file: f} }
func opFinish(s int) luoCall          { return luoCall{op: OpFinish, session: s} }
func opPreserveAll(s, n int) []luoCall {
	return opSeq(n, func(f int) luoCall { return opPreserve(s, f) })
}
func opRetrieveAll(s, n int) []luoCall {
	return opSeq(n, func(f int) luoCall { return opRetrieve(s, f) })
}

func opSeq(n int, f func(int) luoCall) []luoCall {
	var out []luoCall
	for i := 0; i < n; i++ {
		out = append(out, f(i))
	}
	return out
}

// luoDone is one completed op, copied from its Thread.
type luoDone struct {
	tid                          int32
	call                         luoCall
	issued, done, wait, callback sim.Time
	failed                       bool
}

func (d luoDone) latency() sim.Time { return d.done - d.issued }

type luoRig struct {
	t       *testing.T
	eng     *sim.Engine
	id      sim.HandlerID
	k       *LUO
	cfg     LUOConfig
	threads []*Thread
	queue   [][]luoCall
	busy    []bool
	cur     []luoCall
	log     []luoDone
}

const luoRigNext int32 = 42

// newLUORig builds a kernel with cpus CPUs and nthreads unpinned threads.
func newLUORig(t *testing.T, cfg LUOConfig, cpus, nthreads int) *luoRig {
	t.Helper()
	if cfg.RebootRNG == nil {
		cfg.RebootRNG = sim.NewRNG(7, "luo-test", "reboot")
	}
	if cfg.FLBRNG == nil {
		cfg.FLBRNG = sim.NewRNG(7, "luo-test", "flb")
	}
	r := &luoRig{t: t, eng: sim.New(), cfg: cfg}
	r.id = r.eng.Register(r)
	r.k = NewLUO(r.eng, cfg, cpus, r.opDone)
	for i := 0; i < nthreads; i++ {
		th := &Thread{ID: int32(i), Pinned: -1, RNG: sim.NewRNG(7, "luo-test", "thread", strconv.Itoa(i))}
		r.k.AddThread(th)
		r.threads = append(r.threads, th)
	}
	r.queue = make([][]luoCall, nthreads)
	r.busy = make([]bool, nthreads)
	r.cur = make([]luoCall, nthreads)
	return r
}

// opDone is the kernel's completion callback: record the op and, as
// NewLUO asks, start the thread's next op from an event rather than
// synchronously.
func (r *luoRig) opDone(th *Thread) {
	if th.ID < 0 || int(th.ID) >= len(r.threads) || r.threads[th.ID] != th || !r.busy[th.ID] {
		r.t.Fatalf("completion for thread %d, which has no op running", th.ID)
	}
	if th.Done != r.eng.Now() {
		r.t.Errorf("thread %d: Done = %d, reported at %d", th.ID, th.Done, r.eng.Now())
	}
	r.busy[th.ID] = false
	r.log = append(r.log, luoDone{tid: th.ID, call: r.cur[th.ID], issued: th.Issued, done: th.Done,
		wait: th.Wait, callback: th.Callback, failed: th.Failed})
	r.eng.Schedule(0, r.id, luoRigNext, th.ID)
}

// Handle starts a thread's next op after its last one completed.
func (r *luoRig) Handle(ev sim.Event) {
	if ev.Op != luoRigNext {
		r.t.Fatalf("driver got event op %d, want %d", ev.Op, luoRigNext)
	}
	r.startNext(r.threads[ev.Arg])
}

func (r *luoRig) startNext(th *Thread) {
	q := r.queue[th.ID]
	if len(q) == 0 {
		return
	}
	c := q[0]
	r.queue[th.ID] = q[1:]
	th.Op, th.Session, th.File, th.Replace = c.op, c.session, c.file, c.replace
	r.cur[th.ID] = c
	r.busy[th.ID] = true
	r.k.Start(th)
}

// do queues calls on thread tid.
func (r *luoRig) do(tid int, calls ...luoCall) { r.queue[tid] = append(r.queue[tid], calls...) }

// run starts, at the current instant and in thread order, every thread
// with queued calls, runs the engine dry and returns this run's
// completions in completion order.
func (r *luoRig) run() []luoDone {
	r.t.Helper()
	from := len(r.log)
	for _, th := range r.threads {
		if !r.busy[th.ID] {
			r.startNext(th)
		}
	}
	r.eng.Run()
	r.k.CheckEnd(true) // every op done, nobody waiting: conservation and Little's law hold exactly
	for i := range r.threads {
		if r.busy[i] || len(r.queue[i]) > 0 {
			r.t.Fatalf("thread %d stuck: busy %v, %d calls left (deadlock?)", i, r.busy[i], len(r.queue[i]))
		}
	}
	return r.log[from:]
}

// one runs a single call on thread tid.
func (r *luoRig) one(tid int, c luoCall) luoDone {
	r.t.Helper()
	r.do(tid, c)
	got := r.run()
	if len(got) != 1 {
		r.t.Fatalf("%v: %d completions, want 1", c.op, len(got))
	}
	return got[0]
}

// Fixtures: two handlers and one FLB with distinct constant costs, so that
// every sum identifies which callbacks ran.

func luoCosts(v ...sim.Time) [NumCB]sim.Dist {
	var c [NumCB]sim.Dist
	for i := range c {
		c[i] = sim.ConstDist(v[i])
	}
	return c
}

const (
	memfdH = 0 // built in, no FLB, per-file extras
	vfioH  = 1 // modular (vfio_pci), linked to FLB 0
)

// Callback costs, indexed by CB*: can_preserve, preserve, unpreserve,
// freeze, unfreeze, retrieve, finish.
var (
	memfdCost = [NumCB]sim.Time{0, 1_000, 200, 30_000, 0, 4_000, 500}
	memfdX    = [NumCB]sim.Time{0, 11, 13, 17, 0, 19, 23}
	vfioCost  = [NumCB]sim.Time{0, 2_000, 300, 50_000, 0, 6_000, 700}
	flbCost   = [NumCB]sim.Time{0, 70_000, 8_000, 0, 0, 0, 900_000}
)

const (
	modVfioPci = 0
	modIommufd = 1
)

// luoFixture returns a config with memfd (built in) and vfio (module
// vfio_pci, file owner vfio_pci, linked to the iommu FLB of module
// iommufd).
func luoFixture(d Design, prof *Profile, sessions int, files ...int) LUOConfig {
	return LUOConfig{
		Design:  d,
		Profile: prof,
		Modules: []string{"vfio_pci", "iommufd"},
		Handlers: []LUOHandler{
			{Name: "memfd", Module: -1, FileOwner: -1, Cost: luoCosts(memfdCost[:]...), Extra: memfdX},
			{Name: "vfio", Module: modVfioPci, FileOwner: modVfioPci, Cost: luoCosts(vfioCost[:]...), FLBs: []int{0}},
		},
		FLBs:     []LUOFLB{{Name: "iommu", Module: modIommufd, Cost: luoCosts(flbCost[:]...)}},
		Sessions: sessions,
		Files:    files,
	}
}

// handlerCB is the sample of callback cb of handler h in the fixture.
func handlerCB(h, cb int) sim.Time {
	if h == memfdH {
		return memfdCost[cb] + memfdX[cb]
	}
	return vfioCost[cb]
}

var presetNames = []string{"v0-pinned", "v1-per-file", "v2-no-refcount", "v3-merged", "global-mutex",
	"global+refcount", "global+norefcount", "session+refcount", "session+norefcount"}

// luoDesigns returns the presets and two inline designs covering the axis
// values no preset uses (percpu, rcu; global with quiesce).
func luoDesigns(t *testing.T) []Design {
	t.Helper()
	var ds []Design
	for _, n := range presetNames {
		d, ok := LookupDesign(n)
		if !ok {
			t.Fatalf("preset %q missing", n)
		}
		ds = append(ds, d)
	}
	return append(ds,
		Design{Name: "inline-percpu-rcu", Session: PerSession, Refcount: RefPercpu, Registry: RegRCU},
		Design{Name: "inline-global-quiesce", Session: GlobalSession, Refcount: RefNone, Registry: RegQuiesce})
}

func mustDesign(t *testing.T, name string) Design {
	t.Helper()
	d, ok := LookupDesign(name)
	if !ok {
		t.Fatalf("design %q missing", name)
	}
	return d
}

func mustProfile(t *testing.T, name string) *Profile {
	t.Helper()
	p, ok := LookupProfile(name)
	if !ok {
		t.Fatalf("profile %q missing", name)
	}
	return p
}

func rmmodName(r RmmodResult) string {
	switch r {
	case RmmodClean:
		return "clean"
	case RmmodBlocked:
		return "blocked"
	case RmmodHazard:
		return "hazard"
	}
	return "RmmodResult(" + strconv.Itoa(int(r)) + ")"
}

// countsRefs reports whether LUO takes module references per file.
func countsRefs(d Design) bool { return d.Refcount == RefPerFile || d.Refcount == RefPercpu }

// 1. On the ideal profile an op costs exactly its callbacks.
func TestLUOIdealCostsAreCallbacks(t *testing.T) {
	// Slots: vfio (first of its FLB), memfd, vfio, vfio.
	files := []int{vfioH, memfdH, vfioH, vfioH}
	freezeAll := sim.Time(0)
	finishAll := flbCost[CBFinish]
	for _, h := range files {
		freezeAll += handlerCB(h, CBFreeze)
		finishAll += handlerCB(h, CBFinish)
	}
	for _, d := range luoDesigns(t) {
		t.Run(d.Name, func(t *testing.T) {
			r := newLUORig(t, luoFixture(d, IdealProfile(), 1, files...), 4, 1)
			check := func(got luoDone, want sim.Time) {
				t.Helper()
				if got.latency() != want || got.callback != want || got.wait != 0 || got.failed {
					t.Errorf("%v file %d: latency %d, callback %d, wait %d, failed %v; want %d, %d, 0, false",
						got.call.op, got.call.file, got.latency(), got.callback, got.wait, got.failed, want, want)
				}
			}
			check(r.one(0, opCreate(0)), 0)
			for f, h := range files {
				want := handlerCB(h, CBPreserve)
				if f == 0 {
					want += flbCost[CBPreserve] // the FLB's first file
				}
				check(r.one(0, opPreserve(0, f)), want)
			}
			blackout, cbs := r.k.Reboot()
			if blackout != freezeAll || cbs != freezeAll {
				t.Errorf("Reboot = %d, %d; want %d, %d (the freeze callbacks)", blackout, cbs, freezeAll, freezeAll)
			}
			if dz := r.k.Deserialize(); dz != 0 {
				t.Errorf("Deserialize = %d, want 0 on the ideal profile", dz)
			}
			check(r.one(0, opRetrieveSession(0)), 0)
			for f, h := range files {
				check(r.one(0, opRetrieve(0, f)), handlerCB(h, CBRetrieve))
			}
			check(r.one(0, opFinish(0)), finishAll)
		})
	}
}

// 2. On a real profile ops cost more than their callbacks, and a
// preserve's token walk grows with the session's files.
func TestLUORealCostsGrowWithSession(t *testing.T) {
	for _, name := range []string{"v3-merged", "v1-per-file", "global-mutex", "v2-no-refcount"} {
		t.Run(name, func(t *testing.T) {
			prof := mustProfile(t, "xeon2s-icx")
			const F = 10
			r := newLUORig(t, luoFixture(mustDesign(t, name), prof, 2, slices.Repeat([]int{memfdH}, F)...), 8, 1)
			r.threads[0].Pinned = 3
			r.do(0, opPreserveAll(0, F)...)
			ps := r.run()
			if len(ps) != F {
				t.Fatalf("%d preserves done, want %d", len(ps), F)
			}
			for i, p := range ps {
				if p.callback != handlerCB(memfdH, CBPreserve) {
					t.Errorf("preserve %d: callback %d, want %d", i, p.callback, handlerCB(memfdH, CBPreserve))
				}
				if p.latency() <= p.callback {
					t.Errorf("preserve %d: latency %d not above its callback %d", i, p.latency(), p.callback)
				}
			}
			// The first file also allocates the file set (KHOAlloc); from the
			// second on, each file in the session adds one WalkStep.
			for i := 2; i < F; i++ {
				if d := ps[i].latency() - ps[i-1].latency(); d != prof.WalkStep {
					t.Errorf("preserve %d − preserve %d = %d, want WalkStep %d", i, i-1, d, prof.WalkStep)
				}
			}
			if d, want := ps[F-1].latency()-ps[1].latency(), sim.Time(F-2)*prof.WalkStep; d != want {
				t.Errorf("10th − 2nd preserve = %d, want %d", d, want)
			}
			if d, want := ps[0].latency()-ps[1].latency(), prof.KHOAlloc-prof.WalkStep; d != want {
				t.Errorf("1st − 2nd preserve = %d, want KHOAlloc − WalkStep = %d", d, want)
			}
			// The walk is per session: the first preserve of another session
			// costs what the first one of this session did.
			if p := r.one(0, opPreserve(1, 0)); p.latency() != ps[0].latency() {
				t.Errorf("first preserve of session 1 = %d, want %d (session 0's first)", p.latency(), ps[0].latency())
			}
		})
	}
}

// 3. Module references per design through the lifecycle.
func TestLUORefcountPolicy(t *testing.T) {
	const S, F = 2, 3
	const N = S * F
	for _, d := range luoDesigns(t) {
		t.Run(d.Name, func(t *testing.T) {
			cfg := luoFixture(d, IdealProfile(), S, vfioH, vfioH, vfioH)
			cfg.Handlers[vfioH].FLBs = nil // FLB references are tested apart
			r := newLUORig(t, cfg, 4, S)
			for s := 0; s < S; s++ {
				r.do(s, opCreate(s))
				r.do(s, opPreserveAll(s, F)...)
			}
			r.run()
			wantRefs := int64(0)
			if countsRefs(d) {
				wantRefs = N
			}
			if got := r.k.ModuleRefs(modVfioPci); got != wantRefs {
				t.Errorf("preserved: ModuleRefs = %d, want %d", got, wantRefs)
			}
			if got := r.k.Preserved(vfioH); got != N {
				t.Errorf("preserved: Preserved = %d, want %d", got, N)
			}
			r.k.Reboot()
			if got := r.k.ModuleRefs(modVfioPci); got != 0 {
				t.Errorf("rebooted: ModuleRefs = %d, want 0", got)
			}
			if got, got2 := r.k.Pending(vfioH), r.k.Preserved(vfioH); got != 0 || got2 != 0 {
				t.Errorf("rebooted: Pending = %d, Preserved = %d; want 0, 0", got, got2)
			}
			r.k.Deserialize()
			if got := r.k.Pending(vfioH); got != N {
				t.Errorf("deserialized: Pending = %d, want %d", got, N)
			}
			if got := r.k.ModuleRefs(modVfioPci); got != wantRefs {
				t.Errorf("deserialized: ModuleRefs = %d, want %d", got, wantRefs)
			}
			for s := 0; s < S; s++ {
				r.do(s, opRetrieveSession(s))
				r.do(s, opRetrieveAll(s, F)...)
				r.do(s, opFinish(s))
			}
			r.run()
			if got, refs := r.k.Pending(vfioH), r.k.ModuleRefs(modVfioPci); got != 0 || refs != 0 {
				t.Errorf("finished: Pending = %d, ModuleRefs = %d; want 0, 0", got, refs)
			}
		})
	}
}

// 4. Rmmod outcomes through the lifecycle (product.md §2).
func TestLUORmmodOutcomes(t *testing.T) {
	const (
		modVfio  = 0 // vfio: owner of vfio_device_fops
		modVPci  = 1 // vfio_pci: the handler's module
		modOwn   = 2 // a handler whose file its own module owns
		hVfio    = 0
		hOwn     = 1
		C, B, Hz = RmmodClean, RmmodBlocked, RmmodHazard
	)
	stages := []string{"fresh", "preserved", "rebooted", "deserialized", "retrieved", "finished"}
	type probe struct {
		handler, mod int
		want         [6]RmmodResult // per stage
	}
	perFile := []probe{
		{hVfio, modVPci, [6]RmmodResult{C, B, C, B, B, C}},
		{hVfio, modVfio, [6]RmmodResult{C, B, C, C, B, C}},
		{hOwn, modOwn, [6]RmmodResult{C, B, C, B, B, C}},
	}
	none := []probe{
		{hVfio, modVPci, [6]RmmodResult{C, Hz, C, Hz, Hz, C}}, // the vfio owner mismatch, then the v2 window
		{hVfio, modVfio, [6]RmmodResult{C, B, C, C, B, C}},
		{hOwn, modOwn, [6]RmmodResult{C, B, C, Hz, B, C}}, // the file pins; the v2 window before retrieve
	}
	pinned := []probe{
		{hVfio, modVPci, [6]RmmodResult{B, B, B, B, B, B}},
		{hVfio, modVfio, [6]RmmodResult{C, B, C, C, B, C}}, // no handler of its own: only its files pin it
		{hOwn, modOwn, [6]RmmodResult{B, B, B, B, B, B}},
	}
	for _, d := range luoDesigns(t) {
		probes := perFile
		switch d.Refcount {
		case RefNone:
			probes = none
		case RefPinned:
			probes = pinned
		}
		for _, p := range probes {
			t.Run(d.Name+"/"+[]string{"vfio", "own"}[p.handler]+"/mod"+strconv.Itoa(p.mod), func(t *testing.T) {
				cfg := LUOConfig{
					Design:  d,
					Profile: IdealProfile(),
					Modules: []string{"vfio", "vfio_pci", "own"},
					Handlers: []LUOHandler{
						{Name: "vfio", Module: modVPci, FileOwner: modVfio, Cost: luoCosts(vfioCost[:]...)},
						{Name: "own", Module: modOwn, FileOwner: modOwn, Cost: luoCosts(memfdCost[:]...)},
					},
					Sessions: 1,
					Files:    []int{p.handler},
				}
				r := newLUORig(t, cfg, 2, 1)
				probeAt := func(stage int) {
					t.Helper()
					if got := r.k.Rmmod(p.mod); got != p.want[stage] {
						t.Errorf("%s: Rmmod(%s) = %s, want %s", stages[stage], cfg.Modules[p.mod], rmmodName(got), rmmodName(p.want[stage]))
					}
				}
				probeAt(0)
				r.do(0, opCreate(0), opPreserve(0, 0))
				r.run()
				probeAt(1)
				r.k.Reboot()
				probeAt(2)
				r.k.Deserialize()
				probeAt(3)
				r.do(0, opRetrieveSession(0), opRetrieve(0, 0))
				r.run()
				probeAt(4)
				r.one(0, opFinish(0))
				probeAt(5)
			})
		}
	}
}

// 5. Session locking: per-session designs preserve into two sessions in
// parallel; the global mutex serialises them.
func TestLUOGlobalVsPerSession(t *testing.T) {
	const ms = sim.Millisecond
	for _, d := range luoDesigns(t) {
		t.Run(d.Name, func(t *testing.T) {
			cfg := luoFixture(d, IdealProfile(), 2, memfdH)
			cfg.Handlers[memfdH].Cost = luoCosts(0, ms, 0, 0, 0, 0, 0)
			cfg.Handlers[memfdH].Extra = [NumCB]sim.Time{}
			r := newLUORig(t, cfg, 4, 2)
			r.do(0, opPreserve(0, 0))
			r.do(1, opPreserve(1, 0))
			got := r.run()
			if len(got) != 2 {
				t.Fatalf("%d completions, want 2", len(got))
			}
			for _, g := range got {
				if g.issued != 0 {
					t.Fatalf("thread %d issued at %d, want 0", g.tid, g.issued)
				}
			}
			if d.Session == PerSession {
				for _, g := range got {
					if g.done != ms || g.wait != 0 {
						t.Errorf("thread %d: done %v, wait %v; want 1ms, 0", g.tid, g.done, g.wait)
					}
				}
				return
			}
			first, second := got[0], got[1]
			if first.done != ms || first.wait != 0 || second.done != 2*ms || second.wait != ms {
				t.Errorf("global: done %v/%v, wait %v/%v; want 1ms/2ms, 0/1ms", first.done, second.done, first.wait, second.wait)
			}
		})
	}
}

// 6. Mainline's fixed limits: -ENOSPC without side effects.
func TestLUOLimits(t *testing.T) {
	for _, name := range []string{"v3-merged", "v2-no-refcount", "global-mutex", "v0-pinned"} {
		for _, pname := range []string{"ideal", "xeon2s-icx"} {
			t.Run(name+"/"+pname, func(t *testing.T) {
				d := mustDesign(t, name)
				cfg := luoFixture(d, mustProfile(t, pname), 3, vfioH, vfioH, vfioH)
				cfg.MaxFilesPerSession = 2
				cfg.MaxSessions = 2
				r := newLUORig(t, cfg, 4, 2)
				r.do(0, opCreate(0))
				r.do(0, opPreserveAll(0, 3)...)
				got := r.run()
				for i, g := range got {
					if wantFail := i == 3; g.failed != wantFail {
						t.Errorf("%v file %d: failed %v, want %v", g.call.op, g.call.file, g.failed, wantFail)
					}
				}
				if f := got[3]; f.callback != 0 {
					t.Errorf("failed preserve ran %d of callbacks, want none", f.callback)
				}
				if p := r.k.Preserved(vfioH); p != 2 {
					t.Errorf("Preserved = %d, want 2 after a failed third preserve", p)
				}
				if refs, want := r.k.ModuleRefs(modVfioPci), map[bool]int64{true: 2, false: 0}[countsRefs(d)]; refs != want {
					t.Errorf("ModuleRefs = %d, want %d", refs, want)
				}
				// The session mutex was released: another thread can still
				// use the session and others.
				if g := r.one(1, opPreserve(0, 2)); !g.failed {
					t.Errorf("preserve into a full session succeeded")
				}
				if g := r.one(1, opPreserve(1, 0)); g.failed {
					t.Errorf("preserve into session 1 failed")
				}
				// Sessions: the second create fits, the third and fourth do not.
				if g := r.one(1, opCreate(1)); g.failed {
					t.Errorf("second create failed with MaxSessions = 2")
				}
				for _, s := range []int{2, 2} {
					if g := r.one(1, opCreate(s)); !g.failed || g.callback != 0 {
						t.Errorf("create beyond MaxSessions: failed %v, callback %d; want true, 0", g.failed, g.callback)
					}
				}
				if r.k.outSessions != 2 {
					t.Errorf("outgoing sessions = %d, want 2", r.k.outSessions)
				}
			})
		}
	}
}

// 7. Steady replace: the slot's old file is released in the same critical
// section; the counts do not move.
func TestLUOSteadyReplace(t *testing.T) {
	const S = 2
	files := []int{vfioH, vfioH, memfdH}
	for _, d := range luoDesigns(t) {
		t.Run(d.Name, func(t *testing.T) {
			r := newLUORig(t, luoFixture(d, IdealProfile(), S, files...), 4, 2)
			r.k.Prefill()
			refs0 := r.k.ModuleRefs(modVfioPci)
			flbRefs0 := r.k.ModuleRefs(modIommufd)
			if want := map[bool]int64{true: S * 2, false: 0}[countsRefs(d)]; refs0 != want {
				t.Errorf("after Prefill: ModuleRefs = %d, want %d", refs0, want)
			}
			for f, h := range files {
				g := r.one(f%2, opReplace(f%S, f))
				want := handlerCB(h, CBPreserve) + handlerCB(h, CBUnpreserve) // no FLB callback: neither first nor last
				if g.latency() != want || g.callback != want || g.wait != 0 || g.failed {
					t.Errorf("replace slot %d: latency %d, callback %d, wait %d, failed %v; want %d, %d, 0, false",
						f, g.latency(), g.callback, g.wait, g.failed, want, want)
				}
				if p := r.k.Preserved(vfioH); p != S*2 {
					t.Errorf("replace slot %d: Preserved(vfio) = %d, want %d", f, p, S*2)
				}
				if p := r.k.Preserved(memfdH); p != S {
					t.Errorf("replace slot %d: Preserved(memfd) = %d, want %d", f, p, S)
				}
				if refs := r.k.ModuleRefs(modVfioPci); refs != refs0 {
					t.Errorf("replace slot %d: ModuleRefs(vfio_pci) = %d, want %d", f, refs, refs0)
				}
				if refs := r.k.ModuleRefs(modIommufd); refs != flbRefs0 {
					t.Errorf("replace slot %d: ModuleRefs(iommufd) = %d, want %d", f, refs, flbRefs0)
				}
			}
		})
	}
}

// 8. Unpreserve releases every file LIFO; the FLB's unpreserve runs once.
func TestLUOUnpreserve(t *testing.T) {
	files := []int{vfioH, memfdH, vfioH}
	want := flbCost[CBUnpreserve]
	for _, h := range files {
		want += handlerCB(h, CBUnpreserve)
	}
	for _, d := range luoDesigns(t) {
		t.Run(d.Name, func(t *testing.T) {
			r := newLUORig(t, luoFixture(d, IdealProfile(), 1, files...), 2, 1)
			r.do(0, opCreate(0))
			r.do(0, opPreserveAll(0, len(files))...)
			r.run()
			if countsRefs(d) {
				if refs := r.k.ModuleRefs(modVfioPci); refs != 2 {
					t.Errorf("preserved: ModuleRefs(vfio_pci) = %d, want 2", refs)
				}
				if refs := r.k.ModuleRefs(modIommufd); refs != 1 {
					t.Errorf("preserved: ModuleRefs(iommufd) = %d, want 1 (the FLB's first file)", refs)
				}
			}
			g := r.one(0, opUnpreserve(0))
			if g.latency() != want || g.callback != want || g.wait != 0 || g.failed {
				t.Errorf("unpreserve: latency %d, callback %d, wait %d, failed %v; want %d, %d, 0, false",
					g.latency(), g.callback, g.wait, g.failed, want, want)
			}
			for h := range r.cfg.Handlers {
				if p := r.k.Preserved(h); p != 0 {
					t.Errorf("Preserved(%d) = %d, want 0", h, p)
				}
			}
			for m := range r.cfg.Modules {
				if refs := r.k.ModuleRefs(m); refs != 0 {
					t.Errorf("ModuleRefs(%s) = %d, want 0", r.cfg.Modules[m], refs)
				}
			}
			if r.k.files[0] != 0 || r.k.outSessions != 0 {
				t.Errorf("session left with %d files, %d outgoing sessions; want 0, 0", r.k.files[0], r.k.outSessions)
			}
			if d.Refcount != RefPinned {
				for m := range r.cfg.Modules {
					if res := r.k.Rmmod(m); res != RmmodClean {
						t.Errorf("Rmmod(%s) after unpreserve = %s, want clean", r.cfg.Modules[m], rmmodName(res))
					}
				}
			}
			// The session can be filled again: the FLB is first again.
			if g := r.one(0, opPreserve(0, 0)); g.callback != handlerCB(vfioH, CBPreserve)+flbCost[CBPreserve] {
				t.Errorf("preserve after unpreserve: callback %d, want %d", g.callback, handlerCB(vfioH, CBPreserve)+flbCost[CBPreserve])
			}
		})
	}
}

// 9. Reboot's blackout: the freeze callbacks on the ideal profile; linear
// in sessions × files on a real one.
func TestLUORebootBlackout(t *testing.T) {
	t.Run("ideal", func(t *testing.T) {
		files := []int{memfdH, vfioH, vfioH}
		const S = 3
		want := sim.Time(0)
		for _, h := range files {
			want += S * handlerCB(h, CBFreeze)
		}
		for _, d := range luoDesigns(t) {
			r := newLUORig(t, luoFixture(d, IdealProfile(), S, files...), 2, 0)
			r.k.Prefill()
			if b, cb := r.k.Reboot(); b != want || cb != want {
				t.Errorf("%s: Reboot = %d, %d; want %d, %d", d.Name, b, cb, want, want)
			}
		}
	})
	t.Run("xeon2s-icx", func(t *testing.T) {
		d := mustDesign(t, "v3-merged")
		blackout := func(S, F int) sim.Time {
			cfg := luoFixture(d, mustProfile(t, "xeon2s-icx"), S, slices.Repeat([]int{memfdH}, F)...)
			cfg.Handlers[memfdH].Cost[CBFreeze] = sim.ConstDist(sim.Microsecond)
			cfg.Handlers[memfdH].Extra = [NumCB]sim.Time{}
			r := newLUORig(t, cfg, 2, 0)
			r.k.Prefill()
			b, cb := r.k.Reboot()
			if want := sim.Time(S*F) * sim.Microsecond; cb != want {
				t.Errorf("%d×%d: callbacks %d, want %d", S, F, cb, want)
			}
			if b <= cb {
				t.Errorf("%d×%d: blackout %d not above its callbacks %d", S, F, b, cb)
			}
			return b
		}
		b1010, b2010, b1020 := blackout(10, 10), blackout(20, 10), blackout(10, 20)
		for _, c := range []struct {
			name string
			b    sim.Time
		}{{"20×10", b2010}, {"10×20", b1020}} {
			if ratio := float64(c.b) / float64(b1010); ratio < 1.9 || ratio > 2.1 {
				t.Errorf("blackout %s / 10×10 = %.3f (%d / %d), want ≈ 2", c.name, ratio, c.b, b1010)
			}
		}
		// Exactly linear: equal steps in sessions and in files.
		if b3010 := blackout(30, 10); b3010-b2010 != b2010-b1010 {
			t.Errorf("blackout not linear in sessions: %d, %d, %d", b1010, b2010, b3010)
		}
		if b1030 := blackout(10, 30); b1030-b1020 != b1020-b1010 {
			t.Errorf("blackout not linear in files: %d, %d, %d", b1010, b1020, b1030)
		}
	})
}

// 10. Lock classes reported per design.
func TestLUOLockClasses(t *testing.T) {
	for _, d := range luoDesigns(t) {
		t.Run(d.Name, func(t *testing.T) {
			r := newLUORig(t, luoFixture(d, mustProfile(t, "xeon2s-icx"), 2, vfioH, memfdH), 8, 2)
			for s := 0; s < 2; s++ {
				r.do(s, opCreate(s), opPreserve(s, 0), opPreserve(s, 1), opUnpreserve(s))
			}
			r.run()
			var names []string
			for _, c := range r.k.LockClasses() {
				names = append(names, c.Name)
				if c.Stats.Acquisitions == 0 {
					t.Errorf("class %s reported with no acquisitions", c.Name)
				}
			}
			has := func(n string) bool { return slices.Contains(names, n) }
			want := map[string]bool{
				"session->mutex":         d.Session == PerSession,
				"luo_global_mutex":       d.Session == GlobalSession,
				"luo_file_handler_lock":  d.Registry == RegSplitRWSem,
				"luo_register_rwlock":    d.Registry == RegGlobalRWSem,
				"flb_lock":               d.Registry == RegSplitRWSem, // per-handler FLB rwsem
				"flb->mutex":             true,
				"xa_lock":                true,
				"outgoing.rwsem":         true,
				"module_refcnt:vfio_pci": d.Refcount == RefPerFile,
				"module_refcnt:iommufd":  d.Refcount != RefPinned, // the FLB owner: referenced while the FLB is in use, since v1
			}
			for n, w := range want {
				if has(n) != w {
					t.Errorf("class %q reported = %v, want %v (classes %v)", n, has(n), w, names)
				}
			}
		})
	}
}

// Beyond the list: bookkeeping that must balance over a lifecycle.

// A session closed before all slots are preserved (or whose later
// preserves failed at the limit) releases only the files it holds.
func TestLUOUnpreservePartialSession(t *testing.T) {
	for _, d := range luoDesigns(t) {
		t.Run(d.Name, func(t *testing.T) {
			r := newLUORig(t, luoFixture(d, IdealProfile(), 1, vfioH, vfioH, vfioH), 2, 1)
			r.do(0, opCreate(0), opPreserve(0, 0), opPreserve(0, 1))
			r.run()
			g := r.one(0, opUnpreserve(0))
			if p := r.k.Preserved(vfioH); p != 0 {
				t.Errorf("regression: OpUnpreserve of a session holding 2 of 3 file slots leaves Preserved(vfio) = %d, want 0: "+
					"compile(OpUnpreserve) sets t.File = len(cfg.Files)-1 and releases every slot instead of the "+
					"k.files[session] files the session holds, so outPreserved, k.files and the FLB count go negative "+
					"(callbacks %d, want %d)", p, g.callback, 2*handlerCB(vfioH, CBUnpreserve)+flbCost[CBUnpreserve])
			}
			if want := 2*handlerCB(vfioH, CBUnpreserve) + flbCost[CBUnpreserve]; g.callback != want {
				t.Errorf("unpreserve callbacks %d, want %d", g.callback, want)
			}
		})
	}
}

// With MaxFilesPerSession below the slots, the lifecycle driver's failed
// preserves must not make finish release more than was deserialized.
func TestLUOFinishAfterLimitedPreserve(t *testing.T) {
	for _, d := range luoDesigns(t) {
		t.Run(d.Name, func(t *testing.T) {
			cfg := luoFixture(d, IdealProfile(), 1, vfioH, vfioH, vfioH)
			cfg.Handlers[vfioH].FLBs = nil
			cfg.MaxFilesPerSession = 2
			r := newLUORig(t, cfg, 2, 1)
			r.do(0, opCreate(0))
			r.do(0, opPreserveAll(0, 3)...)
			r.run()
			r.k.Reboot()
			r.k.Deserialize()
			if p := r.k.Pending(vfioH); p != 2 {
				t.Fatalf("deserialized: Pending = %d, want 2", p)
			}
			r.do(0, opRetrieveSession(0), opRetrieve(0, 0), opRetrieve(0, 1))
			r.run()
			g := r.one(0, opFinish(0))
			if p := r.k.Pending(vfioH); p != 0 {
				t.Errorf("regression: OpFinish of a session deserialized with 2 files (MaxFilesPerSession = 2, 3 slots) leaves "+
					"Pending(vfio) = %d, want 0: compile(OpFinish) sets t.File = len(cfg.Files)-1 and finishes every "+
					"slot, not the k.files[session] files the session holds (finish callbacks %d, want %d)",
					p, g.callback, 2*handlerCB(vfioH, CBFinish))
			}
			if refs := r.k.ModuleRefs(modVfioPci); refs != 0 {
				t.Errorf("finished: ModuleRefs = %d, want 0", refs)
			}
		})
	}
}

// The FLB owner's module reference balances over a whole lifecycle.
func TestLUOFLBModuleRefsBalance(t *testing.T) {
	for _, d := range luoDesigns(t) {
		t.Run(d.Name, func(t *testing.T) {
			r := newLUORig(t, luoFixture(d, IdealProfile(), 1, vfioH, vfioH), 2, 1)
			r.do(0, opCreate(0))
			r.do(0, opPreserveAll(0, 2)...)
			r.run()
			// Every design but v0 (pinned at registration) references the
			// FLB owner while the FLB is in use (luo-model.md §3).
			want := map[bool]int64{true: 1, false: 0}[d.Refcount != RefPinned]
			if refs := r.k.ModuleRefs(modIommufd); refs != want {
				t.Errorf("preserved: ModuleRefs(iommufd) = %d, want %d", refs, want)
			}
			r.k.Reboot()
			r.k.Deserialize()
			restore := r.k.Rmmod(modIommufd)
			r.do(0, opRetrieveSession(0))
			r.do(0, opRetrieveAll(0, 2)...)
			r.do(0, opFinish(0))
			r.run()
			if refs := r.k.ModuleRefs(modIommufd); refs != 0 {
				t.Errorf("regression: after a full lifecycle ModuleRefs(iommufd) = %d, want 0: flbStep's last-file finish "+
					"does module_put(flb owner) (modRef get=false) but neither Reboot (which zeroes modRefs) nor "+
					"Deserialize takes the matching reference for the incoming FLB, so per-file designs drive the "+
					"FLB module's count negative; during restore Rmmod(iommufd) is %s under per-file, where it was "+
					"blocked while preserved", refs, rmmodName(restore))
			}
		})
	}
}

// Prefill is the state a lifecycle's preserves reach: same references,
// same rmmod outcomes.
func TestLUOPrefillMatchesPreserve(t *testing.T) {
	const S = 2
	files := []int{vfioH, memfdH, vfioH}
	for _, d := range luoDesigns(t) {
		t.Run(d.Name, func(t *testing.T) {
			pre := newLUORig(t, luoFixture(d, IdealProfile(), S, files...), 4, S)
			for s := 0; s < S; s++ {
				pre.do(s, opCreate(s))
				pre.do(s, opPreserveAll(s, len(files))...)
			}
			pre.run()
			fill := newLUORig(t, luoFixture(d, IdealProfile(), S, files...), 4, S)
			fill.k.Prefill()
			for h := range files[:2] {
				if a, b := pre.k.Preserved(h), fill.k.Preserved(h); a != b {
					t.Errorf("Preserved(%d): preserve %d, Prefill %d", h, a, b)
				}
			}
			if pre.k.outSessions != fill.k.outSessions || !slices.Equal(pre.k.files, fill.k.files) ||
				!slices.Equal(pre.k.flbOut, fill.k.flbOut) {
				t.Errorf("sessions %d/%d, files %v/%v, FLB counts %v/%v (preserve/Prefill)", pre.k.outSessions,
					fill.k.outSessions, pre.k.files, fill.k.files, pre.k.flbOut, fill.k.flbOut)
			}
			for m, name := range pre.cfg.Modules {
				a, b := pre.k.ModuleRefs(m), fill.k.ModuleRefs(m)
				ra, rb := pre.k.Rmmod(m), fill.k.Rmmod(m)
				if a != b || ra != rb {
					t.Errorf("regression: Prefill is not the state preserves reach: module %s has %d references and Rmmod = %s "+
						"after preserving every file, but %d and %s after Prefill; Prefill adds the handlers' per-file "+
						"references but not the FLB owner's (taken by the FLB's first preserve), so steady runs count "+
						"rmmod of an FLB module as a hazard instead of blocked", name, a, rmmodName(ra), b, rmmodName(rb))
				}
			}
		})
	}
}

// Reboot and Deserialize cover every session that holds files, whatever
// its index: with MaxSessions, the session whose create failed need not
// be the last.
func TestLUORebootSessionIndexes(t *testing.T) {
	for _, name := range []string{"v3-merged", "v2-no-refcount"} {
		t.Run(name, func(t *testing.T) {
			d := mustDesign(t, name)
			cfg := luoFixture(d, IdealProfile(), 3, vfioH, vfioH)
			cfg.Handlers[vfioH].FLBs = nil
			cfg.MaxSessions = 2
			r := newLUORig(t, cfg, 4, 3)
			// Sessions 2 and 1 are created first; session 0's create fails.
			for tid, s := range []int{2, 1} {
				r.do(tid, opCreate(s))
				r.do(tid, opPreserveAll(s, 2)...)
			}
			r.run()
			if g := r.one(2, opCreate(0)); !g.failed {
				t.Fatalf("third create succeeded with MaxSessions = 2")
			}
			if p := r.k.Preserved(vfioH); p != 4 {
				t.Fatalf("Preserved = %d, want 4", p)
			}
			_, cb := r.k.Reboot()
			want := 4 * handlerCB(vfioH, CBFreeze)
			if cb != want {
				t.Errorf("regression: Reboot froze %d ns of callbacks, want %d (4 files in sessions 1 and 2): Reboot and "+
					"Deserialize walk session indexes 0..outSessions-1, so when the create that failed at "+
					"MaxSessions was not the highest-indexed session, a preserved session (here 2) is never frozen "+
					"or deserialized while an empty one (0) is", cb, want)
			}
			r.k.Deserialize()
			if p, refs := r.k.Pending(vfioH), r.k.ModuleRefs(modVfioPci); p != 4 || (countsRefs(d) && refs != 4) {
				t.Errorf("deserialized: Pending = %d, ModuleRefs = %d; want 4, 4 under per-file", p, refs)
			}
		})
	}
}

// TestLUOFLBRetrieveOnce: after kexec, the first retrieve of a file whose
// handler links an FLB runs the FLB's retrieve (liveupdate_flb_get_incoming)
// under the FLB's incoming mutex; later retrieves, in any session, do not.
func TestLUOFLBRetrieveOnce(t *testing.T) {
	const flbRetrieve = 33_000
	cfg := luoFixture(mustDesign(t, "v3-merged"), IdealProfile(), 2, vfioH)
	cfg.FLBs[0].Cost[CBRetrieve] = sim.ConstDist(flbRetrieve)
	r := newLUORig(t, cfg, 2, 2)
	for s := 0; s < 2; s++ {
		r.do(s, opCreate(s), opPreserve(s, 0))
	}
	r.run()
	r.k.Reboot()
	r.k.Deserialize()
	r.one(0, opRetrieveSession(0))
	first := r.one(0, opRetrieve(0, 0))
	r.one(1, opRetrieveSession(1))
	second := r.one(1, opRetrieve(1, 0))
	want := handlerCB(vfioH, CBRetrieve)
	if first.callback != want+flbRetrieve || second.callback != want {
		t.Errorf("retrieve callbacks %d then %d; want %d (with the FLB's retrieve) then %d", first.callback, second.callback, want+flbRetrieve, want)
	}
}
