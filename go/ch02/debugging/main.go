// Counting goroutines, dumping their stacks, and serving pprof's goroutine profile.
// Built only: main would serve on localhost:6060 for ever.
package main

import (
	"fmt"
	"net/http"
	"runtime"

	// ANCHOR: pprof_import
	_ "net/http/pprof"
	// ANCHOR_END: pprof_import
)

// ANCHOR: count
func count() {
	fmt.Println("goroutines:", runtime.NumGoroutine())
}

// ANCHOR_END: count

// ANCHOR: stack
func dumpStacks() {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true) // true: all goroutines
	fmt.Printf("%s\n", buf[:n])
}

// ANCHOR_END: stack

func main() {
	count()
	dumpStacks()
	// ANCHOR: pprof_serve
	go http.ListenAndServe("localhost:6060", nil)
	// then open http://localhost:6060/debug/pprof/goroutine
	// ANCHOR_END: pprof_serve
	select {}
}
