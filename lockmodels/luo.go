package lockmodels

import (
	"fmt"
	"math/rand/v2"

	"github.com/luosim/luosim/sim"
)

// This file models the Live Update Orchestrator's hot paths (luo-model.md
// §2) on top of the primitives: every operation is compiled, when it
// starts, into a list of steps that follow the kernel function by function
// under the design's locking, and a small interpreter runs the steps.
// Steps that cost time but touch nothing shared (syscall entry, list
// walks, allocations, callbacks) only add to the thread's pending delay;
// the thread yields to the engine only before a step that touches shared
// state (a lock, a shared cache line, LUO's bookkeeping), so that step
// happens at the right simulated time. List walks are costed
// arithmetically (length × WalkStep), never iterated.

// Callback indices of struct liveupdate_file_ops (the order of
// workload.Callback).
const (
	CBCanPreserve = iota
	CBPreserve
	CBUnpreserve
	CBFreeze
	CBUnfreeze
	CBRetrieve
	CBFinish
	NumCB
)

// Op is a LUO operation.
type Op uint8

// The operations (product.md §2).
const (
	OpCreate Op = iota
	OpPreserve
	OpUnpreserve
	OpReboot
	OpDeserialize
	OpRetrieveSession
	OpRetrieve
	OpFinish
	NumOps
)

var opNames = [NumOps]string{"create", "preserve", "unpreserve", "reboot", "deserialize", "retrieve-session", "retrieve", "finish"}

