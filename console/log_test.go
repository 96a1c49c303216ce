package console_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/qslocal/qslocal/console"
	"github.com/qslocal/qslocal/restjson"
)

// The log keeps the last requests only, newest first, and shows a caller
// its own account's.
func TestRequestLog(t *testing.T) {
	for _, tc := range []struct {
		size, requests int
		account        string
		want           []string
	}{
		{3, 0, "", []string{}},
		{3, 2, "", []string{"Op1", "Op0"}},
		{3, 5, "", []string{"Op4", "Op3", "Op2"}},
		{3, 6, "", []string{"Op5", "Op4", "Op3"}},
		{4, 7, "odd", []string{"Op5", "Op3"}},
	} {
		t.Run(fmt.Sprint(tc.size, tc.requests, tc.account), func(t *testing.T) {
			l := console.NewRequestLog(tc.size)
			for i := range tc.requests {
				acct := map[bool]string{true: "odd", false: "even"}[i%2 == 1]
				l.RequestStarted()
				l.RequestFinished(restjson.Outcome{Operation: fmt.Sprintf("Op%d", i), Account: acct, Status: 200})
			}
			got := []string{}
			for _, r := range l.Recent(tc.account) {
				got = append(got, r.Operation)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Recent(%q) = %v, want %v", tc.account, got, tc.want)
			}
		})
	}
}
