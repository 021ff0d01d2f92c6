package lockmodels

import (
	"github.com/luosim/luosim/sim"
)

// builder appends the steps of one op.
type builder struct {
	k      *LUO
	steps  []step
	commit int8 // 1 + a commit kind waiting to be fused into the next synchronous step
}

// free reports whether shared atomics cost nothing on this machine (the
// ideal profile): then a lock that can neither block nor take time — the
// xarray's spinlock around a free tree update, an empty read section of a
// registry rwsem that is never written in a run — changes no number but
// its own acquisition count, and is left out of the program.
func (b *builder) free() bool {
	p := b.k.prof
	return p.RMW == 0 && p.LineLLC == 0 && p.LineSocket == 0 && p.LineRemote == 0
}

// xa is xa_insert/xa_erase on the global luo_preserved_files xarray.
func (b *builder) xa() {
	if b.free() && b.k.prof.XArray == 0 {
		return
	}
	b.add(stXA, 0)
}

func (b *builder) add(kind stepKind, a int32) int {
	b.addB(kind, a, 0)
	return len(b.steps) - 1
}

// addB appends a step. LUO's bookkeeping (stCommit) is not a step of its
// own when a synchronous step follows: it rides on that step (applied
// first, and only if the op has not failed), which saves a dispatch.
func (b *builder) addB(kind stepKind, a, c int32) {
	if kind == stCommit {
		b.flushCommit()
		b.commit = int8(c + 1)
		return
	}
	st := step{kind: kind, a: a, b: c}
	if b.commit != 0 {
		if kind > stSync {
			st.pre, b.commit = b.commit, 0
		} else {
			b.flushCommit()
		}
	}
	b.steps = append(b.steps, st)
}

// flushCommit emits a pending commit as a step of its own.
func (b *builder) flushCommit() {
	if b.commit != 0 {
		b.steps = append(b.steps, step{kind: stCommit, b: int32(b.commit - 1)})
		b.commit = 0
	}
}

// walk emits a list walk of the sessions (a: 0 outgoing, 1 incoming),
// costed at its length when it runs (nothing on a machine whose walks are
// free).
func (b *builder) walk(a int32) {
	if b.k.prof.WalkStep > 0 {
		b.add(stWalkSessions, a)
	}
}

// perFileCost emits d per file the session holds, counted when it runs.
func (b *builder) perFileCost(d sim.Time) {
	if d > 0 {
		b.flushCommit()
		b.steps = append(b.steps, step{kind: stPerFile, d: d})
	}
}

func (b *builder) delay(d sim.Time) {
	if d > 0 {
		b.flushCommit()
		b.steps = append(b.steps, step{kind: stDelay, d: d})
	}
}

// callback emits handler h's callback cb, or nothing when it costs
// nothing (a callback the scenario gives no cost).
func (b *builder) callback(h int, cb int) {
	fh := &b.k.cfg.Handlers[h]
	if d := &fh.Cost[cb]; d.Kind() == sim.DistConst && d.Mean() == 0 && fh.Extra[cb] == 0 {
		return
	}
	b.flushCommit()
	b.steps = append(b.steps, step{kind: stCallback, a: int32(h), b: int32(cb)})
}

// regRead takes the registry lock around a handler-list walk (flb false)
// or an FLB walk (flb true) of handler h: one luo_register_rwlock
// (global-rwsem, v3/v4), luo_file_handler_lock or the handler's flb_lock
// (split-rwsem, v1/v2), or nothing (rcu: rcu_read_lock writes nothing
// shared; quiesce: registration waits for sessions to be gone).
func (b *builder) regRead(h int, flb bool, lock bool) {
	var rw int32
	switch b.k.cfg.Design.Registry {
	case RegGlobalRWSem:
		rw = rwsemRegister
	case RegSplitRWSem:
		rw = rwsemRegister
		if flb {
			rw = rwsemFLB + int32(h)
		}
	default:
		return
	}
	if lock {
		b.add(stRLock, rw)
		return
	}
	if n := len(b.steps); n > 0 && b.steps[n-1].kind == stRLock && b.steps[n-1].a == rw {
		// Nothing costs time inside the section (a lookup on a machine
		// whose lookups are free, an FLB walk of a handler without FLBs):
		// enter and leave in one step, or not at all on a free machine.
		if b.free() {
			if pre := b.steps[n-1].pre; pre != 0 {
				b.commit = pre // it rode on the RLock: keep it for the next step
			}
			b.steps = b.steps[:n-1]
			return
		}
		b.steps[n-1].kind = stReadPass
		return
	}
	b.add(stRUnlock, rw)
}

