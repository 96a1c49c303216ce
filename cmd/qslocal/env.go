package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// envPrefix starts the environment variables that stand for flags.
const envPrefix = "QSLOCAL_"

// testPrefixes start QSLOCAL_ variables that the test suites and the admin
// commands read, which name no flag and are not worth a warning.
var testPrefixes = []string{"QSLOCAL_TEST_", "QSLOCAL_E2E_", "QSLOCAL_REQUIRE_", "QSLOCAL_ENDPOINT"}

// envName is the environment variable that stands for a flag:
// --db-lock-timeout is QSLOCAL_DB_LOCK_TIMEOUT.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets each flag the command line left unset from its variable in
// environ ("NAME=value" entries, as os.Environ gives them), and warns of
// QSLOCAL_ variables that name no flag: most likely a misspelling.
func applyEnv(fs *flag.FlagSet, environ []string, stderr io.Writer) error {
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	byEnv := map[string]*flag.Flag{}
	fs.VisitAll(func(f *flag.Flag) { byEnv[envName(f.Name)] = f })
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, envPrefix) {
			continue
		}
		f, ok := byEnv[name]
		switch {
		case !ok:
			if !slices.ContainsFunc(testPrefixes, func(p string) bool { return strings.HasPrefix(name, p) }) {
				fmt.Fprintf(stderr, "qslocal: warning: %s names no flag; ignored (see qslocal --help)\n", name)
			}
		case onCommandLine[f.Name]:
			// The command line wins.
		default:
			if err := fs.Set(f.Name, value); err != nil {
				return fmt.Errorf("%s: invalid value %q: %v", name, value, err)
			}
		}
	}
	return nil
}

// usage prints how to run qslocal: its commands, and each flag with its
// environment variable.
func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage:
  qslocal [flags]             serve the Amazon QuickSight API
  qslocal version             print the version and the commit it was built from
Admin commands:
`+adminUsage+`

Flags (each also set by the environment variable shown; a flag on the
command line wins):
`)
	fs.VisitAll(func(f *flag.Flag) {
		typ, help := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s %s  [%s]\n    \t%s", f.Name, typ, envName(f.Name), help)
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "0s" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}
