// Package qslocaltest runs qslocal inside Go tests, the way httptest runs
// an HTTP server: New starts one on a random loopback port with a
// throwaway in-memory store, and the test's cleanup stops it.
//
//	func TestProvisioning(t *testing.T) {
//		qs := qslocaltest.New(t)
//		client := quicksight.NewFromConfig(qs.Config)
//		// ... call client as against AWS ...
//	}
package qslocaltest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/restjson"
	"github.com/qslocal/qslocal/sqlite"
)

// Region is the region of Config, and of the ARNs the server makes.
const Region = "us-east-1"

// Server is a running in-process qslocal.
type Server struct {
	// URL is its endpoint, e.g. http://127.0.0.1:38411.
	URL string
	// Config points an AWS SDK for Go v2 client at it, with static
	// credentials (any are accepted) and the Region.
	Config aws.Config
	// Service is the QuickSight service behind it, for setting up state
	// without going through HTTP (Import, Reset, Export).
	Service *qslocal.Service

	http *restjson.Server
}

// New starts a server for the test and stops it when the test ends. A
// seed snapshot, if given, is loaded before New returns. Asynchronous work
// finishes at once (qslocal.Config.AsyncDelay 0): a new namespace is
// CREATED and a new analysis CREATION_SUCCESSFUL in the answer that makes
// it. The binary takes --async-delay (500ms by default) instead.
func New(t testing.TB, seed ...*qslocal.Snapshot) *Server {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatalf("qslocaltest: opening the store: %v", err)
	}
	svc, err := qslocal.NewService(ctx, qslocal.Config{Store: store, Region: Region})
	if err != nil {
		store.Close()
		t.Fatalf("qslocaltest: %v", err)
	}
	for _, snap := range seed {
		if err := svc.Import(ctx, snap); err != nil {
			store.Close()
			t.Fatalf("qslocaltest: loading the seed: %v", err)
		}
	}
	h := restjson.New(restjson.Config{Handler: svc})
	hs := httptest.NewServer(h)
	t.Cleanup(func() {
		hs.Close()
		store.Close()
	})
	return &Server{
		URL: hs.URL,
		Config: aws.Config{
			Region:       Region,
			BaseEndpoint: aws.String(hs.URL),
			Credentials:  credentials.NewStaticCredentialsProvider("qslocaltest", "qslocaltest", ""),
		},
		Service: svc,
		http:    h,
	}
}

// SetFaults replaces the server's fault rules (see restjson.FaultRule).
func (s *Server) SetFaults(rules ...restjson.FaultRule) {
	s.http.SetFaults(restjson.FaultRules{Rules: rules})
}

// Reset wipes everything the server holds.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	if err := s.Service.Reset(context.Background(), ""); err != nil {
		t.Fatalf("qslocaltest: reset: %v", err)
	}
}