// flbWalk is luo_flb_file_preserve/unpreserve/finish for handler h: under
// the registry's read side, each linked FLB's mutex, its count, and the
// heavy callback for the first or last file (dir: 0 preserve, 1
// unpreserve, 2 finish).
//
// The registry read is taken whether or not the handler links any FLB:
// luo_flb_file_preserve and friends always walk the handler's FLB list
// under it.
func (b *builder) flbWalk(h int, dir int32) {
	flbs := b.k.cfg.Handlers[h].FLBs
	b.regRead(h, true, true)
	for _, f := range flbs {
		ref := int32(2*f + mutexFLBOut)
		if dir == 2 {
			ref = int32(2*f + mutexFLBIn)
		}
		b.add(stLock, ref)
		b.addB(stFLBIn, int32(f), dir)
		b.add(stUnlock, ref)
	}
	b.regRead(h, true, false)
}

// release undoes one preserved file of handler h: the body of
// luo_file_unpreserve_files for one file, LIFO (luo-model.md §2.4).
func (b *builder) release(h int) {
	p := b.k.prof
	b.callback(h, CBUnpreserve)                 // fh->ops->unpreserve
	b.flbWalk(h, 1)                             // luo_flb_file_unpreserve
	b.xa()                                      // xa_erase(&luo_preserved_files)
	b.modRef(b.k.cfg.Handlers[h].Module, false) // module_put(fh->ops->owner)
	b.delay(p.RMW)                              // fput: file_ref_put on the file's own line
	b.delay(p.Alloc)                            // kfree(luo_file)
	b.addB(stCommit, 0, commitRelease)
}

// perFile emits a loop over the session's files from t.File down to 0
// (LIFO), running body(h) for each file of handler h. The body is compiled
// once per handler, not once per file, so a session of 500 files costs a
// handful of steps; body must end by decrementing t.File (its commit
// step does).
func (b *builder) perFile(body func(h int)) {
	H := len(b.k.cfg.Handlers)
	head := b.add(stNextFile, 0)
	table := len(b.steps)
	for h := 0; h < H; h++ {
		b.add(stTable, 0)
	}
	b.steps[head].a = int32(table)
	for h := 0; h < H; h++ {
		b.steps[table+h].a = int32(len(b.steps))
		body(h)
		b.add(stJump, int32(head))
	}
	b.steps[head].b = int32(len(b.steps))
}

// modRef emits try_module_get/module_put on module mod, or nothing when
// the design takes no per-file reference or the handler is built in.
func (b *builder) modRef(mod int, get bool) {
	if mod < 0 || (b.k.cfg.Design.Refcount != RefPerFile && b.k.cfg.Design.Refcount != RefPercpu) {
		return
	}
	if get {
		b.add(stModGet, int32(mod))
	} else {
		b.add(stModPut, int32(mod))
	}
}

