package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressOnlyOnTerminals(t *testing.T) {
	var buf bytes.Buffer
	if p := newProgress(&buf, false, 10, 0); p != nil {
		t.Fatal("a progress bar on a buffer (not a terminal)")
	}
	var p *progress // no bar: every method is a no-op
	p.add()
	p.finish()
}

func TestProgressLine(t *testing.T) {
	p := &progress{total: 100, done: 40, skipped: 20}
	got := p.line(10 * time.Second) // 20 items ran in 10 s: 2/s, 60 left: 30 s
	for _, want := range []string{"40/100 items", "2.0/s", "ETA 30s", "[============                  ]"} {
		if !strings.Contains(got, want) {
			t.Errorf("line %q lacks %q", got, want)
		}
	}
	if len(got) > 79 {
		t.Errorf("line is %d columns", len(got))
	}
	p = &progress{total: 5}
	if got := p.line(time.Second); !strings.Contains(got, "ETA ?") {
		t.Errorf("before any item: %q", got)
	}
}
