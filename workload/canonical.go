package workload

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
)

// The canonical form of a scenario is a tree of ordered mappings, lists
// and scalars built once (canonicalTree) and written either as YAML or as JSON, so
// that both carry the same keys in the same order.

type treeKind uint8

const (
	tText treeKind = iota // free text: YAML plain when safe, else quoted; JSON string
	tLit                  // a unit literal ("400us", "1000/s", "4GiB", "none"): YAML plain; JSON string
	tNum                  // a number: plain in both
	tMap
	tList
)

type ctree struct {
	kind treeKind
	s    string
	keys []string
	vals []*ctree
	flow bool // YAML flow style ({...}, [...])
}

func ctext(s string) *ctree             { return &ctree{kind: tText, s: s} }
func clit(s string) *ctree              { return &ctree{kind: tLit, s: s} }
func cnum(s string) *ctree              { return &ctree{kind: tNum, s: s} }
func cint(i int) *ctree                 { return cnum(strconv.Itoa(i)) }
func cfloat(f float64) *ctree           { return cnum(strconv.FormatFloat(f, 'g', -1, 64)) }
func cdur(t sim.Time) *ctree            { return clit(FormatDuration(t)) }
func cmap(flow bool) *ctree             { return &ctree{kind: tMap, flow: flow} }
func clist(flow bool) *ctree            { return &ctree{kind: tList, flow: flow} }
func (t *ctree) add(k string, v *ctree) { t.keys, t.vals = append(t.keys, k), append(t.vals, v) }
func (t *ctree) push(v *ctree)          { t.vals = append(t.vals, v) }

// canonicalTree returns the canonical tree of s: every default filled in, keys in
// the order of product.md §3.
func (s *Scenario) canonicalTree() *ctree {
	root := cmap(false)
	root.add("name", ctext(s.Name))
	root.add("seed", cnum(strconv.FormatUint(s.Seed, 10)))
	root.add("replications", cint(s.Replications))

	if len(s.Machine.Overrides) == 0 {
		root.add("machine", ctext(s.Machine.Base))
	} else {
		m := cmap(true)
		m.add("base", ctext(s.Machine.Base))
		for _, o := range s.Machine.Overrides {
			m.add(o.Key, cdur(o.Value))
		}
		root.add("machine", m)
	}

	cpus := clist(true)
	for _, c := range s.CPUs {
		cpus.push(cint(c))
	}
	root.add("cpus", cpus)

	designs := clist(true)
	for _, d := range s.Designs {
		if preset, ok := lockmodels.LookupDesign(d.Name); ok && preset == d {
			designs.push(ctext(d.Name))
			continue
		}
		m := cmap(true)
		m.add("session", ctext(d.Session.String()))
		m.add("refcount", ctext(d.Refcount.String()))
		m.add("registry", ctext(d.Registry.String()))
		designs.push(m)
	}
	root.add("designs", designs)

	handlers := clist(false)
	for i := range s.Handlers {
		h := &s.Handlers[i]
		m := cmap(false)
		m.add("name", ctext(h.Name))
		m.add("module", ctext(h.Module))
		m.add("file_owner", ctext(h.FileOwner))
		for c := Callback(0); c < NumCallbacks; c++ {
			if !isZeroCost(h.Cost[c]) {
				m.add(c.String(), distCTree(h.Cost[c]))
			}
		}
		if h.Memory > 0 {
			m.add("memory", clit(FormatBytes(h.Memory)))
			m.add("folio_size", clit(FormatBytes(h.FolioSize)))
			pf := cmap(true)
			for c := Callback(0); c < NumCallbacks; c++ {
				if h.PerFolio[c] != 0 {
					pf.add(c.String(), cdur(h.PerFolio[c]))
				}
			}
			if len(pf.keys) > 0 {
				m.add("per_folio", pf)
			}
		}
		if len(h.FLBs) > 0 {
			l := clist(true)
			for _, b := range h.FLBs {
				l.push(ctext(b))
			}
			m.add("flbs", l)
		}
		handlers.push(m)
	}
	root.add("handlers", handlers)

	flbs := clist(false)
	for i := range s.FLBs {
		b := &s.FLBs[i]
		m := cmap(false)
		m.add("name", ctext(b.Name))
		m.add("module", ctext(b.Module))
		for _, c := range flbCallbacks {
			if !isZeroCost(b.Cost[c]) {
				m.add(c.String(), distCTree(b.Cost[c]))
			}
		}
		flbs.push(m)
	}
	root.add("flbs", flbs)

	sess := cmap(false)
	sess.add("count", cint(s.Sessions.Count))
	files := clist(false)
	for _, g := range s.Sessions.Files {
		m := cmap(true)
		m.add("handler", ctext(g.Handler))
		m.add("count", cint(g.Count))
		files.push(m)
	}
	sess.add("files", files)
	root.add("sessions", sess)

	w := cmap(false)
	w.add("kind", ctext(s.Workload.Kind))
	if s.Workload.Kind == Steady {
		a := cmap(true)
		a.add("kind", ctext(s.Workload.Arrival.Kind))
		if s.Workload.Arrival.Kind == Open {
			a.add("rate", clit(FormatRate(s.Workload.Arrival.Rate)))
		} else {
			a.add("think", distCTree(s.Workload.Arrival.Think))
		}
		w.add("arrival", a)
		mix := cmap(true)
		for _, e := range s.Workload.Mix {
			mix.add(e.Op, cfloat(e.Weight))
		}
		w.add("mix", mix)
		w.add("duration", cdur(s.Workload.Duration))
		w.add("warmup", cdur(s.Workload.Warmup))
	}
	root.add("workload", w)

	faults := cmap(false)
	if s.Faults.RmmodRate > 0 {
		r := cmap(true)
		r.add("rate", clit(FormatRate(s.Faults.RmmodRate)))
		mods := clist(true)
		for _, m := range s.Faults.RmmodModules {
			mods.push(ctext(m))
		}
		r.add("modules", mods)
		faults.add("rmmod", r)
	}
	root.add("faults", faults)

	if s.Limits.None() {
		root.add("limits", clit("none"))
	} else {
		l := cmap(true)
		if s.Limits.FilesPerSession != 0 {
			l.add("files_per_session", cint(s.Limits.FilesPerSession))
		}
		if s.Limits.Sessions != 0 {
			l.add("sessions", cint(s.Limits.Sessions))
		}
		root.add("limits", l)
	}

	// Only a scenario with sweep axes has a sweep key, so that the
	// canonical form of every other scenario is what it was before sweeps.
	if len(s.Sweep) > 0 {
		sw := cmap(false)
		for _, a := range s.Sweep {
			k := s.axisKind(a.Path)
			lit := k != vCount && k != vReal
			l := clist(true)
			for _, v := range a.Values {
				if lit {
					l.push(clit(v.Text))
				} else {
					l.push(cnum(v.Text))
				}
			}
			sw.add(a.Path, l)
		}
		root.add("sweep", sw)
	}
	return root
}

