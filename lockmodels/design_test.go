package lockmodels

import (
	"testing"

	"github.com/luosim/luosim/sim"
)

// TestPresets pins the presets to product.md §2's table.
func TestPresets(t *testing.T) {
	want := []struct{ name, session, refcount, registry string }{
		{"v0-pinned", "per-session", "pinned", "quiesce"},
		{"v1-per-file", "per-session", "per-file", "split-rwsem"},
		{"v2-no-refcount", "per-session", "none", "split-rwsem"},
		{"v3-merged", "per-session", "per-file", "global-rwsem"},
		{"global-mutex", "global", "per-file", "global-rwsem"},
		{"global+refcount", "global", "per-file", "global-rwsem"},
		{"global+norefcount", "global", "none", "global-rwsem"},
		{"session+refcount", "per-session", "per-file", "global-rwsem"},
		{"session+norefcount", "per-session", "none", "global-rwsem"},
	}
	got := Designs()
	if len(got) < len(want) {
		t.Fatalf("%d designs, want at least %d", len(got), len(want))
	}
	for i, w := range want {
		d := got[i]
		if d.Name != w.name || d.Session.String() != w.session || d.Refcount.String() != w.refcount || d.Registry.String() != w.registry {
			t.Errorf("preset %d = %s %s, want %s {session: %s, refcount: %s, registry: %s}", i, d.Name, d.Axes(), w.name, w.session, w.refcount, w.registry)
		}
		if d.Description == "" {
			t.Errorf("%s has no description", d.Name)
		}
		if l, ok := LookupDesign(w.name); !ok || l != d {
			t.Errorf("LookupDesign(%q) = %v, %v", w.name, l, ok)
		}
	}
	if _, ok := LookupDesign("v9"); ok {
		t.Error(`LookupDesign("v9") succeeded`)
	}
}

func TestAxisParsing(t *testing.T) {
	for s := PerSession; s <= GlobalSession; s++ {
		if p, err := ParseSessionLocking(s.String()); err != nil || p != s {
			t.Errorf("session %v: %v %v", s, p, err)
		}
	}
	for r := RefPerFile; r <= RefPercpu; r++ {
		if p, err := ParseRefcount(r.String()); err != nil || p != r {
			t.Errorf("refcount %v: %v %v", r, p, err)
		}
	}
	for r := RegGlobalRWSem; r <= RegQuiesce; r++ {
		if p, err := ParseRegistry(r.String()); err != nil || p != r {
			t.Errorf("registry %v: %v %v", r, p, err)
		}
	}
	if _, err := ParseRefcount("sometimes"); err == nil || err.Error() != `unknown refcount "sometimes" (want one of per-file, none, pinned, percpu)` {
		t.Errorf("bad refcount error: %v", err)
	}
}

func TestRegisterDesignPanics(t *testing.T) {
	for _, d := range []Design{
		{Name: "v3-merged", Session: PerSession, Refcount: RefPerFile, Registry: RegRCU},
		{Name: "", Session: PerSession, Refcount: RefPerFile, Registry: RegRCU},
		{Name: "bad-axis", Session: 9, Refcount: RefPerFile, Registry: RegRCU},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterDesign(%+v) did not panic", d)
				}
			}()
			RegisterDesign(d)
		}()
	}
}

func TestProfiles(t *testing.T) {
	names := ProfileNames()
	for _, want := range []string{"ideal", "xeon2s-clx", "xeon2s-icx", "epyc2s-milan", "laptop-tgl"} {
		p, ok := LookupProfile(want)
		if !ok || p.Name != want || p.Description == "" {
			t.Errorf("profile %q: %+v %v", want, p, ok)
		}
	}
	if len(names) != 5 {
		t.Errorf("profiles %v", names)
	}
	// Copies: changing one leaves the next lookup untouched.
	a, _ := LookupProfile("xeon2s-icx")
	a.SetLineTransfer(999)
	if b, _ := LookupProfile("xeon2s-icx"); b.LineRemote != 108 {
		t.Errorf("LookupProfile returned shared state: %d", b.LineRemote)
	}
	// The ideal machine costs nothing, even across its whole range.
	id, _ := LookupProfile("ideal")
	if id.Transfer(0, 4000) != 0 || id.WakeLatency() != 0 || id.RMW != 0 || id.Fidelity != Ideal {
		t.Errorf("ideal profile has costs: %+v", id)
	}
	id.SetLineTransfer(50)
	if id.Transfer(0, 4000) != 50 || id.Transfer(3, 3) != 0 {
		t.Errorf("line_transfer on ideal: %d", id.Transfer(0, 4000))
	}
}

func TestTopology(t *testing.T) {
	m, _ := LookupProfile("epyc2s-milan")
	for _, tt := range []struct {
		from, to int
		want     sim.Time
	}{
		{0, 0, 0},
		{0, 15, 23},   // same CCX
		{0, 16, 107},  // same socket, next CCX
		{0, 96, 197},  // other socket
		{95, 80, 23},  // last CCX of socket 0
		{0, 192, 23},  // CPU 192 wraps onto CPU 0's CCX: a distinct CPU sharing its LLC
		{-1, 5, 0},    // untouched line
		{10, 200, 23}, // 200 wraps to socket 0, CCX 0
	} {
		if got := m.Transfer(tt.from, tt.to); got != tt.want {
			t.Errorf("Transfer(%d,%d) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
	x, _ := LookupProfile("xeon2s-clx")
	if x.Transfer(0, 47) != 47 || x.Transfer(0, 48) != 134 || x.WakeLatency() != 4400 {
		t.Errorf("clx: %d %d %d", x.Transfer(0, 47), x.Transfer(0, 48), x.WakeLatency())
	}
}
