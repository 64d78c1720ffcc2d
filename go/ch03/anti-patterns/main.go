// Three anti-patterns: a goroutine per request with no limit, fire and forget, and a
// constructor that starts a goroutine nothing can stop. Built only.
package main

import "net/http"

func processRequest(r *http.Request) {}
func doImportantWork()               {}

type Service struct{}

func (s *Service) backgroundTask() {}

// ANCHOR: handler
func handler(w http.ResponseWriter, r *http.Request) {
	go processRequest(r) // one goroutine per request, no limit
}

// ANCHOR_END: handler

// ANCHOR: forget
func fireAndForget() {
	go doImportantWork() // if it fails or panics, you'll never know
}

// ANCHOR_END: forget

// ANCHOR: service
func NewService() *Service {
	s := &Service{}
	go s.backgroundTask() // starts at once, and nothing can stop it
	return s
}

// ANCHOR_END: service

func main() {
	http.HandleFunc("/", handler)
	fireAndForget()
	_ = NewService()
}
