package workload

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
)

// Sweep axes (product.md §3 `sweep:`): besides cpus and designs, a scenario
// may sweep any numeric model field by its path of YAML keys, e.g.
//
//	sweep:
//	  sessions.count: [8, 32, 128]
//	  handlers.memfd.preserve.mean: [100us, 1ms]
//
// The grid is the cartesian product of the CPU counts and every axis;
// bench runs it once per design. A point names its coordinates in its Key.

// Axis is one sweep axis: a numeric field by path and the values it takes,
// in the order the scenario file lists them.
type Axis struct {
	Path   string // e.g. "sessions.count" or "handlers.memfd.preserve.mean"
	Values []AxisValue
}

// AxisValue is one value of an axis.
type AxisValue struct {
	// Text is the value in canonical scenario syntax ("32", "100us",
	// "0.5", "1000/s", "4GiB"): what the canonical scenario and point keys
	// print.
	Text string
	// Num is the value as a number: counts and coefficients as they are,
	// durations in ns, rates per second, sizes in bytes (exact below 2^53;
	// the scenario is set from Text).
	Num float64
}

// Coord is a point's value on one sweep axis.
type Coord struct {
	Path  string
	Value AxisValue
}

// Points returns the scenario's grid without the design, in canonical
// order: CPU counts outermost (in scenario order), then the sweep axes in
// the order of the scenario file, the last one varying fastest. Without
// sweep axes it is one point per CPU count, with no coordinates.
func (sc *Scenario) Points() []Point {
	n := len(sc.CPUs)
	for _, a := range sc.Sweep {
		n *= len(a.Values)
	}
	pts := make([]Point, 0, n)
	for _, c := range sc.CPUs {
		forEachCombination(sc.Sweep, func(idx []int) bool {
			pt := Point{CPUs: c}
			if len(idx) > 0 {
				pt.Coords = make([]Coord, len(idx))
				for i, j := range idx {
					pt.Coords[i] = Coord{Path: sc.Sweep[i].Path, Value: sc.Sweep[i].Values[j]}
				}
			}
			pts = append(pts, pt)
			return true
		})
	}
	return pts
}

// LookupPoint returns the point of sc's grid whose Key is key (without a
// design).
func (sc *Scenario) LookupPoint(key string) (Point, bool) {
	for _, pt := range sc.Points() {
		if pt.Key() == key {
			return pt, true
		}
	}
	return Point{}, false
}

