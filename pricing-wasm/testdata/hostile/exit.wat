;; ec2x_price writes a fatal error to stderr and calls proc_exit(2), as a Go
;; guest's runtime does when it dies: the call fails with the exit code and
;; what the guest printed.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "fatal error: out of memory\n")
  ;; an iovec at 64: base 16, length 27
  (data (i32.const 64) "\10\00\00\00\1b\00\00\00")
  (func (export "ec2x_abi_version") (result i32) (i32.const 1))
  (func (export "ec2x_kinds") (result i32) (i32.const 0x2))
  (func (export "ec2x_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "ec2x_price") (param i32 i32 i32 i32) (result i32)
    (drop (call $fd_write (i32.const 2) (i32.const 64) (i32.const 1) (i32.const 72)))
    (call $proc_exit (i32.const 2))
    (unreachable))
)
