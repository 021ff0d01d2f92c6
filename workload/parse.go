package workload

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
)

// Limits of scenario values beyond the documented ones of scenario.go.
const (
	// maxDuration bounds every duration of a scenario (10^6 s, about 11.6
	// days): far beyond any LUO operation, and small enough that a duration
	// is exact as a float64 distribution parameter and that sums of a few
	// of them cannot overflow sim.Time.
	maxDuration = 1_000_000 * sim.Second
	// maxRate bounds rates: one event per simulated nanosecond.
	maxRate = 1e9
	// maxCV bounds coefficients of variation.
	maxCV = 100
	// maxFileSize bounds the size of a scenario file.
	maxFileSize = 4 << 20
	// maxNameLen bounds the length of names and of the free-text name.
	maxNameLen = 64
	maxTextLen = 256
)

// Default values of a scenario (product.md §3).
const (
	DefaultName         = "unnamed"
	DefaultSeed         = 1
	DefaultReplications = 3
	DefaultMachine      = "xeon2s-icx"
	DefaultDuration     = 100 * sim.Millisecond
)

// defaultDesigns are the designs of a scenario that lists none.
var defaultDesigns = []string{"v0-pinned", "v1-per-file", "v2-no-refcount", "v3-merged", "global-mutex"}

// defaultCPUs are the simulated CPU counts of a scenario that lists none.
var defaultCPUs = []int{1, 2, 4, 8, 16, 32, 64}

// scenarioOps are the LUO operations in canonical order (product.md §2).
var scenarioOps = []string{"create", "preserve", "unpreserve", "reboot", "deserialize", "retrieve-session", "retrieve", "finish"}

// steadyOps are the operations a steady workload's mix may name today.
var steadyOps = []string{"preserve"}

// A PosError is an error in a scenario file at a given line.
type PosError struct {
	File string // file name as given to Parse
	Line int    // 1-based line number
	Msg  string
}

func (e *PosError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Pos returns the error's file name and line.
func (e *PosError) Pos() (string, int) { return e.File, e.Line }

// Keys of a scenario, in canonical order.
var (
	topKeys      = []string{"name", "seed", "replications", "machine", "cpus", "designs", "handlers", "flbs", "sessions", "workload", "faults", "limits", "sweep"}
	handlerKeys  = append(append([]string{"name", "module", "file_owner"}, callbackNames[:]...), "memory", "folio_size", "per_folio", "flbs")
	flbCallbacks = []Callback{Preserve, Unpreserve, Retrieve, Finish}
	designKeys   = []string{"session", "refcount", "registry"}
	sessionKeys  = []string{"count", "files"}
	fileKeys     = []string{"handler", "count"}
	workloadKeys = []string{"kind", "arrival", "mix", "duration", "warmup"}
	faultKeys    = []string{"rmmod"}
	rmmodKeys    = []string{"rate", "modules"}
	limitKeys    = []string{"files_per_session", "sessions"}
	distKeys     = map[sim.DistKind][]string{
		sim.DistConst:     {"value"},
		sim.DistExp:       {"mean"},
		sim.DistUniform:   {"min", "max"},
		sim.DistLogNormal: {"mean", "cv"},
		sim.DistNormal:    {"mean", "sd"},
		sim.DistH2:        {"mean", "cv"},
		sim.DistEmpirical: {"values"},
	}
)

var flbKeys = func() []string {
	keys := []string{"name", "module"}
	for _, c := range flbCallbacks {
		keys = append(keys, c.String())
	}
	return keys
}()

// Parse reads a scenario file (product.md §3), checks it strictly and
// fills in every default. filename only labels errors. Every error is a
// *PosError pointing at the offending line. Parse never panics.
func Parse(filename string, data []byte) (*Scenario, error) {
	p := &parser{file: filename}
	root, err := p.document(data)
	if err != nil {
		return nil, err
	}
	return p.scenario(root)
}

type parser struct {
	file string
}

func (p *parser) errAt(line int, format string, args ...any) error {
	if line < 1 {
		line = 1
	}
	return &PosError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	return p.errAt(n.Line, format, args...)
}

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
var yamlAnchorErr = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)

// document checks the raw bytes and parses them into one YAML document,
// returning its root node.
func (p *parser) document(data []byte) (*yaml.Node, error) {
	if len(data) > maxFileSize {
		return nil, p.errAt(1, "scenario is larger than %d MiB", maxFileSize>>20)
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return nil, p.errAt(lineOf(data, off), "invalid UTF-8 (byte %#02x)", data[off])
	}
	// YAML allows only printable characters; say where the first other one
	// is (the YAML parser does not).
	for off, r := range string(data) {
		if !yamlPrintable(r) && !(r == '\uFEFF' && off == 0) {
			return nil, p.errAt(lineOf(data, off), "control character %U is not allowed", r)
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, p.errAt(1, "empty scenario")
		}
		return nil, p.yamlErr(data, err)
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case err == io.EOF:
	case err != nil:
		return nil, p.yamlErr(data, err)
	default:
		return nil, p.errAt(second.Line, "more than one YAML document")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, p.errAt(doc.Line, "empty scenario")
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, p.errAt(root.Line, "empty scenario")
	}
	if err := p.noAliases(root); err != nil {
		return nil, err
	}
	return root, nil
}

