// A worker that stops when a signal cancels its context, with a five-second limit on
// the wait. Built only: it runs until it gets SIGINT or SIGTERM.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// ANCHOR: show
func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go dataMonitor(ctx, &wg) // and two more workers like it

	sigChan := make(chan os.Signal, 1)
	signal.Notify(sigChan, syscall.SIGINT, syscall.SIGTERM)
	<-sigChan
	cancel()

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		fmt.Println("All workers completed gracefully")
	case <-time.After(5 * time.Second):
		fmt.Println("Timeout waiting for workers, forcing shutdown")
	}
}

func dataMonitor(ctx context.Context, wg *sync.WaitGroup) {
	defer wg.Done()
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Println("Data monitor shutting down...")
			return
		case <-ticker.C:
			fmt.Println("Monitoring data...")
		}
	}
}

// ANCHOR_END: show
