package lockmodels

import (
	"sort"
)

// The named machine profiles of cost-model.md §5.4. Unless a line says
// otherwise:
//   - t_x (LineLLC, LineSocket, LineRemote) is the one-way core-to-core
//     latency, the median CAS ping-pong round trip halved, from
//     nviennot/core-to-core-latency README.md@0dddf509 (src/bench/cas.rs);
//     SMT siblings are not modelled apart (every simulated CPU is a thread
//     on its own core as far as line transfers go);
//   - RMW is the ~17-cycle local cmpxchg of LLVM commit b1bdd97a2671
//     (measured on AMD Jaguar; the Intel figure is unconfirmed);
//   - CtxSwitch is 1.4 µs, half of the 2.79 µs/op same-CPU
//     `perf bench sched pipe` in Ingo Molnar's LKML mail of 2025-05-31;
//   - Wakeup (try_to_wake_up + IPI) is the ≈1 µs of cost-model.md §2.5,
//     unconfirmed; with the context switch and a C1 exit the whole
//     wake-up is 3.4–4.4 µs, matching the 7.87 µs/op unpinned pipe bench
//     (two wake-ups per op);
//   - IdleExit assumes a busy host whose idle CPUs sit in C1, with the
//     exit_latency of drivers/idle/intel_idle.c for that CPU's table;
//   - the LUO work costs (Syscall ... Serialize) are the same estimates on
//     every real profile (withLUOCosts): luo-model.md §4 found no measurement
//     to calibrate them, so they are round numbers of the right order for
//     a ~3 GHz core and are best overridden per study.
var profiles = map[string]func() *Profile{
	"ideal": IdealProfile,
	"xeon2s-clx": func() *Profile {
		return withLUOCosts(&Profile{
			Name:        "xeon2s-clx",
			Description: "2x Xeon Platinum 8275CL (Cascade Lake, c5.metal), 2x24 cores, 96 CPUs",
			Fidelity:    Kernel,
			Sockets:     2, CPUsPerSocket: 48, // 24 cores x 2 threads per socket
			LineLLC: 47, LineSocket: 47, LineRemote: 134, // nviennot: 47 ns same socket, 134 ns cross socket
			RMW:    6,
			Wakeup: 1000, IdleExit: 2000, CtxSwitch: 1400, // intel_idle skx_cstates C1: 2 µs
		})
	},
	"xeon2s-icx": func() *Profile {
		return withLUOCosts(&Profile{
			Name:        "xeon2s-icx",
			Description: "2x Xeon Platinum 8375C (Ice Lake, c6i.metal), 2x32 cores, 128 CPUs",
			Fidelity:    Kernel,
			Sockets:     2, CPUsPerSocket: 64,
			LineLLC: 51, LineSocket: 51, LineRemote: 108, // nviennot: 51 ns same socket, 108 ns cross socket
			RMW:    6,
			Wakeup: 1000, IdleExit: 1000, CtxSwitch: 1400, // intel_idle icx_cstates C1: 1 µs
		})
	},
	"epyc2s-milan": func() *Profile {
		return withLUOCosts(&Profile{
			Name:        "epyc2s-milan",
			Description: "2x EPYC 7R13 (Milan, c6a.metal), 2x48 cores in 8-core CCXs, 192 CPUs",
			Fidelity:    Kernel,
			Sockets:     2, CPUsPerSocket: 96, CPUsPerLLC: 16, // 8 cores x 2 threads per CCX
			// nviennot: 23 ns inside a CCX, ≈107 ns (90–110) across CCXs,
			// 197 ns across sockets.
			LineLLC: 23, LineSocket: 107, LineRemote: 197,
			RMW:    6,
			Wakeup: 1000, IdleExit: 1000, CtxSwitch: 1400, // AMD C1 exit via ACPI _CST: unconfirmed, taken as Intel's 1 µs
		})
	},
	"laptop-tgl": func() *Profile {
		return withLUOCosts(&Profile{
			Name:        "laptop-tgl",
			Description: "Core i7-1165G7 (Tiger Lake) laptop, 4 cores, 8 CPUs, one socket",
			Fidelity:    Kernel,
			Sockets:     1, CPUsPerSocket: 8,
			LineLLC: 27, LineSocket: 27, LineRemote: 27, // nviennot: 27 ns
			RMW:    6,
			Wakeup: 1000, IdleExit: 2000, CtxSwitch: 1400, // client C1 taken as skx's 2 µs (unconfirmed)
		})
	},
}

// LookupProfile returns a fresh copy of the named profile, which the caller
// may modify (inline overrides).
func LookupProfile(name string) (*Profile, bool) {
	f, ok := profiles[name]
	if !ok {
		return nil, false
	}
	return f(), true
}

// ProfileNames returns the names of the built-in profiles, sorted.
func ProfileNames() []string {
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// withLUOCosts fills the LUO work costs of a real profile (unconfirmed
// estimates, see the comment on profiles).
func withLUOCosts(p *Profile) *Profile {
	p.Syscall = 150   // ioctl round trip with small copies
	p.WalkStep = 3    // one list element: pointer chase + compare of a cached line
	p.Lookup = 10     // one indirect can_preserve call / strcmp
	p.Alloc = 80      // kzalloc from a warm slab
	p.KHOAlloc = 2000 // two pages allocated and registered with KHO
	p.XArray = 60     // radix-tree insert/erase with the xa_lock held
	p.FDInstall = 300 // get_unused_fd_flags + fd_install (+ anon inode file)
	p.Serialize = 20  // one luo_file_ser record
	return p
}
