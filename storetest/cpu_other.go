//go:build !unix

package storetest

import "time"

// cpuTime cannot be read here.
func cpuTime() (time.Duration, bool) { return 0, false }
