package bench

import (
	"bytes"
	"testing"

	"github.com/luosim/luosim/lockmodels"
	"github.com/luosim/luosim/sim"
)

func testValidateConfig(t *testing.T) ValidateConfig {
	cfg := DefaultValidateConfig()
	cfg.Workers = 2
	if testing.Short() {
		cfg.Ops = 50_000
	}
	return cfg
}

// TestValidate runs every case of `luosim validate` and requires all of
// them to pass.
func TestValidate(t *testing.T) {
	checks, err := Validate(testValidateConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	failed, err := WriteChecks(&buf, checks)
	if err != nil {
		t.Fatal(err)
	}
	if failed > 0 || len(checks) < 30 {
		t.Errorf("%d of %d checks failed:\n%s", failed, len(checks), buf.String())
	}
	t.Logf("\n%s", buf.String())
}

// lifoLock is a deliberately wrong mutex: it wakes the newest waiter.
type lifoLock struct {
	eng    *sim.Engine
	notify lockmodels.Notify
	owner  int32
	stack  []int32
	since  sim.Time
	stats  lockmodels.Stats
}

func (l *lifoLock) Lock(tid int32, cpu int) (bool, sim.Time) {
	if l.owner < 0 {
		l.owner, l.since = tid, l.eng.Now()
		return true, 0
	}
	l.stack = append(l.stack, tid)
	return false, 0
}

func (l *lifoLock) Unlock(tid int32, cpu int) sim.Time {
	l.stats.HoldTotal += l.eng.Now() - l.since
	l.owner = -1
	if n := len(l.stack); n > 0 {
		l.owner, l.since = l.stack[n-1], l.eng.Now()
		l.stack = l.stack[:n-1]
		l.eng.Schedule(0, l.notify.H, l.notify.Op, l.owner)
	}
	return 0
}

func (l *lifoLock) Stats() lockmodels.Stats { return l.stats }

// TestValidateDetectsFaults proves validation can fail: a 5% longer
// critical section, or a LIFO wake-up order, must each fail checks.
func TestValidateDetectsFaults(t *testing.T) {
	for _, tt := range []struct {
		name    string
		mutate  func(*ValidateConfig)
		mustHit []string // case/metric pairs that must fail
	}{
		{"5% service-time bias", func(c *ValidateConfig) { c.holdBias = 0.05 },
			[]string{"M/M/1 rho=0.8/W", "closed MVA N=1/W", "closed MVA N=16/X"}},
		{"LIFO wake-up", func(c *ValidateConfig) {
			c.newLock = func(eng *sim.Engine, n lockmodels.Notify) exclusive {
				return &lifoLock{eng: eng, notify: n, owner: -1}
			}
		}, []string{"M/M/1 rho=0.8/W_p99", "closed MVA N=32/W_p99"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testValidateConfig(t)
			tt.mutate(&cfg)
			failed := map[string]bool{}
			checks, err := Validate(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range checks {
				if !c.Pass {
					failed[c.Case+"/"+c.Metric] = true
				}
			}
			for _, k := range tt.mustHit {
				if !failed[k] {
					t.Errorf("%s passed despite the fault (failed: %v)", k, failed)
				}
			}
		})
	}
}

func TestValidateConfigErrors(t *testing.T) {
	for _, mutate := range []func(*ValidateConfig){
		func(c *ValidateConfig) { c.Replications = 1 },
		func(c *ValidateConfig) { c.Replications = MaxValidateReplications + 1 },
		func(c *ValidateConfig) { c.Ops = 10 },
		func(c *ValidateConfig) { c.Ops = MaxValidateOps + 1 },
		func(c *ValidateConfig) { c.Workers = 0 },
	} {
		cfg := DefaultValidateConfig()
		mutate(&cfg)
		if _, err := Validate(cfg); err == nil {
			t.Errorf("Validate(%+v) accepted a bad config", cfg)
		}
	}
}
