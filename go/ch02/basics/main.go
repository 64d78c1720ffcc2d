// The cheat sheet's basics in Go: go statements, a WaitGroup and a done channel.
// Built only: the goroutines print in whatever order they run.
package main

import (
	"fmt"
	"sync"
)

func doSomething()     {}
func doSomethingElse() {}

// ANCHOR: main
func main() {
	doSomething() // sequential: returns before the next line runs
	doSomethingElse()

	go doSomething() // concurrent: runs alongside doSomethingElse
	doSomethingElse()
}

// ANCHOR_END: main

// ANCHOR: literals
func literals() {
	go func() {
		fmt.Println("running in a goroutine")
	}()

	go func(msg string) {
		fmt.Println(msg)
	}("hello from a goroutine")
}

// ANCHOR_END: literals

// ANCHOR: waitgroup
func waitForAll() {
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			fmt.Printf("goroutine %d\n", id)
		}(i)
	}
	wg.Wait()
}

// ANCHOR_END: waitgroup

// ANCHOR: done
func waitForOne() {
	done := make(chan bool)
	go func() {
		// do work
		done <- true
	}()
	<-done
}

// ANCHOR_END: done