// forEachCombination calls f with the value index of every axis, for
// every combination of values, the last axis varying fastest, until f
// returns false; once with an empty index when there are no axes, never
// when an axis has no values.
func forEachCombination(axes []Axis, f func(idx []int) bool) {
	idx := make([]int, len(axes))
	for _, a := range axes {
		if len(a.Values) == 0 {
			return
		}
	}
	for {
		if !f(idx) {
			return
		}
		k := len(idx) - 1
		for ; k >= 0; k-- {
			if idx[k]++; idx[k] < len(axes[k].Values) {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return
		}
	}
}

// At returns a deep copy of sc with the point's sweep coordinates written
// into their fields and no sweep axes left: the scenario a file with those
// values written in place would give. CPUs and Designs, axes of their own,
// are left as they are (Run takes them from the point). The copy shares
// nothing mutable with sc, so points may run concurrently.
//
// pt must be a point of sc's grid (from Points or LookupPoint): one
// coordinate per axis of sc, in order, each a value of its axis. At panics
// otherwise.
func (sc *Scenario) At(pt Point) *Scenario {
	if err := sc.checkCoords(pt.Coords); err != nil {
		panic("workload: " + err.Error())
	}
	s := sc.clone()
	s.Sweep = nil
	fields := make([]*sweepField, len(pt.Coords))
	for i, c := range pt.Coords {
		f, r := resolveSweep(s, c.Path)
		if f == nil {
			panic("workload: sweep " + c.Path + ": " + r.msg)
		}
		fields[i] = f
	}
	applySweep(s, fields, pt.Coords)
	return s
}

// checkCoords checks that coords name a point of sc's grid.
func (sc *Scenario) checkCoords(coords []Coord) error {
	if len(coords) != len(sc.Sweep) {
		return fmt.Errorf("point with %d sweep coordinates for scenario %q with %d sweep axes", len(coords), sc.Name, len(sc.Sweep))
	}
	for i, c := range coords {
		a := sc.Sweep[i]
		if c.Path != a.Path {
			return fmt.Errorf("point coordinate %d is %s, scenario %q's axis %d is %s", i, c.Path, sc.Name, i, a.Path)
		}
		if !slices.Contains(a.Values, c.Value) {
			return fmt.Errorf("point coordinate %s=%s is not a value of scenario %q's axis", c.Path, c.Value.Text, sc.Name)
		}
	}
	return nil
}

// clone returns a deep copy of sc: no slice or pointer of the copy is
// shared with sc, except the immutable insides of sim.Dist.
func (sc *Scenario) clone() *Scenario {
	s := *sc
	s.CPUs = slices.Clone(sc.CPUs)
	s.Designs = slices.Clone(sc.Designs)
	s.Machine.Overrides = slices.Clone(sc.Machine.Overrides)
	if sc.Machine.Profile != nil {
		prof := *sc.Machine.Profile
		s.Machine.Profile = &prof
	}
	s.Handlers = slices.Clone(sc.Handlers)
	for i := range s.Handlers {
		s.Handlers[i].FLBs = slices.Clone(s.Handlers[i].FLBs)
	}
	s.FLBs = slices.Clone(sc.FLBs)
	s.Sessions.Files = slices.Clone(sc.Sessions.Files)
	s.Workload.Mix = slices.Clone(sc.Workload.Mix)
	s.Faults.RmmodModules = slices.Clone(sc.Faults.RmmodModules)
	s.Sweep = slices.Clone(sc.Sweep)
	for i := range s.Sweep {
		s.Sweep[i].Values = slices.Clone(s.Sweep[i].Values)
	}
	return &s
}

// applySweep writes each coordinate into its field of s. The parameters
// of one distribution are gathered and the distribution built once, so
// that no intermediate (a uniform min above the old max) is ever built.
func applySweep(s *Scenario, fields []*sweepField, coords []Coord) {
	type pending struct {
		target *distTarget
		params map[string]float64
	}
	var dists []pending
	for i, f := range fields {
		v := coords[i].Value
		if f.dist == nil {
			f.set(s, v)
			continue
		}
		j := slices.IndexFunc(dists, func(p pending) bool { return p.target.key == f.dist.key })
		if j < 0 {
			dists = append(dists, pending{f.dist, distValues(*f.dist.ref(s))})
			j = len(dists) - 1
		}
		dists[j].params[f.param] = v.Num
	}
	for _, p := range dists {
		d := p.target.ref(s)
		*d = makeDist(d.Kind(), p.params)
		if isZeroCost(*d) {
			*d = sim.Dist{}
		}
	}
}

// The kinds of value a sweepable field takes.
type valueKind uint8

const (
	vCount    valueKind = iota // an integer in [lo, hi]
	vDuration                  // a duration (ns)
	vRate                      // a rate (per second)
	vReal                      // a number in [lo, hi]
	vSize                      // a byte count
)

// sweepField is what a sweep path resolves to: how its values are read
// and checked, and how a value is written into a scenario.
type sweepField struct {
	kind     valueKind
	lo, hi   float64      // vCount, vReal
	positive bool         // vDuration: must be > 0
	cvOf     sim.DistKind // vReal: a coefficient of variation of this family
	// set writes v into s (fields other than distribution parameters).
	set func(s *Scenario, v AxisValue)
	// dist and param: a parameter of the distribution dist points at.
	dist  *distTarget
	param string
	// check, when not nil, checks the constraints that tie the field to
	// others at one point of the grid; at returns the point's value of a
	// swept path. It returns "" or what is wrong.
	check func(at func(path string) (AxisValue, bool)) string
}

// distTarget locates a distribution of a scenario.
type distTarget struct {
	key string // the path of the distribution, e.g. "handlers.h.preserve"
	ref func(s *Scenario) *sim.Dist
}

// A sweepRule resolves paths of one shape. In a pattern, lower-case
// segments are keys and upper-case ones stand for a handler or FLB name
// (which may contain dots), a callback, a distribution parameter, a
// machine override key or an op.
type sweepRule struct {
	pattern string
	resolve func(s *Scenario, path string, args []string) (*sweepField, resolveErr)
}

// resolveErr says why a path did not resolve; unknownName when it names a
// handler or FLB that does not exist (a weaker explanation than any other
// when several patterns match).
type resolveErr struct {
	msg         string
	unknownName bool
}

func failf(format string, args ...any) resolveErr {
	return resolveErr{msg: fmt.Sprintf(format, args...)}
}

var sweepRules = []sweepRule{
	{"sessions.count", resolveSessionsCount},
	{"sessions.files.HANDLER.count", resolveFileCount},
	{"handlers.HANDLER.CALLBACK.PARAM", resolveHandlerCost},
	{"handlers.HANDLER.memory", resolveMemory},
	{"handlers.HANDLER.folio_size", resolveMemory},
	{"handlers.HANDLER.per_folio.CALLBACK", resolvePerFolio},
	{"flbs.FLB.CALLBACK.PARAM", resolveFLBCost},
	{"machine.KEY", resolveMachine},
	{"workload.duration", resolveWorkload},
	{"workload.warmup", resolveWorkload},
	{"workload.arrival.rate", resolveWorkload},
	{"workload.arrival.think.PARAM", resolveWorkload},
	{"workload.mix.OP", resolveWorkload},
	{"faults.rmmod.rate", resolveRmmodRate},
	{"limits.sessions", resolveLimit},
	{"limits.files_per_session", resolveLimit},
}

// SweepPaths returns the shapes of the paths a sweep may name, e.g.
// "handlers.HANDLER.CALLBACK.PARAM".
func SweepPaths() []string {
	var ps []string
	for _, r := range sweepRules {
		ps = append(ps, r.pattern)
	}
	return ps
}

// notSweepable explains why some fields are no sweep axes.
var notSweepable = map[string]string{
	"cpus":         "cpus is an axis of its own: list its values in cpus",
	"designs":      "designs are an axis of their own: list them in designs",
	"replications": "replications is the number of runs of each point, not a model parameter",
	"seed":         "seed is the root of every random stream, not a model parameter",
	"name":         "name is free text",
}

// resolveSweep resolves path against s's structure. When several
// patterns match (handler names with dots), exactly one must resolve.
func resolveSweep(s *Scenario, path string) (*sweepField, resolveErr) {
	segs := strings.Split(path, ".")
	var found []*sweepField
	var best resolveErr
	for _, r := range sweepRules {
		var binds [][]string
		matchPattern(strings.Split(r.pattern, "."), segs, nil, &binds)
		for _, args := range binds {
			f, err := r.resolve(s, path, args)
			switch {
			case f != nil:
				found = append(found, f)
			case best.msg == "" || best.unknownName && !err.unknownName:
				best = err
			}
		}
	}
	if best.unknownName && namesKnownPrefix(s, path) {
		// "handlers.mem.fd.module" reads as handler "mem" only because
		// "mem.fd" has no field "module": say that instead.
		best = resolveErr{}
	}
	switch {
	case len(found) == 1:
		return found[0], resolveErr{}
	case len(found) > 1:
		return nil, failf("ambiguous path: handler or FLB names with dots make it name %d fields", len(found))
	case best.msg != "":
		return nil, best
	}
	if why, ok := notSweepable[path]; ok {
		return nil, failf("not sweepable: %s", why)
	}
	var under []string
	for _, p := range SweepPaths() {
		if strings.HasPrefix(p, segs[0]+".") || p == segs[0] {
			under = append(under, p)
		}
	}
	if len(under) > 0 {
		return nil, failf("not a sweepable numeric field (under %s: %s)", segs[0], strings.Join(under, ", "))
	}
	if slices.Contains(topKeys, segs[0]) {
		return nil, failf("not a sweepable numeric field (nothing under %s is)", segs[0])
	}
	return nil, failf("unknown path (want a numeric field by its keys: %s)", strings.Join(SweepPaths(), ", "))
}

// namesKnownPrefix reports whether path continues a known handler or FLB
// name with a dot ("handlers.NAME." or "sessions.files.NAME.", "flbs.NAME.").
func namesKnownPrefix(s *Scenario, path string) bool {
	for _, h := range s.Handlers {
		if strings.HasPrefix(path, "handlers."+h.Name+".") || strings.HasPrefix(path, "sessions.files."+h.Name+".") {
			return true
		}
	}
	for _, b := range s.FLBs {
		if strings.HasPrefix(path, "flbs."+b.Name+".") {
			return true
		}
	}
	return false
}

// matchPattern appends to out the arguments of every way segs matches
// pat.
func matchPattern(pat, segs, args []string, out *[][]string) {
	if len(pat) == 0 {
		if len(segs) == 0 {
			*out = append(*out, args)
		}
		return
	}
	if len(segs) == 0 {
		return
	}
	args = args[:len(args):len(args)] // appends copy
	switch p := pat[0]; {
	case p == "HANDLER" || p == "FLB":
		for k := 1; k <= len(segs)-len(pat)+1; k++ {
			matchPattern(pat[1:], segs[k:], append(args, strings.Join(segs[:k], ".")), out)
		}
	case strings.ToUpper(p) == p:
		matchPattern(pat[1:], segs[1:], append(args, segs[0]), out)
	case p == segs[0]:
		matchPattern(pat[1:], segs[1:], args, out)
	}
}

func handlerIndex(s *Scenario, name string) (int, resolveErr) {
	i := slices.IndexFunc(s.Handlers, func(h Handler) bool { return h.Name == name })
	if i < 0 {
		var names []string
		for _, h := range s.Handlers {
			names = append(names, h.Name)
		}
		return -1, resolveErr{msg: fmt.Sprintf("unknown handler %q (want one of %s)", name, strings.Join(names, ", ")), unknownName: true}
	}
	return i, resolveErr{}
}

func parseCallback(name string, allowed []Callback) (Callback, resolveErr) {
	var names []string
	for _, c := range allowed {
		if c.String() == name {
			return c, resolveErr{}
		}
		names = append(names, c.String())
	}
	return 0, failf("unknown callback %q (want one of %s)", name, strings.Join(names, ", "))
}

var allCallbacks = func() []Callback {
	var cs []Callback
	for c := Callback(0); c < NumCallbacks; c++ {
		cs = append(cs, c)
	}
	return cs
}()

// filesCheck checks sessions × files against the limits.
func filesCheck(base Sessions) func(at func(string) (AxisValue, bool)) string {
	return func(at func(string) (AxisValue, bool)) string {
		count := int64(base.Count)
		if v, ok := at("sessions.count"); ok {
			count = int64(v.Num)
		}
		var fps int64
		for _, g := range base.Files {
			n := int64(g.Count)
			if v, ok := at("sessions.files." + g.Handler + ".count"); ok {
				n = int64(v.Num)
			}
			fps += n
		}
		if fps > MaxFilesPerSession {
			return fmt.Sprintf("sessions: %d files per session exceed the maximum of %d", fps, MaxFilesPerSession)
		}
		if count*fps > MaxFilesTotal {
			return fmt.Sprintf("sessions: %d sessions x %d files = %d files exceed the maximum of %d", count, fps, count*fps, MaxFilesTotal)
		}
		return ""
	}
}

func resolveSessionsCount(s *Scenario, _ string, _ []string) (*sweepField, resolveErr) {
	return &sweepField{kind: vCount, lo: 1, hi: MaxSessions,
		set:   func(s *Scenario, v AxisValue) { s.Sessions.Count = int(v.Num) },
		check: filesCheck(s.Sessions)}, resolveErr{}
}

func resolveFileCount(s *Scenario, _ string, args []string) (*sweepField, resolveErr) {
	if _, err := handlerIndex(s, args[0]); err.msg != "" {
		return nil, err
	}
	g := slices.IndexFunc(s.Sessions.Files, func(g FileGroup) bool { return g.Handler == args[0] })
	if g < 0 {
		return nil, failf("handler %q has no files in sessions.files", args[0])
	}
	return &sweepField{kind: vCount, lo: 1, hi: MaxFilesPerSession,
		set:   func(s *Scenario, v AxisValue) { s.Sessions.Files[g].Count = int(v.Num) },
		check: filesCheck(s.Sessions)}, resolveErr{}
}

// distField resolves parameter param of the distribution at target,
// described as subject in messages.
func distField(s *Scenario, path string, target *distTarget, subject, param string) (*sweepField, resolveErr) {
	d := *target.ref(s)
	kind := d.Kind()
	params := distKeys[kind]
	if kind == sim.DistEmpirical && param == "values" {
		return nil, failf("%s is an empirical distribution: its values are a list, not one number", subject)
	}
	if !slices.Contains(params, param) {
		note := ""
		if isZeroCost(d) {
			note = " (the constant 0)"
		}
		have := "whose parameters are " + strings.Join(params, " and ")
		if len(params) == 1 {
			have = "whose parameter is " + params[0]
		}
		return nil, failf("%s is a %s distribution%s, %s, not %q", subject, kind, note, have, param)
	}
	f := &sweepField{kind: vDuration, dist: target, param: param}
	if param == "cv" {
		f.kind, f.lo, f.hi, f.cvOf = vReal, 0, maxCV, kind
		if kind == sim.DistH2 {
			f.lo = 1
		}
	}
	if kind == sim.DistUniform {
		base := distValues(d)
		prefix := path[:strings.LastIndexByte(path, '.')]
		f.check = func(at func(string) (AxisValue, bool)) string {
			lo, hi := base["min"], base["max"]
			if v, ok := at(prefix + ".min"); ok {
				lo = v.Num
			}
			if v, ok := at(prefix + ".max"); ok {
				hi = v.Num
			}
			if hi < lo {
				return fmt.Sprintf("uniform max %s is below min %s", FormatDuration(sim.Time(hi)), FormatDuration(sim.Time(lo)))
			}
			return ""
		}
	}
	return f, resolveErr{}
}

func resolveHandlerCost(s *Scenario, path string, args []string) (*sweepField, resolveErr) {
	i, err := handlerIndex(s, args[0])
	if err.msg != "" {
		return nil, err
	}
	c, err := parseCallback(args[1], allCallbacks)
	if err.msg != "" {
		return nil, err
	}
	target := &distTarget{key: "handlers." + args[0] + "." + args[1], ref: func(s *Scenario) *sim.Dist { return &s.Handlers[i].Cost[c] }}
	return distField(s, path, target, fmt.Sprintf("the %s cost of handler %s", c, args[0]), args[2])
}

func resolveFLBCost(s *Scenario, path string, args []string) (*sweepField, resolveErr) {
	i := slices.IndexFunc(s.FLBs, func(b FLB) bool { return b.Name == args[0] })
	if i < 0 {
		return nil, resolveErr{msg: fmt.Sprintf("unknown FLB %q (not in flbs)", args[0]), unknownName: true}
	}
	c, err := parseCallback(args[1], flbCallbacks)
	if err.msg != "" {
		return nil, err
	}
	target := &distTarget{key: "flbs." + args[0] + "." + args[1], ref: func(s *Scenario) *sim.Dist { return &s.FLBs[i].Cost[c] }}
	return distField(s, path, target, fmt.Sprintf("the %s cost of FLB %s", c, args[0]), args[2])
}

// memoryCheck checks a handler's per-folio costs against the maximum
// duration at a point, and that folio_size and per_folio have memory.
func memoryCheck(h Handler, prefix, field string) func(at func(string) (AxisValue, bool)) string {
	return func(at func(string) (AxisValue, bool)) string {
		mem, fs := h.Memory, h.FolioSize
		if v, ok := at(prefix + ".memory"); ok {
			mem, _ = ParseBytes(v.Text)
		}
		if v, ok := at(prefix + ".folio_size"); ok {
			fs, _ = ParseBytes(v.Text)
		}
		if mem == 0 {
			if field != "memory" {
				return fmt.Sprintf("%s without memory (handler %s has none)", field, h.Name)
			}
			return ""
		}
		if fs == 0 {
			fs = 4 << 10
		}
		folios := ceilDiv(mem, fs)
		for c := Callback(0); c < NumCallbacks; c++ {
			t := h.PerFolio[c]
			if v, ok := at(prefix + ".per_folio." + c.String()); ok {
				t = sim.Time(v.Num)
			}
			if t > 0 && folios > int64(maxDuration/t) {
				return fmt.Sprintf("per_folio.%s: %d folios x %s exceeds the maximum duration of %s", c, folios, FormatDuration(t), FormatDuration(maxDuration))
			}
		}
		return ""
	}
}

func resolveMemory(s *Scenario, path string, args []string) (*sweepField, resolveErr) {
	i, err := handlerIndex(s, args[0])
	if err.msg != "" {
		return nil, err
	}
	prefix := "handlers." + args[0]
	field := path[len(prefix)+1:]
	f := &sweepField{kind: vSize, check: memoryCheck(s.Handlers[i], prefix, field)}
	if field == "memory" {
		f.set = func(s *Scenario, v AxisValue) {
			h := &s.Handlers[i]
			h.Memory, _ = ParseBytes(v.Text)
			if h.FolioSize == 0 {
				h.FolioSize = 4 << 10 // the default of a handler with memory
			}
		}
	} else {
		f.set = func(s *Scenario, v AxisValue) { s.Handlers[i].FolioSize, _ = ParseBytes(v.Text) }
	}
	return f, resolveErr{}
}

func resolvePerFolio(s *Scenario, _ string, args []string) (*sweepField, resolveErr) {
	i, err := handlerIndex(s, args[0])
	if err.msg != "" {
		return nil, err
	}
	c, err := parseCallback(args[1], allCallbacks)
	if err.msg != "" {
		return nil, err
	}
	return &sweepField{kind: vDuration,
		set:   func(s *Scenario, v AxisValue) { s.Handlers[i].PerFolio[c] = sim.Time(v.Num) },
		check: memoryCheck(s.Handlers[i], "handlers."+args[0], "per_folio")}, resolveErr{}
}

func resolveMachine(_ *Scenario, _ string, args []string) (*sweepField, resolveErr) {
	key := args[0]
	if !slices.Contains(lockmodels.OverrideKeys(), key) {
		if key == "base" {
			return nil, failf("the machine's base is a profile name, not a number")
		}
		return nil, failf("unknown machine key %q (want one of %s)", key, strings.Join(lockmodels.OverrideKeys(), ", "))
	}
	return &sweepField{kind: vDuration, set: func(s *Scenario, v AxisValue) { setOverride(&s.Machine, key, sim.Time(v.Num)) }}, resolveErr{}
}

// setOverride sets one override of m, keeping the overrides in the order
// of lockmodels.OverrideKeys, and rebuilds m's profile from its base as
// the parser does.
func setOverride(m *Machine, key string, t sim.Time) {
	keys := lockmodels.OverrideKeys()
	rank := slices.Index(keys, key)
	i := slices.IndexFunc(m.Overrides, func(o Override) bool { return slices.Index(keys, o.Key) >= rank })
	switch {
	case i >= 0 && m.Overrides[i].Key == key:
		m.Overrides[i].Value = t
	case i >= 0:
		m.Overrides = slices.Insert(m.Overrides, i, Override{Key: key, Value: t})
	default:
		m.Overrides = append(m.Overrides, Override{Key: key, Value: t})
	}
	prof, ok := lockmodels.LookupProfile(m.Base)
	if !ok {
		panic("workload: unknown machine profile " + m.Base)
	}
	for _, o := range m.Overrides {
		prof.Set(o.Key, o.Value)
	}
	m.Profile = prof
}

func resolveWorkload(s *Scenario, path string, args []string) (*sweepField, resolveErr) {
	w := s.Workload
	if w.Kind != Steady {
		return nil, failf("%s is only for steady workloads", path)
	}
	switch path {
	case "workload.duration", "workload.warmup":
		f := &sweepField{kind: vDuration, positive: path == "workload.duration"}
		if f.positive {
			f.set = func(s *Scenario, v AxisValue) { s.Workload.Duration = sim.Time(v.Num) }
		} else {
			f.set = func(s *Scenario, v AxisValue) { s.Workload.Warmup = sim.Time(v.Num) }
		}
		f.check = func(at func(string) (AxisValue, bool)) string {
			d, wu := w.Duration, w.Warmup
			if v, ok := at("workload.duration"); ok {
				d = sim.Time(v.Num)
			}
			if v, ok := at("workload.warmup"); ok {
				wu = sim.Time(v.Num)
			}
			if wu >= d {
				return fmt.Sprintf("workload.warmup %s must be shorter than the duration %s", FormatDuration(wu), FormatDuration(d))
			}
			return ""
		}
		return f, resolveErr{}
	case "workload.arrival.rate":
		if w.Arrival.Kind != Open {
			return nil, failf("the arrival is %s: rate is for open arrivals", w.Arrival.Kind)
		}
		return &sweepField{kind: vRate, set: func(s *Scenario, v AxisValue) { s.Workload.Arrival.Rate = v.Num }}, resolveErr{}
	}
	if strings.HasPrefix(path, "workload.mix.") {
		op := args[0]
		if !slices.Contains(steadyOps, op) {
			return nil, failf("op %q is not in steady workloads' mix (only %s)", op, strings.Join(steadyOps, ", "))
		}
		return &sweepField{kind: vReal, lo: 0, hi: math.Inf(1),
			set: func(s *Scenario, v AxisValue) { setMix(&s.Workload, op, v.Num) },
			check: func(at func(string) (AxisValue, bool)) string {
				sum := 0.0
				for _, e := range w.Mix {
					if v, ok := at("workload.mix." + e.Op); ok {
						sum += v.Num
					} else {
						sum += e.Weight
					}
				}
				if !slices.ContainsFunc(w.Mix, func(e MixEntry) bool { return e.Op == op }) {
					v, _ := at("workload.mix." + op)
					sum += v.Num
				}
				if !(sum > 0) || math.IsInf(sum, 0) {
					return "workload.mix: weights must sum to a positive finite number"
				}
				return ""
			}}, resolveErr{}
	}
	// workload.arrival.think.PARAM
	if w.Arrival.Kind != Closed {
		return nil, failf("the arrival is %s: think is for closed arrivals", w.Arrival.Kind)
	}
	target := &distTarget{key: "workload.arrival.think", ref: func(s *Scenario) *sim.Dist { return &s.Workload.Arrival.Think }}
	return distField(s, path, target, "the think time", args[0])
}

// setMix sets the weight of op, keeping the mix in canonical op order.
func setMix(w *Workload, op string, weight float64) {
	if i := slices.IndexFunc(w.Mix, func(e MixEntry) bool { return e.Op == op }); i >= 0 {
		w.Mix[i].Weight = weight
		return
	}
	w.Mix = append(w.Mix, MixEntry{Op: op, Weight: weight})
	slices.SortStableFunc(w.Mix, func(a, b MixEntry) int {
		return slices.Index(scenarioOps, a.Op) - slices.Index(scenarioOps, b.Op)
	})
}

func resolveRmmodRate(s *Scenario, _ string, _ []string) (*sweepField, resolveErr) {
	if s.Faults.RmmodRate <= 0 {
		return nil, failf("faults.rmmod is not set: give it a rate and modules")
	}
	return &sweepField{kind: vRate, set: func(s *Scenario, v AxisValue) { s.Faults.RmmodRate = v.Num }}, resolveErr{}
}

func resolveLimit(_ *Scenario, path string, _ []string) (*sweepField, resolveErr) {
	if path == "limits.sessions" {
		return &sweepField{kind: vCount, lo: 1, hi: MaxSessions,
			set: func(s *Scenario, v AxisValue) { s.Limits.Sessions = int(v.Num) }}, resolveErr{}
	}
	return &sweepField{kind: vCount, lo: 1, hi: MaxFilesPerSession,
		set: func(s *Scenario, v AxisValue) { s.Limits.FilesPerSession = int(v.Num) }}, resolveErr{}
}

// distValues returns the scalar parameters of d by scenario key:
// durations in ns, cv as it is.
func distValues(d sim.Dist) map[string]float64 {
	out := map[string]float64{}
	for k, v := range distParams(d) {
		if k != "values" && len(v) == 1 {
			out[k] = float64(v[0])
		}
	}
	if k := d.Kind(); k == sim.DistLogNormal || k == sim.DistH2 {
		out["cv"] = d.CV()
	}
	return out
}

// makeDist builds a distribution of kind from its scalar parameters, as
// the parser does. Empirical distributions have none.
func makeDist(kind sim.DistKind, v map[string]float64) sim.Dist {
	switch kind {
	case sim.DistConst:
		return sim.ConstDist(sim.Time(v["value"]))
	case sim.DistExp:
		return sim.ExpDist(v["mean"])
	case sim.DistUniform:
		return sim.UniformDist(v["min"], v["max"])
	case sim.DistLogNormal:
		return sim.LogNormalDist(v["mean"], v["cv"])
	case sim.DistNormal:
		return sim.NormalDist(v["mean"], v["sd"])
	case sim.DistH2:
		return sim.H2Dist(v["mean"], v["cv"])
	}
	panic("workload: makeDist of a " + kind.String() + " distribution")
}

// axisKind returns the kind of values of the axis at path, for the
// canonical form; vReal when the path does not resolve (a scenario built
// in Go with a bad path).
func (sc *Scenario) axisKind(path string) valueKind {
	if f, _ := resolveSweep(sc, path); f != nil {
		return f.kind
	}
	return vReal
}

// gridItems returns designs × CPU counts × sweep points × replications as
// a float64 (exact up to 2^53, and never overflowing).
func (sc *Scenario) gridItems() float64 {
	n := float64(len(sc.Designs)) * float64(len(sc.CPUs)) * float64(sc.Replications)
	for _, a := range sc.Sweep {
		n *= float64(len(a.Values))
	}
	return n
}

func formatCount(x float64) string {
	if x < 1e15 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

var sweepPathRE = regexp.MustCompile(`^[A-Za-z0-9_.+-]+$`)

// sweep reads the sweep mapping into s.Sweep, checking each value like
// the field itself, the size of the grid, and the constraints between
// fields at every point of the grid.
func (p *parser) sweep(n *yaml.Node, s *Scenario) error {
	if n.Kind != yaml.MappingNode {
		return p.errf(n, "sweep: want a mapping {path: [value, ...]}, got %s", describe(n))
	}
	var fields []*sweepField
	var nodes [][]*yaml.Node
	keys := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			return p.errf(k, "sweep: keys must be paths such as sessions.count, got %s", describe(k))
		}
		path := k.Value
		if !sweepPathRE.MatchString(path) || len(path) > maxTextLen {
			return p.errf(k, "sweep: invalid path %q (want keys joined by dots, such as sessions.count)", path)
		}
		if first, dup := keys[path]; dup {
			return p.errf(k, "duplicate key %q (first at line %d)", path, first.Line)
		}
		keys[path] = k
		f, r := resolveSweep(s, path)
		if f == nil {
			return p.errf(k, "sweep %s: %s", path, r.msg)
		}
		what := "sweep " + path
		items, err := p.list(v, what)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return p.errf(v, "%s: empty list", what)
		}
		a := Axis{Path: path, Values: make([]AxisValue, 0, len(items))}
		seen := make(map[string]bool, len(items))
		for _, it := range items {
			av, err := p.axisValue(f, it, what)
			if err != nil {
				return err
			}
			if seen[av.Text] {
				return p.errf(it, "%s: %s listed twice", what, av.Text)
			}
			seen[av.Text] = true
			a.Values = append(a.Values, av)
		}
		s.Sweep = append(s.Sweep, a)
		if items := s.gridItems(); items > MaxItems {
			return p.errf(k, "%s: the grid would be %s work items (%s), over the maximum of %d", what, formatCount(items), s.gridText(), MaxItems)
		}
		fields = append(fields, f)
		nodes = append(nodes, items)
	}
	return p.checkPoints(s, fields, nodes)
}

