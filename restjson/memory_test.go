package restjson_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/restjson"
)

// hostileBody is about n bytes of JSON: an object whose member path holds
// item repeated in an array.
func hostileBody(prefix, item, suffix string, n int) string {
	items := strings.Repeat(item+",", (n-len(prefix)-len(suffix))/(len(item)+1))
	return prefix + items[:len(items)-1] + suffix
}

// distinctMembers is about n bytes of JSON with an object of distinct
// members, {"0":0,"1":0,...}, each name of which the decoder must
// remember to refuse a repeat.
func distinctMembers(prefix, suffix string, n int) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; b.Len() < n-len(suffix)-20; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%d":0`, i)
	}
	b.WriteString(suffix)
	return b.String()
}

// TestLargeBodyMemory: decoding one body of nearly the largest size costs
// a bounded amount of memory, whatever the body holds: ignored members
// cost nothing kept, and what binds to the input is charged against
// Config.MaxDecoded before it is allocated (the body is refused past it).
// Bodies of small numbers, empty objects and short strings make the most
// Go values per byte. Not parallel: it reads the process's allocation
// counter.
func TestLargeBodyMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("19 MB bodies: not in -short")
	}
	const size = 19 << 20
	const maxDecoded = 32 << 20
	analyses := "/accounts/111122223333/analyses/a"
	cases := []struct {
		name, method, path, body string
		status                   int
	}{
		{"numbers in an ignored member", "PUT", updateUserPath,
			hostileBody(`{"Email":"a@example.com","Role":"AUTHOR","Pad":[`, "1", `]}`, size), http.StatusOK},
		{"nested arrays in an ignored member", "PUT", updateUserPath,
			hostileBody(`{"Email":"a@example.com","Role":"AUTHOR","Pad":[`, "[[1]]", `]}`, size), http.StatusOK},
		{"distinct members in an ignored member", "PUT", updateUserPath,
			distinctMembers(`{"Email":"a@example.com","Role":"AUTHOR","Pad":{`, `}}`, size), http.StatusOK},
		{"numbers in a list of doubles", "POST", analyses,
			hostileBody(`{"Name":"n","Parameters":{"DecimalParameters":[{"Name":"d","Values":[`, "1", `]}]}}`, size), http.StatusBadRequest},
		{"empty objects in a list of visuals", "POST", analyses,
			hostileBody(`{"Name":"n","Definition":{"Sheets":[{"SheetId":"s","Visuals":[`, "{}", `]}]}}`, size), http.StatusBadRequest},
		{"short strings in a list", "PUT", analysisPermPath,
			hostileBody(`{"GrantPermissions":[{"Principal":"p","Actions":[`, `"a"`, `]}]}`, size), http.StatusBadRequest},
	}
	h := newServer(&fakeHandler{countOnly: true}, func(c *restjson.Config) { c.MaxDecoded = maxDecoded })
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httpRequest(t, c.method, c.path, c.body)
			req.Header.Set("Authorization", testAuth)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			r := serve(h, req)
			runtime.ReadMemStats(&after)
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d-byte body: %d MiB allocated, answered %d %.200s", len(c.body), allocated>>20, r.Status, r.Body)
			if r.Status != c.status && !(c.status == http.StatusOK && r.Status == http.StatusNotImplemented) {
				t.Errorf("status %d, want %d: %.300s", r.Status, c.status, r.Body)
			}
			// What is kept is bounded by maxDecoded; the rest is the
			// reader's buffers and jsontext's record of member names.
			if limit := uint64(maxDecoded + 2*size); allocated > limit {
				t.Errorf("decoding allocated %d MiB, more than %d MiB", allocated>>20, limit>>20)
			}
		})
	}
}
