// A payment goroutine that can block for ever, and the guide's timeout, which still
// leaves the goroutine blocked if the API hangs. Built only.
package main

import (
	"context"
	"log"
)

type Payment struct{ ID int }
type Result struct{}
type api struct{}

func (api) charge(p Payment) Result { return Result{} }

var externalAPI api

func saveResult(r Result) {}

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
}

// ANCHOR_END: timeout

func main() {
	processPayment(Payment{})
	processPaymentWithTimeout(context.Background(), Payment{})
}
