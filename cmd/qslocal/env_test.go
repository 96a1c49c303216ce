package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		environ []string
		check   func(options) bool
		errHas  string // "" for success
		warnHas string // "" for no warning
	}{
		{name: "env sets a flag", environ: []string{"QSLOCAL_DB_LOCK_TIMEOUT=250ms", "QSLOCAL_REGION=eu-west-1", "QSLOCAL_RATE_LIMIT=3"},
			check: func(o options) bool {
				return o.lockTimeout == 250*time.Millisecond && o.region == "eu-west-1" && o.rateLimit == 3
			}},
		{name: "env sets the async delay", environ: []string{"QSLOCAL_ASYNC_DELAY=0"},
			check: func(o options) bool { return o.asyncDelay == 0 }},
		{name: "negative async delay", environ: []string{"QSLOCAL_ASYNC_DELAY=-1s"}, errHas: "--async-delay"},
		{name: "flag wins", args: []string{"--region", "ap-south-1"}, environ: []string{"QSLOCAL_REGION=eu-west-1"},
			check: func(o options) bool { return o.region == "ap-south-1" }},
		{name: "flag wins over a bad value", args: []string{"--rate-limit", "2"}, environ: []string{"QSLOCAL_RATE_LIMIT=lots"},
			check: func(o options) bool { return o.rateLimit == 2 }},
		{name: "value with =", environ: []string{"QSLOCAL_DB=postgres://u@h/db?sslmode=disable"},
			check: func(o options) bool { return o.db == "postgres://u@h/db?sslmode=disable" }},
		{name: "other variables ignored", environ: []string{"REGION=x", "qslocal_region=y", "PATH=/bin"},
			check: func(o options) bool { return o.region == "us-east-1" }},
		{name: "invalid value names the variable", environ: []string{"QSLOCAL_DB_LOCK_TIMEOUT=soon"}, errHas: "QSLOCAL_DB_LOCK_TIMEOUT"},
		{name: "checked like a flag", environ: []string{"QSLOCAL_RATE_LIMIT=-1"}, errHas: "--rate-limit"},
		{name: "pool variable on SQLite", environ: []string{"QSLOCAL_DB_MAX_CONNS=3"}, errHas: "--db-max-conns"},
		{name: "unknown variable warns", environ: []string{"QSLOCAL_REGOIN=eu-west-1"},
			check: func(o options) bool { return o.region == "us-east-1" }, warnHas: "QSLOCAL_REGOIN"},
		{name: "test suites' variables are silent", environ: []string{"QSLOCAL_TEST_POSTGRES=x", "QSLOCAL_E2E_STORE=postgres", "QSLOCAL_REQUIRE_POSTGRES=1", "QSLOCAL_REQUIRE_CLIENTS=1"},
			check: func(o options) bool { return true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			o, err := parseFlags(tc.args, tc.environ, io.Discard, &stderr)
			switch {
			case tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas)):
				t.Errorf("error %v, want one naming %s", err, tc.errHas)
			case tc.errHas == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.errHas == "" && !tc.check(o):
				t.Errorf("options %+v", o)
			}
			if warn := stderr.String(); tc.warnHas == "" && warn != "" || !strings.Contains(warn, tc.warnHas) {
				t.Errorf("stderr %q, want a warning naming %q", warn, tc.warnHas)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "-help"} {
		var stdout bytes.Buffer
		// An invalid variable is not read: help is all that runs.
		if err := run(context.Background(), []string{arg}, []string{"QSLOCAL_DB_MAX_CONNS=x"}, &stdout, io.Discard); err != nil {
			t.Errorf("%s: %v", arg, err)
		}
		help := stdout.String()
		for _, want := range []string{"qslocal version", "qslocal reset", "qslocal export", "qslocal import", "qslocal faults",
			"qslocal request-upgrade", "--endpoint", "--addr HOST:PORT", "QSLOCAL_ADDR", "--db-lock-timeout duration", "QSLOCAL_DB_LOCK_TIMEOUT",
			"--log-format format", "QSLOCAL_LOG_FORMAT", "--async-delay duration", "QSLOCAL_ASYNC_DELAY", "(default 500ms)"} {
			if !strings.Contains(help, want) {
				t.Errorf("%s: help lacks %q:\n%s", arg, want, help)
			}
		}
	}
	if _, err := parseFlags([]string{"--help"}, nil, io.Discard, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parseFlags(--help) = %v, want flag.ErrHelp", err)
	}
}

func TestCommands(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"version"}, nil, &stdout, io.Discard); err != nil || !strings.HasPrefix(stdout.String(), "qslocal ") {
		t.Errorf("version: %q, %v", stdout.String(), err)
	}
	for _, args := range [][]string{{"serve"}, {"version", "extra"}} {
		if err := run(context.Background(), args, nil, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
	if err := run(context.Background(), []string{"nope"}, nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), `unknown command "nope"`) {
		t.Errorf("unknown command: %v", err)
	}
	// Each admin command explains itself on --help, which is no failure;
	// a wrong count of arguments is.
	for _, name := range []string{"reset", "export", "import", "faults", "request-upgrade"} {
		var usage bytes.Buffer
		if err := run(context.Background(), []string{name, "--help"}, nil, io.Discard, &usage); err != nil || !strings.Contains(usage.String(), "usage: qslocal "+name) {
			t.Errorf("%s --help: %v, usage %q", name, err, usage.String())
		}
	}
	if err := run(context.Background(), []string{"import"}, nil, io.Discard, io.Discard); err == nil {
		t.Error("import without a file succeeded")
	}
	// No server at the endpoint: a failure that says where it looked.
	if err := run(context.Background(), []string{"reset", "--endpoint", "http://127.0.0.1:1"}, nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "is qslocal running at http://127.0.0.1:1?") {
		t.Errorf("reset without a server: %v", err)
	}
}

func TestResolveVersion(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tc := range []struct {
		name                    string
		linkedV, linkedC        string
		bi                      *debug.BuildInfo
		wantVersion, wantCommit string
	}{
		{"nothing known", "", "", nil, "dev", "unknown"},
		{"local build without VCS", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev", "unknown"},
		{"go install @version", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}}, "v0.2.0", "unknown"},
		{"checkout", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("abc123", "false")}, "dev", "abc123"},
		{"changed checkout", "", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("abc123", "true")}, "dev", "abc123+dirty"},
		{"linker wins", "v1.0.0", "fff000", &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}, Settings: vcs("abc123", "true")}, "v1.0.0", "fff000"},
		{"linker sets the version only", "v1.0.0", "", &debug.BuildInfo{Settings: vcs("abc123", "false")}, "v1.0.0", "abc123"},
	} {
		v, c := resolveVersion(tc.linkedV, tc.linkedC, tc.bi)
		if v != tc.wantVersion || c != tc.wantCommit {
			t.Errorf("%s: %q %q, want %q %q", tc.name, v, c, tc.wantVersion, tc.wantCommit)
		}
	}
}
