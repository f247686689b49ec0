//go:build !unix

package userfile

import "os"

// openNonBlocking opens path for reading. Outside Unix there are no named
// pipes in the file system to wait on.
func openNonBlocking(path string) (*os.File, error) {
	return os.Open(path)
}
