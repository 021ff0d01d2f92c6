package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// interrupted is a run stopped by SIGINT or SIGTERM: exit status 128 + the
// signal's number (130, 143), nothing written.
type interrupted struct {
	sig   syscall.Signal
	saved string // what was kept for -resume, if anything
}

func (e *interrupted) Error() string {
	if e.saved != "" {
		return fmt.Sprintf("interrupted by %v: no result files written; %s", e.sig, e.saved)
	}
	return fmt.Sprintf("interrupted by %v: stopped before writing anything", e.sig)
}

// sigCtx is a context canceled by SIGINT or SIGTERM that remembers which.
type sigCtx struct {
	context.Context
	sig chan os.Signal
	got syscall.Signal
}

// interruptible returns a context that SIGINT and SIGTERM cancel, and the
// function that stops listening.
func interruptible() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &sigCtx{Context: ctx, sig: make(chan os.Signal, 1)}
	signal.Notify(c.sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-c.sig:
			c.got = s.(syscall.Signal)
			cancel()
		case <-done:
		}
	}()
	return c, func() {
		signal.Stop(c.sig)
		close(done)
		cancel()
	}
}

// interruptedBy returns the interrupt that canceled ctx, or nil.
func interruptedBy(ctx context.Context) error {
	if c, ok := ctx.(*sigCtx); ok && ctx.Err() != nil && c.got != 0 {
		return &interrupted{sig: c.got}
	}
	return nil
}
