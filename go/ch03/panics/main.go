// A panic in a goroutine ends the whole process (exit status 2), on purpose.
// Run: go run ./ch03/panics
package main

import (
	"fmt"
	"log"
	"time"
)

// ANCHOR: crash
func main() {
	go func() {
		panic("something went wrong")
	}()
	time.Sleep(time.Second)
	fmt.Println("main continues") // never printed: the panic killed the process
}

// ANCHOR_END: crash

// ANCHOR: recover
func recovered() {
	go func() {
		defer func() {
			if r := recover(); r != nil {
				log.Printf("recovered from panic: %v", r)
			}
		}()
		panic("something went wrong")
	}()
}

// ANCHOR_END: recover
