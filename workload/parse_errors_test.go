package workload

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/luosim/luosim/sim"
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

		// Keys and types.
		{"nested duplicate key", "handlers:\n  - name: h\n    name: g\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: duplicate key "name" (first at line 2)`},
		{"nested unknown key", "handlers:\n  - name: h\n    preserves: {dist: const, value: 1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: unknown key "preserves" in handler (want one of name, module, file_owner, can_preserve, preserve, unpreserve, freeze, unfreeze, retrieve, finish, memory, folio_size, per_folio, flbs)`},
		{"unknown dist param", "handlers:\n  - name: h\n    preserve: {dist: const, value: 1us, mean: 2us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: unknown key "mean" in preserve (const) (want one of dist, value)`},
		{"key not a string", "1: x\n" + base, `s.yaml:1: scenario: keys must be strings, got integer 1`},
		{"wrong type count", "handlers:\n  - name: h\nsessions: {count: two, files: [{handler: h, count: 1}]}\n", `s.yaml:3: sessions.count: want an integer, got string "two"`},
		{"fractional count", "handlers:\n  - name: h\nsessions: {count: 1.5, files: [{handler: h, count: 1}]}\n", `s.yaml:3: sessions.count: want an integer, got number 1.5`},
		{"wrong type handlers", "handlers: {name: h}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:1: handlers: want a list, got a mapping`},
		{"wrong type cpus string", "cpus: \"4\"\n" + base, `s.yaml:1: cpus: want an integer, got string "4"`},
		{"wrong type designs", "designs: v3-merged\n" + base, `s.yaml:1: designs: want a list, got string "v3-merged"`},
		{"wrong type cost", "handlers:\n  - name: h\n    preserve: 5us\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve: want a distribution such as {dist: exp, mean: 10us}, got string "5us"`},
		{"wrong type empirical", "handlers:\n  - name: h\n    preserve: {dist: empirical, values: 1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.values: want a list, got string "1us"`},
		{"replications not an integer", "replications: 1e3\n" + base, `s.yaml:1: replications: want an integer, got number 1e3`},
		{"tagged string seed", "seed: !!str 5\n" + base, `s.yaml:1: seed: want an integer, got string "5"`},

		// Missing required fields.
		{"missing handler name", "handlers:\n  - module: m\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:2: handler: missing name`},
		{"missing sessions.count", "handlers:\n  - name: h\nsessions: {files: [{handler: h, count: 1}]}\n", `s.yaml:3: sessions: missing count`},
		{"missing sessions.files", "handlers:\n  - name: h\nsessions: {count: 1}\n", `s.yaml:3: sessions: missing files`},
		{"missing file count", "handlers:\n  - name: h\nsessions:\n  count: 1\n  files:\n    - {handler: h}\n", `s.yaml:6: sessions.files: missing count (want {handler: NAME, count: N})`},
		{"missing file handler", "handlers:\n  - name: h\nsessions:\n  count: 1\n  files:\n    - {count: 1}\n", `s.yaml:6: sessions.files: missing handler (want {handler: NAME, count: N})`},
		{"missing dist", "handlers:\n  - name: h\n    preserve: {mean: 1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve: missing dist (want one of const, exp, uniform, lognormal, normal, h2, empirical)`},
		{"missing open rate", base + "workload: {kind: steady, arrival: {kind: open}}\n", `s.yaml:8: open arrival: missing rate`},
		{"missing inline design axis", "designs: [{session: global, refcount: none}]\n" + base, `s.yaml:1: inline design: missing registry`},
		{"missing rmmod modules", base + "faults: {rmmod: {rate: 1/s}}\n", `s.yaml:8: faults.rmmod: missing modules (want {rate: N/s, modules: [NAME, ...]})`},
		{"missing machine base", "machine: {rmw: 1ns}\n" + base, `s.yaml:1: machine: missing base (a profile name: epyc2s-milan, ideal, laptop-tgl, xeon2s-clx, xeon2s-icx)`},
		{"empty designs", "designs: []\n" + base, `s.yaml:1: designs: empty list`},
		{"empty cpus", "cpus: []\n" + base, `s.yaml:1: cpus: empty list`},
		{"empty files", "handlers:\n  - name: h\nsessions: {count: 1, files: []}\n", `s.yaml:3: sessions.files: empty list`},
		{"empty rmmod modules", base + "faults: {rmmod: {rate: 1/s, modules: []}}\n", `s.yaml:8: rmmod.modules: empty list`},

		// Negative durations and costs, zero or negative run durations and
		// rates (zero costs are valid: see TestZeroCosts).
		{"negative const cost", "handlers:\n  - name: h\n    preserve: {dist: const, value: -1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.value: negative duration "-1us"`},
		{"negative FLB cost", base + "flbs:\n  - name: f\n    finish: {dist: exp, mean: -2ms}\n", `s.yaml:10: finish.mean: negative duration "-2ms"`},
		{"negative uniform min", "handlers:\n  - name: h\n    preserve: {dist: uniform, min: -1ns, max: 1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.min: negative duration "-1ns"`},
		{"negative sd", "handlers:\n  - name: h\n    preserve: {dist: normal, mean: 1us, sd: -1us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.sd: negative duration "-1us"`},
		{"negative empirical value", "handlers:\n  - name: h\n    preserve: {dist: empirical, values: [1us, -1us]}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.values: negative duration "-1us"`},
		{"negative machine cost", "machine: {base: ideal, rmw: -1ns}\n" + base, `s.yaml:1: machine.rmw: negative duration "-1ns"`},
		{"negative per_folio", "handlers:\n  - name: h\n    memory: 1GiB\n    per_folio: {preserve: -1ns}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:4: per_folio.preserve: negative duration "-1ns"`},
		{"negative think", base + "workload: {kind: steady, arrival: {kind: closed, think: {dist: exp, mean: -1us}}}\n", `s.yaml:8: think.mean: negative duration "-1us"`},
		{"negative memory", "handlers:\n  - name: h\n    memory: -1GiB\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: memory: negative size "-1GiB"`},
		{"memory overflowing folios", "handlers:\n  - name: h\n    memory: 9223372036854775807\n    per_folio: {preserve: 1ns}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:4: per_folio.preserve: 2251799813685248 folios x 1ns exceeds the maximum duration of 1000000s`},
		{"zero memory", "handlers:\n  - name: h\n    memory: 0\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: memory: size must be positive`},
		{"negative steady duration", base + "workload: {kind: steady, duration: -1ms}\n", `s.yaml:8: workload.duration: negative duration "-1ms"`},
		{"zero steady duration 0ns", base + "workload: {kind: steady, duration: 0ns}\n", `s.yaml:8: workload.duration must be positive`},
		{"negative warmup", base + "workload: {kind: steady, warmup: -1ms}\n", `s.yaml:8: workload.warmup: negative duration "-1ms"`},
		{"negative open rate", base + "workload: {kind: steady, arrival: {kind: open, rate: -5/s}}\n", `s.yaml:8: arrival.rate: rate "-5/s" must be positive`},
		{"negative rmmod rate", base + "faults: {rmmod: {rate: -1e3/s, modules: [m]}}\n", `s.yaml:8: rmmod.rate: rate "-1e3/s" must be positive`},
		{"rate without unit", base + "workload: {kind: steady, arrival: {kind: open, rate: 5}}\n", `s.yaml:8: arrival.rate: invalid rate "5" (want a number per second, e.g. 1000/s)`},
		{"duration with unknown unit", base + "workload: {kind: steady, duration: 1h}\n", `s.yaml:8: workload.duration: unknown unit "h" in duration "1h" (want ns, us, ms or s)`},
		{"cv NaN", "handlers:\n  - name: h\n    preserve: {dist: lognormal, mean: 1us, cv: .nan}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.cv: .nan is not a finite number`},
		{"cv above maximum", "handlers:\n  - name: h\n    preserve: {dist: lognormal, mean: 1us, cv: 101}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\n", `s.yaml:3: preserve.cv: lognormal distribution needs cv in [0, 100], got 101`},
		{"negative mix weight", base + "workload: {kind: steady, mix: {preserve: -1}}\n", `s.yaml:8: mix.preserve: -1 is below 0`},

		// Unknown names.
		{"unknown arrival kind", base + "workload: {kind: steady, arrival: {kind: poisson}}\n", `s.yaml:8: unknown arrival kind "poisson" (want closed or open)`},
		{"closed arrival with rate", base + "workload: {kind: steady, arrival: {kind: closed, rate: 5/s}}\n", `s.yaml:8: unknown key "rate" in closed arrival (want one of kind, think)`},
		{"unknown inline session locking", "designs: [{session: none, refcount: none, registry: rcu}]\n" + base, `s.yaml:1: unknown session locking "none" (want one of per-session, global)`},

		// Limits.
		{"file count beyond limit", "handlers:\n  - name: h\nsessions: {count: 1, files: [{handler: h, count: 100001}]}\n", `s.yaml:3: sessions.files.count: 100001 is out of range [1, 100000]`},
		{"file count 0", "handlers:\n  - name: h\nsessions: {count: 1, files: [{handler: h, count: 0}]}\n", `s.yaml:3: sessions.files.count: 0 is out of range [1, 100000]`},
		{"files per session beyond limit", "handlers:\n  - name: h\n  - name: g\nsessions:\n  count: 1\n  files:\n    - {handler: h, count: 50000}\n    - {handler: g, count: 50001}\n", `s.yaml:8: sessions: 100001 files per session exceed the maximum of 100000`},
		{"sessions 0", "handlers:\n  - name: h\nsessions:\n  count: 0\n  files: [{handler: h, count: 1}]\n", `s.yaml:4: sessions.count: 0 is out of range [1, 100000]`},
		{"cpus negative", "cpus: -1\n" + base, `s.yaml:1: cpus: -1 is out of range [1, 4096]`},
		{"cpus beyond in list", "cpus:\n  - 1\n  - 8192\n" + base, `s.yaml:3: cpus: 8192 is out of range [1, 4096]`},
		{"limits beyond", base + "limits: {sessions: 100001}\n", `s.yaml:8: limits.sessions: 100001 is out of range [1, 100000]`},
		{"limits files 0", base + "limits: {files_per_session: 0}\n", `s.yaml:8: limits.files_per_session: 0 is out of range [1, 100000]`},
		{"grid too large", "replications: 10000\ncpus: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]\n" + base, `s.yaml:1: the grid is 1050000 work items (5 designs x 21 CPU counts x 10000 replications), over the maximum of 1000000`},
		{"name too long", "name: " + strings.Repeat("x", 257) + "\n" + base, `s.yaml:1: name: longer than 256 characters`},
		{"name empty", "name: \"\"\n" + base, `s.yaml:1: name: empty`},

		// The file itself.
		{"whitespace only", "  \n\n", `s.yaml:1: empty scenario`},
		{"document marker only", "---\n", `s.yaml:2: empty scenario`},
		{"non-UTF-8 later", base + "name: caf\xe9\n", `s.yaml:8: invalid UTF-8 (byte 0xe9)`},
		{"tab indentation", "handlers:\n\t- name: h\n", `s.yaml:2: found character that cannot start any token (a tab: YAML indents with spaces only)`},
		{"too large", "name: x\n" + strings.Repeat("#", 4<<20), `s.yaml:1: scenario is larger than 4 MiB`},
		{"nesting too deep", "name: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n", `s.yaml:1: exceeded max depth of 10000`},
		{"anchor in a nested value", base + "flbs:\n  - &f {name: f}\n", `s.yaml:9: anchors are not allowed (&f)`},

		// Sweep axes (the values are in block lists, so that the line says
		// which one is wrong).
		{"sweep cpus", base + "sweep:\n  cpus: [1, 2]\n", `s.yaml:9: sweep cpus: not sweepable: cpus is an axis of its own: list its values in cpus`},
		{"sweep designs", base + "sweep:\n  designs: [v3-merged]\n", `s.yaml:9: sweep designs: not sweepable: designs are an axis of their own: list them in designs`},
		{"sweep replications", base + "sweep:\n  replications: [1, 2]\n", `s.yaml:9: sweep replications: not sweepable: replications is the number of runs of each point, not a model parameter`},
		{"sweep seed", base + "sweep:\n  seed: [1, 2]\n", `s.yaml:9: sweep seed: not sweepable: seed is the root of every random stream, not a model parameter`},
		{"sweep non-numeric field", base + "sweep:\n  handlers.h.module: [a]\n", `s.yaml:9: sweep handlers.h.module: not a sweepable numeric field (under handlers: handlers.HANDLER.CALLBACK.PARAM, handlers.HANDLER.memory, handlers.HANDLER.folio_size, handlers.HANDLER.per_folio.CALLBACK)`},
		{"sweep unknown handler", base + "sweep:\n  handlers.g.preserve.value: [1us]\n", `s.yaml:9: sweep handlers.g.preserve.value: unknown handler "g" (want one of h)`},
		{"sweep param of another dist", base + "sweep:\n  handlers.h.preserve.mean: [1us]\n", `s.yaml:9: sweep handlers.h.preserve.mean: the preserve cost of handler h is a const distribution, whose parameter is value, not "mean"`},
		{"sweep steady field of lifecycle", base + "sweep:\n  workload.duration: [1ms]\n", `s.yaml:9: sweep workload.duration: workload.duration is only for steady workloads`},
		{"sweep not a mapping", base + "sweep: [sessions.count]\n", `s.yaml:8: sweep: want a mapping {path: [value, ...]}, got a list`},
		{"sweep null", base + "sweep:\n", `s.yaml:8: sweep: want a mapping {path: [value, ...]}, got null`},
		{"sweep key not a path", base + "sweep:\n  1: [2]\n", `s.yaml:9: sweep: keys must be paths such as sessions.count, got integer 1`},
		{"sweep invalid path", base + "sweep:\n  \"sessions count\": [2]\n", `s.yaml:9: sweep: invalid path "sessions count" (want keys joined by dots, such as sessions.count)`},
		{"sweep duplicate path", base + "sweep:\n  sessions.count: [1]\n  sessions.count: [2]\n", `s.yaml:10: duplicate key "sessions.count" (first at line 9)`},
		{"sweep values not a list", base + "sweep:\n  sessions.count: 8\n", `s.yaml:9: sweep sessions.count: want a list, got integer 8`},
		{"sweep empty list", base + "sweep:\n  sessions.count: []\n", `s.yaml:9: sweep sessions.count: empty list`},
		{"sweep duplicate value", base + "sweep:\n  sessions.count:\n    - 8\n    - 16\n    - 8\n", `s.yaml:12: sweep sessions.count: 8 listed twice`},
		{"sweep duplicate spelling", base + "sweep:\n  handlers.h.preserve.value:\n    - 1ms\n    - 1000us\n", `s.yaml:11: sweep handlers.h.preserve.value: 1ms listed twice`},
		{"sweep count beyond limit", base + "sweep:\n  sessions.count:\n    - 8\n    - 100001\n", `s.yaml:11: sweep sessions.count: 100001 is out of range [1, 100000]`},
		{"sweep count not an integer", base + "sweep:\n  sessions.count:\n    - 8\n    - 1.5\n", `s.yaml:11: sweep sessions.count: want an integer, got number 1.5`},
		{"sweep negative duration", base + "sweep:\n  handlers.h.preserve.value:\n    - 0\n    - -1us\n", `s.yaml:11: sweep handlers.h.preserve.value: negative duration "-1us"`},
		{"sweep duration without unit", base + "sweep:\n  handlers.h.preserve.value:\n    - 5\n", `s.yaml:10: sweep handlers.h.preserve.value: missing unit in duration "5" (want ns, us, ms or s)`},
		{"sweep cv below 0", "handlers:\n  - name: h\n    preserve: {dist: lognormal, mean: 1us, cv: 0.5}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\nsweep:\n  handlers.h.preserve.cv:\n    - 0\n    - -0.5\n", `s.yaml:8: sweep handlers.h.preserve.cv: lognormal distribution needs cv in [0, 100], got -0.5`},
		{"sweep h2 cv below 1", "handlers:\n  - name: h\n    preserve: {dist: h2, mean: 1us, cv: 2}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\nsweep:\n  handlers.h.preserve.cv: [0.5]\n", `s.yaml:6: sweep handlers.h.preserve.cv: h2 distribution needs cv in [1, 100], got 0.5`},
		{"sweep uniform min above max", "handlers:\n  - name: h\n    preserve: {dist: uniform, min: 1us, max: 5us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\nsweep:\n  handlers.h.preserve.min:\n    - 2us\n    - 6us\n", `s.yaml:8: sweep handlers.h.preserve.min=6us: uniform max 5us is below min 6us`},
		{"sweep uniform both", "handlers:\n  - name: h\n    preserve: {dist: uniform, min: 1us, max: 5us}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\nsweep:\n  handlers.h.preserve.max:\n    - 4us\n    - 2us\n  handlers.h.preserve.min: [1us, 3us]\n", `s.yaml:8: sweep handlers.h.preserve.max=2us: uniform max 2us is below min 3us (with handlers.h.preserve.min=3us)`},
		{"sweep zero duration", base + "workload: {kind: steady}\nsweep:\n  workload.duration:\n    - 1s\n    - 0\n", `s.yaml:12: sweep workload.duration: duration 0 must be positive`},
		{"sweep warmup not shorter", base + "workload: {kind: steady, duration: 10ms, warmup: 1ms}\nsweep:\n  workload.warmup:\n    - 0\n    - 10ms\n", `s.yaml:12: sweep workload.warmup=10ms: workload.warmup 10ms must be shorter than the duration 10ms`},
		{"sweep duration below warmup", base + "workload: {kind: steady, duration: 10ms, warmup: 1ms}\nsweep:\n  workload.duration: [5ms, 1ms]\n", `s.yaml:10: sweep workload.duration=1ms: workload.warmup 1ms must be shorter than the duration 1ms`},
		{"sweep rate 0", base + "faults: {rmmod: {rate: 1/s, modules: [m]}}\nsweep:\n  faults.rmmod.rate:\n    - 1/s\n    - 0/s\n", `s.yaml:12: sweep faults.rmmod.rate: rate "0/s" must be positive`},
		{"sweep mix summing to 0", base + "workload: {kind: steady}\nsweep:\n  workload.mix.preserve: [1, 0]\n", `s.yaml:10: sweep workload.mix.preserve=0: workload.mix: weights must sum to a positive finite number`},
		{"sweep files total beyond limit", base + "sweep:\n  sessions.count:\n    - 100000\n  sessions.files.h.count: [500, 501]\n", `s.yaml:10: sweep sessions.count=100000: sessions: 100000 sessions x 501 files = 50100000 files exceed the maximum of 50000000 (with sessions.files.h.count=501)`},
		{"sweep folio_size without memory", base + "sweep:\n  handlers.h.folio_size: [2MiB]\n", `s.yaml:9: sweep handlers.h.folio_size=2MiB: folio_size without memory (handler h has none)`},
		{"sweep memory overflowing per_folio", "handlers:\n  - name: h\n    memory: 4KiB\n    per_folio: {preserve: 1s}\nsessions: {count: 1, files: [{handler: h, count: 1}]}\nsweep:\n  handlers.h.memory:\n    - 4GiB\n", `s.yaml:8: sweep handlers.h.memory=4GiB: per_folio.preserve: 1048576 folios x 1s exceeds the maximum duration of 1000000s`},
		{"sweep machine base", base + "sweep:\n  machine.base: [ideal]\n", `s.yaml:9: sweep machine.base: the machine's base is a profile name, not a number`},
		{"sweep grid too large", "replications: 10000\n" + base + "sweep:\n  sessions.count: [1, 2, 3]\n", `s.yaml:10: sweep sessions.count: the grid would be 1050000 work items (5 designs x 7 CPU counts x 3 sweep points x 10000 replications), over the maximum of 1000000`},
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

// TestAliasBomb: a billion-laughs document fails at once, in little
// memory, with a positioned error (anchors and aliases are refused; the
// YAML parser does not expand them into the node tree).
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString(base)
	b.WriteString("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	bomb := b.String() // 10^12 lols if expanded
	for _, tt := range []struct{ in, want string }{
		{bomb, `s.yaml:8: anchors are not allowed (&a0)`},
		// Without the first anchor the parser stops at the alias it cannot
		// resolve.
		{strings.Replace(bomb, "&a0 ", "", 1), `s.yaml:9: aliases are not allowed (*a0)`},
	} {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		start := time.Now()
		_, err := Parse("s.yaml", []byte(tt.in))
		elapsed := time.Since(start)
		runtime.ReadMemStats(&m1)
		if err == nil || err.Error() != tt.want {
			t.Errorf("got %v, want %s", err, tt.want)
		}
		if elapsed > time.Second {
			t.Errorf("took %v", elapsed)
		}
		if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > 16<<20 {
			t.Errorf("allocated %d bytes", alloc)
		}
	}
}

// TestLimitsAccepted: the floor of product.md §3 (4096 CPUs, 100 000
// sessions, 100 000 files per session, each on its own) and the
// documented maxima parse.
func TestLimitsAccepted(t *testing.T) {
	for _, in := range []string{
		"cpus: 4096\n" + base,
		"cpus: [1, 4096]\n" + base,
		"handlers:\n  - name: h\nsessions: {count: 100000, files: [{handler: h, count: 1}]}\n",
		"handlers:\n  - name: h\nsessions: {count: 1, files: [{handler: h, count: 100000}]}\n",
		"handlers:\n  - name: h\n  - name: g\nsessions: {count: 1, files: [{handler: h, count: 50000}, {handler: g, count: 50000}]}\n",
		"handlers:\n  - name: h\nsessions: {count: 100000, files: [{handler: h, count: 500}]}\n", // MaxFilesTotal
		base + "limits: {sessions: 100000, files_per_session: 100000}\n",
		"replications: 10000\ncpus: 1\n" + base,
		"replications: 10000\ncpus: [1, 2, 4, 8, 16, 32, 64]\n" + base + "sweep:\n  sessions.count: [1, 2]\n", // 700 000 items
		base + "sweep:\n  sessions.count: [1, 100000]\n",
		"cpus: 4096\n" + base + "sweep:\n  sessions.files.h.count: [1, 100000]\n",
	} {
		if _, err := Parse("s.yaml", []byte(in)); err != nil {
			t.Errorf("%.60q: %v", in, err)
		}
	}
	if DefaultMaxEvents < 1e9 {
		t.Errorf("the default event budget %g is below the 10^9 events product.md requires", float64(DefaultMaxEvents))
	}
	if MaxCPUs < 4096 || MaxSessions < 100_000 || MaxFilesPerSession < 100_000 {
		t.Errorf("documented limits below product.md's floor: %d CPUs, %d sessions, %d files per session", MaxCPUs, MaxSessions, MaxFilesPerSession)
	}
}

// TestZeroCosts: costs may be zero, a bare 0 is a duration, and a
// constant 0 is a callback that costs nothing.
func TestZeroCosts(t *testing.T) {
	s := mustParse(t, `machine: {base: ideal, rmw: 0, line_transfer: 0ns}
handlers:
  - name: h
    memory: 1MiB
    per_folio: {preserve: 0}
    can_preserve: {dist: const, value: 0}
    preserve: {dist: exp, mean: 0}
    unpreserve: {dist: lognormal, mean: 0us, cv: 0}
    freeze: {dist: uniform, min: 0, max: 0}
    unfreeze: {dist: normal, mean: 0, sd: 0}
    retrieve: {dist: empirical, values: [0, 0ms]}
    finish: {dist: h2, mean: 0s, cv: 1}
sessions: {count: 1, files: [{handler: h, count: 1}]}
workload: {kind: steady, warmup: 0, arrival: {kind: closed, think: {dist: const, value: 0}}}
`)
	h := s.Handlers[0]
	for c := Callback(0); c < NumCallbacks; c++ {
		if h.Cost[c].Mean() != 0 {
			t.Errorf("%s: mean %g", c, h.Cost[c].Mean())
		}
	}
	if !reflect.DeepEqual(h.Cost[CanPreserve], sim.Dist{}) || s.Workload.Warmup != 0 || s.Machine.Profile.RMW != 0 {
		t.Errorf("scenario = %+v", s)
	}
	checkRoundTrip(t, s)
}
