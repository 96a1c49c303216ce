package restjson_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSignedRegion: a request signed for a well-formed region of any
// partition reaches the handler with that region; one signed for a region
// no AWS region is named like is refused as AWS refuses a scope it does
// not serve, before anything can put it into an ARN.
func TestSignedRegion(t *testing.T) {
	t.Parallel()
	auth := func(region string) string { return strings.Replace(testAuth, "/us-east-1/", "/"+region+"/", 1) }
	cases := []struct {
		region string
		ok     bool
	}{
		{"us-east-1", true},
		{"us-gov-west-1", true},
		{"cn-north-1", true},
		{"eusc-de-east-1", true},
		{"us-isob-east-1", true},
		{"ap-southeast-5", true},
		{"us:east", false},
		{"US-EAST-1", false},
		{"us-east", false},
		{"useast1", false},
		{"us-east-1 ", false},
		{"us-east-1\u00a0", false},
		{"arn:aws:x", false},
	}
	for _, c := range cases {
		for _, presigned := range []bool{false, true} {
			name := c.region
			if presigned {
				name += "/presigned"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				fake := &fakeHandler{}
				target := describeUserPath
				headers := []string{"Authorization", auth(c.region)}
				if presigned {
					target += "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" +
						url.QueryEscape("AKIDEXAMPLE/20261121/"+c.region+"/quicksight/aws4_request")
					headers = []string{"Authorization", ""}
				}
				r := send(t, newServer(fake), "GET", target, "", headers...)
				if c.ok {
					if call := fake.only(t); call.Call.Region != c.region {
						t.Errorf("handler saw region %q, want %q", call.Call.Region, c.region)
					}
					return
				}
				e := wantError(t, r, http.StatusForbidden, "InvalidSignatureException")
				requestIDOf(t, r)
				if want := "Credential should be scoped to a valid region, not '" + c.region + "'."; e.Message != want {
					t.Errorf("Message = %q, want %q", e.Message, want)
				}
				if n := len(fake.Calls()); n != 0 {
					t.Errorf("handler called %d times", n)
				}
			})
		}
	}
}
