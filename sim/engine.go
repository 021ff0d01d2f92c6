package sim

import "fmt"

// HandlerID names a registered [Handler]. It is the index returned by
// [Engine.Register]; an engine holds at most [MaxHandlers].
type HandlerID int32

// Limits of one engine. An event packs its sequence number and handler id
// into one word so that it stays 24 bytes: that size alone makes the event
// loop about 1.7 times faster than a 32-byte event on amd64.
const (
	handlerBits = 24
	MaxHandlers = 1 << handlerBits        // handlers per engine
	MaxEvents   = 1 << (64 - handlerBits) // events scheduled per engine (about 1.1e12)
)

// Event is one scheduled occurrence. It is a plain value: the engine copies
// it into its queues and hands a copy to the handler, so scheduling never
// allocates. Op and Arg are the handler's own: typically Op says what
// happens and Arg which object (a thread, a lock waiter) it happens to.
type Event struct {
	At  Time   // when the event fires
	key uint64 // sequence number << handlerBits | handler id; the sequence breaks ties so equal-time events run FIFO
	Op  int32  // handler-defined kind
	Arg int32  // handler-defined argument
}

// Handler returns the id of the handler the event is addressed to.
func (ev Event) Handler() HandlerID { return HandlerID(ev.key & (MaxHandlers - 1)) }

// Handler receives the events addressed to it.
type Handler interface {
	Handle(ev Event)
}

// Engine is a single-threaded discrete-event scheduler. The zero value is
// not usable; call [New].
type Engine struct {
	now      Time
	seq      uint64  // events scheduled so far
	heap     []Event // 4-ary min-heap on (At, seq); events after now
	fifo     []Event // ring of events at exactly now, scheduled during now
	fifoHead int
	fifoLen  int
	handlers []Handler
	stopped  bool
}

// New returns an empty engine at time 0.
func New() *Engine {
	return &Engine{
		heap: make([]Event, 0, 64),
		fifo: make([]Event, 16),
	}
}

// Register adds h and returns the id that events for it carry.
func (e *Engine) Register(h Handler) HandlerID {
	if h == nil {
		panic("(*Engine).Register: nil handler")
	}
	if len(e.handlers) == MaxHandlers {
		panic("(*Engine).Register: too many handlers")
	}
	e.handlers = append(e.handlers, h)
	return HandlerID(len(e.handlers) - 1)
}

// Now returns the current simulated time.
func (e *Engine) Now() Time { return e.now }

// Executed returns the number of events dispatched so far: every event
// scheduled is either pending or dispatched.
func (e *Engine) Executed() uint64 { return e.seq - uint64(e.Pending()) }

// Pending returns the number of events scheduled and not yet dispatched.
func (e *Engine) Pending() int { return len(e.heap) + e.fifoLen }

// Schedule arranges for handler h to receive an event (op, arg) after delay.
// A zero delay takes the FIFO fast path: the event runs at the current time,
// after every event already scheduled for it.
// A delay that would pass Forever is capped at Forever ("never", unless
// the run reaches it).
func (e *Engine) Schedule(delay Time, h HandlerID, op int32, arg int32) {
	e.seq++
	key := e.seq<<handlerBits | uint64(h)
	if delay > 0 && delay <= Forever-e.now && uint32(h) < uint32(len(e.handlers)) && e.seq < MaxEvents {
		e.push(Event{At: e.now + delay, key: key, Op: op, Arg: arg})
		return
	}
	e.scheduleSlow(delay, h, key, op, arg)
}

func (e *Engine) scheduleSlow(delay Time, h HandlerID, key uint64, op int32, arg int32) {
	switch {
	case delay < 0:
		panic(fmt.Sprintf("(*Engine).Schedule: negative delay %d", delay))
	case uint32(h) >= uint32(len(e.handlers)):
		panic(fmt.Sprintf("(*Engine).Schedule: unregistered handler %d", h))
	case e.seq >= MaxEvents:
		panic("(*Engine).Schedule: more than MaxEvents events scheduled")
	case delay > 0: // past Forever
		e.push(Event{At: Forever, key: key, Op: op, Arg: arg})
	default:
		e.pushFIFO(Event{At: e.now, key: key, Op: op, Arg: arg})
	}
}

// ScheduleAt is [Engine.Schedule] with an absolute time, which must not be
// in the past.
func (e *Engine) ScheduleAt(at Time, h HandlerID, op int32, arg int32) {
	if at < e.now {
		panic(fmt.Sprintf("(*Engine).ScheduleAt: time %d is before now (%d)", at, e.now))
	}
	e.Schedule(at-e.now, h, op, arg)
}

// Stop makes Run or RunUntil return after the event being handled.
func (e *Engine) Stop() { e.stopped = true }

// Run dispatches events until none is left or a handler calls Stop.
func (e *Engine) Run() { e.RunUntil(Forever) }

// RunUntil dispatches every event due at or before limit, then, unless a
// handler called Stop, advances the clock to limit (when limit is not
// Forever). Events after limit stay queued, so RunUntil may be called again.
func (e *Engine) RunUntil(limit Time) {
	if limit < e.now {
		panic(fmt.Sprintf("(*Engine).RunUntil: limit %d is before now (%d)", limit, e.now))
	}
	e.stopped = false
	for !e.stopped {
		var ev Event
		if e.fifoLen == 0 || (len(e.heap) > 0 && e.heap[0].At == e.now) {
			// Heap events due now were scheduled before the clock reached
			// now, so their sequence numbers precede every FIFO event: the
			// FIFO runs only once they are done.
			if len(e.heap) == 0 || e.heap[0].At > limit {
				if limit != Forever && limit > e.now {
					e.now = limit
				}
				return
			}
			ev = e.pop()
			e.now = ev.At
		} else {
			ev = e.fifo[e.fifoHead]
			e.fifoHead = (e.fifoHead + 1) & (len(e.fifo) - 1)
			e.fifoLen--
		}
		e.handlers[ev.key&(MaxHandlers-1)].Handle(ev)
	}
}

func (e *Engine) pushFIFO(ev Event) {
	if e.fifoLen == len(e.fifo) {
		grown := make([]Event, 2*len(e.fifo))
		for i := 0; i < e.fifoLen; i++ {
			grown[i] = e.fifo[(e.fifoHead+i)&(len(e.fifo)-1)]
		}
		e.fifo, e.fifoHead = grown, 0
	}
	e.fifo[(e.fifoHead+e.fifoLen)&(len(e.fifo)-1)] = ev
	e.fifoLen++
}

func before(a, b *Event) bool {
	return a.At < b.At || (a.At == b.At && a.key < b.key)
}

// push inserts ev into the 4-ary heap, moving the hole up instead of
// swapping.
func (e *Engine) push(ev Event) {
	h := append(e.heap, ev)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if !before(&ev, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = ev
	e.heap = h
}

// pop removes and returns the earliest event.
func (e *Engine) pop() Event {
	h := e.heap
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	e.heap = h
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		end := c + 4
		if end > n {
			end = n
		}
		for j := c + 1; j < end; j++ {
			if before(&h[j], &h[m]) {
				m = j
			}
		}
		if !before(&h[m], &last) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = last
	return top
}
