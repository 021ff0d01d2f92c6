package workload

import (
	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
)

// Scenario is a parsed, validated scenario file with every default filled
// in (product.md §3). Durations are sim.Time (ns); rates are per second of
// simulated time, totals over the whole machine.
type Scenario struct {
	Name         string
	Seed         uint64
	Replications int
	Machine      Machine
	CPUs         []int // simulated CPU counts: a sweep axis
	Designs      []lockmodels.Design
	Handlers     []Handler
	FLBs         []FLB
	Sessions     Sessions
	Workload     Workload
	Faults       Faults
	Limits       Limits
	// Sweep holds the sweep axes besides CPUs and designs, in the order of
	// the scenario file; nil when there are none.
	Sweep []Axis
}

// Machine is a cost profile: a named base with optional overrides.
type Machine struct {
	Base      string
	Overrides []Override // in the order of Profile's fields, each at most once
	// Profile is the base with the overrides applied.
	Profile *lockmodels.Profile
}

// Override sets one profile parameter, e.g. line_transfer: 50ns.
type Override struct {
	Key   string // scenario key, e.g. "line_transfer"
	Value sim.Time
}

// Callback names a file-handler callback.
type Callback int

// The callbacks of struct liveupdate_file_ops that luosim costs.
const (
	CanPreserve Callback = iota
	Preserve
	Unpreserve
	Freeze
	Unfreeze
	Retrieve
	Finish
	NumCallbacks
)

var callbackNames = [NumCallbacks]string{"can_preserve", "preserve", "unpreserve", "freeze", "unfreeze", "retrieve", "finish"}

func (c Callback) String() string { return callbackNames[c] }

// Handler is a registered file handler.
type Handler struct {
	Name string
	// Module owning the handler's ops ("builtin": owner NULL, no module
	// atomics at all).
	Module string
	// FileOwner is the module the preserved struct file pins through
	// f_op->owner; it defaults to Module. A mismatch (vfio vs vfio_pci) is
	// what makes v2 unsafe while the file is preserved.
	FileOwner string
	// Cost of each callback; the zero Dist (a callback not given) costs
	// nothing.
	Cost [NumCallbacks]sim.Dist
	// Memory and FolioSize (bytes), when Memory > 0, make the cost of the
	// callbacks in PerFolio grow with the file's folios: each such
	// callback costs its Cost sample plus ceil(Memory/FolioSize) × PerFolio.
	Memory    int64
	FolioSize int64
	PerFolio  [NumCallbacks]sim.Time
	// FLBs lists the names of the FLBs linked to this handler.
	FLBs []string
}

// Builtin is the module name meaning "built into the kernel".
const Builtin = "builtin"

// Folios returns the number of folios of one of the handler's files (0
// when its cost does not depend on memory).
func (h *Handler) Folios() int64 {
	if h.Memory <= 0 || h.FolioSize <= 0 {
		return 0
	}
	return ceilDiv(h.Memory, h.FolioSize)
}

// ceilDiv returns ⌈a/b⌉ for a ≥ 0, b > 0, without overflow.
func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 {
		q++
	}
	return q
}

// FLB is File-Lifecycle-Bound global state shared by every session: the
// first preserved file of a linked handler runs Preserve under the FLB's
// mutex, the last one Unpreserve (outgoing) or Finish (incoming).
type FLB struct {
	Name   string
	Module string                 // "builtin" by default
	Cost   [NumCallbacks]sim.Dist // Preserve, Unpreserve, Retrieve, Finish are used
}

// Sessions describes the outgoing sessions: Count of them (one per VM),
// each holding the same files.
type Sessions struct {
	Count int
	Files []FileGroup
}

// FileGroup is Count files of one handler in every session.
type FileGroup struct {
	Handler string
	Count   int
}

// FilesPerSession returns the number of files in one session.
func (s Sessions) FilesPerSession() int {
	n := 0
	for _, g := range s.Files {
		n += g.Count
	}
	return n
}

// Kind of workload.
const (
	Lifecycle = "lifecycle"
	Steady    = "steady"
)

// Arrival kinds of steady workloads.
const (
	Closed = "closed"
	Open   = "open"
)

// Workload says which operations run when.
type Workload struct {
	Kind string // Lifecycle or Steady
	// Steady only.
	Arrival  Arrival
	Mix      []MixEntry // op weights, in canonical op order
	Duration sim.Time
	Warmup   sim.Time
}

// Arrival is how steady operations arrive.
type Arrival struct {
	Kind  string   // Closed or Open
	Think sim.Dist // closed: each CPU thinks this long between ops
	Rate  float64  // open: Poisson arrivals per second, in total
}

// MixEntry is the weight of one op kind in a steady workload.
type MixEntry struct {
	Op     string
	Weight float64
}

// Faults injects module unload attempts for the safety analysis.
type Faults struct {
	RmmodRate    float64  // attempts per second, total; 0: none
	RmmodModules []string // modules tried, in turn
}

// Limits caps sessions and files per session (mainline's fixed KHO
// arrays); zero fields mean no limit.
type Limits struct {
	FilesPerSession int
	Sessions        int
}

// None reports whether l sets no limit.
func (l Limits) None() bool { return l.FilesPerSession == 0 && l.Sessions == 0 }

// Documented limits of a scenario (`luosim scenario -h`).
const (
	MaxCPUs            = 4096
	MaxSessions        = 100_000
	MaxFilesPerSession = 100_000
	MaxFilesTotal      = 50_000_000 // sessions × files per session
	MaxHandlers        = 64
	MaxReplications    = 10_000
	// MaxItems bounds the work items of a scenario: designs × CPU counts ×
	// sweep points (the product of the sweep axes' lengths) ×
	// replications.
	MaxItems = 1_000_000
)
