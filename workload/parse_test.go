package workload

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
)

func mustParse(t *testing.T, in string) *Scenario {
	t.Helper()
	s, err := Parse("t.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseDefaults(t *testing.T) {
	s := mustParse(t, base)
	if s.Name != "unnamed" || s.Seed != 1 || s.Replications != 3 {
		t.Errorf("name, seed, replications = %q, %d, %d", s.Name, s.Seed, s.Replications)
	}
	if s.Machine.Base != "xeon2s-icx" || len(s.Machine.Overrides) != 0 || s.Machine.Profile == nil || s.Machine.Profile.Name != "xeon2s-icx" {
		t.Errorf("machine = %+v", s.Machine)
	}
	if !reflect.DeepEqual(s.CPUs, []int{1, 2, 4, 8, 16, 32, 64}) {
		t.Errorf("cpus = %v", s.CPUs)
	}
	var names []string
	for _, d := range s.Designs {
		names = append(names, d.Name)
	}
	if !reflect.DeepEqual(names, []string{"v0-pinned", "v1-per-file", "v2-no-refcount", "v3-merged", "global-mutex"}) {
		t.Errorf("designs = %v", names)
	}
	h := s.Handlers[0]
	if h.Name != "h" || h.Module != "m" || h.FileOwner != "m" || h.Memory != 0 || h.FolioSize != 0 || len(h.FLBs) != 0 {
		t.Errorf("handler = %+v", h)
	}
	if h.Cost[Preserve].Kind() != sim.DistConst || h.Cost[Preserve].Mean() != 1000 || !reflect.DeepEqual(h.Cost[Retrieve], sim.Dist{}) {
		t.Errorf("handler costs = %v", h.Cost)
	}
	if s.FLBs != nil || s.Workload.Kind != Lifecycle || s.Faults.RmmodRate != 0 || !s.Limits.None() {
		t.Errorf("flbs, workload, faults, limits = %v, %+v, %+v, %+v", s.FLBs, s.Workload, s.Faults, s.Limits)
	}
	if s.Sessions.Count != 2 || s.Sessions.FilesPerSession() != 1 {
		t.Errorf("sessions = %+v", s.Sessions)
	}
}

func TestParseSteadyDefaults(t *testing.T) {
	s := mustParse(t, base+"workload: {kind: steady}\n")
	w := s.Workload
	want := Workload{Kind: Steady, Arrival: Arrival{Kind: Closed}, Mix: []MixEntry{{"preserve", 1}},
		Duration: 100 * sim.Millisecond, Warmup: 10 * sim.Millisecond}
	if !reflect.DeepEqual(w, want) {
		t.Errorf("workload = %+v, want %+v", w, want)
	}
	s = mustParse(t, base+"workload: {kind: steady, duration: 7ms, arrival: {kind: open, rate: 1.5e6/s}}\n")
	if s.Workload.Warmup != 700*sim.Microsecond || s.Workload.Arrival.Kind != Open || s.Workload.Arrival.Rate != 1.5e6 {
		t.Errorf("workload = %+v", s.Workload)
	}
}

func TestParseFull(t *testing.T) {
	s := mustParse(t, `name: "full: test"   # quoted because of the colon
seed: 18446744073709551615
replications: 1
machine: {base: ideal, rmw: 6ns, line_transfer: 50ns, line_remote: 200ns}
cpus: 4
designs: [{session: global, refcount: percpu, registry: rcu}, v3-merged]
handlers:
  - name: mem
    memory: 1MiB
    per_folio: {preserve: 10ns}
    flbs: [core]
  - name: dev
    module: vfio_pci
    file_owner: vfio
    preserve: {dist: normal, mean: 0, sd: 1us}
    freeze: {dist: const, value: 0}
    retrieve: {dist: empirical, values: [1us, 0, 2.5us]}
    finish: {dist: uniform, min: 1ns, max: 1ms}
    can_preserve: {dist: h2, mean: 1us, cv: 4}
flbs:
  - name: core
    module: iommu
    finish: {dist: exp, mean: 1ms}
sessions: {count: 3, files: [{handler: dev, count: 2}, {handler: mem, count: 1}]}
faults: {rmmod: {rate: 0.5/s, modules: [vfio, iommu]}}
limits: {sessions: 744}
`)
	if s.Name != "full: test" || s.Seed != 1<<64-1 || s.Replications != 1 || !reflect.DeepEqual(s.CPUs, []int{4}) {
		t.Errorf("scenario = %+v", s)
	}
	wantOv := []Override{{"line_transfer", 50}, {"line_remote", 200}, {"rmw", 6}}
	if !reflect.DeepEqual(s.Machine.Overrides, wantOv) {
		t.Errorf("overrides = %v, want %v (OverrideKeys order)", s.Machine.Overrides, wantOv)
	}
	p := s.Machine.Profile
	if p.LineLLC != 50 || p.LineSocket != 50 || p.LineRemote != 200 || p.RMW != 6 {
		t.Errorf("profile = %+v", p)
	}
	if ideal, _ := lockmodels.LookupProfile("ideal"); ideal.RMW != 0 {
		t.Errorf("overrides leaked into the registered profile")
	}
	d := s.Designs[0]
	if d.Name != "global/percpu/rcu" || d.Description != "inline design" || d.Session != lockmodels.GlobalSession || d.Refcount != lockmodels.RefPercpu || d.Registry != lockmodels.RegRCU {
		t.Errorf("inline design = %+v", d)
	}
	mem := s.Handlers[0]
	if mem.Module != Builtin || mem.FileOwner != Builtin || mem.Memory != 1<<20 || mem.FolioSize != 4096 || mem.Folios() != 256 || mem.PerFolio[Preserve] != 10 {
		t.Errorf("mem = %+v", mem)
	}
	dev := s.Handlers[1]
	if !reflect.DeepEqual(dev.Cost[Freeze], sim.Dist{}) {
		t.Errorf("const 0 cost not normalised to the zero Dist: %v", dev.Cost[Freeze])
	}
	if s.FLBs[0].Module != "iommu" || s.Faults.RmmodRate != 0.5 || s.Limits != (Limits{Sessions: 744}) {
		t.Errorf("flbs, faults, limits = %+v, %+v, %+v", s.FLBs, s.Faults, s.Limits)
	}
	checkRoundTrip(t, s)
	want := `name: "full: test"
seed: 18446744073709551615
replications: 1
machine: {base: ideal, line_transfer: 50ns, line_remote: 200ns, rmw: 6ns}
cpus: [4]
designs: [{session: global, refcount: percpu, registry: rcu}, v3-merged]
handlers:
  - name: mem
    module: builtin
    file_owner: builtin
    memory: 1MiB
    folio_size: 4KiB
    per_folio: {preserve: 10ns}
    flbs: [core]
  - name: dev
    module: vfio_pci
    file_owner: vfio
    can_preserve: {dist: h2, mean: 1us, cv: 4}
    preserve: {dist: normal, mean: 0, sd: 1us}
    retrieve: {dist: empirical, values: [1us, 0, 2.5us]}
    finish: {dist: uniform, min: 1ns, max: 1ms}
flbs:
  - name: core
    module: iommu
    finish: {dist: exp, mean: 1ms}
sessions:
  count: 3
  files:
    - {handler: dev, count: 2}
    - {handler: mem, count: 1}
workload:
  kind: lifecycle
faults:
  rmmod: {rate: 0.5/s, modules: [vfio, iommu]}
limits: {sessions: 744}
`
	if got := string(s.CanonicalYAML()); got != want {
		t.Errorf("CanonicalYAML:\n%s\nwant:\n%s", got, want)
	}
}

// checkRoundTrip parses the canonical YAML of s and checks that it is a
// fixed point, and that the canonical JSON is valid JSON that parses back
// to the same scenario.
func checkRoundTrip(t *testing.T, s *Scenario) {
	t.Helper()
	c := s.CanonicalYAML()
	s2, err := Parse("canonical.yaml", c)
	if err != nil {
		t.Fatalf("canonical YAML does not parse: %v\n%s", err, c)
	}
	if c2 := s2.CanonicalYAML(); !bytes.Equal(c, c2) {
		t.Fatalf("canonical YAML is not a fixed point:\n%s\nthen:\n%s", c, c2)
	}
	j := s.CanonicalJSON()
	if !json.Valid(j) {
		t.Fatalf("invalid canonical JSON: %s", j)
	}
	if !bytes.Equal(j, s2.CanonicalJSON()) || s.SHA256() != s2.SHA256() {
		t.Fatalf("canonical JSON differs after a round trip")
	}
	// JSON is YAML: the canonical JSON parses back to the same scenario.
	s3, err := Parse("canonical.json", j)
	if err != nil {
		t.Fatalf("canonical JSON does not parse: %v\n%s", err, j)
	}
	if s3.SHA256() != s.SHA256() {
		t.Fatalf("canonical JSON parses to another scenario:\n%s\nthen:\n%s", j, s3.CanonicalJSON())
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	for _, in := range []string{
		base,
		base + "workload: {kind: steady, arrival: {kind: open, rate: 123456.5/s}, mix: {preserve: 0.25}, duration: 1.000001s, warmup: 0}\n",
		base + "workload: {kind: steady, arrival: {kind: closed, think: {dist: lognormal, mean: 0, cv: 0}}}\n",
		"name: 'true'\n" + base,
		"name: \"with \\\"quotes\\\" and é\"\n" + base,
		"name: \"123\"\n" + base,
		"name: \"- dash\"\n" + base,
		"designs: [{session: per-session, refcount: none, registry: quiesce}]\n" + base,
		"machine: {base: laptop-tgl, serialize: 0}\n" + base,
		"cpus: [64, 1, 4096]\n" + base,
		"limits: {files_per_session: 128, sessions: 744}\n" + base,
		"limits: {}\n" + base,
		"faults: {}\n" + base,
		"flbs: []\n" + base,
		"handlers:\n  - name: \"1e3\"\n    module: \"null\"\nsessions: {count: 1, files: [{handler: \"1e3\", count: 1}]}\nfaults: {rmmod: {rate: 1/s, modules: [\"null\"]}}\n",
	} {
		s := mustParse(t, in)
		checkRoundTrip(t, s)
	}
}

func TestCanonicalJSONOrder(t *testing.T) {
	s := Default()
	j := string(s.CanonicalJSON())
	last := -1
	for _, k := range topKeys[:len(topKeys)-1] { // no sweep
		i := strings.Index(j, `"`+k+`":`)
		if i <= last {
			t.Errorf("key %q out of order in %s", k, j)
		}
		last = i
	}
	if len(s.SHA256()) != 64 {
		t.Errorf("SHA256 = %q", s.SHA256())
	}
}

func TestEmbedded(t *testing.T) {
	names := EmbeddedNames()
	if !reflect.DeepEqual(names, []string{"steady-contention", "vm-fleet"}) {
		t.Fatalf("EmbeddedNames = %v", names)
	}
	for _, n := range names {
		s, err := Embedded(n)
		if err != nil {
			t.Fatal(err)
		}
		if s.Name != n {
			t.Errorf("%s: name %q", n, s.Name)
		}
		if s.Replications < 3 {
			t.Errorf("%s: %d replications, product.md wants at least 3", n, s.Replications)
		}
		checkRoundTrip(t, s)
	}
	if _, err := Embedded("nope"); err == nil {
		t.Error("Embedded(nope) succeeded")
	}
	if _, err := Embedded("../parse"); err == nil {
		t.Error("Embedded(../parse) succeeded")
	}
	d := Default()
	if d.Name != "vm-fleet" || len(d.Handlers) != 3 || d.Sessions.FilesPerSession() != 7 || d.Faults.RmmodRate != 1000 {
		t.Errorf("Default = %+v", d)
	}
	if vf := d.Handlers[2]; vf.Module != "vfio_pci" || vf.FileOwner != "vfio" || vf.Cost[Freeze].Mean() != 100e6 {
		t.Errorf("vfio-pci = %+v", vf)
	}
	if mem := d.Handlers[0]; mem.Folios() != 2048 {
		t.Errorf("memfd folios = %d", mem.Folios())
	}
}

// TestNoPanicOnCrafted covers inputs that reach the sim constructors'
// panics if validation is missing.
func TestNoPanicOnCrafted(t *testing.T) {
	for _, in := range []string{
		"handlers:\n  - name: h\n    preserve: {dist: lognormal, mean: 1us, cv: .nan}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n",
		"handlers:\n  - name: h\n    preserve: {dist: h2, mean: 1us, cv: .inf}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n",
		"handlers:\n  - name: h\n    preserve: {dist: empirical, values: [1us, -1us]}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n",
		"handlers:\n  - name: h\n    preserve: {dist: const}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n",
		"handlers:\n  - name: h\n    preserve: {dist: const, value: 1us, value: 2us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n",
		"handlers:\n  - name: h\n    preserve: {value: 1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n",
		"handlers:\n  - name: h\n    memory: 8EiB\n",
		"handlers:\n  - name: h\n    memory: 4GiB\n    folio_size: 1\n    per_folio: {preserve: 1s}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n",
		base + "workload: {kind: steady, mix: {preserve: 1e308, preserve: 1e308}}\n",
		base + "workload: {kind: steady, mix: {preserve: 1.7976931348623157e308}, duration: 1000000s}\n",
		"? [a, b]\n: c\n",
		"{}",
		"[]",
		"42",
		"!!binary aGVsbG8=",
	} {
		if _, err := Parse("x.yaml", []byte(in)); err == nil && !strings.Contains(in, "1.7976931348623157e308") {
			t.Errorf("Parse(%q) succeeded", in)
		}
	}
}