// compile returns the steps of t's op, appended to steps.
func (k *LUO) compile(t *Thread, steps []step) []step {
	b := builder{k: k, steps: steps}
	p := k.prof
	global := k.cfg.Design.Session == GlobalSession
	switch t.Op {
	case OpCreate:
		// luo_ioctl_create_session → luo_session_create (§2.1).
		b.delay(p.Syscall)
		if global {
			b.add(stLock, mutexSession) // the global LUO mutex around every session op
		}
		b.delay(p.Alloc) // kzalloc(session), mutex_init
		b.add(stWLock, rwsemOutgoing)
		capAt := b.add(stCapSession, 0) // luo_session_insert: LUO_SESSION_MAX
		b.walk(0)                       // strncmp walk for duplicate names: O(S_out)
		b.addB(stCommit, 0, commitCreate)
		b.steps[capAt].a = int32(b.add(stWUnlock, rwsemOutgoing))
		if global {
			b.delay(p.FDInstall) // anon_inode_getfile, get_unused_fd_flags
			b.add(stUnlock, mutexSession)
		} else {
			b.add(stLock, mutexSession) // mutex(session) around anon_inode_getfile
			b.delay(p.FDInstall)
			b.add(stUnlock, mutexSession)
		}
		b.delay(p.Syscall) // copy_to_user, fd_install

	case OpPreserve:
		// luo_session_preserve_fd → luo_preserve_file (§2.3).
		h := k.cfg.Files[t.File]
		fh := &k.cfg.Handlers[h]
		b.delay(p.Syscall)
		b.add(stLock, mutexSession) // guard(mutex)(&session->mutex): held to the end
		b.perFileCost(p.WalkStep)   // luo_token_is_used: O(F_s)
		capAt := -1
		if !t.Replace {
			capAt = b.add(stCapFiles, 0) // count == LUO_FILE_MAX → -ENOSPC
		}
		b.delay(p.RMW) // fget: file_ref_get on the file's own line
		if p.KHOAlloc > 0 {
			b.add(stFirstFile, 0) // luo_alloc_files_mem: kho_alloc_preserve on the first file
		}
		b.regRead(h, false, true)           // down_read(&luo_register_rwlock)
		b.delay(sim.Time(h+1) * p.Lookup)   // can_preserve() on each handler until a match: O(H)
		b.add(stModGet, int32(fh.Module))   // try_module_get(fh->ops->owner)
		b.regRead(h, false, false)          // up_read
		b.xa()                              // xa_insert(&luo_preserved_files): xa_lock
		b.flbWalk(h, 0)                     // luo_flb_file_preserve: second registry read
		b.delay(p.Alloc)                    // kzalloc(luo_file), mutex_init
		b.callback(h, CBPreserve)           // fh->ops->preserve: the heavy part
		b.addB(stCommit, 0, commitPreserve) // list_add_tail, count++
		if t.Replace {
			// Steady state: the file this one replaces is released in the
			// same session critical section.
			b.release(h)
		}
		unlockAt := b.add(stUnlock, mutexSession)
		if capAt >= 0 {
			b.steps[capAt].a = int32(unlockAt)
		}
		b.delay(p.Syscall) // copy_to_user

	case OpUnpreserve:
		// Close of an outgoing session fd: luo_session_release →
		// luo_file_unpreserve_files, LIFO (§2.4).
		b.delay(p.Syscall)
		b.add(stLock, mutexSession)
		b.perFile(b.release)
		b.delay(p.Alloc) // free the KHO file-set buffer
		b.add(stUnlock, mutexSession)
		b.add(stWLock, rwsemOutgoing) // luo_session_remove
		b.addB(stCommit, 0, commitClose)
		b.add(stWUnlock, rwsemOutgoing)

	case OpRetrieveSession:
		// luo_ioctl_retrieve_session → luo_session_retrieve (§2.2).
		b.delay(p.Syscall)
		if global {
			b.add(stLock, mutexSession)
		}
		b.add(stRLock, rwsemIncoming)
		b.walk(1) // name walk: O(S_in)
		b.add(stRUnlock, rwsemIncoming)
		if !global {
			b.add(stLock, mutexSession)
		}
		b.delay(p.FDInstall) // anon_inode_getfile, retrieved = true
		b.add(stUnlock, mutexSession)
		b.delay(p.Syscall)

	case OpRetrieve:
		// luo_session_retrieve_fd → luo_retrieve_file (§2.7).
		h := k.cfg.Files[t.File]
		b.delay(p.Syscall)
		b.add(stLock, mutexSession)
		b.perFileCost(p.WalkStep) // token walk: O(F_s), so O(F²) per session
		b.delay(p.RMW)            // mutex(luo_file): private, uncontended
		// fh->ops->retrieve; a handler linked to FLBs gets their incoming
		// state through liveupdate_flb_get_incoming, whose first caller
		// runs the FLB's retrieve under the FLB's incoming mutex.
		for _, f := range k.cfg.Handlers[h].FLBs {
			ref := int32(2*f + mutexFLBIn)
			b.add(stLock, ref)
			b.addB(stFLBIn, int32(f), 3)
			b.add(stUnlock, ref)
		}
		b.callback(h, CBRetrieve)
		b.delay(p.RMW) // get_file
		b.xa()         // xa_insert
		b.addB(stCommit, 0, commitRetrieve)
		b.delay(p.RMW) // mutex_unlock(luo_file)
		b.add(stUnlock, mutexSession)
		b.delay(p.Syscall + p.FDInstall) // copy_to_user, fd_install

	case OpFinish:
		// LIVEUPDATE_SESSION_FINISH → luo_file_finish, then close of the
		// incoming session fd (§2.8).
		b.delay(p.Syscall)
		b.add(stLock, mutexSession)
		b.perFileCost(2 * p.RMW) // pass 1: mutex(luo_file) + can_finish per file
		b.perFile(func(h int) {  // pass 2, LIFO
			b.delay(p.RMW)                            // mutex(luo_file)
			b.callback(h, CBFinish)                   // fh->ops->finish
			b.flbWalk(h, 2)                           // luo_flb_file_finish
			b.xa()                                    // xa_erase
			b.delay(p.RMW)                            // fput
			b.modRef(k.cfg.Handlers[h].Module, false) // module_put
			b.delay(p.Alloc)                          // kfree
			b.addB(stCommit, 0, commitFinishFile)
		})
		b.delay(p.Alloc) // free the KHO buffer
		b.add(stUnlock, mutexSession)
		b.add(stWLock, rwsemIncoming) // unlink on close
		b.addB(stCommit, 0, commitCloseIncoming)
		b.add(stWUnlock, rwsemIncoming)
		b.delay(p.Syscall)

	default:
		panic("lockmodels: op " + t.Op.String() + " does not run on a thread")
	}
	b.flushCommit()
	return b.steps
}