func lineOf(data []byte, off int) int { return 1 + bytes.Count(data[:off], []byte("\n")) }

// yamlPrintable reports whether YAML 1.2 allows r in a stream.
func yamlPrintable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r >= 0x20 && r <= 0x7E, r == 0x85, r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return r != 0xFEFF
	}
	return false
}

// yamlErr turns an error of the YAML parser into a *PosError.
func (p *parser) yamlErr(data []byte, err error) error {
	msg := err.Error()
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if lines := bytes.Split(data, []byte("\n")); line >= 1 && line <= len(lines) && bytes.Contains(lines[line-1], []byte("\t")) &&
			strings.Contains(m[2], "cannot start any token") {
			return p.errAt(line, "%s (a tab: YAML indents with spaces only)", m[2])
		}
		return p.errAt(line, "%s", m[2])
	}
	if m := yamlAnchorErr.FindStringSubmatch(msg); m != nil {
		line := 1
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			line = lineOf(data, i)
		}
		return p.errAt(line, "aliases are not allowed (*%s)", m[1])
	}
	return p.errAt(1, "%s", strings.TrimPrefix(msg, "yaml: "))
}

// noAliases rejects anchors and aliases anywhere in the tree: a scenario
// has no use for them, and they are how alias bombs are built.
func (p *parser) noAliases(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode {
		return p.errf(n, "aliases are not allowed (*%s)", n.Value)
	}
	if n.Anchor != "" {
		return p.errf(n, "anchors are not allowed (&%s)", n.Anchor)
	}
	for _, c := range n.Content {
		if err := p.noAliases(c); err != nil {
			return err
		}
	}
	return nil
}

// describe names the YAML type of n for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("string %q", n.Value)
		case "!!int":
			return "integer " + n.Value
		case "!!float":
			return "number " + n.Value
		case "!!bool":
			return "boolean " + n.Value
		case "!!null":
			return "null"
		}
		return fmt.Sprintf("%s %q", n.ShortTag(), n.Value)
	}
	return "unknown node"
}

// fields is a checked YAML mapping.
type fields struct {
	node *yaml.Node
	key  map[string]*yaml.Node // key node
	val  map[string]*yaml.Node // value node
}

func (f *fields) has(k string) bool { return f.val[k] != nil }

// mapping checks that n is a mapping whose keys are distinct strings from
// allowed. what names the mapping in messages ("handler", "scenario").
func (p *parser) mapping(n *yaml.Node, what string, allowed []string) (*fields, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, "%s: want a mapping, got %s", what, describe(n))
	}
	f := &fields{node: n, key: map[string]*yaml.Node{}, val: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			return nil, p.errf(k, "%s: keys must be strings, got %s", what, describe(k))
		}
		if !slices.Contains(allowed, k.Value) {
			return nil, p.errf(k, "unknown key %q in %s (want one of %s)", k.Value, what, strings.Join(allowed, ", "))
		}
		if first, dup := f.key[k.Value]; dup {
			return nil, p.errf(k, "duplicate key %q (first at line %d)", k.Value, first.Line)
		}
		f.key[k.Value], f.val[k.Value] = k, v
	}
	return f, nil
}

// list checks that n is a list.
func (p *parser) list(n *yaml.Node, what string) ([]*yaml.Node, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, "%s: want a list, got %s", what, describe(n))
	}
	return n.Content, nil
}

