// Buggy on purpose: main returns at once, and the process ends with it.
// Run it a few times: go run ./ch02/main-exits
package main

import "fmt"

// ANCHOR: show
func main() {
	go fmt.Println("Hello")
} // the program may end before the goroutine prints

// ANCHOR_END: show
