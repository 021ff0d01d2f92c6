package workload

import (
	"errors"
	"testing"
)

// base is a minimal valid scenario; error cases add one bad line to it.
const base = `handlers:
  - name: h
    module: m
    preserve: {dist: const, value: 1us}
sessions:
  count: 2
  files: [{handler: h, count: 1}]
`

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"unknown key", base + "sed: 1\n", `s.yaml:8: unknown key "sed" in scenario (want one of name, seed, replications, machine, cpus, designs, handlers, flbs, sessions, workload, faults, limits, sweep)`},
		{"duplicate key", "seed: 1\nseed: 2\n" + base, `s.yaml:2: duplicate key "seed" (first at line 1)`},
		{"wrong type seed", "seed: one\n" + base, `s.yaml:1: seed: want an integer, got string "one"`},
		{"negative seed", "seed: -1\n" + base, `s.yaml:1: seed: -1 is out of range [0, 18446744073709551615]`},
		{"wrong type cpus", "cpus: {a: 1}\n" + base, `s.yaml:1: cpus: want an integer, got a mapping`},
		{"unknown design", "designs: [v3-merged, v9]\n" + base, `s.yaml:1: unknown design "v9"`},
		{"duplicate design", "designs: [v3-merged, v3-merged]\n" + base, `s.yaml:1: design "v3-merged" listed twice`},
		{"bad inline design", "designs: [{session: global, refcount: sometimes, registry: rcu}]\n" + base, `s.yaml:1: unknown refcount "sometimes" (want one of per-file, none, pinned, percpu)`},
		{"unknown profile", "machine: pdp11\n" + base, `s.yaml:1: unknown machine profile "pdp11" (want one of epyc2s-milan, ideal, laptop-tgl, xeon2s-clx, xeon2s-icx)`},
		{"unknown override", "machine: {base: ideal, line_xfer: 5ns}\n" + base, `s.yaml:1: unknown key "line_xfer" in machine (want one of base, line_transfer, line_llc, line_socket, line_remote, rmw, wakeup, idle_exit, ctx_switch, syscall, walk_step, lookup, alloc, kho_alloc, xarray, fd_install, serialize)`},
		{"unknown handler in files", "handlers:\n  - name: h\nsessions:\n  count: 1\n  files:\n    - {handler: nope, count: 1}\n", `s.yaml:6: unknown handler "nope"`},
		{"unknown dist", "handlers:\n  - name: h\n    preserve: {dist: gauss, mean: 1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve: unknown dist "gauss" (want one of const, exp, uniform, lognormal, normal, h2, empirical)`},
		{"negative duration", "handlers:\n  - name: h\n    preserve: {dist: exp, mean: -1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.mean: negative duration "-1us"`},
		{"duration without unit", "handlers:\n  - name: h\n    preserve: {dist: exp, mean: 5}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.mean: missing unit in duration "5" (want ns, us, ms or s)`},
		{"zero steady duration", base + "workload: {kind: steady, duration: 0}\n", `s.yaml:8: workload.duration must be positive`},
		{"warmup not shorter", base + "workload: {kind: steady, duration: 1ms, warmup: 1ms}\n", `s.yaml:8: workload.warmup 1ms must be shorter than the duration 1ms`},
		{"open rate 0", base + "workload: {kind: steady, arrival: {kind: open, rate: 0/s}}\n", `s.yaml:8: arrival.rate: rate "0/s" must be positive`},
		{"rmmod rate 0", base + "faults: {rmmod: {rate: 0/s, modules: [m]}}\n", `s.yaml:8: rmmod.rate: rate "0/s" must be positive`},
		{"cv below 0", "handlers:\n  - name: h\n    preserve: {dist: lognormal, mean: 1us, cv: -0.5}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.cv: lognormal distribution needs cv in [0, 100], got -0.5`},
		{"h2 cv below 1", "handlers:\n  - name: h\n    preserve: {dist: h2, mean: 1us, cv: 0.5}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.cv: h2 distribution needs cv in [1, 100], got 0.5`},
		{"empty empirical", "handlers:\n  - name: h\n    preserve: {dist: empirical, values: []}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve: empirical distribution needs at least one value`},
		{"uniform max below min", "handlers:\n  - name: h\n    preserve: {dist: uniform, min: 2us, max: 1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve: uniform max 1us is below min 2us`},
		{"missing dist param", "handlers:\n  - name: h\n    preserve: {dist: normal, mean: 1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve: normal distribution needs mean and sd`},
		{"cpus 0", "cpus: [1, 0]\n" + base, `s.yaml:1: cpus: 0 is out of range [1, 4096]`},
		{"cpus 4097", "cpus: 4097\n" + base, `s.yaml:1: cpus: 4097 is out of range [1, 4096]`},
		{"cpus duplicate", "cpus: [1, 2, 1]\n" + base, `s.yaml:1: cpus: 1 listed twice`},
		{"sessions beyond limit", "handlers:\n  - name: h\nsessions:\n  count: 100001\n  files: [{handler: h, count: 1}]\n", `s.yaml:4: sessions.count: 100001 is out of range [1, 100000]`},
		{"files total beyond limit", "handlers:\n  - name: h\nsessions:\n  count: 100000\n  files: [{handler: h, count: 501}]\n", `s.yaml:4: sessions: 100000 sessions x 501 files = 50100000 files exceed the maximum of 50000000`},
		{"non-UTF-8", "name: ok\nseed: \xff\n" + base, `s.yaml:2: invalid UTF-8 (byte 0xff)`},
		{"control character", "name: a\x01b\n" + base, `s.yaml:1: control character U+0001 is not allowed`},
		{"alias", "name: &n x\nseed: 1\n" + base, `s.yaml:1: anchors are not allowed (&n)`},
		{"alias use", base + "flbs: *x\n", `s.yaml:8: aliases are not allowed (*x)`},
		{"empty file", "", `s.yaml:1: empty scenario`},
		{"only comments", "# nothing\n", `s.yaml:1: empty scenario`},
		{"two documents", base + "---\nname: again\n", `s.yaml:8: more than one YAML document`},
		{"sweep", base + "sweep:\n  sessions.count: [8, 32]\n", `s.yaml:8: sweep is not supported yet`},
		{"mix summing to 0", base + "workload:\n  kind: steady\n  mix: {preserve: 0}\n", `s.yaml:10: workload.mix: weights must sum to a positive finite number`},
		{"mix unsupported op", base + "workload:\n  kind: steady\n  mix: {retrieve: 1}\n", `s.yaml:10: op "retrieve" is not supported by steady workloads yet (only preserve)`},
		{"mix unknown op", base + "workload:\n  kind: steady\n  mix: {fly: 1}\n", `s.yaml:10: unknown key "fly" in workload.mix (want one of preserve)`},
		{"lifecycle with mix", base + "workload:\n  kind: lifecycle\n  mix: {preserve: 1}\n", `s.yaml:10: workload.mix is only for steady workloads`},
		{"unknown workload kind", base + "workload: {kind: bursty}\n", `s.yaml:8: unknown workload kind "bursty" (want lifecycle or steady)`},
		{"replications 0", "replications: 0\n" + base, `s.yaml:1: replications: 0 is out of range [1, 10000]`},
		{"replications too many", "replications: 10001\n" + base, `s.yaml:1: replications: 10001 is out of range [1, 10000]`},
		{"no handlers", "sessions: {count: 1, files: []}\n", `s.yaml:1: scenario: missing handlers (at least one file handler)`},
		{"duplicate handler", "handlers:\n  - name: h\n  - name: h\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: handler "h" defined twice`},
		{"unknown FLB", "handlers:\n  - name: h\n    flbs: [core]\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: unknown FLB "core" (not in flbs)`},
		{"FLB unknown callback", base + "flbs:\n  - name: core\n    freeze: {dist: const, value: 1us}\n", `s.yaml:10: unknown key "freeze" in flb (want one of name, module, preserve, unpreserve, retrieve, finish)`},
		{"rmmod builtin", base + "faults: {rmmod: {rate: 10/s, modules: [builtin]}}\n", `s.yaml:8: rmmod: builtin code cannot be unloaded`},
		{"rmmod unknown module", base + "faults: {rmmod: {rate: 10/s, modules: [kvm]}}\n", `s.yaml:8: rmmod: unknown module "kvm" (not the module or file_owner of any handler or FLB)`},
		{"limits bad string", base + "limits: some\n", `s.yaml:8: limits: want none or {files_per_session: N, sessions: N}, got string "some"`},
		{"limits zero", base + "limits: {sessions: 0}\n", `s.yaml:8: limits.sessions: 0 is out of range [1, 100000]`},
		{"folio_size without memory", "handlers:\n  - name: h\n    folio_size: 2MiB\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: folio_size without memory`},
		{"bad memory", "handlers:\n  - name: h\n    memory: 4GB\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: memory: unknown unit "GB" in size "4GB" (want B, KiB, MiB, GiB, TiB, PiB or EiB)`},
		{"bad handler name", "handlers:\n  - name: \"a b\"\nsessions: {count: 1, files: [{handler: a b, count: 1}]}\n", `s.yaml:2: handler name: invalid name "a b" (want 1 to 64 letters, digits, '_', '.', '+' or '-', not starting with '.', '+' or '-')`},
		{"yaml syntax", "name: [unterminated\n" + base, `s.yaml:1: did not find expected ',' or ']'`},
		{"root is a list", "- a\n- b\n", `s.yaml:1: scenario: want a mapping, got a list`},
		{"null value", "name:\n" + base, `s.yaml:1: name: want a string, got null`},
		{"fraction of a ns", "machine: {base: ideal, rmw: 0.5ns}\n" + base, `s.yaml:1: machine.rmw: duration "0.5ns" is not a whole number of nanoseconds`},
		{"duration too long", "machine: {base: ideal, rmw: 1000001s}\n" + base, `s.yaml:1: machine.rmw: duration 1000001s exceeds the maximum of 1000000s`},
		{"rate too high", base + "faults: {rmmod: {rate: 2e9/s, modules: [m]}}\n", `s.yaml:8: rmmod.rate: rate 2e9/s exceeds the maximum of 1000000000/s`},
		{"missing sessions", "handlers:\n  - name: h\n", `s.yaml:1: scenario: missing sessions`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("s.yaml", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded:\n%s", s.CanonicalYAML())
			}
			var pe *PosError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is a %T, not a *PosError", err, err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