// distCTree returns d in scenario syntax as a flow mapping. sim.Dist keeps
// its parameters private; its String method prints them (durations in
// time.Duration syntax, which time.ParseDuration reads back exactly).
func distCTree(d sim.Dist) *ctree {
	kind := d.Kind()
	m := cmap(true)
	m.add("dist", clit(kind.String()))
	params := distParams(d)
	switch kind {
	case sim.DistEmpirical:
		l := clist(true)
		for _, v := range params["values"] {
			l.push(cdur(v))
		}
		m.add("values", l)
	default:
		for _, k := range distKeys[kind] {
			if k == "cv" {
				m.add("cv", cfloat(d.CV()))
				continue
			}
			v, ok := params[k]
			if !ok || len(v) != 1 {
				// sim.Dist.String changed: fall back to the mean.
				v = []sim.Time{sim.Time(math.Round(d.Mean()))}
			}
			m.add(k, cdur(v[0]))
		}
	}
	return m
}

// distParams parses the duration parameters out of d.String(), e.g.
// "{dist: uniform, min: 1µs, max: 2µs}" or
// "{dist: empirical, values: [1µs, 2µs]}".
func distParams(d sim.Dist) map[string][]sim.Time {
	s := strings.TrimSuffix(strings.TrimPrefix(d.String(), "{"), "}")
	out := map[string][]sim.Time{}
	if _, vals, ok := strings.Cut(s, "values: ["); ok {
		vals = strings.TrimSuffix(vals, "]")
		for _, v := range strings.Split(vals, ", ") {
			t, err := time.ParseDuration(v)
			if err != nil {
				return out
			}
			out["values"] = append(out["values"], sim.Time(t))
		}
		return out
	}
	for _, kv := range strings.Split(s, ", ") {
		k, v, ok := strings.Cut(kv, ": ")
		if !ok || k == "dist" || k == "cv" {
			continue
		}
		if t, err := time.ParseDuration(v); err == nil {
			out[k] = []sim.Time{sim.Time(t)}
		}
	}
	return out
}

