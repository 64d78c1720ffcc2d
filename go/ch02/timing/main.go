// Rate limiting with time.Tick, a timeout with time.After and a ticker loop.
// Built only.
package main

import (
	"errors"
	"time"
)

func handleRequest(req string) {}
func doWork()                  {}

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
	_ = doWorkWithTimeout(time.Second)
	_ = throttled
	_ = periodicTask
}
