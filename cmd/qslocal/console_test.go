package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The console is served by default, fed by the request log, and
// --console=false leaves /console/ to the API, which knows no such path.
func TestConsoleFlag(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		status int
		want   string
	}{
		{nil, 200, "ListUsers"},
		{[]string{"--console=false"}, 404, "UnknownOperationException"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			out := &syncBuffer{ch: make(chan string, 10)}
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, append([]string{"--addr", "127.0.0.1:0", "--db", ":memory:"}, tc.args...), nil, out, io.Discard)
			}()
			defer func() { cancel(); <-done }()
			var url string
			select {
			case line := <-out.ch:
				url = regexp.MustCompile(`http://\S+`).FindString(line)
			case <-time.After(10 * time.Second):
				t.Fatal("no ready line")
			}
			resp, err := http.Get(url + "/accounts/111122223333/namespaces/default/users")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			resp, err = http.Get(url + "/console/requests")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(body)+resp.Header.Get("X-Amzn-ErrorType"), tc.want) {
				t.Errorf("GET /console/requests: %d, want %d and %q in\n%s", resp.StatusCode, tc.status, tc.want, body)
			}
		})
	}
}