// Reboot is liveupdate_reboot → luo_session_serialize (§2.5): one thread,
// nothing else running, so it is costed arithmetically. For every outgoing
// session, under its mutex, every file in order: mutex(luo_file), the
// handler's freeze callback and its KHO record; then the FLBs and
// kho_finalize. It returns the blackout and the callbacks' share of it,
// and turns the outgoing state into what the next kernel will find.
func (k *LUO) Reboot() (blackout, callbacks sim.Time) {
	p := k.prof
	blackout = 2 * p.RMW // down_write/up_write(outgoing.rwsem)
	r := k.cfg.RebootRNG
	for s, live := range k.live {
		if !live {
			continue
		}
		blackout += 2 * p.RMW // mutex(session)
		for i := 0; i < k.files[s]; i++ {
			h := &k.cfg.Handlers[k.cfg.Files[i]]
			cb := h.Cost[CBFreeze].Sample(r) + h.Extra[CBFreeze]
			callbacks += cb
			blackout += 2*p.RMW + cb + p.Serialize
		}
	}
	blackout += sim.Time(len(k.cfg.FLBs))*p.Serialize + p.KHOAlloc // luo_flb_serialize, kho_finalize
	// The next kernel: no outgoing state, no module references.
	k.serialized = append(k.serialized[:0], k.outPreserved...)
	for h := range k.outPreserved {
		k.outPreserved[h] = 0
	}
	for m := range k.modRefs {
		k.modRefs[m] = 0
	}
	copy(k.flbIn, k.flbOut)
	for f := range k.flbOut {
		k.flbOut[f] = 0
	}
	for i := range k.gotFile {
		k.gotFile[i] = false
	}
	for f := range k.flbGot {
		k.flbGot[f] = false
	}
	k.inSessions, k.outSessions = k.outSessions, 0
	return blackout, callbacks
}

