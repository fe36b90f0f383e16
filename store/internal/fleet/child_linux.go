package fleet

import "syscall"

// childAttr kills a replica process when the simulation dies.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
