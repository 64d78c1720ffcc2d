// A go statement, and sequential against concurrent calls. Built only.
package main

func functionCall() {}
func task1()        {}
func task2()        {}

// ANCHOR: go
func start() {
	go functionCall()
}

// ANCHOR_END: go

// ANCHOR: both
func main() {
	// Sequential: task1, then task2
	task1()
	task2()

	// Concurrent: start task1 in the background, carry on with task2
	go task1()
	task2()
}

// ANCHOR_END: both
