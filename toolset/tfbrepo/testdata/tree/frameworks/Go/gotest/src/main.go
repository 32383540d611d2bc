// Command gotest is a tiny TFB test written for go-tfb's tests: /json and
// /plaintext on net/http, and, as TFB's tests do, the database reached as
// tfb-database:5432, which it dials once at start and reports.
package main

//go:generate go run ./gen

import (
	"encoding/json"
	"flag"
	"log"
	"net"
	"net/http"
	"time"
)

func main() {
	msg := flag.String("greeting", greeting, "the JSON message")
	flag.Parse()
	if c, err := net.DialTimeout("tcp", "tfb-database:5432", 5*time.Second); err != nil {
		log.Printf("database tfb-database:5432 unreachable: %v", err)
	} else {
		log.Printf("database tfb-database:5432 reachable at %s", c.RemoteAddr())
		c.Close()
	}
	http.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "gotest")
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"message": *msg})
	})
	http.HandleFunc("/plaintext", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "gotest")
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, World!"))
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:28180", nil))
}
