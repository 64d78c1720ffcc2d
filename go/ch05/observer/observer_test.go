// The guide's two testing habits, in our own Go: a sleep that hopes the worker has
// flushed, and a wait that fails after a second. Run: go test ./ch05/observer
package main

import (
	"testing"
	"time"
)

func TestSleepIsNotWaiting(t *testing.T) {
	sink := &Sink{}
	obs := New(sink, 10, 10*time.Millisecond, false)
	defer obs.Close()
	entry := &Entry{Message: "hello"}
	// ANCHOR: sleep
	obs.Log(entry)
	time.Sleep(100 * time.Millisecond) // wait for logs to be processed
	if got := sink.Count(); got != 1 {
		t.Fatalf("sink has %d entries, want 1", got)
	}
	// ANCHOR_END: sleep
}

func TestWorkerStops(t *testing.T) {
	obs := New(&Sink{}, 10, time.Second, false)
	done := make(chan struct{})
	go func() { obs.Close(); close(done) }()
	// ANCHOR: timeout
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("worker did not stop within 1s")
	}
	// ANCHOR_END: timeout
}
