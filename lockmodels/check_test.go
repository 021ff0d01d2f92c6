package lockmodels

import (
	"fmt"
	"strings"
	"testing"
)

// TestCheckerCatches breaks each invariant on purpose, the way a buggy
// primitive or driver would, and expects the checker to stop the run
// with a message naming it.
func TestCheckerCatches(t *testing.T) {
	for _, tt := range []struct {
		name   string
		prof   string
		break_ func(r *luoRig)
		want   string
	}{
		{"two owners of a mutex", "xeon2s-icx", func(r *luoRig) {
			m := r.k.session[0]
			r.k.chkGrant(r.threads[0], m, -1, true, false, false)
			r.k.chkGrant(r.threads[1], m, -1, true, false, false)
		}, "mutual exclusion: thread 1 granted mutex held by thread 0"},
		{"reader beside a writer", "xeon2s-icx", func(r *luoRig) {
			r.k.chkGrant(r.threads[0], nil, rwsemRegister, true, false, false)
			r.k.chkGrant(r.threads[1], nil, rwsemRegister, false, false, false)
		}, "reads rwsem 2 while thread 0 writes"},
		{"writer beside readers", "xeon2s-icx", func(r *luoRig) {
			r.k.chkGrant(r.threads[0], nil, rwsemRegister, false, false, false)
			r.k.chkGrant(r.threads[1], nil, rwsemRegister, true, false, false)
		}, "mutual exclusion: thread 1 granted rwsem 2 held by thread -1 and 1 reader(s)"},
		{"LIFO hand-off on the ideal machine", "ideal", func(r *luoRig) {
			m := r.k.session[0]
			r.k.chkGrant(r.threads[0], m, -1, true, false, false)
			r.k.chkWait(r.threads[1], m, -1, true, false)
			r.k.chkWait(r.threads[2], m, -1, true, false)
			r.k.chkRelease(r.threads[0], m, -1, true)
			r.k.chkGrant(r.threads[2], m, -1, true, false, true)
		}, "FIFO: thread 2 granted mutex ahead of 1 earlier waiter(s)"},
		{"release by a non-owner", "xeon2s-icx", func(r *luoRig) {
			m := r.k.session[0]
			r.k.chkGrant(r.threads[0], m, -1, true, false, false)
			r.k.chkRelease(r.threads[1], m, -1, true)
		}, "thread 1 releases a lock owned by 0"},
		{"an op completing twice", "xeon2s-icx", func(r *luoRig) {
			r.k.chkDone(r.threads[0])
		}, "thread 0 completes create twice"},
		{"an op lost", "xeon2s-icx", func(r *luoRig) {
			r.k.chkStart(r.threads[0])
			r.k.chk.thread[0].active = false // lost without completing
			r.k.CheckEnd(true)
		}, "conservation: 1 create ops started, 0 completed"},
		{"time going backwards", "xeon2s-icx", func(r *luoRig) {
			r.k.chk.now = 1000
			r.k.chkTick()
		}, "time went backwards from 1000 to 0"},
		{"unload with references", "xeon2s-icx", func(r *luoRig) {
			r.k.modRefs[modVfioPci] = 1
			r.k.chkUnload(modVfioPci, RmmodClean)
		}, "module vfio_pci unloaded with refcount 1"},
		{"unsafe unload under a refcounting design", "xeon2s-icx", func(r *luoRig) {
			r.k.chkUnload(modVfioPci, RmmodHazard)
		}, "module vfio_pci unloaded while LUO needs it"},
		{"barging on the ideal machine", "ideal", func(r *luoRig) {
			m := r.k.session[0]
			r.k.chkGrant(r.threads[0], m, -1, true, false, false)
			r.k.chkWait(r.threads[1], m, -1, true, false)
			r.k.chkRelease(r.threads[0], m, -1, true)
			r.k.chkGrant(r.threads[2], m, -1, true, false, false)
		}, "FIFO: thread 2 took mutex on the fast path past 1 waiter(s)"},
		{"waits the lock did not account", "xeon2s-icx", func(r *luoRig) {
			r.do(0, opCreate(0))
			r.do(1, opCreate(0))
			r.run()
			r.k.chk.mutex(r.k.session[0]).area += 5
			r.k.CheckEnd(true)
		}, "Little's law, session mutex 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newLUORig(t, luoFixture(mustDesign(t, "v1-per-file"), mustProfile(t, tt.prof), 2, memfdH), 4, 3)
			got := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				tt.break_(r)
				return "no panic"
			}()
			if !strings.Contains(got, "invariant broken") || !strings.Contains(got, tt.want) {
				t.Fatalf("got %q, want an invariant failure containing %q", got, tt.want)
			}
		})
	}
}

// TestCheckerQuietOnValidRuns: the checks cost nothing when off and pass
// on every preset and profile with contention.
func TestCheckerQuietOnValidRuns(t *testing.T) {
	for _, prof := range []string{"ideal", "xeon2s-icx", "epyc2s-milan"} {
		for _, d := range luoDesigns(t) {
			r := newLUORig(t, luoFixture(d, mustProfile(t, prof), 2, memfdH, vfioH, memfdH), 2, 6)
			if r.k.chk == nil {
				t.Fatal("CheckAll is set, yet the model has no checker")
			}
			for i := 0; i < 6; i++ {
				r.do(i, opCreate(i%2))
			}
			r.run()
			for i := 0; i < 6; i++ {
				r.do(i, opPreserve(i%2, i/2))
			}
			r.run() // CheckEnd(true) inside
			r.do(0, opUnpreserve(0))
			r.do(1, opUnpreserve(1))
			r.run()
		}
	}
}
