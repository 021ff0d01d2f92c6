package workload

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/luosim/luosim/lockmodels"
)

// sweepBase has a field of every sweepable kind; a handler name with a
// dot; callbacks not given; a machine override.
const sweepBase = `name: sw
machine: {base: xeon2s-icx, line_remote: 300ns}
cpus: [1, 4]
designs: [v3-merged]
replications: 1
handlers:
  - name: mem.fd
    memory: 1MiB
    per_folio: {preserve: 10ns}
    preserve: {dist: lognormal, mean: 10us, cv: 0.5}
    retrieve: {dist: uniform, min: 1us, max: 5us}
  - name: dev
    module: vfio_pci
    file_owner: vfio
    preserve: {dist: h2, mean: 2us, cv: 2}
    unpreserve: {dist: normal, mean: 1us, sd: 500ns}
    finish: {dist: empirical, values: [1us, 2us]}
    flbs: [core]
flbs:
  - name: core
    preserve: {dist: exp, mean: 5us}
sessions:
  count: 4
  files: [{handler: mem.fd, count: 2}, {handler: dev, count: 1}]
workload: {kind: steady, arrival: {kind: closed, think: {dist: exp, mean: 10us}}, mix: {preserve: 1}, duration: 2ms, warmup: 200us}
faults: {rmmod: {rate: 1000/s, modules: [vfio_pci]}}
limits: {sessions: 100}
`

