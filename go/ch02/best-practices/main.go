// Recovering a goroutine's panic, and two functions that leak a goroutine (on purpose).
// Run: go run ./ch02/best-practices (counts the leaked goroutines).
package main

import (
	"fmt"
	"log"
	"runtime"
	"time"
)

// ANCHOR: safego
func safeGo(fn func()) {
	go func() {
		defer func() {
			if r := recover(); r != nil {
				log.Printf("goroutine panicked: %v", r)
			}
		}()
		fn()
	}()
}

// ANCHOR_END: safego

// ANCHOR: leak
func leak() {
	ch := make(chan int)
	go func() {
		val := <-ch // blocks forever
		fmt.Println(val)
	}()
} // ch is never sent on; the goroutine is stuck for the life of the program

// ANCHOR_END: leak

// ANCHOR: dowork
func doWork() {
	ch := make(chan int)
	go func() {
		<-ch // blocks forever if nothing sends
	}()
}

// ANCHOR_END: dowork

func main() {
	before := runtime.NumGoroutine()
	for i := 0; i < 2; i++ {
		leak()
	}
	doWork()
	// Nothing can ever send on their channels: however long we wait, they stay.
	time.Sleep(10 * time.Millisecond)
	fmt.Println("goroutines leaked:", runtime.NumGoroutine()-before)
}
