package restjson

import (
	"strings"
	"testing"
	"time"
)

func TestDecodeFaults(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ doc, want string }{
		{`{"rules": [{"operation": "DescribeUser", "error": "ThrottlingException", "probability": 1, "count": 2}]}`, ""},
		{`{"rules": [{"operation": "*", "latencyMs": 50, "probability": 0.1}]}`, ""},
		{`{"rules": [{"operation": "FileSelfUpgradeRequest", "error": "ValidationException", "account": "111122223333"}]}`, ""},
		{`{"rules": []}`, ""},
		{`{"rules": [{"error": "ThrottlingException"}]}`, "rules[0].operation"},
		{`{"rules": [{"operation": "Describe", "error": "ThrottlingException"}]}`, "rules[0].operation"},
		{`{"rules": [{"operation": "*", "error": "Throttled"}]}`, "rules[0].error"},
		{`{"rules": [{"operation": "*"}]}`, "rules[0]: a rule needs"},
		{`{"rules": [{"operation": "*", "latencyMs": -1}]}`, "rules[0].latencyMs"},
		{`{"rules": [{"operation": "*", "latencyMs": 400000}]}`, "rules[0].latencyMs"},
		{`{"rules": [{"operation": "*", "latencyMs": 1, "probability": 1.5}]}`, "rules[0].probability"},
		{`{"rules": [{"operation": "*", "latencyMs": 1, "count": -1}]}`, "rules[0].count"},
		{`{"rules": [{"operation": "*", "latency": 1}]}`, "unknown field"},
		{`[]`, "not a valid document"},
	} {
		_, err := DecodeFaults([]byte(tt.doc))
		if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("DecodeFaults(%s) = %v, want %q", tt.doc, err, tt.want)
		}
	}
}

func TestFaultsFire(t *testing.T) {
	t.Parallel()
	zero := 0.0
	rules := func(rs ...FaultRule) *faults {
		f := &faults{}
		f.set(rs)
		return f
	}
	// Rules apply by operation and account, up to their count.
	f := rules(
		FaultRule{Operation: "DescribeUser", Error: "ThrottlingException", Count: 2},
		FaultRule{Operation: "*", Account: "111122223333", Error: "InternalFailureException"},
		FaultRule{Operation: "*", LatencyMs: 1, Probability: &zero},
	)
	var got []string
	for _, req := range []struct{ op, account string }{
		{"DescribeUser", "444455556666"}, {"DescribeUser", "444455556666"}, {"DescribeUser", "444455556666"},
		{"ListUsers", "444455556666"}, {"ListUsers", "111122223333"}, {"DescribeUser", "111122223333"},
	} {
		_, r := f.fire(req.op, req.account)
		code := ""
		if r != nil {
			code = r.Error
		}
		got = append(got, code)
	}
	want := []string{"ThrottlingException", "ThrottlingException", "", "", "InternalFailureException", "InternalFailureException"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("errors fired: %q, want %q", got, want)
	}
	var fired []int64
	for _, r := range f.get().Rules {
		fired = append(fired, r.Fired)
	}
	if len(fired) != 3 || fired[0] != 2 || fired[1] != 2 || fired[2] != 0 {
		t.Errorf("fired = %v, want [2 2 0]", fired)
	}
	// Every rule that fires adds its latency; the first error answers.
	f = rules(FaultRule{Operation: "*", LatencyMs: 20}, FaultRule{Operation: "*", LatencyMs: 30, Error: "ThrottlingException"},
		FaultRule{Operation: "*", Error: "InternalFailureException"})
	latency, r := f.fire("ListUsers", "111122223333")
	if latency != 50*time.Millisecond || r == nil || r.Error != "ThrottlingException" {
		t.Errorf("fire = %v, %+v; want 50ms and ThrottlingException", latency, r)
	}
	// An error rule behind the one that answers keeps its count for when
	// it answers itself.
	f = rules(FaultRule{Operation: "*", Error: "ThrottlingException", Count: 1}, FaultRule{Operation: "DescribeUser", Error: "InternalFailureException", Count: 1})
	got = nil
	for range 3 {
		_, r := f.fire("DescribeUser", "111122223333")
		code := ""
		if r != nil {
			code = r.Error
		}
		got = append(got, code)
	}
	if strings.Join(got, ",") != "ThrottlingException,InternalFailureException," {
		t.Errorf("errors fired: %q", got)
	}
	// However many rules fire, the wait stays within the bound.
	f = rules(FaultRule{Operation: "*", LatencyMs: 300_000}, FaultRule{Operation: "*", LatencyMs: 300_000})
	if latency, _ := f.fire("ListUsers", ""); latency != maxFaultLatency {
		t.Errorf("latency of two long rules = %v, want %v", latency, maxFaultLatency)
	}
}
