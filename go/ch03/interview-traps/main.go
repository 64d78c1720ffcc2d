// Trap 3 as the guide writes it, buggy on purpose: the goroutines share one loop
// variable (before Go 1.22) and nothing waits for them. Built only.
package main

import "fmt"

// ANCHOR: show
func main() {
	for i := 0; i < 10; i++ {
		go func() { fmt.Println(i) }()
	}
}

// ANCHOR_END: show
