package storetest

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// rss reads this process's resident memory, in bytes: anon its own
// (heap, stacks), file the pages of mapped files.
func rss() (anon, file int64, ok bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	found := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, _ := strings.Cut(sc.Text(), ":")
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch {
		case err != nil:
		case key == "RssAnon":
			anon, found = kb<<10, found+1
		case key == "RssFile":
			file, found = kb<<10, found+1
		}
	}
	return anon, file, found == 2
}