func (p *parser) str(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return "", p.errf(n, "%s: want a string, got %s", what, describe(n))
	}
	return n.Value, nil
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+-]*$`)

// ident reads a handler, FLB or module name.
func (p *parser) ident(n *yaml.Node, what string) (string, error) {
	s, err := p.str(n, what)
	if err != nil {
		return "", err
	}
	if len(s) > maxNameLen || !nameRE.MatchString(s) {
		return "", p.errf(n, "%s: invalid name %q (want 1 to %d letters, digits, '_', '.', '+' or '-', not starting with '.', '+' or '-')", what, s, maxNameLen)
	}
	return s, nil
}

// integer reads an integer in [lo, hi].
func (p *parser) integer(n *yaml.Node, what string, lo, hi int64) (int64, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, p.errf(n, "%s: want an integer, got %s", what, describe(n))
	}
	var v int64
	if err := n.Decode(&v); err != nil || v < lo || v > hi {
		return 0, p.errf(n, "%s: %s is out of range [%d, %d]", what, n.Value, lo, hi)
	}
	return v, nil
}

// float reads a finite number in [lo, hi].
func (p *parser) float(n *yaml.Node, what string, lo, hi float64) (float64, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" && n.ShortTag() != "!!float" {
		return 0, p.errf(n, "%s: want a number, got %s", what, describe(n))
	}
	var v float64
	if err := n.Decode(&v); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, p.errf(n, "%s: %s is not a finite number", what, n.Value)
	}
	if v < lo {
		return 0, p.errf(n, "%s: %s is below %g", what, n.Value, lo)
	}
	if v > hi {
		return 0, p.errf(n, "%s: %s is above %g", what, n.Value, hi)
	}
	return v + 0, nil // no negative zero
}

// scalarText returns the text of a scalar that may be written plain,
// quoted or as a YAML integer (durations, rates, sizes).
func (p *parser) scalarText(n *yaml.Node, what, want string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", p.errf(n, "%s: want %s, got %s", what, want, describe(n))
	}
	switch n.ShortTag() {
	case "!!str", "!!int", "!!float":
		return n.Value, nil
	}
	return "", p.errf(n, "%s: want %s, got %s", what, want, describe(n))
}

// duration reads a duration in [0, maxDuration].
func (p *parser) duration(n *yaml.Node, what string) (sim.Time, error) {
	s, err := p.scalarText(n, what, "a duration")
	if err != nil {
		return 0, err
	}
	t, err := ParseDuration(s)
	if err != nil {
		return 0, p.errf(n, "%s: %v", what, err)
	}
	if t > maxDuration {
		return 0, p.errf(n, "%s: duration %s exceeds the maximum of %s", what, s, FormatDuration(maxDuration))
	}
	return t, nil
}

// rate reads a rate in (0, maxRate].
func (p *parser) rate(n *yaml.Node, what string) (float64, error) {
	s, err := p.scalarText(n, what, "a rate")
	if err != nil {
		return 0, err
	}
	r, err := ParseRate(s)
	if err != nil {
		return 0, p.errf(n, "%s: %v", what, err)
	}
	if r > maxRate {
		return 0, p.errf(n, "%s: rate %s exceeds the maximum of %s", what, s, FormatRate(maxRate))
	}
	return r, nil
}

// size reads a positive byte count.
func (p *parser) size(n *yaml.Node, what string) (int64, error) {
	s, err := p.scalarText(n, what, "a size")
	if err != nil {
		return 0, err
	}
	b, err := ParseBytes(s)
	if err != nil {
		return 0, p.errf(n, "%s: %v", what, err)
	}
	if b <= 0 {
		return 0, p.errf(n, "%s: size must be positive", what)
	}
	return b, nil
}

var distKindNames = func() string {
	var names []string
	for k := sim.DistConst; k <= sim.DistEmpirical; k++ {
		names = append(names, k.String())
	}
	return strings.Join(names, ", ")
}()

// dist reads a distribution mapping such as {dist: exp, mean: 10us}.
func (p *parser) dist(n *yaml.Node, what string) (sim.Dist, error) {
	if n.Kind != yaml.MappingNode {
		return sim.Dist{}, p.errf(n, "%s: want a distribution such as {dist: exp, mean: 10us}, got %s", what, describe(n))
	}
	var kindNode *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "dist" {
			kindNode = n.Content[i+1]
			break
		}
	}
	if kindNode == nil {
		return sim.Dist{}, p.errf(n, "%s: missing dist (want one of %s)", what, distKindNames)
	}
	name, err := p.str(kindNode, what+".dist")
	if err != nil {
		return sim.Dist{}, err
	}
	kind, ok := sim.ParseDistKind(name)
	if !ok {
		return sim.Dist{}, p.errf(kindNode, "%s: unknown dist %q (want one of %s)", what, name, distKindNames)
	}
	params := distKeys[kind]
	f, err := p.mapping(n, what+" ("+name+")", append([]string{"dist"}, params...))
	if err != nil {
		return sim.Dist{}, err
	}
	for _, k := range params {
		if !f.has(k) {
			return sim.Dist{}, p.errf(n, "%s: %s distribution needs %s", what, name, strings.Join(params, " and "))
		}
	}
	dur := func(k string) (float64, error) {
		t, err := p.duration(f.val[k], what+"."+k)
		return float64(t), err
	}
	cv := func(lo float64) (float64, error) { return p.cv(f.val["cv"], what+".cv", name, lo) }
	switch kind {
	case sim.DistConst:
		v, err := dur("value")
		if err != nil {
			return sim.Dist{}, err
		}
		return sim.ConstDist(sim.Time(v)), nil
	case sim.DistExp:
		m, err := dur("mean")
		if err != nil {
			return sim.Dist{}, err
		}
		return sim.ExpDist(m), nil
	case sim.DistUniform:
		lo, err := dur("min")
		if err != nil {
			return sim.Dist{}, err
		}
		hi, err := dur("max")
		if err != nil {
			return sim.Dist{}, err
		}
		if hi < lo {
			return sim.Dist{}, p.errf(f.val["max"], "%s: uniform max %s is below min %s", what, f.val["max"].Value, f.val["min"].Value)
		}
		return sim.UniformDist(lo, hi), nil
	case sim.DistLogNormal, sim.DistH2:
		m, err := dur("mean")
		if err != nil {
			return sim.Dist{}, err
		}
		lo := 0.0
		if kind == sim.DistH2 {
			lo = 1
		}
		c, err := cv(lo)
		if err != nil {
			return sim.Dist{}, err
		}
		if kind == sim.DistH2 {
			return sim.H2Dist(m, c), nil
		}
		return sim.LogNormalDist(m, c), nil
	case sim.DistNormal:
		m, err := dur("mean")
		if err != nil {
			return sim.Dist{}, err
		}
		sd, err := dur("sd")
		if err != nil {
			return sim.Dist{}, err
		}
		return sim.NormalDist(m, sd), nil
	default: // sim.DistEmpirical
		items, err := p.list(f.val["values"], what+".values")
		if err != nil {
			return sim.Dist{}, err
		}
		if len(items) == 0 {
			return sim.Dist{}, p.errf(f.val["values"], "%s: empirical distribution needs at least one value", what)
		}
		vs := make([]sim.Time, len(items))
		for i, it := range items {
			if vs[i], err = p.duration(it, what+".values"); err != nil {
				return sim.Dist{}, err
			}
		}
		return sim.EmpiricalDist(vs), nil
	}
}

// cv reads the coefficient of variation of a distribution of the named
// family, in [lo, maxCV].
func (p *parser) cv(n *yaml.Node, what, family string, lo float64) (float64, error) {
	v, err := p.float(n, what, math.Inf(-1), math.Inf(1))
	if err != nil {
		return 0, err
	}
	if v < lo || v > maxCV {
		return 0, p.errf(n, "%s: %s distribution needs cv in [%g, %g], got %s", what, family, lo, float64(maxCV), n.Value)
	}
	return v, nil
}

// cost reads a callback's cost; a constant 0 is stored as the zero Dist, a
// callback that costs nothing.
func (p *parser) cost(n *yaml.Node, what string) (sim.Dist, error) {
	d, err := p.dist(n, what)
	if err == nil && isZeroCost(d) {
		d = sim.Dist{}
	}
	return d, err
}

// isZeroCost reports whether d is the constant 0.
func isZeroCost(d sim.Dist) bool { return d.Kind() == sim.DistConst && d.Mean() == 0 }

// scenario reads the root mapping.
func (p *parser) scenario(root *yaml.Node) (*Scenario, error) {
	f, err := p.mapping(root, "scenario", topKeys)
	if err != nil {
		return nil, err
	}
	s := &Scenario{Name: DefaultName, Seed: DefaultSeed, Replications: DefaultReplications}
	if n := f.val["name"]; n != nil {
		if s.Name, err = p.str(n, "name"); err != nil {
			return nil, err
		}
		if err := p.text(n, s.Name); err != nil {
			return nil, err
		}
	}
	if n := f.val["seed"]; n != nil {
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			return nil, p.errf(n, "seed: want an integer, got %s", describe(n))
		}
		if err := n.Decode(&s.Seed); err != nil {
			return nil, p.errf(n, "seed: %s is out of range [0, %d]", n.Value, uint64(math.MaxUint64))
		}
	}
	if n := f.val["replications"]; n != nil {
		r, err := p.integer(n, "replications", 1, MaxReplications)
		if err != nil {
			return nil, err
		}
		s.Replications = int(r)
	}
	if s.Machine, err = p.machine(f.val["machine"]); err != nil {
		return nil, err
	}
	if s.CPUs, err = p.cpus(f.val["cpus"]); err != nil {
		return nil, err
	}
	if s.Designs, err = p.designs(f.val["designs"]); err != nil {
		return nil, err
	}
	if !f.has("handlers") {
		return nil, p.errf(root, "scenario: missing handlers (at least one file handler)")
	}
	handlerFLBs, err := p.handlers(f.val["handlers"], s)
	if err != nil {
		return nil, err
	}
	if n := f.val["flbs"]; n != nil {
		if s.FLBs, err = p.flbs(n); err != nil {
			return nil, err
		}
	}
	for _, ref := range handlerFLBs {
		if !slices.ContainsFunc(s.FLBs, func(b FLB) bool { return b.Name == ref.Value }) {
			return nil, p.errf(ref, "unknown FLB %q (not in flbs)", ref.Value)
		}
	}
	if !f.has("sessions") {
		return nil, p.errf(root, "scenario: missing sessions")
	}
	if s.Sessions, err = p.sessions(f.val["sessions"], s.Handlers); err != nil {
		return nil, err
	}
	if s.Workload, err = p.workload(f.val["workload"]); err != nil {
		return nil, err
	}
	if n := f.val["faults"]; n != nil {
		if s.Faults, err = p.faults(n, s); err != nil {
			return nil, err
		}
	}
	if n := f.val["limits"]; n != nil {
		if s.Limits, err = p.limits(n); err != nil {
			return nil, err
		}
	}
	if n := f.val["sweep"]; n != nil {
		if err := p.sweep(n, s); err != nil {
			return nil, err
		}
	}
	if items := s.gridItems(); items > MaxItems {
		at := root
		for _, k := range []string{"replications", "cpus", "designs"} {
			if f.has(k) {
				at = f.key[k]
				break
			}
		}
		return nil, p.errf(at, "the grid is %s work items (%s), over the maximum of %d", formatCount(items), s.gridText(), MaxItems)
	}
	return s, nil
}

// text checks free text: one line of printable characters.
func (p *parser) text(n *yaml.Node, s string) error {
	if s == "" {
		return p.errf(n, "name: empty")
	}
	if utf8.RuneCountInString(s) > maxTextLen {
		return p.errf(n, "name: longer than %d characters", maxTextLen)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7F || r >= 0x80 && r <= 0x9F || r == 0x2028 || r == 0x2029 || !yamlPrintable(r) {
			return p.errf(n, "name: control character %U is not allowed", r)
		}
	}
	return nil
}

func (p *parser) machine(n *yaml.Node) (Machine, error) {
	if n == nil {
		prof, _ := lockmodels.LookupProfile(DefaultMachine)
		return Machine{Base: DefaultMachine, Profile: prof}, nil
	}
	var baseNode *yaml.Node
	var f *fields
	if n.Kind == yaml.MappingNode {
		var err error
		if f, err = p.mapping(n, "machine", append([]string{"base"}, lockmodels.OverrideKeys()...)); err != nil {
			return Machine{}, err
		}
		if baseNode = f.val["base"]; baseNode == nil {
			return Machine{}, p.errf(n, "machine: missing base (a profile name: %s)", strings.Join(lockmodels.ProfileNames(), ", "))
		}
	} else if n.Kind == yaml.ScalarNode {
		baseNode = n
	} else {
		return Machine{}, p.errf(n, "machine: want a profile name or a mapping {base: NAME, ...}, got %s", describe(n))
	}
	base, err := p.str(baseNode, "machine")
	if err != nil {
		return Machine{}, err
	}
	prof, ok := lockmodels.LookupProfile(base)
	if !ok {
		return Machine{}, p.errf(baseNode, "unknown machine profile %q (want one of %s)", base, strings.Join(lockmodels.ProfileNames(), ", "))
	}
	m := Machine{Base: base, Profile: prof}
	if f == nil {
		return m, nil
	}
	for _, k := range lockmodels.OverrideKeys() {
		v := f.val[k]
		if v == nil {
			continue
		}
		t, err := p.duration(v, "machine."+k)
		if err != nil {
			return Machine{}, err
		}
		prof.Set(k, t)
		m.Overrides = append(m.Overrides, Override{Key: k, Value: t})
	}
	return m, nil
}

func (p *parser) cpus(n *yaml.Node) ([]int, error) {
	if n == nil {
		return slices.Clone(defaultCPUs), nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
		if len(items) == 0 {
			return nil, p.errf(n, "cpus: empty list")
		}
	}
	var cpus []int
	seen := map[int64]bool{}
	for _, it := range items {
		c, err := p.integer(it, "cpus", 1, MaxCPUs)
		if err != nil {
			return nil, err
		}
		if seen[c] {
			return nil, p.errf(it, "cpus: %d listed twice", c)
		}
		seen[c] = true
		cpus = append(cpus, int(c))
	}
	return cpus, nil
}

func (p *parser) designs(n *yaml.Node) ([]lockmodels.Design, error) {
	if n == nil {
		var ds []lockmodels.Design
		for _, name := range defaultDesigns {
			d, _ := lockmodels.LookupDesign(name)
			ds = append(ds, d)
		}
		return ds, nil
	}
	items, err := p.list(n, "designs")
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, p.errf(n, "designs: empty list")
	}
	var ds []lockmodels.Design
	for _, it := range items {
		var d lockmodels.Design
		switch it.Kind {
		case yaml.ScalarNode:
			name, err := p.str(it, "designs")
			if err != nil {
				return nil, err
			}
			var ok bool
			if d, ok = lockmodels.LookupDesign(name); !ok {
				return nil, p.errf(it, "unknown design %q", name)
			}
		case yaml.MappingNode:
			if d, err = p.inlineDesign(it); err != nil {
				return nil, err
			}
		default:
			return nil, p.errf(it, "designs: want a design name or a mapping {session: ..., refcount: ..., registry: ...}, got %s", describe(it))
		}
		if slices.ContainsFunc(ds, func(e lockmodels.Design) bool { return e.Name == d.Name }) {
			return nil, p.errf(it, "design %q listed twice", d.Name)
		}
		ds = append(ds, d)
	}
	return ds, nil
}

func (p *parser) inlineDesign(n *yaml.Node) (lockmodels.Design, error) {
	f, err := p.mapping(n, "inline design", designKeys)
	if err != nil {
		return lockmodels.Design{}, err
	}
	var axes [3]string
	for i, k := range designKeys {
		v := f.val[k]
		if v == nil {
			return lockmodels.Design{}, p.errf(n, "inline design: missing %s", k)
		}
		if axes[i], err = p.str(v, k); err != nil {
			return lockmodels.Design{}, err
		}
	}
	d := lockmodels.Design{Name: strings.Join(axes[:], "/"), Description: "inline design"}
	if d.Session, err = lockmodels.ParseSessionLocking(axes[0]); err != nil {
		return d, p.errf(f.val["session"], "%v", err)
	}
	if d.Refcount, err = lockmodels.ParseRefcount(axes[1]); err != nil {
		return d, p.errf(f.val["refcount"], "%v", err)
	}
	if d.Registry, err = lockmodels.ParseRegistry(axes[2]); err != nil {
		return d, p.errf(f.val["registry"], "%v", err)
	}
	return d, nil
}

// handlers reads the handler list into s.Handlers and returns the FLB
// references to check once the FLBs are known.
func (p *parser) handlers(n *yaml.Node, s *Scenario) ([]*yaml.Node, error) {
	items, err := p.list(n, "handlers")
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, p.errf(n, "handlers: empty list (at least one file handler)")
	}
	if len(items) > MaxHandlers {
		return nil, p.errf(items[MaxHandlers], "handlers: more than %d", MaxHandlers)
	}
	var refs []*yaml.Node
	for _, it := range items {
		f, err := p.mapping(it, "handler", handlerKeys)
		if err != nil {
			return nil, err
		}
		if !f.has("name") {
			return nil, p.errf(it, "handler: missing name")
		}
		h := Handler{Module: Builtin}
		if h.Name, err = p.ident(f.val["name"], "handler name"); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(s.Handlers, func(o Handler) bool { return o.Name == h.Name }) {
			return nil, p.errf(f.val["name"], "handler %q defined twice", h.Name)
		}
		if v := f.val["module"]; v != nil {
			if h.Module, err = p.ident(v, "module"); err != nil {
				return nil, err
			}
		}
		h.FileOwner = h.Module
		if v := f.val["file_owner"]; v != nil {
			if h.FileOwner, err = p.ident(v, "file_owner"); err != nil {
				return nil, err
			}
		}
		for c := Callback(0); c < NumCallbacks; c++ {
			if v := f.val[c.String()]; v != nil {
				if h.Cost[c], err = p.cost(v, c.String()); err != nil {
					return nil, err
				}
			}
		}
		if v := f.val["memory"]; v != nil {
			if h.Memory, err = p.size(v, "memory"); err != nil {
				return nil, err
			}
			h.FolioSize = 4 << 10
		}
		if v := f.val["folio_size"]; v != nil {
			if h.Memory == 0 {
				return nil, p.errf(f.key["folio_size"], "folio_size without memory")
			}
			if h.FolioSize, err = p.size(v, "folio_size"); err != nil {
				return nil, err
			}
		}
		if v := f.val["per_folio"]; v != nil {
			if h.Memory == 0 {
				return nil, p.errf(f.key["per_folio"], "per_folio without memory")
			}
			pf, err := p.mapping(v, "per_folio", callbackNames[:])
			if err != nil {
				return nil, err
			}
			for c := Callback(0); c < NumCallbacks; c++ {
				if pv := pf.val[c.String()]; pv != nil {
					if h.PerFolio[c], err = p.duration(pv, "per_folio."+c.String()); err != nil {
						return nil, err
					}
					if t := h.PerFolio[c]; t > 0 && h.Folios() > int64(maxDuration/t) {
						return nil, p.errf(pv, "per_folio.%s: %d folios x %s exceeds the maximum duration of %s", c, h.Folios(), FormatDuration(t), FormatDuration(maxDuration))
					}
				}
			}
		}
		if v := f.val["flbs"]; v != nil {
			names, err := p.list(v, "flbs")
			if err != nil {
				return nil, err
			}
			for _, nn := range names {
				name, err := p.ident(nn, "flbs")
				if err != nil {
					return nil, err
				}
				if slices.Contains(h.FLBs, name) {
					return nil, p.errf(nn, "FLB %q listed twice", name)
				}
				h.FLBs = append(h.FLBs, name)
				refs = append(refs, nn)
			}
		}
		s.Handlers = append(s.Handlers, h)
	}
	return refs, nil
}

func (p *parser) flbs(n *yaml.Node) ([]FLB, error) {
	items, err := p.list(n, "flbs")
	if err != nil {
		return nil, err
	}
	if len(items) > MaxHandlers {
		return nil, p.errf(items[MaxHandlers], "flbs: more than %d", MaxHandlers)
	}
	var out []FLB
	for _, it := range items {
		f, err := p.mapping(it, "flb", flbKeys)
		if err != nil {
			return nil, err
		}
		if !f.has("name") {
			return nil, p.errf(it, "flb: missing name")
		}
		b := FLB{Module: Builtin}
		if b.Name, err = p.ident(f.val["name"], "flb name"); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(o FLB) bool { return o.Name == b.Name }) {
			return nil, p.errf(f.val["name"], "FLB %q defined twice", b.Name)
		}
		if v := f.val["module"]; v != nil {
			if b.Module, err = p.ident(v, "module"); err != nil {
				return nil, err
			}
		}
		for _, c := range flbCallbacks {
			if v := f.val[c.String()]; v != nil {
				if b.Cost[c], err = p.cost(v, c.String()); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, b)
	}
	return out, nil
}

func (p *parser) sessions(n *yaml.Node, handlers []Handler) (Sessions, error) {
	f, err := p.mapping(n, "sessions", sessionKeys)
	if err != nil {
		return Sessions{}, err
	}
	var s Sessions
	if !f.has("count") {
		return s, p.errf(n, "sessions: missing count")
	}
	c, err := p.integer(f.val["count"], "sessions.count", 1, MaxSessions)
	if err != nil {
		return s, err
	}
	s.Count = int(c)
	if !f.has("files") {
		return s, p.errf(n, "sessions: missing files")
	}
	items, err := p.list(f.val["files"], "sessions.files")
	if err != nil {
		return s, err
	}
	if len(items) == 0 {
		return s, p.errf(f.val["files"], "sessions.files: empty list")
	}
	for _, it := range items {
		g, err := p.mapping(it, "sessions.files entry", fileKeys)
		if err != nil {
			return s, err
		}
		for _, k := range fileKeys {
			if !g.has(k) {
				return s, p.errf(it, "sessions.files: missing %s (want {handler: NAME, count: N})", k)
			}
		}
		name, err := p.str(g.val["handler"], "sessions.files.handler")
		if err != nil {
			return s, err
		}
		if !slices.ContainsFunc(handlers, func(h Handler) bool { return h.Name == name }) {
			return s, p.errf(g.val["handler"], "unknown handler %q", name)
		}
		if slices.ContainsFunc(s.Files, func(o FileGroup) bool { return o.Handler == name }) {
			return s, p.errf(g.val["handler"], "handler %q listed twice in sessions.files", name)
		}
		k, err := p.integer(g.val["count"], "sessions.files.count", 1, MaxFilesPerSession)
		if err != nil {
			return s, err
		}
		s.Files = append(s.Files, FileGroup{Handler: name, Count: int(k)})
		if fps := s.FilesPerSession(); fps > MaxFilesPerSession {
			return s, p.errf(g.val["count"], "sessions: %d files per session exceed the maximum of %d", fps, MaxFilesPerSession)
		}
	}
	if total := int64(s.Count) * int64(s.FilesPerSession()); total > MaxFilesTotal {
		return s, p.errf(f.val["count"], "sessions: %d sessions x %d files = %d files exceed the maximum of %d", s.Count, s.FilesPerSession(), total, MaxFilesTotal)
	}
	return s, nil
}

func (p *parser) workload(n *yaml.Node) (Workload, error) {
	w := Workload{Kind: Lifecycle}
	if n == nil {
		return w, nil
	}
	f, err := p.mapping(n, "workload", workloadKeys)
	if err != nil {
		return w, err
	}
	if v := f.val["kind"]; v != nil {
		if w.Kind, err = p.str(v, "workload.kind"); err != nil {
			return w, err
		}
		if w.Kind != Lifecycle && w.Kind != Steady {
			return w, p.errf(v, "unknown workload kind %q (want lifecycle or steady)", w.Kind)
		}
	}
	if w.Kind == Lifecycle {
		for _, k := range workloadKeys[1:] {
			if f.has(k) {
				return w, p.errf(f.key[k], "workload.%s is only for steady workloads", k)
			}
		}
		return w, nil
	}
	w.Arrival = Arrival{Kind: Closed}
	if v := f.val["arrival"]; v != nil {
		if w.Arrival, err = p.arrival(v); err != nil {
			return w, err
		}
	}
	w.Mix = []MixEntry{{Op: "preserve", Weight: 1}}
	if v := f.val["mix"]; v != nil {
		if w.Mix, err = p.mix(v); err != nil {
			return w, err
		}
	}
	w.Duration = DefaultDuration
	if v := f.val["duration"]; v != nil {
		if w.Duration, err = p.duration(v, "workload.duration"); err != nil {
			return w, err
		}
		if w.Duration <= 0 {
			return w, p.errf(v, "workload.duration must be positive")
		}
	}
	w.Warmup = w.Duration / 10
	if v := f.val["warmup"]; v != nil {
		if w.Warmup, err = p.duration(v, "workload.warmup"); err != nil {
			return w, err
		}
		if w.Warmup >= w.Duration {
			return w, p.errf(v, "workload.warmup %s must be shorter than the duration %s", FormatDuration(w.Warmup), FormatDuration(w.Duration))
		}
	}
	return w, nil
}

func (p *parser) arrival(n *yaml.Node) (Arrival, error) {
	var a Arrival
	if n.Kind != yaml.MappingNode {
		return a, p.errf(n, "workload.arrival: want {kind: closed, think: DIST} or {kind: open, rate: N/s}, got %s", describe(n))
	}
	kind := Closed
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "kind" {
			var err error
			if kind, err = p.str(n.Content[i+1], "arrival.kind"); err != nil {
				return a, err
			}
			if kind != Closed && kind != Open {
				return a, p.errf(n.Content[i+1], "unknown arrival kind %q (want closed or open)", kind)
			}
			break
		}
	}
	a.Kind = kind
	if kind == Closed {
		f, err := p.mapping(n, "closed arrival", []string{"kind", "think"})
		if err != nil {
			return a, err
		}
		if v := f.val["think"]; v != nil {
			if a.Think, err = p.cost(v, "think"); err != nil {
				return a, err
			}
		}
		return a, nil
	}
	f, err := p.mapping(n, "open arrival", []string{"kind", "rate"})
	if err != nil {
		return a, err
	}
	if !f.has("rate") {
		return a, p.errf(n, "open arrival: missing rate")
	}
	a.Rate, err = p.rate(f.val["rate"], "arrival.rate")
	return a, err
}

func (p *parser) mix(n *yaml.Node) ([]MixEntry, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, "workload.mix: want a mapping {op: weight}, got %s", describe(n))
	}
	// Report an op that exists but is not supported yet before the generic
	// unknown-key message.
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind == yaml.ScalarNode && slices.Contains(scenarioOps, k.Value) && !slices.Contains(steadyOps, k.Value) {
			return nil, p.errf(k, "op %q is not supported by steady workloads yet (only %s)", k.Value, strings.Join(steadyOps, ", "))
		}
	}
	f, err := p.mapping(n, "workload.mix", steadyOps)
	if err != nil {
		return nil, err
	}
	var mix []MixEntry
	sum := 0.0
	for _, op := range scenarioOps {
		v := f.val[op]
		if v == nil {
			continue
		}
		w, err := p.float(v, "mix."+op, 0, math.Inf(1))
		if err != nil {
			return nil, err
		}
		sum += w
		mix = append(mix, MixEntry{Op: op, Weight: w})
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return nil, p.errf(n, "workload.mix: weights must sum to a positive finite number")
	}
	return mix, nil
}

func (p *parser) faults(n *yaml.Node, s *Scenario) (Faults, error) {
	var fl Faults
	f, err := p.mapping(n, "faults", faultKeys)
	if err != nil {
		return fl, err
	}
	v := f.val["rmmod"]
	if v == nil {
		return fl, nil
	}
	r, err := p.mapping(v, "faults.rmmod", rmmodKeys)
	if err != nil {
		return fl, err
	}
	for _, k := range rmmodKeys {
		if !r.has(k) {
			return fl, p.errf(v, "faults.rmmod: missing %s (want {rate: N/s, modules: [NAME, ...]})", k)
		}
	}
	if fl.RmmodRate, err = p.rate(r.val["rate"], "rmmod.rate"); err != nil {
		return fl, err
	}
	items, err := p.list(r.val["modules"], "rmmod.modules")
	if err != nil {
		return fl, err
	}
	if len(items) == 0 {
		return fl, p.errf(r.val["modules"], "rmmod.modules: empty list")
	}
	known := func(m string) bool {
		for _, h := range s.Handlers {
			if h.Module == m || h.FileOwner == m {
				return true
			}
		}
		for _, b := range s.FLBs {
			if b.Module == m {
				return true
			}
		}
		return false
	}
	for _, it := range items {
		m, err := p.str(it, "rmmod.modules")
		if err != nil {
			return fl, err
		}
		switch {
		case m == Builtin:
			return fl, p.errf(it, "rmmod: builtin code cannot be unloaded")
		case !known(m):
			return fl, p.errf(it, "rmmod: unknown module %q (not the module or file_owner of any handler or FLB)", m)
		case slices.Contains(fl.RmmodModules, m):
			return fl, p.errf(it, "rmmod: module %q listed twice", m)
		}
		fl.RmmodModules = append(fl.RmmodModules, m)
	}
	return fl, nil
}

func (p *parser) limits(n *yaml.Node) (Limits, error) {
	var l Limits
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && n.Value == "none" {
		return l, nil
	}
	if n.Kind != yaml.MappingNode {
		return l, p.errf(n, "limits: want none or {files_per_session: N, sessions: N}, got %s", describe(n))
	}
	f, err := p.mapping(n, "limits", limitKeys)
	if err != nil {
		return l, err
	}
	if v := f.val["files_per_session"]; v != nil {
		k, err := p.integer(v, "limits.files_per_session", 1, MaxFilesPerSession)
		if err != nil {
			return l, err
		}
		l.FilesPerSession = int(k)
	}
	if v := f.val["sessions"]; v != nil {
		k, err := p.integer(v, "limits.sessions", 1, MaxSessions)
		if err != nil {
			return l, err
		}
		l.Sessions = int(k)
	}
	return l, nil
}