// Deserialize is luo_session_deserialize on the first open of
// /dev/liveupdate after kexec (§2.6): single-threaded, costed
// arithmetically. Each session is inserted with an O(S) name check (O(S²)
// in all); each file's handler is found under the registry lock (O(H)
// strcmp) and, under per-file refcounting, pinned with try_module_get. No
// handler callback runs.
func (k *LUO) Deserialize() sim.Time {
	p := k.prof
	S := sim.Time(k.inSessions)
	d := S*(p.Alloc+4*p.RMW) + p.WalkStep*S*(S-1)/2
	for s, live := range k.live {
		if !live {
			continue
		}
		for i := 0; i < k.files[s]; i++ {
			h := k.cfg.Files[i]
			fh := &k.cfg.Handlers[h]
			if k.cfg.Design.Registry == RegGlobalRWSem || k.cfg.Design.Registry == RegSplitRWSem {
				d += 2 * p.RMW // down_read/up_read(luo_register_rwlock), one CPU: local
			}
			d += sim.Time(h+1)*p.Lookup + p.Alloc
			if fh.Module >= 0 && (k.cfg.Design.Refcount == RefPerFile || k.cfg.Design.Refcount == RefPercpu) {
				d += p.RMW
				k.modRefs[fh.Module]++
			}
		}
	}
	copy(k.inPending, k.serialized)
	// Incoming FLBs in use hold their owner's reference until their last
	// file finishes.
	for f, n := range k.flbIn {
		if m := k.cfg.FLBs[f].Module; n > 0 && m >= 0 && k.flbRefs() {
			d += p.RMW
			k.countRef(m, true)
		}
	}
	k.deserialized = true
	return d
}

// Prefill puts the kernel in the steady state of a running host: every
// session created and holding all its files, outgoing, with the module
// references and FLB counts that implies.
func (k *LUO) Prefill() {
	k.outSessions = k.cfg.Sessions
	for s := range k.files {
		k.files[s] = len(k.cfg.Files)
		k.live[s] = true
	}
	for _, h := range k.cfg.Files {
		fh := &k.cfg.Handlers[h]
		n := int64(k.cfg.Sessions)
		k.outPreserved[h] += n
		if fh.Module >= 0 && (k.cfg.Design.Refcount == RefPerFile || k.cfg.Design.Refcount == RefPercpu) {
			k.modRefs[fh.Module] += n
		}
		for _, f := range fh.FLBs {
			k.flbOut[f] += int(n)
		}
	}
	for f, n := range k.flbOut {
		if m := k.cfg.FLBs[f].Module; n > 0 && m >= 0 && k.flbRefs() {
			k.countRef(m, true)
		}
	}
}

// RmmodResult is the outcome of one module unload attempt.
type RmmodResult uint8

const (
	RmmodClean   RmmodResult = iota // unloaded, and LUO did not need it
	RmmodBlocked                    // refused: the module is pinned (an availability cost)
	RmmodHazard                     // unloaded while LUO still needs it (a use-after-free waiting to happen)
)

// Rmmod is one delete_module attempt on module mod now (product.md §2).
// Attempts are probes: the module is taken to be loaded again at once, so
// one run measures the exposure over its whole span.
func (k *LUO) Rmmod(mod int) RmmodResult {
	r := k.rmmod(mod)
	if k.chk != nil && r != RmmodBlocked {
		k.chkUnload(mod, r)
	}
	return r
}

