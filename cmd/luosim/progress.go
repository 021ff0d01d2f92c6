package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress draws a one-line bar on a terminal: items done of total, rate
// and time left. It is nil (and every method a no-op) unless stderr is a
// terminal, -q is off and CI is not set: never in pipes, logs or files.
type progress struct {
	mu         sync.Mutex
	w          io.Writer
	total      int
	done       int
	start      time.Time
	last       time.Time
	skipped    int // items resumed from an earlier run
	everyFrame time.Duration
}

// newProgress returns a bar for total items, or nil when none is wanted.
func newProgress(stderr io.Writer, quiet bool, total, skipped int) *progress {
	if quiet || os.Getenv("CI") != "" || !isTerminal(stderr) {
		return nil
	}
	return &progress{w: stderr, total: total, done: skipped, skipped: skipped, start: time.Now(), everyFrame: 100 * time.Millisecond}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// add counts one completed item and redraws at most every frame.
func (p *progress) add() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	now := time.Now()
	if now.Sub(p.last) < p.everyFrame && p.done < p.total {
		return
	}
	p.last = now
	fmt.Fprint(p.w, "\r"+p.line(now.Sub(p.start)))
}

// line renders the bar after elapsed.
func (p *progress) line(elapsed time.Duration) string {
	const width = 30
	filled := 0
	if p.total > 0 {
		filled = width * p.done / p.total
	}
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	ran := p.done - p.skipped
	rate := float64(ran) / max(elapsed.Seconds(), 1e-9)
	eta := "?"
	if ran > 0 {
		eta = time.Duration(float64(p.total-p.done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	return fmt.Sprintf("[%s] %d/%d items  %.1f/s  ETA %s ", bar, p.done, p.total, rate, eta)
}

// finish clears the bar's line.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r"+strings.Repeat(" ", 80)+"\r")
}
