// Rate limiting with time.Tick, a timeout with time.After and a ticker loop.
// Run: go run ./ch02/timing (times out three calls, then counts the goroutines left).
package main

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

func handleRequest(req string) {}

// The work: it finishes only once release is closed, after every call has timed out.
var release = make(chan struct{})

func doWork() { <-release }

// ANCHOR: throttle
func throttled(requests <-chan string) {
	throttle := time.Tick(time.Second / 10) // 10 per second
	for req := range requests {
		<-throttle
		go handleRequest(req)
	}
}

// ANCHOR_END: throttle

// ANCHOR: timeout
func doWorkWithTimeout(timeout time.Duration) error {
	done := make(chan bool)
	go func() {
		doWork()
		done <- true
	}()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return errors.New("timeout")
	}
}

// ANCHOR_END: timeout

// ANCHOR: periodic
func periodicTask(interval time.Duration, task func()) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			task()
		}
	}
}

// ANCHOR_END: periodic

func main() {
	_ = throttled
	_ = periodicTask
	before := runtime.NumGoroutine()
	for i := 0; i < 3; i++ {
		fmt.Println("call", i+1, "->", doWorkWithTimeout(10*time.Millisecond))
	}
	close(release) // every doWork returns now; each goroutine then blocks on done <- true
	time.Sleep(100 * time.Millisecond)
	fmt.Println("goroutines left after the work was done:", runtime.NumGoroutine()-before)
}
