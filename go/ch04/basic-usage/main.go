// The guide's first goroutine, waited for with a sleep: a guess, not a guarantee.
// Built only.
package main

import (
	"fmt"
	"time"
)

// ANCHOR: show
func main() {
	go sayHello()
	fmt.Println("Hello from main")
	time.Sleep(100 * time.Millisecond) // give the goroutine time to print
}

func sayHello() {
	fmt.Println("Hello from goroutine")
}

// ANCHOR_END: show
