// Package lockmodels models the kernel's locking primitives on top of the
// sim engine: the sleeping mutex, the rw_semaphore, the queued spinlock and
// a contended cache line for atomics, each costed by a machine [Profile].
//
// # Fidelity
//
// Every primitive runs at one of two fidelities. [Ideal] is the textbook
// lock: strict FIFO, zero overheads, no spinning and no stealing, so that a
// model built on it is a queueing network with known answers (luosim
// validate checks exactly that). [Kernel] follows kernel/locking: the mutex
// fast path is a cmpxchg on the lock word's cache line, waiters spin while
// the owner runs and sleep otherwise, a woken sleeper pays the profile's
// wake-up latency and may find the lock stolen, and a first waiter that
// lost sets the hand-off flag; rw_semaphore readers each do an atomic on
// the count's line, nobody barges past a queued waiter, readers are woken
// in batches and a writer that waited 4 ms gets the lock handed to it.
//
// # Using a primitive
//
// A lock is held by a thread, named by an int32 id, running on a CPU, named
// by an int. Lock returns whether the lock was taken at once and the time
// the caller spends doing so; otherwise the thread is queued, and the lock
// later schedules an event (Notify.H, Notify.Op, thread id) at the instant
// the thread owns it. Unlock returns the releaser's cost. Times are
// nanoseconds of simulated time ([sim.Time]); nothing here allocates per
// operation once the queues have grown.
//
// Every primitive keeps [Stats]: acquisitions, contended acquisitions, wait
// and hold totals, cache-line transfers and hand-offs by kind.
//
// # The LUO model and its designs
//
// [LUO] is the Live Update Orchestrator's kernel side (luo.go, luo_ops.go):
// each operation (create, preserve, unpreserve, reboot, deserialize,
// retrieve-session, retrieve, finish, and rmmod probes) is compiled into
// steps that follow the kernel function by function, under the locking a
// [Design] chooses on three axes: session locking, module refcounting and
// the registry lock. The named designs (presets.go) are registered with
// [RegisterDesign]; adding a design is one new file in this package that
// calls RegisterDesign from an init function. A new value on an axis is a
// new constant in design.go plus its case in luo_ops.go. Machine profiles
// (profiles.go) give every cost, each with its source.
package lockmodels