// TestSweepResolve: every path shape resolves to the right kind of
// value, and paths that name no numeric field say why.
func TestSweepResolve(t *testing.T) {
	s := mustParse(t, sweepBase)
	open := mustParse(t, strings.Replace(sweepBase, "{kind: closed, think: {dist: exp, mean: 10us}}", "{kind: open, rate: 1000/s}", 1))
	life := mustParse(t, strings.Replace(sweepBase, "workload: {kind: steady, arrival: {kind: closed, think: {dist: exp, mean: 10us}}, mix: {preserve: 1}, duration: 2ms, warmup: 200us}", "workload: {kind: lifecycle}", 1))
	noFaults := mustParse(t, strings.Replace(sweepBase, "faults: {rmmod: {rate: 1000/s, modules: [vfio_pci]}}\n", "", 1))
	for _, tt := range []struct {
		sc   *Scenario
		path string
		kind valueKind
		err  string
	}{
		{s, "sessions.count", vCount, ""},
		{s, "sessions.files.mem.fd.count", vCount, ""},
		{s, "sessions.files.dev.count", vCount, ""},
		{s, "handlers.mem.fd.preserve.mean", vDuration, ""},
		{s, "handlers.mem.fd.preserve.cv", vReal, ""},
		{s, "handlers.mem.fd.retrieve.min", vDuration, ""},
		{s, "handlers.mem.fd.retrieve.max", vDuration, ""},
		{s, "handlers.dev.preserve.cv", vReal, ""},
		{s, "handlers.dev.unpreserve.sd", vDuration, ""},
		{s, "handlers.dev.freeze.value", vDuration, ""}, // not given: the constant 0
		{s, "handlers.dev.can_preserve.value", vDuration, ""},
		{s, "handlers.mem.fd.memory", vSize, ""},
		{s, "handlers.dev.memory", vSize, ""},
		{s, "handlers.mem.fd.folio_size", vSize, ""},
		{s, "handlers.mem.fd.per_folio.retrieve", vDuration, ""},
		{s, "flbs.core.preserve.mean", vDuration, ""},
		{s, "flbs.core.finish.value", vDuration, ""},
		{s, "machine.line_transfer", vDuration, ""},
		{s, "machine.serialize", vDuration, ""},
		{s, "workload.duration", vDuration, ""},
		{s, "workload.warmup", vDuration, ""},
		{s, "workload.arrival.think.mean", vDuration, ""},
		{s, "workload.mix.preserve", vReal, ""},
		{s, "faults.rmmod.rate", vRate, ""},
		{s, "limits.sessions", vCount, ""},
		{s, "limits.files_per_session", vCount, ""},
		{open, "workload.arrival.rate", vRate, ""},

		{s, "cpus", 0, "not sweepable: cpus is an axis of its own: list its values in cpus"},
		{s, "designs", 0, "not sweepable: designs are an axis of their own: list them in designs"},
		{s, "replications", 0, "not sweepable: replications is the number of runs of each point, not a model parameter"},
		{s, "seed", 0, "not sweepable: seed is the root of every random stream, not a model parameter"},
		{s, "name", 0, "not sweepable: name is free text"},
		{s, "handlers.mem.fd.preserve.sd", 0, `the preserve cost of handler mem.fd is a lognormal distribution, whose parameters are mean and cv, not "sd"`},
		{s, "handlers.dev.freeze.mean", 0, `the freeze cost of handler dev is a const distribution (the constant 0), whose parameter is value, not "mean"`},
		{s, "handlers.dev.finish.values", 0, "the finish cost of handler dev is an empirical distribution: its values are a list, not one number"},
		{s, "handlers.dev.fly.mean", 0, `unknown callback "fly" (want one of can_preserve, preserve, unpreserve, freeze, unfreeze, retrieve, finish)`},
		{s, "handlers.memfd.preserve.mean", 0, `unknown handler "memfd" (want one of mem.fd, dev)`},
		{s, "handlers.mem.fd.module", 0, "not a sweepable numeric field (under handlers: handlers.HANDLER.CALLBACK.PARAM, handlers.HANDLER.memory, handlers.HANDLER.folio_size, handlers.HANDLER.per_folio.CALLBACK)"},
		{s, "flbs.core.freeze.value", 0, `unknown callback "freeze" (want one of preserve, unpreserve, retrieve, finish)`},
		{s, "flbs.iommu.preserve.mean", 0, `unknown FLB "iommu" (not in flbs)`},
		{s, "machine.base", 0, "the machine's base is a profile name, not a number"},
		{s, "machine.line_xfer", 0, `unknown machine key "line_xfer" (want one of line_transfer, line_llc, line_socket, line_remote, rmw, wakeup, idle_exit, ctx_switch, syscall, walk_step, lookup, alloc, kho_alloc, xarray, fd_install, serialize)`},
		{s, "workload.arrival.rate", 0, "the arrival is closed: rate is for open arrivals"},
		{open, "workload.arrival.think.mean", 0, "the arrival is open: think is for closed arrivals"},
		{s, "workload.mix.retrieve", 0, `op "retrieve" is not in steady workloads' mix (only preserve)`},
		{life, "workload.duration", 0, "workload.duration is only for steady workloads"},
		{noFaults, "faults.rmmod.rate", 0, "faults.rmmod is not set: give it a rate and modules"},
		{s, "sessions.files.nope.count", 0, `unknown handler "nope" (want one of mem.fd, dev)`},
		{mustParse(t, base), "sessions.files.h.count", vCount, ""},
		{s, "limits", 0, "not a sweepable numeric field (under limits: limits.sessions, limits.files_per_session)"},
		{s, "flbs", 0, "not a sweepable numeric field (under flbs: flbs.FLB.CALLBACK.PARAM)"},
		{s, "sweep", 0, "not a sweepable numeric field (nothing under sweep is)"},
		{s, "sessions", 0, "not a sweepable numeric field (under sessions: sessions.count, sessions.files.HANDLER.count)"},
		{s, "color", 0, "unknown path (want a numeric field by its keys: sessions.count, sessions.files.HANDLER.count, handlers.HANDLER.CALLBACK.PARAM, handlers.HANDLER.memory, handlers.HANDLER.folio_size, handlers.HANDLER.per_folio.CALLBACK, flbs.FLB.CALLBACK.PARAM, machine.KEY, workload.duration, workload.warmup, workload.arrival.rate, workload.arrival.think.PARAM, workload.mix.OP, faults.rmmod.rate, limits.sessions, limits.files_per_session)"},
	} {
		f, r := resolveSweep(tt.sc, tt.path)
		switch {
		case tt.err == "" && f == nil:
			t.Errorf("%s: %s", tt.path, r.msg)
		case tt.err == "" && f.kind != tt.kind:
			t.Errorf("%s: kind %d, want %d", tt.path, f.kind, tt.kind)
		case tt.err != "" && f != nil:
			t.Errorf("%s resolved", tt.path)
		case tt.err != "" && r.msg != tt.err:
			t.Errorf("%s:\ngot  %s\nwant %s", tt.path, r.msg, tt.err)
		}
	}
}

