package restjson_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkDescribeUser measures one DescribeUser round trip through the
// handler: routing, label decoding, validation (including the UserName
// pattern), the fake handler, and the JSON answer.
func BenchmarkDescribeUser(b *testing.B) {
	fake := &fakeHandler{countOnly: true}
	h := newServer(fake)
	req := httptest.NewRequest("GET", "/accounts/111122223333/namespaces/default/users/alice%40example.com", nil)
	req.Header.Set("Authorization", testAuth)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	if fake.count != n {
		b.Fatalf("the handler ran %d times for %d requests", fake.count, n)
	}
}
