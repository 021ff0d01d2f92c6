package lockmodels

import (
	"fmt"
	"sort"
	"strings"
)

// A design is one choice on each of three axes (product.md §2). The axes
// are what the LUO model's operations consult; a preset is a named point
// in that space.

// SessionLocking is how session operations serialise.
type SessionLocking uint8

const (
	PerSession    SessionLocking = iota + 1 // one mutex per session (mainline)
	GlobalSession                           // one LUO mutex for every session operation (strawman)
)

// Refcount is how a preserved file keeps its handler's module loaded.
type Refcount uint8

const (
	RefPerFile Refcount = iota + 1 // try_module_get/module_put per preserved file (v1/v3/v4)
	RefNone                        // rely on the file's f_op->owner (v2)
	RefPinned                      // pinned once at handler registration (v0)
	RefPercpu                      // percpu_ref-style get/put (proposal)
)

// Registry is the lock around the handler and FLB lists.
type Registry uint8

const (
	RegGlobalRWSem Registry = iota + 1 // one luo_register_rwlock, read twice per preserve (v3/v4)
	RegSplitRWSem                      // handler-list rwsem + per-handler FLB rwsems (v1/v2)
	RegRCU                             // RCU lookup, no shared write on the read side (proposal)
	RegQuiesce                         // no hot-path lock; registration needs every session gone (v0)
)

var (
	sessionNames  = []string{PerSession: "per-session", GlobalSession: "global"}
	refcountNames = []string{RefPerFile: "per-file", RefNone: "none", RefPinned: "pinned", RefPercpu: "percpu"}
	registryNames = []string{RegGlobalRWSem: "global-rwsem", RegSplitRWSem: "split-rwsem", RegRCU: "rcu", RegQuiesce: "quiesce"}
)

func (s SessionLocking) String() string { return axisName(sessionNames, int(s)) }
func (r Refcount) String() string       { return axisName(refcountNames, int(r)) }
func (r Registry) String() string       { return axisName(registryNames, int(r)) }

func axisName(names []string, i int) string {
	if i > 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("invalid(%d)", i)
}

func parseAxis(axis string, names []string, s string) (int, error) {
	for i, n := range names {
		if n != "" && n == s {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q (want one of %s)", axis, s, strings.Join(names[1:], ", "))
}

// ParseSessionLocking, ParseRefcount and ParseRegistry read an axis value
// as scenarios spell it.
func ParseSessionLocking(s string) (SessionLocking, error) {
	i, err := parseAxis("session locking", sessionNames, s)
	return SessionLocking(i), err
}

func ParseRefcount(s string) (Refcount, error) {
	i, err := parseAxis("refcount", refcountNames, s)
	return Refcount(i), err
}

func ParseRegistry(s string) (Registry, error) {
	i, err := parseAxis("registry", registryNames, s)
	return Registry(i), err
}

// Design is a point on the three axes, with a name and a one-line account
// of which kernel version or proposal it is.
type Design struct {
	Name        string
	Session     SessionLocking
	Refcount    Refcount
	Registry    Registry
	Description string
}

// Axes returns the design's axis values in scenario syntax.
func (d Design) Axes() string {
	return fmt.Sprintf("{session: %s, refcount: %s, registry: %s}", d.Session, d.Refcount, d.Registry)
}

var designs = map[string]Design{}
var designOrder []string

// RegisterDesign adds a named design; it panics on a duplicate name or an
// invalid axis value. Presets register themselves from init functions, so
// adding a design is one new file in this package calling RegisterDesign.
func RegisterDesign(d Design) {
	if _, dup := designs[d.Name]; dup || d.Name == "" {
		panic(fmt.Sprintf("lockmodels: design %q registered twice or unnamed", d.Name))
	}
	if int(d.Session) >= len(sessionNames) || d.Session == 0 || int(d.Refcount) >= len(refcountNames) || d.Refcount == 0 ||
		int(d.Registry) >= len(registryNames) || d.Registry == 0 {
		panic(fmt.Sprintf("lockmodels: design %q has an invalid axis value", d.Name))
	}
	designs[d.Name] = d
	designOrder = append(designOrder, d.Name)
}

// LookupDesign returns the named design.
func LookupDesign(name string) (Design, bool) {
	d, ok := designs[name]
	return d, ok
}

// Designs returns every registered design in registration order (the
// presets first, in product.md's order).
func Designs() []Design {
	out := make([]Design, len(designOrder))
	for i, n := range designOrder {
		out[i] = designs[n]
	}
	return out
}

// DesignNames returns the registered names, sorted.
func DesignNames() []string {
	names := append([]string(nil), designOrder...)
	sort.Strings(names)
	return names
}