func (o Op) String() string {
	if o < NumOps {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", o)
}

// ParseOp returns the op named name (as Op.String writes it).
func ParseOp(name string) (Op, bool) {
	for o, n := range opNames {
		if n == name {
			return Op(o), true
		}
	}
	return 0, false
}

// LUOHandler is a registered file handler.
type LUOHandler struct {
	Name      string
	Module    int // index into LUOConfig.Modules; -1: built in (owner NULL)
	FileOwner int // module the struct file pins through f_op->owner; -1: built in
	Cost      [NumCB]sim.Dist
	Extra     [NumCB]sim.Time // fixed extra per file (memfd: folios × per-folio cost)
	FLBs      []int
}

// LUOFLB is File-Lifecycle-Bound state shared by all sessions.
type LUOFLB struct {
	Name   string
	Module int // -1: built in
	Cost   [NumCB]sim.Dist
}

// LUOConfig is everything the kernel model needs for one run.
type LUOConfig struct {
	Design   Design
	Profile  *Profile
	Modules  []string
	Handlers []LUOHandler
	FLBs     []LUOFLB
	Sessions int   // sessions (one per VM)
	Files    []int // handler of each file slot; every session holds these files
	// Limits (mainline's fixed KHO arrays); 0: none.
	MaxSessions        int
	MaxFilesPerSession int
	// RNG streams: the reboot path, FLB callbacks, and the retries of
	// compare-and-swap loops on module lines (kept apart so that designs
	// doing more CAS loops draw the same callback costs).
	RebootRNG, FLBRNG, CASRNG *rand.Rand
	// Check turns on the invariant checks of check.go (also on for every
	// model while CheckAll is set).
	Check bool
}

// Thread is a userspace thread issuing LUO operations. The driver fills the
// exported request fields and calls LUO.Start; the kernel reports the
// op's completion through the done function given to NewLUO.
type Thread struct {
	ID      int32
	Op      Op
	Session int
	File    int  // preserve, retrieve: the file slot
	Replace bool // steady preserve: release the slot's previous file in the same critical section
	Pinned  int  // CPU the thread owns, or -1 to share the machine's CPUs
	RNG     *rand.Rand

	// Results of the last op.
	Issued   sim.Time
	Done     sim.Time
	Wait     sim.Time // waiting for locks and shared cache lines
	Callback sim.Time // in handler and FLB callbacks
	// Transfer is the part of Wait spent fetching shared cache lines held
	// elsewhere (lock words, rwsem counts, module refcounts), including
	// cmpxchg retries; the rest of Wait is queueing for locks.
	Transfer sim.Time
	// LockCost is the lock primitives' own local work: the atomic of each
	// acquire and release with the line already in the cache.
	LockCost sim.Time
	// CPUWait is time runnable but waiting in the run queue for a CPU.
	CPUWait sim.Time
	Failed  bool // the op failed (-ENOSPC beyond the limits)

	cpu         int
	hasCPU      bool
	pc          int
	steps       []step
	pending     sim.Time
	waitFrom    sim.Time
	runqFrom    sim.Time  // when the thread joined the run queue
	held        *Mutex    // session or global mutex held, for owner-sleeps signalling
	waitingOn   *Mutex    // mutex the thread waits for
	passing     *RWSem    // rwsem the thread waits to pass through (stReadPass)
	ownerParked *Mutex    // mutex the thread owns while waiting for a CPU
	asleepIn    [2]*Mutex // mutexes whose owner this thread is, asleep in a callback until its next resume
}

type stepKind uint8

const (
	stDelay        stepKind = iota // pending += d
	stCallback                     // handler callback a (cb b); pending += sample + extra
	stPerFile                      // pending += files in the session × d (list walks, finish's first pass)
	stWalkSessions                 // pending += sessions (a: 0 outgoing, 1 incoming) × WalkStep
	stFirstFile                    // pending += KHOAlloc if the session has no file yet
	stNextFile                     // per-file loop head: jump to the body for t.File's handler (table at a), or to b when done
	stJump                         // pc = a
	stTable                        // jump-table entry: a is a step index (never executed)
	// Steps from here on touch shared state: the thread is synced first.
	stSync       // not a step: kinds from here on are synchronous
	stLock       // mutex a (see mutexRef)
	stUnlock     // mutex a
	stRLock      // rwsem a (see rwsemRef)
	stRUnlock    // rwsem a
	stReadPass   // rwsem a: down_read then up_read with nothing in between
	stWLock      // rwsem a
	stWUnlock    // rwsem a
	stModGet     // module a (design's refcount policy)
	stModPut     // module a
	stXA         // xa_insert/xa_erase under xa_lock
	stFLBIn      // FLB a (b: 0 preserve, 1 unpreserve, 2 finish, 3 retrieve): count and first/last (or first-retrieve) callback
	stCapFiles   // -ENOSPC if the session is full: jump to step a
	stCapSession // -ENOSPC if the session table is full: jump to step a
	stCommit     // LUO bookkeeping, b says what (commit*)
)

type step struct {
	kind stepKind
	pre  int8 // 1 + a commit kind to apply before the step (a fused stCommit); 0: none
	a, b int32
	d    sim.Time
}

// Mutex references: the session's (or the global one under the global
// design), or FLB mutexes.
const (
	mutexSession  = -1
	mutexFLBOut   = 0 // + FLB index*2
	mutexFLBIn    = 1 // + FLB index*2
	rwsemOutgoing = 0
	rwsemIncoming = 1
	rwsemRegister = 2 // luo_register_rwlock, or luo_file_handler_lock (split)
	rwsemFLB      = 3 // + handler: per-handler flb_lock (split designs only)
)

// Bookkeeping kinds of stCommit.
const (
	commitCreate int32 = iota
	commitPreserve
	commitRelease // steady preserve's replaced file, or one file of unpreserve
	commitClose   // outgoing session unlinked
	commitRetrieve
	commitFinishFile
	commitCloseIncoming
)

// LUO is the kernel state of one run under one design.
type LUO struct {
	eng  *sim.Engine
	id   sim.HandlerID
	cfg  LUOConfig
	prof *Profile
	done func(*Thread)

	threads []*Thread

	global  *Mutex
	session []*Mutex
	files   []int  // files currently in each session (outgoing, then incoming)
	live    []bool // session exists (outgoing, then incoming)
	gotFile []bool // per session × slot: the incoming file was retrieved
	rw      []*RWSem
	chk     *checker // nil unless invariants are checked
	xa      CacheLine
	modLine []CacheLine
	flbMu   []*Mutex // out/in per FLB
	flbOut  []int
	flbIn   []int
	flbGot  []bool // incoming FLB state retrieved since the kexec

	outSessions, inSessions int

	// Safety bookkeeping.
	modRefs      []int64 // LUO's module references (per-file or percpu)
	outPreserved []int64 // per handler: outgoing files preserved
	inPending    []int64 // per handler: deserialized entries not finished
	inRetrieved  []int64 // per handler: retrieved files not finished
	serialized   []int64 // per handler: files handed to the next kernel
	deserialized bool

	idle []int
	runq ring[int32]

	classes lockClasses

	// progs caches compiled ops: a program depends only on the op, whether
	// it replaces a file, and the handler of the file it works on.
	progs [][]step
}

const (
	evResume int32 = iota
	evGrant
	evRun
	evStart
)

// NewLUO returns the kernel of one run with cpus CPUs. done is called
// when a thread's op completes, from inside the engine's event loop; it
// must not start an op synchronously on a path that can complete at once
// (schedule an event instead), or ops of zero cost would recurse.
func NewLUO(eng *sim.Engine, cfg LUOConfig, cpus int, done func(*Thread)) *LUO {
	k := &LUO{eng: eng, cfg: cfg, prof: cfg.Profile, done: done}
	k.id = eng.Register(k)
	grant := Notify{H: k.id, Op: evGrant}
	newMutex := func(c *ClassStats) *Mutex {
		m := NewMutex(eng, k.prof, grant)
		m.OnSleep = k.spinnerSlept
		m.Class = c
		return m
	}
	k.classes.modules = make([]ClassStats, len(cfg.Modules))
	k.global = newMutex(&k.classes.global)
	k.session = make([]*Mutex, cfg.Sessions)
	for i := range k.session {
		k.session[i] = newMutex(&k.classes.session)
	}
	k.files = make([]int, cfg.Sessions)
	k.live = make([]bool, cfg.Sessions)
	k.gotFile = make([]bool, cfg.Sessions*len(cfg.Files))
	nrw := rwsemFLB + len(cfg.Handlers)
	for i := 0; i < nrw; i++ {
		rw := NewRWSem(eng, k.prof, grant)
		switch {
		case i == rwsemOutgoing:
			rw.Class = &k.classes.outgoing
		case i == rwsemIncoming:
			rw.Class = &k.classes.incoming
		case i == rwsemRegister:
			rw.Class = &k.classes.register
		default:
			rw.Class = &k.classes.flbLock
		}
		k.rw = append(k.rw, rw)
	}
	if cfg.Check || CheckAll {
		k.chk = newChecker(k)
	}
	k.xa.Init(k.prof, nil)
	k.xa.Class = &k.classes.xa
	k.modLine = make([]CacheLine, len(cfg.Modules))
	for i := range k.modLine {
		k.modLine[i].Init(k.prof, cfg.CASRNG)
		k.modLine[i].Class = &k.classes.modules[i]
	}
	for range cfg.FLBs {
		k.flbMu = append(k.flbMu, newMutex(&k.classes.flb), newMutex(&k.classes.flb))
	}
	k.flbOut = make([]int, len(cfg.FLBs))
	k.flbIn = make([]int, len(cfg.FLBs))
	k.flbGot = make([]bool, len(cfg.FLBs))
	k.modRefs = make([]int64, len(cfg.Modules))
	k.outPreserved = make([]int64, len(cfg.Handlers))
	k.inPending = make([]int64, len(cfg.Handlers))
	k.inRetrieved = make([]int64, len(cfg.Handlers))
	for c := cpus - 1; c >= 0; c-- {
		k.idle = append(k.idle, c)
	}
	return k
}

// AddThread registers t; its ID must be the number of threads added
// before it.
func (k *LUO) AddThread(t *Thread) {
	if int(t.ID) != len(k.threads) {
		panic(fmt.Sprintf("lockmodels: thread id %d added as thread %d", t.ID, len(k.threads)))
	}
	t.cpu = -1
	k.threads = append(k.threads, t)
}

// Start begins t's op (t.Op, t.Session, t.File, t.Replace) now.
func (k *LUO) Start(t *Thread) {
	if k.chk != nil {
		k.chkStart(t)
	}
	t.Issued, t.Wait, t.Callback, t.Failed = k.eng.Now(), 0, 0, false
	t.Transfer, t.LockCost, t.CPUWait = 0, 0, 0
	t.pc, t.pending = 0, 0
	if t.Op == OpUnpreserve || t.Op == OpFinish {
		t.File = k.files[t.Session] - 1 // both walk the files the session holds, LIFO
	}
	t.steps = k.program(t)
	if k.takeCPU(t) {
		k.run(t)
	}
}

// StartAfter starts t's op after delay d (a closed loop's think time)
// without a round trip through the driver.
func (k *LUO) StartAfter(t *Thread, d sim.Time) {
	k.eng.Schedule(d, k.id, evStart, t.ID)
}

// CPU returns the CPU t last ran on (-1 before it ever ran).
func (t *Thread) CPU() int { return t.cpu }

// program returns the compiled steps of t's op, compiling them on first
// use. Programs are shared by every thread: execution never modifies them.
func (k *LUO) program(t *Thread) []step {
	h := 0
	if t.Op == OpPreserve || t.Op == OpRetrieve {
		h = k.cfg.Files[t.File]
	}
	i := (int(t.Op)*2+boolIndex(t.Replace))*len(k.cfg.Handlers) + h
	if k.progs == nil {
		k.progs = make([][]step, int(NumOps)*2*max(len(k.cfg.Handlers), 1))
	}
	if k.progs[i] == nil {
		k.progs[i] = k.compile(t, nil)
	}
	return k.progs[i]
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// takeCPU gives t a CPU if one is idle (or t is pinned); otherwise t waits
// in the FIFO run queue and runs when a CPU frees.
func (k *LUO) takeCPU(t *Thread) bool {
	if t.hasCPU {
		return true
	}
	if t.Pinned >= 0 {
		t.cpu, t.hasCPU = t.Pinned, true
		return true
	}
	if n := len(k.idle); n > 0 {
		t.cpu, t.hasCPU = k.idle[n-1], true
		k.idle = k.idle[:n-1]
		return true
	}
	k.runq.push(t.ID)
	t.runqFrom = k.eng.Now()
	return false
}

// dropCPU takes t off its CPU, handing the CPU to the next runnable thread.
func (k *LUO) dropCPU(t *Thread) {
	if !t.hasCPU {
		return
	}
	t.hasCPU = false
	if t.Pinned >= 0 {
		return
	}
	if k.runq.len() > 0 {
		next := k.threads[k.runq.pop()]
		next.cpu, next.hasCPU = t.cpu, true
		k.eng.Schedule(k.prof.CtxSwitch, k.id, evRun, next.ID)
		return
	}
	k.idle = append(k.idle, t.cpu)
}

// sleepIn marks t, the owner of m, as asleep in a callback until its next
// resume: spinners on m give up.
func (k *LUO) sleepIn(t *Thread, m *Mutex) {
	for i, have := range t.asleepIn {
		if have == m {
			return
		}
		if have == nil {
			t.asleepIn[i] = m
			m.SetOwnerRunning(false)
			return
		}
	}
}

// lockClasses are the wait and hold distributions per lock class.
type lockClasses struct {
	session, global, outgoing, incoming, register, flbLock, xa, flb ClassStats
	modules                                                         []ClassStats
}

// ResetLockDistributions forgets the lock classes' wait and hold
// distributions so far (the end of a warm-up).
func (k *LUO) ResetLockDistributions() {
	for _, c := range []*ClassStats{&k.classes.session, &k.classes.global, &k.classes.outgoing, &k.classes.incoming,
		&k.classes.register, &k.classes.flbLock, &k.classes.xa, &k.classes.flb} {
		c.Reset()
	}
	for i := range k.classes.modules {
		k.classes.modules[i].Reset()
	}
}

// spinnerSlept takes a spinning waiter that went to sleep off its CPU.
func (k *LUO) spinnerSlept(tid int32) { k.dropCPU(k.threads[tid]) }

// Handle resumes threads: after a delay, on a lock grant, or on getting a
// CPU.
func (k *LUO) Handle(ev sim.Event) {
	t := k.threads[ev.Arg]
	if k.chk != nil {
		k.chkTick()
	}
	switch ev.Op {
	case evStart:
		k.Start(t)
		return
	case evResume:
		for i, m := range t.asleepIn {
			if m != nil {
				t.asleepIn[i] = nil
				if m.Owner() == t.ID {
					m.SetOwnerRunning(true)
				}
			}
		}
	case evGrant:
		t.Wait += k.eng.Now() - t.waitFrom
		if k.chk != nil {
			k.chkGrant(t, t.waitingOn, -1, false, false, true)
		}
		if rw := t.passing; rw != nil {
			t.passing = nil
			c := rw.RUnlock(t.ID, t.cpu)
			t.pending += c
			t.LockCost += c
		}
		m := t.waitingOn
		t.waitingOn = nil
		if !k.takeCPU(t) {
			// The new owner waits for a CPU: it is not running, so
			// nobody may spin on it (owner_on_cpu is false).
			if m != nil {
				m.SetOwnerRunning(false)
				t.ownerParked = m
			}
			return
		}
	case evRun:
		t.CPUWait += k.eng.Now() - t.runqFrom
		if m := t.ownerParked; m != nil {
			t.ownerParked = nil
			if m.Owner() == t.ID {
				m.SetOwnerRunning(true)
			}
		}
	}
	k.run(t)
}

// run interprets t's steps until it must wait or its op is done.
func (k *LUO) run(t *Thread) {
	steps := t.steps
	for t.pc < len(steps) {
		s := &steps[t.pc]
		t.pc++
		if s.kind == stDelay {
			t.pending += s.d
			continue
		}
		if s.kind < stSync {
			k.cost(t, s)
			continue
		}
		if t.pending > 0 {
			t.pc-- // run this step again once the delay has passed
			k.eng.Schedule(t.pending, k.id, evResume, t.ID)
			t.pending = 0
			return
		}
		if s.pre != 0 && !t.Failed {
			k.commit(t, int32(s.pre-1))
		}
		if k.exec(t, s) {
			return
		}
	}
	if t.pending > 0 {
		k.eng.Schedule(t.pending, k.id, evResume, t.ID)
		t.pending = 0
		return
	}
	t.Done = k.eng.Now()
	if k.chk != nil {
		k.chkDone(t)
	}
	k.dropCPU(t)
	k.done(t)
}

// cost runs a step that only takes time.
func (k *LUO) cost(t *Thread, s *step) {
	switch s.kind {
	case stDelay:
		t.pending += s.d
	case stCallback:
		var d sim.Time
		if s.a >= 0 {
			h := &k.cfg.Handlers[s.a]
			d = h.Cost[s.b].Sample(t.RNG) + h.Extra[s.b]
		}
		t.pending += d
		t.Callback += d
		// Callbacks sleep (allocations, pinning, resets): spinners on the
		// session mutex give up (mutex_spin_on_owner).
		if d > 0 && t.held != nil && k.prof.Fidelity == Kernel {
			k.sleepIn(t, t.held)
		}
	case stPerFile:
		t.pending += sim.Time(k.files[t.Session]) * s.d
	case stWalkSessions:
		n := k.outSessions
		if s.a == 1 {
			n = k.inSessions
		}
		t.pending += sim.Time(n) * k.prof.WalkStep
	case stFirstFile:
		if k.files[t.Session] == 0 {
			t.pending += k.prof.KHOAlloc
		}
	case stNextFile:
		if t.File < 0 {
			t.pc = int(s.b)
		} else {
			t.pc = int(t.steps[int(s.a)+k.cfg.Files[t.File]].a)
		}
	case stJump:
		t.pc = int(s.a)
	}
}

func (k *LUO) mutex(t *Thread, ref int32) *Mutex {
	if ref == mutexSession {
		if k.cfg.Design.Session == GlobalSession {
			return k.global
		}
		return k.session[t.Session]
	}
	return k.flbMu[ref]
}

// exec runs a step at the current time; it reports whether t must wait
// for an event.
func (k *LUO) exec(t *Thread, s *step) bool {
	now := k.eng.Now()
	switch s.kind {
	case stLock:
		m := k.mutex(t, s.a)
		ok, c := m.Lock(t.ID, t.cpu)
		if s.a == mutexSession {
			t.held = m
		}
		if k.chk != nil {
			if ok {
				k.chkGrant(t, m, -1, true, false, false)
			} else {
				k.chkWait(t, m, -1, true, false)
			}
		}
		if ok {
			k.chargeLock(t, c)
			return false
		}
		t.waitFrom = now
		t.waitingOn = m
		if m.Slept() {
			k.dropCPU(t)
		}
		return true
	case stUnlock:
		m := k.mutex(t, s.a)
		if k.chk != nil {
			k.chkRelease(t, m, -1, true)
		}
		c := m.Unlock(t.ID, t.cpu)
		t.pending += c
		t.LockCost += c
		if s.a == mutexSession {
			t.held = nil
		}
	case stRLock, stWLock:
		rw := k.rw[s.a]
		var ok bool
		var c sim.Time
		if s.kind == stRLock {
			ok, c = rw.RLock(t.ID, t.cpu)
		} else {
			ok, c = rw.Lock(t.ID, t.cpu)
		}
		if k.chk != nil {
			if ok {
				k.chkGrant(t, nil, int(s.a), s.kind == stWLock, false, false)
			} else {
				k.chkWait(t, nil, int(s.a), s.kind == stWLock, false)
			}
		}
		if ok {
			k.chargeLock(t, c)
			return false
		}
		// The failed atomic overlaps the wait; rwsem waiters sleep.
		t.waitFrom = now
		k.dropCPU(t)
		return true
	case stRUnlock:
		if k.chk != nil {
			k.chkRelease(t, nil, int(s.a), false)
		}
		k.chargeLock(t, k.rw[s.a].RUnlock(t.ID, t.cpu))
	case stReadPass:
		rw := k.rw[s.a]
		ok, c := rw.ReadPass(t.ID, t.cpu)
		if k.chk != nil {
			if ok {
				k.chkGrant(t, nil, int(s.a), false, true, false)
			} else {
				k.chkWait(t, nil, int(s.a), false, true)
			}
		}
		if !ok {
			// Wait to enter; leave as soon as the read lock is granted.
			t.waitFrom = now
			t.passing = rw
			k.dropCPU(t)
			return true
		}
		k.chargeLock(t, c)
	case stWUnlock:
		if k.chk != nil {
			k.chkRelease(t, nil, int(s.a), true)
		}
		k.chargeLock(t, k.rw[s.a].Unlock(t.ID, t.cpu))
	case stModGet, stModPut:
		k.modRef(t, int(s.a), s.kind == stModGet)
	case stXA:
		d := k.xa.Hold(now, t.cpu, k.prof.XArray)
		t.pending += d
		t.Wait += d - k.prof.XArray - k.prof.RMW
		t.LockCost += k.prof.RMW // xa_lock's own atomic
	case stFLBIn:
		k.flbStep(t, int(s.a), int(s.b))
	case stCapFiles:
		if max := k.cfg.MaxFilesPerSession; max > 0 && k.files[t.Session] >= max {
			t.Failed = true
			t.pc = int(s.a)
		}
	case stCapSession:
		if max := k.cfg.MaxSessions; max > 0 && k.outSessions >= max {
			t.Failed = true
			t.pc = int(s.a)
		}
	case stCommit:
		k.commit(t, s.b)
	}
	return false
}

// charge adds a primitive's cost to t: the local RMW is work, the rest is
// waiting for the line.
func (k *LUO) charge(t *Thread, c sim.Time) {
	t.pending += c
	if c > k.prof.RMW {
		t.Wait += c - k.prof.RMW
		t.Transfer += c - k.prof.RMW
	}
}

// chargeLock is charge for a lock primitive: its local RMW is the lock's
// own cost.
func (k *LUO) chargeLock(t *Thread, c sim.Time) {
	k.charge(t, c)
	t.LockCost += min(c, k.prof.RMW)
}

// modRef is try_module_get / module_put of a file handler's module under
// the design's refcount policy (luo-model.md §2.11): a cmpxchg loop on the
// module's one shared line (per-file), a CPU-local increment (percpu), or
// nothing (none: the file's f_op->owner pins; pinned: held since
// registration). Built-in modules (-1) cost nothing.
func (k *LUO) modRef(t *Thread, mod int, get bool) {
	if mod < 0 {
		return
	}
	switch k.cfg.Design.Refcount {
	case RefPerFile:
		k.charge(t, k.modLine[mod].CASLoop(k.eng.Now(), t.cpu))
	case RefPercpu:
		t.pending += k.prof.RMW
	default:
		return
	}
	k.countRef(mod, get)
}

func (k *LUO) countRef(mod int, get bool) {
	if get {
		k.modRefs[mod]++
	} else if k.modRefs[mod]--; k.modRefs[mod] < 0 {
		k.broken("module %s refcount went negative", k.cfg.Modules[mod])
	}
}

// broken stops the run: the model broke one of its own rules, so no number
// it would produce can be trusted.
func (k *LUO) broken(format string, args ...any) {
	panic(fmt.Sprintf("lockmodels: invariant broken at t=%dns: %s", k.eng.Now(), fmt.Sprintf(format, args...)))
}

// flbRefs is the FLB owner's reference, taken while the FLB is in use
// (first file to last) in every design since v1; v0 pinned it at
// registration.
func (k *LUO) flbRefs() bool { return k.cfg.Design.Refcount != RefPinned }

// flbStep counts a file in or out of FLB f under its mutex; the first file
// runs the FLB's preserve, the last its unpreserve or finish, with the FLB
// owner's module reference (luo_flb_file_preserve_one and friends).
func (k *LUO) flbStep(t *Thread, f, dir int) {
	flb := &k.cfg.FLBs[f]
	var cb int
	switch dir {
	case 0:
		k.flbOut[f]++
		if k.flbOut[f] != 1 {
			return
		}
		cb = CBPreserve
	case 1:
		k.flbOut[f]--
		if k.flbOut[f] != 0 {
			return
		}
		cb = CBUnpreserve
	case 2:
		k.flbIn[f]--
		if k.flbIn[f] != 0 {
			return
		}
		cb = CBFinish
	default:
		// liveupdate_flb_get_incoming from a handler's retrieve: the
		// first caller after kexec runs the FLB's retrieve, once.
		if k.flbGot[f] {
			return
		}
		k.flbGot[f] = true
		d := flb.Cost[CBRetrieve].Sample(k.cfg.FLBRNG)
		t.pending += d
		t.Callback += d
		return
	}
	d := flb.Cost[cb].Sample(k.cfg.FLBRNG)
	t.pending += d
	t.Callback += d
	if d > 0 && k.prof.Fidelity == Kernel {
		// The FLB callback sleeps like a handler's: nobody spins on the
		// FLB mutex or on the session mutex while it runs.
		ref := int32(2*f + mutexFLBOut)
		if dir == 2 {
			ref = int32(2*f + mutexFLBIn)
		}
		k.sleepIn(t, k.flbMu[ref])
		if t.held != nil {
			k.sleepIn(t, t.held)
		}
	}
	if flb.Module >= 0 && k.flbRefs() {
		k.charge(t, k.modLine[flb.Module].CASLoop(k.eng.Now(), t.cpu))
		k.countRef(flb.Module, cb == CBPreserve)
	}
}

// commit updates LUO's bookkeeping when an op's effect becomes visible.
func (k *LUO) commit(t *Thread, what int32) {
	h := -1
	if t.File >= 0 && t.File < len(k.cfg.Files) {
		h = k.cfg.Files[t.File]
	}
	switch what {
	case commitCreate:
		k.outSessions++
		k.live[t.Session] = true
	case commitPreserve:
		if !t.Replace {
			k.files[t.Session]++
		}
		k.outPreserved[h]++
	case commitRelease:
		// Unpreserve walks the session LIFO: t.File counts down.
		k.outPreserved[h]--
		if !t.Replace {
			k.files[t.Session]--
			t.File--
		}
	case commitClose:
		k.outSessions--
		k.live[t.Session] = false
	case commitRetrieve:
		if i := t.Session*len(k.cfg.Files) + t.File; !k.gotFile[i] {
			k.gotFile[i] = true
			k.inRetrieved[h]++
		}
	case commitFinishFile:
		k.inPending[h]--
		if i := t.Session*len(k.cfg.Files) + t.File; k.gotFile[i] {
			k.gotFile[i] = false
			k.inRetrieved[h]--
		}
		k.files[t.Session]--
		t.File--
	case commitCloseIncoming:
		k.inSessions--
		k.live[t.Session] = false
	}
	if h >= 0 && (k.outPreserved[h] < 0 || k.inPending[h] < 0 || k.inRetrieved[h] < 0) {
		k.broken("handler %s file counts went negative (outgoing %d, pending %d, retrieved %d)",
			k.cfg.Handlers[h].Name, k.outPreserved[h], k.inPending[h], k.inRetrieved[h])
	}
	if k.files[t.Session] < 0 || k.outSessions < 0 || k.inSessions < 0 {
		k.broken("session %d: %d files, %d outgoing and %d incoming sessions", t.Session, k.files[t.Session], k.outSessions, k.inSessions)
	}
}