// gridText spells out the factors of gridItems.
func (sc *Scenario) gridText() string {
	t := fmt.Sprintf("%d designs x %d CPU counts", len(sc.Designs), len(sc.CPUs))
	if len(sc.Sweep) > 0 {
		pts := 1.0
		for _, a := range sc.Sweep {
			pts *= float64(len(a.Values))
		}
		t += fmt.Sprintf(" x %s sweep points", formatCount(pts))
	}
	return t + fmt.Sprintf(" x %d replications", sc.Replications)
}

// axisValue reads one value of a sweep axis, checked like the field
// itself.
func (p *parser) axisValue(f *sweepField, n *yaml.Node, what string) (AxisValue, error) {
	switch f.kind {
	case vCount:
		v, err := p.integer(n, what, int64(f.lo), int64(f.hi))
		return AxisValue{Text: strconv.FormatInt(v, 10), Num: float64(v)}, err
	case vDuration:
		t, err := p.duration(n, what)
		if err == nil && f.positive && t <= 0 {
			err = p.errf(n, "%s: duration %s must be positive", what, FormatDuration(t))
		}
		return AxisValue{Text: FormatDuration(t), Num: float64(t)}, err
	case vRate:
		r, err := p.rate(n, what)
		return AxisValue{Text: FormatRate(r), Num: r}, err
	case vSize:
		b, err := p.size(n, what)
		return AxisValue{Text: FormatBytes(b), Num: float64(b)}, err
	}
	var v float64
	var err error
	if f.cvOf != 0 {
		v, err = p.cv(n, what, f.cvOf.String(), f.lo)
	} else {
		v, err = p.float(n, what, f.lo, f.hi)
	}
	return AxisValue{Text: strconv.FormatFloat(v, 'g', -1, 64), Num: v}, err
}