// CanonicalYAML returns s as a scenario file with every default filled in
// and keys in the fixed order of product.md §3: durations in FormatDuration
// form, distributions as flow mappings, callbacks that cost nothing
// omitted, limits none when there are none. Parse reads it back to a
// scenario with byte-identical canonical YAML.
func (s *Scenario) CanonicalYAML() []byte {
	var b bytes.Buffer
	writeYAMLBlock(&b, s.canonicalTree(), 0)
	return b.Bytes()
}

// CanonicalJSON returns the canonical tree of CanonicalYAML as compact
// JSON, with the keys in the same order. Unit literals (durations, rates,
// sizes, "none") are JSON strings.
func (s *Scenario) CanonicalJSON() []byte {
	var b bytes.Buffer
	writeJSON(&b, s.canonicalTree())
	return b.Bytes()
}

// SHA256 returns the hex SHA-256 of CanonicalJSON: the scenario's identity
// in result files.
func (s *Scenario) SHA256() string {
	sum := sha256.Sum256(s.CanonicalJSON())
	return hex.EncodeToString(sum[:])
}

// writeYAMLBlock writes the block mapping t at the given indentation.
func writeYAMLBlock(b *bytes.Buffer, t *ctree, indent int) {
	pad := strings.Repeat(" ", indent)
	for i, k := range t.keys {
		if i > 0 || b.Len() == 0 || b.Bytes()[b.Len()-1] == '\n' {
			b.WriteString(pad)
		}
		b.WriteString(k)
		b.WriteByte(':')
		writeYAMLValue(b, t.vals[i], indent)
	}
}

// writeYAMLValue writes v after "key:" and ends the line.
func writeYAMLValue(b *bytes.Buffer, v *ctree, indent int) {
	switch {
	case v.kind == tMap && !v.flow && len(v.keys) > 0:
		b.WriteByte('\n')
		writeYAMLBlock(b, v, indent+2)
	case v.kind == tList && !v.flow && len(v.vals) > 0:
		b.WriteByte('\n')
		pad := strings.Repeat(" ", indent+2)
		for _, it := range v.vals {
			b.WriteString(pad + "- ")
			if it.kind == tMap && !it.flow && len(it.keys) > 0 {
				writeYAMLBlock(b, it, indent+4)
			} else {
				writeYAMLFlow(b, it)
				b.WriteByte('\n')
			}
		}
	default:
		b.WriteByte(' ')
		writeYAMLFlow(b, v)
		b.WriteByte('\n')
	}
}

// writeYAMLFlow writes v on one line.
func writeYAMLFlow(b *bytes.Buffer, v *ctree) {
	switch v.kind {
	case tText:
		b.WriteString(yamlString(v.s))
	case tLit, tNum:
		b.WriteString(v.s)
	case tMap:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k + ": ")
			writeYAMLFlow(b, v.vals[i])
		}
		b.WriteByte('}')
	case tList:
		b.WriteByte('[')
		for i, it := range v.vals {
			if i > 0 {
				b.WriteString(", ")
			}
			writeYAMLFlow(b, it)
		}
		b.WriteByte(']')
	}
}

// yamlString returns s as a YAML scalar that reads back as the string s,
// in block and in flow context: plain when that is unambiguous, else
// double-quoted (Go's escapes are a subset of YAML's).
func yamlString(s string) string {
	if plainSafe(s) {
		return s
	}
	return strconv.Quote(s)
}

func plainSafe(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '_', r == '.', r == '/', r == '+', r == '-' && i > 0, r == ' ' && i > 0:
		default:
			return false
		}
	}
	// The character set leaves out every indicator; what remains is to be
	// sure the YAML resolver reads s as a string and not as a number,
	// boolean or null ("1e3", "true", "null", ".inf").
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s), &n); err != nil || len(n.Content) != 1 {
		return false
	}
	c := n.Content[0]
	return c.Kind == yaml.ScalarNode && c.ShortTag() == "!!str" && c.Value == s
}

func writeJSON(b *bytes.Buffer, v *ctree) {
	switch v.kind {
	case tText, tLit:
		q, _ := json.Marshal(v.s) // a string never fails
		b.Write(q)
	case tNum:
		b.WriteString(v.s)
	case tMap:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			q, _ := json.Marshal(k)
			b.Write(q)
			b.WriteByte(':')
			writeJSON(b, v.vals[i])
		}
		b.WriteByte('}')
	case tList:
		b.WriteByte('[')
		for i, it := range v.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, it)
		}
		b.WriteByte(']')
	}
}