func (k *LUO) rmmod(mod int) RmmodResult {
	if k.cfg.Design.Refcount == RefPinned && k.registers(mod) {
		return RmmodBlocked // v0: try_module_get at registration, held while registered
	}
	if k.modRefs[mod] > 0 {
		return RmmodBlocked // try_stop_module: refcount not zero → -EWOULDBLOCK
	}
	for h := range k.cfg.Handlers {
		fh := &k.cfg.Handlers[h]
		// A preserved outgoing file, or a retrieved incoming one, is a
		// struct file pinning its f_op->owner.
		if fh.FileOwner == mod && (k.outPreserved[h] > 0 || k.inRetrieved[h] > 0) {
			return RmmodBlocked
		}
	}
	for h := range k.cfg.Handlers {
		fh := &k.cfg.Handlers[h]
		// LUO still holds a pointer to the handler: an outgoing file of
		// it, or a deserialized entry not yet finished (the v2 window).
		if fh.Module == mod && (k.outPreserved[h] > 0 || k.inPending[h] > 0) {
			return RmmodHazard
		}
	}
	for f := range k.cfg.FLBs {
		if k.cfg.FLBs[f].Module == mod && (k.flbOut[f] > 0 || (k.deserialized && k.flbIn[f] > 0)) {
			return RmmodHazard
		}
	}
	return RmmodClean
}

// registers reports whether module mod owns a registered handler or FLB
// (what v0 pins at registration).
func (k *LUO) registers(mod int) bool {
	for h := range k.cfg.Handlers {
		if k.cfg.Handlers[h].Module == mod {
			return true
		}
	}
	for f := range k.cfg.FLBs {
		if k.cfg.FLBs[f].Module == mod {
			return true
		}
	}
	return false
}

// Files returns the files session s holds; Live whether it exists.
func (k *LUO) Files(s int) int { return k.files[s] }
func (k *LUO) Live(s int) bool { return k.live[s] }

// LockClass is the statistics of one class of locks (all session mutexes
// together, say).
type LockClass struct {
	Name      string
	Instances int // locks in the class (utilization is per instance)
	Stats     Stats
	Dist      *ClassStats // wait and hold distributions
}

// LockClasses returns the statistics per lock class in a fixed order,
// leaving out classes the design does not have.
func (k *LUO) LockClasses() []LockClass {
	var out []LockClass
	n := 1
	var dist *ClassStats
	add := func(name string, s Stats) {
		if s.Acquisitions > 0 {
			out = append(out, LockClass{name, n, s, dist})
		}
		n = 1
	}
	var sess Stats
	for _, m := range k.session {
		sess.Add(m.Stats())
	}
	n, dist = len(k.session), &k.classes.session
	add("session->mutex", sess)
	dist = &k.classes.global
	add("luo_global_mutex", k.global.Stats())
	dist = &k.classes.outgoing
	add("outgoing.rwsem", k.rw[rwsemOutgoing].Stats())
	dist = &k.classes.incoming
	add("incoming.rwsem", k.rw[rwsemIncoming].Stats())
	reg := "luo_register_rwlock"
	if k.cfg.Design.Registry == RegSplitRWSem {
		reg = "luo_file_handler_lock"
	}
	dist = &k.classes.register
	add(reg, k.rw[rwsemRegister].Stats())
	var flbLock Stats
	for _, rw := range k.rw[rwsemFLB:] {
		flbLock.Add(rw.Stats())
	}
	n, dist = len(k.rw)-rwsemFLB, &k.classes.flbLock
	add("flb_lock", flbLock)
	dist = &k.classes.xa
	add("xa_lock", lineStats(&k.xa))
	var flb Stats
	for _, m := range k.flbMu {
		flb.Add(m.Stats())
	}
	n, dist = len(k.flbMu), &k.classes.flb
	add("flb->mutex", flb)
	for i := range k.modLine {
		dist = &k.classes.modules[i]
		add("module_refcnt:"+k.cfg.Modules[i], lineStats(&k.modLine[i]))
	}
	return out
}

func lineStats(l *CacheLine) Stats {
	return Stats{Acquisitions: l.Accesses, Contended: l.Queued, WaitTotal: l.WaitTotal, HoldTotal: l.BusyTotal, Transfers: l.Transfers}
}

// Safety state for tests and reports.

// ModuleRefs returns LUO's references on module mod.
func (k *LUO) ModuleRefs(mod int) int64 { return k.modRefs[mod] }

// Preserved returns the outgoing files of handler h.
func (k *LUO) Preserved(h int) int64 { return k.outPreserved[h] }

// Pending returns handler h's deserialized entries not yet finished.
func (k *LUO) Pending(h int) int64 { return k.inPending[h] }