// TestSweepAmbiguous: handler names with dots can make a path name two
// fields; that is an error, not a guess.
func TestSweepAmbiguous(t *testing.T) {
	s := mustParse(t, `handlers:
  - name: a
  - name: a.memory
sessions: {count: 1, files: [{handler: a, count: 1}]}
`)
	// handlers.a.memory.memory is the memory of "a.memory"; nothing else.
	if f, r := resolveSweep(s, "handlers.a.memory.memory"); f == nil {
		t.Errorf("handlers.a.memory.memory: %s", r.msg)
	}
	s = mustParse(t, `handlers:
  - name: a
  - name: a.preserve
    preserve: {dist: exp, mean: 1us}
sessions: {count: 1, files: [{handler: a, count: 1}]}
`)
	if f, _ := resolveSweep(s, "handlers.a.preserve.preserve.mean"); f == nil {
		t.Errorf("handlers.a.preserve.preserve.mean did not resolve")
	}
	s = mustParse(t, `handlers:
  - name: a
  - name: a.b
sessions: {count: 1, files: [{handler: a, count: 1}]}
`)
	// handlers.a.b.memory: handler "a.b"'s memory; "a" has no callback b.
	if f, r := resolveSweep(s, "handlers.a.b.memory"); f == nil {
		t.Errorf("handlers.a.b.memory: %s", r.msg)
	}
}

// TestSweepPoints: the grid's order (CPU counts outermost, then the axes
// in file order, the last fastest) and its point keys.
func TestSweepPoints(t *testing.T) {
	s := mustParse(t, sweepBase+`sweep:
  sessions.count: [8, 2]
  handlers.mem.fd.preserve.mean: [100us, 1.5ms, 0]
`)
	var keys []string
	for _, pt := range s.Points() {
		keys = append(keys, pt.Key())
	}
	want := []string{
		"cpus=1/sessions.count=8/handlers.mem.fd.preserve.mean=100us",
		"cpus=1/sessions.count=8/handlers.mem.fd.preserve.mean=1.5ms",
		"cpus=1/sessions.count=8/handlers.mem.fd.preserve.mean=0",
		"cpus=1/sessions.count=2/handlers.mem.fd.preserve.mean=100us",
		"cpus=1/sessions.count=2/handlers.mem.fd.preserve.mean=1.5ms",
		"cpus=1/sessions.count=2/handlers.mem.fd.preserve.mean=0",
		"cpus=4/sessions.count=8/handlers.mem.fd.preserve.mean=100us",
		"cpus=4/sessions.count=8/handlers.mem.fd.preserve.mean=1.5ms",
		"cpus=4/sessions.count=8/handlers.mem.fd.preserve.mean=0",
		"cpus=4/sessions.count=2/handlers.mem.fd.preserve.mean=100us",
		"cpus=4/sessions.count=2/handlers.mem.fd.preserve.mean=1.5ms",
		"cpus=4/sessions.count=2/handlers.mem.fd.preserve.mean=0",
	}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	pt := s.Points()[4]
	if pt.CPUs != 1 || pt.Coords[0] != (Coord{"sessions.count", AxisValue{"2", 2}}) || pt.Coords[1] != (Coord{"handlers.mem.fd.preserve.mean", AxisValue{"1.5ms", 1.5e6}}) {
		t.Errorf("point 4 = %+v", pt)
	}
	if got, ok := s.LookupPoint(want[7]); !ok || got.Key() != want[7] {
		t.Errorf("LookupPoint(%s) = %v, %v", want[7], got.Key(), ok)
	}
	if _, ok := s.LookupPoint("cpus=1"); ok {
		t.Errorf("LookupPoint(cpus=1) found a point of a swept scenario")
	}

	// Every point is found by its key; rates drop their "/s" there, so
	// keys split cleanly into /path=value parts.
	r := mustParse(t, sweepBase+`sweep:
  faults.rmmod.rate: [1/s, 10/s, 0.5/s]
  workload.mix.preserve: [1, 2]
  limits.sessions: [1]
`)
	for _, pt := range r.Points() {
		got, ok := r.LookupPoint(pt.Key())
		if !ok || !reflect.DeepEqual(got, pt) {
			t.Errorf("LookupPoint(%s) = %+v, %v", pt.Key(), got, ok)
		}
	}
	if k := r.Points()[5].Key(); k != "cpus=1/faults.rmmod.rate=0.5/workload.mix.preserve=2/limits.sessions=1" {
		t.Errorf("key %s", k)
	}
	for _, k := range []string{
		"cpus=2/faults.rmmod.rate=1/workload.mix.preserve=1/limits.sessions=1",    // no such CPU count
		"cpus=01/faults.rmmod.rate=1/s/workload.mix.preserve=1/limits.sessions=1", // not canonical
		"cpus=1/faults.rmmod.rate=2/s/workload.mix.preserve=1/limits.sessions=1",  // no such value
		"cpus=1/faults.rmmod.rate=1/s/workload.mix.preserve=1/limits.sessions=1/", // trailing
		"cpus=1/faults.rmmod.rate=1/s/workload.mix.preserve=1",                    // an axis short
		"cpus=1/workload.mix.preserve=1/faults.rmmod.rate=1/s/limits.sessions=1",  // out of order
		"cpus=1",
		"",
	} {
		if pt, ok := r.LookupPoint(k); ok {
			t.Errorf("LookupPoint(%s) = %s", k, pt.Key())
		}
	}

	// Without sweep axes a point is its CPU count, and its key is what it
	// always was: every seed derives from it.
	d := Default()
	keys = nil
	for _, pt := range d.Points() {
		if pt.Coords != nil {
			t.Errorf("point %s has coordinates", pt.Key())
		}
		keys = append(keys, pt.Key())
	}
	if want := []string{"cpus=1", "cpus=2", "cpus=4", "cpus=8", "cpus=16", "cpus=32", "cpus=64"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("default keys = %v", keys)
	}
	if k := (Point{CPUs: 16}).Key(); k != "cpus=16" {
		t.Errorf("Key = %q", k)
	}
	if pt, ok := d.LookupPoint("cpus=16"); !ok || pt.CPUs != 16 {
		t.Errorf("LookupPoint(cpus=16) = %+v, %v", pt, ok)
	}
}

