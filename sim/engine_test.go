package sim

import (
	"testing"
)

// recorder logs every event it receives as (time, op, arg).
type recorder struct {
	eng *Engine
	got []Event
	on  func(ev Event)
}

func (r *recorder) Handle(ev Event) {
	r.got = append(r.got, ev)
	if r.on != nil {
		r.on(ev)
	}
}

func newRecorder() (*recorder, HandlerID) {
	r := &recorder{eng: New()}
	return r, r.eng.Register(r)
}

func TestEngineOrder(t *testing.T) {
	for _, tt := range []struct {
		name   string
		delays []Time // scheduled at time 0, arg = index
		want   []int32
	}{
		{"sorted", []Time{1, 2, 3}, []int32{0, 1, 2}},
		{"reversed", []Time{3, 2, 1}, []int32{2, 1, 0}},
		{"ties run FIFO", []Time{5, 5, 5, 5, 5, 5, 5}, []int32{0, 1, 2, 3, 4, 5, 6}},
		{"mixed ties", []Time{2, 1, 2, 1, 0, 2, 0}, []int32{4, 6, 1, 3, 0, 2, 5}},
		{"many", []Time{9, 8, 7, 6, 5, 4, 3, 2, 1, 9, 8, 7, 6, 5, 4, 3, 2, 1}, []int32{8, 17, 7, 16, 6, 15, 5, 14, 4, 13, 3, 12, 2, 11, 1, 10, 0, 9}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, id := newRecorder()
			for i, d := range tt.delays {
				r.eng.Schedule(d, id, 0, int32(i))
			}
			r.eng.Run()
			if len(r.got) != len(tt.want) {
				t.Fatalf("got %d events, want %d", len(r.got), len(tt.want))
			}
			var last Time
			for i, ev := range r.got {
				if ev.Arg != tt.want[i] {
					t.Errorf("event %d: arg %d, want %d", i, ev.Arg, tt.want[i])
				}
				if ev.At < last {
					t.Errorf("event %d: time went backwards: %d after %d", i, ev.At, last)
				}
				last = ev.At
				if ev.At != tt.delays[ev.Arg] {
					t.Errorf("event %d: at %d, want %d", i, ev.At, tt.delays[ev.Arg])
				}
			}
		})
	}
}

// TestEngineZeroDelayAfterDue checks the FIFO fast path keeps (time, seq)
// order: events already due now run before zero-delay events scheduled now.
func TestEngineZeroDelayAfterDue(t *testing.T) {
	r, id := newRecorder()
	r.on = func(ev Event) {
		if ev.Op == 1 { // the first event at t=10 schedules two zero-delay events
			r.eng.Schedule(0, id, 2, 100)
			r.eng.Schedule(0, id, 2, 101)
		}
		if ev.Arg == 100 { // a zero-delay event scheduling another one
			r.eng.Schedule(0, id, 2, 102)
		}
	}
	r.eng.Schedule(10, id, 1, 0)
	r.eng.Schedule(10, id, 0, 1)
	r.eng.Schedule(10, id, 0, 2)
	r.eng.Schedule(11, id, 0, 3)
	r.eng.Run()
	want := []int32{0, 1, 2, 100, 101, 102, 3}
	if len(r.got) != len(want) {
		t.Fatalf("got %d events, want %d", len(r.got), len(want))
	}
	for i, ev := range r.got {
		if ev.Arg != want[i] {
			t.Errorf("event %d: arg %d, want %d", i, ev.Arg, want[i])
		}
	}
	if r.eng.Executed() != uint64(len(want)) {
		t.Errorf("Executed = %d, want %d", r.eng.Executed(), len(want))
	}
}

func TestEngineFIFOGrows(t *testing.T) {
	r, id := newRecorder()
	const n = 1000
	r.on = func(ev Event) {
		if ev.Op == 1 {
			for i := int32(0); i < n; i++ {
				r.eng.Schedule(0, id, 2, i)
			}
		}
	}
	r.eng.Schedule(5, id, 1, -1)
	r.eng.Run()
	if len(r.got) != n+1 {
		t.Fatalf("got %d events, want %d", len(r.got), n+1)
	}
	for i, ev := range r.got[1:] {
		if ev.Arg != int32(i) || ev.At != 5 {
			t.Fatalf("event %d: arg %d at %d", i, ev.Arg, ev.At)
		}
	}
}