// checkPoints checks the constraints between fields (uniform min and
// max, warm-up and duration, sessions × files, per-folio costs) at every
// combination of the axes that have some, and reports the first broken
// one at the value of the first axis concerned.
func (p *parser) checkPoints(s *Scenario, fields []*sweepField, nodes [][]*yaml.Node) error {
	var checked []int
	var sub []Axis
	for i, f := range fields {
		if f.check != nil {
			checked = append(checked, i)
			sub = append(sub, s.Sweep[i])
		}
	}
	if len(checked) == 0 {
		return nil
	}
	cur := make(map[string]AxisValue, len(checked))
	var used []string
	at := func(path string) (AxisValue, bool) {
		v, ok := cur[path]
		if ok {
			used = append(used, path)
		}
		return v, ok
	}
	var err error
	forEachCombination(sub, func(idx []int) bool {
		for j, v := range idx {
			cur[sub[j].Path] = sub[j].Values[v]
		}
		for j, i := range checked {
			used = used[:0]
			msg := fields[i].check(at)
			if msg == "" {
				continue
			}
			path, v := sub[j].Path, sub[j].Values[idx[j]]
			var with []string
			for _, u := range used {
				if u != path && !slices.Contains(with, u+"="+cur[u].Text) {
					with = append(with, u+"="+cur[u].Text)
				}
			}
			if len(with) > 0 {
				msg += " (with " + strings.Join(with, ", ") + ")"
			}
			err = p.errf(nodes[i][idx[j]], "sweep %s=%s: %s", path, v.Text, msg)
			return false
		}
		return true
	})
	return err
}
