package e2e

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// fetch GETs path on the server and returns the status and body.
func (s *server) fetch(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// requestLine returns the JSON request line logged for a request id, or
// nil.
func (s *server) requestLine(t *testing.T, id string) map[string]any {
	t.Helper()
	for _, line := range strings.Split(s.logs.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["request_id"] == id {
			return m
		}
	}
	return nil
}

// TestRequestLogAndMetrics: the log line of a request carries the request
// id the SDK received, and /metrics counts it.
func TestRequestLogAndMetrics(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--log-format", "json")
	c := s.client("us-east-1")
	const counted = `qslocal_requests_total{operation="RegisterUser",status="201"} `

	_, metrics := s.fetch(t, "/metrics")
	if strings.Contains(metrics, counted) {
		t.Fatalf("RegisterUser counted before any:\n%s", metrics)
	}
	out, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{
		AwsAccountId: aws.String(account), Namespace: aws.String("default"), IdentityType: types.IdentityTypeQuicksight,
		Email: aws.String("x@example.com"), UserRole: types.UserRoleReader, UserName: aws.String("logged"),
	})
	if err != nil {
		t.Fatal(err)
	}
	id, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if !ok || id == "" {
		t.Fatal("the SDK received no request id")
	}
	_, err = c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("nobody")})
	var notFound *types.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Fatalf("DescribeUser of nobody: %v", err)
	}
	var withID interface{ ServiceRequestID() string } // the SDK's *http.ResponseError
	if !errors.As(err, &withID) || withID.ServiceRequestID() == "" {
		t.Fatalf("no request id in %v", err)
	}
	failedID := withID.ServiceRequestID()

	// The line is written as the answer goes out; give the pipe a moment.
	var line, failed map[string]any
	for deadline := time.Now().Add(5 * time.Second); (line == nil || failed == nil) && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		line, failed = s.requestLine(t, id), s.requestLine(t, failedID)
	}
	if line["level"] != "INFO" || line["operation"] != "RegisterUser" || line["account"] != account || line["status"] != float64(201) || line["code"] != "" {
		t.Errorf("logged for request %s: %v", id, line)
	}
	if failed["operation"] != "DescribeUser" || failed["status"] != float64(404) || failed["code"] != "ResourceNotFoundException" {
		t.Errorf("logged for request %s: %v", failedID, failed)
	}

	_, metrics = s.fetch(t, "/metrics")
	for _, want := range []string{counted + "1", `qslocal_errors_total{code="ResourceNotFoundException"} 1`,
		`qslocal_request_duration_seconds_count{operation="DescribeUser"} 1`, "qslocal_database_size_bytes "} {
		if !strings.Contains(metrics, want) {
			t.Errorf("no %q in\n%s", want, metrics)
		}
	}
}

// TestHealth: 200 while the store answers; on PostgreSQL, 503 while the
// database is away, and 200 again once it is back.
func TestHealth(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	status, body := s.fetch(t, "/_qslocal/health")
	var health map[string]string
	if err := json.Unmarshal([]byte(body), &health); status != 200 || err != nil || health["status"] != "ok" || health["version"] == "" || health["commit"] == "" {
		t.Errorf("health: %d %s", status, body)
	}

	if testing.Short() {
		return // the outage below waits for connections to time out
	}
	u, err := url.Parse(migratedPostgres(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutter(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	pg := start(t, u.String(), "--db-connect-timeout", "1s")
	if status, body := pg.fetch(t, "/_qslocal/health"); status != 200 || !strings.Contains(body, `"store":"postgres"`) {
		t.Errorf("health on PostgreSQL: %d %s", status, body)
	}
	proxy.cut(true)
	status, body = pg.fetch(t, "/_qslocal/health")
	if status != 503 || !strings.Contains(body, "database") {
		t.Errorf("health while the database is away: %d %s", status, body)
	}
	proxy.cut(false)
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, body = pg.fetch(t, "/_qslocal/health")
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health after the database came back: %d %s", status, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
