package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/qslocal/qslocal/internal/bench"
)

// command runs the subcommand name: version here, the admin commands in
// admin.go.
func command(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	if name == "version" {
		if len(args) > 0 {
			return fmt.Errorf("version takes no arguments; got %q", args)
		}
		v, c := buildVersion()
		fmt.Fprintf(stdout, "qslocal %s (commit %s)\n", v, c)
		return nil
	}
	if name == "bench" {
		return bench.Main(ctx, args, stdout, stderr)
	}
	handled, err := admin(ctx, name, args, stdout, stderr)
	if !handled && err == nil {
		return fmt.Errorf("unknown command %q (see qslocal --help)", name)
	}
	return err
}

// buildVersion is the version and commit this binary was built from.
func buildVersion() (v, c string) {
	bi, _ := debug.ReadBuildInfo()
	return resolveVersion(version, commit, bi)
}

// resolveVersion prefers what the linker set, then what Go recorded: the
// module's version (go install pkg@v1.2.3) and the VCS revision (builds in
// a checkout), marked +dirty when the checkout had changes.
func resolveVersion(linkedVersion, linkedCommit string, bi *debug.BuildInfo) (v, c string) {
	v, c = linkedVersion, linkedCommit
	if bi != nil {
		if v == "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if c == "" && rev != "" {
			c = rev
			if modified == "true" {
				c += "+dirty"
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if c == "" {
		c = "unknown"
	}
	return v, c
}