// TestSweepValuesCanonical: values keep the file's order and are stored
// in canonical form; equal values in two spellings are duplicates.
func TestSweepValuesCanonical(t *testing.T) {
	s := mustParse(t, sweepBase+`sweep:
  handlers.mem.fd.preserve.mean: [1000us, 2.50ms, 0, 7ns]
  handlers.mem.fd.memory: [2048KiB, 512, "1GiB"]
  faults.rmmod.rate: [1e3/s, 0.5/s]
  handlers.mem.fd.preserve.cv: [0.50, 1e-1, 2]
  workload.mix.preserve: [3, 0.5]
`)
	want := []Axis{
		{"handlers.mem.fd.preserve.mean", []AxisValue{{"1ms", 1e6}, {"2.5ms", 2.5e6}, {"0", 0}, {"7ns", 7}}},
		{"handlers.mem.fd.memory", []AxisValue{{"2MiB", 2 << 20}, {"512", 512}, {"1GiB", 1 << 30}}},
		{"faults.rmmod.rate", []AxisValue{{"1000/s", 1000}, {"0.5/s", 0.5}}},
		{"handlers.mem.fd.preserve.cv", []AxisValue{{"0.5", 0.5}, {"0.1", 0.1}, {"2", 2}}},
		{"workload.mix.preserve", []AxisValue{{"3", 3}, {"0.5", 0.5}}},
	}
	if !reflect.DeepEqual(s.Sweep, want) {
		t.Errorf("Sweep = %+v\nwant %+v", s.Sweep, want)
	}
	checkRoundTrip(t, s)
	y := string(s.CanonicalYAML())
	wantTail := `limits: {sessions: 100}
sweep:
  handlers.mem.fd.preserve.mean: [1ms, 2.5ms, 0, 7ns]
  handlers.mem.fd.memory: [2MiB, 512, 1GiB]
  faults.rmmod.rate: [1000/s, 0.5/s]
  handlers.mem.fd.preserve.cv: [0.5, 0.1, 2]
  workload.mix.preserve: [3, 0.5]
`
	if !strings.HasSuffix(y, wantTail) {
		t.Errorf("canonical YAML:\n%s\nwant it to end with:\n%s", y, wantTail)
	}
	j := string(s.CanonicalJSON())
	wantJSON := `"limits":{"sessions":100},"sweep":{"handlers.mem.fd.preserve.mean":["1ms","2.5ms","0","7ns"],"handlers.mem.fd.memory":["2MiB","512","1GiB"],"faults.rmmod.rate":["1000/s","0.5/s"],"handlers.mem.fd.preserve.cv":[0.5,0.1,2],"workload.mix.preserve":[3,0.5]}}`
	if !strings.HasSuffix(j, wantJSON) {
		t.Errorf("canonical JSON:\n%s\nwant it to end with:\n%s", j, wantJSON)
	}
	// The axes are part of the scenario's identity.
	if s.SHA256() == mustParse(t, sweepBase).SHA256() {
		t.Error("the sweep does not change the SHA-256")
	}
}

