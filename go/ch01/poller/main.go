// A poller that can never be stopped, and one that stops when its context is cancelled.
// Built only: each would poll once a second for as long as the program runs.
package main

import (
	"context"
	"time"
)

// ANCHOR: leaks
func startPoller() {
	go func() {
		for {
			time.Sleep(time.Second) // check for work, forever
		}
	}()
} // returns at once; the goroutine never does

// ANCHOR_END: leaks

// ANCHOR: stops
func startPollerWithContext(ctx context.Context) {
	go func() {
		ticker := time.NewTicker(time.Second)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				// check for work
			}
		}
	}()
}

// ANCHOR_END: stops

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	startPollerWithContext(ctx)
	cancel()
	_ = startPoller
}
