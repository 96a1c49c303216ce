// Command apigen regenerates package api from the QuickSight model.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/qslocal/qslocal/internal/apigen"
	"github.com/qslocal/qslocal/internal/botocore"
)

func main() {
	out := flag.String("out", ".", "directory of package api")
	model := flag.String("model", "", "path of service-2.json (default: the repository's copy, internal/apigen/model)")
	flag.Parse()
	if err := run(*out, *model); err != nil {
		fmt.Fprintln(os.Stderr, "apigen:", err)
		os.Exit(1)
	}
}

func run(out, model string) error {
	if model == "" {
		p, err := botocore.FindModel(out)
		if err != nil {
			return err
		}
		model = p
	}
	m, err := botocore.Load(model)
	if err != nil {
		return err
	}
	files, err := apigen.Generate(m)
	if err != nil {
		return err
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(out, name), src, 0o644); err != nil {
			return err
		}
	}
	return nil
}