// TestCanonicalUnchanged pins the SHA-256 of scenarios without sweep axes
// to the values they had before sweeps existed: result files name them.
func TestCanonicalUnchanged(t *testing.T) {
	for name, want := range map[string]string{
		"vm-fleet":          "b8cc3b537c98afba1c4dcbd2800f13b1490a0f948339ec363560d784025082b6",
		"steady-contention": "6d9fe43a7cd543ce02f8f399c2fc78671691943e69be6b9dfb573b258984b358",
	} {
		s, err := Embedded(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.SHA256(); got != want {
			t.Errorf("%s: SHA-256 %s, want %s", name, got, want)
		}
	}
	if got := mustParse(t, base).SHA256(); got != "86acf0e97c364d04769c0f4173efe69ed49c18f42e30a2b5056f7abb04f3e1b0" {
		t.Errorf("base: SHA-256 %s", got)
	}
	// An empty sweep is no sweep.
	if got := mustParse(t, base+"sweep: {}\n").SHA256(); got != "86acf0e97c364d04769c0f4173efe69ed49c18f42e30a2b5056f7abb04f3e1b0" {
		t.Errorf("base with sweep {}: SHA-256 %s", got)
	}
}

// TestSweepAtMatchesHandWritten: the scenario at a point is the scenario
// whose file has the point's values written in place: same canonical
// SHA-256, same Go value.
func TestSweepAtMatchesHandWritten(t *testing.T) {
	openBase := strings.Replace(sweepBase, "{kind: closed, think: {dist: exp, mean: 10us}}", "{kind: open, rate: 1000/s}", 1)
	for _, tt := range []struct {
		base, path, value string
		old, new          string // the hand-written file: base with old replaced by new
	}{
		{sweepBase, "sessions.count", "16", "count: 4\n", "count: 16\n"},
		{sweepBase, "sessions.files.dev.count", "3", "{handler: dev, count: 1}", "{handler: dev, count: 3}"},
		{sweepBase, "sessions.files.mem.fd.count", "7", "{handler: mem.fd, count: 2}", "{handler: mem.fd, count: 7}"},
		{sweepBase, "handlers.mem.fd.preserve.mean", "1ms", "mean: 10us, cv: 0.5", "mean: 1ms, cv: 0.5"},
		{sweepBase, "handlers.mem.fd.preserve.mean", "0", "mean: 10us, cv: 0.5", "mean: 0, cv: 0.5"},
		{sweepBase, "handlers.mem.fd.preserve.cv", "0.25", "mean: 10us, cv: 0.5", "mean: 10us, cv: 0.25"},
		{sweepBase, "handlers.mem.fd.retrieve.min", "5us", "min: 1us", "min: 5us"},
		{sweepBase, "handlers.mem.fd.retrieve.max", "8us", "max: 5us", "max: 8us"},
		{sweepBase, "handlers.dev.preserve.mean", "3us", "mean: 2us, cv: 2", "mean: 3us, cv: 2"},
		{sweepBase, "handlers.dev.preserve.cv", "3.5", "mean: 2us, cv: 2", "mean: 2us, cv: 3.5"},
		{sweepBase, "handlers.dev.unpreserve.mean", "4us", "mean: 1us, sd: 500ns", "mean: 4us, sd: 500ns"},
		{sweepBase, "handlers.dev.unpreserve.sd", "0", "sd: 500ns", "sd: 0"},
		{sweepBase, "handlers.dev.freeze.value", "1ms", "    file_owner: vfio\n", "    file_owner: vfio\n    freeze: {dist: const, value: 1ms}\n"},
		{sweepBase, "handlers.dev.freeze.value", "0", "", ""},
		{sweepBase, "handlers.mem.fd.memory", "2MiB", "memory: 1MiB", "memory: 2MiB"},
		{sweepBase, "handlers.dev.memory", "8KiB", "    file_owner: vfio\n", "    file_owner: vfio\n    memory: 8KiB\n"},
		{sweepBase, "handlers.mem.fd.folio_size", "2MiB", "    memory: 1MiB\n", "    memory: 1MiB\n    folio_size: 2MiB\n"},
		{sweepBase, "handlers.mem.fd.per_folio.retrieve", "5ns", "per_folio: {preserve: 10ns}", "per_folio: {preserve: 10ns, retrieve: 5ns}"},
		{sweepBase, "handlers.mem.fd.per_folio.preserve", "0", "per_folio: {preserve: 10ns}", "per_folio: {preserve: 0}"},
		{sweepBase, "flbs.core.preserve.mean", "1ms", "preserve: {dist: exp, mean: 5us}", "preserve: {dist: exp, mean: 1ms}"},
		{sweepBase, "flbs.core.finish.value", "2us", "preserve: {dist: exp, mean: 5us}", "preserve: {dist: exp, mean: 5us}\n    finish: {dist: const, value: 2us}"},
		{sweepBase, "machine.line_transfer", "50ns", "{base: xeon2s-icx, line_remote: 300ns}", "{base: xeon2s-icx, line_transfer: 50ns, line_remote: 300ns}"},
		{sweepBase, "machine.line_remote", "100ns", "line_remote: 300ns", "line_remote: 100ns"},
		{sweepBase, "machine.serialize", "1us", "line_remote: 300ns}", "line_remote: 300ns, serialize: 1us}"},
		{sweepBase, "workload.duration", "5ms", "duration: 2ms", "duration: 5ms"},
		{sweepBase, "workload.warmup", "0", "warmup: 200us", "warmup: 0"},
		{sweepBase, "workload.arrival.think.mean", "1ms", "think: {dist: exp, mean: 10us}", "think: {dist: exp, mean: 1ms}"},
		{sweepBase, "workload.mix.preserve", "0.5", "mix: {preserve: 1}", "mix: {preserve: 0.5}"},
		{sweepBase, "faults.rmmod.rate", "1.5/s", "rate: 1000/s", "rate: 1.5/s"},
		{sweepBase, "limits.sessions", "744", "limits: {sessions: 100}", "limits: {sessions: 744}"},
		{sweepBase, "limits.files_per_session", "128", "limits: {sessions: 100}", "limits: {sessions: 100, files_per_session: 128}"},
		{base, "limits.sessions", "744", "", "limits: {sessions: 744}\n"},
		{base, "machine.rmw", "7ns", "", "machine: {base: xeon2s-icx, rmw: 7ns}\n"},
		{openBase, "workload.arrival.rate", "2e6/s", "rate: 1000/s}", "rate: 2000000/s}"},
	} {
		t.Run(tt.path+"="+tt.value, func(t *testing.T) {
			// A second axis makes the point one of several.
			in := tt.base + "sweep:\n  " + tt.path + ": [" + tt.value + "]\n"
			if tt.path != "sessions.count" && tt.base == sweepBase {
				in += "  sessions.count: [4, 5]\n"
			}
			s := mustParse(t, in)
			before := s.CanonicalYAML()
			pt := s.Points()[0]
			got := s.At(pt)
			if !bytes.Equal(s.CanonicalYAML(), before) {
				t.Errorf("At changed the scenario")
			}
			hand := tt.base
			if tt.old != "" {
				if !strings.Contains(hand, tt.old) {
					t.Fatalf("base has no %q", tt.old)
				}
				hand = strings.Replace(hand, tt.old, tt.new, 1)
			} else {
				hand += tt.new
			}
			want := mustParse(t, hand)
			if got.SHA256() != want.SHA256() {
				t.Errorf("at %s:\n%s\nhand-written:\n%s", pt.Key(), got.CanonicalYAML(), want.CanonicalYAML())
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("at %s: %+v\nhand-written: %+v", pt.Key(), got, want)
			}
		})
	}
}

// TestSweepAtDistributionTogether: two parameters of one distribution
// change together, never through an invalid intermediate (min above the
// old max).
func TestSweepAtDistributionTogether(t *testing.T) {
	s := mustParse(t, sweepBase+"sweep:\n  handlers.mem.fd.retrieve.min: [7us]\n  handlers.mem.fd.retrieve.max: [9us]\n")
	got := s.At(s.Points()[0])
	want := mustParse(t, strings.Replace(sweepBase, "min: 1us, max: 5us", "min: 7us, max: 9us", 1))
	if got.SHA256() != want.SHA256() {
		t.Errorf("got:\n%s\nwant:\n%s", got.CanonicalYAML(), want.CanonicalYAML())
	}
}

// TestSweepAtNoAlias: the scenario at a point shares nothing mutable
// with the original.
func TestSweepAtNoAlias(t *testing.T) {
	in := sweepBase + "sweep:\n  sessions.count: [8]\n  machine.line_transfer: [1ns]\n  handlers.mem.fd.preserve.mean: [1us]\n"
	s := mustParse(t, in)
	a := s.At(s.Points()[0])
	// Scribble over everything the copy holds.
	a.CPUs[0] = 99
	a.Designs[0].Name = "x"
	a.Machine.Overrides[0].Value = 12345
	a.Machine.Profile.RMW = 12345
	a.Handlers[0].Name = "x"
	a.Handlers[1].FLBs[0] = "x"
	a.Handlers[0].Cost[Preserve] = a.Handlers[0].Cost[Retrieve]
	a.FLBs[0].Name = "x"
	a.Sessions.Files[0].Count = 99
	a.Workload.Mix[0].Weight = 99
	a.Faults.RmmodModules[0] = "x"
	if !reflect.DeepEqual(s, mustParse(t, in)) {
		t.Errorf("writing to the scenario At returned changed the original")
	}
	if prof, _ := lockmodels.LookupProfile("xeon2s-icx"); prof.RMW == 12345 {
		t.Errorf("the registered profile changed")
	}
	c := s.clone()
	c.Sweep[0].Values[0].Text = "x"
	c.Sweep[0].Path = "x"
	if !reflect.DeepEqual(s, mustParse(t, in)) {
		t.Errorf("writing to a clone's sweep changed the original")
	}
}

// TestSweepRunConcurrent runs every point of a swept scenario at once on
// one *Scenario (go test -race finds any sharing), and checks that Run
// applies the coordinates and stays a pure function of (sc, pt, rep).
func TestSweepRunConcurrent(t *testing.T) {
	s := mustParse(t, `machine: xeon2s-icx
cpus: [2, 4]
designs: [v3-merged]
replications: 1
handlers:
  - {name: h, module: m, preserve: {dist: exp, mean: 2us}, retrieve: {dist: lognormal, mean: 1us, cv: 0.5}}
sessions: {count: 2, files: [{handler: h, count: 2}]}
faults: {rmmod: {rate: 1000/s, modules: [m]}}
sweep:
  sessions.count: [3, 5]
  handlers.h.preserve.mean: [1us, 10us]
  machine.line_transfer: [10ns, 100ns]
`)
	pts := s.Points()
	if len(pts) != 16 {
		t.Fatalf("%d points", len(pts))
	}
	run := func(pt Point) (Result, *tally) {
		var tl tally
		pt.Design = s.Designs[0]
		return Run(s, pt, 0, &tl), &tl
	}
	type out struct {
		res Result
		tl  *tally
	}
	outs := make([]out, len(pts))
	var wg sync.WaitGroup
	for i, pt := range pts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, tl := run(pt)
			outs[i] = out{res, tl}
		}()
	}
	wg.Wait()
	for i, pt := range pts {
		sessions := int(pt.Coords[0].Value.Num)
		if n := outs[i].tl.n[lockmodels.OpPreserve]; n != sessions*2 {
			t.Errorf("%s: %d preserves, want %d", pt.Key(), n, sessions*2)
		}
		res, tl := run(pt)
		if !reflect.DeepEqual(res, outs[i].res) || *tl != *outs[i].tl {
			t.Errorf("%s: a second run differs", pt.Key())
		}
	}
	// The preserve cost and the line transfer take effect.
	if outs[0].tl.lat[lockmodels.OpPreserve] >= outs[2].tl.lat[lockmodels.OpPreserve] {
		t.Errorf("preserve latency at mean 1us (%v) not below that at 10us (%v)", outs[0].tl.lat[lockmodels.OpPreserve], outs[2].tl.lat[lockmodels.OpPreserve])
	}
	if reflect.DeepEqual(outs[0].res, outs[1].res) {
		t.Errorf("line_transfer 10ns and 100ns give the same result")
	}
}

