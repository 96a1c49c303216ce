package restjson_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestMalformedJSONOffset: a body that is not JSON is refused with the
// offset of the byte where it goes wrong, or of its end when it stops
// short.
func TestMalformedJSONOffset(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		body   string
		offset string
	}{
		{`{"Email": x}`, "at offset 10."},
		{`   {"Email":"a@example.com",}`, "at offset 27."}, // the trailing comma
		{`{"Email" "a"}`, "at offset 9."},
		{`{"Email":"a@example.com","Role":`, "at offset 32."},
	} {
		t.Run(c.body, func(t *testing.T) {
			t.Parallel()
			r := send(t, newServer(&fakeHandler{}), "PUT", updateUserPath, c.body)
			e := wantError(t, r, http.StatusBadRequest, "InvalidParameterValueException")
			if !strings.HasSuffix(e.Message, c.offset) {
				t.Errorf("message %q, want it to end %q", e.Message, c.offset)
			}
		})
	}
}