func TestRunUntilAndStop(t *testing.T) {
	r, id := newRecorder()
	for _, d := range []Time{10, 20, 30, 40} {
		r.eng.Schedule(d, id, 0, int32(d))
	}
	r.eng.RunUntil(25)
	if len(r.got) != 2 || r.eng.Now() != 25 {
		t.Fatalf("RunUntil(25): %d events, now %d; want 2, 25", len(r.got), r.eng.Now())
	}
	if r.eng.Pending() != 2 {
		t.Fatalf("Pending = %d, want 2", r.eng.Pending())
	}
	r.on = func(ev Event) {
		if ev.Arg == 30 {
			r.eng.Stop()
		}
	}
	r.eng.Run()
	if len(r.got) != 3 || r.eng.Now() != 30 {
		t.Fatalf("after Stop: %d events, now %d; want 3, 30", len(r.got), r.eng.Now())
	}
	r.eng.Run()
	if len(r.got) != 4 || r.eng.Now() != 40 {
		t.Fatalf("resumed: %d events, now %d; want 4, 40", len(r.got), r.eng.Now())
	}
}

func TestSchedulePanics(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    func(e *Engine, id HandlerID)
	}{
		{"negative delay", func(e *Engine, id HandlerID) { e.Schedule(-1, id, 0, 0) }},
		{"past time", func(e *Engine, id HandlerID) { e.RunUntil(10); e.ScheduleAt(9, id, 0, 0) }},
		{"nil handler", func(e *Engine, id HandlerID) { e.Register(nil) }},
		{"unregistered handler", func(e *Engine, id HandlerID) { e.Schedule(1, id+1, 0, 0) }},
		{"negative handler", func(e *Engine, id HandlerID) { e.Schedule(0, -1, 0, 0) }},
		{"run until the past", func(e *Engine, id HandlerID) { e.RunUntil(10); e.RunUntil(5) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, id := newRecorder()
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tt.f(r.eng, id)
		})
	}
}

func TestScheduleForeverCaps(t *testing.T) {
	r, id := newRecorder()
	r.eng.Schedule(100, id, 0, 1)
	r.eng.Run()
	r.eng.Schedule(Forever, id, 0, 2) // "never": must not wrap into the past
	r.eng.Schedule(5, id, 0, 3)
	r.eng.RunUntil(1_000_000)
	if len(r.got) != 2 || r.got[1].Arg != 3 || r.eng.Pending() != 1 {
		t.Fatalf("got %v, pending %d", r.got, r.eng.Pending())
	}
}

func TestHandlersDispatch(t *testing.T) {
	e := New()
	a, b := &recorder{eng: e}, &recorder{eng: e}
	ia, ib := e.Register(a), e.Register(b)
	e.Schedule(2, ib, 0, 2)
	e.Schedule(1, ia, 0, 1)
	e.Schedule(0, ib, 0, 0)
	e.Run()
	if len(a.got) != 1 || a.got[0].Arg != 1 || a.got[0].Handler() != ia {
		t.Errorf("a got %v", a.got)
	}
	if len(b.got) != 2 || b.got[0].Arg != 0 || b.got[1].Arg != 2 || b.got[1].Handler() != ib {
		t.Errorf("b got %v", b.got)
	}
}

// TestScheduleAllocs proves the hot path allocates nothing once the queues
// have reached their working size.
func TestScheduleAllocs(t *testing.T) {
	r, _ := newRecorder()
	h := &holder{eng: r.eng}
	hid := r.eng.Register(h)
	for i := 0; i < 100; i++ {
		r.eng.Schedule(Time(i+1), hid, 0, 0)
	}
	allocs := testing.AllocsPerRun(10, func() {
		h.left = 10000
		r.eng.Run()
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run of 10000 events, want 0", allocs)
	}
}

type holder struct {
	eng  *Engine
	left int
	k    uint64
}

// Handle keeps the number of pending timed events constant and adds a
// zero-delay hand-off now and then.
func (h *holder) Handle(ev Event) {
	if ev.Op == 0 {
		h.k = h.k*6364136223846793005 + 1442695040888963407
		h.eng.Schedule(Time(1+h.k>>33%97), ev.Handler(), 0, 0)
		if h.k>>40%5 == 0 {
			h.eng.Schedule(0, ev.Handler(), 1, 0)
		}
	}
	h.left--
	if h.left <= 0 {
		h.eng.Stop()
	}
}