// TestSweepAtPanics: a point that is not of the scenario's grid is a
// programming error.
func TestSweepAtPanics(t *testing.T) {
	s := mustParse(t, sweepBase+"sweep:\n  sessions.count: [8, 16]\n")
	for _, pt := range []Point{
		{CPUs: 1},
		{CPUs: 1, Coords: []Coord{{"sessions.count", AxisValue{"9", 9}}}},
		{CPUs: 1, Coords: []Coord{{"limits.sessions", AxisValue{"8", 8}}}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("At(%s) did not panic", pt.Key())
				}
			}()
			s.At(pt)
		}()
	}
}

// TestSweepBudget: the estimate of a swept scenario is the sum of its
// points' estimates.
func TestSweepBudget(t *testing.T) {
	one := func(count string) float64 {
		return mustParse(t, strings.Replace(sweepBase, "count: 4\n", "count: "+count+"\n", 1)).EstimateEvents()
	}
	s := mustParse(t, sweepBase+"sweep:\n  sessions.count: [4, 50]\n  workload.duration: [2ms, 20ms]\n")
	d20 := mustParse(t, strings.Replace(sweepBase, "duration: 2ms", "duration: 20ms", 1)).EstimateEvents()
	want := 2*one("4") + 2*d20 // steady: the estimate does not depend on sessions
	if got := s.EstimateEvents(); got != want {
		t.Errorf("steady estimate %g, want %g", got, want)
	}
	life := strings.Replace(sweepBase, "workload: {kind: steady, arrival: {kind: closed, think: {dist: exp, mean: 10us}}, mix: {preserve: 1}, duration: 2ms, warmup: 200us}", "workload: {kind: lifecycle}", 1)
	l := mustParse(t, life+"sweep:\n  sessions.count: [4, 50]\n")
	l4 := mustParse(t, life).EstimateEvents()
	l50 := mustParse(t, strings.Replace(life, "count: 4\n", "count: 50\n", 1)).EstimateEvents()
	if got := l.EstimateEvents(); got != l4+l50 {
		t.Errorf("lifecycle estimate %g, want %g", got, l4+l50)
	}
	big := mustParse(t, life+"sweep:\n  sessions.count: [100000, 99999]\n  sessions.files.dev.count: [400, 450]\n")
	if err := big.CheckBudget(DefaultMaxEvents); err == nil || !strings.Contains(err.Error(), "sweep values") {
		t.Errorf("CheckBudget: %v", err)
	}
}

// TestCanonicalJSONParses: canonical JSON is YAML too, and parses back to
// the same scenario (same SHA-256), sweep included.
func TestCanonicalJSONParses(t *testing.T) {
	for _, in := range []string{
		base,
		sweepBase,
		sweepBase + "sweep:\n  sessions.count: [8, 16]\n  handlers.dev.preserve.cv: [1, 2.5]\n  faults.rmmod.rate: [0.25/s]\n  handlers.mem.fd.memory: [4KiB, 4097]\n",
		"name: \"<é> & \\\"q\\\"\"\n" + base,
	} {
		s := mustParse(t, in)
		j := s.CanonicalJSON()
		if !json.Valid(j) {
			t.Fatalf("invalid JSON %s", j)
		}
		s2, err := Parse("c.json", j)
		if err != nil {
			t.Fatalf("canonical JSON does not parse: %v\n%s", err, j)
		}
		if s2.SHA256() != s.SHA256() || !reflect.DeepEqual(s, s2) {
			t.Errorf("canonical JSON parses to another scenario:\n%s\n%s", j, s2.CanonicalJSON())
		}
	}
}
