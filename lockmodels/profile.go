package lockmodels

import "github.com/luosim/luosim/sim"

// Fidelity selects how closely a primitive follows the kernel.
type Fidelity uint8

const (
	// Ideal locks are strict FIFO servers with no overhead at all.
	Ideal Fidelity = iota
	// Kernel locks follow kernel/locking: fast paths on shared cache lines,
	// optimistic spinning, wake-up latency, stealing and hand-off.
	Kernel
)

func (f Fidelity) String() string {
	if f == Ideal {
		return "ideal"
	}
	return "kernel"
}

// Profile is the cost model of a machine. All times are nanoseconds.
type Profile struct {
	Name     string
	Fidelity Fidelity

	Description string

	// Topology: CPUs are numbered socket by socket, CPUsPerSocket each,
	// wrapping around when a run simulates more CPUs than the machine has;
	// within a socket, CPUsPerLLC consecutive CPUs share a last-level cache
	// (0: the whole socket does).
	Sockets       int
	CPUsPerSocket int
	CPUsPerLLC    int

	// One-way core-to-core cache-line transfer latency (t_x): to another
	// CPU sharing the last-level cache, to one of the same socket behind
	// another LLC (AMD's CCXs), and across sockets. A CPU that wrote the
	// line last pays nothing to write it again.
	LineLLC    sim.Time
	LineSocket sim.Time
	LineRemote sim.Time
	// RMW is the cost of an atomic read-modify-write on a line already in
	// the local cache (t_rmw_local).
	RMW sim.Time

	// Waking a sleeping task: try_to_wake_up and the IPI (Wakeup), the
	// target CPU's idle-state exit (IdleExit) and the context switch
	// (CtxSwitch). A sleeper's hand-off costs their sum.
	Wakeup    sim.Time
	IdleExit  sim.Time
	CtxSwitch sim.Time

	// Costs of the LUO hot paths' plain work (luo-model.md §5.3), all
	// unconfirmed estimates: no measurements exist to calibrate them.
	Syscall   sim.Time // ioctl entry/exit with copy_from_user/copy_to_user
	WalkStep  sim.Time // one element of a list walk (token, session name: a compare)
	Lookup    sim.Time // one handler tried in a lookup (can_preserve indirect call, or strcmp of compatible)
	Alloc     sim.Time // kzalloc of a small object
	KHOAlloc  sim.Time // kho_alloc_preserve of a file set's 2 pages
	XArray    sim.Time // radix-tree insert or erase under xa_lock
	FDInstall sim.Time // get_unused_fd_flags + fd_install (+ anon_inode_getfile for sessions)
	Serialize sim.Time // writing one file's record into the KHO buffer at reboot
}

// overrides maps each scenario override key to its field, in the order
// canonical scenarios print them.
var overrides = []struct {
	key string
	get func(*Profile) *sim.Time
}{
	{"line_llc", func(p *Profile) *sim.Time { return &p.LineLLC }},
	{"line_socket", func(p *Profile) *sim.Time { return &p.LineSocket }},
	{"line_remote", func(p *Profile) *sim.Time { return &p.LineRemote }},
	{"rmw", func(p *Profile) *sim.Time { return &p.RMW }},
	{"wakeup", func(p *Profile) *sim.Time { return &p.Wakeup }},
	{"idle_exit", func(p *Profile) *sim.Time { return &p.IdleExit }},
	{"ctx_switch", func(p *Profile) *sim.Time { return &p.CtxSwitch }},
	{"syscall", func(p *Profile) *sim.Time { return &p.Syscall }},
	{"walk_step", func(p *Profile) *sim.Time { return &p.WalkStep }},
	{"lookup", func(p *Profile) *sim.Time { return &p.Lookup }},
	{"alloc", func(p *Profile) *sim.Time { return &p.Alloc }},
	{"kho_alloc", func(p *Profile) *sim.Time { return &p.KHOAlloc }},
	{"xarray", func(p *Profile) *sim.Time { return &p.XArray }},
	{"fd_install", func(p *Profile) *sim.Time { return &p.FDInstall }},
	{"serialize", func(p *Profile) *sim.Time { return &p.Serialize }},
}

// OverrideKeys returns the keys a scenario may override on a base profile,
// in canonical order: "line_transfer" (every core-to-core transfer, see
// SetLineTransfer) first, then one key per cost field.
func OverrideKeys() []string {
	keys := []string{"line_transfer"}
	for _, o := range overrides {
		keys = append(keys, o.key)
	}
	return keys
}

// Set applies one override; it reports false for an unknown key.
func (p *Profile) Set(key string, v sim.Time) bool {
	if key == "line_transfer" {
		p.SetLineTransfer(v)
		return true
	}
	for _, o := range overrides {
		if o.key == key {
			*o.get(p) = v
			return true
		}
	}
	return false
}

// IdealProfile returns the profile of the textbook machine: one socket,
// every overhead zero, strict FIFO locks. With it only the work a model
// asks for (critical sections, callbacks) costs time.
func IdealProfile() *Profile {
	return &Profile{Name: "ideal", Fidelity: Ideal, Sockets: 1, CPUsPerSocket: 1 << 20,
		Description: "textbook machine: one socket, every overhead zero, strict FIFO locks"}
}

// Socket returns the socket of cpu.
func (p *Profile) Socket(cpu int) int {
	if p.Sockets <= 1 || p.CPUsPerSocket <= 0 {
		return 0
	}
	return (cpu / p.CPUsPerSocket) % p.Sockets
}

// llc returns the last-level-cache domain of cpu within its socket.
func (p *Profile) llc(cpu int) int {
	if p.CPUsPerLLC <= 0 || p.CPUsPerSocket <= 0 {
		return 0
	}
	return (cpu % p.CPUsPerSocket) / p.CPUsPerLLC
}

// Transfer returns the cost of moving a cache line from CPU from to CPU to.
// It is zero when to already owns the line or nobody has touched it yet
// (from < 0).
func (p *Profile) Transfer(from, to int) sim.Time {
	switch {
	case from < 0 || from == to:
		return 0
	case p.Socket(from) != p.Socket(to):
		return p.LineRemote
	case p.llc(from) != p.llc(to):
		return p.LineSocket
	default:
		return p.LineLLC
	}
}

// SetLineTransfer makes every core-to-core transfer cost x, whatever the
// topology: the scenario key line_transfer (product.md §3).
func (p *Profile) SetLineTransfer(x sim.Time) {
	p.LineLLC, p.LineSocket, p.LineRemote = x, x, x
}

// WakeLatency is the time from waking a sleeping task to that task running
// on its CPU.
func (p *Profile) WakeLatency() sim.Time { return p.Wakeup + p.IdleExit + p.CtxSwitch }
