package servers

import "syscall"

// sysProcAttr runs the server as cred (nil: as this process's user) and
// kills it when the test process dies, so a crashed test leaves no server
// behind.
func sysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
}
