// The guide's payment goroutine, which blocks for ever when the API hangs, and its fix:
// the outer goroutine now always finishes, but the inner one is still blocked in charge.
// Run: go run ./ch03/real-world-leak (ten payments, two of which hang)
package main

import (
	"context"
	"fmt"
	"log"
	"runtime"
	"strings"
	"time"
)

type Payment struct{ ID int }
type Result struct{ ID int }
type api struct{ hang chan struct{} }

// charge answers at once, except for every fifth payment: that call never returns,
// like a request to a server that stopped answering, sent with no timeout.
func (a api) charge(p Payment) Result {
	if p.ID%5 == 0 {
		<-a.hang // never closed
	}
	return Result{ID: p.ID}
}

var externalAPI = api{hang: make(chan struct{})}

// finished hears once from each outer goroutine: saved, or timed out (through the log).
var finished = make(chan string, 100)

func saveResult(r Result) { finished <- fmt.Sprintf("payment %d saved", r.ID) }

// ANCHOR: leak
func processPayment(payment Payment) {
	go func() {
		result := externalAPI.charge(payment) // can block forever
		saveResult(result)
	}()
}

// ANCHOR_END: leak

// ANCHOR: timeout
func processPaymentWithTimeout(ctx context.Context, payment Payment) {
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()

		resultCh := make(chan Result, 1)
		go func() {
			resultCh <- externalAPI.charge(payment) // still blocks forever if the API hangs
		}()

		select {
		case result := <-resultCh:
			saveResult(result)
		case <-ctx.Done():
			log.Printf("payment %v timed out", payment.ID)
		}
	}()
}

// ANCHOR_END: timeout

// logLines hands each line logged to finished, so main can count the timeouts.
type logLines struct{}

func (logLines) Write(p []byte) (int, error) {
	finished <- strings.TrimSpace(string(p))
	return len(p), nil
}

func main() {
	log.SetFlags(0)
	log.SetOutput(logLines{})
	// The guide gives each payment ten seconds. A parent context with a shorter deadline
	// makes each child's deadline that short too, so the demonstration ends quickly.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()

	for id := 1; id <= 10; id++ {
		processPaymentWithTimeout(ctx, Payment{ID: id})
	}
	saved, timedOut := 0, 0
	for i := 0; i < 10; i++ {
		if strings.HasSuffix(<-finished, "timed out") {
			timedOut++
		} else {
			saved++
		}
	}
	fmt.Printf("all 10 outer goroutines finished: %d saved, %d timed out\n", saved, timedOut)

	// The outer goroutines are returning; give the count (at most five seconds) to settle.
	// It can't fall below main plus the inner goroutines stuck in charge.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > 1+timedOut && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	n := runtime.NumGoroutine()
	fmt.Printf("goroutines still alive: %d: main, and one inner goroutine per timeout\n", n)
}
