//go:build !unix

package devdb

import (
	"errors"
	"os"
	"syscall"
)

type stopSignal int

const (
	stopFast stopSignal = iota
	stopImmediate
	stopKill
)

type account struct {
	name     string
	uid, gid uint32
}

var errUnsupported = errors.New("the embedded dev server needs a Unix-like system; use --dev-url with a PostgreSQL server instead")

func platformSupported() error                { return errUnsupported }
func serverAccount() (*account, error)        { return nil, errUnsupported }
func procAttr(*account) *syscall.SysProcAttr  { return nil }
func chown(string, *account) error            { return nil }
func accessible(string, *account, bool) error { return nil }
func signalServer(int, stopSignal) error      { return errUnsupported }
func processAlive(int, string) bool           { return false }
func processStartTime(int) string             { return "" }
func processCwd(int) (string, bool)           { return "", false }
func processStartUnix(int) (int64, bool)      { return 0, false }
func pidNamespace() string                    { return "" }
func fileOwner(os.FileInfo) (uint32, bool)    { return 0, false }
